from docforge.model import (CitationRef, Document, Heading, Paragraph, Reference, References,
                            Table, Cell, Text, walk, Meta, plain_text)
from docforge.style import load_style
from docforge.transforms import outline, prepare, slugify
from ir_examples import rich_document


def test_slugs_are_unicode_aware():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("中文 标题") == "中文-标题"
    assert slugify("Ünïcödé — Straße") == "ünïcödé-strasse"
    assert slugify("2.1 Data") == "section-21-data"
    assert slugify("!!!") == "section"


def test_heading_ids_are_unique_and_avoid_reference_ids():
    doc = Document(blocks=(Heading(1, (Text("Ref 1"),), ""), Heading(1, (Text("A"),)),
                           Heading(1, (Text("A"),)), References((Reference("", "1", (Text("x"),)),))))
    ids = [n.id for n in walk(prepare(doc)) if isinstance(n, (Heading, Reference))]
    assert len(set(ids)) == len(ids)
    assert ids[1:] == ["a", "a-1", "ref-1"]


def test_tables_and_references_are_numbered_once_in_document_order():
    t = Table((Cell((Text("h"),)),), ())
    doc = Document(blocks=(t, Paragraph((CitationRef("ref-2"), CitationRef("ref-9"))), t,
                           References((Reference("", "", (Text("a"),)), Reference("", "", (Text("b"),))))))
    out = prepare(doc)
    tables = [n for n in out.blocks if isinstance(n, Table)]
    assert [(t.label, t.id) for t in tables] == [("Table 1", "table-1"), ("Table 2", "table-2")]
    refs = out.blocks[-1].entries
    assert [(r.label, r.id) for r in refs] == [("1", "ref-1"), ("2", "ref-2")]
    # a citation to a reference that exists stays a link; an unknown one becomes its text
    assert out.blocks[1].inlines == (CitationRef("ref-2"), Text("[9]"))


def test_prepare_is_idempotent_and_numbering_follows_the_theme():
    doc = prepare(rich_document())
    assert prepare(doc) == doc
    numbered = prepare(rich_document(), load_style().__class__(
        headings=load_style().headings.__class__(numbering=True)))
    heads = [n for n in numbered.blocks if isinstance(n, Heading)]
    assert heads[0].inlines[0] == Text("1 ") and heads[1].inlines[0] == Text("1.1 ")


def test_outline_nests_by_level():
    tree = outline(prepare(rich_document()))
    assert [e.text for e in tree] == ["Introduction", "中文部分", "References"]
    assert [c.text for c in tree[0].children] == ["Lists", "A table"]


def test_notes_are_numbered_in_reading_order_even_when_nested():
    from docforge.model import Note
    inner = Note((Paragraph((Text("inner"),)),))
    doc = Document(Meta(), (Paragraph((Text("a"), Note((Paragraph((Text("outer"), inner)),)), Text("b"),
                                       Note((Paragraph((Text("third"),)),)))),))
    labels = [(n.label, plain_text(n.blocks[0], notes=False)) for n in walk(prepare(doc)) if type(n) is Note]
    assert labels == [("1", "outer"), ("2", "inner"), ("3", "third")]


def test_a_headings_footnote_is_not_in_its_id_or_outline():
    from docforge.model import Note
    doc = prepare(Document(Meta(), (Heading(1, (Text("Results"), Note((Paragraph((Text("See annex"),)),)))),)))
    assert doc.blocks[0].id == "results"
    assert [e.text for e in outline(doc)] == ["Results"]
