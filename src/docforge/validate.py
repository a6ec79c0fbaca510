"""Checks that a Document built by hand has the IR's shape, before a writer sees it.

Records do not check their fields when constructed (that would cost every reader on
every node), so `Paragraph("just a string")` or `Heading(9, ...)` would reach a writer
and fail there with a KeyError, or silently become something else. `check(doc)` walks
the tree once and raises a FormatError naming the first bad field by its path
("blocks[3].inlines: a str, expected a tuple of inline nodes"). docforge's own readers
produce valid trees, so only documents handed to `docforge.write()` are checked, and
of those not the ones a docforge reader made and vouched for (`vouch`).

What each field must hold is read from the record classes' annotations, so a new node
type is checked without a change here; a "tuple" field may also be a model.Packed (a long
sequence), which the check reads as it goes. This module never changes a document.
"""
from __future__ import annotations

import weakref
from itertools import chain

from . import model
from .errors import FormatError

_GROUPS = {"Inline": model.INLINE_TYPES, "Block": model.BLOCK_TYPES}
_LEVELS = range(1, 7)


def _expectation(annotation: str) -> tuple[str, object]:
    """('node', classes) | ('nodes', classes) | ('rows', classes) | ('str'|'int'|'strs'|'pairs', None)."""
    text = annotation.replace('"', "").replace("'", "").replace(" ", "")
    if text in ("str", "int", "bool"):
        return text, None
    if text == "tuple[str,...]":
        return "strs", None
    if text == "tuple[tuple[str,str],...]":
        return "pairs", None
    if text.startswith("tuple[tuple[") and text.endswith(",...],...]"):
        return "rows", _classes(text[len("tuple[tuple["):-len(",...],...]")])
    if text.startswith("tuple[") and text.endswith(",...]"):
        return "nodes", _classes(text[len("tuple["):-len(",...]")])
    return "node", _classes(text)


def _classes(name: str) -> tuple[type, ...]:
    return _GROUPS.get(name) or (getattr(model, name),)


_SCHEMA: dict[type, tuple[tuple[str, str, object], ...]] = {
    cls: tuple((field, *_expectation(cls.__annotations__[field])) for field in cls._fields)
    for cls in model.NODE_TYPES + (model.Meta, model.Document)}


def _names(classes) -> str:
    names = [c.__name__ for c in classes]
    return ", ".join(names[:4]) + (", …" if len(names) > 4 else "")


# The Documents docforge's own readers made, by id, held weakly (an entry goes when its
# document does, so an id is never mistaken for a later object's)
_VOUCHED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def vouch(doc: model.Document) -> model.Document:
    """Mark `doc`, made by one of docforge's own readers (valid by construction), so that
    check() passes it without a walk over the whole tree. Any change makes a new
    Document, which is checked again."""
    _VOUCHED[id(doc)] = doc
    return doc


def check(doc: object) -> None:
    """Raise FormatError at the first field of `doc` that the IR does not allow (at once
    for a document a docforge reader made and vouched for)."""
    if type(doc) is model.Document and _VOUCHED.get(id(doc)) is doc:
        return
    if type(doc) is not model.Document:
        raise FormatError(f"write() needs a docforge Document, not {type(doc).__name__}; "
                          "build one with docforge.model or docforge.read()")
    # a stack of iterators over (node, path), so a packed block list (model.Packed) is
    # read as the check reaches it, never unpacked onto the stack whole
    stack: list = [iter(((doc, "document"),))]
    while stack:
        for node, path in stack[-1]:
            kids = _check_node(node, path)
            if kids is not None:
                stack.append(kids)
                break
        else:
            stack.pop()


def _check_node(node: object, path: str):
    """Check the fields of `node`; an iterator over its (child, path) pairs, which checks
    each child's type as it is reached, or None when it has no children."""
    children = []
    for field, kind, classes in _SCHEMA[type(node)]:
        value = getattr(node, field)
        where = f"{path}.{field}"
        if kind in ("str", "int", "bool"):
            if type(value) is not {"str": str, "int": int, "bool": bool}[kind]:
                _fail(where, value, f"a {kind}")
        elif kind == "strs":
            if type(value) is not tuple or any(type(v) is not str for v in value):
                _fail(where, value, "a tuple of strings")
        elif kind == "pairs":
            if type(value) is not tuple or any(type(v) is not tuple or len(v) != 2
                                               or any(type(x) is not str for x in v) for v in value):
                _fail(where, value, "a tuple of (key, value) string pairs")
        elif kind == "node":
            if type(value) not in classes:
                _fail(where, value, f"a {_names(classes)}")
            children.append(iter(((value, where),)))
        else:
            if type(value) not in _SEQUENCES:
                _fail(where, value, f"a tuple of {'tuples of ' if kind == 'rows' else ''}{_names(classes)}")
            children.append(_members(value, kind, classes, where))
    if type(node) is model.Heading and node.level not in _LEVELS:
        raise FormatError(f"{path}.level: {node.level} is not a heading level; use 1 to 6 "
                          "(the title is meta.title)")
    return chain.from_iterable(children) if children else None


_SEQUENCES = frozenset(model.SEQUENCE_TYPES)


def _members(value, kind: str, classes, where: str):
    """The children in a sequence field, each checked as it is reached."""
    for r, row in enumerate(value if kind == "rows" else (value,)):
        if kind == "rows" and type(row) is not tuple:
            _fail(where, value, f"a tuple of tuples of {_names(classes)}")
        for i, child in enumerate(row):
            at = f"{where}[{r}][{i}]" if kind == "rows" else f"{where}[{i}]"
            if type(child) not in classes:
                _fail(at, child, f"a {_names(classes)}")
            yield child, at


def _fail(where: str, value: object, expected: str) -> None:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise FormatError(f"{where}: {type(value).__name__} {shown}, expected {expected}; "
                      "fix the document built by hand (see docforge.model)")
