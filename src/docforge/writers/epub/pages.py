"""The book's XHTML files: which blocks go in which file, their markup, and the images
they embed.

A cover page when there is a cover image, then the article: one file opening with the
title block, split at top-level headings only when it is long (`SPLIT_AT`, see
`article_parts`), so that a short section does not start a new screen. Page titles are
the book's title (later files: their first heading and the title, as the labels
catalogue's page_title puts them); "Untitled", "Cover" and "Section" are the catalogue's too. The markup is the
HTML writer's BodyRenderer in its XHTML flavour, so an EPUB and the HTML page of one
document look like siblings; links to anchors in other files become "file.xhtml#id". A
footnote's aside goes at the end of the file that holds its marker (notes inside notes
too), so its link is always within the file and note ids ("fn-N", from the
document-wide numbers) are unique across the book. Images become package files (one per
distinct content, named by Resource.name); a remote image cannot be shown (an EPUB would
need the remote-resources property) and its alt text is. Also the table of contents as
(text, href, children), for the navigation document and the NCX. This module must never
package anything (that is package.py) nor import ebooklib.
"""
from __future__ import annotations

import os

from ...errors import InputError
from ...labels import is_rtl
from ...model import Div, Figure, Heading, Reference, Span, Table, plain_text, walk
from ...transforms import OutlineEntry
from ..base import RenderContext
from ..html import BodyRenderer
from ..resources import Resource
from ..xmltext import escape, xml_safe

CSS_PATH = "style/docforge.css"
IMAGES_DIR = "images"
COVER_METADATA = "cover-image"  # pandoc's metadata key for the cover
# An article is one file (a short section does not start a new screen) until its text
# passes this many characters: about 120-250 KB of XHTML, below the 300 KB past which
# older reading systems (Adobe RMSDK) refuse or crawl
SPLIT_AT = 100_000


class Page:
    """One XHTML file of the book: its manifest id, path under EPUB/, title, markup and
    manifest properties ("mathml" when it holds MathML)."""
    __slots__ = ("uid", "file_name", "title", "content", "properties")

    def __init__(self, uid: str, file_name: str, title: str, content: bytes,
                 properties: tuple[str, ...] = ()) -> None:
        self.uid, self.file_name, self.title, self.content = uid, file_name, title, content
        self.properties = properties


# the nodes whose ids links may point at ("#id"), found in whichever file holds them
_ANCHORED = frozenset((Heading, Reference, Table, Figure, Div, Span))


def split_sections(blocks: tuple) -> list[tuple]:
    """Blocks grouped into files: whatever precedes the first top-level heading, then one
    group per top-level heading (the smallest heading level the document uses)."""
    levels = [b.level for b in blocks if type(b) is Heading]
    top = min(levels) if levels else None
    groups: list[list] = [[]]
    for block in blocks:
        if type(block) is Heading and block.level == top and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    return [tuple(g) for g in groups if g]


def article_parts(blocks: tuple) -> list[tuple]:
    """The article's blocks as the files that hold them: one file, unless the text passes
    SPLIT_AT characters; then a file ends after the first top-level section that takes it
    past SPLIT_AT (a long article without top-level sections stays one file)."""
    parts: list[list] = [[]]
    size = 0
    for group in split_sections(blocks):
        if size >= SPLIT_AT:
            parts.append([])
            size = 0
        parts[-1].extend(group)
        size += sum(len(plain_text(block)) for block in group)
    return [tuple(part) for part in parts if part]


def _escaped(text: str) -> str:
    """Text for XHTML content or attributes (the characters XML cannot hold dropped)."""
    return escape(text, "html")[0]


def xhtml_page(uid: str, file_name: str, title: str, language: str, body: str, body_type: str,
               properties: tuple[str, ...] = ()) -> Page:
    """A complete XHTML content document around `body` (`body_type`: its epub:type);
    `title` is never empty (BookPages gives the catalogue's "Untitled")."""
    lang = _escaped(language)
    direction = ' dir="rtl"' if is_rtl(language) else ""
    content = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}"{direction}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{_escaped(title).strip()}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="../{CSS_PATH}"/>\n</head>\n'
        f'<body epub:type="{body_type}">\n<article>\n{body}\n</article>\n</body>\n</html>\n'
    ).encode("utf-8")
    return Page(uid, file_name, title, content, properties)


def load_cover(context: RenderContext) -> Resource | None:
    """The cover image: `--epub-cover-image` (a path, relative to the working directory),
    else the document's `cover-image` metadata (found like its images, on the resource
    path); None without either. A cover that cannot be used is the user's to fix: an
    InputError naming it, raised before anything is rendered."""
    given = context.options.epub_cover_image
    meta = dict(context.doc.meta.extra).get(COVER_METADATA, "").strip()
    if not given and not meta:
        return None
    if given:
        if not os.path.isfile(given):
            raise InputError(f"{given}: no such file for --epub-cover-image; "
                             "give the path of a PNG, JPEG, GIF or SVG image")
        resource, why = context.resources.load(os.path.abspath(given))
        if resource is None:
            raise InputError(f"{given}: cannot be used as --epub-cover-image ({why}); "
                             "give a PNG, JPEG, GIF or SVG image")
    else:
        resource, why = context.resources.load(meta)
        if resource is None:
            raise InputError(f"{meta}: cannot be used as the {COVER_METADATA} metadata: {why}")
    return resource


class BookPages:
    """The rendered files of one book. `pages` the content documents in reading order
    (the first opens with the title block); `cover` the cover page (None without a cover
    image, `cover_image` its image); `file_of` maps every anchor id (headings, tables,
    figures, references, divs and spans) to the file that holds it; `images` the embedded
    images by file name."""

    def __init__(self, context: RenderContext, cover_image: Resource | None = None) -> None:
        doc = context.doc
        parts = article_parts(doc.blocks)
        names = (["text/article.xhtml"] if len(parts) <= 1
                 else [f"text/article-{n:03d}.xhtml" for n in range(1, len(parts) + 1)])
        self.file_of: dict[str, str] = {}
        self.images: dict[str, Resource] = {}
        self._rendering = ""  # the file being rendered: links within it are "#id"
        for name, blocks in zip(names, parts):
            for block in blocks:
                for node in walk(block, inlines=True):
                    if type(node) in _ANCHORED and node.id:
                        self.file_of.setdefault(node.id, name)

        self.labels = context.labels
        self.title = xml_safe(doc.meta.title).strip() or xml_safe(self.labels.untitled).strip() or "Untitled"
        self.body = BodyRenderer(context, xhtml=True, heading_shift=0, href_for=self.href,
                                 image_src=self.embed, remote_images=False, anchor_ids=self.file_of)
        language = context.language
        self.cover_image = cover_image
        self.cover = None
        if cover_image is not None:
            self.images[cover_image.name] = cover_image
            alt = _escaped(f"{self.labels.cover}{self.labels.colon}{self.title}")
            cover_body = (f'<div class="cover"><img src="{self.embed(cover_image)}" alt="{alt}" '
                          'role="doc-cover"/></div>')
            self.cover = xhtml_page("cover", "text/cover.xhtml", self.title, language, cover_body, "cover")
        self.pages = []
        for index, (name, blocks) in enumerate(zip(names, parts or [()])):
            self._rendering = name
            markup = []
            if index == 0:
                markup.append(self.body.title_block()
                              or f'<h1 class="title">{self.body.text(doc.meta.title or self.title)}</h1>')
            self.body.uses_mathml = False
            markup.append(self.body.blocks(blocks))
            markup.append(self.body.footnote_asides())
            if index == len(names) - 1:
                markup.append(self.body.keywords_block())
            properties = ("mathml",) if self.body.uses_mathml else ()
            self.pages.append(xhtml_page(name.split("/")[-1].removesuffix(".xhtml"), name,
                                         self._page_title(index, blocks), language,
                                         "\n".join(part for part in markup if part), "bodymatter",
                                         properties))
        self.body.report()

    def _page_title(self, index: int, blocks: tuple) -> str:
        """The book's title for its first file; "heading – title" (the catalogue's
        page_title) for the others, so a reading system's list of files says where each one is."""
        heading = next((b for b in blocks if type(b) is Heading), None) if index else None
        text = xml_safe(" ".join(plain_text(heading, notes=False).split())) if heading else ""
        return xml_safe(self.labels.say("page_title", heading=text, title=self.title)) if text else self.title

    def embed(self, resource: Resource) -> str:
        """The src of an image in a content file: a package file, added once per content."""
        self.images.setdefault(resource.name, resource)
        return f"../{IMAGES_DIR}/{resource.name}"

    def href(self, anchor_id: str) -> str | None:
        """A link from the file being rendered to `anchor_id`: "#id" within it, else
        "file.xhtml#id" (they all sit in text/); None when no file holds it."""
        target = self.file_of.get(anchor_id)
        if target is None:
            return None
        if target == self._rendering:
            return f"#{anchor_id}"
        return f"{target.split('/')[-1]}#{anchor_id}"

    @property
    def first_body(self) -> Page:
        """Where reading starts: the first file of the article."""
        return self.pages[0]

    def toc(self, entries: tuple[OutlineEntry, ...]) -> list:
        """(text, href relative to EPUB/, children) for the title (the first file) and every heading
        whose file is known, nested as the outline is."""
        def convert(items) -> list:
            result = []
            for entry in items:
                target = self.file_of.get(entry.id)
                if target is None:
                    continue
                text = " ".join(xml_safe(entry.text).split()) or xml_safe(self.labels.section)
                result.append((text, f"{target}#{entry.id}", convert(entry.children)))
            return result

        return [(self.title, self.pages[0].file_name, [])] + convert(entries)
