"""How an IR table becomes flowables on the page.

Columns are sized by content (writers/layout.py, shared with DOCX); a table wider than
the frame allows (MIN_COLUMN_PT per column) is split into parts of adjacent columns, each
with the caption and "(columns a–b of n)"; parts split across pages by row, repeating
the header row. A part of more than GROUP_ROWS rows is a RowGroups flowable: measured
once, then a reportlab table per page of just the rows that page holds (same widths,
header repeated, stripes continued), since reportlab's own split re-measures every
remaining row on every page (quadratic). A table with a row taller than a page
(reportlab cannot split inside a row) is written as paragraphs, "header: value", with a
diagnostic (what rendering the cells recorded, footnotes above all, is rewound first:
their markers were thrown away). A caption is rendered once; the parts after the first repeat it without its link
destinations (a destination drawn twice is one too many). Inline images in a cell get the
column's width as their room. Captions and tables carry their tagging roles (Caption,
Table: tagging.py makes the header row TH, the others TD). The cells' text is rendered by the PdfRenderer given to
these functions: this module decides the layout, never the markup of a node.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table as RLTable, TableStyle

from ...model import Cell, Table, plain_text
from ..layout import column_widths
from ..semantics import caption_lead
from ..xmltext import escape
from . import tagging
from .styles import cell_style

if TYPE_CHECKING:
    from .render import PdfRenderer

MIN_COLUMN_PT = 36.0        # narrower columns are unreadable: wide tables are split into parts
CELL_PADDING = 9            # room a column needs besides its text: LEFT/RIGHTPADDING 4 + 4, and the rules
ROW_TALLER_THAN_PAGE = 0.9  # of the frame's height: such a row cannot be placed
# A cell with more text than this is taller than any page at the themes' sizes, so its
# table is written as paragraphs without being laid out as a table first: reportlab
# measured a 1 MB cell for over 14 minutes before finding the row too tall.
CELL_LIMIT_CHARS = 20_000
# A table with more body rows than this is laid out in row groups (RowGroups): reportlab
# splits a table by copying and re-measuring all its remaining rows on every page, which is
# quadratic in the number of rows (10x the rows took 18.8x the time).
GROUP_ROWS = 64
_DESTINATION = re.compile(r'<a name="[^"]*"/>')  # input text cannot produce it: its < and " are escaped


def column_parts(columns: int, frame_width: float) -> list[tuple[int, int]]:
    """The (first, past-last) column of each part a table of `columns` columns is split into."""
    per_part = max(1, int(frame_width // MIN_COLUMN_PT))
    return [(lo, min(columns, lo + per_part)) for lo in range(0, columns, per_part)]


def table_flowables(renderer: PdfRenderer, node: Table) -> list:
    """The caption and the table of each part, then the paragraph space after the table."""
    width = max(1, len(node.header))
    parts = column_parts(width, renderer.frame_width)
    heading = renderer.fonts.heading
    story: list = []
    caption = renderer.markup(caption_lead(node), heading) + renderer.inlines(node.caption, heading)
    for part_index, (lo, hi) in enumerate(parts):
        markup = caption if part_index == 0 else _DESTINATION.sub("", caption)
        if len(parts) > 1:
            markup += escape(f" (columns {lo + 1}–{hi} of {width})", "markup")[0]
        anchor = renderer.anchor(node.id) if part_index == 0 else ""
        if node.label or node.caption:
            story += tagging.role([renderer.paragraph(anchor + markup, renderer.styles["caption"], "", cjk=False)],
                                  "Caption")
        part = _part(renderer, node, lo, hi)
        story.extend(part if isinstance(part, list) else tagging.role([part], "Table"))
    story.append(Spacer(1, renderer.theme.spacing.paragraph))
    return story


def _part(renderer: PdfRenderer, node: Table, lo: int, hi: int) -> RLTable | RowGroups | list:
    """Columns lo..hi-1 as one reportlab table, or as paragraphs when a row cannot fit a page."""
    t = renderer.theme.table
    styles, body = renderer.styles, renderer.fonts.body
    rows = (node.header,) + node.rows
    if any(len(plain_text(cells[c])) > CELL_LIMIT_CHARS for cells in rows for c in range(lo, min(hi, len(cells)))):
        return _as_paragraphs(renderer, rows, lo, hi)
    texts = [[plain_text(cells[c]) if c < len(cells) else "" for cells in rows] for c in range(lo, hi)]
    size = styles["cell"].fontSize
    widths = column_widths(texts, renderer.frame_width, char_width=size * 0.55, padding=CELL_PADDING)
    state = renderer.checkpoint()
    cell_styles: dict = {}
    data = []
    room = renderer.image_width
    try:
        for r, cells in enumerate(rows):
            row = []
            for c in range(lo, hi):
                cell = cells[c] if c < len(cells) else Cell(())
                align = node.aligns[c] if c < len(node.aligns) else "default"
                key = (r == 0, align)
                style = cell_styles.get(key)
                if style is None:
                    style = cell_styles[key] = cell_style(styles["cell_head" if r == 0 else "cell"], align)
                renderer.image_width = max(1.0, widths[c - lo] - CELL_PADDING)
                row.append(renderer.paragraph(renderer.inlines(cell.inlines, body), style, plain_text(cell)))
            data.append(row)
    finally:
        renderer.image_width = room
    def commands(phase: int) -> list:
        """The table's style; `phase` is the body row (0-based) its first body row is, so
        the zebra stripes of row groups continue one another."""
        stripes = [colors.white, colors.HexColor(t.zebra_fill)]
        return [
            ("GRID", (0, 0), (-1, -1), t.border_width, colors.HexColor(t.border_color)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(t.header_fill)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # reportlab sets each cell's font before drawing it; its default is Helvetica
            ("FONTNAME", (0, 0), (-1, -1), body.names["regular"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ] + ([("ROWBACKGROUNDS", (0, 1), (-1, -1), stripes[phase % 2:] + stripes[:phase % 2])]
             if t.zebra and len(data) > 2 else [])

    def make(rows: list, phase: int = 0) -> RLTable:
        table = RLTable(rows, colWidths=widths, repeatRows=1 if len(rows) > 1 else 0,
                        splitByRow=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands(phase)))
        return table

    table = make(data)
    table.wrap(renderer.frame_width, renderer.frame_height)
    if max(table._rowHeights, default=0) > renderer.frame_height * ROW_TALLER_THAN_PAGE:
        renderer.rewind(state)
        return _as_paragraphs(renderer, rows, lo, hi)
    if len(data) - 1 > GROUP_ROWS:
        return RowGroups(data, table._rowHeights, table._width, make)
    return table


class RowGroups(Flowable):
    """The body rows of a long table, laid out a page at a time. The whole table was
    measured once (`heights`, its rows' heights, the same in any table of those columns);
    on each page a reportlab table of the header row and just the rows that fit the room
    (and one more) is built and split by reportlab, and the rest stays a RowGroups. The
    pages look like one table split by row (header repeated, stripes continued, the same
    column widths), but each page costs the rows it holds rather than all the rows left
    (reportlab's own split re-measures those), so a long table takes linear time."""

    def __init__(self, data: list, heights, width: float, make, start: int = 1,
                 sums: list | None = None):
        super().__init__()
        self.data, self.make, self.start, self.width = data, make, start, width
        # sums[i]: the height of rows 0..i-1 (row 0 the header)
        self.sums = sums if sums is not None else list(accumulate(heights, initial=0))
        self.header_height = self.sums[1]
        self.height = self.header_height + self.sums[-1] - self.sums[start]
        self.hAlign = "LEFT"

    def _table(self, end: int) -> RLTable:
        """The header and rows start..end-1, striped as they are in the whole table."""
        return self.make([self.data[0]] + self.data[self.start:end], self.start - 1)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def split(self, availWidth, availHeight):
        if self.height <= availHeight:
            return [self._table(len(self.data))]
        # the rows that fit by the measured heights, and one more for reportlab to decide on
        room = availHeight - self.header_height + self.sums[self.start]
        end = max(self.start + 1, min(len(self.data), bisect_right(self.sums, room)))
        table = self._table(end)
        parts = table.split(availWidth, availHeight)
        if not parts:
            return []  # not even one row fits: the frame moves on
        placed = len(parts[0]._cellvalues) - 1
        if self.start + placed >= len(self.data):
            return [parts[0]]
        rest = RowGroups(self.data, (), self.width, self.make, self.start + placed, self.sums)
        return [parts[0], rest]

    def draw(self):  # everything left fitted
        table = self._table(len(self.data))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _as_paragraphs(renderer: PdfRenderer, rows, lo: int, hi: int) -> list:
    """A row taller than a page cannot be drawn as a table row (reportlab does not split
    inside a row): such a table is written as one paragraph per cell, "header: value"."""
    renderer.diagnostics.add("a table row is taller than a page; that table is "
                             "written as paragraphs, one per cell")
    from .render import PARAGRAPH_CHUNK_CHARS, split_inlines  # render imports this module

    body, item = renderer.fonts.body, renderer.styles["item"]
    header, story = rows[0], []
    for cells in rows[1:] or (rows[0],):
        for c in range(lo, hi):
            head = plain_text(header[c]) if c < len(header) else ""
            cell = cells[c] if c < len(cells) else Cell(())
            label = f"<b>{renderer.markup(head, body)}:</b> " if head and cells is not header else ""
            # a long cell is set in pieces, like a long paragraph (one reportlab paragraph
            # spanning pages is re-broken on every page: quadratic)
            for index, piece in enumerate(split_inlines(cell.inlines, PARAGRAPH_CHUNK_CHARS) or [()]):
                markup = renderer.inlines(piece, body)
                story.append(renderer.paragraph((label if index == 0 else "") + markup, item,
                                                plain_text(Cell(piece))))
        story.append(Spacer(1, 4))
    return story
