import io
import os
import re

import pytest

import docforge
from docforge.model import (Cell, CodeBlock, Document, Heading, LineBreak, Link, Meta, Paragraph, Reference,
                            References, Table, Text, plain_text, walk)
from docforge.options import WriteOptions
from docforge.transforms import prepare
from conftest import DATA, SAMPLES
from ir_examples import rich_document

SEED = DATA / "seed-china-ai.txt"


def pdf_of(doc, **options) -> bytes:
    return docforge.write(doc, "pdf", options=WriteOptions(**options))


def squash(text: str) -> str:
    """Text without whitespace or soft hyphenation, for order-preserving containment checks."""
    return re.sub(r"\s+|-\n", "", text)


def extract(data: bytes, body_only: bool = False) -> str:
    """The PDF's text; with body_only, without the running header and footer (top and
    bottom 24 mm, inside the 25 mm margins), which otherwise interleave with the text."""
    import pdfplumber
    margin = 24 * 72 / 25.4
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [p.crop((0, margin, p.width, p.height - margin)) if body_only else p for p in pdf.pages]
        return "\n".join(page.extract_text() or "" for page in pages)


@pytest.mark.parametrize("path", SAMPLES + [SEED], ids=lambda p: p.name)
def test_tables_paragraphs_and_references_survive_extraction(path):
    import pdfplumber
    doc = prepare(docforge.read(path))
    data = pdf_of(doc)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        found = [t for page in pdf.pages for t in page.extract_tables()]
    tables = [n for n in walk(doc) if isinstance(n, Table)]
    assert len(found) == len(tables)
    for table, cells in zip(tables, found):
        want = [[plain_text(c) for c in row] for row in (table.header,) + table.rows]
        got = [[" ".join((c or "").split()) for c in row] for row in cells]
        assert [[squash(c) for c in r] for r in got] == [[squash(c) for c in r] for r in want]
    text = squash(re.sub(r"\[\d+\]", "", extract(data, body_only=True)))  # citation markers are not in plain_text
    position = 0
    for node in doc.blocks:
        units = [node] if isinstance(node, (Paragraph, Heading)) else (
            list(node.entries) if isinstance(node, References) else [])
        for unit in units:
            wanted = squash(plain_text(unit))
            at = text.find(wanted, position)
            assert at >= 0, wanted[:60]
            position = at + len(wanted)


def test_outline_metadata_and_embedded_fonts():
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf_of(rich_document())))
    meta = reader.metadata
    assert meta.title.startswith("The Rich Sample") and meta.author == "Jane Example; Li Wei"
    assert "docforge" in (meta.creator or "") and "testing" in (meta.get("/Keywords") or "")
    outline = reader.outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert titles == ["Introduction", "中文部分", "References"]
    nested = next(o for o in outline if isinstance(o, list))
    assert [o.title for o in nested] == ["Lists", "A table"]
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_chinese_text_comes_back_through_extraction():
    data = pdf_of(docforge.read(SAMPLES[-1]))
    text = extract(data)
    for phrase in ("电动汽车电池回收", "湿法冶金", "参考资料", "关键矿产"):
        assert phrase in text.replace("\n", ""), phrase


def test_a_table_spanning_pages_repeats_its_header_row():
    import pdfplumber
    rows = tuple((Cell((Text(f"row {i}"),)), Cell((Text("value " * 12),)), Cell((Text(str(i)),)))
                 for i in range(160))
    doc = Document(Meta(title="Long"), tuple(Paragraph((Text("Filler paragraph. " * 40),)) for _ in range(12))
                   + (Table((Cell((Text("Name"),)), Cell((Text("Description"),)), Cell((Text("N"),))), rows),))
    with pdfplumber.open(io.BytesIO(pdf_of(doc))) as pdf:
        assert len(pdf.pages) >= 5
        table_pages = [p for p in pdf.pages if p.extract_tables()]
        assert len(table_pages) >= 3
        for page in table_pages:
            assert page.extract_tables()[0][0] == ["Name", "Description", "N"]


def test_a_long_table_is_laid_out_in_row_groups_that_read_as_one_table():
    """3,000 rows (far more than one group of tables.GROUP_ROWS): every cell comes back in
    order, every page with rows starts with the header row, the stripes alternate from
    page to page as within one, the caption is there once, and a note and a link in
    cells still resolve."""
    import pdfplumber
    from pypdf import PdfReader
    from docforge.model import Note
    from docforge.style import load_style
    from docforge.writers.pdf.tables import GROUP_ROWS

    count = 3000
    assert count > 10 * GROUP_ROWS
    header = tuple(Cell((Text(h),)) for h in ("Name", "Value", "Unit", "Remark"))

    def row(i):
        remark = (Text(f"remark {i}"),)
        if i == 1500:
            remark += (Note((Paragraph((Text("a note from row 1500"),)),)),)
        if i == 2000:
            remark = (Link(remark, "https://example.org/row-2000"),)
        return (Cell((Text(f"item {i}"),)), Cell((Text(str(i * 7)),)), Cell((Text("kg"),)), Cell(remark))

    table = Table(header, tuple(row(i) for i in range(count)), caption=(Text("Many rows"),))
    doc = Document(Meta(title="Rows"), (Paragraph((Text("Intro."),)), table))
    data, _ = pandoc_pdf(doc)
    zebra = load_style(None).table.zebra_fill.lstrip("#")
    zebra = tuple(round(int(zebra[i:i + 2], 16) / 255, 3) for i in (0, 2, 4))
    body, fills, pages_with_rows = [], [], 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = page.extract_tables()
            if not tables:
                continue
            pages_with_rows += 1
            (cells,) = tables
            assert cells[0] == ["Name", "Value", "Unit", "Remark"]
            body += [[" ".join((c or "").split()) for c in r] for r in cells[1:]]
            # the rows' backgrounds, top to bottom, after the header's
            backgrounds = sorted((r for r in page.rects if r["fill"]), key=lambda r: r["top"])[1:]
            assert len(backgrounds) == len(cells) - 1
            fills += [tuple(round(v, 3) for v in r["non_stroking_color"]) == zebra for r in backgrounds]
        text = " ".join(extract(data).split())
    assert pages_with_rows > 50
    assert [r[:3] for r in body] == [[f"item {i}", str(i * 7), "kg"] for i in range(count)]
    assert [r[3] for r in body[:1500] + body[1501:]] == [f"remark {i}" for i in range(count) if i != 1500]
    assert body[1500][3].replace("remark 1500", "").strip() == "1"  # the note's marker
    assert fills == [i % 2 == 1 for i in range(count)]  # white, striped, ... across every page
    assert text.count("Table 1: Many rows") == 1
    assert "Notes 1. a note from row 1500" in text
    assert len(internal_links(data)) == 2  # the marker to its note and back
    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(io.BytesIO(data)).pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert "https://example.org/row-2000" in uris


def test_seven_columns_fit_the_page():
    import pdfplumber
    header = tuple(Cell((Text(f"Column heading {i}"),)) for i in range(7))
    rows = (tuple(Cell((Text("A rather long cell text that must wrap " * 2),)) for _ in range(7)),)
    doc = Document(Meta(title="Wide"), (Table(header, rows),))
    with pdfplumber.open(io.BytesIO(pdf_of(doc))) as pdf:
        page = pdf.pages[0]
        (table,) = page.find_tables()
        x0, _, x1, _ = table.bbox
        assert x0 >= 0 and x1 <= page.width - 25 * 72 / 25.4 + 1


def test_markup_in_text_is_text():
    doc = Document(Meta(title="<b>not bold</b> & <font>"), (Paragraph((Text("<b>not bold</b> & <font name=x>"),)),))
    text = extract(pdf_of(doc))
    assert "<b>not bold</b> & <font name=x>" in text and "<b>not bold</b> & <font>" in text


def test_same_input_same_bytes_and_page_furniture():
    data = pdf_of(docforge.read(SEED))
    assert data == pdf_of(docforge.read(SEED))
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    total = len(pages)
    assert total > 1 and all(f"Page {n} of {total}" in text for n, text in enumerate(pages, 1))
    title = docforge.read(SEED).meta.title
    # the running header: from page 2 on; page 1 shows the title once, in its title block
    assert squash(pages[0]).count(squash(title)) == 1 and all(squash(title) in squash(t) for t in pages[1:])


def test_toc_lists_headings_with_pages_and_paper_override():
    from pypdf import PdfReader
    data = pdf_of(rich_document(), toc=True, paper="Letter")
    text = extract(data)
    assert "Contents" in text and re.search(r"Introduction[ .]*1", text)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_handout_theme_is_compact_and_justified():
    plain, handout = pdf_of(docforge.read(SEED)), docforge.write(docforge.read(SEED), "pdf", style="handout")
    from pypdf import PdfReader
    assert len(PdfReader(io.BytesIO(handout)).pages) < len(PdfReader(io.BytesIO(plain)).pages)


def test_characters_without_a_glyph_are_reported_not_boxed():
    doc = Document(Meta(title="x"), (Paragraph((Text("ancient \U00013000 glyph"),)),))
    diags: list = []
    docforge.write(doc, "pdf", diagnostics=diags)
    assert any("no glyph" in d.message for d in diags)


def test_control_characters_are_dropped_and_counted_once():
    doc = Document(Meta(title="Ti\x02tle"), (Paragraph((Text("fi\x07rst"),)), CodeBlock("co\x08de")))
    diags: list = []
    text = extract(docforge.write(doc, "pdf", diagnostics=diags))
    assert [d.message for d in diags if "control character" in d.message] == [
        "dropped 3 control character(s) that PDF text cannot hold"
        " (a separator among them: form feed, vertical tab, U+001C-U+001F, U+0085, is written as a space)"]
    assert "Title" in text and "first" in text and "code" in text


def test_a_row_taller_than_a_page_is_written_as_paragraphs():
    import pdfplumber
    tall = Cell((Text("first"),) + (LineBreak(), Text("more")) * 90)
    doc = Document(Meta(title="Tall"), (Table((Cell((Text("Head"),)),), ((tall,),)),))
    diags: list = []
    data = docforge.write(doc, "pdf", diagnostics=diags)
    assert any("taller than a page" in d.message for d in diags)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not any(page.extract_tables() for page in pdf.pages)
    assert "Head: first" in extract(data)


def test_dates_follow_source_date_epoch_and_survive_a_malformed_one(monkeypatch):
    """The same date as DOCX and EPUB: SOURCE_DATE_EPOCH when it is a number, else the
    document's own date (this sample's Date: is 2026-03-14; reportlab itself crashed on a
    malformed value); the variable is left as it was."""
    from pypdf import PdfReader
    doc = docforge.read(SAMPLES[0])

    def created() -> str:
        return PdfReader(io.BytesIO(docforge.write(doc, "pdf"))).metadata["/CreationDate"]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert created().startswith("D:20231114221320")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "garbage")
    assert created().startswith("D:20260314000000")
    assert os.environ["SOURCE_DATE_EPOCH"] == "garbage"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert created().startswith("D:20260314000000") and "SOURCE_DATE_EPOCH" not in os.environ


def test_a_theme_font_that_is_not_installed_is_named_and_replaced(tmp_path):
    theme = tmp_path / "theme.toml"
    theme.write_text('[fonts]\nbody = "Nonexistent Font Family"\n')
    diagnostics: list = []
    data = docforge.write(docforge.read(SAMPLES[0]), "pdf", style=str(theme), diagnostics=diagnostics)
    assert data.startswith(b"%PDF")
    assert any("'Nonexistent Font Family' is not installed" in str(d) and "DejaVu Serif" in str(d)
               for d in diagnostics), diagnostics
    quiet: list = []
    docforge.write(docforge.read(SAMPLES[0]), "pdf", diagnostics=quiet)
    assert not any("not installed" in str(d) for d in quiet)


def test_an_in_document_link_to_a_non_ascii_id_stays_a_link():
    """safe_url percent-encodes `#中文部分`; the PDF destination is the id itself."""
    from pypdf import PdfReader
    doc = Document(Meta(title="T"), (Heading(1, (Text("中文部分"),), "中文部分"),
                                     Paragraph((Link((Text("jump"),), "#中文部分"),))))
    pages = PdfReader(io.BytesIO(docforge.write(doc, "pdf"))).pages
    links = [a.get_object() for page in pages for a in (page.get("/Annots") or [])]
    assert [a["/Subtype"] for a in links] == ["/Link"] and "/Dest" in links[0]


def test_a_huge_paragraph_is_set_in_pieces_without_losing_a_word():
    """reportlab re-breaks a paragraph's rest on every page (quadratic): a paragraph of many
    pages is set as pieces cut at sentence ends, every word still there, in order."""
    from docforge.model import Document, Emph, Meta, Paragraph, Text
    from docforge.writers.pdf.render import PARAGRAPH_CHUNK_CHARS, split_inlines
    sentences = [f"Sentence number {i} tells the story of the station." for i in range(1500)]
    inlines = (Text(" ".join(sentences[:700]) + " "), Emph((Text("in the middle"),)),
               Text(" " + " ".join(sentences[700:])))
    pieces = split_inlines(inlines, PARAGRAPH_CHUNK_CHARS)
    assert len(pieces) > 3
    rebuilt = "".join(plain_text_of(p) for p in pieces)
    assert rebuilt == plain_text_of(inlines)
    assert all(plain_text_of(p).rstrip().endswith(".") for p in pieces[:-1])  # cut at sentence ends
    data = docforge.write(Document(Meta(title="Long"), (Paragraph(inlines),)), "pdf")
    words = extract(data, body_only=True).split()  # without the page furniture's numbers
    assert [w for w in words if w.isdigit()] == [str(i) for i in range(1500)]


def test_unspaced_text_is_cut_too():
    from docforge.model import Text
    from docforge.writers.pdf.render import split_inlines
    pieces = split_inlines((Text("x" * 25_000),), 10_000)
    assert [len(plain_text_of(p)) for p in pieces] == [10_000, 10_000, 5_000]


def plain_text_of(inlines) -> str:
    from docforge.model import Paragraph
    from docforge.model import Text, walk
    return "".join(n.text for n in walk(Paragraph(tuple(inlines))) if isinstance(n, Text))


def internal_links(data: bytes) -> list[tuple[int, int, float, tuple]]:
    """(page of the link, page of its destination, the destination's top or None, the
    link's rectangle) for every link to a place in the document."""
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    pages = [page.indirect_reference.idnum for page in reader.pages]
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            if dest is not None:
                top = float(dest[3]) if len(dest) > 3 else None  # /Fit (a heading's page): no top
                found.append((number, pages.index(dest[0].idnum), top,
                              tuple(float(v) for v in annotation["/Rect"])))
    return found


def word_box(data: bytes, word: str) -> tuple[int, float, float, float]:
    """(page, x0, top in PDF coordinates (from the bottom), size) of the first `word`."""
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            for found in page.extract_words(extra_attrs=["size"]):
                if found["text"] == word:
                    return number, found["x0"], page.height - found["top"], found["size"]
    raise AssertionError(f"{word!r} not in the PDF")


def test_in_document_links_and_the_outline_point_at_the_pages_their_targets_are_on():
    """The page furniture keeps pages until the count is known; destinations made meanwhile
    all named page 1 until the document's page counter was advanced with them."""
    from pypdf import PdfReader
    from docforge.model import CitationRef
    filler = tuple(Paragraph((Text("Filler sentence for a page. " * 60),)) for _ in range(8))
    doc = Document(Meta(title="Pages"), (
        Paragraph((Text("See"), CitationRef("ref-1"), Text(" and "), Link((Text("the end"),), "#the-end"))),)
        + filler + (Heading(1, (Text("Ending"),), "the-end"),) + filler
        + (Heading(1, (Text("References"),)), References((Reference("ref-1", "1", (Text("Cited."),)),))))
    data = pdf_of(doc)
    reader = PdfReader(io.BytesIO(data))
    outline = {entry.title: reader.get_destination_page_number(entry) for entry in reader.outline}
    ending_page, _, _, _ = word_box(data, "Ending")
    references_page, _, cited_top, _ = word_box(data, "Cited.")
    assert 0 < ending_page < references_page
    assert outline == {"Ending": ending_page, "References": references_page}
    links = sorted((dest, round(top or 0)) for _, dest, top, _ in internal_links(data))
    assert len(links) == 2 and links[0][0] == ending_page and links[1][0] == references_page
    assert abs(links[1][1] - cited_top) < 14


# ------------------------------------------------------------------ the pandoc nodes

def pandoc_pdf(doc=None, **options):
    """The PDF of `doc` (default: pandoc_document()) with the test images on the resource
    path, and its diagnostics."""
    from ir_examples import IMAGES, pandoc_document
    diagnostics: list = []
    data = docforge.write(doc or pandoc_document(), "pdf", diagnostics=diagnostics,
                          options=WriteOptions(resource_path=(str(IMAGES),), **options))
    return data, diagnostics


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def test_every_word_of_the_pandoc_nodes_is_in_the_pdf():
    """Note texts, alt text of the images that cannot be drawn, captions, terms,
    definitions, line-block lines, div and span text, math source: all read back; raw
    markup for other formats is not there; an uncaptioned figure shows no bare label."""
    from pypdf import PdfReader
    from docforge.model import Image, map_tree
    from ir_examples import pandoc_document
    data, _ = pandoc_pdf()
    text = extract(data)
    flat = " ".join(text.split())
    pictures = {"chart.png", "photo.jpg"}  # drawn: their alt text is no text on the page
    shown = map_tree(pandoc_document(), lambda n: Image((), n.url) if type(n) is Image and n.url in pictures else n,
                     frozenset({Image}))
    # pdfplumber (by position) sets scripts apart ("x 2" for x²), pypdf (in drawing order)
    # runs a note's marker into its word ("claim1"): a word must come back from one of them
    in_order = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert sorted(words_of(plain_text(shown)) - words_of(in_order) - words_of(text)) == []
    for phrase in ("The first note, with a link.", "Second note, first paragraph.",
                   "Second note, second paragraph.", "[a diagram]", "[lost picture]",
                   "Figure 1: Sales by year", "Term one", "Definition of term one.", "Second definition.",
                   "The first line of verse", "indented second line", "third line",
                   "Ein Absatz auf Deutsch.", "Plain div content.", "bonjour tout le monde",
                   "E = mc^2", r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", "SMALL CAPS"):
        assert phrase in flat or phrase in in_order, phrase
    for raw in ("raw html block", "raw latex block", "Ctrl", "LaTeX"):
        assert raw not in flat
    assert "Figure 2" not in flat
    # the notes come as a section of their own, before the references
    assert flat.index("Notes 1. The first note") < flat.index("References 1. Example, A.")


def test_note_markers_and_notes_link_both_ways():
    data, _ = pandoc_pdf()
    marker_page, _, marker_top, _ = word_box(data, "claim")
    note_page, _, note_top, _ = word_box(data, "note,")  # "The first note, with a link."
    links = internal_links(data)
    forward = [link for link in links if link[0] == marker_page and link[1] == note_page
               and abs(link[3][3] - marker_top) < 12]
    assert len(forward) == 2  # one per marker of that line
    assert all(abs(top - note_top) < 30 for _, _, top, _ in forward)  # the first two notes' lines
    back = [link for link in links if link[0] == note_page and link[1] == marker_page
            and abs(link[2] - marker_top) < 14]
    assert len(back) == 2  # each note's number leads back to its marker's line
    # the citation still reaches its reference, on the page it is on
    ref_page, _, ref_top, _ = word_box(data, "Example,")
    assert any(dest == ref_page and top and abs(top - ref_top) < 14 for _, dest, top, _ in links)


def test_images_are_embedded_once_each_and_sized_from_their_pixels():
    """chart.png (240x120) twice and photo.jpg (64x96) once: two image objects, drawn at
    96 dpi (0.75 pt per pixel); the SVG and the missing file are not images."""
    import pdfplumber
    from pypdf import PdfReader
    data, _ = pandoc_pdf()
    objects = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            image = ref.get_object()
            if image["/Subtype"] == "/Image":
                objects[ref.idnum] = (image["/Width"], image["/Height"])
    assert sorted(objects.values()) == [(64, 96), (240, 120)]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        drawn = sorted((round(i["width"]), round(i["height"])) for page in pdf.pages for i in page.images)
    assert drawn == [(48, 72), (180, 90), (180, 90)]


def test_diagnostics_for_raw_math_and_images_that_cannot_be_drawn():
    _, diagnostics = pandoc_pdf()
    messages = [d.message for d in diagnostics]
    raw = [m for m in messages if "raw markup" in m]
    assert raw == ["left out 4 raw markup passage(s) meant for other formats (html 2, latex 1, tex 1): "
                   "PDF takes no raw markup"]
    math = [d for d in diagnostics if "math" in d.message]
    assert [(d.severity, d.message.split(" (")[0]) for d in math] == [("info", "2 math formulas kept as TeX source")]
    assert sum("diagram.svg" in m and "SVG" in m for m in messages) == 1
    assert sum("missing.png" in m and "not found" in m for m in messages) == 1
    assert any("1 image title(s) not shown" in m for m in messages)


def test_same_pandoc_document_same_bytes():
    assert pandoc_pdf()[0] == pandoc_pdf()[0]


def test_line_block_keeps_leading_spaces_and_scripts_are_raised_and_smaller():
    data, _ = pandoc_pdf()
    _, first_x, _, _ = word_box(data, "The")
    _, indented_x, _, _ = word_box(data, "indented")
    _, third_x, _, _ = word_box(data, "third")
    assert indented_x > first_x + 5 and abs(third_x - first_x) < 1
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    body = next(c for c in chars if c["text"] == "A")["size"]
    small_caps = "".join(c["text"] for c in chars if c["size"] < body * 0.9 and c["text"].isupper())
    assert "MALL" in small_caps and "APS" in small_caps  # the lower-case letters, as smaller capitals
    marker = [c for c in chars if c["text"] == "1" and c["size"] < body]
    assert marker  # the first note's marker is a superscript


def test_an_image_that_cannot_be_decoded_or_is_remote_shows_its_alt_text(tmp_path):
    from ir_examples import IMAGES
    from docforge.model import Image
    (tmp_path / "broken.png").write_bytes((IMAGES / "chart.png").read_bytes()[:60])
    doc = Document(Meta(title="Broken"), (
        Paragraph((Text("A "), Image((Text("broken chart"),), "broken.png"), Text(" and "),
                   Image((Text("far away"),), "https://example.org/a.png"), Text(" and again "),
                   Image((Text("far away"),), "https://example.org/a.png"))),))
    diagnostics: list = []
    data = docforge.write(doc, "pdf", diagnostics=diagnostics,
                          options=WriteOptions(resource_path=(str(tmp_path),)))
    text = " ".join(extract(data).split())
    assert "A [broken chart] and [far away] and again [far away]" in text
    messages = [d.message for d in diagnostics]
    assert sum("broken.png" in m and "cannot be decoded" in m for m in messages) == 1
    assert sum("example.org/a.png" in m and "remote" in m for m in messages) == 1


def test_notes_in_split_and_fallback_tables_nested_notes_and_links_all_resolve():
    """A caption repeated over a split table, a table thrown away for being too tall, a
    note in a note and a marker inside a link: every note is listed once, by number, and
    every link destination exists (reportlab refuses to save a link to nowhere)."""
    from docforge.model import BulletList, Image, ListItem, Note

    def note(words):
        return Note((Paragraph((Text(words),)),))

    wide = tuple(Cell((Text(f"heading {i}"),)) for i in range(20))
    tall = Cell((Text("first"), note("in the tall cell")) + (LineBreak(), Text("more")) * 90)
    doc = Document(Meta(title="Notes everywhere"), (
        Paragraph((Link((Text("linked"), note("inside a link")), "https://example.org"),)),
        Paragraph((Text("outer"), Note((Paragraph((Text("outer note"), note("nested note"))),
                                       BulletList((ListItem((Paragraph((Text("listed"),)),)),)))))),
        Table(wide, (tuple(Cell((Text(f"c{i}"),) + ((note("in a cell"),) if i == 2 else ())) for i in range(20)),),
              caption=(Text("Wide"), note("in the caption"))),
        Table((Cell((Text("Head"),)),), ((tall,),)),
        Paragraph((Text("image "), Image((Text("chart"),), "chart.png"), note("after an image"))),
    ))
    data, _ = pandoc_pdf(doc)
    text = " ".join(extract(data).split())
    notes = text[text.index("Notes 1."):]
    expected = ["inside a link", "outer note", "nested note", "in a cell", "in the caption",
                "in the tall cell", "after an image"]
    positions = [notes.find(f"{n}. {words}") for n, words in enumerate(expected, 1)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), notes
    assert notes.count("in the caption") == 1 and "listed" in notes
    assert len(internal_links(data)) == 2 * len(expected) - 1  # no link back into a link


def test_notes_go_at_the_end_without_references_and_toc_depth_limits_outline_and_contents():
    from pypdf import PdfReader
    from docforge.model import Note
    doc = Document(Meta(title="Depth"), (
        Heading(1, (Text("One"), Note((Paragraph((Text("heading note"),)),)))),
        Heading(2, (Text("Two"),)), Heading(3, (Text("Three"),)),
        Paragraph((Text("text"),)),
    ))

    def outline_titles(data):
        def walk_outline(items):
            for item in items:
                yield from walk_outline(item) if isinstance(item, list) else [item.title]
        return list(walk_outline(PdfReader(io.BytesIO(data)).outline))

    shallow, _ = pandoc_pdf(doc, toc=True, toc_depth=1)
    deep, _ = pandoc_pdf(doc, toc=True, toc_depth=3)
    assert outline_titles(shallow) == ["One", "Notes"]  # the heading's words only, not its note's
    assert outline_titles(deep) == ["One", "Two", "Three", "Notes"]
    contents = " ".join(extract(shallow).split())
    contents = contents[contents.index("Contents"):contents.index("Notes")]
    assert "One" in contents and "Two" not in contents
    text = " ".join(extract(deep, body_only=True).split())  # without "Page 1 of 1"
    assert text.rstrip().endswith("Notes 1. heading note")


def test_alt_text_titles_and_languages_stay_on_the_flowables_for_tagging():
    """What the tagging layer (issue 14) needs is kept: an image block's alt text and
    title, a paragraph's inline images' alt texts, a div's language."""
    from ir_examples import IMAGES, pandoc_document
    from docforge.api import _context  # the context write() builds
    from docforge.writers.pdf import fonts, page
    from docforge.writers.pdf.images import PdfImage
    from docforge.writers.pdf.render import PdfRenderer
    from docforge.writers.pdf.styles import paragraph_styles
    from docforge.style import load_style
    from reportlab.platypus import KeepTogether

    context = _context(pandoc_document(), load_style(None), WriteOptions(resource_path=(str(IMAGES),)))
    fontset = fonts.build_fontset(context.style)
    layout = page.page_layout(context)
    renderer = PdfRenderer(context, fontset, paragraph_styles(context.style, fontset, "en"),
                           layout.frame_width, layout.frame_height)
    flowables = []
    for flowable in renderer.story():
        flowables.extend(flowable._content if isinstance(flowable, KeepTogether) else [flowable])
    images = [(f.alt, f.title) for f in flowables if isinstance(f, PdfImage)]
    assert images == [("A bar chart of sales", "Sales"), ("Uncaptioned chart", "")]
    assert [f._df_image_alts for f in flowables if hasattr(f, "_df_image_alts")] == [("a green photo",)]
    german = [f for f in flowables if getattr(f, "_df_lang", None) == "de"]
    assert len(german) == 1 and "Ein Absatz" in german[0].text


def test_reportlab_reads_data_uris_only_while_rendering_and_its_settings_are_restored():
    from reportlab import rl_config
    before = rl_config.trustedHosts, rl_config.trustedSchemes
    data, _ = pandoc_pdf()
    assert data.startswith(b"%PDF")
    assert (rl_config.trustedHosts, rl_config.trustedSchemes) == before


def test_an_item_that_starts_with_a_nested_list_keeps_its_number():
    from docforge.model import BulletList, ListItem, OrderedList
    doc = Document(Meta(title="Lists"), (OrderedList((
        ListItem((BulletList((ListItem((Paragraph((Text("inner"),)),)),)),)),
        ListItem((Paragraph((Text("second"),)),)))),))
    lines = extract(pdf_of(doc), body_only=True).splitlines()
    assert lines[1:] == ["1.", "◦ inner", "2. second"]


def test_a_long_word_in_a_table_cell_over_several_pages_is_drawn_whole():
    """make fuzz: a 4,000-letter word after a short run in a header cell is split over
    pages by reportlab, and splitting a part reportlab had split off before raised
    AttributeError ('_width_max'). Every letter is drawn."""
    from pypdf import PdfReader
    from docforge.model import BulletList, ListItem
    word = "x" * 4000
    table = Table(header=(Cell((Text(""),)), Cell((Text("head"), Text(word)))),
                  rows=((Cell((Text("a"),)), Cell((Text("中文标题"),))),), aligns=("left", "left"))
    doc = Document(Meta(title=""), (BulletList((ListItem((table,)),)),))
    reader = PdfReader(io.BytesIO(docforge.write(doc, "pdf")))
    assert len(reader.pages) > 1
    assert "".join(page.extract_text() for page in reader.pages).count("x") == len(word)


def test_the_outline_tree_links_siblings_and_counts_open_entries_as_reportlab_did():
    # pdffile.CompactOutline writes the outline from one row per heading: the tree, its
    # sibling links, the closed entries (below the second level) and the counts must be
    # what reportlab's own outline gave
    import pikepdf
    levels = [1, 2, 3, 4, 3, 2, 1, 3, 2, 4, 1]
    doc = Document(Meta(title="Tree"), tuple(
        block for index, level in enumerate(levels)
        for block in (Heading(level, (Text(f"H{index}"),)), Paragraph((Text(f"text {index}"),)))))
    pdf = pikepdf.open(io.BytesIO(pdf_of(doc, toc_depth=4)))

    def tree(item):
        rows = []
        while item is not None:
            children = tree(item.get("/First"))
            count = int(item.Count) if "/Count" in item else None
            rows.append((str(item.Title), count, children))
            nxt = item.get("/Next")
            if nxt is not None:
                assert nxt.Prev.objgen == item.objgen
            item = nxt
        return rows

    outlines = pdf.Root.Outlines
    assert tree(outlines.First) == [
        ("H0", 4, [("H1", 2, [("H2", -1, [("H3", None, [])]), ("H4", None, [])]), ("H5", None, [])]),
        ("H6", 3, [("H7", None, []), ("H8", 1, [("H9", None, [])])]),
        ("H10", None, []),
    ]
    # reportlab's root count: the open entries (10) plus one per entry with children (5)
    assert int(outlines.Count) == 15
    assert outlines.Last.Title == "H10"
    for top in (outlines.First, outlines.First.Next):
        assert top.Parent.objgen == outlines.objgen
        assert top.First.Parent.objgen == top.objgen
        assert top.Dest[0].objgen in {page.objgen for page in pdf.pages}


def _table_feed(rows: int) -> bytes:
    lines = ["Many Table Rows", "A sentence introduces the table.", "Name | Value | Note", ":--- | ---: | ---"]
    lines += [f"item {i} | {i} | a short note about the row" for i in range(rows)]
    return ("\n".join(lines) + "\nAfter the table, a paragraph.\n").encode()


def test_a_tagged_pdfs_structure_elements_are_in_object_streams(monkeypatch):
    # written one by one, ~100 bytes each, the elements made a 2,000-row tagged table 5.5x
    # the untagged file (12.5 bytes per input byte); deflated 200 to a stream, 1.75x
    import pikepdf
    feed = _table_feed(300)
    tagged = docforge.write(docforge.read(feed), "pdf")
    monkeypatch.setenv("DOCFORGE_PDF_UNTAGGED", "1")
    untagged = docforge.write(docforge.read(feed), "pdf")
    assert tagged.startswith(b"%PDF-1.5") and untagged.startswith(b"%PDF-1.3")
    assert b"/Type /StructElem" not in tagged and b"/Type /ObjStm" in tagged and b"/Type /XRef" in tagged
    assert b"\nxref\n" in untagged and b"/ObjStm" not in untagged  # untagged: the classic table, as before
    assert len(tagged) < 2.5 * len(untagged)
    pdf = pikepdf.open(io.BytesIO(tagged), attempt_recovery=False)
    assert pdf.get_warnings() == [] and pdf.check_pdf_syntax() == []
    roles, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Array):
            stack.extend(element)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
            roles.append(str(element.S))
            stack.append(element.K)
    assert roles.count("/TR") == 301 and roles.count("/TD") == 900 and roles.count("/TH") == 3
    parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    assert len(parent_tree) == 2 * int(pdf.Root.StructTreeRoot.ParentTreeNextKey)
