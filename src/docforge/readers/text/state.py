"""The state of one parse of a feed: its lines, the body's layout, what the rules built so
far, and the reason for each block (the Decisions `docforge inspect --explain` shows).

The rules of every stage read and extend one ParseState; it is a plain mutable class
(records are immutable), made afresh for each parse and never shared between parses.
It decides nothing itself: what a line or a block is, is the rules' business. It holds
the lines compact (lines.LineTable) and the blocks packed as they come (PackedBuilder),
and a Decision per block only when the parse explains (`keep_decisions`), so what one
parse holds is the packed IR plus a bounded window, not a record per line and block.
"""
from __future__ import annotations

from array import array
from typing import Optional

from ...errors import Diagnostic
from ...model import Document, Meta, PackedBuilder, plain_text
from ...records import Record
from .lines import BLANK, Line


class Decision(Record):
    """Why one block (or metadata field) came out as it did: for `docforge inspect --explain`."""
    kind: str          # "heading", "paragraph", "bullet_list", "table", "references", "title", ...
    rule: str          # the name of the rule function that decided it
    first_line: int    # 1-based input lines
    last_line: int
    preview: str


class ParseResult(Record):
    """One parse: the Document, its diagnostics and the decisions, in input order
    (satisfies readers.base.Parsed)."""
    document: Document
    diagnostics: list[Diagnostic]
    decisions: list[Decision]


HEADING_KINDS = ("explicit", "numbered", "bare")


class Layout:
    """How the body is laid out (decided once by measure_layout)."""
    __slots__ = ("blank_separated", "hard_wrapped", "width")

    def __init__(self) -> None:
        self.blank_separated = False
        self.hard_wrapped = False
        self.width = 0


class ParseState:
    """Everything one parse builds. Rules read `lines` and append through `emit`."""
    __slots__ = ("lines", "start", "end", "next_nonblank", "layout", "meta", "blocks",
                 "decisions", "meta_decisions", "diagnostics", "references_state", "heading_kinds",
                 "reference_count", "reference_labels", "section_number", "deepest_list",
                 "line_counts", "label_indents", "dash_items", "heading_mark", "candidate", "short_runs",
                 "previews", "keep_decisions")

    def __init__(self, lines, previews: bool = True, keep_decisions: bool = True) -> None:
        self.lines = lines                 # a lines.LineTable
        self.previews = previews           # decisions quote their block (--explain); else ""
        self.keep_decisions = keep_decisions  # read() needs none: no Decision per block then
        self.start = 0                     # first index of `lines` that is body
        self.end = len(lines)              # one past the last body index
        self.next_nonblank: list[int] = []
        self.layout = Layout()
        self.meta: dict = {"authors": [], "keywords": []}
        # the blocks read so far, packed a chunk at a time as they come (model.Packed), so
        # the parse never holds the whole unpacked block list
        self.blocks = PackedBuilder()
        self.decisions: list[Decision] = []        # parallel to blocks, unless keep_decisions is off
        self.meta_decisions: list[Decision] = []
        self.diagnostics: list[Diagnostic] = []
        self.references_state = ""         # "", "heading", "intro", "entries"
        # block index of every heading, and in parallel arrays its kind (HEADING_KINDS), its
        # level and whether its text is ALL CAPS: what post_rules.heading_levels decides
        # by, kept here so that it never reads the packed blocks back
        self.heading_kinds = (array("q"), bytearray(), array("q"), bytearray())
        self.reference_count = 0           # the highest reference number given so far
        self.reference_labels: set = set()
        self.section_number = 0            # the top number of the last numbered heading ("2" of 2.1)
        self.deepest_list = 0              # items in the longest list: a bound on its nesting depth
        self.line_counts: dict = {}        # short text line -> how often the body has it
        self.label_indents: set = set()    # indentations at which the body sets labels apart
        self.dash_items = False            # whether the body writes list items with `- `
        self.heading_mark = ""             # the permalink sign the page puts after its headings
        self.candidate: tuple = (-1, None)  # (position, its line if it may be a bare heading)
        self.short_runs: set = set()       # positions in runs of 3+ heading-like lines

    def emit(self, block, kind: str, rule: str, first: Line, last: Line, preview: str = "") -> None:
        """Append `block`, decided by the rule named `rule` from lines `first`..`last`."""
        self.blocks.append(block)
        if self.keep_decisions:
            self.decisions.append(Decision(kind, rule, first.number, last.number,
                                           (preview or plain_text(block))[:70] if self.previews else ""))

    def note(self, kind: str, rule: str, line: int, value: str) -> None:
        """Record that the rule named `rule` read a metadata field from `line`."""
        self.meta_decisions.append(Decision(kind, rule, line, line, value[:70]))

    def warn(self, message: str, line: int) -> None:
        self.diagnostics.append(Diagnostic(message, line=line))

    def following(self, pos: int) -> Optional[Line]:
        """The next non-blank body line after `pos`, or None."""
        k = self.next_nonblank[pos + 1] if pos + 1 < len(self.next_nonblank) else self.end
        return self.lines[k] if k < self.end else None

    def blank_after(self, pos: int) -> bool:
        return pos + 1 < self.end and self.lines.kinds[pos + 1] == BLANK

    def result(self) -> ParseResult:
        """The Document built so far, its diagnostics, and every decision by first line."""
        meta = self.meta
        document = Document(Meta(title=meta.get("title", ""), subtitle=meta.get("subtitle", ""),
                                 authors=tuple(meta["authors"]), date=meta.get("date", ""),
                                 language=meta.get("language", ""), keywords=tuple(meta["keywords"]),
                                 extra=tuple(sorted(meta.get("extra", ())))),
                            self.blocks.build())
        decisions = sorted(self.meta_decisions + self.decisions, key=lambda d: d.first_line)
        return ParseResult(document, self.diagnostics, decisions)
