"""The library API behind `docforge/__init__.py`: read, write, convert, convert_many.

Every CLI action is one call here. Functions raise DocforgeError subclasses for user
errors (with one-line messages naming the file and the fix) and return diagnostics
rather than printing them. Nothing here parses text or renders a format itself.
Memory: a conversion keeps one tree while writing (the prepared one: the reader's tree,
the input's bytes and its text are let go once used) and a writer writes a file's output
straight into the file's temporary copy, never into a buffer of the whole output.
"""
from __future__ import annotations

import io as _io
import os
import sys
import time
from pathlib import Path
from typing import BinaryIO, Iterable, Sequence

from . import formats
from .errors import ConversionError, Diagnostic, DocforgeError, InputError, OutputError, UsageError
from .readers.base import ExplainingReader
from .io import atomic_write, decode, read_bytes
from .model import Document, deep_recursion
from .options import Filter, ReadOptions, WriteOptions
from .records import Record, replace
from .style import Style, load_style
from .transforms import prepare
from .validate import check
from .writers.base import RenderContext

Source = str | os.PathLike | bytes | BinaryIO


def _resolve_style(style: Style | str | os.PathLike | None) -> Style:
    return style if isinstance(style, Style) else load_style(style)


def read_text(text: str, format: str = "text", *, source_name: str = "<text>",
              diagnostics: list[Diagnostic] | None = None, pandoc_args: Sequence[str] = ()) -> Document:
    """Parse already-decoded text with the named reader ("text", "json", "markdown"...).
    A reader of files that are not text (docx, odt, epub...) takes bytes: use read()."""
    reader = formats.get_reader(formats.normalize("reader", format))
    if getattr(reader, "binary", False):
        raise UsageError(f"{source_name}: {format} files are not text; read them from a path or bytes")
    return _run_reader(reader, text, source_name, diagnostics, pandoc_args)


def _run_reader(reader, data: str | bytes, source_name: str, diagnostics: list[Diagnostic] | None,
                pandoc_args: Sequence[str] = (), filters: tuple[Filter, ...] = (),
                filter_args: Sequence[str] = ()) -> Document:
    options = ReadOptions(source_name=source_name, pandoc_args=tuple(pandoc_args), filters=filters,
                          filter_args=tuple(filter_args))
    with deep_recursion():
        doc, diags = reader.read(data, options)
    if diagnostics is not None:
        diagnostics.extend(replace(d, source=d.source or source_name) for d in diags)
    return doc


def _source_bytes(source: Source, max_input_size: int | None, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), name or "<bytes>"
    if hasattr(source, "read"):
        data = source.read()  # type: ignore[union-attr]
        return (data.encode("utf-8") if isinstance(data, str) else data), getattr(source, "name", "<stream>")
    return read_bytes(source, max_input_size), ("<stdin>" if str(source) == "-" else str(source))  # type: ignore[arg-type]


def _reader_name(format: str | None, name: str) -> str:
    """The reader asked for, else the one the name's extension picks (the feed reader for
    stdin, bytes and unknown extensions)."""
    return formats.normalize("reader", format or (formats.reader_for_path(name) if not name.startswith("<")
                                                  else formats.DEFAULT_READER))


def _decoded(reader, data: bytes, name: str, encoding: str | None,
             diagnostics: list[Diagnostic]) -> str | bytes:
    """What the reader takes: the bytes for readers of binary files (docx...), else the
    decoded text (decoding diagnostics go to `diagnostics`)."""
    if getattr(reader, "binary", False):
        if not data.strip():
            raise InputError(f"{name}: is empty; give a file with a document")
        return data
    text, decode_diags = decode(data, name, encoding)
    diagnostics.extend(replace(d, source=name) for d in decode_diags)
    return text


def read(source: Source, format: str | None = None, *, encoding: str | None = None,
         diagnostics: list[Diagnostic] | None = None, max_input_size: int | None = None,
         name: str | None = None, meta: dict[str, list[str] | str] | None = None,
         metadata_file: str | os.PathLike | None = None, shift_heading_level_by: int = 0,
         filters: Sequence[Filter | str | tuple[str, str]] = (), pandoc_args: Sequence[str] = (),
         filter_args: Sequence[str] = ()) -> Document:
    """Read a document from a path ('-' = stdin), bytes or a binary file object.

    `format` defaults to the path's extension (.txt and unknown ones -> the feed reader,
    .json -> pandoc JSON, .md -> markdown, .docx -> docx... through pandoc: see
    docforge.formats). Decoding is detected (BOM, UTF-8, then a guess reported as a
    diagnostic) unless `encoding` is given; readers of binary files (docx, odt, epub...)
    get the bytes. Diagnostics are appended to `diagnostics` when it is a list. `name`
    labels bytes in messages and picks their reader by its extension (an upload's file
    name); it is never opened. `pandoc_args` go to a pandoc reader as given.

    Then, in pandoc's order: the values of `metadata_file` (YAML or JSON) that the
    document does not set, `meta` (like --meta) over both, the heading shift
    (`shift_heading_level_by`, as pandoc's), and the `filters` (JSON filter programs, Lua
    filters, citeproc; a path ending .lua is a Lua filter) run by pandoc in the order
    given, with `filter_args` (e.g. --bibliography=refs.bib) on their pandoc command line.
    """
    data, name = _source_bytes(source, max_input_size, name)
    reader = formats.get_reader(_reader_name(format, name))
    collected: list[Diagnostic] = []
    payload = _decoded(reader, data, name, encoding, collected)
    del data  # the decoded text (or, for a binary reader, the same bytes) is what is read
    chain: tuple[Filter, ...] = ()
    if filters:
        from .bridge.filters import as_filters
        chain = as_filters(filters)
    if chain and getattr(reader, "runs_filters", False):
        # pandoc reads this input: its own call runs the chain on its AST, after what pandoc
        # does before filters (the metadata file, -M, the heading shift), as pandoc orders them
        before = ([f"--metadata-file={metadata_file}"] if metadata_file else []) + [
            f"--metadata={key}:{value}" for key, values in (meta or {}).items()
            for value in ([values] if isinstance(values, str) else values)] + (
            [f"--shift-heading-level-by={int(shift_heading_level_by)}"] if shift_heading_level_by else [])
        doc = _run_reader(reader, payload, name, collected, pandoc_args, chain, before + list(filter_args))
        shift_heading_level_by, chain = 0, ()  # done by pandoc; the metadata steps repeat harmlessly
    else:
        doc = _run_reader(reader, payload, name, collected, pandoc_args)
    del payload  # the raw text is not kept alive next to its tree
    doc = _after_reading(doc, name, collected, meta=meta, metadata_file=metadata_file,
                         shift_heading_level_by=shift_heading_level_by, filters=chain,
                         filter_args=filter_args)
    if diagnostics is not None:
        diagnostics.extend(collected)
    return doc


def _after_reading(doc: Document, name: str, diagnostics: list[Diagnostic], *, meta=None,
                   metadata_file=None, shift_heading_level_by: int = 0, filters=(),
                   filter_args: Sequence[str] = ()) -> Document:
    """pandoc's steps between its reader and its writer, in its order (see read())."""
    if metadata_file:
        from .adjust import defaults_under, metadata_from_file
        doc = apply_meta(doc, defaults_under(doc, metadata_from_file(metadata_file)))
    doc = apply_meta(doc, meta)
    if meta and ("lang" in meta or "language" in meta):
        from .readers.language import is_detection_note  # -M names the language: detection is moot
        diagnostics[:] = [d for d in diagnostics if not is_detection_note(d)]
    if shift_heading_level_by:
        from .adjust import shift_heading_levels
        doc, shifted = shift_heading_levels(doc, int(shift_heading_level_by))
        diagnostics.extend(replace(d, source=name) for d in shifted)
    if filters:
        from .bridge.filters import as_filters, run_filters
        with deep_recursion():
            doc, filtered = run_filters(doc, as_filters(filters), name, filter_args)
        diagnostics.extend(replace(d, source=d.source or name) for d in filtered)
    return doc


def write(doc: Document, format: str, target: str | os.PathLike | BinaryIO | None = None, *,
          style: Style | str | os.PathLike | None = None, options: WriteOptions | None = None,
          diagnostics: list[Diagnostic] | None = None) -> bytes | list[Diagnostic]:
    """Write `doc` in `format` to a path (atomically) or a binary file and return the
    writer's diagnostics; with no target, return the bytes (diagnostics then go to the
    `diagnostics` list when one is given, as they always do).

    The document goes through transforms.prepare() first, so ids, table and reference
    numbers are the same in every format.
    """
    the_style = _resolve_style(style)
    check(doc)  # a document built by hand; the readers' own are valid by construction
    context = _context(doc, the_style, options)
    collected: list[Diagnostic] = []
    data = _write(context, format, target, collected)
    if diagnostics is not None:
        diagnostics.extend(collected)
    return collected if target is not None else data  # type: ignore[return-value]


def _context(doc: Document, style: Style, options: WriteOptions | None) -> RenderContext:
    """The render context of `doc`: prepared once, whatever the number of formats written
    from it (write(), convert() and render() all build it here). `number_sections` in the
    options overrides the theme's heading numbering."""
    numbering = options.number_sections if options is not None else None
    if numbering is not None and numbering != style.headings.numbering:
        style = replace(style, headings=replace(style.headings, numbering=numbering))
    with deep_recursion():
        return RenderContext(prepare(doc, style), style, options)


def _preflight(context: RenderContext, names: Sequence[str]) -> dict[str, DocforgeError]:
    """Each requested writer's own checks, all before anything is written: `preflight`
    raises what stops the whole conversion; `unwritable` returns what stops only its own
    format (a page the theme's margins leave no room on), by format name."""
    skipped: dict[str, DocforgeError] = {}
    for name in names:
        writer = formats.get_writer(formats.normalize("writer", name))
        check = getattr(writer, "preflight", None)
        if check is not None:
            check(context)
        unwritable = getattr(writer, "unwritable", None)
        problem = unwritable(context) if unwritable is not None else None
        if problem is not None:
            skipped[name] = problem
    return skipped


def _write(context: RenderContext, format: str, target, diagnostics: list[Diagnostic] | None) -> bytes | None:
    """Render one prepared document with one writer (shared by write() and convert())."""
    writer = formats.get_writer(formats.normalize("writer", format))
    opts = context.options
    diags: list[Diagnostic] = []

    def produce(out) -> None:
        try:
            with deep_recursion():
                diags.extend(writer.write(context, out) or [])
        except DocforgeError:
            raise
        except RecursionError:
            raise ConversionError(f"{opts.source_name}: the document nests too deeply for the "
                                  f"{format} writer; flatten the nesting") from None

    data = None
    if target is not None and not hasattr(target, "write"):
        # straight into the temporary file: the output is never held in memory as a whole
        # (a buffer and its copy were twice the output's size at the peak)
        atomic_write(target, produce)
    else:  # bytes for the caller, or its stream, which gets nothing when the writer fails
        buffer = _io.BytesIO()
        produce(buffer)
        if target is None:
            data = buffer.getvalue()
        else:
            target.write(buffer.getbuffer())  # type: ignore[union-attr]
        del buffer
    if diagnostics is not None:
        diagnostics.extend(replace(d, source=d.source or str(target or opts.source_name)) for d in diags)
    return data


# ------------------------------------------------------------------ convert

class ConversionResult:
    """What happened to one input: the files written, the diagnostics, or the error.
    (Filled in as the conversion goes, so a plain mutable class, not a record.)"""
    __slots__ = ("source", "outputs", "diagnostics", "error", "skipped", "seconds")

    def __init__(self, source: str, outputs: list[Path] | None = None,
                 diagnostics: list[Diagnostic] | None = None, error: DocforgeError | None = None,
                 skipped: bool = False, seconds: float = 0.0) -> None:
        self.source = source
        self.outputs = outputs if outputs is not None else []
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.error = error
        self.skipped = skipped
        self.seconds = seconds

    def __repr__(self) -> str:
        state = f"failed: {self.error}" if self.error else "skipped" if self.skipped else f"{len(self.outputs)} written"
        return f"ConversionResult({self.source!r}, {state})"

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_meta(pairs: Iterable[str]) -> dict[str, list[str]]:
    """`--meta key=value` pairs (repeatable) as a dict of lists; UsageError for a bad pair.
    As in pandoc, KEY:VALUE is the same and a bare KEY means "true"."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            key, sep, value = pair.partition(":")
            if not sep:
                value = "true"
        if not key.strip() or not key.strip().replace("-", "_").isidentifier():
            raise UsageError(f"--meta {pair!r}: expected KEY=VALUE, e.g. --meta lang=de")
        out.setdefault(key.strip().lower(), []).append(value.strip())
    return out


def apply_meta(doc: Document, meta: dict[str, list[str] | str] | None) -> Document:
    """Override document metadata from --meta values (author may repeat; keywords split at ',').
    Each value is a string or a list of strings."""
    if not meta:
        return doc
    m = doc.meta
    changes: dict = {}
    extra = dict(m.extra)
    for key, given in meta.items():
        # a value may be one string or a list of them (--meta gives lists; callers often a string)
        values = [given] if isinstance(given, str) else [str(v) for v in given]
        if not values:
            continue
        last = values[-1]
        if key == "title":
            changes["title"] = last
        elif key == "subtitle":
            changes["subtitle"] = last
        elif key in ("author", "authors"):
            changes["authors"] = tuple(a.strip() for v in values for a in v.split(";") if a.strip())
        elif key == "date":
            changes["date"] = last
        elif key in ("lang", "language"):
            changes["language"] = last
        elif key in ("keywords", "tags"):
            changes["keywords"] = tuple(k.strip() for v in values for k in v.split(",") if k.strip())
        elif key == "source":
            changes["source"] = last
        else:
            extra[key] = last
    changes["extra"] = tuple(sorted(extra.items()))
    return replace(doc, meta=replace(m, **changes))


def resolve_formats(to: str | Sequence[str] | None, output: str | os.PathLike | None) -> list[str]:
    """The writer names asked for: a list, "a,b", "all", or (None) the -o path's extension."""
    if to is None:
        fmt = formats.writer_for_path(output) if output not in (None, "-") else None
        if fmt is None:
            raise UsageError(f"no output format: give --to FORMAT ({', '.join(formats.names('writer'))}, "
                             "all) or -o FILE with one of their extensions")
        return [fmt]
    names = [to] if isinstance(to, str) else list(to)
    flat = [n.strip() for name in names for n in name.split(",") if n.strip()]
    if any(n.lower() == "all" for n in flat):
        return own_writers()
    out: list[str] = []
    for n in flat:
        canonical = formats.normalize("writer", n)
        if canonical not in out:
            out.append(canonical)
    if not out:
        raise UsageError("--to is empty; name at least one format (see `docforge formats`)")
    return out


def own_writers() -> list[str]:
    """What `--to all` writes: every writer but the pandoc bridge's (docforge's own and the
    plugins'); pandoc's formats are asked for by name."""
    return [name for name in formats.names("writer") if not formats.lookup(name).bridged("writer")]


def output_paths(source: str, names: list[str], output: str | os.PathLike | None,
                 many_inputs: bool, relative: Path | None = None) -> list[Path | str]:
    """Where each format of `source` goes, as pandoc decides it: one output due (one input,
    one format) -> `output` is that file whatever its name ('-' and, for stdin, no -o at
    all: standard output); several due -> `output` is a directory receiving STEM.EXT
    (beside the input when -o is absent). An existing directory always receives STEM.EXT."""
    stem = Path(source).stem if source != "-" else "stdin"
    single = not many_inputs and len(names) == 1
    if (output is not None and str(output) == "-") or (output is None and source == "-" and single):
        if not single:
            raise UsageError("-o - (standard output) takes one input and one format")
        return ["-"]
    check_output_directory(output, names, many_inputs)
    if output is not None and single and not Path(output).is_dir():
        return [Path(output)]
    if output is None:
        directory = Path(source).parent if source != "-" else Path(".")
    else:
        directory = Path(output)
    if relative is not None:
        directory = directory / relative
    targets = [directory / f"{stem}.{formats.extension(fmt)}" for fmt in names]
    if len(set(targets)) < len(targets):  # html and html4, markdown and gfm: one extension
        twins = [fmt for fmt, target in zip(names, targets) if targets.count(target) > 1]
        raise UsageError(f"{', '.join(twins)} would all be written as {stem}.{formats.extension(twins[0])}; "
                         "convert to them one at a time, each with its -o")
    return targets


def check_output_directory(output: str | os.PathLike | None, names: Sequence[str], many_inputs: bool) -> None:
    """Several outputs due make -o a directory: refuse one named like a file of a known
    format (`-o two.html` for two formats or inputs), which would otherwise become a
    directory called two.html."""
    if output is None or str(output) == "-" or (not many_inputs and len(names) == 1):
        return
    if Path(output).is_dir():
        return
    suffix = Path(output).suffix.lower()
    if formats.writer_for_path(output) is not None or (suffix and suffix in formats.input_extensions()):
        why = f"{len(names)} formats" if len(names) > 1 else "several inputs"
        raise UsageError(f"{output}: names a {suffix} file, but {why} give several outputs; "
                         "give a directory as -o, or one input and one format")


def convert(source: str | os.PathLike, to: str | Sequence[str] | None = None,
            output: str | os.PathLike | None = None, *, from_format: str | None = None,
            style: Style | str | os.PathLike | None = None, encoding: str | None = None,
            options: WriteOptions | None = None, meta: dict[str, list[str]] | None = None,
            max_input_size: int | None = None, many_inputs: bool = False,
            relative: Path | None = None, stdout: BinaryIO | None = None,
            skip_unchanged: bool = False, metadata_file: str | os.PathLike | None = None,
            shift_heading_level_by: int = 0, filters: Sequence[Filter | str | tuple[str, str]] = (),
            pandoc_args: Sequence[str] = (), filter_args: Sequence[str] = ()) -> ConversionResult:
    """Convert one input to one or more formats. Raises DocforgeError on user errors.

    The input is read as read() reads it (`from_format`, `encoding`, `meta`,
    `metadata_file`, `shift_heading_level_by`, `filters`, `pandoc_args`, `filter_args`).
    Images are looked up in `options.resource_path`, by default the input's folder, then
    the working directory.

    `output`: with one format, the file to write whatever its name (an existing directory
    receives STEM.EXT); with several, a directory (created; a name with a format's
    extension is a UsageError); '-' for stdout; None for beside the input, or stdout for
    stdin ('-') and one format. A binary format is not written to a terminal. The input
    is never overwritten, symlinks included. With `skip_unchanged`, nothing is done when
    the manifest beside every output (batch/manifest.py) says it was made from the same
    input bytes, options, metadata, theme and docforge version and it is unchanged since.
    """
    started = time.perf_counter()
    src = str(source)
    names = resolve_formats(to, output)
    the_style = _resolve_style(style)
    targets = output_paths(src, names, output, many_inputs, relative)
    if many_inputs and output is not None and str(output) != "-" and not Path(output).exists():
        make_output_dir(Path(output))  # called for one file of the caller's own batch: as a batch does
    result = ConversionResult(src)
    if src != "-":
        real_input = Path(src).resolve()
        for fmt, target in list(zip(names, targets)):
            if target == "-" or Path(target).resolve() != real_input:
                continue
            if not many_inputs:
                raise UsageError(f"{target}: is the input file; choose another -o "
                                 "(docforge never overwrites its input)")
            # in a batch (b.json among feeds, --to html,json) the input already is that output
            result.diagnostics.append(Diagnostic(
                f"not written as {fmt}: the output would be the input itself", severity="info",
                source=src))
            names.remove(fmt)
            targets.remove(target)
        if not names:
            return result
    for fmt, target in zip(names, targets):  # before reading: refuse at once, not after the work
        if target == "-":
            _check_terminal(fmt, stdout or sys.stdout.buffer)
    base_options = options or WriteOptions()
    reading = dict(metadata_file=metadata_file, shift_heading_level_by=shift_heading_level_by,
                   filters=filters, pandoc_args=pandoc_args, filter_args=filter_args)
    produced_by = None
    if skip_unchanged and src != "-" and "-" not in targets:
        from .batch.manifest import Provenance
        input_bytes = read_bytes(src, max_input_size)
        base_options = _dated_by_input(base_options, src)
        produced_by = Provenance(input_bytes, the_style, base_options, meta=meta, from_format=from_format,
                                 encoding=encoding, reading=reading)
        if all(produced_by.made(fmt, target) for fmt, target in zip(names, targets)):
            result.skipped = True
            result.outputs = [Path(t) for t in targets]
            return result
        doc = read(input_bytes, from_format, encoding=encoding, diagnostics=result.diagnostics, name=src,
                   meta=meta, **reading)
    else:
        doc = read(src, from_format, encoding=encoding, diagnostics=result.diagnostics,
                   max_input_size=max_input_size, meta=meta, **reading)
    base_options = _dated_by_input(base_options, src)
    if not base_options.resource_path:
        base_options = replace(base_options, resource_path=default_resource_path(src))
    context = _context(doc, the_style, base_options)
    del doc  # the prepared copy is all the writers read: the reader's tree is not kept for them
    skipped = _preflight(context, names)
    for fmt, target in zip(names, targets):
        if fmt in skipped:
            continue  # the other formats are still written; its error is raised below
        each = context.for_writer(replace(base_options, source_name=str(target)))
        if target == "-":
            data = _write(each, fmt, None, result.diagnostics)
            stream = stdout or sys.stdout.buffer
            stream.write(data or b"")
            stream.flush()
            continue
        if output is not None and Path(target) != Path(output):
            if many_inputs:  # the batch made -o: never recreate it if it vanished meanwhile
                make_output_subdir(Path(output), Path(target).parent, src)
            else:
                make_output_dir(Path(target).parent)
        _write(each, fmt, target, result.diagnostics)
        if produced_by is not None:
            produced_by.record(fmt, target)
        result.outputs.append(Path(target))
    result.seconds = time.perf_counter() - started
    if skipped:
        raise next(iter(skipped.values()))
    return result


def default_resource_path(source: str) -> tuple[str, ...]:
    """Where a conversion looks for images when not told: the input's folder, then the
    working directory (stdin: the working directory)."""
    cwd = os.getcwd()
    if source == "-":
        return (cwd,)
    folder = str(Path(source).resolve().parent)
    return (folder,) if folder == cwd else (folder, cwd)


def _dated_by_input(options: WriteOptions, source: str) -> WriteOptions:
    """The input's modification time, the date of an undated document (once it was read)."""
    if source == "-" or options.input_mtime is not None:
        return options
    return replace(options, input_mtime=os.stat(source).st_mtime)


def _check_terminal(fmt: str, stream) -> None:
    """A binary format is not written to a terminal (it would only garble the screen)."""
    media_type = formats.lookup(fmt).media_type
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return
    if hasattr(stream, "isatty") and stream.isatty():
        raise UsageError(f"{fmt} is a binary format and standard output is a terminal; "
                         f"give -o FILE (e.g. -o out.{formats.extension(fmt)}) or redirect the output")


def make_output_dir(directory: Path) -> None:
    """-o names a directory of outputs: create it (and parents), with a one-line error if we can't."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{directory}: exists and is not a directory; choose another -o") from None
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the output directory ({exc.strerror}); "
                          "choose another -o") from None


def output_dir_gone(source: str, output) -> OutputError:
    """The one message for a batch file whose output directory was deleted during the batch."""
    return OutputError(f"{source}: not converted: the output directory {output} disappeared "
                       "during the batch; recreate it and run again")


def make_output_subdir(output: Path, directory: Path, source: str) -> None:
    """Create `directory` (a batch's -o, or a folder below it mirroring the inputs') one
    level at a time below `output`, which the batch made: a deleted `output` is an error
    for this file, not silently made again (mkdir(parents=True) would)."""
    if not output.is_dir():
        raise output_dir_gone(source, output)
    current = output
    for part in directory.relative_to(output).parts:
        current = current / part
        try:
            current.mkdir(exist_ok=True)
        except FileNotFoundError:
            raise output_dir_gone(source, output) from None
        except FileExistsError:
            raise OutputError(f"{current}: exists and is not a directory; choose another -o") from None
        except OSError as exc:
            raise OutputError(f"{current}: cannot create the output directory ({exc.strerror}); "
                              "choose another -o") from None


def render(doc: Document, names: Sequence[str], *, style: Style | str | os.PathLike | None = None,
           options: WriteOptions | None = None, target_names: Sequence[str] | None = None,
           diagnostics: list[Diagnostic] | None = None) -> list[bytes]:
    """`doc` in each format of `names`, as bytes, prepared once for all of them (what
    convert() writes, for callers that store the bytes themselves, e.g. behind fsspec).
    `target_names` name each output in diagnostics."""
    base_options = options or WriteOptions()
    context = _context(doc, _resolve_style(style), base_options)
    del doc  # a caller that keeps no reference (convert_bytes) lets the reader's tree go
    skipped = _preflight(context, names)
    if skipped:
        raise next(iter(skipped.values()))
    labels = target_names or names
    return [_write(context.for_writer(replace(base_options, source_name=str(label))), fmt, None, diagnostics)
            or b"" for fmt, label in zip(names, labels)]


def is_batch(inputs: Sequence[str | os.PathLike], cluster: str | None = None) -> bool:
    """Whether converting `inputs` is a batch (convert_many): several inputs, a directory,
    an fsspec URL (only the batch stores through fsspec) or a cluster to run on."""
    from .batch.inputs import is_directory
    from .batch.storage import is_url
    return len(inputs) > 1 or bool(cluster) or any(
        str(i) != "-" and (is_url(i) or is_directory(i)) for i in inputs)


def expand_inputs(inputs: Sequence[str | os.PathLike], recursive: bool = False,
                  to: str | Sequence[str] | None = None, output: str | os.PathLike | None = None
                  ) -> list[tuple[str, Path | None]]:
    """Files a batch converts, each with its output subdirectory (see docforge.batch.inputs)."""
    from .batch.inputs import expand_inputs as expand
    return expand(inputs, recursive, to, output)


def convert_many(inputs: Sequence[str | os.PathLike], to: str | Sequence[str] | None = None,
                 output: str | os.PathLike | None = None, *, recursive: bool = False,
                 jobs: int | None = None, progress=None, cluster: str | None = None, retries: int = 1,
                 timeout: float | None = None, **kwargs) -> list[ConversionResult]:
    """Convert many inputs (paths or fsspec URLs; directories expand to their files in
    readable formats) and return one result per file, in input order.

    One failing file does not stop the others. Files convert in `jobs` worker processes
    (default: one per core, as on the command line; 1: in this process); `cluster` ("local:N" or a Dask scheduler address "tcp://host:8786") runs
    them on Dask instead. A worker that dies takes its file to another worker up to
    `retries` times; a file over `timeout` seconds fails alone. `progress(result)` is
    called as each file finishes. See docforge.batch.
    """
    from .batch import convert_many as run_batch
    return run_batch(inputs, to, output, recursive=recursive, jobs=jobs, progress=progress,
                     cluster=cluster, retries=retries, timeout=timeout, **kwargs)


def inspect(source: str | os.PathLike | bytes, format: str | None = None, *, encoding: str | None = None,
            name: str | None = None) -> dict:
    """The structure read from `source` (a path, '-' for stdin, or bytes labelled `name`
    like read()'s), as plain data: meta, one entry per block (kind,
    preview, input line range and deciding rule when the reader can explain itself) and
    the diagnostics. What `docforge inspect` prints."""
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), name or "<bytes>"
    else:
        name = "<stdin>" if str(source) == "-" else str(source)
        data = read_bytes(source)
    fmt = _reader_name(format, name)
    reader = formats.get_reader(fmt)
    diagnostics: list[Diagnostic] = []
    payload = _decoded(reader, data, name, encoding, diagnostics)
    blocks: list[dict] = []
    if isinstance(reader, ExplainingReader):  # one parse: the document and the reason for each block
        with deep_recursion():
            parsed = reader.parse(payload)  # type: ignore[arg-type]
        doc = parsed.document
        diagnostics.extend(replace(d, source=d.source or name) for d in parsed.diagnostics)
        for d in parsed.decisions:
            blocks.append(_outline_entry(d.kind, d.preview, [d.first_line, d.last_line], d.rule))
    else:
        doc = _run_reader(reader, payload, name, diagnostics)
        from .model import plain_text
        for b in doc.blocks:
            blocks.append(_outline_entry(_KIND_OF_BLOCK.get(type(b).__name__, type(b).__name__.lower()),
                                         plain_text(b)[:70], None, None))
    m = doc.meta
    meta = {"title": m.title, "subtitle": m.subtitle, "authors": list(m.authors), "date": m.date,
            "language": m.language, "keywords": list(m.keywords)}
    return {"source": name, "format": fmt, "meta": meta, "blocks": blocks,
            "diagnostics": [str(d) for d in diagnostics]}


# What inspect calls a block, whichever reader read it: the feed reader's decision kinds,
# with its two list kinds as one "list" (and which one under "list").
_KIND_OF_BLOCK = {"Heading": "heading", "Paragraph": "paragraph", "BulletList": "bullet_list",
                  "OrderedList": "ordered_list", "Table": "table", "Quote": "quote",
                  "CodeBlock": "code", "ThematicBreak": "rule", "References": "references",
                  "DefinitionList": "definition_list", "LineBlock": "line_block", "Div": "div",
                  "Figure": "figure", "RawBlock": "raw"}
_LIST_STYLES = {"bullet_list": "bullet", "ordered_list": "ordered"}


def _outline_entry(kind: str, preview: str, lines: list[int] | None, rule: str | None) -> dict:
    entry = {"kind": "list" if kind in _LIST_STYLES else kind, "preview": preview, "lines": lines,
             "rule": rule}
    if kind in _LIST_STYLES:
        entry["list"] = _LIST_STYLES[kind]
    return entry


# ------------------------------------------------------------------ in memory (the service)

class ConvertedBytes(Record):
    """An output held in memory: its file name, media type, bytes and the diagnostics."""
    filename: str
    media_type: str
    data: bytes
    diagnostics: tuple[Diagnostic, ...] = ()


ZIP_MEDIA_TYPE = "application/zip"


def _without_image_files(doc: Document, name: str, diagnostics: list[Diagnostic]) -> Document:
    """An input held in memory names no files: an image given by a path (a Markdown or HTML
    upload's) becomes its alt text, said once per path, so that converting bytes (the
    service) never reads a file of the machine it runs on. Embedded images (data: URIs,
    as a DOCX's are read) stay; remote ones no writer fetches."""
    from .model import Image, Span, map_tree
    from .writers.resources import is_remote
    said: set[str] = set()

    def keep_alt_text(node):
        url = node.url.strip()
        if url.lower().startswith("data:") or is_remote(url) or not url:
            return node
        if url not in said:
            said.add(url)
            diagnostics.append(Diagnostic(f"image {url[:80]!r} is a file, and a conversion of bytes "
                                          "reads no files; its alt text is shown instead", source=name))
        return Span(node.inlines, classes=("image-not-embedded",))

    return map_tree(doc, keep_alt_text, frozenset({Image}))  # type: ignore[return-value]


def convert_bytes(data: bytes, to: str | Sequence[str], *, name: str | None = None,
                  from_format: str | None = None, style: Style | str | os.PathLike | None = None,
                  encoding: str | None = None, options: WriteOptions | None = None,
                  meta: dict[str, list[str]] | None = None, **reading) -> ConvertedBytes:
    """Convert an input held in memory (an upload) to one format's bytes, or, for several
    formats (`to="all"`), to a zip of STEM.EXT files with fixed timestamps.

    `name` is only a label, as in read(): messages, the reader from its extension, the
    output's stem. Nothing is read from or written to the file system here (a `style`
    path is the caller's choice): an image given by a path shows its alt text. The document is prepared once for every format.
    `reading` takes read()'s other keywords (metadata_file, filters...).
    """
    names = resolve_formats(to, None)
    the_style = _resolve_style(style)
    diagnostics: list[Diagnostic] = []
    stem = Path(name).stem if name and not name.startswith("<") and Path(name).stem else "document"
    filenames = [f"{stem}.{formats.extension(fmt)}" for fmt in names]
    # no local holds the document read: render() prepares it and lets the reader's tree go
    payloads = render(_without_image_files(read(data, from_format, encoding=encoding, diagnostics=diagnostics,
                                                name=name, meta=meta, **reading), name or "<bytes>", diagnostics),
                      names, style=the_style, options=options, target_names=filenames, diagnostics=diagnostics)
    outputs = list(zip(filenames, names, payloads))
    if len(outputs) == 1:
        filename, fmt, payload = outputs[0]
        return ConvertedBytes(filename, formats.lookup(fmt).media_type, payload, tuple(diagnostics))
    from .writers.zipfiles import FixedTimeZip
    buffer = _io.BytesIO()
    with FixedTimeZip(buffer, (options or WriteOptions()).timestamp().timetuple()[:6]) as bundle:
        for filename, _, payload in outputs:
            bundle.writestr(filename, payload)
    return ConvertedBytes(f"{stem}.zip", ZIP_MEDIA_TYPE, buffer.getvalue(), tuple(diagnostics))
