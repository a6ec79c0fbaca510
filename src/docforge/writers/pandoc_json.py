"""IR -> pandoc AST JSON (pandoc-api-version 1.23.1), which `pandoc -f json` accepts.

The mapping is lossless so that readers/pandoc_json.py can read it back to the same
Document: References become Div ("refs", ["references"]) holding one Div per entry
(id "ref-N", attribute label=N, url=...), a CitationRef a Link to "#ref-N" with class
"citation", a Table keeps its label in the attribute "label". Text is split into
Str/Space tokens at single spaces only, so every other character (tabs, no-break
spaces, doubled spaces) survives in a Str. This writer must never reorder or renumber.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import Diagnostic
from ..model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph, Heading,
                     LineBreak, Link, ListItem, OrderedList, Paragraph, Quote, Reference,
                     References, Strong, Table, Text, ThematicBreak, walk)

API_VERSION = [1, 23, 1]
ALIGN = {"left": "AlignLeft", "center": "AlignCenter", "right": "AlignRight", "default": "AlignDefault"}


def _attr(id_: str = "", classes: tuple[str, ...] = (), kv: tuple[tuple[str, str], ...] = ()) -> list:
    return [id_, list(classes), [list(p) for p in kv]]


def _tokens(text: str) -> list[dict]:
    out: list[dict] = []
    for i, piece in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if piece:
            out.append({"t": "Str", "c": piece})
    return out


def _meta_inlines(text: str) -> dict:
    return {"t": "MetaInlines", "c": _tokens(text)}


@dataclass
class _Run:
    ref_labels: dict[str, str] = field(default_factory=dict)


class PandocJsonWriter:
    name = "json"
    extension = "json"
    media_type = "application/json"

    def write(self, doc: Document, out: BinaryIO, style=None, options=None) -> list[Diagnostic]:
        text = self.dumps(doc)
        try:
            out.write(text.encode("utf-8"))
            return []
        except UnicodeEncodeError:
            # Lone surrogates (from undecodable input) cannot be UTF-8: pandoc would refuse them.
            clean = text.encode("utf-8", "replace").decode("utf-8")
            count = sum(1 for ch in text if "\ud800" <= ch <= "\udfff")
            out.write(clean.encode("utf-8"))
            return [Diagnostic(f"replaced {count} lone surrogate(s) that UTF-8 cannot hold with '?'")]

    def dumps(self, doc: Document) -> str:
        return json.dumps(self.to_ast(doc), ensure_ascii=False, separators=(",", ":"))

    def to_ast(self, doc: Document) -> dict:
        run = _Run({n.id: n.label for n in walk(doc, inlines=False) if isinstance(n, Reference)})
        return {"pandoc-api-version": API_VERSION, "meta": self._meta(doc.meta),
                "blocks": [self._block(b, run) for b in doc.blocks]}

    # ------------------------------------------------------------- meta
    def _meta(self, meta) -> dict:
        out: dict = {}
        if meta.title:
            out["title"] = _meta_inlines(meta.title)
        if meta.subtitle:
            out["subtitle"] = _meta_inlines(meta.subtitle)
        if meta.authors:
            out["author"] = {"t": "MetaList", "c": [_meta_inlines(a) for a in meta.authors]}
        if meta.date:
            out["date"] = _meta_inlines(meta.date)
        if meta.language:
            out["lang"] = {"t": "MetaString", "c": meta.language}
        if meta.keywords:
            out["keywords"] = {"t": "MetaList", "c": [_meta_inlines(k) for k in meta.keywords]}
        if meta.source:
            out["source"] = {"t": "MetaString", "c": meta.source}
        for key, value in meta.extra:
            out.setdefault(key, {"t": "MetaString", "c": value})
        return out

    # ------------------------------------------------------------- blocks
    def _block(self, node, run: _Run) -> dict:
        return self._block_handlers[type(node)](self, node, run)

    def _blocks(self, nodes, run: _Run) -> list[dict]:
        return [self._block(b, run) for b in nodes]

    def _heading(self, node: Heading, run):
        return {"t": "Header", "c": [node.level, _attr(node.id), self._inlines(node.inlines, run)]}

    def _paragraph(self, node: Paragraph, run):
        return {"t": "Para", "c": self._inlines(node.inlines, run)}

    def _items(self, items, run) -> list[list[dict]]:
        tight = all(len(i.blocks) >= 1 and isinstance(i.blocks[0], Paragraph)
                    and sum(isinstance(b, Paragraph) for b in i.blocks) == 1 for i in items)
        result = []
        for item in items:
            blocks = []
            for b in item.blocks:
                if tight and isinstance(b, Paragraph):
                    blocks.append({"t": "Plain", "c": self._inlines(b.inlines, run)})
                else:
                    blocks.append(self._block(b, run))
            result.append(blocks)
        return result

    def _bullets(self, node: BulletList, run):
        return {"t": "BulletList", "c": self._items(node.items, run)}

    def _ordered(self, node: OrderedList, run):
        return {"t": "OrderedList", "c": [[node.start, {"t": "Decimal"}, {"t": "Period"}],
                                          self._items(node.items, run)]}

    def _list_item(self, node: ListItem, run):
        # A ListItem outside a list is not valid IR; keep its content rather than fail.
        return {"t": "Div", "c": [_attr(classes=("list-item",)), self._blocks(node.blocks, run)]}

    def _cell(self, node: Cell, run, align: str = "default") -> list:
        blocks = [{"t": "Plain", "c": self._inlines(node.inlines, run)}] if node.inlines else []
        return [_attr(), {"t": ALIGN.get(align, "AlignDefault")}, 1, 1, blocks]

    def _lone_cell(self, node: Cell, run):
        return {"t": "Plain", "c": self._inlines(node.inlines, run)}

    def _table(self, node: Table, run):
        width = len(node.header)
        aligns = list(node.aligns[:width]) + ["default"] * (width - len(node.aligns))

        def row(cells) -> list:
            return [_attr(), [self._cell(c, run, aligns[i] if i < width else "default")
                              for i, c in enumerate(cells)]]

        caption_blocks = [{"t": "Plain", "c": self._inlines(node.caption, run)}] if node.caption else []
        kv = (("label", node.label),) if node.label else ()
        return {"t": "Table", "c": [
            _attr(node.id, (), kv),
            [None, caption_blocks],
            [[{"t": ALIGN.get(a, "AlignDefault")}, {"t": "ColWidthDefault"}] for a in aligns],
            [_attr(), [row(node.header)]],
            [[_attr(), 0, [], [row(r) for r in node.rows]]],
            [_attr(), []],
        ]}

    def _quote(self, node: Quote, run):
        return {"t": "BlockQuote", "c": self._blocks(node.blocks, run)}

    def _code_block(self, node: CodeBlock, run):
        classes = (node.language,) if node.language else ()
        return {"t": "CodeBlock", "c": [_attr(classes=classes), node.text]}

    def _rule(self, node: ThematicBreak, run):
        return {"t": "HorizontalRule"}

    def _reference(self, node: Reference, run):
        kv = [("label", node.label)] + ([("url", node.url)] if node.url else [])
        return {"t": "Div", "c": [_attr(node.id, ("csl-entry",), tuple(kv)),
                                  [{"t": "Plain", "c": self._inlines(node.inlines, run)}]]}

    def _references(self, node: References, run):
        return {"t": "Div", "c": [_attr("refs", ("references",)),
                                  [self._reference(e, run) for e in node.entries]]}

    _block_handlers = {
        Heading: _heading, Paragraph: _paragraph, BulletList: _bullets, OrderedList: _ordered,
        ListItem: _list_item, Table: _table, Cell: _lone_cell, Quote: _quote,
        CodeBlock: _code_block, ThematicBreak: _rule, References: _references,
        Reference: _reference,
    }

    # ------------------------------------------------------------- inlines
    def _inlines(self, nodes, run: _Run) -> list[dict]:
        out: list[dict] = []
        for node in nodes:
            out.extend(self._inline_handlers[type(node)](self, node, run))
        return out

    def _text(self, node: Text, run):
        return _tokens(node.text)

    def _emph(self, node: Emph, run):
        return [{"t": "Emph", "c": self._inlines(node.inlines, run)}]

    def _strong(self, node: Strong, run):
        return [{"t": "Strong", "c": self._inlines(node.inlines, run)}]

    def _code(self, node: Code, run):
        return [{"t": "Code", "c": [_attr(), node.text]}]

    def _link(self, node: Link, run):
        return [{"t": "Link", "c": [_attr(), self._inlines(node.inlines, run), [node.url, ""]]}]

    def _citation(self, node: CitationRef, run):
        label = run.ref_labels.get(node.ref_id) or node.ref_id.removeprefix("ref-")
        return [{"t": "Link", "c": [_attr("", ("citation",), (("ref", node.ref_id),)),
                                    [{"t": "Str", "c": f"[{label}]"}], [f"#{node.ref_id}", ""]]}]

    def _line_break(self, node: LineBreak, run):
        return [{"t": "LineBreak"}]

    _inline_handlers = {
        Text: _text, Emph: _emph, Strong: _strong, Code: _code, Link: _link,
        CitationRef: _citation, LineBreak: _line_break,
    }


writer = PandocJsonWriter()
