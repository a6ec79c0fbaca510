"""The finished DOCX (issue 15, item 6): references as a real Word numbered list that Word
can renumber and pandoc reads back as one list (typed labels, with a diagnostic, when the
labels are not a plain sequence); the theme's hyphenation and running header carried into
Word; pandoc's style names for body text and the title block, so a pandoc reference.docx
applies; table alt text from the caption."""
import io
import json
import zipfile

import docx

from lxml import etree

import docforge
from docforge.model import (CitationRef, Document, Heading, Meta, Paragraph, Reference, References,
                            Text, walk)
from docforge.options import WriteOptions
from docforge.style import load_style
from docforge.writers.base import RenderContext
from docforge.writers.docx import writer as docx_writer
from conftest import DATA, run_pandoc
from ir_examples import rich_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = DATA / "seed-china-ai.txt"


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


def xml(data: bytes, name: str):
    return etree.fromstring(part(data, name).encode())


def written(doc, style=None, **options) -> tuple[bytes, list]:
    """The writer itself, without prepare() (which would relabel the references)."""
    out = io.BytesIO()
    diagnostics = docx_writer.write(RenderContext(doc, style or load_style(), WriteOptions(**options)), out)
    return out.getvalue(), diagnostics


def references_doc(*labels: str) -> Document:
    entries = tuple(Reference(f"ref-{i}", label, (Text(f"Author {i}. Work {i}."),))
                    for i, label in enumerate(labels, 1))
    return Document(Meta(title="Refs"), (
        Paragraph((Text("See "), CitationRef("ref-1"), Text("."))),
        Heading(1, (Text("References"),), id="references"),
        References(entries)))


def bibliography_paragraphs(data: bytes) -> list:
    body = xml(data, "word/document.xml")
    return [p for p in body.iter(W + "p")
            if p.find(f"{W}pPr/{W}pStyle") is not None
            and p.find(f"{W}pPr/{W}pStyle").get(W + "val") == "Bibliography"]


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


# ------------------------------------------------------------------ references as a Word list

def test_every_reference_entry_is_numbered_by_one_list_of_its_own():
    data, _ = written(references_doc("1", "2", "3"))
    entries = bibliography_paragraphs(data)
    assert len(entries) == 3
    num_ids = {p.find(f"{W}pPr/{W}numPr/{W}numId").get(W + "val") for p in entries}
    levels = {p.find(f"{W}pPr/{W}numPr/{W}ilvl").get(W + "val") for p in entries}
    assert len(num_ids) == 1 and levels == {"0"}
    # the label is Word's number now, not typed text; the bookmark stays for the citation
    assert [text_of(p) for p in entries] == ["Author 1. Work 1.", "Author 2. Work 2.", "Author 3. Work 3."]
    assert [p.find(W + "bookmarkStart").get(W + "name") for p in entries] == ["ref-1", "ref-2", "ref-3"]
    body = part(data, "word/document.xml")
    assert '<w:hyperlink w:anchor="ref-1"' in body


def test_the_numbering_definition_starts_at_the_first_label_and_prints_it_like_the_labels():
    data, diagnostics = written(references_doc("4", "5", "6"))
    num_id = bibliography_paragraphs(data)[0].find(f"{W}pPr/{W}numPr/{W}numId").get(W + "val")
    numbering = xml(data, "word/numbering.xml")
    num = next(n for n in numbering.iter(W + "num") if n.get(W + "numId") == num_id)
    assert num.find(f"{W}lvlOverride/{W}startOverride").get(W + "val") == "4"
    abstract_id = num.find(W + "abstractNumId").get(W + "val")
    abstract = next(a for a in numbering.iter(W + "abstractNum") if a.get(W + "abstractNumId") == abstract_id)
    level = abstract.find(W + "lvl")
    assert level.find(W + "numFmt").get(W + "val") == "decimal"
    assert level.find(W + "lvlText").get(W + "val") == "%1."  # "4." as the PDF prints the label
    # a numbering of its own: no body list uses this definition
    other_lists = [n for n in numbering.iter(W + "num") if n.get(W + "numId") != num_id
                   and n.find(W + "abstractNumId").get(W + "val") == abstract_id]
    assert other_lists == []
    assert not [d for d in diagnostics if "typed labels" in d.message]


def test_labels_that_are_not_a_plain_sequence_are_typed_with_a_diagnostic_saying_why():
    for labels in (("1", "3", "4"), ("a", "b"), ("Smith 2020", "Jones 2021"), ("01", "02"),
                   ("99999999999", "100000000000")):
        data, diagnostics = written(references_doc(*labels))
        entries = bibliography_paragraphs(data)
        assert all(p.find(f"{W}pPr/{W}numPr") is None for p in entries), labels
        assert [text_of(p) for p in entries] == [f"{label}.Author {i}. Work {i}."
                                                 for i, label in enumerate(labels, 1)], labels
        why = [d.message for d in diagnostics if "typed labels" in d.message]
        assert len(why) == 1 and "not a plain sequence" in why[0] and repr(labels[0]) in why[0], labels


def test_pandoc_reads_the_references_back_as_one_ordered_list(pandoc):
    doc = docforge.read(SEED)
    entries = next(b for b in doc.blocks if type(b) is References).entries
    ast = json.loads(run_pandoc(pandoc, ["-f", "docx", "-t", "json"], docforge.write(doc, "docx")))
    lists = [b for b in ast["blocks"] if b["t"] == "OrderedList"]
    assert len(lists) == 1
    (start, _style, _delim), items = lists[0]["c"]
    assert start == int(entries[0].label) and len(items) == len(entries)
    # the list follows the References heading and ends the body
    kinds = [b["t"] for b in ast["blocks"]]
    assert kinds[kinds.index("OrderedList") - 1] == "Header"


def test_docforge_reads_its_docx_references_back_as_references_with_their_citations():
    doc = rich_document()
    back = docforge.read(docforge.write(doc, "docx"), "docx")
    refs = [b for b in back.blocks if type(b) is References]
    assert len(refs) == 1
    want = next(b for b in doc.blocks if type(b) is References).entries
    assert [e.label for e in refs[0].entries] == [e.label for e in want]
    cited = [n.ref_id for n in walk(back) if type(n) is CitationRef]
    assert cited == [n.ref_id for n in walk(doc) if type(n) is CitationRef] and cited
    assert all(c in {e.id for e in refs[0].entries} for c in cited)


# ------------------------------------------------------------------ the theme carried into Word

def test_autohyphenation_in_settings_when_the_theme_hyphenates():
    hyphenating = load_style(overrides={"text": {"hyphenate": True}})
    settings = xml(written(rich_document(), hyphenating)[0], "word/settings.xml")
    assert settings.find(W + "autoHyphenation").get(W + "val") == "true"
    assert xml(written(rich_document())[0], "word/settings.xml").find(W + "autoHyphenation") is None
    from test_docx import schema_order_errors  # settings, headers, tables: ECMA-376 order
    assert schema_order_errors(written(rich_document(), hyphenating, toc=True)[0]) == []


def _header_parts(data: bytes) -> dict[str, object]:
    """header/footer reference type ("header:default") -> the root of the part it names."""
    document = xml(data, "word/document.xml")
    targets = {r.get("Id"): r.get("Target") for r in xml(data, "word/_rels/document.xml.rels")}
    sect = document.find(f"{W}body/{W}sectPr")
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {f"{kind}:{ref.get(W + 'type')}": xml(data, "word/" + targets[ref.get(r_id)])
            for kind in ("header", "footer") for ref in sect.findall(f"{W}{kind}Reference")}


def test_running_header_shows_the_title_on_every_page_but_the_first():
    doc = rich_document()
    data, _ = written(doc)
    sect = xml(data, "word/document.xml").find(f"{W}body/{W}sectPr")
    assert sect.find(W + "titlePg") is not None  # a different first page
    parts = _header_parts(data)
    assert text_of(parts["header:default"]) == doc.meta.title
    assert text_of(parts["header:first"]) == ""  # the title block shows the title there
    assert text_of(parts["footer:first"]) == text_of(parts["footer:default"]) == "Page 1 of 1"  # numbers stay
    styled = [p.find(f"{W}pPr/{W}pStyle") for p in parts["header:default"].iter(W + "p")]
    assert [s.get(W + "val") for s in styled if s is not None] == ["Header"]
    # the first page's empty header draws no rule (the Header style has one)
    assert parts["header:first"].find(f".//{W}pStyle") is None
    styles = xml(data, "word/styles.xml")
    header_style = next(s for s in styles.iter(W + "style") if s.get(W + "styleId") == "Header")
    assert header_style.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None


def test_no_running_header_when_the_theme_has_none_or_there_is_no_title():
    off = load_style(overrides={"page": {"running_header": False}})
    for data in (written(rich_document(), off)[0],
                 written(Document(Meta(), (Paragraph((Text("untitled"),)),)))[0]):
        assert not any(n.startswith("word/header") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert xml(data, "word/document.xml").find(f"{W}body/{W}sectPr/{W}titlePg") is None


def test_a_long_title_is_cut_to_one_header_line():
    title = "word " * 60
    parts = _header_parts(written(Document(Meta(title=title), (Paragraph((Text("x"),)),)))[0])
    shown = text_of(parts["header:default"])
    assert len(shown) <= 110 and shown.endswith("\u2026")


# ------------------------------------------------------------------ pandoc's style names

def _styles_in_order(data: bytes) -> list[tuple[str, str]]:
    body = xml(data, "word/document.xml").find(W + "body")
    out = []
    for p in body.findall(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(W + "val") if style is not None else "", text_of(p)))
    return out


def test_body_text_first_paragraph_author_date_and_abstract():
    from docforge.model import BulletList, ListItem, Quote
    doc = Document(Meta(title="T", authors=("Ann", "Bo"), date="2026-03-14",
                        extra=(("abstract", "What it says."),)), (
        Paragraph((Text("p1"),)), Paragraph((Text("p2"),)),
        Heading(1, (Text("H"),), id="h"), Paragraph((Text("p3"),)), Paragraph((Text("p4"),)),
        BulletList((ListItem((Paragraph((Text("item"),)),)),)), Paragraph((Text("p5"),)),
        Quote((Paragraph((Text("q"),)),)), Paragraph((Text("p6"),))))
    styles = [s for s in _styles_in_order(written(doc)[0]) if s[1]]
    assert styles == [("Title", "T"), ("Author", "Ann, Bo"), ("Date", "March 14, 2026"),
                      ("Abstract", "What it says."),
                      ("FirstParagraph", "p1"), ("BodyText", "p2"), ("Heading1", "H"),
                      ("FirstParagraph", "p3"), ("BodyText", "p4"), ("ListBullet", "item"),
                      ("FirstParagraph", "p5"), ("Quote", "q"), ("FirstParagraph", "p6")]


def test_pandoc_reads_author_date_and_abstract_as_metadata(pandoc):
    doc = Document(Meta(title="T", authors=("Ann",), date="2026-03-14",
                        extra=(("abstract", "What it says."),)), (Paragraph((Text("body"),)),))
    ast = json.loads(run_pandoc(pandoc, ["-f", "docx", "-t", "json"], docforge.write(doc, "docx")))
    stringify = lambda v: "".join(i.get("c", " ") if i["t"] == "Str" else " " for i in v)  # noqa: E731
    meta = ast["meta"]
    assert stringify(meta["date"]["c"]) == "March 14, 2026"
    authors = meta["author"]["c"] if meta["author"]["t"] == "MetaList" else [meta["author"]]
    assert [stringify(a["c"]) for a in authors] == ["Ann"]
    abstract = meta["abstract"]
    inlines = abstract["c"] if abstract["t"] == "MetaInlines" else [i for b in abstract["c"] for i in b["c"]]
    assert stringify(inlines) == "What it says."
    assert [b["t"] for b in ast["blocks"]] == ["Para"]  # the byline is no longer a body paragraph


def test_dates_are_written_for_the_language(tmp_path):
    """The Date paragraph is the labels catalogue's date, as the other writers print it."""
    for lang, shown in (("en", "March 14, 2026"), ("zh-Hans", "2026年3月14日"), ("fr", "14 mars 2026")):
        doc = docforge.read_text(f"Title: T\nDate: 2026-03-14\nLanguage: {lang}\n\nBody text here.\n")
        d = docx.Document(io.BytesIO(docforge.write(doc, "docx")))
        assert [p.text for p in d.paragraphs if p.style.name == "Date"] == [shown]


def test_a_customised_pandoc_reference_docx_styles_the_body_text(pandoc, tmp_path):
    import docx
    from docx.shared import RGBColor
    reference = tmp_path / "reference.docx"
    reference.write_bytes(run_pandoc(pandoc, ["--print-default-data-file", "reference.docx"]))
    template = docx.Document(str(reference))
    template.styles["Body Text"].font.color.rgb = RGBColor(0xAA, 0x11, 0x22)
    template.styles["First Paragraph"].font.color.rgb = RGBColor(0x11, 0x22, 0xAA)
    template.styles["Author"].font.color.rgb = RGBColor(0x11, 0xAA, 0x22)
    template.save(str(reference))
    doc = Document(Meta(title="T", authors=("Ann",)), (
        Heading(1, (Text("H"),), id="h"), Paragraph((Text("first"),)), Paragraph((Text("second"),))))
    out = docx.Document(io.BytesIO(docforge.write(doc, "docx", options=WriteOptions(reference_docx=str(reference)))))
    colours = {p.text: (p.style.name, str(p.style.font.color.rgb)) for p in out.paragraphs if p.text}
    assert colours["first"] == ("First Paragraph", "1122AA")
    assert colours["second"] == ("Body Text", "AA1122")
    assert colours["Ann"] == ("Author", "11AA22")


def test_pandoc_reference_docx_without_page_setup_gets_the_themes(pandoc, tmp_path):
    """pandoc's reference.docx has no w:pgSz or w:pgMar: tables were as wide as the sheet."""
    from docforge.model import Cell, Table
    reference = tmp_path / "reference.docx"
    reference.write_bytes(run_pandoc(pandoc, ["--print-default-data-file", "reference.docx"]))
    doc = Document(Meta(title="T"), (Table((Cell((Text("h"),)),), ((Cell((Text("c"),)),),)),))
    body = xml(docforge.write(doc, "docx", options=WriteOptions(reference_docx=str(reference))),
               "word/document.xml")
    sect = body.find(f"{W}body/{W}sectPr")
    size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    assert size is not None and margins is not None
    assert {k.split("}")[1] for k in margins.attrib} >= {"top", "right", "bottom", "left", "header",
                                                        "footer", "gutter"}  # all required
    text_width = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
    assert int(body.find(f".//{W}tblPr/{W}tblW").get(W + "w")) == text_width


# ------------------------------------------------------------------ table alt text

def test_table_alt_text_from_the_caption():
    from docforge.model import Cell, Table
    doc = Document(Meta(title="T"), (
        Table((Cell((Text("h"),)),), ((Cell((Text("c"),)),),), caption=(Text("Rates & <costs>"),), id="tbl-1",
              label="Table 1"),
        Table((Cell((Text("h"),)),), ((Cell((Text("c"),)),),), label="Table 2")))
    body = xml(written(doc)[0], "word/document.xml")
    tables = body.findall(f"{W}body/{W}tbl")
    first, second = (t.find(W + "tblPr") for t in tables)
    assert first.find(W + "tblCaption").get(W + "val") == "Table 1: Rates & <costs>"
    assert first.find(W + "tblDescription").get(W + "val") == "Rates & <costs>"
    assert second.find(W + "tblCaption") is None and second.find(W + "tblDescription") is None
    # after tblLook, as ECMA-376 orders them
    names = [etree.QName(c).localname for c in first]
    assert names[-3:] == ["tblLook", "tblCaption", "tblDescription"]


def test_a_templates_own_header_wins_over_the_running_header(tmp_path):
    import docx
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Company confidential"
    path = tmp_path / "template.docx"
    template.save(str(path))
    data, _ = written(rich_document(), reference_docx=str(path))
    parts = _header_parts(data)
    assert text_of(parts["header:default"]) == "Company confidential" and "header:first" not in parts
    assert xml(data, "word/document.xml").find(f"{W}body/{W}sectPr/{W}titlePg") is None
