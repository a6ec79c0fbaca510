"""The PDF file written as it is made: each finished page goes to the output with its
content stream, its annotations and whatever else it registered, instead of at save().

Why (measured, "table rows" 300 KB, 178 pages): reportlab's PDFDocument keeps every page,
annotation and tag-tree object until save() and then formats the whole file into one
list of strings joined into one bytes object; with the pages held back for "Page X of
Y" the PDF writer peaked at 246 bytes per input byte above the IR (166 MB RSS), growing
with the document. Here a page is formatted by reportlab's own objects (PDFPage,
PDFStream, the annotations' format()) the moment reportlab hands it to addPage, written,
and dropped; what is left at the end is the document-wide objects (page tree, fonts,
outline, catalog, info), the footers and the structure tree root.

reportlab keeps its role: layout, canvas, fonts, content streams and the formatting of
every object are its own. This module replaces only PDFDocument's bookkeeping and its
format(): objects are numbered as reportlab numbers them (`Reference`), and an object
written is forgotten (an automatically named one, "R<n>", is object n, so its name needs
no entry). What must wait is kept: the page tree, the fonts (subsets grow until the
end), the outline, the catalog and info, and a link whose destination is not yet drawn
(retried at each page end). What is kept per heading is compact: the outline is one row
per entry (CompactOutline, its entries numbered and formatted at the end as reportlab
would), and a destination whose page is written is its formatted bytes (CompactDestinations). `reserve()` gives a number to an object written by the
caller (`write_object`: the footers of "Page X of Y", tagging.py's structure elements);
`page_number(i)` is page i's object number, reserved ahead when a structure element
needs it before the page is done. A page's /Contents is [its stream, its footer]: the
footer ("Page X of Y", running header) is written at the end, when the page count is
known. Streams are Flate without ASCII85 (a quarter smaller). With `object_streams` (a
tagged PDF) the header says PDF 1.5, `write_compressed` gathers objects that are no
streams (tagging.py's structure elements, parent tree entries and roots; the outline's
entries) OBJECTS_PER_STREAM at a time into deflated object streams, and the cross-reference table is a stream at the
end (type 2 entries: stream and index); structure elements written one by one, ~100
bytes each that compress badly alone, made a 2,000-row tagged table 1.13 MB, 12.5 bytes
per input byte (0.36 MB, 4.0 in streams). The output is the same for the same input
(reportlab's invariant mode still fixes dates and ids).

Never lays out or draws anything, never changes what an object says, and never keeps an
object after it is written.
"""
from __future__ import annotations

import shutil
import tempfile
import zlib
from array import array
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (BasicFonts, Destination, LinkAnnotation, PDFArray, PDFCatalog,
                                      PDFDocument, PDFIndirectObject, PDFInfo, PDFName, PDFObjectReference,
                                      PDFObject, PDFOutlines, PDFOutlines0, PDFPages, PDFStream, PDFTrailer,
                                      PDFZCompress, OutlineEntryObject, pdfdocEnc)

_KEPT_TYPES = (PDFPages, PDFOutlines, PDFOutlines0, PDFInfo)
OBJECTS_PER_STREAM = 200  # objects gathered into one object stream (PDF 1.5) before it is written
OBJECT_STREAM_VERSION = (1, 5)
_HEADER_MARK = b"\n%\223\214\213\236 ReportLab Generated PDF document (opensource)\n"


def _auto_number(name: str) -> int | None:
    """The object number of reportlab's automatic name "R<n>" (None for other names)."""
    return int(name[1:]) if name[:1] == "R" and name[1:].isdigit() else None


class _Numbers(dict):
    """reportlab's name -> (number, version) map; "R<n>" needs no entry."""
    __slots__ = ()

    def __missing__(self, name):
        number = _auto_number(name)
        if number is None:
            raise KeyError(name)
        return (number, 0)


class _Objects(dict):
    """reportlab's name -> object map; an automatically named object written and
    forgotten still counts as registered (reportlab asks before naming it again)."""
    __slots__ = ("written_below",)

    def __contains__(self, name):
        if dict.__contains__(self, name):
            return True
        number = _auto_number(name)
        return number is not None and number <= self.written_below


def _unbound_link(obj) -> bool:
    """A link annotation whose destination is not placed yet cannot be formatted."""
    if not isinstance(obj, LinkAnnotation):
        return False
    dest = obj.Destination
    return isinstance(dest, Destination) and (dest.fmt is None or dest.page is None)


class CompactOutline(PDFOutlines):
    """reportlab's outline kept as one (level, title, key, closed) row per entry instead of
    its nested lists and, at save, one object graph of every entry: here the entries get
    their object numbers at save in the order reportlab gives them (depth first) and each is
    formatted only when it is written (StreamingDocument._write_or_keep), so the same file
    comes out. Headings reach it through canvas.addOutlineEntry, as before."""

    def __init__(self) -> None:
        super().__init__()
        self._levels = array("b")
        self._closed = array("b")
        # titles and keys as UTF-8 in one buffer (a str is 50 bytes before its first letter),
        # entry i's title then key ending at _ends[2i] and _ends[2i + 1]
        self._text = bytearray()
        self._ends = array("q")
        self._first_number = 0
        self._links = None  # per entry, at save: parent, prev, next, first child, last child, count

    def addOutlineEntry(self, destinationname, level=0, title=None, closed=None):
        if destinationname is None:
            return
        if not isinstance(level, int) or level < 0:
            raise ValueError(f"outline level must be a non-negative integer, got {level!r}")
        if level > self.currentlevel + 1:
            raise ValueError(f"can't jump from outline level {self.currentlevel} to level {level}, need intermediates")
        self.currentlevel = level
        self._levels.append(level)
        self._closed.append(1 if closed else 0)
        for text in (destinationname if title is None else title, destinationname):
            self._text += text.encode("utf-8", "surrogatepass")
            self._ends.append(len(self._text))

    def prepare(self, document, canvas) -> None:
        count = len(self._levels)
        if not count:
            self.first = self.last = None
            self.count = 0
            self.ready = -1
            return
        self._canvas = canvas
        self._parent_ref = document.Reference(document.Outlines)
        levels, closed = self._levels, self._closed
        parent, prev, next_, first, last = (array("i", [-1]) * count for _ in range(5))
        visible_below = array("i", [0]) * count
        stack: list[int] = []  # the open ancestors of the entry being placed
        last_top = -1
        for index in range(count):
            del stack[levels[index]:]
            up = stack[-1] if stack else -1
            parent[index] = up
            before = last[up] if up >= 0 else last_top
            if before >= 0 and (up >= 0 or parent[before] == -1):
                prev[index] = before
                next_[before] = index
            if up >= 0:
                if first[up] < 0:
                    first[up] = index
                last[up] = index
            else:
                last_top = index
            stack.append(index)
        # reportlab's count(): an entry is one line, plus its open children's lines
        top_visible = 0
        for index in range(count - 1, -1, -1):
            visible = 1 + (visible_below[index] if first[index] >= 0 and not closed[index] else 0)
            up = parent[index]
            if up >= 0:
                visible_below[up] += visible
            else:
                top_visible += visible
        base = document.objectcounter
        for _ in range(count):
            document.reserve()
        self._first_number = base + 1
        self._links = (parent, prev, next_, first, last, visible_below)
        # reportlab's maketree adds one to the root's /Count per entry with children (it
        # reuses the counter to name the levels); kept so that the file stays the same
        self.count = top_visible + sum(1 for index in range(count) if first[index] >= 0)
        self.first = PDFObjectReference("R%d" % (base + 1))
        top_last = last_top
        self.last = PDFObjectReference("R%d" % (base + 1 + top_last))
        self.ready = 1

    def entry_index(self, number: int) -> int | None:
        """Which entry object `number` is (None when it is not one)."""
        if self._links is None:
            return None
        index = number - self._first_number
        return index if 0 <= index < len(self._levels) else None

    def entry_body(self, index: int, document) -> bytes:
        parent, prev, next_, first, last, visible_below = self._links
        ref = lambda i: PDFObjectReference("R%d" % (self._first_number + i))
        ends, text = self._ends, self._text
        start = ends[2 * index - 1] if index else 0
        title = text[start:ends[2 * index]].decode("utf-8", "surrogatepass")
        key = text[ends[2 * index]:ends[2 * index + 1]].decode("utf-8", "surrogatepass")
        entry = OutlineEntryObject()
        entry.Title = title
        entry.Parent = ref(parent[index]) if parent[index] >= 0 else self._parent_ref
        destinations = self._canvas._destinations
        target = destinations.target(key) if isinstance(destinations, CompactDestinations) else None
        entry.Dest = target if target is not None else self._canvas._bookmarkReference(key)
        if prev[index] >= 0:
            entry.Prev = ref(prev[index])
        if next_[index] >= 0:
            entry.Next = ref(next_[index])
        if first[index] >= 0:
            entry.First, entry.Last = ref(first[index]), ref(last[index])
            entry.Count = -visible_below[index] if self._closed[index] else visible_below[index]
        return entry.format(document)


class _Fixed(PDFObject):
    """A destination already formatted: what it said when its page was written."""
    __slots__ = ("data", "page")

    def __init__(self, data: bytes) -> None:
        self.data, self.page = data, None

    def format(self, document) -> bytes:
        return self.data


class CompactDestinations(dict):
    """The canvas's bookmark name -> destination map (canvas._destinations), where a
    destination bound to a page already written is kept as its formatted bytes instead of
    reportlab's Destination, its format object and its page reference (three objects per
    link target, kept to the end: two per heading). Asked for again (a link drawn later,
    the outline at save, the name bound again), it is a Destination again, which formats
    to the same bytes unless it is bound anew."""
    __slots__ = ("_document", "_live")

    def __init__(self, document) -> None:
        super().__init__()
        self._document = document
        self._live: list[str] = []  # names whose value is a Destination

    def __setitem__(self, name, destination) -> None:
        dict.__setitem__(self, name, destination)
        self._live.append(name)

    def __getitem__(self, name):
        value = dict.__getitem__(self, name)
        if type(value) is bytes:
            destination = Destination(name)
            destination.fmt, destination.page = _Fixed(value), True
            self[name] = destination
            return destination
        return value

    def target(self, name):
        """What a link or outline entry written now points at, without making it live again."""
        value = dict.get(self, name)
        return _Fixed(value) if type(value) is bytes else value

    def compact(self, pages_written: int) -> None:
        """Format the destinations bound to pages written so far (called after each page)."""
        live, self._live = self._live, []
        document = self._document
        for name in live:
            destination = dict.get(self, name)
            if type(destination) is bytes or destination is None:
                continue
            page = destination.page
            if destination.fmt is None or page is None:
                self._live.append(name)  # a link target not drawn yet
                continue
            if page is not True and _page_index(page) >= pages_written:
                self._live.append(name)
                continue
            dict.__setitem__(self, name, destination.format(document))


def _page_index(reference) -> int:
    """The 0-based index of reportlab's page reference ("Page<n>", n from 1)."""
    name = reference.name
    return int(name[4:]) - 1 if name[:4] == "Page" and name[4:].isdigit() else 1 << 30


class StreamingDocument(PDFDocument):
    """A reportlab PDFDocument that writes each page and its objects when the page is added."""

    def __init__(self, sink: Sink, object_streams: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._sink = sink
        self.idToObjectNumberAndVersion = _Numbers(self.idToObjectNumberAndVersion)
        objects = _Objects(self.idToObject)
        objects.written_below = 0
        self.idToObject = objects
        self._offsets = array("q", [0])     # by object number: where it starts in the file (0: not yet)
        self._position = 0
        self._scanned = 0                   # reportlab's objects up to this number are written or kept
        self._kept: list[int] = []          # numbers of the objects that wait for the end
        self._page_numbers = array("i")     # object number of each page, by index
        self._footers = array("i")          # object number of each page's footer stream
        self.page_hook = None               # called with (page, index) before a page is written
        self.destinations: CompactDestinations | None = None  # the canvas's, made compact after each page
        self._version = self._pdfVersion
        # object streams (write_compressed) need PDF 1.5 and a cross-reference stream
        self._object_streams = object_streams
        if object_streams and self._version < OBJECT_STREAM_VERSION:
            self._version = OBJECT_STREAM_VERSION
        self._container = array("i", [0])   # by object number: its object stream (0: at an offset)
        self._gathered: list[tuple[int, bytes]] = []  # compressed objects not yet in a written stream
        if type(self.Outlines) is PDFOutlines:
            self.outline = self.Outlines = self.Catalog.Outlines = CompactOutline()
        self._emit(pdfdocEnc("%%PDF-%s.%s" % self._version) + _HEADER_MARK)

    # ------------------------------------------------------------- writing
    def _emit(self, data: bytes) -> None:
        self._sink.write(data)
        self._position += len(data)

    def _record(self, number: int) -> None:
        offsets = self._offsets
        if len(offsets) <= number:
            offsets.extend([0] * (number + 1 - len(offsets)))
        offsets[number] = self._position

    def reserve(self) -> int:
        """A new object number, for an object the caller writes with write_object."""
        self.objectcounter += 1
        return self.objectcounter

    def write_object(self, number: int, body: bytes) -> None:
        self._record(number)
        self._emit(b"%d 0 obj\n" % number + body + (b"" if body.endswith(b"\n") else b"\n") + b"endobj\n")

    def write_compressed(self, number: int, body: bytes) -> None:
        """write_object for an object that is no stream: with object streams on, it goes
        into the next object stream (OBJECTS_PER_STREAM of them deflated together; a
        structure element alone is ~100 bytes that deflate poorly on their own)."""
        if not self._object_streams:
            self.write_object(number, body)
            return
        self._gathered.append((number, body))
        if len(self._gathered) >= OBJECTS_PER_STREAM:
            self._write_object_stream()

    def _write_object_stream(self) -> None:
        gathered, self._gathered = self._gathered, []
        if not gathered:
            return
        stream_number = self.reserve()
        container = self._container
        if len(container) <= self.objectcounter:
            container.extend([0] * (self.objectcounter + 1 - len(container)))
        header, bodies, at = [], [], 0
        for index, (number, body) in enumerate(gathered):
            header.append(b"%d %d" % (number, at))
            bodies.append(body)
            at += len(body) + 1
            container[number] = stream_number
            self._record_at(number, index)
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        self.write_object(stream_number, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
                          b"stream\n%s\nendstream" % (len(gathered), len(head), len(data), data))

    def _record_at(self, number: int, value: int) -> None:
        offsets = self._offsets
        if len(offsets) <= number:
            offsets.extend([0] * (number + 1 - len(offsets)))
        offsets[number] = value

    def write_stream(self, number: int, content: str | bytes, compress: bool = True) -> None:
        stream = PDFStream(content=content, filters=[PDFZCompress] if compress else [])
        self.write_object(number, stream.format(self))

    def _write_registered(self, number: int, name: str, obj) -> None:
        self._record(number)
        self._emit(PDFIndirectObject(name, obj).format(self))
        self.numberToId.pop(number, None)
        objects = self.idToObject
        if _auto_number(name) is not None or name.startswith("Annot."):
            # nothing names it again: a page's annotations are written with the page
            dict.pop(objects, name, None)
            self.idToObjectNumberAndVersion.pop(name, None)
        else:
            objects[name] = None  # pages, images and fonts are named again: their numbers stay
        if number > objects.written_below:
            objects.written_below = number

    def _write_waiting(self, keep) -> None:
        """Write the registered objects not written yet, except those `keep` says must wait."""
        waiting, self._kept = self._kept, []
        for number in waiting:
            self._write_or_keep(number, keep)
        number = self._scanned + 1
        while number <= self.objectcounter:  # formatting may register more
            self._write_or_keep(number, keep)
            self._scanned = number
            number += 1

    def _write_or_keep(self, number: int, keep) -> None:
        name = self.numberToId.get(number)
        if name is None:  # reserved for the caller, or an outline entry (written at the end)
            outline = self.Outlines
            index = outline.entry_index(number) if isinstance(outline, CompactOutline) else None
            if index is not None:
                self.write_compressed(number, outline.entry_body(index, self))
            return
        obj = self.idToObject[name]
        if keep(obj, name):
            self._kept.append(number)
        else:
            self._write_registered(number, name, obj)

    @staticmethod
    def _waits(obj, name: str) -> bool:
        return name == BasicFonts or type(obj) is PDFCatalog or isinstance(obj, _KEPT_TYPES) or _unbound_link(obj)

    # --------------------------------------------------------------- pages
    def page_number(self, index: int) -> int:
        """The object number of page `index` (0-based), reserved when it is not made yet."""
        numbers = self._page_numbers
        while len(numbers) <= index:
            numbers.append(self.reserve())
        return numbers[index]

    def addPage(self, page) -> None:
        index = self.pageCounter - 1
        name = self.thisPageName()
        number = self.page_number(index)
        self.idToObjectNumberAndVersion[name] = (number, 0)
        setattr(page, pdfdoc.__InternalName__, name)
        self.idToObject[name] = page
        self.Pages.addPage(PDFObjectReference(name))
        self.pageCounter += 1
        self.inObject = None
        footer = self.reserve()
        self._footers.append(footer)
        body = PDFStream(content=page.stream, filters=[PDFZCompress] if page.compression else [])
        page.stream = None
        page.__Refs__ = ["Parent", "ID"]  # the contents array stays direct
        page.Contents = PDFArray([self.Reference(body), PDFObjectReference("R%d" % footer)])
        if self.page_hook is not None:
            self.page_hook(page, index)
        self._write_registered(number, name, page)
        self._write_waiting(self._waits)
        if self.destinations is not None:
            self.destinations.compact(self.page_count)

    def write_footer(self, index: int, code: str) -> None:
        """Page `index`'s second content stream (drawn over its body)."""
        self.write_stream(self._footers[index], code)

    @property
    def page_count(self) -> int:
        return self.pageCounter - 1

    # ------------------------------------------------------------- the end
    def SaveToFile(self, filename, canvas) -> None:
        if getattr(self, "_savedToFile", False):
            raise RuntimeError("a PDF document can be saved only once")
        self._savedToFile = True
        for font in self.delayedFonts:
            font.addObjects(self)
        self.info.invariant = self.invariant
        self.info.digest(self.signature)
        catalog = self.Catalog
        self.Reference(catalog)
        self.Reference(self.info)
        self.Outlines.prepare(self, canvas)
        if self.Outlines.ready < 0:
            catalog.Outlines = None
        if self._pdfVersion > self._version:  # raised after the header was written
            catalog.__NoDefault__ = PDFCatalog.__NoDefault__ + ["Version"]
            catalog.Version = PDFName("%s.%s" % self._pdfVersion)
        self._write_waiting(lambda obj, name: False)
        self._write_object_stream()
        if self._object_streams:
            self._write_cross_reference_stream()
            self._sink.close()
            return
        count = self.objectcounter + 1
        offsets = self._offsets
        self._check_written(count)
        start = self._position
        self._emit(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for low in range(1, count, 4096):
            self._emit(b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(low, min(count, low + 4096))))
        trailer = PDFTrailer(startxref=start, Size=count, Root=self.Reference(catalog),
                             Info=self.Reference(self.info), ID=self.ID())
        self._emit(trailer.format(self))
        self._sink.close()

    def _check_written(self, count: int) -> None:
        offsets, container = self._offsets, self._container
        if len(offsets) < count:
            offsets.extend([0] * (count - len(offsets)))
        if len(container) < count:
            container.extend([0] * (count - len(container)))
        # an object at index 0 of an object stream has offset 0 too: its container says it is written
        missing = [n for n in range(1, count) if not offsets[n] and not container[n]]
        if missing:
            raise ValueError(f"PDF objects {missing[:5]} were reserved and never written")

    def _write_cross_reference_stream(self) -> None:
        """The cross-reference table as a stream (PDF 1.5; what object streams need): per
        object its type (1 at an offset, 2 in an object stream), its offset or stream and
        its index there, in /W bytes each, deflated a block of entries at a time."""
        number = self.reserve()
        count = self.objectcounter + 1
        self._record(number)
        self._check_written(count)
        offsets, container = self._offsets, self._container
        start = self._position
        wide = max(1, (max(start, count).bit_length() + 7) // 8)
        compressor = zlib.compressobj()
        chunks = [compressor.compress(b"\x00" + (0).to_bytes(wide, "big") + b"\xff\xff")]
        for low in range(1, count, 4096):
            block = bytearray()
            for n in range(low, min(count, low + 4096)):
                if container[n]:
                    block += b"\x02" + container[n].to_bytes(wide, "big") + offsets[n].to_bytes(2, "big")
                else:
                    block += b"\x01" + offsets[n].to_bytes(wide, "big") + b"\x00\x00"
            chunks.append(compressor.compress(bytes(block)))
        chunks.append(compressor.flush())
        data = b"".join(chunks)  # 3 + wide bytes per object before deflating
        fields = b"/Type /XRef /Size %d /W [1 %d 2] /Root %s /Info %s /ID%s/Filter /FlateDecode /Length %d" % (
            count, wide, self.Reference(self.Catalog).format(self), self.Reference(self.info).format(self),
            self.ID(), len(data))  # the ID ends in a comment line of its own
        self._emit(b"%d 0 obj\n<< " % number + fields + b"\n>>\nstream\n" + data + b"\nendstream\nendobj\n")
        self._emit(b"startxref\n%d\n%%%%EOF\n" % start)


class Sink:
    """Where a canvas's document writes: the output itself, or for a pass of a multi-pass
    build (reportlab saves only the last pass) a temporary file copied to the output when
    that pass is saved; a path is opened and closed here."""

    def __init__(self, target, multi_pass: bool) -> None:
        self.target = target
        if multi_pass:
            self.file = tempfile.TemporaryFile()
        elif hasattr(target, "write"):
            self.file = target
        else:
            self.file = open(target, "wb")
        self.write = self.file.write

    def close(self) -> None:
        if self.file is self.target:
            self.file.flush()
            return
        if not hasattr(self.target, "write") and self.file.name == self.target:
            self.file.close()
            return
        self.file.seek(0)
        if hasattr(self.target, "write"):
            shutil.copyfileobj(self.file, self.target)
        else:
            with open(self.target, "wb") as out:
                shutil.copyfileobj(self.file, out)
        self.file.close()
