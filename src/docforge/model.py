"""The intermediate representation (IR): every reader produces it, every writer consumes it.

Nodes are small frozen dataclasses with slots holding tuples, never lists, so a
Document can be hashed, compared and shared between threads and processes. Each
node kind means one thing. The module holds data and the two generic tree
helpers (`walk`, `map_tree`); it must never know about a file format.

The document title lives in `Meta.title`, not in the blocks: section headings
start at level 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable, Iterator, Union


# ----------------------------------------------------------------- inlines

@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Emph:
    inlines: tuple["Inline", ...]


@dataclass(frozen=True, slots=True)
class Strong:
    inlines: tuple["Inline", ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    inlines: tuple["Inline", ...]
    url: str


@dataclass(frozen=True, slots=True)
class CitationRef:
    """An inline `[n]` marker pointing at the Reference whose id is `ref_id`."""
    ref_id: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


Inline = Union[Text, Emph, Strong, Code, Link, CitationRef, LineBreak]


# ----------------------------------------------------------------- blocks

@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: tuple[Inline, ...]
    id: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple["Block", ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True, slots=True)
class Cell:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Table:
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


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple["Block", ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    pass


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a References section: `id` is the anchor ("ref-3"), `label` what is shown ("3")."""
    id: str
    label: str
    inlines: tuple[Inline, ...]
    url: str = ""


@dataclass(frozen=True, slots=True)
class References:
    entries: tuple[Reference, ...]


Block = Union[Heading, Paragraph, BulletList, OrderedList, ListItem, Table, Cell, Quote,
              CodeBlock, ThematicBreak, References, Reference]


# ----------------------------------------------------------------- document

@dataclass(frozen=True, slots=True)
class Meta:
    """Document metadata. `extra` holds free keys as sorted (key, value) string pairs."""
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    language: str = ""
    keywords: tuple[str, ...] = ()
    source: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    meta: Meta = field(default_factory=Meta)
    blocks: tuple[Block, ...] = ()


Node = Union[Document, Meta, Block, Inline]

INLINE_TYPES: tuple[type, ...] = (Text, Emph, Strong, Code, Link, CitationRef, LineBreak)
BLOCK_TYPES: tuple[type, ...] = (Heading, Paragraph, BulletList, OrderedList, ListItem, Table,
                                 Cell, Quote, CodeBlock, ThematicBreak, References, Reference)
NODE_TYPES: tuple[type, ...] = BLOCK_TYPES + INLINE_TYPES


# ----------------------------------------------------------------- generic traversal

def _is_node(value: object) -> bool:
    return hasattr(value, "__dataclass_fields__") and not isinstance(value, (Meta, type))


def children(node: object) -> Iterator[object]:
    """Yield the direct child nodes of `node`, in document order (tuples of tuples flattened)."""
    for f in fields(node):  # type: ignore[arg-type]
        yield from _nodes_in(getattr(node, f.name))


def _nodes_in(value: object) -> Iterator[object]:
    if isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)
    elif _is_node(value):
        yield value


def walk(node: object) -> Iterator[object]:
    """Yield `node` and every node below it, depth first, in document order.

    Iterative, so 300-deep nesting cannot hit Python's recursion limit.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def map_tree(node: object, fn: Callable[[object], object]) -> object:
    """Rebuild `node` bottom-up, replacing every node n by fn(n) after its children were mapped.

    `fn` returns the node unchanged (the same object) when it has nothing to do; untouched
    subtrees are shared, not copied.
    """
    def rebuild(value: object) -> object:
        if isinstance(value, tuple):
            new = tuple(rebuild(v) for v in value)
            return value if all(a is b for a, b in zip(new, value)) else new
        if not _is_node(value):
            return value
        changes = {}
        for f in fields(value):  # type: ignore[arg-type]
            old = getattr(value, f.name)
            new = rebuild(old)
            if new is not old:
                changes[f.name] = new
        node_ = type(value)(**{f.name: changes.get(f.name, getattr(value, f.name))
                              for f in fields(value)}) if changes else value  # type: ignore[arg-type]
        return fn(node_)

    return rebuild(node)


def plain_text(node: object) -> str:
    """The text of a node and its descendants, inlines joined without separators, blocks by spaces."""
    parts: list[str] = []

    def visit(value: object) -> None:
        if isinstance(value, tuple):
            for v in value:
                visit(v)
            return
        if isinstance(value, (Text, Code)):
            parts.append(value.text)
        elif isinstance(value, LineBreak):
            parts.append(" ")
        elif isinstance(value, CitationRef):
            return
        elif isinstance(value, CodeBlock):
            parts.append(value.text)
        elif _is_node(value):
            block = isinstance(value, BLOCK_TYPES)
            if block and parts:
                parts.append(" ")
            for f in fields(value):  # type: ignore[arg-type]
                visit(getattr(value, f.name))

    visit(node)
    return " ".join("".join(parts).split())
