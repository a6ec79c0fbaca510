"""What pandoc's options do to a document once it is read, before the transforms.

pandoc's order, which api.read follows: the reader; the metadata file's values under the
document's own (`--metadata-file`), then `-M` over both; the heading shift
(`--shift-heading-level-by`); the filters (docforge.bridge.filters). This module holds the
two steps that need no pandoc: `metadata_from_file` (YAML through PyYAML, or JSON) and
`shift_heading_levels`. Both are pure apart from reading the metadata file; neither
renders nor numbers anything.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import Diagnostic, InputError, UsageError
from .model import Document, Heading, Paragraph, map_tree, plain_text
from .records import replace

_LIST_KEYS = {"author": "authors", "authors": "authors", "keywords": "keywords", "tags": "keywords"}
_TEXT_KEYS = {"title": "title", "subtitle": "subtitle", "date": "date", "lang": "language",
              "language": "language", "source": "source"}
MAX_HEADING_LEVEL = 6


def metadata_from_file(path: str | os.PathLike) -> dict[str, list[str]]:
    """The metadata in a YAML or JSON file, as -M would give it (key -> values).

    YAML is parsed by PyYAML (safe_load; JSON is read by the json module, whichever the
    extension when it starts with "{"), so a feed converts with --metadata-file without
    pandoc. Values are kept as text, as docforge's metadata holds them: a list becomes
    several values (authors, keywords) or, for other keys, one value joined with ", "; an
    author given as a mapping contributes its `name`. A top level that is not a mapping
    is a UsageError naming the file."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file (the metadata file); check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise InputError(f"{p}: the metadata file cannot be read ({why}); give a YAML or JSON file") from None
    if p.suffix.lower() == ".json" or raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg}); fix the metadata file") from None
    else:
        import yaml  # PyYAML, only when a YAML metadata file is given
        try:
            # a YAML metadata block between --- lines, as in a Markdown file, is accepted too
            documents = [d for d in yaml.safe_load_all(raw) if d is not None]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise UsageError(f"{p}: not valid YAML ({where}{problem}); fix the metadata file") from None
        data = documents[0] if len(documents) == 1 else {} if not documents else None
        if data is None:
            raise UsageError(f"{p}: holds {len(documents)} YAML documents; give one mapping of metadata")
    if not isinstance(data, dict):
        raise UsageError(f"{p}: is not a mapping of metadata (key: value lines); fix the metadata file")
    out: dict[str, list[str]] = {}
    for key, value in data.items():
        key = str(key).strip().lower()
        values = _texts(value, key in _LIST_KEYS)
        if values:
            out[key] = values
    return out


def _texts(value, as_list: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        if "name" in value:  # pandoc's author: {name: ..., affiliation: ...}
            return _texts(value["name"], as_list)
        return [", ".join(f"{k}: {' '.join(_texts(v, False))}" for k, v in value.items())]
    if isinstance(value, (list, tuple)):
        items = [t for item in value for t in _texts(item, False)]
        return items if as_list else ([", ".join(items)] if items else [])
    return [str(value).strip()]


def defaults_under(doc: Document, defaults: dict[str, list[str]]) -> dict[str, list[str]]:
    """The metadata file's values the document does not set itself (pandoc: the document's
    metadata and -M win over the file's)."""
    meta = doc.meta
    extra = dict(meta.extra)
    kept: dict[str, list[str]] = {}
    for key, values in defaults.items():
        field = _LIST_KEYS.get(key) or _TEXT_KEYS.get(key)
        if field is not None:
            if not getattr(meta, field):
                kept[key] = values
        elif key not in extra:
            kept[key] = values
    return kept


def shift_heading_levels(doc: Document, by: int) -> tuple[Document, list[Diagnostic]]:
    """pandoc's --shift-heading-level-by: every heading's level plus `by`. A heading that
    would go below level 1 becomes a paragraph, except, with a shift of -N, a level-N
    heading that begins the document, which becomes the title (replacing the metadata's,
    as in pandoc). Every heading wherever it is (in a div, a list, a note), as pandoc walks
    the whole document. Levels above 6 stay at 6 (docforge's headings end there), said once."""
    if not by:
        return doc, []
    meta = doc.meta
    blocks = list(doc.blocks)
    if by < 0 and blocks and type(blocks[0]) is Heading and blocks[0].level + by == 0:
        meta = replace(meta, title=plain_text(Paragraph(blocks[0].inlines)))
        blocks = blocks[1:]
    clamped = 0

    def shift(node):
        nonlocal clamped
        level = node.level + by
        if level < 1:
            return Paragraph(node.inlines)
        if level > MAX_HEADING_LEVEL:
            clamped += 1
            level = MAX_HEADING_LEVEL
        return replace(node, level=level) if level != node.level else node

    shifted = map_tree(replace(doc, meta=meta, blocks=tuple(blocks)), shift, frozenset({Heading}))
    diagnostics = []
    if clamped:
        diagnostics.append(Diagnostic(f"{clamped} heading(s) shifted beyond level {MAX_HEADING_LEVEL} "
                                      f"stay at level {MAX_HEADING_LEVEL}"))
    return shifted, diagnostics  # type: ignore[return-value]
