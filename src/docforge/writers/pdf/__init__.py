"""IR -> PDF with reportlab's platypus: print-ready handouts.

The package: fonts.py finds and registers the fonts (with per-character fallback),
styles.py makes the paragraph styles from the theme, render.py (PdfRenderer) turns the
IR into flowables, linebreak.py chooses the lines of justified and hyphenated paragraphs,
scripts.py shapes complex scripts and sets right-to-left lines in visual order, tables.py
lays tables out, images.py loads and sizes images, notes.py keeps the footnotes for the
Notes section, tagging.py makes it a tagged PDF (PDF/UA-1 structure), pdffile.py writes
each page to the output as it is done (reportlab's save() held the whole file), story.py hands
the flowables to a single-pass build as it takes them (only a table of contents, laid
out in several passes, needs the whole story at once), page.py draws the page
furniture and builds the file. `PdfWriter` only wires them together for one
RenderContext and returns what was noticed; `unwritable` says before anything is written
when the theme's margins leave no room for text on the page (then the other formats are
written, and the PDF is not); `writer` is what formats.py names
("docforge.writers.pdf:writer"). The same
input gives the same bytes. This writer never renumbers anything.
"""
from __future__ import annotations

from typing import BinaryIO

from ...errors import Diagnostic, StyleError
from ...style import PAGE_SIZES_MM
from ..base import RenderContext
from . import fonts, page, tagging
from .images import data_uris_readable
from .render import PdfRenderer
from .story import LazyStory, story_parts
from .styles import paragraph_styles


MIN_FRAME_MM = (40.0, 50.0)  # the narrowest and shortest text frame a page may leave: a heading and a table column fit


class PdfWriter:
    renderer = PdfRenderer

    def unwritable(self, context: RenderContext) -> StyleError | None:
        """The one-line error when the page (theme or --paper) is too small for its margins."""
        margins, paper = context.style.page, context.paper
        width_mm, height_mm = PAGE_SIZES_MM[paper]
        theme = context.style.files[-1] if context.style.files else f"theme {context.style.name!r}"
        left_right = margins.margin_left + margins.margin_right
        top_bottom = margins.margin_top + margins.margin_bottom
        for across, room, page_mm, sides, minimum in (
                ("width", width_mm - left_right, width_mm,
                 f"margin_left {margins.margin_left:g} mm + margin_right {margins.margin_right:g} mm", MIN_FRAME_MM[0]),
                ("height", height_mm - top_bottom, height_mm,
                 f"margin_top {margins.margin_top:g} mm + margin_bottom {margins.margin_bottom:g} mm", MIN_FRAME_MM[1])):
            if room < minimum:
                return StyleError(f"{theme}: [page] {sides} leave {max(room, 0):g} mm of the {paper} page's "
                                  f"{page_mm:g} mm {across} for text (at least {minimum:g} mm is needed); "
                                  f"make the margins smaller or use a larger --paper; the PDF was not written")
        return None

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        fontset = fonts.build_fontset(context.style, fonts.theme_folder(context.style))
        layout = page.page_layout(context)
        renderer = self.renderer(context, fontset, paragraph_styles(context.style, fontset, context.language),
                                 layout.frame_width, layout.frame_height)
        destinations = tagging.destinations(context, renderer.notes)
        if context.toc:  # a multi-pass build lays the same whole story out on each pass
            page.build(renderer.story(), out, context, fontset, layout, destinations)
        else:  # one pass: the flowables are made as the pages take them (story.py)
            with data_uris_readable():
                page.build(LazyStory(story_parts(renderer)), out, context, fontset, layout, destinations)
        fonts.report(fontset, context.diagnostics)
        return context.diagnostics.result()


writer = PdfWriter()
