"""The PDF story made as it is laid out: flowables from the IR a block at a time, as
reportlab's builder takes them, so that only the blocks near the page being placed are
alive as flowables (a whole story of laid-out paragraphs was 30-130 bytes per input byte).

`story_parts(renderer)` yields the story in order, one list of flowables per step (the
title block and contents, then each top-level block, a long References list in parts of
render.REFERENCE_PART entries, the Notes section, the keywords):
PdfRenderer.story() joins them into the whole list (what a multi-pass build with a table
of contents needs, since each pass lays the same flowables out again), and `LazyStory`
hands them to a single-pass build (`BaseDocTemplate.build`) as the list it consumes.

Must never change the output: LazyStory answers every list operation the builder makes
(front access, `del [0]`, `del [:i]`, `insert(0, f)`, `[0:0] = parts`, `[:i]`) exactly as
the whole list would, which holds because the builder looks ahead only along a chain of
keep-with-next flowables and the buffer always reaches past the end of that chain. This
module never renders a node itself (render.py does) and never draws (page.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.doctemplate import _ktAllow

from ...model import Heading, Note, walk

if TYPE_CHECKING:
    from .render import PdfRenderer

AHEAD = 32  # flowables kept ready beyond the front: few, but more than a page's worth of splits


def story_parts(renderer: PdfRenderer) -> Iterator[list]:
    """The document's flowables in story order, a step at a time (see the module doc),
    headings kept with what follows them (render.keep_headings_in_parts); the renderer's
    report() runs after the last one is made."""
    from .render import keep_headings_in_parts
    return keep_headings_in_parts(_made_parts(renderer))


def _made_parts(renderer: PdfRenderer) -> Iterator[list]:
    context = renderer.context
    doc = context.doc
    made = 0
    opening = renderer.title_block()
    if context.toc:
        opening += renderer.table_of_contents()
    made += len(opening)
    yield opening
    from .render import _notes_position
    render = renderer.dispatch
    blocks = doc.blocks
    notes_at = _notes_position(blocks)
    for index in range(notes_at):
        for part in renderer.block_parts(blocks[index]):
            made += len(part)
            yield part
    # the Notes section lists every note, also those met after its place (in the references,
    # an appendix): blocks after it that hold a note are rendered before it is made. They
    # are handed over without a reference kept here, so that each flowable goes once it is
    # drawn. Without notes there, they are made as they are taken, like the blocks above.
    after = range(notes_at, len(blocks))
    noted = any(type(node) is Note for index in after for node in walk(blocks[index]))
    rest = [part for index in after for part in renderer.block_parts(blocks[index])] if noted else []
    rest.reverse()  # taken from the end, as made: in order
    if renderer.notes.entries:
        heading = blocks[notes_at] if notes_at < len(blocks) and type(blocks[notes_at]) is Heading else None
        notes = renderer.notes_section(heading)
        made += len(notes)
        yield notes
        del notes
    while rest:
        made += len(rest[-1])
        yield rest.pop()
    if not noted:
        for index in after:
            for part in renderer.block_parts(blocks[index]):
                made += len(part)
                yield part
    part = None
    if doc.meta.keywords:
        body = renderer.fonts.body
        labels = context.labels
        label = f"<b>{renderer.markup(labels.keywords + labels.colon, body)}</b>"
        made += 1
        yield [Paragraph(label + renderer.markup(labels.list_separator.join(doc.meta.keywords), body),
                         renderer.styles["keywords"])]
    if not made:
        yield [Spacer(1, 1)]
    renderer.report()


class LazyStory:
    """The list of flowables a single-pass reportlab build consumes, filled from `parts`
    as the front is taken (see the module doc for why the builder sees the same list)."""
    __slots__ = ("_items", "_parts")

    def __init__(self, parts: Iterator[list]) -> None:
        self._items: list = []
        self._parts: Iterator[list] | None = parts
        self._fill()

    def _fill(self) -> None:
        items = self._items
        while self._parts is not None and (len(items) < AHEAD or not _chain_ends(items)):
            part = next(self._parts, None)
            if part is None:
                self._parts = None
            else:
                items.extend(part)

    def __len__(self) -> int:
        self._fill()
        return len(self._items)

    def __getitem__(self, key):
        self._fill()
        return self._items[key]

    def __setitem__(self, key, value) -> None:
        self._items[key] = value

    def __delitem__(self, key) -> None:
        del self._items[key]

    def insert(self, index: int, flowable) -> None:
        self._items.insert(index, flowable)


def _chain_ends(items: list) -> bool:
    """Whether `items` holds a flowable after the front's chain of keep-with-next ones (the
    builder's handle_keepWithNext looks at the chain and the one after it)."""
    for flowable in items:
        if not (flowable.getKeepWithNext() and _ktAllow(flowable)):
            return True
    return False
