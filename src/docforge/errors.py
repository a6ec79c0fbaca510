"""One exception hierarchy for every failure a user can cause, plus reader/writer diagnostics.

Each DocforgeError subclass has its own CLI exit code; its message is one line that
names the file concerned and says how to fix the problem. Nothing here may print or
exit: the CLI decides how to report.
"""
from __future__ import annotations

from .records import Record


class Diagnostic(Record):
    """Something a reader or writer noticed: shown by the CLI, returned by the library."""
    message: str
    line: int | None = None
    severity: str = "warning"  # "info" | "warning" | "error"
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:" if self.source else ""
        where += f"line {self.line}: " if self.line is not None else (" " if where else "")
        return f"{where}{self.message}"


class DocforgeError(Exception):
    """Base class. `exit_code` is the CLI status; str(error) is the one-line message."""
    exit_code = 1


class UsageError(DocforgeError):
    """Bad options or arguments (unknown format, -o equal to an input, bad --meta)."""
    exit_code = 2


class InputError(DocforgeError):
    """An input cannot be read: missing, a directory, unreadable, empty, binary, undecodable."""
    exit_code = 3


class OutputError(DocforgeError):
    """An output cannot be written: missing or unwritable directory, disk full."""
    exit_code = 4


class StyleError(DocforgeError):
    """A theme file is missing, not TOML, or holds an unknown key or a bad value."""
    exit_code = 5


class FormatError(DocforgeError):
    """An input in a structured format (pandoc JSON, or any format pandoc reads) does not
    have the expected shape."""
    exit_code = 6


class ConversionError(DocforgeError):
    """A writer or a filter failed on a document (a bug or a limit of its engine), reported per file."""
    exit_code = 7


# Exit code of a batch in which some files converted and some failed.
EXIT_PARTIAL = 8
# Exit code after SIGINT/SIGTERM (the shell convention is 128 + signal).
EXIT_INTERRUPTED = 130
