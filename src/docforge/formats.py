"""THE format table: every format docforge reads or writes is one row here.

A row names the format, its aliases and file extensions, its media type, the reader
and/or writer that handle it (as "module:object" strings, imported on first use, so
converting to HTML never imports reportlab or python-docx) and where it comes from:
built in, the pandoc bridge, or a plugin. CLI help, `docforge formats`, "unknown format"
messages, `-o` extension inference and which files a directory batch picks up are all
derived from this table; nothing else in the project lists formats.

Plugins add rows through the entry-point groups `docforge.readers` and
`docforge.writers` (name = format, value = "module:object"). Their rows are looked up
only when a name or extension is not built in, or when every format is listed, so the
common path never scans installed packages.

Adding a built-in format is one module and one row below. This module must never import
a reader or writer except through `load()`.
"""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from .errors import UsageError
from .records import Record

BUILTIN, PANDOC, PLUGIN = "builtin", "pandoc", "plugin"


class Format(Record):
    """One format. `extensions` are lower case with the dot; the first is the one written."""
    name: str
    description: str = ""
    reader: str = ""                  # "module:object" of the reader, "" if not readable
    writer: str = ""                  # "module:object" of the writer, "" if not writable
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    media_type: str = "application/octet-stream"
    origin: str = BUILTIN             # BUILTIN | PANDOC | PLUGIN

    @property
    def reads(self) -> bool:
        return bool(self.reader)

    @property
    def writes(self) -> bool:
        return bool(self.writer)

    def handler(self, kind: str) -> str:
        """The "module:object" of this format's reader (kind "reader") or writer, or ""."""
        return self.reader if kind == "reader" else self.writer

    @property
    def extension(self) -> str:
        """The extension an output in this format gets, without the dot."""
        return self.extensions[0].lstrip(".") if self.extensions else self.name


FORMATS: tuple[Format, ...] = (
    Format("text", "plain-text article feed (structure inferred)",
           reader="docforge.readers.text:reader", extensions=(".txt", ".text", ".feed"),
           aliases=("txt", "plain", "feed"), media_type="text/plain"),
    Format("json", "pandoc AST JSON (pandoc-api-version 1.23)",
           reader="docforge.readers.pandoc_json:reader", writer="docforge.writers.pandoc_json:writer",
           extensions=(".json",), aliases=("pandoc-json", "native-json"), media_type="application/json"),
    Format("html", "standalone HTML5 with the theme's CSS",
           writer="docforge.writers.html:writer", extensions=(".html", ".htm", ".xhtml"),
           aliases=("htm", "html5"), media_type="text/html"),
    Format("docx", "Word document", writer="docforge.writers.docx:writer", extensions=(".docx",),
           media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Format("pdf", "PDF typeset with reportlab", writer="docforge.writers.pdf:writer",
           extensions=(".pdf",), media_type="application/pdf"),
    Format("epub", "EPUB 3 e-book (with an NCX)", writer="docforge.writers.epub:writer",
           extensions=(".epub",), aliases=("epub3",), media_type="application/epub+zip"),
)

# Which reader a file without a known extension gets: feeds come without a fixed one.
DEFAULT_READER = "text"

_plugin_rows: tuple[Format, ...] | None = None
_loaded: dict[tuple[str, str], object] = {}
_broken_plugins: dict[str, str] = {}  # name -> why it could not be loaded (named in errors)


def _plugins() -> tuple[Format, ...]:
    """Rows for the formats installed packages add (scanned once per process).

    A plugin object's `extension` and `media_type` attributes fill its row, so it is
    imported here; a plugin that fails to import is left out rather than breaking docforge.
    """
    global _plugin_rows
    if _plugin_rows is None:
        from importlib.metadata import entry_points
        builtin = {name for f in FORMATS for name in (f.name, *f.aliases)}
        rows: dict[str, dict] = {}
        for kind in ("reader", "writer"):
            for ep in entry_points(group=f"docforge.{kind}s"):
                if ep.name in builtin:
                    continue  # a plugin cannot shadow a built-in format or alias
                rows.setdefault(ep.name, {})[kind] = ep.value
        found = []
        for name, specs in sorted(rows.items()):
            row = Format(name, f"plugin ({specs.get('writer') or specs.get('reader')})",
                         reader=specs.get("reader", ""), writer=specs.get("writer", ""), origin=PLUGIN)
            try:
                obj = _import(row.writer or row.reader)
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the built-in formats
                _broken_plugins[name] = f"{type(exc).__name__}: {exc}"
                continue
            extension = str(getattr(obj, "extension", name)).lstrip(".").lower()
            found.append(Format(name, getattr(obj, "description", row.description), row.reader,
                                row.writer, (f".{extension}",), (),
                                getattr(obj, "media_type", "application/octet-stream"), PLUGIN))
        _plugin_rows = tuple(found)
    return _plugin_rows


def all_formats(plugins: bool = True) -> tuple[Format, ...]:
    """Every row: the built-in ones (and the bridge's), then the plugins'."""
    return FORMATS + (_plugins() if plugins else ())


def _import(spec: str) -> object:
    module_name, _, attr = spec.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _find(name: str, rows) -> Format | None:
    key = name.strip().lower()
    for row in rows:
        if row.name == key or key in row.aliases:
            return row
    return None


def lookup(name: str) -> Format | None:
    """The row of a format name or alias (case-insensitive), or None."""
    return _find(name, FORMATS) or _find(name, _plugins())


def names(kind: str) -> list[str]:
    """Names of the formats that can be read (kind "reader") or written ("writer"),
    sorted, leaving out those whose module is not installed."""
    return sorted(row.name for row in all_formats()
                  if (spec := row.handler(kind)) and _module_exists(spec))


def _module_exists(spec: str) -> bool:
    try:
        return importlib.util.find_spec(spec.partition(":")[0]) is not None
    except (ImportError, ValueError):
        return False


def unknown(kind: str, name: str) -> UsageError:
    """The error for a format name the table does not have (or that cannot do `kind`)."""
    if lookup(name) is not None:
        can, cannot = ("read", "written") if kind == "writer" else ("written", "read")
        return UsageError(f"format {name!r} can be {can} but not {cannot}; {kind} formats: "
                          f"{', '.join(names(kind))} (see `docforge formats`)")
    broken = _broken_plugins.get(name.strip().lower())
    if broken is not None:
        return UsageError(f"format {name!r} comes from a plugin that fails to load ({broken}); "
                          "reinstall or fix the plugin")
    return UsageError(f"unknown {kind} format {name!r}; known: {', '.join(names(kind))} "
                      "(see `docforge formats`)")


def normalize(kind: str, name: str) -> str:
    """The canonical name of a format that can do `kind`, or a UsageError listing the known ones."""
    row = lookup(name)
    if row is None or not row.handler(kind):
        raise unknown(kind, name)
    return row.name


def load(kind: str, name: str):
    """The reader or writer object of a format (imported once per process)."""
    canonical = normalize(kind, name)
    key = (kind, canonical)
    obj = _loaded.get(key)
    if obj is None:
        row = lookup(canonical)
        obj = _loaded[key] = _import(row.handler(kind))  # type: ignore[union-attr]
    return obj


def get_reader(name: str):
    return load("reader", name)


def get_writer(name: str):
    return load("writer", name)


def _by_extension(path: str | Path, kind: str) -> Format | None:
    suffix = Path(path).suffix.lower()
    if not suffix:
        return None

    def match(rows) -> Format | None:
        return next((row for row in rows if suffix in row.extensions and row.handler(kind)), None)

    return match(FORMATS) or match(_plugins())  # plugins are scanned only when needed


def writer_for_path(path: str | Path) -> str | None:
    """The format an output path's extension names (`-o out.docx` -> "docx"), or None."""
    row = _by_extension(path, "writer")
    return row.name if row else None


def reader_for_path(path: str | Path) -> str:
    """The reader for an input path's extension; the feed reader for anything unknown."""
    row = _by_extension(path, "reader")
    return row.name if row else DEFAULT_READER


def extension(name: str) -> str:
    """The file extension (without the dot) of outputs in format `name`."""
    row = lookup(name)
    return row.extension if row else name


def input_extensions() -> tuple[str, ...]:
    """The extensions a directory batch picks up: those of every readable format."""
    return tuple(dict.fromkeys(ext for row in all_formats() if row.reader and _module_exists(row.reader)
                               for ext in row.extensions))
