"""IR -> PDF with reportlab's platypus: print-ready handouts.

Embedded TrueType fonts with per-character fallback (pdf_fonts.py); paragraph markup is
built here from the IR with every piece of input text escaped, so nothing in the input is
ever interpreted by reportlab. Headings keep with the next block and enter the PDF
outline; an optional table of contents is built in a second pass; tables wrap their
cells, size columns by content, split across pages repeating the header row; lists hang
their markers; references carry anchors that citations link to. Page one holds the
title block; later pages carry a running header and "Page X of Y". The same input gives
the same bytes (reportlab's invariant mode). This writer never renumbers anything.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.sax.saxutils import escape as _xml_escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, PageTemplate, Paragraph,
                                Preformatted, Spacer, Table as RLTable, TableStyle)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from .base import RenderContext, TreeRenderer
from ..errors import ConversionError, Diagnostic
from ..model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph, Heading,
                     LineBreak, Link, ListItem, OrderedList, Paragraph as IRParagraph, Quote,
                     Reference, References, Strong, Table, Text, ThematicBreak, plain_text, walk)
from ..options import WriteOptions
from ..style import PAGE_SIZES_MM, Style
from ..transforms import outline
from .layout import column_widths
from .semantics import internal_anchor, safe_url
from .xmltext import xml_safe
from .pdf_fonts import Family, FontSet, build_fontset

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
MAX_INDENT_LEVELS = 6      # deeper lists and quotes stop indenting: the text must fit the page
MIN_COLUMN_PT = 36.0        # narrower columns are unreadable: wide tables are split into parts
HYPHENATION = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT",
               "nl": "nl_NL", "pt": "pt_PT", "ru": "ru_RU", "sv": "sv_SE", "pl": "pl_PL"}


def esc(text: str) -> str:
    return _xml_escape(text, {'"': "&quot;"})


@dataclass
class _Run:
    """State of one PDF build."""
    style: Style
    fonts: FontSet
    styles: dict[str, ParagraphStyle]
    ref_labels: dict[str, str]
    anchors: set[str]
    outline_levels: dict[str, int]
    frame_width: float
    frame_height: float
    link_color: str
    dropped: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Doc(BaseDocTemplate):
    """Adds PDF outline entries and TOC entries as headings are placed."""

    def beforeDocument(self) -> None:
        self._df_last_level = -1  # every pass of a multi-pass (TOC) build starts a new outline

    def afterFlowable(self, flowable) -> None:
        info = getattr(flowable, "_df_outline", None)
        if info is None:
            return
        level, text, key, markup = info
        # PDF outlines cannot skip levels; headings placed out of the tree's order (inside
        # lists, quotes, split tables) are clamped to one below the previous entry.
        level = min(level, getattr(self, "_df_last_level", -1) + 1)
        self._df_last_level = level
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level, closed=level > 1)
        self.notify("TOCEntry", (level, markup, self.page, key))


def _numbered_canvas(title: str, fonts: FontSet, style: Style):
    """A canvas that knows the page count when it draws the running header and the
    "Page X of Y" footer (pages are kept until save(), then decorated)."""
    header_font = fonts.heading.names["regular"]
    muted = colors.HexColor(style.colors.muted)
    rule = colors.HexColor(style.colors.rule)
    margins = style.page

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # start every page in an embedded font: reportlab's default, Helvetica, is not
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.body.names["regular"]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                if number > 1:
                    self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            left, right = margins.margin_left * mm, width - margins.margin_right * mm
            self.saveState()
            self.setFillColor(muted)
            if margins.running_header and title:
                y = height - margins.margin_top * mm + 10
                x = left
                for family, chunk in fonts.runs(title[:110], fonts.heading):
                    if family is None:
                        continue
                    name = family.names["regular"]
                    self.setFont(name, 8.5)
                    self.drawString(x, y, chunk)
                    x += self.stringWidth(chunk, name, 8.5)
                self.setStrokeColor(rule)
                self.setLineWidth(0.4)
                self.line(left, y - 4, right, y - 4)
            if margins.page_numbers:
                self.setFont(header_font, 8.5)
                self.drawCentredString(width / 2, margins.margin_bottom * mm / 2, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def _paragraph_styles(style: Style, fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    f, c, s = style.fonts, style.colors, style.spacing
    align = TA_JUSTIFY if style.text.align == "justify" else TA_LEFT
    hyphen = HYPHENATION.get(language.split("-")[0], "") if style.text.hyphenate else ""
    body = ParagraphStyle(
        "Body", fontName=fonts.body.names["regular"], fontSize=f.size, leading=f.size * f.line_height,
        textColor=colors.HexColor(c.text), alignment=align, spaceAfter=s.paragraph,
        firstLineIndent=s.first_line_indent, allowWidows=0, allowOrphans=0,
        bulletFontName=fonts.body.names["regular"], bulletFontSize=f.size,
        hyphenationLang=hyphen, embeddedHyphenation=0, uriWasteReduce=0.3, splitLongWords=1)
    styles = {"body": body}
    heading_font = fonts.heading.names["bold"]
    for level in range(1, 7):
        size = f.heading_sizes[min(level, len(f.heading_sizes)) - 1]
        styles[f"h{level}"] = ParagraphStyle(
            f"Heading{level}", parent=body, fontName=heading_font, fontSize=size, leading=size * 1.25,
            textColor=colors.HexColor(c.heading), alignment=TA_LEFT, spaceBefore=s.heading_before,
            spaceAfter=s.heading_after, keepWithNext=1 if style.headings.keep_with_next else 0,
            firstLineIndent=0, hyphenationLang="")
    styles["title"] = ParagraphStyle("Title", parent=styles["h1"], fontSize=f.title_size,
                                     leading=f.title_size * 1.2, spaceBefore=0, spaceAfter=6)
    styles["subtitle"] = ParagraphStyle("Subtitle", parent=body, fontName=fonts.heading.names["regular"],
                                        fontSize=f.size * 1.25, leading=f.size * 1.6,
                                        textColor=colors.HexColor(c.muted), alignment=TA_LEFT)
    styles["byline"] = ParagraphStyle("Byline", parent=body, textColor=colors.HexColor(c.muted),
                                      alignment=TA_LEFT, spaceAfter=4)
    styles["caption"] = ParagraphStyle("Caption", parent=body, fontName=heading_font,
                                       fontSize=f.size * 0.92, leading=f.size * 1.2,
                                       textColor=colors.HexColor(c.heading), alignment=TA_LEFT,
                                       keepWithNext=1, spaceBefore=s.paragraph, spaceAfter=3,
                                       firstLineIndent=0)
    cell_size = f.size * style.table.font_scale
    styles["cell"] = ParagraphStyle("Cell", parent=body, fontSize=cell_size, leading=cell_size * 1.25,
                                    alignment=TA_LEFT, spaceAfter=0, firstLineIndent=0,
                                    hyphenationLang="")
    styles["cell_head"] = ParagraphStyle("CellHead", parent=styles["cell"],
                                         fontName=fonts.body.names["bold" if style.table.header_bold else "regular"])
    styles["item"] = ParagraphStyle("Item", parent=body, spaceAfter=s.paragraph / 3, firstLineIndent=0)
    styles["reference"] = ParagraphStyle("Reference", parent=body, fontSize=f.size * 0.95,
                                         leading=f.size * 0.95 * f.line_height, alignment=TA_LEFT,
                                         leftIndent=22, bulletIndent=0, spaceAfter=3, firstLineIndent=0)
    styles["quote"] = ParagraphStyle("Quote", parent=body, textColor=colors.HexColor(c.muted),
                                     leftIndent=s.list_indent, rightIndent=s.list_indent / 2)
    styles["code"] = ParagraphStyle("Code", parent=body, fontName=fonts.mono.names["regular"],
                                    fontSize=f.size * 0.85, leading=f.size * 1.1, alignment=TA_LEFT,
                                    backColor=colors.HexColor("#f6f7f9"), borderPadding=4,
                                    spaceBefore=4, spaceAfter=s.paragraph + 4, firstLineIndent=0)
    styles["keywords"] = ParagraphStyle("Keywords", parent=body, textColor=colors.HexColor(c.muted),
                                        alignment=TA_LEFT, spaceBefore=14)
    styles["toc_title"] = ParagraphStyle("TocTitle", parent=styles["h1"], keepWithNext=0)
    for style_ in styles.values():
        if style_.name.startswith("Heading") or style_.name in ("Title", "Caption", "Cell", "CellHead"):
            style_.hyphenationLang = ""
    return styles


class PdfWriter(TreeRenderer):

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        doc, style, options = context.doc, context.style, context.options
        fonts = build_fontset(style, _theme_dir(style))
        language = doc.meta.language or style.text.language
        width_mm, height_mm = PAGE_SIZES_MM[options.paper or style.page.size]
        page = (width_mm * mm, height_mm * mm)
        frame_width = page[0] - (style.page.margin_left + style.page.margin_right) * mm
        depth_of = {}

        def visit(entries, depth):
            for e in entries:
                depth_of[e.id] = depth
                visit(e.children, depth + 1)

        visit(outline(doc), 0)
        run = _Run(style, fonts, _paragraph_styles(style, fonts, language),
                   {n.id: n.label for n in walk(doc, inlines=False) if isinstance(n, Reference)},
                   {n.id for n in walk(doc, inlines=False) if isinstance(n, (Heading, Reference, Table)) and n.id},
                   depth_of, frame_width,
                   page[1] - (style.page.margin_top + style.page.margin_bottom) * mm, style.colors.link)
        story = self._title_block(doc, run)
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        if want_toc:
            story += self._toc(run)
        for block in doc.blocks:
            story.extend(self._block(block, run, 0))
        if doc.meta.keywords:
            label = f"<b>{self._markup(style.text.keywords_label, run, fonts.body)}:</b> "
            story.append(Paragraph(label + self._markup(", ".join(doc.meta.keywords), run, fonts.body),
                                   run.styles["keywords"]))
        if not story:
            story.append(Spacer(1, 1))

        title = " ".join(xml_safe(doc.meta.title).split())
        template = _Doc(out, pagesize=page, leftMargin=style.page.margin_left * mm,
                        rightMargin=style.page.margin_right * mm, topMargin=style.page.margin_top * mm,
                        bottomMargin=style.page.margin_bottom * mm, title=title,
                        author="; ".join(xml_safe(a) for a in doc.meta.authors),
                        subject=xml_safe(doc.meta.subtitle), keywords=[xml_safe(k) for k in doc.meta.keywords],
                        creator="docforge", lang=language)
        frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height,
                      id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        canvasmaker = _numbered_canvas(title, fonts, style)
        previous_invariant, previous_epoch = rl_config.invariant, os.environ.get("SOURCE_DATE_EPOCH")
        rl_config.invariant = 1  # fixed dates and ids: byte-identical output
        # reportlab reads SOURCE_DATE_EPOCH itself (and fails on a malformed one): give it the
        # date every writer uses, so PDF, DOCX and EPUB of one run carry the same date
        os.environ["SOURCE_DATE_EPOCH"] = str(int(options.timestamp().timestamp()))
        try:
            if want_toc:
                template.multiBuild(story, canvasmaker=canvasmaker, maxPasses=6)
            else:
                template.build(story, canvasmaker=canvasmaker)
        except LayoutError as exc:
            raise ConversionError(f"{options.source_name}: a block cannot be laid out on the page "
                                  f"({str(exc)[:120]}); shorten it or use a larger --paper") from None
        finally:
            rl_config.invariant = previous_invariant
            if previous_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous_epoch
        return self._diagnostics(run)

    # ------------------------------------------------------------- pieces
    def _diagnostics(self, run: _Run) -> list[Diagnostic]:
        out = list(run.diagnostics)
        if run.dropped:
            out.append(Diagnostic(f"dropped {run.dropped} control character(s) that PDF text cannot hold"))
        if run.fonts.missing:
            sample = "".join(sorted(run.fonts.missing)[:10])
            out.append(Diagnostic(f"{len(run.fonts.missing)} character(s) have no glyph in any font "
                                  f"and are not shown ({sample!r}); install a font that has them "
                                  "or name one in the theme's [fonts] fallback"))
        for wanted, used in run.fonts.substituted:
            out.append(Diagnostic(f"theme font {wanted!r} is not installed (or not TrueType); "
                                  f"using {used!r}: install it or name another in the theme's [fonts]"))
        if run.fonts.used_cid:
            out.append(Diagnostic("no embeddable CJK TrueType font found; Han text uses the "
                                  "non-embedded STSong-Light, so the PDF depends on the reader's "
                                  "fonts (install fonts-droid-fallback)"))
        return out

    def _title_block(self, doc: Document, run: _Run) -> list:
        m, s, body = doc.meta, run.styles, run.fonts.body
        story: list = []
        if m.title:
            story.append(Paragraph(self._markup(m.title, run, run.fonts.heading), s["title"]))
        if m.subtitle:
            story.append(Paragraph(self._markup(m.subtitle, run, run.fonts.heading), s["subtitle"]))
        byline = [", ".join(m.authors)] if m.authors else []
        if m.date:
            byline.append(m.date)
        if byline:
            story.append(Paragraph(self._markup(" · ".join(byline), run, body), s["byline"]))
        if story:
            story.append(HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(run.style.colors.rule),
                                    spaceBefore=4, spaceAfter=14))
        return story

    def _toc(self, run: _Run) -> list:
        toc = TableOfContents()
        base = run.styles["body"]
        toc.levelStyles = [ParagraphStyle(f"TOC{i}", parent=base, leftIndent=14 * i, firstLineIndent=0,
                                          spaceAfter=2, alignment=TA_LEFT, hyphenationLang="")
                           for i in range(run.style.toc.depth)]
        toc.dotsMinLevel = 0
        title = Paragraph(self._markup(run.style.toc.title, run, run.fonts.heading), run.styles["toc_title"])
        return [title, toc, Spacer(1, 12)]

    # ------------------------------------------------------------- markup
    def _markup(self, text: str, run: _Run, family: Family) -> str:
        """Escaped paragraph markup for plain text, switching font per run of characters the
        main family cannot show."""
        cleaned = xml_safe(text)
        run.dropped += len(text) - len(cleaned)
        cleaned = _MONSTER_WORD.sub(_break_word, cleaned)
        parts = []
        for fam, chunk in run.fonts.runs(cleaned, family):
            if fam is None:
                continue  # reported once as a diagnostic; never drawn as a box
            escaped = esc(chunk)
            parts.append(escaped if fam is family else f'<font face="{fam.names["regular"]}">{escaped}</font>')
        return "".join(parts)

    def _inlines(self, nodes, run: _Run, family: Family, in_link: bool = False) -> str:
        return "".join(self.dispatch[type(n)](self, n, run, family, in_link) for n in nodes)

    def inline_text(self, node: Text, run, family, in_link):
        return self._markup(node.text, run, family)

    def inline_emph(self, node: Emph, run, family, in_link):
        return f"<i>{self._inlines(node.inlines, run, family, in_link)}</i>"

    def inline_strong(self, node: Strong, run, family, in_link):
        return f"<b>{self._inlines(node.inlines, run, family, in_link)}</b>"

    def inline_code(self, node: Code, run, family, in_link):
        return f'<font face="{run.fonts.mono.names["regular"]}">{self._markup(node.text, run, run.fonts.mono)}</font>'

    def inline_line_break(self, node: LineBreak, run, family, in_link):
        return "<br/>"

    def inline_link(self, node: Link, run, family, in_link):
        inner = self._inlines(node.inlines, run, family, True)
        url = safe_url(node.url)
        if url is not None and url.startswith("#"):
            anchor = internal_anchor(node.url)
            url = f"#{anchor}" if anchor in run.anchors else None
        if url is None or in_link:
            return inner
        return f'<a href="{esc(url)}" color="{run.link_color}">{inner}</a>'

    def inline_citation_ref(self, node: CitationRef, run, family, in_link):
        label = esc(xml_safe(run.ref_labels.get(node.ref_id, node.ref_id.removeprefix("ref-"))))
        if in_link or node.ref_id not in run.anchors:
            return f"[{label}]"
        return f'<a href="#{esc(node.ref_id)}" color="{run.link_color}">[{label}]</a>'


    def _para(self, markup: str, style: ParagraphStyle, plain: str) -> Paragraph:
        # CJK line breaking (between any two ideographs) where the text is mostly CJK; for
        # mixed text the normal breaker splits long unspaced runs itself and is much faster.
        cjk = len(_CJK.findall(plain))
        if cjk and cjk * 3 >= len(plain.replace(" ", "")):
            style = ParagraphStyle(style.name + "CJK", parent=style, wordWrap="CJK")
        return Paragraph(markup, style)

    # ------------------------------------------------------------- blocks
    def _block(self, node, run: _Run, depth: int) -> list:
        return self.dispatch[type(node)](self, node, run, depth)

    def block_heading(self, node: Heading, run: _Run, depth: int) -> list:
        level = max(1, min(node.level, 6))
        text = plain_text(node)
        anchor = f'<a name="{esc(node.id)}"/>' if node.id else ""
        style = run.styles[f"h{level}"]
        if len(text) > 300:  # a "heading" this long is laid out like a paragraph: no keep-with-next
            style = ParagraphStyle(f"{style.name}Long", parent=style, keepWithNext=0)
        p = self._para(anchor + self._inlines(node.inlines, run, run.fonts.heading), style, text)
        if node.id:
            toc_markup = self._markup(text, run, run.fonts.body) or "Section"
            p._df_outline = (run.outline_levels.get(node.id, 0), xml_safe(text) or "Section", node.id,
                             toc_markup)
        return [CondPageBreak(run.styles[f"h{level}"].fontSize * 5), p]

    def block_paragraph(self, node: IRParagraph, run: _Run, depth: int) -> list:
        return [self._para(self._inlines(node.inlines, run, run.fonts.body), run.styles["body"],
                           plain_text(node))]

    def _list(self, node, run: _Run, depth: int, ordered: bool) -> list:
        """Items as paragraphs with hanging markers; nesting indents up to MAX_INDENT_LEVELS."""
        story: list = []
        indent = run.style.spacing.list_indent
        level = min(depth, MAX_INDENT_LEVELS)
        item_style = ParagraphStyle(f"Item{level}", parent=run.styles["item"],
                                    leftIndent=indent * (level + 1) + (6 if ordered else 0),
                                    bulletIndent=indent * level, bulletFontName=run.fonts.body.names["regular"])
        for number, item in enumerate(node.items, node.start if ordered else 1):
            marker = f"{number}." if ordered else "•◦▪"[depth % 3]
            first = True
            for block in item.blocks or (IRParagraph(()),):
                if isinstance(block, IRParagraph):
                    markup = self._inlines(block.inlines, run, run.fonts.body)
                    p = self._para(markup, item_style, plain_text(block))
                    if first:
                        p.bulletText = marker
                    story.append(p)
                elif isinstance(block, (BulletList, OrderedList)):
                    if first:
                        story.append(Paragraph("", item_style, bulletText=marker))
                    story.extend(self._block(block, run, depth + 1))
                else:
                    story.extend(self._block(block, run, depth + 1))
                first = False
        return story

    def block_bullet_list(self, node: BulletList, run: _Run, depth: int) -> list:
        return self._list(node, run, depth, ordered=False)

    def block_ordered_list(self, node: OrderedList, run: _Run, depth: int) -> list:
        return self._list(node, run, depth, ordered=True)



    def block_table(self, node: Table, run: _Run, depth: int) -> list:
        width = max(1, len(node.header))
        per_part = max(1, int(run.frame_width // MIN_COLUMN_PT))
        story: list = []
        parts = [(lo, min(width, lo + per_part)) for lo in range(0, width, per_part)]
        for part_index, (lo, hi) in enumerate(parts):
            caption = node.label + (": " if node.caption else "")
            markup = self._markup(caption, run, run.fonts.heading) + self._inlines(node.caption, run, run.fonts.heading)
            if len(parts) > 1:
                markup += esc(f" (columns {lo + 1}–{hi} of {width})")
            anchor = f'<a name="{esc(node.id)}"/>' if node.id and part_index == 0 else ""
            if node.label or node.caption:
                story.append(Paragraph(anchor + markup, run.styles["caption"]))
            part = self._table_part(node, lo, hi, run)
            story.extend(part if isinstance(part, list) else [part])
        story.append(Spacer(1, run.style.spacing.paragraph))
        return story

    def _table_part(self, node: Table, lo: int, hi: int, run: _Run) -> RLTable:
        t = run.style.table
        rows = (node.header,) + node.rows
        aligns = {"center": TA_CENTER, "right": TA_RIGHT, "left": TA_LEFT}
        cell_styles: dict = {}

        def cell_style(header: bool, align: str) -> ParagraphStyle:
            key = (header, align)
            if key not in cell_styles:
                base = run.styles["cell_head" if header else "cell"]
                cell_styles[key] = ParagraphStyle(f"{base.name}{align}", parent=base,
                                                  alignment=aligns.get(align, TA_LEFT))
            return cell_styles[key]

        data = []
        for r, cells in enumerate(rows):
            row = []
            for c in range(lo, hi):
                cell = cells[c] if c < len(cells) else Cell(())
                align = node.aligns[c] if c < len(node.aligns) else "default"
                row.append(self._para(self._inlines(cell.inlines, run, run.fonts.body),
                                      cell_style(r == 0, align), plain_text(cell)))
            data.append(row)
        texts = [[plain_text(cells[c]) if c < len(cells) else "" for cells in rows] for c in range(lo, hi)]
        size = run.styles["cell"].fontSize
        widths = column_widths(texts, run.frame_width, char_width=size * 0.55, padding=9)
        commands = [
            ("GRID", (0, 0), (-1, -1), t.border_width, colors.HexColor(t.border_color)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(t.header_fill)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # reportlab sets each cell's font before drawing it; its default is Helvetica
            ("FONTNAME", (0, 0), (-1, -1), run.fonts.body.names["regular"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if t.zebra and len(data) > 2:
            commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(t.zebra_fill)]))
        table = RLTable(data, colWidths=widths, repeatRows=1 if len(data) > 1 else 0,
                        splitByRow=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        _, height = table.wrap(run.frame_width, run.frame_height)
        if max(table._rowHeights, default=0) > run.frame_height * 0.9:
            return self._table_as_paragraphs(rows, lo, hi, run)
        return table

    def _table_as_paragraphs(self, rows, lo: int, hi: int, run: _Run) -> list:
        """A row taller than a page cannot be drawn as a table row (reportlab does not split
        inside a row): such a table is written as one paragraph per cell, "header: value"."""
        run.diagnostics.append(Diagnostic("a table row is taller than a page; that table is "
                                          "written as paragraphs, one per cell"))
        header, story = rows[0], []
        for cells in rows[1:] or (rows[0],):
            for c in range(lo, hi):
                head = plain_text(header[c]) if c < len(header) else ""
                cell = cells[c] if c < len(cells) else Cell(())
                body = self._inlines(cell.inlines, run, run.fonts.body)
                label = f"<b>{self._markup(head, run, run.fonts.body)}:</b> " if head and cells is not header else ""
                story.append(self._para(label + body, run.styles["item"], plain_text(cell)))
            story.append(Spacer(1, 4))
        return story

    def block_quote(self, node: Quote, run: _Run, depth: int) -> list:
        story: list = []
        level = min(depth + 1, MAX_INDENT_LEVELS)
        style = ParagraphStyle(f"Quote{level}", parent=run.styles["quote"],
                               leftIndent=run.style.spacing.list_indent * level)
        for block in node.blocks:
            if isinstance(block, IRParagraph):
                story.append(self._para(self._inlines(block.inlines, run, run.fonts.body), style,
                                        plain_text(block)))
            else:
                story.extend(self._block(block, run, depth + 1))
        return story

    def block_code_block(self, node: CodeBlock, run: _Run, depth: int) -> list:
        text = xml_safe(node.text)
        run.dropped += len(node.text) - len(text)
        style = run.styles["code"]
        max_chars = max(20, int(run.frame_width / (style.fontSize * 0.6)) - 2)
        return [Preformatted(text or " ", style, maxLineLength=max_chars, newLineChars="")]

    def block_thematic_break(self, node: ThematicBreak, run: _Run, depth: int) -> list:
        return [HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(run.style.colors.rule),
                           spaceBefore=8, spaceAfter=10)]

    def _reference(self, node: Reference, run: _Run, depth: int) -> list:
        anchor = f'<a name="{esc(node.id)}"/>' if node.id else ""
        body = self._inlines(node.inlines, run, run.fonts.body)
        url = safe_url(node.url) if node.url else None
        if url and not url.startswith("#") and not any(isinstance(n, Link) for n in walk(node)):
            body += f' <a href="{esc(url)}" color="{run.link_color}">{self._markup(url, run, run.fonts.body)}</a>'
        p = self._para(anchor + body, run.styles["reference"], plain_text(node))
        if node.label:
            p.bulletText = xml_safe(node.label) + "."
        return [p]

    def block_references(self, node: References, run: _Run, depth: int) -> list:
        story: list = []
        for entry in node.entries:
            story.extend(self._reference(entry, run, depth))
        return story



# reportlab splits an over-long word by re-measuring it character by character, which is
# quadratic: a 10,000-character "word" took seconds, and far longer inside KeepTogether.
# Such runs (never real words; URLs are far shorter) are given a break every 100 characters.
_MONSTER_WORD = re.compile(r"\S{200,}")


def _break_word(match: re.Match) -> str:
    word = match.group(0)
    return " ".join(word[i:i + 100] for i in range(0, len(word), 100))


def _theme_dir(style: Style) -> str | None:
    """Fonts may sit beside the theme file that names them."""
    if style.files:
        from pathlib import Path
        return str(Path(style.files[-1]).parent)
    return None


PdfWriter.renderer = PdfWriter
writer = PdfWriter()
