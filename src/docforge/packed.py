"""Compact immutable sequences for the long sequences of the IR (model.Packed).

A document's block list, a table's rows, a bibliography's entries or a list's items can
hold tens of thousands of records; as Python objects they cost 50-70 bytes per record,
string and tuple, several times the text they hold. A `Packed` keeps its items as
compressed chunks (the pickle of CHUNK items, zlib level 1) and decodes them chunk by
chunk as it is iterated, so a pass over a long sequence holds one chunk at a time, and a
document in memory costs about what its text costs.

To its readers a Packed is a read-only Sequence that behaves as the tuple of its items:
len, iter, index (negative too), slicing (a lazy `PackedSlice` view, not a copy), bool,
`in`, `+` with tuples, == and hash equal to the tuple's (so a Document built with tuples
equals one built with Packed), pickling (the compressed chunks, for worker processes) and
repr. Indexing decodes the chunk holding the item; the last few decoded chunks are kept
in one small cache shared by every Packed (DECODED_CHUNKS), so neighbours i-1, i+1 are
cheap and the cache never holds more than a few chunks whatever the number of sequences.

`pack(items)` makes one from an iterable (a tuple when it has at most PACK_AT items:
short sequences stay tuples, so small documents and hand-built records see no change);
`PackedBuilder` is the append-only form readers fill as they go, packing each chunk as it
fills, so the whole unpacked sequence never exists; `Packed.map(fn)` builds the mapped
sequence chunk by chunk, sharing every chunk whose items fn left unchanged, and with
`may_change` (a test of a chunk's pickle, which names its records' classes and holds
their text as UTF-8) shares the chunks it rules out without unpickling them. A chunk that
fn changed in a few items is stored as (base, patch): the old encoded chunk, shared, and
the encoded positions and new items (`decode_chunk` puts them in place), so a pass that
changes a block here and there (citation links, heading ids) encodes only those blocks.

This module knows nothing of the IR's node types and must never keep decoded items
beyond its bounded cache (that would undo what it is for).
"""
from __future__ import annotations

import pickle
import sys
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from itertools import islice
from typing import Callable, Iterable, Iterator

PACK_AT = 64       # a sequence of more items than this is packed
CHUNK = 128        # items per chunk: large enough to compress, small enough to decode in passing
DECODED_CHUNKS = 4  # decoded chunks kept for indexing, for all Packed together
_PROTOCOL = 5


def encode(items: tuple) -> bytes:
    return zlib.compress(pickle.dumps(items, _PROTOCOL), 1)


def decode(blob: bytes) -> tuple:
    return pickle.loads(zlib.decompress(blob))


def decode_chunk(chunk) -> tuple:
    """The items of a chunk: an encoded tuple, or (base, patch) as Packed.map leaves a
    chunk it changed in a few places: the base's items with the patch's put in place."""
    if type(chunk) is bytes:
        return decode(chunk)
    base, patch = chunk
    return _patched(decode(base), decode(patch))


def _patched(items: tuple, patch: tuple) -> tuple:
    positions, replacements = patch
    patched = list(items)
    for position, item in zip(positions, replacements):
        patched[position] = item
    return tuple(patched)


# (id(blob), blob, items) of the chunks decoded last; the blob is held, so its id cannot
# be reused while it is cached
_decoded: list = []


def _cached(blob: bytes) -> tuple:
    key = id(blob)
    for entry in _decoded:
        if entry[0] == key:
            return entry[2]
    items = decode_chunk(blob)
    _decoded.insert(0, (key, blob, items))
    del _decoded[DECODED_CHUNKS:]
    return items


class PackedSequence(Sequence):
    """What Packed and PackedSlice share: tuple equality, tuple hashing, +, repr."""
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (tuple, PackedSequence)):
            return NotImplemented
        if len(self) != len(other):
            return False
        if type(self) is Packed and type(other) is Packed and self._chunks == other._chunks:
            return True
        for a, b in zip(self, other):
            if a is not b and not a == b:
                return False
        return True

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return tuple_hash(self, len(self))

    def __add__(self, other: object):
        return _joined(self, other) if isinstance(other, (tuple, PackedSequence)) else NotImplemented

    def __radd__(self, other: object):
        return _joined(other, self) if isinstance(other, (tuple, PackedSequence)) else NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({tuple(self)!r})"

    def __bool__(self) -> bool:
        return len(self) > 0


def _joined(first: Iterable, second: Iterable) -> "tuple | Packed":
    """`first + second`, packed a chunk at a time as the two are read."""
    builder = PackedBuilder()
    builder.extend(first)
    builder.extend(second)
    return builder.build()


class Packed(PackedSequence):
    """An immutable sequence stored as compressed chunks (see the module documentation).
    Build one with pack(), PackedBuilder or Packed.map; never from its parts by hand."""
    __slots__ = ("_chunks", "_ends", "_hash")

    def __init__(self, chunks: tuple, ends: array) -> None:
        self._chunks = chunks   # encoded chunks, each bytes or (base, patch) (decode_chunk)
        self._ends = ends       # items up to and including chunk k (cumulative)
        self._hash = None

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    def _start(self, k: int) -> int:
        return self._ends[k - 1] if k else 0

    def __getitem__(self, index):
        if type(index) is slice:
            return PackedSlice(self, range(len(self))[index])
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("Packed index out of range")
        k = bisect_right(self._ends, index)
        return _cached(self._chunks[k])[index - self._start(k)]

    def __iter__(self) -> Iterator:
        for chunk in self._chunks:
            yield from decode_chunk(chunk)

    def __reversed__(self) -> Iterator:
        for blob in reversed(self._chunks):
            yield from reversed(decode_chunk(blob))

    def iter_range(self, start: int, stop: int) -> Iterator:
        """Items start..stop-1, decoding only the chunks that hold them (through the cache
        of decoded chunks: a writer reads a section, a page or a list as a slice, and the
        next slice usually starts in the chunk this one ended in)."""
        if start >= stop:
            return
        k = bisect_right(self._ends, start)
        while k < len(self._chunks) and self._start(k) < stop:
            first = self._start(k)
            items = _cached(self._chunks[k])
            yield from islice(items, max(0, start - first), min(len(items), stop - first))
            k += 1

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = tuple_hash(self, len(self))
        return self._hash

    def __reduce__(self):
        return (_rebuild, (self._chunks, self._ends.tobytes()))

    def map(self, fn: Callable[[object], object],
            may_change: Callable[[bytes], bool] | None = None) -> "Packed":
        """The sequence of fn(item), chunk by chunk; a chunk whose items fn returns
        unchanged (the same objects) is shared, and when every chunk is, self is returned.
        `may_change(pickle)`, when given, is asked first with the chunk's pickle (which
        names the classes of its records, and holds its text as UTF-8): when it says no,
        the chunk is shared without being unpickled (the dearest part of a decode).
        A chunk fn changes in at most a quarter of its items keeps its encoded base and
        gets a patch (the changed items and their positions, encoded): the text reader's
        citation links and transforms.prepare change a few blocks per chunk, and encoding
        only those costs a fraction of encoding the chunk again."""
        chunks, changed = [], False
        for chunk in self._chunks:
            base_blob, patch_blob = (chunk, None) if type(chunk) is bytes else chunk
            if may_change is not None:
                raw = zlib.decompress(base_blob)
                raw_patch = zlib.decompress(patch_blob) if patch_blob is not None else None
                if not may_change(raw) and (raw_patch is None or not may_change(raw_patch)):
                    chunks.append(chunk)
                    continue
                base = pickle.loads(raw)
                patch = pickle.loads(raw_patch) if raw_patch is not None else None
            else:
                base = decode(base_blob)
                patch = decode(patch_blob) if patch_blob is not None else None
            items = base if patch is None else _patched(base, patch)
            new = [fn(item) for item in items]
            if all(a is b for a, b in zip(new, items)):
                chunks.append(chunk)
                continue
            changed = True
            positions = tuple([i for i, (a, b) in enumerate(zip(new, base)) if a is not b])
            if len(positions) * 4 > len(base):
                chunks.append(encode(tuple(new)))
            else:
                chunks.append((base_blob, encode((positions, tuple([new[i] for i in positions])))))
        return Packed(tuple(chunks), self._ends) if changed else self


def _rebuild(chunks: tuple, ends: bytes) -> Packed:
    counts = array("q")
    counts.frombytes(ends)
    return Packed(chunks, counts)


# what a pickle holding a Packed shows of it (its chunks are compressed): see model.map_tree
PACKED_IN_PICKLE = _rebuild.__name__.encode()


class PackedSlice(PackedSequence):
    """A slice of a Packed, read from it on demand (no copy of the items)."""
    __slots__ = ("_source", "_range")

    def __init__(self, source: Packed, positions: range) -> None:
        self._source = source
        self._range = positions

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index):
        if type(index) is slice:
            return PackedSlice(self._source, self._range[index])
        return self._source[self._range[index]]

    def __iter__(self) -> Iterator:
        r = self._range
        if r.step == 1:
            return self._source.iter_range(r.start, r.stop)
        return (self._source[i] for i in r)

    def __reduce__(self):
        return (pack, (tuple(self),))


def pack(items: Iterable) -> "tuple | Packed":
    """`items` as a tuple when there are at most PACK_AT of them, else as a Packed."""
    if type(items) is tuple and len(items) <= PACK_AT:
        return items
    builder = PackedBuilder()
    builder.extend(items)
    return builder.build()


def pack_long(value: object) -> object:
    """A tuple of more than PACK_AT items packed; anything else as it is (model.py's
    record constructors pass their long sequence fields through this)."""
    if type(value) is tuple and len(value) > PACK_AT:
        return pack(value)
    return value


class PackedBuilder:
    """An append-only sequence that packs each CHUNK items as they arrive; `build()` gives
    the tuple or Packed. Reading it back (len, index, the last items) works while it
    grows; `truncate(n)` drops the items from n on (a reader replacing its last blocks)."""
    __slots__ = ("_chunks", "_ends", "_pending", "_packed")

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._ends = array("q")
        self._pending: list = []
        self._packed = 0   # items in _chunks

    @classmethod
    def of(cls, packed: Packed) -> "PackedBuilder":
        """A builder that goes on from `packed` (its chunks shared, not decoded)."""
        builder = cls()
        builder._chunks = list(packed._chunks)
        builder._ends = array("q", packed._ends)
        builder._packed = len(packed)
        return builder

    def __len__(self) -> int:
        return self._packed + len(self._pending)

    def append(self, item: object) -> None:
        if len(self._pending) >= CHUNK:
            self._flush()
        self._pending.append(item)

    def extend(self, items: Iterable) -> None:
        for item in items:
            self.append(item)

    def _flush(self) -> None:
        if self._pending:
            self._chunks.append(encode(tuple(self._pending)))
            self._packed += len(self._pending)
            self._ends.append(self._packed)
            self._pending = []

    def __getitem__(self, index):
        if type(index) is int and index >= self._packed:  # the last items: the usual question
            return self._pending[index - self._packed]
        n = len(self)
        if type(index) is slice:
            return [self[i] for i in range(n)[index]]
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("PackedBuilder index out of range")
        if index >= self._packed:
            return self._pending[index - self._packed]
        k = bisect_right(self._ends, index)
        return _cached(self._chunks[k])[index - (self._ends[k - 1] if k else 0)]

    def __iter__(self) -> Iterator:
        for chunk in self._chunks:
            yield from decode_chunk(chunk)
        yield from list(self._pending)

    def truncate(self, n: int) -> None:
        """Keep the first n items."""
        if n >= self._packed:
            del self._pending[n - self._packed:]
            return
        k = bisect_right(self._ends, n)
        start = self._ends[k - 1] if k else 0
        kept = list(decode_chunk(self._chunks[k])[:n - start])
        del self._chunks[k:]
        del self._ends[k:]
        self._packed = start
        self._pending = kept

    def build(self) -> "tuple | Packed":
        if len(self) <= PACK_AT:
            return tuple(self)
        self._flush()
        return Packed(tuple(self._chunks), array("q", self._ends))


_MASK = (1 << 64) - 1
_P1, _P2, _P5 = 11400714785074694791, 14029467366897019727, 2870177450012600261


def tuple_hash(items: Iterable, n: int) -> int:
    """hash(tuple(items)) without building the tuple: CPython's tuple hash (xxHash-based,
    3.8+) over the items' hashes, so a Packed and the equal tuple hash alike."""
    if sys.hash_info.width != 64 or sys.implementation.name != "cpython":
        return hash(tuple(items))  # pragma: no cover - the formula is CPython's, 64-bit
    acc = _P5
    for item in items:
        lane = hash(item) & _MASK
        acc = (acc + lane * _P2) & _MASK
        acc = ((acc << 31) | (acc >> 33)) & _MASK
        acc = (acc * _P1) & _MASK
    acc = (acc + (n ^ (_P5 ^ 3527539))) & _MASK
    if acc == _MASK:
        return 1546275796
    return acc - (1 << 64) if acc >= 1 << 63 else acc


SEQUENCE_TYPES = (tuple, Packed, PackedSlice)
