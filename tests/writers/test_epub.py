import io
import re
import zipfile

import pytest

import docforge
from docforge.model import Document, Link, Meta, Paragraph, Text
from docforge.options import WriteOptions
from docforge.transforms import prepare
from conftest import DATA, SAMPLES
from ir_examples import rich_document
from readback import expected, read_back

SEED = DATA / "seed-china-ai.txt"


def epub_of(doc, **options) -> bytes:
    return docforge.write(doc, "epub", options=WriteOptions(**options))


def hostile() -> Document:
    evil = "<script>alert(1)</script> \x00\x1b & ]]>"
    return Document(Meta(title=evil, authors=(evil,), keywords=(evil,), language="de"),
                    (Paragraph((Text(evil), Link((Text("x"),), "javascript:alert(1)"),
                                Link((Text("nowhere"),), "#missing-anchor"))),))


DOCUMENTS = {
    "rich": rich_document(),
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
        assert [n for n in names if n.startswith("EPUB/text/section-")] == [
            "EPUB/text/section-001.xhtml", "EPUB/text/section-002.xhtml", "EPUB/text/section-003.xhtml"]
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        refs = z.read("EPUB/text/section-003.xhtml").decode()
        intro = z.read("EPUB/text/section-001.xhtml").decode()
    assert "<dc:title>The Rich Sample: Every Node &lt;Type&gt; &amp; More</dc:title>" in opf
    assert "<dc:language>en</dc:language>" in opf and "urn:uuid:" in opf
    assert opf.count("<dc:subject>") == 3 and "<dc:creator" in opf
    assert '<meta property="dcterms:modified">2026-11-28T00:00:00Z</meta>' in opf  # the document's date
    assert 'epub:type="landmarks"' in nav and 'href="text/section-001.xhtml#lists"' in nav
    assert '<li id="ref-1" value="1">' in refs
    assert '<a class="citation" href="section-003.xhtml#ref-1">[1]</a>' in intro  # across files
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
    book = build_book(context, BookPages(context))
    return PackageWriter(io.BytesIO(), book, context)


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
                     r'<content src="text/section-001.xhtml#introduction"/>\s*<navPoint', ncx)
