"""Bounded memory (issue 18): what a conversion lets go and what it never holds whole.

No RSS or time is asserted (benchmarks/growth.py measures those): these check the
structure that keeps memory down — the reader's tree is not alive while writers run, a
file's output is written into the file rather than into a buffer, the HTML page and the
DOCX body are written in pieces, the PDF story is made as it is laid out — and that each
of those gives the bytes the whole-at-once way gave.
"""
import gc
import io
import zipfile

import docforge
from docforge import api, model
from docforge.model import (BulletList, Document, Heading, ListItem, Meta, Note, OrderedList, Paragraph,
                            Reference, References, Text)
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


def _docx_body(doc: Document, monkeypatch, frozen_pieces: int) -> bytes:
    monkeypatch.setattr(docx_body, "FROZEN_PIECES", frozen_pieces)
    data = docforge.write(doc, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml")


def test_docx_body_frozen_after_every_block_is_the_body_built_whole(monkeypatch):
    # a list spaces the paragraph before it after the fact (state.last_paragraph): freezing
    # between blocks must keep that paragraph open and its index right
    blocks = []
    for i in range(40):
        blocks += [Heading(1, (Text(f"Part {i}"),)), Paragraph((Text(f"Paragraph {i}."),)),
                   BulletList((ListItem((Paragraph((Text(f"item {i}"),)),)),)),
                   Paragraph((Text(f"After the list {i}"), Note((Paragraph((Text(f"note {i}"),)),)))),
                   BulletList((ListItem(()),)),  # no paragraph of its own: it spaces the one before
                   OrderedList((ListItem(()), ListItem(()))),
                   ]
    doc = Document(Meta(title="Frozen"), tuple(blocks))
    for sample in (doc, rich_document()):
        whole = _docx_body(sample, monkeypatch, 10 ** 9)
        assert _docx_body(sample, monkeypatch, 0) == whole


def test_docx_body_of_a_long_document_is_held_in_several_encoded_chunks():
    doc = docforge.read(_feed(3000).encode())
    context = api._context(doc, api._resolve_style(None), docforge.WriteOptions())
    captured = []
    original = docx_body.BodyBuilder.build

    def spy(self):
        result = original(self)
        captured.append(result)
        return result

    docx_body.BodyBuilder.build = spy
    try:
        docforge.write(doc, "docx")
    finally:
        docx_body.BodyBuilder.build = original
    chunks = captured[0].markup
    assert len(chunks) > 2 and all(isinstance(chunk, bytes) for chunk in chunks)


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
