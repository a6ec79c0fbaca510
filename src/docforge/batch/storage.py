"""Inputs and outputs as fsspec URLs (file://, memory://, s3://, gs://, …) for a batch.

A location is a URL when it names a protocol (`scheme://…`); everything else is a local
path and goes through docforge.io as before. For URLs: inputs are read and outputs
written through fsspec with the same relative layout as for directories; an output is
first written under a temporary name beside its final one (`.NAME.PID.RANDOM.part`) and
then moved there, so the final name never holds a partial object; `skip_unchanged`
goes by the manifest beside each output, as for paths (manifest.py). fsspec and the backend of a
protocol (s3fs, gcsfs, …) are imported only when a URL is used. This module never parses
or renders a document: api.read and api.render do.
"""
from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from .. import api, formats
from ..errors import InputError, OutputError, UsageError
from ..records import replace
from ..style import Style, load_style

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # two letters at least: C:\ is a path


def is_url(location) -> bool:
    return location is not None and bool(_URL.match(str(location)))


def protocol(location) -> str | None:
    return str(location).split("://", 1)[0].lower() if is_url(location) else None


def split(url: str):
    """(file system, path inside it); a one-line error naming the package a protocol needs."""
    try:
        import fsspec
    except ImportError:
        raise UsageError(f"{url}: URLs need fsspec; pip install 'docforge[cluster]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise UsageError(f"{url}: cannot open this URL ({exc}); install the fsspec backend of "
                         f"{protocol(url)}:// (e.g. s3fs for s3://, gcsfs for gs://)") from None


def _join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p and p != ".")])


def files_in(directory: str, recursive: bool) -> list[tuple[str, Path | None]]:
    """The files under a URL directory as URLs, each with its relative directory."""
    fs, root = split(directory)
    root = root.rstrip("/")
    listing = (fs.find(root) if recursive
               else [e["name"] for e in fs.ls(root, detail=True) if e["type"] == "file"])
    out = []
    for name in sorted(listing):
        rel = PurePosixPath(name).parent.relative_to(PurePosixPath(root or "/"))
        out.append((_join(directory, str(PurePosixPath(name).relative_to(PurePosixPath(root or "/")))),
                    Path(str(rel)) if str(rel) != "." else None))
    return out


def output_urls(source: str, names: list[str], output, many_inputs: bool,
                relative: Path | None) -> list[str]:
    """Like api.output_paths, for a URL input or output: one output due (one input, one
    format) -> -o is that file whatever its name, unless it is an existing directory;
    else a directory (beside the input when -o is absent) receiving STEM.EXT."""
    stem = PurePosixPath(str(source).split("://", 1)[-1]).stem
    if output is not None and str(output) == "-":
        raise UsageError("-o - (standard output) is for local inputs; give an output directory")
    api.check_output_directory(output, names, many_inputs)
    if output is not None and not many_inputs and len(names) == 1:
        fs, path = split(str(output)) if is_url(output) else _fs_of(str(output))
        if not fs.isdir(path):
            return [str(output)]
    directory = str(output) if output is not None else str(source).rsplit("/", 1)[0]
    rel = str(PurePosixPath(*Path(relative).parts)) if relative is not None else ""
    return [_join(directory, rel, f"{stem}.{formats.extension(fmt)}") for fmt in names]


def _fs_of(location: str):
    """A file system and path for a URL or a local path alike."""
    if is_url(location):
        return split(location)
    import fsspec
    return fsspec.filesystem("file"), os.path.abspath(location)


def convert_stored(source: str, relative: Path | None = None, *, to=None, output=None,
                   many_inputs: bool = False, style=None, from_format=None, encoding=None,
                   options=None, meta=None, max_input_size=None, skip_unchanged=False,
                   **reading) -> api.ConversionResult:
    """What api.convert does for one input, with the input or the outputs behind fsspec."""
    import time
    started = time.perf_counter()
    names = api.resolve_formats(to, output)
    the_style = style if isinstance(style, Style) else load_style(style)
    targets = output_urls(source, names, output, many_inputs, relative)
    result = api.ConversionResult(source)
    kept = [(fmt, t) for fmt, t in zip(names, targets) if t != source]  # never overwrite the input
    fs, path = _fs_of(source)
    try:
        size = fs.size(path)
        if max_input_size is None:
            from ..options import DEFAULT_MAX_INPUT_SIZE
            max_input_size = DEFAULT_MAX_INPUT_SIZE
        if size > max_input_size:
            raise InputError(f"{source}: is {size} bytes, over --max-input-size {max_input_size}; "
                             "raise the limit or split the file")
        data = fs.cat_file(path)
    except FileNotFoundError:
        raise InputError(f"{source}: no such file; check the URL") from None
    except (PermissionError, OSError) as exc:
        raise InputError(f"{source}: cannot be read ({exc}); check the URL and its credentials") from None
    options = options or api.WriteOptions()
    if options.input_mtime is None:  # an undated document is dated by its input, as convert() does
        options = replace(options, input_mtime=_modified(fs, path))
    produced_by = None
    if skip_unchanged:
        from .manifest import Provenance
        produced_by = Provenance(data, the_style, options, meta=meta, from_format=from_format,
                                 encoding=encoding, reading=reading)
        if all(produced_by.made(fmt, target) for fmt, target in kept):
            result.skipped = True
            result.outputs = [t for _, t in kept]
            return result
    # read() as for a path: bytes for the binary readers, decoding, -M and the reading options
    doc = api.read(data, from_format or formats.reader_for_path(path), encoding=encoding,
                   diagnostics=result.diagnostics, name=source, meta=meta, **reading)
    rendered = api.render(doc, [fmt for fmt, _ in kept], style=the_style, options=options,
                          target_names=[t for _, t in kept], diagnostics=result.diagnostics)
    for (fmt, target), payload in zip(kept, rendered):
        put_atomically(target, payload)
        if produced_by is not None:
            produced_by.record(fmt, target)
        result.outputs.append(target)
    result.seconds = time.perf_counter() - started
    return result


def put_atomically(target: str, payload: bytes) -> None:
    """Store `payload` at `target` so that the final name never holds a partial object:
    write a temporary object beside it, then move it there (a rename on local disks, a
    server-side copy on object stores, a dict entry in memory://)."""
    fs, path = _fs_of(target)
    parent, name = path.rsplit("/", 1) if "/" in path else ("", path)
    temporary = f"{parent}/.{name[:100]}.{os.getpid()}.{os.urandom(4).hex()}.part"
    try:
        if parent:
            fs.makedirs(parent, exist_ok=True)
        fs.pipe_file(temporary, payload)
        fs.mv(temporary, path)
    except BaseException as exc:
        try:
            if fs.exists(temporary):
                fs.rm(temporary)
        except Exception:  # the original failure is the one to report
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot be written ({exc}); check the output URL and "
                              "its credentials") from None
        raise


def remove_temporaries(targets) -> None:
    """Remove the temporary files a killed worker left beside `targets` (paths or URLs):
    a SIGKILL gives it no chance to clean up. Only this batch writes these targets, so a
    `.NAME.*.part` beside one of them is its own leftover."""
    by_directory: dict[str, set[str]] = {}
    for target in targets:
        text = str(target)
        if text == "-":
            continue
        directory, name = text.rsplit("/", 1) if is_url(text) else (str(Path(text).parent), Path(text).name)
        by_directory.setdefault(directory, set()).add(f".{name[:100]}.")
    for directory, prefixes in by_directory.items():
        fs, path = _fs_of(directory)
        try:
            entries = [str(e).rstrip("/").rsplit("/", 1)[-1] for e in fs.ls(path, detail=False)]
        except OSError:
            continue
        for base in entries:
            if base.endswith(".part") and any(base.startswith(p) for p in prefixes):
                try:
                    fs.rm(f"{path.rstrip('/')}/{base}")
                except OSError:
                    pass


def _modified(fs, path: str) -> float | None:
    """The object's modification time, when its store keeps one (memory:// does not)."""
    try:
        return fs.modified(path).timestamp()
    except (NotImplementedError, OSError, AttributeError, ValueError):
        return None
