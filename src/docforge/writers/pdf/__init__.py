"""IR -> PDF with reportlab's platypus: print-ready handouts.

The package: fonts.py finds and registers the fonts (with per-character fallback),
styles.py makes the paragraph styles from the theme, render.py (PdfRenderer) turns the
IR into flowables, tables.py lays tables out, images.py loads and sizes images, notes.py
keeps the footnotes for the Notes section, story.py hands the flowables to a single-pass
build as it takes them (only a table of contents, laid out in several passes, needs the
whole story at once), page.py draws the page furniture and builds the file. `PdfWriter`
only wires them together for one RenderContext and returns what was noticed; `writer`
is what formats.py names ("docforge.writers.pdf:writer"). The same input gives the same
bytes. This writer never renumbers anything.
"""
from __future__ import annotations

from typing import BinaryIO

from ...errors import Diagnostic
from ..base import RenderContext
from . import fonts, page
from .images import data_uris_readable
from .render import PdfRenderer
from .story import LazyStory, story_parts
from .styles import paragraph_styles


class PdfWriter:
    renderer = PdfRenderer

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        fontset = fonts.build_fontset(context.style, fonts.theme_folder(context.style))
        layout = page.page_layout(context)
        renderer = self.renderer(context, fontset, paragraph_styles(context.style, fontset, context.language),
                                 layout.frame_width, layout.frame_height)
        if context.toc:  # a multi-pass build lays the same whole story out on each pass
            page.build(renderer.story(), out, context, fontset, layout)
        else:  # one pass: the flowables are made as the pages take them (story.py)
            with data_uris_readable():
                page.build(LazyStory(story_parts(renderer)), out, context, fontset, layout)
        fonts.report(fontset, context.diagnostics)
        return context.diagnostics.result()


writer = PdfWriter()
