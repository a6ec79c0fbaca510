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
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                          "\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")
SAFE_URL_SCHEMES = ("http://", "https://", "mailto:")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def xml_safe(text: str, diagnostics: list[Diagnostic] | None = None, where: str = "") -> str:
    """`text` without the characters XML cannot hold; records one diagnostic when some were dropped."""
    cleaned, count = _XML_ILLEGAL.subn("", text)
    if count and diagnostics is not None:
        diagnostics.append(Diagnostic(
            f"dropped {count} control character(s) that {where or 'XML'} cannot hold"))
    return cleaned


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
