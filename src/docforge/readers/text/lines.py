"""The first pass of the feed reader: decoded text -> one classified `Line` per input line.

Newlines are normalised, then every line is classified by line_rules.LINE_RULES, except
fenced code, the only reading that depends on other lines: lines between a fence and its
closing fence are "code" whatever they look like. A fence that is never closed is
ordinary text (a stray ``` must not turn the rest of an article into code).

Must never drop text (`Line.raw` keeps every line as written) and must stay linear in
the size of the input: the fence pairing is one backward and one forward pass. The lines
are kept compact (LineTable: offsets into the one text, a kind byte per line), and a
Line (a named tuple: cheap to make again) is made when a rule asks for it, so the
reader's scratch is not a record and a string per input line.
"""
from __future__ import annotations

import re
from array import array

from typing import NamedTuple

from .line_rules import LINE_RULES, MAYBE_MARKED, PLAIN_RULES
from .predicates import collapse

FENCE = re.compile(r"(`{3,}|~{3,})\s*([^`]*)")


class Line(NamedTuple):
    """One input line. `number` is 1-based; `indent` counts columns (a tab is 4).
    A named tuple, not a Record: the reader makes about three per input line (classify,
    then LineTable makes them again on demand), and a tuple is built in one C call where
    a Record's __init__ sets six slots one by one (a third of the reader's extra time)."""
    number: int
    kind: str
    text: str
    indent: int = 0
    marker: str = ""
    raw: str = ""


_new_line = tuple.__new__  # _new_line(Line, (number, kind, text, indent, marker, raw)): no Python call


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a BOM that survived decoding is dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def indent_of(raw: str) -> int:
    """Leading columns of `raw`, a tab counting 4: nesting depth is relative, so the
    exact tab width does not matter, only that a tab is deeper than a space."""
    prefix = len(raw) - len(raw.lstrip(" \t"))
    return prefix + 3 * raw.count("\t", 0, prefix)


def classify_line(number: int, raw: str) -> Line:
    """The Line for `raw` by the first matching rule of LINE_RULES (outside fences)."""
    stripped = raw.strip()
    marked = not stripped or "|" in stripped or MAYBE_MARKED.match(stripped)
    for rule in LINE_RULES if marked else PLAIN_RULES:
        found = rule(raw, stripped)
        if found is not None:
            kind, text, marker = found
            if text == raw:  # most lines: one string, not an equal copy (the reader's peak memory)
                text = raw
            return _new_line(Line, (number, kind, text, indent_of(raw), marker, raw))
    raise AssertionError("text_line matches every line")  # pragma: no cover


KINDS = ("blank", "escaped", "hash_heading", "underline", "rule", "table_sep", "bullet", "section_number",
         "ordered", "bracket_item", "quote", "table_row", "text", "code", "fence_open", "fence_close", "stray_fence")
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
BLANK = _KIND_CODE["blank"]

# How a line is made again from its raw text (LineTable._make):
RAW = 0           # text is the raw line, no marker (most lines; code lines)
SPANS = 1         # text and marker are slices of the raw line (LineTable's offset arrays)
RECLASSIFY = 2    # classify_line gives it again
FENCE_CLOSE, STRAY_FENCE, FENCE_OPEN, NUMBER_AS_TEXT = 3, 4, 5, 6
_SPAN_LIMIT = 0xFFFF  # offsets are stored in 16 bits; longer lines are classified again
CACHED_LINES = 2048   # Line records kept for the block rules' lookups around their position


class LineTable(dict):
    """The classified lines of one feed, compact: per line its start in the text, its kind
    and how to make its Line again (a byte each, and four 16-bit offsets), instead of a
    Line record and a string per line, which cost the reader several bytes per input byte.
    `table[k]` makes line k's Line on first use and keeps the last CACHED_LINES made (a
    dict with __missing__: a cached line is found at C speed, and the block rules ask
    about the same few lines many times); `len()` is the number of lines; iterating (or
    `lines(a, b)`) makes the Lines in passing without keeping them; `kinds` holds every
    line's kind code (KINDS), for passes that need nothing else.
    """
    __slots__ = ("text", "starts", "kinds", "forms", "spans", "indents", "count")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.starts = array("q")    # line k is text[starts[k]:starts[k + 1] - 1]
        self.kinds = bytearray()
        self.forms = bytearray()
        self.spans = array("H")     # per line: text start, text end, marker start, marker end
        self.indents = array("H")   # per line its indent (_SPAN_LIMIT: count it again)
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def raw(self, k: int) -> str:
        return self.text[self.starts[k]:self.starts[k + 1] - 1]

    def kind(self, k: int) -> str:
        return KINDS[self.kinds[k]]

    def add(self, line: Line, form: int = -1) -> None:
        """Record `line` (the next one): its kind and how to make it again."""
        raw, text, marker = line.raw, line.text, line.marker
        spans = (0, 0, 0, 0)
        if form < 0:
            if not marker and (text is raw or text == raw):
                form = RAW
            else:
                form = RECLASSIFY
                if len(raw) <= _SPAN_LIMIT:
                    t = raw.find(text) if text else 0
                    m = raw.find(marker) if marker else 0
                    if t >= 0 and m >= 0:  # any occurrence will do: the slices equal the strings
                        form, spans = SPANS, (t, t + len(text), m, m + len(marker))
        self.kinds.append(_KIND_CODE[line.kind])
        self.forms.append(form)
        self.spans.extend(spans)
        self.indents.append(min(line.indent, _SPAN_LIMIT))
        self.count += 1

    def __missing__(self, k: int) -> Line:
        if type(k) is not int or not 0 <= k < self.count:
            raise IndexError(f"line index {k!r} out of range")
        if dict.__len__(self) >= CACHED_LINES:
            dict.clear(self)
        line = self._make(k)
        dict.__setitem__(self, k, line)
        return line

    def line(self, k: int) -> Line:
        """Line k, from the cache or made in passing (not kept)."""
        line = dict.get(self, k)
        return line if line is not None else self._make(k)

    def __iter__(self):
        return self.__call__(0, self.count)

    def __call__(self, start: int, stop: int):
        """The Lines start..stop-1, made in passing."""
        get, make = dict.get, self._make
        for k in range(max(start, 0), min(stop, self.count)):
            line = get(self, k)
            yield line if line is not None else make(k)

    def _make(self, k: int) -> Line:
        raw = self.text[self.starts[k]:self.starts[k + 1] - 1]
        form, kind, number = self.forms[k], KINDS[self.kinds[k]], k + 1
        indent = self.indents[k]
        if indent == _SPAN_LIMIT:
            indent = indent_of(raw)
        if form == RAW:
            return _new_line(Line, (number, kind, raw, indent, "", raw))
        if form == SPANS:
            t, te, m, me = self.spans[4 * k:4 * k + 4]
            return _new_line(Line, (number, kind, raw[t:te], indent, raw[m:me], raw))
        if form == RECLASSIFY:
            return classify_line(number, raw)
        stripped = raw.strip()
        if form == FENCE_CLOSE:
            return Line(number, kind, stripped, indent, stripped, raw)
        if form == STRAY_FENCE:
            return Line(number, kind, collapse(stripped), indent, "", raw)
        if form == FENCE_OPEN:
            m = FENCE.fullmatch(stripped)
            return Line(number, kind, collapse(m.group(2)), indent, m.group(1), raw)  # type: ignore[union-attr]
        return Line(number, "text", collapse(raw), indent, "", raw)  # NUMBER_AS_TEXT


def classify(text: str) -> LineTable:
    """Classify every line of `text` (newlines normalised); fenced code first, since it
    overrides every other reading.

    A fence opens only if a matching closing fence (same character, at least as long)
    follows; the pairing is found in one backward pass, so the whole is linear. The list
    of line strings lives only while the lines are classified; the table keeps offsets.
    """
    raw_lines = text.split("\n")
    table = LineTable(text)
    fence: str | None = None       # the closing fence we are inside of
    # For each fence-looking line, whether a later line can close it: scan backwards once,
    # remembering the longest later backtick and tilde fences seen so far.
    closable: dict[int, bool] = {}
    longest_after = {"`": 0, "~": 0}
    for k in range(len(raw_lines) - 1, -1, -1):
        raw = raw_lines[k]
        if "`" not in raw and "~" not in raw:
            continue
        stripped = raw.strip()
        m = FENCE.fullmatch(stripped) if stripped[:1] in ("`", "~") else None
        if m:
            char, size = m.group(1)[0], len(m.group(1))
            closable[k] = longest_after[char] >= size
            if not m.group(2).strip():
                longest_after[char] = max(longest_after[char], size)
    last: dict[str, int] = {}  # the last number of each numbered kind (see _long_number_is_text)
    start = 0
    starts = table.starts
    for k, raw in enumerate(raw_lines):
        starts.append(start)
        start += len(raw) + 1
        number = k + 1
        if fence is not None:
            stripped = raw.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                table.add(Line(number, "fence_close", stripped, indent_of(raw), stripped, raw), FENCE_CLOSE)
                fence = None
            else:
                table.add(_new_line(Line, (number, "code", raw, indent_of(raw), "", raw)), RAW)
            continue
        if k in closable:
            if not closable[k]:  # nothing closes it: text, so one stray ``` cannot eat an article
                table.add(Line(number, "stray_fence", "", indent_of(raw), "", raw), STRAY_FENCE)
                continue
            fence = FENCE.fullmatch(raw.strip()).group(1)  # type: ignore[union-attr]
            table.add(Line(number, "fence_open", "", indent_of(raw), fence, raw), FENCE_OPEN)
            continue
        line = classify_line(number, raw)
        if _long_number_is_text(line, last):
            table.add(Line(number, "text", "", line.indent, "", raw), NUMBER_AS_TEXT)
        else:
            table.add(line)
    starts.append(start)
    return table


NUMBERED_KINDS = ("ordered", "bracket_item")
SHORT_NUMBER = 3  # digits a marker may have anywhere; longer ones only continue a list


def _long_number_is_text(line: Line, last: dict) -> bool:
    """`1000. Entry` after `999. Entry` is the next item; `2024. A year to remember` with no
    item 2023 before it is text. A marker of four digits or more stays a marker only when
    the last item of its kind (any lines between) carries the number before it."""
    if line.kind not in NUMBERED_KINDS or not line.marker.isdigit():
        return False
    number = int(line.marker)
    if len(line.marker) > SHORT_NUMBER and last.get(line.kind) != number - 1:
        return True
    last[line.kind] = number
    return False
