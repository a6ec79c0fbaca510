"""The pandoc JSON reader on what pandoc itself writes: every constructor has its IR node,
citeproc's bibliographies and citations are understood, nothing is dropped unsaid."""
import json

import pytest

from docforge.model import (BulletList, Cell, CitationRef, Code, CodeBlock, DefinitionItem,
                            DefinitionList, Div, Emph, Figure, Heading, Image, LineBlock, LineBreak,
                            Link, ListItem, Math, Note, OrderedList, Paragraph, Quote, RawBlock,
                            RawInline, Reference, References, SmallCaps, Span, Strikeout, Strong,
                            Subscript, Superscript, Table, Text, ThematicBreak, Underline, plain_text,
                            walk)
from docforge.readers.pandoc_json import reader
from docforge.transforms import prepare
from conftest import run_pandoc

MARKDOWN = r"""---
title: The *Styled* Title
author: [Ada Example, Bo Example]
lang: en-GB
keywords: [one, two]
flag: true
nested: {a: x, b: [p, q]}
abstract: |
  An abstract paragraph.

  And a second one.
---

# A heading {#chosen .unnumbered key=value}

Words with a note.[^n] *emph* **strong** ~~struck~~ x^2^ H~2~O [caps]{.smallcaps}
[under]{.underline} [bonjour]{lang=fr .greeting key=v} $E = mc^2$ and $$x^2$$
`<kbd>`{=html} "quoted" 'single' `code` [link](https://example.org "A title")
soft
break and a hard\
break.

[^n]: The note text.

    A second note paragraph.

![A caption](chart.png "Tip"){#fig-chart width=50%}

Term
:   Its definition.

| line one
|    indented line

::: {#box .warning lang=de}
Ein Absatz.
:::

```{=latex}
\newpage
```

``` python
print(1)
```

> quoted block

1. first
2. second

- bullet

------------------------------------------------------------------------

| A | B |
|:--|--:|
| 1 | 2 |

: A table caption
"""


@pytest.fixture(scope="module")
def doc_and_diagnostics(pandoc):
    ast = run_pandoc(pandoc, ["-f", "markdown", "-t", "json"], MARKDOWN.encode()).decode()
    return reader.read(ast)


def _of(doc, kind):
    return [n for n in walk(doc) if type(n) is kind]


def test_every_markdown_construct_becomes_its_ir_node(doc_and_diagnostics):
    doc, _ = doc_and_diagnostics
    kinds = {type(n) for n in walk(doc)}
    assert {Heading, Paragraph, Note, Emph, Strong, Strikeout, Superscript, Subscript, SmallCaps,
            Underline, Span, Math, RawInline, Code, Link, LineBreak, Figure, Image, DefinitionList,
            DefinitionItem, LineBlock, Div, RawBlock, CodeBlock, Quote, OrderedList, BulletList,
            ListItem, ThematicBreak, Table, Cell} <= kinds
    (heading,) = _of(doc, Heading)
    assert heading == Heading(1, (Text("A heading"),), "chosen")
    (note,) = _of(doc, Note)
    assert [plain_text(b) for b in note.blocks] == ["The note text.", "A second note paragraph."]
    assert note.label == "" and prepare(doc).blocks[1] != doc.blocks[1]  # prepare numbers it
    (span,) = [s for s in _of(doc, Span)]
    assert (span.inlines, span.classes, span.attrs, span.lang) == ((Text("bonjour"),), ("greeting",), (("key", "v"),), "fr")
    assert [(m.text, m.display) for m in _of(doc, Math)] == [("E = mc^2", False), ("x^2", True)]
    assert _of(doc, RawInline) == [RawInline("html", "<kbd>")]
    assert _of(doc, RawBlock) == [RawBlock("latex", "\\newpage")]  # a raw block is no longer a code block
    assert _of(doc, CodeBlock) == [CodeBlock("print(1)", "python")]
    (figure,) = _of(doc, Figure)
    assert (figure.caption, figure.id) == ((Text("A caption"),), "fig-chart")
    assert figure.blocks == (Paragraph((Image((Text("A caption"),), "chart.png", "Tip"),)),)
    assert _of(doc, DefinitionList)[0].items == (
        DefinitionItem((Text("Term"),), ((Paragraph((Text("Its definition."),)),),)),)
    (lines,) = _of(doc, LineBlock)
    assert lines.lines == ((Text("line one"),), (Text("   indented line"),))  # pandoc's no-break spaces
    (div,) = _of(doc, Div)
    assert (div.id, div.classes, div.attrs, div.lang, div.blocks) == (
        "box", ("warning",), (), "de", (Paragraph((Text("Ein Absatz."),)),))
    (table,) = _of(doc, Table)
    assert [plain_text(c) for c in table.header] == ["A", "B"] and table.aligns == ("left", "right")
    assert table.caption == (Text("A table caption"),)
    assert [type(n) for n in walk(doc.blocks[1])].count(Text) >= 1


def test_quoted_text_and_soft_breaks_are_text(doc_and_diagnostics):
    doc, _ = doc_and_diagnostics
    text = plain_text(doc.blocks[1])
    assert "“quoted” ‘single’" in text and "soft break and a hard break." in text


def test_metadata_keeps_the_words_of_styled_and_structured_values(doc_and_diagnostics):
    doc, _ = doc_and_diagnostics
    meta = doc.meta
    assert meta.title == "The Styled Title"
    assert meta.authors == ("Ada Example", "Bo Example") and meta.language == "en-GB"
    assert meta.keywords == ("one", "two")
    extra = dict(meta.extra)
    assert extra["flag"] == "true" and extra["nested"] == "a: x, b: p, q"
    assert extra["abstract"] == "An abstract paragraph. And a second one."


def test_what_the_ir_cannot_hold_is_reported(doc_and_diagnostics):
    _, diagnostics = doc_and_diagnostics
    messages = [d.message for d in diagnostics]
    assert messages == ["1 link title(s) (tooltips) were left out: docforge links have none"]


# ------------------------------------------------------------------ citeproc

NUMERIC_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Numeric test</title><id>numeric-test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation collapse="citation-number">
    <sort><key variable="citation-number"/></sort>
    <layout prefix="[" suffix="]" delimiter=", "><text variable="citation-number"/></layout>
  </citation>
  <bibliography second-field-align="flush" entry-spacing="0">
    <layout suffix="."><text variable="citation-number" prefix="[" suffix="]"/><text variable="title" prefix=" "/></layout>
  </bibliography>
</style>
"""
BIBLIOGRAPHY = """---
references:
- {id: smith, type: article, title: A cited work}
- {id: doe, type: book, title: Another book, author: [{family: Doe, given: Jane}], issued: {date-parts: [[2020]]}}
---
Text [@smith] and [see @doe, p. 33] and @doe and [@nokey].

# References
"""


def _citeproc(pandoc, tmp_path, *extra):
    (tmp_path / "in.md").write_text(BIBLIOGRAPHY, encoding="utf-8")
    return run_pandoc(pandoc, [str(tmp_path / "in.md"), "--citeproc", *extra, "-t", "json"]).decode()


def test_numeric_citeproc_output_reads_as_references_with_their_labels(pandoc, tmp_path):
    (tmp_path / "numeric.csl").write_text(NUMERIC_CSL, encoding="utf-8")
    doc, diagnostics = reader.read(_citeproc(pandoc, tmp_path, "--csl", str(tmp_path / "numeric.csl")))
    (refs,) = [b for b in doc.blocks if type(b) is References]
    assert refs.entries == (Reference("ref-smith", "1", (Text("A cited work."),)),
                            Reference("ref-doe", "2", (Text("Another book."),)))
    para = doc.blocks[0]
    assert para.inlines[:4] == (Text("Text "), CitationRef("ref-smith"), Text(" and see "), CitationRef("ref-doe"))
    assert plain_text(para) == "Text and see , p. 33 and and [nokey?]."  # markers are not text
    assert any("citation(s) linked" in d.message and d.severity == "info" for d in diagnostics)
    # every format then shows [1] and [2] for them
    prepared = prepare(doc)
    assert [n for n in walk(prepared) if type(n) is CitationRef] == [
        CitationRef("ref-smith"), CitationRef("ref-doe"), CitationRef("ref-doe")]


def test_author_date_citeproc_entries_are_numbered_by_prepare(pandoc, tmp_path):
    doc, _ = reader.read(_citeproc(pandoc, tmp_path))
    (refs,) = [b for b in doc.blocks if type(b) is References]
    assert [(e.id, e.label) for e in refs.entries] == [("ref-smith", ""), ("ref-doe", "")]
    assert plain_text(refs.entries[1]) == "Doe, Jane. 2020. Another Book."
    assert any(type(n) is Emph for n in walk(refs))  # the entry keeps its markup
    prepared = prepare(doc)
    (refs,) = [b for b in prepared.blocks if type(b) is References]
    assert [(e.id, e.label) for e in refs.entries] == [("ref-smith", "1"), ("ref-doe", "2")]
    assert [n.ref_id for n in walk(prepared) if type(n) is CitationRef] == ["ref-smith", "ref-doe", "ref-doe"]


def test_citations_without_citeproc_resolve_to_entries_with_the_bare_key_or_stay_text():
    def cite(key, text):
        return {"t": "Cite", "c": [[{"citationId": key, "citationPrefix": [], "citationSuffix": [],
                                     "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 1,
                                     "citationHash": 0}], [{"t": "Str", "c": text}]]}
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [
        {"t": "Para", "c": [cite("key", "[@key]"), {"t": "Space"}, cite("other", "[@other]")]},
        {"t": "Div", "c": [["", ["references"], []], [
            {"t": "Div", "c": [["key", ["csl-entry"], []], [{"t": "Para", "c": [{"t": "Str", "c": "Entry."}]}]]}]]}]}
    doc, _ = reader.read(json.dumps(ast))
    assert doc.blocks[0].inlines == (CitationRef("key"), Text(" [@other]"))
    assert doc.blocks[1] == References((Reference("key", "", (Text("Entry."),)),))


def test_a_reference_entry_is_read_once_whatever_its_shape():
    """The left-margin label is not repeated in the text; blocks after the first keep their words."""
    def entry(id_, kv, blocks):
        return {"t": "Div", "c": [[id_, ["csl-entry"], kv], blocks]}
    margin = {"t": "Span", "c": [["", ["csl-left-margin"], []], [{"t": "Str", "c": "(7)"}]]}
    right = {"t": "Span", "c": [["", ["csl-right-inline"], []], [{"t": "Str", "c": "Seventh."}]]}
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Div", "c": [["refs", [], []], [
        entry("ref-a", [], [{"t": "Para", "c": [margin, {"t": "Space"}, right]}]),
        entry("ref-b", [["label", "B"]], [{"t": "Para", "c": [margin, right]}]),
        entry("ref-c", [], [{"t": "Para", "c": [{"t": "Str", "c": "One."}]},
                            {"t": "BulletList", "c": [[{"t": "Plain", "c": [{"t": "Str", "c": "Two."}]}]]}]),
        {"t": "Para", "c": [{"t": "Str", "c": "Loose."}]}]]}]}
    (refs,) = reader.read(json.dumps(ast))[0].blocks
    assert refs.entries == (Reference("ref-a", "7", (Text("Seventh."),)),
                            Reference("ref-b", "B", (Text("Seventh."),)),
                            Reference("ref-c", "", (Text("One."), LineBreak(), Text("Two."))),
                            Reference("", "", (Text("Loose."),)))


# ------------------------------------------------------------------ tables

SPANNING_TABLE = """<table><caption>Spans</caption>
<thead><tr><th colspan="2">wide head</th><th>c</th></tr></thead>
<tbody><tr><td rowspan="2">tall</td><td>b1</td><td>c1</td></tr>
<tr><td>b2</td><td>c2</td></tr>
<tr><td>a3</td><td><ul><li>listed word</li></ul></td><td><table><tr><td>inner cell</td></tr></table></td></tr></tbody>
<tfoot><tr><td>foot</td><td></td><td></td></tr></tfoot></table>"""


def test_spanning_cells_keep_their_text_in_a_grid_with_one_diagnostic(pandoc):
    ast = run_pandoc(pandoc, ["-f", "html", "-t", "json"], SPANNING_TABLE.encode()).decode()
    doc, diagnostics = reader.read(ast)
    (table,) = doc.blocks
    grid = [[plain_text(c) for c in row] for row in (table.header,) + table.rows]
    assert grid == [["wide head", "", "c"], ["tall", "b1", "c1"], ["", "b2", "c2"],
                    ["a3", "listed word", "inner cell"], ["foot", "", ""]]
    assert table.caption == (Text("Spans"),)
    assert [d.message for d in diagnostics] == [
        "2 table cells span several rows/columns; docforge tables are grids, the spans were flattened"]


def test_short_captions_are_reported():
    table = {"t": "Table", "c": [["", [], []], [[{"t": "Str", "c": "Short"}], [{"t": "Plain", "c": [{"t": "Str", "c": "Long"}]}]],
                                 [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]],
                                 [["", [], []], []], [], [["", [], []], []]]}
    doc, diagnostics = reader.read(json.dumps({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [table]}))
    assert doc.blocks[0].caption == (Text("Long"),)
    assert [d.message for d in diagnostics] == ["1 short caption(s) were left out: docforge keeps the full caption only"]


# ------------------------------------------------------------------ the rest

def test_unknown_constructors_keep_their_text_and_say_so():
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {"title": {"t": "MetaFuture", "c": [{"t": "Str", "c": "Titled"}]}}, "blocks": [
        {"t": "FutureBlock", "c": [["id", [], []], [{"t": "Para", "c": [{"t": "Str", "c": "inside"}]}], "loose words"]},
        {"t": "Para", "c": [{"t": "Str", "c": "a"}, {"t": "FutureInline", "c": [{"t": "Str", "c": "kept"}]},
                            {"t": "FutureInline", "c": "also"}]},
        {"t": "Null"}]}
    doc, diagnostics = reader.read(json.dumps(ast))
    assert "inside" in plain_text(doc) and "loose words" in plain_text(doc)
    assert "kept" in plain_text(doc.blocks[-1]) and "also" in plain_text(doc.blocks[-1])
    assert doc.meta.title == "Titled"
    assert [d.message for d in diagnostics] == [
        "pandoc block 'FutureBlock' has no docforge equivalent; its text was kept as a paragraph",
        "pandoc inline 'FutureInline' (2 times) has no docforge equivalent; its text was kept",
        "pandoc metadata value 'MetaFuture' has no docforge equivalent; its text was kept"]


def test_an_uncaptioned_figure_from_markdown_keeps_its_alt_text(pandoc):
    """pandoc's Markdown reader puts the alt text of `![](x.png){alt="..."}` in an attribute."""
    ast = run_pandoc(pandoc, ["-f", "markdown", "-t", "json"], b'![](x.png){alt="the alt words"}\n').decode()
    (para,) = reader.read(ast)[0].blocks
    assert para.inlines == (Image((Text("the alt words"),), "x.png"),)


def test_docforge_conventions_are_read_back():
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [
        {"t": "Para", "c": [{"t": "Link", "c": [["", ["citation"], [["ref", "ref-2"]]], [{"t": "Str", "c": "[2]"}],
                                                ["#ref-2", ""]]}]},
        {"t": "Table", "c": [["t", [], [["label", "Table 9"]]], [None, []],
                             [[{"t": "AlignCenter"}, {"t": "ColWidthDefault"}]],
                             [["", [], []], [[["", [], []], [[["", [], []], {"t": "AlignDefault"}, 1, 1, []]]]]],
                             [], [["", [], []], []]]}]}
    doc, _ = reader.read(json.dumps(ast))
    assert doc.blocks[0] == Paragraph((CitationRef("ref-2"),))
    assert doc.blocks[1] == Table((Cell(()),), (), ("center",), (), "t", "Table 9")


# ---------------------------------------------------------------- streamed reading (issue 18)
HTML_TABLES = """<table><caption>Cap</caption><thead><tr><th rowspan="2">A</th><th colspan="2">B</th></tr>
<tr><th>b1</th><th>b2</th></tr></thead><tbody><tr><td>1</td><td rowspan="2">2</td><td>3</td></tr>
<tr><td>4</td><td>5</td></tr></tbody><tbody><tr><td>x</td><td>y</td></tr></tbody>
<tfoot><tr><td>f1</td><td>f2</td><td>f3</td></tr></tfoot></table>
<table><tr><td>no head</td><td>row</td><td>ragged</td></tr><tr><td>short</td></tr></table>
<blockquote><p>quoted</p><ul><li>one</li><li><p>two</p><p>para</p></li></ul></blockquote>
<div lang="fr" class="c"><p>bonjour <em>à</em> tous</p><ol start="4"><li>four</li></ol></div>"""


def _whole_value_read(text: str):
    """What the reader gave when it decoded the whole text with json.loads first."""
    from docforge.model import Document
    from docforge.readers.pandoc_json import _Converter, _reference_ids
    from docforge.readers.references import recover_references
    raw = json.loads(text)
    conv = _Converter("<input>", _reference_ids(raw["blocks"]))
    doc = Document(conv.meta(raw.get("meta") or {}), conv.blocks(raw["blocks"]))
    return recover_references(doc), conv.report()


def _reordered(value):
    """The same JSON value with every object's keys in reverse order ("c" before "t")."""
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value



def _read_noting_value_sizes(text, monkeypatch):
    """The reader's Document and diagnostics, and the length of every JSON value it decoded whole."""
    from docforge.readers import pandoc_json
    sizes = []
    original = pandoc_json._Cursor.value

    def value(self):
        start = self.pos
        result = original(self)
        sizes.append(self.pos - start)
        return result

    monkeypatch.setattr(pandoc_json._Cursor, "value", value)
    doc, diagnostics = reader.read(text)
    monkeypatch.undo()
    return doc, diagnostics, sizes


def test_the_streamed_reading_gives_the_whole_value_conversion(pandoc, doc_and_diagnostics):
    from docforge.writers.pandoc_json import writer
    from ir_examples import pandoc_document, rich_document
    texts = [run_pandoc(pandoc, ["-f", "markdown", "-t", "json"], MARKDOWN.encode()).decode(),
             run_pandoc(pandoc, ["-f", "html", "-t", "json"], HTML_TABLES.encode()).decode(),
             writer.dumps(prepare(rich_document())), writer.dumps(pandoc_document())]
    texts += [json.dumps(json.loads(t), indent=2) for t in texts[:2]]  # whitespace everywhere
    texts += [json.dumps(_reordered(json.loads(t))) for t in texts[:3]]  # "c" before "t"
    texts.append('{"blocks":[{"t":"Para","c":[{"t":"Str","c":"a\\"b\\\\c\\u00e9\\n"},{"t":"Space"},'
                 '{"t":"Str","c":"x","extra":1},{"t":"SoftBreak"},{"t":"Str","c":""},{"t":"Str","c":"\\ud83d\\ude00"},'
                 '{"t":"Space"} ,{"t":"Str","c":"y"}]}]}')  # escapes, an extra key, an emoji as a pair
    for text in texts:
        assert reader.read(text) == _whole_value_read(text)
    assert reader.read(texts[-1])[0].blocks == (Paragraph((Text('a"b\\c\u00e9\n x \U0001f600 y'),)),)
    tables = [b for b in reader.read(texts[1])[0].blocks if type(b) is Table]
    assert [len(t.rows) for t in tables] == [5, 2] and tables[0].rows[-1][2] == Cell((Text("f3"),))
    assert tables[1].rows[1] == (Cell((Text("short"),)), Cell(()), Cell(()))  # padded to the grid


def test_a_long_json_document_is_read_a_small_value_at_a_time(monkeypatch):
    # json.loads made dicts and lists of the whole text (~10x the JSON) before converting
    import docforge
    from docforge.readers import pandoc_json
    rows = "\n".join(f"item {i} | {i} | a short note" for i in range(2000))
    refs = "\n".join(f"{i}. Author, A. A study number {i}. https://example.org/{i}" for i in range(1, 2001))
    items = "\n".join(f"- bullet item {i}" for i in range(1000))
    feed = ("A Long Document\n\nA claim [1] and [2000].\n\n" + "word " * 20000 + "end.\n\n"
            + "Name | Value | Note\n:--- | ---: | ---\n" + rows + "\n\nA list follows.\n\n" + items
            + "\n\nReferences\n" + refs + "\n")
    text = docforge.write(docforge.read_text(feed), "json").decode()
    doc, diagnostics, sizes = _read_noting_value_sizes(text, monkeypatch)
    assert len(text) > 1_000_000 and max(sizes) < 2_000
    assert (doc, diagnostics) == _whole_value_read(text)
    kinds = [type(b) for b in doc.blocks]
    assert Table in kinds and References in kinds and BulletList in kinds
    table = doc.blocks[kinds.index(Table)]
    assert len(table.rows) == 2000 and len(doc.blocks[kinds.index(References)].entries) == 2000


@pytest.mark.parametrize("text, where", [
    ('{"blocks": [\n{"t":"Para","c":[]}\n,]}', "line 3: Expecting value"),
    ('{"blocks": []} trailing', "line 1: Extra data"),
    ('{"blocks": [{"t":"Para","c":[{"t":"Str","c":"a"}]}\n', "line 2: Expecting ',' delimiter"),
    ('{"blocks": [{"t":"Para" "c":[]}]}', "line 1: Expecting ',' delimiter"),
    ('{"meta": {}, "blocks": [], }', "line 1: Expecting property name enclosed in double quotes"),
    ('{"blocks": [{"t":"Para","c":[{"t":"Str","c":"a\tb"}]}]}', "line 1: Invalid control character at"),
    ('{"blocks": [{"t":"Para","c":[{"t":"Str","c":"open}]}]}', "line 1: Unterminated string starting at"),
])
def test_json_errors_found_while_streaming_name_their_line_as_json_loads_does(text, where):
    from docforge.errors import FormatError
    with pytest.raises(FormatError, match=f"not JSON \\({where}\\)"):
        reader.read(text)
    with pytest.raises(json.JSONDecodeError) as whole:
        json.loads(text)
    assert f"line {whole.value.lineno}: {whole.value.msg}" == where


def test_a_document_without_blocks_or_not_an_object_is_refused_in_one_line():
    from docforge.errors import FormatError
    for text in ('{"meta": {}}', "[]", '"text"'):
        with pytest.raises(FormatError, match='not a pandoc JSON document \\(no "blocks"\\)'):
            reader.read(text)


def test_long_inline_wrappers_line_blocks_definitions_figures_and_notes_are_streamed_too(monkeypatch):
    from docforge.model import Document, Meta
    from docforge.readers import pandoc_json
    from docforge.writers.pandoc_json import writer
    words = tuple(Text(f"word {i} ") for i in range(3000))
    many = tuple(Paragraph((Text(f"paragraph {i}"),)) for i in range(500))
    doc = Document(Meta(title="Nested"), (
        Paragraph((Emph(words), Strong((Span(words, lang="fr"),)), Link(words, "https://example.org"),
                   Image(words, "x.png"), Note(many))),
        LineBlock(tuple((Text(f"  line {i}"),) for i in range(2000))),
        DefinitionList(tuple(DefinitionItem((Text(f"term {i}"),), ((Paragraph((Text("def"),)),),))
                             for i in range(1000))),
        Figure(many, (Text("A caption"),), "fig-1"),
    ))
    text = writer.dumps(doc)
    back, diagnostics, sizes = _read_noting_value_sizes(text, monkeypatch)
    assert len(text) > 1_000_000 and max(sizes) < 500
    assert (back, diagnostics) == _whole_value_read(text)
    assert back.blocks[1:] == doc.blocks[1:]
    assert back.blocks[0].inlines[0] == Emph((Text("".join(t.text for t in words)),))
