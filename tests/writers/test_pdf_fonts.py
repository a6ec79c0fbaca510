"""PDF fonts and scripts, read back with pdfplumber and pypdf: the handout's body serif and
its DejaVu stand-in, fallback fonts for Devanagari, Thai, Korean and emoji (the text comes
back and every glyph is in the font that draws it), right-to-left paragraphs (visual
order, right-aligned, Arabic shaped) and the pure word-ordering rule behind them."""
import io
import re

import pytest

import docforge
from docforge.model import BulletList, Div, Document, Heading, ListItem, Meta, Note, Paragraph, Text
from docforge.options import WriteOptions
from docforge.writers.pdf import fonts, scripts
from conftest import SAMPLES

PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")


def pdf_of(*paragraphs: str, language: str = "", style: str | None = None, diagnostics=None) -> bytes:
    doc = Document(Meta(title="Scripts", language=language), tuple(Paragraph((Text(p),)) for p in paragraphs))
    return docforge.write(doc, "pdf", style=style, diagnostics=diagnostics)


def chars_of(data: bytes, page: int = 0) -> list[dict]:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return list(pdf.pages[page].chars)


def body_lines(chars: list[dict], marker: str) -> list[list[dict]]:
    """The lines (chars grouped by baseline, each sorted left to right) of the paragraph
    whose chars include `marker`'s characters, top to bottom; the title is left out."""
    lines: dict[float, list[dict]] = {}
    for ch in chars:
        if ch["size"] > 14:  # the title
            continue
        lines.setdefault(round(ch["y0"]), []).append(ch)
    ordered = [sorted(line, key=lambda c: c["x0"]) for _, line in sorted(lines.items(), reverse=True)]
    return [line for line in ordered if any(c["text"] in marker for c in line)]


def visual_text(line: list[dict]) -> str:
    return "".join(c["text"] for c in line)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def registered_cmaps() -> dict[str, frozenset]:
    """Face name -> the characters its font has glyphs for, for every TrueType font
    reportlab has registered (the PDF's fonts are subsets of these)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    out = {}
    for font in list(pdfmetrics._fonts.values()):
        if isinstance(font, TTFont):
            out[font.face.name.decode("latin-1")] = frozenset(font.face.charToGlyph)
    return out


# ---------------------------------------------------------------- the body serif


def test_the_handout_sets_body_text_in_noto_serif_and_the_default_keeps_dejavu():
    doc = docforge.read(SAMPLES[0])
    handout = {c["fontname"].split("+")[-1] for c in chars_of(docforge.write(doc, "pdf", style="handout"))}
    default = {c["fontname"].split("+")[-1] for c in chars_of(docforge.write(doc, "pdf"))}
    assert "NotoSerif-Regular" in handout and "DejaVuSerif" not in handout
    assert "DejaVuSerif" in default and "NotoSerif-Regular" not in default


def test_without_noto_serif_the_handout_falls_back_to_dejavu_and_says_so(monkeypatch):
    real = fonts.register_family

    def without_noto(family, theme_dir=None):
        return None if family == "Noto Serif" else real(family, theme_dir)

    monkeypatch.setattr(fonts, "register_family", without_noto)
    diagnostics: list = []
    data = docforge.write(docforge.read(SAMPLES[0]), "pdf", style="handout", diagnostics=diagnostics)
    used = {c["fontname"].split("+")[-1] for c in chars_of(data)}
    assert "DejaVuSerif" in used and "NotoSerif-Regular" not in used
    assert any("'Noto Serif' is not installed" in str(d) and "'DejaVu Serif'" in str(d) for d in diagnostics)


# ---------------------------------------------------------------- fallback scripts

SCRIPTS = {
    "devanagari": ("नमस्ते भारत, यह हमारा देश है। क्षत्र", "NotoSerifDevanagari"),
    "thai": ("สวัสดีชาวโลก นี่คือประโยคภาษาไทย", "NotoSerifThai"),
    "korean": ("안녕하세요 세계, 한국어 문장입니다. 가나다", "NanumMyeongjo"),
    "emoji": ("Emoji 😀 👍 🎉 ❤ end", "Symbola"),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_paragraph_in_another_script_comes_back_in_a_font_that_has_its_glyphs(name):
    from pypdf import PdfReader
    text, font = SCRIPTS[name]
    diagnostics: list = []
    data = pdf_of(text, diagnostics=diagnostics)
    assert not any("no glyph" in str(d) for d in diagnostics), diagnostics
    extracted = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert squash(text) in squash(extracted)
    chars = chars_of(data)
    assert squash(text) in squash("".join(c["text"] for c in chars))
    assert any(font in c["fontname"] for c in chars)
    assert not any(0xE000 <= ord(t) < 0xF900 for c in chars for t in c["text"])  # no unmapped glyph
    cmaps = registered_cmaps()
    for ch in chars:
        if len(ch["text"]) == 1 and not ch["text"].isspace():  # one glyph, one character
            face = ch["fontname"].split("+")[-1]
            assert ord(ch["text"]) in cmaps[face], (ch["text"], face)  # a real glyph, never .notdef


def test_a_korean_word_is_set_in_one_font():
    """가 is the one syllable Droid Sans Fallback's cmap seems to have (reportlab reads
    its Hangul range as the two ends): it must not be set apart from the rest of its word."""
    chars = chars_of(pdf_of("가나다 한국어가"))
    assert {c["fontname"].split("+")[-1] for c in chars if "\uac00" <= c["text"] <= "\ud7a3"} == {"NanumMyeongjo"}


def test_devanagari_is_shaped_into_conjuncts():
    """क्ष is one glyph when shaped (three characters unshaped); it reads back as the three."""
    chars = chars_of(pdf_of("क्षत्रिय"))
    assert "क्ष" in [c["text"] for c in chars]


def pdftotext(data: bytes, tmp_path) -> str:
    import subprocess
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def content_streams(data: bytes) -> list[str]:
    import pikepdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = []
        for page in pdf.pages:
            contents = page.obj.Contents
            parts = contents if isinstance(contents, pikepdf.Array) else [contents]
            out.append(b"".join(part.read_bytes() for part in parts).decode("latin-1"))
        return out


DEVANAGARI_PRE_BASE = "दुनिया की किताब और हिंदी लिखी"  # ि is drawn before the consonant it follows


def test_a_devanagari_vowel_sign_drawn_before_its_consonant_extracts_in_logical_order(tmp_path):
    """pdftotext (like PDFium) reads a word's /ActualText; glyph by glyph it would read "दुिनया"."""
    data = pdf_of(DEVANAGARI_PRE_BASE)
    extracted = pdftotext(data, tmp_path)
    for word in DEVANAGARI_PRE_BASE.split():
        assert word in extracted.split(), (word, extracted)
    glyph_order = "".join(c["text"] for c in chars_of(data))  # pdfminer reads no ActualText: the glyphs
    assert "दुिनया" in glyph_order


def test_actual_text_spans_sit_inside_the_tagged_paragraph_and_only_around_such_words():
    data = pdf_of(DEVANAGARI_PRE_BASE, "Latin words only.")
    stream = content_streams(data)[0]
    spans = re.findall(r"/Span <</ActualText <FEFF([0-9A-F]+)>>> BDC", stream)
    logical = {bytes.fromhex(s).decode("utf-16-be") for s in spans}
    assert {"दुनिया", "किताब", "हिंदी", "लिखी"} <= logical
    assert "की" not in logical and "और" not in logical  # read glyph by glyph already right: no span
    assert not any(ch.isascii() for word in logical for ch in word)
    # every ActualText span opens and closes inside a P's marked content
    depth, inside_p = [], 0
    for op in re.findall(r"/P <</MCID \d+>> BDC|/Span <</ActualText [^>]*>>> BDC|/[A-Za-z]+ (?:<<[^>]*>> )?BDC|"
                         r"/[A-Za-z]+ BMC|\bEMC\b", stream):
        if op == "EMC":
            closed = depth.pop()
            inside_p -= closed == "P"
            continue
        kind = "P" if op.startswith("/P <<") else ("Span" if "ActualText" in op else "other")
        if kind == "Span":
            assert inside_p, "an ActualText span outside tagged content"
        depth.append(kind)
        inside_p += kind == "P"
    assert not depth


def test_untagged_output_draws_the_same_glyphs_without_actual_text(monkeypatch):
    monkeypatch.setenv("DOCFORGE_PDF_UNTAGGED", "1")
    data = pdf_of(DEVANAGARI_PRE_BASE)
    assert "ActualText" not in content_streams(data)[0]
    assert "दुिनया" in "".join(c["text"] for c in chars_of(data))


def test_right_to_left_words_get_no_actual_text_and_pdftotext_reads_them_logically(tmp_path):
    """pdftotext puts the visual glyphs of a right-to-left line back in logical order itself
    (an ActualText word would be reversed a second time)."""
    import unicodedata
    hebrew, arabic = "שלום עולם זהו מבחן", "مرحبا بالعالم"
    data = pdf_of(hebrew, arabic)
    assert "ActualText" not in content_streams(data)[0]
    extracted = unicodedata.normalize("NFKC", pdftotext(data, tmp_path))
    assert hebrew in extracted and arabic in extracted


# ---------------------------------------------------------------- right to left

HEBREW = "שלום עולם זהו מבחן"


def test_a_hebrew_paragraph_is_in_visual_order_and_right_aligned():
    data = pdf_of(HEBREW, "Left aligned Latin text.")
    chars = chars_of(data)
    hebrew = [c for c in chars if "Hebrew" in c["fontname"]]
    line = sorted((c for c in chars if c["size"] < 14 and abs(c["top"] - hebrew[0]["top"]) < 2),
                  key=lambda c: c["x0"])
    assert visual_text(line).strip() == HEBREW[::-1]  # left to right on the page: the last letter first
    latin = [c for c in chars if c["text"] == "L" and c["size"] < 14][0]
    right_edge = max(c["x1"] for c in hebrew)
    text_right = max(c["x1"] for c in chars if c["size"] < 14 and c["top"] < 700)
    assert abs(right_edge - text_right) < 1.0  # flush with the right margin
    assert min(c["x0"] for c in hebrew) > latin["x0"] + 100  # and not starting at the left margin


def test_a_long_hebrew_paragraph_breaks_in_logical_order_and_keeps_latin_words_left_to_right():
    text = " ".join(["אחת", "שתיים", "שלוש", "ארבע", "חמש"] * 12) + " עם open source בסוף."
    data = pdf_of(text)
    lines = body_lines(chars_of(data), "אחשת")
    assert len(lines) >= 2
    assert visual_text(lines[0]).endswith("אחת"[::-1])  # the first word at the right end of line 1
    last = squash(visual_text(lines[-1]))
    assert "opensource" in last  # a Latin run keeps its own order
    assert last.index(".") < last.index("open")  # the full stop ends the paragraph on the left


def test_a_first_line_indent_is_on_the_right_of_a_hebrew_paragraph(tmp_path):
    theme = tmp_path / "indent.toml"
    theme.write_text('extends = "handout"\n[spacing]\nfirst_line_indent = 30.0\n')
    text = " ".join(["אחת", "שתיים", "שלוש", "ארבע", "חמש"] * 12)
    lines = body_lines(chars_of(pdf_of(text, style=str(theme))), "אחשת")
    rights = [max(c["x1"] for c in line) for line in lines]
    lefts = [min(c["x0"] for c in line) for line in lines]
    assert len(lines) >= 3
    assert abs(rights[1] - rights[2]) < 1 and rights[0] < rights[1] - 25  # indented on the right
    assert abs(lefts[0] - lefts[1]) < 1  # and justified flush on the left


def test_arabic_is_shaped_into_joining_forms_and_right_aligned():
    data = pdf_of("مرحبا بالعالم", "Latin")
    chars = chars_of(data)
    arabic = [c for c in chars if "Arabic" in c["fontname"]]
    assert arabic and any(PRESENTATION_FORMS.match(c["text"]) for c in arabic)
    latin = [c for c in chars if c["text"] == "L" and c["size"] < 14][0]
    assert min(c["x0"] for c in arabic) > latin["x0"] + 100


def test_direction_follows_the_document_language_and_a_divs_language():
    """Mostly Latin with one Hebrew word: left to right in an English document, right to
    left (the Hebrew word right of the Latin run before it, "today" at the left end) in a
    Hebrew one or inside a Hebrew div."""
    import pdfplumber
    mixed = "Release 2 of the program is called שלום today"

    def positions(data: bytes) -> tuple[float, float, float]:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[0]  # (above the footer, which has a page number on page 1 too)
            words = [w for w in page.extract_words() if w["bottom"] < page.height - 40]
        x = {w["text"]: w["x0"] for w in words}
        hebrew = min(w["x0"] for w in words if scripts.word_class(w["text"]) == scripts.RTL_WORD)
        return x["Release"], hebrew, x["today"]

    release, hebrew, today = positions(pdf_of(mixed, language="en"))
    assert release < hebrew < today
    div = Document(Meta(title="Div", language="en"), (Div((Paragraph((Text(mixed),)),), lang="he"),))
    for data in (pdf_of(mixed, language="he"), docforge.write(div, "pdf")):
        release, hebrew, today = positions(data)
        assert today < hebrew < release


def test_a_hebrew_phrase_in_an_english_paragraph_reads_right_to_left():
    """Left to right around it, but the phrase's own words go right to left: the first
    Hebrew word right of the second."""
    import pdfplumber
    data = pdf_of("He said שלום עולם 2024 to everyone.", language="en")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        words = pdf.pages[0].extract_words()
    x = {w["text"]: w["x0"] for w in words}
    first, second = "שלום"[::-1], "עולם"[::-1]  # pdfplumber reads each word left to right
    assert x["said"] < x["2024"] < x[second] < x[first] < x["to"]


def test_a_hebrew_title_is_right_to_left_in_the_title_block_and_the_running_header():
    title = "כותרת בעברית"
    doc = Document(Meta(title=title), tuple(Paragraph((Text("Filler paragraph number %d." % i),))
                                            for i in range(80)))
    data = docforge.write(doc, "pdf")
    for page in (0, 1):  # the title block on page 1, the running header on page 2
        chars = sorted((c for c in chars_of(data, page) if "\u0590" <= c["text"] <= "\u05ff"),
                       key=lambda c: c["x0"])
        assert squash(visual_text(chars)) == squash(title)[::-1], page


def header_chars(data: bytes, page: int) -> list[dict]:
    """The running header's characters: the line above the text frame's top."""
    chars = chars_of(data, page)
    top = min(c["top"] for c in chars)
    return [c for c in chars if abs(c["top"] - top) < 2]


@pytest.mark.parametrize("title, right_aligned", [("כותרת בעברית ארוכה", True), ("مقال عن المدن", True),
                                                 ("A title in English", False),
                                                 ("An English title with one word שלום", False)])
def test_the_running_header_of_a_mostly_right_to_left_title_is_at_the_right_margin(title, right_aligned):
    import pdfplumber
    doc = Document(Meta(title=title), tuple(Paragraph((Text("Filler paragraph number %d." % i),))
                                            for i in range(80)))
    data = docforge.write(doc, "pdf")
    header = header_chars(data, 1)
    assert len(header) >= len(squash(title)) - 3  # the whole title (Arabic may join letters)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        body = [c for c in pdf.pages[1].chars if c["top"] > header[0]["bottom"] + 5 and c["top"] < 700]
    text_left = min(c["x0"] for c in body)  # the body's left-to-right lines start at the left margin
    frame_right = text_left + (595.28 - 2 * text_left)  # (the default theme's margins are equal)
    header_left, header_right = min(c["x0"] for c in header), max(c["x1"] for c in header)
    if right_aligned:
        assert abs(header_right - frame_right) < 1.0, (header_right, frame_right)
        assert header_left > text_left + 100
    else:
        assert abs(header_left - text_left) < 1.0 and header_right < frame_right - 100


def test_hebrew_list_items_notes_and_contents_entries_read_right_to_left():
    """A list item's bullet on the right of its text; a note (its paragraph made by the
    notes' own factory) and a contents entry in visual order."""
    import pdfplumber
    item = "פריט ברשימה"
    note = "הערה בעברית"
    heading = "פרק ראשון"
    doc = Document(Meta(title="Lists", language="he"), (
        Heading(1, (Text(heading),), id="h"),
        BulletList((ListItem((Paragraph((Text(item),)),)),)),
        Paragraph((Text("טקסט"), Note((Paragraph((Text(note),)),)))),
    ))
    data = docforge.write(doc, "pdf", options=WriteOptions(toc=True))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    lines: dict[float, list[dict]] = {}
    for ch in chars:
        lines.setdefault(round(ch["top"]), []).append(ch)
    texts = {top: squash(visual_text(sorted(line, key=lambda c: c["x0"]))) for top, line in lines.items()}
    for wanted in (item, note, heading):
        assert any(squash(wanted)[::-1] in text for text in texts.values()), (wanted, texts)
    item_top = next(top for top, text in texts.items() if squash(item)[::-1] in text)
    bullet = next(c for c in chars if c["text"] == "•")
    assert abs(bullet["top"] - item_top) < 5
    assert bullet["x0"] > max(c["x1"] for c in lines[item_top] if c["text"] != "•")


def test_without_a_shaper_hebrew_is_still_in_visual_order_and_the_missing_shaper_is_named(monkeypatch):
    monkeypatch.setattr(scripts, "SHAPING_AVAILABLE", False)
    diagnostics: list = []
    chars = chars_of(pdf_of(HEBREW, diagnostics=diagnostics))
    hebrew = sorted((c for c in chars if "\u0590" <= c["text"] <= "\u05ff"), key=lambda c: c["x0"])
    assert squash(visual_text(hebrew)) == squash(HEBREW)[::-1]
    assert any("without shaping" in str(d) and "uharfbuzz" in str(d) for d in diagnostics)
    quiet: list = []
    monkeypatch.setattr(scripts, "SHAPING_AVAILABLE", True)
    pdf_of(HEBREW, diagnostics=quiet)
    assert not any("uharfbuzz" in str(d) for d in quiet)


def test_scripts_pdf_is_the_same_bytes_every_time():
    texts = [SCRIPTS[name][0] for name in SCRIPTS] + [HEBREW, "مرحبا بالعالم"]
    assert pdf_of(*texts, style="handout") == pdf_of(*texts, style="handout")


# ---------------------------------------------------------------- the rules themselves


def test_visual_order_reverses_rtl_words_and_keeps_latin_runs_and_numbers_apart():
    tokens = ["א", " ", "open", " ", "source", ",", " ", "ג", " ", "2024", " ", "3", " ", "ב", " ", "v", " ", "2"]
    classes = [scripts.word_class(t) if not t.isspace() else scripts.NEUTRAL for t in tokens]
    assert classes[2] == scripts.LTR_WORD and classes[9] == scripts.NUMBER and classes[0] == scripts.RTL_WORD
    # numbers after Hebrew are runs of their own; after a Latin word ("v 2") part of its run
    assert "".join(scripts.visual_order(tokens, classes)) == "v 2 ב 3 2024 ג ,open source א"
    # in a left-to-right line only the Hebrew run turns round, numbers after Hebrew with it
    tokens = ["a", " ", "א", " ", "ב", " ", "1", " ", "b"]
    classes = [scripts.word_class(t) if not t.isspace() else scripts.NEUTRAL for t in tokens]
    assert "".join(scripts.visual_order(tokens, classes, rtl=False)) == "a 1 ב א b"


def test_only_text_in_a_complex_script_is_shaped_or_made_right_to_left():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    style = ParagraphStyle("t")

    class Noted:  # stands for the FontSet, where the hook notes a missing shaper
        unshaped = False
    assert scripts.layout("plain Latin text", style, RLParagraph, "en", Noted()) == (style, RLParagraph)
    shaped, factory = scripts.layout("नमस्ते", style, RLParagraph, "en", Noted())
    assert shaped.shaping == 1 and factory is RLParagraph
    _, hebrew = scripts.layout("שלום", style, RLParagraph, "en", Noted())
    made = hebrew("שלום", style)
    assert isinstance(made, RLParagraph) and type(made) is not RLParagraph and made.is_rtl()
    assert scripts.mostly_rtl("שלום עולם and") and not scripts.mostly_rtl("a long English text with שלום")


def test_a_latin_word_split_into_font_runs_keeps_its_order_in_a_right_to_left_line():
    """Small caps draw "01a" as "01" and a smaller "A": two runs of one word, which a
    right-to-left line must not swap ("A01" was drawn)."""
    tokens = ["שלום", " ", "01", "A"]
    classes = [scripts.word_class(t) for t in tokens]
    assert "".join(scripts.visual_order(tokens, classes)) == "01A שלום"
    tokens = ["שלום", " ", "01", " ", "A"]  # with a space between, the number stays apart (N1)
    classes = [scripts.word_class(t) for t in tokens]
    assert "".join(scripts.visual_order(tokens, classes)) == "A 01 שלום"
