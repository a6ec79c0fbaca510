"""Inline reading for the feed reader: URLs, DOIs and `[n]` citation markers.

Feeds carry almost no inline markup (link text is kept, URLs mostly dropped), so the
reader only recognises what cannot be mistaken: a URL or a DOI becomes a Link whose
text is exactly the characters written, and a `[1]`, `[2, 3]` or `[4-6]` marker
becomes CitationRefs (turned back into the same text later if no reference carries
that number). Emphasis markers are left as text: guessing them could lose characters.

Short runs of text (" and ", ", ", a table cell's "Yes") are one shared Text record and
one shared one-Text tuple (`text_run`, `text_inlines`): records are immutable, so equal
values may be the same object, and a repeated run then costs a pointer instead of a
record, a string and a tuple (~150 bytes). The share is bounded (SHARED_RUNS entries, kept
for the process), so unique text costs nothing more than before.

Must never alter or drop a character of the text it is given, and stays linear.
"""
from __future__ import annotations

import re

from ...model import CitationRef, Link, Text

URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]"
                 r"|\bdoi:\s?10\.[0-9]{3,9}/[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]"
                 r"|\b10\.[0-9]{4,9}/[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]", re.IGNORECASE)
CITATION = re.compile(r"\[([0-9]{1,9}(?:\s*[,;–-]\s*[0-9]{1,9}){0,20})\]")


SHARED_RUN_CHARS = 32    # longer runs rarely repeat
SHARED_RUNS = 1_024      # ~150 KB at most, for the life of the process (the packed IR
# shares nothing between chunks, so a larger share would only cost memory)
_shared: dict[str, tuple] = {}


def text_inlines(text: str) -> tuple:
    """`(Text(text),)`, the same tuple for a short text met again (see the module doc)."""
    if len(text) > SHARED_RUN_CHARS:
        return (Text(text),)
    inlines = _shared.get(text)
    if inlines is None:
        inlines = (Text(text),)
        if len(_shared) < SHARED_RUNS:
            _shared[text] = inlines
    return inlines


def text_run(text: str) -> Text:
    """`Text(text)`, the same record for a short text met again."""
    return text_inlines(text)[0] if len(text) <= SHARED_RUN_CHARS else Text(text)


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
        return text_inlines(text) if text else ()
    out: list = []
    pos = 0
    for m in URL.finditer(text):
        if m.start() > pos:
            out.append(text_run(text[pos:m.start()]))
        token = m.group(0)  # one string for the text and (most often) the address, not two copies
        out.append(Link((Text(token),), url_target(token)))
        pos = m.end()
    if pos < len(text):
        out.append(text_run(text[pos:]))
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
                out.append(text_run(text[pos:m.start()]))
            out.extend(CitationRef(f"ref-{n}") for n in numbers)
            pos = m.end()
            changed = True
        if pos < len(text):
            out.append(text_run(text[pos:]) if pos else node)
    return tuple(out) if changed else inlines
