"""The DOCX body (the content of word/document.xml's w:body), its footnotes and its list
instances, as text.

python-docx makes every paragraph, run and property a Python-wrapped lxml element and finds
each one's place by scanning its siblings; on a long document that was seconds of work, some
of it quadratic. So the body is written here as WordprocessingML text, pieces in a list
joined and moved into a deflated spool (spool.py) a few thousand at a time, at points where
what came before is finished (between blocks, table rows, list items, references: a long
table is never whole in memory), and the writer (__init__.py) splices it into the
package python-docx saved with the frame (frame.py: styles, page setup, footer, settings).
The markup is what python-docx wrote for the same calls, attribute order included.

Built here because python-docx has no API for them: hyperlinks (external, through a
relationship id the writer supplies, and internal w:anchor), bookmarks that citations, the
TOC and links to figures point at, a list instance (w:num with a w:startOverride) per list
so numbers restart (a reference list too, on the frame's reference numbering, when its
labels are a plain sequence: `reference_sequence_start`), table header rows repeated on
every page, cell shading, fixed grid widths, table alt text, the TOC field, and footnotes
(word/footnotes.xml's w:footnote elements, in pandoc's shape: a w:footnoteReference run
in "Footnote Reference" where the note is, the note's paragraphs in "Footnote Text", the
first led by w:footnoteRef). Pictures are inline drawings in the markup python-docx makes
for them (oxml.inline_picture), in a run of their own.

Style names are pandoc's where pandoc has one, so a pandoc reference.docx applies and
pandoc reads the document back as it was meant: body paragraphs are Body Text, or First
Paragraph at the start and after any block but running text; the title block is Title,
Subtitle, Author, Date (the date as the language writes it: labels.format_date, through
the context's byline) and Abstract (`abstract` metadata).

What DOCX cannot show the way the IR has it is shown another way and reported once per
document: TeX math as its source text (Word needs OMML; display math in a centred paragraph
of its own), raw markup other than WordprocessingML openxml (dropped, counted), SVG and WebP
images, missing and remote ones (their alt text), and footnotes inside footnotes (Word has
none: they follow the note holding them).

This module must never:
- write input text unescaped, or characters XML cannot hold: text goes through
  xmltext.escape, which drops them, and they are counted in `context.diagnostics`;
- write property elements out of ECMA-376 order (Word "repairs" such a document): paragraph
  properties come from `_ppr_markup` alone, run properties from `_rpr_markup` alone, both
  in schema order;
- renumber or relabel anything, or decide what the RenderContext and semantics.py decide
  (citation labels, note labels, the byline, caption leads, shown reference URLs, the
  outline): Word numbers footnotes itself, so a note whose label is not the number Word
  would give it carries its label as a custom mark, and a reference list is Word-numbered
  only when Word's numbers are its labels;
- touch python-docx or the package: it returns text, and asks the writer's `PartLinks`
  for relationship ids (oxml.inline_picture only turns values into picture markup);
- copy a long IR sequence (rows, entries, items: the IR may hold them packed) or keep a
  per-row record of it: they are read as they are written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Mapping, NamedTuple, Protocol

from ...model import (BulletList, CitationRef, Code, CodeBlock, DefinitionList, Div, Document,
                      Emph, Figure, Heading, Image, LineBlock, LineBreak, Link, Math, Note,
                      OrderedList, Paragraph, Quote, RawBlock, RawInline, Reference, References,
                      SmallCaps, Span, Strikeout, Strong, Subscript, Superscript, Table, Text,
                      ThematicBreak, Underline, map_tree, plain_text, walk)
from ..base import RenderContext, TreeRenderer
from ..layout import ColumnText, measured_column_widths
from ..semantics import caption_lead, internal_anchor, safe_url, shown_reference_url
from ..xmltext import escape, strip_illegal, xml_safe
from .digests import DigestTable, digest
from .oxml import inline_picture, is_wordprocessing_fragment
from .spool import Spool

BOOKMARK_NAME_MAX = 40  # Word ignores longer bookmark names
WORD_LIST_NUMBER_MAX = 32767  # the highest number Word's list numbering shows
DEEPEST_LIST_STYLE = 3  # the built-in list styles go "List Bullet", "List Bullet 2", "... 3"
KEEP_TOGETHER_ROWS = 12  # tables up to this many rows are kept on one page (with the caption)
CELL_MARGIN_TWIPS = 90
TITLE_BLOCK_SPACE_AFTER_PT = 18
EMU_PER_PT, EMU_PER_TWIP = 12700, 635
ALIGN_VALUES = {"left": "left", "center": "center", "right": "right"}  # IR align -> w:jc ("default": none)
# python-docx's own table look flags, kept so the table style's conditional formats apply as before
TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
              'w:noHBand="0" w:noVBand="1" w:val="04A0"/>')
LINE_BREAK = "<w:r><w:br/></w:r>"
SPACE_RUN = '<w:r><w:t xml:space="preserve"> </w:t></w:r>'  # after a footnote's mark, as pandoc writes it
EMU_PER_PIXEL = 9525  # at 96 dpi, the size Word gives a picture without resolution information
UNKNOWN_PIXELS = 96   # a side of an image whose size could not be read: an inch
# The tallest a picture may be, as a share of the text height: room for its caption below it.
PICTURE_HEIGHT_SHARE = 0.85
EMBEDDED_MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})  # what Word shows in any version
# Scripts Word keeps apart in w:lang: East Asian (w:eastAsia) and right-to-left complex (w:bidi).
EAST_ASIAN_LANGUAGES = frozenset({"zh", "ja", "ko"})
BIDI_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "syr", "ckb"})
# Inlines a link has always shown as one run of its plain text; with any other inline inside
# (styles, images, notes, math, spans) the link's runs are rendered one by one instead.
_FLAT_LINK_CONTENT = frozenset({Text, Code, Emph, Strong, Link, CitationRef, LineBreak})
_TEXT_NODES = frozenset({Text, Code})
# Blocks after which a paragraph is not the first of its run of text (a Div is looked into).
_RUNNING_TEXT_BLOCKS = frozenset({Paragraph, LineBlock, Div, RawBlock})
DROPPED_WHERE = "DOCX (XML)"  # the format named in the diagnostic for dropped characters
# Inside a run python-docx turns a tab into w:tab and CR or LF into w:br; the same here.
_RUN_SPECIALS = re.compile(r"([\t\r\n])")
_SPECIAL_MARKUP = {"\t": "<w:tab/>", "\r": "<w:br/>", "\n": "<w:br/>"}


def _attribute(value: str) -> str:
    """`value` for an attribute (names and ids already cleaned: nothing is dropped here)."""
    return escape(value, "attribute")[0]


def _twips_of_points(points: float) -> int:
    """Points to twips rounded as python-docx does (through whole EMUs)."""
    return int(round(int(points * EMU_PER_PT) / EMU_PER_TWIP))


def _t(escaped: str) -> str:
    # Word drops leading and trailing spaces of a w:t unless told to keep them
    if len(escaped.strip()) < len(escaped):
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def _run_content(text: str) -> str:
    """A run's content from already escaped text ("text" escaping keeps tabs and breaks)."""
    if "\t" not in text and "\r" not in text and "\n" not in text:
        return _t(text) if text else ""
    return "".join(_SPECIAL_MARKUP.get(piece) or _t(piece)
                   for piece in _RUN_SPECIALS.split(text) if piece)


class Format(NamedTuple):
    """Character formatting inherited by nested inlines (a tuple: hashed per run, in C)."""
    bold: bool = False
    italic: bool = False
    mono: bool = False
    link_style: bool = False
    small_caps: bool = False
    strike: bool = False
    underline: bool = False
    vert_align: str = ""      # "superscript" or "subscript"
    lang: str = ""            # the attribute of a w:lang, already escaped: 'w:val="fr"'


PLAIN = Format()


class PPr(NamedTuple):
    """A paragraph's properties (hashable, so each distinct set is written once)."""
    style: str = ""            # style id, already escaped for an attribute
    keep_next: bool = False
    numbering: tuple[int, int] | None = None  # (level, w:num id)
    border: tuple[str, int] | None = None     # a bottom rule: (colour, space above it in points)
    space_after: int | None = None            # twips
    indent: int | None = None                 # left indent, twips
    align: str = ""                           # w:jc value




def _ppr_markup(p: PPr) -> str:
    """w:pPr in CT_PPr order: pStyle keepNext numPr pBdr spacing ind jc."""
    parts = []
    if p.style:
        parts.append(f'<w:pStyle w:val="{p.style}"/>')
    if p.keep_next:
        parts.append("<w:keepNext/>")
    if p.numbering is not None:
        parts.append(f'<w:numPr><w:ilvl w:val="{p.numbering[0]}"/><w:numId w:val="{p.numbering[1]}"/></w:numPr>')
    if p.border is not None:
        parts.append(f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="{p.border[1]}" '
                     f'w:color="{p.border[0]}"/></w:pBdr>')
    if p.space_after is not None:
        parts.append(f'<w:spacing w:after="{p.space_after}"/>')
    if p.indent is not None:
        parts.append(f'<w:ind w:left="{p.indent}"/>')
    if p.align:
        parts.append(f'<w:jc w:val="{p.align}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def _rpr_markup(fmt: Format, style_ids: Mapping[str, str]) -> str:
    """w:rPr in CT_RPr order: rStyle b i smallCaps strike u vertAlign rtl lang. A link's style
    wins over code's (one rStyle only)."""
    parts = []
    if fmt.link_style or fmt.mono:
        parts.append(f'<w:rStyle w:val="{style_ids["Hyperlink" if fmt.link_style else "Verbatim Char"]}"/>')
    if fmt.bold:
        parts.append("<w:b/>")
    if fmt.italic:
        parts.append("<w:i/>")
    if fmt.small_caps:
        parts.append("<w:smallCaps/>")
    if fmt.strike:
        parts.append("<w:strike/>")
    if fmt.underline:
        parts.append('<w:u w:val="single"/>')
    if fmt.vert_align:
        parts.append(f'<w:vertAlign w:val="{fmt.vert_align}"/>')
    if fmt.lang:
        if fmt.lang.startswith("w:bidi="):
            parts.append("<w:rtl/>")  # right-to-left text in a run of its own language
        parts.append(f"<w:lang {fmt.lang}/>")
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def lang_attribute(tag: str) -> str:
    """The w:lang attribute for text in language `tag` (BCP 47): Word keeps one language per
    script class, so Chinese, Japanese and Korean go in w:eastAsia, right-to-left scripts
    in w:bidi, everything else in w:val. "" for an empty tag."""
    cleaned = xml_safe(tag).strip()
    if not cleaned:
        return ""
    primary = cleaned.split("-")[0].split("_")[0].lower()
    name = "w:eastAsia" if primary in EAST_ASIAN_LANGUAGES else "w:bidi" if primary in BIDI_LANGUAGES else "w:val"
    return f'{name}="{_attribute(cleaned)}"'


def _flat_link_content(nodes) -> bool:
    """True when a link's inlines are only those it has always written as plain text."""
    for node in nodes:
        kind = type(node)
        if kind not in _FLAT_LINK_CONTENT:
            return False
        if (kind is Emph or kind is Strong or kind is Link) and not _flat_link_content(node.inlines):
            return False
    return True


def _blank(nodes) -> bool:
    """True for inlines that show nothing but space (what is left around display math)."""
    return all(type(n) is LineBreak or (type(n) is Text and not n.text.strip()) for n in nodes)


def _color(hex_color: str) -> str:
    return _attribute(hex_color.lstrip("#").upper())


def bookmark_names(doc: Document) -> dict[str, str]:
    """IR id -> bookmark name, for the ids whose name is not `default_bookmark_name` (the
    few: ids longer than Word's 40-character limit are shortened and kept unique, so two
    long headings never share a bookmark). The ids and names met are kept as digests
    (digests.py): a document of headings has one per block."""
    names: dict[str, str] = {}
    seen, taken = DigestTable(), DigestTable()
    # Ids that share their first 40 characters try the same names in turn; each search
    # resumes where the last one for those characters stopped (all before it are taken),
    # so a feed of many similar long headings is not quadratic.
    resume: dict[str, int] = {}  # only where a search went past the first name
    for node in walk(doc, inlines=False):
        kind = type(node)
        node_id = node.id if kind is Heading or kind is Table or kind is Reference or kind is Figure else ""
        if not node_id:
            continue
        id_digest = digest(node_id)
        if seen.number(id_digest):
            continue
        seen.add(id_digest)
        cleaned = xml_safe(node_id)
        first = cleaned[:BOOKMARK_NAME_MAX]
        name = first or "bookmark"
        counter = resume.get(first, 1)
        name_digest = digest(name)
        while taken.number(name_digest):
            counter += 1
            suffix = f"_{counter}"
            name = cleaned[:BOOKMARK_NAME_MAX - len(suffix)] + suffix
            name_digest = digest(name)
        if counter > 1:
            resume[first] = counter
        if name != first:
            names[node_id] = name
        taken.add(name_digest)
    return names


def default_bookmark_name(node_id: str) -> str:
    """The bookmark name of an id that `bookmark_names` does not list: its first 40
    characters XML can hold."""
    return xml_safe(node_id)[:BOOKMARK_NAME_MAX]


def reference_sequence_start(node: References) -> int | None:
    """The first number of a reference list whose labels are the numbers Word would count
    from it ("4", "5", "6"), or None for any other labels (gaps, letters, "07", none, or
    numbers past what Word lists count to)."""
    entries = node.entries
    if not entries:
        return None
    first = entries[0].label
    if not (first.isascii() and first.isdigit()):
        return None
    start = int(first)
    if start + len(entries) - 1 > WORD_LIST_NUMBER_MAX:
        return None
    # read entry by entry: a long bibliography's labels are never gathered in a list
    if any(entry.label != str(start + i) for i, entry in enumerate(entries)):
        return None
    return start


def toc_instruction(depth: int) -> str:
    """A TOC of heading levels 1..depth, entries hyperlinked, no page numbers in web view."""
    return f'TOC \\o "1-{depth}" \\h \\z \\u'


class PartLinks(Protocol):
    """Relationship ids from one part of the package (oxml.Relationships)."""
    def link(self, url: str) -> str: ...
    def image(self, name: str, data: bytes) -> str: ...  # ValueError: not an image Word can show


@dataclass(frozen=True)
class BodyLayout:
    """What the frame settled while setting the document up, and the body builds on."""
    style_ids: Mapping[str, str]          # Word style name -> id in this document
    text_width_twips: int
    abstract_bullet: int                  # w:abstractNum ids of the bullet and number lists
    abstract_number: int
    first_num: int                        # the first free w:num id
    links: PartLinks                      # relationships of the document part
    note_links: Callable[[], PartLinks]   # those of the footnotes part, made on first call
    title_rule: bool = True               # a rule under the title block (not with a template)
    text_height_twips: int = 0            # 0: pictures are fitted to the width alone
    first_footnote_id: int = 1            # ids below are the footnotes part's separators
    first_drawing_id: int = 1             # wp:docPr ids below are taken (a template's header)
    abstract_reference: int = 0           # the w:abstractNum of reference lists (0: none, typed labels)


# Markup pieces joined and moved into the spool at once, at the points where what came
# before is finished: between blocks, table rows, list items and references.
FROZEN_PIECES = 4096


class Body(NamedTuple):
    """The result, each held deflated until the package is saved (spool.Spool): the w:body
    content, the w:num elements its lists use and its w:footnote elements (empty when the
    document has no notes)."""
    markup: Spool
    numbering: Spool
    footnotes: Spool


@dataclass
class _State:
    """State of one body build."""
    out: list[str] = field(default_factory=list)   # the body's pieces not yet in `body`
    body: Spool = field(default_factory=Spool)
    nums: Spool = field(default_factory=Spool)     # w:num elements
    next_num: int = 1
    bookmark_ids: int = 0
    # where the last body-level paragraph's w:pPr sits in `out`, and what it holds: a list
    # spaces its last paragraph after the fact, as python-docx did on body[-1]
    last_paragraph: tuple[int, PPr] | None = None
    notes: list[str] = field(default_factory=list)   # pieces of w:footnote elements not yet in `footnotes`
    footnotes: Spool = field(default_factory=Spool)
    next_footnote_id: int = 1
    auto_numbered_notes: int = 0   # notes Word numbers itself: the number the next one gets - 1
    nested_notes: list = field(default_factory=list)  # notes met inside the note being written
    nested_note_count: int = 0
    next_drawing_id: int = 1
    math_count: int = 0
    raw_dropped: dict[str, int] = field(default_factory=dict)  # format -> fragments
    image_warned: set[str] = field(default_factory=set)


class _Story(NamedTuple):
    """Where text goes and links point from: the body, or the footnotes part."""
    links: PartLinks


class BodyBuilder(TreeRenderer):
    """IR blocks -> WordprocessingML text for one document (`build()` once)."""

    def __init__(self, context: RenderContext, layout: BodyLayout) -> None:
        self.context, self.layout = context, layout
        self.doc, self.style = context.doc, context.style
        self.ids = {name: _attribute(style_id) for name, style_id in layout.style_ids.items()}
        self.styled = {name: PPr(style_id) for name, style_id in self.ids.items()}  # style only
        self.bookmark_names = bookmark_names(self.doc)
        self.state = _State(next_num=layout.first_num, next_footnote_id=layout.first_footnote_id,
                            next_drawing_id=layout.first_drawing_id)
        self.out, self._sink = self.state.out, self.state.body  # where markup goes, and then
        self._rpr: dict[Format, str] = {}
        self._ppr: dict[PPr, str] = {}
        self._langs: dict[str, str] = {}
        self._story = _Story(layout.links)
        self._note_story: _Story | None = None
        # What the block being written sets around it: the properties a plain paragraph
        # takes here (Normal; "Footnote Text" in a note, "Definition" in a definition, ...),
        # the formatting its runs start from (a Div's language), the widest a picture may
        # be, and the w:footnoteRef run that must lead a note's first paragraph.
        # body text is pandoc's Body Text, First Paragraph at the start and after anything
        # but running text (a heading, list, table...), so a pandoc reference.docx applies
        self._body_ppr, self._first_ppr = self.styled["Body Text"], self.styled["First Paragraph"]
        self._plain_ppr = self._body_ppr
        self._first_pending = True
        self._base = PLAIN
        self._picture_width_twips = layout.text_width_twips
        self._note_mark = ""
        self._in_note = False
        table = self.style.table
        size = int(table.border_width * 8)
        edge = (f'w:val="{"single" if size else "nil"}" w:sz="{size}" w:space="0" '
                f'w:color="{_color(table.border_color)}"')
        self.table_borders = ("<w:tblBorders>" + "".join(
            f"<w:{side} {edge}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>")
        half = CELL_MARGIN_TWIPS // 2
        self.cell_margins = (f'<w:tblCellMar><w:top w:w="{half}" w:type="dxa"/><w:bottom w:w="{half}" '
                             f'w:type="dxa"/><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/><w:right '
                             f'w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>')

    def build(self) -> Body:
        doc, style = self.doc, self.style
        self._title_block()
        if self.context.toc:
            self._toc()
        for block in doc.blocks:
            self._block(block, 0)
            self._maybe_freeze()
        if doc.meta.keywords:
            k = self._start(self.styled["Keywords"])
            labels = self.context.labels
            self.out.append(self._run(labels.keywords + labels.colon, Format(bold=True)))
            self.out.append(self._run(labels.list_separator.join(doc.meta.keywords), PLAIN))
            self._end(k)
        self._report()
        state = self.state
        state.body.write("".join(self.out))
        self.out.clear()
        state.footnotes.write("".join(state.notes))
        state.notes.clear()
        return Body(state.body, state.nums, state.footnotes)

    def _maybe_freeze(self, whole: bool = False) -> None:
        if len(self.out) > FROZEN_PIECES:
            self._freeze(whole)

    def _freeze(self, whole: bool = False) -> None:
        """Move the finished part of `out` into its spool: the body (or the footnotes) is
        held as deflated markup, not as many small strings. Called only where no paragraph
        is open. Everything before the last body-level paragraph is finished: only that one
        may still be changed (_space_after_last_paragraph), so it stays, and its index moves
        with it. `whole`: inside a table, which always ends in a body-level paragraph of its
        own, so no paragraph before it can change any more and everything goes."""
        last = self.state.last_paragraph
        cut = len(self.out) if last is None or whole else last[0] - 1
        if cut <= 0:
            return
        self._sink.write("".join(self.out[:cut]))
        del self.out[:cut]
        if whole:
            self.state.last_paragraph = None
        elif last is not None:
            self.state.last_paragraph = (last[0] - cut, last[1])

    def _report(self) -> None:
        """One diagnostic per kind of thing DOCX showed another way (images report their own)."""
        state, add = self.state, self.context.diagnostics.add
        if state.math_count:
            add(f"{state.math_count} math formula(s) kept as TeX source: DOCX needs OMML, which "
                "docforge does not write", "info")
        if state.raw_dropped:
            counts = ", ".join(f"{n} {fmt}" for fmt, n in sorted(state.raw_dropped.items()))
            add(f"{sum(state.raw_dropped.values())} raw markup fragment(s) dropped ({counts}): DOCX "
                "passes through only raw openxml that is WordprocessingML")
        if state.nested_note_count:
            add(f"{state.nested_note_count} footnote(s) inside footnotes set at the end of the note "
                "holding them: Word has no footnotes in footnotes", "info")

    # ------------------------------------------------------------- text and runs
    def _escape(self, text: str) -> str:
        """`text` escaped for element content; what XML cannot hold is dropped and counted."""
        escaped, dropped = escape(text, "text")
        if dropped:
            self.context.diagnostics.drop(dropped, DROPPED_WHERE)
        return escaped

    def _clean_text(self, node):
        """A Text or Code with xmltext's rule applied (what it leaves out counted)."""
        cleaned, dropped = strip_illegal(node.text)
        if not dropped:
            return node
        self.context.diagnostics.drop(dropped, DROPPED_WHERE)
        return type(node)(cleaned)

    def _escape_attribute(self, text: str) -> str:
        """`text` escaped for an attribute value (alt text); what XML cannot hold is dropped and counted."""
        escaped, dropped = escape(text, "attribute")
        if dropped:
            self.context.diagnostics.drop(dropped, DROPPED_WHERE)
        return escaped

    def _run(self, text: str, fmt: Format) -> str:
        """A run of `text` (escaped here); `<w:r/>` when empty, as python-docx writes it."""
        rpr = self._rpr.get(fmt)
        if rpr is None:
            rpr = self._rpr[fmt] = _rpr_markup(fmt, self.ids)
        content = _run_content(self._escape(text))
        return f"<w:r>{rpr}{content}</w:r>" if rpr or content else "<w:r/>"

    # ------------------------------------------------------------- paragraphs
    def _start(self, ppr: PPr, body_level: bool = True) -> int:
        """Open a paragraph; returns the index of its w:pPr in the output, for `_end`."""
        out = self.out
        out.append("<w:p>")
        markup = self._ppr.get(ppr)
        if markup is None:
            markup = self._ppr[ppr] = _ppr_markup(ppr)
        out.append(markup)
        index = len(out) - 1
        if body_level:  # not inside a table cell
            self.state.last_paragraph = (index, ppr)
        if self._note_mark:  # the first paragraph of a footnote starts with its mark
            out.append(self._note_mark)
            self._note_mark = ""
        return index

    def _end(self, index: int) -> None:
        out = self.out
        if index == len(out) - 1 and not out[index]:  # no properties, no content: <w:p/>
            out[index - 1], out[index] = "", "<w:p/>"
        else:
            out.append("</w:p>")

    def _text_paragraph(self, ppr: PPr, text: str) -> None:
        """A paragraph of one plain run (none when the cleaned text is empty)."""
        k = self._start(ppr)
        escaped = self._escape(text)
        if escaped:
            self.out.append(f"<w:r>{_run_content(escaped)}</w:r>")
        self._end(k)

    def _space_after_last_paragraph(self, twips: int) -> None:
        last = self.state.last_paragraph
        if last is None:
            return
        index, ppr = last
        ppr = ppr._replace(space_after=twips)
        self.state.last_paragraph = (index, ppr)
        if self.out[index - 1]:
            self.out[index] = _ppr_markup(ppr)
        else:  # it had been closed as <w:p/>: the whole paragraph now sits in this slot
            self.out[index] = f"<w:p>{_ppr_markup(ppr)}</w:p>"

    def _bookmark_start(self, node_id: str) -> int:
        """A bookmark around the paragraph's content (0: none); close it with `_bookmark_end`."""
        if not node_id:
            return 0
        self.state.bookmark_ids += 1
        name = self.bookmark_names.get(node_id) or default_bookmark_name(node_id)
        self.out.append(f'<w:bookmarkStart w:id="{self.state.bookmark_ids}" w:name="{_attribute(name)}"/>')
        return self.state.bookmark_ids

    def _bookmark_end(self, bookmark_id: int) -> None:
        if bookmark_id:
            self.out.append(f'<w:bookmarkEnd w:id="{bookmark_id}"/>')

    def _anchor(self, target_id: str) -> str:
        return _attribute(self.bookmark_names.get(target_id) or default_bookmark_name(target_id))

    # ------------------------------------------------------------- title block, TOC
    def _title_block(self) -> None:
        m = self.doc.meta
        block = []
        if m.title:
            block.append(("Title", m.title))
        if m.subtitle:
            block.append(("Subtitle", m.subtitle))
        # the byline's parts in pandoc's Author and Date paragraphs (which pandoc reads
        # back as metadata); the date as the language writes it (labels.format_date)
        byline = list(self.context.byline)
        if m.authors and byline:
            block.append(("Author", byline.pop(0)))
        if m.date and byline:
            block.append(("Date", byline.pop(0)))
        block.extend(("Date", part) for part in byline)  # parts semantics may add later
        for i, (style_name, text) in enumerate(block):
            ppr = self.styled[style_name]
            if i == len(block) - 1 and self.layout.title_rule:  # a rule under the block, as HTML and PDF draw it
                ppr = ppr._replace(border=(_color(self.style.colors.rule), 6),
                                   space_after=_twips_of_points(TITLE_BLOCK_SPACE_AFTER_PT))
            self._text_paragraph(ppr, text)
        abstract = dict(m.extra).get("abstract", "").strip()
        if abstract:  # pandoc's Abstract paragraph, below the rule (and read back as metadata)
            self._text_paragraph(self.styled["Abstract"], abstract)

    def _toc(self) -> None:
        """A TOC field whose current result already lists the headings (linked to their
        bookmarks), so LibreOffice and previews show a contents list; Word, told to update
        fields on open (the frame sets that), replaces it with one that has page numbers."""
        depth = max(1, min(self.context.toc_depth, 6))
        self._text_paragraph(self.styled["TOC Heading"], self.context.labels.contents)
        entries = []

        def flatten(nodes):
            for entry in nodes:
                entries.append(entry)
                flatten(entry.children)
        flatten(self.context.outline(depth))
        out = self.out
        first_level = min(entries[0].level, depth) if entries else 1
        k = self._start(self.styled[f"toc {first_level}"])
        out.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                   f'{escape(toc_instruction(depth), "text")[0]} </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        if not entries:
            out.append(self._run("Right-click to update the table of contents.", PLAIN))
        for i, entry in enumerate(entries):
            if i:
                self._end(k)
                self._maybe_freeze()  # between two entries' paragraphs (the field spans them)
                k = self._start(self.styled[f"toc {min(entry.level, depth)}"])
            out.append(f'<w:hyperlink w:anchor="{self._anchor(entry.id)}" w:history="1">'
                       f'{self._run(entry.text, PLAIN)}</w:hyperlink>')
        out.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        self._end(k)

    # ------------------------------------------------------------- blocks
    def _block(self, node, depth: int) -> None:
        self.dispatch[type(node)](self, node, depth)
        if type(node) not in _RUNNING_TEXT_BLOCKS:
            self._first_pending = True

    def _blocks(self, blocks, depth: int, plain_ppr: PPr) -> None:
        """`blocks`, their plain paragraphs set with `plain_ppr`."""
        saved, self._plain_ppr = self._plain_ppr, plain_ppr
        for block in blocks:
            self._block(block, depth)
            self._maybe_freeze()
        self._plain_ppr = saved

    def _paragraph(self, ppr: PPr, inlines, next_ppr: PPr | None = None) -> None:
        """A paragraph of `inlines`. Display math is set apart in a centred paragraph of
        its own, so the paragraph may become several: the first takes `ppr`, the others
        `next_ppr` (a list item's continuation), and pieces of mere space are left out."""
        if not any(type(n) is Math and n.display for n in inlines):
            k = self._start(ppr)
            self._inlines(inlines, self._base)
            self._end(k)
            return
        pieces: list = [[]]
        for node in inlines:
            if type(node) is Math and node.display:
                pieces += [node, []]
            else:
                pieces[-1].append(node)
        later = next_ppr or ppr
        for piece in pieces:
            if type(piece) is Math:
                self.state.math_count += 1
                k = self._start(ppr._replace(align="center"))
                self.out.append(self._run(piece.text, self._base))
            elif _blank(piece):
                continue
            else:
                k = self._start(ppr)
                self._inlines(piece, self._base)
            self._end(k)
            ppr = later

    def block_heading(self, node: Heading, depth: int) -> None:
        k = self._start(self.styled[f"Heading {max(1, min(node.level, 6))}"])
        mark = self._bookmark_start(node.id)
        self._inlines(node.inlines, self._base)
        self._bookmark_end(mark)
        self._end(k)

    def block_paragraph(self, node: Paragraph, depth: int) -> None:
        ppr = self._plain_ppr
        if ppr is self._body_ppr:  # body text (not a quote's, a note's, a definition's)
            if self._first_pending:
                ppr = self._first_ppr
            self._first_pending = False
        self._paragraph(ppr, node.inlines)

    def _list(self, node, depth: int, ordered: bool) -> None:
        state, layout = self.state, self.layout
        level = min(depth, 8)
        num_id = state.next_num
        state.next_num += 1
        start = max(0, node.start) if ordered else 1
        # a list instance of its own: the startOverride makes Word and LibreOffice restart
        # instead of continuing the previous list of the same kind
        state.nums.write(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val='
                         f'"{layout.abstract_number if ordered else layout.abstract_bullet}"/>'
                         f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                         f'</w:lvlOverride></w:num>')
        suffix = "" if depth == 0 else f" {min(depth + 1, DEEPEST_LIST_STYLE)}"
        numbered_ppr = PPr(self.ids[("List Number" if ordered else "List Bullet") + suffix],
                           numbering=(level, num_id))
        # a further paragraph of an item: unnumbered, aligned with the item's text
        continued_ppr = PPr(self.ids["List Continue" + suffix],
                            indent=int(self.style.spacing.list_indent * 20) * (level + 1))
        for item in node.items:
            numbered = False
            for block in item.blocks:
                if type(block) is Paragraph:
                    self._paragraph(continued_ppr if numbered else numbered_ppr, block.inlines, continued_ppr)
                    numbered = True
                else:
                    # a div's or figure's paragraphs sit aligned with the item's text
                    self._blocks((block,), depth + 1 if type(block) in (BulletList, OrderedList) else depth,
                                 continued_ppr)
                    numbered = True  # what follows belongs to this item, unnumbered
            if not numbered:  # an empty item still shows its number
                self._end(self._start(numbered_ppr))
            self._maybe_freeze()
        if depth == 0:  # items sit close together; the list as a whole is spaced like a paragraph
            self._space_after_last_paragraph(_twips_of_points(self.style.spacing.paragraph))

    def block_bullet_list(self, node: BulletList, depth: int) -> None:
        self._list(node, depth, ordered=False)

    def block_ordered_list(self, node: OrderedList, depth: int) -> None:
        self._list(node, depth, ordered=True)

    def block_table(self, node: Table, depth: int) -> None:
        out, t, ids = self.out, self.style.table, self.ids
        base = self._base
        lead = caption_lead(node, self.context.labels)
        around = None
        if lead or node.caption:
            k = self._start(self.styled["Caption"])
            mark = self._bookmark_start(node.id)
            if lead:
                out.append(self._run(lead, base))
            self._inlines(node.caption, base)
            self._bookmark_end(mark)
            self._end(k)
        else:  # no caption, no bare label: the bookmark goes around the table itself
            around = self._bookmark_start(node.id)

        # the rows are read as they are written, never copied (a long table is most of a document)
        header = (node.header,) if node.header else ()
        row_count = len(header) + len(node.rows)
        widths = self._column_widths(chain(header, node.rows), row_count, self.layout.text_width_twips)
        width = len(widths)
        # fixed layout with explicit grid and cell widths, so Word and LibreOffice agree
        out.append(f'<w:tbl><w:tblPr><w:tblStyle w:val="{ids["Table Grid"]}"/><w:tblW w:w="{sum(widths)}" '
                   f'w:type="dxa"/>{self.table_borders}<w:tblLayout w:type="fixed"/>{self.cell_margins}'
                   f'{TABLE_LOOK}{self._table_alt_text(node)}</w:tblPr><w:tblGrid>')
        out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
        out.append("</w:tblGrid>")
        cell_starts = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>' for w in widths]
        if not row_count:  # Word needs a row: one empty cell
            out.append(f"<w:tr>{cell_starts[0]}</w:tcPr><w:p/></w:tc></w:tr>")
        header_fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{_color(t.header_fill)}"/>'
        zebra_fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{_color(t.zebra_fill)}"/>'
        aligns = [ALIGN_VALUES.get(node.aligns[c], "") if c < len(node.aligns) else "" for c in range(width)]
        cell_pprs = {keep: [PPr(ids["Table Text"], keep_next=keep, align=a) for a in aligns] for keep in (False, True)}
        keep_together = row_count <= KEEP_TOGETHER_ROWS  # a short table moves to the next page whole
        header_fmt = base._replace(bold=t.header_bold)
        picture_width = self._picture_width_twips
        for r, cells in enumerate(chain(header, node.rows)):
            is_header = bool(node.header) and r == 0
            body_index = r - 1 if node.header else r
            if is_header:  # repeated on every page the table runs onto
                out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/><w:cantSplit w:val="true"/></w:trPr>')
                shading = header_fill
            else:
                out.append('<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>')
                shading = zebra_fill if t.zebra and body_index % 2 == 1 else ""  # as in HTML
            pprs = cell_pprs[keep_together and r < row_count - 1]
            fmt = header_fmt if is_header else base
            for c in range(width):
                out.append(cell_starts[c] + shading + "</w:tcPr>")
                k = self._start(pprs[c], body_level=False)
                if c < len(cells):
                    self._picture_width_twips = widths[c] - 2 * CELL_MARGIN_TWIPS
                    self._inlines(cells[c].inlines, fmt)
                self._end(k)
                out.append("</w:tc>")
            out.append("</w:tr>")
            self._maybe_freeze(whole=True)
        self._picture_width_twips = picture_width
        out.append("</w:tbl>")
        if around is not None:
            self._bookmark_end(around)
        self._end(self._start(self.styled["Table Text"]))  # room after the table; Word needs a paragraph there

    def _table_alt_text(self, node: Table) -> str:
        """w:tblCaption (the alt-text title Word shows and screen readers announce) from the
        caption line as the Caption paragraph shows it ("Table 1: ..."), and
        w:tblDescription from the caption text; none for a table without a caption."""
        caption = " ".join(plain_text(Paragraph(node.caption)).split())
        if not caption:
            return ""
        title = " ".join((caption_lead(node) + caption).split())
        # not counted as dropped: the Caption paragraph counted these characters
        return (f'<w:tblCaption w:val="{_attribute(xml_safe(title))}"/>'
                f'<w:tblDescription w:val="{_attribute(xml_safe(caption))}"/>')

    @staticmethod
    def _column_widths(rows, row_count: int, total: int) -> list[int]:
        """The grid's widths (as many as the widest row has cells, at least one), measured
        row by row: a cell a row lacks counts as an empty text."""
        longest: list[int] = []
        characters: list[int] = []
        for row in rows:
            for c, cell in enumerate(row):
                if c == len(longest):
                    longest.append(0)
                    characters.append(0)
                text = plain_text(cell)
                characters[c] += len(text)
                for word in text.split():
                    if len(word) > longest[c]:
                        longest[c] = len(word)
        columns = [ColumnText(w, n, row_count) for w, n in zip(longest, characters)] or [ColumnText(0, 0, row_count)]
        # widths in twips: an average character is about half the table font's size
        widths = [int(w) for w in measured_column_widths(columns, total, char_width=105, padding=200)]
        widths[-1] += total - sum(widths)  # rounding: the grid adds up to the text width exactly
        return widths

    def block_quote(self, node: Quote, depth: int) -> None:
        self._blocks(node.blocks, depth, self.styled["Quote"])

    def block_code_block(self, node: CodeBlock, depth: int) -> None:
        k = self._start(self.styled["Source Code"])
        for i, line in enumerate(self._escape(node.text).split("\n")):
            if i:
                self.out.append(LINE_BREAK)
            self.out.append(f"<w:r>{_run_content(line)}</w:r>" if line else "<w:r/>")
        self._end(k)

    def block_thematic_break(self, node: ThematicBreak, depth: int) -> None:
        self._end(self._start(PPr(self.ids["Rule"], border=(_color(self.style.colors.rule), 1))))

    def _reference(self, node: Reference, ppr: PPr, typed: bool) -> None:
        k = self._start(ppr)
        mark = self._bookmark_start(node.id)  # what citations link to
        if typed:  # the label as text, where Word numbering cannot show it
            self.out.append(self._run(f"{node.label}.\t" if node.label else "", self._base))
        self._inlines(node.inlines, self._base)
        url = shown_reference_url(node)
        if url:
            self.out.append(self._run(" ", PLAIN))
            self._hyperlink(url, None, url, Format(link_style=True))
        self._bookmark_end(mark)
        self._end(k)

    def block_references(self, node: References, depth: int) -> None:
        """A Word numbered list (a w:num of the frame's reference numbering, starting at the
        first label), so Word can renumber it and pandoc reads it back as one ordered list.
        Word's numbers must read exactly like the "[N]" citations that point here and like
        the other formats' labels, so labels that are not the plain sequence Word would
        count (a gap, letters, "Smith 2020") are typed instead, and a diagnostic says so."""
        ppr = self.styled["Bibliography"]
        start = reference_sequence_start(node)
        typed = start is None or not self.layout.abstract_reference
        if typed:
            if self.layout.abstract_reference and any(e.label for e in node.entries):
                entries = node.entries
                shown = (", ".join(repr(entries[i].label) for i in range(min(4, len(entries))))
                         + (", ..." if len(entries) > 4 else ""))
                self.context.diagnostics.add(
                    f"references ({shown}) written with typed labels, not as a Word numbered list: "
                    "their labels are not a plain sequence of numbers (1, 2, 3, ...), which is "
                    "all Word numbering can show", "info")
        else:
            num_id = self.state.next_num
            self.state.next_num += 1
            self.state.nums.write(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val='
                                  f'"{self.layout.abstract_reference}"/><w:lvlOverride w:ilvl="0">'
                                  f'<w:startOverride w:val="{start}"/></w:lvlOverride></w:num>')
            ppr = ppr._replace(numbering=(0, num_id))
        for entry in node.entries:
            self._reference(entry, ppr, typed)
            self._maybe_freeze()

    def block_definition_list(self, node: DefinitionList, depth: int) -> None:
        term_ppr, definition_ppr = self.styled["Definition Term"], self.styled["Definition"]
        for item in node.items:
            k = self._start(term_ppr)
            self._inlines(item.term, self._base)
            self._end(k)
            for definition in item.definitions:
                self._blocks(definition, depth, definition_ppr)
            self._maybe_freeze()

    def block_line_block(self, node: LineBlock, depth: int) -> None:
        # one paragraph, lines apart by breaks; left-aligned, since Word stretches a
        # justified line that ends in a break
        k = self._start(self._plain_ppr._replace(align="left"))
        for i, line in enumerate(node.lines):
            if i:
                self.out.append(LINE_BREAK)
            self._inlines(line, self._base)
        self._end(k)

    def block_div(self, node: Div, depth: int) -> None:
        lang = self._lang(node.lang)
        saved = self._base
        if lang:  # Word has no container with a language: every run inside carries it
            self._base = saved._replace(lang=lang)
        for block in node.blocks:
            self._block(block, depth)
            self._maybe_freeze()
        self._base = saved

    def block_figure(self, node: Figure, depth: int) -> None:
        lead = caption_lead(node, self.context.labels)
        if not (lead or node.caption):  # uncaptioned: the bookmark goes around the picture itself
            mark = self._bookmark_start(node.id)  # (range markup may stand between paragraphs)
            self._blocks(node.blocks, depth, self.styled["Captioned Figure"])
            self._bookmark_end(mark)
            return
        self._blocks(node.blocks, depth, self.styled["Captioned Figure"])
        k = self._start(self.styled["Image Caption"])
        mark = self._bookmark_start(node.id)
        if lead:
            self.out.append(self._run(lead, self._base))
        self._inlines(node.caption, self._base)
        self._bookmark_end(mark)
        self._end(k)

    def block_raw_block(self, node: RawBlock, depth: int) -> None:
        self._raw(node.format, node.text, "block")

    def _raw(self, fmt: str, text: str, where: str) -> None:
        """Raw openxml that is WordprocessingML fitting `where` goes in as it is (pandoc
        does the same); any other raw markup is left out and counted."""
        name = fmt.strip().lower()
        if name == "openxml" and is_wordprocessing_fragment(text, where):
            self.out.append(text)
            return
        if name == "openxml":
            name = "openxml that is not WordprocessingML"
        dropped = self.state.raw_dropped
        dropped[name] = dropped.get(name, 0) + 1

    def _lang(self, tag: str) -> str:
        if not tag:
            return ""
        attribute = self._langs.get(tag)
        if attribute is None:
            attribute = self._langs[tag] = lang_attribute(tag)
        return attribute

    # ------------------------------------------------------------- inlines
    def _inlines(self, nodes, fmt: Format) -> None:
        handlers = self.dispatch
        for node in nodes:
            handlers[type(node)](self, node, fmt)

    def inline_text(self, node: Text, fmt: Format) -> None:
        self.out.append(self._run(node.text, fmt))

    def inline_emph(self, node: Emph, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(italic=True))

    def inline_strong(self, node: Strong, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(bold=True))

    def inline_code(self, node: Code, fmt: Format) -> None:
        self.out.append(self._run(node.text, fmt._replace(mono=True)))

    def inline_strikeout(self, node: Strikeout, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(strike=True))

    def inline_superscript(self, node: Superscript, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(vert_align="superscript"))

    def inline_subscript(self, node: Subscript, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(vert_align="subscript"))

    def inline_small_caps(self, node: SmallCaps, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(small_caps=True))

    def inline_underline(self, node: Underline, fmt: Format) -> None:
        self._inlines(node.inlines, fmt._replace(underline=True))

    def inline_span(self, node: Span, fmt: Format) -> None:
        lang = self._lang(node.lang)
        self._inlines(node.inlines, fmt._replace(lang=lang) if lang else fmt)

    def inline_math(self, node: Math, fmt: Format) -> None:
        self.state.math_count += 1
        if node.display:  # where no paragraph of its own can be made (a heading, a cell, a link)
            self.out.append(LINE_BREAK + self._run(node.text, fmt) + LINE_BREAK)
        else:
            self.out.append(self._run(node.text, fmt))

    def inline_raw_inline(self, node: RawInline, fmt: Format) -> None:
        self._raw(node.format, node.text, "link" if fmt.link_style else "inline")

    # ------------------------------------------------------------- images
    def inline_image(self, node: Image, fmt: Format) -> None:
        drawing = self._picture(node)
        if drawing is None:
            self._inlines(node.inlines, fmt)  # the alt text, where the picture would be
        else:
            self.out.append(f"<w:r>{drawing}</w:r>")

    def _picture(self, node: Image) -> str | None:
        """The w:drawing showing the image, or None (after a warning, once per url) when
        DOCX cannot show it."""
        resource = self.context.image(node.url)  # it warns about a missing or remote image
        if resource is None:
            return None
        why = ""
        if resource.media_type not in EMBEDDED_MEDIA_TYPES:
            kind = "SVG" if resource.media_type == "image/svg+xml" else resource.media_type
            why = (f"is {kind}, which Word shows only from a PNG copy and docforge has no "
                   "rasteriser" if kind == "SVG" else f"is {kind}, which Word does not show")
        else:
            try:
                rel_id = self._story.links.image(resource.name, resource.data)
            except ValueError as exc:
                why = f"cannot be embedded in DOCX: {exc}"
        if why:
            if node.url not in self.state.image_warned:
                self.state.image_warned.add(node.url)
                shown = node.url if len(node.url) <= 80 else node.url[:77] + "..."
                self.context.diagnostics.add(f"image {shown!r} {why}; its alt text is shown instead")
            return None
        cx, cy = self._extent(resource.width or UNKNOWN_PIXELS, resource.height or UNKNOWN_PIXELS)
        drawing_id = self.state.next_drawing_id
        self.state.next_drawing_id += 1
        return inline_picture(_attribute(rel_id), drawing_id, _attribute(resource.name), cx, cy,
                              self._escape_attribute(plain_text(node)), self._escape_attribute(node.title))

    def _extent(self, width_px: int, height_px: int) -> tuple[int, int]:
        """A picture's size in EMU: its pixels at 96 dpi, scaled down (never up, keeping its
        proportions) to the width where it stands and most of the text height."""
        cx, cy = width_px * EMU_PER_PIXEL, height_px * EMU_PER_PIXEL
        scale = min(1.0, self._picture_width_twips * EMU_PER_TWIP / cx)
        if self.layout.text_height_twips:
            scale = min(scale, self.layout.text_height_twips * EMU_PER_TWIP * PICTURE_HEIGHT_SHARE / cy)
        return max(1, int(cx * scale)), max(1, int(cy * scale))

    # ------------------------------------------------------------- footnotes
    def inline_note(self, node: Note, fmt: Format) -> None:
        state = self.state
        ref_style = self.ids["Footnote Reference"]
        if self._in_note:  # Word has none inside a note: its text follows this note's
            state.nested_notes.append(node)
            state.nested_note_count += 1
            self.out.append(self._mark_run(node.label or "*"))
            return
        note_id = state.next_footnote_id
        state.next_footnote_id += 1
        if not node.label or node.label == str(state.auto_numbered_notes + 1):
            state.auto_numbered_notes += 1  # the number Word shows is the note's label
            self.out.append(f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr>'
                            f'<w:footnoteReference w:id="{note_id}"/></w:r>')
            mark = f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:footnoteRef/></w:r>'
        else:  # Word would number it otherwise: its label is written instead
            self.out.append(f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:footnoteReference '
                            f'w:customMarkFollows="1" w:id="{note_id}"/>{_t(self._escape(node.label))}</w:r>')
            mark = self._mark_run(node.label)
        self._footnote(note_id, node.blocks, mark)

    def _mark_run(self, label: str) -> str:
        return (f'<w:r><w:rPr><w:rStyle w:val="{self.ids["Footnote Reference"]}"/></w:rPr>'
                f'{_t(self._escape(label))}</w:r>')

    def _footnote(self, note_id: int, blocks, mark: str) -> None:
        """A w:footnote of `blocks`, the first paragraph led by `mark`, then the notes met
        inside it, each led by its label. Written to the footnotes part's text while the
        paragraph holding the reference waits in the body's."""
        state = self.state
        if self._note_story is None:
            self._note_story = _Story(self.layout.note_links())
        saved = (self.out, self._sink, state.last_paragraph, self._story, self._plain_ppr,
                 self._picture_width_twips, self._first_pending)
        self.out, self._sink, self._story, self._in_note = state.notes, state.footnotes, self._note_story, True
        state.last_paragraph = None  # the body's paragraph is no paragraph of the note's
        self._plain_ppr, self._picture_width_twips = self.styled["Footnote Text"], self.layout.text_width_twips
        self.out.append(f'<w:footnote w:id="{note_id}">')
        queue = [(mark, blocks)]
        for mark, blocks in queue:  # grows while it runs: notes inside notes, in order
            self._note_mark = mark + SPACE_RUN
            for block in blocks:
                self._block(block, 0)
                self._maybe_freeze()
            if self._note_mark:  # no blocks, or none that makes a paragraph: the mark alone
                self._end(self._start(self._plain_ppr))
            queue.extend((self._mark_run(n.label or "*"), n.blocks) for n in state.nested_notes)
            state.nested_notes.clear()
        self.out.append("</w:footnote>")
        self._in_note = False
        (self.out, self._sink, state.last_paragraph, self._story, self._plain_ppr,
         self._picture_width_twips, self._first_pending) = saved

    def inline_line_break(self, node: LineBreak, fmt: Format) -> None:
        self.out.append(LINE_BREAK)

    def inline_link(self, node: Link, fmt: Format) -> None:
        url = safe_url(node.url)
        if url is None or fmt.link_style:  # unsafe URL, or a link inside a link: text only
            self._inlines(node.inlines, fmt)
            return
        link_fmt = fmt._replace(link_style=True)
        if not _flat_link_content(node.inlines):
            # styles, pictures, notes...: each inline as its own runs inside the hyperlink
            self.out.append(self._hyperlink_opening(url, node.url))
            self._inlines(node.inlines, link_fmt)
            self.out.append("</w:hyperlink>")
            return
        # a hyperlink holds one run of text: line breaks inside the link are written
        # between pieces of it (a trailing break was dropped and joined "0" + "0" into "00")
        pieces: list[list] = [[]]
        for child in node.inlines:
            if type(child) is LineBreak:
                pieces.append([])
            elif type(child) is CitationRef:  # its label, as every writer shows it (it was dropped)
                pieces[-1].append(Text(f"[{self.context.citation_label(child.ref_id)}]"))
            else:
                pieces[-1].append(child)
        for index, piece in enumerate(pieces):
            if index:
                self.out.append(LINE_BREAK)
            # the one rule for control characters before plain_text collapses whitespace, so that
            # a form feed is a space counted like anywhere else (it was an uncounted one here)
            cleaned = map_tree(Paragraph(tuple(piece)), self._clean_text, _TEXT_NODES)
            text = plain_text(cleaned)
            if not text and len(pieces) > 1:
                continue
            if text:  # plain_text trims: a space at either end still separates the words around
                raw = "".join(getattr(child, "text", "") for child in cleaned.inlines)
                text = " " * (raw != raw.lstrip()) + text + " " * (raw != raw.rstrip())
            if url.startswith("#"):
                self._hyperlink(None, internal_anchor(node.url), text, link_fmt)
            else:
                self._hyperlink(url, None, text, link_fmt)

    def inline_citation_ref(self, node: CitationRef, fmt: Format) -> None:
        label = self.context.citation_label(node.ref_id)
        if fmt.link_style:
            self.out.append(self._run(f"[{label}]", fmt))
            return
        self._hyperlink(None, node.ref_id, f"[{label}]", fmt._replace(mono=False, link_style=True))

    def _hyperlink_opening(self, safe: str, url: str) -> str:
        """The w:hyperlink start tag for a link to `url` (`safe` as semantics.safe_url gave it)."""
        if safe.startswith("#"):
            return f'<w:hyperlink w:anchor="{self._anchor(internal_anchor(url))}" w:history="1">'
        return f'<w:hyperlink r:id="{self._link_id(safe)}" w:history="1">'

    def _link_id(self, url: str) -> str:
        """The relationship id (escaped) of `url` from the part being written, made once per
        URL (PartLinks keeps them, compactly: a long document has thousands)."""
        return _attribute(self._story.links.link(url))

    def _hyperlink(self, url: str | None, target_id: str | None, text: str, fmt: Format) -> None:
        """One run in a w:hyperlink: to an external `url` (through a relationship, made once
        per URL) or to the bookmark of `target_id`."""
        if url is not None:
            opening = f'<w:hyperlink r:id="{self._link_id(url)}" w:history="1">'
        else:
            opening = f'<w:hyperlink w:anchor="{self._anchor(target_id or "")}" w:history="1">'
        self.out.append(f"{opening}{self._run(text, fmt)}</w:hyperlink>")

