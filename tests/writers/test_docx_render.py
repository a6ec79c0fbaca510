"""DOCX rendered by LibreOffice: what a reader sees (`make test-render` runs these).

Each test converts with `soffice --headless --convert-to pdf` using a private profile in the
test's temporary directory (so a running LibreOffice or the user's settings cannot interfere)
and reads the PDF back with pdftotext / pdfplumber.
"""
import shutil
import subprocess

import pytest

import docforge
from docforge.model import Cell, Document, Heading, Meta, OrderedList, Paragraph, Table, Text
from docforge.options import WriteOptions
from conftest import DATA
from ir_examples import IMAGES, item, pandoc_document, rich_document

pytestmark = [pytest.mark.render,
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) is not installed: `make system-deps`")]


def to_pdf(source, tmp_path, fmt: str = "pdf"):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", fmt, "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=240)
    converted = tmp_path / (source.stem + "." + fmt.split(":")[0])
    assert converted.exists(), f"LibreOffice did not convert {source.name}"
    return converted


def render(docx_path, tmp_path) -> str:
    pdf = to_pdf(docx_path, tmp_path)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_two_ordered_lists_both_start_at_one_in_libreoffice(tmp_path):
    doc = Document(Meta(title="Lists"), (
        OrderedList((item("alpha"), item("beta"))),
        Paragraph((Text("Between the lists."),)),
        OrderedList((item("gamma"), item("delta", OrderedList((item("delta-one"), item("delta-two")))))),
        OrderedList((item("epsilon"),), start=7),
    ))
    path = tmp_path / "lists.docx"
    docforge.write(doc, "docx", path)
    text = render(path, tmp_path)
    assert "1. alpha" in text and "2. beta" in text
    assert "1. gamma" in text and "2. delta" in text
    assert "1. delta-one" in text and "2. delta-two" in text
    assert "7. epsilon" in text


def test_seed_renders_with_table_and_page_numbers(tmp_path):
    path = tmp_path / "seed.docx"
    docforge.write(docforge.read(DATA / "seed-china-ai.txt"), "docx", path)
    text = render(path, tmp_path)
    # the seed's table has no caption, so no bare "Table 1" label (issue 14)
    assert "Table 1" not in text and "Manufacturing" in text and "Inquirer Business" in text
    pages = text.count("\f")
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text


def test_wide_table_stays_inside_the_text_block(tmp_path):
    import pdfplumber
    long = "Supercalifragilisticexpialidocious"
    doc = Document(Meta(title="Wide"), (
        Heading(1, (Text("A wide table"),)),
        Table(tuple(Cell((Text(f"Column {i} {long}"),)) for i in range(6)),
              tuple(tuple(Cell((Text(f"{long} {long} value {r}.{c}"),)) for c in range(6))
                    for r in range(3))),
    ))
    path = tmp_path / "wide.docx"
    docforge.write(doc, "docx", path)
    with pdfplumber.open(to_pdf(path, tmp_path)) as pdf:
        page = pdf.pages[0]
        right_edge = page.width - 25 / 25.4 * 72  # the theme's right margin
        assert max(ch["x1"] for ch in page.chars) <= right_edge + 1
        text = page.extract_text()
    assert "value 2.5" in text.replace("\n", " ")  # the last cell is there, not clipped


def test_libreoffice_made_template_works_as_reference_docx(tmp_path):
    """A reference doc as LibreOffice saves it: no numbering part, few built-in styles."""
    source = tmp_path / "template.txt"
    source.write_text("template body\n", encoding="utf-8")
    template = to_pdf(source, tmp_path, "docx:MS Word 2007 XML")
    out = tmp_path / "from-template.docx"
    docforge.write(rich_document(), "docx", out, options=WriteOptions(reference_docx=str(template)))
    text = " ".join(render(out, tmp_path).split())
    assert "template body" not in text
    assert "1. Again one" in text and "3. Starts at three" in text and "Table 1: Comparison" in text


def test_footnotes_images_and_the_other_pandoc_nodes_render(tmp_path):
    """What a reader of the LibreOffice rendering sees: the note markers in the text and the
    notes at the foot of their page, the pictures at their size, the figure captions, the
    definition list, the verse's lines and the TeX source of the math."""
    import pdfplumber
    path = tmp_path / "pandoc-nodes.docx"
    docforge.write(pandoc_document(), "docx", path, options=WriteOptions(resource_path=(str(IMAGES),)))
    with pdfplumber.open(to_pdf(path, tmp_path)) as pdf:
        first = pdf.pages[0]
        text = " ".join(first.extract_text().split())
        assert "A claim1 and another2." in text
        for note in ("The first note, with a link.", "Second note, first paragraph.", "Second note, second paragraph."):
            line = next(w for w in first.extract_text_lines() if note in w["text"])
            assert line["top"] > first.height * 0.75, note  # at the foot of the page
        assert "Figure 1: Sales by year" in text and "Figure 2" not in text
        assert "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}" in text
        sizes = sorted((round(i["x1"] - i["x0"]), round(i["bottom"] - i["top"])) for i in first.images)
        assert sizes == [(48, 72), (180, 90), (180, 90)]  # photo 64x96 px, chart 240x120 px, at 96 dpi
        rest = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Term one Definition of term one." in rest and "Second definition." in rest
    assert "The first line of verse indented second line third line" in rest
    assert "Ein Absatz auf Deutsch." in rest and "a diagram" in rest and "lost picture" in rest
