"""Markup held deflated while a document is written, and read back once into its zip member.

A long body's WordprocessingML is ten or more times the size of the text it shows (a table
row of 45 characters is 500 bytes of cells, properties and runs), and the relationships of
many links are four times theirs. Held as text until the package is saved, they were most
of the writer's memory; held deflated (fast level: it is compressed again in the zip) they
are a small fraction of the input. `Spool` is that store: written in order, its size
known at every point (a zip member's header needs it), read back once as chunks in order.

This module must never change the bytes it is given (what is read back is exactly what
was written, in order) and never hand them back joined into one copy.
"""
from __future__ import annotations

import zlib
from typing import Iterator

SPOOL_LEVEL = 1        # fast: the zip deflates the markup again at its own level
READ_CHUNK = 1 << 16   # at most this many bytes at once when reading back
ENCODE_SLICE = 1 << 16  # characters of a long text encoded at once


class Spool:
    """UTF-8 text written piece by piece, kept deflated, read back once (`chunks`)."""

    __slots__ = ("size", "_compressor", "_deflated", "_read")

    def __init__(self) -> None:
        self.size = 0  # bytes written so far (uncompressed)
        self._compressor = None  # made on the first write: most spools of a document stay empty
        self._deflated: list[bytes] = []
        self._read = False

    def __bool__(self) -> bool:
        return self.size > 0

    def write(self, text: str) -> None:
        """Append `text` as UTF-8 (a long one encoded a slice at a time, never as a whole copy)."""
        if not text:
            return
        if self._read:
            raise RuntimeError("a spool is written before it is read")
        if self._compressor is None:
            self._compressor = zlib.compressobj(SPOOL_LEVEL, zlib.DEFLATED, -15)
        for start in range(0, len(text), ENCODE_SLICE):  # slices of code points: no character is cut
            data = (text[start:start + ENCODE_SLICE] if len(text) > ENCODE_SLICE else text).encode("utf-8")
            self.size += len(data)
            deflated = self._compressor.compress(data)
            if deflated:
                self._deflated.append(deflated)

    def chunks(self) -> Iterator[bytes]:
        """What was written, in order, in pieces of at most READ_CHUNK bytes; the deflated
        copy is let go as it is read (a spool is read once)."""
        if self._read:
            raise RuntimeError("a spool is read once")
        self._read = True
        if self._compressor is None:
            return
        self._deflated.append(self._compressor.flush())
        self._compressor = None
        deflated, self._deflated = self._deflated, []
        inflater = zlib.decompressobj(-15)
        deflated.reverse()  # popped from the end, in order
        while deflated:
            data = deflated.pop()
            while data:
                piece = inflater.decompress(data, READ_CHUNK)
                data = inflater.unconsumed_tail
                if piece:
                    yield piece
        rest = inflater.flush()
        if rest:
            yield rest

    def read_all(self) -> bytes:
        """Everything written, joined (for the rare part that must be parsed whole)."""
        return b"".join(self.chunks())
