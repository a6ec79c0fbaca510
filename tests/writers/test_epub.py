import io
import re
import zipfile

import pytest

import docforge
from docforge.model import Document, Image, Link, Meta, Paragraph, Text
from docforge.options import WriteOptions
from docforge.transforms import prepare
from conftest import DATA, SAMPLES
from docforge.records import replace
from ir_examples import IMAGES, pandoc_document, rich_document
from readback import expected, read_back

SEED = DATA / "seed-china-ai.txt"


def epub_of(doc, **options) -> bytes:
    return docforge.write(doc, "epub", options=WriteOptions(**options))


def hostile() -> Document:
    evil = "<script>alert(1)</script> \x00\x1b & ]]>"
    return Document(Meta(title=evil, authors=(evil,), keywords=(evil,), language="de"),
                    (Paragraph((Text(evil), Link((Text("x"),), "javascript:alert(1)"),
                                Link((Text("nowhere"),), "#missing-anchor"))),))


def long_article() -> Document:
    """Three top-level sections of 60,000 characters: split into two files (pages.SPLIT_AT),
    with citations and a note crossing the split."""
    from docforge.model import CitationRef, Heading, Note, Reference, References
    words = Text("word " * 12_000)
    blocks = []
    for n in range(3):
        blocks += [Heading(1, (Text(f"Part {n}"),)),
                   Paragraph((words, CitationRef("ref-1"), Note((Paragraph((Text(f"note {n}"),)),)))),]
    blocks += [Heading(1, (Text("References"),)), References((Reference("ref-1", "1", (Text("A work."),)),))]
    return Document(Meta(title="Long"), tuple(blocks))


DOCUMENTS = {
    "rich": rich_document(),
    "long": long_article(),
    "no-headings": Document(Meta(title="Plain"), (Paragraph((Text("Just text."),)),)),
    "title-only": Document(Meta(title="Only a title")),
    "hostile": hostile(),
}


@pytest.fixture(scope="module")
def epubs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("epub")
    paths = {}
    for name, doc in DOCUMENTS.items():
        paths[name] = folder / f"{name}.epub"
        paths[name].write_bytes(epub_of(doc))
    for path in SAMPLES + [SEED]:
        paths[path.stem] = folder / f"{path.stem}.epub"
        docforge.write(docforge.read(path), "epub", paths[path.stem])
    paths["rich-toc-handout"] = folder / "rich-toc-handout.epub"
    docforge.write(rich_document(), "epub", paths["rich-toc-handout"], style="handout",
                   options=WriteOptions(toc=True))
    return paths


def test_epubcheck_reports_no_errors_and_no_warnings(epubs):
    from conftest import epubcheck_all
    problems = epubcheck_all(list(epubs.values()))
    assert problems == {}, problems


def test_pandoc_reads_back_headings_cells_and_references(pandoc, epubs):
    for name in ["rich", "seed-china-ai"] + [p.stem for p in SAMPLES]:
        doc = prepare(rich_document() if name == "rich" else docforge.read(
            SEED if name == "seed-china-ai" else next(p for p in SAMPLES if p.stem == name)))
        want = expected(doc)
        got = read_back(pandoc, epubs[name].read_bytes(), "epub")
        assert [h for h in got["headings"] if h] [1:] == want["headings"], name  # first: the title
        assert got["cells"] == want["cells"], name
        for entry in want["references"]:
            assert any(item.startswith(entry) for item in got["items"]), (name, entry)


def test_layout_metadata_and_zip_are_as_readers_expect():
    data = epub_of(rich_document())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        names = z.namelist()
        assert "EPUB/nav.xhtml" in names and "EPUB/toc.ncx" in names
        assert [n for n in names if n.startswith("EPUB/text/")] == ["EPUB/text/article.xhtml"]  # short: one file
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        article = z.read("EPUB/text/article.xhtml").decode()
    assert "<dc:title>The Rich Sample: Every Node &lt;Type&gt; &amp; More</dc:title>" in opf
    assert "<dc:language>en</dc:language>" in opf and "urn:uuid:" in opf
    assert opf.count("<dc:subject>") == 3 and "<dc:creator" in opf
    assert '<meta property="dcterms:modified">2026-11-28T00:00:00Z</meta>' in opf  # the document's date
    assert 'epub:type="landmarks"' in nav and 'href="text/article.xhtml#lists"' in nav
    assert '<li id="ref-1" value="1">' in article
    assert '<a class="citation" role="doc-biblioref" href="#ref-1">[1]</a>' in article  # within the file
    assert "theme" not in opf


def test_same_input_same_bytes_and_source_date_epoch(monkeypatch):
    assert epub_of(rich_document()) == epub_of(rich_document())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    later = epub_of(rich_document())
    assert later != epub_of(Document(Meta(title="x")))
    with zipfile.ZipFile(io.BytesIO(later)) as z:
        assert "2023-11-14T22:13:20Z" in z.read("EPUB/content.opf").decode()
        assert z.infolist()[1].date_time == (2023, 11, 14, 22, 13, 20)


def _book_identifier(doc) -> str:
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "epub"))) as book:
        opf = book.read("EPUB/content.opf").decode()
    return re.search(r'<dc:identifier id="id">([^<]+)</dc:identifier>', opf).group(1)


def test_identifier_is_stable_changes_with_the_content_and_is_overridable():
    first = _book_identifier(rich_document())
    assert first.startswith("urn:uuid:") and first == _book_identifier(rich_document())
    assert first != _book_identifier(Document(Meta(title="other")))
    edited = rich_document()
    edited = Document(edited.meta, edited.blocks + (Paragraph((Text("one more line"),)),))
    assert first != _book_identifier(edited)
    given = Document(Meta(title="x", extra=(("identifier", "isbn:9780000000000"),)))
    assert _book_identifier(given) == "isbn:9780000000000"


def test_hostile_text_is_inert_and_reported():
    diags: list = []
    data = docforge.write(hostile(), "epub", diagnostics=diags)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "<script" not in body and "javascript:" not in body
    assert any("control character" in d.message for d in diags)


def _sections_book(count: int):
    """The ebooklib book and package writer of a document with `count` top-level sections."""
    from docforge.model import Heading
    from docforge.style import load_style
    from docforge.writers.base import RenderContext
    from docforge.writers.epub.package import PackageWriter, build_book
    from docforge.writers.epub.pages import BookPages
    blocks = []
    for n in range(count):
        blocks += [Heading(1, (Text(f"Section {n}"),), f"section-{n}"), Paragraph((Text("Body."),))]
    style = load_style()
    context = RenderContext(prepare(Document(Meta(title="Many"), tuple(blocks)), style), style)
    pages = BookPages(context)
    return PackageWriter(io.BytesIO(), build_book(context, pages), context, pages)


def test_ncx_time_grows_linearly_with_the_sections():
    """ebooklib's own NCX builder is quadratic in the number of top-level sections (it
    scans navMap once per entry: 5,000 sections ~25x the time of 500); ours must stay
    linear: 10x the sections may cost at most 1.5 x 10x the time. A scaling ratio, not a
    timing: CPU time of this process (a shared machine's wall clock charges us for other
    processes), best of 5, the garbage collector off (its passes grow with the whole
    heap), and the small book timed ten builds at a time so both timings are as long."""
    import gc
    import time

    def cpu_time_per_build(writer, builds: int) -> float:
        times = []
        gc.disable()
        try:
            for _ in range(5):
                start = time.process_time()
                for _ in range(builds):
                    writer._get_ncx()
                times.append((time.process_time() - start) / builds)
        finally:
            gc.enable()
        return min(times)

    small, large = _sections_book(500), _sections_book(5000)
    assert large._get_ncx().count(b"<navPoint ") == 5001  # the title page and every section
    ratio = cpu_time_per_build(large, 1) / cpu_time_per_build(small, 10)
    assert ratio <= 15, f"5,000 sections took {ratio:.1f}x the time of 500"


def test_ncx_and_nav_list_the_same_entries_in_play_order():
    with zipfile.ZipFile(io.BytesIO(epub_of(rich_document()))) as z:
        ncx = z.read("EPUB/toc.ncx").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
    toc = nav[nav.index('epub:type="toc"'):nav.index("</nav>")]
    assert re.findall(r'<content src="([^"]+)"', ncx) == re.findall(r'href="([^"]+)"', toc)
    orders = [int(n) for n in re.findall(r'playOrder="(\d+)"', ncx)]
    assert orders == list(range(1, len(orders) + 1)) and len(orders) == 6
    ids = re.findall(r'<navPoint id="([^"]+)"', ncx)
    assert len(set(ids)) == len(ids)
    assert re.search(r"<navPoint[^>]*>\s*<navLabel>\s*<text>Introduction</text>\s*</navLabel>\s*"
                     r'<content src="text/article.xhtml#introduction"/>\s*<navPoint', ncx)


# ------------------------------------------------------------------ the pandoc bridge's nodes

def pandoc_epub(doc=None, diagnostics=None, **options) -> bytes:
    """The EPUB of `doc` (default: ir_examples.pandoc_document), images from IMAGES."""
    return docforge.write(doc or pandoc_document(), "epub", diagnostics=diagnostics,
                          options=WriteOptions(resource_path=(str(IMAGES),), **options))


@pytest.fixture
def one_file_per_section(monkeypatch):
    """Every top-level section in a file of its own (the split a long article gets), for
    the tests of what crosses files: note asides, links, per-file properties."""
    from docforge.writers.epub import pages
    monkeypatch.setattr(pages, "SPLIT_AT", 1)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def xhtml_files(data: bytes) -> dict[str, str]:
    """text/<file> -> markup, for the content documents."""
    return {name.removeprefix("EPUB/text/"): content.decode() for name, content in members(data).items()
            if name.startswith("EPUB/text/")}


def assert_links_resolve(files: dict[str, str]) -> None:
    """Every href between content documents names a file of the book and an id in it, and
    no id occurs twice in the book."""
    ids = {name: re.findall(r' id="([^"]+)"', markup) for name, markup in files.items()}
    every = [i for found in ids.values() for i in found]
    assert len(every) == len(set(every)), sorted(i for i in every if every.count(i) > 1)
    for name, markup in files.items():
        for href in re.findall(r' href="([^"]+)"', markup):
            if href.startswith(("http", "mailto:", "../")):
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            assert target in files, (name, href)
            assert not fragment or fragment in ids[target], (name, href)


def test_notes_are_asides_in_the_file_of_their_marker(one_file_per_section):
    files = xhtml_files(pandoc_epub())
    first = files["article-001.xhtml"]
    assert ('<a href="#fn-1" class="footnote-ref" id="fnref-1" epub:type="noteref" role="doc-noteref">'
            "<sup>1</sup></a>") in first
    assert ('<aside epub:type="footnote" role="doc-footnote" id="fn-1" class="footnote">\n<p>'
            '<a href="#fnref-1" class="footnote-back" role="doc-backlink">1.</a> The first note, with a ') in first
    assert ('id="fn-2" class="footnote">\n<p><a href="#fnref-2" class="footnote-back" role="doc-backlink">2.</a> '
            "Second note, first paragraph.</p>\n<p>Second note, second paragraph.</p>\n</aside>") in first
    assert first.index("</aside>") > first.index("Display math")  # after the file's content
    assert not any("footnote" in markup for name, markup in files.items() if name != "article-001.xhtml")
    assert_links_resolve(files)


def test_notes_anywhere_stay_in_their_markers_file_and_every_link_resolves(one_file_per_section):
    from test_html import notes_everywhere
    files = xhtml_files(pandoc_epub(notes_everywhere()))
    first, second = files["article-001.xhtml"], files["article-002.xhtml"]
    assert sorted(re.findall(r'<aside [^>]* id="fn-(\d+)"', first), key=int) == [str(n) for n in range(1, 12)]
    assert re.findall(r'<aside [^>]* id="fn-(\d+)"', second) == ["12"]
    assert_links_resolve(files)


def test_images_are_package_files_added_once_with_their_media_type(one_file_per_section):
    data = pandoc_epub()
    files = members(data)
    images = sorted(name for name in files if name.startswith("EPUB/images/"))
    assert len(images) == 3  # chart.png twice, photo.jpg and diagram.svg; missing.png is not there
    by_bytes = {files[name]: name for name in images}
    for source in ("chart.png", "photo.jpg", "diagram.svg"):
        assert (IMAGES / source).read_bytes() in by_bytes, source  # the same bytes, once each
    opf = files["EPUB/content.opf"].decode()
    for name in images:
        href = name.removeprefix("EPUB/")
        media = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}[href.rsplit(".", 1)[1]]
        assert re.search(rf'<item href="{href}" id="[\w-]+" media-type="{re.escape(media)}"/>', opf), href
    chart = by_bytes[(IMAGES / "chart.png").read_bytes()].removeprefix("EPUB/")
    figures = xhtml_files(data)["article-002.xhtml"]
    assert figures.count(f'src="../{chart}"') == 2  # both figures use the one file
    assert (f'<figure id="figure-1">\n<img src="../{chart}" alt="A bar chart of sales" title="Sales" '
            'width="240" height="120"/>\n<figcaption><span class="figure-label">Figure 1:</span> '
            "Sales by year</figcaption>\n</figure>") in figures
    assert 'and a missing <span class="image-alt">lost picture</span>.' in figures


def test_a_remote_image_is_its_alt_text_and_said_so():
    doc = Document(Meta(title="t"), (Paragraph((Image((Text("far away"),), "https://example.org/x.png"),)),))
    diagnostics: list = []
    files = xhtml_files(pandoc_epub(doc, diagnostics))
    assert '<span class="image-alt">far away</span>' in files["article.xhtml"] and "example.org" not in files["article.xhtml"]
    assert [str(d) for d in diagnostics] == [
        "<output>: image 'https://example.org/x.png' is remote and docforge does not fetch URLs; an EPUB "
        "shows no remote image (it would need the remote-resources property), so its alt text is shown instead"]


def test_files_with_mathml_say_so_in_the_manifest(one_file_per_section):
    opf = members(pandoc_epub())["EPUB/content.opf"].decode()
    assert re.findall(r'<item href="text/([^"]+)"[^>]* properties="mathml"/>', opf) == ["article-001.xhtml"]
    first = xhtml_files(pandoc_epub())["article-001.xhtml"]
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><semantics>' in first


def test_the_other_nodes_in_xhtml(one_file_per_section):
    files = xhtml_files(pandoc_epub())
    first, others = files["article-001.xhtml"], files["article-003.xhtml"]
    assert '<span lang="fr" xml:lang="fr">bonjour tout le monde</span>' in first
    assert '<div id="german" class="note" lang="de" xml:lang="de">' in others
    assert "<dl>\n<dt>Term one</dt>\n<dd>Definition of term one.</dd>" in others
    assert '<div class="line-block">The first line of verse<br/>\n\u00a0\u00a0\u00a0indented' in others
    assert "<del>struck</del>" in first and '<span class="smallcaps">Small Caps</span>' in first


def test_raw_html_only_when_it_is_xhtml_an_epub_holds():
    from docforge.model import Heading, RawBlock, RawInline
    doc = Document(Meta(title="t"), (
        Heading(1, (Text("Raw"),)),
        Paragraph((RawInline("html", "<kbd>Ctrl</kbd>"), RawInline("html", "<br>"),
                   RawInline("html", "a&nbsp;b"), RawInline("html", "<b>unclosed"),
                   RawInline("html", "<div>a block in a paragraph</div>"), RawInline("tex", "\\TeX"))),
        RawBlock("html", '<div class="ok"><p>fine</p></div>'),
        RawBlock("html", "<script>alert(1)</script>"),
        RawBlock("html", '<p><img src="x.png" alt="x"/></p>'),
        RawBlock("html", '<p><a href="javascript:alert(1)">x</a></p>'),
        RawBlock("html", '<p id="raw">duplicate id of the heading</p>'),
        RawBlock("html", '<p onclick="alert(1)">handler</p>'),
    ))
    diagnostics: list = []
    page = xhtml_files(pandoc_epub(doc, diagnostics))["article.xhtml"]
    assert "<kbd>Ctrl</kbd><br/>a\u00a0b</p>" in page
    assert '<div class="ok"><p>fine</p></div>' in page
    for gone in ("unclosed", "a block in a paragraph", "script", "img", "javascript", "duplicate id", "handler", "TeX"):
        assert gone not in page, gone
    messages = [str(d) for d in diagnostics]
    assert any(m.startswith("<output>: 7 raw html blocks and inlines were left out: an EPUB holds raw HTML "
                            "only as well-formed XHTML") for m in messages), messages
    assert "<output>: 1 raw tex inline was left out: an EPUB cannot hold it" in messages


def test_links_to_divs_and_spans_in_other_files_resolve(one_file_per_section):
    from docforge.model import Div, Heading, Span
    doc = Document(Meta(title="t"), (
        Heading(1, (Text("One"),)),
        Paragraph((Link((Text("to the div"),), "#later-div"), Link((Text("to the span"),), "#a-span"))),
        Heading(1, (Text("Two"),)),
        Div((Paragraph((Span((Text("spanned"),), id="a-span"),)),), id="later-div"),
    ))
    files = xhtml_files(pandoc_epub(doc))
    assert '<a href="article-002.xhtml#later-div">to the div</a>' in files["article-001.xhtml"]
    assert '<a href="article-002.xhtml#a-span">to the span</a>' in files["article-001.xhtml"]
    assert_links_resolve(files)


def test_toc_depth_option_sets_the_navigation_depth():
    from docforge.model import Heading
    doc = Document(Meta(title="t"), (Heading(1, (Text("One"),)), Heading(2, (Text("Two"),)),
                                     Heading(3, (Text("Three"),))))
    def nav(**options):
        return members(epub_of(doc, **options))["EPUB/nav.xhtml"].decode()
    assert "#two" in nav() and "#three" not in nav()  # the theme's depth: 2
    assert "#three" in nav(toc_depth=3)
    assert "#one" in nav(toc_depth=1) and "#two" not in nav(toc_depth=1)
    ncx = members(epub_of(doc, toc_depth=1))["EPUB/toc.ncx"].decode()
    assert "#one" in ncx and "#two" not in ncx


def test_the_cover_is_a_cover_image_item_and_the_first_page():
    data = pandoc_epub(epub_cover_image=str(IMAGES / "photo.jpg"))
    files = members(data)
    opf = files["EPUB/content.opf"].decode()
    cover = re.search(r'<item href="(images/[^"]+\.jpg)" id="([^"]+)" media-type="image/jpeg" '
                      r'properties="cover-image"/>', opf)
    assert cover and files["EPUB/" + cover.group(1)] == (IMAGES / "photo.jpg").read_bytes()
    assert f'<meta name="cover" content="{cover.group(2)}"' in opf
    assert opf.count("image/jpeg") == 1  # the photo in the text is the same file
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[:2] == ["cover", "article"]
    page = files["EPUB/text/cover.xhtml"].decode()
    assert f'<img src="../{cover.group(1)}" alt="Cover: Every Pandoc Node" role="doc-cover"/>' in page
    assert 'epub:type="cover"' in files["EPUB/nav.xhtml"].decode()  # a landmark


def test_the_cover_can_come_from_the_metadata_found_on_the_resource_path():
    doc = pandoc_document()
    doc = Document(replace(doc.meta, extra=(("cover-image", "chart.png"),)), doc.blocks)
    opf = members(pandoc_epub(doc))["EPUB/content.opf"].decode()
    assert re.search(r'media-type="image/png" properties="cover-image"/>', opf)
    assert re.findall(r'<itemref idref="([^"]+)"', opf)[0] == "cover"


@pytest.mark.parametrize("how", ["option", "metadata", "not an image"])
def test_a_cover_that_cannot_be_used_is_a_one_line_error_and_nothing_is_written(tmp_path, how):
    from docforge.errors import InputError
    doc, options = pandoc_document(), {}
    if how == "option":
        options["epub_cover_image"] = str(tmp_path / "nowhere.png")
    elif how == "metadata":
        doc = Document(replace(doc.meta, extra=(("cover-image", "nowhere.png"),)), doc.blocks)
    else:
        (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
        options["epub_cover_image"] = str(tmp_path / "notes.txt")
    target = tmp_path / "book.epub"
    with pytest.raises(InputError) as caught:
        docforge.write(doc, "epub", target, options=WriteOptions(resource_path=(str(IMAGES),), **options))
    message = str(caught.value)
    assert "\n" not in message and not target.exists() and list(tmp_path.glob("*.epub*")) == []
    assert message.startswith("nowhere.png: cannot be used as the cover-image metadata" if how == "metadata"
                              else str(tmp_path)), message
    assert ("--epub-cover-image" in message) == (how != "metadata")


def test_the_pandoc_nodes_pass_epubcheck(tmp_path):
    from conftest import epubcheck_all
    from test_html import math_corpus, notes_everywhere
    books = {"pandoc": lambda: pandoc_epub(), "notes": lambda: pandoc_epub(notes_everywhere()),
             "math": lambda: pandoc_epub(math_corpus()),
             "cover": lambda: pandoc_epub(epub_cover_image=str(IMAGES / "diagram.svg"), toc=True)}
    paths = []
    for name, build in books.items():
        data = build()
        assert data == build(), name  # deterministic
        paths.append(tmp_path / f"{name}.epub")
        paths[-1].write_bytes(data)
    assert epubcheck_all(paths) == {}


def test_raw_tags_split_across_inlines_as_pandoc_reads_them_are_paired():
    """pandoc reads `<kbd>K</kbd>` in Markdown as RawInline("<kbd>"), Str "K", RawInline("</kbd>")."""
    from docforge.model import Emph, RawInline
    html = lambda text: RawInline("html", text)  # noqa: E731
    doc = Document(Meta(title="t"), (
        Paragraph((Text("Press "), html("<kbd>"), Text("K"), html("</kbd>"), Text(", "),
                   html('<a id="target">'), Emph((Text("anchored"),)), html("</a>"), Text(", "),
                   html("</b>"), Text("stray close, "), html("<i>"), Text("never closed"))),
        Paragraph((html("<span>"), Text("closed in the next paragraph"),)),
        Paragraph((html("</span>"), Text("."))),
    ))
    diagnostics: list = []
    page = xhtml_files(pandoc_epub(doc, diagnostics))["article.xhtml"]
    assert '<p>Press <kbd>K</kbd>, <a id="target"><em>anchored</em></a>, stray close, never closed</p>' in page
    assert "<p>closed in the next paragraph</p>\n<p>.</p>" in page
    assert any(str(d).startswith("<output>: 4 raw html blocks and inlines were left out") for d in diagnostics), diagnostics
    # the HTML page passes each tag on as it is, as pandoc does
    assert "<p>Press <kbd>K</kbd>, <a id=\"target\"><em>anchored</em></a>, </b>stray close" in docforge.write(
        doc, "html").decode()


# ------------------------------------------------------------------ accessibility metadata (issue 15)
# Ace itself runs in test_accessibility.py; these pin what the package declares and when.

def opf_of(data: bytes) -> str:
    return members(data)["EPUB/content.opf"].decode()


def a11y_properties(opf: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, value in re.findall(r'<meta property="((?:schema|dcterms|a11y):[A-Za-z]+)">([^<]*)</meta>', opf):
        found.setdefault(prop, []).append(value)
    return found


def test_a_text_book_declares_textual_access_its_features_and_conformance():
    opf = opf_of(docforge.write(docforge.read(SEED), "epub"))
    assert re.search(r'<package [^>]*xml:lang="en"', opf)
    found = a11y_properties(opf)
    assert found["schema:accessMode"] == ["textual"] and found["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(found["schema:accessibilityFeature"])
    assert "alternativeText" not in found["schema:accessibilityFeature"]  # no images
    assert "MathML" not in found["schema:accessibilityFeature"]
    assert found["schema:accessibilityHazard"] == ["none"]
    summary = found["schema:accessibilitySummary"][0]
    assert ("Headings to navigate by: 11." in summary and "Data tables with header cells: 1." in summary
            and "References that citations link to: 8." in summary)
    assert found["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert "a11y:certifiedBy" not in found


def test_images_with_alt_text_and_math_are_declared_as_such():
    doc = pandoc_document()
    found = a11y_properties(opf_of(pandoc_epub(doc)))
    assert found["schema:accessMode"] == ["textual", "visual"]
    assert found["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert {"alternativeText", "MathML"} <= set(found["schema:accessibilityFeature"])


def test_an_image_without_alt_text_withdraws_the_conformance_claim_and_says_why():
    doc = Document(Meta(title="Pictures"), (Paragraph((Image((), "chart.png"),)),))
    diagnostics: list = []
    found = a11y_properties(opf_of(pandoc_epub(doc, diagnostics)))
    assert "dcterms:conformsTo" not in found
    assert "alternativeText" not in found["schema:accessibilityFeature"]
    assert found["schema:accessModeSufficient"] == ["textual,visual"]  # text alone is not enough
    assert "Images without alternative text: 1." in found["schema:accessibilitySummary"][0]
    why = [d for d in diagnostics if "conformance" in d.message]
    assert len(why) == 1 and why[0].severity == "info" and "1 image has no alternative text" in why[0].message


def test_metadata_gives_summary_certifier_publisher_rights_description_and_isbn():
    extra = (("accessibility-summary", "Checked  by hand."), ("certified-by", "Example Certifier"),
             ("description", "What the book is about."), ("isbn", "978-3-16-148410-0"),
             ("publisher", "Example Press"), ("rights", "CC BY 4.0"))
    doc = Document(Meta(title="Given", subtitle="A subtitle", extra=extra), (Paragraph((Text("Body."),)),))
    opf = opf_of(epub_of(doc))
    found = a11y_properties(opf)
    assert found["schema:accessibilitySummary"] == ["Checked by hand."]
    assert found["a11y:certifiedBy"] == ["Example Certifier"]
    assert "<dc:publisher>Example Press</dc:publisher>" in opf and "<dc:rights>CC BY 4.0</dc:rights>" in opf
    assert "<dc:description>What the book is about.</dc:description>" in opf  # rather than the subtitle
    assert '<dc:identifier id="id">urn:isbn:978-3-16-148410-0</dc:identifier>' in opf
    plain = opf_of(epub_of(Document(Meta(title="Plain", subtitle="A subtitle"))))
    assert "<dc:publisher>" not in plain and "<dc:rights>" not in plain
    assert "<dc:description>A subtitle</dc:description>" in plain


def test_the_package_language_is_the_document_s():
    doc = docforge.read(next(p for p in SAMPLES if p.stem.startswith("zh-")))
    opf = opf_of(docforge.write(doc, "epub"))
    language = re.search(r"<dc:language>([^<]+)</dc:language>", opf).group(1)
    assert re.search(rf'<package [^>]*xml:lang="{language}"', opf)


# ------------------------------------------------------------------ one file per article (issue 15)

def test_the_long_article_is_two_files_whose_links_resolve():
    files = xhtml_files(epub_of(long_article()))
    assert sorted(files) == ["article-001.xhtml", "article-002.xhtml"]
    assert 'href="article-002.xhtml#ref-1"' in files["article-001.xhtml"]
    assert_links_resolve(files)


def test_a_short_article_is_one_file_opening_with_its_title_and_ending_with_its_keywords():
    data = epub_of(rich_document())
    files = xhtml_files(data)
    assert sorted(files) == ["article.xhtml"]
    article = files["article.xhtml"]
    body = article[article.index("<article>"):]
    assert body.index('<h1 class="title">') < body.index('<h1 id="introduction">') < body.index('class="keywords"')
    assert "<title>The Rich Sample: Every Node &lt;Type&gt; &amp; More</title>" in article
    spine = re.findall(r'<itemref idref="([^"]+)"( linear="no")?', opf_of(data))
    assert spine == [("article", ""), ("nav", ' linear="no"')]  # no toc asked: contents off the reading order
    with_toc = re.findall(r'<itemref idref="([^"]+)"', opf_of(epub_of(rich_document(), toc=True)))
    assert with_toc == ["nav", "article"]  # asked for: the contents before the article


def test_a_long_article_is_split_after_the_top_level_section_that_passes_the_limit():
    from docforge.model import Heading
    from docforge.writers.epub.pages import SPLIT_AT
    words = "word " * (SPLIT_AT // 5 // 2 + 1)  # two such sections pass the limit
    blocks = [Paragraph((Text("Before the first heading."),))]
    for n in range(5):
        blocks += [Heading(1, (Text(f"Part {n}"),)), Paragraph((Text(words),)),
                   Heading(2, (Text(f"Sub {n}"),)), Paragraph((Text("short"),))]
    data = epub_of(Document(Meta(title="Long"), tuple(blocks)))
    files = xhtml_files(data)
    assert sorted(files) == ["article-001.xhtml", "article-002.xhtml", "article-003.xhtml"]
    assert [re.findall(r'<h1 id="[^"]+">([^<]+)</h1>', files[name]) for name in sorted(files)] == [
        ["Part 0", "Part 1"], ["Part 2", "Part 3"], ["Part 4"]]  # split only at top-level headings
    assert "Before the first heading." in files["article-001.xhtml"] and "Sub 1" in files["article-001.xhtml"]
    titles = [re.search(r"<title>([^<]+)</title>", files[name]).group(1) for name in sorted(files)]
    assert titles == ["Long", "Part 2 \u2013 Long", "Part 4 \u2013 Long"]
    assert all(len(markup.encode()) < 300_000 for markup in files.values())
    assert_links_resolve(files)


# ------------------------------------------------------ the book's own words in its language

SUMMARY_WORDS = {  # language -> a phrase of its summary and its guide's "Start"
    "zh-Hans": ("本书为可重排文本", "开始"), "ar": ("هذا نص قابل لإعادة التدفق", "البداية"),
    "fr": ("C’est un texte recomposable", "Début"), "ru": ("Это перекомпонуемый текст", "Начало"),
}


@pytest.mark.parametrize("language", sorted(SUMMARY_WORDS))
def test_the_summary_and_the_guide_are_in_the_books_language(language):
    doc = Document(Meta(language=language), (Paragraph((Text("x"),)),))
    data = epub_of(doc, epub_cover_image=str(IMAGES / "photo.jpg"))
    opf = opf_of(data)
    summary = a11y_properties(opf)["schema:accessibilitySummary"][0]
    phrase, start = SUMMARY_WORDS[language]
    assert phrase in summary and "reflowable" not in summary
    assert f'title="{start}"' in opf and 'title="Start"' not in opf and 'title="Cover"' not in opf
    from docforge.labels import labels_for
    untitled = labels_for(language).untitled
    page = members(data)["EPUB/text/article.xhtml"].decode()
    assert f"<title>{untitled}</title>" in page and "Untitled" not in page  # no title: the language's word
    cover = members(data)["EPUB/text/cover.xhtml"].decode()
    assert f'alt="{labels_for(language).cover}' in cover


def test_later_page_titles_follow_the_catalogues_pattern(one_file_per_section):
    from docforge.model import Heading
    from docforge.style import load_style
    doc = Document(Meta(title="Livre", language="fr"),
                   (Heading(1, (Text("Un"),)), Paragraph((Text("a"),)), Heading(1, (Text("Deux"),)),
                    Paragraph((Text("b"),))))
    style = load_style(None)
    style = replace(style, labels=(("", (("page_title", "{title} / {heading}"),)),))
    data = docforge.write(doc, "epub", style=style)
    titles = re.findall(r"<title>([^<]*)</title>", "".join(xhtml_files(data).values()))
    assert "Livre / Deux" in titles


def headerless_table_doc():
    from docforge.model import Cell, Table
    rows = tuple(tuple(Cell((Text(f"{r}-{c}"),)) for c in range(4)) for r in range(4))
    return Document(Meta(title="Prices"), (Paragraph((Text("Prices at the market."),)),
                                             Table((), rows, ("default",) * 4)))


def test_a_table_without_a_header_row_has_none_and_keeps_the_conformance_claim():
    diagnostics: list = []
    data = docforge.write(headerless_table_doc(), "epub", diagnostics=diagnostics)
    page = xhtml_files(data)["article.xhtml"]
    assert "<thead>" not in page and "<th" not in page and page.count("<td>") == 16
    found = a11y_properties(opf_of(data))
    assert found["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert "Tables without a header row: 1." in found["schema:accessibilitySummary"][0]
    assert "Data tables with header cells" not in found["schema:accessibilitySummary"][0]
    assert not [d for d in diagnostics if "conformance" in d.message]


def test_a_header_row_of_empty_cells_withdraws_the_conformance_claim():
    from docforge.model import Cell, Table
    doc = Document(Meta(title="T"), (Table((Cell(()), Cell(())), ((Cell((Text("a"),)), Cell((Text("b"),))),),
                                           ("default", "default")),))
    diagnostics: list = []
    found = a11y_properties(opf_of(docforge.write(doc, "epub", diagnostics=diagnostics)))
    assert "dcterms:conformsTo" not in found
    assert "Tables whose header cells are all empty: 1." in found["schema:accessibilitySummary"][0]
    assert any("a header row without text" in d.message for d in diagnostics)
