"""The HTML writer: a standalone HTML5 page (head metadata, theme CSS) or, with
options.fragment, the body markup only.

It assembles what BodyRenderer renders — title block, table of contents when the context
wants one (as deep as `context.toc_depth`), the sections, the footnotes, the keywords —
and never renders a node itself. Images are embedded as data: URIs, so the page stands
alone as its CSS does.
"""
from __future__ import annotations

from typing import BinaryIO

from ...errors import Diagnostic
from ..base import RenderContext
from .body import BodyRenderer
from .css import theme_css


class HtmlWriter:
    renderer = BodyRenderer

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        body = BodyRenderer(context, xhtml=False, heading_shift=1)
        parts = [body.title_block()]
        if context.toc:
            depth = context.toc_depth
            parts.append(body.toc(context.outline(depth), context.labels.contents, depth))
        parts += [body.blocks(context.doc.blocks), body.footnotes(), body.keywords_block()]
        markup = "\n".join(p for p in parts if p)
        page = markup + "\n" if context.options.fragment else self.page(body, markup)
        body.report()
        out.write(page.encode("utf-8"))
        return context.diagnostics.result()

    @staticmethod
    def page(body: BodyRenderer, markup: str) -> str:
        """`markup` inside the standalone page: lang (and dir="rtl" for a right-to-left
        language), head metadata, the theme's CSS; the article is the page's <main>
        landmark, so assistive technology can jump to it."""
        context = body.context
        meta, text = context.doc.meta, body.text
        head = ['<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{text(meta.title).strip() or 'Untitled'}</title>",
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
                f"<body>\n<main>\n<article>\n{markup}\n</article>\n</main>\n</body>\n</html>\n")
