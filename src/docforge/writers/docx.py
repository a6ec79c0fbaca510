"""IR -> DOCX (Word), with python-docx; XML-level work lives in docx_oxml.py.

Real Word styles carry the look (Title, Subtitle, Heading 1-6, Normal, List Bullet/List
Number, Caption, Quote, Bibliography, Source Code, Hyperlink, Table Grid), themed from the
Style, so Word's navigation pane, TOC and restyling work. Every list gets its own numbering
instance (numbers restart per list); tables have a repeating header row, theme fill,
borders and zebra, and fixed column widths computed from content that add up to the text
width; references carry bookmarks that citations link to. A `--reference-docx` template
supplies styles and page setup instead (styles it lacks are added, themed). Output is
deterministic: fixed core-property dates and zip timestamps.
This writer never renumbers anything (labels and ids come from the IR) and never writes
text XML cannot hold (control characters are dropped and counted in a diagnostic).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import BinaryIO, Callable

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
from ..transforms import outline
from . import docx_oxml as ox
from .common import column_widths, repack_zip, safe_url, xml_safe

EMU_PER_TWIP = 635
BOOKMARK_NAME_MAX = 40  # Word ignores longer bookmark names
DEEPEST_LIST_STYLE = 3
KEEP_TOGETHER_ROWS = 12  # tables up to this many rows are kept on one page (with the caption)  # the built-in list styles go "List Bullet", "List Bullet 2", "... 3"


@dataclass
class _Run:
    """State of one DOCX build."""
    document: object
    style: Style
    ref_labels: dict[str, str]
    bookmark_names: dict[str, str]
    templated: bool = False
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


def _east_asian_font(style: Style) -> str:
    """The theme's CJK face: the first fallback after the Latin one (default: Droid Sans
    Fallback); Word substitutes its own CJK font where that face is not installed."""
    fallback = style.fonts.fallback
    return fallback[1] if len(fallback) > 1 else (fallback[0] if fallback else style.fonts.body)


def _bookmark_names(doc: Document) -> dict[str, str]:
    """IR id -> bookmark name. Ids longer than Word's 40-character limit are shortened
    and kept unique, so two long headings never share a bookmark."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for node in walk(doc):
        node_id = getattr(node, "id", "") if isinstance(node, (Heading, Table, Reference)) else ""
        if not node_id or node_id in names:
            continue
        name = xml_safe(node_id)[:BOOKMARK_NAME_MAX] or "bookmark"
        counter = 1
        while name in taken:
            counter += 1
            suffix = f"_{counter}"
            name = xml_safe(node_id)[:BOOKMARK_NAME_MAX - len(suffix)] + suffix
        names[node_id] = name
        taken.add(name)
    return names


# ---------------------------------------------------------------- style themes
# One function per Word style: how the theme dresses it. Without a template every style
# is themed; with one, only the styles the template lacked (and were therefore created).

def _theme_normal(s, style: Style) -> None:
    fonts, spacing = style.fonts, style.spacing
    s.font.size = Pt(fonts.size)
    s.font.color.rgb = _rgb(style.colors.text)
    ox.set_style_fonts(s, fonts.body, _east_asian_font(style))
    pf = s.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(spacing.paragraph)
    pf.line_spacing = fonts.line_height
    pf.first_line_indent = Pt(spacing.first_line_indent) if spacing.first_line_indent else None
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if style.text.align == "justify" else WD_ALIGN_PARAGRAPH.LEFT
    pf.widow_control = True


def _heading_themer(level: int) -> Callable:
    def theme(s, style: Style) -> None:
        fonts, spacing = style.fonts, style.spacing
        ox.set_style_fonts(s, fonts.heading, _east_asian_font(style))
        s.font.size = Pt(fonts.heading_sizes[min(level, len(fonts.heading_sizes)) - 1])
        s.font.color.rgb = _rgb(style.colors.heading)
        s.font.bold = True
        s.font.italic = False
        pf = s.paragraph_format
        pf.space_before = Pt(spacing.heading_before)
        pf.space_after = Pt(spacing.heading_after)
        pf.line_spacing = 1.15  # a wrapped heading holds together, as in HTML (line-height 1.25)
        pf.first_line_indent = None
        pf.keep_with_next = style.headings.keep_with_next
        pf.keep_together = True
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        ox.set_outline_level(s, level - 1)  # Word's navigation pane and TOC read this
    return theme


def _theme_title(s, style: Style) -> None:
    fonts = style.fonts
    ox.clear_character_spacing(s)
    ox.set_style_fonts(s, fonts.heading, _east_asian_font(style))
    s.font.size = Pt(fonts.title_size)
    s.font.color.rgb = _rgb(style.colors.heading)
    s.font.bold = False
    pf = s.paragraph_format
    pf.line_spacing = 1.1
    pf.space_before = Pt(0)
    pf.space_after = Pt(8)
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.keep_with_next = True
    ox.remove_paragraph_border(s.element.get_or_add_pPr())  # the title block carries the rule


def _theme_subtitle(s, style: Style) -> None:
    fonts = style.fonts
    ox.clear_character_spacing(s)
    ox.set_style_fonts(s, fonts.heading, _east_asian_font(style))
    s.font.size = Pt(fonts.size * 1.25)
    s.font.color.rgb = _rgb(style.colors.muted)
    s.font.italic = False
    s.paragraph_format.space_after = Pt(8)
    s.paragraph_format.first_line_indent = None
    s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _theme_muted(space_before: float, space_after: float) -> Callable:
    def theme(s, style: Style) -> None:
        s.font.color.rgb = _rgb(style.colors.muted)
        s.paragraph_format.space_before = Pt(space_before)
        s.paragraph_format.space_after = Pt(space_after)
        s.paragraph_format.first_line_indent = None
        s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return theme


def _list_themer(continuation_level: int = 0) -> Callable:
    def theme(s, style: Style) -> None:
        pf = s.paragraph_format
        pf.space_after = Pt(style.spacing.paragraph / 3)
        pf.first_line_indent = None
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if continuation_level:
            pf.left_indent = Pt(style.spacing.list_indent * continuation_level)
    return theme


def _theme_caption(s, style: Style) -> None:
    fonts = style.fonts
    ox.set_style_fonts(s, fonts.heading, _east_asian_font(style))
    s.font.size = Pt(fonts.size * 0.95)
    s.font.bold = True
    s.font.italic = False
    s.font.color.rgb = _rgb(style.colors.heading)
    pf = s.paragraph_format
    pf.keep_with_next = True
    pf.space_before = Pt(style.spacing.paragraph)
    pf.space_after = Pt(4)
    pf.line_spacing = 1.15
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _theme_quote(s, style: Style) -> None:
    s.font.color.rgb = _rgb(style.colors.muted)
    s.font.italic = True
    s.paragraph_format.left_indent = Pt(style.spacing.list_indent)
    s.paragraph_format.right_indent = Pt(style.spacing.list_indent)
    s.paragraph_format.first_line_indent = None


def _theme_source_code(s, style: Style) -> None:
    fonts = style.fonts
    ox.set_style_fonts(s, fonts.mono, _east_asian_font(style))
    s.font.size = Pt(fonts.size * 0.85)
    pf = s.paragraph_format
    pf.line_spacing = 1.0
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.space_after = Pt(style.spacing.paragraph)


def _theme_bibliography(s, style: Style) -> None:
    pf = s.paragraph_format
    pf.left_indent = Pt(22)
    pf.first_line_indent = Pt(-22)  # hanging: the label sits in the margin of the entry
    pf.space_after = Pt(4)
    pf.line_spacing = 1.25
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _theme_table_text(s, style: Style) -> None:
    s.font.size = Pt(style.fonts.size * style.table.font_scale)
    pf = s.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.1
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.first_line_indent = None


def _theme_rule(s, style: Style) -> None:
    s.paragraph_format.space_after = Pt(12)
    s.paragraph_format.first_line_indent = None


def _theme_toc_heading(s, style: Style) -> None:
    fonts = style.fonts
    ox.set_style_fonts(s, fonts.heading, _east_asian_font(style))
    s.font.size = Pt(fonts.heading_sizes[0])
    s.font.bold = True
    s.font.color.rgb = _rgb(style.colors.heading)
    s.paragraph_format.space_before = Pt(style.spacing.heading_before)
    s.paragraph_format.space_after = Pt(style.spacing.heading_after)
    s.paragraph_format.first_line_indent = None


def _theme_hyperlink(s, style: Style) -> None:
    s.font.color.rgb = _rgb(style.colors.link)
    s.font.underline = True


def _theme_verbatim(s, style: Style) -> None:
    ox.set_style_fonts(s, style.fonts.mono, _east_asian_font(style))
    s.font.size = Pt(style.fonts.size * 0.9)


def _theme_table_grid(s, style: Style) -> None:
    ox.set_table_style_borders(s, style.table.border_color, max(2, int(style.table.border_width * 8)))


P, C, T = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE
# (name, type, theme): Normal first, since created paragraph styles are based on it.
STYLE_THEMES: tuple[tuple[str, WD_STYLE_TYPE, Callable], ...] = (
    ("Normal", P, _theme_normal),
    *((f"Heading {n}", P, _heading_themer(n)) for n in range(1, 7)),
    ("Title", P, _theme_title),
    ("Subtitle", P, _theme_subtitle),
    ("Byline", P, _theme_muted(0, 10)),
    ("Keywords", P, _theme_muted(18, 0)),
    ("TOC Heading", P, _theme_toc_heading),
    ("List Bullet", P, _list_themer()), ("List Bullet 2", P, _list_themer()),
    ("List Bullet 3", P, _list_themer()),
    ("List Number", P, _list_themer()), ("List Number 2", P, _list_themer()),
    ("List Number 3", P, _list_themer()),
    ("List Continue", P, _list_themer(1)), ("List Continue 2", P, _list_themer(2)),
    ("List Continue 3", P, _list_themer(3)),
    ("Caption", P, _theme_caption),
    ("Quote", P, _theme_quote),
    ("Source Code", P, _theme_source_code),
    ("Bibliography", P, _theme_bibliography),
    ("Table Text", P, _theme_table_text),
    ("Rule", P, _theme_rule),
    ("Hyperlink", C, _theme_hyperlink),
    ("Verbatim Char", C, _theme_verbatim),
    ("Table Grid", T, _theme_table_grid),
)


def _toc_themer(level: int) -> Callable:
    def theme(s, style: Style) -> None:
        pf = s.paragraph_format
        pf.left_indent = Pt(style.spacing.list_indent * (level - 1))
        pf.first_line_indent = None
        pf.space_before = Pt(0)
        pf.space_after = Pt(3)
        pf.line_spacing = 1.15
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return theme


# Styles Word does not know by name (every other one above is a Word built-in, which Word
# then treats as such: navigation pane, style gallery, TOC levels).
CUSTOM_STYLES = frozenset({"Byline", "Keywords", "Source Code", "Table Text", "Rule", "Verbatim Char"})

# Word's built-in TOC entry styles are called "toc 1".."toc 9"; only made when a TOC is wanted.
TOC_STYLE_THEMES = tuple((f"toc {n}", P, _toc_themer(n)) for n in range(1, 7))


class DocxWriter:
    name = "docx"
    extension = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def write(self, doc: Document, out: BinaryIO, style: Style, options: WriteOptions) -> list[Diagnostic]:
        document = self._open(options)
        run = _Run(document, style, {n.id: n.label for n in walk(doc) if isinstance(n, Reference)},
                   _bookmark_names(doc), templated=bool(options.reference_docx))
        language = self._clean(doc.meta.language or style.text.language, run).strip() or "en"
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        self._page_setup(document, style, options, run)
        self._styles(run, language, want_toc)
        ox.drop_stale_parts(document)
        ox.ensure_numbering_part(document)
        last_abstract, last_num = ox.used_numbering_ids(document)
        indent = int(style.spacing.list_indent * 20)
        run.abstract_bullet = ox.add_abstract_num(document, False, indent, last_abstract + 1)
        run.abstract_number = ox.add_abstract_num(document, True, indent, last_abstract + 2)
        run.next_num = last_num + 1

        self._title_block(doc, run)
        if want_toc:
            self._toc(doc, run)
        for block in doc.blocks:
            self._block(block, run, 0)
        if doc.meta.keywords:
            p = self._add_paragraph(run, "Keywords")
            label = p.add_run(self._clean(style.text.keywords_label, run) + ": ")
            label.bold = True
            p.add_run(self._clean(", ".join(doc.meta.keywords), run))
        self._footer(run)
        self._properties(document, doc, options, run, language)

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
        if not os.path.isfile(options.reference_docx):
            raise InputError(f"{options.reference_docx}: no such file for --reference-docx; "
                             f"give the path of a .docx whose styles and page setup to use")
        try:
            document = docx.Document(options.reference_docx)
        except Exception as exc:  # python-docx raises several types for a bad package
            raise InputError(f"{options.reference_docx}: cannot be used as --reference-docx "
                             f"({type(exc).__name__}); give a .docx saved by Word or LibreOffice") from None
        ox.clear_body(document)
        return document

    @staticmethod
    def _page_setup(document, style: Style, options: WriteOptions, run: _Run) -> None:
        section = document.sections[0]
        if not run.templated or options.paper:
            width, height = PAGE_SIZES_MM[options.paper or style.page.size]
            section.page_width, section.page_height = Mm(width), Mm(height)
        if not run.templated:
            section.top_margin = Mm(style.page.margin_top)
            section.bottom_margin = Mm(style.page.margin_bottom)
            section.left_margin = Mm(style.page.margin_left)
            section.right_margin = Mm(style.page.margin_right)
        width = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
        run.text_width_twips = max(1440, int(width / EMU_PER_TWIP))

    def _styles(self, run: _Run, language: str, want_toc: bool) -> None:
        """Make every style the writer uses exist and dress it from the theme; a template's
        own styles are left as they are (that is what a reference docx is for)."""
        document, theme = run.document, run.style
        styles = document.styles
        # by name, case-insensitively: Word writes "heading 1", LibreOffice "Caption"
        by_name = {s.name.casefold(): s for s in styles if s.name}
        created = []
        for key, kind, dress in STYLE_THEMES + (TOC_STYLE_THEMES if want_toc else ()):
            name = key
            target = by_name.get(name.casefold())
            if target is not None and target.type != kind:
                # e.g. a template's character style called "Quote": ours takes another name
                name = f"{key} (docforge)"
                target = by_name.get(name.casefold())
            if target is not None and run.templated:
                run.style_ids[key] = target.style_id
                continue
            if target is None:
                target = styles.add_style(name, kind, builtin=key not in CUSTOM_STYLES)
                if kind == P and name != "Normal":
                    target.base_style = by_name.get("normal")
                if kind == P and name.startswith("Heading "):
                    target.next_paragraph_style = by_name.get("normal")
                by_name[name.casefold()] = target
                created.append(name)
            run.style_ids[key] = target.style_id
            dress(target, theme)
        if not run.templated:
            ox.set_default_fonts(document, theme.fonts.body, _east_asian_font(theme))
            ox.set_style_language(by_name["normal"], language)
        elif created:
            run.diagnostics.append(Diagnostic(
                f"--reference-docx lacks the style(s) {', '.join(created)}: added from the theme",
                severity="info"))

    def _title_block(self, doc: Document, run: _Run) -> None:
        m = doc.meta
        block = []
        if m.title:
            block.append(self._add_paragraph(run, "Title", self._clean(m.title, run)))
        if m.subtitle:
            block.append(self._add_paragraph(run, "Subtitle", self._clean(m.subtitle, run)))
        byline = [", ".join(m.authors)] if m.authors else []
        if m.date:
            byline.append(m.date)
        if byline:
            block.append(self._add_paragraph(run, "Byline", self._clean(" · ".join(byline), run)))
        if block and not run.templated:  # a rule under the title block, as HTML and PDF draw it
            ox.bottom_border(block[-1], run.style.colors.rule, space_pt=6)
            block[-1].paragraph_format.space_after = Pt(18)

    def _toc(self, doc: Document, run: _Run) -> None:
        """A TOC field whose current result already lists the headings (linked to their
        bookmarks), so LibreOffice and previews show a contents list; Word, told to update
        fields on open, replaces it with one that has page numbers."""
        depth = max(1, min(run.style.toc.depth, 6))
        self._add_paragraph(run, "TOC Heading", self._clean(run.style.toc.title, run))
        entries = []

        def flatten(nodes):
            for entry in nodes:
                entries.append(entry)
                flatten(entry.children)
        flatten(outline(doc, depth))
        first = self._add_paragraph(run, "toc 1")
        ox.begin_field(first, ox.toc_instruction(depth))
        last = first
        if not entries:
            first.add_run("Right-click to update the table of contents.")
        for i, entry in enumerate(entries):
            p = first if i == 0 else self._add_paragraph(run, f"toc {min(entry.level, depth)}")
            if i == 0 and entry.level != 1:
                ox.set_paragraph_style(p, self._style_id(run, f"toc {min(entry.level, depth)}"))
            self._link_runs(p, None, self._anchor(entry.id, run), [(entry.text, _Format())], run)
            last = p
        ox.end_field(last)
        ox.update_fields_on_open(run.document)

    def _footer(self, run: _Run) -> None:
        if not run.style.page.page_numbers:
            return
        footer = run.document.sections[0].footer
        if run.templated and ox.has_content(footer):
            return  # the template's own footer (it may number pages its own way)
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("Page ")
        ox.add_simple_field(p, "PAGE")
        p.add_run(" of ")
        ox.add_simple_field(p, "NUMPAGES")

    def _properties(self, document, doc: Document, options: WriteOptions, run: _Run, language: str) -> None:
        props = document.core_properties
        m = doc.meta
        moment = options.timestamp().replace(tzinfo=None)
        # xml_safe, not _clean: these repeat text the title block already counted
        props.title = xml_safe(m.title)[:255]
        props.subject = xml_safe(m.subtitle)[:255]
        props.author = xml_safe("; ".join(m.authors))[:255]
        props.keywords = xml_safe(", ".join(m.keywords))[:255]
        props.language = language[:255]
        # everything else fixed, so a template's leftovers and the clock never leak in
        for name in ("comments", "category", "content_status", "identifier", "version"):
            setattr(props, name, "")
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
        level = min(depth, 8)
        abstract = run.abstract_number if ordered else run.abstract_bullet
        num_id = ox.add_num(run.document, abstract, run.next_num, level,
                            node.start if ordered else 1)
        run.next_num += 1
        suffix = "" if depth == 0 else f" {min(depth + 1, DEEPEST_LIST_STYLE)}"
        style_name = ("List Number" if ordered else "List Bullet") + suffix
        continue_name = "List Continue" + suffix
        indent = Twips(int(run.style.spacing.list_indent * 20) * (level + 1))
        for item in node.items:
            numbered = False
            for block in item.blocks:
                if isinstance(block, Paragraph):
                    if not numbered:
                        p = self._add_paragraph(run, style_name)
                        ox.set_numbering(p, num_id, level)
                        numbered = True
                    else:  # a further paragraph of the same item: aligned with its text
                        p = self._add_paragraph(run, continue_name)
                        p.paragraph_format.left_indent = indent
                    self._inlines(p, block.inlines, run, _Format())
                else:
                    self._block(block, run, depth + 1 if isinstance(block, (BulletList, OrderedList)) else depth)
                    numbered = True  # what follows belongs to this item, unnumbered
            if not numbered:  # an empty item still shows its number
                ox.set_numbering(self._add_paragraph(run, style_name), num_id, level)
        if depth == 0:  # items sit close together; the list as a whole is spaced like a paragraph
            ox.space_after_last_paragraph(run.document, run.style.spacing.paragraph)

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
        caption.add_run(self._clean(node.label + (": " if node.caption and node.label else ""), run))
        self._inlines(caption, node.caption, run, _Format())
        if node.id:
            self._bookmark(caption, node.id, run)
        rows = ((node.header,) if node.header else ()) + node.rows
        width = max([len(r) for r in rows] + [1])
        table = document.add_table(rows=max(1, len(rows)), cols=width)
        ox.set_table_style(table, self._style_id(run, "Table Grid"))  # a real table style; the theme look on top
        ox.set_table_borders(table, t.border_color, int(t.border_width * 8))
        ox.set_cell_margins(table, 90)
        aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                  "right": WD_ALIGN_PARAGRAPH.RIGHT}
        table_text = self._style_id(run, "Table Text")
        for r, cells in enumerate(rows):
            row = table.rows[r]
            is_header = bool(node.header) and r == 0
            body_index = r - 1 if node.header else r
            if is_header:
                ox.repeat_header(row)
            else:
                ox.keep_row_together(row)
            for c in range(width):
                cell_node = cells[c] if c < len(cells) else Cell(())
                cell = row.cells[c]
                p = cell.paragraphs[0]
                ox.set_paragraph_style(p, table_text)
                align = node.aligns[c] if c < len(node.aligns) else "default"
                if align in aligns:
                    p.alignment = aligns[align]
                self._inlines(p, cell_node.inlines, run, _Format(bold=is_header and t.header_bold))
                if is_header:
                    ox.shade_cell(cell, t.header_fill)
                elif t.zebra and body_index % 2 == 1:  # every second body row, as in HTML
                    ox.shade_cell(cell, t.zebra_fill)
        if len(rows) <= KEEP_TOGETHER_ROWS:  # a short table moves to the next page whole
            for row in table.rows[:-1]:
                for cell in row.cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        ox.set_fixed_widths(table, self._column_widths(rows, width, run.text_width_twips))
        self._add_paragraph(run, "Table Text")  # room after the table; Word needs a paragraph there

    @staticmethod
    def _column_widths(rows, width: int, total: int) -> list[int]:
        texts = [[plain_text(row[c]) if c < len(row) else "" for row in rows] for c in range(width)]
        # widths in twips: an average character is about half the table font's size
        widths = [int(w) for w in column_widths(texts, total, char_width=105, padding=200)]
        widths[-1] += total - sum(widths)  # rounding: the grid adds up to the text width exactly
        return widths

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
        # The label is written, not generated by Word numbering: it must read exactly like
        # the "[N]" citations that point here and like the other formats.
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
        if url is None or fmt.link_style:  # unsafe URL, or a link inside a link: text only
            self._inlines(p, node.inlines, run, fmt)
            return
        pieces = [(plain_text(Paragraph(node.inlines)), _Format(fmt.bold, fmt.italic, fmt.mono, True))]
        if url.startswith("#"):
            self._link_runs(p, None, self._anchor(url[1:], run), pieces, run)
        else:
            self._link_runs(p, url, None, pieces, run)

    def _citation(self, p, node: CitationRef, run, fmt):
        label = run.ref_labels.get(node.ref_id, node.ref_id.removeprefix("ref-"))
        if fmt.link_style:
            self._styled_run(p, f"[{label}]", fmt, run)
            return
        self._link_runs(p, None, self._anchor(node.ref_id, run),
                        [(f"[{label}]", _Format(fmt.bold, fmt.italic, False, True))], run)

    def _link_runs(self, p, url, anchor, pieces, run: _Run) -> None:
        link = ox.add_hyperlink(p, url=url, anchor=anchor)
        for text, fmt in pieces:
            ox.move_run_into(self._styled_run(p, text, fmt, run), link)

    _inline_handlers = {
        Text: _text, Emph: _emph, Strong: _strong, Code: _code, Link: _link,
        CitationRef: _citation, LineBreak: _line_break,
    }

    # ------------------------------------------------------------- helpers
    @staticmethod
    def _style_id(run: _Run, name: str) -> str:
        """The id of a style `_styles` made sure of. (python-docx looks a style up by name
        with a linear scan on every use, which dominated the run time on long documents.)"""
        return run.style_ids[name]

    def _add_paragraph(self, run: _Run, style_name: str, text: str = ""):
        p = run.document.add_paragraph(text)
        ox.set_paragraph_style(p, self._style_id(run, style_name))
        return p

    @staticmethod
    def _anchor(target_id: str, run: _Run) -> str:
        return run.bookmark_names.get(target_id) or xml_safe(target_id)[:BOOKMARK_NAME_MAX]

    @staticmethod
    def _bookmark(p, node_id: str, run: _Run) -> None:
        run.bookmark_ids += 1
        ox.add_bookmark(p, run.bookmark_names.get(node_id) or xml_safe(node_id)[:BOOKMARK_NAME_MAX],
                        run.bookmark_ids)


writer = DocxWriter()
