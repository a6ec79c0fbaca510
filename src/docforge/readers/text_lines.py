"""Line classification for the plain-text reader: one input line -> one classified `Line`.

The first pass of readers/text.py. Every line of a feed gets exactly one kind, decided
by the first rule in LINE_RULES that matches it (the markdown-it-py style: small named
functions, tried in order). Kinds describe what a line *looks like* on its own
("bullet", "table_row", "text"...); whether a short text line is a heading or a
paragraph is decided later, with its neighbours, by the block rules in text.py.

Fenced code is the only state: lines between a fence and its closing fence are "code"
whatever they look like. A fence that is never closed is ordinary text (a stray ```
must not turn the rest of an article into code).

This module must never drop text: `Line.text` holds the line's content with its
marker removed and runs of whitespace collapsed, and the marker itself is kept in
`Line.marker`. It must stay linear in the size of the input (no backtracking-prone
patterns on unbounded lines).
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ..records import Record

# Bullets that need a space after them, and CJK bullets that are written without one.
BULLET = re.compile(r"([-*•–·+])\s+")
CJK_BULLET = re.compile(r"([・●○■□▪◦‣⁃➢►])\s*(?=\S)")
# Ordered markers: 1. 1) (1) a. a) (a) i. ii) (iv). Digits are ASCII only: int() must
# read them back and a superscript or other numeral is text, not a marker.
ORDERED_NUMBER = re.compile(r"([0-9]{1,3})[.)]\s+")
ORDERED_PAREN = re.compile(r"\(([0-9]{1,3}|[a-z]|[ivxl]{1,5})\)\s+")
ORDERED_LETTER = re.compile(r"([a-z])[.)]\s+|([A-Z])\)\s+")
ORDERED_ROMAN = re.compile(r"((?:x{0,3})(?:ix|iv|v?i{0,3}))[.)]\s+|((?:X{0,3})(?:IX|IV|V?I{0,3}))[.)]\s+")
BRACKET_ITEM = re.compile(r"\[([0-9]{1,3})\]\s+")
SECTION_NUMBER = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,3})+)\.?\s+(?=\S)")
HASHES = re.compile(r"(#{1,6})(?:\s+|$)")
UNDERLINE = re.compile(r"(?:=+|-+)")
THEMATIC = re.compile(r"(?:(?:\*\s*){3,}|(?:_\s*){3,}|(?:-\s*){3,})")
TABLE_SEP = re.compile(r"\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?")
FENCE = re.compile(r"(`{3,}|~{3,})\s*([^`]*)")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


class Line(Record):
    """One input line. `number` is 1-based; `indent` counts columns (a tab is 4)."""
    number: int
    kind: str
    text: str
    indent: int = 0
    marker: str = ""
    raw: str = ""


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed."""
    return " ".join(text.split())


def indent_of(raw: str) -> int:
    """Leading columns of `raw`, a tab counting 4: nesting depth is relative, so the
    exact tab width does not matter, only that a tab is deeper than a space."""
    prefix = len(raw) - len(raw.lstrip(" \t"))
    return prefix + 3 * raw.count("\t", 0, prefix)


# Each rule: (raw line, its stripped form) -> (kind, text, marker) or None.
LineRule = Callable[[str, str], Optional[tuple]]


def blank_line(raw: str, stripped: str):
    """An empty line or one of whitespace only."""
    if not stripped:
        return "blank", "", ""
    return None


def escaped_line(raw: str, stripped: str):
    """`\\Some line`: the editor's escape, always a paragraph whatever it looks like."""
    if stripped.startswith("\\") and len(stripped) > 1 and not stripped.startswith("\\|"):
        return "escaped", collapse(stripped[1:]), "\\"
    return None


def hash_heading_line(raw: str, stripped: str):
    """`## Heading` (1-6 `#` then a space): an explicit heading; trailing `#`s dropped."""
    m = HASHES.match(stripped)
    if not m:
        return None
    body = stripped[m.end():].rstrip()
    closing = body.rstrip("#")
    if closing != body and (not closing or closing[-1] in " \t"):
        body = closing.rstrip()
    if not body:
        return None
    return "hash_heading", collapse(body), m.group(1)


def underline_line(raw: str, stripped: str):
    """`=====` or `-----` alone: a setext underline when it follows a text line, else a rule."""
    if len(stripped) >= 3 and UNDERLINE.fullmatch(stripped):
        return "underline", stripped, stripped[0]
    return None


def thematic_break_line(raw: str, stripped: str):
    """`***`, `___`, `- - -`: a horizontal rule."""
    if THEMATIC.fullmatch(stripped):
        return "rule", stripped, ""
    return None


def table_separator_line(raw: str, stripped: str):
    """`---|---|` or `|:--|--:|`: the line under a pipe table's header."""
    if "|" in stripped and "-" in stripped and TABLE_SEP.fullmatch(stripped):
        return "table_sep", stripped, ""
    return None


def bullet_line(raw: str, stripped: str):
    """`- item`, `* item`, `• item`, `– item`, `· item`, `+ item`; `・item` (CJK, no space)."""
    m = BULLET.match(stripped) or CJK_BULLET.match(stripped)
    if m:
        return "bullet", collapse(stripped[m.end():]), m.group(1)
    if stripped in ("-", "*", "•", "–", "·", "+"):
        return "bullet", "", stripped
    return None


def section_number_line(raw: str, stripped: str):
    """`2.1 Data` or `2.1.3. Details`: a numbered section line (multi-level numbering)."""
    m = SECTION_NUMBER.match(stripped)
    if m:
        return "section_number", collapse(stripped), m.group(1)
    return None


def ordered_line(raw: str, stripped: str):
    """`1. item`, `1) item`, `(1) item`, `a. item`, `(a) item`, `A) item`, `iv. item`, `II. Methods`."""
    for pattern in (ORDERED_NUMBER, ORDERED_PAREN):
        m = pattern.match(stripped)
        if m:
            return "ordered", collapse(stripped[m.end():]), m.group(1)
    m = ORDERED_ROMAN.match(stripped)
    if m and (m.group(1) or m.group(2)):
        return "ordered", collapse(stripped[m.end():]), m.group(1) or m.group(2)
    m = ORDERED_LETTER.match(stripped)
    if m:
        return "ordered", collapse(stripped[m.end():]), m.group(1) or m.group(2)
    return None


def bracket_item_line(raw: str, stripped: str):
    """`[3] Author, Title`: a reference entry in a References section, a paragraph elsewhere."""
    m = BRACKET_ITEM.match(stripped)
    if m:
        return "bracket_item", collapse(stripped), m.group(1)
    return None


def quote_line(raw: str, stripped: str):
    """`> quoted text`."""
    if stripped.startswith(">"):
        return "quote", collapse(stripped[1:]), ">"
    return None


def table_row_line(raw: str, stripped: str):
    """`a | b | c |`: a line with an unescaped pipe (a table row if a separator is near)."""
    if "|" in stripped and UNESCAPED_PIPE.search(stripped):
        return "table_row", stripped, ""
    return None


def text_line(raw: str, stripped: str):
    """Anything else: text, whose role (heading, paragraph, keywords) is decided later."""
    return "text", collapse(stripped), ""


LINE_RULES: tuple[LineRule, ...] = (
    blank_line,
    escaped_line,
    hash_heading_line,
    underline_line,
    thematic_break_line,
    table_separator_line,
    bullet_line,
    section_number_line,
    ordered_line,
    bracket_item_line,
    quote_line,
    table_row_line,
    text_line,
)


# Every line a rule before text_line can match starts like this or holds a pipe; the rest
# (most prose lines) go straight to text_line. tests/readers/test_text.py checks that this
# never changes a line's reading.
MAYBE_MARKED = re.compile(r"[\\#=*_>\[(0-9\-•–·+・●○■□▪◦‣⁃➢►]|[A-Za-z]{1,8}[.)]")
PLAIN_RULES: tuple[LineRule, ...] = (text_line,)


def classify_line(number: int, raw: str) -> Line:
    """The Line for `raw` by the first matching rule of LINE_RULES (outside fences)."""
    stripped = raw.strip()
    marked = not stripped or "|" in stripped or MAYBE_MARKED.match(stripped)
    for rule in LINE_RULES if marked else PLAIN_RULES:
        found = rule(raw, stripped)
        if found is not None:
            kind, text, marker = found
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
    return lines
