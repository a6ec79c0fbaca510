"""Small helpers several writers share: XML-safe text and the diagnostics a run collects.

Nothing format-specific lives here; a writer's markup belongs to its own module.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from ..errors import Diagnostic

# Characters XML 1.0 cannot hold (C0 controls except tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF) and those HTML forbids on top (DEL, C1 controls, noncharacters).
# Dropped from every XML-based output (HTML, EPUB, DOCX).
_XML_ILLEGAL_CHARS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      # the last two code points of every astral plane are noncharacters too
                      + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                for plane in range(1, 17)))
_XML_ILLEGAL = re.compile(f"[{_XML_ILLEGAL_CHARS}]")
# Anything markup_text() must change: markup characters or characters XML cannot hold.
_NEEDS_ESCAPING = re.compile(f"[&<>\"'{_XML_ILLEGAL_CHARS}]")
SAFE_URL_SCHEMES = ("http://", "https://", "mailto:")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def xml_safe(text: str, diagnostics: list[Diagnostic] | None = None, where: str = "") -> str:
    """`text` without the characters XML cannot hold; records one diagnostic when some were dropped."""
    cleaned, count = _XML_ILLEGAL.subn("", text)
    if count and diagnostics is not None:
        diagnostics.append(Diagnostic(
            f"dropped {count} control character(s) that {where or 'XML'} cannot hold"))
    return cleaned


def markup_text(text: str) -> tuple[str, int]:
    """`text` for XML/HTML element content or attribute values: `& < > " '` escaped and the
    characters XML cannot hold dropped; returns it with the number dropped. Most runs of
    text need neither, and are returned as they are after one scan."""
    if _NEEDS_ESCAPING.search(text) is None:
        return text, 0
    cleaned, dropped = _XML_ILLEGAL.subn("", text)
    return (cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;")), dropped


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), mailto or an in-document anchor; None for anything else
    (javascript:, data:, file:, relative paths), which writers then show as plain text."""
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith(SAFE_URL_SCHEMES) or (url.startswith("#") and len(url) > 1):
        if _XML_ILLEGAL.search(url) or any(ch in url for ch in "\n\r\t"):
            return None
        # Percent-encode what a URL may not contain raw (spaces, quotes, <, >, non-ASCII
        # stays as UTF-8 octets) so that every format's validator accepts it.
        return quote(url, safe=_URL_SAFE)
    return None


def internal_anchor(url: str) -> str | None:
    """The id an in-document link (`#id`) points at, as written: safe_url percent-encodes
    non-ASCII for the URL-based formats, but DOCX bookmarks and PDF destinations are
    matched by the id itself."""
    url = url.strip()
    if url.startswith("#") and safe_url(url) is not None:
        return url[1:]
    return None


def column_widths(texts_by_column: list[list[str]], total: float, char_width: float,
                  padding: float) -> list[float]:
    """Share `total` between columns by content, the same way in DOCX and PDF: first each
    column gets room for its longest word (capped at 18 characters: longer words wrap), then
    the rest goes in proportion to each column's average text length (capped, so one long
    column cannot starve the others). When even the words do not fit, they shrink alike."""
    needs, weights = [], []
    for texts in texts_by_column:
        words = [len(w) for t in texts for w in t.split()] or [1]
        needs.append(min(max(words), 18) * char_width + padding)
        weights.append(min(60.0, max(1.0, sum(len(t) for t in texts) / max(1, len(texts)))))
    need = sum(needs)
    if need >= total:
        widths = [n * total / need for n in needs]
    else:
        extra = total - need
        widths = [n + extra * w / sum(weights) for n, w in zip(needs, weights)]
    return _with_floor(widths, total, min(padding * 1.5, total / len(widths)))


def _with_floor(widths: list[float], total: float, floor: float) -> list[float]:
    """No column narrower than `floor` (its padding plus a character): the room comes from
    the columns above the floor, in proportion to their width."""
    low = [w < floor for w in widths]
    if not any(low):
        return widths
    spare = total - floor * sum(low)
    above = sum(w for w, is_low in zip(widths, low) if not is_low)
    return [floor if is_low else w * spare / above for w, is_low in zip(widths, low)]
