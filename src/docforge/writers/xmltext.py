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
never written. The one rule, for every writer (the JSON writer applies it too, through
`clean_json`): a control character that separates text (vertical tab, form feed, the
information separators U+001C-U+001F, NEL U+0085: what str.split and str.splitlines break
at) is written as a space, so the words either side stay apart ("0\f0" is "0 0"); every
other one is dropped ("0\x010" is "00": a stray control inside a word is not a gap). Tab,
LF and CR are kept as the whitespace they are. The writer counts both kinds and reports
them once through `dropped_diagnostic`. This module must never decide anything else about
a document.
"""
from __future__ import annotations

import re

from ..errors import Diagnostic

_ILLEGAL_CHARS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                  # the last two code points of every astral plane are noncharacters too
                  + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                            for plane in range(1, 17)))
_ILLEGAL = re.compile(f"[{_ILLEGAL_CHARS}]")
# Controls that separate text (a page, line or record break): a space, never nothing.
SEPARATOR_CHARS = "\x0b\x0c\x1c-\x1f\x85"
_SEPARATOR = re.compile(f"[{SEPARATOR_CHARS}]")

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


def _clean(text: str) -> tuple[str, int]:
    """The one rule: separators as a space, the other characters XML cannot hold dropped;
    with how many characters were changed (both kinds)."""
    spaced, separators = _SEPARATOR.subn(" ", text)
    cleaned, dropped = _ILLEGAL.subn("", spaced)
    return cleaned, separators + dropped


def strip_illegal(text: str) -> tuple[str, int]:
    """`text` without the characters XML cannot hold (separators as a space, the rest
    dropped), and how many were changed."""
    if text.isprintable() or _ILLEGAL.search(text) is None:
        return text, 0
    return _clean(text)


def escape(text: str, flavour: str = "html") -> tuple[str, int]:
    """`text` escaped for markup of `flavour` ("html", "text", "attribute", "markup"), the characters
    XML cannot hold left out by the one rule (separators as a space); returns it with the
    number of characters left out."""
    chars, references = _FLAVOURS[flavour]
    # Most runs of text hold nothing to change, and a printable text holds no character XML
    # cannot hold: settling that with C-level scans is several times faster than the regex.
    if text.isprintable():
        if not any(char in text for char in chars):
            return text, 0
    elif _NEEDS_WORK[flavour].search(text) is None:
        return text, 0
    cleaned, dropped = _clean(text)
    for char, reference in references:
        if char in cleaned:
            cleaned = cleaned.replace(char, reference)
    return cleaned, dropped


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold (for metadata fields and names)."""
    return strip_illegal(text)[0]


def has_illegal(text: str) -> bool:
    return _ILLEGAL.search(text) is not None


# In JSON text (json.dumps, ensure_ascii=False): C0 controls are escapes (\u000b, \f, \b) not
# preceded by an escaped backslash; DEL and C1 controls are themselves.
_JSON_SEPARATOR = re.compile(r"(?<!\\)((?:\\\\)*)(?:\\f|\\u000[bB]|\\u001[c-fC-F])|\x85")
_JSON_CONTROL = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u00(?:0[0-8eEfF]|1[0-9a-bA-B])|b)|[\x7f-\x84\x86-\x9f]")

_JSON_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def clean_json(text: str) -> tuple[str, int]:
    """The one rule applied to JSON text: separators as a space (inside the string they
    were in), the other controls but tab, LF and CR dropped; with how many were changed."""
    # C-level scans settle the usual chunk, which holds none (json.dumps escapes no other C0
    # control, and a false alarm such as an escaped backslash before "f" only costs the regexes)
    if ("\\u00" not in text and "\\b" not in text and "\\f" not in text
            and "\x7f" not in text and (text.isascii() or _JSON_RAW_CONTROL.search(text) is None)):
        return text, 0
    text, separators = _JSON_SEPARATOR.subn(lambda m: (m.group(1) or "") + " ", text)
    text, dropped = _JSON_CONTROL.subn(lambda m: m.group(1) or "", text)
    return text, separators + dropped


def dropped_diagnostic(count: int, where: str) -> Diagnostic:
    """The one message for control characters a format could not hold (xmltext's rule)."""
    return Diagnostic(f"dropped {count} control character(s) that {where} cannot hold "
                      "(a separator among them: form feed, vertical tab, U+001C-U+001F, U+0085, "
                      "is written as a space)")
