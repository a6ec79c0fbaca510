"""The EPUB writer's streamed parts give what ebooklib and lxml gave whole.

The navigation document and the NCX are written as text (package.nav_pieces and
ncx_pieces) instead of ebooklib's lxml trees, and the article's split into files is
measured without building each block's text (pages.article_parts): each is checked here
against the way it was made before (ebooklib's own builders on the table of contents of
transforms.outline; the split measured with plain_text), on documents with nesting,
skipped levels, markup characters, a right-to-left language and a cover.
"""
import importlib.util
import io
import random
import sys
from pathlib import Path

import pytest
from ebooklib import epub
from lxml import etree

import docforge
from docforge import api
from docforge.model import Div, Document, Heading, Meta, Paragraph, Quote, Table, Cell, Text, plain_text
from docforge.options import WriteOptions
from docforge.writers.epub import package, pages
from docforge.writers.epub.package import PackageWriter, build_book
from docforge.writers.epub.pages import BookPages, load_cover
from docforge.writers.xmltext import xml_safe
from ir_examples import IMAGES, pandoc_document, rich_document

# the growth bench's input shapes (benchmarks/ is not a package)
_spec = importlib.util.spec_from_file_location(
    "growth", Path(__file__).resolve().parents[2] / "benchmarks" / "growth.py")
growth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(growth)


def _context(doc: Document, **options):
    context = api._context(doc, api._resolve_style(None), WriteOptions(resource_path=(str(IMAGES),), **options))
    return context.for_writer(context.options)


def _nested_headings() -> Document:
    """Skipped and falling levels, headings inside a div and a quote, markup characters in
    titles and ids, a heading with no words."""
    def h(level: int, text: str, id_: str = "") -> Heading:
        return Heading(level, (Text(text),), id_)

    body = Paragraph((Text("Body text."),))
    return Document(Meta(title='Tom & Jerry <"quoted"> \'t\' ]]>', language="en"), (
        body, h(2, "Before the first top heading"), body,
        h(1, "One & <two>", 'id-with-"quotes"&amp'), body, h(3, "Deep under one"), body,
        h(2, "Back up"), h(4, "Four under two"), h(6, "Six"), h(5, "Five after six"),
        h(1, "   "), body, Div((h(2, "Inside a div"), body), id="a-div"),
        Quote((h(2, "Inside a quote"), body)), h(1, "Ünïcödé 中文 עברית"), body))


def _old_toc(book_pages: BookPages, context) -> list:
    """The table of contents as the writer built it before: ebooklib Links (leaves) and
    (Link, children) pairs from transforms.outline."""
    counter = iter(range(1, 10 ** 9))

    def convert(items) -> list:
        result = []
        for entry in items:
            target = book_pages.file_of.get(entry.id)
            if target is None:
                continue
            text = " ".join(xml_safe(entry.text).split()) or xml_safe(book_pages.labels.section)
            result.append((text, f"{target}#{entry.id}", convert(entry.children)))
        return result

    def links(toc) -> list:
        out = []
        for text, href, children in toc:
            link = epub.Link(href, text, f"toc-{next(counter)}")
            out.append((link, links(children)) if children else link)
        return out

    nested = [(book_pages.title, book_pages.pages[0].file_name, [])] + convert(context.outline(context.toc_depth))
    return links(nested)


def _as_pairs(entries: list) -> list:
    return [(e[0], _as_pairs(e[1])) if isinstance(e, tuple) else (e, []) for e in entries]


def _ebooklib_documents(writer: PackageWriter, book, toc: list) -> tuple[bytes, bytes]:
    """ebooklib's NCX (from pairs: its linear branch) and its navigation document, with
    the nav named "toc" and the landmarks hidden as the writer did after it."""
    nav_item = next(item for item in book.get_items() if isinstance(item, epub.EpubNav))
    writer._init_play_order()
    book.toc = _as_pairs(toc)
    ncx = epub.EpubWriter._get_ncx(writer)
    book.toc = toc
    tree = etree.fromstring(epub.EpubWriter._get_nav(writer, nav_item)).getroottree()
    for nav in tree.getroot().iter("{http://www.w3.org/1999/xhtml}nav"):
        kind = nav.get("{http://www.idpf.org/2007/ops}type")
        if kind == "toc":
            nav.set("id", "toc")
        elif kind == "landmarks":
            nav.set("hidden", "hidden")
    nav = etree.tostring(tree, pretty_print=True, encoding="utf-8", xml_declaration=True)
    book.toc = []
    return ncx, nav


CASES = {
    "rich": (rich_document, {}),
    "rich with toc and cover": (rich_document, {"toc": True, "epub_cover_image": str(IMAGES / "chart.png")}),
    "pandoc nodes": (pandoc_document, {"toc_depth": 6}),
    "nested headings": (_nested_headings, {"toc_depth": 6}),
    "nested headings, depth 2": (_nested_headings, {"toc_depth": 2}),
    "right to left": (lambda: Document(Meta(title="عنوان", language="ar"), _nested_headings().blocks), {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_nav_and_ncx_are_the_documents_ebooklib_built(name, monkeypatch):
    make, options = CASES[name]
    for split_at in (pages.SPLIT_AT, 1):  # one file, and a file per top-level section
        monkeypatch.setattr(pages, "SPLIT_AT", split_at)
        context = _context(make(), **options)
        with BookPages(context, load_cover(context)) as book_pages:
            book = build_book(context, book_pages)
            writer = PackageWriter(io.BytesIO(), book, context, book_pages)
            nav_item = next(item for item in book.get_items() if isinstance(item, epub.EpubNav))
            ncx, nav = writer._get_ncx(), writer._get_nav(nav_item)
            old_ncx, old_nav = _ebooklib_documents(writer, book, _old_toc(book_pages, context))
        assert ncx == old_ncx
        assert nav == old_nav
        assert ncx.count(b"<navPoint ") >= 2


def test_written_text_and_attributes_are_escaped_as_lxml_escapes_them():
    alphabet = 'a <>&"\'\t\n\r]]>;#x é中\u2028\U0001F600'
    rng = random.Random(18)
    for _ in range(300):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        element = etree.Element("a", href=value)
        element.text = value
        assert package._element(0, "a", f' href="{package._attribute(value)}"', value) == \
            etree.tostring(element, encoding="unicode") + "\n"


def test_the_spaces_counted_are_what_str_split_splits_at():
    assert set(pages._SPACES) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def _old_article_parts(blocks) -> list[range]:
    """The split as it was made: groups at top-level headings, a file ending after the
    group that takes it past SPLIT_AT, sizes measured with plain_text."""
    top = min((b.level for b in blocks if type(b) is Heading), default=None)
    groups: list[list[int]] = [[]]
    for index, block in enumerate(blocks):
        if type(block) is Heading and block.level == top and groups[-1]:
            groups.append([])
        groups[-1].append(index)
    parts: list[list[int]] = [[]]
    size = 0
    for group in (g for g in groups if g):
        if size >= pages.SPLIT_AT:
            parts.append([])
            size = 0
        parts[-1].extend(group)
        size += sum(len(plain_text(blocks[i])) for i in group)
    return [range(part[0], part[-1] + 1) for part in parts if part]


def _split_documents():
    yield rich_document()
    yield pandoc_document()
    yield _nested_headings()
    for shape in ("many headings", "table rows", "long paragraph", "bibliography"):
        yield docforge.read(growth.SHAPES[shape](20_000).encode())
    words = "w\u00a0x  y\u3000z\tlong-" * 3000  # one long run of text with all sorts of spaces
    yield Document(Meta(title="Runs"), (Heading(1, (Text("A"),), "a"), Paragraph((Text(words),)),
                                        Heading(1, (Text("B"),), "b"), Paragraph((Text("short"),)),
                                        Table((Cell((Paragraph((Text(words[:5000]),)),)),), ()),
                                        Heading(1, (Text("C"),), "c")))


@pytest.mark.parametrize("split_at", [1, 40, 700, 5_000, 20_000, 10 ** 9])
def test_article_parts_split_where_the_plain_text_measure_split(split_at, monkeypatch):
    monkeypatch.setattr(pages, "SPLIT_AT", split_at)
    for doc in _split_documents():
        blocks = doc.blocks
        assert pages.article_parts(blocks) == _old_article_parts(blocks)


def test_shown_characters_never_exceed_the_plain_text_length():
    for doc in _split_documents():
        for block in doc.blocks:
            assert pages._shown_characters(block) <= len(plain_text(block))
