"""Options passed to readers and writers: plain frozen data, no behaviour beyond defaults.

Writers get a WriteOptions; the fields cover what the CLI exposes. A writer ignores
fields that do not concern it; `pandoc_args` concern only the pandoc bridge's writers
(ReadOptions.pandoc_args its readers), which hand them to pandoc as given. Nothing here touches the environment except
`timestamp()`, which honours SOURCE_DATE_EPOCH so that outputs are reproducible.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from .records import Record

# Used when SOURCE_DATE_EPOCH is not set: a fixed date keeps outputs byte-identical
# across runs (the zip format cannot store dates before 1980).
FIXED_EPOCH = 315532800  # 1980-01-01T00:00:00Z
LATEST_EPOCH = 4102444799  # 2099-12-31T23:59:59Z: zip dates end in 2107, PDF and OOXML want 4 digits
# The default of --max-input-size (bytes; the CLI and the service are to take it from here).
# Conversions are linear in the input (benchmarks/growth.py) and a prose feed costs ~20-30
# bytes of peak memory per input byte (benchmarks/README.md): 200 MiB stays within a few GB.
DEFAULT_MAX_INPUT_SIZE = 200 * 1024 * 1024


class Filter(Record):
    """One step of the filter chain run between reading and the transforms, in pandoc's
    sense: `kind` "json" (--filter PROGRAM), "lua" (--lua-filter FILE) or "citeproc"
    (--citeproc, whose place among the filters matters as in pandoc; `path` empty)."""
    kind: str
    path: str = ""


class ReadOptions(Record):
    encoding: str | None = None       # force a decoding instead of detecting it
    source_name: str = "<input>"      # shown in diagnostics
    pandoc_args: tuple[str, ...] = ()  # pandoc reader options for the bridge readers (--track-changes=all)
    # a bridge reader runs the filter chain in its own pandoc call, on pandoc's AST of the
    # input (citations and all), after `filter_args` (metadata, heading shift, bibliography)
    filters: tuple[Filter, ...] = ()
    filter_args: tuple[str, ...] = ()


class WriteOptions(Record):
    fragment: bool = False            # html: body only
    toc: bool | None = None           # None: the theme decides
    paper: str | None = None          # pdf/docx: override the theme's page size ("A4", "Letter")
    reference_docx: str | None = None  # docx: take styles and page setup from this file
    source_name: str = "<output>"     # shown in diagnostics
    input_mtime: float | None = None  # the input file's modification time (convert() sets it)
    resource_path: tuple[str, ...] = ()  # folders images are looked up in (default: input's folder, cwd)
    toc_depth: int | None = None      # heading levels in the TOC/navigation; None: the theme decides
    epub_cover_image: str | None = None  # epub: the cover image file
    standalone: bool = False          # pandoc's formats: a whole document (-s); docforge's own always are
    number_sections: bool | None = None  # number headings (-N); None: the theme decides
    pandoc_args: tuple[str, ...] = ()  # pandoc writer options for the bridge writers (--wrap=none)

    def timestamp(self, document_date: str = "") -> datetime:
        """The date embedded in files (PDF and DOCX dates, EPUB dcterms:modified, zip entries):
        SOURCE_DATE_EPOCH when set and a number; else the document's own date (`Date:` /
        meta.date, in ISO form: 2026-03-14, 2026-03 or 2026, or written with a month name
        of the label catalogue's languages: "March 14, 2026", "14 mars 2026",
        "2026年3月14日"); else the input file's
        modification time; else a fixed date. The same input and options always give the
        same date. Clamped to 1980-2099 (zip and PDF limits)."""
        raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        seconds: float | None = int(raw) if raw.lstrip("-").isdigit() else None
        if seconds is None:
            seconds = _iso_date_seconds(document_date)
        if seconds is None and document_date.strip():
            seconds = _written_date_seconds(document_date)
        if seconds is None:
            seconds = self.input_mtime
        if seconds is None:
            seconds = FIXED_EPOCH
        seconds = min(max(int(seconds), FIXED_EPOCH), LATEST_EPOCH)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T ])")


_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(?:(\d{1,2})\s*[日일])?$")
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|º|ª)?$")
# words a written date may hold besides its day, month and year ("14 de marzo de 2026",
# "Monday, March 14, 2026"); anything else means the text is not just a date
_DATE_FILLERS = frozenset("de del of the le am on monday tuesday wednesday thursday friday saturday sunday".split())
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_numbers() -> dict[str, int]:
    """Month name (casefolded) -> 1-12: every language of the label catalogue, and English
    abbreviations (Sept too)."""
    from .labels import catalogue  # only for a date that is not ISO
    names = {abbreviation: i for i, abbreviation in enumerate(_MONTH_ABBREVIATIONS, 1)}
    names["sept"] = 9
    for table in catalogue().values():
        for i, month in enumerate(table.get("months", ()), 1):
            names.setdefault(month.casefold(), i)
    return names


def _written_date_seconds(text: str) -> int | None:
    """Midnight UTC of a date written with a month name, in any order of day, month and
    year ("March 14, 2026", "14 mars 2026", "14. März 2026", "Sept 3rd 2026") or in the
    CJK form ("2026年3月14日", "2026년 3월 14일"); None when the text holds anything else."""
    text = text.strip()
    if m := _CJK_DATE.match(text):
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    else:
        months = _month_numbers()
        year = month = day = None
        for word in re.findall(r"\w+", text.casefold()):
            if word.isdigit() and len(word) == 4 and year is None:
                year = int(word)
            elif word in months and month is None:
                month = months[word]
            elif (d := _DAY.match(word)) and day is None:
                day = int(d.group(1))
            elif word not in _DATE_FILLERS:
                return None
        if year is None or month is None:
            return None
        parts = (year, month, day or 1)
    try:
        return int(datetime(*parts, tzinfo=timezone.utc).timestamp())
    except ValueError:  # 31 February
        return None


def _iso_date_seconds(text: str) -> int | None:
    """Midnight UTC of an ISO date (day and month optional), or None for anything else."""
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    try:
        moment = datetime(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1), tzinfo=timezone.utc)
    except ValueError:  # 2026-13-40
        return None
    return int(moment.timestamp())
