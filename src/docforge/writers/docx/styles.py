"""The Word styles the DOCX writer uses, dressed from the theme.

Real Word styles carry the look (Title, Subtitle, Author, Date, Abstract, Heading 1-6,
Normal, Body Text and First Paragraph, List Bullet/List Number, Caption, Quote,
Bibliography, Source Code, Hyperlink, Table Grid, Footnote Text and Footnote Reference,
Definition Term and Definition, Captioned Figure and Image Caption: pandoc's names; Header
for the running header),
so Word's navigation pane, TOC and restyling work. One function per style says how the
theme dresses it; `add_themed_styles` makes every style exist and dresses it. With a
`--reference-docx` only the styles the template lacked (and were therefore created) are
dressed: a template's own styles are what a reference docx is for; but the language is
the document's, so the template's default paragraph style and its run defaults get it.

This module works on styles only, through python-docx's style API and oxml.py; it must
never write body content or know about the IR.
"""
from __future__ import annotations

from typing import Callable

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from ...errors import Diagnostic
from ...labels import is_rtl
from ...style import Style
from . import oxml as ox

REFERENCE_INDENT_PT = 22  # the hanging indent of a reference entry, where its number sits
FOOTNOTE_SCALE = 0.85  # footnote text against body text, as Word's 10 pt to 12 pt
HEADER_FONT_SIZE_PT = 8.5  # the PDF's running header
HEADER_RULE_SPACE_PT = 3   # between the header's text and its rule


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
    ox.remove_paragraph_border(s)  # the title block carries the rule


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


def _theme_abstract(s, style: Style) -> None:
    pf = s.paragraph_format
    pf.left_indent = Pt(style.spacing.list_indent)
    pf.right_indent = Pt(style.spacing.list_indent)
    pf.space_before = Pt(0)
    pf.space_after = Pt(style.spacing.heading_before)
    pf.first_line_indent = None


def _theme_body_text(s, style: Style) -> None:
    """Body Text and First Paragraph add nothing to Normal here: the theme is on Normal, and
    a reference docx (or a user in Word) restyles body text through these two."""


def _theme_header(s, style: Style) -> None:
    """The running header: the title in small muted heading type over a thin rule, as the
    PDF draws it on every page but the first."""
    ox.set_style_fonts(s, style.fonts.heading, _east_asian_font(style))
    s.font.size = Pt(HEADER_FONT_SIZE_PT)
    s.font.color.rgb = _rgb(style.colors.muted)
    pf = s.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    ox.set_style_bottom_border(s, style.colors.rule, HEADER_RULE_SPACE_PT)


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


def _theme_image_caption(s, style: Style) -> None:
    """Below its figure, as pandoc sets it: the figure keeps with its caption, not the
    caption with what follows."""
    _theme_caption(s, style)
    pf = s.paragraph_format
    pf.keep_with_next = False
    pf.space_before = Pt(4)
    pf.space_after = Pt(style.spacing.paragraph)


def _theme_captioned_figure(s, style: Style) -> None:
    pf = s.paragraph_format
    pf.keep_with_next = True  # the image stays on the page of its caption
    pf.space_before = Pt(style.spacing.paragraph)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0  # an inline picture sets the line's height; no leading above it
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _theme_footnote_text(s, style: Style) -> None:
    s.font.size = Pt(round(style.fonts.size * FOOTNOTE_SCALE * 2) / 2)  # Word sizes go by half points
    pf = s.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(3)
    pf.line_spacing = 1.15
    pf.first_line_indent = None


def _theme_footnote_reference(s, style: Style) -> None:
    s.font.superscript = True


def _theme_definition_term(s, style: Style) -> None:
    s.font.bold = True
    pf = s.paragraph_format
    pf.keep_with_next = True  # a term never ends a page without its definition
    pf.space_after = Pt(0)
    pf.first_line_indent = None
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _theme_definition(s, style: Style) -> None:
    pf = s.paragraph_format
    pf.left_indent = Pt(style.spacing.list_indent)
    pf.first_line_indent = None


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
    pf.left_indent = Pt(REFERENCE_INDENT_PT)
    pf.first_line_indent = Pt(-REFERENCE_INDENT_PT)  # hanging: the label sits in the margin of the entry
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
    ("Author", P, _theme_muted(0, 2)),
    ("Date", P, _theme_muted(0, 10)),
    ("Abstract", P, _theme_abstract),
    # pandoc's names for body text, so that a pandoc reference.docx restyles it; both
    # look like Normal (HTML and PDF set the first paragraph like the others)
    ("Body Text", P, _theme_body_text),
    ("First Paragraph", P, _theme_body_text),
    ("Header", P, _theme_header),
    ("Keywords", P, _theme_muted(18, 0)),
    ("TOC Heading", P, _theme_toc_heading),
    ("List Bullet", P, _list_themer()), ("List Bullet 2", P, _list_themer()),
    ("List Bullet 3", P, _list_themer()),
    ("List Number", P, _list_themer()), ("List Number 2", P, _list_themer()),
    ("List Number 3", P, _list_themer()),
    ("List Continue", P, _list_themer(1)), ("List Continue 2", P, _list_themer(2)),
    ("List Continue 3", P, _list_themer(3)),
    ("Caption", P, _theme_caption),
    ("Captioned Figure", P, _theme_captioned_figure),
    ("Image Caption", P, _theme_image_caption),
    ("Definition Term", P, _theme_definition_term),
    ("Definition", P, _theme_definition),
    ("Footnote Text", P, _theme_footnote_text),
    ("Quote", P, _theme_quote),
    ("Source Code", P, _theme_source_code),
    ("Bibliography", P, _theme_bibliography),
    ("Table Text", P, _theme_table_text),
    ("Rule", P, _theme_rule),
    ("Hyperlink", C, _theme_hyperlink),
    ("Verbatim Char", C, _theme_verbatim),
    ("Footnote Reference", C, _theme_footnote_reference),
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
CUSTOM_STYLES = frozenset({"Author", "Date", "Abstract", "First Paragraph", "Keywords", "Source Code",
                           "Table Text", "Rule", "Verbatim Char", "Captioned Figure", "Image Caption",
                           "Definition Term", "Definition"})

# A created paragraph style is based on Normal, but for these (as in pandoc's reference.docx).
BASED_ON = {"First Paragraph": "Body Text"}

# Word's built-in TOC entry styles are called "toc 1".."toc 9"; only made when a TOC is wanted.
TOC_STYLE_THEMES = tuple((f"toc {n}", P, _toc_themer(n)) for n in range(1, 7))


def add_themed_styles(document, theme: Style, language: str, want_toc: bool,
                      templated: bool) -> tuple[dict[str, str], list[Diagnostic]]:
    """Make every style the writer uses exist and dress it from the theme; a template's
    own styles are left as they are. Returns style name -> style id in this document (a
    name the template uses for another kind of style gets " (docforge)" appended), and
    an info diagnostic naming the styles a template lacked."""
    styles = document.styles
    # by name, case-insensitively: Word writes "heading 1", LibreOffice "Caption"
    by_name = {s.name.casefold(): s for s in styles if s.name}
    style_ids: dict[str, str] = {}
    created = []
    for key, kind, dress in STYLE_THEMES + (TOC_STYLE_THEMES if want_toc else ()):
        name = key
        target = by_name.get(name.casefold())
        if target is not None and target.type != kind:
            # e.g. a template's character style called "Quote": ours takes another name
            name = f"{key} (docforge)"
            target = by_name.get(name.casefold())
        if target is not None and templated:
            style_ids[key] = target.style_id
            continue
        if target is None:
            target = styles.add_style(name, kind, builtin=key not in CUSTOM_STYLES)
            if kind == P and name != "Normal":
                target.base_style = by_name.get(BASED_ON.get(key, "normal").casefold())
            if kind == P and name.startswith("Heading "):
                target.next_paragraph_style = by_name.get("normal")
            by_name[name.casefold()] = target
            created.append(name)
        style_ids[key] = target.style_id
        dress(target, theme)
    diagnostics = []
    # the language is the document's, not the look: a template's default paragraph style
    # (pandoc's reference.docx says en-US in its defaults) gets it as well
    default = styles.default(P) if templated else None
    ox.set_style_language(default if default is not None else by_name["normal"], language, is_rtl(language))
    if templated:
        ox.set_default_language(document, language, is_rtl(language))
    if not templated:
        ox.set_default_fonts(document, theme.fonts.body, _east_asian_font(theme))
    elif created:
        diagnostics.append(Diagnostic(
            f"--reference-docx lacks the style(s) {', '.join(created)}: added from the theme",
            severity="info"))
    return style_ids, diagnostics
