import io
import re
import zipfile

import pytest

import docforge
from docforge.errors import InputError
from docforge.model import Document, Meta, OrderedList, Paragraph, Text
from docforge.options import WriteOptions
from docforge.transforms import prepare
from conftest import DATA, SAMPLES
from ir_examples import item, rich_document
from readback import expected, read_back

SEED = DATA / "seed-china-ai.txt"


def docx_of(doc, **options) -> bytes:
    return docforge.write(doc, "docx", options=WriteOptions(**options))


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


@pytest.mark.parametrize("path", SAMPLES + [SEED], ids=lambda p: p.name)
def test_pandoc_reads_back_every_unit(pandoc, path):
    doc = prepare(docforge.read(path))
    want = expected(doc)
    got = read_back(pandoc, docx_of(doc), "docx")
    assert got["headings"] == want["headings"]
    assert got["cells"] == want["cells"]
    for entry in want["references"]:
        assert any(entry in p for p in got["paras"]), entry
    for text in want["items"]:
        assert text in got["items"], text


def test_rich_document_reads_back(pandoc):
    doc = prepare(rich_document())
    got = read_back(pandoc, docx_of(doc), "docx")
    want = expected(doc)
    assert got["headings"] == want["headings"] and got["cells"] == want["cells"]
    assert [i for i in want["items"] if i not in got["items"]] == []


def test_real_word_styles_and_properties():
    import docx
    d = docx.Document(io.BytesIO(docx_of(rich_document())))
    used = [p.style.name for p in d.paragraphs]
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "List Number",
                 "Caption", "Bibliography", "Quote", "Source Code", "Keywords"):
        assert name in used, name
    props = d.core_properties
    assert props.title.startswith("The Rich Sample") and props.author == "Jane Example; Li Wei"
    assert props.keywords == "testing, docforge, IR" and props.subject == "A dek line"
    assert props.created.year == 1980 and props.language == "en"
    assert d.styles["Normal"].font.name == "DejaVu Serif"


def test_each_list_restarts_its_numbering():
    data = docx_of(rich_document())
    body, numbering = part(data, "word/document.xml"), part(data, "word/numbering.xml")
    num_ids = re.findall(r'<w:numId w:val="(\d+)"/>', body)
    # bullets, nested bullets, ordered, sub-step, "Again", "Starts at three": six lists
    assert len(set(num_ids)) == 6
    starts = re.findall(r'<w:num w:numId="(\d+)"><w:abstractNumId w:val="\d+"/><w:lvlOverride '
                        r'w:ilvl="0"><w:startOverride w:val="(\d+)"/>', numbering)
    assert [s for _, s in starts][-4:] == ["1", "1", "1", "3"]


def test_tables_repeat_header_have_fixed_widths_and_caption():
    body = part(docx_of(rich_document()), "word/document.xml")
    assert body.count("<w:tblHeader") == 1 and '<w:tblLayout w:type="fixed"/>' in body
    assert '<w:tblStyle w:val="TableGrid"/>' in body
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', body)]
    assert len(widths) == 3 and sum(widths) <= 9072 + 5  # A4 minus 2 x 25 mm, in twips
    assert "Table 1: " in body and 'w:fill="E6ECF3"' in body.upper().replace("W:FILL", "w:fill")


def test_references_are_bookmarked_and_citations_link_to_them():
    data = docx_of(rich_document())
    body = part(data, "word/document.xml")
    assert '<w:bookmarkStart w:id="' in body and 'w:name="ref-1"' in body
    assert re.search(r'<w:hyperlink w:anchor="ref-1"[^>]*>.*?\[1\]', body)
    rels = part(data, "word/_rels/document.xml.rels")
    assert 'Target="https://www.scmp.com/x"' in rels and 'TargetMode="External"' in rels


def test_footer_page_numbers_toc_and_page_size():
    data = docx_of(rich_document(), toc=True, paper="Letter")
    footer = next(part(data, n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                  if n.startswith("word/footer"))
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    body = part(data, "word/document.xml")
    assert 'TOC \\o "1-2"' in body and "<w:updateFields" in part(data, "word/settings.xml")
    assert '<w:pgSz w:w="12240" w:h="15840"' in body


def test_same_input_same_bytes():
    assert docx_of(rich_document()) == docx_of(rich_document())


def test_control_characters_are_dropped_with_a_diagnostic():
    doc = Document(Meta(title="t\x00"), (Paragraph((Text("bad \x01\x1b text"),)),))
    diags: list = []
    data = docforge.write(doc, "docx", diagnostics=diags)
    assert "bad  text" in part(data, "word/document.xml")
    assert any("control character" in d.message for d in diags)


def test_reference_docx_supplies_styles_and_page_setup(tmp_path):
    import docx
    from docx.shared import Mm, Pt
    template = docx.Document()
    template.styles["Normal"].font.name = "Liberation Mono"
    template.styles["Normal"].font.size = Pt(9)
    template.sections[0].left_margin = Mm(40)
    template.add_paragraph("template text that must not survive")
    path = tmp_path / "ref.docx"
    template.save(path)
    out = docx.Document(io.BytesIO(docx_of(rich_document(), reference_docx=str(path))))
    assert out.styles["Normal"].font.name == "Liberation Mono"
    assert abs(out.sections[0].left_margin - Mm(40)) < Mm(0.1)
    assert all("template text" not in p.text for p in out.paragraphs)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="bad.docx: cannot be used as --reference-docx"):
        docx_of(rich_document(), reference_docx=str(bad))
