"""The DOCX frame: everything of a Word document but its content, built once and reused.

The frame is the default document or the `--reference-docx` template with page setup,
the themed styles (styles.py), the three list definitions (bullets, numbers, references),
the footer's page numbers and the settings (fields updated on open for a TOC, hyphenation
as the theme says), saved as a package (a template loses its content: body and
footnotes). It
depends only on the theme, the language, whether a TOC is wanted, the paper and the
template, so a batch builds it once per combination instead of once per file (theming
the styles was half of a small document's time). Every document, the first included, is
opened from these bytes, so a file converts to the same bytes alone or in a batch.

This module must never see a document's content: nothing in a frame may depend on it.
"""
from __future__ import annotations

import functools
import io
import os
import re
from typing import NamedTuple

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Twips

from ...errors import Diagnostic, InputError
from ...labels import labels_for
from ...style import PAGE_SIZES_MM, Style
from . import oxml as ox
from .body import EMU_PER_TWIP
from .styles import REFERENCE_INDENT_PT, add_themed_styles

MIN_TEXT_WIDTH_TWIPS = 1440  # an inch: what is left of a page a template fills with margins
DEFAULT_HEADER_DISTANCE_TWIPS = 720  # Word's: half an inch from the edge of the page
REFERENCE_INDENT_TWIPS = int(REFERENCE_INDENT_PT * 20)  # the number sits in the Bibliography style's hanging indent


class Frame(NamedTuple):
    """A saved package with everything but the content, and what the body needs to know of it."""
    package: bytes
    text_width_twips: int
    style_ids: tuple[tuple[str, str], ...]
    diagnostics: tuple[Diagnostic, ...]
    abstract_bullet: int
    abstract_number: int
    first_num: int
    text_height_twips: int = 0
    first_footnote_id: int = 1   # the separators a footnotes part starts with come before
    first_drawing_id: int = 1    # pictures a template's header or footer has come before
    abstract_reference: int = 0  # the w:abstractNum of reference lists


def template_key(path: str | None) -> tuple | None:
    """A --reference-docx as a cache key: its path and what would show an edit."""
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)  # open_document reports the missing file
    return (path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def build_frame(style: Style, language: str, want_toc: bool, paper: str | None,
                template: tuple | None) -> Frame:
    """The frame for these arguments (`template` as `template_key` gives it), built on
    first use."""
    templated = template is not None
    document = open_document(template[0] if templated else None)
    text_width, text_height = _page_setup(document, style, paper, templated)
    style_ids, diagnostics = add_themed_styles(document, style, language, want_toc, templated)
    ox.drop_stale_parts(document)
    first_footnote_id = ox.clear_footnotes(document)
    first_drawing_id = ox.used_drawing_ids(document) + 1
    ox.ensure_numbering_part(document)
    last_abstract, last_num = ox.used_numbering_ids(document)
    indent = int(style.spacing.list_indent * 20)
    abstract_bullet = ox.add_abstract_num(document, False, indent, last_abstract + 1)
    abstract_number = ox.add_abstract_num(document, True, indent, last_abstract + 2)
    abstract_reference = ox.add_reference_abstract_num(document, REFERENCE_INDENT_TWIPS, last_abstract + 3)
    if want_toc:
        ox.update_fields_on_open(document)
    if style.text.hyphenate and not templated:  # a template's own setting stays
        ox.set_auto_hyphenation(document)
    _footer(document, style, templated, labels_for(language, style).page_of)
    saved = io.BytesIO()
    document.save(saved)
    return Frame(saved.getvalue(), text_width, tuple(style_ids.items()), tuple(diagnostics),
                 abstract_bullet, abstract_number, last_num + 1, text_height, first_footnote_id,
                 first_drawing_id, abstract_reference)


def open_document(reference_docx: str | None):
    """python-docx's default document, or the template with its content removed."""
    if not reference_docx:
        return docx.Document()
    if not os.path.isfile(reference_docx):
        raise InputError(f"{reference_docx}: no such file for --reference-docx; "
                         f"give the path of a .docx whose styles and page setup to use")
    try:
        document = docx.Document(reference_docx)
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError(f"{reference_docx}: cannot be used as --reference-docx "
                         f"({type(exc).__name__}); give a .docx saved by Word or LibreOffice") from None
    ox.clear_body(document)
    return document


def _page_setup(document, style: Style, paper: str | None, templated: bool) -> tuple[int, int]:
    """Paper and margins from the theme (a template keeps its own, unless a paper is
    asked for or it has none); returns the text width and height in twips."""
    section = document.sections[0]
    # a template without a page size or margins (pandoc's reference.docx has neither) gets
    # the theme's: the text width would otherwise be the whole sheet
    if not templated or paper or section.page_width is None or section.page_height is None:
        width, height = PAGE_SIZES_MM[paper or style.page.size]
        section.page_width, section.page_height = Mm(width), Mm(height)
    if not templated or None in (section.top_margin, section.bottom_margin, section.left_margin,
                                 section.right_margin):
        section.top_margin = Mm(style.page.margin_top)
        section.bottom_margin = Mm(style.page.margin_bottom)
        section.left_margin = Mm(style.page.margin_left)
        section.right_margin = Mm(style.page.margin_right)
    # the schema requires all of w:pgMar's distances; python-docx's default document has them
    if section.header_distance is None:
        section.header_distance = Twips(DEFAULT_HEADER_DISTANCE_TWIPS)
    if section.footer_distance is None:
        section.footer_distance = Twips(DEFAULT_HEADER_DISTANCE_TWIPS)
    if section.gutter is None:
        section.gutter = Twips(0)
    width = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
    height = (section.page_height or Mm(297)) - (section.top_margin or 0) - (section.bottom_margin or 0)
    return (max(MIN_TEXT_WIDTH_TWIPS, int(width / EMU_PER_TWIP)),
            max(MIN_TEXT_WIDTH_TWIPS, int(height / EMU_PER_TWIP)))


_PAGE_FIELDS = {"{page}": "PAGE", "{pages}": "NUMPAGES"}


def _footer(document, style: Style, templated: bool, page_of: str = "Page {page} of {pages}") -> None:
    """"Page X of Y" in the document's language (labels.py's `page_of`): the pattern's
    text as runs, {page} and {pages} as PAGE and NUMPAGES fields."""
    if not style.page.page_numbers:
        return
    footer = document.sections[0].footer
    if templated and ox.has_content(footer):
        return  # the template's own footer (it may number pages its own way)
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in re.split(r"(\{pages?\})", page_of):
        if piece in _PAGE_FIELDS:
            ox.add_simple_field(p, _PAGE_FIELDS[piece])
        elif piece:
            p.add_run(piece)
