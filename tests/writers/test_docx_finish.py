"""The finished DOCX (issue 15, item 6): references as a real Word numbered list that Word
can renumber and pandoc reads back as one list (typed labels, with a diagnostic, when the
labels are not a plain sequence); the theme's hyphenation and running header carried into
Word; pandoc's style names for body text and the title block, so a pandoc reference.docx
applies; table alt text from the caption."""
import io
import json
import re
import zipfile

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
    for labels in (("1", "3", "4"), ("a", "b"), ("Smith 2020", "Jones 2021"), ("01", "02")):
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
