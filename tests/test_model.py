from docforge.records import FrozenInstanceError

import pytest

from docforge.model import (BulletList, Document, Heading, ListItem, Paragraph, Text, map_tree,
                            plain_text, walk)
from ir_examples import rich_document


def test_nodes_are_frozen_and_hashable():
    doc = rich_document()
    with pytest.raises(FrozenInstanceError):
        doc.blocks[0].level = 2  # type: ignore[misc]
    assert hash(doc) == hash(rich_document())


def test_walk_visits_every_node_in_document_order():
    doc = rich_document()
    texts = [n.text for n in walk(doc) if isinstance(n, Text)]
    assert texts[0] == "Introduction"
    assert texts.index("Lists") < texts.index("Nested bullet") < texts.index("A table")


def test_walk_survives_deep_nesting():
    node = Paragraph((Text("leaf"),))
    for _ in range(3000):
        node = BulletList((ListItem((node,)),))
    assert sum(1 for n in walk(Document(blocks=(node,))) if isinstance(n, Text)) == 1


def test_map_tree_rebuilds_only_what_changed():
    doc = rich_document()
    upper = map_tree(doc, lambda n: Text(n.text.upper()) if isinstance(n, Text) else n)
    assert upper.blocks[0] == Heading(1, (Text("INTRODUCTION"),))
    same = map_tree(doc, lambda n: n)
    assert same is doc


def test_plain_text_joins_inlines_and_separates_blocks():
    assert plain_text(rich_document().blocks[3]) == "First bullet Nested bullet Second bullet"


# ----------------------------------------------------------------- packed sequences

import pickle

from hypothesis import given, settings, strategies as st

from docforge import model, packed
from docforge.model import Cell, Packed, PackedBuilder, Reference, References, Table, pack


def _paragraphs(n: int, prefix: str = "p") -> tuple:
    return tuple(Paragraph((Text(f"{prefix}{i}"),)) for i in range(n))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=700),
       st.integers(-800, 800), st.integers(-800, 800), st.sampled_from([None, 1, 2, -1, 5]))
def test_a_packed_sequence_behaves_as_the_tuple_of_its_items(items, start, stop, step):
    t = tuple(items)
    p = pack(t)
    assert (type(p) is tuple) == (len(t) <= packed.PACK_AT)
    assert len(p) == len(t) and bool(p) == bool(t)
    assert list(p) == list(t) and list(reversed(p)) == list(reversed(t))
    assert p == t and t == p and not p != t and hash(p) == hash(t)
    assert pickle.loads(pickle.dumps(p)) == t
    for k in (0, len(t) // 2, len(t) - 1, -1, -len(t)):
        if t:
            assert p[k] == t[k]
    with pytest.raises(IndexError):
        p[len(t)]
    part = p[start:stop:step]
    assert tuple(part) == t[start:stop:step] and part == t[start:stop:step]
    assert len(part) == len(t[start:stop:step]) and hash(part) == hash(t[start:stop:step])
    assert part[1:3] == t[start:stop:step][1:3]
    assert p + ("x",) == t + ("x",) and ("x",) + p == ("x",) + t
    if t:
        assert p != t[:-1] and p != t[:-1] + ("not an item",)


def test_long_sequences_of_records_are_packed_and_equal_the_tuples():
    blocks = _paragraphs(1000)
    doc = Document(blocks=blocks)
    assert type(doc.blocks) is Packed and doc.blocks.chunk_count == 1000 // packed.CHUNK + 1
    same = Document(blocks=_paragraphs(1000))
    assert doc == same and hash(doc) == hash(same) and doc.blocks == blocks
    assert doc != Document(blocks=_paragraphs(999) + (Paragraph((Text("other"),)),))
    short = Document(blocks=_paragraphs(3))
    assert type(short.blocks) is tuple
    assert pickle.loads(pickle.dumps(doc)) == doc
    table = Table((Cell((Text("h"),)),), tuple((Cell((Text(str(i)),)),) for i in range(500)))
    assert type(table.rows) is Packed and table.rows[499][0].inlines[0].text == "499"


def test_the_tree_helpers_read_packed_sequences_as_tuples():
    rows = tuple((Cell((Text(f"r{i}"),)), Cell((Text("v"),))) for i in range(300))
    items = tuple(ListItem((Paragraph((Text(f"item {i}"),)),)) for i in range(200))
    blocks = _paragraphs(400) + (Table((Cell((Text("h"),)), Cell(())), rows), BulletList(items)) + _paragraphs(100, "q")
    doc = Document(blocks=blocks)
    assert type(doc.blocks) is Packed and type(doc.blocks[400].rows) is Packed and type(doc.blocks[401].items) is Packed
    texts = [n.text for n in walk(doc) if type(n) is Text]
    expected = [f"p{i}" for i in range(400)] + ["h"] + [x for i in range(300) for x in (f"r{i}", "v")] \
        + [f"item {i}" for i in range(200)] + [f"q{i}" for i in range(100)]
    assert texts == expected
    assert plain_text(doc) == " ".join(expected)
    assert sum(1 for n in walk(doc, inlines=False) if type(n) is Paragraph) == 700
    assert model.children(doc.blocks[400]).__next__() == Cell((Text("h"),))


def test_map_tree_over_a_packed_sequence_rebuilds_only_the_chunks_it_changes():
    doc = Document(blocks=_paragraphs(1000))
    assert map_tree(doc, lambda n: n) is doc
    target = "p700"

    def shout(node):
        if type(node) is Text and node.text == target:
            return Text(target.upper())
        return node
    new = map_tree(doc, shout)
    assert type(new.blocks) is Packed and new.blocks[700].inlines[0].text == "P700"
    assert [b.inlines[0].text for b in new.blocks][:700] == [f"p{i}" for i in range(700)]
    # every chunk but the one holding block 700 is the same compressed chunk
    shared = sum(a is b for a, b in zip(new.blocks._chunks, doc.blocks._chunks))
    assert shared == doc.blocks.chunk_count - 1


def test_map_tree_does_not_unpickle_the_chunks_that_name_none_of_its_classes(monkeypatch):
    import pickle as pickle_module
    from docforge import packed
    from docforge.model import Table
    headings = {300: Heading(2, (Text("Three hundred"),)), 900: Heading(2, (Text("Nine hundred"),))}
    blocks = [headings.get(i) or Paragraph((Text(f"p{i} mentions a Heading in its text" if i == 500 else f"p{i}"),))
              for i in range(1000)]
    table = Table((), tuple((model.Cell((Text(f"r{i}"),)),) for i in range(200)))  # a packed table inside
    blocks[700] = table
    doc = Document(blocks=tuple(blocks))
    assert type(doc.blocks) is Packed and type(doc.blocks[700].rows) is Packed
    unpickled = []
    real_loads = pickle_module.loads
    monkeypatch.setattr(packed.pickle, "loads", lambda raw: unpickled.append(len(raw)) or real_loads(raw))
    seen = []

    def rename(node):
        seen.append(node)
        return Heading(node.level, node.inlines, id=f"h-{len(seen)}")
    new = map_tree(doc, rename, frozenset({Heading}))
    unpickled_by_map = len(unpickled)
    assert [n.inlines for n in seen] == [headings[300].inlines, headings[900].inlines]
    assert [b.id for b in new.blocks if type(b) is Heading] == ["h-1", "h-2"]
    # unpickled: the chunks holding blocks 300 and 900, 500 (its text says "Heading": a
    # false alarm is read, never a miss) and 700 (a nested Packed hides what it holds; its
    # own row chunks are then tested by name, and skipped); the others are not even copied
    chunk_of = lambda i: i // packed.CHUNK  # noqa: E731
    read_chunks = {chunk_of(i) for i in (300, 500, 700, 900)}
    assert unpickled_by_map == len(read_chunks) == 4
    shared = [a is b for a, b in zip(new.blocks._chunks, doc.blocks._chunks)]
    assert [k for k, same in enumerate(shared) if not same] == sorted({chunk_of(300), chunk_of(900)})
    expected = [Heading(2, b.inlines, id="h-1" if i == 300 else "h-2") if i in headings else b for i, b in enumerate(blocks)]
    assert tuple(new.blocks) == tuple(expected)


def test_a_builder_packs_as_it_grows_and_can_drop_its_last_items():
    builder = PackedBuilder()
    builder.extend(range(1000))
    assert len(builder) == 1000 and builder[-1] == 999 and builder[10] == 10 and builder[-3:] == [997, 998, 999]
    builder.truncate(300)
    builder.append("end")
    built = builder.build()
    assert type(built) is Packed and built == tuple(range(300)) + ("end",)
    small = PackedBuilder()
    small.extend("abc")
    assert small.build() == ("a", "b", "c") and type(small.build()) is tuple


def test_references_and_square_tables_keep_packed_rows_packed():
    from docforge.transforms import prepare
    rows = tuple((Cell((Text(str(i)),)),) if i % 2 else (Cell((Text(str(i)),)), Cell(())) for i in range(400))
    entries = tuple(Reference("", "", (Text(f"entry {i}"),)) for i in range(300))
    doc = prepare(Document(blocks=(Table((Cell(()), Cell(())), rows), References(entries))))
    table, refs = doc.blocks
    assert type(table.rows) is Packed and all(len(r) == 2 for r in table.rows)
    assert type(refs.entries) is Packed and [e.label for e in refs.entries] == [str(i) for i in range(1, 301)]


def test_a_builder_goes_on_from_a_packed_sequence_sharing_its_chunks():
    start = pack(tuple(range(300)))
    builder = PackedBuilder.of(start)
    builder.append("more")
    built = builder.build()
    assert built == tuple(range(300)) + ("more",) and built._chunks[:start.chunk_count] == start._chunks


def test_a_chunk_changed_in_a_few_items_keeps_its_encoded_base_and_gets_a_patch():
    import pickle
    from docforge import packed
    doc = Document(blocks=_paragraphs(1000))

    def rename(targets):
        def fn(node):
            if type(node) is Text and node.text in targets:
                return Text(node.text.upper())
            return node
        return fn
    once = map_tree(doc, rename({"p3", "p130"}))
    first, second = once.blocks._chunks[0], once.blocks._chunks[1]
    # blocks 3 and 130 are in chunks 0 and 1: each is its old bytes and a patch
    assert type(first) is tuple and first[0] is doc.blocks._chunks[0]
    assert type(second) is tuple and second[0] is doc.blocks._chunks[1]
    assert once.blocks._chunks[2:] == doc.blocks._chunks[2:]
    expected = [f"P{i}" if i in (3, 130) else f"p{i}" for i in range(1000)]
    assert [b.inlines[0].text for b in once.blocks] == expected
    assert [b.inlines[0].text for b in reversed(once.blocks)] == expected[::-1]
    assert once.blocks[130].inlines[0].text == "P130" and once.blocks[-997].inlines[0].text == "P3"
    assert [b.inlines[0].text for b in once.blocks[1:5]] == expected[1:5]
    assert pickle.loads(pickle.dumps(once)) == once == Document(blocks=tuple(once.blocks))
    # a second pass over a patched chunk patches the same base again (no chain of patches)
    twice = map_tree(once, lambda n: Text("again") if type(n) is Text and n.text == "P3" else n, frozenset({Text}))
    assert twice.blocks._chunks[0][0] is doc.blocks._chunks[0] and twice.blocks[3].inlines[0].text == "again"
    positions, _ = packed.decode(twice.blocks._chunks[0][1])
    assert positions == (3,)
    # the test of a chunk's pickle reads its patch too: only the patch names Heading here
    headed = map_tree(doc, lambda n: Heading(1, n.inlines) if n.inlines[0].text == "p7" else n, frozenset({Paragraph}))
    ids = map_tree(headed, lambda n: Heading(n.level, n.inlines, id="seven"), frozenset({Heading}))
    assert ids.blocks[7] == Heading(1, (Text("p7"),), id="seven")
    # a chunk changed in more than a quarter of its items is encoded again, whole
    many = map_tree(doc, rename({f"p{i}" for i in range(40)}))
    assert type(many.blocks._chunks[0]) is bytes and many.blocks._chunks[0] is not doc.blocks._chunks[0]
    assert [b.inlines[0].text for b in many.blocks][:41] == [f"P{i}" for i in range(40)] + ["p40"]
    builder = packed.PackedBuilder.of(once.blocks)
    builder.append(Paragraph((Text("end"),)))
    builder.truncate(5)
    assert [b.inlines[0].text for b in builder.build()] == expected[:5]
