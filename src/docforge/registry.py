"""Readers and writers by name and by file extension, resolved lazily.

Built-in formats are "module:object" strings imported on first use, so converting to
HTML never imports reportlab, python-docx or lxml. Third-party formats
arrive through the entry-point groups `docforge.readers` and `docforge.writers`,
which are scanned only when a name is not built in or when all formats are listed.
"""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from .errors import UsageError

READERS = {
    "text": "docforge.readers.text:reader",
    "json": "docforge.readers.pandoc_json:reader",
}
WRITERS = {
    "html": "docforge.writers.html:writer",
    "json": "docforge.writers.pandoc_json:writer",
    "docx": "docforge.writers.docx:writer",
    "pdf": "docforge.writers.pdf:writer",
    "epub": "docforge.writers.epub:writer",
}
ALIASES = {"txt": "text", "plain": "text", "htm": "html", "html5": "html", "epub3": "epub",
           "pandoc-json": "json", "native-json": "json"}
READER_EXTENSIONS = {".txt": "text", ".text": "text", ".feed": "text", ".json": "json"}
WRITER_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json",
                     ".docx": "docx", ".pdf": "pdf", ".epub": "epub"}

_cache: dict[tuple[str, str], object] = {}


def _entry_points(group: str) -> dict[str, str]:
    from importlib.metadata import entry_points
    return {ep.name: ep.value for ep in entry_points(group=group)}


def _table(kind: str) -> dict[str, str]:
    return READERS if kind == "reader" else WRITERS


def _spec_for(kind: str, name: str) -> str | None:
    name = ALIASES.get(name.lower(), name.lower())
    spec = _table(kind).get(name)
    if spec is None:
        spec = _entry_points(f"docforge.{kind}s").get(name)
    return spec


def _load(kind: str, name: str):
    key = (kind, ALIASES.get(name.lower(), name.lower()))
    if key in _cache:
        return _cache[key]
    spec = _spec_for(kind, name)
    if spec is None:
        raise UsageError(f"unknown {kind} format {name!r}; known: {', '.join(available(kind))} "
                         "(see `docforge formats`)")
    module_name, _, attr = spec.partition(":")
    obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    _cache[key] = obj
    return obj


def get_reader(name: str):
    return _load("reader", name)


def get_writer(name: str):
    return _load("writer", name)


def available(kind: str) -> list[str]:
    """Names of formats whose module exists (checked without importing it)."""
    names = dict(_entry_points(f"docforge.{kind}s"))
    names.update(_table(kind))
    found = []
    for name, spec in sorted(names.items()):
        module = spec.partition(":")[0]
        try:
            if importlib.util.find_spec(module) is not None:
                found.append(name)
        except (ImportError, ValueError):
            continue
    return found


def writer_for_path(path: str | Path) -> str | None:
    return WRITER_EXTENSIONS.get(Path(path).suffix.lower())


def reader_for_path(path: str | Path) -> str:
    return READER_EXTENSIONS.get(Path(path).suffix.lower(), "text")


def normalize(kind: str, name: str) -> str:
    """The canonical name of a format, or a UsageError listing the known ones."""
    canonical = ALIASES.get(name.lower(), name.lower())
    if _spec_for(kind, canonical) is None:
        raise UsageError(f"unknown {kind} format {name!r}; known: {', '.join(available(kind))} "
                         "(see `docforge formats`)")
    return canonical
