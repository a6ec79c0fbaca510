"""IR -> EPUB 3 (with an NCX for EPUB 2 reading systems), packaged by this module.

The body markup is the HTML writer's BodyRenderer in its XHTML flavour, so an EPUB and
the HTML page of one document look like siblings; the stylesheet is the same theme CSS.
The book has a title page, one XHTML file per top-level section, a navigation document
(nested TOC and landmarks), an NCX and the package document (OPF), all written as text.
(It used ebooklib: its NCX builder was quadratic in the number of sections, and with
lxml it was a quarter of the time of a large conversion; what it did for us is the
few templates below.) Output is deterministic: the identifier is derived from the
content unless meta gives one, dcterms:modified comes from SOURCE_DATE_EPOCH (or a fixed
date), and the zip has fixed timestamps, `mimetype` first and stored.
This writer never renumbers anything and never fetches resources.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import re
import uuid
import zipfile
from typing import BinaryIO, Iterable

from .. import __version__
from .base import RenderContext
from ..errors import Diagnostic
from ..model import Document, Heading, Meta, Reference, Table, plain_text, walk
from ..options import WriteOptions
from ..style import Style
from ..transforms import OutlineEntry, outline
from .xmltext import escape as _escape_markup, xml_safe
from .html import BodyRenderer, theme_css
from .zipfiles import FixedTimeZip

CSS_PATH = "style/docforge.css"
_W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CONTAINER_XML = ('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">\n'
                 '<rootfiles>\n<rootfile media-type="application/oebps-package+xml" '
                 'full-path="EPUB/content.opf"/>\n</rootfiles>\n</container>\n')


class _Page:
    """One XHTML file of the book: its manifest id, path under EPUB/ and markup."""
    __slots__ = ("uid", "file_name", "content")

    def __init__(self, uid: str, file_name: str, content: bytes) -> None:
        self.uid, self.file_name, self.content = uid, file_name, content


class _Book:
    """State of one EPUB run: the files and which file holds which anchor."""
    __slots__ = ("chunks", "file_of")

    def __init__(self) -> None:
        self.chunks: list[tuple[str, tuple]] = []   # (file name, blocks)
        self.file_of: dict[str, str] = {}           # anchor id -> file name


def _x(text: str) -> str:
    """Text for XML content or attributes."""
    return _escape_markup(text)[0]


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


class EpubWriter:
    renderer = BodyRenderer

    def __init__(self) -> None:
        self.body = BodyRenderer(xhtml=True, heading_shift=0)

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        doc, style, options = context.doc, context.style, context.options
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
        title = xml_safe(doc.meta.title).strip() or "Untitled"
        run = self.body.new_run(doc, href_for=lambda id_: self._href(state, id_))
        title_page = self._page("title", "text/title.xhtml", title, language,
                                self._title_body(doc, style, run, not groups), "frontmatter")
        pages = [title_page]
        for name, blocks in state.chunks:
            heading = next((b for b in blocks if isinstance(b, Heading)), None)
            page_title = xml_safe(" ".join(plain_text(heading).split())) if heading else title
            body = self.body.blocks(blocks, run)
            if name == state.chunks[-1][0]:
                body += "\n" + self.body.keywords_block(doc, style, run)
            pages.append(self._page(name.split("/")[-1].removesuffix(".xhtml"), name,
                                    page_title or title, language, body, "bodymatter"))

        identifier = stable_identifier(doc.meta, (page.content for page in pages))
        toc = self._toc(outline(doc), state, title_page, title)
        toc_title = xml_safe(style.toc.title) or "Contents"
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        first_body = pages[1] if len(pages) > 1 else title_page
        css = theme_css(style, for_epub=True).encode("utf-8")
        modified = options.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ")

        with FixedTimeZip(out, options.timestamp().timetuple()[:6]) as book:
            book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            book.writestr("META-INF/container.xml", CONTAINER_XML)
            book.writestr("EPUB/content.opf", self._package(doc, identifier, title, language, modified,
                                                           pages, want_toc, toc_title, first_body))
            book.writestr(f"EPUB/{CSS_PATH}", css)
            for page in pages:
                book.writestr(f"EPUB/{page.file_name}", page.content)
            book.writestr("EPUB/toc.ncx", self._ncx(toc, identifier, title))
            book.writestr("EPUB/nav.xhtml", self._nav(toc, toc_title, language, first_body))
        return self.body.finish(run)

    # ------------------------------------------------------------- pieces
    @staticmethod
    def _href(state: _Book, id_: str) -> str | None:
        target = state.file_of.get(id_)
        if target is None:
            return None
        return f"{target.split('/')[-1]}#{id_}"

    def _title_body(self, doc: Document, style: Style, run, with_keywords: bool) -> str:
        body = self.body.title_block(doc, run) or f'<h1 class="title">{self.body.text(doc.meta.title or "Untitled", run)}</h1>'
        if with_keywords:
            body += "\n" + self.body.keywords_block(doc, style, run)
        return body

    @staticmethod
    def _page(uid: str, file_name: str, title: str, language: str, body: str, body_type: str) -> _Page:
        xhtml = (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{_x(language)}" xml:lang="{_x(language)}">\n'
            f'<head>\n<meta charset="utf-8"/>\n<title>{_x(title).strip() or "Untitled"}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="../{CSS_PATH}"/>\n</head>\n'
            f'<body epub:type="{body_type}">\n<article>\n{body}\n</article>\n</body>\n</html>\n'
        ).encode("utf-8")
        return _Page(uid, file_name, xhtml)

    @staticmethod
    def _toc(entries: tuple[OutlineEntry, ...], state: _Book, title_page: _Page, title: str) -> list:
        """(text, href relative to EPUB/, children) for the title page and every heading
        whose file is known, nested as the outline is."""
        def convert(items) -> list:
            result = []
            for entry in items:
                target = state.file_of.get(entry.id)
                if target is None:
                    continue
                text = " ".join(xml_safe(entry.text).split()) or "Section"
                result.append((text, f"{target}#{entry.id}", convert(entry.children)))
            return result

        return [(xml_safe(title) or "Title", title_page.file_name, [])] + convert(entries)

    @staticmethod
    def _package(doc: Document, identifier: str, title: str, language: str, modified: str,
                 pages: list[_Page], want_toc: bool, toc_title: str, first_body: _Page) -> str:
        """The OPF: metadata, manifest, spine (the nav is a spine item, linear only when a
        table of contents was asked for: landmarks may only point at spine items) and guide."""
        m = doc.meta
        meta = [f'<meta property="dcterms:modified">{modified}</meta>',
                f'<meta name="generator" content="docforge {__version__}"/>',
                f'<dc:identifier id="id">{_x(identifier)}</dc:identifier>',
                f"<dc:title>{_x(title)}</dc:title>",
                f"<dc:language>{_x(language)}</dc:language>"]
        meta += [f'<dc:creator id="creator-{n}">{_x(a)}</dc:creator>'
                 for n, a in enumerate(m.authors, 1) if xml_safe(a).strip()]
        if m.date and _W3CDTF.match(m.date.strip()):
            meta.append(f"<dc:date>{_x(m.date.strip())}</dc:date>")
        meta += [f"<dc:subject>{_x(k)}</dc:subject>" for k in m.keywords if xml_safe(k).strip()]
        if xml_safe(m.subtitle).strip():
            meta.append(f"<dc:description>{_x(m.subtitle)}</dc:description>")
        meta.append("<dc:publisher>docforge</dc:publisher>")
        manifest = ['<item href="style/docforge.css" id="css" media-type="text/css"/>']
        manifest += [f'<item href="{p.file_name}" id="{p.uid}" media-type="application/xhtml+xml"/>' for p in pages]
        manifest += ['<item href="toc.ncx" id="ncx" media-type="application/x-dtbncx+xml"/>',
                     '<item href="nav.xhtml" id="nav" media-type="application/xhtml+xml" properties="nav"/>']
        spine = [f'<itemref idref="{pages[0].uid}"/>', f'<itemref idref="nav" linear="{"yes" if want_toc else "no"}"/>']
        spine += [f'<itemref idref="{p.uid}"/>' for p in pages[1:]]
        return ("<?xml version='1.0' encoding='utf-8'?>\n"
                '<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="id" version="3.0">\n'
                '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">\n'
                + "\n".join(meta) + "\n</metadata>\n<manifest>\n" + "\n".join(manifest)
                + '\n</manifest>\n<spine toc="ncx">\n' + "\n".join(spine) + "\n</spine>\n<guide>\n"
                f'<reference type="toc" title="{_x(toc_title)}" href="nav.xhtml"/>\n'
                f'<reference type="text" title="Start" href="{first_body.file_name}"/>\n'
                "</guide>\n</package>\n")

    @staticmethod
    def _nav(toc: list, toc_title: str, language: str, first_body: _Page) -> str:
        """The EPUB 3 navigation document: the nested table of contents and the landmarks."""
        def items(entries: list) -> str:
            return "".join(f'<li><a href="{_x(href)}">{_x(text)}</a>'
                           + (f"<ol>{items(children)}</ol>" if children else "") + "</li>\n"
                           for text, href, children in entries)

        return ("<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n"
                '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
                f'lang="{_x(language)}" xml:lang="{_x(language)}">\n<head>\n<meta charset="utf-8"/>\n'
                f'<title>{_x(toc_title)}</title>\n<link rel="stylesheet" type="text/css" href="{CSS_PATH}"/>\n'
                "</head>\n<body>\n"
                f'<nav epub:type="toc" id="toc" role="doc-toc">\n<h2>{_x(toc_title)}</h2>\n<ol>\n{items(toc)}</ol>\n</nav>\n'
                '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n<ol>\n'
                f'<li><a epub:type="toc" href="nav.xhtml">{_x(toc_title)}</a></li>\n'
                f'<li><a epub:type="bodymatter" href="{first_body.file_name}">Start</a></li>\n'
                "</ol>\n</nav>\n</body>\n</html>\n")

    @staticmethod
    def _ncx(toc: list, identifier: str, title: str) -> str:
        """The NCX (the EPUB 2 table of contents), with play order."""
        order = itertools.count(1)
        deepest = 0
        points: list[str] = []

        def add(entries: list, depth: int) -> None:
            nonlocal deepest
            for text, href, children in entries:
                deepest = max(deepest, depth)
                number = next(order)
                points.append(f'<navPoint id="ncx-{number}" playOrder="{number}"><navLabel><text>'
                              f'{_x(text)}</text></navLabel><content src="{_x(href)}"/>')
                add(children, depth + 1)
                points.append("</navPoint>")

        add(toc, 1)
        return ("<?xml version='1.0' encoding='utf-8'?>\n"
                '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n<head>\n'
                f'<meta content="{_x(identifier)}" name="dtb:uid"/>\n<meta content="{deepest}" name="dtb:depth"/>\n'
                '<meta content="0" name="dtb:totalPageCount"/>\n<meta content="0" name="dtb:maxPageNumber"/>\n'
                f"</head>\n<docTitle><text>{_x(title)}</text></docTitle>\n<navMap>\n"
                + "\n".join(points) + "\n</navMap>\n</ncx>\n")


writer = EpubWriter()
