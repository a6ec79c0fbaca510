"""Hypothesis strategies that build arbitrary IR documents, hostile ones included."""
from hypothesis import strategies as st

from docforge.model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph,
                            Heading, LineBreak, Link, ListItem, Meta, OrderedList, Paragraph,
                            Quote, Reference, References, Strong, Table, Text, ThematicBreak)

# Text with everything a feed can carry: controls, lone surrogates, RTL, CJK, emoji, markup.
nasty = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<script>alert(1)</script>", "a & b < c", "<b>not bold</b>", "]]>",
                     "\x00\x01\x0b\x1b\x7f", "\ud800 lone", "\udcff", "中文标题", "مرحبا",
                     "🙂 emoji", "\ufeff\u200b", "x" * 10_000, "", " ", "&amp;", "'\"", "\t\n"]),
)
urls = st.one_of(st.sampled_from(["https://example.org/a?b=1&c=2", "javascript:alert(1)",
                                  "data:text/html,<script>", "mailto:a@b.c", "#ref-1", "",
                                  "http://x/<y>\"z", "file:///etc/passwd"]), st.text(max_size=20))


def inlines(depth: int = 2):
    leaf = st.one_of(st.builds(Text, nasty), st.builds(Code, nasty), st.just(LineBreak()),
                     st.builds(CitationRef, st.sampled_from(["ref-1", "ref-2", "ref-x", ""])))
    if depth == 0:
        return st.lists(leaf, max_size=4).map(tuple)
    inner = inlines(depth - 1)
    node = st.one_of(leaf, st.builds(Emph, inner), st.builds(Strong, inner),
                     st.builds(Link, inner, urls))
    return st.lists(node, max_size=5).map(tuple)


INL = inlines()


@st.composite
def tables(draw):
    width = draw(st.sampled_from([1, 2, 3, 7, 200]))
    cell = st.builds(Cell, inlines(0))
    header = tuple(draw(st.lists(cell, min_size=width, max_size=width)))
    rows = tuple(tuple(draw(st.lists(cell, min_size=0, max_size=width + 2)))  # ragged rows
                 for _ in range(draw(st.integers(0, 4))))
    aligns = tuple(draw(st.lists(st.sampled_from(["left", "center", "right", "default"]),
                                 max_size=width)))
    return Table(header, rows, aligns, draw(inlines(0)))


def blocks(depth: int = 3):
    leaf = st.one_of(
        st.builds(Heading, st.integers(1, 6), INL),
        st.builds(Paragraph, INL),
        st.builds(CodeBlock, nasty, st.sampled_from(["", "python", "x y"])),
        st.just(ThematicBreak()),
        tables(),
        st.builds(References, st.lists(st.builds(Reference, st.sampled_from(["ref-1", "ref-2", ""]),
                                                  st.sampled_from(["1", "2", "", "a"]), INL, urls),
                                       max_size=3).map(tuple)),
    )
    if depth == 0:
        return leaf
    inner = st.lists(blocks(depth - 1), max_size=3).map(tuple)
    items = st.lists(st.builds(ListItem, inner), min_size=1, max_size=3).map(tuple)
    return st.one_of(leaf, st.builds(BulletList, items), st.builds(OrderedList, items, st.integers(0, 99)),
                     st.builds(Quote, inner))


def metas():
    return st.builds(Meta, title=nasty, subtitle=nasty, authors=st.lists(nasty, max_size=2).map(tuple),
                     date=nasty, language=st.sampled_from(["", "en", "zh", "de-CH", "x<y"]),
                     keywords=st.lists(nasty, max_size=3).map(tuple))


documents = st.builds(Document, metas(), st.lists(blocks(), max_size=6).map(tuple))


def deep_list(depth: int = 300) -> Document:
    node = Paragraph((Text("bottom"),))
    for _ in range(depth):
        node = BulletList((ListItem((Paragraph((Text("level"),)), node)),))
    return Document(Meta(title="Deep"), (node,))
