"""The one escaper for XML and HTML text, and the one policy for characters XML cannot hold.

Every markup-based writer (HTML, EPUB, DOCX, the PDF's paragraph markup) escapes input
text here, in one of four flavours that differ only in which characters become
references: HTML escapes `& < > " '` everywhere (so a text may go in content or in an
attribute), XML element content `& < >` (what lxml writes, so DOCX text is byte for
byte what python-docx wrote), XML attributes also quotes and the whitespace an
attribute value would otherwise normalise, reportlab's paragraph markup `& < > "` (text and
double-quoted attribute values, exactly what the PDF writer always gave reportlab).

Characters XML 1.0 cannot hold (C0 controls except tab, LF and CR; lone surrogates;
U+FFFE/U+FFFF) and those HTML forbids on top (DEL, C1 controls, noncharacters) are
dropped, never replaced; the writer counts them and reports them once through
`dropped_diagnostic`. This module must never decide anything else about a document.
"""
from __future__ import annotations

import re

from ..errors import Diagnostic

_ILLEGAL_CHARS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                  # the last two code points of every astral plane are noncharacters too
                  + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                            for plane in range(1, 17)))
_ILLEGAL = re.compile(f"[{_ILLEGAL_CHARS}]")

# flavour -> (the characters it escapes, their references in the order they must be replaced)
_FLAVOURS = {
    "html": ("&<>\"'", (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))),
    "text": ("&<>", (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))),
    "attribute": ("&<>\"\t\n\r", (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                                  ("\t", "&#9;"), ("\n", "&#10;"), ("\r", "&#13;"))),
    # reportlab's paragraph markup: element content and double-quoted attribute values
    "markup": ("&<>\"", (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))),
}
# Per flavour, a pattern for "anything to change": most runs of text match nothing and are
# returned after one scan.
_NEEDS_WORK = {name: re.compile(f"[{re.escape(chars)}{_ILLEGAL_CHARS}]")
               for name, (chars, _) in _FLAVOURS.items()}


def strip_illegal(text: str) -> tuple[str, int]:
    """`text` without the characters XML cannot hold, and how many were dropped."""
    if text.isprintable() or _ILLEGAL.search(text) is None:
        return text, 0
    return _ILLEGAL.subn("", text)


def escape(text: str, flavour: str = "html") -> tuple[str, int]:
    """`text` escaped for markup of `flavour` ("html", "text", "attribute", "markup"), the characters
    XML cannot hold dropped; returns it with the number dropped."""
    chars, references = _FLAVOURS[flavour]
    # Most runs of text hold nothing to change, and a printable text holds no character XML
    # cannot hold: settling that with C-level scans is several times faster than the regex.
    if text.isprintable():
        if not any(char in text for char in chars):
            return text, 0
    elif _NEEDS_WORK[flavour].search(text) is None:
        return text, 0
    cleaned, dropped = _ILLEGAL.subn("", text)
    for char, reference in references:
        if char in cleaned:
            cleaned = cleaned.replace(char, reference)
    return cleaned, dropped


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold (for metadata fields and names)."""
    return strip_illegal(text)[0]


def has_illegal(text: str) -> bool:
    return _ILLEGAL.search(text) is not None


def dropped_diagnostic(count: int, where: str) -> Diagnostic:
    """The one message for characters a format could not hold."""
    return Diagnostic(f"dropped {count} control character(s) that {where} cannot hold")
