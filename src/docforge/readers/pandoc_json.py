"""pandoc AST JSON -> IR: reads back what writers/pandoc_json.py writes, and any pandoc JSON.

Every constructor of pandoc-types 1.23 has a defined mapping, nearly all to the IR node of
the same name (Note, Image, Figure, DefinitionList, LineBlock, Div, Span, the inline
styles, Math, RawInline/RawBlock). The rest:
- Plain and Para are Paragraphs; SoftBreak is a space; Null (older pandoc) is nothing.
- A LineBlock line's leading no-break spaces (pandoc's indentation) are spaces.
- Quoted is its text between curly quotes (“ ” or ‘ ’).
- A Div "refs" (or citeproc's "NAME__refs") or of class "references" is References, one
  Reference per entry Div: its id, its label from the attribute "label", else from a
  leading Span "csl-left-margin" as pandoc's citeproc writes it ("[3]" -> "3"; the span is
  not repeated in the text), else empty (transforms.prepare numbers it); the Span
  "csl-right-inline" after it is unwrapped, and a Link of class "reference-url" ending it
  (the URL docforge's writer shows) is the entry's url, not its text.
- Cite: when every citation's id KEY names a reference entry "ref-KEY" (citeproc's ids)
  or "KEY", a CitationRef per citation between its prefix and suffix, so the Cite's
  rendered text ("[@key]", citeproc's "(Doe 2020)") is replaced by the [N] marker every
  format shows (an info diagnostic counts them); otherwise the Cite's own text. Entries
  are found before the blocks are read, so references after the citations count.
- A Link of class "citation" to "#id" (docforge's own citations) is a CitationRef.
- Table: head, body and foot rows in order, the first row the header (none when the
  TableHead holds no row); a cell spanning
  rows or columns keeps its text in its first position and the positions it covered get
  empty cells (one diagnostic counts them). Blocks in a cell, a caption or a reference
  entry become one inline run, runs separated by LineBreak.
- Div and Span take `lang` out of their attributes; Header keeps its id, Figure its id
  and attribute "label"; other classes and attributes of headers, code, links, images,
  figures and tables are not kept (they are not text). An Image without alt inlines takes
  its "alt" attribute (pandoc's Markdown reader puts an uncaptioned figure's alt there).
- Link titles and short captions, which the IR has no place for, are dropped and counted
  in a diagnostic; an unknown constructor (a future pandoc) keeps the text found in it and
  says so.
- `lang` metadata is kept as given. For inputs pandoc reads (markdown, docx, html...)
  the bridge calls `with_detected_language`, which tells a missing one from the text
  (readers/language.py), as the feed reader does; JSON itself is read as written.
A malformed AST is a FormatError naming the file; this module never writes anything.

Memory: the text is read in place, value by value (`_Cursor`, json's C scanner on one
value at a time), never decoded whole into dicts and lists (~10x the JSON): blocks,
list items, table rows, reference entries, line-block lines, definition items, the
blocks of quotes, divs, figures and notes, and the inlines of paragraphs, headings and
inline wrappers (Emph, Span, Link...) are converted one at a time and their dicts
dropped; a Str/Space run is joined chunk by chunk. What is still decoded whole is small:
a table cell, a reference entry, a Cite, the metadata (`_Converter.block` and `inlines`
convert such values; the streamed methods must give what they give). Citations (Cite)
need the reference ids first: only a document holding one gets a first pass, which
decodes one top-level block at a time.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from collections import Counter
from typing import Any, Iterable, Iterator

from ..errors import Diagnostic, FormatError
from ..model import (BLOCK_TYPES, BulletList, Cell, CitationRef, Code, CodeBlock, DefinitionItem, DefinitionList,
                     Div, Document, Emph, Figure, Heading, Image, LineBlock, LineBreak, Link, ListItem,
                     Math, Meta, Note, OrderedList, Paragraph, Quote, RawBlock, RawInline, Reference,
                     References, SmallCaps, Span, Strikeout, Strong, Subscript, Superscript, Table,
                     Text, ThematicBreak, Underline, plain_text, walk)
from ..options import ReadOptions
from ..records import replace
from .language import SAMPLE_CHARS, detect, diagnostic
from .references import recover_references
from ..validate import vouch

ALIGN = {"AlignLeft": "left", "AlignCenter": "center", "AlignRight": "right", "AlignDefault": "default"}
_KNOWN_META = {"title", "subtitle", "author", "date", "lang", "keywords", "source"}
_MAX_SPAN = 1000  # columns a malformed colspan may claim; pandoc's own tables stay far below


def _merge_text(inlines: list) -> tuple:
    """Join adjacent Text nodes so that Str/Space tokens become one Text run.

    Each run is joined once at its end: appending to the previous Text token by token was
    quadratic in a paragraph's length (a 1 MB paragraph read back in 24 s, now 0.5 s)."""
    out: list = []
    run: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            run.append(node.text)
            continue
        if run:
            _flush_text(run, out)
        out.append(node)
    if run:
        _flush_text(run, out)
    return tuple(out)


def _flush_text(run: list[str], out: list) -> None:
    text = "".join(run)
    run.clear()
    if text:
        out.append(Text(text))


def _runs(blocks, out: list) -> None:
    """Append the inline runs of IR `blocks` to `out`, one per paragraph-like piece."""
    for block in blocks:
        kind = type(block)
        if kind is Paragraph or kind is Heading:
            out.append(block.inlines)
        elif kind is CodeBlock:
            out.append((Code(block.text),))
        elif kind is RawBlock:
            out.append((RawInline(block.format, block.text),))
        elif kind is LineBlock:
            out.extend(block.lines)
        elif kind is BulletList or kind is OrderedList:
            for item in block.items:
                _runs(item.blocks, out)
        elif kind is Quote or kind is Div:
            _runs(block.blocks, out)
        elif kind is Figure:
            _runs(block.blocks, out)
            out.append(block.caption)
        elif kind is DefinitionList:
            for item in block.items:
                out.append(item.term)
                for definition in item.definitions:
                    _runs(definition, out)
        elif kind is Table:
            out.append(block.caption)
            out.extend(cell.inlines for row in (block.header,) + block.rows for cell in row)
        elif kind is References:
            out.extend(entry.inlines for entry in block.entries)


def flatten(blocks) -> tuple:
    """IR blocks as one inline run (for a table cell, a caption, a reference entry): the
    runs of their paragraphs, lines, cells and terms, separated by LineBreak."""
    runs: list = []
    _runs(blocks, runs)
    out: list = []
    for run in runs:
        if run:
            if out:
                out.append(LineBreak())
            out.extend(run)
    return _merge_text(out)


def _inline_text(inlines) -> str:
    """The characters of an inline run, exactly (metadata is plain text)."""
    parts: list[str] = []
    for node in walk(Paragraph(tuple(inlines))):
        kind = type(node)
        if kind is Text or kind is Code or kind is Math:
            parts.append(node.text)  # type: ignore[union-attr]
        elif kind is LineBreak or kind is Note:
            parts.append(" ")
    return "".join(parts)


def _unindented(line: tuple) -> tuple:
    """A line-block line's leading no-break spaces (pandoc's way to keep them) as the spaces
    they stand for."""
    first = line[0] if line else None
    if type(first) is Text and first.text.startswith("\u00a0"):
        rest = first.text.lstrip("\u00a0")
        return (Text(" " * (len(first.text) - len(rest)) + rest),) + line[1:]
    return line


def _is_refs(attr) -> bool:
    """A Div of reference entries: citeproc's "refs" (or "NAME__refs"), or class "references"."""
    return attr[0] == "refs" or attr[0].endswith("__refs") or "references" in attr[1]


def _reference_ids(blocks: list) -> set[str]:
    """The ids of the reference entries anywhere among the blocks (not inside inlines), so
    that citations can be resolved while reading. Tolerant: malformed nodes are skipped
    here and reported by the conversion itself."""
    ids: set[str] = set()
    stack = [blocks]
    while stack:
        value = stack.pop()
        if not isinstance(value, list):
            continue
        for node in value:
            if not isinstance(node, dict):
                continue
            t, c = node.get("t"), node.get("c")
            try:
                if t == "Div":
                    if _is_refs(c[0]):
                        ids.update(e["c"][0][0] for e in c[1] if isinstance(e, dict) and e.get("t") == "Div")
                    else:
                        stack.append(c[1])
                elif t == "BlockQuote":
                    stack.append(c)
                elif t == "BulletList":
                    stack.extend(c)
                elif t == "OrderedList":
                    stack.extend(c[1])
                elif t == "Figure":
                    stack.append(c[2])
                elif t == "DefinitionList":
                    stack.extend(d for _term, defs in c for d in defs)
            except (TypeError, KeyError, IndexError, ValueError):
                continue
    return ids


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_CITE = re.compile(r'"t"\s*:\s*"Cite"')  # a document without one needs no reference ids up front
# the usual inlines, compact: a Space is taken as it is, a Str's string scanned alone
_STR, _STR_C, _SPACE = '{"t":"Str",', '{"t":"Str","c":"', '{"t":"Space"}'
_RUN_PIECES = 4096  # Str/Space strings of one text run joined at a time


class _Cursor:
    """A position in JSON text, read one value at a time with json's C scanner, so that a
    long array is walked element by element instead of being decoded whole.

    `array()` and `members()` are generators that hand over at each element (each
    member's key): the caller reads exactly that one value (`value()`, or a nested
    `array()`/`members()`) before asking for the next."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._scan = json.JSONDecoder().scan_once

    def error(self, message: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(message, self.text, self.pos)

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end)."""
        text, pos = self.text, self.pos
        if pos < len(text) and text[pos] in " \t\n\r":
            pos = self.pos = _WHITESPACE.match(text, pos).end()
        return text[pos] if pos < len(text) else ""

    def value(self) -> Any:
        self.peek()
        try:
            value, self.pos = self._scan(self.text, self.pos)
        except StopIteration:
            raise self.error("Expecting value") from None
        return value

    def _expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.error(f"Expecting {what}")
        self.pos += 1

    def array(self) -> Iterator[None]:
        self._expect("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield
            if self._closed_after_item("]"):
                return

    def members(self) -> Iterator[str]:
        self._expect("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("Expecting property name enclosed in double quotes")
            key = self.value()
            self._expect(":", "':' delimiter")
            yield key
            if self._closed_after_item("}"):
                return

    def _closed_after_item(self, closer: str) -> bool:
        """Past the ',' after an item (False) or the container's closing `closer` (True)."""
        after = self.peek()
        self.pos += 1
        if after == closer:
            return True
        if after != ",":
            self.pos -= 1
            raise self.error("Expecting ',' delimiter")
        return False

    def end(self) -> None:
        if self.peek():
            raise self.error("Extra data")


class _TextRun:
    """The characters of adjacent Str/Space tokens, joined once at the end: the pieces are
    joined into chunks every _RUN_PIECES, so a long paragraph does not hold one small
    string per word until its end (joining the whole so far each time would be quadratic)."""
    __slots__ = ("pieces", "chunks")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.chunks: list[str] = []

    def add(self, text: str) -> None:
        pieces = self.pieces
        pieces.append(text)
        if len(pieces) >= _RUN_PIECES:
            self.chunks.append("".join(pieces))
            pieces.clear()

    def flush(self, out: list) -> None:
        """Append the run as one Text to `out` (nothing when it holds no character)."""
        if self.chunks:
            self.chunks.append("".join(self.pieces))
            text = "".join(self.chunks)
            self.chunks.clear()
        elif self.pieces:
            text = "".join(self.pieces)
        else:
            return
        self.pieces.clear()
        if text:
            out.append(Text(text))


_END = object()


def _value(cur: _Cursor, _done: list) -> Any:
    return cur.value()


def _fixed(cur: _Cursor, *readers) -> list:
    """The array at the cursor, of exactly len(readers) values, each read by its reader
    (called with the cursor and the values read before it)."""
    done: list = []
    for _ in cur.array():
        if len(done) == len(readers):
            raise ValueError(f"expected {len(readers)} values in an array")
        done.append(readers[len(done)](cur, done))
    if len(done) != len(readers):
        raise ValueError(f"expected {len(readers)} values in an array, got {len(done)}")
    return done


def _split_attrs(kv) -> tuple[tuple[tuple[str, str], ...], str]:
    """(attributes without `lang`, lang): the IR keeps the language as its own field."""
    lang = ""
    rest = []
    for key, value in kv:
        if key == "lang" and not lang:
            lang = value
        else:
            rest.append((key, value))
    return tuple(rest), lang


def _has_class(node: Any, name: str) -> bool:
    return (isinstance(node, dict) and node.get("t") == "Span"
            and name in node["c"][0][1])


def _margin_label(text: str) -> str:
    """citeproc's left-margin text ("[3] ", "3.", "(3)") as a label ("3")."""
    label = text.strip()
    if len(label) >= 2 and (label[0], label[-1]) in (("[", "]"), ("(", ")")):
        label = label[1:-1].strip()
    return label[:-1] if len(label) > 1 and label.endswith(".") else label


class _Converter:
    def __init__(self, source: str, reference_ids: set[str]) -> None:
        self.source = source
        self.reference_ids = reference_ids
        self.diagnostics: list[Diagnostic] = []
        self.unknown: Counter = Counter()   # (kind, constructor) -> how often
        self.spanning_cells = 0
        self.link_titles = 0
        self.short_captions = 0
        self.linked_citations = 0

    def report(self) -> list[Diagnostic]:
        out = list(self.diagnostics)
        for (kind, t), n in sorted(self.unknown.items()):
            times = f" ({n} times)" if n > 1 else ""
            out.append(Diagnostic(f"pandoc {kind} {t!r}{times} has no docforge equivalent; its text was kept"
                                  + (" as a paragraph" if kind == "block" else "")))
        if self.spanning_cells:
            out.append(Diagnostic(f"{self.spanning_cells} table cells span several rows/columns; docforge "
                                  "tables are grids, the spans were flattened"))
        if self.link_titles:
            out.append(Diagnostic(f"{self.link_titles} link title(s) (tooltips) were left out: docforge "
                                  "links have none"))
        if self.linked_citations:
            out.append(Diagnostic(f"{self.linked_citations} citation(s) linked to their reference entries: "
                                  "each shows its entry's [N] marker instead of the text pandoc rendered",
                                  severity="info"))
        if self.short_captions:
            out.append(Diagnostic(f"{self.short_captions} short caption(s) were left out: docforge keeps "
                                  "the full caption only"))
        return out

    # ------------------------------------------------------------- meta
    def meta_text(self, value: Any) -> str:
        t = value.get("t") if isinstance(value, dict) else None
        c = value.get("c") if isinstance(value, dict) else None
        if t == "MetaString":
            return str(c)
        if t == "MetaInlines":
            return _inline_text(self.inlines(c))
        if t == "MetaBlocks":
            return _inline_text(flatten(self.blocks(c))).strip()
        if t == "MetaBool":
            return "true" if c else "false"
        if t == "MetaList":
            return ", ".join(self.meta_text(v) for v in c)
        if t == "MetaMap":
            return ", ".join(f"{k}: {self.meta_text(v)}" for k, v in sorted(c.items()))
        if value is None:
            return ""
        if isinstance(value, str):  # not pandoc's own, but plainly text
            return value
        self.unknown["metadata value", t] += 1
        return " ".join(_inline_text(flatten((b,))) for b in self.salvage_blocks(c)).strip()

    def meta_list(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, dict) and value.get("t") == "MetaList":
            return tuple(s for s in (self.meta_text(v) for v in value["c"]) if s)
        text = self.meta_text(value)
        return tuple(s.strip() for s in text.split(",") if s.strip()) if text else ()

    def meta(self, raw: dict) -> Meta:
        authors = raw.get("author")
        return Meta(
            title=self.meta_text(raw.get("title")),
            subtitle=self.meta_text(raw.get("subtitle")),
            authors=self.meta_list(authors) if isinstance(authors, dict) and authors.get("t") == "MetaList"
            else ((self.meta_text(authors),) if authors else ()),
            date=self.meta_text(raw.get("date")),
            language=self.meta_text(raw.get("lang")),
            keywords=self.meta_list(raw.get("keywords")),
            source=self.meta_text(raw.get("source")),
            extra=tuple(sorted((k, self.meta_text(v)) for k, v in raw.items() if k not in _KNOWN_META)),
        )

    # ------------------------------------------------------------- blocks
    def blocks(self, raw: list) -> tuple:
        out: list = []
        for node in raw:
            out.extend(self.block(node))
        return tuple(out)

    def block(self, node: dict) -> list:
        t, c = node.get("t"), node.get("c")
        handler = self.BLOCKS.get(t)
        if handler is None:
            self.unknown["block", t] += 1
            return self.salvage_blocks(c)
        return handler(self, c)

    def salvage_blocks(self, value: Any) -> list:
        """What an unknown block holds, as blocks: known nodes converted, loose text in paragraphs."""
        out: list = []
        loose: list = []
        for item in self.salvage(value):
            if type(item) in _BLOCK_SET:
                if loose:
                    out.append(Paragraph(_merge_text(loose)))
                    loose = []
                out.append(item)
            else:
                loose.append(item)
        if loose:
            out.append(Paragraph(_merge_text(loose)))
        return out

    def salvage(self, value: Any) -> list:
        """Every piece of text in a JSON value: known pandoc nodes converted (blocks and
        inlines mixed), other strings as Text separated by spaces."""
        out: list = []
        if isinstance(value, str):
            if value:
                out += [Text(value), Text(" ")]
        elif isinstance(value, list):
            for item in value:
                out += self.salvage(item)
        elif isinstance(value, dict):
            t = value.get("t")
            if t in self.BLOCKS:
                out += self.block(value)
            elif t in self.INLINES:
                out += self.inlines([value]) + [Text(" ")]
            elif "c" in value:
                self.unknown["inline" if isinstance(t, str) else "value", t] += 1
                out += self.salvage(value["c"])
        return out

    def _para(self, c):
        return [Paragraph(_merge_text(self.inlines(c)))]

    def _header(self, c):
        level, attr, inl = c
        return [Heading(int(level), _merge_text(self.inlines(inl)), attr[0])]

    def _line_block(self, c):
        return [LineBlock(tuple(_unindented(_merge_text(self.inlines(line))) for line in c))]

    def _items(self, items) -> tuple:
        return tuple(ListItem(self.blocks(blocks)) for blocks in items)

    def _bullets(self, c):
        return [BulletList(self._items(c))]

    def _ordered(self, c):
        (start, _style, _delim), items = c
        return [OrderedList(self._items(items), int(start))]

    def _quote(self, c):
        return [Quote(self.blocks(c))]

    def _code(self, c):
        attr, text = c
        return [CodeBlock(text, attr[1][0] if attr[1] else "")]

    def _raw(self, c):
        fmt, text = c
        return [RawBlock(str(fmt), text)]

    def _rule(self, c):
        return [ThematicBreak()]

    def _null(self, c):
        return []

    def _div(self, c):
        attr, blocks = c
        if _is_refs(attr):
            return [References(tuple(self.reference(b) for b in blocks))]
        id_, classes, kv = attr
        attrs, lang = _split_attrs(kv)
        return [Div(self.blocks(blocks), id_, tuple(classes), attrs, lang)]

    def reference(self, node: dict) -> Reference:
        if node.get("t") != "Div":
            return Reference("", "", flatten(self.block(node)))
        (id_, _classes, kv), blocks = node["c"]
        attrs = dict(kv)
        url = attrs.get("url", "")
        margin = ""
        first = blocks[0] if blocks else None
        if isinstance(first, dict) and first.get("t") in ("Para", "Plain") and isinstance(first.get("c"), list):
            inl = first["c"]
            if inl and _has_class(inl[0], "csl-left-margin"):
                margin = _inline_text(self.inlines(inl[0]["c"][1]))
                inl = inl[1:]
                if inl and inl[0].get("t") == "Space":
                    inl = inl[1:]
            if len(inl) == 1 and _has_class(inl[0], "csl-right-inline"):
                inl = list(inl[0]["c"][1])
                last = inl[-1] if inl else None
                if isinstance(last, dict) and last.get("t") == "Link" and "reference-url" in last["c"][0][1]:
                    # the URL docforge's writer showed after the text: the entry's url, not its text
                    url = url or last["c"][2][0]
                    inl.pop()
                    if inl and inl[-1].get("t") in ("Space", "SoftBreak"):  # Markdown may wrap there
                        inl.pop()
            blocks = [{"t": first["t"], "c": inl}] + blocks[1:]
        label = attrs["label"] if "label" in attrs else _margin_label(margin)
        return Reference(id_, label, flatten(self.blocks(blocks)), url)

    def _definitions(self, c):
        return [DefinitionList(tuple(DefinitionItem(_merge_text(self.inlines(term)),
                                                    tuple(self.blocks(d) for d in defs))
                                     for term, defs in c))]

    def caption(self, caption) -> tuple:
        short, blocks = caption
        if short:
            self.short_captions += 1
        return flatten(self.blocks(blocks))

    def _figure(self, c):
        attr, caption, blocks = c
        return [Figure(self.blocks(blocks), self.caption(caption), attr[0], dict(attr[2]).get("label", ""))]

    def grid_row(self, row, covered: dict[int, int], limit: int) -> tuple:
        """A row of pandoc cells as a row of the grid: a spanning cell's text in its first
        position and empty cells in the positions it covers (`covered`: column -> rows
        still covered by a cell above, updated for the rows below)."""
        out: list[Cell] = []
        for cell in row[1]:
            while covered.get(len(out), 0) > 0:
                covered[len(out)] -= 1
                out.append(Cell(()))
            _attr, _align, rowspan, colspan, blocks = cell
            rowspan, colspan = max(int(rowspan), 1), min(max(int(colspan), 1), limit)
            if rowspan > 1 or colspan > 1:
                self.spanning_cells += 1
            start = len(out)
            out.append(Cell(flatten(self.blocks(blocks))))
            out.extend([Cell(())] * (colspan - 1))
            if rowspan > 1:
                for column in range(start, start + colspan):
                    covered[column] = rowspan - 1
        last = max((col for col, n in covered.items() if n > 0), default=-1)
        while len(out) <= last:
            if covered.get(len(out), 0) > 0:
                covered[len(out)] -= 1
            out.append(Cell(()))
        return tuple(out)

    def make_table(self, attr, caption, colspecs, has_head: bool, rows: Iterable) -> list:
        """The Table of pandoc rows (head, bodies, foot in order; an iterable, so a streamed
        table is converted row by row), the first the header when the TableHead had any."""
        covered: dict[int, int] = {}
        limit = max(len(colspecs), 1) if colspecs else _MAX_SPAN
        grid = [self.grid_row(row, covered, limit) for row in rows]
        width = max([len(colspecs)] + [len(r) for r in grid])
        if any(len(r) < width for r in grid):
            grid = [r + (Cell(()),) * (width - len(r)) for r in grid]
        aligns = tuple(ALIGN.get(s[0].get("t"), "default") for s in colspecs)
        aligns += ("default",) * (width - len(aligns))
        # an empty TableHead is a table without a header row (header=()), not one whose
        # first body row is promoted to a header
        # (a table with no row at all keeps one empty header row, as transforms gives it)
        if not grid:
            header, body_rows = (Cell(()),) * width, ()
        elif has_head:
            header, body_rows = grid[0], tuple(grid[1:])
        else:
            header, body_rows = (), tuple(grid)
        return [Table(header, body_rows, aligns, self.caption(caption), attr[0], dict(attr[2]).get("label", ""))]

    def _table(self, c):
        attr, caption, colspecs, head, bodies, foot = c
        rows = list(head[1])
        for body in bodies:
            rows.extend(body[2])
            rows.extend(body[3])
        rows.extend(foot[1])
        return self.make_table(attr, caption, colspecs, bool(head[1]), rows)

    BLOCKS = {
        "Para": _para, "Plain": _para, "Header": _header, "LineBlock": _line_block,
        "BulletList": _bullets, "OrderedList": _ordered, "BlockQuote": _quote,
        "CodeBlock": _code, "RawBlock": _raw, "HorizontalRule": _rule, "Div": _div,
        "DefinitionList": _definitions, "Figure": _figure, "Table": _table, "Null": _null,
    }

    # ------------------------------------------------------------- streamed
    # The same conversions on a _Cursor: the containers that grow with the input are read
    # one element at a time; each must give exactly what its handler above gives.
    def stream_blocks(self, cur: _Cursor) -> tuple:
        out: list = []
        for _ in cur.array():
            out.extend(self.stream_block(cur))
        return tuple(out)

    def stream_block(self, cur: _Cursor) -> list:
        if cur.peek() != "{":
            return self.block(cur.value())  # not a node: the whole-value path says so
        node: dict = {}
        members = cur.members()
        for key in members:
            streamed = self.STREAMED.get(node.get("t")) if key == "c" and len(node) == 1 else None
            if streamed is not None:
                result = streamed(self, cur)
                for _ in members:  # members after "c" (not pandoc's): read, as json.loads would
                    cur.value()
                return result
            node[key] = cur.value()
        return self.block(node)

    def stream_inlines(self, cur: _Cursor) -> tuple:
        """_merge_text(self.inlines(c)) for the inline array at the cursor. The hot loop of
        the reader: compact Str and Space tokens (what pandoc and docforge write) are read
        straight from the text, with no dict; anything else goes through the cursor."""
        out: list = []
        run = _TextRun()
        add = run.add
        text = cur.text
        for _ in cur.array():
            pos = cur.pos
            if text.startswith(_SPACE, pos):
                add(" ")
                cur.pos = pos + len(_SPACE)
                continue
            if text.startswith(_STR_C, pos):
                try:
                    string, end = scanstring(text, pos + len(_STR_C))
                except (json.JSONDecodeError, IndexError):
                    string, end = None, 0
                if string is not None and text.startswith("}", end):
                    add(string)
                    cur.pos = end + 1
                    continue
            if cur.peek() == "{" and not text.startswith(_STR, cur.pos):
                items = self.stream_inline(cur)  # an Emph, Span, Note... may hold a paragraph's worth
            else:
                node = cur.value()
                t = node.get("t")
                if t == "Str":
                    add(node["c"])
                    continue
                if t == "Space" or t == "SoftBreak":
                    add(" ")
                    continue
                items = self.inlines([node])
            for item in items:
                if isinstance(item, Text):
                    add(item.text)
                else:
                    run.flush(out)
                    out.append(item)
        run.flush(out)
        return tuple(out)

    def stream_inline(self, cur: _Cursor) -> list:
        node: dict = {}
        members = cur.members()
        for key in members:
            streamed = self.STREAMED_INLINES.get(node.get("t")) if key == "c" and len(node) == 1 else None
            if streamed is not None:
                result = streamed(self, cur)
                for _ in members:
                    cur.value()
                return result
            node[key] = cur.value()
        return self.inlines([node])

    def _s_wrap(cls):
        def handler(self, cur):
            return [cls(self.stream_inlines(cur))]
        return handler

    def _s_link(self, cur):
        def inlines(cur, done):  # a citation's own text is not read: the marker replaces it
            return cur.value() if "citation" in done[0][1] else self.stream_inlines(cur)
        attr, inl, (url, title) = _fixed(cur, _value, inlines, _value)
        if "citation" in attr[1]:
            if url.startswith("#"):
                return [CitationRef(url[1:])]
            inl = _merge_text(self.inlines(inl))
        if title:
            self.link_titles += 1
        return [Link(inl, url)]

    def _s_span(self, cur):
        (id_, classes, kv), inl = _fixed(cur, _value, lambda cur, _: self.stream_inlines(cur))
        attrs, lang = _split_attrs(kv)
        return [Span(inl, id_, tuple(classes), attrs, lang)]

    def _s_quoted(self, cur):
        kind, inl = _fixed(cur, _value, lambda cur, _: self.stream_inlines(cur))
        q = ("“", "”") if kind.get("t") == "DoubleQuote" else ("‘", "’")
        return [Text(q[0]), *inl, Text(q[1])]

    def _s_image(self, cur):
        (_id, _classes, kv), alt, (url, title) = _fixed(cur, _value, lambda cur, _: self.stream_inlines(cur), _value)
        if not alt:  # pandoc's Markdown reader keeps an uncaptioned figure's alt text here
            alt = _merge_text([Text(v) for k, v in kv if k == "alt"][:1])
        return [Image(alt, url, title)]

    def _s_note(self, cur):
        return [Note(self.stream_blocks(cur))]

    STREAMED_INLINES = {
        "Emph": _s_wrap(Emph), "Strong": _s_wrap(Strong), "Underline": _s_wrap(Underline),
        "Strikeout": _s_wrap(Strikeout), "Superscript": _s_wrap(Superscript),
        "Subscript": _s_wrap(Subscript), "SmallCaps": _s_wrap(SmallCaps), "Link": _s_link,
        "Span": _s_span, "Quoted": _s_quoted, "Image": _s_image, "Note": _s_note,
    }

    def _s_line_block(self, cur):
        return [LineBlock(tuple(_unindented(self.stream_inlines(cur)) for _ in cur.array()))]

    def _s_definitions(self, cur):
        def definitions(cur, _):
            return tuple(self.stream_blocks(cur) for _ in cur.array())
        return [DefinitionList(tuple(
            DefinitionItem(*_fixed(cur, lambda cur, _: self.stream_inlines(cur), definitions))
            for _ in cur.array()))]

    def _s_figure(self, cur):
        attr, caption, blocks = _fixed(cur, _value, _value, lambda cur, _: self.stream_blocks(cur))
        return [Figure(blocks, self.caption(caption), attr[0], dict(attr[2]).get("label", ""))]

    def _s_para(self, cur):
        return [Paragraph(self.stream_inlines(cur))]

    def _s_header(self, cur):
        level, attr, inlines = _fixed(cur, _value, _value, lambda cur, _: self.stream_inlines(cur))
        return [Heading(int(level), inlines, attr[0])]

    def _s_items(self, cur) -> tuple:
        return tuple(ListItem(self.stream_blocks(cur)) for _ in cur.array())

    def _s_bullets(self, cur):
        return [BulletList(self._s_items(cur))]

    def _s_ordered(self, cur):
        (start, _style, _delim), items = _fixed(cur, _value, lambda cur, _: self._s_items(cur))
        return [OrderedList(items, int(start))]

    def _s_quote(self, cur):
        return [Quote(self.stream_blocks(cur))]

    def _s_div(self, cur):
        def blocks(cur, done):
            if _is_refs(done[0]):
                return tuple(self.reference(cur.value()) for _ in cur.array())
            return self.stream_blocks(cur)
        attr, content = _fixed(cur, _value, blocks)
        if _is_refs(attr):
            return [References(content)]
        id_, classes, kv = attr
        attrs, lang = _split_attrs(kv)
        return [Div(content, id_, tuple(classes), attrs, lang)]

    def _s_table(self, cur):
        elements = cur.array()

        def element() -> None:
            if next(elements, _END) is _END:
                raise ValueError("a pandoc Table holds 6 values")

        element(); attr = cur.value()
        element(); caption = cur.value()
        element(); colspecs = cur.value()
        element(); head = cur.value()

        def rows():  # head, body and foot rows, each as it is read
            yield from head[1]
            element()
            for _ in cur.array():  # the bodies: attr, row head columns, head rows, rows
                for i, _ in enumerate(cur.array()):
                    if i < 2:
                        cur.value()
                    else:
                        for _ in cur.array():
                            yield cur.value()
            element()
            yield from cur.value()[1]
            if next(elements, _END) is not _END:
                raise ValueError("a pandoc Table holds 6 values")

        return self.make_table(attr, caption, colspecs, bool(head[1]), rows())

    STREAMED = {
        "Para": _s_para, "Plain": _s_para, "Header": _s_header, "BulletList": _s_bullets,
        "OrderedList": _s_ordered, "BlockQuote": _s_quote, "Div": _s_div, "Table": _s_table,
        "LineBlock": _s_line_block, "DefinitionList": _s_definitions, "Figure": _s_figure,
    }

    # ------------------------------------------------------------- inlines
    def inlines(self, raw: list) -> list:
        out: list = []
        handlers = self.INLINES
        for node in raw or ():
            t = node.get("t")
            handler = handlers.get(t)
            if handler is None:
                self.unknown["inline", t] += 1
                for item in self.salvage(node.get("c")):
                    out.extend(flatten((item,)) if type(item) in _BLOCK_SET else (item,))
                continue
            out.extend(handler(self, node.get("c")))
        return out

    def _str(self, c):
        return [Text(c)]

    def _space(self, c):
        return [Text(" ")]

    def _wrap(cls):
        def handler(self, c):
            return [cls(_merge_text(self.inlines(c)))]
        return handler

    def _code_inline(self, c):
        return [Code(c[1])]

    def _link(self, c):
        attr, inl, (url, title) = c
        if "citation" in attr[1] and url.startswith("#"):
            return [CitationRef(url[1:])]
        if title:
            self.link_titles += 1
        return [Link(_merge_text(self.inlines(inl)), url)]

    def _span(self, c):
        (id_, classes, kv), inl = c
        attrs, lang = _split_attrs(kv)
        return [Span(_merge_text(self.inlines(inl)), id_, tuple(classes), attrs, lang)]

    def _quoted(self, c):
        kind, inl = c
        q = ("“", "”") if kind.get("t") == "DoubleQuote" else ("‘", "’")
        return [Text(q[0])] + self.inlines(inl) + [Text(q[1])]

    def _cite(self, c):
        citations, rendered = c
        if not citations:
            return self.inlines(rendered)
        targets = []
        for citation in citations:
            key = citation["citationId"]
            target = f"ref-{key}" if f"ref-{key}" in self.reference_ids else key
            if target not in self.reference_ids:
                return self.inlines(rendered)
            targets.append(target)
        if rendered:
            self.linked_citations += 1
        out: list = []
        suffix: list = []
        for citation, target in zip(citations, targets):
            prefix = self.inlines(citation.get("citationPrefix"))
            if out and (suffix or prefix):  # "[1], p. 3 see [2]": one citation's words apart from the next's
                out.append(Text(" "))
            out += prefix + ([Text(" ")] if prefix else []) + [CitationRef(target)]
            suffix = self.inlines(citation.get("citationSuffix"))
            out += suffix
        return out

    def _math(self, c):
        kind, text = c
        return [Math(text, kind.get("t") == "DisplayMath")]

    def _raw_inline(self, c):
        fmt, text = c
        return [RawInline(str(fmt), text)]

    def _image(self, c):
        (_id, _classes, kv), inl, (url, title) = c
        alt = _merge_text(self.inlines(inl))
        if not alt:  # pandoc's Markdown reader keeps an uncaptioned figure's alt text here
            alt = _merge_text([Text(v) for k, v in kv if k == "alt"][:1])
        return [Image(alt, url, title)]

    def _note(self, c):
        return [Note(self.blocks(c))]

    def _line_break(self, c):
        return [LineBreak()]

    INLINES = {
        "Str": _str, "Space": _space, "SoftBreak": _space, "LineBreak": _line_break,
        "Emph": _wrap(Emph), "Strong": _wrap(Strong), "Underline": _wrap(Underline),
        "Strikeout": _wrap(Strikeout), "Superscript": _wrap(Superscript), "Subscript": _wrap(Subscript),
        "SmallCaps": _wrap(SmallCaps), "Quoted": _quoted, "Cite": _cite, "Code": _code_inline,
        "Math": _math, "RawInline": _raw_inline, "Link": _link, "Image": _image, "Note": _note,
        "Span": _span,
    }


_BLOCK_SET = frozenset(BLOCK_TYPES)


class PandocJsonReader:
    """The `json` reader: pandoc AST JSON text in, Document and diagnostics out."""

    def read(self, text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
        source = (options or ReadOptions()).source_name
        not_json = ("{source}: not JSON (line {exc.lineno}: {exc.msg}); "
                    "give pandoc JSON as written by `pandoc -t json`")
        cur = _Cursor(text)
        if cur.peek() != "{":  # not an object: json.loads says what it is instead
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise FormatError(not_json.format(source=source, exc=exc)) from None
            raise FormatError(f"{source}: not a pandoc JSON document (no \"blocks\"); "
                              "give the output of `pandoc -t json` or `docforge --to json`")
        try:
            conv = _Converter(source, _stream_reference_ids(text) if _CITE.search(text) else set())
            meta: Any = {}
            blocks = None
            for key in cur.members():
                if key == "blocks":
                    blocks = conv.stream_blocks(cur) if cur.peek() == "[" else conv.blocks(cur.value())
                elif key == "meta":
                    meta = cur.value()
                else:
                    cur.value()
            cur.end()
            if blocks is None:
                raise FormatError(f"{source}: not a pandoc JSON document (no \"blocks\"); "
                                  "give the output of `pandoc -t json` or `docforge --to json`")
            doc = recover_references(Document(conv.meta(meta or {}), blocks))
        except json.JSONDecodeError as exc:
            raise FormatError(not_json.format(source=source, exc=exc)) from None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise FormatError(f"{source}: malformed pandoc AST ({type(exc).__name__}: {exc}); "
                              "check that it was written by pandoc-api-version 1.23") from None
        return vouch(doc), conv.report()  # valid by construction: write() need not walk it


def _stream_reference_ids(text: str) -> set[str]:
    """_reference_ids of the document's blocks, decoded one top-level block at a time (the
    first pass a document with citations needs: entries may follow the citations)."""
    ids: set[str] = set()
    cur = _Cursor(text)
    for key in cur.members():
        if key == "blocks" and cur.peek() == "[":
            for _ in cur.array():
                ids |= _reference_ids([cur.value()])
        else:
            value = cur.value()
            if key == "blocks":
                ids |= _reference_ids(value)
    return ids


def with_detected_language(doc: Document, diagnostics: list[Diagnostic]) -> tuple[Document, list[Diagnostic]]:
    """For the inputs pandoc reads (bridge/reader.py): pandoc's `lang` metadata is kept as
    given; only a document without one gets the language told from its text
    (readers/language.py, on a bounded sample). The `json` input itself is read as
    written (its round trip is lossless), so this is not called for it."""
    if doc.meta.language:
        return doc, diagnostics
    found = detect(_text_sample(doc))
    if not found.sure:
        return doc, diagnostics + diagnostic(found)
    return replace(doc, meta=replace(doc.meta, language=found.language)), diagnostics


def _text_sample(doc: Document, size: int = SAMPLE_CHARS) -> str:
    """The title and the text of the first blocks, about `size` characters."""
    parts, total = [doc.meta.title], len(doc.meta.title)
    for block in doc.blocks:
        if total >= size:
            break
        text = plain_text(block)[:size]
        parts.append(text)
        total += len(text)
    return " ".join(parts)


reader = PandocJsonReader()
