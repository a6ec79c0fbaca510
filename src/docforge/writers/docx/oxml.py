"""The one place where the DOCX writer touches python-docx's XML layer (oxml).

python-docx's public API stops short of what a finished Word document needs, so these
helpers edit the WordprocessingML of the constant-size parts directly. Each exists because
python-docx cannot:
- list numbering that restarts for every list: our own w:abstractNum definitions, one for
  bullets, one for numbers and one for reference lists (the w:num per list is body
  markup, see body.py);
- fields: PAGE and NUMPAGES in the footer, and w:updateFields in settings so Word fills
  the TOC field on open; w:autoHyphenation when the theme hyphenates;
- the running header on every page but the first (python-docx makes the header parts; the
  paragraph's style is set here) and a style's bottom rule (w:pBdr);
- the document language (w:lang: val, eastAsia, bidi) on a style, with w:bidi/w:rtl for a
  right-to-left one, and in docDefaults (for a template's styles);
- explicit fonts that win over the template's theme fonts (w:asciiTheme beats w:ascii in
  Word, not in LibreOffice), heading outline levels and table-style borders on styles a
  template lacks; a style's letter spacing and paragraph border taken away;
- a numbering part for a template that has none (python-docx raises NotImplementedError);
- dropping parts that would misdescribe the output (the template's thumbnail, Word 2010's
  stylesWithEffects copy of the styles) and a template's content;
- putting the body, list instances and footnotes, built as text by body.py, into their
  parts without making an element of every piece (`stage_body`, `stage_numbering`,
  `stage_footnotes`);
- a footnotes part (python-docx has none: `footnotes_part` makes one with the separator
  notes Word requires, or takes a template's over, and `clear_footnotes` removes a
  template's own notes);
- relationship ids in linear time (`Relationships`: python-docx's `relate_to` scans every
  relationship per call) for links and images, and one image part per distinct image
  shared by the document and the footnotes (`MediaParts`, through python-docx's `Image`
  and `ImagePart`); a hyperlink's relationship is only XML text in a spool
  (`TextRelationships`) and its URL a digest in a flat table (digests.py), not a
  python-docx `_Relationship`, its id string and a dict entry (with the lxml tree made
  of them at save, that was ~20 bytes per input byte of a page of links);
  the picture markup is python-docx's own `new_pic_inline` with the alt
  text and title on `wp:docPr`, which it has no API for (`inline_picture`);
- checking that raw openxml from a pandoc document is WordprocessingML that fits where it
  goes before it is passed through (`is_wordprocessing_fragment`).

Word rejects (or "repairs") a document whose property elements are out of schema order.
Elements python-docx declares are added through the methods it generates for them
(`get_or_add_rFonts`, `get_or_add_outlineLvl`, `get_or_add_pPr`), which know their place;
the few it does not declare go in with its `insert_element_before`, given their ECMA-376
successors as python-docx spells its own. This module must never keep a schema-order
table of its own (python-docx's declarations are the order), and never know about
docforge's IR: the writer decides what to build.
"""
from __future__ import annotations

import copy
import functools
import re
from typing import Callable, NamedTuple

from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import NAMESPACE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.rel import Relationships as DocxRelationships
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Emu
from lxml import etree

from .digests import DigestTable, digest
from .spool import Spool

BULLET_CHARS = ("•", "◦", "▪", "•", "◦", "▪", "•", "◦", "▪")
# Decimal at every level, as HTML's nested <ol> and the PDF writer show them.
NUMBER_FORMATS = ("decimal",) * 9
# A reference's number as the PDF writer prints its label ("3."); citations show "[3]".
REFERENCE_LABEL_FORMAT = "%1."

# ECMA-376 successors of the children python-docx does not declare, as its own
# declarations spell them (`successors=`): what a new child is inserted before.
NUMBERING_SUCCESSORS_OF_ABSTRACT_NUM = ("w:num", "w:numIdMacAtCleanup")
RPR_SUCCESSORS_OF_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
RPR_SUCCESSORS_OF_RTL = ("w:cs", "w:em", "w:lang") + RPR_SUCCESSORS_OF_LANG
PPR_SUCCESSORS_OF_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                          "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                          "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                          "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
STYLE_SUCCESSORS_OF_TBLPR = ("w:trPr", "w:tcPr", "w:tblStylePr")
TBLPR_SUCCESSORS_OF_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                               "w:tblDescription", "w:tblPrChange")
SETTINGS_SUCCESSORS_OF_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
BODY_SUCCESSORS_OF_CONTENT = ("w:sectPr",)
PPR_SUCCESSORS_OF_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
SETTINGS_SUCCESSORS_OF_AUTO_HYPHENATION = (
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
    "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields") + SETTINGS_SUCCESSORS_OF_UPDATE_FIELDS
NUMBERING_SUCCESSORS_OF_NUM = ("w:numIdMacAtCleanup",)


def _element(tag: str, **attributes: str):
    """A new element; attributes by prefixed name (`w:val`), kept in the order given."""
    return OxmlElement(tag, {qn(name): value for name, value in attributes.items()})


def _replace_child(parent, child, successors: tuple[str, ...]):
    """Put `child` in place of any element of its tag, before the first of `successors`."""
    for existing in parent.findall(child.tag):
        parent.remove(existing)
    return parent.insert_element_before(child, *successors)


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
    abstract = _element("w:abstractNum", **{"w:abstractNumId": str(abstract_id)})
    abstract.append(_element("w:multiLevelType", **{"w:val": "hybridMultilevel"}))
    hanging = str(min(indent_twips, 360))
    for level in range(9):
        lvl = _element("w:lvl", **{"w:ilvl": str(level)})
        lvl.append(_element("w:start", **{"w:val": "1"}))
        if ordered:
            lvl.append(_element("w:numFmt", **{"w:val": NUMBER_FORMATS[level]}))
            lvl.append(_element("w:lvlText", **{"w:val": f"%{level + 1}."}))
        else:
            lvl.append(_element("w:numFmt", **{"w:val": "bullet"}))
            lvl.append(_element("w:lvlText", **{"w:val": BULLET_CHARS[level]}))
        lvl.append(_element("w:lvlJc", **{"w:val": "left"}))
        ppr = _element("w:pPr")
        ppr.append(_element("w:ind", **{"w:left": str(indent_twips * (level + 1)), "w:hanging": hanging}))
        lvl.append(ppr)
        abstract.append(lvl)
    _numbering(document).insert_element_before(abstract, *NUMBERING_SUCCESSORS_OF_ABSTRACT_NUM)
    return abstract_id


def add_reference_abstract_num(document, indent_twips: int, abstract_id: int) -> int:
    """Define the numbering of a reference list: "1.", "2.", ... in a hanging indent of
    `indent_twips` (the Bibliography style's), one level. Each list's w:num starts it at
    its first label (body.py); a list of its own so that it never continues an ordered
    list of the body."""
    abstract = _element("w:abstractNum", **{"w:abstractNumId": str(abstract_id)})
    abstract.append(_element("w:multiLevelType", **{"w:val": "singleLevel"}))
    lvl = _element("w:lvl", **{"w:ilvl": "0"})
    lvl.append(_element("w:start", **{"w:val": "1"}))
    lvl.append(_element("w:numFmt", **{"w:val": "decimal"}))
    lvl.append(_element("w:lvlText", **{"w:val": REFERENCE_LABEL_FORMAT}))
    lvl.append(_element("w:lvlJc", **{"w:val": "left"}))
    ppr = _element("w:pPr")
    ppr.append(_element("w:ind", **{"w:left": str(indent_twips), "w:hanging": str(indent_twips)}))
    lvl.append(ppr)
    abstract.append(lvl)
    _numbering(document).insert_element_before(abstract, *NUMBERING_SUCCESSORS_OF_ABSTRACT_NUM)
    return abstract_id


def used_numbering_ids(document) -> tuple[int, int]:
    """The highest abstractNumId and numId already in the document (a template may have some)."""
    numbering = _numbering(document)
    abstract = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    return max(abstract, default=0), max(nums, default=0)


# ------------------------------------------------------------------ fields and settings

def add_simple_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    field = _element("w:fldSimple", **{"w:instr": instruction})
    run = _element("w:r")
    text = _element("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def update_fields_on_open(document) -> None:
    _replace_child(document.settings.element, _element("w:updateFields", **{"w:val": "true"}),
                   SETTINGS_SUCCESSORS_OF_UPDATE_FIELDS)


def set_auto_hyphenation(document) -> None:
    """w:autoHyphenation in settings: Word (and LibreOffice) hyphenate the document's text
    in its language, as the theme asks."""
    _replace_child(document.settings.element, _element("w:autoHyphenation", **{"w:val": "true"}),
                   SETTINGS_SUCCESSORS_OF_AUTO_HYPHENATION)


def running_header(document, text: str, style_id: str) -> None:
    """A header showing `text` (one run, in the style `style_id`) on every page but the
    first, whose header is left empty (the title block shows the title there, as in the
    PDF) and whose footer is a copy of the others'. python-docx makes the header and footer
    parts; the first-page header is an empty paragraph of its own."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    for child in list(paragraph._p):
        paragraph._p.remove(child)
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    paragraph.add_run(text)
    first_header = section.first_page_header
    first_header.is_linked_to_previous = False
    for p in first_header.paragraphs:  # python-docx's stands in "Header": it would draw the rule
        p._p.remove_all("w:pPr")
    if not section.footer.is_linked_to_previous:  # the first page keeps the footer (page numbers)
        first_footer = section.first_page_footer
        first_footer.is_linked_to_previous = False
        element = first_footer._element
        for child in list(element):
            element.remove(child)
        for child in section.footer._element:
            element.append(copy.deepcopy(child))


# ------------------------------------------------------------------ styles

def remove_paragraph_border(style) -> None:
    """A style without its paragraph border (the default template rules Title off)."""
    style.element.get_or_add_pPr().remove_all("w:pBdr")


def set_style_bottom_border(style, color_hex: str, space_pt: int) -> None:
    """A thin rule under every paragraph of a style (python-docx has no API for borders)."""
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", **{"w:val": "single", "w:sz": "4", "w:space": str(space_pt),
                                           "w:color": color_hex.lstrip("#").upper()}))
    _replace_child(style.element.get_or_add_pPr(), borders, PPR_SUCCESSORS_OF_PBDR)


# Word picks proofing tools and CJK fonts by locale: a script subtag alone means nothing to it.
_WORD_LOCALES = {"zh": "zh-CN", "zh-hans": "zh-CN", "zh-hant": "zh-TW"}
_EAST_ASIAN = frozenset(("zh", "ja", "ko"))


def word_language(tag: str) -> str:
    """`tag` as Word names the language (zh-Hans -> zh-CN, zh-Hant -> zh-TW; others as given)."""
    return _WORD_LOCALES.get(tag.lower(), tag)


def set_style_language(style, language: str, rtl: bool = False) -> None:
    """w:lang on a style's run properties (python-docx has no API for it): w:val always,
    w:eastAsia for Chinese, Japanese and Korean, w:bidi for a right-to-left language
    (Word keeps one language per script class); for a right-to-left one also w:bidi on
    the paragraph properties and w:rtl on the runs, so paragraphs read from the right."""
    tag = word_language(language)
    attributes = {"w:val": tag}
    if language.split("-")[0].lower() in _EAST_ASIAN:
        attributes["w:eastAsia"] = tag
    if rtl:
        attributes["w:bidi"] = tag
    rpr = style.element.get_or_add_rPr()
    _replace_child(rpr, _element("w:lang", **attributes), RPR_SUCCESSORS_OF_LANG)
    if rtl:
        _replace_child(rpr, _element("w:rtl"), RPR_SUCCESSORS_OF_RTL)
        _replace_child(style.element.get_or_add_pPr(), _element("w:bidi"), PPR_SUCCESSORS_OF_BIDI)


_THEME_FONT_ATTRS = tuple(qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_NAMED_FONT_ATTRS = tuple(qn(f"w:{a}") for a in ("ascii", "hAnsi", "cs"))


def _set_fonts(rpr, family: str, east_asian: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:  # Word lets a theme font win over the named one
        fonts.attrib.pop(attr, None)
    for attr in _NAMED_FONT_ATTRS:
        fonts.set(attr, family)
    fonts.set(qn("w:eastAsia"), east_asian)


def set_style_fonts(style, family: str, east_asian: str) -> None:
    """The style's fonts: `family` for Latin/complex script, `east_asian` for CJK text."""
    _set_fonts(style.element.get_or_add_rPr(), family, east_asian)


def _default_rpr(document):
    """docDefaults' run properties (w:docDefaults/w:rPrDefault/w:rPr), made when missing."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:  # first child of w:styles
        defaults = _element("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:  # first child of w:docDefaults
        rpr_default = _element("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _element("w:rPr")
        rpr_default.append(rpr)
    return rpr


def set_default_fonts(document, family: str, east_asian: str) -> None:
    """docDefaults fonts, so styles a theme does not touch do not fall back to the theme's."""
    _set_fonts(_default_rpr(document), family, east_asian)


def set_default_language(document, language: str, rtl: bool = False) -> None:
    """The document's language in docDefaults' w:lang (what styles not based on the
    default paragraph style, such as a template's character styles, fall back to): in
    w:val, and in w:eastAsia or w:bidi for a language of that script class; the
    template's languages for the other classes stay."""
    tag = word_language(language)
    rpr = _default_rpr(document)
    lang = rpr.find(qn("w:lang"))
    attributes = {} if lang is None else {k: v for k, v in lang.attrib.items()}
    attributes[qn("w:val")] = tag
    primary = language.split("-")[0].lower()
    if primary in _EAST_ASIAN:
        attributes[qn("w:eastAsia")] = tag
    elif rtl:
        attributes[qn("w:bidi")] = tag
    element = OxmlElement("w:lang", attributes)
    _replace_child(rpr, element, RPR_SUCCESSORS_OF_LANG)


def clear_character_spacing(style) -> None:
    """Drop a style's letter spacing (the default template spreads Title and Subtitle)."""
    rpr = style.element.rPr
    if rpr is not None:
        rpr.remove_all("w:spacing")


def set_outline_level(style, level: int) -> None:
    """w:outlineLvl (0-based) so a heading style a template lacked still feeds Word's
    navigation pane and TOC."""
    style.element.get_or_add_pPr().get_or_add_outlineLvl().val = level


def set_table_style_borders(style, color_hex: str, size_eighths: int) -> None:
    """Grid borders on a table style created for a template that had no "Table Grid"."""
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = style.element.insert_element_before(_element("w:tblPr"), *STYLE_SUCCESSORS_OF_TBLPR)
    borders = _element("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{edge}", **{"w:val": "single", "w:sz": str(size_eighths),
                                                "w:space": "0", "w:color": color_hex.lstrip("#").upper()}))
    _replace_child(tblpr, borders, TBLPR_SUCCESSORS_OF_BORDERS)


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
    document.settings.element.remove_all("w:savePreviewPicture")


def clear_body(document) -> None:
    """Remove a template's content, keeping its final section properties (page setup)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


# ------------------------------------------------------------------ markup built as text

# The prefixes body.py writes its markup with.
TEXT_MARKUP_NAMESPACES = {"w": nsmap["w"], "r": nsmap["r"]}


class Splice(NamedTuple):
    """Markup to put into a saved part: `marker` in zip member `member` becomes `markup`
    (read back from its spool chunk by chunk into the member: never joined into one copy)."""
    member: str
    marker: bytes
    markup: Spool


class MediaParts:
    """One image part per distinct image, named after its bytes' hash (`name`), shared by
    every part that shows it. The package's part names are read once, on the first image,
    so a name a template already uses is never given twice."""

    def __init__(self, package) -> None:
        self._package = package
        self._parts: dict[str, ImagePart] = {}
        self._taken: set[str] | None = None

    def part(self, name: str, data: bytes) -> ImagePart:
        """The image part for these bytes; ValueError when python-docx cannot read them."""
        part = self._parts.get(name)
        if part is not None:
            return part
        try:
            image = Image.from_blob(data)
        except Exception as exc:  # python-docx raises several types for bytes it cannot parse
            raise ValueError(f"python-docx cannot read it ({type(exc).__name__})") from None
        if self._taken is None:
            self._taken = {str(p.partname) for p in self._package.iter_parts()}
        stem, dot, ext = name.rpartition(".")
        partname, counter = f"/word/media/{name}", 1
        while partname in self._taken:
            counter += 1
            partname = f"/word/media/{stem}-{counter}{dot}{ext}"
        self._taken.add(partname)
        part = self._parts[name] = ImagePart.from_image(image, PackURI(partname))
        return part


_RELS_HEADER = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                f'<Relationships xmlns="{NAMESPACE.OPC_RELATIONSHIPS}"')
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_HYPERLINK_TYPE = RT.HYPERLINK.translate(_ATTRIBUTE_ESCAPES)
_SPOOLED_RELATIONSHIPS = b"<!--docforge:relationships-->"
SPOOL_BATCH = 512  # relationships joined into the spool at once


def _relationship_xml(rel_id: str, reltype: str, target: str, external: bool) -> str:
    """One Relationship element as lxml writes it (its attribute escaping and order)."""
    return (f'<Relationship Id="{rel_id.translate(_ATTRIBUTE_ESCAPES)}" '
            f'Type="{reltype.translate(_ATTRIBUTE_ESCAPES)}" Target="{target.translate(_ATTRIBUTE_ESCAPES)}"'
            + (' TargetMode="External"/>' if external else "/>"))


class TextRelationships(DocxRelationships):
    """python-docx's relationship collection, serialised as text: the same bytes as its
    `CT_Relationships` tree (lxml's attribute escaping, the same order), without an element
    per relationship.

    Once `Relationships` starts spooling it, every relationship made is written as XML
    into a Spool (a few hundred at a time), in the order made, which is the order the
    collection would write it:
    a hyperlink only there (`add_hyperlink`: a Python object and an id string per link
    held more than the links' own text), anything else (images, headers, the footnotes)
    in the collection too, for python-docx's walk of the package's parts. python-docx's
    `_next_rId`, `len` and `xml` count the spooled links; `splice` hands the spool to the
    writer, which puts it in place of a marker in the saved part (`xml` reads it in
    itself when nobody took it). Relationships made before spooling (the frame's) come
    first, as they did."""

    def start_spool(self) -> None:
        if getattr(self, "_spool", None) is None:
            self._spool = Spool()
            self._pending: list[str] = []      # XML not yet in the spool (written in batches)
            self._spooled: set[str] = set()   # ids in the collection whose XML is in the spool
            self._freed: set[str] = set()     # ids of earlier relationships removed since
            self._links = 0                   # hyperlinks in the spool alone
            self._last_number = 0             # rId numbers up to this one are all taken
            self._spliced = False

    def __setitem__(self, rel_id: str, rel) -> None:
        super().__setitem__(rel_id, rel)
        if getattr(self, "_spool", None) is not None:
            self._spool_xml(_relationship_xml(rel.rId, rel.reltype, rel.target_ref, rel.is_external))
            self._spooled.add(rel_id)
            self._freed.discard(rel_id)

    def __delitem__(self, rel_id: str) -> None:
        if getattr(self, "_spool", None) is not None:
            if rel_id in self._spooled:  # never silently write a relationship that is gone
                raise RuntimeError(f"relationship {rel_id} was already written and cannot be removed")
            self._freed.add(rel_id)
        super().__delitem__(rel_id)

    def __len__(self) -> int:
        return super().__len__() + getattr(self, "_links", 0)

    def __bool__(self) -> bool:
        return len(self) > 0

    def free_id(self) -> str:
        """The smallest rId number above the last one this gave that nothing uses: the ids
        python-docx's `_next_rId` would give one after the other (spooling must be on)."""
        n = self._last_number + 1
        while f"rId{n}" in self:
            n += 1
        self._last_number = n
        return f"rId{n}"

    def add_hyperlink(self, url: str) -> str:
        """A new external hyperlink relationship to `url`, written to the spool; its id."""
        rel_id = self.free_id()
        self._spool_xml(f'<Relationship Id="{rel_id}" Type="{_HYPERLINK_TYPE}" '
                        f'Target="{url.translate(_ATTRIBUTE_ESCAPES)}" TargetMode="External"/>')
        self._links += 1
        return rel_id

    def _spool_xml(self, xml: str) -> None:
        pending = self._pending
        pending.append(xml)
        if len(pending) >= SPOOL_BATCH:
            self._spool.write("".join(pending))
            pending.clear()

    def _spooled_xml(self) -> Spool:
        """The spool, with every relationship made so far in it."""
        self._spool.write("".join(self._pending))
        self._pending.clear()
        return self._spool

    @property
    def _next_rId(self) -> str:
        """python-docx's: the smallest rId number no relationship uses, spooled links included
        (every number up to `_last_number` is taken but those freed since)."""
        if getattr(self, "_spool", None) is None:
            return DocxRelationships._next_rId.fget(self)
        n = self._last_number + 1
        while f"rId{n}" in self:
            n += 1
        # an earlier relationship removed since (a template's footnotes, made anew) left a gap
        gaps = [int(rel_id[3:]) for rel_id in self._freed
                if rel_id not in self and re.fullmatch(r"rId[1-9][0-9]*", rel_id)]
        return f"rId{min(gaps + [n])}"

    def splice(self, membername: str) -> Splice | None:
        """The spooled relationships for the writer to put into saved member `membername`
        (None when nothing was spooled); `xml` then leaves a marker where they go."""
        if getattr(self, "_spool", None) is None:
            return None
        spool = self._spooled_xml()
        if not spool:
            return None
        self._spliced = True
        return Splice(membername, _SPOOLED_RELATIONSHIPS, spool)

    @property
    def xml(self) -> bytes:
        if not self:
            return (_RELS_HEADER + "/>").encode("utf-8")
        spool = None if getattr(self, "_spool", None) is None else self._spooled_xml()
        spooled = self._spooled if spool is not None else ()
        pieces = [_RELS_HEADER, ">"]
        pieces += [_relationship_xml(rel.rId, rel.reltype, rel.target_ref, rel.is_external)
                   for rel_id, rel in self.items() if rel_id not in spooled]
        head = "".join(pieces).encode("utf-8")
        if not spool:
            return head + b"</Relationships>"
        if self._spliced:
            return head + _SPOOLED_RELATIONSHIPS + b"</Relationships>"
        return head + spool.read_all() + b"</Relationships>"


class Relationships:
    """Relationship ids of one part (the document, or the footnotes) for external links and
    images, each made on first use and the same id for a target met again.

    python-docx's `relate_to` looks for an existing relationship by scanning all of them
    and `_next_rId` counts up from rId1 on every call, so n links cost O(n²) (4,000 links
    took 4 s, 20,000 never finished). The same ids come from a table and one counter here:
    the smallest free rId numbers in order, as `_next_rId` hands them out; the
    relationships go into the part's spooled collection (TextRelationships)."""

    def __init__(self, part, media: MediaParts) -> None:
        if type(part.rels) is DocxRelationships:  # same layout: only the methods differ
            part.rels.__class__ = TextRelationships
        self._rels = part.rels
        self._media = media
        # a template's own hyperlinks (few): their ids may be anything
        self._existing = {rel.target_ref: rel_id for rel_id, rel in self._rels.items()
                          if rel.is_external and rel.reltype == RT.HYPERLINK}
        self._rels.start_spool()
        self._links = DigestTable()  # URL -> rId number
        self._images: dict[str, str] = {}

    def link(self, url: str) -> str:
        """The id of a hyperlink relationship to `url`."""
        rel_id = self._existing.get(url)
        if rel_id is not None:
            return rel_id
        url_digest = digest(url)
        number = self._links.number(url_digest)
        if number:
            return f"rId{number}"
        rel_id = self._rels.add_hyperlink(url)
        self._links.add(url_digest, int(rel_id[3:]))
        return rel_id

    def image(self, name: str, data: bytes) -> str:
        """The id of an image relationship to the part holding these bytes (`name` names
        them uniquely); ValueError when python-docx cannot read the image."""
        rel_id = self._images.get(name)
        if rel_id is None:
            part = self._media.part(name, data)
            rel_id = self._images[name] = self._rels.free_id()
            self._rels.add_relationship(RT.IMAGE, part, rel_id)
        return rel_id

    def splice(self, part) -> Splice | None:
        """The spooled relationships of `part` for the writer (TextRelationships.splice)."""
        return self._rels.splice(part.partname.rels_uri.membername)


def external_link_ids(document) -> Callable[[str], str]:
    """URL -> id of a relationship to it from the main document part (see Relationships)."""
    return Relationships(document.part, MediaParts(document.part.package)).link


# Stand-ins for a picture's values in the markup python-docx builds for it once
# (`inline_picture`): building it per picture cost a third of a millisecond each.
_PICTURE_STANDINS = {"rel_id": "rIdDocforgeRel", "shape_id": "987654321", "name": "DocforgeName",
                     "cx": "123456789", "cy": "234567891", "description": "DocforgeDescr",
                     "title": "DocforgeTitle"}
_PICTURE_STANDIN = re.compile("|".join(_PICTURE_STANDINS.values()))


@functools.lru_cache(maxsize=4)
def _picture_template(described: bool, titled: bool) -> str:
    standin = _PICTURE_STANDINS
    inline = CT_Inline.new_pic_inline(int(standin["shape_id"]), standin["rel_id"], standin["name"],
                                      Emu(int(standin["cx"])), Emu(int(standin["cy"])))
    for side in ("distT", "distB", "distL", "distR"):  # LibreOffice adds a margin when they are missing
        inline.set(side, "0")
    if described:
        inline.docPr.set("descr", standin["description"])
    if titled:
        inline.docPr.set("title", standin["title"])
    return f"<w:drawing>{etree.tostring(inline, encoding='unicode')}</w:drawing>"


def inline_picture(rel_id: str, shape_id: int, name: str, cx: int, cy: int,
                   description: str = "", title: str = "") -> str:
    """A `w:drawing` showing the image of relationship `rel_id` inline, `cx` by `cy` EMU:
    the markup python-docx's `new_pic_inline` builds, with no distance to the text around
    it (as Word writes it) and the alt text (`descr`) and title on `wp:docPr`, which
    python-docx has no API for. `name`, `description` and `title` come escaped for an
    attribute (xmltext.escape). The namespaces are declared on `wp:inline`, so the markup
    stands in any part."""
    values = {"rel_id": rel_id, "shape_id": str(shape_id), "name": name, "cx": str(cx), "cy": str(cy),
              "description": description, "title": title}
    by_standin = {_PICTURE_STANDINS[key]: value for key, value in values.items()}
    # one pass: a value that happens to hold a stand-in is not replaced again
    return _PICTURE_STANDIN.sub(lambda m: by_standin[m.group(0)],
                                _picture_template(bool(description), bool(title)))


# ------------------------------------------------------------------ footnotes

FOOTNOTES_PARTNAME = "/word/footnotes.xml"
# Word wants the separator lines above the footnote area as footnotes -1 and 0, set
# without the spacing Normal may carry (Word's own files have the same paragraph).
_SEPARATOR_PARAGRAPH = '<w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
NEW_FOOTNOTES_XML = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    f'<w:footnote w:type="separator" w:id="-1">{_SEPARATOR_PARAGRAPH}<w:r><w:separator/></w:r></w:p></w:footnote>'
    f'<w:footnote w:type="continuationSeparator" w:id="0">{_SEPARATOR_PARAGRAPH}<w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote></w:footnotes>')


def footnotes_part(document):
    """The document's footnotes part as an XML part: a new one holding the two separator
    notes, or the template's (python-docx loads a footnotes part as bytes: it is parsed
    into an XML part in its place, dropping its relationships, which only the template's
    own notes used)."""
    try:
        existing = document.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        existing = None
    if isinstance(existing, XmlPart):
        return existing
    if existing is None:
        element, partname = parse_xml(NEW_FOOTNOTES_XML), PackURI(FOOTNOTES_PARTNAME)
    else:
        element, partname = parse_xml(existing.blob), existing.partname
        rels = document.part.rels
        for r_id, rel in list(rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                del rels[r_id]
    part = XmlPart(partname, CT.WML_FOOTNOTES, element, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    return part


def clear_footnotes(document) -> int:
    """Remove a template's own footnotes (its separators stay); returns the first footnote
    id free for the document's notes (1 when there is no footnotes part yet)."""
    try:
        document.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        return 1
    root = footnotes_part(document).element
    kept = []
    for note in root.findall(qn("w:footnote")):
        if note.get(qn("w:type")) in (None, "normal"):
            root.remove(note)
        else:
            kept.append(note.get(qn("w:id"), "0"))
    return max([int(i) for i in kept if i.lstrip("-").isdigit()] + [0]) + 1


def used_drawing_ids(document) -> int:
    """The highest `wp:docPr` id in the parts a template keeps (headers, footers): a
    picture's id must be unique in the document."""
    tag = qn("wp:docPr")
    ids = [element.get("id", "0") for part in document.part.package.iter_parts()
           if isinstance(part, XmlPart) for element in part.element.iter(tag)]
    return max([int(i) for i in ids if i.isdigit()] + [0])


# ------------------------------------------------------------------ raw openxml

_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
# What may stand where pandoc's raw openxml goes: inside a paragraph, or between blocks.
_RAW_INLINE_ELEMENTS = frozenset(qn(f"w:{n}") for n in (
    "r", "hyperlink", "bookmarkStart", "bookmarkEnd", "fldSimple", "proofErr", "sdt"))
_RAW_IN_LINK_ELEMENTS = frozenset(qn(f"w:{n}") for n in ("r", "bookmarkStart", "bookmarkEnd", "proofErr"))
_RAW_BLOCK_ELEMENTS = frozenset(qn(f"w:{n}") for n in ("p", "tbl", "sdt", "bookmarkStart", "bookmarkEnd"))
_RAW_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def is_wordprocessing_fragment(text: str, where: str) -> bool:
    """True when `text` is well-formed WordprocessingML that may stand `where` ("block",
    "inline", or "link": inside a hyperlink): elements and attributes in the w: namespace
    only (no r: ids that would point at relationships that do not exist, no other
    vocabulary), no loose text, and top-level elements that belong there."""
    try:
        wrapper = etree.fromstring(f'<w:fragment xmlns:w="{nsmap["w"]}">{text}</w:fragment>', _RAW_PARSER)
    except etree.XMLSyntaxError:
        return False
    allowed = {"block": _RAW_BLOCK_ELEMENTS, "inline": _RAW_INLINE_ELEMENTS}.get(where, _RAW_IN_LINK_ELEMENTS)
    top = [child for child in wrapper if isinstance(child.tag, str)]
    if not top or (wrapper.text or "").strip() or any((c.tail or "").strip() for c in wrapper):
        return False
    if any(child.tag not in allowed for child in top):
        return False
    w = nsmap["w"]
    for element in wrapper.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are harmless
        if etree.QName(element).namespace != w:
            return False
        if any(etree.QName(name).namespace not in (w, _XML_NAMESPACE) for name in element.attrib):
            return False
    return True


# ------------------------------------------------------------------ staging text

def stage_body(document, markup: Spool) -> Splice | None:
    """The body content (body.Body.markup) goes before the body's final section properties
    (page setup)."""
    return _stage(document.part, document.element.body, BODY_SUCCESSORS_OF_CONTENT, markup, "body")


def stage_numbering(document, markup: Spool) -> Splice | None:
    """w:num elements go after the w:abstractNum ones, before w:numIdMacAtCleanup."""
    part = document.part.numbering_part
    return _stage(part, part.element, NUMBERING_SUCCESSORS_OF_NUM, markup, "numbering")


def stage_footnotes(part, markup: Spool) -> Splice | None:
    """The document's w:footnote elements go after the separators (`part` from footnotes_part)."""
    return _stage(part, part.element, (), markup, "footnotes")


def _stage(part, parent, successors: tuple[str, ...], markup: Spool, name: str) -> Splice | None:
    """Put `markup` into `parent` before its first child named in `successors`.

    Making elements of a long body through python-docx (or parsing it) and serialising them
    again costs more than the rest of the writer, so the usual way is a marker comment where
    the markup goes, replaced in the saved bytes (the returned Splice). Call this last, after
    every python-docx change to the part. A part that binds the w: or r: prefix to another
    namespace (a template may) cannot take the text as it is: there it is parsed in instead.
    """
    if not markup:
        return None
    # lxml calls only: the footnotes root is a plain lxml element, not one of python-docx's
    successor_tags = {qn(tag) for tag in successors}
    successor = next((child for child in parent if child.tag in successor_tags), None)
    if all(parent.nsmap.get(prefix) == uri for prefix, uri in TEXT_MARKUP_NAMESPACES.items()):
        text = f"docforge:{name}"
        if successor is not None:
            successor.addprevious(etree.Comment(text))
        else:
            parent.append(etree.Comment(text))
        return Splice(part.partname.membername, f"<!--{text}-->".encode(), markup)
    text = markup.read_all().decode()  # a template's own prefixes: rare, parsed whole
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in TEXT_MARKUP_NAMESPACES.items())
    wrapper = etree.fromstring(f"<w:wrapper {declarations}>{text}</w:wrapper>",
                               etree.XMLParser(huge_tree=True))
    for element in list(wrapper):
        if successor is not None:
            successor.addprevious(element)
        else:
            parent.append(element)
    return None
