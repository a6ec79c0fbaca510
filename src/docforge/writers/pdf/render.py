"""IR -> reportlab flowables: the PDF writer's renderer.

`PdfRenderer` turns the prepared document of a RenderContext into a platypus story: the
title block, the table of contents, one or more flowables per block, the Notes section,
the keywords. Blocks are `block_<name>(node, depth)` (depth: how deep in lists and
quotes), inlines `inline_<name>(node, family, in_link)` returning reportlab paragraph
markup in which every piece of input text is escaped (xmltext's "markup" flavour), so
nothing in the input is ever interpreted by reportlab; each run of characters the
paragraph's font family lacks switches to a fallback font (fonts.py). Headings keep with
the next block and carry their outline entry (headings down to the context's toc_depth),
and `keep_headings` makes sure of it where reportlab's keepWithNext cannot (before a
table, a figure, another heading); lists hang their markers and end with a paragraph's
space; references carry the anchors citations link to. Text paragraphs are
linebreak.TypesetParagraphs: justified or hyphenated ones are broken into lines for the
whole paragraph at once, by the rules in linebreak.py.

The pandoc nodes: a footnote is a linked superscript marker, and its text an end-note in
a "Notes" section placed before the References (notes.py: reportlab has no page-foot
footnotes); an image is drawn from memory (images.py) inline (paragraph `<img>`) or, alone
in its paragraph, as a block, scaled to fit, and anything that cannot be drawn (SVG,
remote, missing, undecodable) shows its alt text in brackets with a warning; a figure is
its content and "Figure N: caption" kept together; definition lists, line blocks (leading
spaces kept as no-break spaces) and divs are their blocks; small caps are faked
(lower-case letters upper-cased, smaller); math stays TeX source in the mono face
(display math its own centred paragraph), reported once; raw markup is left out, counted
per format in one warning. Alt text, titles and a div's language stay on the flowables
(`alt`/`title`, `_df_image_alts`, `_df_lang`) for the tagging layer, and the blocks say
what they are with tagging.role/group (H1–H6, L/LI/LBody, BlockQuote, Code, Note,
Caption, TOC); a span in another language is marked with tagging.language_span.

Labels, anchors, the byline and reference URLs come from the context and semantics.py:
this module never renumbers or relabels anything, and never draws on a page (page.py).
"""
from __future__ import annotations

import re
from typing import Iterator
from itertools import groupby

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Preformatted, Spacer, TableStyle, XPreformatted
from reportlab.platypus.flowables import AnchorFlowable, HRFlowable

from ...model import (BulletList, CitationRef, Code, CodeBlock, DefinitionList, Div, Emph, Figure,
                      Heading, Image, LineBlock, LineBreak, Link, Math, Note, OrderedList,
                      Paragraph as IRParagraph, Quote, RawBlock, RawInline, Reference, References,
                      SmallCaps, Span, Strikeout, Strong, Subscript, Superscript, Table, Text,
                      ThematicBreak, Underline, _collect_text, map_tree, plain_text, walk)
from ...transforms import OutlineEntry
from ..base import RenderContext, TreeRenderer
from ..semantics import BYLINE_SEPARATOR, caption_lead, internal_anchor, safe_url, shown_reference_url
from ..xmltext import escape, strip_illegal, xml_safe
from . import scripts, tagging
from .fonts import Family, FontSet
from .images import ImageLineParagraph, PdfImage, PdfImages, data_uris_readable, fitted
from .linebreak import TypesetParagraph
from .notes import NoteEntry, NoteParagraph, NoteRegistry
from .styles import (cjk_style, continued_styles, definition_styles, line_styles, list_item_style,
                     long_heading_style, note_styles, quote_style, toc_level_styles)
from .story import story_parts
from .tables import TableStart, table_flowables

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
BULLETS = "•◦▪"             # by nesting depth, repeating
LONG_HEADING_CHARS = 300     # a longer "heading" is laid out like a paragraph
PARAGRAPH_CHUNK_CHARS = 10_000  # a longer paragraph (two pages or more) is set in pieces of this size
REFERENCE_PART = 32          # references handed to a single-pass build at a time (story.py)
# reportlab splits an over-long word by re-measuring it character by character, which is
# quadratic: a 10,000-character "word" took seconds, and far longer inside KeepTogether.
# Such runs (never real words; URLs are far shorter) are given a break every 100 characters.
_MONSTER_WORD = re.compile(r"\S{200,}")
NOTES_TITLE = "Notes"  # when the labels catalogue gives none (labels.py: "notes" per language)
NOTE_MARKER_SUFFIX = "."     # "1." before a note's text; the marker in the text is "1"
BLOCK_IMAGE_MAX_HEIGHT = 0.75  # of the frame's height: a figure keeps room for its caption
INLINE_IMAGE_MAX_HEIGHT = 0.5
SMALL_CAPS_SCALE = 0.8       # faked small capitals: lower-case letters as capitals this much smaller
NBSP = "\u00a0"


def _break_word(match: re.Match) -> str:
    word = match.group(0)
    return " ".join(word[i:i + 100] for i in range(0, len(word), 100))


def _tree_levels(entries: tuple[OutlineEntry, ...]) -> dict[str, int]:
    """Heading id -> its level in the context's heading tree (1 at the top)."""
    levels: dict[str, int] = {}
    stack = list(reversed(entries))
    while stack:
        entry = stack.pop()
        levels[entry.id] = entry.level
        stack.extend(reversed(entry.children))
    return levels


def _has_display_math(inlines: tuple) -> bool:
    return any(type(n) is Math and n.display for n in inlines)


def _drop_note(node):
    return Text("") if type(node) is Note else node


def _without_notes(node):
    """`node` with its footnotes left out: a heading's outline and contents entry hold its words only."""
    if not any(type(child) is Note for child in walk(node)):
        return node  # the usual heading: map_tree's closure is a cycle per call, freed late
    return map_tree(node, _drop_note, frozenset({Note}))


def _small_cap(ch: str) -> bool:
    """Whether faked small caps draw `ch` as a smaller capital (ß, whose capital is two letters, stays)."""
    return ch.islower() and len(ch.upper()) == 1


def _keep_leading_spaces(line: tuple) -> tuple:
    """A line-block line whose leading spaces are no-break spaces, which the layout keeps."""
    if line and type(line[0]) is Text:
        text = line[0].text
        stripped = text.lstrip(" ")
        if len(stripped) != len(text):
            return (Text(NBSP * (len(text) - len(stripped)) + stripped),) + line[1:]
    return line


def _note_order(label: str, index: int) -> tuple:
    """Notes sort by their number; a label that is not a number keeps its place after them."""
    return (0, int(label), index) if label.isdigit() else (1, 0, index)


def _notes_position(blocks: tuple) -> int:
    """Where the Notes section goes among the top-level blocks: before the last References
    and the heading right above it, else at the end."""
    for index in range(len(blocks) - 1, -1, -1):
        if type(blocks[index]) is References:
            return index - 1 if index and type(blocks[index - 1]) is Heading else index
    return len(blocks)


class PdfRenderer(TreeRenderer):
    """One PDF's story. `fonts` and `styles` are the document's (fonts.build_fontset,
    styles.paragraph_styles); `frame_width`/`frame_height` the text frame's, for tables."""

    def __init__(self, context: RenderContext, fonts: FontSet, styles: dict[str, ParagraphStyle],
                 frame_width: float, frame_height: float) -> None:
        self.context, self.theme = context, context.style
        self.fonts, self.styles = fonts, styles
        self.frame_width, self.frame_height = frame_width, frame_height
        self.anchors = context.anchors
        self.diagnostics = context.diagnostics
        self.link_color = context.style.colors.link
        # tagged headings H1..H6 by the heading tree's consecutive levels: PDF/UA lets no level be skipped
        self.tag_levels = _tree_levels(context.outline(6))
        context.forget_outline()  # the link names (tagging.py) make it again at the first internal link
        self.images = PdfImages(context)
        self.notes = NoteRegistry(context.anchors)
        self.image_width: float | None = None  # the room an inline image has (a table column), else the frame
        self.math_count = 0
        self.image_titles = 0
        self.raw_counts: dict[str, int] = {}
        self._small_caps = 0                   # > 0 while rendering inside SmallCaps
        self._small_caps_delta = round(context.style.fonts.size * (1 - SMALL_CAPS_SCALE), 1)
        self._image_alts: list[str] = []       # alt texts of the <img>s in the markup being built

    def story(self) -> list:
        """Every flowable of the document, in order."""
        with data_uris_readable():  # paragraphs read their inline images as they are made
            return self._story()

    def _story(self) -> list:
        return [flowable for part in story_parts(self) for flowable in part]

    def report(self) -> None:
        """One diagnostic each for what the PDF shows differently: math, raw markup, image titles."""
        if self.math_count:
            formulas = "formula" if self.math_count == 1 else "formulas"
            self.diagnostics.add(f"{self.math_count} math {formulas} kept as TeX source "
                                 "(the PDF writer does not typeset math)", severity="info")
        if self.raw_counts:
            total = sum(self.raw_counts.values())
            counts = ", ".join(f"{fmt} {n}" for fmt, n in sorted(self.raw_counts.items()))
            self.diagnostics.add(f"left out {total} raw markup passage(s) meant for other formats "
                                 f"({counts}): PDF takes no raw markup")
        if self.image_titles:
            self.diagnostics.add(f"{self.image_titles} image title(s) not shown: a PDF page has no "
                                 "tooltips (the alt text and captions are shown)", severity="info")

    def checkpoint(self) -> tuple:
        """What rendering has recorded so far, for `rewind` when rendered flowables are thrown away."""
        return self.notes.mark(), self.math_count, self.image_titles, dict(self.raw_counts)

    def rewind(self, state: tuple) -> None:
        mark, self.math_count, self.image_titles, self.raw_counts = state
        self.notes.rewind(mark)

    def outline_level(self, heading: Heading) -> int | None:
        """The heading's level in the PDF outline (0 at the top), None when it has no entry.
        The tree down to the toc depth places a heading where the whole tree does (deeper
        headings are popped before any shallower one is placed), so one tree serves both."""
        if heading.level > self.context.toc_depth:
            return None
        level = self.tag_levels.get(heading.id)
        return None if level is None else level - 1

    def notes_section(self, references_heading: Heading | None) -> list:
        """The heading "Notes" (in the document's language; at the References heading's level, in the outline with it)
        and every note, numbered with its label and listed by number; a note inside a note
        joins the list as its marker is met."""
        level = max(1, min(references_heading.level, 6)) if references_heading else 1
        outline_level = (self.outline_level(references_heading) if references_heading
                         else 0 if self.context.toc_depth >= 1 else None)
        section_id = "notes"
        while section_id in self.anchors:
            section_id = "df-" + section_id
        style, title = self.styles[f"h{level}"], self.context.labels.notes or NOTES_TITLE
        heading = tagging.role([self.paragraph(self.anchor(section_id) + self.markup(title, self.fonts.heading),
                                               style, title)],
                               f"H{self.tag_levels.get(references_heading.id, level) if references_heading else 1}")[0]
        if outline_level is not None:
            heading._df_outline = (outline_level, title, section_id,
                                   self.markup(title, self.fonts.body))
        story: list = [CondPageBreak(style.fontSize * 5), heading]
        saved, self.styles = self.styles, note_styles(self.styles)
        rendered: list[tuple[tuple, list]] = []
        try:
            index = 0
            while index < len(self.notes.entries):
                entry = self.notes.entries[index]
                rendered.append((_note_order(entry.label, index),
                                 tagging.group(self._note(entry), "Note", ID=entry.id)))
                index += 1
        finally:
            self.styles = saved
        # listed by number: markers are met in another order than prepare numbered them
        # (a caption before its cells, a note inside a note after the note)
        rendered.sort(key=lambda item: item[0])
        for _, flowables in rendered:
            story.extend(flowables)
        return story

    def _note(self, entry: NoteEntry) -> list:
        """One note: its number (linked back to the marker) hanging left of its first
        paragraph, or on a line of its own when the note starts otherwise."""
        style, body = self.styles["body"], self.fonts.body
        number = entry.label + NOTE_MARKER_SUFFIX

        def numbered(markup: str, paragraph_style: ParagraphStyle) -> NoteParagraph:
            return NoteParagraph(markup, paragraph_style, bulletText=number, back=entry.back_id)

        blocks, anchor = entry.blocks, self.anchor(entry.id)
        first = blocks[0] if blocks else None
        if (type(first) is IRParagraph and not _has_display_math(first.inlines)
                and self._lone_image(first) is None):
            plain = plain_text_within(first, PARAGRAPH_CHUNK_CHARS)
            if plain is not None:
                story: list = [self.paragraph(anchor + self.inlines(first.inlines, body), style, plain,
                                              factory=numbered)]
                blocks = blocks[1:]
            else:
                story = [numbered(anchor + NBSP, style)]
        else:
            story = [numbered(anchor + NBSP, style)]
        for block in blocks:
            story.extend(self.dispatch[type(block)](self, block, 1))
        return story

    def title_block(self) -> list:
        """Title, subtitle and byline above a rule, those the document has."""
        meta, styles, heading = self.context.doc.meta, self.styles, self.fonts.heading
        story: list = []
        if meta.title:
            story.append(self.paragraph(self.markup(meta.title, heading), styles["title"], meta.title, cjk=False))
        if meta.subtitle:
            story.append(self.paragraph(self.markup(meta.subtitle, heading), styles["subtitle"], meta.subtitle,
                                        cjk=False))
        if self.context.byline:
            byline = BYLINE_SEPARATOR.join(self.context.byline)
            story.append(self.paragraph(self.markup(byline, self.fonts.body), styles["byline"], byline, cjk=False))
        if story:
            story.append(HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(self.theme.colors.rule),
                                    spaceBefore=4, spaceAfter=14))
        return story

    def table_of_contents(self) -> list:
        """The TOC's title and the TOC, which reportlab fills from page.DocTemplate's entries."""
        # the contents table's own cell font: reportlab sets it (an empty BT … Tf ET) before
        # the first cell, and its default, Helvetica, would be an unembedded font in the PDF
        body = self.styles["body"]
        toc = scripts.DirectedTableOfContents(tableStyle=TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("FONTNAME", (0, 0), (-1, -1), body.fontName),
             ("FONTSIZE", (0, 0), (-1, -1), body.fontSize)]))
        toc.levelStyles = toc_level_styles(self.styles["body"], self.context.toc_depth)
        toc.dotsMinLevel = 0
        title = Paragraph(self.markup(self.context.labels.contents, self.fonts.heading), self.styles["toc_title"])
        return [title, tagging.role([toc], "TOC")[0], Spacer(1, 12)]

    # ------------------------------------------------------------- markup
    def markup(self, text: str, family: Family, counted: bool = True) -> str:
        """Escaped paragraph markup for plain text, switching font per run of characters the
        main family cannot show. `counted=False` for text shown again (a heading's contents
        entry), whose left-out characters the diagnostic already counts."""
        cleaned, dropped = strip_illegal(text)
        if dropped and counted:
            self.diagnostics.drop(dropped, "PDF text")
        cleaned = _MONSTER_WORD.sub(_break_word, cleaned)
        parts = []
        for fam, chunk in self.fonts.runs(cleaned, family):
            if fam is None:
                continue  # reported once as a diagnostic; never drawn as a box
            escaped = escape(chunk, "markup")[0]
            parts.append(escaped if fam is family else f'<font face="{fam.names["regular"]}">{escaped}</font>')
        return "".join(parts)

    def inlines(self, nodes, family: Family, in_link: bool = False) -> str:
        """The markup of a run of inlines; inside a link (`in_link`) no further link is made."""
        render = self.dispatch
        return "".join(render[type(n)](self, n, family, in_link) for n in nodes)

    def anchor(self, id_: str) -> str:
        """The markup that makes `id_` a link destination (nothing without an id)."""
        return f'<a name="{escape(id_, "markup")[0]}"/>' if id_ else ""

    def link(self, url: str, inner: str) -> str:
        return f'<a href="{escape(url, "markup")[0]}" color="{self.link_color}">{inner}</a>'

    def paragraph(self, markup: str, style: ParagraphStyle, plain: str, factory=Paragraph,
                  cjk: bool = True) -> Paragraph:
        """A Paragraph (or what `factory` makes) of `markup`; `plain` (its text) decides CJK
        line breaking: between any two ideographs where the text is mostly CJK (for mixed
        text the normal breaker splits long unspaced runs itself and is much faster). Inline
        images in the markup make the lines as tall as they need, and their alt texts stay
        on the paragraph (`_df_image_alts`)."""
        if cjk:
            count = len(_CJK.findall(plain))
            if count and count * 3 >= len(plain.replace(" ", "")):
                style = cjk_style(style)
        alts = self._image_alts
        if alts:
            # lines as tall as their tallest image: the fixed leading would draw it over the line above
            style = ParagraphStyle(f"{style.name}-images", parent=style, autoLeading="max")
            self._image_alts = []
            if factory is Paragraph:
                factory = ImageLineParagraph
        if factory is Paragraph:
            factory = TypesetParagraph  # lines chosen per paragraph when justified or hyphenated
        style, factory = scripts.layout(plain, style, factory, self.context.language, self.fonts)
        paragraph = factory(markup, style)
        if alts:
            paragraph._df_image_alts = tuple(alts)
        return paragraph

    def paragraph_pieces(self, inlines: tuple, style: ParagraphStyle) -> list:
        """Inlines as one paragraph of `style`, or, over PARAGRAPH_CHUNK_CHARS, as pieces:
        reportlab re-breaks a paragraph's remaining lines on every page it spans, so one
        huge paragraph costs O(n²) (a 500 KB line: 82 s). Pieces of a page or so, cut at
        sentence ends (else spaces) and set without indent or gap between them, keep it
        linear; the one trace is a short line where a piece ends."""
        plain = plain_text_within(IRParagraph(inlines), PARAGRAPH_CHUNK_CHARS)
        body = self.fonts.body
        if plain is not None:
            return [self.paragraph(self.inlines(inlines, body), style, plain)]
        pieces = split_inlines(inlines, PARAGRAPH_CHUNK_CHARS)
        first, middle, last = continued_styles(style)
        out = []
        for index, piece in enumerate(pieces):
            piece_style = style if len(pieces) == 1 else (
                first if index == 0 else last if index == len(pieces) - 1 else middle)
            out.append(self.paragraph(self.inlines(piece, body), piece_style, plain_text(IRParagraph(piece))))
        return out

    def text_flowables(self, inlines: tuple, style: ParagraphStyle) -> list:
        """A paragraph's inlines as paragraphs of `style`, each display formula set apart
        as its own centred paragraph (the text around it continues without indent)."""
        if not _has_display_math(inlines):
            return self.paragraph_pieces(inlines, style)
        segments: list = []
        run: list = []
        for node in inlines:
            if type(node) is Math and node.display:
                if run:
                    segments.append(tuple(run))
                    run = []
                segments.append(node)
            else:
                run.append(node)
        if run:
            segments.append(tuple(run))
        # runs of nothing but spaces around a formula make no paragraph
        segments = [seg for seg in segments
                    if type(seg) is Math or any(type(n) is not Text or n.text.strip() for n in seg)]
        first, middle, last = continued_styles(style)
        out: list = []
        for index, segment in enumerate(segments):
            if type(segment) is Math:
                out.extend(self._display_math(segment))
                continue
            before, after = index > 0, index < len(segments) - 1
            segment_style = (middle if before and after else last if before else first if after else style)
            out.extend(self.paragraph_pieces(segment, segment_style))
        return out

    def _display_math(self, node: Math) -> list:
        """A display formula's TeX source, centred in the mono face (long ones in pieces)."""
        self.math_count += 1
        style, mono = self.styles["math"], self.fonts.mono
        pieces = split_inlines((Text(node.text),), PARAGRAPH_CHUNK_CHARS) or [(Text(""),)]
        styles = (style,) if len(pieces) == 1 else continued_styles(style)
        out = []
        for index, piece in enumerate(pieces):
            piece_style = styles[0] if index == 0 else styles[2] if index == len(pieces) - 1 else styles[1]
            text = "".join(n.text for n in piece)
            out.append(self.paragraph(self.markup(text, mono), piece_style, text))
        return out

    # ------------------------------------------------------------- inlines
    def inline_text(self, node: Text, family: Family, in_link: bool) -> str:
        if self._small_caps:
            return self._small_caps_markup(node.text, family)
        return self.markup(node.text, family)

    def inline_emph(self, node: Emph, family: Family, in_link: bool) -> str:
        return f"<i>{self.inlines(node.inlines, family, in_link)}</i>"

    def inline_strong(self, node: Strong, family: Family, in_link: bool) -> str:
        return f"<b>{self.inlines(node.inlines, family, in_link)}</b>"

    def inline_code(self, node: Code, family: Family, in_link: bool) -> str:
        mono = self.fonts.mono
        return f'<font face="{mono.names["regular"]}">{self.markup(node.text, mono)}</font>'

    def inline_line_break(self, node: LineBreak, family: Family, in_link: bool) -> str:
        return "<br/>"

    def inline_link(self, node: Link, family: Family, in_link: bool) -> str:
        inner = self.inlines(node.inlines, family, True)
        url = safe_url(node.url)
        if url is not None and url.startswith("#"):
            anchor = internal_anchor(node.url)
            url = f"#{anchor}" if anchor in self.anchors else None
        if url is None or in_link:
            return inner
        return self.link(url, inner)

    def inline_citation_ref(self, node: CitationRef, family: Family, in_link: bool) -> str:
        label = escape(self.context.citation_label(node.ref_id), "markup")[0]
        if in_link or node.ref_id not in self.anchors:
            return f"[{label}]"
        return self.link(f"#{node.ref_id}", f"[{label}]")

    def inline_strikeout(self, node: Strikeout, family: Family, in_link: bool) -> str:
        return f"<strike>{self.inlines(node.inlines, family, in_link)}</strike>"

    def inline_superscript(self, node: Superscript, family: Family, in_link: bool) -> str:
        return f"<super>{self.inlines(node.inlines, family, in_link)}</super>"

    def inline_subscript(self, node: Subscript, family: Family, in_link: bool) -> str:
        return f"<sub>{self.inlines(node.inlines, family, in_link)}</sub>"

    def inline_underline(self, node: Underline, family: Family, in_link: bool) -> str:
        return f"<u>{self.inlines(node.inlines, family, in_link)}</u>"

    def inline_small_caps(self, node: SmallCaps, family: Family, in_link: bool) -> str:
        """reportlab has no small caps (no OpenType features): lower-case letters are drawn
        as capitals SMALL_CAPS_SCALE smaller (inline_text does it while this is set), so
        copied or extracted text reads in capitals."""
        self._small_caps += 1
        try:
            return self.inlines(node.inlines, family, in_link)
        finally:
            self._small_caps -= 1

    def _small_caps_markup(self, text: str, family: Family) -> str:
        parts = []
        for lower, chars in groupby(text, key=_small_cap):
            run = "".join(chars)
            if lower:
                parts.append(f'<font size="-{self._small_caps_delta}">{self.markup(run.upper(), family)}</font>')
            else:
                parts.append(self.markup(run, family))
        return "".join(parts)

    def inline_span(self, node: Span, family: Family, in_link: bool) -> str:
        inner = self.inlines(node.inlines, family, in_link)
        return tagging.language_span(node.lang, inner, self.context.language)

    def inline_math(self, node: Math, family: Family, in_link: bool) -> str:
        """TeX source in the mono face (display math met inside a line, a cell or a heading too)."""
        self.math_count += 1
        mono = self.fonts.mono
        return f'<font face="{mono.names["regular"]}">{self.markup(node.text, mono)}</font>'

    def inline_raw_inline(self, node: RawInline, family: Family, in_link: bool) -> str:
        self._raw(node.format)
        return ""

    def _raw(self, fmt: str) -> None:
        fmt = fmt.strip().lower() or "unnamed"
        self.raw_counts[fmt] = self.raw_counts.get(fmt, 0) + 1

    def inline_note(self, node: Note, family: Family, in_link: bool) -> str:
        """The marker: the label raised, linked to the note, which links back to it (inside
        a link no second link can be made: then the marker is only the label)."""
        entry, new = self.notes.register(node.label, node.blocks, can_link_back=not in_link)
        label = escape(entry.label, "markup")[0]
        if in_link:
            return f"<super>{label}</super>"
        anchor = self.anchor(entry.back_id) if new and entry.back_id else ""
        return f"{anchor}<super>{self.link('#' + entry.id, label)}</super>"

    def inline_image(self, node: Image, family: Family, in_link: bool) -> str:
        """An image in the line, as big as its pixels at 96 dpi allow in the room there; or
        its alt text in brackets when it cannot be drawn (images.py says why)."""
        if node.title:
            self.image_titles += 1
        loaded = self.images.load(node.url)
        if loaded is None:
            alt = self.inlines(node.inlines, family, in_link)
            return f"[{alt}]" if alt else "[image]"
        width, height = fitted(loaded, self.image_width or self.frame_width,
                               self.frame_height * INLINE_IMAGE_MAX_HEIGHT)
        self._image_alts.append(plain_text(IRParagraph(node.inlines)))
        return f'<img src="{self.images.uri(loaded)}" width="{width:.2f}" height="{height:.2f}" valign="baseline"/>'

    def _lone_image(self, node: IRParagraph) -> Image | None:
        """The image of a paragraph that holds one image and nothing else (spaces aside)."""
        found = None
        for child in node.inlines:
            kind = type(child)
            if kind is Image and found is None:
                found = child
            elif kind is not Text or child.text.strip():
                return None
        return found

    def _block_image(self, node: Image, h_align: str) -> list | None:
        """An image alone in its paragraph as a block of its own, or None when it cannot be
        drawn (then the paragraph is set as text, with the alt text)."""
        loaded = self.images.load(node.url)
        if loaded is None:
            return None
        if node.title:
            self.image_titles += 1
        width, height = fitted(loaded, self.frame_width, self.frame_height * BLOCK_IMAGE_MAX_HEIGHT)
        image = PdfImage(loaded, width, height, plain_text(IRParagraph(node.inlines)), node.title, h_align)
        return [image, Spacer(1, self.theme.spacing.paragraph)]

    # ------------------------------------------------------------- blocks
    def block_heading(self, node: Heading, depth: int) -> list:
        level = max(1, min(node.level, 6))
        text = plain_text(_without_notes(node))
        style = self.styles[f"h{level}"]
        if len(text) > LONG_HEADING_CHARS:
            style = long_heading_style(style)
        pieces = [node.inlines]
        if len(text) > PARAGRAPH_CHUNK_CHARS:
            # set in pieces like a long paragraph (one reportlab paragraph over many pages is
            # quadratic: a 300 KB heading did not finish in a minute), and named in the
            # outline and contents by its start: they hold one line per heading
            pieces = split_inlines(node.inlines, PARAGRAPH_CHUNK_CHARS)
            text = text[:LONG_HEADING_CHARS] + "…"
        styles = (style,) if len(pieces) == 1 else continued_styles(style)
        story: list = [CondPageBreak(self.styles[f"h{level}"].fontSize * 5)]
        for index, piece in enumerate(pieces):
            piece_style = styles[0] if index == 0 else styles[2] if index == len(pieces) - 1 else styles[1]
            markup = self.inlines(piece, self.fonts.heading)
            story.append(self.paragraph((self.anchor(node.id) if index == 0 else "") + markup, piece_style,
                                        text if len(pieces) == 1 else plain_text(IRParagraph(piece))))
        outline_level = self.outline_level(node)
        if outline_level is not None:  # headings down to the toc depth, not those in notes
            toc_markup = self.markup(text, self.fonts.body, counted=False) or "Section"
            story[1]._df_outline = (outline_level, xml_safe(text) or "Section",
                                    node.id, toc_markup)
        tagging.role(story[1:], f"H{self.tag_levels.get(node.id, level)}")  # one, even in pieces
        return story

    def block_paragraph(self, node: IRParagraph, depth: int) -> list:
        image = self._lone_image(node)
        if image is not None:
            block = self._block_image(image, "LEFT")
            if block is not None:
                return block
        return self.text_flowables(node.inlines, self.styles["body"])

    def _list(self, node: BulletList | OrderedList, depth: int, ordered: bool) -> list:
        """Items as paragraphs with hanging markers; nested blocks one level deeper."""
        story: list = []
        body = self.fonts.body
        item_style = list_item_style(self.styles["item"], depth, self.theme.spacing.list_indent, ordered,
                                     body.names["regular"])
        starts = []
        for number, item in enumerate(node.items, node.start if ordered else 1):
            marker = f"{number}." if ordered else BULLETS[depth % 3]
            first = True
            starts.append(len(story))
            for block in item.blocks or (IRParagraph(()),):
                kind = type(block)
                if kind is IRParagraph and _has_display_math(block.inlines):
                    flowables = self.text_flowables(block.inlines, item_style)
                    if first:
                        flowables[0].bulletText = marker
                    story.extend(flowables)
                elif kind is IRParagraph:
                    p = self.paragraph(self.inlines(block.inlines, body), item_style, plain_text(block))
                    if first:
                        p.bulletText = marker
                    story.append(p)
                else:
                    if first and (kind is BulletList or kind is OrderedList):
                        # an empty paragraph has no line, and reportlab draws no marker without one
                        story.append(Paragraph(NBSP, item_style, bulletText=marker))
                    story.extend(self.dispatch[kind](self, block, depth + 1))
                first = False
            # the marker is the item's Lbl (tagging splits it off), the rest its LBody
            story[starts[-1]:] = tagging.group(tagging.group(story[starts[-1]:], "LBody"), "LI")
        starts.append(len(story))
        if len(node.items) >= 3:
            # no item alone at a page's foot or head: the first item keeps with the second,
            # the one before the last with the last (items that are one paragraph each)
            for index in (0, len(node.items) - 2):
                if starts[index + 1] - starts[index] == 1 and isinstance(story[starts[index]], Paragraph):
                    story[starts[index]].keepWithNext = 1
        if depth == 0 and story and isinstance(story[-1], Paragraph):
            # a list is set off from what follows by a paragraph's space on top of an item's
            last = story[-1]
            last.style = ParagraphStyle(f"{last.style.name}-end", parent=last.style,
                                        spaceAfter=last.style.spaceAfter + self.theme.spacing.paragraph)
        return tagging.group(story, "L")

    def block_bullet_list(self, node: BulletList, depth: int) -> list:
        return self._list(node, depth, ordered=False)

    def block_ordered_list(self, node: OrderedList, depth: int) -> list:
        return self._list(node, depth, ordered=True)

    def block_table(self, node: Table, depth: int) -> list:
        return table_flowables(self, node)

    def block_quote(self, node: Quote, depth: int) -> list:
        story: list = []
        style = quote_style(self.styles["quote"], depth, self.theme.spacing.list_indent)
        for block in node.blocks:
            if type(block) is IRParagraph and _has_display_math(block.inlines):
                story.extend(self.text_flowables(block.inlines, style))
            elif type(block) is IRParagraph:
                story.append(self.paragraph(self.inlines(block.inlines, self.fonts.body), style, plain_text(block)))
            else:
                story.extend(self.dispatch[type(block)](self, block, depth + 1))
        return tagging.group(story, "BlockQuote")

    def block_code_block(self, node: CodeBlock, depth: int) -> list:
        text, dropped = strip_illegal(node.text)
        if dropped:
            self.diagnostics.drop(dropped, "PDF text")
        style = self.styles["code"]
        max_chars = max(20, int(self.frame_width / (style.fontSize * 0.6)) - 2)
        mono = self.fonts.mono
        if mono.cmap.issuperset(map(ord, text.replace("\n", ""))):
            return tagging.role([Preformatted(text or " ", style, maxLineLength=max_chars, newLineChars="")], "Code")
        # Preformatted draws in one font: a character the mono font lacks became an empty
        # glyph, silently (found by the no-lost-word property: Georgian read back as NUL).
        # Such a block is cut into lines as Preformatted would and set with fallback runs.
        lines = [line[i:i + max_chars] for line in text.split("\n") for i in range(0, max(len(line), 1), max_chars)]
        return tagging.role([XPreformatted("\n".join(self.markup(line, mono) for line in lines), style)], "Code")

    def block_thematic_break(self, node: ThematicBreak, depth: int) -> list:
        return [HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(self.theme.colors.rule),
                           spaceBefore=8, spaceAfter=10)]

    def _reference(self, node: Reference) -> Paragraph:
        body = self.inlines(node.inlines, self.fonts.body)
        url = shown_reference_url(node)
        if url:
            body += " " + self.link(url, self.markup(url, self.fonts.body))
        p = self.paragraph(self.anchor(node.id) + body, self.styles["reference"], plain_text(node))
        if node.label:
            p.bulletText = xml_safe(node.label) + "."
        return p

    def block_references(self, node: References, depth: int) -> list:
        return [flowable for part in self.reference_parts(node) for flowable in part]

    def reference_parts(self, node: References) -> Iterator[list]:
        """The entries, REFERENCE_PART at a time (a single-pass build takes them as it
        places them: story.py), in one L; like list items, the first keeps with the second
        and the one before the last with the last (no entry alone at a page's foot or head)."""
        count, listed, part = len(node.entries), tagging.Mark("L"), []
        for index, reference in enumerate(node.entries):
            entry = self._reference(reference)
            if count >= 3 and index in (0, count - 2):
                entry.keepWithNext = 1
            part.append(tagging.group(tagging.group([entry], "LBody"), "LI")[0])
            if len(part) == REFERENCE_PART:
                yield tagging.group(part, "L", mark=listed)
                part = []
        if part or not count:
            yield tagging.group(part, "L", mark=listed)

    def block_parts(self, node) -> Iterator[list]:
        """A top-level block's flowables in parts: a long References list a part of its
        entries at a time, any other block in one part."""
        if type(node) is References:
            yield from self.reference_parts(node)
        else:
            yield self.dispatch[type(node)](self, node, 0)

    def block_figure(self, node: Figure, depth: int) -> list:
        """The content (an image alone in its paragraph drawn as a centred block), then
        "Figure N: caption" (nothing when there is no caption: no bare label), kept together
        on one page; the figure's id marks its top."""
        content: list = [AnchorFlowable(node.id)] if node.id else []
        content.append(Spacer(1, self.theme.spacing.paragraph / 2))  # a little more room than between paragraphs
        for block in node.blocks:
            if type(block) is IRParagraph:
                image = self._lone_image(block)
                drawn = self._block_image(image, "CENTER") if image is not None else None
                content.extend(drawn if drawn is not None else self.text_flowables(block.inlines, self.styles["figure"]))
            else:
                content.extend(self.dispatch[type(block)](self, block, depth))
        if node.caption:
            heading = self.fonts.heading
            markup = self.markup(caption_lead(node, self.context.labels), heading) + self.inlines(node.caption, heading)
            if content and isinstance(content[-1], Spacer):
                content.pop()  # the caption's own space comes between image and caption
            content.append(tagging.role([self.paragraph(markup, self.styles["figure_caption"],
                                                        plain_text(IRParagraph(node.caption)))], "Caption")[0])
        return [KeepTogether(content)]

    def block_definition_list(self, node: DefinitionList, depth: int) -> list:
        """Each term in bold, its definitions indented below it (the term keeps with them)."""
        term_style, definition_style = definition_styles(self.styles["term"], self.styles["definition"],
                                                         self.styles["body"], depth,
                                                         self.theme.spacing.list_indent)
        body = self.fonts.body
        story: list = []
        for item in node.items:
            story.append(self.paragraph(f"<b>{self.inlines(item.term, body)}</b>", term_style,
                                        plain_text(IRParagraph(item.term))))
            for definition in item.definitions:
                for block in definition:
                    if type(block) is IRParagraph:
                        story.extend(self.text_flowables(block.inlines, definition_style))
                    else:
                        story.extend(self.dispatch[type(block)](self, block, depth + 1))
        return story

    def block_line_block(self, node: LineBlock, depth: int) -> list:
        """One paragraph per line (so a long poem costs linear time), leading spaces kept,
        an empty line kept as a blank line; a line too long for the width hangs. The first
        two lines and the last two stay together: no line alone at a page's foot or head."""
        inner, last = line_styles(self.styles["line"], self.styles["body"], depth,
                                  self.theme.spacing.list_indent, self.theme.spacing.paragraph)
        story: list = []
        count = len(node.lines)
        for index, line in enumerate(node.lines):
            line = _keep_leading_spaces(line)
            if not plain_text(IRParagraph(line)).strip() and all(type(n) is Text for n in line):
                line = (Text(NBSP),)
            pieces = self.paragraph_pieces(line, last if index == count - 1 else inner)
            if count > 1 and (index == 0 or index == count - 2):
                pieces[-1].keepWithNext = 1
            story.extend(pieces)
        return story

    def block_div(self, node: Div, depth: int) -> list:
        """The div's blocks; its language stays on them (`_df_lang`) for the tagging layer."""
        story: list = []
        for block in node.blocks:
            story.extend(self.dispatch[type(block)](self, block, depth))
        if node.lang:
            for flowable in story:
                if getattr(flowable, "_df_lang", None) is None:  # an inner div's language wins
                    flowable._df_lang = node.lang
        return story

    def block_raw_block(self, node: RawBlock, depth: int) -> list:
        self._raw(node.format)
        return []


def _kept(flowable) -> bool:
    """Whether `flowable` keeps with the next one (headings, definition terms)."""
    return not isinstance(flowable, CondPageBreak) and bool(flowable.getKeepWithNext())


def keep_headings(story: list) -> list:
    """`story` with what reportlab's keepWithNext cannot keep a heading with (see
    `keep_headings_in_parts`), as one list."""
    return [flowable for part in keep_headings_in_parts([story]) for flowable in part]


def keep_headings_in_parts(parts) -> Iterator[list]:
    """The story's `parts` (lists of flowables, in order) with what reportlab's
    keepWithNext cannot keep a heading with: a heading (or a run of them) right before a
    table joins the table's TableStart, which is moved before it, so heading, caption,
    header and first rows start on one page; before a figure (a KeepTogether, which
    reportlab never nests in the KeepTogether keepWithNext makes) it joins the figure's
    KeepTogether; before another heading the second heading's CondPageBreak goes (it
    would stand between them, and reportlab keeps nothing across one). A heading is never
    left alone at a page's foot. Streaming (story.py): only the trailing run of headings
    and page breaks, the part a later flowable may regroup, is held back between parts."""
    out: list = []
    for part in parts:
        for flowable in part:
            if out and _kept(out[-1]) and (isinstance(flowable, (TableStart, KeepTogether))
                                           or type(flowable) is CondPageBreak):
                if type(flowable) is CondPageBreak:
                    continue
                start = len(out)
                while start and (_kept(out[start - 1]) or (type(out[start - 1]) is CondPageBreak and start > 1
                                                           and _kept(out[start - 2]))):
                    start -= 1
                while start and type(out[start - 1]) is CondPageBreak:
                    start -= 1  # the first heading's own break goes before the group too
                run = out[start:]
                del out[start:]
                kept = [f for f in run if type(f) is not CondPageBreak]
                if isinstance(flowable, TableStart):
                    flowable.lead[:0] = kept
                    out.append(flowable)
                    out.extend(run)
                else:
                    out.extend(f for f in run if type(f) is CondPageBreak)
                    merged = KeepTogether(kept + list(flowable._content))
                    for name, value in vars(flowable).items():
                        if name.startswith("_df_"):  # what the figure carries for tagging stays with it
                            setattr(merged, name, value)
                    out.append(merged)
                continue
            out.append(flowable)
        # everything before the trailing run of headings and page breaks is final
        cut = len(out)
        while cut and (_kept(out[cut - 1]) or type(out[cut - 1]) is CondPageBreak):
            cut -= 1
        if cut:
            yield out[:cut]
            del out[:cut]
    if out:
        yield out


_SENTENCE_END = re.compile(r"[.!?。！？]\s+")
_WHITESPACE = re.compile(r"\s+")  # what str.split() splits at (both are str.isspace)


def plain_text_within(node: object, limit: int) -> str | None:
    """plain_text(node) when it is at most `limit` characters long, else None, found
    without plain_text's list of every word: for one long paragraph that list (a str
    object per word) was the PDF writer's peak, 11 bytes per input byte. The length of
    the collapsed text is counted from the raw text's whitespace runs instead: each
    run inside the text becomes one space, a run at either end none."""
    cls = type(node)
    if (cls is IRParagraph or cls is Heading) and all(type(i) is Text for i in node.inlines):
        parts = [i.text for i in node.inlines]  # type: ignore[union-attr]
    else:
        parts = []
        _collect_text(node, True, parts)
    if sum(map(len, parts)) > limit:
        length = 0
        gap = False  # a whitespace run after some text: one space if more text follows
        for part in parts:
            at = 0
            for run in _WHITESPACE.finditer(part):
                if run.start() > at:
                    length += run.start() - at + gap
                    gap = False
                gap = gap or bool(length)
                at = run.end()
            if len(part) > at:
                length += len(part) - at + gap
                gap = False
            if length > limit:
                return None
    return plain_text(node)


def split_inlines(inlines: tuple, limit: int) -> list[tuple]:
    """`inlines` in runs of about `limit` characters of text, in order, nothing lost:
    a Text is cut after the last sentence end before the limit (else the last space,
    else at the limit); other inlines are never cut."""
    pieces: list[tuple] = []
    current: list = []
    size = 0
    for node in inlines:
        if type(node) is not Text:
            current.append(node)
            size += len(plain_text(IRParagraph((node,))))
            continue
        text = node.text
        while size + len(text) > limit:
            room = max(1, limit - size)
            window = text[:room]
            ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            cut = ends[-1] if ends else (window.rfind(" ") + 1 or room)
            if cut <= 0 or (not ends and " " not in window and current):
                pieces.append(tuple(current))  # nothing to cut here: the run so far is a piece
                current, size = [], 0
                continue
            current.append(Text(text[:cut]))
            pieces.append(tuple(current))
            current, size, text = [], 0, text[cut:]
        if text:
            current.append(Text(text))
            size += len(text)
        if size >= limit:
            pieces.append(tuple(current))
            current, size = [], 0
    if current:
        pieces.append(tuple(current))
    return [p for p in pieces if p]
