"""The reportlab ParagraphStyles of one PDF, made from the theme and its fonts.

`paragraph_styles` builds the named base styles once per document (body, headings, title
block, captions, cells, list items, references, quotes, code, keywords, TOC); the small
functions below derive the variants a block needs (a list or quote level, a table
column's alignment, CJK line breaking, the TOC's levels). Styles never hold text: this
module must never see the IR or a page.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ...style import Style
from .fonts import FontSet

MAX_INDENT_LEVELS = 6      # deeper lists and quotes stop indenting: the text must fit the page
HYPHENATION = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT",
               "nl": "nl_NL", "pt": "pt_PT", "ru": "ru_RU", "sv": "sv_SE", "pl": "pl_PL"}
CELL_ALIGNMENTS = {"center": TA_CENTER, "right": TA_RIGHT, "left": TA_LEFT}


def paragraph_styles(style: Style, fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    """The base styles by role: "body", "h1".."h6", "title", "cell", "reference" …"""
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


def toc_level_styles(body: ParagraphStyle, depth: int) -> list[ParagraphStyle]:
    """One style per TOC level, each indented one step further."""
    return [ParagraphStyle(f"TOC{i}", parent=body, leftIndent=14 * i, firstLineIndent=0,
                           spaceAfter=2, alignment=TA_LEFT, hyphenationLang="")
            for i in range(depth)]


def list_item_style(item: ParagraphStyle, depth: int, indent: float, ordered: bool,
                    bullet_font: str) -> ParagraphStyle:
    """Items of a list nested `depth` deep: hanging markers, indented up to MAX_INDENT_LEVELS
    (numbers get a little more room than bullets)."""
    level = min(depth, MAX_INDENT_LEVELS)
    return ParagraphStyle(f"Item{level}", parent=item, leftIndent=indent * (level + 1) + (6 if ordered else 0),
                          bulletIndent=indent * level, bulletFontName=bullet_font)


def quote_style(quote: ParagraphStyle, depth: int, indent: float) -> ParagraphStyle:
    """Paragraphs of a quote inside `depth` levels of lists or quotes."""
    level = min(depth + 1, MAX_INDENT_LEVELS)
    return ParagraphStyle(f"Quote{level}", parent=quote, leftIndent=indent * level)


def long_heading_style(heading: ParagraphStyle) -> ParagraphStyle:
    """A "heading" too long to keep with the next block: laid out like a paragraph."""
    return ParagraphStyle(f"{heading.name}Long", parent=heading, keepWithNext=0)


def cjk_style(base: ParagraphStyle) -> ParagraphStyle:
    """`base` breaking lines between any two ideographs, for text that is mostly CJK."""
    return ParagraphStyle(base.name + "CJK", parent=base, wordWrap="CJK")


def cell_style(base: ParagraphStyle, align: str) -> ParagraphStyle:
    """A table cell's style for its column's alignment ("default" is left)."""
    return ParagraphStyle(f"{base.name}{align}", parent=base, alignment=CELL_ALIGNMENTS.get(align, TA_LEFT))


def continued_styles(body: ParagraphStyle) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Styles for the first, middle and last pieces of a paragraph set in pieces: the
    first keeps the indent and the space before, the last the space after, and no space
    or indent comes between them."""
    first = ParagraphStyle(f"{body.name}-first", parent=body, spaceAfter=0)
    middle = ParagraphStyle(f"{body.name}-middle", parent=body, spaceBefore=0, spaceAfter=0, firstLineIndent=0)
    last = ParagraphStyle(f"{body.name}-last", parent=body, spaceBefore=0, firstLineIndent=0)
    return first, middle, last
