"""The labels catalogue (docforge/labels.py, labels.toml), its theme overrides, and every
writer printing the document's language, direction and labels: a Chinese, an Arabic, a
French and a Russian feed through HTML, EPUB, DOCX, PDF and JSON."""
import io
import json
import re
import unicodedata
import zipfile

import pdfplumber
import pytest
from lxml import etree
from pypdf import PdfReader

import docforge
from docforge.errors import StyleError
from docforge.labels import (KEYS, catalogue, catalogue_language, check_pattern, format_date, is_rtl,
                             labels_for)
from docforge.model import Note, Paragraph, Table, Text, map_tree
from docforge.options import WriteOptions
from docforge.records import replace
from docforge.style import load_style

LANGUAGES = ("en", "zh-Hans", "zh-Hant", "ja", "ko", "fr", "de", "es", "pt", "ru", "ar", "he")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Feeds written for these tests: a header, a heading, a table, paragraphs enough for a
# second PDF page (whose footer says "Page 2 of N"), keywords.
FEEDS = {
    "zh": ("Title: 城市交通的新计划\nAuthor: 王小明\nDate: 2026-03-14\nKeywords: 交通, 城市\n\n"
           "发展背景\n\n" + "市议会周三在经过长时间辩论后批准了一项新的交通计划，内容涉及公交车、自行车道和老城区的停车费用。\n\n" * 40
           + "线路 | 班次\n--- | ---\n一号线 | 12\n二号线 | 8\n"),
    "ar": ("Title: خطة جديدة للنقل في المدينة\nAuthor: أحمد علي\nDate: 2026-03-14\nKeywords: النقل, المدينة\n\n"
           "الخلفية\n\n" + "وافق مجلس المدينة يوم الأربعاء على خطة جديدة للنقل بعد نقاش طويل حول الحافلات ومسارات الدراجات وتكلفة مواقف السيارات في المدينة القديمة.\n\n" * 40
           + "الخط | الرحلات\n--- | ---\nالأول | 12\nالثاني | 8\n"),
    "fr": ("Title: Un nouveau plan de transport\nAuthor: Marie Dupont\nDate: 2026-03-14\nKeywords: transport, ville\n\n"
           "Le contexte\n\n" + "Le conseil municipal a approuvé mercredi un nouveau plan de transport après un long débat sur les bus, les pistes cyclables et le prix du stationnement dans la vieille ville.\n\n" * 40
           + "Ligne | Départs\n--- | ---\nUne | 12\nDeux | 8\n"),
    "ru": ("Title: Новый транспортный план города\nAuthor: Иван Петров\nDate: 2026-03-14\nKeywords: транспорт, город\n\n"
           "Предыстория\n\n" + "Городской совет в среду после долгих споров утвердил новый транспортный план, касающийся автобусов, велосипедных дорожек и стоимости парковки в старом городе.\n\n" * 40
           + "Линия | Рейсы\n--- | ---\nПервая | 12\nВторая | 8\n"),
}
EXPECTED = {  # language, direction, catalogue table, a caption lead, date as shown
    "zh": ("zh-Hans", "ltr", "zh-Hans", "表 1：", "2026年3月14日"),
    "ar": ("ar", "rtl", "ar", "جدول 1: ", "14 مارس 2026"),
    "fr": ("fr", "ltr", "fr", "Tableau 1 : ", "14 mars 2026"),
    "ru": ("ru", "ltr", "ru", "Таблица 1: ", "14 марта 2026 г."),
}
CAPTION = "Caption-Text"  # feeds have no table captions: the tests give the table one


def feed_document(name: str):
    """The feed read (language detected), its table captioned and one footnote added."""
    doc = docforge.read(FEEDS[name].encode(), name=f"{name}.txt")

    def fix(node):
        if type(node) is Table:
            return replace(node, caption=(Text(CAPTION),))
        return node

    doc = map_tree(doc, fix, frozenset({Table}))
    first = doc.blocks[1]
    assert type(first) is Paragraph
    with_note = replace(first, inlines=first.inlines + (Note((Paragraph((Text("note"),)),)),))
    return replace(doc, blocks=(doc.blocks[0], with_note) + doc.blocks[2:])


# ------------------------------------------------------------------ the catalogue

def test_the_catalogue_has_every_key_for_every_language():
    cat = catalogue()
    assert set(LANGUAGES) <= set(cat)
    for language in cat:
        assert sorted(cat[language]) == sorted(KEYS), language
        for key, value in cat[language].items():
            assert check_pattern(key, value) is None, (language, key, value)


def test_every_language_says_it_its_own_way():
    # a catalogue copied from English by mistake would pass the completeness test
    for language in LANGUAGES[1:]:
        assert labels_for(language).contents != labels_for("en").contents, language
        assert labels_for(language).page_of != labels_for("en").page_of or language == "fr", language


@pytest.mark.parametrize("tag, expected", [
    ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"), ("zh-CN", "zh-Hans"),
    ("zh", "zh-Hans"), ("zh_Hans", "zh-Hans"), ("pt-BR", "pt"), ("fr-CA", "fr"), ("EN-us", "en"),
    ("he-IL", "he"), ("sw", "en"), ("", "en"), ("x-klingon", "en")])
def test_lookup_by_bcp47_with_fallbacks(tag, expected):
    assert catalogue_language(tag) == expected


@pytest.mark.parametrize("language, shown", [
    ("en", "March 14, 2026"), ("fr", "14 mars 2026"), ("de", "14. März 2026"),
    ("zh-Hans", "2026年3月14日"), ("ja", "2026年3月14日"), ("ko", "2026년 3월 14일"),
    ("ru", "14 марта 2026 г."), ("es", "14 de marzo de 2026"), ("he", "14 במרץ 2026")])
def test_dates_are_written_for_the_language(language, shown):
    assert format_date("2026-03-14", labels_for(language)) == shown


def test_dates_that_are_not_iso_stay_as_written():
    labels = labels_for("fr")
    assert format_date("Spring 2026", labels) == "Spring 2026"
    assert format_date("2026-13-01", labels) == "2026-13-01"


@pytest.mark.parametrize("tag, rtl", [("ar", True), ("he", True), ("fa-IR", True), ("ur", True),
                                      ("yi", True), ("ps", True), ("en", False), ("zh-Hans", False),
                                      ("az-Arab", True), ("ku-Latn", False), ("ru", False)])
def test_right_to_left_languages(tag, rtl):
    assert is_rtl(tag) is rtl


# ------------------------------------------------------------------ theme overrides

def test_a_theme_overrides_labels_for_every_language_or_one():
    style = load_style(overrides={"labels": {"table": "Tab. {n}", "fr": {"page_of": "{page}/{pages}"}}})
    assert labels_for("fr", style).table_label(2) == "Tab. 2"
    assert labels_for("fr", style).page_of_text(2, 5) == "2/5"
    assert labels_for("de", style).page_of_text(2, 5) == "Seite 2 von 5"
    assert labels_for("de", style).table_label(2) == "Tab. 2"


def test_a_theme_override_reaches_the_outputs():
    style = load_style(overrides={"labels": {"fr": {"table": "Tab. {n}", "contents": "Sommaire"}}})
    doc = feed_document("fr")
    html = docforge.write(doc, "html", style=style, options=WriteOptions(toc=True)).decode()
    assert "Tab. 1 :" in html and ">Sommaire<" in html


def test_the_older_single_language_theme_keys_still_apply():
    style = load_style(overrides={"table": {"caption_prefix": "Tab"}, "text": {"keywords_label": "Tags"}})
    labels = labels_for("ru", style)
    assert (labels.table_label(1), labels.keywords, labels.contents) == ("Tab 1", "Tags", "Содержание")


@pytest.mark.parametrize("labels, fragment", [
    ({"tabel": "x"}, "labels.tabel"), ({"page_of": "Page {page}"}, "{pages}"),
    ({"fr": {"table": "Tableau {x}"}}, "{x}"), ({"months": ["a"]}, "twelve")])
def test_bad_theme_labels_are_style_errors_naming_the_key(labels, fragment):
    with pytest.raises(StyleError, match=re.escape(fragment)):
        load_style(overrides={"labels": labels})


# ------------------------------------------------------------------ uncaptioned tables

def test_an_uncaptioned_table_shows_no_bare_label_in_any_format():
    doc = docforge.read(FEEDS["fr"].encode(), name="fr.txt")
    html = docforge.write(doc, "html").decode()
    # (not shown; the scrolling region is still named by it for screen readers)
    shown_html = re.sub(r'aria-label="[^"]*"', "", html)
    assert "Tableau 1" not in shown_html and 'id="table-1"' in html and 'aria-label="Tableau 1"' in html
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "docx"))) as z:
        assert "Tableau 1" not in z.read("word/document.xml").decode()
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "epub"))) as z:
        assert not any("Tableau 1" in re.sub(r'aria-label="[^"]*"', "", z.read(n).decode())
                       for n in z.namelist() if n.endswith(".xhtml"))
    with pdfplumber.open(io.BytesIO(docforge.write(doc, "pdf"))) as pdf:
        assert not any("Tableau 1" in (page.extract_text() or "") for page in pdf.pages)


# ------------------------------------------------------------------ every writer, four languages

@pytest.fixture(scope="module", params=sorted(FEEDS))
def written(request):
    doc = feed_document(request.param)
    options = WriteOptions(toc=True)
    return request.param, doc, {fmt: docforge.write(doc, fmt, options=options)
                                for fmt in ("html", "epub", "docx", "pdf", "json")}


def test_the_feed_language_is_detected(written):
    name, doc, _ = written
    assert doc.meta.language == EXPECTED[name][0]


def test_html_has_lang_dir_and_labels(written):
    name, doc, out = written
    language, direction, table, lead, date = EXPECTED[name]
    labels = labels_for(language)
    html = out["html"].decode()
    root = re.search(r"<html[^>]*>", html).group(0)
    assert f'lang="{language}"' in root
    assert ('dir="rtl"' in root) is (direction == "rtl")
    text = re.sub(r"<[^>]+>", "", html)
    assert lead + CAPTION in text
    assert labels.keywords + labels.colon.rstrip(" ") in text
    assert labels.list_separator.join(doc.meta.keywords) in text
    assert f">{labels.contents}<" in html
    assert date in text and 'datetime="2026-03-14"' in html
    # the theme's CSS aligns to the start side, so a right-to-left page mirrors it
    assert re.search(r"body \{[^}]*text-align: start;", html) and '[dir="rtl"] ol' in html


def test_epub_has_language_direction_and_labels(written):
    name, doc, out = written
    language, direction, table, lead, date = EXPECTED[name]
    labels = labels_for(language)
    with zipfile.ZipFile(io.BytesIO(out["epub"])) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        pages = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    assert opf.get(XML_LANG) == language
    assert (opf.get("dir") == "rtl") is (direction == "rtl")
    assert [e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}language")] == [language]
    for page_name, page in pages.items():
        root = etree.fromstring(page.encode())
        assert root.get("lang") == language and root.get(XML_LANG) == language, page_name
        assert (root.get("dir") == "rtl" or (root.find(f"{{http://www.w3.org/1999/xhtml}}body") is not None
                and root.find("{http://www.w3.org/1999/xhtml}body").get("dir") == "rtl")) is (direction == "rtl"), page_name
    text = "".join(re.sub(r"<[^>]+>", "", p) for p in pages.values())
    assert lead + CAPTION in text and labels.keywords in text and labels.contents in text
    if direction == "rtl":
        assert b'page-progression-direction="rtl"' in etree.tostring(opf)


def _word_lang(element):
    lang = element.find(f"{W}rPr/{W}lang")
    return {k.replace(W, ""): v for k, v in lang.attrib.items()} if lang is not None else {}


def test_docx_has_word_languages_direction_and_labels(written):
    name, doc, out = written
    language, direction, table, lead, date = EXPECTED[name]
    labels = labels_for(language)
    with zipfile.ZipFile(io.BytesIO(out["docx"])) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
        footers = [etree.fromstring(z.read(n)).xpath("string()") for n in z.namelist()
                   if n.startswith("word/footer")]
    normal = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Normal")
    lang = _word_lang(normal)
    word_tag = {"zh-Hans": "zh-CN"}.get(language, language)
    assert lang["val"] == word_tag
    assert ("eastAsia" in lang) is (name == "zh") and lang.get("eastAsia", word_tag) == word_tag
    assert ("bidi" in lang) is (direction == "rtl")
    assert (normal.find(f"{W}pPr/{W}bidi") is not None) is (direction == "rtl")
    assert (normal.find(f"{W}rPr/{W}rtl") is not None) is (direction == "rtl")
    text = "".join(t.text or "" for t in body.iter(f"{W}t"))
    assert lead + CAPTION in text and labels.keywords + labels.colon in text and labels.contents in text
    assert date in text
    # the footer pattern's words around the PAGE / NUMPAGES fields (shown as 1 until Word updates them)
    # (every footer part: the first page has its own copy, under a header-less first page)
    assert footers and all(footer == labels.page_of_text(1, 1) for footer in footers)


def test_pdf_has_lang_footer_and_labels(written):
    name, doc, out = written
    language, direction, table, lead, date = EXPECTED[name]
    labels = labels_for(language)
    reader = PdfReader(io.BytesIO(out["pdf"]))
    assert reader.trailer["/Root"].get("/Lang") == language
    with pdfplumber.open(io.BytesIO(out["pdf"])) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert len(pages) >= 2
    joined = "\n".join(pages)
    if direction == "rtl":
        # (the footer too: drawn right to left, test_a_right_to_left_page_footer_reads_right_to_left)
        assert all(w in unicodedata.normalize("NFKC", pages[1]) or w[::-1] in unicodedata.normalize("NFKC", pages[1])
                   for w in labels.page_of_text(2, len(pages)).split())
        # shaped right-to-left lines are drawn, and extracted, in visual order as
        # presentation forms: compare word by word, normalised, either way round
        shown = unicodedata.normalize("NFKC", joined)
        for phrase in (lead, labels.contents, labels.notes, labels.keywords, date):
            for word in phrase.replace(":", " ").split():
                assert word in shown or word[::-1] in shown, (phrase, word)
        return
    assert labels.page_of_text(2, len(pages)) in pages[1]
    assert lead.strip() in joined and labels.contents in joined and labels.notes in joined
    assert labels.keywords + labels.colon.rstrip(" ") in joined
    assert date in joined


def test_json_carries_the_language(written):
    name, doc, out = written
    assert json.loads(out["json"])["meta"]["lang"] == {"t": "MetaString", "c": EXPECTED[name][0]}


def test_a_right_to_left_page_footer_reads_right_to_left():
    """"صفحة 1 من 3": the first word of the pattern at the right, shaped (drawn in visual
    order as the running header is), not left to right in logical order."""
    doc = docforge.read(FEEDS["ar"].encode(), name="ar.txt")
    with pdfplumber.open(io.BytesIO(docforge.write(doc, "pdf"))) as pdf:
        page = pdf.pages[0]
        words = [w for w in page.extract_words() if w["top"] > page.height - 60]
    x = {unicodedata.normalize("NFKC", w["text"]): w["x0"] for w in words}
    first, last = "صفحة", "من"
    def at(word):
        return x.get(word, x.get(word[::-1]))
    assert at(first) is not None and at(last) is not None, x
    assert at(first) > at(last)


def test_french_writes_the_first_of_the_month_as_an_ordinal_from_the_catalogue():
    fr = labels_for("fr")
    assert format_date("2026-03-01", fr) == "1er mars 2026"
    assert format_date("2026-03-02", fr) == "2 mars 2026"
    assert format_date("2026-03-01", labels_for("en")) == "March 1, 2026"
    assert catalogue()["fr"]["first_day"] == "1er"  # data, not code: a theme may change it
    assert check_pattern("first_day", "1.") is None


def test_say_fills_placeholders_once():
    fr = labels_for("fr")
    assert fr.say("page_title", heading="{title}", title="Livre") == "{title} – Livre"
    assert fr.say("a11y_tables", n=3) == "Tableaux de données avec cellules d’en-tête : 3."
    assert check_pattern("a11y_tables", "Tables") == "must contain {n}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_its_own_summary_and_fixed_words(language):
    labels = labels_for(language)
    english = labels_for("en")
    if language != "en":
        assert labels.a11y_reflowable != english.a11y_reflowable
        assert labels.untitled != english.untitled and labels.a11y_no_hazards != english.a11y_no_hazards


def test_a_headerless_table_stays_headerless_through_pandoc_json(pandoc):
    import subprocess
    from docforge.model import Cell, Document, Meta
    rows = tuple(tuple(Cell((Text(f"{r}{c}"),)) for c in range(3)) for r in range(2))
    doc = Document(Meta(title="T"), (Table((), rows, ("default",) * 3),))
    data = docforge.write(doc, "json")
    ast = json.loads(data)
    table = next(b for b in ast["blocks"] if b["t"] == "Table")
    assert table["c"][3][1] == [] and len(table["c"][2]) == 3  # empty TableHead, three columns
    html = subprocess.run([pandoc, "-f", "json", "-t", "html"], input=data, capture_output=True, check=True).stdout
    assert b"<thead>" not in html and html.count(b"<td>") == 6
    back = docforge.read(data, name="t.json")
    table_back = next(b for b in back.blocks if type(b) is Table)
    assert table_back.header == () and len(table_back.rows) == 2


def test_a_french_byline_dated_the_first_says_1er_in_html_and_docx():
    feed = FEEDS["fr"].replace("Date: 2026-03-14", "Date: 2026-03-01").encode()
    doc = docforge.read(feed, name="fr.txt")
    assert "1er mars 2026" in docforge.write(doc, "html").decode()
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "docx"))) as z:
        assert "1er mars 2026" in z.read("word/document.xml").decode()
