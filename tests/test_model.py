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
