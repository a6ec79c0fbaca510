"""The reportlab ParagraphStyles of one PDF, made from the theme and its fonts.

`paragraph_styles` builds the named base styles once per document (body, headings, title
block, captions, cells, list items, references, quotes, code, keywords, TOC, and for the
pandoc nodes: figure captions, display math, definition terms, line-block lines, notes);
the small functions below derive the variants a block needs (a list or quote level, a
table column's alignment, CJK line breaking, the TOC's levels, a definition list's or line
block's indent, the smaller styles of the Notes section, header cells that must be
hyphenated). A hyphenating style's `hyphenationLang` is a linebreak.Hyphenator (its rules
hold in reportlab's own breaker too), not pyphen's language name. Styles never hold text:
this module must never see the IR or a page.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ...style import Style
from .fonts import FontSet
from .linebreak import hyphenator

MAX_INDENT_LEVELS = 6      # deeper lists and quotes stop indenting: the text must fit the page
HYPHENATION = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT",
               "nl": "nl_NL", "pt": "pt_PT", "ru": "ru_RU", "sv": "sv_SE", "pl": "pl_PL"}
CELL_ALIGNMENTS = {"center": TA_CENTER, "right": TA_RIGHT, "left": TA_LEFT}
NOTE_INDENT = 22.0         # room for a note's number, hanging left of its text
NOTE_SCALE = 0.9           # notes are set a little smaller than the body
LINE_HANG = 18.0           # a line of verse that wraps goes on indented by this much


def paragraph_styles(style: Style, fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    """The base styles by role: "body", "h1".."h6", "title", "cell", "reference" …"""
    f, c, s = style.fonts, style.colors, style.spacing
    align = TA_JUSTIFY if style.text.align == "justify" else TA_LEFT
    # a Hyphenator, not pyphen's language name: reportlab's own breaker then keeps the
    # rules too (no break inside a word with a hyphen, 2 letters before and 3 after)
    hyphen = (language_hyphenator(language) if style.text.hyphenate else None) or ""
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
                                       keepWithNext=0, spaceBefore=s.paragraph, spaceAfter=3,
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
    styles["figure_caption"] = ParagraphStyle("FigureCaption", parent=styles["caption"], alignment=TA_CENTER,
                                              keepWithNext=0, spaceBefore=4, spaceAfter=s.paragraph + 4,
                                              hyphenationLang="")
    styles["figure"] = ParagraphStyle("Figure", parent=body, alignment=TA_CENTER, firstLineIndent=0)
    styles["math"] = ParagraphStyle("Math", parent=body, fontName=fonts.mono.names["regular"],
                                    alignment=TA_CENTER, firstLineIndent=0, spaceBefore=3,
                                    spaceAfter=s.paragraph, hyphenationLang="")
    styles["term"] = ParagraphStyle("Term", parent=body, alignment=TA_LEFT, firstLineIndent=0,
                                    keepWithNext=1, spaceAfter=2)
    styles["definition"] = ParagraphStyle("Definition", parent=body, firstLineIndent=0,
                                          spaceAfter=s.paragraph / 2)
    styles["line"] = ParagraphStyle("Line", parent=body, alignment=TA_LEFT, leftIndent=LINE_HANG,
                                    firstLineIndent=-LINE_HANG, spaceAfter=0, hyphenationLang="")
    note_size = f.size * NOTE_SCALE
    styles["note"] = ParagraphStyle("Note", parent=body, fontSize=note_size, leading=note_size * f.line_height,
                                    leftIndent=NOTE_INDENT, bulletIndent=0, firstLineIndent=0,
                                    spaceAfter=3, bulletFontSize=note_size, bulletColor=colors.HexColor(c.link))
    for style_ in styles.values():
        if style_.name.startswith("Heading") or style_.name in ("Title", "Caption", "Cell", "CellHead"):
            style_.hyphenationLang = ""
    return styles


def note_styles(styles: dict[str, ParagraphStyle]) -> dict[str, ParagraphStyle]:
    """The styles of the Notes section: `styles` with the body, list items, quotes,
    definition lists, line blocks and display math at the notes' size, paragraphs and code
    indented past the numbers."""
    note = styles["note"]
    size, leading = note.fontSize, note.leading

    def smaller(name: str, **extra) -> ParagraphStyle:
        base = styles[name]
        return ParagraphStyle(f"Note{base.name}", parent=base, fontSize=size, leading=leading,
                              bulletFontSize=size, **extra)

    derived = dict(styles)
    derived.update(body=note, item=smaller("item"), quote=smaller("quote"), term=smaller("term"),
                   definition=smaller("definition"), line=smaller("line"), math=smaller("math"),
                   code=ParagraphStyle("NoteCode", parent=styles["code"], leftIndent=NOTE_INDENT))
    return derived


def definition_styles(term: ParagraphStyle, definition: ParagraphStyle, base: ParagraphStyle, depth: int,
                      indent: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    """A definition list's term and definition styles `depth` levels deep in lists and
    quotes: the term at the level's indent (from `base`, the paragraphs around it), the
    definitions one step further."""
    level = min(depth, MAX_INDENT_LEVELS)
    start = base.leftIndent + indent * level
    return (ParagraphStyle(f"Term{level}", parent=term, leftIndent=start),
            ParagraphStyle(f"Definition{level}", parent=definition, leftIndent=start + indent))


def line_styles(line: ParagraphStyle, base: ParagraphStyle, depth: int, indent: float,
                space_after: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    """A line block's lines `depth` levels deep (wrapped lines hang), and its last line,
    which has the paragraph space after it."""
    start = base.leftIndent + indent * min(depth, MAX_INDENT_LEVELS) + LINE_HANG
    inner = ParagraphStyle(f"Line{depth}", parent=line, leftIndent=start)
    return inner, ParagraphStyle(f"Line{depth}-last", parent=inner, spaceAfter=space_after)


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


def language_hyphenator(language: str):
    """The Hyphenator of a document language ("en-GB" -> en_US's patterns), or None."""
    return hyphenator(HYPHENATION.get(language.split("-")[0], ""))


def hyphenated_style(base: ParagraphStyle, language: str) -> ParagraphStyle:
    """`base` hyphenating its words in `language` (whatever the theme says): for header
    cells too narrow for their longest words, which would otherwise be cut without a hyphen."""
    found = language_hyphenator(language)
    return ParagraphStyle(f"{base.name}-hyphenated", parent=base, hyphenationLang=found or "")


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
