"""Bounded memory (issue 18): what a conversion lets go and what it never holds whole.

No RSS or time is asserted (benchmarks/growth.py measures those): these check the
structure that keeps memory down — the reader's tree is not alive while writers run, a
file's output is written into the file rather than into a buffer, the HTML page and the
DOCX body are written in pieces, the PDF story is made as it is laid out, the EPUB's pages
are spooled and streamed into the zip — and that each of those gives the bytes the
whole-at-once way gave.
"""
import gc
import io
import zipfile

import docforge
from docforge import api, model
from docforge.model import (BulletList, Cell, DefinitionItem, DefinitionList, Div, Document, Heading,
                            ListItem, Meta, Note, OrderedList, Paragraph, Quote, Reference, References,
                            Table, Text)
from docforge.writers.docx import body as docx_body
from docforge.writers.html import page as html_page
from docforge.writers.pdf import story as pdf_story
from ir_examples import rich_document


def _documents() -> set[int]:
    gc.collect()
    return {id(obj) for obj in gc.get_objects() if type(obj) is model.Document}


def _feed(paragraphs: int) -> str:
    body = "\n\n".join(f"Section {i}\n\nParagraph {i} says something at reasonable length, "
                       f"with a link https://example.org/{i} in it." for i in range(paragraphs))
    return "A Long Feed\n\n" + body + "\n"


def test_writers_run_with_the_prepared_tree_alone(tmp_path, monkeypatch):
    # convert() and convert_bytes() kept the reader's Document alive next to the prepared
    # one for the whole write (a second tree, up to the IR's size again)
    alive = []
    original = html_page.HtmlWriter.write
    before = _documents()  # other tests' documents may still be around

    def spy(self, context, out):
        alive.append(len(_documents() - before))
        return original(self, context, out)

    monkeypatch.setattr(html_page.HtmlWriter, "write", spy)
    source = tmp_path / "a.txt"
    source.write_text("A Title\n\nSection One\n\nSome text [1].\n\nReferences\n1. A reference.\n",
                      encoding="utf-8")
    docforge.convert(source, "html", tmp_path / "a.html")
    api.convert_bytes(source.read_bytes(), "html")
    assert alive == [1, 1]


def test_a_file_output_is_written_into_the_file_not_a_buffer(tmp_path, monkeypatch):
    seen = []
    original = html_page.HtmlWriter.write

    def spy(self, context, out):
        seen.append(type(out))
        return original(self, context, out)

    monkeypatch.setattr(html_page.HtmlWriter, "write", spy)
    source = tmp_path / "a.txt"
    source.write_text(_feed(3), encoding="utf-8")
    docforge.convert(source, "html", tmp_path / "a.html")
    assert seen and not issubclass(seen[0], io.BytesIO)
    assert (tmp_path / "a.html").read_bytes() == docforge.write(docforge.read(source), "html")


class _Writes(io.BytesIO):
    def __init__(self):
        super().__init__()
        self.sizes = []

    def write(self, data):
        self.sizes.append(len(data))
        return super().write(data)


def test_the_html_page_is_written_in_batches_that_join_to_the_whole_page(monkeypatch):
    doc = docforge.read(_feed(3000).encode())
    whole = docforge.write(doc, "html")
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    out = _Writes()
    html_page.HtmlWriter().write(context.for_writer(context.options), out)
    assert out.getvalue() == whole
    assert len(out.sizes) > 4 and max(out.sizes) < len(whole) / 4


def _docx_parts(doc: Document, monkeypatch, frozen_pieces: int, toc: bool = False) -> dict[str, bytes]:
    monkeypatch.setattr(docx_body, "FROZEN_PIECES", frozen_pieces)
    data = docforge.write(doc, "docx", options=docforge.WriteOptions(toc=toc))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _rows(n: int, prefix: str = "row") -> tuple:
    return tuple((Cell((Text(f"{prefix} {i}"),)), Cell((Text(str(i)),)), Cell((Text("a note"),)))
                 for i in range(n))


def _long_blocks() -> list:
    """Every block that may be frozen inside of (tables, lists, references, definitions,
    divs, quotes, notes), each long enough to be cut many times."""
    header = (Cell((Text("Name"),)), Cell((Text("Value"),)), Cell((Text("Note"),)))
    note = Note((Paragraph((Text("A note with a table"),)),
                 Table(header, _rows(20, "note row"), ("left", "right", "default")),
                 BulletList(tuple(ListItem((Paragraph((Text(f"note item {i}"),)),)) for i in range(15)))))
    return [
        Paragraph((Text("Before the table"),)),
        Table(header, _rows(40), ("left", "right", "default"), (Text("A captioned table"),)),
        Table((), _rows(30, "bare"), ()),  # no caption: the bookmark goes around it
        BulletList(tuple(ListItem((Paragraph((Text(f"item {i}"),)),
                                   Table((), _rows(3, f"in item {i}"), ()))) for i in range(12))),
        Paragraph((Text("Text with a note"), note)),
        OrderedList(tuple(ListItem((Paragraph((Text(f"step {i}"),)),)) for i in range(50))),
        BulletList(()),  # no paragraph of its own: it spaces the paragraph before it
        References(tuple(Reference(f"ref-{i}", str(i), (Text(f"Entry {i}"),), f"https://example.org/{i}")
                         for i in range(1, 60))),
        References(tuple(Reference(f"typed-{i}", f"A{i}", (Text(f"Typed {i}"),)) for i in range(20))),
        DefinitionList(tuple(DefinitionItem((Text(f"term {i}"),), ((Paragraph((Text(f"definition {i}"),)),),))
                             for i in range(20))),
        Div(tuple(Paragraph((Text(f"in a div {i}"),)) for i in range(30)), lang="fr"),
        Quote(tuple(Paragraph((Text(f"quoted {i}"),)) for i in range(30))),
    ]


def test_docx_frozen_at_every_point_is_the_document_built_whole(monkeypatch):
    # a list spaces the paragraph before it after the fact (state.last_paragraph): freezing
    # between blocks, rows, items and references must keep that paragraph open and its
    # index right, and notes (written while a body paragraph is open) freeze on their own
    blocks = []
    for i in range(40):
        blocks += [Heading(1, (Text(f"Part {i}"),)), Paragraph((Text(f"Paragraph {i}."),)),
                   BulletList((ListItem((Paragraph((Text(f"item {i}"),)),)),)),
                   Paragraph((Text(f"After the list {i}"), Note((Paragraph((Text(f"note {i}"),)),)))),
                   BulletList((ListItem(()),)),  # no paragraph of its own: it spaces the one before
                   OrderedList((ListItem(()), ListItem(()))),
                   ]
    doc = Document(Meta(title="Frozen"), tuple(blocks))
    long = Document(Meta(title="Long blocks"), tuple(_long_blocks()))
    for sample in (doc, long, rich_document()):
        for toc in (False, True):  # the TOC field spans a paragraph per heading
            whole = _docx_parts(sample, monkeypatch, 10 ** 9, toc)
            assert _docx_parts(sample, monkeypatch, 0, toc) == whole
            assert _docx_parts(sample, monkeypatch, 7, toc) == whole


def test_a_long_table_list_or_bibliography_never_sits_whole_in_the_docx_builder(monkeypatch):
    # the markup goes to the spool a few hundred pieces at a time, inside the block too
    limit = 200
    monkeypatch.setattr(docx_body, "FROZEN_PIECES", limit)
    held = []
    original = docx_body.BodyBuilder._maybe_freeze

    def spy(self, whole=False):
        held.append(len(self.out))
        return original(self, whole)

    monkeypatch.setattr(docx_body.BodyBuilder, "_maybe_freeze", spy)
    header = (Cell((Text("Name"),)), Cell((Text("Value"),)), Cell((Text("Note"),)))
    for block in (Table(header, _rows(3000), ("left", "right", "default")),
                  OrderedList(tuple(ListItem((Paragraph((Text(f"step {i}"),)),)) for i in range(3000))),
                  References(tuple(Reference(f"ref-{i}", str(i), (Text(f"Entry {i}"),), f"https://example.org/{i}")
                                   for i in range(1, 3000)))):
        held.clear()
        data = docforge.write(Document(Meta(title="One long block"), (block,)), "docx")
        # one row, item or entry more than the limit at most, however long the block
        assert len(held) > 1000 and max(held) < limit + 40
        body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert body.count("Entry 2999") + body.count("step 2999") + body.count("row 2999") == 1


def _pdf(doc: Document, monkeypatch, ahead: int) -> bytes:
    monkeypatch.setattr(pdf_story, "AHEAD", ahead)
    return docforge.write(doc, "pdf")


def test_the_lazy_pdf_story_gives_the_bytes_of_the_whole_story(monkeypatch):
    # headings keep with the next block, a run of headings is one chain, notes are listed
    # before the References, a table: with one flowable kept ahead or the whole story at
    # once, reportlab must lay out the same pages
    blocks = [Heading(1, (Text("First"),)), Heading(2, (Text("Second, right after"),)),
              Heading(3, (Text("Third, right after"),)),
              Paragraph((Text("Text with a note"), Note((Paragraph((Text("The note."),)),)))),
              ]
    blocks += [Paragraph((Text(f"Filler paragraph {i} " * 12),)) for i in range(60)]
    blocks += [Heading(1, (Text("References"),)),
               References(tuple(Reference(f"ref-{i}", str(i), (Text(f"Entry {i}"),)) for i in range(1, 30))),
               Paragraph((Text("After the references"), Note((Paragraph((Text("A late note."),)),))))]
    doc = Document(Meta(title="Lazy", keywords=("memory",)), tuple(blocks))
    for sample in (doc, rich_document(), docforge.read(_feed(40).encode())):
        whole = _pdf(sample, monkeypatch, 10 ** 9)
        assert _pdf(sample, monkeypatch, 1) == whole


def test_the_lazy_story_hands_over_the_flowables_without_keeping_them():
    from reportlab.platypus import Paragraph as RLParagraph, Spacer
    from reportlab.lib.styles import getSampleStyleSheet
    style = getSampleStyleSheet()["Normal"]
    made = []

    def parts():
        for i in range(200):
            made.append(i)
            yield [RLParagraph(f"p{i}", style), Spacer(1, 1)]

    story = pdf_story.LazyStory(parts())
    assert len(made) < 200  # not all made up front
    taken = 0
    while len(story):
        del story[0]
        taken += 1
    assert taken == 400 and len(made) == 200


def test_the_text_reader_quotes_blocks_only_when_explaining():
    from docforge.readers import text
    source = "A Title\n\nA heading here\n\nA paragraph long enough to be a paragraph of text.\n"
    def paragraph_previews(parsed):
        return [d.preview for d in parsed.decisions if d.kind == "paragraph"]

    assert paragraph_previews(text.parse(source, previews=False)) == [""]
    assert paragraph_previews(text.parse(source))[0].startswith("A paragraph long enough")
    assert text.parse(source, previews=False).document == text.parse(source).document


def test_repeated_short_runs_are_one_shared_record_and_no_text_is_lost(monkeypatch):
    from docforge.readers.text import inline
    # an empty share: earlier tests in the same process may have filled the bounded one
    monkeypatch.setattr(inline, "_shared", {})
    rows = "\n".join(f"item {i} | yes | a short note about the row" for i in range(50))
    feed = ("Shared Runs\n\n" + "\n\n".join(f"See https://example.org/{i} and https://example.com/{i} for the data."
                                            for i in range(50))
            + "\n\nName | Flag | Note\n:--- | --- | ---\n" + rows + "\n")
    doc = docforge.read_text(feed)
    paragraphs = [b for b in doc.blocks if type(b) is Paragraph and any(type(i) is model.Link for i in b.inlines)]
    assert len(paragraphs) == 50
    ands = {id(p.inlines[2]) for p in paragraphs}
    assert len(ands) == 1 and paragraphs[0].inlines[2] == Text(" and ")  # one record for 50 runs
    table = next(b for b in doc.blocks if type(b) is model.Table)
    notes = {id(row[2].inlines) for row in table.rows}
    assert len(notes) == 1 and table.rows[0][2].inlines == (Text("a short note about the row"),)
    long_run = "x" * (inline.SHARED_RUN_CHARS + 1)
    assert inline.text_inlines(long_run) is not inline.text_inlines(long_run)  # unique text is not kept
    assert inline.text_run(long_run) == Text(long_run)
    # the shared records carry every character: the words read back from the output
    html = docforge.write(doc, "html").decode()
    assert html.count(" for the data.") == 50 and html.count("a short note about the row") == 50


def test_collapse_is_split_and_join_without_the_word_list():
    from docforge.readers.text.predicates import LONG_TEXT_CHARS, collapse
    spaces = [chr(c) for c in range(0x3100) if chr(c).isspace()] + ["\u205f", "\u3000", "\u200b", "\ufeff", "\xad"]
    pad = "x" * LONG_TEXT_CHARS  # long lines take the regex way, short ones split and join
    for space in spaces:
        for text in (f"a{space}b", f"{space}a", f"a{space}", f"a {space}b", space, f"a{space}{space}b"):
            for variant in (text, pad + text, text + pad, pad + text + pad):
                assert collapse(variant) == " ".join(variant.split()), repr(text)
    line = "word " * 1000 + "end"
    assert collapse(line) is line  # nothing to change: the same string, no copy
    assert collapse("  a \t b\u00a0c  ") == "a b c"


class _Rows:
    """A table's rows made as they are read, as the compact IR decodes them, counting how
    many are alive at once (a row is a tuple subclass only to see it go)."""

    def __init__(self, n: int) -> None:
        self.n, self.alive, self.most = n, 0, 0

    def __len__(self) -> int:
        return self.n

    def _row(self, i: int):
        rows = self

        class Row(tuple):
            def __del__(self):
                rows.alive -= 1
        self.alive += 1
        self.most = max(self.most, self.alive)
        return Row((Cell((Text(f"row {i}"),)), Cell((Text(str(i)),)), Cell((Text("a note"),))))

    def __getitem__(self, i: int):
        if not isinstance(i, int) or not -self.n <= i < self.n:
            raise IndexError(i)
        return self._row(i % self.n)

    def __iter__(self):
        for i in range(self.n):
            yield self._row(i)


def test_the_docx_writer_reads_a_long_table_row_by_row_without_keeping_the_rows():
    from docforge.style import load_style
    from docforge.writers.base import RenderContext
    from docforge.writers.docx import DocxWriter
    header = (Cell((Text("Name"),)), Cell((Text("Value"),)), Cell((Text("Note"),)))

    def document_xml(rows) -> bytes:
        doc = Document(Meta(title="Rows"), (Table(header, rows, ("left", "right", "default")),))
        out = io.BytesIO()
        DocxWriter().write(RenderContext(doc, load_style(None)), out)
        return zipfile.ZipFile(out).read("word/document.xml")

    lazy = _Rows(2000)
    got = document_xml(lazy)
    assert lazy.most <= 2  # never a copy of the rows: each is let go once written
    assert got == document_xml(_rows(2000))


class _Unseekable(io.RawIOBase):
    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.data += data
        return len(data)


def test_the_docx_package_is_written_into_a_seekable_output_member_by_member():
    doc = docforge.read(_feed(2000).encode())
    whole = docforge.write(doc, "docx")
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    from docforge.writers.docx import DocxWriter
    out = _Writes()
    DocxWriter().write(context.for_writer(context.options), out)
    assert out.getvalue() == whole
    assert len(out.sizes) > 20 and max(out.sizes) < len(whole) / 2  # never the whole package at once
    # a stream that cannot seek, or does not start at 0, gets the same package, buffered
    unseekable = _Unseekable()
    DocxWriter().write(context.for_writer(context.options), unseekable)
    assert bytes(unseekable.data) == whole
    offset = io.BytesIO()
    offset.write(b"prefix")
    DocxWriter().write(context.for_writer(context.options), offset)
    assert offset.getvalue() == b"prefix" + whole


def test_a_docx_written_into_an_appending_file_is_still_whole(tmp_path):
    from docforge.writers.docx import DocxWriter
    doc = docforge.read(_feed(20).encode())
    whole = docforge.write(doc, "docx")
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    path = tmp_path / "appended.docx"
    with open(path, "ab") as out:  # empty, so at 0, but every write goes to its end
        DocxWriter().write(context.for_writer(context.options), out)
    assert path.read_bytes() == whole


def _html_body(blocks) -> tuple[list[str], str]:
    from docforge.transforms import prepare
    doc = prepare(Document(Meta(title="Pieces"), tuple(blocks)))
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    pieces = list(html_page.BodyRenderer(context).block_pieces(context.doc.blocks))
    return pieces, docforge.write(doc, "html").decode()


def test_a_long_table_list_or_reference_list_is_many_html_pieces_of_a_row_item_or_entry():
    # one block was one string as long as its part of the input (2.4 MB for a 1 MB table)
    from docforge.model import Cell, Table
    rows = tuple((Cell((Text(f"row {i}"),)), Cell((Text(str(i)),))) for i in range(300))
    table = Table((Cell((Text("Name"),)), Cell((Text("Value"),))), rows, ("left", "right"))
    bullets = BulletList(tuple(ListItem((Paragraph((Text(f"item {i}"),)),)) for i in range(300)))
    refs = References(tuple(Reference(f"ref-{i}", str(i), (Text(f"Entry {i}"),)) for i in range(1, 301)))
    pieces, page = _html_body([Paragraph((Text("Before."),)), table, bullets, Heading(1, (Text("References"),)), refs])
    assert len(pieces) > 900 and max(map(len, pieces)) < 400
    assert "\n".join(pieces) in page
    assert page.count("<tr>") == 301 and page.count("<li>") == 300 and page.count('<li id="ref-') == 300
    assert '<section class="level1" role="doc-bibliography" aria-labelledby="references">' in page


def test_html_pieces_of_each_block_join_to_its_markup_even_when_empty():
    # what each block gave as one string before it was written in pieces: the blank line
    # an empty list, quote or div keeps, a line block's <br>s, a table without rows
    from docforge.model import Cell, DefinitionItem, DefinitionList, Div, LineBlock, Quote, Table
    samples = [Quote(()), Quote((Paragraph((Text("q"),)), Quote(()))), BulletList(()), OrderedList((), 3),
               OrderedList((ListItem((Paragraph((Text("a"),)),)),), 2), Div(()), Div((Heading(1, (Text("h"),)),)),
               LineBlock(()), LineBlock(((Text("one"),),)), LineBlock(((Text("  one"),), (), (Text("three"),))),
               DefinitionList(()), DefinitionList((DefinitionItem((Text("t"),), ((Paragraph((Text("d"),)),), ())),)),
               Table((), ()), Table((Cell((Text("h"),)),), ()), Table((), ((Cell(()),),)),
               References(()), References((Reference("r1", "x", (Text("e"),)),))]
    expected = [
        '<blockquote>\n\n</blockquote>',
        '<blockquote>\n<p>q</p>\n<blockquote>\n\n</blockquote>\n</blockquote>',
        '<ul>\n\n</ul>',
        '<ol start="3">\n\n</ol>',
        '<ol start="2">\n<li>a</li>\n</ol>',
        '<div>\n\n</div>',
        '<div>\n<h2 id="h">h</h2>\n</div>',
        '<div class="line-block"></div>',
        '<div class="line-block">one</div>',
        '<div class="line-block">\xa0\xa0one<br>\n<br>\nthree</div>',
        '<dl>\n</dl>',
        '<dl>\n<dt>t</dt>\n<dd>d</dd>\n<dd></dd>\n</dl>',
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Table 1"><table id="table-1">\n<thead><tr><th scope="col"></th></tr></thead>\n</table></div>',
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Table 2"><table id="table-2">\n<thead><tr><th scope="col">h</th></tr></thead>\n</table></div>',
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Table 3"><table id="table-3">\n<tbody>\n<tr><td></td></tr>\n</tbody>\n</table></div>',
        '<ol class="references">\n\n</ol>',
        '<ol class="references unlabelled">\n<li id="r1">e</li>\n</ol>',
    ]
    from docforge.transforms import prepare
    doc = prepare(Document(Meta(title="Pieces"), tuple(samples)))
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    body = html_page.BodyRenderer(context)
    assert ["\n".join(body.block_stream(block)) for block in context.doc.blocks] == expected
    assert [body.render(block) for block in context.doc.blocks] == expected
    # References without a heading before them: each in a bibliography section of its own
    section = '<section class="bibliography" role="doc-bibliography" aria-label="References{}">\n{}\n</section>'
    assert body.blocks(context.doc.blocks) == "\n".join(
        expected[:-2] + [section.format(n, e) for n, e in zip(("", " 2"), expected[-2:])])



def _json_pieces_noting_dumps(doc):
    """The streamed JSON of `doc` in its pieces, and the length of every json.dumps string made."""
    import docforge.writers.pandoc_json as pandoc_json
    from docforge.writers.pandoc_json import AstRenderer, StreamingAst
    made = []
    original = pandoc_json._dumps

    def spy(value):
        text = original(value)
        made.append(len(text))
        return text

    pandoc_json._dumps = spy
    try:
        pieces = list(StreamingAst(AstRenderer({})).document(doc))
    finally:
        pandoc_json._dumps = original
    return pieces, made


def test_a_long_table_or_bibliography_is_encoded_to_json_a_few_rows_at_a_time():
    # 2,048 rows or entries were dicts at once whatever their size (12 MB for a 1 MB table):
    # a batch now holds about _BATCH_CHARS of JSON, sized from the batch before it
    from docforge.model import Cell, Table
    from docforge.transforms import prepare
    from docforge.writers.pandoc_json import _BATCH_CHARS, AstRenderer, StreamingAst, _dumps
    rows = tuple((Cell((Text(f"item {i} with a note about the row"),)), Cell((Text(str(i)),)))
                 for i in range(6000))
    refs = References(tuple(Reference(f"ref-{i}", str(i), (Text(f"Author, A. A study number {i}. " * 3),),
                                      f"https://example.org/{i}") for i in range(1, 4001)))
    doc = prepare(Document(Meta(title="Long"), (Table((Cell((Text("Name"),)), Cell((Text("Value"),))), rows),
                                                Heading(1, (Text("References"),)), refs)))
    pieces, made = _json_pieces_noting_dumps(doc)
    total = sum(map(len, pieces))
    assert total > 3_000_000 and max(made) < 3 * _BATCH_CHARS  # no json.dumps of a whole block
    assert "".join(pieces) == _dumps(AstRenderer({}).document(doc))


def test_a_word_longer_than_a_text_slice_is_written_to_json_in_slices():
    # an unspaced 1 MB line was one dict, one 1 MB json.dumps string and its copies
    from docforge.writers.pandoc_json import _TEXT_SLICE, AstRenderer, StreamingAst, _dumps
    word = "".join(chr(0x61 + i % 26) for i in range(_TEXT_SLICE * 30)) + '"\\<é>\u2028'
    texts = [word, "lead " + word, word + " tail", "a " * 3000 + word + "  " + word + " b", word + " "]
    doc = Document(Meta(title="Words"), tuple(Paragraph((Text(t),)) for t in texts)
                   + (Heading(1, (Text("x"), Text(word))),))
    pieces = list(StreamingAst(AstRenderer({})).document(doc))
    of_the_word = [len(p) for p in pieces if "abcdefghij" in p]
    assert len(of_the_word) > 5 * 30 and max(of_the_word) < _TEXT_SLICE + 20
    assert "".join(pieces) == _dumps(AstRenderer({}).document(doc))
    back = docforge.read(docforge.write(doc, "json"), "json")
    assert [b.inlines for b in back.blocks[:5]] == [(Text(t),) for t in texts]


def test_a_paragraph_longer_than_a_batch_is_encoded_into_the_html_page_a_slice_at_a_time():
    # joined to its batch and encoded whole, one long paragraph was there three times over
    text = "".join(f"wörd{i} " for i in range(60000)) + "<end> & ✓"
    doc = Document(Meta(title="Long"), (Paragraph((Text("Short."),)), Paragraph((Text(text),)),
                                        Paragraph((Text("After."),))))
    whole = docforge.write(doc, "html")
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    out = _Writes()
    html_page.HtmlWriter().write(context.for_writer(context.options), out)
    assert out.getvalue() == whole
    assert len(whole) > 8 * html_page.BATCH_CHARS and max(out.sizes) <= 3 * html_page.BATCH_CHARS
    assert "<p>Short.</p>\n<p>wörd0 " in whole.decode() and "&lt;end&gt; &amp; ✓</p>\n<p>After.</p>" in whole.decode()


def test_a_table_row_or_reference_entry_holding_a_long_text_is_streamed_into_the_json():
    # such a row or entry was one value of AstRenderer, dicts for every word of it at once
    from docforge.model import Cell, Emph, Link, Table
    from docforge.writers.pandoc_json import _BATCH_CHARS, _TEXT_SLICE, AstRenderer, StreamingAst, _dumps
    import docforge.writers.pandoc_json as pandoc_json
    long = "many words of a cell " * (_TEXT_SLICE // 4)
    rows = ((Cell((Text("short"),)), Cell((Text(long), Emph((Text("end"),))))), (Cell(()), Cell((Text("b"),))),
            (Cell((Text(long),)), Cell(()), Cell((Text("extra"),))))
    entries = (Reference("ref-1", "1", (Text(long),), "https://example.org/1"),
               Reference("ref-2", "", (Text(long), Link((Text("x"),), "https://x.org")), ""),
               Reference("ref-3", "3", (Text(""), Text(long)), "https://example.org/3"),
               Reference("ref-4", "4", (Text("short"),), "https://example.org/4"))
    doc = Document(Meta(title="Long cells"), (Table((Cell((Text("A"),)), Cell((Text("B"),))), rows, ("left", "right")),
                                              References(entries), References((Reference("r", "", (Text(long),)),))))
    pieces, made = _json_pieces_noting_dumps(doc)
    assert "".join(pieces) == _dumps(AstRenderer({}).document(doc))
    assert sum(map(len, pieces)) > 20 * _BATCH_CHARS and max(made) < 2 * _BATCH_CHARS


# ------------------------------------------------------------------ EPUB

def _long_book() -> Document:
    """Many top-level sections (several files), a paragraph far longer than a spool chunk,
    notes and links: what the EPUB writer must never hold whole."""
    doc = docforge.read(_feed(3000).encode())
    long = Paragraph((Text("long " * 120_000), Note((Paragraph((Text("a note"),)),))))
    return Document(doc.meta, (long,) + tuple(doc.blocks))


def test_epub_pages_are_spooled_in_chunks_and_streamed_never_held_whole(monkeypatch):
    from docforge.writers.epub import package, pages
    doc = _long_book()
    whole = docforge.write(doc, "epub")
    writes = []
    original = pages.Spool.write

    def spy(self, data):
        writes.append(len(data))
        return original(self, data)

    def never(self, default=None):
        raise AssertionError("a page was asked for whole")

    monkeypatch.setattr(pages.Spool, "write", spy)
    monkeypatch.setattr(package.RenderedPage, "get_content", never)
    assert docforge.write(doc, "epub") == whole
    with zipfile.ZipFile(io.BytesIO(whole)) as book:
        texts = [name for name in book.namelist() if name.startswith("EPUB/text/")]
        largest = max(book.getinfo(name).file_size for name in texts)
    assert len(texts) > 3 and len(writes) > 2 * len(texts)
    assert max(writes) <= 4 * pages.CHUNK + 2048 and max(writes) < largest / 4  # slices, not pages


def test_epub_spooled_on_disk_gives_the_bytes_of_the_spool_in_memory(monkeypatch):
    from docforge.writers.epub import pages
    for doc in (_long_book(), rich_document()):
        in_memory = docforge.write(doc, "epub")
        monkeypatch.setattr(pages, "SPOOL_IN_MEMORY", 0)
        monkeypatch.setattr(pages, "CHUNK", 1000)  # many reads and writes, interleaved
        assert docforge.write(doc, "epub") == in_memory
        monkeypatch.undo()


def test_epub_navigation_document_and_ncx_are_written_in_batches(monkeypatch):
    from docforge.writers.epub import package
    doc = docforge.read(_feed(3000).encode())
    streamed = {}
    original = package.PackageWriter._stream

    def spy(self, name, chunks, size=0):
        chunks = list(chunks)
        streamed[name] = chunks
        return original(self, name, chunks, size)

    monkeypatch.setattr(package.PackageWriter, "_stream", spy)
    data = docforge.write(doc, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in ("EPUB/nav.xhtml", "EPUB/toc.ncx"):
            assert len(streamed[name]) > 2 and b"".join(streamed[name]) == book.read(name)
            assert max(map(len, streamed[name])) < book.getinfo(name).file_size / 2


def test_the_text_reader_holds_a_bounded_window_of_line_records_and_packs_blocks_as_it_reads(monkeypatch):
    """The reader's scratch is not a record per input line: the line table keeps offsets
    and at most CACHED_LINES made Lines, and the blocks are packed chunk by chunk while
    they are read (model.PackedBuilder), not at the end."""
    from docforge.readers import text
    from docforge import packed
    from docforge.readers.text import block_rules, lines as text_lines
    seen = {}
    read_blocks = block_rules.read_blocks

    def spy(state):
        read_blocks(state)
        seen["records"] = dict.__len__(state.lines)
        seen["line_count"] = len(state.lines)
        seen["chunks"] = len(state.blocks._chunks)
    monkeypatch.setattr(text, "read_blocks", spy)
    feed = "A Title\n\n" + "\n\n".join(f"Heading Number {i}\nA paragraph under heading {i}, long enough to be text."
                                       for i in range(5000)) + "\n"
    doc = text.read(feed)[0]
    assert seen["line_count"] == feed.count("\n") + 1
    assert 0 < seen["records"] <= text_lines.CACHED_LINES < seen["line_count"]
    assert seen["chunks"] >= 10_000 // packed.CHUNK - 1
    assert len(doc.blocks) == 10_000 and type(doc.blocks) is model.Packed


def test_a_bad_field_inside_a_packed_block_list_is_named_by_its_index():
    import pytest
    from docforge.errors import FormatError
    from docforge.validate import check
    blocks = tuple(Paragraph((Text(f"p{i}"),)) for i in range(500)) + (Paragraph("just a string"),)  # type: ignore[arg-type]
    doc = Document(blocks=blocks)
    assert type(doc.blocks) is model.Packed
    with pytest.raises(FormatError, match=r"blocks\[500\]\.inlines: str"):
        check(doc)
    check(Document(blocks=blocks[:500]))  # the good part passes


def test_the_pdf_file_is_written_as_its_pages_are_made(monkeypatch):
    # each page goes to the output when reportlab adds it (pdffile.py), not at save()
    from docforge.writers.pdf import pdffile
    written_before_page = []
    add_page = pdffile.StreamingDocument.addPage

    def counting(self, page):
        written_before_page.append(self._position)
        add_page(self, page)

    monkeypatch.setattr(pdffile.StreamingDocument, "addPage", counting)
    data = docforge.write(docforge.read(_feed(300).encode()), "pdf")
    assert len(written_before_page) >= 20
    assert written_before_page == sorted(set(written_before_page))  # every page wrote something
    assert written_before_page[-1] > len(data) / 2  # the pages are most of the file
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def _long_table(rows: int, note_at: int | None = None) -> Document:
    from docforge.model import Cell, Table
    body = tuple((Cell((Text(f"item {i}"),)),
                  Cell((Text(f"note {i} " * (1 + i % 4)),) + ((Note((Paragraph((Text("A cell note."),)),)),)
                                                            if i == note_at else ())))
                 for i in range(rows))
    return Document(Meta(title="Rows"), (Paragraph((Text("Before."),)),
                                        Table((Cell((Text("Name"),)), Cell((Text("Note"),))), body)))


def test_a_long_table_made_a_page_at_a_time_gives_the_bytes_of_it_made_once(monkeypatch):
    from docforge.writers.pdf import tables
    made = []
    per_page = tables._MadeRows

    def spying(rows, render_row, head_rows):
        made.append(len(rows))
        return per_page(rows, render_row, head_rows)

    monkeypatch.setattr(tables, "_MadeRows", spying)
    doc = _long_table(300)
    lazy = docforge.write(doc, "pdf")
    assert made == [300]  # the body rows were made again per page, not kept
    monkeypatch.setattr(tables, "_MadeRows", lambda rows, render_row, head_rows:
                        [render_row(cells, False) for cells in rows])
    assert docforge.write(doc, "pdf") == lazy


def test_a_long_table_with_a_note_in_a_cell_makes_its_rows_once(monkeypatch):
    import pikepdf
    from docforge.transforms import prepare
    from docforge.writers.pdf import tables
    made = []
    per_page = tables._MadeRows
    monkeypatch.setattr(tables, "_MadeRows", lambda *args: made.append(args) or per_page(*args))
    data = docforge.write(prepare(_long_table(120, note_at=90)), "pdf")
    assert made == []  # a note is registered once: the rows are made once and kept
    pdf = pikepdf.open(io.BytesIO(data))
    roles = []
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Array):
            stack.extend(element)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
            roles.append(str(element.S))
            stack.append(element.get("/K"))
    assert roles.count("/Note") == 1 and roles.count("/TD") == 2 * 120


def test_writing_a_pdf_leaves_no_reference_cycle_per_paragraph():
    # cycles wait for the rare full collections (behind a large IR): per paragraph they
    # made the peak grow with the document
    def cyclic_garbage(paragraphs: int) -> int:
        doc = docforge.read(_feed(paragraphs).encode())
        gc.collect()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            docforge.write(doc, "pdf")
            gc.collect()
            return len(gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()

    small, large = cyclic_garbage(20), cyclic_garbage(200)
    # what is left is the canvas and its destinations, freed with it at the end: a few per heading
    assert large - small < 10 * (200 - 20)  # about 5 per section now; 45 when text objects were cycles


def test_a_document_the_feed_reader_made_is_not_walked_again_but_a_changed_one_is(monkeypatch):
    import pytest
    from docforge import validate
    from docforge.errors import FormatError
    from docforge.records import replace
    doc = docforge.read_text("Title\n\nA paragraph.\n")
    walked = []
    original = validate._check_node
    monkeypatch.setattr(validate, "_check_node", lambda node, path: walked.append(path) or original(node, path))
    validate.check(doc)
    assert walked == []  # vouched for by the reader: no walk
    broken = replace(doc, blocks=doc.blocks + (Paragraph("just a string"),))  # type: ignore[arg-type]
    with pytest.raises(FormatError, match=r"inlines: str"):
        validate.check(broken)
    assert walked  # a new Document is checked, even one made from a reader's
    hand_built = Document(blocks=tuple(doc.blocks))
    walked.clear()
    validate.check(hand_built)  # equal to the reader's, but built by hand: checked
    assert walked


def test_pdf_destinations_and_outline_entries_are_not_objects_kept_per_heading(monkeypatch):
    # reportlab kept a Destination (with its format object and page reference) per link
    # target and built the whole outline's object graph at save; pdffile.py keeps the
    # formatted destination and one outline row per heading instead
    import pikepdf
    from reportlab.pdfbase import pdfdoc
    from docforge.writers.pdf import pdffile
    headings = 120
    blocks = [block for i in range(headings)
              for block in (Heading(1 + i % 2, (Text(f"Part {i}"),)), Paragraph((Text(f"text {i}"),)))]
    blocks.append(Paragraph((model.Link((Text("back to the start"),), "#part-0"),)))
    doc = Document(Meta(title="Parts"), tuple(blocks))
    alive = []
    original = pdffile.StreamingDocument.SaveToFile

    def spy(self, filename, canvas):
        gc.collect()
        alive.append(sum(1 for obj in gc.get_objects() if isinstance(obj, pdfdoc.Destination)))
        alive.append(sum(1 for obj in gc.get_objects() if isinstance(obj, pdfdoc.OutlineEntryObject)))
        return original(self, filename, canvas)

    monkeypatch.setattr(pdffile.StreamingDocument, "SaveToFile", spy)
    pdf = pikepdf.open(io.BytesIO(docforge.write(doc, "pdf")))
    assert alive[0] < 5 and alive[1] == 0
    titles = []
    item = pdf.Root.Outlines.First
    while item is not None:
        titles.append(str(item.Title))
        child = item.get("/First")
        while child is not None:
            titles.append(str(child.Title))
            child = child.get("/Next")
        item = item.get("/Next")
    assert titles == [f"Part {i}" for i in range(headings)]
    pages = [page.objgen for page in pdf.pages]
    first = pdf.Root.Outlines.First
    links = [annot for page in pdf.pages for annot in page.get("/Annots", []) if "/Dest" in annot]
    assert links and all(annot.Dest[0].objgen == first.Dest[0].objgen == pages[0] for annot in links)


def _pdf_write_peak(doc: Document) -> int:
    """tracemalloc's peak (bytes above the start) while `doc` is written as a PDF."""
    import tracemalloc
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        docforge.write(doc, "pdf")
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_one_long_pdf_paragraph_peaks_at_a_few_bytes_per_input_byte():
    # the PDF writer asked the whole paragraph's plain_text for its length, which splits
    # the text into a list of every word: 10 traced bytes per input byte at the peak (11.7
    # of RSS in growth.py); its pieces of PARAGRAPH_CHUNK_CHARS are laid out one at a time
    sentence = "The quick survey of urban heat found that shaded streets stay cooler at night. "

    def paragraph(size: int) -> Document:
        return Document(Meta(title="One Long Paragraph"), (Paragraph((Text((sentence * (size // 80))[:size]),)),))

    docforge.write(paragraph(200), "pdf")  # fonts and reportlab's caches: not per input byte
    small, large = 20_000, 160_000
    small_peak, large_peak = _pdf_write_peak(paragraph(small)), _pdf_write_peak(paragraph(large))
    assert (large_peak - small_peak) / (large - small) < 3  # 0.35 now; 7.0 with the word list


def test_the_pdf_writer_finds_a_paragraphs_length_as_plain_text_would():
    from docforge.model import Emph, plain_text
    from docforge.writers.pdf.render import plain_text_within
    texts = ["", " ", "a", " a ", "a  b", "\n a\u00a0\u3000b \t", "abc def", "x\u2028y  "]
    for first in texts:
        for second in texts:
            for inlines in ((Text(first), Text(second)), (Text(first), Emph((Text(second),))),
                            (Note((Paragraph((Text(first),)),)), Text(second))):
                node = Paragraph(inlines)
                whole = plain_text(node)
                for limit in range(0, 9):
                    assert plain_text_within(node, limit) == (whole if len(whole) <= limit else None)
