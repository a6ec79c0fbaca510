"""The JSON writer: lossless for the whole IR, accepted by pandoc, and shaped so that pandoc's
own writers show what docforge's show (reference labels, citations, figures, notes, lang)."""
import json
import os
from pathlib import Path

import pytest

import docforge
from docforge.model import (BulletList, CitationRef, DefinitionList, Div, Document, Figure, Heading,
                            Image, LineBlock, Link, ListItem, Math, Meta, Note, Paragraph, Reference,
                            References, SmallCaps, Span, Strikeout, Subscript, Superscript, Table, Text,
                            Underline, plain_text, walk)
from docforge.readers.pandoc_json import reader
from docforge.transforms import prepare
from docforge.writers.pandoc_json import _BATCH, AstRenderer, StreamingAst, _dumps, writer
from conftest import SAMPLES, DATA, run_pandoc
from ir_examples import pandoc_document, rich_document
from pandoc_strategies import without_numbers

DOCS = [pytest.param(p, id=p.name) for p in SAMPLES + [DATA / "seed-china-ai.txt"]]
CORPUS = Path(os.environ.get("DOCFORGE_CORPUS", "/work/shared/corpus")) / "dev"


def test_rich_document_round_trips_before_and_after_prepare():
    for doc in (rich_document(), prepare(rich_document())):
        assert reader.read(writer.dumps(doc))[0] == doc


def test_pandoc_document_round_trips_every_new_node():
    doc = pandoc_document()
    back, diagnostics = reader.read(writer.dumps(doc))
    assert back == doc and diagnostics == []
    prepared = prepare(doc)
    back = reader.read(writer.dumps(prepared))[0]
    assert back == without_numbers(prepared)  # exactly: only the labels prepare recomputes differ
    assert prepare(back) == prepared
    kinds = {type(n) for n in walk(back)}
    assert {Note, Image, Figure, DefinitionList, LineBlock, Div, Span, Strikeout, Superscript,
            Subscript, SmallCaps, Underline, Math} <= kinds


@pytest.mark.parametrize("path", DOCS)
def test_every_sample_round_trips(path):
    doc = docforge.read(path)
    data = docforge.write(doc, "json")
    assert docforge.read(data, "json") == prepare(doc)


def test_the_dev_corpus_round_trips():
    paths = sorted(CORPUS.glob("*.txt"))
    assert paths, f"no corpus in {CORPUS}: set DOCFORGE_CORPUS to the folder holding dev/"
    for path in paths:
        doc = docforge.read(path)
        back = docforge.read(docforge.write(doc, "json"), "json")
        assert prepare(back) == prepare(doc), path.name


def test_references_citations_and_tables_use_the_documented_pandoc_shapes():
    ast = json.loads(writer.dumps(prepare(rich_document())))
    assert ast["pandoc-api-version"][:2] == [1, 23]
    divs = [b for b in ast["blocks"] if b["t"] == "Div"]
    (refs,) = divs
    assert refs["c"][0] == ["", ["references", "csl-bib-body"], []]
    first = refs["c"][1][0]
    assert first == {"t": "Div", "c": [
        ["ref-1", ["csl-entry"], [["label", "1"], ["url", "https://www.scmp.com/x"]]],
        [{"t": "Para", "c": [
            {"t": "Span", "c": [["", ["csl-left-margin"], []], [{"t": "Str", "c": "[1]"}, {"t": "Space"}]]},
            {"t": "Span", "c": [["", ["csl-right-inline"], []], [
                {"t": "Str", "c": "South"}, {"t": "Space"}, {"t": "Str", "c": "China"}, {"t": "Space"},
                {"t": "Str", "c": "Morning"}, {"t": "Space"}, {"t": "Str", "c": "Post."}, {"t": "Space"},
                {"t": "Str", "c": "“AI"}, {"t": "Space"}, {"t": "Str", "c": "self-reliance.”"},
                {"t": "Space"}, {"t": "Space"},
                {"t": "Link", "c": [["", ["reference-url"], []], [{"t": "Str", "c": "https://www.scmp.com/x"}],
                                    ["https://www.scmp.com/x", ""]]}]]}]}]]}
    assert [e["c"][0][0] for e in refs["c"][1]] == ["ref-1", "ref-2"]
    assert ast["meta"]["keywords"]["t"] == "MetaList"
    text = json.dumps(ast)
    assert '"#ref-1"' in text and '"citation"' in text
    (table,) = [b for b in ast["blocks"] if b["t"] == "Table"]
    assert table["c"][0] == ["table-1", [], [["label", "Table 1"]]]


def test_new_nodes_use_pandocs_constructors():
    ast = json.loads(writer.dumps(prepare(pandoc_document())))
    blocks = ast["blocks"]
    note_para = blocks[1]["c"]
    assert next(i for i in note_para if i["t"] == "Note") == {"t": "Note", "c": [{"t": "Para", "c": [
        {"t": "Str", "c": "The"}, {"t": "Space"}, {"t": "Str", "c": "first"}, {"t": "Space"},
        {"t": "Str", "c": "note,"}, {"t": "Space"}, {"t": "Str", "c": "with"}, {"t": "Space"},
        {"t": "Str", "c": "a"}, {"t": "Space"},
        {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "link"}], ["https://example.org/n", ""]]},
        {"t": "Str", "c": "."}]}]}
    kinds = [i["t"] for i in note_para]
    for kind in ("Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline", "Span", "Math", "RawInline"):
        assert kind in kinds
    (span,) = [i for i in note_para if i["t"] == "Span"]
    assert span["c"][0] == ["", [], [["lang", "fr"]]]
    assert [i["c"] for i in note_para if i["t"] == "RawInline"] == [["html", "<kbd>Ctrl</kbd>"], ["tex", "\\LaTeX{}"]]
    assert blocks[2]["c"][-1] == {"t": "Math", "c": [{"t": "DisplayMath"}, "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}"]}
    figure = blocks[4]
    assert figure["t"] == "Figure"
    assert figure["c"][0] == ["figure-1", [], []]
    assert figure["c"][1] == [None, [{"t": "Plain", "c": [{"t": "Str", "c": "Sales"}, {"t": "Space"},
                                                          {"t": "Str", "c": "by"}, {"t": "Space"},
                                                          {"t": "Str", "c": "year"}]}]]
    assert figure["c"][2][0]["t"] == "Plain"
    assert figure["c"][2][0]["c"][0]["c"][2] == ["chart.png", "Sales"]
    by_kind = {b["t"]: b for b in blocks}
    assert by_kind["DefinitionList"]["c"][1][0][0]["c"] == "Term"
    assert len(by_kind["DefinitionList"]["c"][1][1]) == 2  # two definitions
    assert len(by_kind["LineBlock"]["c"]) == 3
    german = next(b for b in blocks if b["t"] == "Div" and b["c"][0][0] == "german")
    assert german["c"][0] == ["german", ["note"], [["lang", "de"]]]
    assert [b["c"] for b in blocks if b["t"] == "RawBlock"] == [
        ["html", "<div class=\"raw\">raw html block</div>"], ["latex", "\\begin{center}raw latex block\\end{center}"]]


def test_pandoc_accepts_the_json_and_keeps_every_word(pandoc):
    data = writer.dumps(prepare(rich_document())).encode()
    html = run_pandoc(pandoc, ["-f", "json", "-t", "html"], data).decode()
    for phrase in ("Introduction", "Nested bullet", "DeepSeek | ERNIE", "人工智能自给自足",
                   "South China Morning Post", "Table 1"):
        assert phrase in html
    # and pandoc's own JSON reading of it gives the same blocks back through our reader
    again = run_pandoc(pandoc, ["-f", "json", "-t", "json"], data).decode()
    assert reader.read(again)[0].blocks == prepare(rich_document()).blocks


def test_pandoc_reads_every_new_node_back_unchanged(pandoc):
    prepared = prepare(pandoc_document())
    again = run_pandoc(pandoc, ["-f", "json", "-t", "json"], writer.dumps(prepared).encode()).decode()
    assert reader.read(again)[0] == without_numbers(prepared)


@pytest.mark.parametrize("fmt", ["markdown", "plain", "rst", "latex", "html", "org"])
def test_pandocs_writers_show_the_reference_labels_and_citation_markers(pandoc, fmt):
    """Issue 13, item 2: the labels were only an attribute, so pandoc's writers dropped them."""
    data = docforge.write(rich_document(), "json")
    out = run_pandoc(pandoc, ["-f", "json", "-t", fmt], data).decode()
    plain = out.replace("\\[", "[").replace("\\]", "]").replace("{[}", "[").replace("{]}", "]")
    assert "South China Morning" in out and "Business Standard" in out  # the entries are there
    for label in ("[1]", "[2]"):
        assert label in plain, (fmt, out)
    # the citation in the first paragraph shows [1] in the text itself, before the entries
    assert plain.index("[1]") < plain.index("South China Morning")
    assert "https://www.scmp.com/x" in out  # the URL docforge's writers show after the entry


def test_reference_entries_of_every_shape_round_trip():
    entries = (Reference("", "", (Text("No label, no url."),)),
               Reference("", "", (Text("No label."),), "https://example.org/a b"),
               Reference("r", "x", (Text("Linked "), Link((Text("here"),), "https://example.org/h")),
                         "https://example.org/h"),
               Reference("e", "7", ()),
               Reference("u", "8", (), "https://example.org/only-url"),
               Reference("j", "9", (Text("Unsafe url kept as an attribute."),), "javascript:alert(1)"))
    doc = Document(Meta(title="Refs"), (References(entries),))
    for version in (doc, prepare(doc)):
        assert reader.read(writer.dumps(version))[0] == version


def test_the_latex_bibliography_is_a_csl_references_environment(pandoc):
    data = docforge.write(rich_document(), "json")
    latex = run_pandoc(pandoc, ["-f", "json", "-t", "latex"], data).decode()
    body = latex[latex.index("\\begin{CSLReferences}"):latex.index("\\end{CSLReferences}")]
    assert body.count("\\bibitem") == 2 and "\\CSLLeftMargin{{[}1{]} }" in body


def _through_markdown(pandoc, doc):
    markdown = run_pandoc(pandoc, ["-f", "json", "-t", "markdown"], docforge.write(doc, "json"))
    back = run_pandoc(pandoc, ["-f", "markdown", "-t", "json"], markdown).decode()
    return markdown.decode(), prepare(reader.read(back)[0])


def test_markdown_round_trip_through_pandoc_keeps_the_structure(pandoc):
    """IR -> JSON -> pandoc markdown -> pandoc's markdown reader -> JSON -> IR."""
    original = prepare(rich_document())
    markdown, back = _through_markdown(pandoc, rich_document())
    assert "[\\[1\\] ]{.csl-left-margin}" in markdown
    headings = lambda d: [(n.level, n.inlines, n.id) for n in walk(d, inlines=False) if type(n) is Heading]  # noqa: E731
    assert headings(back) == headings(original)
    lists = lambda d: [n for n in walk(d, inlines=False) if type(n) in (BulletList,)]  # noqa: E731
    assert lists(back) == lists(original)
    (table,) = [n for n in walk(back, inlines=False) if type(n) is Table]
    (expected,) = [n for n in walk(original, inlines=False) if type(n) is Table]
    assert (table.header, table.rows, table.aligns, table.caption, table.label) == \
        (expected.header, expected.rows, expected.aligns, expected.caption, expected.label)
    (refs,) = [n for n in back.blocks if type(n) is References]
    (expected_refs,) = [n for n in original.blocks if type(n) is References]
    entry = lambda r: (r.id, r.label, r.url, plain_text(r))  # noqa: E731  (markdown drops a trailing space)
    assert [entry(r) for r in refs.entries] == [entry(r) for r in expected_refs.entries]
    assert [n for n in walk(back) if type(n) is CitationRef] == [CitationRef("ref-1")]


def test_markdown_round_trip_keeps_notes_figures_definitions_divs_and_styles(pandoc):
    original = prepare(pandoc_document())
    markdown, back = _through_markdown(pandoc, pandoc_document())

    def of(doc, *kinds):
        return [n for n in walk(doc) if type(n) in kinds]

    assert of(back, Note) == of(original, Note)
    captioned = [f for f in of(original, Figure) if f.caption]
    assert captioned and [f for f in of(back, Figure)] == captioned  # pandoc markdown has no uncaptioned figure
    assert of(back, DefinitionList) == of(original, DefinitionList)
    assert [(d.id, d.classes, d.lang, d.blocks) for d in of(back, Div)][:2] == \
        [(d.id, d.classes, d.lang, d.blocks) for d in of(original, Div)]
    assert [(s.lang, s.inlines) for s in of(back, Span)] == [("fr", (Text("bonjour tout le monde"),))]
    for kind in (Strikeout, Superscript, Subscript, SmallCaps, Underline, Math):
        assert of(back, kind) == of(original, kind), kind.__name__
    assert of(back, References) == of(original, References)
    assert of(back, CitationRef) == of(original, CitationRef)
    assert of(back, LineBlock) == of(original, LineBlock)  # the indentation too
    assert "| \u00a0\u00a0\u00a0indented second line" in markdown  # as pandoc writes indentation
    assert {i.inlines for i in of(back, Image)} == {i.inlines for i in of(original, Image)}


@pytest.mark.parametrize("path", DOCS)
def test_pandoc_accepts_every_sample(pandoc, path):
    data = docforge.write(docforge.read(path), "json")
    html = run_pandoc(pandoc, ["-f", "json", "-t", "html"], data).decode()
    assert "<h1" in html or "<h2" in html


def test_streaming_gives_the_same_bytes_as_the_whole_ast_for_every_node():
    many = tuple(Paragraph((Text(f"p{i}"),)) for i in range(_BATCH + 3))
    doc = prepare(Document(pandoc_document().meta, pandoc_document().blocks + (
        Div(many, id="wrapper", lang="de"),
        Figure(many[:3], (Text("cap"),)),
        DefinitionList(next(b for b in pandoc_document().blocks if type(b) is DefinitionList).items * 3),
        LineBlock(tuple((Text(f"line {i}"),) for i in range(_BATCH + 3))),
        BulletList((ListItem((Div((Paragraph((Text("in a div"),)),)),)),)),
    )))
    labels = {"ref-1": "1"}
    streamed = "".join(StreamingAst(AstRenderer(labels)).document(doc))
    assert streamed == _dumps(AstRenderer(labels).document(doc))
    assert docforge.write(doc, "json").decode() == streamed


def test_a_document_inside_one_div_is_still_written_in_pieces():
    """A pandoc document often sits whole in a Div (sections, custom styles): its JSON must
    still come out block by block, not as one dict of the whole."""
    body = tuple(Paragraph((Text(f"paragraph number {i} " * 20),)) for i in range(2000))
    doc = prepare(Document(Meta(title="Wrapped"), (Div((Div(body, id="inner"),), id="outer"),)))
    pieces = list(StreamingAst(AstRenderer({})).document(doc))
    total = sum(map(len, pieces))
    assert total > 1_000_000 and max(map(len, pieces)) < total / 100


def test_malformed_json_is_a_one_line_format_error():
    from docforge.errors import FormatError
    with pytest.raises(FormatError, match="not JSON"):
        reader.read("{nope")
    with pytest.raises(FormatError, match="not a pandoc JSON document"):
        reader.read("[1, 2]")
    with pytest.raises(FormatError, match="malformed pandoc AST"):
        reader.read('{"blocks": [{"t": "Header", "c": [1]}]}')
