"""IR -> DOCX (Word): python-docx for the document's frame, docx_body.py for its content.

Real Word styles carry the look (Title, Subtitle, Heading 1-6, Normal, List Bullet/List
Number, Caption, Quote, Bibliography, Source Code, Hyperlink, Table Grid), themed from the
Style, so Word's navigation pane, TOC and restyling work. Every list gets its own numbering
instance (numbers restart per list); tables have a repeating header row, theme fill,
borders and zebra, and fixed column widths computed from content that add up to the text
width; references carry bookmarks that citations link to. A `--reference-docx` template
supplies styles and page setup instead (styles it lacks are added, themed). Output is
deterministic: fixed core-property dates and zip timestamps.

python-docx does what costs the same for every document: opening the default document or
the template, styles, page setup, footer, core properties, settings (XML-level edits in
docx_oxml.py). The body grows with the document, and python-docx's per-element cost made
it take seconds, so docx_body.py writes it as text, spliced into the saved package here.
This writer never renumbers anything (labels and ids come from the IR) and never writes
text XML cannot hold (control characters are dropped and counted in a diagnostic).
"""
from __future__ import annotations

import functools
import io
import os
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, NamedTuple

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from .base import RenderContext
from ..errors import Diagnostic, InputError
from ..model import Document
from ..options import WriteOptions
from ..style import PAGE_SIZES_MM, Style
from . import docx_oxml as ox
from .xmltext import xml_safe
from .docx_body import EMU_PER_TWIP, BodyBuilder, BodyLayout
from .zipfiles import FixedTimeZip

FIRST_MEMBER = "[Content_Types].xml"  # where Word and validators look first


class _Frame(NamedTuple):
    """A saved package with everything but the content, and what the body needs to know of it."""
    package: bytes
    text_width_twips: int
    style_ids: tuple[tuple[str, str], ...]
    diagnostics: tuple[Diagnostic, ...]
    abstract_bullet: int
    abstract_number: int
    first_num: int


def _template_key(path: str | None) -> tuple | None:
    """A --reference-docx as a cache key: its path and what would show an edit."""
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)  # _open reports the missing file
    return (path, stat.st_mtime_ns, stat.st_size)


@dataclass
class _Run:
    """State of one DOCX build (the body has its own, in docx_body.py)."""
    document: object
    style: Style
    templated: bool = False
    text_width_twips: int = 9000
    style_ids: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _east_asian_font(style: Style) -> str:
    """The theme's CJK face: the first fallback after the Latin one (default: Droid Sans
    Fallback); Word substitutes its own CJK font where that face is not installed."""
    fallback = style.fonts.fallback
    return fallback[1] if len(fallback) > 1 else (fallback[0] if fallback else style.fonts.body)


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
    renderer = BodyBuilder

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        doc, style, options = context.doc, context.style, context.options
        written_language = doc.meta.language or style.text.language
        language = xml_safe(written_language)
        dropped = len(written_language) - len(language)
        language = language.strip() or "en"
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        frame = self._frame(style, language, want_toc, options.paper, _template_key(options.reference_docx))
        document = docx.Document(io.BytesIO(frame.package))
        run = _Run(document, style, templated=bool(options.reference_docx),
                   text_width_twips=frame.text_width_twips, style_ids=dict(frame.style_ids),
                   diagnostics=list(frame.diagnostics))
        layout = BodyLayout(
            style=style, style_ids=run.style_ids, text_width_twips=run.text_width_twips,
            abstract_bullet=frame.abstract_bullet, abstract_number=frame.abstract_number,
            first_num=frame.first_num, link_id=ox.external_link_ids(document),
            title_rule=not run.templated, toc=want_toc)
        body = BodyBuilder(doc, layout).build()
        self._properties(document, doc, options, run, language)

        splices = [s for s in (ox.stage_body(document, body.markup),
                               ox.stage_numbering(document, body.numbering)) if s]
        raw = io.BytesIO()
        document.save(raw)
        out.write(self._package(raw.getvalue(), splices, options.timestamp().timetuple()[:6]))
        dropped += body.dropped
        if dropped:
            run.diagnostics.append(Diagnostic(
                f"dropped {dropped} control character(s) that DOCX (XML) cannot hold"))
        return run.diagnostics

    @functools.lru_cache(maxsize=16)
    def _frame(self, style: Style, language: str, want_toc: bool, paper: str | None,
               template: tuple | None) -> _Frame:
        """Everything but the content, as a saved package: the default document or the
        template with page setup, themed styles, list definitions, footer and settings.
        It depends only on the arguments, so a batch builds it once per theme and language
        instead of once per file (theming the styles was half of a small document's time);
        every document, the first included, is then opened from these bytes, so a file
        converts to the same bytes alone or in a batch."""
        options = WriteOptions(paper=paper, reference_docx=template[0] if template else None)
        document = self._open(options)
        run = _Run(document, style, templated=template is not None)
        self._page_setup(document, style, options, run)
        self._styles(run, language, want_toc)
        ox.drop_stale_parts(document)
        ox.ensure_numbering_part(document)
        last_abstract, last_num = ox.used_numbering_ids(document)
        indent = int(style.spacing.list_indent * 20)
        abstract_bullet = ox.add_abstract_num(document, False, indent, last_abstract + 1)
        abstract_number = ox.add_abstract_num(document, True, indent, last_abstract + 2)
        if want_toc:
            ox.update_fields_on_open(document)
        self._footer(run)
        saved = io.BytesIO()
        document.save(saved)
        return _Frame(saved.getvalue(), run.text_width_twips, tuple(run.style_ids.items()),
                      tuple(run.diagnostics), abstract_bullet, abstract_number, last_num + 1)

    @staticmethod
    def _package(saved: bytes, splices: list[ox.Splice], date_time: tuple) -> bytes:
        """The package python-docx saved, with the staged markup in place of its markers,
        fixed timestamps and permissions and a stable member order, so that two runs give
        identical bytes. (Done in one pass: repacking the zip python-docx wrote with the body
        already in it would compress the body twice.)"""
        by_member: dict[str, list[ox.Splice]] = {}
        for splice in splices:
            by_member.setdefault(splice.member, []).append(splice)
        packed = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(saved)) as source, FixedTimeZip(packed, date_time) as target:
            names = source.namelist()
            for name in ([FIRST_MEMBER] if FIRST_MEMBER in names else []) + [n for n in names if n != FIRST_MEMBER]:
                data = source.read(name)
                for splice in by_member.get(name, ()):
                    before, found, after = data.partition(splice.marker)
                    if not found:  # never silently write a document without its body
                        raise RuntimeError(f"{name}: python-docx did not keep the {splice.marker!r} marker")
                    data = b"".join((before, splice.markup, after))
                target.writestr(name, data)
        return packed.getvalue()

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
        # not counted as dropped: these repeat text the title block already counted
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


writer = DocxWriter()
