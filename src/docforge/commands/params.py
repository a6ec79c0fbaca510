"""Parameter types and options the commands share: formats, paper sizes, counts, -q/-v/--debug.

Format names, their help and their shell completion come from the format table
(docforge.formats), read only when help is shown or a word is completed: reading the
whole table scans installed plugins, which a plain conversion must not pay for. Values
are checked here only where click is the one to check them (paper sizes, counts); a
format name goes to docforge.api as typed, which alone decides what is unknown, so the
message is the same from the CLI and the library.
"""
from __future__ import annotations

import click

from .. import formats as format_table

PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "Letter", "legal": "Legal"}  # for help and completion; style.PAGE_SIZES_MM decides


def _complete(words: list[str], incomplete: str, help_of=None) -> list:
    from click.shell_completion import CompletionItem
    return [CompletionItem(w, help=help_of(w) if help_of else None) for w in words if w.startswith(incomplete)]


class FormatList(click.ParamType):
    """A format name, or for writers a comma list of them or `all`; completed from the table."""
    name = "format"

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "reader" | "writer"

    def get_metavar(self, param, ctx=None) -> str:
        return "FMT[,FMT…]|all" if self.kind == "writer" else "FMT"

    def known(self) -> list[str]:
        return format_table.names(self.kind) + (["all"] if self.kind == "writer" else [])

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        # `--to html,p` completes the last name of the list, keeping what precedes it.
        done, comma, last = incomplete.rpartition(",")
        prefix = done + comma
        if prefix and self.kind != "writer":
            return []
        return _complete([prefix + name for name in self.known() if name != "all" or not prefix],
                         prefix + last, self._description)

    @staticmethod
    def _description(word: str) -> str | None:
        row = format_table.lookup(word.rpartition(",")[2])
        return row.description if row else "every writer format"


class FormatOption(click.Option):
    """An option whose help ends with the table's format names, computed when help is shown."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.help_template = self.help or ""

    def get_help_record(self, ctx: click.Context):
        self.help = self.help_template.format(formats=", ".join(format_table.names(self.type.kind)))
        return super().get_help_record(ctx)


class PaperSize(click.ParamType):
    """A paper size, any case, given as its canonical spelling ("letter" -> "Letter")."""
    name = "paper"

    def get_metavar(self, param, ctx=None) -> str:
        return "|".join(PAPER_SIZES.values())

    def convert(self, value, param, ctx) -> str:
        from ..errors import UsageError
        from ..style import paper_size  # the same check as the library's (RenderContext)
        try:
            return paper_size(value)
        except UsageError:
            self.fail(f"'{value}' is not a paper size (choose from {', '.join(PAPER_SIZES.values())})",
                      param, ctx)

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        return _complete([p for p in PAPER_SIZES.values() if p.lower().startswith(incomplete.lower())], "")


class Count(click.ParamType):
    """A whole number not below `minimum`."""
    name = "count"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def get_metavar(self, param, ctx=None) -> str:
        return "N"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            self.fail(f"'{value}' is not a whole number", param, ctx)
        if number < self.minimum:
            self.fail(f"{number} is below the minimum {self.minimum}", param, ctx)
        return number


# click.Path without its checks (docforge.api names a missing or unreadable file itself,
# with its own exit code); kept for the shell's file-name completion.
PATH = click.Path(readable=False)


def diagnostics_options(command):
    """-q, -v and --debug, which every command that reads a document takes."""
    command = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(command)
    command = click.option("-v", "--verbose", count=True, help="Show informational diagnostics.")(command)
    return click.option("-q", "--quiet", is_flag=True, help="Show errors only.")(command)
