"""What a document means, decided once for every writer: so the formats agree.

A citation's label, which URL of a reference is shown beside it, the byline (its date
in the document's language), a table or figure caption's lead ("Table 1: ", "表 1："; none
without a caption), which URLs may become live links. Every writer asks here
instead of deciding itself; this module knows no markup and never escapes anything.
"""
from __future__ import annotations

from urllib.parse import quote

from ..labels import ISO_DATE, Labels, format_date
from ..model import Figure, Link, Meta, Reference, Table, walk
from .xmltext import has_illegal

SAFE_URL_SCHEMES = ("http://", "https://", "mailto:")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
BYLINE_SEPARATOR = " · "


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), mailto or an in-document anchor; None for anything else
    (javascript:, data:, file:, relative paths), which writers then show as plain text."""
    url = url.strip()
    lowered = url.lower()
    if lowered in SAFE_URL_SCHEMES:
        return None  # a scheme alone ("mailto:", "https://") addresses nothing; epubcheck rejects it
    if lowered.startswith(SAFE_URL_SCHEMES) or (url.startswith("#") and len(url) > 1):
        if has_illegal(url) or any(ch in url for ch in "\n\r\t"):
            return None
        # Percent-encode what a URL may not contain raw (spaces, quotes, <, >, non-ASCII
        # stays as UTF-8 octets) so that every format's validator accepts it.
        quoted = quote(url, safe=_URL_SAFE)
        return url if quoted == url else quoted  # most URLs: the IR's string, not a copy per use
    return None


def internal_anchor(url: str) -> str | None:
    """The id an in-document link (`#id`) points at, as written: safe_url percent-encodes
    non-ASCII for the URL-based formats, but DOCX bookmarks and PDF destinations are
    matched by the id itself."""
    url = url.strip()
    if url.startswith("#") and safe_url(url) is not None:
        return url[1:]
    return None


def citation_label(labels: dict[str, str], ref_id: str) -> str:
    """What a citation of `ref_id` shows (without brackets): its reference's label, or,
    when no reference has that id, the number the id was made from."""
    return labels.get(ref_id, ref_id.removeprefix("ref-"))


def shown_reference_url(ref: Reference) -> str | None:
    """The URL printed after a reference's text: its own external URL, unless the text
    already links somewhere (then the URL is in the text) or the URL is unsafe."""
    if not ref.url:
        return None
    url = safe_url(ref.url)
    if url is None or url.startswith("#") or any(type(n) is Link for n in walk(ref)):
        return None
    return url


def byline_parts(meta: Meta, labels: Labels | None = None) -> tuple[str, ...]:
    """The byline under the title: the authors (joined) and the date, those present; a
    YYYY-MM-DD date as the language writes it ("14 mars 2026") when `labels` are given."""
    parts = [", ".join(meta.authors)] if meta.authors else []
    if meta.date:
        parts.append(format_date(meta.date, labels) if labels is not None else meta.date)
    return tuple(parts)


def is_iso_date(text: str) -> bool:
    """A YYYY-MM-DD date, which formats with machine-readable dates may mark up as one."""
    return ISO_DATE.match(text) is not None


def caption_lead(table: Table | Figure, labels: Labels | None = None) -> str:
    """What precedes a table's or figure's caption text: the label and the language's
    colon ("Table 1: ", "表 1：") with a caption; nothing without one: a bare "Table 2"
    or "Figure 2" says nothing, so no format shows it (the number stays in the id)."""
    if table.label and table.caption:
        return f"{table.label}{labels.colon if labels is not None else ': '}"
    return ""
