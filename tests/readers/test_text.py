"""The text reader: fixture files (input + expected outline), the seed's gold, properties."""
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import docforge
from docforge.model import (BulletList, Code, CodeBlock, Heading, OrderedList, Paragraph, Reference,
                            References, Table, Text, plain_text, walk)
from docforge.readers.text import reader
from conftest import DATA
from outline import outline_of

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture(path, update_goldens):
    """Each fixture: NAME.txt read as bytes, its outline compared with NAME.expected."""
    got = outline_of(docforge.read(path.read_bytes()))
    expected = path.with_suffix(".expected")
    if update_goldens or not expected.exists():
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


def _gold_units(doc):
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            blocks.append({"t": "heading", "text": plain_text(b)})
        elif isinstance(b, Paragraph):
            blocks.append({"t": "para", "text": plain_text(b)})
        elif isinstance(b, (BulletList, OrderedList)):
            items = [plain_text(i.blocks[0]) for i in walk(b) if hasattr(i, "blocks") and i.blocks
                     and isinstance(i.blocks[0], Paragraph)]
            blocks.append({"t": "bullets" if isinstance(b, BulletList) else "ordered", "items": items})
        elif isinstance(b, Table):
            blocks.append({"t": "table", "header": [plain_text(c) for c in b.header],
                           "rows": [[plain_text(c) for c in r] for r in b.rows]})
        elif isinstance(b, References):
            blocks.append({"t": "references", "items": [plain_text(e) for e in b.entries]})
    return blocks


def test_the_seed_comes_out_exactly_as_its_gold():
    gold = json.loads((DATA / "seed-china-ai.gold.json").read_text(encoding="utf-8"))
    doc = docforge.read(DATA / "seed-china-ai.txt")
    assert doc.meta.title == gold["title"]
    assert list(doc.meta.keywords) == gold["keywords"]
    got = _gold_units(doc)
    want = [{k: v for k, v in b.items() if k != "level"} for b in gold["blocks"]]
    assert got == want


def test_citations_link_to_references_and_urls_are_kept():
    doc = docforge.read((FIXTURES / "references.txt").read_bytes())
    refs = next(b for b in doc.blocks if isinstance(b, References)).entries
    assert [r.url for r in refs] == ["https://example.org/one", "https://doi.org/10.1000/xyz123", ""]
    cites = [n.ref_id for n in walk(doc) if type(n).__name__ == "CitationRef"]
    assert cites == ["ref-1", "ref-2", "ref-3"]


def test_ragged_rows_are_padded_with_a_line_numbered_diagnostic():
    diags: list = []
    docforge.read((FIXTURES / "tables.txt").read_bytes(), diagnostics=diags)
    messages = [str(d) for d in diags]
    assert any("line 6: table row has 2 cells" in m for m in messages), messages
    assert any("line 3: table row has 3 cells, widest row has 4; padded" in m for m in messages)


def test_explain_names_a_rule_and_lines_for_every_block():
    text = (DATA / "seed-china-ai.txt").read_text(encoding="utf-8")
    decisions = reader.explain(text)
    kinds = Counter(d.kind for d in decisions)
    assert kinds["heading"] == 11 and kinds["table"] == 1 and kinds["references"] == 1
    assert all(d.rule and d.first_line <= d.last_line for d in decisions)
    table = next(d for d in decisions if d.kind == "table")
    assert (table.first_line, table.last_line) == (43, 49)


def _alnum(text: str) -> Counter:
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if ch.isalnum())


def _document_text(doc) -> str:
    m = doc.meta
    parts = [m.title, m.subtitle, m.date, m.language, *m.authors, *m.keywords]
    for node in walk(doc):
        if isinstance(node, (Text, Code, CodeBlock)):
            parts.append(node.text)
        if isinstance(node, CodeBlock):
            parts.append(node.language)
        if isinstance(node, Reference):
            parts.append(node.label)
        if type(node).__name__ == "CitationRef":  # writers show it as "[label]"
            parts.append(node.ref_id.removeprefix("ref-"))
    return " ".join(parts)


feedish = st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from(["References", "- item", "1. first", "a | b | c", "---|---|", "# Head",
                     "Title: x", "```", "> quote", "", "   ", "\t- tabbed", "参考资料", "x, y, z",
                     "[1] cited", "• dot", "| a |", "2) two", "Keywords: k1, k2"])), max_size=40)


@settings(max_examples=150, deadline=None)
@given(feedish)
def test_property_any_text_reads_without_losing_letters_or_digits(lines):
    text = "\n".join(lines)
    doc, diagnostics = reader.read(text)
    assert isinstance(diagnostics, list)
    # header-field labels ("Title:", "Keywords:") are markup, not text
    # and so are the numbers of ordered-list markers ("2. ", "3) "), which the IR recomputes
    content = re.sub(r"(?im)^\s*(title|subtitle|author|authors|by|date|keywords|tags|lang|language)\s*:",
                     " ", text.replace("\r", "\n"))
    content = re.sub(r"(?m)^\s*\d{1,3}[.)](?=\s)", " ", content)
    content = re.sub(r"(?im)^\s*(by|von|par|por)\s", " ", content)  # a byline's "By" is markup too
    missing = _alnum(content) - _alnum(_document_text(doc))
    assert not missing, missing


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_property_any_bytes_give_a_document_or_a_clear_input_error(data):
    from docforge.errors import InputError
    try:
        doc = docforge.read(data)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert doc is not None
