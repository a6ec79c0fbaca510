"""The line stage of the feed reader: the rules that give one input line its kind.

Every line of a feed gets exactly one kind from its own shape, by the first rule in
LINE_RULES that matches it (markdown-it-py's ordered rule lists: small named functions,
each documented by the line it matches). Kinds say what a line *looks like* alone
("bullet", "table_row", "text"...); whether a short text line is a heading or a
paragraph is decided later, with its neighbours, by block_rules. Fenced code, the one
reading that depends on other lines, is found by lines.classify before these run.

Each rule takes (raw line, stripped line) and returns (kind, text, marker) or None.
`text` is the line's content without its marker, whitespace collapsed; the marker is
returned apart, so no rule may drop a character. No pattern may backtrack on an
unbounded line: every rule stays linear.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from .predicates import collapse

# Each rule: (raw line, its stripped form) -> (kind, text, marker) or None.
LineRule = Callable[[str, str], Optional[tuple]]


def _kept_whole(kind: str, match: Optional[re.Match], stripped: str):
    """For lines whose number is part of their text (`2.1 Data`, `[3] Author`): the whole
    line as text, the number, also, as the marker."""
    return (kind, collapse(stripped), match.group(1)) if match else None


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


HASHES = re.compile(r"(#{1,6})(?:\s+|$)")


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


UNDERLINE = re.compile(r"(?:=+|-+)")


def underline_line(raw: str, stripped: str):
    """`=====` or `-----` alone: a setext underline when it follows a text line, else a rule."""
    if len(stripped) >= 3 and UNDERLINE.fullmatch(stripped):
        return "underline", stripped, stripped[0]
    return None


THEMATIC = re.compile(r"(?:(?:\*\s*){3,}|(?:_\s*){3,}|(?:-\s*){3,})")


def thematic_break_line(raw: str, stripped: str):
    """`***`, `___`, `- - -`: a horizontal rule."""
    if THEMATIC.fullmatch(stripped):
        return "rule", stripped, ""
    return None


TABLE_SEP = re.compile(r"\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?")


def table_separator_line(raw: str, stripped: str):
    """`---|---|` or `|:--|--:|`: the line under a pipe table's header."""
    if "|" in stripped and "-" in stripped and TABLE_SEP.fullmatch(stripped):
        return "table_sep", stripped, ""
    return None


# Bullets that need a space after them, and CJK bullets that are written without one.
BULLET = re.compile(r"([-*•–·+])\s+")
CJK_BULLET = re.compile(r"([・●○■□▪◦‣⁃➢►])\s*(?=\S)")


def bullet_line(raw: str, stripped: str):
    """`- item`, `* item`, `• item`, `– item`, `· item`, `+ item`; `・item` (CJK, no space)."""
    m = BULLET.match(stripped) or CJK_BULLET.match(stripped)
    if m:
        return "bullet", collapse(stripped[m.end():]), m.group(1)
    if stripped in ("-", "*", "•", "–", "·", "+"):
        return "bullet", "", stripped
    return None


SECTION_NUMBER = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,3})+)\.?\s+(?=\S)")


def section_number_line(raw: str, stripped: str):
    """`2.1 Data` or `2.1.3. Details`: a numbered section line (multi-level numbering)."""
    return _kept_whole("section_number", SECTION_NUMBER.match(stripped), stripped)


# Ordered markers: 1. 1) (1) a. a) (a) i. ii) (iv). Digits are ASCII only: int() must
# read them back and a superscript or other numeral is text, not a marker.
# Up to 9 digits: lists and bibliographies run past 999 (lines.py keeps a number of four
# digits or more a marker only where it continues the numbering, so "2024. A year" stays text).
ORDERED_NUMBER = re.compile(r"([0-9]{1,9})[.)]\s+")
ORDERED_PAREN = re.compile(r"\(([0-9]{1,9}|[a-z]|[ivxl]{1,5})\)\s+")
ORDERED_LETTER = re.compile(r"([a-z])[.)]\s+|([A-Z])\)\s+")
ORDERED_ROMAN = re.compile(r"((?:x{0,3})(?:ix|iv|v?i{0,3}))[.)]\s+|((?:X{0,3})(?:IX|IV|V?I{0,3}))[.)]\s+")


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


BRACKET_ITEM = re.compile(r"\[([0-9]{1,9})\]\s+")


def bracket_item_line(raw: str, stripped: str):
    """`[3] Author, Title`: a reference entry in a References section, a paragraph elsewhere."""
    return _kept_whole("bracket_item", BRACKET_ITEM.match(stripped), stripped)


def quote_line(raw: str, stripped: str):
    """`> quoted text`."""
    if stripped.startswith(">"):
        return "quote", collapse(stripped[1:]), ">"
    return None


UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


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
