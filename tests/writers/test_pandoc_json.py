import json

import pytest

import docforge
from docforge.readers.pandoc_json import reader
from docforge.transforms import prepare
from docforge.writers.pandoc_json import writer
from conftest import SAMPLES, DATA, run_pandoc
from ir_examples import rich_document

DOCS = [pytest.param(p, id=p.name) for p in SAMPLES + [DATA / "seed-china-ai.txt"]]


def test_rich_document_round_trips_before_and_after_prepare():
    for doc in (rich_document(), prepare(rich_document())):
        assert reader.read(writer.dumps(doc))[0] == doc


@pytest.mark.parametrize("path", DOCS)
def test_every_sample_round_trips(path):
    doc = docforge.read(path)
    data = docforge.write(doc, "json")
    assert docforge.read(data, "json") == prepare(doc)


def test_references_citations_and_tables_use_the_documented_pandoc_shapes():
    ast = json.loads(writer.dumps(prepare(rich_document())))
    assert ast["pandoc-api-version"][:2] == [1, 23]
    divs = [b for b in ast["blocks"] if b["t"] == "Div"]
    (refs,) = divs
    assert refs["c"][0][0] == "refs" and "references" in refs["c"][0][1]
    assert [e["c"][0][0] for e in refs["c"][1]] == ["ref-1", "ref-2"]
    assert ast["meta"]["keywords"]["t"] == "MetaList"
    text = json.dumps(ast)
    assert '"#ref-1"' in text and '"citation"' in text


def test_pandoc_accepts_the_json_and_keeps_every_word(pandoc):
    data = writer.dumps(prepare(rich_document())).encode()
    html = run_pandoc(pandoc, ["-f", "json", "-t", "html"], data).decode()
    for phrase in ("Introduction", "Nested bullet", "DeepSeek | ERNIE", "人工智能自给自足",
                   "South China Morning Post", "Table 1"):
        assert phrase in html
    # and pandoc's own JSON reading of it gives the same blocks back through our reader
    again = run_pandoc(pandoc, ["-f", "json", "-t", "json"], data).decode()
    assert reader.read(again)[0].blocks == prepare(rich_document()).blocks


@pytest.mark.parametrize("path", DOCS)
def test_pandoc_accepts_every_sample(pandoc, path):
    data = docforge.write(docforge.read(path), "json")
    html = run_pandoc(pandoc, ["-f", "json", "-t", "html"], data).decode()
    assert "<h1" in html or "<h2" in html


def test_malformed_json_is_a_one_line_format_error():
    from docforge.errors import FormatError
    with pytest.raises(FormatError, match="not JSON"):
        reader.read("{nope")
    with pytest.raises(FormatError, match="not a pandoc JSON document"):
        reader.read("[1, 2]")
    with pytest.raises(FormatError, match="malformed pandoc AST"):
        reader.read('{"blocks": [{"t": "Header", "c": [1]}]}')
