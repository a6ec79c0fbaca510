"""The writer contract, the render context every writer reads, and the tree-renderer base.

A writer is an object with `write(context, out) -> list[Diagnostic]` and a `renderer`
(the TreeRenderer class that walks the IR for it). The RenderContext is built once per
conversion, from the prepared document (transforms.prepare), the theme and the options:
what every format must agree on is computed there or in semantics.py, never in a writer.

A TreeRenderer maps node classes to methods by name — `block_heading` renders Heading,
`inline_citation_ref` renders CitationRef — so a renderer is a class of small methods and
no hand-written handler table; `missing()` names the node classes a renderer has no
method for (the coverage test asserts it is empty for every writer). This module must
never know about a file format.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import BinaryIO, ClassVar, Protocol, runtime_checkable

from ..errors import Diagnostic
from ..labels import direction, labels_for
from ..model import BLOCK_TYPES, INLINE_TYPES, Document, Figure, Heading, Reference, Table, walk
from ..options import WriteOptions
from ..style import Style, paper_size
from ..transforms import prepared_facts
from . import semantics
from .resources import Resource, ResourceLoader
from .xmltext import dropped_diagnostic

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def method_name(prefix: str, node_class: type) -> str:
    """`block_bullet_list` for BulletList: the method a TreeRenderer renders it with."""
    return f"{prefix}_{_CAMEL_BOUNDARY.sub('_', node_class.__name__).lower()}"


class TreeRenderer:
    """Base of every writer's renderer: dispatch on node class by method name.

    Subclasses define `block_<name>(self, node, ...)` for every block class and
    `inline_<name>(self, node, ...)` for every inline class (model.BLOCK_TYPES and
    INLINE_TYPES); the extra arguments are the subclass's own. `dispatch` holds
    class -> function, built when the subclass is defined, for hot loops:
    `self.dispatch[type(node)](self, node, ...)`.
    """
    dispatch: ClassVar[dict[type, object]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        table = {}
        for prefix, classes in (("block", BLOCK_TYPES), ("inline", INLINE_TYPES)):
            for node_class in classes:
                method = getattr(cls, method_name(prefix, node_class), None)
                if method is not None:
                    table[node_class] = method
        cls.dispatch = table

    @classmethod
    def missing(cls) -> list[str]:
        """Names of the methods this renderer lacks (empty when it covers the whole IR)."""
        return [method_name(prefix, c) for prefix, classes in (("block", BLOCK_TYPES), ("inline", INLINE_TYPES))
                for c in classes if c not in cls.dispatch]

    def render(self, node, *args):
        """Render one block or inline with the method named after its class."""
        return self.dispatch[type(node)](self, node, *args)  # type: ignore[operator]


class Diagnostics:
    """What one writer noticed: messages, and characters its format could not hold
    (counted per format, reported once)."""
    __slots__ = ("items", "dropped")

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.dropped: dict[str, int] = {}

    def add(self, message: str, severity: str = "warning") -> None:
        self.items.append(Diagnostic(message, severity=severity))

    def drop(self, count: int, where: str) -> None:
        """`count` characters were left out because `where` ("HTML", "PDF text") cannot hold them."""
        if count:
            self.dropped[where] = self.dropped.get(where, 0) + count

    def result(self) -> list[Diagnostic]:
        return self.items + [dropped_diagnostic(n, where) for where, n in self.dropped.items()]


class RenderContext:
    """Everything a writer needs besides the tree walk, computed once per conversion.

    `doc` is the prepared document (ids, labels and numbers set); `paper` the page size
    of the paged formats (the option in any case, else the theme's); `anchors` the ids that
    exist in it (headings, tables, references); `reference_labels` id -> label for
    citations; `language` the document's (or the theme's), `labels` the words printed in
it (labels.py, with the theme's overrides) and `direction` "rtl" or "ltr"; `toc` whether a table of
    contents is wanted (the option, else the theme) and `toc_depth` how many heading
    levels it holds; `timestamp` the date embedded in files; `resources` the image loader
    all writers share (`image()` asks it and reports a failure); `diagnostics` the
    collector of the writer currently running (`for_writer` gives each writer its own).
    """
    __slots__ = ("doc", "style", "options", "toc", "toc_depth", "language", "timestamp", "paper",
                 "reference_labels", "anchors", "byline", "labels", "direction", "resources", "diagnostics", "_outline",
                 "_image_failures")

    def __init__(self, doc: Document, style: Style, options: WriteOptions | None = None) -> None:
        options = options or WriteOptions()
        self.doc, self.style, self.options = doc, style, options
        self.toc = options.toc if options.toc is not None else style.toc.enabled
        self.toc_depth = options.toc_depth if options.toc_depth is not None else style.toc.depth
        self.language = doc.meta.language or style.text.language
        self.labels = labels_for(self.language, style)
        self.direction = direction(self.language)
        self.timestamp: datetime = options.timestamp(doc.meta.date)
        self.paper = paper_size(options.paper) if options.paper else style.page.size
        self.anchors, self.reference_labels = prepared_facts(doc) or _anchors_and_labels(doc)
        self.byline = semantics.byline_parts(doc.meta, self.labels)
        self.resources = ResourceLoader(options.resource_path)
        self.diagnostics = Diagnostics()
        self._outline: dict[int, tuple] = {}
        self._image_failures: set[str] = set()

    def for_writer(self, options: WriteOptions | None = None) -> "RenderContext":
        """The same context with a fresh diagnostics collector (and other options, e.g.
        the target's name), for the next writer of the same conversion."""
        copy = object.__new__(RenderContext)
        for name in self.__slots__:
            object.__setattr__(copy, name, getattr(self, name))
        if options is not None:
            copy.options = options
        copy.diagnostics = Diagnostics()
        copy._image_failures = set()
        return copy

    def image(self, url: str, fallback: str = "its alt text is shown instead") -> Resource | None:
        """The image at `url` loaded for embedding, or None after adding a warning (once per
        url and writer) saying why and what the writer shows instead (`fallback`)."""
        resource, why = self.resources.load(url)
        if resource is None and url not in self._image_failures:
            self._image_failures.add(url)
            self.diagnostics.add(f"{why}; {fallback}")
        return resource

    def outline(self, max_level: int = 6) -> tuple:
        """The heading tree (transforms.outline), computed once per depth."""
        entries = self._outline.get(max_level)
        if entries is None:
            from ..transforms import outline
            entries = self._outline[max_level] = outline(self.doc, max_level)
        return entries

    def forget_outline(self) -> None:
        """Let the cached heading trees go (a writer that took what it needs from them: they
        hold a str per heading to the end); outline() makes them again if asked."""
        self._outline.clear()

    def citation_label(self, ref_id: str) -> str:
        return semantics.citation_label(self.reference_labels, ref_id)


def _anchors_and_labels(doc: Document) -> tuple[set[str], dict[str, str]]:
    """The ids that exist in `doc` (headings, tables, references, figures outside inline
    content) and reference id -> label, by a walk over its blocks: for a document that
    transforms.prepare did not record them for (prepared_facts)."""
    labels: dict[str, str] = {}
    anchors: set[str] = set()
    for node in walk(doc, inlines=False):
        kind = type(node)
        if kind is Reference:
            labels[node.id] = node.label
        if (kind is Heading or kind is Table or kind is Reference or kind is Figure) and node.id:
            anchors.add(node.id)
    return anchors, labels


@runtime_checkable
class Writer(Protocol):
    """What a writer provides. `renderer` is the TreeRenderer subclass it walks the IR with;
    `write` renders `context.doc` into `out` and returns its diagnostics. A writer must not
    renumber, relabel or re-decide what the context or transforms decided. Plugin writers
    also give `extension` (without the dot) and `media_type`, which fill their format row.
    A writer may also give `preflight(context)`: it raises the user's error (a bad option
    value, an unusable file) before any format of the conversion is written, so that one
    writer's problem never leaves the others half done; api calls it for every requested
    format first. `unwritable(context)` returns (not raises) an error that rules out only
    that writer's format (a theme's margins leave no room on its page): api writes the
    other formats, then raises it."""
    renderer: type[TreeRenderer]

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]: ...
