"""The page furniture of a PDF and the build that places the story on pages.

Everything drawn outside the text frame lives here, so that it is decided in one place
and marked as an artifact (/Artifact /Pagination) in one place: the running header (the
title, in the heading family with per-character fallback, at the right margin when it is
mostly right-to-left), drawn on every page but the
first, which holds the title block, and the "Page X of Y" footer, on every page, both in
a second content stream of each page written at the end, when the count is known. The canvas and the frame are tagging.py's (the PDF is tagged unless the
benchmark's DOCFORGE_PDF_UNTAGGED=1 is set).
`DocTemplate` enters each heading the renderer gives an outline entry (those down to the
toc depth) into the PDF outline and the table of contents as it is placed. `build` lays the
story out reproducibly (reportlab's invariant mode, the conversion's timestamp). This
module never renders IR nodes or chooses paragraph styles.
"""
from __future__ import annotations

import os
from typing import BinaryIO, NamedTuple

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from ...errors import ConversionError
from ...labels import Labels, labels_for
from ...style import PAGE_SIZES_MM, Style
from ..base import RenderContext
from ..xmltext import xml_safe
from . import tagging
from .fonts import FontSet
from .scripts import mostly_rtl, visual_runs

HEADER_FONT_SIZE = 8.5
HEADER_TITLE_CHARS = 110   # a longer title is cut: the header is one line


class Page(NamedTuple):
    """The paper (width, height) in points and the text frame inside the margins."""
    size: tuple[float, float]
    frame_width: float
    frame_height: float


def page_layout(context: RenderContext) -> Page:
    """The paper of `--paper` or the theme, and the frame its margins leave."""
    margins = context.style.page
    width_mm, height_mm = PAGE_SIZES_MM[context.paper]
    size = (width_mm * mm, height_mm * mm)
    return Page(size, size[0] - (margins.margin_left + margins.margin_right) * mm,
                size[1] - (margins.margin_top + margins.margin_bottom) * mm)


class DocTemplate(BaseDocTemplate):
    """Adds PDF outline entries and TOC entries as headings are placed: a flowable with
    `_df_outline = (level, text, key, toc_markup)` is one."""

    def beforeDocument(self) -> None:
        self._df_last_level = -1  # every pass of a multi-pass (TOC) build starts a new outline

    def afterFlowable(self, flowable) -> None:
        info = getattr(flowable, "_df_outline", None)
        if info is None:
            return
        level, text, key, markup = info
        # PDF outlines cannot skip levels; headings placed out of the tree's order (inside
        # lists, quotes, split tables) are clamped to one below the previous entry.
        level = min(level, getattr(self, "_df_last_level", -1) + 1)
        self._df_last_level = level
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level, closed=level > 1)
        self.notify("TOCEntry", (level, markup, self.page, key))


def numbered_canvas(title: str, fonts: FontSet, style: Style, labels: Labels | None = None,
                    tags: tagging.Options | None = None, multi_pass: bool = False):
    """A canvas class that knows the page count when it draws the running header and the
    "Page X of Y" footer in the document's language (`labels.page_of`): each page is
    written when done with /Contents [body, footer] (pdffile.py), and the footers are drawn
    at save(); given `tags`, it tags the content and marks the furniture as artifacts
    (tagging.py). `multi_pass`: a TOC build, whose passes write to a temporary file."""
    labels = labels or labels_for("en", style)
    multi_pass_build = multi_pass
    muted = colors.HexColor(style.colors.muted)
    rule = colors.HexColor(style.colors.rule)
    margins = style.page

    class NumberedCanvas(tagging.TaggingCanvas):
        tag_options = tags
        multi_pass = multi_pass_build

        def __init__(self, *args, **kwargs):
            # start every page in an embedded font: reportlab's default, Helvetica, is not
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.body.names["regular"]
            super().__init__(*args, **kwargs)

        def save(self):
            # Each page was written when it was done (pdffile.py), its /Contents [body,
            # footer]; the footers are drawn now that the page count is known.
            if len(self._code):
                self.showPage()
            doc = self._doc
            total = doc.page_count
            for number in range(1, total + 1):
                self._code = []
                self._decorate(number, total)
                doc.write_footer(number - 1, "\n".join(self._code) + "\n")
            self._code = []
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            left, right = margins.margin_left * mm, width - margins.margin_right * mm
            self.begin_artifact()
            self.saveState()
            self.setFillColor(muted)
            if number > 1 and margins.running_header and title:  # page 1 holds the title block
                y = height - margins.margin_top * mm + 10
                shown = title[:HEADER_TITLE_CHARS]
                runs = self._furniture_runs(shown)
                x = left
                if mostly_rtl(shown):  # a right-to-left title starts, as its lines do, at the right margin
                    x = right - self._runs_width(runs)
                self._draw_runs(x, y, runs)
                self.setStrokeColor(rule)
                self.setLineWidth(0.4)
                self.line(left, y - 4, right, y - 4)
            if margins.page_numbers:
                # the footer in the document's language, drawn as the running header is
                runs = self._furniture_runs(labels.page_of_text(number, total))
                self._draw_runs(width / 2 - self._runs_width(runs) / 2, margins.margin_bottom * mm / 2, runs)
            self.restoreState()
            self.end_artifact()

        def _furniture_runs(self, text: str) -> list[tuple[str, str]]:
            """(font name, text) runs of one line of page furniture: fonts that have its
            glyphs, in visual order (right-to-left words shaped)."""
            return [(family.names["regular"], chunk) for family, chunk
                    in visual_runs(fonts.runs(text, fonts.heading), HEADER_FONT_SIZE) if family is not None]

        def _runs_width(self, runs: list[tuple[str, str]]) -> float:
            return sum(self.stringWidth(chunk, name, HEADER_FONT_SIZE) for name, chunk in runs)

        def _draw_runs(self, x: float, y: float, runs: list[tuple[str, str]]) -> None:
            for name, chunk in runs:
                self.setFont(name, HEADER_FONT_SIZE)
                self.drawString(x, y, chunk)
                x += self.stringWidth(chunk, name, HEADER_FONT_SIZE)

    return NumberedCanvas


def build(story: list, out: BinaryIO, context: RenderContext, fonts: FontSet, page: Page,
          destinations: dict | None = None) -> None:
    """Lay `story` out on pages into `out`: two or more passes when a table of contents
    needs the page numbers. Tagged (tagging.py) unless the benchmark's switch is set;
    `destinations` names what each internal link leads to. The same input gives the same bytes."""
    meta, style, options = context.doc.meta, context.style, context.options
    title = " ".join(xml_safe(meta.title).split())
    # an untitled document is named by its file in the viewer's title bar (DisplayDocTitle)
    source = "" if options.source_name.startswith("<") else os.path.basename(options.source_name)  # not "<output>"
    doc_title = title or source or xml_safe(context.labels.untitled).strip() or "Untitled"
    template = DocTemplate(out, pagesize=page.size, leftMargin=style.page.margin_left * mm,
                           rightMargin=style.page.margin_right * mm, topMargin=style.page.margin_top * mm,
                           bottomMargin=style.page.margin_bottom * mm, title=doc_title,
                           author="; ".join(xml_safe(a) for a in meta.authors),
                           subject=xml_safe(meta.subtitle), keywords=[xml_safe(k) for k in meta.keywords],
                           creator="docforge", lang=context.language)
    frame = tagging.TaggingFrame(template.leftMargin, template.bottomMargin, template.width, template.height,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    tags = tagging.Options(context.language, doc_title,
                           tuple(" ".join(xml_safe(a).split()) for a in meta.authors),
                           destinations or {}) if tagging.enabled() else None
    canvasmaker = numbered_canvas(title, fonts, style, context.labels, tags, multi_pass=bool(context.toc))
    previous_invariant, previous_epoch = rl_config.invariant, os.environ.get("SOURCE_DATE_EPOCH")
    previous_a85 = rl_config.useA85
    rl_config.invariant = 1  # fixed dates and ids: byte-identical output
    rl_config.useA85 = 0     # Flate alone: ASCII85 on top makes every stream a quarter bigger
    # reportlab reads SOURCE_DATE_EPOCH itself (and fails on a malformed one): give it the
    # date every writer uses, so PDF, DOCX and EPUB of one run carry the same date
    os.environ["SOURCE_DATE_EPOCH"] = str(int(context.timestamp.timestamp()))
    try:
        if context.toc:
            template.multiBuild(story, canvasmaker=canvasmaker, maxPasses=6)
        else:
            template.build(story, canvasmaker=canvasmaker)
    except LayoutError as exc:
        raise ConversionError(f"{options.source_name}: a block cannot be laid out on the page "
                              f"({str(exc)[:120]}); shorten it or use a larger --paper") from None
    finally:
        rl_config.invariant = previous_invariant
        rl_config.useA85 = previous_a85
        if previous_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous_epoch
