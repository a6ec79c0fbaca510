"""The one place where docforge touches python-docx's XML layer (oxml).

python-docx's public API stops short of what a finished Word document needs, so these
helpers build the WordprocessingML directly. Each exists because python-docx cannot:
- hyperlinks, external (w:hyperlink r:id + relationship) and internal (w:anchor);
- bookmarks (w:bookmarkStart/End) that internal links and citations point at;
- list numbering that restarts for every list: our own w:abstractNum definitions and a
  new w:num (with w:lvlOverride/w:startOverride) per list, nested levels via w:ilvl;
- table header rows that repeat on every page (w:tblHeader), cell shading (w:shd),
  table borders, fixed layout with explicit grid widths (w:tblLayout, w:gridCol);
- fields: PAGE and NUMPAGES in the footer, a TOC field, and w:updateFields in settings
  so Word fills them on open;
- a bottom border on a paragraph (thematic break) and the document language (w:lang).
Nothing here knows about docforge's IR; the writer (docx.py) decides what to build.
"""
from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

BULLET_CHARS = ("•", "◦", "▪", "•", "◦", "▪", "•", "◦", "▪")
# Decimal at every level, as HTML's nested <ol> and the PDF writer show them.
NUMBER_FORMATS = ("decimal",) * 9


def _el(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), str(value))
    return element


# ------------------------------------------------------------------ links and bookmarks

def add_hyperlink(paragraph, *, url: str | None = None, anchor: str | None = None):
    """Append a w:hyperlink to `paragraph` and return it; add runs to it with add_run_to()."""
    link = _el("w:hyperlink")
    if url is not None:
        r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link.set(qn("r:id"), r_id)
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


def move_run_into(run, container) -> None:
    """Move a python-docx run (made with paragraph.add_run) into a hyperlink element."""
    container.append(run._r)


def add_bookmark(paragraph, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark called `name`."""
    start = _el("w:bookmarkStart", **{"w:id": str(bookmark_id), "w:name": name})
    end = _el("w:bookmarkEnd", **{"w:id": str(bookmark_id)})
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


# ------------------------------------------------------------------ numbering

def _numbering(document):
    return document.part.numbering_part.element


def add_abstract_num(document, ordered: bool, indent_twips: int, abstract_id: int) -> int:
    """Define a 9-level list (bullets or decimal/letter/roman numbers) with hanging indents."""
    numbering = _numbering(document)
    abstract = _el("w:abstractNum", **{"w:abstractNumId": str(abstract_id)})
    abstract.append(_el("w:multiLevelType", **{"w:val": "hybridMultilevel"}))
    for level in range(9):
        lvl = _el("w:lvl", **{"w:ilvl": str(level)})
        lvl.append(_el("w:start", **{"w:val": "1"}))
        if ordered:
            lvl.append(_el("w:numFmt", **{"w:val": NUMBER_FORMATS[level]}))
            lvl.append(_el("w:lvlText", **{"w:val": f"%{level + 1}."}))
        else:
            lvl.append(_el("w:numFmt", **{"w:val": "bullet"}))
            lvl.append(_el("w:lvlText", **{"w:val": BULLET_CHARS[level]}))
        lvl.append(_el("w:lvlJc", **{"w:val": "left"}))
        ppr = _el("w:pPr")
        hanging = min(indent_twips, 360)
        ppr.append(_el("w:ind", **{"w:left": str(indent_twips * (level + 1)), "w:hanging": str(hanging)}))
        lvl.append(ppr)
        abstract.append(lvl)
    # abstractNum elements must precede every w:num in numbering.xml
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return abstract_id


def add_num(document, abstract_id: int, num_id: int, start: int | None = None) -> int:
    """A new list instance over `abstract_id`, restarting at `start` (1 unless given)."""
    num = _el("w:num", **{"w:numId": str(num_id)})
    num.append(_el("w:abstractNumId", **{"w:val": str(abstract_id)}))
    override = _el("w:lvlOverride", **{"w:ilvl": "0"})
    override.append(_el("w:startOverride", **{"w:val": str(start if start is not None else 1)}))
    num.append(override)
    _numbering(document).append(num)
    return num_id


def used_numbering_ids(document) -> tuple[int, int]:
    """The highest abstractNumId and numId already in the document (a template may have some)."""
    numbering = _numbering(document)
    abstract = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    return max(abstract, default=0), max(nums, default=0)


def set_numbering(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = _el("w:numPr")
    numpr.append(_el("w:ilvl", **{"w:val": str(level)}))
    numpr.append(_el("w:numId", **{"w:val": str(num_id)}))
    existing = ppr.find(qn("w:numPr"))
    if existing is not None:
        ppr.remove(existing)
    pstyle = ppr.find(qn("w:pStyle"))
    if pstyle is not None:
        pstyle.addnext(numpr)
    else:
        ppr.insert(0, numpr)


# ------------------------------------------------------------------ tables

def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:tblHeader", **{"w:val": "true"}))
    trpr.append(_el("w:cantSplit", **{"w:val": "true"}))


def keep_row_together(row) -> None:
    row._tr.get_or_add_trPr().append(_el("w:cantSplit", **{"w:val": "true"}))


def shade_cell(cell, fill_hex: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill_hex.lstrip("#")}))


def set_table_borders(table, color_hex: str, size_eighths: int) -> None:
    tblpr = table._tbl.tblPr
    borders = _el("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{edge}", **{"w:val": "single" if size_eighths else "nil",
                                           "w:sz": str(size_eighths), "w:space": "0",
                                           "w:color": color_hex.lstrip("#")}))
    tblpr.append(borders)


def set_fixed_widths(table, widths_twips: list[int]) -> None:
    """Fixed layout with explicit grid and cell widths, so Word and LibreOffice agree."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    tblpr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = _el("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(sum(widths_twips)))
    tblw.set(qn("w:type"), "dxa")
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_twips):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_twips):
            tcpr = cell._tc.get_or_add_tcPr()
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = _el("w:tcW")
                tcpr.insert(0, tcw)
            tcw.set(qn("w:w"), str(width))
            tcw.set(qn("w:type"), "dxa")


def set_cell_margins(table, twips: int) -> None:
    margins = _el("w:tblCellMar")
    for edge in ("top", "bottom"):
        margins.append(_el(f"w:{edge}", **{"w:w": str(twips // 2), "w:type": "dxa"}))
    for edge in ("left", "right"):
        margins.append(_el(f"w:{edge}", **{"w:w": str(twips), "w:type": "dxa"}))
    table._tbl.tblPr.append(margins)


# ------------------------------------------------------------------ fields and settings

def add_simple_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    field = _el("w:fldSimple", **{"w:instr": instruction})
    run = _el("w:r")
    text = _el("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def add_toc_field(paragraph, depth: int, placeholder: str) -> None:
    """A TOC field Word fills when the document opens (see update_fields_on_open)."""
    def fld(kind: str):
        run = _el("w:r")
        run.append(_el("w:fldChar", **{"w:fldCharType": kind}))
        return run

    instr_run = _el("w:r")
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f' TOC \\o "1-{depth}" \\h \\z \\u '
    instr_run.append(instr)
    text_run = _el("w:r")
    text = _el("w:t")
    text.text = placeholder
    text_run.append(text)
    for element in (fld("begin"), instr_run, fld("separate"), text_run, fld("end")):
        paragraph._p.append(element)


def update_fields_on_open(document) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.append(_el("w:updateFields", **{"w:val": "true"}))


def bottom_border(paragraph, color_hex: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = _el("w:pBdr")
    border.append(_el("w:bottom", **{"w:val": "single", "w:sz": "6", "w:space": "1",
                                     "w:color": color_hex.lstrip("#")}))
    ppr.append(border)


def set_paragraph_style(paragraph, style_id: str) -> None:
    """w:pStyle by id, skipping python-docx's by-name lookup (a linear scan per call)."""
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id


def set_run_style(run, style_id: str) -> None:
    run._r.get_or_add_rPr().get_or_add_rStyle().val = style_id


def set_style_language(style, language: str) -> None:
    """w:lang on a style's run properties (python-docx has no API for it)."""
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def set_east_asian_font(style, family: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), family)


def clear_body(document) -> None:
    """Remove a template's content, keeping its final section properties (page setup)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
