"""Finding pandoc and running it: the one module that starts a pandoc process.

pandoc is found through pypandoc, once per process and only when the bridge is used:
pypandoc_binary's bundled binary (`pip install 'docforge[pandoc]'`) or a pandoc on PATH
(pypandoc takes the newer; PYPANDOC_PANDOC names one explicitly). It must be 3.0 or newer:
docforge writes pandoc-api-version 1.23 JSON. None found, or too old: one UsageError
naming the fix (exit 2); the built-in formats never get here.

Every run is sandboxed (`--sandbox`: pandoc's readers and writers read nothing but the
files named on its command line, so a document cannot include or fetch anything) unless
the caller says why not. pandoc's warnings become diagnostics; a failure becomes one line
with pandoc's own message, shortened, and its exit code (`PandocFailed`), which the
reader, writer and filters turn into their errors. This module knows nothing of the IR.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from typing import Sequence

from ..errors import Diagnostic, UsageError
from ..records import Record

MINIMUM_VERSION = (3, 0)
INSTALL_HINT = "pip install 'docforge[pandoc]', or install pandoc 3.0 or newer on PATH"
# pandoc's exit codes (Text.Pandoc.Error) for a format name or extension it does not know
UNKNOWN_FORMAT_CODES = {21, 22, 23}
# ... and for a filter that failed or was not found (PandocFilterError, PandocLuaError)
FILTER_CODES = {83, 84}
_MESSAGE_LIMIT = 240


class Pandoc(Record):
    """The pandoc in use: where it is and its version."""
    path: str
    version: str

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return _version_tuple(self.version)


class PandocFailed(Exception):
    """pandoc exited with `code`; `message` is its stderr on one line, shortened."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"pandoc exit {code}: {message}")
        self.code = code
        self.message = message


_found: Pandoc | None = None


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def find(purpose: str) -> Pandoc:
    """The pandoc to run (found once per process), or a UsageError saying that `purpose`
    ("reading a.md as markdown", "--to odt") needs pandoc and how to get it."""
    global _found
    if _found is None:
        _found = _locate(purpose)
    return _found


def available() -> Pandoc | None:
    """The pandoc in use, or None when there is none usable (for `docforge formats`)."""
    try:
        return find("the bridge")
    except UsageError:
        return None


def _pypandoc():
    try:
        import pypandoc
    except ImportError:  # pypandoc is a dependency; a broken install still gets one line
        return None
    # pypandoc logs every unusable candidate with a traceback and pandoc's warnings through
    # a console handler it adds when its logger has none; docforge reports them itself
    logger = logging.getLogger("pypandoc")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
    return pypandoc


def _locate(purpose: str) -> Pandoc:
    pypandoc = _pypandoc()
    missing = UsageError(f"{purpose} needs pandoc, which was not found; {INSTALL_HINT}")
    if pypandoc is None:
        raise missing
    try:
        path = pypandoc.get_pandoc_path()
        version = pypandoc.get_pandoc_version()
    except (OSError, RuntimeError):
        raise missing from None
    found = Pandoc(path, version)
    if found.version_tuple < MINIMUM_VERSION:
        raise UsageError(f"{purpose} needs pandoc 3.0 or newer, but {path} is pandoc {version}; "
                         f"{INSTALL_HINT}")
    return found


def formats() -> tuple[frozenset[str], frozenset[str]]:
    """The installed pandoc's input and output format names (two pandoc runs: asked only
    to explain a failure, or by `docforge formats`)."""
    pypandoc = _pypandoc()
    find("listing pandoc's formats")
    inputs, outputs = pypandoc.get_pandoc_formats()
    return frozenset(inputs), frozenset(outputs)


class _Collect(logging.Handler):
    """pandoc's warnings, as pypandoc logs them after a successful run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelno, record.getMessage()))


_ENVIRONMENT = threading.Lock()


@contextlib.contextmanager
def _environment(values: dict[str, str] | None):
    """os.environ with `values` for the pandoc process pypandoc starts (it copies os.environ
    and takes no environment of its own). Under a lock, as threads share os.environ: only
    the runs that need it (zip outputs, dated by SOURCE_DATE_EPOCH) wait for each other."""
    if not values:
        yield
        return
    with _ENVIRONMENT:
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def run(purpose: str, source: str | bytes | None, to: str, from_: str, args: Sequence[str] = (), *,
        input_file: str | None = None, output_file: str | None = None, sandbox: bool = True,
        environment: dict[str, str] | None = None) -> tuple[str, list[Diagnostic]]:
    """Run `pandoc -f FROM -t TO ARGS` on `source` (text or bytes on stdin) or `input_file`,
    writing to `output_file` or returning stdout; with pandoc's warnings as diagnostics.
    `environment`: variables pandoc runs with (SOURCE_DATE_EPOCH). Raises PandocFailed
    when pandoc fails."""
    find(purpose)
    pypandoc = _pypandoc()
    extra = (["--sandbox"] if sandbox else []) + list(args)
    collect = _Collect()
    logger = logging.getLogger("pypandoc")
    logger.addHandler(collect)
    try:
        with _environment(environment):
            if input_file is not None:
                out = pypandoc.convert_file(input_file, to, format=from_, extra_args=extra,
                                            outputfile=output_file, verify_format=False)
            else:
                out = pypandoc.convert_text(source, to, format=from_, extra_args=extra,
                                            outputfile=output_file, verify_format=False)
    except RuntimeError as exc:
        raise _failure(str(exc)) from None
    except OSError as exc:  # pandoc vanished since it was found, or cannot be started
        raise PandocFailed(127, f"{exc.strerror or exc}") from None
    finally:
        logger.removeHandler(collect)
    return out, [Diagnostic(f"pandoc: {one_line(message)}",
                            severity="info" if level < logging.WARNING else "warning")
                 for level, message in collect.messages if message.strip()]


_EXIT = re.compile(r'exitcode "(-?\d+)"[^:]*:\s*', re.S)


def _failure(text: str) -> PandocFailed:
    """pypandoc's RuntimeError ('Pandoc died with exitcode "N" during conversion: STDERR')
    as a PandocFailed."""
    m = _EXIT.search(text)
    code = int(m.group(1)) if m else 1
    return PandocFailed(code, one_line(text[m.end():] if m else text))


def one_line(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    """pandoc's message on one line, without its log-level tags, cut to `limit` characters."""
    lines = [re.sub(r"^\[(WARNING|INFO|ERROR)\]\s*", "", line).strip() for line in text.splitlines()]
    joined = " ".join(line for line in lines if line and not line.startswith("Hint: "))
    joined = " ".join(joined.split())
    return joined if len(joined) <= limit else joined[:limit - 1].rstrip() + "…"


def unknown_format_message(kind: str, name: str) -> str | None:
    """Why the installed pandoc refused `name`, when it lacks it (an older pandoc than the
    table's), or None when it has it."""
    pandoc = find(f"the {kind} format {name!r}")
    inputs, outputs = formats()
    base = re.split(r"[+-]", name, maxsplit=1)[0]
    known = inputs if kind == "reader" else outputs
    if base in known:
        return None
    verb = "read" if kind == "reader" else "write"
    return (f"the installed pandoc {pandoc.version} ({pandoc.path}) cannot {verb} {base!r} "
            f"(docforge's table follows pandoc 3.9); install a newer pandoc "
            f"(pip install -U 'docforge[pandoc]') or choose another format")


class ByName:
    """`table.NAME`: `make(NAME)`, made once (bridge/reader.py's `readers.markdown`,
    bridge/writer.py's `writers.rst`: the objects formats.py's "module:object" rows name)."""

    def __init__(self, make) -> None:
        self._make = make

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        made = self._make(name)
        setattr(self, name, made)
        return made
