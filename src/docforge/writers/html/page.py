"""The HTML writer: a standalone HTML5 page (head metadata, theme CSS) or, with
options.fragment, the body markup only.

It assembles what BodyRenderer renders — title block, table of contents when the context
wants one (as deep as `context.toc_depth`), the sections, the footnotes, the keywords —
and never renders a node itself. Images are embedded as data: URIs, so the page stands
alone as its CSS does. The page is written as it is rendered, a batch of pieces at a time
(BodyRenderer.block_pieces: a block, or a row, item or entry of a long table, list or
reference list): its markup is never held whole (memory stays the IR's plus a batch).
"""
from __future__ import annotations

from typing import BinaryIO, Iterator

from ...errors import Diagnostic
from ..base import RenderContext
from .body import BodyRenderer
from .css import theme_css

BATCH_CHARS = 1 << 16  # markup encoded and written at once: few writes, a small buffer


class HtmlWriter:
    renderer = BodyRenderer

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        body = BodyRenderer(context, xhtml=False, heading_shift=1)
        if context.options.fragment:
            _write_joined(self.pieces(body), out, "", "\n")
        else:
            head, tail = self.page_around(body)
            _write_joined(self.pieces(body), out, head, tail)
        body.report()
        return context.diagnostics.result()

    @staticmethod
    def pieces(body: BodyRenderer) -> Iterator[str]:
        """The page's markup as non-empty pieces to be joined by newlines: title block,
        contents, blocks, footnotes (after the blocks: their markers number them), keywords."""
        context = body.context
        title = body.title_block()
        if title:
            yield title
        if context.toc:
            depth = context.toc_depth
            contents = body.toc(context.outline(depth), context.labels.contents, depth)
            if contents:
                yield contents
        yield from body.block_pieces(context.doc.blocks)
        for part in (body.footnotes(), body.keywords_block()):
            if part:
                yield part

    @staticmethod
    def page_around(body: BodyRenderer) -> tuple[str, str]:
        """What comes before and after the page's markup: lang (and dir="rtl" for a
        right-to-left language), head metadata, the theme's CSS; the article is the page's
        <main> landmark, so assistive technology can jump to it."""
        context = body.context
        meta, text = context.doc.meta, body.text
        head = ['<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{text(meta.title).strip() or text(context.labels.untitled).strip() or 'Untitled'}</title>",
                '<meta name="generator" content="docforge">']
        if meta.authors:
            head.append(f'<meta name="author" content="{text(", ".join(meta.authors))}">')
        if meta.subtitle:
            head.append(f'<meta name="description" content="{text(meta.subtitle)}">')
        if meta.keywords:
            head.append(f'<meta name="keywords" content="{text(", ".join(meta.keywords))}">')
        if meta.date:
            head.append(f'<meta name="dcterms.date" content="{text(meta.date)}">')
        head.append(f"<style>\n{theme_css(context.style, paper=context.paper)}</style>")
        head_html = "\n".join(head)
        direction = ' dir="rtl"' if context.direction == "rtl" else ""
        return (f'<!DOCTYPE html>\n<html lang="{text(context.language)}"{direction}>\n<head>\n{head_html}\n</head>\n'
                "<body>\n<main>\n<article>\n", "\n</article>\n</main>\n</body>\n</html>\n")

def _write_joined(pieces: Iterator[str], out: BinaryIO, head: str, tail: str) -> None:
    """Write head + "\\n".join(pieces) + tail to `out` in batches of about BATCH_CHARS; a
    piece longer than that (one long paragraph) is encoded a slice at a time rather than
    joined to the batch and encoded whole (two more copies of it)."""
    batch: list[str] = [head]
    size = 0
    first = True
    for piece in pieces:
        if not first:
            batch.append("\n")
        first = False
        if len(piece) > BATCH_CHARS:
            out.write("".join(batch).encode("utf-8"))
            for start in range(0, len(piece), BATCH_CHARS):  # UTF-8 encodes each character alone
                out.write(piece[start:start + BATCH_CHARS].encode("utf-8"))
            batch, size = [], 0
            continue
        batch.append(piece)
        size += len(piece)
        if size >= BATCH_CHARS:
            out.write("".join(batch).encode("utf-8"))
            batch, size = [], 0
    batch.append(tail)
    out.write("".join(batch).encode("utf-8"))
