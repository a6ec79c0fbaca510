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
(depth, text, href) in reading order, for the navigation document and the NCX.

Memory: a book never holds its files' markup at once. Each file is rendered piece by
piece (BodyRenderer.block_pieces) into one spooled temporary file (in memory while small,
on disk past `SPOOL_IN_MEMORY`), and a Page is where its bytes lie there; package.py reads
them back chunk by chunk for the book id and the zip. The article's files are ranges of
the document's blocks, never copies of the block sequence, and the table of contents is
made as it is read from the document's headings (the tree transforms.outline builds, one
entry at a time). This module must never package anything (that is package.py) nor
import ebooklib.
"""
from __future__ import annotations

import os
import tempfile
from typing import Iterator, Sequence

from ...errors import InputError
from ...labels import is_rtl
from ...model import Code, CodeBlock, Heading, Math, Text, plain_text, walk
from ..base import RenderContext
from ..html import BodyRenderer
from ..html.body import anchor_ids_in
from ..resources import Resource
from ..xmltext import escape, xml_safe

CSS_PATH = "style/docforge.css"
IMAGES_DIR = "images"
COVER_METADATA = "cover-image"  # pandoc's metadata key for the cover
# An article is one file (a short section does not start a new screen) until its text
# passes this many characters: about 120-250 KB of XHTML, below the 300 KB past which
# older reading systems (Adobe RMSDK) refuse or crawl
SPLIT_AT = 100_000
# the rendered files stay in memory up to this many bytes (a short book never touches the
# disk), then move to a temporary file
SPOOL_IN_MEMORY = 256 * 1024
CHUNK = 64 * 1024  # bytes per read from the spool, per write into it


class Spool:
    """The rendered files' bytes, one after the other, in a spooled temporary file."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.size = 0

    def write(self, data: bytes) -> None:
        self._file.seek(self.size)
        self._file.write(data)
        self.size += len(data)

    def chunks(self, start: int, size: int) -> Iterator[bytes]:
        """The bytes [start, start + size) in chunks of at most CHUNK bytes; each read
        seeks, so several readers (and the writer) may interleave."""
        end = start + size
        while start < end:
            self._file.seek(start)
            chunk = self._file.read(min(CHUNK, end - start))
            if not chunk:
                raise OSError("the EPUB's temporary file ended early")
            start += len(chunk)
            yield chunk

    def close(self) -> None:
        self._file.close()


class Page:
    """One XHTML file of the book: its manifest id, path under EPUB/, title, manifest
    properties ("mathml" when it holds MathML), and where its markup lies in the spool."""
    __slots__ = ("uid", "file_name", "title", "properties", "_spool", "_start", "size")

    def __init__(self, uid: str, file_name: str, title: str, spool: Spool, start: int, size: int,
                 properties: tuple[str, ...] = ()) -> None:
        self.uid, self.file_name, self.title = uid, file_name, title
        self._spool, self._start, self.size = spool, start, size
        self.properties = properties

    def chunks(self) -> Iterator[bytes]:
        """The file's markup, chunk by chunk."""
        return self._spool.chunks(self._start, self.size)

    @property
    def content(self) -> bytes:
        """The whole markup (for a small file: the cover, a test)."""
        return b"".join(self.chunks())


# every character str.split (and so plain_text) treats as whitespace (Py_UNICODE_ISSPACE)
_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
           "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_TEXT_NODES = (Text, Code, CodeBlock, Math)


def _shown_characters(block) -> int:
    """How many characters of `block`'s text are not whitespace: a lower bound of
    len(plain_text(block)) (collapsing whitespace keeps every other character), counted
    without building the text (plain_text of a long table or paragraph holds its every
    word at once)."""
    count = 0
    for node in walk(block, inlines=True):
        if type(node) in _TEXT_NODES:
            text = node.text
            if len(text) <= 4096:
                count += sum(map(len, text.split()))
            else:  # one long run: count its spaces instead of splitting it
                count += len(text) - sum(map(text.count, _SPACES))
    return count


def article_parts(blocks: Sequence) -> list[range]:
    """The article's files as ranges of `blocks`: one file, unless the text passes
    SPLIT_AT characters; then a file ends after the first top-level section (a group
    opened by a heading of the smallest level the document uses at its top) that takes it
    past SPLIT_AT (a long article without top-level sections stays one file). No range
    for no blocks. The text's length (plain_text's) is needed only while a file is below
    SPLIT_AT, and only for a block that does not pass it alone (`_shown_characters`)."""
    top = min((b.level for b in blocks if type(b) is Heading), default=None)
    starts = [0]
    size = 0
    for index, block in enumerate(blocks):
        if index and type(block) is Heading and block.level == top and size >= SPLIT_AT:
            starts.append(index)  # a new top-level section after the file passed SPLIT_AT
            size = 0
        if size < SPLIT_AT:
            shown = _shown_characters(block)
            size += shown if size + shown >= SPLIT_AT else len(plain_text(block))
    count = len(blocks)
    return [range(start, stop) for start, stop in zip(starts, starts[1:] + [count]) if stop > start]


def _escaped(text: str) -> str:
    """Text for XHTML content or attributes (the characters XML cannot hold dropped)."""
    return escape(text, "html")[0]


def xhtml_frame(title: str, language: str, body_type: str) -> tuple[str, str]:
    """What comes before and after the body of a complete XHTML content document (`body_type`:
    the body's epub:type); `title` is never empty (BookPages gives the catalogue's "Untitled")."""
    lang = _escaped(language)
    direction = ' dir="rtl"' if is_rtl(language) else ""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}"{direction}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{_escaped(title).strip()}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="../{CSS_PATH}"/>\n</head>\n'
        f'<body epub:type="{body_type}">\n<article>\n')
    return head, "\n</article>\n</body>\n</html>\n"


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
    images by file name. The files' bytes live in a spool until `close()` (or the end of
    a `with` block)."""

    def __init__(self, context: RenderContext, cover_image: Resource | None = None) -> None:
        doc = context.doc
        self.context = context
        parts = article_parts(doc.blocks)
        names = (["text/article.xhtml"] if len(parts) <= 1
                 else [f"text/article-{n:03d}.xhtml" for n in range(1, len(parts) + 1)])
        self.file_of: dict[str, str] = {}
        self.images: dict[str, Resource] = {}
        self._rendering = ""  # the file being rendered: links within it are "#id"
        for name, blocks in zip(names, self._part_blocks(doc.blocks, parts)):
            for block in blocks:  # the ids links may point at ("#id"), in whichever file holds them
                for anchor_id in anchor_ids_in(block):
                    self.file_of.setdefault(anchor_id, name)

        self.labels = context.labels
        self.title = xml_safe(doc.meta.title).strip() or xml_safe(self.labels.untitled).strip() or "Untitled"
        self.body = BodyRenderer(context, xhtml=True, heading_shift=0, href_for=self.href,
                                 image_src=self.embed, remote_images=False, anchor_ids=self.file_of)
        self.spool = Spool()
        try:
            self._render(doc, names, parts, cover_image)
        except BaseException:
            self.spool.close()
            raise

    def _render(self, doc, names: list[str], parts: list[range], cover_image: Resource | None) -> None:
        language = self.context.language
        self.cover_image = cover_image
        self.cover = None
        if cover_image is not None:
            self.images[cover_image.name] = cover_image
            alt = _escaped(f"{self.labels.cover}{self.labels.colon}{self.title}")
            cover_body = (f'<div class="cover"><img src="{self.embed(cover_image)}" alt="{alt}" '
                          'role="doc-cover"/></div>')
            self.cover = self._page("cover", "text/cover.xhtml", self.title, language, "cover", [cover_body])
        self.pages = []
        for index, (name, blocks) in enumerate(zip(names, self._part_blocks(doc.blocks, parts) if parts else [()])):
            self._rendering = name
            self.body.uses_mathml = False
            self.pages.append(self._page(name.split("/")[-1].removesuffix(".xhtml"), name,
                                         self._page_title(index, blocks), language, "bodymatter",
                                         self._page_pieces(doc, blocks, first=index == 0,
                                                           last=index == len(names) - 1),
                                         mathml=True))
        self.body.report()

    @staticmethod
    def _part_blocks(blocks: Sequence, parts: list[range]) -> Iterator[Sequence]:
        """Each file's blocks: the document's own sequence when it is one file, else a slice."""
        if len(parts) == 1 and len(parts[0]) == len(blocks):
            yield blocks
            return
        for part in parts:
            yield blocks[part.start:part.stop]

    def _page_pieces(self, doc, blocks: Sequence, first: bool, last: bool) -> Iterator[str]:
        """A file's body markup as non-empty pieces, in order (the asides after the blocks:
        rendering the blocks collects the notes)."""
        if first:
            yield (self.body.title_block()
                   or f'<h1 class="title">{self.body.text(doc.meta.title or self.title)}</h1>')
        yield from self.body.block_pieces(blocks)
        asides = self.body.footnote_asides()
        if asides:
            yield asides
        if last:
            keywords = self.body.keywords_block()
            if keywords:
                yield keywords

    def _page(self, uid: str, file_name: str, title: str, language: str, body_type: str,
              pieces, mathml: bool = False) -> Page:
        """A content document written into the spool: the frame around `pieces` joined by
        newlines, encoded a batch of about CHUNK characters at a time."""
        head, tail = xhtml_frame(title, language, body_type)
        start = self.spool.size
        batch, size = [head], len(head)
        separator = ""
        for piece in pieces:
            batch.append(separator)
            separator = "\n"
            if len(piece) >= CHUNK:  # a long piece (a table, a long paragraph) is encoded in slices
                self.spool.write("".join(batch).encode("utf-8"))
                for at in range(0, len(piece), CHUNK):
                    self.spool.write(piece[at:at + CHUNK].encode("utf-8"))
                batch, size = [], 0
                continue
            batch.append(piece)
            size += len(piece) + 1
            if size >= CHUNK:
                self.spool.write("".join(batch).encode("utf-8"))
                batch, size = [], 0
        batch.append(tail)
        self.spool.write("".join(batch).encode("utf-8"))
        properties = ("mathml",) if mathml and self.body.uses_mathml else ()
        return Page(uid, file_name, title, self.spool, start, self.spool.size - start, properties)

    def close(self) -> None:
        """Let go of the rendered files (the spool's temporary file)."""
        self.spool.close()

    def __enter__(self) -> "BookPages":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _page_title(self, index: int, blocks: Sequence) -> str:
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

    def toc(self, max_level: int) -> Iterator[tuple[int, str, str]]:
        """(depth, text, href relative to EPUB/) in reading order: the title (the first file,
        depth 1), then every heading down to `max_level` whose file is known, at its depth in
        the heading tree of transforms.outline (levels made consecutive; a heading without a
        file is left out with the headings under it). Made as the headings are read: the
        tree is never held."""
        yield 1, self.title, self.pages[0].file_name
        levels: list[int] = []  # the levels of the open headings, outermost first
        left_out_below = None  # the depth of a heading left out: its subtree goes too
        for node in walk(self.context.doc, inlines=False):
            if not isinstance(node, Heading) or node.level > max_level:
                continue
            while levels and levels[-1] >= node.level:
                levels.pop()
            levels.append(node.level)
            depth = len(levels)
            if left_out_below is not None:
                if depth > left_out_below:
                    continue
                left_out_below = None
            target = self.file_of.get(node.id)
            if target is None:
                left_out_below = depth
                continue
            text = " ".join(xml_safe(plain_text(node, notes=False)).split()) or xml_safe(self.labels.section)
            yield depth, text, f"{target}#{node.id}"
