"""Large and odd inputs stream through without recursion limits or quadratic blow-ups."""
import docforge
from docforge.model import Paragraph, plain_text


def test_a_2mb_single_line_is_one_paragraph_with_every_character():
    line = ("word " * 400_000).strip()  # 2 MB, no newline
    doc = docforge.read(("Title\n" + line).encode())
    assert sum(len(plain_text(b)) for b in doc.blocks) == len(line)
    html = docforge.write(doc, "html")
    assert html.split(b"<article>")[1].count(b"word ") == 399_999


def test_100k_lines_convert():
    lines = [f"Paragraph number {i} has some words in it." for i in range(100_000)]
    doc = docforge.read(("Title\n" + "\n".join(lines)).encode())
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 100_000
    assert docforge.write(doc, "json")


def test_deeply_indented_list_does_not_recurse_out():
    lines = ["Deep list", "Intro paragraph that is long enough to be a paragraph, really it is."]
    lines += ["  " * i + "- level " + str(i) for i in range(400)]
    doc = docforge.read("\n".join(lines).encode())
    assert "level 399" in plain_text(doc)
    assert b"level 399" in docforge.write(doc, "html")


# The work one paragraph, heading or cell can cause is bounded: the PDF writer sets text
# longer than PARAGRAPH_CHUNK_CHARS in pieces and writes a table with a cell longer than
# CELL_LIMIT_CHARS as paragraphs (a 1 MB cell took over 14 minutes, a 300 KB heading over a
# minute). No timing is asserted; these check that every character is still there.
def _pdf_text(data: bytes) -> str:
    import io
    from pypdf import PdfReader
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_table_cell_longer_than_the_limit_becomes_paragraphs_with_every_word():
    from docforge.model import Cell, Document, Meta, Table, Text
    from docforge.writers.pdf.tables import CELL_LIMIT_CHARS

    words = [f"w{i}" for i in range(CELL_LIMIT_CHARS // 3)]
    doc = Document(Meta(title="Cells"), (Table((Cell((Text("Head"),)),), ((Cell((Text(" ".join(words)),)),),),
                                                (), ()),))
    diagnostics: list = []
    text = _pdf_text(docforge.write(doc, "pdf", diagnostics=diagnostics)).split()
    assert any("taller than a page" in str(d) for d in diagnostics)
    assert [w for w in text if w.startswith("w")][-1] == words[-1]
    assert set(words) <= set(text) | {"Head:"}


def test_a_heading_longer_than_a_paragraph_piece_keeps_every_word_and_a_short_outline_entry():
    import io
    from pypdf import PdfReader
    from docforge.model import Document, Heading, Meta, Text
    from docforge.writers.pdf.render import PARAGRAPH_CHUNK_CHARS

    words = [f"h{i}" for i in range(PARAGRAPH_CHUNK_CHARS // 2)]
    doc = Document(Meta(title="Headings"), (Heading(1, (Text(" ".join(words)),), "long"), Heading(1, (Text("Next"),), "next"),
                                            Paragraph((Text("after"),))))
    data = docforge.write(doc, "pdf")
    text = _pdf_text(data).split()
    assert set(words) <= set(text) and "after" in text
    outline = PdfReader(io.BytesIO(data)).outline
    assert outline and all(len(entry.title) < 400 for entry in outline if hasattr(entry, "title"))


def test_json_output_is_the_same_text_as_the_whole_ast_dumped_at_once():
    """The JSON writer streams; its bytes must be those of json.dumps over the whole AST."""
    import json
    from docforge.model import (BulletList, Cell, Document, Heading, ListItem, Meta, Quote, Reference,
                                References, Table, Text)
    from docforge.writers.pandoc_json import _TEXT_SLICE, _BATCH, writer

    long_text = "word " * (_TEXT_SLICE // 2) + "x" * (_TEXT_SLICE + 7) + "  tail"
    rows = tuple((Cell((Text(f"r{i}"),)), Cell(())) for i in range(_BATCH * 2 + 3))
    doc = Document(Meta(title="J"), (
        Heading(1, (Text(long_text),)), Paragraph((Text(long_text), Text(" b"))),
        Table((Cell((Text("a"),)), Cell((Text("b"),))), rows, ("left",), (Text("cap"),)),
        BulletList(tuple(ListItem((Paragraph((Text(f"i{i}"),)),)) for i in range(3))),
        Quote((Paragraph((Text("q"),)),)),
        References(tuple(Reference(f"ref-{i}", str(i), (Text("e"),), "") for i in range(1, _BATCH + 5)))))
    streamed = docforge.write(doc, "json")
    prepared = docforge.read(streamed, "json")
    assert streamed.decode("utf-8") == json.dumps(writer.to_ast(prepared), ensure_ascii=False,
                                                  separators=(",", ":"))
