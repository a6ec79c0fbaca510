"""The EPUB package, built with ebooklib: metadata, manifest, spine, navigation document
(table of contents and landmarks), NCX and the zip.

ebooklib does the packaging (metadata, manifest, spine, guide, OPF); four of its
behaviours are replaced here, each for a measured or a correctness reason, and only here:

- Pages: `EpubHtml.get_content` re-parses a page with lxml's HTML parser and pretty-prints
  it again, and an item holds its content as one bytes object. Our pages are complete
  XHTML from the HTML body renderer, kept in pages.py's spool: a `RenderedPage` names
  one, and `PackageWriter._write_items` streams it from the spool into its zip member
  chunk by chunk (the same markup as the HTML page, no second parse, never a whole page
  in memory).
- The navigation document and the NCX: ebooklib builds each as an lxml tree (several
  elements per heading, about 1-2 KB each) and serialises it whole; for every plain
  `Link` entry its `_get_ncx` also looks for a `<content>` child of the entry's parent,
  which at the top level is every navPoint written so far (O(n²) in the number of
  sections: 20,000 sections 3.1 s). `nav_pieces` and `ncx_pieces` write the documents
  ebooklib wrote, byte for byte (its structure: NCX entries as (Link, children) pairs,
  its linear branch, ids "sep_N" in play order; nav leaves as plain `<li>`, since an
  empty `<ol>` is forbidden there; lxml's pretty-printing and escaping), as text made
  while the table of contents is read (pages.BookPages.toc), so neither tree exists.
  Two changes to ebooklib's navigation document: the toc nav is named "toc" (ebooklib:
  "id") and the landmarks list is `hidden` (as EPUB 3 intends for a list meant for
  reading systems), so a reader that shows the contents page shows the contents, not a
  "Landmarks" list under it.
- The package element: ebooklib gives it no xml:lang (Ace requires one) and a dir only
  through an option that also needs a direction; `PackageWriter._write_opf_file` sets
  xml:lang to the book's language and dir="rtl" for a right-to-left one (whose spine
  then gets page-progression-direction="rtl" from `set_direction`).
- The zip: `EpubWriter.write` opens a zipfile.ZipFile, which stamps every member with the
  current time; `PackageWriter.write` writes the same members in the same order
  (`mimetype` first and stored) through zipfiles.FixedTimeZip, so the same document gives
  the same bytes. A streamed member is written as writestr writes one (open(..., "w") on
  the same ZipInfo); a page's size is known beforehand, the navigation document's and
  the NCX's are not (given as 0, which chooses zip64 as writestr would below 2 GB).

Images (and the cover) are package files under images/, named by their content's hash, so
the same bytes are one file however often they are used; the cover's item has the
cover-image property, its page comes first in the spine and an EPUB 2 `cover` meta names
it. Content files holding MathML carry the mathml property. The guide's titles (cover,
contents, start) are the labels catalogue's words in the book's language.

Metadata: title, creators, date, subjects (the keywords), dc:description (`description`
metadata, else the subtitle), dc:publisher and dc:rights only when the metadata gives
them (-M publisher=..., rights=...), the identifier (`identifier`, else `isbn` as
urn:isbn, else derived from the metadata and the pages' bytes, read back from the spool
in chunks), and the accessibility metadata of accessibility.py.

Metadata goes to ebooklib (and lxml) unescaped but without the characters XML cannot hold:
lxml refuses those, and ebooklib would then silently leave the field out. This module must
never render document content.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
import uuid
import zipfile
from typing import BinaryIO, Iterable, Iterator
from xml.sax.saxutils import escape as _sax_escape

from ebooklib import epub

from ... import __version__
from ...model import Meta
from ..base import RenderContext
from ..html import theme_css
from ..xmltext import xml_safe
from ..zipfiles import FixedTimeZip
from ..resources import Resource
from .accessibility import CONFORMS_TO, describe
from .pages import CSS_PATH, IMAGES_DIR, BookPages, Page

_XHTML, _OPS = "http://www.w3.org/1999/xhtml", "http://www.idpf.org/2007/ops"
_XML = "http://www.w3.org/XML/1998/namespace"
_W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
OPTIONS = {
    "play_order": {"enabled": True, "start_from": 1},  # EPUB 2 reading systems want playOrder
    "landmark_title": "Landmarks",
    # ebooklib would parse every page with lxml to look for page-break markers; we write none
    "epub3_pages": False,
}


class RenderedPage(epub.EpubHtml):
    """A content document whose markup is already complete XHTML, in pages.py's spool."""

    def __init__(self, page: Page) -> None:
        super().__init__(uid=page.uid, file_name=page.file_name, media_type="application/xhtml+xml",
                         title=page.title)
        self.page = page
        self.properties = list(page.properties)

    def get_content(self, default=None) -> bytes:
        return self.page.content


class PackageWriter(epub.EpubWriter):
    """ebooklib's writer with streamed pages, navigation document and NCX, and fixed zip
    timestamps (see the module docstring), for the book build_book made of `pages`."""

    def __init__(self, out: BinaryIO, book: epub.EpubBook, context: RenderContext, pages: BookPages) -> None:
        super().__init__(out, book, {**OPTIONS, "mtime": context.timestamp})
        self.date_time = context.timestamp.timetuple()[:6]
        self.pages, self.toc_depth = pages, context.toc_depth

    def toc(self) -> Iterator[tuple[int, str, str]]:
        """The table of contents, (depth, text, href) in reading order, made afresh."""
        return self.pages.toc(self.toc_depth)

    def _get_ncx(self) -> bytes:
        return "".join(ncx_pieces(self.book, self.toc())).encode("utf-8")

    def _get_nav(self, item) -> bytes:
        return "".join(nav_pieces(self.book, item, self.toc(), self.options)).encode("utf-8")

    def _write_opf_file(self, root) -> None:
        """The package element carries the book's language (xml:lang) and, for a
        right-to-left one, dir="rtl"; the metadata's text inherits the language (Ace's
        epub-lang)."""
        root.set(f"{{{_XML}}}lang", self.book.language)
        if self.book.direction == "rtl":
            root.set("dir", "rtl")
        super()._write_opf_file(root)

    def _write_items(self) -> None:
        """ebooklib's members in its order; pages, the navigation document and the NCX
        streamed into their members."""
        folder = self.book.FOLDER_NAME
        for item in self.book.get_items():
            name = f"{folder}/{item.file_name}" if item.manifest else item.file_name
            if isinstance(item, epub.EpubNcx):
                self._stream(name, _encoded(ncx_pieces(self.book, self.toc())))
            elif isinstance(item, epub.EpubNav):
                self._stream(name, _encoded(nav_pieces(self.book, item, self.toc(), self.options)))
            elif isinstance(item, RenderedPage):
                self._stream(name, item.page.chunks(), item.page.size)
            else:
                self.out.writestr(name, item.get_content())

    def _stream(self, name: str, chunks: Iterable[bytes], size: int = 0) -> None:
        """Member `name` of `chunks`: the bytes writestr writes for their concatenation (its
        ZipInfo and open-and-write; its file_size when known, which decides zip64 only
        past 2 GB)."""
        info = self.out._member(name)
        info.file_size = size
        with self.out.open(info, mode="w") as member:
            for chunk in chunks:
                member.write(chunk)

    def write(self) -> None:
        with FixedTimeZip(self.file_name, self.date_time) as self.out:
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()


# lxml's (libxml2's) escaping of serialised text and attribute values beyond &, < and >,
# so that nav_pieces and ncx_pieces give its bytes
_TEXT_ESCAPES = {"\r": "&#13;"}
_ATTRIBUTE_ESCAPES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _attribute(value: str) -> str:
    return _sax_escape(value, _ATTRIBUTE_ESCAPES)


def _element(indent: int, tag: str, attributes: str, text: str | None) -> str:
    """A pretty-printed leaf element on its own line, as lxml writes it (no text: `<tag/>`)."""
    if text is None:
        return f"{' ' * indent}<{tag}{attributes}/>\n"
    return f"{' ' * indent}<{tag}{attributes}>{_sax_escape(text, _TEXT_ESCAPES)}</{tag}>\n"


def _encoded(pieces: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """`pieces` as UTF-8, in batches of about `size` characters."""
    batch, count = [], 0
    for piece in pieces:
        batch.append(piece)
        count += len(piece)
        if count >= size:
            yield "".join(batch).encode("utf-8")
            batch, count = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def nav_pieces(book: epub.EpubBook, item: epub.EpubNav, toc: Iterable[tuple[int, str, str]],
               options: dict) -> Iterator[str]:
    """The navigation document as ebooklib's `_get_nav` builds it (the toc nav, here with the
    id "toc", then the guide's landmarks, here hidden), serialised as lxml pretty-prints it.
    An entry with entries under it holds their <ol>; one without holds none (EPUB forbids
    an empty one)."""
    title = item.title or book.title
    here = posixpath.dirname(item.file_name)
    language = _attribute(book.language)
    yield "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n"
    yield f'<html xmlns="{_XHTML}" xmlns:epub="{_OPS}" lang="{language}" xml:lang="{language}">\n  <head>\n'
    yield _element(4, "title", "", title)
    for link in item.links:
        yield f'    <link href="{_attribute(link.get("href", ""))}" rel="stylesheet" type="text/css"/>\n'
    yield "  </head>\n"
    yield f'  <body dir="{_attribute(item.direction)}">\n' if item.direction else "  <body>\n"
    yield '    <nav epub:type="toc" id="toc" role="doc-toc">\n'
    yield _element(6, "h2", "", title)
    yield "      <ol>\n"
    depth = 0  # of the entry whose <li> is open; its <ol> (if any) is at 2 + 4 * (depth + 1)
    for entry_depth, text, href in toc:
        if depth and entry_depth > depth:  # the first entry under the open one
            yield f"{' ' * (6 + 4 * depth)}<ol>\n"
        else:
            while depth >= entry_depth:
                yield f"{' ' * (4 + 4 * depth)}</li>\n"
                if depth > entry_depth:
                    yield f"{' ' * (2 + 4 * depth)}</ol>\n"
                depth -= 1
        depth = entry_depth
        yield f"{' ' * (4 + 4 * depth)}<li>\n"
        yield _element(6 + 4 * depth, "a", f' href="{_attribute(posixpath.relpath(href, here))}"', text)
    while depth:
        yield f"{' ' * (4 + 4 * depth)}</li>\n"
        if depth > 1:
            yield f"{' ' * (2 + 4 * depth)}</ol>\n"
        depth -= 1
    yield "      </ol>\n    </nav>\n"
    if book.guide and options.get("epub3_landmark"):
        to_landmark = {"notes": "rearnotes", "text": "bodymatter"}  # as ebooklib maps guide types
        yield '    <nav epub:type="landmarks" hidden="hidden">\n'
        yield _element(6, "h2", "", options.get("landmark_title", "Guide"))
        yield "      <ol>\n"
        for entry in book.guide:
            kind = entry.get("type", "")
            href = posixpath.relpath(entry.get("href", ""), here)
            yield "        <li>\n"
            yield _element(10, "a", f' epub:type="{_attribute(to_landmark.get(kind, kind))}" '
                           f'href="{_attribute(href)}"', entry.get("title", ""))
            yield "        </li>\n"
        yield "      </ol>\n    </nav>\n"
    yield "  </body>\n</html>\n"


def ncx_pieces(book: epub.EpubBook, toc: Iterable[tuple[int, str, str]]) -> Iterator[str]:
    """The NCX as ebooklib's `_get_ncx` builds it from (Link, children) pairs (its linear
    branch: ids "sep_N" and play order 1, 2, ... in reading order), serialised as lxml
    pretty-prints it."""
    yield ("<?xml version='1.0' encoding='utf-8'?>\n"
           '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n  <head>\n'
           f'    <meta content="{_attribute(book.uid)}" name="dtb:uid"/>\n'
           '    <meta content="0" name="dtb:depth"/>\n'
           '    <meta content="0" name="dtb:totalPageCount"/>\n'
           '    <meta content="0" name="dtb:maxPageNumber"/>\n  </head>\n  <docTitle>\n')
    yield _element(4, "text", "", book.title)
    yield "  </docTitle>\n  <navMap>\n"
    depth = 0  # of the open navPoint
    for number, (entry_depth, text, href) in enumerate(toc):
        while depth >= entry_depth:
            yield f"{' ' * (2 + 2 * depth)}</navPoint>\n"
            depth -= 1
        depth = entry_depth
        indent = " " * (2 + 2 * depth)
        yield f'{indent}<navPoint id="sep_{number}" playOrder="{number + 1}">\n{indent}  <navLabel>\n'
        yield _element(6 + 2 * depth, "text", "", text)
        yield f'{indent}  </navLabel>\n{indent}  <content src="{_attribute(href)}"/>\n'
    while depth:
        yield f"{' ' * (2 + 2 * depth)}</navPoint>\n"
        depth -= 1
    yield "  </navMap>\n</ncx>\n"


def stable_identifier(meta: Meta, pages: Iterable[bytes]) -> str:
    """The book id: meta's `identifier` if given, else its `isbn` as a urn:isbn, else a
    urn:uuid derived from the metadata and the rendered pages' bytes (in order, in chunks
    of any size: only the digest is kept), so the same document gives the same id (and a
    changed one a new id) without serialising the whole tree a second time."""
    extra = dict(meta.extra)
    if extra.get("identifier", "").strip():
        return extra["identifier"].strip()
    isbn = "".join(extra.get("isbn", "").split()).removeprefix("urn:isbn:")
    if isbn:
        return f"urn:isbn:{isbn}"
    digest = hashlib.sha256(repr(meta).encode("utf-8", "surrogatepass"))
    for page in pages:
        digest.update(page)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'docforge:' + digest.hexdigest())}"


def _metadata(book: epub.EpubBook, context: RenderContext, pages: BookPages) -> None:
    meta = context.doc.meta
    documents = ([pages.cover] if pages.cover is not None else []) + pages.pages
    book.set_identifier(xml_safe(stable_identifier(meta, (chunk for page in documents for chunk in page.chunks()))))
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": f"docforge {__version__}"})
    book.set_title(pages.title)
    book.set_language(xml_safe(context.language))
    if context.direction == "rtl":
        book.set_direction("rtl")  # the spine's page-progression-direction; dir on <package> below
    for number, author in enumerate(meta.authors, 1):
        if xml_safe(author).strip():
            book.add_author(xml_safe(author), uid=f"creator-{number}")
    if meta.date and _W3CDTF.match(meta.date.strip()):
        book.add_metadata("DC", "date", meta.date.strip())
    for keyword in meta.keywords:
        if xml_safe(keyword).strip():
            book.add_metadata("DC", "subject", xml_safe(keyword))
    extra = {key: " ".join(xml_safe(value).split()) for key, value in meta.extra}
    description = extra.get("description") or " ".join(xml_safe(meta.subtitle).split())
    if description:
        book.add_metadata("DC", "description", description)
    for key in ("publisher", "rights"):  # no publisher unless one is given: docforge is the generator
        if extra.get(key):
            book.add_metadata("DC", key, extra[key])
    _accessibility_metadata(book, context, pages)


def _accessibility_metadata(book: epub.EpubBook, context: RenderContext, pages: BookPages) -> None:
    """schema.org accessibility metadata (accessibility.py says what it is derived from),
    and the conformance claim only when the book meets it (else one info diagnostic why not)."""
    found = describe(context, pages)

    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", xml_safe(value), {"property": prop})

    for mode in found.modes:
        meta("schema:accessMode", mode)
    for modes in found.sufficient:
        meta("schema:accessModeSufficient", modes)
    for feature in found.features:
        meta("schema:accessibilityFeature", feature)
    for hazard in found.hazards:
        meta("schema:accessibilityHazard", hazard)
    meta("schema:accessibilitySummary", found.summary)
    if found.conforms:
        meta("dcterms:conformsTo", CONFORMS_TO)
    else:
        context.diagnostics.add(f"the EPUB claims no {CONFORMS_TO} conformance: "
                                + "; ".join(found.shortfalls), "info")
    if found.certified_by:
        meta("a11y:certifiedBy", found.certified_by)
        if found.credential:
            meta("a11y:certifierCredential", found.credential)


def build_book(context: RenderContext, pages: BookPages) -> epub.EpubBook:
    """The ebooklib book of `pages`: metadata, the theme's stylesheet, the content
    documents, the navigation document and NCX, spine and guide.

    The navigation document is a spine item (landmarks may only point at spine items):
    before the article when a table of contents was asked for, else after it and not
    linear."""
    book = epub.EpubBook()
    _metadata(book, context, pages)
    css = book.add_item(epub.EpubItem(uid="css", file_name=CSS_PATH, media_type="text/css",
                                      content=theme_css(context.style, for_epub=True).encode("utf-8")))
    for name in sorted(pages.images):
        book.add_item(_image_item(pages.images[name], cover=pages.cover_image is not None
                                  and name == pages.cover_image.name))
    cover = [book.add_item(RenderedPage(pages.cover))] if pages.cover is not None else []
    if pages.cover_image is not None:  # EPUB 2 reading systems find the cover by this meta
        book.add_metadata(None, "meta", "", {"name": "cover", "content": _image_uid(pages.cover_image)})
    documents = [book.add_item(RenderedPage(page)) for page in pages.pages]
    book.add_item(epub.EpubNcx())
    toc_title = xml_safe(context.labels.contents) or "Contents"
    nav = book.add_item(epub.EpubNav(title=toc_title, direction="rtl" if context.direction == "rtl" else None))
    nav.add_item(css)
    # asked for, the contents come before the article; else the nav is off the reading order
    book.spine = ([*cover, nav, *documents] if context.toc
                  else [*cover, *documents, (nav, "no")])
    labels = context.labels  # the guide's titles in the book's language
    book.guide = ([{"type": "cover", "title": xml_safe(labels.cover) or "Cover", "href": cover[0].file_name}]
                  if cover else []) + [
        {"type": "toc", "title": toc_title, "href": nav.file_name},
        {"type": "text", "title": xml_safe(labels.start) or "Start", "href": pages.first_body.file_name}]
    return book


def _image_uid(resource: Resource) -> str:
    return resource.name.rsplit(".", 1)[0]  # "image-<hash>": an XML id, unique per content


def _image_item(resource: Resource, cover: bool) -> epub.EpubItem:
    """An image as a package file; the cover's carries the cover-image property."""
    item = epub.EpubItem(uid=_image_uid(resource), file_name=f"{IMAGES_DIR}/{resource.name}",
                         media_type=resource.media_type, content=resource.data)
    item.properties = ["cover-image"] if cover else []
    return item


def write_package(context: RenderContext, pages: BookPages, out: BinaryIO) -> None:
    """The EPUB of `pages` into `out`."""
    PackageWriter(out, build_book(context, pages), context, pages).write()
