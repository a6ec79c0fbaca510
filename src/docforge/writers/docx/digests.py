"""Strings kept as 16-byte digests in one flat table, for the DOCX writer's per-document
lookups that see every link or every heading: a URL's relationship number, the bookmark
names given and the ids met.

A dict or set of the strings themselves holds each string (the compact IR decodes its
strings afresh, so they are copies), an entry and, for a map, a number object: more than
the text they stand for on a page of links or headings. Here a key costs about 27 bytes.
Two strings share a 128-bit BLAKE2 digest only after about 2**64 of them, so a lookup
never confuses two keys in practice.

This module must never keep the strings, nor give a key's number to another key.
"""
from __future__ import annotations

import hashlib
from array import array


def digest(key: str) -> bytes:
    """The 16-byte digest a table knows `key` by (any str: lone surrogates included)."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class DigestTable:
    """str -> positive number (or a set: number 1), open-addressed, at most 3/4 full."""

    __slots__ = ("_digests", "_numbers", "_mask", "_count")

    def __init__(self, slots: int = 1024) -> None:
        if slots < 1 or slots & (slots - 1):
            raise ValueError("slots must be a power of two")
        self._mask = slots - 1
        self._digests = bytearray(16 * slots)
        self._numbers = array("I", bytes(4 * slots))  # 0: an empty slot
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _slot(self, key_digest: bytes) -> int:
        mask, digests, numbers = self._mask, self._digests, self._numbers
        i = int.from_bytes(key_digest[:8], "little") & mask
        while numbers[i] and digests[16 * i:16 * i + 16] != key_digest:
            i = (i + 1) & mask
        return i

    def number(self, key_digest: bytes) -> int:
        """The number stored for this digest, 0 for none."""
        return self._numbers[self._slot(key_digest)]

    def __contains__(self, key: str) -> bool:
        return self.number(digest(key)) != 0

    def add(self, key_digest: bytes, number: int = 1) -> None:
        """Store `number` (>= 1) for a digest not in the table yet."""
        if 4 * (self._count + 1) > 3 * len(self._numbers):
            self._grow()
        i = self._slot(key_digest)
        if self._numbers[i]:
            raise ValueError("already in the table")
        self._digests[16 * i:16 * i + 16] = key_digest
        self._numbers[i] = number
        self._count += 1

    def _grow(self) -> None:
        old_digests, old_numbers = self._digests, self._numbers
        slots = 2 * len(old_numbers)
        self._mask = slots - 1
        self._digests = bytearray(16 * slots)
        self._numbers = array("I", bytes(4 * slots))
        for j, number in enumerate(old_numbers):
            if number:
                key_digest = bytes(old_digests[16 * j:16 * j + 16])
                i = self._slot(key_digest)
                self._digests[16 * i:16 * i + 16] = key_digest
                self._numbers[i] = number
