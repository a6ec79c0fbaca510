"""Hypothesis strategies for random pandoc ASTs (pandoc-api-version 1.23 JSON, as dicts), and
the words such an AST holds as pandoc defines them, for the no-lost-word property.

`documents()` draws every Block constructor (Plain, Para, LineBlock, CodeBlock, RawBlock,
BlockQuote, OrderedList, BulletList, DefinitionList, Header, HorizontalRule, Table with
head, bodies and foot and spanning cells, Figure, Div, also citeproc's bibliography Div)
and every Inline one (Str, Emph, Underline, Strong, Strikeout, Superscript, Subscript,
SmallCaps, Quoted, Cite, Code, Space, SoftBreak, LineBreak, Math, RawInline, Link, Image,
Note, Span), nested, with words in several scripts, and metadata of every MetaValue kind.
Inlines are always separated by a space or a break, so that the words of neighbouring
nodes never run together in any output. Images point at files that do not exist (every
writer then shows the alt text, which a read-back can see); raw markup is well-formed for
its format, so a writer that passes it through writes a valid file.

`shown_text(ast)` is the text of an AST that every writer must show: what pandoc's writers
show, where docforge's defined mappings differ (a resolved Cite shows its [N] marker, not
its rendering). Link and image titles (tooltips), attributes and short captions are not
the document's words. `raw_text(ast)` is the text of the raw blocks and inlines, which a
writer of another format may leave out (saying so). `without_numbers(doc)` is a document
as its JSON reads back: without the note and figure labels transforms.prepare gives again.
"""
from __future__ import annotations

import re

from hypothesis import strategies as st

from docforge.model import Figure, Note, map_tree
from docforge.records import replace

API_VERSION = [1, 23, 1]
LETTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "éèüößçñøåł" "αβγδλω" "жщыюя" "中文字词語" "かなカナ" "한글")
WORDS = st.one_of(st.text(alphabet=LETTERS, min_size=1, max_size=9),
                  st.sampled_from(["Zürich", "naïve", "straße", "Ελληνικά", "русский", "中文标题",
                                   "日本語", "مرحبا", "שלום", "emoji🙂word"]))
MISSING_IMAGES = ("missing.png", "img/absent-figure.jpg", "nowhere/diagram.svg")
URLS = ("https://example.org/a?b=1&c=2", "#sec", "mailto:a@example.org", "", "relative/page.html")
LANGS = ("de", "fr", "zh-CN", "ar", "en-GB")
CITATION_KEYS = ("smith", "doe", "nokey")  # "smith" and "doe" may have entries, "nokey" never


def _attr(draw, lang: bool = False) -> list:
    kv = []
    if draw(st.booleans()):
        kv.append(["data-x", draw(WORDS)])
    if lang and draw(st.booleans()):
        kv.append(["lang", draw(st.sampled_from(LANGS))])
    return [draw(st.sampled_from(["", "", "an-id", "sec-2"])),
            draw(st.lists(st.sampled_from(["note", "warning", "x"]), max_size=2, unique=True)), kv]


def _str(draw) -> dict:
    return {"t": "Str", "c": draw(WORDS)}


def _words_text(draw, max_size: int = 4) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=1, max_size=max_size)))


@st.composite
def raw_piece(draw, block: bool) -> list:
    """[format, text] well-formed in its format."""
    words = _words_text(draw)
    fmt = draw(st.sampled_from(["html", "tex", "latex", "openxml", "plain"]))
    if fmt == "html":
        return ["html", f"<div>{words}</div>" if block else f"<span>{words}</span>"]
    if fmt in ("tex", "latex"):
        return [fmt, f"\\textbf{{{words}}}"]
    if fmt == "openxml":
        run = f'<w:r><w:t xml:space="preserve">{words}</w:t></w:r>'
        return ["openxml", f"<w:p>{run}</w:p>" if block else run]
    return ["plain", words]


@st.composite
def inlines(draw, depth: int = 2, in_note: bool = False, in_link: bool = False) -> list:
    """A run of inlines, each separated from the next by a Space, SoftBreak or LineBreak."""
    choices = ["Str", "Str", "Code", "Math", "RawInline", "Cite", "Image"]
    if depth > 0:
        choices += ["Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
                    "Underline", "Quoted", "Span"]
        if not in_link:
            choices.append("Link")
        if not in_note:
            choices.append("Note")
    out: list = []
    for i in range(draw(st.integers(1, 4))):
        if i:
            out.append({"t": draw(st.sampled_from(["Space", "Space", "SoftBreak", "LineBreak"]))})
        kind = draw(st.sampled_from(choices))
        inner = lambda: draw(inlines(depth - 1, in_note, in_link))  # noqa: E731
        if kind == "Str":
            out.append(_str(draw))
        elif kind == "Code":
            out.append({"t": "Code", "c": [_attr(draw), _words_text(draw)]})
        elif kind == "Math":
            tex = " + ".join(draw(st.lists(st.sampled_from(["x", "y^2", "z_1", "a", "b^{3}"]), min_size=1, max_size=3)))
            out.append({"t": "Math", "c": [{"t": draw(st.sampled_from(["InlineMath", "DisplayMath"]))}, tex]})
        elif kind == "RawInline":
            out.append({"t": "RawInline", "c": draw(raw_piece(False))})
        elif kind == "Cite":
            keys = draw(st.lists(st.sampled_from(CITATION_KEYS), min_size=1, max_size=2, unique=True))
            citations = [{"citationId": k, "citationPrefix": [_str(draw)] if draw(st.booleans()) else [],
                          "citationSuffix": [_str(draw)] if draw(st.booleans()) else [],
                          "citationMode": {"t": draw(st.sampled_from(["NormalCitation", "AuthorInText",
                                                                      "SuppressAuthor"]))},
                          "citationNoteNum": 1, "citationHash": 0} for k in keys]
            out.append({"t": "Cite", "c": [citations, [_str(draw)]]})
        elif kind == "Image":
            alt = [_str(draw)] + ([{"t": "Space"}, _str(draw)] if draw(st.booleans()) else [])
            out.append({"t": "Image", "c": [_attr(draw), alt, [draw(st.sampled_from(MISSING_IMAGES)),
                                                               draw(st.sampled_from(["", "a tooltip"]))]]})
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
            out.append({"t": kind, "c": inner()})
        elif kind == "Quoted":
            out.append({"t": "Quoted", "c": [{"t": draw(st.sampled_from(["SingleQuote", "DoubleQuote"]))}, inner()]})
        elif kind == "Span":
            out.append({"t": "Span", "c": [_attr(draw, lang=True), inner()]})
        elif kind == "Link":
            out.append({"t": "Link", "c": [_attr(draw), draw(inlines(depth - 1, in_note, True)),
                                           [draw(st.sampled_from(URLS)), draw(st.sampled_from(["", "title"]))]]})
        elif kind == "Note":
            out.append({"t": "Note", "c": draw(st.lists(blocks(0, in_note=True), min_size=1, max_size=2))})
    return out


@st.composite
def tables(draw, in_note: bool) -> dict:
    """A well-formed table, as pandoc's readers make them: in each section (head, bodies,
    foot) a row's cells and the cells spanning into it from above fill at most the
    width; cells span up to two columns, and rows within their section."""
    width = draw(st.integers(1, 3))

    def cell(span_rows: int, span_cols: int) -> list:
        content = draw(st.sampled_from(["plain", "plain", "empty", "list"]))
        if content == "plain":
            cell_blocks = [{"t": "Plain", "c": draw(inlines(1, in_note))}]
        elif content == "list":
            cell_blocks = [{"t": "BulletList", "c": [[{"t": "Plain", "c": draw(inlines(0, in_note))}]]}]
        else:
            cell_blocks = []
        return [["", [], []], {"t": "AlignDefault"}, span_rows, span_cols, cell_blocks]

    def section(n_max: int) -> list:
        count = draw(st.integers(0, n_max))
        covered = [0] * width  # rows below still covered, per column
        rows = []
        for index in range(count):
            cells, column = [], 0
            while column < width:
                if covered[column]:
                    covered[column] -= 1
                    column += 1
                    continue
                if cells and not draw(st.integers(0, 3)):
                    break  # a short row: pandoc pads it
                free = 1
                while column + free < width and not covered[column + free]:
                    free += 1
                span_cols = draw(st.integers(1, min(free, 2)))
                span_rows = draw(st.integers(1, min(2, count - index)))
                cells.append(cell(span_rows, span_cols))
                for c in range(column, column + span_cols):
                    covered[c] = span_rows - 1
                column += span_cols
            for c in range(column, width):
                covered[c] = max(covered[c] - 1, 0)
            rows.append([["", [], []], cells])
        return rows

    short = [_str(draw)] if draw(st.booleans()) else None
    caption = [{"t": "Plain", "c": draw(inlines(1, in_note))}] if draw(st.booleans()) else []
    colspecs = [[{"t": draw(st.sampled_from(["AlignLeft", "AlignRight", "AlignCenter", "AlignDefault"]))},
                 draw(st.sampled_from([{"t": "ColWidthDefault"}, {"t": "ColWidth", "c": 0.5}]))]
                for _ in range(width)]
    bodies = [[["", [], []], 0, section(1), section(3)] for _ in range(draw(st.integers(1, 2)))]
    return {"t": "Table", "c": [_attr(draw), [short, caption], colspecs, [["", [], []], section(1)], bodies,
                                [["", [], []], section(1)]]}


@st.composite
def blocks(draw, depth: int = 2, in_note: bool = False) -> dict:
    choices = ["Para", "Para", "Plain", "Header", "CodeBlock", "RawBlock", "HorizontalRule", "LineBlock",
               "Table"]
    if depth > 0:
        choices += ["BlockQuote", "OrderedList", "BulletList", "DefinitionList", "Div", "Figure"]
    kind = draw(st.sampled_from(choices))
    inner = lambda: draw(st.lists(blocks(depth - 1, in_note), min_size=1, max_size=2))  # noqa: E731
    if kind in ("Para", "Plain"):
        return {"t": kind, "c": draw(inlines(2, in_note))}
    if kind == "Header":
        return {"t": "Header", "c": [draw(st.integers(1, 6)), _attr(draw), draw(inlines(1, in_note))]}
    if kind == "CodeBlock":
        code = "\n".join(_words_text(draw) for _ in range(draw(st.integers(1, 3))))
        return {"t": "CodeBlock", "c": [["", draw(st.sampled_from([[], ["python"]])), []], code]}
    if kind == "RawBlock":
        return {"t": "RawBlock", "c": draw(raw_piece(True))}
    if kind == "HorizontalRule":
        return {"t": "HorizontalRule"}
    if kind == "LineBlock":
        return {"t": "LineBlock", "c": draw(st.lists(inlines(1, in_note), min_size=1, max_size=3))}
    if kind == "Table":
        return draw(tables(in_note))
    if kind == "BlockQuote":
        return {"t": "BlockQuote", "c": inner()}
    if kind == "OrderedList":
        style = draw(st.sampled_from(["Decimal", "LowerAlpha", "UpperRoman", "DefaultStyle", "Example"]))
        delim = draw(st.sampled_from(["Period", "OneParen", "TwoParens", "DefaultDelim"]))
        return {"t": "OrderedList", "c": [[draw(st.integers(1, 30)), {"t": style}, {"t": delim}],
                                          [inner() for _ in range(draw(st.integers(1, 3)))]]}
    if kind == "BulletList":
        return {"t": "BulletList", "c": [inner() for _ in range(draw(st.integers(1, 3)))]}
    if kind == "DefinitionList":
        return {"t": "DefinitionList", "c": [[draw(inlines(1, in_note)), [inner() for _ in range(draw(st.integers(1, 2)))]]
                                             for _ in range(draw(st.integers(1, 2)))]}
    if kind == "Div":
        return {"t": "Div", "c": [_attr(draw, lang=True), inner()]}
    # Figure: usually an image with a caption, as pandoc's readers make them
    image = {"t": "Image", "c": [["", [], []], [_str(draw)], [draw(st.sampled_from(MISSING_IMAGES)), ""]]}
    content = [{"t": "Plain", "c": [image]}] if draw(st.booleans()) else inner()
    caption = [{"t": "Plain", "c": draw(inlines(1, in_note))}] if draw(st.booleans()) else []
    short = [_str(draw)] if draw(st.booleans()) else None
    return {"t": "Figure", "c": [_attr(draw), [short, caption], content]}


@st.composite
def bibliographies(draw) -> dict:
    """A references Div: citeproc's (numbered or not), docforge's, or bare paragraphs."""
    entries = []
    for number, key in enumerate(draw(st.lists(st.sampled_from(["smith", "doe"]), min_size=1, max_size=2,
                                               unique=True)), start=1):
        text = draw(inlines(1))
        shape = draw(st.sampled_from(["citeproc-numeric", "citeproc", "docforge", "bare"]))
        margin = {"t": "Span", "c": [["", ["csl-left-margin"], []], [{"t": "Str", "c": f"[{number}]"}, {"t": "Space"}]]}
        right = {"t": "Span", "c": [["", ["csl-right-inline"], []], text]}
        if shape == "citeproc-numeric":
            entries.append({"t": "Div", "c": [[f"ref-{key}", ["csl-entry"], []], [{"t": "Para", "c": [margin, right]}]]})
        elif shape == "citeproc":
            entries.append({"t": "Div", "c": [[f"ref-{key}", ["csl-entry"], []], [{"t": "Para", "c": text}]]})
        elif shape == "docforge":
            entries.append({"t": "Div", "c": [[key, ["csl-entry"], [["label", str(number)]]],
                                              [{"t": "Para", "c": [margin, right]}]]})
        else:
            entries.append({"t": "Para", "c": text})
    attr = draw(st.sampled_from([["refs", ["references", "csl-bib-body"], []], ["", ["references"], []]]))
    return {"t": "Div", "c": [attr, entries]}


def _meta_inlines(draw) -> dict:
    return {"t": "MetaInlines", "c": draw(inlines(1, True))}


@st.composite
def metas(draw) -> dict:
    meta = {"title": _meta_inlines(draw)}
    if draw(st.booleans()):
        meta["author"] = {"t": "MetaList", "c": [_meta_inlines(draw) for _ in range(draw(st.integers(1, 2)))]}
    if draw(st.booleans()):
        meta["lang"] = {"t": "MetaString", "c": draw(st.sampled_from(LANGS))}
    if draw(st.booleans()):
        meta["abstract"] = {"t": "MetaBlocks", "c": [{"t": "Para", "c": draw(inlines(1, True))}]}
    if draw(st.booleans()):
        meta["extra"] = {"t": "MetaMap", "c": {"flag": {"t": "MetaBool", "c": draw(st.booleans())},
                                               "name": {"t": "MetaString", "c": draw(WORDS)}}}
    return meta


@st.composite
def documents(draw) -> dict:
    body = draw(st.lists(blocks(), min_size=1, max_size=4))
    if draw(st.booleans()):
        body.append(draw(bibliographies()))
    return {"pandoc-api-version": API_VERSION, "meta": draw(metas()), "blocks": body}


# ------------------------------------------------------------------ the oracle

_TAG = re.compile(r"<[^>]*>|\\[A-Za-z]+")  # markup of raw pieces: its tags and commands are not words


def _entry_ids(blocks: list) -> set[str]:
    ids: set[str] = set()
    for block in blocks:
        if block["t"] == "Div" and (block["c"][0][0] == "refs" or "references" in block["c"][0][1]):
            ids.update(e["c"][0][0] for e in block["c"][1] if e["t"] == "Div")
        elif block["t"] == "Div":
            ids |= _entry_ids(block["c"][1])
    return ids


class _Collector:
    """Walks an AST, gathering its shown text in `shown` and the raw pieces' in `raw`."""

    def __init__(self, ast: dict) -> None:
        self.entries = _entry_ids(ast["blocks"])
        self.shown: list[str] = []
        self.raw: list[str] = []
        self.blocks(ast["blocks"])

    def resolved(self, citations: list) -> bool:
        return all(f"ref-{c['citationId']}" in self.entries or c["citationId"] in self.entries for c in citations)

    def blocks(self, blocks: list) -> None:
        for block in blocks:
            t, c = block["t"], block.get("c")
            if t in ("Para", "Plain"):
                self.inlines(c)
            elif t == "Header":
                self.inlines(c[2])
            elif t == "CodeBlock":
                self.shown.append(c[1])
            elif t == "RawBlock":
                self.raw.append(_TAG.sub(" ", c[1]))
            elif t == "LineBlock":
                for line in c:
                    self.inlines(line)
            elif t == "BlockQuote":
                self.blocks(c)
            elif t == "OrderedList":
                for item in c[1]:
                    self.blocks(item)
            elif t == "BulletList":
                for item in c:
                    self.blocks(item)
            elif t == "DefinitionList":
                for term, definitions in c:
                    self.inlines(term)
                    for definition in definitions:
                        self.blocks(definition)
            elif t == "Div":
                self.blocks(c[1])
            elif t == "Figure":
                self.blocks(c[1][1])
                self.blocks(c[2])
            elif t == "Table":
                self.blocks(c[1][1])
                head, bodies, foot = c[3], c[4], c[5]
                rows = head[1] + [r for body in bodies for r in body[2] + body[3]] + foot[1]
                for row in rows:
                    for cell in row[1]:
                        self.blocks(cell[4])
            self.shown.append(" ")

    def inlines(self, inlines: list) -> None:
        for node in inlines:
            t, c = node["t"], node.get("c")
            if t == "Str":
                self.shown.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                self.shown.append(" ")
            elif t in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
                self.inlines(c)
            elif t in ("Quoted", "Span"):
                self.inlines(c[1])
            elif t in ("Link", "Image"):
                self.inlines(c[1])
            elif t == "Code":
                self.shown.append(c[1])
            elif t == "Math":
                self.shown.append(" " + c[1] + " ")
            elif t == "RawInline":
                self.raw.append(_TAG.sub(" ", c[1]))
            elif t == "Note":
                self.shown.append(" ")
                self.blocks(c)
            elif t == "Cite":
                if self.resolved(c[0]):  # docforge shows [N] markers between prefixes and suffixes
                    for citation in c[0]:
                        self.shown.append(" ")
                        self.inlines(citation["citationPrefix"])
                        self.shown.append(" ")
                        self.inlines(citation["citationSuffix"])
                else:
                    self.inlines(c[1])
            self.shown.append("" if t == "Str" else " ")
        self.shown.append(" ")  # a run ends where its container does: a term before its definitions


def shown_text(ast: dict) -> str:
    return "".join(_Collector(ast).shown)


def raw_text(ast: dict) -> str:
    return " ".join(_Collector(ast).raw)


def without_numbers(doc):
    """`doc` without what docforge's JSON does not carry and transforms.prepare gives again:
    the labels of notes (pandoc notes have none) and figures (see writers/pandoc_json.py)."""
    def clear(node):
        if type(node) in (Note, Figure) and node.label:
            return replace(node, label="")
        return node
    return map_tree(doc, clear, frozenset({Note, Figure}))
