"""The `docforge` command: parses options, calls the library API, reports.

Thin by design: every action is one call into docforge.api. User errors print one line
(`docforge: FILE: problem; fix`) and exit with the error's code (2 usage, 3 input,
4 output, 5 theme, 6 format, 7 conversion, 8 some files of a batch failed, 130
interrupted); a traceback only with --debug. Diagnostics go to stderr unless -q.
"""
from __future__ import annotations

import gc
import json as _json
import os
import signal
import sys
import time
from pathlib import Path

import click

from . import __version__, api, registry
from .errors import EXIT_INTERRUPTED, EXIT_PARTIAL, Diagnostic, DocforgeError
from .options import WriteOptions

EXIT_CODES_HELP = """Exit codes: 0 success; 1 internal error; 2 usage (bad option, unknown format,
-o equal to an input, bad --meta); 3 input (missing, directory, unreadable, empty, binary,
undecodable); 4 output (missing or unwritable directory, disk full); 5 theme; 6 malformed
pandoc JSON; 7 a writer failed; 8 some files of a batch failed; 130 interrupted."""


class _Interrupted(BaseException):
    """Raised from the SIGTERM handler so that atomic writes clean up like on Ctrl-C."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by a subprocess test
    raise _Interrupted()


def _report(diags: list[Diagnostic], verbose: int, quiet: bool) -> None:
    if quiet:
        return
    for d in diags:
        if d.severity == "info" and verbose < 1:
            continue
        click.echo(f"docforge: {d}", err=True)


def _run(action, debug: bool) -> int:
    """Run `action()`; map DocforgeError and interrupts to one line and an exit code."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    # A conversion allocates millions of small objects that never form cycles (IR nodes,
    # tuples, strings); with the default thresholds the collector rescans them hundreds of
    # times for nothing (~20 % of a 1 MB conversion). This process is short-lived: collect rarely.
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        return action() or 0
    except DocforgeError as exc:
        if debug:
            raise
        click.echo(f"docforge: {exc}", err=True)
        return exc.exit_code
    except (KeyboardInterrupt, _Interrupted):
        click.echo("docforge: interrupted; no partial output was left", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            raise
        click.echo(f"docforge: internal error ({type(exc).__name__}: {exc}); "
                   "rerun with --debug and report it", err=True)
        return 1


def _common(func):
    func = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(func)
    func = click.option("-v", "--verbose", count=True, help="Show informational diagnostics.")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Show errors only.")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="docforge")
def main() -> None:
    """Turn plain-text article feeds into PDF, DOCX, EPUB, HTML and pandoc JSON."""


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-t", "--to", "to", help="Output format(s): html, docx, pdf, epub, json, a comma list, or all. "
              "Default: from -o's extension.")
@click.option("-o", "--output", help="Output file (one input, one format), directory, or - for stdout. "
              "Default: beside each input.")
@click.option("-f", "--from", "from_format", help="Input format: text (default) or json (pandoc AST).")
@click.option("-s", "--style", help="Theme: a built-in name (default, handout) or a .toml file.")
@click.option("--encoding", help="Input encoding (default: detected).")
@click.option("--fragment", is_flag=True, help="HTML: write the body only.")
@click.option("--toc/--no-toc", default=None, help="Add a table of contents (default: the theme's).")
@click.option("--paper", type=click.Choice(["A4", "A5", "Letter", "Legal"], case_sensitive=False),
              help="PDF/DOCX page size, overriding the theme.")
@click.option("--reference-docx", type=click.Path(), help="DOCX: take styles and page setup from this file.")
@click.option("-M", "--meta", "meta", multiple=True, help="Set metadata, KEY=VALUE (title, author, date, lang, keywords…).")
@click.option("-r", "--recursive", is_flag=True, help="Directories: include *.txt in subdirectories.")
@click.option("-j", "--jobs", type=click.IntRange(0), default=None, help="Parallel processes for many inputs (default: cores).")
@click.option("--max-input-size", type=click.IntRange(1), default=None, help="Refuse inputs larger than this many bytes.")
@click.option("--skip-unchanged", is_flag=True, help="Skip inputs whose outputs are newer than the input and the theme.")
@_common
def convert(inputs, to, output, from_format, style, encoding, fragment, toc, paper, reference_docx,
            meta, recursive, jobs, max_input_size, skip_unchanged, quiet, verbose, debug):
    """Convert INPUT files (or directories of *.txt, or - for stdin)."""

    def action() -> int:
        meta_values = api.parse_meta(meta)
        options = WriteOptions(fragment=fragment, toc=toc, paper=paper, reference_docx=reference_docx)
        kwargs = dict(from_format=from_format, style=style, encoding=encoding, options=options,
                      meta=meta_values, max_input_size=max_input_size, skip_unchanged=skip_unchanged)
        if style:
            kwargs["style"] = api.load_style(style)  # a bad theme fails once, before any file
        many = len(inputs) > 1 or any(i != "-" and Path(i).is_dir() for i in inputs)
        if not many:
            result = api.convert(inputs[0], to, output, **kwargs)
            _report(result.diagnostics, verbose, quiet)
            if result.skipped and verbose:
                click.echo(f"docforge: {inputs[0]}: up to date, skipped", err=True)
            for path in result.outputs:
                if verbose:
                    click.echo(f"docforge: wrote {path}", err=True)
            return 0
        return _batch(inputs, to, output, recursive, jobs, kwargs, quiet, verbose)

    sys.exit(_run(action, debug))


def _batch(inputs, to, output, recursive, jobs, kwargs, quiet, verbose) -> int:
    started = time.perf_counter()
    show_bar = not quiet and sys.stderr.isatty()
    files = api.expand_inputs(inputs, recursive)
    bar = click.progressbar(length=len(files), label="converting", file=sys.stderr) if show_bar else None
    done: list = []

    def progress(result):
        done.append(result)
        if bar is not None:
            bar.update(1)

    workers = jobs if jobs else (os.cpu_count() or 1)
    try:
        if bar is not None:
            bar.__enter__()
        results = api.convert_many(inputs, to, output, recursive=recursive, jobs=workers,
                                   progress=progress, **kwargs)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    failed = [r for r in results if not r.ok]
    for r in results:
        _report(r.diagnostics, verbose, quiet)
    for r in failed:
        click.echo(f"docforge: {r.error}", err=True)
    elapsed = time.perf_counter() - started
    if not quiet:
        skipped = sum(1 for r in results if r.ok and r.skipped)
        converted = len(results) - len(failed) - skipped
        rate = len(results) / elapsed if elapsed > 0 else 0.0
        click.echo(f"docforge: {converted} converted, {len(failed)} failed, {skipped} skipped "
                   f"in {elapsed:.1f}s ({rate:.1f} files/s)", err=True)
    return EXIT_PARTIAL if failed else 0


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("input_file", metavar="INPUT")
@click.option("-f", "--from", "from_format", help="Input format: text (default) or json.")
@click.option("--encoding", help="Input encoding (default: detected).")
@click.option("--explain", is_flag=True, help="Show the rule that decided each block.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_common
def inspect(input_file, from_format, encoding, explain, as_json, quiet, verbose, debug):
    """Show the structure docforge reads from INPUT, with line numbers and diagnostics."""

    def action() -> int:
        report = api.inspect(input_file, from_format, encoding=encoding)
        if as_json:
            click.echo(_json.dumps(report, ensure_ascii=False, indent=2))
            return 0
        click.echo(f"title: {report['meta'].get('title') or '(none)'}")
        for key in ("subtitle", "authors", "date", "language", "keywords"):
            value = report["meta"].get(key)
            if value:
                click.echo(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
        for block in report["blocks"]:
            lines = block.get("lines")
            where = f"{lines[0]:>5}-{lines[1]:<5}" if lines else " " * 11
            rule = f"  [{block['rule']}]" if explain and block.get("rule") else ""
            click.echo(f"{where} {block['kind']:<12} {block['preview']}{rule}")
        for d in report["diagnostics"]:
            click.echo(f"diagnostic: {d}")
        return 0

    sys.exit(_run(action, debug))


@main.command()
def formats():
    """List the readers, writers and built-in themes."""
    from .style import builtin_styles

    click.echo("readers: " + ", ".join(registry.available("reader")))
    click.echo("writers: " + ", ".join(registry.available("writer")))
    click.echo("themes:  " + ", ".join(builtin_styles()))
