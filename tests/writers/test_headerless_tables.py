"""A table without a header row (header=(), as the feed reader reads `| a | b |` rows
without a separator) has no header row in any format: no empty <th> row in HTML/EPUB,
no header-filled row, repeated row or TH in the PDF, no header row in DOCX."""
import io

import pikepdf
import pdfplumber
import pytest

import docforge
from docforge.model import Cell, Document, Meta, Paragraph, Table, Text


def headerless(rows: int) -> Document:
    cells = tuple(tuple(Cell((Text(f"r{r}c{c}"),)) for c in range(4)) for r in range(rows))
    return Document(Meta(title="Prices"), (Paragraph((Text("Prices."),)), Table((), cells, ("default",) * 4)))


def struct_roles(data: bytes) -> list[str]:
    pdf = pikepdf.open(io.BytesIO(data))
    roles: list[str] = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                roles.append(str(node.S))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids)

    walk(pdf.Root.StructTreeRoot)
    return roles


@pytest.mark.parametrize("rows", [4, 200])  # one reportlab table; row groups over pages
def test_the_pdf_tags_and_draws_no_header_row(rows):
    data = docforge.write(headerless(rows), "pdf")
    roles = struct_roles(data)
    assert roles.count("/TH") == 0 and roles.count("/THead") == 0
    assert roles.count("/TD") == 4 * rows and roles.count("/TR") == rows
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        if rows > 40:
            assert len(pdf.pages) > 1
            # page 2 starts with the next data row, not a repeated first row
            assert "r0c0" not in (pdf.pages[1].extract_text() or "")
    assert all(f"r{r}c3" in text for r in range(rows))  # every cell drawn once


def test_the_pdf_still_tags_a_header_row_when_there_is_one():
    cells = ((Cell((Text("a"),)), Cell((Text("b"),))),)
    doc = Document(Meta(title="T"), (Table((Cell((Text("H1"),)), Cell((Text("H2"),))), cells, ("default",) * 2),))
    roles = struct_roles(docforge.write(doc, "pdf"))
    assert roles.count("/TH") == 2 and roles.count("/THead") == 1 and roles.count("/TD") == 2


def test_docx_has_no_header_row_either():
    import docx
    out = docx.Document(io.BytesIO(docforge.write(headerless(3), "docx")))
    table = out.tables[0]
    assert len(table.rows) == 3 and table.rows[0].cells[0].text == "r0c0"
    import zipfile
    with zipfile.ZipFile(io.BytesIO(docforge.write(headerless(3), "docx"))) as z:
        assert "w:tblHeader" not in z.read("word/document.xml").decode()  # no repeated header row
