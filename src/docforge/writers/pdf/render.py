"""IR -> reportlab flowables: the PDF writer's renderer.

`PdfRenderer` turns the prepared document of a RenderContext into a platypus story: the
title block, the table of contents, one or more flowables per block, the keywords.
Blocks are `block_<name>(node, depth)` (depth: how deep in lists and quotes), inlines
`inline_<name>(node, family, in_link)` returning reportlab paragraph markup in which every
piece of input text is escaped (xmltext's "markup" flavour), so nothing in the input is
ever interpreted by reportlab; each run of characters the paragraph's font family lacks
switches to a fallback font (fonts.py). Headings keep with the next block and carry their
outline entry; lists hang their markers; references carry the anchors citations link to.
Labels, anchors, the byline and reference URLs come from the context and semantics.py:
this module never renumbers or relabels anything, and never draws on a page (page.py).
"""
from __future__ import annotations

import re

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Paragraph, Preformatted, Spacer, XPreformatted
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from ...model import (BulletList, CitationRef, Code, CodeBlock, Emph, Heading, LineBreak, Link,
                      OrderedList, Paragraph as IRParagraph, Quote, Reference, References, Strong,
                      Table, Text, ThematicBreak, plain_text)
from ...transforms import OutlineEntry
from ..base import RenderContext, TreeRenderer
from ..semantics import BYLINE_SEPARATOR, internal_anchor, safe_url, shown_reference_url
from ..xmltext import escape, strip_illegal, xml_safe
from .fonts import Family, FontSet
from .styles import (cjk_style, continued_styles, list_item_style, long_heading_style, quote_style,
                     toc_level_styles)
from .tables import table_flowables

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
BULLETS = "•◦▪"             # by nesting depth, repeating
LONG_HEADING_CHARS = 300     # a longer "heading" is laid out like a paragraph
PARAGRAPH_CHUNK_CHARS = 10_000  # a longer paragraph (two pages or more) is set in pieces of this size
# reportlab splits an over-long word by re-measuring it character by character, which is
# quadratic: a 10,000-character "word" took seconds, and far longer inside KeepTogether.
# Such runs (never real words; URLs are far shorter) are given a break every 100 characters.
_MONSTER_WORD = re.compile(r"\S{200,}")


def _break_word(match: re.Match) -> str:
    word = match.group(0)
    return " ".join(word[i:i + 100] for i in range(0, len(word), 100))


def _outline_levels(entries: tuple[OutlineEntry, ...]) -> dict[str, int]:
    """Heading id -> its level in the PDF outline (0 at the top), from the context's tree."""
    levels: dict[str, int] = {}
    stack = list(reversed(entries))
    while stack:
        entry = stack.pop()
        levels[entry.id] = entry.level - 1
        stack.extend(reversed(entry.children))
    return levels


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
        self.outline_levels = _outline_levels(context.outline())

    def story(self) -> list:
        """Every flowable of the document, in order."""
        doc = self.context.doc
        story = self.title_block()
        if self.context.toc:
            story += self.table_of_contents()
        render = self.dispatch
        for block in doc.blocks:
            story.extend(render[type(block)](self, block, 0))
        if doc.meta.keywords:
            body = self.fonts.body
            label = f"<b>{self.markup(self.theme.text.keywords_label, body)}:</b> "
            story.append(Paragraph(label + self.markup(", ".join(doc.meta.keywords), body),
                                   self.styles["keywords"]))
        if not story:
            story.append(Spacer(1, 1))
        return story

    def title_block(self) -> list:
        """Title, subtitle and byline above a rule, those the document has."""
        meta, styles, heading = self.context.doc.meta, self.styles, self.fonts.heading
        story: list = []
        if meta.title:
            story.append(Paragraph(self.markup(meta.title, heading), styles["title"]))
        if meta.subtitle:
            story.append(Paragraph(self.markup(meta.subtitle, heading), styles["subtitle"]))
        if self.context.byline:
            story.append(Paragraph(self.markup(BYLINE_SEPARATOR.join(self.context.byline), self.fonts.body),
                                   styles["byline"]))
        if story:
            story.append(HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(self.theme.colors.rule),
                                    spaceBefore=4, spaceAfter=14))
        return story

    def table_of_contents(self) -> list:
        """The TOC's title and the TOC, which reportlab fills from page.DocTemplate's entries."""
        toc = TableOfContents()
        toc.levelStyles = toc_level_styles(self.styles["body"], self.theme.toc.depth)
        toc.dotsMinLevel = 0
        title = Paragraph(self.markup(self.theme.toc.title, self.fonts.heading), self.styles["toc_title"])
        return [title, toc, Spacer(1, 12)]

    # ------------------------------------------------------------- markup
    def markup(self, text: str, family: Family) -> str:
        """Escaped paragraph markup for plain text, switching font per run of characters the
        main family cannot show."""
        cleaned, dropped = strip_illegal(text)
        if dropped:
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

    def paragraph(self, markup: str, style: ParagraphStyle, plain: str) -> Paragraph:
        """A Paragraph of `markup`; `plain` (its text) decides CJK line breaking: between any
        two ideographs where the text is mostly CJK (for mixed text the normal breaker
        splits long unspaced runs itself and is much faster)."""
        cjk = len(_CJK.findall(plain))
        if cjk and cjk * 3 >= len(plain.replace(" ", "")):
            style = cjk_style(style)
        return Paragraph(markup, style)

    # ------------------------------------------------------------- inlines
    def inline_text(self, node: Text, family: Family, in_link: bool) -> str:
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

    # ------------------------------------------------------------- blocks
    def block_heading(self, node: Heading, depth: int) -> list:
        level = max(1, min(node.level, 6))
        text = plain_text(node)
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
        if node.id:
            toc_markup = self.markup(text, self.fonts.body) or "Section"
            story[1]._df_outline = (self.outline_levels.get(node.id, 0), xml_safe(text) or "Section",
                                    node.id, toc_markup)
        return story

    def block_paragraph(self, node: IRParagraph, depth: int) -> list:
        plain = plain_text(node)
        if len(plain) <= PARAGRAPH_CHUNK_CHARS:
            return [self.paragraph(self.inlines(node.inlines, self.fonts.body), self.styles["body"], plain)]
        # reportlab re-breaks a paragraph's remaining lines on every page it spans, so one
        # huge paragraph costs O(n²) (a 500 KB line: 82 s). Pieces of a page or so, cut at
        # sentence ends (else spaces) and set without indent or gap between them, keep it
        # linear; the one trace is a short line where a piece ends.
        pieces = split_inlines(node.inlines, PARAGRAPH_CHUNK_CHARS)
        body = self.styles["body"]
        first, middle, last = continued_styles(body)
        out = []
        for index, piece in enumerate(pieces):
            style = body if len(pieces) == 1 else (
                first if index == 0 else last if index == len(pieces) - 1 else middle)
            out.append(self.paragraph(self.inlines(piece, self.fonts.body), style, plain_text(IRParagraph(piece))))
        return out

    def _list(self, node: BulletList | OrderedList, depth: int, ordered: bool) -> list:
        """Items as paragraphs with hanging markers; nested blocks one level deeper."""
        story: list = []
        body = self.fonts.body
        item_style = list_item_style(self.styles["item"], depth, self.theme.spacing.list_indent, ordered,
                                     body.names["regular"])
        for number, item in enumerate(node.items, node.start if ordered else 1):
            marker = f"{number}." if ordered else BULLETS[depth % 3]
            first = True
            for block in item.blocks or (IRParagraph(()),):
                kind = type(block)
                if kind is IRParagraph:
                    p = self.paragraph(self.inlines(block.inlines, body), item_style, plain_text(block))
                    if first:
                        p.bulletText = marker
                    story.append(p)
                else:
                    if first and (kind is BulletList or kind is OrderedList):
                        story.append(Paragraph("", item_style, bulletText=marker))
                    story.extend(self.dispatch[kind](self, block, depth + 1))
                first = False
        return story

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
            if type(block) is IRParagraph:
                story.append(self.paragraph(self.inlines(block.inlines, self.fonts.body), style, plain_text(block)))
            else:
                story.extend(self.dispatch[type(block)](self, block, depth + 1))
        return story

    def block_code_block(self, node: CodeBlock, depth: int) -> list:
        text, dropped = strip_illegal(node.text)
        if dropped:
            self.diagnostics.drop(dropped, "PDF text")
        style = self.styles["code"]
        max_chars = max(20, int(self.frame_width / (style.fontSize * 0.6)) - 2)
        mono = self.fonts.mono
        if mono.cmap.issuperset(map(ord, text.replace("\n", ""))):
            return [Preformatted(text or " ", style, maxLineLength=max_chars, newLineChars="")]
        # Preformatted draws in one font: a character the mono font lacks became an empty
        # glyph, silently (found by the no-lost-word property: Georgian read back as NUL).
        # Such a block is cut into lines as Preformatted would and set with fallback runs.
        lines = [line[i:i + max_chars] for line in text.split("\n") for i in range(0, max(len(line), 1), max_chars)]
        return [XPreformatted("\n".join(self.markup(line, mono) for line in lines), style)]

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
        return [self._reference(entry) for entry in node.entries]


_SENTENCE_END = re.compile(r"[.!?。！？]\s+")


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
