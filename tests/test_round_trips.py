"""Round trips through pandoc's formats keep the structure docforge recovered.

feed -> docforge -> pandoc Markdown -> `--from markdown` -> IR must give back the same
headings, paragraphs, list items, table cells and references (with their labels) as the
first reading; a DOCX written by docforge and read back with `--from docx` keeps the
headings, lists, tables and references. (The dev-corpus score of the same round trip is
measured with ../shared/tools/structure_score.py: see the issue's closing note.)"""
import difflib
from pathlib import Path

import pytest

import docforge
from docforge.options import WriteOptions
from docforge.model import (BulletList, Cell, CitationRef, Heading, OrderedList, Paragraph, Reference,
                            plain_text, walk)
from conftest import DATA, ROOT

FEEDS = sorted((ROOT / "samples").glob("*.txt")) + [DATA / "seed-china-ai.txt"]


def structure(doc) -> list[tuple[str, str]]:
    """(kind, text) of every structural unit, in document order."""
    units = []
    for node in walk(doc, inlines=False):
        kind = type(node)
        if kind is Heading:
            units.append(("heading", plain_text(node)))
        elif kind is Paragraph:
            units.append(("paragraph", plain_text(node)))
        elif kind in (BulletList, OrderedList):
            units.append((kind.__name__, str(len(node.items))))
        elif kind is Cell:
            units.append(("cell", plain_text(node)))
        elif kind is Reference:
            units.append(("reference", f"[{node.label}] {plain_text(node)}"))
    return units


def similarity(a, b) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_feed_to_markdown_and_back_keeps_the_structure(feed, tmp_path):
    first = docforge.read(feed)
    md = tmp_path / "article.md"
    md.write_bytes(docforge.write(first, "markdown", options=WriteOptions(standalone=True)))
    second = docforge.read(md)
    a, b = structure(first), structure(second)
    assert second.meta.title == first.meta.title
    assert similarity(a, b) >= 0.99, "\n".join(difflib.unified_diff(
        [f"{k}: {t}" for k, t in a], [f"{k}: {t}" for k, t in b], lineterm="", n=1))


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_docforge_docx_read_back_from_docx_keeps_headings_lists_tables_references(feed, tmp_path):
    first = docforge.read(feed)
    out = tmp_path / "article.docx"
    out.write_bytes(docforge.write(first, "docx"))
    second = docforge.read(out)
    for kind in ("heading", "cell", "reference", "BulletList", "OrderedList"):
        want = [t for k, t in structure(first) if k == kind]
        got = [t for k, t in structure(second) if k == kind]
        assert similarity(want, got) >= 0.95, (kind, want[:5], got[:5])
    citations = lambda d: [n.ref_id for n in walk(d) if type(n) is CitationRef]  # noqa: E731
    assert citations(second) == citations(first)


def test_a_references_heading_with_labelled_paragraphs_or_an_ordered_list_becomes_references():
    md = ("# Body\n\nText.\n\n# References\n\n1. Alpha, A. First work.\n2. Beta, B. Second work.\n\n"
          "# Sources\n\n\\[7\\] Gamma. Seventh.\n\n\\[8\\] Delta. Eighth.\n\n# After\n\n1. not a reference\n")
    doc = docforge.read(md.encode(), "markdown")
    refs = [b for b in doc.blocks if type(b).__name__ == "References"]
    assert [[(r.label, plain_text(r)) for r in b.entries] for b in refs] == [
        [("1", "Alpha, A. First work."), ("2", "Beta, B. Second work.")],
        [("7", "Gamma. Seventh."), ("8", "Delta. Eighth.")]]
    assert [type(b).__name__ for b in doc.blocks][-2:] == ["Heading", "OrderedList"]
