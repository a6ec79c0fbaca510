"""`docforge convert`: one input, many inputs or directories, to one or more formats.

One file is one `api.convert` call; several inputs or a directory are one
`api.convert_many` call, drawn as a progress bar on a terminal and ended by a summary
line. pandoc's options are read by a first pass over the command line
(params.PandocCommandLine) and become options of the same call. This module must not
decide anything about formats, paths or outputs: the API does.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time

import click

from .. import api
from .. import formats as format_table
from ..cli import EXIT_CODES_HELP, Command, report, run, say
from ..errors import EXIT_PARTIAL, UsageError
from ..options import WriteOptions
from .params import PATH, Count, FormatList, FormatOption, PandocCommandLine, PaperSize, diagnostics_options


PANDOC_HELP = """\b
pandoc's other options are accepted as pandoc spells them: writer options (--wrap,
--template, -V, --columns...) go to pandoc's formats, reader options (--track-changes...)
to the inputs pandoc reads, a few are ignored with a warning or refused; the README's
option table lists every one."""


class ConvertCommand(Command):
    """`convert`'s command line gets a first pass before click's (params.PandocCommandLine):
    pandoc's options docforge hands to pandoc or ignores, the filter chain in its order,
    and `-s THEME` from the days -s meant --style."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from ..style import builtin_styles
        pandoc_line = PandocCommandLine()
        try:
            args = pandoc_line.split(list(args), builtin_styles())
        except UsageError as exc:
            raise click.UsageError(str(exc), ctx) from None
        ctx.meta["docforge.pandoc"] = pandoc_line
        return super().parse_args(ctx, args)


@click.command(cls=ConvertCommand, epilog=PANDOC_HELP + "\n\n" + EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True, type=PATH, metavar="INPUT...")
@click.option("-t", "-w", "--to", "--write", "to", cls=FormatOption, type=FormatList("writer"),
              help="Output format(s): {formats}, a comma list, or all (docforge's own). "
              "Default: from -o's extension.")
@click.option("-o", "--output", type=PATH, help="One output due: that file, whatever its name (- for stdout); "
              "several: a directory (created). Default: beside each input; stdout for stdin.")
@click.option("-f", "--from", "--read", "from_format", cls=FormatOption, type=FormatList("reader"),
              help="Input format: {formats}. Default: from the input's extension, else text.")
@click.option("--style", metavar="NAME|FILE.toml",
              help="Theme: a built-in name (default, handout) or a .toml file.")
@click.option("-s", "--standalone", is_flag=True,
              help="pandoc's formats: a whole document with its title block (docforge's own "
              "formats always are).")
@click.option("--encoding", metavar="ENC", help="Input encoding (default: detected).")
@click.option("--fragment", is_flag=True, help="HTML: write the body only.")
@click.option("--toc/--no-toc", "--table-of-contents", default=None,
              help="Add a table of contents (default: the theme's).")
@click.option("--toc-depth", type=Count(1, 6), help="Heading levels in the table of contents (1-6).")
@click.option("-N", "--number-sections/--no-number-sections", default=None,
              help="Number the headings (default: the theme's).")
@click.option("--shift-heading-level-by", "shift", type=int, default=0, metavar="N",
              help="Add N to every heading level (pandoc's rule: below 1 a paragraph, or the title).")
@click.option("--paper", type=PaperSize(), help="PDF/DOCX page size, overriding the theme.")
@click.option("--reference-doc", "--reference-docx", "reference_doc", type=PATH,
              help="DOCX: take styles and page setup from this file (ODT/PPTX: pandoc's).")
@click.option("--resource-path", metavar="DIR[:DIR...]",
              help="Folders images are found in (default: the input's folder, then the working directory).")
@click.option("--epub-cover-image", type=PATH, help="EPUB: the cover image.")
@click.option("-M", "--meta", "--metadata", "meta", multiple=True, metavar="KEY=VALUE",
              help="Set metadata (title, subtitle, author, date, lang, keywords…); repeatable.")
@click.option("--metadata-file", type=PATH, help="Metadata from a YAML or JSON file, under the document's own.")
@click.option("-F", "--filter", "filters_", multiple=True, metavar="PROGRAM",
              help="A pandoc JSON filter, run after reading; in order with -L and -C.")
@click.option("-L", "--lua-filter", "lua_filters_", multiple=True, metavar="FILE",
              help="A pandoc Lua filter, run in order with -F and -C.")
@click.option("-C", "--citeproc", "citeproc_", is_flag=True,
              help="pandoc's citeproc (with --bibliography, --csl), in order with -F and -L.")
@click.option("-r", "--recursive", is_flag=True, help="Directories: include their subdirectories.")
@click.option("-j", "--jobs", type=Count(0), help="Parallel processes for many inputs (default: cores).")
@click.option("--max-input-size", type=Count(1),
              help="Refuse inputs larger than this many bytes (default 209715200 = 200 MiB).")
@click.option("--skip-unchanged", is_flag=True,
              help="Skip inputs whose outputs were made from the same input, options, "
              "metadata and theme (recorded beside each output).")
@click.option("--cluster", envvar="DOCFORGE_CLUSTER", metavar="ADDRESS|local:N",
              help="Many inputs: run on Dask, a scheduler (tcp://host:8786) or local:N worker "
              "processes (also $DOCFORGE_CLUSTER). Exit 4 if the scheduler goes away.")
@click.option("--retries", type=Count(0), default=1, show_default=True,
              help="Many inputs: convert a file again this many times when its worker process dies.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Many inputs: fail a file whose conversion takes longer (the others go on).")
@diagnostics_options
def convert(inputs, output, to, from_format, style, standalone, encoding, fragment, toc, toc_depth,
            number_sections, shift, paper, reference_doc, resource_path, epub_cover_image, meta,
            metadata_file, filters_, lua_filters_, citeproc_, recursive, jobs, max_input_size,
            skip_unchanged, cluster, retries, timeout, quiet, verbose, debug) -> int:
    """Convert INPUT files (or directories of them, or - for stdin)."""
    pandoc_line: PandocCommandLine = click.get_current_context().meta["docforge.pandoc"]

    def action() -> int:
        names = _formats_or_none(to, output)
        pandoc_line.check_use(writes_bridge=any(format_table.lookup(n).bridged("writer") for n in names or ())
                              or names is None,
                              reads_bridge=_reads_bridge(inputs, from_format))
        if not quiet:
            for warning in dict.fromkeys(pandoc_line.warnings):
                say(f"docforge: {warning}")
        options = WriteOptions(fragment=fragment, toc=toc, paper=paper, reference_docx=reference_doc,
                               resource_path=_folders(resource_path), toc_depth=toc_depth,
                               epub_cover_image=epub_cover_image, standalone=standalone,
                               number_sections=number_sections,
                               pandoc_args=tuple(pandoc_line.writer + pandoc_line.embedded))
        kwargs = dict(from_format=from_format, style=style, encoding=encoding, options=options,
                      meta=api.parse_meta(meta), max_input_size=max_input_size,
                      skip_unchanged=skip_unchanged)
        reading = dict(metadata_file=metadata_file, shift_heading_level_by=shift,
                       filters=tuple(pandoc_line.chain), pandoc_args=tuple(pandoc_line.reader),
                       filter_args=tuple(pandoc_line.citeproc))
        kwargs.update({key: value for key, value in reading.items() if value})
        if style:
            kwargs["style"] = api.load_style(style)  # a bad theme fails once, before any file
        if api.is_batch(inputs, cluster):
            kwargs.update(cluster=cluster, retries=retries, timeout=timeout)
            return _batch(inputs, to, output, recursive, jobs, kwargs, verbose, quiet)
        result = api.convert(inputs[0], to, output, **kwargs)
        report(result.diagnostics, verbose, quiet)
        if verbose:
            if result.skipped:
                say(f"docforge: {inputs[0]}: up to date, skipped")
            for path in result.outputs:
                say(f"docforge: wrote {path}")
        return 0
    return run(action, debug)


def _formats_or_none(to, output) -> list[str] | None:
    """The formats asked for, or None when they are wrong (the conversion says why)."""
    try:
        return api.resolve_formats(to, output)
    except UsageError:
        return None


def _reads_bridge(inputs, from_format) -> bool | None:
    """Whether pandoc reads the inputs (None: a directory, not known yet)."""
    if from_format:
        row = format_table.lookup(from_format)
        return row.bridged("reader") if row is not None else None
    answers = set()
    for item in inputs:
        if item == "-":
            answers.add(False)
        elif os.path.isdir(item) or "://" in str(item):
            return None
        else:
            try:
                answers.add(format_table.lookup(format_table.reader_for_path(item)).bridged("reader"))
            except UsageError:
                return None
    return any(answers)


def _folders(resource_path: str | None) -> tuple[str, ...]:
    """--resource-path DIR:DIR as a tuple (pandoc's separator: ':' here, ';' on Windows)."""
    return tuple(part for part in (resource_path or "").split(os.pathsep) if part)


def _batch(inputs, to, output, recursive, jobs, kwargs, verbose, quiet) -> int:
    started = time.perf_counter()
    bar = None
    if not quiet and sys.stderr.isatty():  # a bar only for a person watching
        files = api.expand_inputs(inputs, recursive, to, output)
        bar = click.progressbar(length=len(files), label="converting", file=sys.stderr)

    def progress(result) -> None:
        if bar is not None:
            bar.update(1)

    with bar if bar is not None else contextlib.nullcontext():
        results = api.convert_many(inputs, to, output, recursive=recursive,
                                   jobs=jobs or None, progress=progress, **kwargs)
    failed = [r for r in results if not r.ok]
    for r in results:
        report(r.diagnostics, verbose, quiet)
    for r in failed:
        say(f"docforge: {r.error}")
    elapsed = time.perf_counter() - started
    if not quiet:
        skipped = sum(1 for r in results if r.ok and r.skipped)
        converted = len(results) - len(failed) - skipped
        rate = len(results) / elapsed if elapsed > 0 else 0.0
        say(f"docforge: {converted} converted, {len(failed)} failed, {skipped} skipped "
            f"in {elapsed:.1f}s ({rate:.1f} files/s)")
    return EXIT_PARTIAL if failed else 0
