"""`docforge convert`: one input, many inputs or directories, to one or more formats.

One file is one `api.convert` call; several inputs or a directory are one
`api.convert_many` call, drawn as a progress bar on a terminal and ended by a summary
line. This module must not decide anything about formats, paths or outputs: the API does.
"""
from __future__ import annotations

import contextlib
import sys
import time

import click

from .. import api
from ..cli import EXIT_CODES_HELP, Command, report, run, say
from ..errors import EXIT_PARTIAL
from ..options import WriteOptions
from .params import PATH, Count, FormatList, FormatOption, PaperSize, diagnostics_options


@click.command(cls=Command, epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True, type=PATH, metavar="INPUT...")
@click.option("-t", "--to", cls=FormatOption, type=FormatList("writer"),
              help="Output format(s): {formats}, a comma list, or all. Default: from -o's extension.")
@click.option("-o", "--output", type=PATH, help="One output due: that file, whatever its name (- for stdout); "
              "several: a directory (created). Default: beside each input; stdout for stdin.")
@click.option("-f", "--from", "from_format", cls=FormatOption, type=FormatList("reader"),
              help="Input format: {formats}. Default: from the input's extension, else text.")
@click.option("-s", "--style", metavar="NAME|FILE.toml",
              help="Theme: a built-in name (default, handout) or a .toml file.")
@click.option("--encoding", metavar="ENC", help="Input encoding (default: detected).")
@click.option("--fragment", is_flag=True, help="HTML: write the body only.")
@click.option("--toc/--no-toc", default=None, help="Add a table of contents (default: the theme's).")
@click.option("--paper", type=PaperSize(), help="PDF/DOCX page size, overriding the theme.")
@click.option("--reference-docx", type=PATH, help="DOCX: take styles and page setup from this file.")
@click.option("-M", "--meta", multiple=True, metavar="KEY=VALUE",
              help="Set metadata (title, subtitle, author, date, lang, keywords…); repeatable.")
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
def convert(inputs, output, to, from_format, style, encoding, fragment, toc, paper, reference_docx,
            meta, recursive, jobs, max_input_size, skip_unchanged, cluster, retries, timeout,
            quiet, verbose, debug) -> int:
    """Convert INPUT files (or directories of them, or - for stdin)."""
    def action() -> int:
        options = WriteOptions(fragment=fragment, toc=toc, paper=paper, reference_docx=reference_docx)
        kwargs = dict(from_format=from_format, style=style, encoding=encoding, options=options,
                      meta=api.parse_meta(meta), max_input_size=max_input_size,
                      skip_unchanged=skip_unchanged)
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
