"""Inline reading for the feed reader: URLs, DOIs and `[n]` citation markers.

Feeds carry almost no inline markup (link text is kept, URLs mostly dropped), so the
reader only recognises what cannot be mistaken: a URL or a DOI becomes a Link whose
text is exactly the characters written, and a `[1]`, `[2, 3]` or `[4-6]` marker
becomes CitationRefs (turned back into the same text later if no reference carries
that number). Emphasis markers are left as text: guessing them could lose characters.

Must never alter or drop a character of the text it is given, and stays linear.
"""
from __future__ import annotations

import re

from ...model import CitationRef, Link, Text

URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]"
                 r"|\bdoi:\s?10\.[0-9]{3,9}/[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]"
                 r"|\b10\.[0-9]{4,9}/[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]", re.IGNORECASE)
CITATION = re.compile(r"\[([0-9]{1,9}(?:\s*[,;–-]\s*[0-9]{1,9}){0,20})\]")


def url_target(token: str) -> str:
    """The address a URL-or-DOI token points to (`doi:10.1/x` -> https://doi.org/10.1/x)."""
    lowered = token.lower()
    if lowered.startswith("doi:"):
        return "https://doi.org/" + token[4:].strip()
    if lowered.startswith("10."):
        return "https://doi.org/" + token
    return token


def urls_in(text: str) -> list[str]:
    """Every URL or DOI target written in `text`, in order."""
    return [url_target(m.group(0)) for m in URL.finditer(text)]


def citation_numbers(marker_body: str) -> list[int]:
    """`2, 3` -> [2, 3]; `4-6` or `4–6` -> [4, 5, 6] (ranges up to 20 wide, else the ends)."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker_body):
        ends = re.split(r"\s*[–-]\s*", part)
        if len(ends) == 2 and ends[0] and ends[1] and 0 < int(ends[1]) - int(ends[0]) <= 20:
            numbers.extend(range(int(ends[0]), int(ends[1]) + 1))
        else:
            numbers.extend(int(e) for e in ends if e)
    return numbers


def parse_inlines(text: str) -> tuple:
    """Text -> inlines: URLs/DOIs as Links with their exact text, everything else Text."""
    if "://" not in text and "10." not in text:  # what every URL and DOI must contain
        return (Text(text),) if text else ()
    out: list = []
    pos = 0
    for m in URL.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        token = m.group(0)  # one string for the text and (most often) the address, not two copies
        out.append(Link((Text(token),), url_target(token)))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return tuple(out)


def link_citations(inlines: tuple, known: frozenset[int]) -> tuple:
    """Split `[n]` markers out of the Text inlines into CitationRef("ref-n"), but only
    markers whose every number is a known reference label: `[2, 3]` with no entry 3 stays
    the text it was. Links and other inlines are left alone."""
    out: list = []
    changed = False
    for node in inlines:
        if type(node) is not Text or "[" not in node.text:
            out.append(node)
            continue
        text, pos = node.text, 0
        for m in CITATION.finditer(text):
            numbers = citation_numbers(m.group(1))
            if not numbers or any(n not in known for n in numbers):
                continue
            if m.start() > pos:
                out.append(Text(text[pos:m.start()]))
            out.extend(CitationRef(f"ref-{n}") for n in numbers)
            pos = m.end()
            changed = True
        if pos < len(text):
            out.append(Text(text[pos:]) if pos else node)
    return tuple(out) if changed else inlines
