import io
import os
import re
import subprocess
import sys
import zipfile

import pytest

import docforge
from docforge.errors import InputError
from docforge.model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph,
                            Heading, LineBreak, Link, ListItem, Meta, OrderedList, Paragraph,
                            Quote, Reference, References, Strong, Table, Text, walk)
from docforge.options import WriteOptions
from docforge.writers.base import RenderContext
from docforge.style import load_style
from docforge.transforms import prepare
from docforge.writers.docx import writer as docx_writer
from conftest import DATA, ROOT, SAMPLES
from ir_examples import item, rich_document
from readback import expected, norm, read_back

SEED = DATA / "seed-china-ai.txt"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_of(doc, **options) -> bytes:
    return docforge.write(doc, "docx", options=WriteOptions(**options))


def direct_docx(doc, **options) -> tuple[bytes, list]:
    """The writer itself, without api.write's prepare(): for shapes prepare would square away."""
    out = io.BytesIO()
    diags = docx_writer.write(RenderContext(doc, load_style(), WriteOptions(**options)), out)
    return out.getvalue(), diags


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def text_width_twips(body: str) -> int:
    """Page width minus the left and right margins, from the section properties."""
    page = int(re.search(r'<w:pgSz w:w="(\d+)"', body).group(1))
    left = int(re.search(r'<w:pgMar [^>]*w:left="(\d+)"', body).group(1))
    right = int(re.search(r'<w:pgMar [^>]*w:right="(\d+)"', body).group(1))
    return page - left - right


def _inline_text(inlines, labels) -> str:
    out = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong, Link)):
            out.append(_inline_text(node.inlines, labels))
        elif isinstance(node, CitationRef):
            out.append(f"[{labels.get(node.ref_id, '')}]")
        elif isinstance(node, LineBreak):
            out.append(" ")
    return "".join(out)


def body_paragraphs(doc) -> list[str]:
    """Top-level paragraphs of the IR as a reader sees them (citations shown as [N])."""
    labels = {n.id: n.label for n in walk(doc) if isinstance(n, Reference)}
    return [norm(_inline_text(b.inlines, labels)) for b in doc.blocks if isinstance(b, Paragraph)]


# ------------------------------------------------------------------ read back through pandoc

@pytest.mark.parametrize("path", SAMPLES + [SEED], ids=lambda p: p.name)
def test_pandoc_reads_back_every_unit(pandoc, path):
    doc = prepare(docforge.read(path))
    want = expected(doc)
    got = read_back(pandoc, docx_of(doc), "docx")
    assert got["headings"] == want["headings"]
    assert got["cells"] == want["cells"]
    assert [p for p in body_paragraphs(doc) if p not in got["paras"]] == []
    for entry in want["references"]:  # a numbered Word list: read back as list items
        assert any(entry in i for i in got["items"]), entry
    assert [i for i in want["items"] if i not in got["items"]] == []


def test_seed_reads_back_like_its_gold(pandoc):
    """The seed's gold (what a person marked up) survives the trip through DOCX: headings,
    paragraphs and list items macro-F1 >= 0.95, every table cell and reference exact."""
    import json
    gold = json.loads((DATA / "seed-china-ai.gold.json").read_text(encoding="utf-8"))
    got = read_back(pandoc, docx_of(docforge.read(SEED)), "docx")
    blocks = gold["blocks"]
    want = {"headings": [norm(b["text"]) for b in blocks if b["t"] == "heading"],
            "paras": [norm(b["text"]) for b in blocks if b["t"] == "para"],
            "items": [norm(i) for b in blocks if b["t"] == "bullets" for i in b["items"]]}

    def f1(wanted, found):
        hits = sum(1 for w in wanted if w in found)
        precision, recall = hits / max(1, len(found)), hits / max(1, len(wanted))
        return 0.0 if not hits else 2 * precision * recall / (precision + recall)

    references = next(b for b in blocks if b["t"] == "references")["items"]
    # body paragraphs: not the reference entries, not the keywords line (the gold keeps those apart)
    found_paras = [p for p in got["paras"] if p and not p.startswith("keywords")
                   and not any(norm(r) in p for r in references)]
    found_items = [i for i in got["items"] if not any(norm(r) in i for r in references)]
    scores = {"headings": f1(want["headings"], got["headings"]),
              "paras": f1(want["paras"], found_paras),
              "items": f1(want["items"], found_items)}
    assert sum(scores.values()) / len(scores) >= 0.95, scores  # exactness vs the IR: test above
    table = next(b for b in blocks if b["t"] == "table")
    assert got["cells"] == [norm(c) for row in [table["header"]] + table["rows"] for c in row]
    assert all(any(norm(r) in i for i in got["items"]) for r in references)  # a Word numbered list


def test_rich_document_reads_back(pandoc):
    doc = prepare(rich_document())
    got = read_back(pandoc, docx_of(doc), "docx")
    want = expected(doc)
    assert got["headings"] == want["headings"] and got["cells"] == want["cells"]
    assert [i for i in want["items"] if i not in got["items"]] == []
    assert [p for p in body_paragraphs(doc) if p not in got["paras"]] == []
    assert "plain text with emphasis strong code a link and a citation 1 after a line break b not bold b " \
           "so on" in got["paras"]
    for entry in want["references"]:
        assert any(entry in i for i in got["items"]), entry


def test_code_block_quote_and_title_read_back_as_such(pandoc):
    import json
    from conftest import run_pandoc
    ast = json.loads(run_pandoc(pandoc, ["-f", "docx", "-t", "json"], docx_of(rich_document())))
    meta = ast["meta"]  # pandoc lifts the Title and Subtitle styles into metadata
    assert norm(" ".join(i.get("c", " ") if isinstance(i.get("c"), str) else " "
                         for i in meta["title"]["c"])) == norm("The Rich Sample: Every Node <Type> & More")
    assert "subtitle" in meta
    kinds = [b["t"] for b in ast["blocks"]]
    assert "CodeBlock" in kinds and "BlockQuote" in kinds
    code = next(b for b in ast["blocks"] if b["t"] == "CodeBlock")
    assert code["c"][1] == "print('<hello>')\n  indented"


# ------------------------------------------------------------------ Word styles and properties

def test_real_word_styles_and_properties():
    import docx
    d = docx.Document(io.BytesIO(docx_of(rich_document())))
    used = [p.style.name for p in d.paragraphs]
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "List Number",
                 "List Bullet 2", "List Number 2", "Caption", "Bibliography", "Quote",
                 "Source Code", "Keywords", "Author", "Date", "Rule", "First Paragraph"):
        assert name in used, name
    assert d.tables[0].style.name == "Table Grid"
    props = d.core_properties
    assert props.title.startswith("The Rich Sample") and props.author == "Jane Example; Li Wei"
    assert props.keywords == "testing, docforge, IR" and props.subject == "A dek line"
    # the document's own date (no SOURCE_DATE_EPOCH in the test environment)
    assert props.created.timetuple()[:3] == (2026, 11, 28) and props.modified == props.created
    assert props.language == "en" and props.last_modified_by == "docforge" and props.revision == 1
    assert d.styles["Normal"].font.name == "DejaVu Serif"
    assert d.styles["Heading 1"].font.name == "DejaVu Sans"
    assert d.styles["Source Code"].font.name == "DejaVu Sans Mono"


def test_theme_fonts_cannot_override_the_themes_fonts():
    """Word shows w:asciiTheme in preference to w:ascii; LibreOffice does the opposite.
    Styles the writer dresses carry named fonts only, so both show the same faces."""
    styles = part(docx_of(rich_document()), "word/styles.xml")
    for style_id in ("Normal", "Heading1", "Heading2", "Title", "Subtitle", "Caption"):
        block = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles, re.S).group(0)
        assert "asciiTheme" not in block and "hAnsiTheme" not in block, style_id
    for style_id in ("Title", "Subtitle"):  # the template's letter-spacing is gone
        block = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles, re.S).group(0)
        assert not re.search(r"<w:rPr>.*<w:spacing w:val", block), style_id
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert "asciiTheme" not in defaults and 'w:ascii="DejaVu Serif"' in defaults


def test_headings_carry_outline_levels_for_the_navigation_pane():
    styles = part(docx_of(rich_document()), "word/styles.xml")
    for level in range(1, 7):
        block = re.search(rf'<w:style [^>]*w:styleId="Heading{level}".*?</w:style>', styles, re.S).group(0)
        assert f'<w:outlineLvl w:val="{level - 1}"/>' in block


def test_theme_drives_page_fonts_and_colours():
    style = load_style(overrides={"page": {"size": "A5", "margin_left": 30.0},
                                  "fonts": {"body": "Liberation Serif", "size": 12.0},
                                  "colors": {"heading": "#aa0000"}})
    data = docforge.write(rich_document(), "docx", style=style)
    body, styles = part(data, "word/document.xml"), part(data, "word/styles.xml")
    assert '<w:pgSz w:w="8391" w:h="11906"' in body and 'w:left="1701"' in body
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    assert 'w:ascii="Liberation Serif"' in normal and '<w:sz w:val="24"/>' in normal
    assert 'w:color w:val="AA0000"' in re.search(
        r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)


def test_stale_template_parts_are_dropped():
    data = docx_of(rich_document())
    assert not any("thumbnail" in n or "stylesWithEffects" in n for n in names(data))
    assert "savePreviewPicture" not in part(data, "word/settings.xml")


# ------------------------------------------------------------------ lists

def test_each_list_restarts_its_numbering():
    data = docx_of(rich_document())
    body, numbering = part(data, "word/document.xml"), part(data, "word/numbering.xml")
    num_ids = re.findall(r'<w:numId w:val="(\d+)"/>', body)
    # bullets, nested bullets, ordered, sub-step, "Again", "Starts at three", the references: seven
    assert len(set(num_ids)) == 7
    overrides = dict(re.findall(r'<w:num w:numId="(\d+)"><w:abstractNumId w:val="\d+"/><w:lvlOverride '
                                r'w:ilvl="\d"><w:startOverride w:val="(\d+)"/>', numbering))
    assert set(num_ids) <= set(overrides)  # every list used has its own restarting instance
    in_order = list(dict.fromkeys(num_ids))
    assert [overrides[n] for n in in_order] == ["1", "1", "1", "1", "1", "3", "1"]


def test_nested_list_levels_and_starts():
    doc = Document(Meta(title="Nested"), (
        OrderedList((item("one", OrderedList((item("one-a"), item("one-b")), start=5)),)),
    ))
    body, numbering = (part(docx_of(doc), n) for n in ("word/document.xml", "word/numbering.xml"))
    assert re.search(r'ListNumber2"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="(\d+)"/>.*?one-a', body)
    nested = re.search(r'ListNumber2"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="(\d+)"/>', body).group(1)
    assert re.search(rf'<w:num w:numId="{nested}"><w:abstractNumId w:val="\d+"/><w:lvlOverride '
                     rf'w:ilvl="1"><w:startOverride w:val="5"/>', numbering)


def test_continuation_paragraphs_of_an_item_are_not_numbered(pandoc):
    doc = Document(Meta(title="Items"), (
        OrderedList((ListItem((Paragraph((Text("first para"),)), Paragraph((Text("second para"),)))),
                     item("next item"))),
    ))
    data = docx_of(doc)
    import docx
    d = docx.Document(io.BytesIO(data))
    second = next(p for p in d.paragraphs if p.text == "second para")
    assert second.style.name == "List Continue"
    assert second._p.pPr.numPr is None and second.paragraph_format.left_indent is not None
    got = read_back(pandoc, data, "docx")
    assert "first para" in got["items"] and "next item" in got["items"]


# ------------------------------------------------------------------ tables

def test_tables_repeat_header_have_fixed_widths_and_caption():
    body = part(docx_of(rich_document()), "word/document.xml")
    assert body.count("<w:tblHeader") == 1 and '<w:tblLayout w:type="fixed"/>' in body
    assert '<w:tblStyle w:val="TableGrid"/>' in body
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', body)]
    assert len(widths) == 3 and sum(widths) == text_width_twips(body)
    assert abs(text_width_twips(body) - (210 - 25 - 25) / 25.4 * 1440) < 2  # A4 minus the margins
    assert f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>' in body
    assert "Table 1: </w:t>" in body and "Comparison" in body
    assert 'w:fill="E6ECF3"' in body  # theme header fill
    assert 'w:color="AAB3C0"' in body  # theme border colour
    table = body[body.index("<w:tbl>"):body.index("</w:tbl>")]
    rows = table.split("<w:tr>")[1:]
    # a short table is kept on one page: every row but the last keeps with the next
    assert all("<w:keepNext/>" in row for row in rows[:-1]) and "<w:keepNext/>" not in rows[-1]


def test_a_table_without_caption_text_has_no_bare_label_and_keeps_its_bookmark():
    doc = Document(Meta(title="T"), (Table((Cell((Text("a"),)),), ((Cell((Text("b"),)),),)),))
    body = part(docx_of(doc), "word/document.xml")
    assert '<w:pStyle w:val="Caption"/>' not in body and "Table 1" not in body
    assert re.search(r'<w:bookmarkStart w:id="(\d+)" w:name="table-1"/><w:tbl>.*</w:tbl><w:bookmarkEnd w:id="\1"/>',
                     body, re.S)


def test_long_cells_never_widen_the_table_past_the_text():
    long = "Extraordinarilylongwordwithoutanybreaks" * 3
    doc = Document(Meta(title="Wide"), (
        Table(tuple(Cell((Text(f"Header {i} {long}"),)) for i in range(7)),
              ((tuple(Cell((Text(long + " more words here"),)) for _ in range(7))),)),))
    body = part(docx_of(doc, paper="Letter"), "word/document.xml")
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', body)]
    assert len(widths) == 7 and sum(widths) == text_width_twips(body)
    assert min(widths) > 300


def test_headerless_ragged_table_keeps_every_cell(pandoc):
    doc = Document(Meta(title="Ragged"), (
        Table((), ((Cell((Text("a1"),)),),
                   (Cell((Text("b1"),)), Cell((Text("b2"),)), Cell((Text("b3"),)))), label="Table 1"),
    ))
    data, _ = direct_docx(doc)
    body = part(data, "word/document.xml")
    assert "<w:tblHeader" not in body and len(re.findall(r"<w:gridCol ", body)) == 3
    got = read_back(pandoc, data, "docx")
    assert [c for c in got["cells"] if c] == ["a1", "b1", "b2", "b3"]


# ------------------------------------------------------------------ links and bookmarks

def test_references_are_bookmarked_and_citations_link_to_them():
    data = docx_of(rich_document())
    body = part(data, "word/document.xml")
    assert '<w:bookmarkStart w:id="' in body and 'w:name="ref-1"' in body and 'w:name="ref-2"' in body
    assert re.search(r'<w:hyperlink w:anchor="ref-1"[^>]*><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
                     r'</w:rPr><w:t>\[1\]</w:t>', body)
    rels = part(data, "word/_rels/document.xml.rels")
    assert 'Target="https://www.scmp.com/x"' in rels and 'TargetMode="External"' in rels
    link_id = re.search(r'Id="(rId\d+)"[^>]*Target="https://example.org/a\?b=1&amp;c=2"', rels)
    link_id = link_id or re.search(r'Target="https://example.org/a\?b=1&amp;c=2"[^>]*Id="(rId\d+)"', rels)
    assert link_id and f'<w:hyperlink r:id="{link_id.group(1)}"' in body


def test_unsafe_urls_stay_text():
    doc = Document(Meta(title="Links"), (
        Paragraph((Link((Text("click"),), "javascript:alert(1)"), Text(" and "),
                   Link((Text("file"),), "file:///etc/passwd"))),))
    data = docx_of(doc)
    body = part(data, "word/document.xml")
    assert "<w:hyperlink" not in body and "click" in body and "file" in body
    assert "javascript" not in part(data, "word/_rels/document.xml.rels")


def test_long_ids_give_unique_bookmarks_that_links_find():
    stem = "a-heading-whose-slug-runs-well-past-forty-characters"
    doc = Document(Meta(title="Ids"), (
        Heading(1, (Text("one"),), id=stem + "-1"), Heading(1, (Text("two"),), id=stem + "-2"),
        Paragraph((Link((Text("to two"),), f"#{stem}-2"),)),
    ))
    body = part(docx_of(doc), "word/document.xml")
    marks = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"/>', body)
    assert len(marks) == 2 and len(set(marks)) == 2 and all(len(m) <= 40 for m in marks)
    anchor = re.search(r'<w:hyperlink w:anchor="([^"]+)"', body).group(1)
    assert anchor == marks[1]


# ------------------------------------------------------------------ page, footer, TOC

def test_footer_page_numbers_toc_and_page_size():
    data = docx_of(rich_document(), toc=True, paper="Letter")
    footer = next(part(data, n) for n in names(data) if n.startswith("word/footer"))
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert re.sub(r"<[^>]+>", "", footer).strip() == "Page 1 of 1"
    body = part(data, "word/document.xml")
    assert 'TOC \\o "1-2" \\h \\z \\u' in body and "<w:updateFields" in part(data, "word/settings.xml")
    assert '<w:pgSz w:w="12240" w:h="15840"' in body


def test_toc_lists_the_headings_before_word_updates_it():
    import docx
    data = docx_of(rich_document(), toc=True)
    d = docx.Document(io.BytesIO(data))
    entries = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("toc ")]
    assert entries == [("toc 1", "Introduction"), ("toc 2", "Lists"), ("toc 2", "A table"),
                       ("toc 1", "中文部分"), ("toc 1", "References")]
    body = part(data, "word/document.xml")
    field = body[body.index('w:fldCharType="begin"'):body.index('w:fldCharType="end"')]
    assert 'w:fldCharType="separate"' in field and '<w:hyperlink w:anchor="introduction"' in field
    assert field.count("<w:hyperlink") == 5


def test_no_toc_no_footer_when_the_theme_says_so():
    style = load_style(overrides={"page": {"page_numbers": False}, "toc": {"enabled": True}})
    data = docforge.write(rich_document(), "docx", style=style)
    assert "TOC \\o" in part(data, "word/document.xml")  # toc None: the theme decides
    assert not any(n.startswith("word/footer") for n in names(data))
    data = docforge.write(rich_document(), "docx", style=style, options=WriteOptions(toc=False))
    assert "TOC \\o" not in part(data, "word/document.xml")
    assert "updateFields" not in part(data, "word/settings.xml")


def test_title_block_and_keywords_label_from_the_theme():
    style = load_style(overrides={"text": {"keywords_label": "Schlagwörter"}})
    import docx
    d = docx.Document(io.BytesIO(docforge.write(rich_document(), "docx", style=style)))
    texts = [(p.style.name, p.text) for p in d.paragraphs if p.text]
    assert texts[0] == ("Title", "The Rich Sample: Every Node <Type> & More")
    assert texts[1] == ("Subtitle", "A dek line")
    assert texts[2] == ("Author", "Jane Example, Li Wei")
    assert texts[3] == ("Date", "November 28, 2026")  # the date as English writes it, not ISO
    assert texts[-1] == ("Keywords", "Schlagwörter: testing, docforge, IR")


# ------------------------------------------------------------------ schema order (Word is strict)

# ECMA-376 Part 1 child order of the property elements docforge writes or touches.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
           "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
           "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
           "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
           "rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
           "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
           "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
             "tblDescription tblPrChange",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
            "vAlign hideMark",
    "settings": "writeProtection view zoom removePersonalInformation removeDateAndTime "
                "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
                "printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts "
                "saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
                "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
                "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
                "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge "
                "revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection "
                "autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation "
                "consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength "
                "clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting "
                "bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing "
                "drawingGridVerticalSpacing displayHorizontalDrawingGridEvery "
                "displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin "
                "drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData "
                "noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars "
                "noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema "
                "saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml "
                "saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
                "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat "
                "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping "
                "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
                "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
                "decimalSymbol listSeparator",
    "numbering": "numPicBullet abstractNum num numIdMacAtCleanup",
}


def schema_order_errors(data: bytes) -> list[str]:
    from lxml import etree
    errors = []
    orders = {k: v.split() for k, v in SCHEMA_ORDER.items()}
    for name in names(data):
        if not name.endswith(".xml") or not name.startswith("word/"):
            continue
        root = etree.fromstring(part(data, name).encode())
        for element in root.iter(*(W + k for k in orders)):
            order = orders[etree.QName(element).localname]
            ranks = [order.index(etree.QName(c).localname) for c in element
                     if isinstance(c.tag, str) and etree.QName(c).localname in order]
            if ranks != sorted(ranks):
                kids = [etree.QName(c).localname for c in element if isinstance(c.tag, str)]
                errors.append(f"{name}: <{etree.QName(element).localname}> children out of order: {kids}")
    return errors


def test_property_elements_are_in_schema_order(tmp_path):
    assert schema_order_errors(docx_of(rich_document(), toc=True)) == []
    assert schema_order_errors(docx_of(docforge.read(SEED))) == []
    assert schema_order_errors(docx_of(rich_document(), toc=True,
                                       reference_docx=str(_bare_template(tmp_path)))) == []


# ------------------------------------------------------------------ determinism and bad text

def test_same_input_same_bytes():
    assert docx_of(rich_document()) == docx_of(rich_document())


def test_same_bytes_across_processes_and_source_date_epoch_honoured(tmp_path):
    script = ("import sys; sys.path.insert(0, 'tests'); import docforge; from ir_examples import "
              "rich_document; sys.stdout.buffer.write(docforge.write(rich_document(), 'docx'))")
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, SOURCE_DATE_EPOCH="1700000000",
                   PYTHONPATH=str(ROOT / "src"))
        outputs.append(subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                                      capture_output=True, check=True).stdout)
    assert outputs[0] == outputs[1]
    core = part(outputs[0], "docProps/core.xml")
    assert "2023-11-14T22:13:20Z" in core
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert z.namelist()[0] == "[Content_Types].xml"


def test_control_characters_are_dropped_with_a_diagnostic():
    bad = "bad \x01\x1b text"
    doc = Document(Meta(title="t\x00", language="en\x07", keywords=("k\x02",), authors=("a\x03",)), (
        Heading(1, (Text("head\x0b"),)),
        Paragraph((Text(bad), Link((Text("l\x0c"),), "https://x.org/\x01"), Code("c\x1f"))),
        CodeBlock("code\x08line"),
        Table((Cell((Text("h\x10"),)),), ((Cell((Text("c\x11"),)),),), caption=(Text("cap\x12"),)),
        BulletList((item("li\x13"),)),
        Quote((Paragraph((Text("q\x14"),)),)),
        References((Reference("ref-1", "1", (Text("r\x15"),), "https://x.org/ok"),)),
    ))
    diags: list = []
    data = docforge.write(doc, "docx", diagnostics=diags)
    body = part(data, "word/document.xml")
    for text in ("bad  text", "head", "codeline", "cap", "li", ">q<", ">r<"):
        assert text in body, text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", "".join(part(data, n) for n in names(data)
                                                                 if n.endswith(".xml")))
    messages = [d.message for d in diags if "control character" in d.message]
    # one diagnostic, each character shown in the document counted once (the title is not
    # counted again for the core properties; prepare() normalises the language tag itself)
    assert len(messages) == 1 and re.search(r"dropped (\d+)", messages[0]).group(1) == "15"


# ------------------------------------------------------------------ reference docx

def _bare_template(tmp_path):
    """A template like LibreOffice writes when nothing was styled: no numbering part, no
    Title/Heading/List styles, and a footer of its own."""
    import docx
    from docx.oxml.ns import qn
    template = docx.Document()
    styles = template.styles.element
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Footer", "Header",
            "FooterChar", "HeaderChar"}
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
    rels = template.part.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype.endswith("/numbering"):
            del rels[r_id]
    template.sections[0].footer.paragraphs[0].text = "Template footer"
    template.add_paragraph("template text that must not survive")
    path = tmp_path / "bare.docx"
    template.save(path)
    return path


def test_reference_docx_supplies_styles_and_page_setup(tmp_path):
    import docx
    from docx.shared import Mm, Pt
    template = docx.Document()
    template.styles["Normal"].font.name = "Liberation Mono"
    template.styles["Normal"].font.size = Pt(9)
    template.styles["Heading 1"].font.size = Pt(30)
    template.sections[0].left_margin = Mm(40)
    template.sections[0].page_width = Mm(200)
    template.add_paragraph("template text that must not survive")
    path = tmp_path / "ref.docx"
    template.save(path)
    out = docx.Document(io.BytesIO(docx_of(rich_document(), reference_docx=str(path))))
    assert out.styles["Normal"].font.name == "Liberation Mono"
    assert out.styles["Heading 1"].font.size == Pt(30)
    assert abs(out.sections[0].left_margin - Mm(40)) < Mm(0.1)
    assert abs(out.sections[0].page_width - Mm(200)) < Mm(0.1)
    assert all("template text" not in p.text for p in out.paragraphs)
    assert "Introduction" in [p.text for p in out.paragraphs if p.style.name == "Heading 1"]
    # --paper still overrides the template's page size
    out = docx.Document(io.BytesIO(docx_of(rich_document(), reference_docx=str(path), paper="A5")))
    assert abs(out.sections[0].page_width - Mm(148)) < Mm(0.1)


def test_reference_docx_lacking_styles_and_numbering_gets_them(tmp_path, pandoc):
    import docx
    path = _bare_template(tmp_path)
    diags: list = []
    data = docforge.write(rich_document(), "docx", options=WriteOptions(reference_docx=str(path)),
                          diagnostics=diags)
    out = docx.Document(io.BytesIO(data))
    used = {p.style.name for p in out.paragraphs}
    assert {"Title", "Heading 1", "List Number", "Bibliography", "Caption"} <= used
    assert "word/numbering.xml" in names(data) and "<w:startOverride" in part(data, "word/numbering.xml")
    footer = next(part(data, n) for n in names(data) if n.startswith("word/footer"))
    assert "Template footer" in footer and "PAGE" not in footer  # the template's footer is kept
    assert any("lacks the style(s)" in d.message and "Heading 1" in d.message for d in diags)
    got = read_back(pandoc, data, "docx")
    assert got["headings"] == expected(prepare(rich_document()))["headings"]


def test_unusable_reference_docx_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"bad.docx: cannot be used as --reference-docx .*; give a .docx"):
        docx_of(rich_document(), reference_docx=str(bad))
    with pytest.raises(InputError, match="missing.docx: no such file for --reference-docx; give"):
        docx_of(rich_document(), reference_docx=str(tmp_path / "missing.docx"))
    with pytest.raises(InputError, match="no such file for --reference-docx"):
        docx_of(rich_document(), reference_docx=str(tmp_path))  # a directory
    text = tmp_path / "notes.docx"
    text.write_text("plain text, not a package", encoding="utf-8")
    with pytest.raises(InputError, match="notes.docx: cannot be used as --reference-docx"):
        docx_of(rich_document(), reference_docx=str(text))


# ------------------------------------------------------------------ the body, built as text

def _every_block_everywhere() -> Document:
    """Every block kind at the top, inside a list item and inside a quote, with the shapes
    the text-built body treats specially: empty items, lists, paragraphs and tables, a
    list that ends in a table, and tabs, line breaks and markup characters in runs."""
    rich = rich_document()
    nested = tuple(b for b in rich.blocks if not isinstance(b, (Heading, References)))  # ids once
    return Document(rich.meta, rich.blocks + (
        BulletList((ListItem((Paragraph((Text("holder"),)),) + nested), ListItem(()))),
        Quote(nested),
        OrderedList((ListItem((Paragraph((Text("ends in a table"),)),
                               Table((Cell((Text("h"),)),), ((Cell((Text("c"),)),),)))),), start=4),
        Paragraph(()), BulletList(()), OrderedList(()),
        Table((), ()),
        Paragraph((Text(" tab\there, lines\r\nthere "), Strong((Emph((Code("<&>"),)),)),
                   Link((Text("x"),), "https://example.org/a?b=1&c=2"))),
    ))


def _ir_texts(node):
    """The IR's texts in the order the document shows them (a table's caption comes first)."""
    from docforge.model import children
    if isinstance(node, (Text, Code)):
        yield node.text
    elif isinstance(node, CodeBlock):
        yield from node.text.split("\n")
    elif isinstance(node, Table):
        for child in node.caption + tuple(c for row in (node.header,) + node.rows for c in row):
            yield from _ir_texts(child)
    else:
        for child in children(node):
            yield from _ir_texts(child)


def _body_texts(data: bytes) -> list[str]:
    """Paragraph texts in body order as python-docx reads them, table cells included."""
    import docx
    texts = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if hasattr(block, "rows"):
            texts += [p.text for row in block.rows for cell in row.cells for p in cell.paragraphs]
        else:
            texts.append(block.text)
    return texts


@pytest.mark.parametrize("through_api", [True, False], ids=["api", "writer"])
def test_every_block_everywhere_reads_back_in_order(through_api):
    from lxml import etree
    doc = _every_block_everywhere()
    data = docx_of(doc, toc=True) if through_api else direct_docx(doc, toc=True)[0]
    body, numbering = part(data, "word/document.xml"), part(data, "word/numbering.xml")
    etree.fromstring(body.encode())  # well-formed, escaped
    etree.fromstring(numbering.encode())
    assert schema_order_errors(data) == []
    # every text of the IR is in the document, in document order
    joined = "\n".join(_body_texts(data))
    toc = joined.index("Contents\nIntroduction\nLists\nA table\n中文部分\nReferences\n")
    position = toc + len("Contents\nIntroduction\nLists\nA table\n中文部分\nReferences\n")  # the TOC repeats headings
    for text in _ir_texts(doc):
        for piece in re.split(r"[\t\r\n]+", text):  # runs show tabs and breaks as such
            found = joined.find(piece.strip(), position)
            assert found >= 0, (piece, joined[position:position + 200])
            position = found
    # one restarting list instance per IR list, each used by its items
    lists = sum(isinstance(n, (BulletList, OrderedList, References)) for n in walk(doc))  # references: a list too
    instances = dict(re.findall(r'<w:num w:numId="(\d+)"><w:abstractNumId w:val="\d+"/><w:lvlOverride '
                                r'w:ilvl="\d"><w:startOverride w:val="(\d+)"/>', numbering))
    assert len(instances) == lists and set(re.findall(r'<w:numId w:val="(\d+)"/>', body)) <= set(instances)
    assert "4" in instances.values()  # the list that starts at four
    # a top-level list is spaced after its last paragraph, even when that follows a table
    assert re.search(r'<w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>(?:<w:bookmarkEnd w:id="\d+"/>)?<w:p><w:pPr><w:pStyle '
                     r'w:val="TableText"/><w:spacing w:after="140"/></w:pPr></w:p>', body)
    assert "<!--" not in body and "<!--" not in numbering  # no staging marker left behind


def test_text_built_properties_are_in_schema_order_with_every_field_set():
    """The body's paragraph and run properties come from one function each: with everything
    set at once, their children still follow CT_PPr / CT_RPr."""
    from lxml import etree
    from docforge.writers.docx.body import Format, PPr, _ppr_markup, _rpr_markup
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ppr = _ppr_markup(PPr("S", keep_next=True, numbering=(1, 12), border=("C5CAD3", 6),
                          space_after=140, indent=360, align="right"))
    rpr = _rpr_markup(Format(bold=True, italic=True, mono=True, link_style=True, small_caps=True, strike=True,
                             underline=True, vert_align="superscript", lang='w:val="de"'),
                      {"Hyperlink": "Hyperlink", "Verbatim Char": "VerbatimChar"})
    for markup, kind in ((ppr, "pPr"), (rpr, "rPr")):
        element = etree.fromstring(markup.replace(f"<w:{kind}>", f"<w:{kind} {ns}>", 1))
        order = SCHEMA_ORDER[kind].split()
        kids = [etree.QName(c).localname for c in element]
        assert kids == sorted(kids, key=order.index), kids
    assert len(etree.fromstring(ppr.replace("<w:pPr>", f"<w:pPr {ns}>", 1))) == 7
    assert len(etree.fromstring(rpr.replace("<w:rPr>", f"<w:rPr {ns}>", 1))) == 8


def test_run_text_keeps_tabs_breaks_and_edge_spaces():
    doc = Document(Meta(), (Paragraph((Text(" a\tb\nc "),)),))
    body = part(direct_docx(doc)[0], "word/document.xml")
    assert ('<w:r><w:t xml:space="preserve"> a</w:t><w:tab/><w:t>b</w:t><w:br/>'
            '<w:t xml:space="preserve">c </w:t></w:r>') in body


def test_markup_characters_in_ids_and_text_are_escaped():
    from lxml import etree
    heading_id, ref_id = 'id"<with>&\'markup', "ref-<&>\""
    doc = Document(Meta(title='A "title" <with> & markup'), (
        Heading(1, (Text("<b>&amp;</b>"),), id=heading_id),
        Paragraph((Text("]]> & <"), CitationRef(ref_id))),
        References((Reference(ref_id, "1", (Text("entry"),), "https://example.org/?q=\"x\"&y=<z>"),)),
    ))
    data, _ = direct_docx(doc)
    root = etree.fromstring(part(data, "word/document.xml").encode())
    texts = "".join(t.text or "" for t in root.iter(W + "t"))
    assert "<b>&amp;</b>" in texts and "]]> & <" in texts and 'A "title" <with> & markup' in texts
    assert [b.get(W + "name") for b in root.iter(W + "bookmarkStart")] == [heading_id, ref_id]
    assert root.find(f".//{W}hyperlink").get(W + "anchor") == ref_id
    etree.fromstring(part(data, "word/_rels/document.xml.rels").encode())


def test_many_long_similar_ids_get_unique_bookmarks_in_linear_work(monkeypatch):
    """A feed repeats long headings ("Across small towns in ...") in every article: the names
    stay unique and within Word's limit, and finding them is not quadratic. The work is
    counted, not timed: every candidate name tried is digested once, so the digests made
    stay a few per heading (about 3 here); the quadratic search it replaced tried every
    earlier suffix again (about 4.5 million for these 3000 headings)."""
    from docforge.writers.docx import body
    digests_made = 0
    real_digest = body.digest

    def counting_digest(text):
        nonlocal digests_made
        digests_made += 1
        return real_digest(text)

    monkeypatch.setattr(body, "digest", counting_digest)
    stem = "across-small-towns-in-scandinavia-and-the-baltics-radio"
    headings = 3000
    doc = Document(Meta(title="Ids"), tuple(Heading(2, (Text("h"),), id=f"{stem}-{i}") for i in range(headings))
                   + (Paragraph((Link((Text("last"),), f"#{stem}-2999"),)),))
    names = body.bookmark_names(doc)
    assert 0 < digests_made <= 4 * headings
    assert len(names) == headings - 1  # all but the first share their first 40 characters
    body_xml = part(direct_docx(doc)[0], "word/document.xml")
    marks = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"/>', body_xml)
    assert len(marks) == headings == len(set(marks)) and max(map(len, marks)) <= 40
    assert re.search(r'<w:hyperlink w:anchor="([^"]+)"', body_xml).group(1) == marks[-1]


def _prefixed_template(tmp_path):
    """A template whose document and numbering parts bind WordprocessingML to `wx:` and the
    relationships namespace to `rr:` (legal XML; python-docx reads it)."""
    import docx
    template = docx.Document()
    template.add_paragraph("template text that must not survive")
    raw = io.BytesIO()
    template.save(raw)
    path = tmp_path / "prefixed.docx"
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name in ("word/document.xml", "word/numbering.xml"):
                text = re.sub(r"(?<=[<\s/])w:", "wx:", data.decode()).replace('xmlns:w="', 'xmlns:wx="')
                data = text.replace('xmlns:r="', 'xmlns:rr="').replace(" r:id=", " rr:id=").encode()
            target.writestr(name, data)
    return path


def test_template_with_other_namespace_prefixes_still_gets_the_body(tmp_path):
    import docx
    data = docx_of(rich_document(), reference_docx=str(_prefixed_template(tmp_path)))
    body = part(data, "word/document.xml")
    assert "<wx:body>" in body and "template text" not in body
    out = docx.Document(io.BytesIO(data))
    assert "Introduction" in [p.text for p in out.paragraphs if p.style.name == "Heading 1"]
    assert "<wx:startOverride" in part(data, "word/numbering.xml")
    assert schema_order_errors(data) == []
    # (pandoc cannot read such a package at all, the template included: python-docx can)
    styled = [(p.style.name, p.text) for p in out.paragraphs]
    assert ("List Number", "Starts at three") in styled and ("Caption", "Table 1: Comparison") in styled
    assert [c.text for c in out.tables[0].rows[0].cells] == ["Aspect", "China", "United States"]


def test_same_bytes_alone_in_a_fresh_process_and_after_other_documents(tmp_path, monkeypatch):
    """The frame (styles, page setup, footer) is built once per theme and reused: a document
    must come out the same whether it is the first one written or follows others with other
    themes, languages and options. (One date for both: the CLI would date the undated seed
    by its file's modification time, the library, given no file, by the fixed date.)"""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    seed = docforge.read(DATA / "seed-china-ai.txt")
    target = tmp_path / "fresh.docx"
    subprocess.run([sys.executable, "-m", "docforge", "convert", str(DATA / "seed-china-ai.txt"),
                    "-o", str(target)], check=True, capture_output=True)
    for other in (rich_document(), docforge.read(SAMPLES[0])):
        docforge.write(other, "docx", style="handout")
        docforge.write(other, "docx", options=WriteOptions(toc=True, paper="Letter"))
    after = docforge.write(seed, "docx")
    assert after == target.read_bytes()
    # and the frame really depends on the theme: another theme gives another document
    assert docforge.write(seed, "docx", style="handout") != after


def test_an_in_document_link_to_a_non_ascii_id_points_at_its_bookmark():
    doc = Document(Meta(title="T"), (Heading(1, (Text("中文部分"),), "中文部分"),
                                     Paragraph((Link((Text("jump"),), "#中文部分"),))))
    xml = zipfile.ZipFile(io.BytesIO(docforge.write(doc, "docx"))).read("word/document.xml").decode()
    anchors = re.findall(r'w:anchor="([^"]*)"', xml)
    bookmarks = re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]*)"', xml)
    assert anchors == ["中文部分"] and "中文部分" in bookmarks


def test_hyperlink_relationships_are_the_ones_python_docx_would_make():
    """One relationship per distinct URL, ids the smallest free rIds in order (what
    python-docx's relate_to gives), assigned without its per-link scan of every relationship."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docforge.writers.docx import oxml
    template = docx.Document()
    expected = [template.part.relate_to(u, RT.HYPERLINK, is_external=True)
                for u in ("https://a.example/", "https://b.example/", "https://a.example/")]
    ours = docx.Document()
    link_id = oxml.external_link_ids(ours)
    assert [link_id(u) for u in ("https://a.example/", "https://b.example/", "https://a.example/")] == expected
    assert expected[0] == expected[2] != expected[1]
    from lxml import etree
    rels = {r.get("Target") for r in etree.fromstring(ours.part.rels.xml) if r.get("TargetMode") == "External"}
    assert rels == {"https://a.example/", "https://b.example/"}


# ------------------------------------------------------------------ the pandoc bridge's nodes

from docforge.model import (DefinitionItem, DefinitionList, Div, Figure, Image, LineBlock,  # noqa: E402
                            Math, Note, RawBlock, RawInline, SmallCaps, Span, Strikeout,
                            Subscript, Superscript, Underline)
from ir_examples import IMAGES, pandoc_document  # noqa: E402

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_PX = 9525  # 96 dpi


def pandoc_docx(doc=None, **options) -> tuple[bytes, list]:
    diags: list = []
    data = docforge.write(doc or pandoc_document(), "docx", diagnostics=diags,
                          options=WriteOptions(resource_path=(str(IMAGES),), **options))
    return data, diags


def xml_part(data: bytes, name: str):
    from lxml import etree
    return etree.fromstring(part(data, name).encode())


def rels_of(data: bytes, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last segment, target) of a part's .rels."""
    folder, _, file = name.rpartition("/")
    root = xml_part(data, f"{folder}/_rels/{file}.rels")
    return {r.get("Id"): (r.get("Type").rsplit("/", 1)[1], r.get("Target")) for r in root}


def texts_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


def paragraphs_by_style(root, style_id: str) -> list:
    return [p for p in root.iter(W + "p")
            if p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(W + "val") == style_id]


def test_notes_are_real_footnotes_with_their_links():
    data, _ = pandoc_docx()
    notes = xml_part(data, "word/footnotes.xml")
    by_id = {n.get(W + "id"): n for n in notes.findall(W + "footnote")}
    # the two separators Word requires, then one footnote per note
    assert by_id["-1"].get(W + "type") == "separator" and by_id["-1"].find(f".//{W}separator") is not None
    assert by_id["0"].get(W + "type") == "continuationSeparator"
    assert by_id["0"].find(f".//{W}continuationSeparator") is not None
    assert sorted(by_id) == ["-1", "0", "1", "2"]
    assert texts_of(by_id["1"]).strip() == "The first note, with a link."
    second = by_id["2"].findall(W + "p")
    assert [texts_of(p).strip() for p in second] == ["Second note, first paragraph.", "Second note, second paragraph."]
    for note in (by_id["1"], by_id["2"]):
        paragraphs = note.findall(W + "p")
        assert all(p.find(f"{W}pPr/{W}pStyle").get(W + "val") == "FootnoteText" for p in paragraphs)
        first_run = paragraphs[0].find(W + "r")  # each note starts with its mark
        assert first_run.find(W + "footnoteRef") is not None
        assert first_run.find(f"{W}rPr/{W}rStyle").get(W + "val") == "FootnoteReference"
    assert len(notes.findall(f".//{W}footnoteRef")) == 2
    # the note's link is a relationship of the footnotes part, not of the document
    link = by_id["1"].find(f".//{W}hyperlink")
    assert rels_of(data, "word/footnotes.xml")[link.get(R + "id")] == ("hyperlink", "https://example.org/n")
    assert "https://example.org/n" not in part(data, "word/_rels/document.xml.rels")
    # the document refers to both, in runs styled "Footnote Reference", and relates the part
    body = xml_part(data, "word/document.xml")
    refs = list(body.iter(W + "footnoteReference"))
    assert [r.get(W + "id") for r in refs] == ["1", "2"]
    assert all(r.getparent().find(f"{W}rPr/{W}rStyle").get(W + "val") == "FootnoteReference" for r in refs)
    assert ("footnotes", "footnotes.xml") in rels_of(data, "word/document.xml").values()
    assert 'PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
           'wordprocessingml.footnotes+xml"' in part(data, "[Content_Types].xml")


def test_footnote_styles_are_pandocs_and_themed():
    import docx
    from docx.shared import Pt
    d = docx.Document(io.BytesIO(pandoc_docx()[0]))
    assert d.styles["Footnote Reference"].font.superscript is True
    assert d.styles["Footnote Text"].font.size == Pt(9.5)  # 0.85 of the theme's 11 pt, in half points
    assert d.styles["Definition Term"].font.bold is True
    assert d.styles["Definition"].paragraph_format.left_indent == Pt(load_style().spacing.list_indent)
    assert d.styles["Captioned Figure"].paragraph_format.keep_with_next is True
    assert d.styles["Image Caption"].type == d.styles["Caption"].type


def test_documents_without_notes_or_images_get_no_footnotes_or_media_part():
    data = docx_of(rich_document())
    assert not any(n.startswith(("word/footnotes", "word/media")) for n in names(data))


def test_images_are_embedded_once_each_with_alt_text_and_size():
    data, diags = pandoc_docx()
    media = sorted(n for n in names(data) if n.startswith("word/media/"))
    assert len(media) == 2 and media[0].endswith(".jpg") and media[1].endswith(".png")
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the files' own bytes
        assert z.read(media[1]) == (IMAGES / "chart.png").read_bytes()
        assert z.read(media[0]) == (IMAGES / "photo.jpg").read_bytes()
    body = xml_part(data, "word/document.xml")
    rels = rels_of(data, "word/document.xml")
    pictures = []
    for inline in body.iter(WP + "inline"):
        doc_pr, extent = inline.find(WP + "docPr"), inline.find(WP + "extent")
        embed = inline.find(f".//{A}blip").get(R + "embed")
        pictures.append((doc_pr.get("descr"), doc_pr.get("title"), rels[embed][1],
                         int(extent.get("cx")), int(extent.get("cy")), doc_pr.get("id")))
    chart, photo = "media/" + media[1].rsplit("/", 1)[1], "media/" + media[0].rsplit("/", 1)[1]
    assert [p[:5] for p in pictures] == [
        ("A bar chart of sales", "Sales", chart, 240 * EMU_PER_PX, 120 * EMU_PER_PX),
        ("a green photo", None, photo, 64 * EMU_PER_PX, 96 * EMU_PER_PX),
        ("Uncaptioned chart", None, chart, 240 * EMU_PER_PX, 120 * EMU_PER_PX)]
    assert len({p[5] for p in pictures}) == 3  # each picture its own wp:docPr id
    # the SVG and the missing file show their alt text, each with one warning
    text = texts_of(body)
    assert "and a vector a diagram and a missing lost picture." in text
    messages = [d.message for d in diags if d.severity == "warning"]
    assert len([m for m in messages if "diagram.svg" in m]) == 1
    assert any("diagram.svg" in m and "SVG" in m and "rasteriser" in m for m in messages)
    assert len([m for m in messages if "missing.png" in m and "not found" in m]) == 1


def test_figures_have_their_image_then_the_caption_with_its_lead_and_bookmark():
    data, _ = pandoc_docx()
    body = xml_part(data, "word/document.xml")
    figures = paragraphs_by_style(body, "CaptionedFigure")
    captions = paragraphs_by_style(body, "ImageCaption")
    assert len(figures) == 2 and all(p.find(f".//{W}drawing") is not None for p in figures)
    # uncaptioned: no bare label and no empty caption paragraph; its bookmark surrounds the picture
    assert [texts_of(c) for c in captions] == ["Figure 1: Sales by year"]
    assert figures[0].getnext() is captions[0]  # the caption right below its image
    assert [b.get(W + "name") for b in captions[0].iter(W + "bookmarkStart")] == ["figure-1"]
    before = figures[1].getprevious()
    assert before.tag == W + "bookmarkStart" and before.get(W + "name") == "figure-2"
    assert figures[1].getnext().tag == W + "bookmarkEnd"


def _png(path, width, height):
    from PIL import Image as PILImage
    PILImage.new("RGB", (width, height), (30, 90, 160)).save(path)
    return path


def test_large_images_are_scaled_down_to_the_text_and_to_their_cell(tmp_path):
    _png(tmp_path / "wide.png", 3000, 600)
    _png(tmp_path / "tall.png", 300, 6000)
    doc = Document(Meta(title="Big"), (
        Paragraph((Image((Text("wide"),), "wide.png"),)),
        Paragraph((Image((Text("tall"),), "tall.png"),)),
        Table((Cell((Text("a"),)), Cell((Text("b"),))),
              ((Cell((Image((Text("in a cell"),), "wide.png"),)), Cell((Text("text"),))),)),
    ))
    data = docforge.write(doc, "docx", options=WriteOptions(resource_path=(str(tmp_path),)))
    body_text = part(data, "word/document.xml")
    width_emu = text_width_twips(body_text) * 635
    page = re.search(r'<w:pgSz w:w="\d+" w:h="(\d+)"', body_text).group(1)
    top = re.search(r'<w:pgMar [^>]*w:top="(\d+)"', body_text).group(1)
    bottom = re.search(r'<w:pgMar [^>]*w:bottom="(\d+)"', body_text).group(1)
    height_emu = (int(page) - int(top) - int(bottom)) * 635
    extents = [(int(e.get("cx")), int(e.get("cy"))) for e in xml_part(data, "word/document.xml").iter(WP + "extent")]
    (wide_cx, wide_cy), (tall_cx, tall_cy), (cell_cx, cell_cy) = extents
    assert abs(wide_cx - width_emu) <= 1 and abs(wide_cx / wide_cy - 5) < 0.01
    assert tall_cy < height_emu and tall_cy > 0.8 * height_emu and abs(tall_cy / tall_cx - 20) < 0.05
    first_column = int(re.findall(r'<w:gridCol w:w="(\d+)"/>', body_text)[0]) * 635
    assert cell_cx < first_column and abs(cell_cx / cell_cy - 5) < 0.01
    assert len([n for n in names(data) if n.startswith("word/media/")]) == 2  # wide.png once


def test_remote_and_unreadable_images_show_their_alt_text(tmp_path):
    from PIL import Image as PILImage
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)  # a PNG signature, no image
    PILImage.new("RGB", (8, 8)).save(tmp_path / "pic.webp")
    doc = Document(Meta(title="Imgs"), (
        Paragraph((Image((Text("far away"),), "https://example.org/x.png"), Text(" / "),
                   Image((Text("broken"),), "fake.png"), Text(" / "),
                   Image((Text("far away again"),), "https://example.org/x.png"), Text(" / "),
                   Image((Text("webp"),), "pic.webp"))),))
    diags: list = []
    data = docforge.write(doc, "docx", diagnostics=diags, options=WriteOptions(resource_path=(str(tmp_path),)))
    assert texts_of(xml_part(data, "word/document.xml")).endswith("far away / broken / far away again / webp")
    assert not any(n.startswith("word/media/") for n in names(data))
    messages = [d.message for d in diags]
    assert len([m for m in messages if "https://example.org/x.png" in m and "remote" in m]) == 1
    assert len([m for m in messages if "fake.png" in m and "alt text" in m]) == 1
    assert len([m for m in messages if "pic.webp" in m and "image/webp" in m and "alt text" in m]) == 1


def test_definition_lists_and_line_blocks():
    data, _ = pandoc_docx()
    body = xml_part(data, "word/document.xml")
    assert [texts_of(p) for p in paragraphs_by_style(body, "DefinitionTerm")] == ["Term one", "Term two"]
    assert [texts_of(p) for p in paragraphs_by_style(body, "Definition")] == [
        "Definition of term one.", "First definition.", "Second definition."]
    verse = next(p for p in body.iter(W + "p") if "first line of verse" in texts_of(p))
    assert len(verse.findall(f"{W}r/{W}br")) == 2  # one paragraph, lines apart by breaks
    assert verse.find(f"{W}pPr/{W}jc").get(W + "val") == "left"
    indented = next(t for t in verse.iter(W + "t") if "indented" in t.text)
    assert indented.text == "   indented second line"
    assert indented.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def _run_properties(body, text: str) -> set[str]:
    """Names (and values) of the run properties of the run holding `text`."""
    from lxml import etree
    run = next(t.getparent() for t in body.iter(W + "t") if t.text == text)
    rpr = run.find(W + "rPr")
    found = set()
    for child in (rpr if rpr is not None else ()):
        name = etree.QName(child).localname
        values = [v for k, v in sorted(child.attrib.items())]
        found.add(name + ("=" + ",".join(values) if values else ""))
    return found


def test_inline_styles_and_their_combinations():
    doc = Document(Meta(title="Styles"), (
        Paragraph((Strikeout((Text("s"),)), Superscript((Text("sup"),)), Subscript((Text("sub"),)),
                   SmallCaps((Text("caps"),)), Underline((Text("u"),)),
                   Emph((Strikeout((Strong((Text("all three"),)),)),)),
                   Strikeout((Code("struck code"),)),
                   Strikeout((Link((Text("struck link"),), "https://example.org/s"),)),
                   Link((Superscript((Text("raised link"),)), Text(" plain link text")), "https://example.org/t"),
                   Superscript((Subscript((Text("inner wins"),)),)))),
    ))
    data = docx_of(doc)
    body = xml_part(data, "word/document.xml")
    assert _run_properties(body, "s") == {"strike"}
    assert _run_properties(body, "sup") == {"vertAlign=superscript"}
    assert _run_properties(body, "sub") == {"vertAlign=subscript"}
    assert _run_properties(body, "caps") == {"smallCaps"}
    assert _run_properties(body, "u") == {"u=single"}
    assert _run_properties(body, "all three") == {"b", "i", "strike"}
    assert _run_properties(body, "struck code") == {"rStyle=VerbatimChar", "strike"}
    assert _run_properties(body, "struck link") == {"rStyle=Hyperlink", "strike"}
    assert _run_properties(body, "raised link") == {"rStyle=Hyperlink", "vertAlign=superscript"}
    assert _run_properties(body, " plain link text") == {"rStyle=Hyperlink"}
    raised = next(t for t in body.iter(W + "t") if t.text == "raised link")
    hyperlink = raised.getparent().getparent()
    assert hyperlink.tag == W + "hyperlink" and texts_of(hyperlink) == "raised link plain link text"
    assert _run_properties(body, "inner wins") == {"vertAlign=subscript"}
    assert schema_order_errors(data) == []


def test_languages_of_divs_and_spans():
    data, _ = pandoc_docx()
    body = xml_part(data, "word/document.xml")
    assert _run_properties(body, "Ein Absatz auf Deutsch.") == {"lang=de"}
    assert _run_properties(body, "bonjour tout le monde") == {"lang=fr"}
    assert _run_properties(body, "Plain div content.") == set()
    doc = Document(Meta(title="Langs", language="en"), (
        Div((Paragraph((Text("中文段落"), Span((Text("English inside"),), lang="en-GB"))),
             BulletList((item("列表项"),)),
             Table((Cell((Text("表头"),)),), ((Cell((Text("单元格"),)),),))), lang="zh-CN"),
        Paragraph((Span((Text("مرحبا"),), lang="ar"), Span((Strong((Text("日本語"),)),), lang="ja"))),
    ))
    body = xml_part(docx_of(doc), "word/document.xml")
    for text in ("中文段落", "列表项", "表头", "单元格"):  # every run inside the div
        assert "lang=zh-CN" in _run_properties(body, text), text
    assert _run_properties(body, "English inside") == {"lang=en-GB"}
    from lxml import etree
    arabic = next(t.getparent() for t in body.iter(W + "t") if t.text == "مرحبا").find(f"{W}rPr/{W}lang")
    japanese = next(t.getparent() for t in body.iter(W + "t") if t.text == "日本語").find(f"{W}rPr/{W}lang")
    assert dict(arabic.attrib) == {W + "bidi": "ar"} and dict(japanese.attrib) == {W + "eastAsia": "ja"}
    assert etree.QName(japanese.getparent()[0]).localname == "b"  # schema order: b before lang


def test_math_is_kept_as_tex_with_one_diagnostic():
    data, diags = pandoc_docx()
    body = xml_part(data, "word/document.xml")
    assert any(t.text == "E = mc^2" for t in body.iter(W + "t"))
    display = next(p for p in body.iter(W + "p") if texts_of(p) == "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}")
    assert display.find(f"{W}pPr/{W}jc").get(W + "val") == "center"
    assert texts_of(display.getprevious()) == "Display math:"  # its own paragraph after the text
    math = [d for d in diags if "math" in d.message]
    assert len(math) == 1 and math[0].severity == "info"
    assert math[0].message.startswith("2 math formula(s) kept as TeX source") and "OMML" in math[0].message


def test_display_math_inside_a_paragraph_splits_it_and_keeps_list_numbering():
    doc = Document(Meta(title="M"), (
        Paragraph((Text("before "), Math("a^2", display=True), Text(" "), Math("b^2", display=True),
                   Text(" after"))),
        OrderedList((ListItem((Paragraph((Text("item text"), Math("x", display=True))),)),)),
    ))
    import docx
    d = docx.Document(io.BytesIO(docx_of(doc)))
    shown = [(p.text, p.paragraph_format.alignment is not None and int(p.paragraph_format.alignment),
              p.style.name) for p in d.paragraphs[1:]]
    assert [s[0] for s in shown] == ["before ", "a^2", "b^2", " after", "item text", "x"]
    assert [s[1] for s in shown] == [False, 1, 1, False, False, 1]  # 1: centred
    assert shown[4][2] == "List Number" and shown[5][2] == "List Continue"


def test_raw_markup_openxml_passes_through_everything_else_is_dropped_and_counted():
    data, diags = pandoc_docx()
    body = part(data, "word/document.xml")
    for raw in ("kbd", "Ctrl", "LaTeX", "raw html block", "raw latex block"):
        assert raw not in body, raw
    dropped = [d for d in diags if "raw markup" in d.message]
    assert len(dropped) == 1 and dropped[0].severity == "warning"
    assert dropped[0].message.startswith("4 raw markup fragment(s) dropped (2 html, 1 latex, 1 tex)")

    page_break = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    doc = Document(Meta(title="Raw"), (
        Paragraph((Text("a"), RawInline("openxml", '<w:r><w:rPr><w:b/></w:rPr><w:t>RAW-RUN</w:t></w:r>'),
                   RawInline("openxml", "<w:p><w:r><w:t>a paragraph inside a paragraph</w:t></w:r></w:p>"),
                   RawInline("openxml", '<w:r><w:t>unclosed'),
                   RawInline("openxml", '<w:r><w:drawing r:id="rId99"/></w:r>'),  # undeclared r:
                   RawInline("openxml", '<w:r xmlns:x="urn:x"><x:thing/></w:r>'),
                   RawInline("openxml", "loose text"),
                   Link((Text("l"), RawInline("openxml", '<w:hyperlink w:anchor="x"><w:r><w:t>'
                                                         'nested link</w:t></w:r></w:hyperlink>')),
                        "https://example.org/l"))),
        RawBlock("openxml", page_break),
        RawBlock("OpenXML", "<w:r><w:t>a run between paragraphs</w:t></w:r>"),
        RawBlock("html", "<p>x</p>"),
    ))
    diags = []
    data = docforge.write(doc, "docx", diagnostics=diags)
    body = part(data, "word/document.xml")
    assert '<w:r><w:rPr><w:b/></w:rPr><w:t>RAW-RUN</w:t></w:r>' in body and page_break in body
    for dropped_text in ("inside a paragraph", "unclosed", "rId99", "x:thing", "loose text", "nested link",
                         "between paragraphs", "<p>x</p>"):
        assert dropped_text not in body, dropped_text
    message = next(d.message for d in diags if "raw markup" in d.message)
    assert message.startswith("8 raw markup fragment(s) dropped (1 html, 7 openxml that is not WordprocessingML)")
    xml_part(data, "word/document.xml")  # still well-formed


def test_pandoc_reads_back_the_notes_images_and_definition_list(pandoc):
    import json
    from conftest import run_pandoc
    data, _ = pandoc_docx()
    ast = json.loads(run_pandoc(pandoc, ["-f", "docx", "-t", "json"], data))
    found: dict[str, list] = {}

    def visit(node):
        if isinstance(node, dict):
            if "t" in node:
                found.setdefault(node["t"], []).append(node)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)
    visit(ast["blocks"])
    from readback import _text
    notes = [norm(" ".join(_text(b["c"]) for b in n["c"] if b["t"] in ("Para", "Plain"))) for n in found["Note"]]
    assert notes == ["the first note with a link", "second note first paragraph second note second paragraph"]
    images = [(norm(_text(i["c"][1])), i["c"][2][1]) for i in found["Image"]]
    assert images == [("a bar chart of sales", "Sales"), ("a green photo", ""), ("uncaptioned chart", "")]
    assert len(found["Figure"]) == 1  # the captioned one; an uncaptioned figure is its picture, as in Markdown
    (definitions,) = found["DefinitionList"]
    assert [norm(_text(term)) for term, _ in definitions["c"]] == ["term one", "term two"]
    # (DOCX has no boundary between two definitions of a term: pandoc reads them as one of
    # two paragraphs, as it reads its own output)
    assert [norm(" ".join(_text(b["c"]) for d in defs for b in d)) for _, defs in definitions["c"]] == [
        "definition of term one", "first definition second definition"]
    for kind in ("Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
        assert kind in found, kind


def test_notes_hold_lists_citations_links_and_sit_in_lists_tables_and_links():
    doc = prepare(Document(Meta(title="Notes"), (
        BulletList((ListItem((Paragraph((Text("last item"), Note((
            Paragraph((Text("note with "), CitationRef("ref-1"), Text(" and "),
                       Link((Text("a link"),), "https://example.org/in-note"))),
            BulletList((item("a list item in a note"),)),
        )))),)),)),
        Paragraph((Text("after the list"),)),
        Table((Cell((Text("h"),)),), ((Cell((Text("cell"), Note((Paragraph((Text("note in a cell"),)),)))),),)),
        Paragraph((Link((Text("linked"), Note((Paragraph((Text("note in a link"),)),))), "https://example.org/l"),)),
        Paragraph((Text("empty note"), Note(()))),
        References((Reference("ref-1", "1", (Text("A source."),)),)),
    )))
    data = docx_of(doc)
    assert schema_order_errors(data) == []
    notes = xml_part(data, "word/footnotes.xml")
    real = [n for n in notes.findall(W + "footnote") if n.get(W + "type") is None]
    assert [texts_of(n).strip() for n in real] == [
        "note with [1] and a linka list item in a note", "note in a cell", "note in a link", ""]
    assert all(n.find(f".//{W}footnoteRef") is not None for n in real)  # an empty note keeps its mark
    assert real[0].find(f".//{W}hyperlink[@{W}anchor='ref-1']") is not None  # the citation links its entry
    styles = [p.find(f"{W}pPr/{W}pStyle").get(W + "val") for p in real[0].findall(W + "p")]
    assert styles == ["FootnoteText", "ListBullet"]
    assert real[0].find(f".//{W}numPr") is not None
    link = real[0].find(f".//{W}hyperlink[@{R}id]")
    assert rels_of(data, "word/footnotes.xml")[link.get(R + "id")] == ("hyperlink", "https://example.org/in-note")
    body_text = part(data, "word/document.xml")
    # the list's last paragraph is spaced after, in the body (a note's paragraphs do not take its place)
    assert re.search(r'<w:spacing w:after="\d+"/></w:pPr><w:r><w:t>last item</w:t></w:r><w:r><w:rPr><w:rStyle '
                     r'w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/>', body_text)
    body = xml_part(data, "word/document.xml")
    assert [r.get(W + "id") for r in body.iter(W + "footnoteReference")] == ["1", "2", "3", "4"]
    assert body.find(f".//{W}tbl//{W}footnoteReference") is not None


def test_notes_inside_notes_follow_the_note_holding_them():
    doc = prepare(Document(Meta(title="Nested"), (
        Paragraph((Text("outer"), Note((Paragraph((Text("outer note"), Note((Paragraph((Text("inner note"),)),)),
                                                   Text(" continues"))),)),
                   Text(" then"), Note((Paragraph((Text("last note"),)),)))),
    )))
    labels = [n.label for n in walk(doc) if isinstance(n, Note)]
    diags: list = []
    data = docforge.write(doc, "docx", diagnostics=diags)
    notes = xml_part(data, "word/footnotes.xml")
    real = [n for n in notes.findall(W + "footnote") if n.get(W + "type") is None]
    assert len(real) == 2  # Word has no footnote in a footnote
    outer_label, inner_label, last_label = labels
    assert labels == ["1", "2", "3"]  # reading order: the outer note first
    # the outer note is Word's note 1, so its mark is Word's own (w:footnoteRef, no text)
    assert [texts_of(p).strip() for p in real[0].findall(W + "p")] == [
        f"outer note{inner_label} continues", f"{inner_label} inner note"]
    body = xml_part(data, "word/document.xml")
    refs = list(body.iter(W + "footnoteReference"))
    # the labels every format shows, where Word's own count would differ
    for ref, label in zip(refs, (outer_label, last_label)):
        if label != str(refs.index(ref) + 1):
            assert ref.get(W + "customMarkFollows") == "1" and ref.getnext().text == label
        else:
            assert ref.get(W + "customMarkFollows") is None
    assert refs[0].get(W + "customMarkFollows") is None and refs[1].get(W + "customMarkFollows") == "1"
    assert any("inside footnotes" in d.message and d.severity == "info" for d in diags)
    assert schema_order_errors(data) == []


def test_footnotes_with_reference_docx_templates(tmp_path, pandoc):
    """pandoc's own reference.docx has a footnotes part with a sample note (and styles of
    pandoc's names); a LibreOffice-style one numbers its separators 0 and 1."""
    from conftest import run_pandoc
    reference = tmp_path / "pandoc-reference.docx"
    reference.write_bytes(run_pandoc(pandoc, ["--print-default-data-file", "reference.docx"]))
    data, _ = pandoc_docx(reference_docx=str(reference))
    notes = xml_part(data, "word/footnotes.xml")
    assert "Footnote Text." not in texts_of(notes)  # the template's own note is gone
    assert sorted(n.get(W + "id") for n in notes.findall(W + "footnote")) == ["-1", "0", "1", "2"]
    assert texts_of(notes).count("Second note") == 2
    assert [r.get(W + "id") for r in xml_part(data, "word/document.xml").iter(W + "footnoteReference")] == ["1", "2"]
    assert schema_order_errors(data) == []

    libre = tmp_path / "libre.docx"
    with zipfile.ZipFile(reference) as source, zipfile.ZipFile(libre, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/footnotes.xml":
                content = content.replace(b'w:id="0"', b'w:id="1"').replace(b'w:id="-1"', b'w:id="0"')
            target.writestr(name, content)
    data, _ = pandoc_docx(reference_docx=str(libre))
    notes = xml_part(data, "word/footnotes.xml")
    assert sorted(int(n.get(W + "id")) for n in notes.findall(W + "footnote")) == [0, 1, 2, 3]
    assert [r.get(W + "id") for r in xml_part(data, "word/document.xml").iter(W + "footnoteReference")] == ["2", "3"]
    got = read_back(pandoc, data, "docx")
    assert "the first note with a link" not in got["paras"]  # notes stay notes


def test_template_with_other_prefixes_gets_its_footnotes_too(tmp_path):
    data, _ = pandoc_docx(reference_docx=str(_prefixed_template(tmp_path)))
    notes = xml_part(data, "word/footnotes.xml")
    assert texts_of(notes).count("note") >= 2 and "<wx:body>" in part(data, "word/document.xml")
    assert len(list(xml_part(data, "word/document.xml").iter(W + "footnoteReference"))) == 2


def test_pandoc_document_is_deterministic_and_in_schema_order():
    first, _ = pandoc_docx()
    assert first == pandoc_docx()[0]
    assert schema_order_errors(first) == []
    assert schema_order_errors(pandoc_docx(toc=True)[0]) == []


def test_toc_depth_option_limits_the_contents():
    doc = Document(Meta(title="Depth"), (Heading(1, (Text("One"),)), Heading(2, (Text("One-a"),)),
                                         Heading(3, (Text("One-a-i"),))))
    shallow = part(docx_of(doc, toc=True, toc_depth=1), "word/document.xml")
    assert 'TOC \\o "1-1"' in shallow and shallow.count("<w:hyperlink") == 1
    deep = part(docx_of(doc, toc=True, toc_depth=3), "word/document.xml")
    assert 'TOC \\o "1-3"' in deep and deep.count("<w:hyperlink") == 3


def test_alt_text_with_markup_is_escaped_and_a_linked_image_is_a_link():
    alt = 'a <b> & "quoted"\tDocforgeTitle alt'
    doc = Document(Meta(title="Alt"), (
        Paragraph((Link((Image((Text(alt),), "chart.png", 'a "title" DocforgeDescr'),), "https://example.org/big"),
                   Note((Paragraph((Image((Text("in a note"),), "photo.jpg"),)),)))),))
    data, _ = pandoc_docx(doc)
    body = xml_part(data, "word/document.xml")
    doc_pr = next(body.iter(WP + "docPr"))
    assert doc_pr.get("descr") == " ".join(alt.split()) and doc_pr.get("title") == 'a "title" DocforgeDescr'
    hyperlink = doc_pr.getparent().getparent().getparent().getparent()
    assert hyperlink.tag == W + "hyperlink"  # the picture is what the link is
    assert rels_of(data, "word/document.xml")[hyperlink.get(R + "id")] == ("hyperlink", "https://example.org/big")
    # a picture in a note: related from the footnotes part, the same image part for both parts' use
    notes = xml_part(data, "word/footnotes.xml")
    embed = next(notes.iter(A + "blip")).get(R + "embed")
    assert rels_of(data, "word/footnotes.xml")[embed][0] == "image"
    assert next(notes.iter(WP + "docPr")).get("id") != doc_pr.get("id")


@pytest.mark.parametrize("language, expect_rtl", [("fr", False), ("ar", True), ("zh-Hans", False)])
def test_a_reference_docx_gets_the_documents_language(tmp_path, pandoc, language, expect_rtl):
    """pandoc's reference.docx says en-US in its defaults: the document's language goes on
    its default paragraph style (with w:bidi/w:rtl when right to left) and in docDefaults."""
    from lxml import etree
    template = tmp_path / "reference.docx"
    subprocess.run([pandoc, "-o", str(template), "--print-default-data-file", "reference.docx"], check=True)
    doc = Document(Meta(title="T", language=language), (Paragraph((Text("texte"),)),))
    data = docforge.write(doc, "docx", options=WriteOptions(reference_docx=str(template)))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    styles = etree.fromstring(part(data, "word/styles.xml").encode())
    word_tag = {"zh-Hans": "zh-CN"}.get(language, language)
    normal = styles.find(f"{w}style[@{w}default='1'][@{w}type='paragraph']")
    lang = normal.find(f"{w}rPr/{w}lang")
    assert lang is not None and lang.get(f"{w}val") == word_tag
    assert (lang.get(f"{w}bidi") == word_tag) is expect_rtl
    assert (normal.find(f"{w}pPr/{w}bidi") is not None) is expect_rtl
    assert (normal.find(f"{w}rPr/{w}rtl") is not None) is expect_rtl
    defaults = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}lang")
    assert defaults.get(f"{w}val") == word_tag
    assert defaults.get(f"{w}eastAsia") == "zh-CN"  # the template's East Asian language kept (or Chinese's own)
    assert defaults.get(f"{w}bidi") == ("ar" if expect_rtl else "ar-SA")


def test_spaces_at_the_ends_of_a_link_text_still_separate_its_words():
    """Link text " here " (or "\ud800 lone", whose surrogate is dropped) kept its words apart
    from the text around it; the hyperlink's run was trimmed ("seeherenow"; make fuzz)."""
    from docforge.model import Link
    for inner, shown in ((" here ", "see here now"), ("\ud800 lone", "see lonenow"), ("plain", "seeplainnow")):
        doc = Document(Meta(title=""), (Paragraph((Text("see"), Link((Text(inner),), "https://example.org/"),
                                                   Text("now"))),))
        body = zipfile.ZipFile(io.BytesIO(docforge.write(doc, "docx"))).read("word/document.xml").decode()
        runs = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body.split("<w:body>")[1]))
        assert runs == shown, (inner, runs)
