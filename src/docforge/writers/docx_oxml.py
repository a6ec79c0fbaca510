"""The one place where docforge touches python-docx's XML layer (oxml).

python-docx's public API stops short of what a finished Word document needs, so these
helpers build the WordprocessingML directly. Each exists because python-docx cannot:
- hyperlinks, external (w:hyperlink r:id + relationship) and internal (w:anchor);
- bookmarks (w:bookmarkStart/End) that internal links and citations point at;
- list numbering that restarts for every list: our own w:abstractNum definitions and a
  new w:num (with w:lvlOverride/w:startOverride) per list, nested levels via w:ilvl;
- table header rows that repeat on every page (w:tblHeader), cell shading (w:shd),
  table borders, fixed layout with explicit grid widths (w:tblLayout, w:gridCol);
- fields: PAGE and NUMPAGES in the footer, a TOC field (complex field, so its current
  result can already list the headings), and w:updateFields in settings so Word fills
  them on open;
- a bottom border on a paragraph (thematic break) and the document language (w:lang);
- explicit fonts that win over the template's theme fonts (w:asciiTheme beats w:ascii in
  Word, not in LibreOffice) and heading outline levels on styles a template lacks;
- a numbering part for a template that has none (python-docx raises NotImplementedError);
- dropping parts that would misdescribe the output (the template's thumbnail, Word 2010's
  stylesWithEffects copy of the styles).
Word rejects (or "repairs") a document whose property elements are out of schema order,
so every element added here is inserted at its ECMA-376 position (`_insert_in_order`).
Nothing here knows about docforge's IR; the writer (docx.py) decides what to build.
"""
from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

BULLET_CHARS = ("•", "◦", "▪", "•", "◦", "▪", "•", "◦", "▪")
# Decimal at every level, as HTML's nested <ol> and the PDF writer show them.
NUMBER_FORMATS = ("decimal",) * 9


def _el(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), str(value))
    return element


# Child order of the property elements touched here (ECMA-376 Part 1, CT_PPr, CT_RPr,
# CT_TblPr, CT_TcPr, CT_Settings; the same sequences python-docx's own classes use).
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
             "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
             "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
             "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
             "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
             "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
             "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
             "eastAsianLayout", "specVanish", "oMath")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
               "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange")
TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
              "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
              "cellDel", "cellMerge", "tcPrChange")
# CT_Settings from w:updateFields on: everything a settings part may hold after it.
SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "m:mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "sl:schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")


def _tag(name: str) -> str:
    return qn(name if ":" in name else f"w:{name}")


def _insert_in_order(parent, child, order: tuple[str, ...]):
    """Insert `child` into `parent` before the first sibling that the schema puts after it;
    an existing element of the same tag is replaced. Returns `child`."""
    tag = child.tag
    for existing in parent.findall(tag):
        parent.remove(existing)
    names = [_tag(n) for n in order]
    later = set(names[names.index(tag) + 1:]) if tag in names else set()
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def _insert_before(parent, child, successors: tuple[str, ...]):
    later = {_tag(n) for n in successors}
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


# ------------------------------------------------------------------ links and bookmarks

def add_hyperlink(paragraph, *, url: str | None = None, anchor: str | None = None):
    """Append a w:hyperlink to `paragraph` and return it; move runs into it with move_run_into()."""
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


def ensure_numbering_part(document) -> None:
    """Give a document without numbering.xml (LibreOffice writes none when no list is used)
    an empty one: python-docx cannot create it (NumberingPart.new is not implemented)."""
    from docx.parts.numbering import NumberingPart

    try:
        document.part.part_related_by(RT.NUMBERING)
        return
    except KeyError:
        pass
    element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
    part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element,
                         document.part.package)
    document.part.relate_to(part, RT.NUMBERING)


def add_abstract_num(document, ordered: bool, indent_twips: int, abstract_id: int) -> int:
    """Define a 9-level list (bullets, or decimal numbers at every level) with hanging indents."""
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
    _insert_before(numbering, abstract, ("num", "numIdMacAtCleanup"))
    return abstract_id


def add_num(document, abstract_id: int, num_id: int, level: int = 0, start: int = 1) -> int:
    """A new list instance over `abstract_id` whose items sit at `level`, counting from
    `start`: the startOverride makes Word and LibreOffice restart instead of continuing
    the previous list of the same kind."""
    num = _el("w:num", **{"w:numId": str(num_id)})
    num.append(_el("w:abstractNumId", **{"w:val": str(abstract_id)}))
    override = _el("w:lvlOverride", **{"w:ilvl": str(level)})
    override.append(_el("w:startOverride", **{"w:val": str(max(0, start))}))
    num.append(override)
    numbering = _numbering(document)
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))  # must stay the last child
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


def used_numbering_ids(document) -> tuple[int, int]:
    """The highest abstractNumId and numId already in the document (a template may have some)."""
    numbering = _numbering(document)
    abstract = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    return max(abstract, default=0), max(nums, default=0)


def set_numbering(paragraph, num_id: int, level: int) -> None:
    """Number the paragraph as an item of list `num_id` at `level`; num_id 0 means "not
    numbered", which stops a list style's own numbering (a continuation paragraph)."""
    numpr = _el("w:numPr")
    numpr.append(_el("w:ilvl", **{"w:val": str(level)}))
    numpr.append(_el("w:numId", **{"w:val": str(num_id)}))
    _insert_in_order(paragraph._p.get_or_add_pPr(), numpr, PPR_ORDER)


# ------------------------------------------------------------------ tables

def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:tblHeader", **{"w:val": "true"}))
    trpr.append(_el("w:cantSplit", **{"w:val": "true"}))


def keep_row_together(row) -> None:
    row._tr.get_or_add_trPr().append(_el("w:cantSplit", **{"w:val": "true"}))


def shade_cell(cell, fill_hex: str) -> None:
    shading = _el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill_hex.lstrip("#").upper()})
    _insert_in_order(cell._tc.get_or_add_tcPr(), shading, TCPR_ORDER)


def set_table_borders(table, color_hex: str, size_eighths: int) -> None:
    borders = _el("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{edge}", **{"w:val": "single" if size_eighths else "nil",
                                           "w:sz": str(size_eighths), "w:space": "0",
                                           "w:color": color_hex.lstrip("#").upper()}))
    _insert_in_order(table._tbl.tblPr, borders, TBLPR_ORDER)


def set_fixed_widths(table, widths_twips: list[int]) -> None:
    """Fixed layout with explicit grid and cell widths, so Word and LibreOffice agree."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    _insert_in_order(tblpr, _el("w:tblLayout", **{"w:type": "fixed"}), TBLPR_ORDER)
    _insert_in_order(tblpr, _el("w:tblW", **{"w:w": str(sum(widths_twips)), "w:type": "dxa"}),
                     TBLPR_ORDER)
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_twips):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_twips):
            tcpr = cell._tc.get_or_add_tcPr()
            _insert_in_order(tcpr, _el("w:tcW", **{"w:w": str(width), "w:type": "dxa"}), TCPR_ORDER)


def set_cell_margins(table, twips: int) -> None:
    margins = _el("w:tblCellMar")
    for edge in ("top", "bottom"):
        margins.append(_el(f"w:{edge}", **{"w:w": str(twips // 2), "w:type": "dxa"}))
    for edge in ("left", "right"):
        margins.append(_el(f"w:{edge}", **{"w:w": str(twips), "w:type": "dxa"}))
    _insert_in_order(table._tbl.tblPr, margins, TBLPR_ORDER)


# ------------------------------------------------------------------ fields and settings

def add_simple_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    field = _el("w:fldSimple", **{"w:instr": instruction})
    run = _el("w:r")
    text = _el("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _field_char(kind: str):
    run = _el("w:r")
    run.append(_el("w:fldChar", **{"w:fldCharType": kind}))
    return run


def begin_field(paragraph, instruction: str) -> None:
    """Open a complex field: what follows, up to end_field() (possibly in a later
    paragraph), is its current result, which Word replaces when it updates the field."""
    instr_run = _el("w:r")
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    for element in (_field_char("begin"), instr_run, _field_char("separate")):
        paragraph._p.append(element)


def end_field(paragraph) -> None:
    paragraph._p.append(_field_char("end"))


def toc_instruction(depth: int) -> str:
    """A TOC of heading levels 1..depth, entries hyperlinked, no page numbers in web view."""
    return f'TOC \\o "1-{depth}" \\h \\z \\u'


def update_fields_on_open(document) -> None:
    settings = document.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    _insert_before(settings, _el("w:updateFields", **{"w:val": "true"}), SETTINGS_AFTER_UPDATE_FIELDS)


def bottom_border(paragraph, color_hex: str, space_pt: int = 1) -> None:
    """A rule under the paragraph (a thematic break is an empty paragraph with one)."""
    border = _el("w:pBdr")
    border.append(_el("w:bottom", **{"w:val": "single", "w:sz": "6", "w:space": str(space_pt),
                                     "w:color": color_hex.lstrip("#").upper()}))
    _insert_in_order(paragraph._p.get_or_add_pPr(), border, PPR_ORDER)


def remove_paragraph_border(ppr) -> None:
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def set_paragraph_style(paragraph, style_id: str) -> None:
    """w:pStyle by id, skipping python-docx's by-name lookup (a linear scan per call)."""
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id


def set_table_style(table, style_id: str) -> None:
    """w:tblStyle by id (python-docx's setter looks the style up by name)."""
    tblpr = table._tbl.tblPr
    _insert_in_order(tblpr, _el("w:tblStyle", **{"w:val": style_id}), TBLPR_ORDER)


def set_run_style(run, style_id: str) -> None:
    run._r.get_or_add_rPr().get_or_add_rStyle().val = style_id


def set_style_language(style, language: str) -> None:
    """w:lang on a style's run properties (python-docx has no API for it)."""
    lang = _el("w:lang", **{"w:val": language, "w:eastAsia": language})
    _insert_in_order(style.element.get_or_add_rPr(), lang, RPR_ORDER)


_THEME_FONT_ATTRS = tuple(qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))


def _set_fonts(rpr, family: str, east_asian: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _insert_in_order(rpr, _el("w:rFonts"), RPR_ORDER)
    for attr in _THEME_FONT_ATTRS:  # Word lets a theme font win over the named one
        fonts.attrib.pop(attr, None)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), family)
    fonts.set(qn("w:eastAsia"), east_asian)


def set_style_fonts(style, family: str, east_asian: str) -> None:
    """The style's fonts: `family` for Latin/complex script, `east_asian` for CJK text."""
    _set_fonts(style.element.get_or_add_rPr(), family, east_asian)


def set_default_fonts(document, family: str, east_asian: str) -> None:
    """docDefaults fonts, so styles a theme does not touch do not fall back to the theme's."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    _set_fonts(rpr, family, east_asian)


def clear_character_spacing(style) -> None:
    """Drop a style's letter spacing (the default template spreads Title and Subtitle)."""
    rpr = style.element.rPr
    if rpr is not None:
        for spacing in rpr.findall(qn("w:spacing")):
            rpr.remove(spacing)


def set_outline_level(style, level: int) -> None:
    """w:outlineLvl (0-based) so a heading style a template lacked still feeds Word's
    navigation pane and TOC."""
    _insert_in_order(style.element.get_or_add_pPr(), _el("w:outlineLvl", **{"w:val": str(level)}),
                     PPR_ORDER)


def set_table_style_borders(style, color_hex: str, size_eighths: int) -> None:
    """Grid borders on a table style created for a template that had no "Table Grid"."""
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = _insert_before(style.element, _el("w:tblPr"), ("trPr", "tcPr", "tblStylePr"))
    borders = _el("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{edge}", **{"w:val": "single", "w:sz": str(size_eighths),
                                           "w:space": "0", "w:color": color_hex.lstrip("#").upper()}))
    _insert_in_order(tblpr, borders, TBLPR_ORDER)


def has_content(header_or_footer) -> bool:
    """True when a template's header/footer shows text or a field (page number) of its own."""
    if header_or_footer.is_linked_to_previous:
        return False
    element = header_or_footer._element
    return any(t.text for t in element.iter(qn("w:t"))) or \
        next(element.iter(qn("w:fldSimple"), qn("w:fldChar")), None) is not None


# ------------------------------------------------------------------ package parts

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_stale_parts(document) -> None:
    """Remove the template's thumbnail (a picture of some other document) and Word 2010's
    stylesWithEffects.xml (a second copy of the styles that would not carry the theme);
    a part nothing relates to is not written."""
    package_rels = document.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[r_id]
    document_rels = document.part.rels
    for r_id, rel in list(document_rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            del document_rels[r_id]
    settings = document.settings.element
    for preview in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(preview)


def space_after_last_paragraph(document, points: float) -> None:
    """Space after the body's last paragraph (the end of a list), found without walking
    the whole body as python-docx's document.paragraphs would."""
    from docx.shared import Pt
    from docx.text.parfmt import ParagraphFormat

    body = document.element.body
    last = body[-1]
    if last.tag == qn("w:sectPr"):
        last = last.getprevious()
    if last is not None and last.tag == qn("w:p"):
        ParagraphFormat(last).space_after = Pt(points)


def clear_body(document) -> None:
    """Remove a template's content, keeping its final section properties (page setup)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
