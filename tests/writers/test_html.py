import io
import re
from html.parser import HTMLParser

import pytest

import docforge
from docforge.model import Document, Link, Meta, Paragraph, Text
from docforge.options import WriteOptions
from docforge.style import load_style
from docforge.transforms import prepare
from docforge.writers.base import RenderContext
from conftest import DATA, SAMPLES
from ir_examples import rich_document


def html_of(doc, **options) -> str:
    return docforge.write(doc, "html", options=WriteOptions(**options)).decode()


def test_standalone_page_has_head_metadata_and_theme_css():
    html = html_of(rich_document())
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in html
    assert "<title>The Rich Sample: Every Node &lt;Type&gt; &amp; More</title>" in html
    assert '<meta name="keywords" content="testing, docforge, IR">' in html
    assert "font-family: Georgia" in html and "@media print" in html
    assert '<h1 class="title">' in html and '<p class="subtitle">A dek line</p>' in html


def test_tables_are_accessible_and_numbered():
    html = html_of(rich_document())
    assert '<table id="table-1">' in html
    assert '<caption><span class="table-label">Table 1:</span> Comparison</caption>' in html
    assert html.count('<th scope="col"') == 3 and "<thead>" in html
    assert "<td class=\"align-center\">DeepSeek | ERNIE</td>" in html


def test_references_have_ids_and_citations_link_to_them():
    html = html_of(rich_document())
    assert '<li id="ref-1" value="1">' in html
    assert '<a class="citation" href="#ref-1">[1]</a>' in html
    assert '<footer class="keywords">' in html


def test_sections_nest_by_heading_level():
    html = html_of(rich_document())
    body = html[html.index("<article>"):]
    assert body.count("<section") == body.count("</section>") == 5
    assert '<h2 id="introduction">Introduction</h2>' in html and '<h3 id="lists">' in html


def test_fragment_is_the_body_only():
    html = html_of(rich_document(), fragment=True)
    assert "<html" not in html and "<style>" not in html
    assert html.startswith('<header class="title-block">')


def test_toc_lists_headings_when_asked():
    html = html_of(rich_document(), toc=True)
    assert '<nav class="toc"' in html and '<a href="#lists">Lists</a>' in html
    assert '<nav class="toc"' not in html_of(rich_document())


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                                 "vbscript:x", "file:///etc/passwd", " javascript:alert(1)", "mailto:",
                                 "HTTPS://"])
def test_only_safe_urls_become_links(url):
    doc = Document(Meta(title="t"), (Paragraph((Link((Text("click"),), url),)),))
    html = html_of(doc)
    assert "href" not in html.split("<article>")[1] and "click" in html


def test_hostile_text_is_escaped_and_control_characters_dropped():
    evil = '<script>alert(1)</script> <img src=x onerror="alert(2)"> & \x00\x07\x1b'
    doc = Document(Meta(title=evil, keywords=(evil,)), (Paragraph((Text(evil),)),))
    diags: list = []
    html = docforge.write(doc, "html", diagnostics=diags).decode()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "onerror=&quot;" in html
    assert "\x00" not in html and "\x1b" not in html
    assert any("control character" in d.message for d in diags)


class _Strict(HTMLParser):
    """Checks that every element opened is closed in order (void elements aside)."""
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


@pytest.mark.parametrize("path", SAMPLES + [DATA / "seed-china-ai.txt"], ids=lambda p: p.name)
def test_every_sample_is_balanced(path):
    parser = _Strict()
    parser.feed(docforge.write(docforge.read(path), "html").decode())
    assert parser.stack == []


def test_nu_checker_finds_no_errors_in_any_sample(tmp_path, nu_checker):
    paths = []
    for path in SAMPLES + [DATA / "seed-china-ai.txt"]:
        target = tmp_path / f"{path.stem}.html"
        docforge.write(docforge.read(path), "html", target)
        paths.append(target)
    rich = tmp_path / "rich.html"
    docforge.write(rich_document(), "html", rich, options=WriteOptions(toc=True))
    paths.append(rich)
    handout = tmp_path / "rich-handout.html"
    docforge.write(rich_document(), "html", handout, style="handout")
    paths.append(handout)
    assert nu_checker(paths) == ""


def test_output_is_deterministic():
    assert html_of(rich_document()) == html_of(rich_document())


def test_every_noncharacter_is_dropped_and_counted():
    """U+FDD0..U+FDEF and the last two code points of all 17 planes: HTML forbids them
    (the Nu checker's "Astral non-character", found by the property test for plane 2)."""
    nonchars = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
        chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)]
    diagnostics: list = []
    doc = Document(Meta(title="T"), (Paragraph((Text("a" + "".join(nonchars) + "b"),)),))
    html = docforge.write(doc, "html", diagnostics=diagnostics).decode("utf-8")
    assert "ab" in html and not any(ch in html for ch in nonchars)
    assert any(f"dropped {len(nonchars)} control character" in str(d) for d in diagnostics), diagnostics


def test_the_page_shows_what_the_context_decided():
    """Citation labels, byline, language and whether there is a table of contents come
    from the RenderContext, never recomputed by the writer (that is how formats agree)."""
    from docforge.writers.html import writer
    style = load_style()
    context = RenderContext(prepare(rich_document(), style), style)
    context.reference_labels = {**context.reference_labels, "ref-1": "Smith 2020"}
    context.byline = ("The Editors", "2026-11-28")
    context.language, context.toc = "fr", True
    out = io.BytesIO()
    assert writer.write(context, out) == []
    html = out.getvalue().decode()
    assert '<a class="citation" href="#ref-1">[Smith 2020]</a>' in html
    assert '<p class="byline">The Editors · <time datetime="2026-11-28">2026-11-28</time></p>' in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">') and '<nav class="toc"' in html


def test_paper_option_sets_the_print_page_size():
    from docforge.options import WriteOptions
    html = docforge.write(rich_document(), "html", options=WriteOptions(paper="letter")).decode()
    assert "@page { size: 215.9mm 279.4mm;" in html
    assert "@page { size: 210mm 297mm;" in docforge.write(rich_document(), "html").decode()
