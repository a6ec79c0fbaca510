"""The PDF is tagged (PDF/UA-1 structure): read back with pikepdf (the structure tree, the
parent tree, the catalog, the XMP packet, the content streams), pdfplumber (which text
each marked-content sequence holds) and the pdfua checker."""
import io
import re
from collections import Counter

import pikepdf
import pytest

import docforge
from docforge.model import (BulletList, Cell, Document, Heading, Image, Meta, Note, OrderedList, Paragraph,
                            References, Table, Text, plain_text, walk)
from docforge.options import WriteOptions
from docforge.transforms import prepare
from conftest import DATA, SAMPLES
from ir_examples import IMAGES, pandoc_document, rich_document

SEED = DATA / "seed-china-ai.txt"
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def pdf_of(doc, style=None, **options) -> bytes:
    return docforge.write(doc, "pdf", style=style,
                          options=WriteOptions(resource_path=(str(IMAGES),), **options))


def documents():
    for path in SAMPLES + [SEED]:
        yield path.name, prepare(docforge.read(path)), {}
    yield "rich", prepare(rich_document()), {}
    yield "rich-toc", prepare(rich_document()), {"toc": True}
    yield "pandoc-toc", prepare(pandoc_document()), {"toc": True}
    yield "seed-handout", prepare(docforge.read(SEED)), {"style": "handout", "toc": True}


CASES = list(documents())


@pytest.fixture(scope="module")
def built():
    return {name: (doc, pdf_of(doc, **options)) for name, doc, options in CASES}


def kids(element) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def elements(pdf) -> list:
    """Every structure element in tree order (depth first), the Document first."""
    out, stack = [], [pdf.Root.StructTreeRoot.K]
    stack = [stack[0][0] if isinstance(stack[0], pikepdf.Array) else stack[0]]
    while stack:
        element = stack.pop()
        out.append(element)
        stack.extend(reversed([k for k in kids(element)
                               if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]))
    return out


def roles(pdf) -> list[str]:
    return [str(e.S)[1:] for e in elements(pdf)]


def marked_content(element, page_of) -> list[tuple[int, int]]:
    """The (page index, MCID) pairs an element holds itself."""
    out = []
    for kid in kids(element):
        if isinstance(kid, int):
            out.append((page_of(element.Pg), int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            out.append((page_of(kid.Pg), int(kid.MCID)))
    return out


def heading_levels(doc) -> list[int]:
    """The levels of the headings in document order, made consecutive as in the heading
    tree (PDF/UA: no level skipped, the first an H1)."""
    from docforge.transforms import outline
    levels, stack = [], list(reversed(outline(doc, 6)))
    while stack:
        entry = stack.pop()
        levels.append(entry.level)
        stack.extend(reversed(entry.children))
    assert len(levels) == sum(isinstance(n, Heading) for n in walk(doc, inlines=False))
    return levels


def test_catalog_xmp_and_pages(built):
    for name, (doc, data) in built.items():
        pdf = pikepdf.open(io.BytesIO(data))
        root = pdf.Root
        assert root.MarkInfo.Marked is True, name
        assert root.ViewerPreferences.DisplayDocTitle is True, name
        assert str(root.Lang) == (doc.meta.language or "en"), name
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1", name
        assert meta.get("dc:title") == " ".join(doc.meta.title.split()), name
        assert str(pdf.docinfo.Title) == " ".join(doc.meta.title.split())
        assert (doc.meta.language or "en") in str(meta.get("dc:language")), name
        tree = root.StructTreeRoot
        # a key per page and per link annotation, given as they are made: all different,
        # in increasing page order, and below ParentTreeNextKey
        keys = [int(page.StructParents) for page in pdf.pages]
        links = [int(a.StructParent) for page in pdf.pages for a in page.get("/Annots", [])]
        assert all(page.Tabs == "/S" for page in pdf.pages), name
        assert keys == sorted(keys) and len(set(keys + links)) == len(keys + links), name
        assert int(tree.ParentTreeNextKey) == len(keys + links), name


def test_headings_lists_tables_follow_the_document(built):
    for name, (doc, data) in built.items():
        pdf = pikepdf.open(io.BytesIO(data))
        found = roles(pdf)
        assert found[0] == "Document", name
        levels = [int(r[1]) for r in found if re.fullmatch(r"H[1-6]", r)]
        expected = heading_levels(doc)
        if any(isinstance(n, Note) for n in walk(doc)):
            assert len(levels) == len(expected) + 1, name  # and the Notes heading
            assert Counter(levels) - Counter(expected) == Counter({expected[-1]: 1}), name
        else:
            assert levels == expected, name
        counts = Counter(found)
        items = sum(len(n.items) for n in walk(doc, inlines=False) if isinstance(n, (BulletList, OrderedList)))
        entries = sum(len(n.entries) for n in walk(doc, inlines=False) if isinstance(n, References))
        assert counts["LI"] == counts["Lbl"] == counts["LBody"] == items + entries, name
        tables = [n for n in walk(doc, inlines=False) if isinstance(n, Table)]
        width = [max(1, len(t.header)) for t in tables]
        assert counts["Table"] >= len(tables), name
        assert counts["TH"] == sum(width), name
        assert counts["TD"] == sum(w * len(t.rows) for w, t in zip(width, tables)), name
        for element in elements(pdf):
            if element.S == "/TH":
                assert element.A.Scope == "/Column" and element.A.O == "/Table"


def test_every_text_operator_is_tagged_or_an_artifact(built):
    for name, (_, data) in built.items():
        pdf = pikepdf.open(io.BytesIO(data))
        for number, page in enumerate(pdf.pages, 1):
            depth = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                operator = str(operator)
                if operator in ("BDC", "BMC"):
                    depth += 1
                elif operator == "EMC":
                    depth -= 1
                    assert depth >= 0, (name, number)
                elif operator in TEXT_SHOWING:
                    assert depth > 0, (name, number, operands)
            assert depth == 0, (name, number)


def test_parent_tree_names_the_element_of_every_mcid_and_link(built):
    for name, (_, data) in built.items():
        pdf = pikepdf.open(io.BytesIO(data))
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        parents = dict(zip((int(k) for k in nums[0::2]), nums[1::2]))
        owner = {}
        for element in elements(pdf):
            for page, mcid in marked_content(element, lambda p: pages[p.objgen]):
                owner[(page, mcid)] = element.objgen
        for index, page in enumerate(pdf.pages):
            row = parents[int(page.StructParents)]
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                        and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                    assert row[mcid].objgen == owner[(index, mcid)], (name, index, mcid)
                    assert str(operands[0]) == str(row[mcid].S), (name, index, mcid)
            for annotation in page.get("/Annots", []):
                assert annotation.Subtype == "/Link"
                assert str(annotation.Contents).strip(), name  # every link says where it goes
                link = parents[int(annotation.StructParent)]
                assert link.S == "/Link"
                (objr,) = [k for k in kids(link) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                assert objr.Obj.objgen == annotation.objgen and objr.Pg.objgen == page.objgen


def test_figures_notes_links_and_the_contents(built):
    doc, data = built["pandoc-toc"]
    pdf = pikepdf.open(io.BytesIO(data))
    counts = Counter(roles(pdf))
    figures = [e for e in elements(pdf) if e.S == "/Figure"]
    # the two block charts and the inline photo are drawn; the SVG and the missing file are alt text
    assert sorted(str(f.Alt) for f in figures) == ["A bar chart of sales", "Uncaptioned chart", "a green photo"]
    assert counts["Note"] == 2 and counts["Caption"] == 1
    notes = [e for e in elements(pdf) if e.S == "/Note"]
    ids = [bytes(n.ID) for n in notes]
    assert len(set(ids)) == 2 and all(ids)  # PDF/UA 7.9: a Note has an ID, found in the IDTree
    names = list(pdf.Root.StructTreeRoot.IDTree.Names)
    assert {bytes(k): v.objgen for k, v in zip(names[0::2], names[1::2])} == {bytes(n.ID): n.objgen for n in notes}
    assert counts["TOC"] == 1 and counts["TOCI"] == 4 + 1  # the four headings and the Notes section
    links = sum(len(page.get("/Annots", [])) for page in pdf.pages)
    assert counts["Link"] == links > 0
    assert {str(e.Lang) for e in elements(pdf) if "/Lang" in e} >= {"de"}
    rich = pikepdf.open(io.BytesIO(built["rich"][1]))
    rich_counts = Counter(roles(rich))
    assert rich_counts["BlockQuote"] == 1 and rich_counts["Code"] == 1


def _text_by_mcid(data: bytes) -> tuple[dict, dict]:
    """The text of each (page, MCID), and that of the artifacts per page (pdfplumber)."""
    import pdfplumber
    text, artifacts = {}, {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    text[(index, char["mcid"])] = text.get((index, char["mcid"]), "") + char["text"]
                else:
                    assert char.get("tag") == "Artifact", char["text"]
                    artifacts[index] = artifacts.get(index, "") + char["text"]
    return text, artifacts


def squash(text: str) -> str:
    """Without spaces and hyphens: a hyphenated line end reads "plac-ing" (no line break in
    the characters of one marked-content sequence)."""
    return re.sub(r"\s+|-|\u00ad", "", text)


@pytest.mark.parametrize("name", ["seed-china-ai.txt", "rich", "urban-heat-islands.txt", "seed-handout"])
def test_structure_order_is_document_order_and_furniture_is_artifact(built, name):
    doc, data = built[name]
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    text, artifacts = _text_by_mcid(data)
    in_order = "".join(text.get(key, "") for element in elements(pdf)
                       for key in marked_content(element, lambda p: pages[p.objgen]))
    flat = squash(re.sub(r"\[\d+\]", "", in_order))  # citation markers are not in plain_text
    position = 0
    units = []
    for node in doc.blocks:
        if isinstance(node, (Paragraph, Heading)):
            units.append(plain_text(node))
        elif isinstance(node, Table):  # row by row, each cell whole, however many lines it takes
            units += [plain_text(cell) for row in (node.header,) + node.rows for cell in row]
    for unit in units:
        wanted = squash(unit)
        at = flat.find(wanted, position) if wanted else position
        assert at >= 0, (name, wanted[:60])
        position = at + len(wanted)
    for index in range(len(pdf.pages)):
        assert f"Page{index + 1}of{len(pdf.pages)}" in squash(artifacts[index])  # page 1 too


def test_long_table_repeats_its_header_as_artifact_and_continues_its_elements():
    header = (Cell((Text("Name"),)), Cell((Text("Value"),)))
    rows = tuple((Cell((Text(f"row {i}"),)), Cell((Text(f"value {i} " * (1 + i % 5)),))) for i in range(150))
    long_text = " ".join(f"word{i}" for i in range(900))
    doc = prepare(Document(Meta(title="Long", language="de"),
                           (Paragraph((Text(long_text),)), Table(header, rows), Table(header, rows[:70]))))
    data = pdf_of(doc)
    pdf = pikepdf.open(io.BytesIO(data))
    assert len(pdf.pages) > 3
    counts = Counter(roles(pdf))
    assert counts["Table"] == 2 and counts["TH"] == 4 and counts["TR"] == 150 + 70 + 2
    assert counts["TD"] == 2 * (150 + 70)
    assert str(pdf.Root.Lang) == "de"
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    *_, paragraph = [e for e in elements(pdf) if e.S == "/P"]  # after the title: one P over pages
    assert len({page for page, _ in marked_content(paragraph, lambda p: pages[p.objgen])}) >= 2
    text, artifacts = _text_by_mcid(data)
    repeated = "".join(artifacts.values())
    assert squash(repeated).count("NameValue") >= 2  # the header again on the following pages


def test_untagged_switch_for_the_benchmark(monkeypatch):
    monkeypatch.setenv("DOCFORGE_PDF_UNTAGGED", "1")
    pdf = pikepdf.open(io.BytesIO(pdf_of(prepare(rich_document()))))
    assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
    assert not any(str(op) in ("BDC", "BMC") for page in pdf.pages
                   for _, op in pikepdf.parse_content_stream(page))


def test_tagged_output_is_deterministic():
    doc = prepare(pandoc_document())
    assert pdf_of(doc, toc=True) == pdf_of(doc, toc=True)


@pytest.mark.parametrize("name", ["seed-china-ai.txt", "rich-toc", "pandoc-toc", "zh-ev-batteries.txt",
                                  "seed-handout"])
def test_pdfua_checker_finds_nothing(built, name, tmp_path):
    """pdfua (the machine-checkable subset of PDF/UA-1, on pikepdf) reports no finding."""
    from pdfua import validate
    path = tmp_path / "out.pdf"
    path.write_bytes(built[name][1])
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    ran = [o for o in report.outcomes if not o.skipped_reason]
    assert len(ran) >= 10


def test_an_untitled_document_is_named_by_its_source(tmp_path):
    doc = prepare(Document(Meta(), (Paragraph((Text("No title here."),)),)))
    data = docforge.write(doc, "pdf", options=WriteOptions(source_name="/some/where/report.txt"))
    pdf = pikepdf.open(io.BytesIO(data))
    assert pdf.open_metadata().get("dc:title") == str(pdf.docinfo.Title) == "report.txt"
    from pdfua import validate
    (tmp_path / "x.pdf").write_bytes(data)
    assert [f.rule_id for f in validate(str(tmp_path / "x.pdf")).findings] == []


def test_heading_levels_are_never_skipped():
    doc = prepare(Document(Meta(title="Levels"), (Heading(2, (Text("Starts at two"),)), Paragraph((Text("a"),)),
                                                  Heading(4, (Text("Then four"),)), Heading(2, (Text("Two"),)))))
    levels = [r for r in roles(pikepdf.open(io.BytesIO(pdf_of(doc)))) if re.fullmatch(r"H[1-6]", r)]
    assert levels == ["H1", "H2", "H1"]


def test_a_span_in_another_language_is_marked_with_its_language():
    from docforge.model import Span
    words = " ".join(f"mot{i}" for i in range(700))  # long enough to run across a page
    doc = prepare(Document(Meta(title="Langues", language="en"), (
        Paragraph((Text("English, then "), Span((Text("bonjour tout le monde"),), lang="fr"),
                   Text(" and a span in English "), Span((Text("same"),), lang="en"), Text("."))),
        Paragraph((Text("start "), Span((Text(words),), lang="fr"), Text(" end"))),
    )))
    data = pdf_of(doc)
    pdf = pikepdf.open(io.BytesIO(data))
    spans, depth_at_text = [], []
    for page in pdf.pages:
        depth = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator == "BDC" and str(operands[0]) == "/Span":
                spans.append(str(operands[1].Lang))
            if operator in ("BDC", "BMC"):
                depth += 1
            elif operator == "EMC":
                depth -= 1
        assert depth == 0
    assert len(pdf.pages) >= 2
    # the first paragraph's span, and the long one on each page the paragraph runs over
    assert set(spans) == {"fr"} and len(spans) == 1 + len(pdf.pages)
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        french = "".join(c["text"] for page in plumber.pages for c in page.chars if c.get("tag") == "Span")
        other = "".join(c["text"] for page in plumber.pages for c in page.chars if c.get("tag") != "Span")
    assert squash(french) == "bonjourtoutlemonde" + "".join(f"mot{i}" for i in range(700))
    assert "same" in other and "start" in other and "end" in other


@pytest.mark.parametrize("name", [name for name, _doc, _options in CASES])
def test_every_font_a_page_names_is_embedded(built, name):
    """PDF/UA: no font left to the viewer, not even one an empty BT … Tf ET names (reportlab
    sets a table's cell font, Helvetica unless told, before the contents' first entry)."""
    with pikepdf.open(io.BytesIO(built[name][1])) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                assert "/FontDescriptor" in descendant, (name, str(font.BaseFont))
                assert "/FontFile2" in descendant.FontDescriptor, (name, str(font.BaseFont))


def test_shaped_scripts_with_actual_text_stay_tagged_and_pass_the_pdfua_checker(tmp_path):
    """Devanagari words drawn inside /Span <</ActualText>> (and Hebrew, Arabic without): every
    text operator still inside tagged content, marked content balanced, no pdfua finding."""
    from pdfua import validate
    doc = prepare(Document(Meta(title="दुनिया की कहानी", language="hi"), tuple(
        Paragraph((Text(text),)) for text in ("यह दुनिया बहुत बड़ी है। किताब में लिखा है कि हिंदी सुंदर है।",
                                               "שלום עולם זהו מבחן", "مرحبا بالعالم", "Latin at the end."))))
    data = pdf_of(doc)
    pdf = pikepdf.open(io.BytesIO(data))
    actual_text = 0
    for page in pdf.pages:
        depth = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator == "BDC" and "/ActualText" in operands[1]:
                assert depth > 0  # inside the paragraph's own marked content
                actual_text += 1
            if operator in ("BDC", "BMC"):
                depth += 1
            elif operator == "EMC":
                depth -= 1
                assert depth >= 0
            elif operator in TEXT_SHOWING:
                assert depth > 0, operands
        assert depth == 0
    assert actual_text >= 4
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    assert [(f.rule_id, f.message) for f in validate(str(path)).findings] == []
