"""Deterministic zip output for the container formats (EPUB, DOCX).

Its own module so that the HTML path never imports zipfile. Must never reorder or
rename members: the caller decides what goes in and in which order.
"""
from __future__ import annotations

import zipfile


class FixedTimeZip(zipfile.ZipFile):
    """A zip for writing whose members all get one timestamp and mode 0644, however they are
    added, so that two runs give identical bytes (zipfile stamps named members with the
    current time). Members are deflated unless the caller asks otherwise."""

    def __init__(self, file, date_time: tuple) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.fixed_date_time = tuple(max(v, lo) for v, lo in zip(date_time, (1980, 1, 1, 0, 0, 0)))

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._member(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write_pieces(self, name: str, pieces) -> None:
        """Member `name` made of `pieces` (bytes) in order: the same bytes as writestr of
        their concatenation (writestr is this same open-and-write), without that copy."""
        info = self._member(name)
        info.file_size = sum(len(piece) for piece in pieces)  # as writestr sets it (zip64 or not)
        with self.open(info, mode="w") as member:
            for piece in pieces:
                member.write(piece)

    def _member(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.fixed_date_time)
        info.external_attr = 0o644 << 16
        info.compress_type = self.compression
        return info
