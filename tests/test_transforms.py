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


# ------------------------------------------------- one traversal where two were needed

from hypothesis import HealthCheck, given, settings  # noqa: E402

from docforge import transforms  # noqa: E402
from docforge.model import Figure, Note, Quote, pack  # noqa: E402
from docforge.writers.base import _anchors_and_labels  # noqa: E402
import pandoc_strategies  # noqa: E402
import strategies  # noqa: E402


def _both_ways(doc, numbering=False):
    labels = transforms.labels_for(doc.meta.language or "en", None)
    return (transforms._prepare_in_one_pass(doc, labels, numbering),
            transforms._prepare_in_two_passes(doc, labels, numbering))


def _assert_one_pass_is_two(doc, numbering=False):
    one, two = _both_ways(doc, numbering)
    if one is not None:
        assert one == two
        anchors, reference_labels = transforms.prepared_facts(one)
        assert (set(anchors), reference_labels) == _anchors_and_labels(two)
    return one, two


def test_one_pass_leaves_tables_and_headings_inside_notes_to_inline_rules():
    # the first pass never entered inline content: a table in a footnote is not numbered,
    # a heading in one gets an id but is no anchor
    note = Note((Table((Cell((Text("h"),)),), ()), Heading(2, (Text("Inner"),))))
    doc = Document(blocks=(Heading(1, (Text("Outer"),)), Paragraph((Text("x"), note)),
                           Table((Cell((Text("h"),)),), ((Cell(()), Cell(())),)),
                           Figure((Paragraph((Text("f"),)),), (Text("cap"),))))
    one, two = _assert_one_pass_is_two(doc)
    assert one is not None
    inner_table = one.blocks[1].inlines[1].blocks[0]
    assert (inner_table.label, inner_table.id) == ("", "")
    assert one.blocks[2].id == "table-1" and len(one.blocks[2].header) == 2
    anchors, _ = transforms.prepared_facts(one)
    assert {"outer", "table-1", "figure-1"} <= anchors and "inner" not in anchors


def test_a_citation_before_its_reference_needs_no_second_pass():
    doc = Document(blocks=(Paragraph((Text("see"), CitationRef("ref-1"))), Heading(1, (Text("Refs"),)),
                           References((Reference("", "", (Text("a"),)),))))
    one, two = _assert_one_pass_is_two(doc)
    assert one is not None and one.blocks[0].inlines[1] == CitationRef("ref-1")
    assert transforms.prepared_facts(one)[1] == {"ref-1": "1"}


def test_what_one_pass_cannot_know_falls_back_to_two():
    # a heading whose slug is the id a later table gets: pass 2 avoided it
    clash = Document(blocks=(Heading(1, (Text("Table 1"),)), Table((Cell((Text("h"),)),), ())))
    one, two = _assert_one_pass_is_two(clash)
    assert one is None and two.blocks[0].id == "table-1-1"
    # an unknown citation inside a heading became text before the heading's slug was made
    unknown = Document(blocks=(Heading(1, (Text("On"), CitationRef("ref-7"))),))
    one, two = _assert_one_pass_is_two(unknown)
    assert one is None and two.blocks[0].id == "on7"
    assert prepare(unknown).blocks == two.blocks and transforms.prepared_facts(prepare(unknown)) is None


def test_one_pass_over_a_packed_document_shares_unchanged_chunks_and_matches_two():
    blocks = []
    for i in range(600):
        blocks.append(Heading(1, (Text(f"Part {i % 50}"),)) if i % 7 == 0 else
                      Paragraph((Text(f"text {i}"), CitationRef("ref-2"))) if i % 11 == 0 else
                      Quote((Paragraph((Text("q"),)),)) if i % 13 == 0 else Paragraph((Text(f"p {i}"),)))
    blocks.append(References(tuple(Reference("", "", (Text(f"r{i}"),)) for i in range(100))))
    doc = Document(blocks=pack(blocks))
    for numbering in (False, True):
        one, two = _assert_one_pass_is_two(doc, numbering)
        assert one is not None
    assert type(prepare(doc).blocks).__name__ == "Packed"


FEW = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@FEW
@given(strategies.documents)
def test_one_pass_is_two_passes_on_random_documents(doc):
    _assert_one_pass_is_two(doc)
    _assert_one_pass_is_two(doc, numbering=True)


@FEW
@given(pandoc_strategies.documents())
def test_one_pass_is_two_passes_on_random_pandoc_documents(ast):
    import json
    import docforge
    doc = docforge.read(json.dumps(ast).encode(), "json")
    _assert_one_pass_is_two(doc)
    _assert_one_pass_is_two(doc, numbering=True)
