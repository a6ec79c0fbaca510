"""IR -> DOCX (Word), with python-docx; XML-level work lives in docx_oxml.py.

Real Word styles carry the look (Title, Subtitle, Heading 1-6, Normal, List Bullet/List
Number, Caption, Quote, Bibliography, Source Code, Hyperlink), themed from the Style, so
Word's navigation pane, TOC and restyling work. Every list gets its own numbering
instance (numbers restart per list); tables have a repeating header row, theme fill,
borders and zebra, and fixed column widths computed from content; references carry
bookmarks that citations link to. A `--reference-docx` template supplies styles and page
setup instead. Output is deterministic: fixed core-property dates and zip timestamps.
This writer never renumbers anything: labels and ids come from the IR.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import BinaryIO

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor, Twips

from ..errors import Diagnostic, InputError
from ..model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph, Heading,
                     LineBreak, Link, ListItem, OrderedList, Paragraph, Quote, Reference,
                     References, Strong, Table, Text, ThematicBreak, plain_text, walk)
from ..options import WriteOptions
from ..style import PAGE_SIZES_MM, Style
from . import docx_oxml as ox
from .common import column_widths, repack_zip, safe_url, xml_safe

TWIPS_PER_MM = 56.6929


@dataclass
class _Run:
    """State of one DOCX build."""
    document: object
    style: Style
    ref_labels: dict[str, str]
    bookmark_ids: int = 0
    abstract_bullet: int = 0
    abstract_number: int = 0
    next_num: int = 0
    dropped: int = 0
    text_width_twips: int = 9000
    style_ids: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class _Format:
    """Character formatting inherited by nested inlines."""
    bold: bool = False
    italic: bool = False
    mono: bool = False
    link_style: bool = False


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


class DocxWriter:
    name = "docx"
    extension = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def write(self, doc: Document, out: BinaryIO, style: Style, options: WriteOptions) -> list[Diagnostic]:
        document = self._open(options)
        run = _Run(document, style, {n.id: n.label for n in walk(doc) if isinstance(n, Reference)})
        self._page_setup(document, style, options, run, templated=bool(options.reference_docx))
        if not options.reference_docx:
            self._theme_styles(document, style, doc.meta.language or style.text.language)
        self._ensure_styles(document, style)
        last_abstract, last_num = ox.used_numbering_ids(document)
        indent = int(style.spacing.list_indent * 20)
        run.abstract_bullet = ox.add_abstract_num(document, False, indent, last_abstract + 1)
        run.abstract_number = ox.add_abstract_num(document, True, indent, last_abstract + 2)
        run.next_num = last_num + 1

        self._title_block(doc, run)
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        if want_toc:
            self._add_paragraph(run, "TOC Heading", self._clean(style.toc.title, run))
            ox.add_toc_field(document.add_paragraph(), style.toc.depth,
                             "Right-click to update the table of contents.")
            ox.update_fields_on_open(document)
        for block in doc.blocks:
            self._block(block, run, 0)
        if doc.meta.keywords:
            p = self._add_paragraph(run, "Keywords")
            label = p.add_run(self._clean(style.text.keywords_label, run) + ": ")
            label.bold = True
            p.add_run(self._clean(", ".join(doc.meta.keywords), run))
        self._footer(document, style)
        self._properties(document, doc, options, run)

        raw = io.BytesIO()
        document.save(raw)
        out.write(repack_zip(raw.getvalue(), options.timestamp().timetuple()[:6],
                             first="[Content_Types].xml"))
        if run.dropped:
            run.diagnostics.append(Diagnostic(
                f"dropped {run.dropped} control character(s) that DOCX (XML) cannot hold"))
        return run.diagnostics

    # ------------------------------------------------------------- set-up
    @staticmethod
    def _open(options: WriteOptions):
        if not options.reference_docx:
            return docx.Document()
        try:
            document = docx.Document(options.reference_docx)
        except Exception as exc:  # python-docx raises several types for a bad package
            raise InputError(f"{options.reference_docx}: cannot be used as --reference-docx "
                             f"({type(exc).__name__}); give a .docx saved by Word or LibreOffice") from None
        ox.clear_body(document)
        return document

    @staticmethod
    def _page_setup(document, style: Style, options: WriteOptions, run: _Run, templated: bool) -> None:
        section = document.sections[0]
        if not templated or options.paper:
            width, height = PAGE_SIZES_MM[options.paper or style.page.size]
            section.page_width, section.page_height = Mm(width), Mm(height)
        if not templated:
            section.top_margin = Mm(style.page.margin_top)
            section.bottom_margin = Mm(style.page.margin_bottom)
            section.left_margin = Mm(style.page.margin_left)
            section.right_margin = Mm(style.page.margin_right)
        run.text_width_twips = int((section.page_width - section.left_margin - section.right_margin) / 635)

    @staticmethod
    def _theme_styles(document, style: Style, language: str) -> None:
        styles = document.styles
        fonts, colors, spacing = style.fonts, style.colors, style.spacing
        normal = styles["Normal"]
        normal.font.name = fonts.body
        normal.font.size = Pt(fonts.size)
        normal.font.color.rgb = _rgb(colors.text)
        ox.set_east_asian_font(normal, fonts.fallback[1] if len(fonts.fallback) > 1 else fonts.body)
        ox.set_style_language(normal, language)
        pf = normal.paragraph_format
        pf.space_after = Pt(spacing.paragraph)
        pf.line_spacing = fonts.line_height
        pf.first_line_indent = Pt(spacing.first_line_indent) if spacing.first_line_indent else None
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if style.text.align == "justify" else WD_ALIGN_PARAGRAPH.LEFT
        pf.widow_control = True
        for level in range(1, 7):
            heading = styles[f"Heading {level}"]
            heading.font.name = fonts.heading
            heading.font.size = Pt(fonts.heading_sizes[min(level, len(fonts.heading_sizes)) - 1])
            heading.font.color.rgb = _rgb(colors.heading)
            heading.font.bold = True
            heading.font.italic = False
            heading.paragraph_format.space_before = Pt(spacing.heading_before)
            heading.paragraph_format.space_after = Pt(spacing.heading_after)
            heading.paragraph_format.keep_with_next = style.headings.keep_with_next
            heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        title = styles["Title"]
        title.font.name = fonts.heading
        title.font.size = Pt(fonts.title_size)
        title.font.color.rgb = _rgb(colors.heading)
        subtitle = styles["Subtitle"]
        subtitle.font.name = fonts.heading
        subtitle.font.size = Pt(fonts.size * 1.25)
        subtitle.font.color.rgb = _rgb(colors.muted)
        subtitle.font.italic = False
        caption = styles["Caption"]
        caption.font.name = fonts.heading
        caption.font.size = Pt(fonts.size * 0.95)
        caption.font.bold = True
        caption.font.italic = False
        caption.font.color.rgb = _rgb(colors.heading)
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_before = Pt(spacing.paragraph)
        quote = styles["Quote"]
        quote.font.color.rgb = _rgb(colors.muted)
        quote.paragraph_format.left_indent = Pt(spacing.list_indent)
        for name in ("List Bullet", "List Number", "List Bullet 2", "List Number 2",
                     "List Bullet 3", "List Number 3"):
            styles[name].paragraph_format.space_after = Pt(spacing.paragraph / 3)

    @staticmethod
    def _ensure_styles(document, style: Style) -> None:
        """Styles the default template lacks (a reference doc may define its own)."""
        styles = document.styles
        names = {s.name for s in styles}
        fonts, colors = style.fonts, style.colors

        def paragraph_style(name: str):
            if name in names:
                return None
            created = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            created.base_style = styles["Normal"]
            return created

        if (s := paragraph_style("Source Code")) is not None:
            s.font.name = fonts.mono
            s.font.size = Pt(fonts.size * 0.85)
            s.paragraph_format.line_spacing = 1.0
            s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if (s := paragraph_style("Bibliography")) is not None:
            s.paragraph_format.left_indent = Pt(22)
            s.paragraph_format.first_line_indent = Pt(-22)
            s.paragraph_format.space_after = Pt(4)
            s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if (s := paragraph_style("Byline")) is not None:
            s.font.color.rgb = _rgb(colors.muted)
            s.paragraph_format.space_after = Pt(14)
        if (s := paragraph_style("Keywords")) is not None:
            s.font.color.rgb = _rgb(colors.muted)
            s.paragraph_format.space_before = Pt(18)
        if (s := paragraph_style("Table Text")) is not None:
            s.font.size = Pt(fonts.size * style.table.font_scale)
            s.paragraph_format.space_after = Pt(0)
            s.paragraph_format.line_spacing = 1.1
            s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            s.paragraph_format.first_line_indent = None
        if (s := paragraph_style("Rule")) is not None:
            s.paragraph_format.space_after = Pt(12)
        if "Hyperlink" not in names:
            link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            link.font.color.rgb = _rgb(colors.link)
            link.font.underline = True
        if "Verbatim Char" not in names:
            code = styles.add_style("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
            code.font.name = fonts.mono
            code.font.size = Pt(fonts.size * 0.9)

    def _title_block(self, doc: Document, run: _Run) -> None:
        m, document = doc.meta, run.document
        if m.title:
            self._add_paragraph(run, "Title", self._clean(m.title, run))
        if m.subtitle:
            self._add_paragraph(run, "Subtitle", self._clean(m.subtitle, run))
        byline = [", ".join(m.authors)] if m.authors else []
        if m.date:
            byline.append(m.date)
        if byline:
            self._add_paragraph(run, "Byline", self._clean(" · ".join(byline), run))

    @staticmethod
    def _footer(document, style: Style) -> None:
        if not style.page.page_numbers:
            return
        footer = document.sections[0].footer
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("Page ")
        ox.add_simple_field(p, "PAGE")
        p.add_run(" of ")
        ox.add_simple_field(p, "NUMPAGES")

    def _properties(self, document, doc: Document, options: WriteOptions, run: _Run) -> None:
        props = document.core_properties
        m = doc.meta
        moment = options.timestamp().replace(tzinfo=None)
        props.title = self._clean(m.title, run)[:255]
        props.subject = self._clean(m.subtitle, run)[:255]
        props.author = self._clean("; ".join(m.authors), run)[:255]
        props.keywords = self._clean(", ".join(m.keywords), run)[:255]
        props.language = m.language or run.style.text.language
        props.comments = ""
        props.category = ""
        props.last_modified_by = "docforge"
        props.revision = 1
        props.created = moment
        props.modified = moment
        props.last_printed = moment

    # ------------------------------------------------------------- text
    def _clean(self, text: str, run: _Run) -> str:
        cleaned = xml_safe(text)
        run.dropped += len(text) - len(cleaned)
        return cleaned

    # ------------------------------------------------------------- blocks
    def _block(self, node, run: _Run, depth: int) -> None:
        self._block_handlers[type(node)](self, node, run, depth)

    def _heading(self, node: Heading, run: _Run, depth: int) -> None:
        level = max(1, min(node.level, 6))
        p = self._add_paragraph(run, f"Heading {level}")
        self._inlines(p, node.inlines, run, _Format())
        if node.id:
            self._bookmark(p, node.id, run)

    def _paragraph(self, node: Paragraph, run: _Run, depth: int) -> None:
        p = run.document.add_paragraph()
        self._inlines(p, node.inlines, run, _Format())

    def _list(self, node, run: _Run, depth: int, ordered: bool) -> None:
        abstract = run.abstract_number if ordered else run.abstract_bullet
        num_id = ox.add_num(run.document, abstract, run.next_num,
                            node.start if ordered else None)
        run.next_num += 1
        base = "List Number" if ordered else "List Bullet"
        style_name = base if depth == 0 else f"{base} {min(depth + 1, 3)}"
        level = min(depth, 8)
        for item in node.items:
            first = True
            for block in item.blocks:
                if isinstance(block, Paragraph):
                    p = self._add_paragraph(run, style_name)
                    self._inlines(p, block.inlines, run, _Format())
                    if first:
                        ox.set_numbering(p, num_id, level)
                    else:  # a continuation paragraph of the same item: indented, no number
                        p.paragraph_format.left_indent = Twips(int(run.style.spacing.list_indent * 20) * (level + 1))
                    first = False
                elif isinstance(block, (BulletList, OrderedList)):
                    self._block(block, run, depth + 1)
                    first = False
                else:
                    self._block(block, run, depth)
            if first:  # an empty item still shows its number
                ox.set_numbering(self._add_paragraph(run, style_name), num_id, level)

    def _bullets(self, node: BulletList, run: _Run, depth: int) -> None:
        self._list(node, run, depth, ordered=False)

    def _ordered(self, node: OrderedList, run: _Run, depth: int) -> None:
        self._list(node, run, depth, ordered=True)

    def _lone_item(self, node: ListItem, run: _Run, depth: int) -> None:
        self._list(BulletList((node,)), run, depth, ordered=False)

    def _lone_cell(self, node: Cell, run: _Run, depth: int) -> None:
        self._paragraph(Paragraph(node.inlines), run, depth)

    def _table(self, node: Table, run: _Run, depth: int) -> None:
        document, t = run.document, run.style.table
        caption = self._add_paragraph(run, "Caption")
        caption.add_run(self._clean(node.label + (": " if node.caption else ""), run))
        self._inlines(caption, node.caption, run, _Format())
        if node.id:
            self._bookmark(caption, node.id, run)
        width = max(1, len(node.header))
        table = document.add_table(rows=1 + len(node.rows), cols=width)
        if "Table Grid" in {s.name for s in document.styles}:
            table.style = document.styles["Table Grid"]  # a real table style; theme look on top
        ox.set_table_borders(table, t.border_color, int(t.border_width * 8))
        ox.set_cell_margins(table, 90)
        aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                  "right": WD_ALIGN_PARAGRAPH.RIGHT}
        rows = (node.header,) + node.rows
        for r, cells in enumerate(rows):
            row = table.rows[r]
            if r == 0:
                ox.repeat_header(row)
            else:
                ox.keep_row_together(row)
            for c in range(width):
                cell_node = cells[c] if c < len(cells) else Cell(())
                cell = row.cells[c]
                p = cell.paragraphs[0]
                ox.set_paragraph_style(p, self._style_id(run, "Table Text"))
                align = node.aligns[c] if c < len(node.aligns) else "default"
                if align in aligns:
                    p.alignment = aligns[align]
                self._inlines(p, cell_node.inlines, run, _Format(bold=r == 0 and t.header_bold))
                if r == 0:
                    ox.shade_cell(cell, t.header_fill)
                elif t.zebra and r % 2 == 0:
                    ox.shade_cell(cell, t.zebra_fill)
        ox.set_fixed_widths(table, self._column_widths(rows, width, run.text_width_twips))
        self._add_paragraph(run, "Table Text")  # room after the table

    @staticmethod
    def _column_widths(rows, width: int, total: int) -> list[int]:
        texts = [[plain_text(row[c]) if c < len(row) else "" for row in rows] for c in range(width)]
        # widths in twips: an average character is about half the table font's size
        return [int(w) for w in column_widths(texts, total, char_width=105, padding=200)]

    def _quote(self, node: Quote, run: _Run, depth: int) -> None:
        for block in node.blocks:
            if isinstance(block, Paragraph):
                p = self._add_paragraph(run, "Quote")
                self._inlines(p, block.inlines, run, _Format())
            else:
                self._block(block, run, depth)

    def _code_block(self, node: CodeBlock, run: _Run, depth: int) -> None:
        p = self._add_paragraph(run, "Source Code")
        for i, line in enumerate(self._clean(node.text, run).split("\n")):
            if i:
                p.add_run().add_break(WD_BREAK.LINE)
            p.add_run(line)

    def _rule(self, node: ThematicBreak, run: _Run, depth: int) -> None:
        ox.bottom_border(self._add_paragraph(run, "Rule"), run.style.colors.rule)

    def _reference(self, node: Reference, run: _Run, depth: int) -> None:
        p = self._add_paragraph(run, "Bibliography")
        p.add_run(f"{self._clean(node.label, run)}.\t" if node.label else "")
        self._inlines(p, node.inlines, run, _Format())
        url = safe_url(node.url) if node.url else None
        if url and not url.startswith("#") and not any(isinstance(n, Link) for n in walk(node)):
            p.add_run(" ")
            self._link_runs(p, url, None, [(url, _Format(link_style=True))], run)
        if node.id:
            self._bookmark(p, node.id, run)

    def _references(self, node: References, run: _Run, depth: int) -> None:
        for entry in node.entries:
            self._reference(entry, run, depth)

    _block_handlers = {
        Heading: _heading, Paragraph: _paragraph, BulletList: _bullets, OrderedList: _ordered,
        ListItem: _lone_item, Table: _table, Cell: _lone_cell, Quote: _quote,
        CodeBlock: _code_block, ThematicBreak: _rule, References: _references,
        Reference: _reference,
    }

    # ------------------------------------------------------------- inlines
    def _inlines(self, p, nodes, run: _Run, fmt: _Format) -> None:
        for node in nodes:
            self._inline_handlers[type(node)](self, p, node, run, fmt)

    def _styled_run(self, p, text: str, fmt: _Format, run: _Run):
        r = p.add_run(self._clean(text, run))
        if fmt.bold:
            r.bold = True
        if fmt.italic:
            r.italic = True
        if fmt.mono:
            ox.set_run_style(r, self._style_id(run, "Verbatim Char"))
        if fmt.link_style:
            ox.set_run_style(r, self._style_id(run, "Hyperlink"))
        return r

    def _text(self, p, node: Text, run, fmt):
        self._styled_run(p, node.text, fmt, run)

    def _emph(self, p, node: Emph, run, fmt):
        self._inlines(p, node.inlines, run, _Format(fmt.bold, True, fmt.mono, fmt.link_style))

    def _strong(self, p, node: Strong, run, fmt):
        self._inlines(p, node.inlines, run, _Format(True, fmt.italic, fmt.mono, fmt.link_style))

    def _code(self, p, node: Code, run, fmt):
        self._styled_run(p, node.text, _Format(fmt.bold, fmt.italic, True, fmt.link_style), run)

    def _line_break(self, p, node: LineBreak, run, fmt):
        p.add_run().add_break(WD_BREAK.LINE)

    def _link(self, p, node: Link, run, fmt):
        url = safe_url(node.url)
        linked = _Format(fmt.bold, fmt.italic, fmt.mono, True)
        if url is None or fmt.link_style:  # unsafe URL, or a link inside a link: text only
            self._inlines(p, node.inlines, run, fmt)
            return
        pieces = [(plain_text(Paragraph(node.inlines)), linked)]
        if url.startswith("#"):
            self._link_runs(p, None, url[1:], pieces, run)
        else:
            self._link_runs(p, url, None, pieces, run)

    def _citation(self, p, node: CitationRef, run, fmt):
        label = run.ref_labels.get(node.ref_id, node.ref_id.removeprefix("ref-"))
        if fmt.link_style:
            self._styled_run(p, f"[{label}]", fmt, run)
            return
        self._link_runs(p, None, node.ref_id, [(f"[{label}]", _Format(fmt.bold, fmt.italic, False, True))], run)

    def _link_runs(self, p, url, anchor, pieces, run: _Run) -> None:
        link = ox.add_hyperlink(p, url=url, anchor=anchor[:40] if anchor else None)
        for text, fmt in pieces:
            ox.move_run_into(self._styled_run(p, text, fmt, run), link)

    _inline_handlers = {
        Text: _text, Emph: _emph, Strong: _strong, Code: _code, Link: _link,
        CitationRef: _citation, LineBreak: _line_break,
    }

    # ------------------------------------------------------------- helpers
    @staticmethod
    def _style_id(run: _Run, name: str) -> str:
        """python-docx looks a style up by name with a linear scan on every use; on a long
        document that dominated the run time, so ids are resolved once per name."""
        if name not in run.style_ids:
            run.style_ids[name] = run.document.styles[name].style_id
        return run.style_ids[name]

    def _add_paragraph(self, run: _Run, style_name: str, text: str = ""):
        p = run.document.add_paragraph(text)
        ox.set_paragraph_style(p, self._style_id(run, style_name))
        return p

    @staticmethod
    def _bookmark(p, name: str, run: _Run) -> None:
        run.bookmark_ids += 1
        ox.add_bookmark(p, name[:40], run.bookmark_ids)


writer = DocxWriter()
