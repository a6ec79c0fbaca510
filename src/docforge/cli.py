"""The `docforge` command: a lazy click group, its error style and the run wrapper.

Thin by design: each command (docforge/commands/) makes one call into docforge.api. User
errors print one line (`docforge: FILE: problem; fix`) and exit with the error's code (2
usage, 3 input, 4 output, 5 theme, 6 format, 7 conversion, 8 some files of a batch
failed, 130 interrupted, 1 internal); a traceback only with --debug. click's own usage
errors (unknown option, missing argument, bad value) get the same one-line form, naming
the help to read. Diagnostics go to stderr unless -q.

The group knows its commands as "module:function" strings (click's documented LazyGroup
pattern) and imports a command only when it runs, completes or shows its help: a
conversion never imports the code of `inspect` or `formats`. This module must never
import docforge.api or a command module at import time; it is on every run's start-up path.
"""
from __future__ import annotations

import gc
import importlib
import signal
import sys

import click

from . import __version__
from .errors import EXIT_INTERRUPTED, Diagnostic, DocforgeError, UsageError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a filter whose reader quit

EXIT_CODES_HELP = """\b
Exit codes: 0 success; 1 internal error; 2 usage (bad option, unknown format,
-o equal to an input, bad --meta, pandoc needed but missing); 3 input (missing, directory,
unreadable, empty, binary, undecodable); 4 output (missing or unwritable directory,
read-only file, disk full, the cluster's scheduler lost); 5 theme; 6 an input that is not
the format it is read as (malformed pandoc JSON, a file pandoc cannot read); 7 a writer
or a filter failed; 8 some files of a batch failed; 130 interrupted; 141 the reader of
the output went away."""

# name -> "module:function" of the click.Command; the module is imported on first use.
COMMANDS = {
    "convert": "docforge.commands.convert:convert",
    "inspect": "docforge.commands.inspect:inspect",
    "formats": "docforge.commands.formats:formats",
    "serve": "docforge.commands.serve:serve",
}


class _UsageErrorsNameTheirCommand:
    """Attach the command's context to the usage errors click raises without one (e.g. an
    option missing its value), so that the message can name the right `--help`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class Command(_UsageErrorsNameTheirCommand, click.Command):
    """The class of every docforge command."""


class LazyGroup(_UsageErrorsNameTheirCommand, click.Group):
    """A click.Group whose commands are imported when first asked for by name."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = self.lazy_commands.get(name)
        if spec is None:
            return super().get_command(ctx, name)
        module_name, _, attr = spec.partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{spec} is not a click command")
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]):
        # click's own message would list only eagerly registered commands, i.e. none.
        if not ctx.resilient_parsing and self.get_command(ctx, args[0]) is None:
            ctx.fail(f"invalid choice: {args[0]!r} (choose from {', '.join(self.list_commands(ctx))})")
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, no_args_is_help=False, epilog=EXIT_CODES_HELP,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="docforge", message="%(prog)s, version %(version)s")
def docforge() -> None:
    """Turn plain-text article feeds into PDF, DOCX, EPUB, HTML and pandoc JSON."""


# ------------------------------------------------------------------ what commands share

class _Interrupted(BaseException):
    """Raised from the SIGTERM handler so that atomic writes clean up like on Ctrl-C."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by a subprocess test
    raise _Interrupted()


def say(message: str) -> None:
    print(message, file=sys.stderr)


def report(diags: list[Diagnostic], verbose: int, quiet: bool) -> None:
    """Show a reader's or writer's diagnostics: none with -q, info ones only with -v."""
    if quiet:
        return
    for d in diags:
        if d.severity == "info" and verbose < 1:
            continue
        say(f"docforge: {d}")


def run(action, debug: bool) -> int:
    """Run a command's `action()`; map DocforgeError and interrupts to one line and an exit code."""
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
        say(f"docforge: {exc}")
        return exc.exit_code
    except BrokenPipeError:
        # the reader of our output went away (`docforge inspect x | head`): as with any
        # filter, stop quietly; stdout is pointed at /dev/null so the exit flush cannot fail
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (KeyboardInterrupt, _Interrupted):
        say("docforge: interrupted; no partial output was left")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if debug:
            raise
        say(f"docforge: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it")
        return 1


# ------------------------------------------------------------------ entry point

def usage_line(exc: click.UsageError) -> str:
    """click's usage error in docforge's style: one line, the problem, then the help to read.

    The wording of the common cases is the one docforge printed before it used click,
    so that what users and scripts have seen does not change."""
    if isinstance(exc, click.NoSuchOption):
        guess = f" (did you mean {' or '.join(exc.possibilities)}?)" if exc.possibilities else ""
        problem = f"unrecognized arguments: {exc.option_name}{guess}"
    elif isinstance(exc, click.MissingParameter) and isinstance(exc.param, click.Argument):
        problem = f"the following arguments are required: {exc.param.human_readable_name}"
    else:
        message = " ".join(exc.format_message().split()).rstrip(".")
        problem = message[:1].lower() + message[1:]
    where = exc.ctx.command_path if exc.ctx is not None else "docforge"
    return f"docforge: {problem}; see `{where} --help`"


def main(argv: list[str] | None = None) -> None:
    """The console script: parse `argv` (default: the command line), run, exit with the code."""
    # from the first moment docforge runs, so that a SIGTERM at any point is an interrupt
    # (exit 130, temporaries removed), not a kill by the default action
    signal.signal(signal.SIGTERM, _on_sigterm)
    for stream in (sys.stdout, sys.stderr):  # a file name the terminal cannot show is no crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = docforge.main(argv, prog_name="docforge", standalone_mode=False)
    except click.UsageError as exc:
        say(usage_line(exc))
        code = UsageError.exit_code
    except (click.Abort, _Interrupted):  # Ctrl-C or SIGTERM while click itself was parsing
        say("docforge: interrupted; no partial output was left")
        code = EXIT_INTERRUPTED
    except click.ClickException as exc:
        say(f"docforge: {' '.join(exc.format_message().split())}")
        code = exc.exit_code
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # done and written: exit with the status it earned
    sys.exit(code or 0)
