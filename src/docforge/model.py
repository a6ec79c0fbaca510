"""The intermediate representation (IR): every reader produces it, every writer consumes it.

Nodes are small immutable records (records.Record: frozen and slotted, like dataclasses)
holding tuples, never lists, so a Document can be hashed, compared and shared between threads and processes. Each
node kind means one thing. The module holds data and the two generic tree
helpers (`walk`, `map_tree`); it must never know about a file format.

A sequence that grows with the input (a document's blocks, a table's rows, the entries
of References, list items: PACKED_FIELDS) is stored as a `Packed` (packed.py) when it
has more than packed.PACK_AT items: compressed chunks decoded as they are read, equal
to and hashing as the tuple of its items. Code reading the IR treats every sequence
field as a read-only Sequence (iterate, len, index, slice; never `type(x) is tuple`,
never a whole copy of a long one); the traversals here read a Packed a chunk at a time.

The document title lives in `Meta.title`, not in the blocks: section headings
start at level 1.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator, Union

from .packed import (PACKED_IN_PICKLE, SEQUENCE_TYPES, Packed, PackedBuilder, PackedSequence, PackedSlice, pack,
                     pack_long)
from .records import Record, convert_fields, replace


# ----------------------------------------------------------------- inlines

class Text(Record):
    text: str


class Emph(Record):
    inlines: tuple["Inline", ...]


class Strong(Record):
    inlines: tuple["Inline", ...]


class Code(Record):
    text: str


class Link(Record):
    inlines: tuple["Inline", ...]
    url: str


class CitationRef(Record):
    """An inline `[n]` marker pointing at the Reference whose id is `ref_id`."""
    ref_id: str


class LineBreak(Record):
    pass


class Strikeout(Record):
    inlines: tuple["Inline", ...]


class Superscript(Record):
    inlines: tuple["Inline", ...]


class Subscript(Record):
    inlines: tuple["Inline", ...]


class SmallCaps(Record):
    inlines: tuple["Inline", ...]


class Underline(Record):
    inlines: tuple["Inline", ...]


class Span(Record):
    """Inline text with attributes; `lang` (a BCP 47 tag, from pandoc's `lang=` attribute)
    is the language of this run when it differs from the document's, and every format
    marks it up (HTML/EPUB `lang`, DOCX `w:lang`, PDF `/Lang`). `attrs` keeps the other
    key/value pairs for the pandoc round trip."""
    inlines: tuple["Inline", ...]
    id: str = ""
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    lang: str = ""


class Math(Record):
    """TeX math source; `display` for display math (pandoc's DisplayMath, set apart from
    the text), else inline. Formats that cannot typeset it show the TeX source."""
    text: str
    display: bool = False


class RawInline(Record):
    """Markup for one output format (`format` as pandoc names it: "html", "tex",
    "openxml"...), passed through by the writer of that format and dropped with a
    diagnostic by the others."""
    format: str
    text: str


class Image(Record):
    """An image: `inlines` is its alt text, `url` a path (resolved against the resource
    path, see writers/resources.py), a data: URI or a remote URL; `title` the tooltip."""
    inlines: tuple["Inline", ...]
    url: str
    title: str = ""


class Note(Record):
    """A footnote, placed where its marker goes. `label` is the number every format shows
    ("1", "2" in document order), set by transforms.prepare; readers leave it empty."""
    blocks: tuple["Block", ...]
    label: str = ""


Inline = Union[Text, Emph, Strong, Code, Link, CitationRef, LineBreak, Strikeout, Superscript,
               Subscript, SmallCaps, Underline, Span, Math, RawInline, Image, Note]


# ----------------------------------------------------------------- blocks

class Heading(Record):
    level: int
    inlines: tuple[Inline, ...]
    id: str = ""


class Paragraph(Record):
    inlines: tuple[Inline, ...]


class ListItem(Record):
    blocks: tuple["Block", ...]


class BulletList(Record):
    items: tuple[ListItem, ...]


class OrderedList(Record):
    items: tuple[ListItem, ...]
    start: int = 1


class Cell(Record):
    inlines: tuple[Inline, ...]


class Table(Record):
    """A table; every row has as many cells as the header.

    `aligns` holds one of "default", "left", "center", "right" per column.
    `label` ("Table 1") is set by transforms.number_tables so that every writer
    shows the same number; readers leave it empty.
    """
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    aligns: tuple[str, ...] = ()
    caption: tuple[Inline, ...] = ()
    id: str = ""
    label: str = ""


class Quote(Record):
    blocks: tuple["Block", ...]


class CodeBlock(Record):
    text: str
    language: str = ""


class ThematicBreak(Record):
    pass


class Reference(Record):
    """One entry of a References section: `id` is the anchor ("ref-3"), `label` what is shown ("3")."""
    id: str
    label: str
    inlines: tuple[Inline, ...]
    url: str = ""


class References(Record):
    entries: tuple[Reference, ...]


class DefinitionItem(Record):
    """One term of a DefinitionList and its definitions (each a run of blocks)."""
    term: tuple[Inline, ...]
    definitions: tuple[tuple["Block", ...], ...]


class DefinitionList(Record):
    items: tuple[DefinitionItem, ...]


class LineBlock(Record):
    """Lines whose breaks and leading spaces matter (verse, addresses): one inline run per line."""
    lines: tuple[tuple[Inline, ...], ...]


class Div(Record):
    """A group of blocks with attributes; `lang` as in Span. Writers render the blocks
    in a container that carries the id, classes and language where the format has one."""
    blocks: tuple["Block", ...]
    id: str = ""
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    lang: str = ""


class Figure(Record):
    """A figure: its content (usually one Paragraph holding an Image) and caption.
    `label` ("Figure 1") and `id` ("figure-1") are set by transforms.prepare, like tables."""
    blocks: tuple["Block", ...]
    caption: tuple[Inline, ...] = ()
    id: str = ""
    label: str = ""


class RawBlock(Record):
    """A block of markup for one output format; see RawInline."""
    format: str
    text: str


Block = Union[Heading, Paragraph, BulletList, OrderedList, Table, Quote, CodeBlock,
              ThematicBreak, References, DefinitionList, LineBlock, Div, Figure, RawBlock]
# Parts of blocks that are not blocks themselves: they occur only inside their parent
# (an item in a list, a cell in a table, an entry in References, a term of a definition
# list), so writers render them from the parent's method and need no "lone item" case.
Part = Union[ListItem, Cell, Reference, DefinitionItem]


# ----------------------------------------------------------------- document

class Meta(Record):
    """Document metadata. `extra` holds free keys as sorted (key, value) string pairs."""
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    language: str = ""
    keywords: tuple[str, ...] = ()
    source: str = ""
    extra: tuple[tuple[str, str], ...] = ()


class Document(Record):
    _weakrefable = True  # validate.vouch(): a reader's document is not checked again
    meta: Meta = Meta()
    blocks: tuple[Block, ...] = ()


Node = Union[Document, Meta, Block, Part, Inline]

# The sequences that grow with the input: given a tuple of more than packed.PACK_AT
# items, these records store it as a Packed (see packed.py), so every reader gets a
# compact IR without knowing it. Inline runs and a row's cells stay tuples (they are
# short), and so does everything in a small document.
PACKED_FIELDS: dict[type, tuple[str, ...]] = {
    Document: ("blocks",), Table: ("rows",), References: ("entries",), BulletList: ("items",),
    OrderedList: ("items",), ListItem: ("blocks",), Quote: ("blocks",), Div: ("blocks",),
    Figure: ("blocks",), Note: ("blocks",), DefinitionList: ("items",), DefinitionItem: ("definitions",),
    LineBlock: ("lines",)}
for _cls, _names in PACKED_FIELDS.items():
    convert_fields(_cls, {name: pack_long for name in _names})
del _cls, _names

INLINE_TYPES: tuple[type, ...] = (Text, Emph, Strong, Code, Link, CitationRef, LineBreak,
                                  Strikeout, Superscript, Subscript, SmallCaps, Underline, Span,
                                  Math, RawInline, Image, Note)
BLOCK_TYPES: tuple[type, ...] = (Heading, Paragraph, BulletList, OrderedList, Table, Quote,
                                 CodeBlock, ThematicBreak, References, DefinitionList, LineBlock,
                                 Div, Figure, RawBlock)
PART_TYPES: tuple[type, ...] = (ListItem, Cell, Reference, DefinitionItem)
NODE_TYPES: tuple[type, ...] = BLOCK_TYPES + PART_TYPES + INLINE_TYPES


# ----------------------------------------------------------------- generic traversal

def _child_field_names(cls: type) -> tuple[str, ...]:
    """Names of the fields of `cls` that can hold nodes (tuples or nodes, not str/int)."""
    hints = cls.__annotations__
    return tuple(name for name in cls._fields if str(hints[name]).replace(" ", "") not in _LEAF_ANNOTATIONS)


_LEAF_ANNOTATIONS = ("str", "int", "bool", "tuple[str,...]", "tuple[tuple[str,str],...]")


# Per node class, the fields that may hold child nodes, computed once: looking them up
# is too slow to call per node on a 10 MB document.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {cls: _child_field_names(cls) for cls in NODE_TYPES}
_CHILD_FIELDS[Document] = ("blocks",)
# The same without the fields that hold only inlines, for traversals that act on blocks.
_INLINE_FIELDS = ("inlines", "caption", "term", "lines")
_BLOCK_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(n for n in names if n not in _INLINE_FIELDS) for cls, names in _CHILD_FIELDS.items()
    if cls not in INLINE_TYPES}


def children(node: object) -> Iterator[object]:
    """Yield the direct child nodes of `node`, in document order (tuples of tuples flattened)."""
    for name in _CHILD_FIELDS.get(type(node), ()):
        yield from _nodes_in(getattr(node, name))


_SEQUENCES = frozenset(SEQUENCE_TYPES)


def _nodes_in(value: object) -> Iterator[object]:
    if type(value) in _SEQUENCES:
        for item in value:  # type: ignore[attr-defined]
            if type(item) is tuple:
                yield from _nodes_in(item)
            elif type(item) in _CHILD_FIELDS:
                yield item
    elif type(value) in _CHILD_FIELDS:
        yield value


def walk(node: object, inlines: bool = True) -> Iterator[object]:
    """Yield `node` and every node below it, depth first, in document order; with
    `inlines=False`, blocks only (inline content is not entered, which is much faster).

    Iterative, so 300-deep nesting cannot hit Python's recursion limit.
    """
    child_fields = _CHILD_FIELDS if inlines else _BLOCK_CHILD_FIELDS
    # A packed sequence (a long block list) goes onto the stack as one generator over its
    # items, taken one at a time, so the walk never holds more of it than a chunk.
    stack: list[object] = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    packed, generator, end = _PACKED_TYPES, _GENERATOR, _END
    while stack:
        current = pop()
        if type(current) is generator:
            item = next(current, end)  # type: ignore[call-overload]
            if item is end:
                continue
            push(current)  # the rest of the sequence, after this item's subtree
            current = item
        yield current
        names = child_fields.get(type(current))
        if names:
            kids: list[object] = []
            for name in names:
                value = getattr(current, name)
                if type(value) in packed:
                    kids.append(_nodes_in(value))
                else:
                    kids.extend(_nodes_in(value))
            if kids:
                kids.reverse()
                extend(kids)


_PACKED_TYPES = frozenset((Packed, PackedSlice))
_GENERATOR = type(_nodes_in(()))
_END = object()


def map_tree(node: object, fn: Callable[[object], object], only: frozenset[type] | None = None,
             inline_fn: Callable[[object], object] | None = None) -> object:
    """Rebuild `node` bottom-up, replacing every node n by fn(n) after its children were mapped.

    `fn` returns the node unchanged (the same object) when it has nothing to do; untouched
    subtrees are shared, not copied. `only`, when given, names the node classes `fn` acts
    on: it is called for those alone, and inline content (a node's `inlines`, a table's
    `caption`) is not entered at all unless `only` holds an inline class. On a large
    document that skips most of the nodes.

    `inline_fn`, when given (with an `only` that holds an inline class), is called instead
    of fn for the nodes inside inline content: what `walk(inlines=False)` does not reach (a
    paragraph's text, a note's blocks, a caption). So one traversal can do what two did,
    one over the blocks alone and one over everything (transforms.prepare).
    """
    if inline_fn is not None:
        return _map_tree_split(node, fn, only or frozenset(), inline_fn)
    child_fields = _CHILD_FIELDS if only is None or not only.isdisjoint(INLINE_TYPES) else _BLOCK_CHILD_FIELDS
    acts_on = only
    # leaves fn never sees: a tuple holding only these (most runs of text) is left as it is
    inert = frozenset() if only is None else frozenset(
        [str] + [cls for cls, names in _CHILD_FIELDS.items() if not names and cls not in only])

    may_change = None if only is None else _mentions_any(only)

    def rebuild(value: object) -> object:
        cls = type(value)
        if cls is Packed:  # chunk by chunk; unchanged chunks are shared (and, when no
            # class fn acts on is named in a chunk, not even unpickled)
            return value.map(rebuild, may_change)  # type: ignore[union-attr]
        if cls is PackedSlice:
            items = [rebuild(v) for v in value]  # type: ignore[union-attr]
            return value if all(a is b for a, b in zip(items, value)) else pack(items)  # type: ignore[call-overload]
        if cls is tuple:
            if inert.issuperset(map(type, value)):  # type: ignore[call-overload]
                return value
            new = tuple([rebuild(v) for v in value])  # type: ignore[union-attr]
            for a, b in zip(new, value):  # type: ignore[call-overload]
                if a is not b:
                    return new
            return value
        names = child_fields.get(cls)
        if names is None:
            return value
        changes = None
        for name in names:
            old = getattr(value, name)
            new = rebuild(old)
            if new is not old:
                if changes is None:
                    changes = {}
                changes[name] = new
        if changes:
            value = replace(value, **changes)  # type: ignore[arg-type]
        return fn(value) if acts_on is None or cls in acts_on else value

    try:
        return rebuild(node)
    finally:
        # rebuild refers to itself through its closure: without this the cycle, and the
        # fixers' state it holds (every heading id...), would wait for the cyclic collector
        del rebuild


def _map_tree_split(node: object, fn: Callable[[object], object], only: frozenset[type],
                    inline_fn: Callable[[object], object]) -> object:
    """map_tree with fn for the nodes walk(inlines=False) reaches and inline_fn for the
    rest: two rebuilders, the outer one handing inline fields and inline nodes to the inner
    one (which is map_tree's usual rebuilder over every field)."""
    inert = frozenset([str] + [cls for cls, names in _CHILD_FIELDS.items() if not names and cls not in only])
    may_change = _mentions_any(only)

    def rebuilder(fields_of: dict, call: Callable[[object], object], handed: frozenset, to=None):
        def rebuild(value: object) -> object:
            cls = type(value)
            if cls is Packed:
                return value.map(rebuild, may_change)  # type: ignore[union-attr]
            if cls is PackedSlice:
                items = [rebuild(v) for v in value]  # type: ignore[union-attr]
                return value if all(a is b for a, b in zip(items, value)) else pack(items)  # type: ignore[call-overload]
            if cls is tuple:
                if inert.issuperset(map(type, value)):  # type: ignore[call-overload]
                    return value
                new = tuple([rebuild(v) for v in value])  # type: ignore[union-attr]
                for a, b in zip(new, value):  # type: ignore[call-overload]
                    if a is not b:
                        return new
                return value
            if cls in handed:  # an inline node among blocks: it is inline content
                return to(value)
            fields = fields_of.get(cls)
            if fields is None:
                return value
            changes = None
            for name, through in fields:
                old = getattr(value, name)
                new = (through or rebuild)(old)
                if new is not old:
                    if changes is None:
                        changes = {}
                    changes[name] = new
            if changes:
                value = replace(value, **changes)  # type: ignore[arg-type]
            return call(value) if cls in only else value

        def forget() -> None:  # rebuild refers to itself through its closure (see map_tree)
            nonlocal rebuild
            rebuild = None  # type: ignore[assignment]
        return rebuild, forget

    inner, forget_inner = rebuilder({cls: tuple((name, None) for name in names)
                                     for cls, names in _CHILD_FIELDS.items()}, inline_fn, frozenset())
    outer_fields = {cls: tuple((name, None if name in _BLOCK_CHILD_FIELDS[cls] else inner) for name in names)
                    for cls, names in _CHILD_FIELDS.items() if cls not in INLINE_TYPES}
    outer, forget_outer = rebuilder(outer_fields, fn, frozenset(INLINE_TYPES), inner)
    try:
        return outer(node)
    finally:
        forget_outer()
        forget_inner()


def _mentions_any(classes: frozenset) -> Callable[[bytes], bool]:
    """A test of a chunk's pickle: may it hold a node of one of `classes`? A pickle names
    the class of every record it holds (once, as UTF-8), so no name means no such node
    anywhere in the chunk, unless a nested Packed hides it (those chunks are always read).
    A name inside the text only makes the test say yes when no is right: safe."""
    needles = tuple(sorted(cls.__name__.encode() for cls in classes)) + (PACKED_IN_PICKLE,)

    def may_hold(raw: bytes) -> bool:
        for needle in needles:
            if needle in raw:
                return True
        return False

    return may_hold


def plain_text(node: object, notes: bool = True) -> str:
    """The text of a node and its descendants: inlines joined as they are, blocks separated by
    spaces, whitespace collapsed. Iterative, like walk(). With `notes=False` the text of
    footnotes is left out (a heading's slug and TOC entry are its own words only)."""
    cls = type(node)
    if cls is Paragraph or cls is Heading or cls is Cell:  # the usual case: text only, no walk
        texts = [i.text for i in node.inlines if type(i) is Text]  # type: ignore[union-attr]
        if len(texts) == len(node.inlines):  # type: ignore[union-attr]
            return " ".join("".join(texts).split())
    parts: list[str] = []
    _collect_text(node, notes, parts)
    return " ".join("".join(parts).split())


def _collect_text(node: object, notes: bool, parts: list[str]) -> None:
    """Append the text of `node` to `parts` (see plain_text). A packed sequence is read
    item by item where it is met, never unpacked onto the stack."""
    stack: list[object] = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        cls = type(current)
        if cls is str:  # a gap between blocks, rows, lines, fields: words never run together
            parts.append(" ")
            continue
        if cls is Text or cls is Code or cls is CodeBlock or cls is Math:
            parts.append(current.text)  # type: ignore[union-attr]
            continue
        if cls is LineBreak:
            parts.append(" ")
            continue
        if cls in _PACKED_TYPES:
            for item in current:  # type: ignore[attr-defined]
                if type(item) is tuple:
                    parts.append(" ")
                    for child in _nodes_in(item):
                        _collect_text(child, notes, parts)
                elif type(item) in _CHILD_FIELDS:
                    if type(item) in _BLOCK_SET:
                        parts.append(" ")
                    _collect_text(item, notes, parts)
            continue
        names = _CHILD_FIELDS.get(cls)
        if not names or (cls is Note and not notes):
            continue
        kids: list[object] = [" "] if cls is Note else []
        for name in names:
            value = getattr(current, name)
            if cls in _BLOCK_SET:  # between a figure's content and its caption, a term and its definitions
                kids.append(" ")
            if type(value) in _PACKED_TYPES:
                kids.append(value)
                continue
            for item in (value if type(value) is tuple else (value,)):
                if type(item) is tuple:  # a table row, a line of a LineBlock
                    kids.append(" ")
                    kids.extend(_nodes_in(item))
                elif type(item) in _BLOCK_SET:
                    kids.append(" ")
                    kids.append(item)
                elif type(item) in _CHILD_FIELDS:
                    kids.append(item)
        kids.reverse()
        extend(kids)


_BLOCK_SET = frozenset(BLOCK_TYPES + PART_TYPES)


@contextlib.contextmanager
def deep_recursion(limit: int = 20_000):
    """Let recursive code (map_tree, writers) handle documents nested a few hundred levels
    deep, which are legal input. CPython 3.11 runs Python-to-Python calls without growing
    the C stack, so a higher limit is safe; the old limit is restored afterwards."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
