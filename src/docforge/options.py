"""Options passed to readers and writers: plain frozen data, no behaviour beyond defaults.

Writers get a WriteOptions; the fields cover what the CLI exposes. A writer ignores
fields that do not concern it. Nothing here touches the environment except
`timestamp()`, which honours SOURCE_DATE_EPOCH so that outputs are reproducible.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

from .records import Record

# Used when SOURCE_DATE_EPOCH is not set: a fixed date keeps outputs byte-identical
# across runs (the zip format cannot store dates before 1980).
FIXED_EPOCH = 315532800  # 1980-01-01T00:00:00Z
LATEST_EPOCH = 4102444799  # 2099-12-31T23:59:59Z: zip dates end in 2107, PDF and OOXML want 4 digits


class ReadOptions(Record):
    encoding: str | None = None       # force a decoding instead of detecting it
    source_name: str = "<input>"      # shown in diagnostics


class WriteOptions(Record):
    fragment: bool = False            # html: body only
    toc: bool | None = None           # None: the theme decides
    paper: str | None = None          # pdf/docx: override the theme's page size ("A4", "Letter")
    reference_docx: str | None = None  # docx: take styles and page setup from this file
    source_name: str = "<output>"     # shown in diagnostics

    def timestamp(self) -> datetime:
        """The date embedded in files: SOURCE_DATE_EPOCH if set and valid, else a fixed date."""
        raw = os.environ.get("SOURCE_DATE_EPOCH", "")
        try:
            seconds = int(raw)
        except ValueError:
            seconds = FIXED_EPOCH
        seconds = min(max(seconds, FIXED_EPOCH), LATEST_EPOCH)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
