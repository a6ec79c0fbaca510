"""The `docforge` command: parses options, calls the library API, reports.

Thin by design: every action is one call into docforge.api. User errors print one line
(`docforge: FILE: problem; fix`) and exit with the error's code (2 usage, 3 input,
4 output, 5 theme, 6 format, 7 conversion, 8 some files of a batch failed, 130
interrupted); a traceback only with --debug. Diagnostics go to stderr unless -q.

Built on argparse rather than click: importing click (and the typing machinery it pulls
in) was a third of the start-up time of converting one small article. click is imported
only to draw the batch progress bar on a terminal.
"""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
from pathlib import Path

from . import __version__, api
from . import formats as format_table
from .errors import EXIT_INTERRUPTED, EXIT_PARTIAL, Diagnostic, DocforgeError, UsageError
from .options import WriteOptions

EXIT_CODES_HELP = """Exit codes: 0 success; 1 internal error; 2 usage (bad option, unknown format,
-o equal to an input, bad --meta); 3 input (missing, directory, unreadable, empty, binary,
undecodable); 4 output (missing or unwritable directory, disk full); 5 theme; 6 malformed
pandoc JSON; 7 a writer failed; 8 some files of a batch failed; 130 interrupted."""
PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "Letter", "legal": "Legal"}


class _Interrupted(BaseException):
    """Raised from the SIGTERM handler so that atomic writes clean up like on Ctrl-C."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by a subprocess test
    raise _Interrupted()


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _report(diags: list[Diagnostic], verbose: int, quiet: bool) -> None:
    if quiet:
        return
    for d in diags:
        if d.severity == "info" and verbose < 1:
            continue
        _say(f"docforge: {d}")


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
        _say(f"docforge: {exc}")
        return exc.exit_code
    except (KeyboardInterrupt, _Interrupted):
        _say("docforge: interrupted; no partial output was left")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if debug:
            raise
        _say(f"docforge: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it")
        return 1


# ------------------------------------------------------------------ commands

def convert(args: argparse.Namespace) -> int:
    """Convert INPUT files (or directories of *.txt, or - for stdin)."""
    meta_values = api.parse_meta(args.meta)
    options = WriteOptions(fragment=args.fragment, toc=args.toc, paper=args.paper,
                           reference_docx=args.reference_docx)
    kwargs = dict(from_format=args.from_format, style=args.style, encoding=args.encoding,
                  options=options, meta=meta_values, max_input_size=args.max_input_size,
                  skip_unchanged=args.skip_unchanged)
    if args.style:
        kwargs["style"] = api.load_style(args.style)  # a bad theme fails once, before any file
    inputs = args.inputs
    many = len(inputs) > 1 or any(i != "-" and Path(i).is_dir() for i in inputs)
    if many:
        return _batch(args, kwargs)
    result = api.convert(inputs[0], args.to, args.output, **kwargs)
    _report(result.diagnostics, args.verbose, args.quiet)
    if result.skipped and args.verbose:
        _say(f"docforge: {inputs[0]}: up to date, skipped")
    for path in result.outputs:
        if args.verbose:
            _say(f"docforge: wrote {path}")
    return 0


def _batch(args: argparse.Namespace, kwargs: dict) -> int:
    started = time.perf_counter()
    files = api.expand_inputs(args.inputs, args.recursive, args.to, args.output)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        import click  # only for the bar: a terminal user waits on a batch anyway
        bar = click.progressbar(length=len(files), label="converting", file=sys.stderr)

    def progress(result) -> None:
        if bar is not None:
            bar.update(1)

    workers = args.jobs if args.jobs else (os.cpu_count() or 1)
    try:
        if bar is not None:
            bar.__enter__()
        results = api.convert_many(args.inputs, args.to, args.output, recursive=args.recursive,
                                   jobs=workers, progress=progress, **kwargs)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    failed = [r for r in results if not r.ok]
    for r in results:
        _report(r.diagnostics, args.verbose, args.quiet)
    for r in failed:
        _say(f"docforge: {r.error}")
    elapsed = time.perf_counter() - started
    if not args.quiet:
        skipped = sum(1 for r in results if r.ok and r.skipped)
        converted = len(results) - len(failed) - skipped
        rate = len(results) / elapsed if elapsed > 0 else 0.0
        _say(f"docforge: {converted} converted, {len(failed)} failed, {skipped} skipped "
             f"in {elapsed:.1f}s ({rate:.1f} files/s)")
    return EXIT_PARTIAL if failed else 0


def inspect(args: argparse.Namespace) -> int:
    """Show the structure docforge reads from INPUT, with line numbers and diagnostics."""
    report = api.inspect(args.input_file, args.from_format, encoding=args.encoding)
    if args.as_json:
        import json
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"title: {report['meta'].get('title') or '(none)'}")
    for key in ("subtitle", "authors", "date", "language", "keywords"):
        value = report["meta"].get(key)
        if value:
            print(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
    for block in report["blocks"]:
        lines = block.get("lines")
        where = f"{lines[0]:>5}-{lines[1]:<5}" if lines else " " * 11
        rule = f"  [{block['rule']}]" if args.explain and block.get("rule") else ""
        print(f"{where} {block['kind']:<12} {block['preview']}{rule}")
    for d in report["diagnostics"]:
        print(f"diagnostic: {d}")
    return 0


def formats(args: argparse.Namespace) -> int:
    """List the readers, writers and built-in themes."""
    from .style import builtin_styles

    print("readers: " + ", ".join(format_table.names("reader")))
    print("writers: " + ", ".join(format_table.names("writer")))
    print("themes:  " + ", ".join(builtin_styles()))
    return 0


# ------------------------------------------------------------------ parsing

class _Parser(argparse.ArgumentParser):
    """argparse with docforge's error style: one line naming the problem and where to look."""

    def error(self, message: str):  # type: ignore[override]
        _say(f"docforge: {message}; see `{self.prog} --help`")
        sys.exit(UsageError.exit_code)


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {minimum}")
        return value
    return parse


def _paper(text: str) -> str:
    try:
        return PAPER_SIZES[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a paper size (choose from {', '.join(PAPER_SIZES.values())})") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="Show errors only.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="Show informational diagnostics.")
    parser.add_argument("--debug", action="store_true", help="Show tracebacks for errors.")


def build_parser() -> argparse.ArgumentParser:
    text = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="docforge", formatter_class=text, epilog=EXIT_CODES_HELP,
                     description="Turn plain-text article feeds into PDF, DOCX, EPUB, HTML and pandoc JSON.")
    parser.add_argument("--version", action="version", version=f"docforge, version {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    c = commands.add_parser("convert", help=convert.__doc__, description=convert.__doc__,
                            epilog=EXIT_CODES_HELP, formatter_class=text)
    c.add_argument("inputs", nargs="+", metavar="INPUT")
    c.add_argument("-t", "--to", help="Output format(s): html, docx, pdf, epub, json, a comma list, "
                   "or all. Default: from -o's extension.")
    c.add_argument("-o", "--output", help="Output file (one input, one format), directory, or - for "
                   "stdout. Default: beside each input.")
    c.add_argument("-f", "--from", dest="from_format", help="Input format: text (default) or json (pandoc AST).")
    c.add_argument("-s", "--style", help="Theme: a built-in name (default, handout) or a .toml file.")
    c.add_argument("--encoding", help="Input encoding (default: detected).")
    c.add_argument("--fragment", action="store_true", help="HTML: write the body only.")
    c.add_argument("--toc", action=argparse.BooleanOptionalAction, default=None,
                   help="Add a table of contents (default: the theme's).")
    c.add_argument("--paper", type=_paper, help="PDF/DOCX page size, overriding the theme: A4, A5, Letter, Legal.")
    c.add_argument("--reference-docx", help="DOCX: take styles and page setup from this file.")
    c.add_argument("-M", "--meta", action="append", default=[],
                   help="Set metadata, KEY=VALUE (title, author, date, lang, keywords…).")
    c.add_argument("-r", "--recursive", action="store_true", help="Directories: include *.txt in subdirectories.")
    c.add_argument("-j", "--jobs", type=_count(0), default=None,
                   help="Parallel processes for many inputs (default: cores).")
    c.add_argument("--max-input-size", type=_count(1), default=None,
                   help="Refuse inputs larger than this many bytes.")
    c.add_argument("--skip-unchanged", action="store_true",
                   help="Skip inputs whose outputs are newer than the input and the theme.")
    _common(c)
    c.set_defaults(action=convert)

    i = commands.add_parser("inspect", help=inspect.__doc__, description=inspect.__doc__,
                            epilog=EXIT_CODES_HELP, formatter_class=text)
    i.add_argument("input_file", metavar="INPUT")
    i.add_argument("-f", "--from", dest="from_format", help="Input format: text (default) or json.")
    i.add_argument("--encoding", help="Input encoding (default: detected).")
    i.add_argument("--explain", action="store_true", help="Show the rule that decided each block.")
    i.add_argument("--json", dest="as_json", action="store_true", help="Machine-readable output.")
    _common(i)
    i.set_defaults(action=inspect)

    f = commands.add_parser("formats", help=formats.__doc__, description=formats.__doc__)
    f.set_defaults(action=formats, debug=False)
    return parser


def main(argv: list[str] | None = None) -> None:
    """The console script: parse `argv` (default: the command line), run, exit with the code."""
    for stream in (sys.stdout, sys.stderr):  # a file name the terminal cannot show is no crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    sys.exit(_run(lambda: args.action(args), args.debug))
