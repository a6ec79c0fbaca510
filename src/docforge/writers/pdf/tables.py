"""How an IR table becomes flowables on the page.

Columns are sized by content (writers/layout.py, shared with DOCX), then widened where a
header word would not fit whole (measured in the header's font; when the words of all
headers together are wider than the frame, header cells are hyphenated instead of cut
mid-word); a table wider than
the frame allows (MIN_COLUMN_PT per column) is split into parts of adjacent columns, each
with the caption and "(columns a–b of n)"; parts split across pages by row, repeating
the header row (a table without one, header=(), draws none and tags no TH). A TableStart before each part decides whether it starts on this page
(with the headings above it, its caption, header and first rows) or on the next: a table
is moved whole only when it fits a page and moving it leaves at most a third of this one
empty. A part of more than GROUP_ROWS rows is a RowGroups flowable: measured
once, GROUP_ROWS rows at a time, then a reportlab table per page of just the rows that
page holds (same widths, header repeated, stripes continued), since reportlab's own split
re-measures every remaining row on every page (quadratic); those rows are made again from
the IR for their page (a table's Paragraphs were 160 bytes per input byte), unless making
them recorded a note, math or raw markup (then they are made once and kept). The rows
are read from the IR as needed (`TableRows`), never copied whole. A table with a row taller than a page
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
from array import array
from bisect import bisect_right
from itertools import accumulate, islice
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table as RLTable, TableStyle
from reportlab.platypus.flowables import AnchorFlowable

from ...model import Cell, Table, plain_text
from ..layout import column_widths
from ..semantics import caption_lead
from ..xmltext import escape
from . import tagging
from .styles import cell_style, hyphenated_style, language_hyphenator

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


def column_parts(columns: int, frame_width: float, needs: list[float] | None = None) -> list[tuple[int, int]]:
    """The (first, past-last) column of each part a table of `columns` columns is split
    into: at most a frame's width of MIN_COLUMN_PT columns, and with `needs` (the least
    width of each column) no more columns than their needs allow side by side."""
    per_part = max(1, int(frame_width // MIN_COLUMN_PT))
    if needs is None:
        return [(lo, min(columns, lo + per_part)) for lo in range(0, columns, per_part)]
    parts, lo, used = [], 0, 0.0
    for column in range(columns):
        need = max(needs[column], MIN_COLUMN_PT)
        if column > lo and (column - lo >= per_part or used + need > frame_width):
            parts.append((lo, column))
            lo, used = column, 0.0
        used += need
    parts.append((lo, columns))
    return parts


def header_needs(renderer: PdfRenderer, node: Table) -> list[float]:
    """The least width of each column: its header's widest hyphenated piece, and padding."""
    hyphenator = language_hyphenator(renderer.context.language)
    style = renderer.styles["cell_head"]
    return [_widest_piece(plain_text(cell), style, hyphenator) + CELL_PADDING + 0.5 for cell in node.header]


def table_flowables(renderer: PdfRenderer, node: Table) -> list:
    """The caption and the table of each part, then the paragraph space after the table."""
    width = max(1, len(node.header), len(node.aligns))  # a table without a header row: header=()
    parts = column_parts(width, renderer.frame_width, header_needs(renderer, node) if node.header else None)
    heading = renderer.fonts.heading
    story: list = []
    caption = renderer.markup(caption_lead(node, renderer.context.labels), heading) + renderer.inlines(node.caption, heading)
    for part_index, (lo, hi) in enumerate(parts):
        markup = caption if part_index == 0 else _DESTINATION.sub("", caption)
        if len(parts) > 1:
            markup += escape(f" (columns {lo + 1}–{hi} of {width})", "markup")[0]
        anchor = renderer.anchor(node.id) if part_index == 0 else ""
        caption_flowables = []
        if node.caption:
            caption_flowables += tagging.role([renderer.paragraph(anchor + markup, renderer.styles["caption"], "",
                                                                  cjk=False)], "Caption")
        elif part_index == 0 and node.id:
            caption_flowables.append(AnchorFlowable(node.id))  # no caption, no bare label: the id marks the top
        part = _part(renderer, node, lo, hi)
        if isinstance(part, list):
            story.extend(caption_flowables + part)
        else:
            story.extend([TableStart(caption_flowables, part, renderer.frame_height)] + caption_flowables
                         + tagging.role([part], "Table"))
    story.append(Spacer(1, renderer.theme.spacing.paragraph))
    return story


def _widest_piece(text: str, style, hyphenator) -> float:
    """The width of the widest word of `text` in `style`'s font, or with a hyphenator, of
    the widest piece between two of its hyphenation points (with its hyphen)."""
    widest = 0.0
    font, size = style.fontName, style.fontSize
    hyphen = stringWidth("-", font, size)
    for word in text.split():
        cuts = [(0, False)] + [(i, added) for i, added, _ in hyphenator.breaks(word)] if hyphenator else [(0, False)]
        cuts.append((len(word), False))
        for (start, _), (end, added) in zip(cuts, cuts[1:]):
            widest = max(widest, stringWidth(word[start:end], font, size) + (hyphen if added else 0.0))
    return widest


def fit_header_words(widths: list[float], needs: list[float], total: float) -> tuple[list[float], bool]:
    """`widths` with every column at least as wide as its widest header word (`needs`),
    the room taken from the columns wider than theirs in proportion to what they have
    to spare; and whether that was possible (when not, the header words are hyphenated)."""
    if sum(needs) > total + 1e-6:
        return widths, False
    raised = [max(w, n) for w, n in zip(widths, needs)]
    deficit = sum(raised) - total
    if deficit <= 1e-9:
        return raised, True
    spare = [r - n for r, n in zip(raised, needs)]
    room = sum(spare)
    return [r - deficit * s / room for r, s in zip(raised, spare)], True


def _part(renderer: PdfRenderer, node: Table, lo: int, hi: int) -> RLTable | RowGroups | list:
    """Columns lo..hi-1 as one reportlab table, or as paragraphs when a row cannot fit a page."""
    t = renderer.theme.table
    styles, body = renderer.styles, renderer.fonts.body
    head_rows = 1 if node.header else 0  # a table without a header row draws none
    rows = TableRows(node)
    if any(len(plain_text(cells[c])) > CELL_LIMIT_CHARS for cells in rows for c in range(lo, min(hi, len(cells)))):
        return _as_paragraphs(renderer, rows, lo, hi, head_rows)
    texts = [_ColumnTexts(rows, c) for c in range(lo, hi)]
    size = styles["cell"].fontSize
    widths = column_widths(texts, renderer.frame_width, char_width=size * 0.55, padding=CELL_PADDING)
    head_style = styles["cell_head"]
    needs = [_widest_piece(column.first(), head_style, None) + CELL_PADDING + 0.5 if head_rows else 0.0
             for column in texts]
    widths, header_fits = fit_header_words(widths, needs, renderer.frame_width)
    if not header_fits:
        # the words cannot all be whole: columns as wide as their widest hyphenated piece,
        # and the header cells hyphenated
        hyphenator = language_hyphenator(renderer.context.language)
        whole = needs
        needs = [_widest_piece(column.first(), head_style, hyphenator) + CELL_PADDING + 0.5 if head_rows else 0.0
                 for column in texts]
        for column in sorted(range(len(needs)), key=lambda c: whole[c]):
            # the shortest header words are still kept whole, as many as there is room for
            if sum(needs) - needs[column] + whole[column] <= renderer.frame_width:
                needs[column] = whole[column]
        widths, _ = fit_header_words(widths, needs, renderer.frame_width)
        head_style = hyphenated_style(head_style, renderer.context.language)
    state = renderer.checkpoint()
    cell_styles: dict = {}

    def render_row(cells, head: bool) -> list:
        row = []
        room = renderer.image_width
        try:
            for c in range(lo, hi):
                cell = cells[c] if c < len(cells) else Cell(())
                align = node.aligns[c] if c < len(node.aligns) else "default"
                style = cell_styles.get((head, align))
                if style is None:
                    style = cell_styles[(head, align)] = cell_style(head_style if head else styles["cell"], align)
                renderer.image_width = max(1.0, widths[c - lo] - CELL_PADDING)
                row.append(renderer.paragraph(renderer.inlines(cell.inlines, body), style, plain_text(cell)))
        finally:
            renderer.image_width = room
        return row

    def commands(phase: int) -> list:
        """The table's style; `phase` is the body row (0-based) its first body row is, so
        the zebra stripes of row groups continue one another."""
        stripes = [colors.white, colors.HexColor(t.zebra_fill)]
        return [
            ("GRID", (0, 0), (-1, -1), t.border_width, colors.HexColor(t.border_color)),
        ] + ([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(t.header_fill))] if head_rows else []) + [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # reportlab sets each cell's font before drawing it; its default is Helvetica
            ("FONTNAME", (0, 0), (-1, -1), body.names["regular"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ] + ([("ROWBACKGROUNDS", (0, head_rows), (-1, -1), stripes[phase % 2:] + stripes[:phase % 2])]
             if t.zebra and len(node.rows) > 1 else [])

    def make(rows: list, phase: int = 0) -> RLTable:
        table = RLTable(rows, colWidths=widths, repeatRows=head_rows if len(rows) > 1 else 0,
                        splitByRow=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands(phase)))
        table._df_header_rows = head_rows  # tagging.py: TH only in a header row
        return table

    if len(node.rows) <= GROUP_ROWS:
        data = [render_row(cells, r < head_rows) for r, cells in enumerate(rows)]
        table = make(data)
        table.wrap(renderer.frame_width, renderer.frame_height)
        if max(table._rowHeights, default=0) > renderer.frame_height * ROW_TALLER_THAN_PAGE:
            renderer.rewind(state)
            return _as_paragraphs(renderer, rows, lo, hi, head_rows)
        return table
    # A long table is measured GROUP_ROWS rows at a time (a row's height depends only on
    # its cells and the column widths) and its rows are not kept: each page's rows are
    # made again from the IR (RowGroups), unless making them recorded something (a note,
    # math, raw markup), which must happen once: then they are made once and kept.
    header = [render_row(node.header, True)] if head_rows else []
    heights, width, pending = array("d"), 0.0, list(header)
    for cells in node.rows:
        pending.append(render_row(cells, False))
        if len(pending) >= GROUP_ROWS:
            width = _measure(make(pending), renderer, heights)
            pending = []
    if pending:
        width = _measure(make(pending), renderer, heights)
    del pending
    if max(heights) > renderer.frame_height * ROW_TALLER_THAN_PAGE:
        renderer.rewind(state)
        return _as_paragraphs(renderer, rows, lo, hi, head_rows)
    if renderer.checkpoint() == state:
        body_rows = _MadeRows(node.rows, render_row, head_rows)
    else:
        renderer.rewind(state)
        body_rows = [render_row(cells, False) for cells in node.rows]
    return RowGroups(header, body_rows, heights, width, make, head_rows=head_rows)


def _measure(table: RLTable, renderer: PdfRenderer, heights: array) -> float:
    """Add the heights of `table`'s rows to `heights`; its width."""
    table.wrap(renderer.frame_width, renderer.frame_height)
    heights.extend(table._rowHeights)
    return table._width


class TableRows:
    """A table's rows, the header row (when there is one) first, read from the IR as they
    are asked for (never a copy of a long table's rows)."""
    __slots__ = ("header", "rows", "head_rows")

    def __init__(self, node: Table) -> None:
        self.header, self.rows, self.head_rows = node.header, node.rows, 1 if node.header else 0

    def __len__(self) -> int:
        return self.head_rows + len(self.rows)

    def __getitem__(self, index: int):
        if index < self.head_rows:
            return self.header
        return self.rows[index - self.head_rows]

    def __iter__(self):
        if self.head_rows:
            yield self.header
        yield from self.rows


class _ColumnTexts:
    """The plain text of one column's cells, made as column_widths reads them."""
    __slots__ = ("rows", "column")

    def __init__(self, rows: TableRows, column: int) -> None:
        self.rows, self.column = rows, column

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        c = self.column
        for cells in self.rows:
            yield plain_text(cells[c]) if c < len(cells) else ""

    def first(self) -> str:
        return next(iter(self), "")


class _MadeRows:
    """A long table's body rows made from the IR when a page needs them (see `_part`)."""
    __slots__ = ("rows", "render_row", "head_rows")

    def __init__(self, rows, render_row, head_rows: int) -> None:
        self.rows, self.render_row, self.head_rows = rows, render_row, head_rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, window: slice) -> list:
        rows = self.rows
        return [self.render_row(rows[i], False) for i in range(*window.indices(len(rows)))]


FIRST_ROWS = 2          # a table starts on a page only with its header and this many rows
PUSH_ROOM = 1 / 3       # a table that fits a page is moved whole only from this much room or less


class TableStart(CondPageBreak):
    """Decides, where a table is about to start, whether it starts here or on the next
    page: it moves on when there is not room for what leads into it (the headings above,
    render.keep_headings moves it before them, and the caption), its header and
    FIRST_ROWS rows; or when the whole table fits a page and moving it leaves no more than
    PUSH_ROOM of this page empty. Otherwise the table starts here and splits across pages
    by row, its header repeated: a table is never pushed whole off a page it would leave
    more than a third empty. (A CondPageBreak, so reportlab never puts it in a KeepTogether.)"""

    def __init__(self, lead: list, table, frame_height: float):
        super().__init__(0)
        self.lead, self.table, self.frame_height = list(lead), table, frame_height

    def __repr__(self):
        return f"TableStart({len(self.lead)} lead-ins)"

    def _heights(self, width: float) -> tuple[float, float]:
        """(what must fit to start here, the whole block)."""
        lead = 0.0
        for flowable in self.lead:
            lead += flowable.wrap(width, self.frame_height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        table = self.table
        if isinstance(table, RowGroups):
            rows, whole = table.sums, table.height
            first = rows[min(len(rows) - 1, 1 + FIRST_ROWS)]
        else:
            table.wrap(width, self.frame_height)
            heights = table._rowHeights
            first, whole = sum(heights[:1 + FIRST_ROWS]), table._height
        return lead + first, lead + whole

    def wrap(self, availWidth, availHeight):
        start, whole = self._heights(availWidth)
        if whole <= availHeight:
            move = False
        elif availHeight < start:
            move = True
        else:
            move = whole <= self.frame_height and availHeight <= self.frame_height * PUSH_ROOM
        self.height = availHeight + 1 if move else 0  # CondPageBreak breaks when its height does not fit
        return super().wrap(availWidth, availHeight)


class RowGroups(Flowable):
    """The body rows of a long table, laid out a page at a time. The whole table was
    measured once (`heights`, its rows' heights, the same in any table of those columns);
    on each page a reportlab table of the header row and just the rows that fit the room
    (and one more) is built and split by reportlab, and the rest stays a RowGroups. The
    pages look like one table split by row (header repeated, stripes continued, the same
    column widths), but each page costs the rows it holds rather than all the rows left
    (reportlab's own split re-measures those), so a long table takes linear time."""

    def __init__(self, header: list, body, heights, width: float, make, start: int | None = None,
                 sums: array | None = None, head_rows: int = 1, body_tags=None):
        super().__init__()
        self.head_rows = self._df_header_rows = head_rows  # 1: header[0] is the header row; 0: none (tagging.py)
        # `data` is what tagging.py tags when the table is registered: the header; the body
        # rows are tagged as each page's are made (`_df_body_tags`, set by tagging.py)
        self.data, self.body, self.make, self.width = header, body, make, width
        self._df_body_tags = body_tags
        self.start = head_rows if start is None else start  # the first row left, counted with the header
        # sums[i]: the height of rows 0..i-1 (row 0 the header, when there is one)
        self.sums = sums if sums is not None else array("d", accumulate(heights, initial=0))
        self.rows = head_rows + len(body)
        self.header_height = self.sums[head_rows]
        self.height = self.header_height + self.sums[-1] - self.sums[self.start]
        self.hAlign = "LEFT"

    def _table(self, end: int) -> RLTable:
        """The header and rows start..end-1, striped as they are in the whole table."""
        rows = self.body[self.start - self.head_rows:end - self.head_rows]
        if self._df_body_tags is not None:
            tagging.tag_body_rows(rows, self._df_body_tags)
        return self.make(self.data + rows, self.start - self.head_rows)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def split(self, availWidth, availHeight):
        if self.height <= availHeight:
            return [self._table(self.rows)]
        # the rows that fit by the measured heights, and one more for reportlab to decide on
        room = availHeight - self.header_height + self.sums[self.start]
        end = max(self.start + 1, min(self.rows, bisect_right(self.sums, room)))
        table = self._table(end)
        parts = table.split(availWidth, availHeight)
        if not parts:
            return []  # not even one row fits: the frame moves on
        placed = len(parts[0]._cellvalues) - self.head_rows
        if self.start + placed >= self.rows:
            return [parts[0]]
        rest = RowGroups(self.data, self.body, (), self.width, self.make, self.start + placed, self.sums,
                         self.head_rows, self._df_body_tags)
        return [parts[0], rest]

    def draw(self):  # everything left fitted
        table = self._table(self.rows)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _as_paragraphs(renderer: PdfRenderer, rows, lo: int, hi: int, head_rows: int = 1) -> list:
    """A row taller than a page cannot be drawn as a table row (reportlab does not split
    inside a row): such a table is written as one paragraph per cell, "header: value"."""
    renderer.diagnostics.add("a table row is taller than a page; that table is "
                             "written as paragraphs, one per cell")
    from .render import PARAGRAPH_CHUNK_CHARS, split_inlines  # render imports this module

    body, item = renderer.fonts.body, renderer.styles["item"]
    header, story = (rows[0] if head_rows else ()), []
    for cells in islice(rows, head_rows if len(rows) > head_rows else 0, None if len(rows) > head_rows else 1):
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
