"""Any document through every writer gives a file its format's own tools accept.

Documents come from tests/strategies.py: control characters, lone surrogates, 10,000-
character words, 1- and 200-column ragged tables, deep nesting, hostile URLs. HTML and
EPUB files are collected and validated in one Nu checker / epubcheck run at the end
(a Java start per example would be too slow for CI), and by the accessibility checkers
(axe-core on every page at desktop and phone width, Ace on every book); `make fuzz`
runs a longer profile.
Every output is also read back (HTML and EPUB text, the JSON reader, python-docx, pypdf)
and must hold every word of the document, with a generous hang guard per example.
"""
import contextlib
import functools
import io
import os
import re
import signal
import subprocess
import unicodedata
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

import docforge
from docforge import formats
from docforge.model import Code, CodeBlock, Document, Emph, LineBreak, Link, Meta, Paragraph, Strong, Text
from docforge.writers.semantics import safe_url
from conftest import run_pandoc
from strategies import deep_list, documents

COLLECTED: dict[str, list[Path]] = {"html": [], "epub": []}
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FUZZ = settings(max_examples=1000 if LONG else 25, deadline=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


def _write(doc, fmt):
    diags: list = []
    data = docforge.write(doc, fmt, diagnostics=diags)
    assert isinstance(data, bytes) and data
    return data


# make fuzz's finds (axe link-name in the collected pages and books): links whose text the
# escaper drops or axe trims ("\x01" in an Emph, U+FEFF), one to an anchor no node has
_LINKS_SHOWING_NOTHING = Document(Meta(title=""), (Paragraph((
    Text("0"), Link((Emph((Text("\x01"),)),), "https://example.org/a?b=1&c=2"),
    Link((Text("\ufeff"),), "mailto:a@b.c"), Link((), "#ref-1"))),))


def test_property_html_is_well_formed_and_inert(out_dir):
    @FUZZ
    @given(documents)
    @example(_LINKS_SHOWING_NOTHING)
    def check(doc):
        data = _write(doc, "html").decode("utf-8")
        body = data.split("<article>", 1)[1]
        assert "<script" not in body.lower() and "javascript:" not in body.lower()
        assert " onerror=" not in body
        path = out_dir / f"h{len(COLLECTED['html'])}.html"
        path.write_text(data, encoding="utf-8")
        COLLECTED["html"].append(path)
    check()


def test_property_json_is_accepted_by_pandoc(pandoc):
    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "json")
        run_pandoc(pandoc, ["-f", "json", "-t", "html"], data)
        assert docforge.read(data, "json") is not None
    check()


def test_property_pdf_opens_in_pypdf():
    from pypdf import PdfReader

    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "pdf")
        assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    check()


def test_property_docx_opens_in_python_docx_and_pandoc(pandoc):
    import docx

    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "docx")
        docx.Document(io.BytesIO(data))
        run_pandoc(pandoc, ["-f", "docx", "-t", "json"], data)
    check()


def test_property_epub_is_a_zip_with_mimetype_first(out_dir):
    @FUZZ
    @given(documents)
    @example(_LINKS_SHOWING_NOTHING)
    def check(doc):
        data = _write(doc, "epub")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.namelist()[0] == "mimetype"
        if len(COLLECTED["epub"]) < (40 if LONG else 6):
            path = out_dir / f"e{len(COLLECTED['epub'])}.epub"
            path.write_bytes(data)
            COLLECTED["epub"].append(path)
    check()


@pytest.mark.parametrize("fmt", formats.names("writer"))
def test_300_deep_nesting_writes_in_every_format(fmt):
    assert _write(deep_list(300), fmt)


def test_collected_html_passes_the_nu_checker(nu_checker):
    assert COLLECTED["html"], "the HTML property test must run first"
    assert nu_checker(COLLECTED["html"]) == ""


def test_collected_epubs_pass_epubcheck():
    from conftest import epubcheck_all
    assert COLLECTED["epub"], "the EPUB property test must run first"
    assert epubcheck_all(COLLECTED["epub"]) == {}


def test_collected_html_passes_axe_at_desktop_and_phone_width():
    from a11y_checkers import AUTHOR_STRUCTURE, axe_check, listing
    assert COLLECTED["html"], "the HTML property test must run first"
    found = axe_check(COLLECTED["html"], ignore=AUTHOR_STRUCTURE)
    assert found == {}, listing(found)


def test_collected_epubs_pass_ace():
    from a11y_checkers import AUTHOR_STRUCTURE, ace_check, listing
    assert COLLECTED["epub"], "the EPUB property test must run first"
    found = ace_check(COLLECTED["epub"], ignore=AUTHOR_STRUCTURE)
    assert found == {}, listing(found)


# ---------------------------------------------------------------- no lost word
# Every word of a hostile document is in what its output reads back as. Words are runs of
# letters and digits after NFKC and casefolding, so what the writers legitimately change
# is not counted as a loss: whitespace, dropped control and XML-illegal characters, lone
# surrogates replaced by "?", punctuation, escaping; PDF lines broken inside a word or
# hyphenated at a line end (its text is compared with every non-letter squeezed out, and
# right-to-left words may come back in visual order). Labels the writers add ("Table 1",
# "Contents") are extra words, not lost ones.
WORD = re.compile(r"[^\W_]+")
WORDS_FUZZ = settings(max_examples=300 if LONG else 6, deadline=None, suppress_health_check=list(HealthCheck))
# Characters no format keeps or XML cannot hold (controls, lone surrogates, unassigned,
# private-use, format characters): dropped on both sides before words are cut, so that
# "0\x010" is the word "00", as the output shows it; the separators among the controls
# (vertical tab, form feed, U+001C-U+001F, NEL) are a space, so "0\f0" is "0" and "0".


def _direction_runs(word: str) -> list[str]:
    runs = re.findall("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+|[^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+", word)
    return runs or [word]


SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")  # every writer writes them as a space (issue 18)


def _visible(text: str) -> str:
    return "".join(" " if ch in SEPARATORS else ch for ch in text
                   if ch in "\t\n\r" or ch in SEPARATORS or unicodedata.category(ch)[0] != "C")


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", _visible(text)).casefold())


_JOINING = (Text, Code, Emph, Strong, Link)  # inlines whose text runs on into the next one


def _shown_text(node, urls: bool = False, in_link: bool = False) -> str:
    """A node's text as the writers lay it out: inline markup joins (Text("0"), Code("0")
    is "00"); a citation label, a line break, and the border between two blocks, cells or
    a caption and a cell separate. With `urls` (HTML, EPUB), a link outside a link whose
    text is blank shows its safe URL in its place, running on like its text would
    (Text("0") and such a link to https://… read "0https…")."""
    if isinstance(node, (Text, Code, CodeBlock)):
        return node.text
    if isinstance(node, (Emph, Strong, Link)):
        inner = "".join(_shown_text(child, urls, in_link or isinstance(node, Link)) for child in node.inlines)
        if urls and isinstance(node, Link) and not in_link and _blank(node.inlines) \
                and not node.url.startswith("#") and safe_url(node.url) is not None:
            inner += node.url.strip()
        return inner
    if isinstance(node, tuple):
        out = []
        for index, child in enumerate(node):
            if index and not (isinstance(child, _JOINING) and isinstance(node[index - 1], _JOINING)):
                out.append(" ")
            out.append(_shown_text(child, urls, in_link))
        return "".join(out)
    if not hasattr(node, "_fields"):  # an id, a URL, a label: not shown as the document's words
        return " "
    shown = [getattr(node, name) for name in node._fields]
    return " " + " ".join(_shown_text(v, urls, in_link) for v in shown
                          if isinstance(v, tuple) or hasattr(v, "_fields")) + " "


def _blank(inlines) -> bool:
    """Inlines of text, line breaks and markup only (no citation, note, image…, which
    prepare or the writer may show) whose text is blank."""
    return all(isinstance(n, (Text, Code)) and not n.text.strip() or isinstance(n, LineBreak)
               or isinstance(n, (Emph, Strong)) and _blank(n.inlines) for n in inlines)


def document_words(doc, fmt: str) -> list[str]:
    texts = [_shown_text(block, urls=fmt in ("html", "epub")) for block in doc.blocks]
    if fmt == "json":  # its documented policy: a lone surrogate becomes "?" (UTF-8 cannot hold it)
        texts = [re.sub("[\ud800-\udfff]", "?", t) for t in texts]
    found = [w for t in texts for w in words(t)]
    if fmt == "pdf":  # only what an embedded TrueType font can draw can be read back as text
        fonts = _pdf_fonts()
        found = [w for w in found if all(fonts(ch) for ch in w)]
    return found


@functools.lru_cache(maxsize=1)
def _pdf_fonts():
    from docforge.style import load_style
    from docforge.writers.pdf.fonts import build_fontset

    fontset = build_fontset(load_style(None))
    families = [fontset.body, fontset.heading, fontset.mono] + fontset.fallbacks
    embedded = [f for f in families if f.embedded]
    return lambda ch: any(f.covers(ch) for f in embedded)


class _TextOf(HTMLParser):
    """The character data of an HTML/XHTML page outside <head>, <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    INLINE = frozenset("a abbr b bdi bdo cite code em i q s small span strong sub sup u".split())

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("head", "script", "style")
        if tag not in self.INLINE:
            self.parts.append(" ")
        if tag == "li" and not self.skipping:
            # a numbered reference's label is its list marker (`<li value="3">` shows "3."):
            # shown, so read back like text
            value = dict(attrs).get("value")
            if value:
                self.parts.append(f"{value} ")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("head", "script", "style")
        if tag not in self.INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def docx_text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    package = docx.Document(io.BytesIO(data))
    parts = [package.element.body]
    for rel in package.part.rels.values():  # footnotes and the like hold text too
        if "footnotes" in rel.reltype or "endnotes" in rel.reltype:
            target = rel.target_part  # python-docx loads footnotes.xml as bytes, not XML
            parts.append(getattr(target, "element", None) or etree.fromstring(target.blob))
    labels = _word_list_labels(package)
    out = []
    for root in parts:
        for p in root.iter(qn("w:p")):
            out.append(labels(p) + "".join(t.text or "" if t.tag == qn("w:t") else " "
                                           for t in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"))))
    return "\n".join(out)


def _word_list_labels(package):
    """paragraph -> the number Word shows before it ("3. "), "" for unnumbered paragraphs
    and bullets: a reference list is Word-numbered, its labels are not text in the runs."""
    from docx.oxml.ns import qn

    try:
        numbering = package.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return lambda p: ""
    formats = {}  # abstractNumId -> {ilvl: (numFmt, lvlText, start)}
    for abstract in numbering.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in abstract.findall(qn("w:lvl")):
            value = lambda tag, default: (lvl.find(qn(tag)).get(qn("w:val")) if lvl.find(qn(tag)) is not None
                                          else default)  # noqa: E731
            levels[lvl.get(qn("w:ilvl"))] = (value("w:numFmt", "decimal"), value("w:lvlText", ""),
                                             int(value("w:start", "1")))
        formats[abstract.get(qn("w:abstractNumId"))] = levels
    nums = {}  # numId -> (levels, {ilvl: start override})
    for num in numbering.findall(qn("w:num")):
        overrides = {o.get(qn("w:ilvl")): int(o.find(qn("w:startOverride")).get(qn("w:val")))
                     for o in num.findall(qn("w:lvlOverride")) if o.find(qn("w:startOverride")) is not None}
        nums[num.get(qn("w:numId"))] = (formats.get(num.find(qn("w:abstractNumId")).get(qn("w:val")), {}),
                                        overrides)
    counters: dict = {}

    def label(p) -> str:
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return ""
        num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        ilvl = num_pr.find(qn("w:ilvl")).get(qn("w:val")) if num_pr.find(qn("w:ilvl")) is not None else "0"
        levels, overrides = nums.get(num_id, ({}, {}))
        fmt, text, start = levels.get(ilvl, ("bullet", "", 1))
        if fmt != "decimal":
            return ""
        n = counters.get((num_id, ilvl), overrides.get(ilvl, start) - 1) + 1
        counters[(num_id, ilvl)] = n
        return text.replace(f"%{int(ilvl) + 1}", str(n)) + " "
    return label


def epub_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(html_text(z.read(n).decode("utf-8")) for n in z.namelist()
                         if n.endswith(".xhtml") and not n.endswith("nav.xhtml"))


def pdf_text(data: bytes) -> str:
    """The text drawn inside the default theme's frame, in drawing order (pypdf): the
    running header (the title) and the footer ("Page 2 of 4") are page furniture, and left
    in they would cut a word that runs across pages in two. (pdfplumber orders by position
    and splits runs of mixed fonts; pdftotext drops characters of overflowing lines.)"""
    from pypdf import PdfReader
    from docforge.style import load_style
    from reportlab.lib.units import mm

    margins = load_style(None).page
    out: list[str] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        top = float(page.mediabox.height) - margins.margin_top * mm + 3
        bottom = margins.margin_bottom * mm * 0.75

        def inside(text, cm, tm, font, size):
            y = cm[3] * tm[5] + cm[1] * tm[4] + cm[5]
            if bottom <= y <= top or not text.strip():
                out.append(text)
        page.extract_text(visitor_text=inside)
        out.append("\n")
    return "".join(out)


def json_text(data: bytes) -> str:
    back = docforge.read(data, "json")
    return "\n".join(_shown_text(b) for b in back.blocks)


READ_BACK = {"html": lambda d: html_text(d.decode("utf-8")), "epub": epub_text, "docx": docx_text,
             "pdf": pdf_text, "json": json_text}


def lost_words(doc, fmt: str, data: bytes) -> list[str]:
    expected = document_words(doc, fmt)
    text = READ_BACK[fmt](data)
    if fmt == "pdf":  # right-to-left runs come back in visual order, apart from the rest of a word
        squeezed = "".join(words(text))
        return [w for w in expected
                if any(run not in squeezed and run[::-1] not in squeezed for run in _direction_runs(w))]
    missing = Counter(expected) - Counter(words(text))
    return sorted(missing.elements())


EXAMPLE_LIMIT_S = 120  # a hang guard, not a speed test: the slowest example takes a few seconds


@contextlib.contextmanager
def hang_guard(seconds: int = EXAMPLE_LIMIT_S):
    def fail(signum, frame):
        raise TimeoutError(f"one document took over {seconds} s to write and read back")
    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# make fuzz's finds: a link without text after "0" (HTML shows its URL there: "0https…"),
# one holding only a line break before "0" ("…c=20"),
# and link text "\ud800 lone" (DOCX trimmed the space the surrogate left: "0lone")
_LINK_WITHOUT_TEXT = Document(Meta(title=""), (Paragraph((Text("0"), Link((), "https://example.org/a?b=1&c=2"))),))
_LINK_OF_A_LINE_BREAK = Document(Meta(title=""), (Paragraph((
    Link((LineBreak(),), "https://example.org/a?b=1&c=2"), Text("0"))),))
_LINK_TEXT_AFTER_A_LONE_SURROGATE = Document(Meta(title=""), (Paragraph((
    Text("0"), Link((Text("\ud800 lone"),), "https://example.org/a?b=1&c=2"))),))


@pytest.mark.parametrize("fmt", sorted(READ_BACK))
def test_property_no_word_is_lost(fmt):
    # docforge's own writers; pandoc's formats: tests/test_bridge.py (through pandoc's readers)
    assert set(READ_BACK) == {n for n in formats.names("writer") if not formats.lookup(n).bridged("writer")}, \
        "every writer needs a read-back"

    @WORDS_FUZZ
    @given(documents)
    @example(_LINK_WITHOUT_TEXT)
    @example(_LINK_OF_A_LINE_BREAK)
    @example(_LINK_TEXT_AFTER_A_LONE_SURROGATE)
    def check(doc):
        with hang_guard():
            lost = lost_words(doc, fmt, _write(doc, fmt))
        assert not lost, f"{fmt} lost {lost[:10]}"
    check()
