"""IR -> pandoc AST JSON (pandoc-api-version 1.23.1), which `pandoc -f json` accepts.

The mapping is lossless so that readers/pandoc_json.py reads it back to the same
Document, apart from the numbers transforms.prepare gives again: a Note's label and a
Figure's (pandoc notes carry none, and a figure with any attribute but its id is written
by pandoc's Markdown writer as raw HTML, which its Markdown reader does not read back as a
figure). Every IR node has its pandoc constructor; docforge's own conventions, chosen so
that pandoc's writers show what docforge's show:
- References: Div ("", ["references", "csl-bib-body"]) holding one entry per Reference in
  the shape pandoc's citeproc writes: Div ("ref-N", ["csl-entry"], [("label", "N"),
  ("url", ...)]) [Para [Span ("", ["csl-left-margin"], []) [Str "[N]", Space],
  Span ("", ["csl-right-inline"], []) [the entry's text, then, where docforge's writers
  show the URL (semantics.shown_reference_url), Space, Link ("", ["reference-url"], [])
  [url] (url, "")]]]. No id "refs": pandoc's Markdown and Org writers drop a Div "refs"
  (citeproc would rebuild it); csl-bib-body is the class pandoc's LaTeX and HTML
  writers make a bibliography of.
- CitationRef: Link ("", ["citation"], [("ref", "ref-N")]) [Str "[N]"] ("#ref-N", "").
- A Table keeps its label ("Table 1") in the attribute "label".
- A Figure's paragraphs are Plain, as pandoc's own figures (its Markdown writer needs it).
- Div and Span carry their `lang` as the attribute ("lang", tag) after their own ones.
- A LineBlock line's leading spaces are no-break spaces, as in pandoc's own line blocks.
Text is split into Str/Space tokens at single spaces only, so every other character
(tabs, no-break spaces, doubled spaces) survives in a Str. Control characters follow the
one rule of every writer (xmltext): a separator (form feed, vertical tab, U+001C-U+001F,
U+0085) is a space inside its string, the others but tab, LF and CR are dropped, counted
in one diagnostic. This writer must never reorder or renumber.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring  # what json.dumps escapes strings with (ensure_ascii=False)
from typing import BinaryIO, Iterable, Iterator

from ..errors import Diagnostic
from ..model import (BulletList, Cell, CitationRef, Code, CodeBlock, DefinitionList, Div, Document,
                     Emph, Figure, Heading, Image, LineBlock, LineBreak, Link, Math, Note,
                     OrderedList, Paragraph, Quote, RawBlock, RawInline, Reference, References,
                     SmallCaps, Span, Strikeout, Strong, Subscript, Superscript, Table, Text,
                     ThematicBreak, Underline, walk)
from . import semantics
from .base import RenderContext, TreeRenderer
from .xmltext import clean_json, dropped_diagnostic

API_VERSION = [1, 23, 1]
ALIGN = {"left": "AlignLeft", "center": "AlignCenter", "right": "AlignRight", "default": "AlignDefault"}


def _attr(id_: str = "", classes: tuple[str, ...] = (), kv: tuple[tuple[str, str], ...] = ()) -> list:
    return [id_, list(classes), [list(p) for p in kv]]


REFERENCES_ATTR = ["", ["references", "csl-bib-body"], []]


def _with_lang(attrs: tuple[tuple[str, str], ...], lang: str) -> tuple[tuple[str, str], ...]:
    return attrs + (("lang", lang),) if lang else attrs


def _labelled(label: str) -> tuple[tuple[str, str], ...]:
    return (("label", label),) if label else ()


def _indented(line: tuple) -> tuple:
    """A line of a LineBlock with its leading spaces as no-break spaces, as pandoc's readers
    write them: its writers collapse ordinary ones, losing the indentation."""
    first = line[0] if line else None
    if type(first) is Text and first.text.startswith(" "):
        rest = first.text.lstrip(" ")
        return (Text("\u00a0" * (len(first.text) - len(rest)) + rest),) + line[1:]
    return line


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


class AstRenderer(TreeRenderer):
    """IR nodes -> pandoc AST values (dicts and lists ready for json.dumps)."""

    def __init__(self, reference_labels: dict[str, str]) -> None:
        self.reference_labels = reference_labels

    def document(self, doc: Document) -> dict:
        return {"pandoc-api-version": API_VERSION, "meta": self.meta(doc.meta),
                "blocks": self.blocks(doc.blocks)}

    # ------------------------------------------------------------- meta
    @staticmethod
    def meta(meta) -> dict:
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
    def blocks(self, nodes) -> list[dict]:
        dispatch = self.dispatch
        return [dispatch[type(b)](self, b) for b in nodes]

    def block_heading(self, node: Heading):
        return {"t": "Header", "c": [node.level, _attr(node.id), self.inlines(node.inlines)]}

    def block_paragraph(self, node: Paragraph):
        return {"t": "Para", "c": self.inlines(node.inlines)}

    def items(self, items) -> list[list[dict]]:
        tight = all(len(i.blocks) >= 1 and isinstance(i.blocks[0], Paragraph)
                    and sum(isinstance(b, Paragraph) for b in i.blocks) == 1 for i in items)
        result = []
        for item in items:
            blocks = []
            for b in item.blocks:
                if tight and isinstance(b, Paragraph):
                    blocks.append({"t": "Plain", "c": self.inlines(b.inlines)})
                else:
                    blocks.append(self.render(b))
            result.append(blocks)
        return result

    def block_bullet_list(self, node: BulletList):
        return {"t": "BulletList", "c": self.items(node.items)}

    def block_ordered_list(self, node: OrderedList):
        return {"t": "OrderedList", "c": [[node.start, {"t": "Decimal"}, {"t": "Period"}],
                                          self.items(node.items)]}

    def cell(self, node: Cell, align: str = "default") -> list:
        blocks = [{"t": "Plain", "c": self.inlines(node.inlines)}] if node.inlines else []
        return [_attr(), {"t": ALIGN.get(align, "AlignDefault")}, 1, 1, blocks]

    def block_table(self, node: Table):
        width = max(len(node.header), len(node.aligns))  # no header row: the grid's width
        aligns = list(node.aligns[:width]) + ["default"] * (width - len(node.aligns))

        def row(cells) -> list:
            return [_attr(), [self.cell(c, aligns[i] if i < width else "default")
                              for i, c in enumerate(cells)]]

        caption_blocks = [{"t": "Plain", "c": self.inlines(node.caption)}] if node.caption else []
        kv = (("label", node.label),) if node.label else ()
        return {"t": "Table", "c": [
            _attr(node.id, (), kv),
            [None, caption_blocks],
            [[{"t": ALIGN.get(a, "AlignDefault")}, {"t": "ColWidthDefault"}] for a in aligns],
            [_attr(), [row(node.header)] if node.header else []],  # pandoc's TableHead may hold no row
            [[_attr(), 0, [], [row(r) for r in node.rows]]],
            [_attr(), []],
        ]}

    def block_quote(self, node: Quote):
        return {"t": "BlockQuote", "c": self.blocks(node.blocks)}

    def block_code_block(self, node: CodeBlock):
        classes = (node.language,) if node.language else ()
        return {"t": "CodeBlock", "c": [_attr(classes=classes), node.text]}

    def block_thematic_break(self, node: ThematicBreak):
        return {"t": "HorizontalRule"}

    def reference(self, node: Reference):
        kv = _labelled(node.label) + ((("url", node.url),) if node.url else ())
        # citeproc's shape: pandoc's writers show the left-margin span (the label), while
        # the attribute keeps it exact for the way back.
        para = [{"t": "Span", "c": [_attr(classes=("csl-left-margin",)),
                                    _tokens(f"[{node.label}]") + [{"t": "Space"}]]}] if node.label else []
        text = self.inlines(node.inlines)
        url = semantics.shown_reference_url(node)
        if url:  # shown after the text, as docforge's writers show it (the attribute alone is not)
            text += ([{"t": "Space"}] if text else []) + [
                {"t": "Link", "c": [_attr(classes=("reference-url",)), _tokens(node.url), [url, ""]]}]
        para.append({"t": "Span", "c": [_attr(classes=("csl-right-inline",)), text]})
        return {"t": "Div", "c": [_attr(node.id, ("csl-entry",), kv), [{"t": "Para", "c": para}]]}

    def block_references(self, node: References):
        return {"t": "Div", "c": [REFERENCES_ATTR,
                                  [self.reference(e) for e in node.entries]]}

    def block_definition_list(self, node: DefinitionList):
        return {"t": "DefinitionList", "c": [[self.inlines(i.term), [self.blocks(d) for d in i.definitions]]
                                             for i in node.items]}

    def block_line_block(self, node: LineBlock):
        return {"t": "LineBlock", "c": [self.inlines(_indented(line)) for line in node.lines]}

    @staticmethod
    def div_attr(node: Div) -> list:
        return _attr(node.id, node.classes, _with_lang(node.attrs, node.lang))

    def block_div(self, node: Div):
        return {"t": "Div", "c": [self.div_attr(node), self.blocks(node.blocks)]}

    def figure_head(self, node: Figure) -> list:
        """A figure's attribute and caption (its content follows them)."""
        caption = [{"t": "Plain", "c": self.inlines(node.caption)}] if node.caption else []
        return [_attr(node.id), [None, caption]]

    def figure_block(self, node):
        if type(node) is Paragraph:
            return {"t": "Plain", "c": self.inlines(node.inlines)}
        return self.render(node)

    def block_figure(self, node: Figure):
        return {"t": "Figure", "c": self.figure_head(node) + [[self.figure_block(b) for b in node.blocks]]}

    def block_raw_block(self, node: RawBlock):
        return {"t": "RawBlock", "c": [node.format, node.text]}

    # ------------------------------------------------------------- inlines
    def inlines(self, nodes) -> list[dict]:
        out: list[dict] = []
        dispatch = self.dispatch
        for node in nodes:
            out.extend(dispatch[type(node)](self, node))
        return out

    def inline_text(self, node: Text):
        return _tokens(node.text)

    def inline_emph(self, node: Emph):
        return [{"t": "Emph", "c": self.inlines(node.inlines)}]

    def inline_strong(self, node: Strong):
        return [{"t": "Strong", "c": self.inlines(node.inlines)}]

    def inline_code(self, node: Code):
        return [{"t": "Code", "c": [_attr(), node.text]}]

    def inline_link(self, node: Link):
        return [{"t": "Link", "c": [_attr(), self.inlines(node.inlines), [node.url, ""]]}]

    def inline_citation_ref(self, node: CitationRef):
        label = semantics.citation_label(self.reference_labels, node.ref_id)
        return [{"t": "Link", "c": [_attr("", ("citation",), (("ref", node.ref_id),)),
                                    [{"t": "Str", "c": f"[{label}]"}], [f"#{node.ref_id}", ""]]}]

    def inline_line_break(self, node: LineBreak):
        return [{"t": "LineBreak"}]

    def inline_strikeout(self, node: Strikeout):
        return [{"t": "Strikeout", "c": self.inlines(node.inlines)}]

    def inline_superscript(self, node: Superscript):
        return [{"t": "Superscript", "c": self.inlines(node.inlines)}]

    def inline_subscript(self, node: Subscript):
        return [{"t": "Subscript", "c": self.inlines(node.inlines)}]

    def inline_small_caps(self, node: SmallCaps):
        return [{"t": "SmallCaps", "c": self.inlines(node.inlines)}]

    def inline_underline(self, node: Underline):
        return [{"t": "Underline", "c": self.inlines(node.inlines)}]

    def inline_span(self, node: Span):
        return [{"t": "Span", "c": [_attr(node.id, node.classes, _with_lang(node.attrs, node.lang)),
                                    self.inlines(node.inlines)]}]

    def inline_math(self, node: Math):
        return [{"t": "Math", "c": [{"t": "DisplayMath" if node.display else "InlineMath"}, node.text]}]

    def inline_raw_inline(self, node: RawInline):
        return [{"t": "RawInline", "c": [node.format, node.text]}]

    def inline_image(self, node: Image):
        return [{"t": "Image", "c": [_attr(), self.inlines(node.inlines), [node.url, node.title]]}]

    def inline_note(self, node: Note):
        return [{"t": "Note", "c": self.blocks(node.blocks)}]


DROPPED_WHERE = "docforge's JSON"  # named in the dropped-characters message
_CHUNK = 1 << 16      # characters of JSON text gathered before one write
_BATCH = 2048         # at most this many tokens, rows or entries serialised by one json.dumps call
_BATCH_CHARS = 1 << 15  # JSON text one json.dumps call aims at: the dicts behind it are ~15x its size
_FIRST_BATCH = 16     # values in a first batch, before their size is known
_TEXT_SLICE = 1 << 12  # characters of one Text tokenised at a time (~1,500 token dicts)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Pieces:
    """A value of a batched array too big to be dicts at once (a word longer than
    _TEXT_SLICE, a table row or reference entry holding a long text): `batched` writes
    its JSON text as these pieces come, between the batches before and after it."""
    __slots__ = ("pieces",)

    def __init__(self, pieces: Iterator[str]) -> None:
        self.pieces = pieces


def _long_str(text: str, start: int, end: int) -> _Pieces:
    """The Str token of text[start:end], escaped a slice at a time (escaping is character
    by character, so the slices' escapes join to the whole's)."""
    def pieces() -> Iterator[str]:
        yield '{"t":"Str","c":"'
        for i in range(start, end, _TEXT_SLICE):
            yield encode_basestring(text[i:min(i + _TEXT_SLICE, end)])[1:-1]
        yield '"}'
    return _Pieces(pieces())


def _long(inlines) -> bool:
    """Whether an inline run holds more than _TEXT_SLICE characters of text at its top
    level (nested runs count a little each: a cheap test, not a measure)."""
    size = 0
    for node in inlines:
        size += len(node.text) if type(node) is Text else 64
        if size > _TEXT_SLICE:
            return True
    return False


def _text_tokens(text: str) -> Iterator[list]:
    """_tokens(text) in slices cut at spaces: the concatenation is exactly _tokens(text)
    (split(" ") of the whole = split of the left part, a Space, split of the right part);
    a word longer than a slice is one _long_str."""
    start, n = 0, len(text)
    while n - start > _TEXT_SLICE:
        cut = text.rfind(" ", start, start + _TEXT_SLICE + 1)
        if cut < 0:  # a word longer than a slice starts here
            end = text.find(" ", start)
            if end < 0:
                yield [_long_str(text, start, n)]
                return
            yield [_long_str(text, start, end), {"t": "Space"}]
            start = end + 1
            continue
        yield _tokens(text[start:cut])
        yield [{"t": "Space"}]
        start = cut + 1
    yield _tokens(text[start:] if start else text)


def _around(prefix: str, inner: Iterator[str], suffix: str) -> Iterator[str]:
    yield prefix
    yield from inner
    yield suffix


class StreamingAst:
    """The same JSON text as `_dumps(AstRenderer(...).document(doc))`, produced piece by piece.

    Why: the whole AST as dicts is ~100 bytes per input byte (one dict per word and space),
    and the JSON string built from it one more copy: a 50 MB feed peaked at 4.8 GB. Here
    the containers that grow with the input (the blocks, a paragraph's or heading's inlines,
    a long Text, list items, table rows, reference entries) are walked lazily and serialised
    in batches of about _BATCH_CHARS of JSON by json.dumps (C speed); a word longer than
    _TEXT_SLICE is escaped a slice at a time, and a row or entry holding a long text is
    streamed like a paragraph (both `_Pieces`); only small nodes become dicts, through
    AstRenderer, so the bytes cannot drift from it (the snapshot and a test compare them).
    What is still made whole is one value below that: the header row, an inline other
    than text (an Emph holding a whole paragraph)."""

    def __init__(self, renderer: AstRenderer) -> None:
        self.ast = renderer

    def document(self, doc: Document) -> Iterator[str]:
        yield '{"pandoc-api-version":' + _dumps(API_VERSION) + ',"meta":' + _dumps(self.ast.meta(doc.meta))
        yield ',"blocks":'
        yield from self.blocks(doc.blocks)
        yield "}"

    def blocks(self, nodes) -> Iterator[str]:
        yield "["
        for i, node in enumerate(nodes):
            if i:
                yield ","
            yield from self.block(node)
        yield "]"

    def block(self, node) -> Iterator[str]:
        kind = type(node)
        if kind is Paragraph:
            return _around('{"t":"Para","c":', self.inlines(node.inlines), "}")
        if kind is Heading:
            return _around('{"t":"Header","c":[' + _dumps(node.level) + "," + _dumps(_attr(node.id)) + ",",
                           self.inlines(node.inlines), "]}")
        if kind is BulletList:
            return _around('{"t":"BulletList","c":', self.items(node.items), "}")
        if kind is OrderedList:
            return _around('{"t":"OrderedList","c":[' + _dumps([node.start, {"t": "Decimal"}, {"t": "Period"}])
                           + ",", self.items(node.items), "]}")
        if kind is Quote:
            return _around('{"t":"BlockQuote","c":', self.blocks(node.blocks), "}")
        if kind is Table:
            return self.table(node)
        if kind is References:
            return _around('{"t":"Div","c":[' + _dumps(REFERENCES_ATTR) + ",",
                           self.batched(_Pieces(self.reference(e)) if _long(e.inlines) else self.ast.reference(e)
                                        for e in node.entries), "]}")
        if kind is Div:  # a pandoc document may sit whole in one Div (sections, custom styles)
            return _around('{"t":"Div","c":[' + _dumps(self.ast.div_attr(node)) + ",",
                           self.blocks(node.blocks), "]}")
        if kind is Figure:
            return _around('{"t":"Figure","c":' + _dumps(self.ast.figure_head(node))[:-1] + ",",
                           self.batched(self.ast.figure_block(b) for b in node.blocks), "]}")
        if kind is DefinitionList:
            return _around('{"t":"DefinitionList","c":', self.definitions(node), "}")
        if kind is LineBlock:
            return _around('{"t":"LineBlock","c":', self.lines(node), "}")
        return iter((_dumps(self.ast.render(node)),))  # code blocks, raw blocks, rules: one small dict

    def inlines(self, nodes, tail=None) -> Iterator[str]:
        """The JSON array of the inlines' tokens; `tail(any)`, when given, gives the
        tokens that end the array (told whether there were any before them)."""
        def tokens():
            dispatch = self.ast.dispatch
            some = False
            for node in nodes:
                if type(node) is Text:
                    for piece in _text_tokens(node.text):
                        some = some or bool(piece)
                        yield from piece
                else:
                    made = dispatch[type(node)](self.ast, node)
                    some = some or bool(made)
                    yield from made
            if tail is not None:
                yield from tail(some)
        yield from self.batched(tokens())

    def reference(self, node: Reference) -> Iterator[str]:
        """AstRenderer.reference(node)'s JSON, its text streamed as a paragraph's."""
        kv = _labelled(node.label) + ((("url", node.url),) if node.url else ())
        head = '{"t":"Div","c":[' + _dumps(_attr(node.id, ("csl-entry",), kv)) + ',[{"t":"Para","c":['
        if node.label:
            head += _dumps({"t": "Span", "c": [_attr(classes=("csl-left-margin",)),
                                               _tokens(f"[{node.label}]") + [{"t": "Space"}]]}) + ","
        yield head + '{"t":"Span","c":[' + _dumps(_attr(classes=("csl-right-inline",))) + ","
        url = semantics.shown_reference_url(node)

        def shown_url(some: bool) -> list:
            if not url:
                return []
            return ([{"t": "Space"}] if some else []) + [
                {"t": "Link", "c": [_attr(classes=("reference-url",)), _tokens(node.url), [url, ""]]}]
        yield from self.inlines(node.inlines, shown_url)
        yield "]}]}]]}"

    def row(self, cells, aligns: list, width: int) -> Iterator[str]:
        """[_attr(), [AstRenderer.cell(...) for each cell]]'s JSON, each cell's text streamed."""
        yield "[" + _dumps(_attr()) + ",["
        for i, cell in enumerate(cells):
            align = ALIGN.get(aligns[i] if i < width else "default", "AlignDefault")
            yield ("," if i else "") + "[" + _dumps(_attr()) + "," + _dumps({"t": align}) + ",1,1,"
            if cell.inlines:
                yield from _around('[{"t":"Plain","c":', self.inlines(cell.inlines), "}]")
            else:
                yield "[]"
            yield "]"
        yield "]]"

    def items(self, items) -> Iterator[str]:
        tight = all(len(i.blocks) >= 1 and isinstance(i.blocks[0], Paragraph)
                    and sum(isinstance(b, Paragraph) for b in i.blocks) == 1 for i in items)
        yield "["
        for i, item in enumerate(items):
            yield "," if i else ""
            yield "["
            for j, b in enumerate(item.blocks):
                yield "," if j else ""
                if tight and isinstance(b, Paragraph):
                    yield from _around('{"t":"Plain","c":', self.inlines(b.inlines), "}")
                else:
                    yield from self.block(b)
            yield "]"
        yield "]"

    def definitions(self, node: DefinitionList) -> Iterator[str]:
        yield "["
        for i, item in enumerate(node.items):
            yield ",[" if i else "["
            yield from self.inlines(item.term)
            yield ",["
            for j, blocks in enumerate(item.definitions):
                yield "," if j else ""
                yield from self.blocks(blocks)
            yield "]]"
        yield "]"

    def lines(self, node: LineBlock) -> Iterator[str]:
        yield "["
        for i, line in enumerate(node.lines):
            yield "," if i else ""
            yield from self.inlines(_indented(line))
        yield "]"

    def table(self, node: Table) -> Iterator[str]:
        width = max(len(node.header), len(node.aligns))  # no header row: the grid's width
        aligns = list(node.aligns[:width]) + ["default"] * (width - len(node.aligns))
        cell = self.ast.cell

        def row(cells) -> list:
            return [_attr(), [cell(c, aligns[i] if i < width else "default") for i, c in enumerate(cells)]]

        caption_blocks = [{"t": "Plain", "c": self.ast.inlines(node.caption)}] if node.caption else []
        kv = (("label", node.label),) if node.label else ()
        yield ('{"t":"Table","c":[' + _dumps(_attr(node.id, (), kv)) + "," + _dumps([None, caption_blocks]) + ","
               + _dumps([[{"t": ALIGN.get(a, "AlignDefault")}, {"t": "ColWidthDefault"}] for a in aligns]) + ","
               + _dumps([_attr(), [row(node.header)] if node.header else []]) + ",[[" + _dumps(_attr()) + ",0,[],")
        yield from self.batched(_Pieces(self.row(r, aligns, width)) if any(_long(c.inlines) for c in r) else row(r)
                                for r in node.rows)
        yield "]]," + _dumps([_attr(), []]) + "]}"

    @staticmethod
    def batched(values: Iterable) -> Iterator[str]:
        """A JSON array of `values`, serialised a batch at a time. A batch holds about
        _BATCH_CHARS of JSON (sized from the previous batch's characters per value, at most
        _BATCH values): a count alone let 2,048 table rows or reference entries be dicts at
        once (12 MB for a 1 MB table), while a few tokens per call would cost time."""
        yield "["
        batch: list = []
        first = True
        limit = _FIRST_BATCH
        for value in values:
            if type(value) is _Pieces:  # written in pieces, after the batch before it
                if batch:
                    text = _dumps(batch)[1:-1]
                    yield text if first else "," + text
                    first, batch = False, []
                if not first:
                    yield ","
                yield from value.pieces
                first = False
                continue
            batch.append(value)
            if len(batch) >= limit:
                text = _dumps(batch)[1:-1]
                yield text if first else "," + text
                limit = max(1, min(_BATCH, _BATCH_CHARS * len(batch) // (len(text) + 1)))
                first, batch = False, []
        if batch:
            text = _dumps(batch)[1:-1]
            yield text if first else "," + text
        yield "]"


class PandocJsonWriter:
    renderer = AstRenderer

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        """The document's JSON, written in chunks of about _CHUNK characters (see StreamingAst)."""
        diagnostics, controls = self.write_counting(context, out)
        if controls:
            diagnostics.append(dropped_diagnostic(controls, DROPPED_WHERE))
        return diagnostics

    def write_counting(self, context: RenderContext, out: BinaryIO) -> tuple[list[Diagnostic], int]:
        """write(), with the control characters left out (xmltext's one rule, as every writer
        applies it: separators as a space, the rest dropped) counted rather than reported,
        for a caller that reports them with its own (the pandoc bridge)."""
        surrogates = controls = 0
        pending: list[str] = []
        size = 0

        def flush() -> None:
            nonlocal surrogates, controls, size
            text, changed = clean_json("".join(pending))  # pieces are whole JSON values: no escape is cut
            controls += changed
            pending.clear()
            size = 0
            try:
                out.write(text.encode("utf-8"))
            except UnicodeEncodeError:
                # Lone surrogates (from undecodable input) cannot be UTF-8: pandoc would refuse them.
                surrogates += sum(1 for ch in text if "\ud800" <= ch <= "\udfff")
                out.write(text.encode("utf-8", "replace"))

        for piece in StreamingAst(AstRenderer(context.reference_labels)).document(context.doc):
            pending.append(piece)
            size += len(piece)
            if size >= _CHUNK:
                flush()
        flush()
        if surrogates:
            return [Diagnostic(f"replaced {surrogates} lone surrogate(s) that UTF-8 cannot hold with '?'")], controls
        return [], controls

    def dumps(self, doc: Document) -> str:
        """The document as pandoc JSON text (labels taken from the document as it is)."""
        return _dumps(self.to_ast(doc))

    @staticmethod
    def to_ast(doc: Document) -> dict:
        labels = {n.id: n.label for n in walk(doc, inlines=False) if type(n) is Reference}
        return AstRenderer(labels).document(doc)


writer = PandocJsonWriter()
