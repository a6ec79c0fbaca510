"""Scripts that are more than one glyph per character: shaping and right-to-left lines.

reportlab draws one glyph per character, left to right. Devanagari, Thai, Arabic, Hebrew
and their neighbours need more: `layout` (render.py's one call per paragraph) gives a
paragraph whose text holds such a script a style with reportlab's harfbuzz shaping on
(uharfbuzz: conjuncts, vowel signs, Arabic joining forms, each RTL word's glyphs in visual
order); shaping stays off elsewhere, so Latin text costs nothing more. reportlab 5's own
bidi needs rlbidi, which is not on PyPI, so a paragraph with Hebrew or Arabic in it gets a
paragraph class (`_RightToLeft`) that reorders the words of each already-broken line into
visual order at draw time (lines are broken in logical order; split and re-wrap never see
the reordered words). A paragraph is right-to-left when most of its letters are
Hebrew/Arabic-script, or its div's language (`_df_lang`), else the document's, is a
right-to-left one: then it is right-aligned (justified lines stay justified, the last goes
right), its indents and bullet change sides. Word order follows the Unicode bidi algorithm
without explicit embeddings: in a right-to-left line, runs of left-to-right words (with
the spaces and punctuation between them and the numbers after them) keep their order and
all else is reversed; in a left-to-right line only runs of right-to-left words are.
`visual_runs` does the same for the running header (page.py), `DirectedTableOfContents`
for the contents' entries.

Two reportlab functions are replaced, at import, by the one module-level name each is
called through: paragraph.shapeFragWord (`shape_per_font`: reportlab shaped a word with
its first font's glyph ids and broke on anchors inside shaped words) and
ttfonts.makeToUnicodeCMap (`to_unicode_cmap`: emoji beyond U+FFFF as surrogate pairs, and
the glyphs shaping makes with no character of their own mapped to the text they stand
for, so text extraction gives the text back). Shaping also notes the logical text of each
left-to-right shaped word whose glyphs read in order would not give it (`logical_text`,
for tagging.py's ActualText; at most LOGICAL_TEXT_LIMIT words are kept, then the table
starts again). This module never chooses fonts (fonts.py)
and never builds markup.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from itertools import groupby

from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import ttfonts as _rl_ttfonts
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, makeShapedFragWord, uharfbuzz
from reportlab.platypus import Paragraph, Table
from reportlab.platypus import paragraph as _rl_paragraph
from reportlab.platypus.tableofcontents import TableOfContents

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug",
                           "ur", "yi"})
# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and their presentation forms
_RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL = re.compile(f"[{_RTL_CHARS}]")
# scripts whose glyphs depend on their neighbours: the RTL ones, Indic, Thai, Lao, Tibetan,
# Myanmar, Khmer, Sinhala
_NEEDS_SHAPING = re.compile(f"[{_RTL_CHARS}\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]")
_TOKEN = re.compile(r"\s+|\S+")
SHAPING_AVAILABLE = uharfbuzz is not None

RTL_WORD, LTR_WORD, NUMBER, NEUTRAL = "R", "L", "N", "-"


_shape_one_font = _rl_paragraph.shapeFragWord
# OpenType's default-on ligatures and kerning; reportlab also turns on discretionary
# ligatures (dlig), which drew "יי" as the single character "ײ" (and so extracted it)
TEXT_FEATURES = {"kern": True, "liga": True}


def _piece_width(frag, text) -> float:
    if hasattr(frag, "cbDefn"):
        return getattr(frag.cbDefn, "width", 0) or 0
    return stringWidth(text, frag.fontName, frag.fontSize)


def _shaping_group(piece):
    """Pieces of a word shaped together: a run in one font; an anchor or other special
    fragment (cbDefn) on its own, never shaped."""
    frag = piece[0]
    return ("special", id(piece)) if hasattr(frag, "cbDefn") else getattr(frag, "fontName", None)


def shape_per_font(word, features=None, **kwargs):
    """reportlab's shapeFragWord, one font at a time. reportlab shapes a whole word (the
    text between two spaces) with its first fragment's font and reads the glyph ids in
    each fragment's own font: "שלום," with the comma from the body font came out as wrong
    glyphs or an AttributeError; and it puts an anchor (`<a name>`, a note's back link)
    back into a shaped word as a bare list, which its line breaker cannot unpack (an
    IndexError or ValueError). So each font's run is shaped alone and anchors are left
    out of shaping; a word in one font without anchors goes to reportlab unchanged."""
    features = TEXT_FEATURES if features is None else features
    if isinstance(word, ShapedFragWord):
        return word
    groups = [list(group) for _, group in groupby(word[1:], key=_shaping_group)]
    if len(groups) <= 1 and not (groups and hasattr(groups[0][0][0], "cbDefn")):
        return _shaped(word, features, **kwargs)
    total, out, shaped = 0.0, [], False
    for group in groups:
        part = word.__class__([sum(_piece_width(f, t) for f, t in group)] + group)
        if not hasattr(group[0][0], "cbDefn"):
            part = _shaped(part, features, **kwargs)
        shaped = shaped or isinstance(part, ShapedFragWord)
        total += part[0]
        out.extend(part[1:])
    return makeShapedFragWord(word)([total] + out) if shaped else word


# face name -> {private-use code reportlab gave a glyph with no character of its own (a
# Devanagari conjunct, a Thai vowel variant): the text it stands for}
PRIVATE_TEXT: dict[str, dict[int, str]] = {}
_PRIVATE_USE = range(0xE000, 0xF900)


# (font name, the glyphs of a shaped word as reportlab keeps them) -> the word's logical
# text, for the words whose glyphs, read one by one through the ToUnicode map, do not
# give it back (a Devanagari vowel sign drawn before its consonant; not right-to-left
# words, see _remember_logical_text): tagging.py puts it in an /ActualText around them
LOGICAL_TEXT: dict[tuple[str, str], str] = {}
LOGICAL_TEXT_LIMIT = 200_000


def _shaped(word, features, **kwargs):
    result = _shape_one_font(word, features, **kwargs)
    if result is not word:
        _remember_private_glyphs(word, result)
        _remember_logical_text(word, result)
    return result


def _remember_logical_text(word, result) -> None:
    if len(result) != 2 or len(word) != 2:  # a word of several fragments keeps its glyphs' text
        return
    frag, glyphs = result[1]
    text = word[1][1]
    if not text or hasattr(frag, "cbDefn") or _RTL.search(text):
        # right-to-left words stay as drawn: pdftotext and PDFium put a line's visual
        # glyphs back in logical order themselves, and reverse an ActualText word again
        return
    key = (frag.fontName, str(glyphs))
    if key in LOGICAL_TEXT:
        return
    face = getFont(frag.fontName).face
    private = PRIVATE_TEXT.get(b"".join((face.name, face.subfontNameX)).decode("pdfdoc"), {})
    read_back = "".join(private.get(ord(ch), ch) if ord(ch) in _PRIVATE_USE else ch for ch in glyphs)
    if read_back != text:
        if len(LOGICAL_TEXT) >= LOGICAL_TEXT_LIMIT:  # a long-running server: memory stays bounded
            LOGICAL_TEXT.clear()
        LOGICAL_TEXT[key] = text


def logical_text(font_name: str, glyphs: str) -> str | None:
    """The logical text of a shaped word drawn as `glyphs` in `font_name`, when reading
    its glyphs one by one would not give it; else None."""
    return LOGICAL_TEXT.get((font_name, glyphs))


def _remember_private_glyphs(word, result) -> None:
    """Note what text each private-use glyph of a shaped word stands for, so that the
    font's ToUnicode map gives it back (text extraction, search, screen readers): the
    characters of its cluster that no other glyph of the cluster shows."""
    text = "".join(t for f, t in word[1:] if not hasattr(f, "cbDefn"))
    glyphs = [(frag, ch, data) for frag, shaped in result[1:]
              for ch, data in zip(shaped, getattr(shaped, "__shapeData__", ()) or ())]
    if not any(ord(ch) in _PRIVATE_USE and ch not in text for _, ch, _ in glyphs):
        return
    starts = sorted({data.cluster for _, _, data in glyphs})
    ends = dict(zip(starts, starts[1:] + [len(text)]))
    by_cluster: dict[int, list] = {}
    for frag, ch, data in glyphs:
        by_cluster.setdefault(data.cluster, []).append((frag, ch))
    for cluster, members in by_cluster.items():
        left = list(text[cluster:ends[cluster]])
        private = []
        for frag, ch in members:
            if ord(ch) in _PRIVATE_USE and ch not in text:
                private.append((frag, ch))
            elif ch in left:
                left.remove(ch)
        # the cluster's text goes to its first private glyph; any others stand for nothing
        for index, (frag, ch) in enumerate(private):
            face = getFont(frag.fontName).face
            name = b"".join((face.name, face.subfontNameX)).decode("pdfdoc")
            PRIVATE_TEXT.setdefault(name, {}).setdefault(ord(ch), "".join(left) if index == 0 else "")


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap for a font subset, with two fixes: characters beyond
    U+FFFF (emoji) as UTF-16 surrogate pairs (reportlab wrote five hex digits, read back as
    U+1F60 "ὠ" for U+1F600), and private-use glyphs as the text they stand for."""
    private = PRIVATE_TEXT.get(fontname.split("+", 1)[-1], {})
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", "%d beginbfchar" % len(subset)]
        + ["<%02X> <%s>" % (index, _utf16_hex(private.get(code, chr(code)))) for index, code in enumerate(subset)]
        + ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


_rl_ttfonts.makeToUnicodeCMap = to_unicode_cmap  # the one name TTFont.addObjects calls
if SHAPING_AVAILABLE:
    _rl_paragraph.shapeFragWord = shape_per_font  # the one name reportlab's line breaker calls


def is_rtl_language(language: str | None) -> bool:
    return bool(language) and language.replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


def mostly_rtl(plain: str) -> bool:
    """Whether most letters of `plain` are in a right-to-left script."""
    rtl = len(_RTL.findall(plain))
    return rtl > 0 and rtl * 2 > sum(1 for ch in plain if ch.isalpha())


def layout(plain: str, style: ParagraphStyle, factory, language: str, fonts) -> tuple:
    """The style and paragraph class for a paragraph of text `plain` in a document of
    `language`: shaping on where the script needs it, the right-to-left class where the
    paragraph may be right-to-left. Latin text comes back unchanged after two regex scans."""
    if _NEEDS_SHAPING.search(plain):
        if SHAPING_AVAILABLE:
            style = shaped_style(style)
        else:
            fonts.unshaped = True
        if _RTL.search(plain):
            return style, _directed(factory, mostly_rtl(plain), is_rtl_language(language))
    return style, factory


def _directed(factory, mostly: bool, rtl_document: bool):
    """`factory` (a Paragraph class, or a function making one: the notes') making
    paragraphs of the matching `right_to_left` class."""
    def make(*args, **kwargs):
        paragraph = factory(*args, **kwargs)
        paragraph.__class__ = right_to_left(type(paragraph), mostly, rtl_document)
        return paragraph
    return make


@functools.lru_cache(maxsize=256)
def shaped_style(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


@functools.lru_cache(maxsize=256)
def rtl_style(style: ParagraphStyle) -> ParagraphStyle:
    """`style` set right to left: reportlab then draws bullets on the right and a justified
    paragraph's last line flush right; left alignment becomes right alignment, and the
    indents change sides (a list item's hanging indent is on the right; the first line,
    broken that much shorter, drawn from the left edge so its indent is on the right).
    Used only to draw: the lines were broken with `style`, and the widths stay the same."""
    alignment = TA_RIGHT if style.alignment == TA_LEFT else style.alignment
    return ParagraphStyle(f"{style.name}-rtl", parent=style, wordWrap="RTL", alignment=alignment,
                          leftIndent=style.rightIndent, rightIndent=style.leftIndent, firstLineIndent=0)


class _RightToLeft:
    """Mixed before a reportlab Paragraph class whose text has Hebrew or Arabic in it:
    draws its lines right to left when the paragraph is right-to-left (`_df_mostly_rtl`,
    the document's language, `_df_lang`), else left to right with each run of
    right-to-left words in visual order."""
    _df_mostly_rtl = False
    _df_rtl_document = False

    def is_rtl(self) -> bool:
        lang = getattr(self, "_df_lang", None)
        return self._df_mostly_rtl or (is_rtl_language(lang) if lang else self._df_rtl_document)

    def drawPara(self, debug=0):
        rtl = self.is_rtl()
        laid, style = self.blPara, self.style
        self.blPara, self.style = visual_lines(laid, rtl), rtl_style(style) if rtl else style
        try:
            return super().drawPara(debug)
        finally:
            self.blPara, self.style = laid, style

    def split(self, availWidth, availHeight):
        pieces = super().split(availWidth, availHeight)
        lang = getattr(self, "_df_lang", None)
        if lang:  # a div's language, set on the whole paragraph, holds for its pieces
            for piece in pieces:
                if getattr(piece, "_df_lang", None) is None:
                    piece._df_lang = lang
        return pieces


@functools.lru_cache(maxsize=64)
def right_to_left(factory, mostly: bool, rtl_document: bool):
    """`factory` (a Paragraph class) with `_RightToLeft` mixed in; one class per combination,
    so pieces made by split (`self.__class__`) stay right-to-left."""
    return type(f"RightToLeft{factory.__name__}", (_RightToLeft, factory),
                {"_df_mostly_rtl": mostly, "_df_rtl_document": rtl_document})


def word_class(text: str) -> str:
    if _RTL.search(text):
        return RTL_WORD
    if any(ch.isalpha() for ch in text):
        return LTR_WORD
    if any(ch.isdigit() for ch in text):
        return NUMBER
    return NEUTRAL


def visual_order(tokens: list, classes: list[str], rtl: bool = True) -> list:
    """`tokens` (logical order) in left-to-right visual order for a line whose base
    direction is right to left (`rtl`) or left to right. Words of the other direction
    form runs, with the spaces and punctuation between them and the numbers after them
    (UBA W7 and N1: "Release 2 of"); in a right-to-left line everything but those runs is
    reversed, in a left-to-right one only the right-to-left runs are."""
    embedded = LTR_WORD if rtl else RTL_WORD
    segments: list[list] = []
    run: list | None = None
    between: list = []
    strong = RTL_WORD if rtl else LTR_WORD  # the base direction, until a word says otherwise
    for index, (token, cls) in enumerate(zip(tokens, classes)):
        if cls in (RTL_WORD, LTR_WORD):
            strong = cls
        elif cls == NUMBER and (strong == embedded
                                or (index + 1 < len(classes) and classes[index + 1] == embedded)):
            # a number after a word of the other direction joins its run (W7), and so does
            # one written right against such a word ("01A", a word split into font runs:
            # number and letters share one embedding level, so they keep their order)
            cls = embedded
        if cls == embedded:
            if run is None:
                run = [token]
            else:
                run.extend(between)
                run.append(token)
            between = []
        elif cls == NEUTRAL and run is not None:
            between.append(token)
        else:
            if run is not None:
                segments.append(run)
                segments.extend([t] for t in between)
                run, between = None, []
            segments.append([token])
    if run is not None:
        segments.append(run)
        segments.extend([t] for t in between)
    if rtl:
        return [token for segment in reversed(segments) for token in segment]
    return [token for segment in segments for token in reversed(segment)]  # a lone token is itself


def _visual_word(text: str) -> str:
    """An RTL word's characters in visual order: harfbuzz has already ordered a shaped
    word's glyphs (ShapedStr); an unshaped word is reversed here."""
    return text if isinstance(text, ShapedStr) or word_class(text) != RTL_WORD else text[::-1]


def _is_neutral(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PSZ"


def _pieces(text: str):
    """`text` as spaces and words, a left-to-right word's leading and trailing punctuation
    apart ("software," is "software" and ","): between a Latin word and Hebrew a comma
    belongs to the right-to-left text around it. A right-to-left word stays whole: its
    shaped glyphs are already in visual order, punctuation included."""
    for match in _TOKEN.finditer(text):
        piece = text[match.start():match.end()]
        if piece.isspace() or word_class(piece) == RTL_WORD:
            yield piece
            continue
        start, end = 0, len(piece)
        while start < end and _is_neutral(piece[start]):
            start += 1
        while end > start and _is_neutral(piece[end - 1]):
            end -= 1
        for part in (piece[:start], piece[start:end], piece[end:]):
            if part:
                yield part


def visual_lines(blPara, rtl: bool = True):
    """A copy of reportlab's broken lines with each line's words in visual order, for a
    right-to-left paragraph or (`rtl` false) a left-to-right one with Hebrew or Arabic in it."""
    if blPara.kind == 0:  # one font, unshaped: lines are (extra space, [words])
        lines = []
        for extra, words in blPara.lines:
            visual = visual_order(list(words), [word_class(w) for w in words], rtl)
            lines.append((extra, [_visual_word(w) for w in visual]))
        return blPara.clone(lines=lines)
    lines = []
    for line in blPara.lines:
        tokens, classes = [], []  # tokens: (the fragment it comes from, its text or None)
        for frag in line.words:
            text = getattr(frag, "text", "")
            if hasattr(frag, "cbDefn") or not text:
                tokens.append((frag, None))
                classes.append(NEUTRAL)
                continue
            for piece in _pieces(text):
                tokens.append((frag, _visual_word(piece)))
                classes.append(word_class(piece))
        visual = _rejoined(visual_order(tokens, classes, rtl))
        # reportlab reverses a right-to-left line's fragments itself (kind 1 only)
        lines.append(line.clone(words=visual[::-1] if rtl else visual))
    return blPara.clone(lines=lines)


def _rejoined(tokens: list) -> list:
    """Fragments for visual-order tokens, neighbours from the same fragment joined again:
    drawing costs per fragment, and most of a line keeps its words' fragment."""
    out, source, texts = [], None, []
    for frag, text in tokens + [(None, None)]:
        if text is not None and frag is source:
            texts.append(text)
            continue
        if texts:
            joined = texts[0]
            for more in texts[1:]:
                joined = joined + more  # ShapedStr + ShapedStr keeps the glyph data
            out.append(source.clone(text=joined))
        source, texts = frag, ([text] if text is not None else [])
        if frag is not None and text is None:
            out.append(frag)
            source = None
    return out


def visual_runs(runs: list, font_size: float) -> list:
    """(family, text) runs of one line drawn straight on the canvas (the running header),
    in visual order: right-to-left words shaped (or reversed without a shaper), the line
    right to left when most of it is. Runs without Hebrew or Arabic come back as they are."""
    if not any(family is not None and _RTL.search(chunk) for family, chunk in runs):
        return runs
    rtl = mostly_rtl("".join(chunk for _, chunk in runs))
    tokens, classes = [], []
    for family, chunk in runs:
        if family is None:
            continue
        for piece in _pieces(chunk):
            cls = word_class(piece)
            if cls == RTL_WORD:
                piece = _shaped_word(piece, family.names["regular"], font_size)
            tokens.append((family, piece))
            classes.append(cls)
    return visual_order(tokens, classes, rtl)


def _shaped_word(word: str, font_name: str, font_size: float) -> str:
    if SHAPING_AVAILABLE and getattr(getFont(font_name), "shapable", False):
        shaped = shape_per_font([stringWidth(word, font_name, font_size),
                                 (ABag(fontName=font_name, fontSize=font_size), word)])
        if isinstance(shaped, ShapedFragWord) and len(shaped) == 2:
            return shaped[1][1]
    return word[::-1]


_TAG = re.compile(r"<[^>]*>")


class DirectedTableOfContents(TableOfContents):
    """reportlab's table of contents with Hebrew and Arabic entries shaped and their words
    in visual order. reportlab makes the entries' paragraphs inside wrap(), so those that
    need it are made again and the table re-wrapped. Entries stay left to right (text,
    dots, page number on the right): reportlab's dots run from the entry's end rightwards."""

    def wrap(self, availWidth, availHeight):
        size = super().wrap(availWidth, availHeight)
        rows, remade = [], False
        for row in self._table._cellvalues:
            cell = []
            for flowable in row[0]:  # reportlab keeps each cell as a tuple of flowables
                text = getattr(flowable, "text", None) if isinstance(flowable, Paragraph) else None
                if text and _RTL.search(_TAG.sub("", text)):
                    style = shaped_style(flowable.style) if SHAPING_AVAILABLE else flowable.style
                    flowable, remade = _directed(Paragraph, False, False)(text, style), True
                cell.append(flowable)
            rows.append([cell])
        if remade:
            self._table = Table(rows, colWidths=(availWidth,), style=self.tableStyle)
            self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
            size = (self.width, self.height)
        return size
