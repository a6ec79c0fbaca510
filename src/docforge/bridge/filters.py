"""pandoc filters on a document read: `pandoc -f json -t json --filter … --lua-filter … --citeproc`.

The document (read by docforge's own readers: the feed, its JSON) is written as docforge's
pandoc JSON, pandoc runs the filters on it in the order given, mixed kinds included (as
`pandoc --filter A --lua-filter B` does), and docforge's JSON reader reads the result.
An input pandoc reads gets the chain in the reader's own pandoc call instead (reader.py),
so the filters see pandoc's AST of the input, citations included. JSON filters are
programs (panflute's, pandocfilters', any language), found as pandoc finds them: a path,
then $DATADIR/filters, then PATH. `--citeproc` is one step of the same chain, with the
bibliography options (`--bibliography`, `--csl`, ...) passed along. A filter that fails
or cannot be found is one line naming the input and the filter, with pandoc's message.
Nothing else here: no writer, no transform.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from .. import formats
from ..errors import ConversionError, Diagnostic, UsageError
from ..model import Document
from ..options import Filter, ReadOptions
from . import pandoc

KINDS = {"json": "--filter", "lua": "--lua-filter", "citeproc": "--citeproc"}


def as_filters(given: Iterable[Filter | str | tuple[str, str]]) -> tuple[Filter, ...]:
    """Filters from what a caller may write: Filter records, ("lua", path) pairs, or paths
    (a .lua file is a Lua filter, anything else a JSON filter, as pypandoc decides)."""
    out = []
    for item in given or ():
        if isinstance(item, Filter):
            f = item
        elif isinstance(item, str):
            f = Filter("lua" if item.lower().endswith(".lua") else "json", item)
        else:
            kind, path = item
            f = Filter(str(kind), str(path))
        if f.kind not in KINDS:
            raise UsageError(f"filter kind {f.kind!r} is not one of {', '.join(KINDS)}")
        if f.kind != "citeproc" and not f.path.strip():
            raise UsageError(f"a {f.kind} filter needs a program or file")
        out.append(f)
    return tuple(out)


def arguments(filters: Sequence[Filter]) -> list[str]:
    """pandoc's command-line form of the chain, order kept."""
    return [KINDS[f.kind] if f.kind == "citeproc" else f"{KINDS[f.kind]}={f.path}" for f in filters]


def run_filters(doc: Document, filters: Sequence[Filter], source: str,
                pandoc_args: Sequence[str] = ()) -> tuple[Document, list[Diagnostic]]:
    """`doc` after the filters, with pandoc's warnings as diagnostics."""
    if not filters:
        return doc, []
    shown = describe(filters)
    purpose = f"{source}: {shown}"
    pandoc.find(purpose)
    ast = formats.get_writer("json").dumps(doc)
    try:
        # not sandboxed: a filter is a program the user chose, and citeproc reads the
        # bibliography files named on the command line
        out, diagnostics = pandoc.run(purpose, ast, "json", "json", arguments(filters) + list(pandoc_args),
                                      sandbox=False)
    except pandoc.PandocFailed as exc:
        raise filter_error(source, shown, exc) from None
    filtered, more = formats.get_reader("json").read(out, ReadOptions(source_name=source))
    return filtered, diagnostics + list(more)


def describe(filters: Sequence[Filter]) -> str:
    """The chain as a user wrote it: "--lua-filter a.lua, --filter b.py, --citeproc"."""
    return ", ".join("--citeproc" if f.kind == "citeproc" else f"{KINDS[f.kind]} {f.path}" for f in filters)


def filter_error(source: str, shown: str, exc: "pandoc.PandocFailed"):
    """A missing filter is a usage error (exit 2); one that fails, a conversion error (7)."""
    if any(phrase in exc.message for phrase in ("Could not find", "not found", "does not exist",
                                                "No such file")):
        return UsageError(f"{source}: {shown}: {exc.message} (pandoc exit {exc.code}); give the "
                          "filter's path, or put the program on PATH")
    return ConversionError(f"{source}: {shown} failed ({exc})")

