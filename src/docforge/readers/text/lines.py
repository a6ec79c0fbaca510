"""The first pass of the feed reader: decoded text -> one classified `Line` per input line.

Newlines are normalised, then every line is classified by line_rules.LINE_RULES, except
fenced code, the only reading that depends on other lines: lines between a fence and its
closing fence are "code" whatever they look like. A fence that is never closed is
ordinary text (a stray ``` must not turn the rest of an article into code).

Must never drop text (`Line.raw` keeps every line as written) and must stay linear in
the size of the input: the fence pairing is one backward and one forward pass.
"""
from __future__ import annotations

import re

from ...records import Record
from .line_rules import LINE_RULES, MAYBE_MARKED, PLAIN_RULES
from .predicates import collapse

FENCE = re.compile(r"(`{3,}|~{3,})\s*([^`]*)")


class Line(Record):
    """One input line. `number` is 1-based; `indent` counts columns (a tab is 4)."""
    number: int
    kind: str
    text: str
    indent: int = 0
    marker: str = ""
    raw: str = ""


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
            return Line(number, kind, text, indent_of(raw), marker, raw)
    raise AssertionError("text_line matches every line")  # pragma: no cover


def classify(raw_lines: list[str], first_number: int = 1) -> list[Line]:
    """Classify every line; fenced code first, since it overrides every other reading.

    A fence opens only if a matching closing fence (same character, at least as long)
    follows; the pairing is found in one forward pass, so the whole is linear.
    """
    lines: list[Line] = []
    fence: str | None = None       # the closing fence we are inside of
    # For each fence-looking line, whether a later line can close it: scan backwards once,
    # remembering the longest later backtick and tilde fences seen so far.
    closable: dict[int, bool] = {}
    longest_after = {"`": 0, "~": 0}
    for k in range(len(raw_lines) - 1, -1, -1):
        stripped = raw_lines[k].strip()
        m = FENCE.fullmatch(stripped) if stripped[:1] in ("`", "~") else None
        if m:
            char, size = m.group(1)[0], len(m.group(1))
            closable[k] = longest_after[char] >= size
            if not m.group(2).strip():
                longest_after[char] = max(longest_after[char], size)
    for k, raw in enumerate(raw_lines):
        number = first_number + k
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                lines.append(Line(number, "fence_close", stripped, indent_of(raw), stripped, raw))
                fence = None
            else:
                lines.append(Line(number, "code", raw, indent_of(raw), "", raw))
            continue
        if k in closable:
            if not closable[k]:  # nothing closes it: text, so one stray ``` cannot eat an article
                lines.append(Line(number, "stray_fence", collapse(stripped), indent_of(raw), "", raw))
                continue
            m = FENCE.fullmatch(stripped)
            fence = m.group(1)
            lines.append(Line(number, "fence_open", collapse(m.group(2)), indent_of(raw), fence, raw))
            continue
        lines.append(classify_line(number, raw))
    return _long_numbers_continue_their_list(lines)


NUMBERED_KINDS = ("ordered", "bracket_item")
SHORT_NUMBER = 3  # digits a marker may have anywhere; longer ones only continue a list


def _long_numbers_continue_their_list(lines: list[Line]) -> list[Line]:
    """`1000. Entry` after `999. Entry` is the next item; `2024. A year to remember` with no
    item 2023 before it is text. A marker of four digits or more stays a marker only when
    the last item of its kind (any lines between) carries the number before it."""
    last: dict[str, int] = {}
    for k, line in enumerate(lines):
        if line.kind not in NUMBERED_KINDS or not line.marker.isdigit():
            continue
        number = int(line.marker)
        if len(line.marker) > SHORT_NUMBER and last.get(line.kind) != number - 1:
            lines[k] = Line(line.number, "text", collapse(line.raw), line.indent, "", line.raw)
            continue
        last[line.kind] = number
    return lines
