"""IR -> EPUB 3 (with an NCX for EPUB 2 reading systems), built with ebooklib.

The body markup is the HTML writer's BodyRenderer in its XHTML flavour, so an EPUB and
the HTML page of one document look like siblings; the stylesheet is the same theme CSS.
The book has a title page, one XHTML file per top-level section, a navigation document
(nested TOC and landmarks) and an NCX. Output is deterministic: the identifier is derived
from the content unless meta gives one, dcterms:modified comes from SOURCE_DATE_EPOCH (or
a fixed date), and the zip is written with fixed timestamps, `mimetype` first and stored.
This writer never renumbers anything and never fetches resources.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable

from ebooklib import epub

from ..errors import Diagnostic
from ..model import Document, Heading, Meta, Reference, Table, walk
from ..options import WriteOptions
from ..style import Style
from ..transforms import OutlineEntry, outline
from .common import markup_text
from .html import BodyRenderer, theme_css
from .zipfiles import FixedTimeZip

CSS_PATH = "style/docforge.css"
_W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class _Page(epub.EpubHtml):
    """An XHTML file whose full markup we write ourselves (ebooklib would re-parse and
    rebuild it through lxml's HTML parser otherwise)."""

    def __init__(self, xhtml: bytes, **kwargs) -> None:
        super().__init__(**kwargs)
        self._xhtml = xhtml

    def get_content(self, default=None) -> bytes:
        return self._xhtml


@dataclass
class _Book:
    """State of one EPUB run: which file holds which anchor, and what was noticed."""
    chunks: list[tuple[str, tuple]] = field(default_factory=list)   # (file name, blocks)
    file_of: dict[str, str] = field(default_factory=dict)            # anchor id -> file name
    diagnostics: list[Diagnostic] = field(default_factory=list)


def split_sections(doc: Document) -> list[tuple]:
    """Blocks grouped into files: whatever precedes the first top-level heading, then one
    group per top-level heading (the smallest heading level the document uses)."""
    levels = [b.level for b in doc.blocks if isinstance(b, Heading)]
    top = min(levels) if levels else None
    groups: list[list] = [[]]
    for block in doc.blocks:
        if isinstance(block, Heading) and block.level == top and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    return [tuple(g) for g in groups if g]


def stable_identifier(meta: Meta, pages: Iterable[bytes]) -> str:
    """The book id: meta's `identifier` if given, else a urn:uuid derived from the metadata
    and the rendered pages, so the same document gives the same id (and a changed one a
    new id) without serialising the whole tree a second time."""
    for key, value in meta.extra:
        if key == "identifier" and value.strip():
            return value.strip()
    digest = hashlib.sha256(repr(meta).encode("utf-8", "surrogatepass"))
    for page in pages:
        digest.update(page)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'docforge:' + digest.hexdigest())}"


class _ZipWriter(epub.EpubWriter):
    """ebooklib's writer, writing the zip once, deterministically: one fixed timestamp and
    mode for every member (ebooklib stamps the current time), `mimetype` first and stored.
    Saves compressing the book twice (once by ebooklib, once to re-stamp it)."""

    def __init__(self, out: BinaryIO, book, options: dict, date_time: tuple) -> None:
        super().__init__(out, book, options)
        self.date_time = date_time

    def _get_ncx(self) -> bytes:
        """The NCX (the EPUB 2 table of contents), written as text: ebooklib's looks up a
        child element for every entry, which is quadratic in the number of sections
        (a 10 MB feed took 17x the time of a 1 MB one)."""
        order = itertools.count(1)
        deepest = 0
        points: list[str] = []

        def add(items: list, depth: int) -> None:
            nonlocal deepest
            deepest = max(deepest, depth)
            for item in items:
                entry, children = item if isinstance(item, tuple) else (item, ())
                number = next(order)
                points.append(f'<navPoint id="ncx-{number}" playOrder="{number}"><navLabel><text>'
                              f'{markup_text(entry.title)[0]}</text></navLabel>'
                              f'<content src="{markup_text(entry.href)[0]}"/>')
                add(children, depth + 1)
                points.append("</navPoint>")

        add(self.book.toc, 1)
        title = markup_text(self.book.title)[0]
        return ("<?xml version='1.0' encoding='utf-8'?>\n"
                '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n<head>\n'
                f'<meta content="{markup_text(self.book.uid)[0]}" name="dtb:uid"/>\n'
                f'<meta content="{deepest}" name="dtb:depth"/>\n'
                '<meta content="0" name="dtb:totalPageCount"/>\n<meta content="0" name="dtb:maxPageNumber"/>\n'
                f'</head>\n<docTitle><text>{title}</text></docTitle>\n<navMap>\n'
                + "\n".join(points) + "\n</navMap>\n</ncx>\n").encode("utf-8")

    def write(self) -> None:
        self.out = FixedTimeZip(self.file_name, self.date_time)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()


class EpubWriter:
    name = "epub"
    extension = "epub"
    media_type = "application/epub+zip"

    def __init__(self) -> None:
        self.renderer = BodyRenderer(xhtml=True, heading_shift=0)

    def write(self, doc: Document, out: BinaryIO, style: Style, options: WriteOptions) -> list[Diagnostic]:
        state = _Book()
        groups = split_sections(doc)
        has_front = bool(groups) and not isinstance(groups[0][0], Heading)
        for index, blocks in enumerate(groups):
            name = "text/front.xhtml" if (index == 0 and has_front) else f"text/section-{index + (0 if has_front else 1):03d}.xhtml"
            state.chunks.append((name, blocks))
            for block in blocks:
                for node in walk(block, inlines=False):
                    if isinstance(node, (Heading, Reference, Table)) and node.id:
                        state.file_of.setdefault(node.id, name)

        language = doc.meta.language or style.text.language
        title = _clean(doc.meta.title).strip() or "Untitled"
        book = epub.EpubBook()
        book.FOLDER_NAME = "EPUB"
        book.set_title(_clean(title) or "Untitled")
        book.set_language(language)
        for number, author in enumerate(doc.meta.authors, 1):
            if _clean(author).strip():
                book.add_author(_clean(author), uid=f"creator-{number}")
        if doc.meta.date and _W3CDTF.match(doc.meta.date.strip()):
            book.add_metadata("DC", "date", doc.meta.date.strip())
        for keyword in doc.meta.keywords:
            if _clean(keyword).strip():
                book.add_metadata("DC", "subject", _clean(keyword))
        if _clean(doc.meta.subtitle).strip():
            book.add_metadata("DC", "description", _clean(doc.meta.subtitle))
        book.add_metadata("DC", "publisher", "docforge")

        css = epub.EpubItem(uid="css", file_name=CSS_PATH, media_type="text/css",
                            content=theme_css(style, for_epub=True).encode("utf-8"))
        book.add_item(css)

        run = self.renderer.new_run(doc, href_for=lambda id_: self._href(state, id_))
        title_page = self._page(book, "title", "text/title.xhtml", title, language,
                                self._title_body(doc, style, run, not groups), "frontmatter")
        pages = [title_page]
        for name, blocks in state.chunks:
            heading = next((b for b in blocks if isinstance(b, Heading)), None)
            page_title = _clean(" ".join(_heading_text(heading).split())) if heading else title
            body = self.renderer.blocks(blocks, run)
            if name == state.chunks[-1][0]:
                body += "\n" + self.renderer.keywords_block(doc, style, run)
            pages.append(self._page(book, name.split("/")[-1].removesuffix(".xhtml"), name,
                                    page_title or title, language, body, "bodymatter"))

        book.set_identifier(stable_identifier(doc.meta, (page.get_content() for page in pages)))
        book.toc = self._toc(outline(doc), state, title_page, title)
        book.add_item(epub.EpubNcx())
        nav = epub.EpubNav(title=_clean(style.toc.title) or "Contents")
        book.add_item(nav)
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        # The nav document is always a spine item (landmarks may only point at spine items);
        # it is in the linear reading order only when a table of contents was asked for.
        book.spine = [title_page, ("nav", "yes" if want_toc else "no")] + pages[1:]
        first_body = pages[1] if len(pages) > 1 else title_page
        book.guide = [{"type": "toc", "href": "nav.xhtml", "title": nav.title},
                      {"type": "text", "href": first_body.file_name, "title": "Start"}]

        raw = io.BytesIO()
        writer = _ZipWriter(raw, book, {"mtime": options.timestamp().replace(tzinfo=None),
                                        "epub3_landmark": True, "landmark_title": "Landmarks",
                                        "epub3_pages": False, "play_order": {"enabled": True, "start_from": 1}},
                            options.timestamp().timetuple()[:6])
        writer.process()
        writer.write()
        out.write(raw.getvalue())
        return self.renderer.finish(run) + state.diagnostics

    # ------------------------------------------------------------- pieces
    @staticmethod
    def _href(state: _Book, id_: str) -> str | None:
        target = state.file_of.get(id_)
        if target is None:
            return None
        return f"{target.split('/')[-1]}#{id_}"

    def _title_body(self, doc: Document, style: Style, run, with_keywords: bool) -> str:
        body = self.renderer.title_block(doc, run) or f'<h1 class="title">{self.renderer.text(doc.meta.title or "Untitled", run)}</h1>'
        if with_keywords:
            body += "\n" + self.renderer.keywords_block(doc, style, run)
        return body

    def _xhtml(self, title: str, language: str, body: str, body_type: str) -> bytes:
        esc = self.renderer.text
        run = self.renderer.new_run(Document())
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{esc(language, run)}" xml:lang="{esc(language, run)}">\n'
            f'<head>\n<meta charset="utf-8"/>\n<title>{esc(title, run).strip() or "Untitled"}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="../{CSS_PATH}"/>\n</head>\n'
            f'<body epub:type="{body_type}">\n<article>\n{body}\n</article>\n</body>\n</html>\n'
        ).encode("utf-8")

    def _page(self, book, uid: str, file_name: str, title: str, language: str, body: str,
              body_type: str) -> _Page:
        page = _Page(self._xhtml(title, language, body, body_type), uid=uid, file_name=file_name,
                     title=title, lang=language)
        book.add_item(page)
        return page

    def _toc(self, entries: tuple[OutlineEntry, ...], state: _Book, title_page, title: str) -> list:
        counter = [0]

        def convert(items) -> list:
            result = []
            for entry in items:
                counter[0] += 1
                target = state.file_of.get(entry.id)
                if target is None:
                    continue
                href = f"{target}#{entry.id}"
                text = " ".join(_clean(entry.text).split()) or "Section"
                if entry.children:
                    result.append((epub.Section(text, href=href), convert(entry.children)))
                else:
                    result.append(epub.Link(href, text, f"nav-{counter[0]}"))
            return result

        return [epub.Link(title_page.file_name, _clean(title) or "Title", "nav-title")] + convert(entries)


def _heading_text(heading: Heading) -> str:
    from ..model import plain_text
    return plain_text(heading)


def _clean(text: str) -> str:
    from .common import xml_safe
    return xml_safe(text)


writer = EpubWriter()
