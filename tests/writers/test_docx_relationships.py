"""The relationships part written as text (writers/docx/oxml.py TextRelationships) is byte
for byte what python-docx's lxml tree of the same relationships gives, with the same ids in
the same order, while hyperlinks live only in its spool (no object per link), and the
per-part URL table (digests.DigestTable) gives one id per distinct URL; bookmark names,
kept the same way, are the ones the whole-dict search gave."""
from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.rel import Relationships as DocxRelationships
from lxml import etree

import docforge
from docforge.model import Document, Link, Meta, Note, Paragraph, Text
from docforge.model import Heading
from docforge.writers.docx import body
from docforge.writers.docx import oxml as ox
from docforge.writers.docx.digests import DigestTable, digest
from docforge.writers.xmltext import xml_safe

AWKWARD_URLS = [
    "https://example.org/a?x=1&y=2",
    'https://example.org/"quoted"/<angle>',
    "https://example.org/tab\there/line\nbreak/cr\rend",
    "https://example.org/caf\u00e9/\u4e2d\u6587/\U0001f600",
    "mailto:someone@example.org?subject=a%20b&body='single'",
    "https://example.org/&amp;already-escaped",
]


def lxml_xml(rels) -> bytes:
    return DocxRelationships.xml.fget(rels)


def ours(document):
    return ox.Relationships(document.part, ox.MediaParts(document.part.package))


def test_text_serialisation_equals_python_docx_for_internal_and_external_relationships():
    part = docx.Document().part
    rels = part.rels
    for n, url in enumerate(AWKWARD_URLS, start=100):
        rels.add_relationship(RT.HYPERLINK, url, f"rId{n}", is_external=True)
    assert len(rels) > len(AWKWARD_URLS)  # the template's internal parts are in it too
    assert ox.TextRelationships.xml.fget(rels) == lxml_xml(rels)


def test_spooled_links_get_python_docx_ids_and_bytes_and_no_object_each():
    plain = docx.Document()
    expected_ids = [plain.part.relate_to(url, RT.HYPERLINK, is_external=True) for url in AWKWARD_URLS]
    expected = lxml_xml(plain.part.rels)

    document = docx.Document()
    before = len(dict.keys(document.part.rels))
    links = ours(document)
    assert [links.link(url) for url in AWKWARD_URLS] == expected_ids
    assert type(document.part.rels) is ox.TextRelationships
    assert len(dict.keys(document.part.rels)) == before  # the links are in the spool only
    assert len(document.part.rels) == before + len(AWKWARD_URLS)  # but counted
    assert document.part.rels.xml == expected


def test_links_parts_and_headers_interleaved_keep_python_docx_order_and_ids():
    # links, a part python-docx relates (the styles: already related, its id again), a
    # header part made among the links, the same URL again, and a header made last
    def build(link):
        document = docx.Document()
        ids = [link(document, "https://a.example/"), link(document, "https://b.example/")]
        ids.append(document.part.relate_to(document.part.part_related_by(RT.STYLES), RT.STYLES))
        section = document.sections[0]
        section.header.is_linked_to_previous = False  # a header part, made in the middle
        ids += [link(document, "https://a.example/"), link(document, "https://c.example/")]
        section.first_page_header.is_linked_to_previous = False
        out = io.BytesIO()
        document.save(out)
        return ids, zipfile.ZipFile(out).read("word/_rels/document.xml.rels")

    made: dict = {}

    def link_ours(document, url):
        if id(document) not in made:
            made[id(document)] = ours(document)
        return made[id(document)].link(url)

    expected_ids, expected = build(lambda d, url: d.part.relate_to(url, RT.HYPERLINK, is_external=True))
    got_ids, got = build(link_ours)
    assert got_ids == expected_ids and got_ids[0] == got_ids[3] != got_ids[1]
    assert got == expected


def test_a_gap_left_by_a_removed_relationship_is_reused_as_python_docx_does():
    def build(link):
        document = docx.Document()
        rels = document.part.rels
        first = link(document, "https://a.example/")
        gap = next(r_id for r_id, rel in dict.items(rels) if rel.reltype == RT.CUSTOM_XML)
        del rels[gap]  # as footnotes_part does with a template's footnotes part
        again = document.part.relate_to(document.part.part_related_by(RT.STYLES), RT.STYLES)
        # (python-docx found the styles relationship and kept it: a new target gets the gap)
        new = rels.get_or_add_ext_rel(RT.HYPERLINK, "https://python-docx.example/")
        return [first, again, new, gap], rels.xml

    links: dict = {}
    expected_ids, expected = build(lambda d, url: d.part.relate_to(url, RT.HYPERLINK, is_external=True))
    got_ids, got = build(lambda d, url: links.setdefault(id(d), ours(d)).link(url))
    assert got_ids == expected_ids and got_ids[2] == got_ids[3]  # the gap is taken again
    assert got == expected


def test_a_spooled_relationship_cannot_be_removed():
    document = docx.Document()
    rel_id = ours(document).link("https://a.example/")
    later = document.part.rels.get_or_add_ext_rel(RT.HYPERLINK, "https://b.example/")
    with pytest.raises(RuntimeError, match="already written"):
        del document.part.rels[later]
    assert rel_id != later


def test_link_ids_skip_taken_ids_and_python_docx_skips_the_links():
    part = docx.Document().part
    links = ox.Relationships(part, ox.MediaParts(part.package))
    taken_before = set(part.rels)
    first, again, second = links.link("https://a.example/"), links.link("https://a.example/"), links.link("https://b.example/")
    assert first == again and first != second
    assert not {first, second} & taken_before
    # a part related after the links (python-docx's relate_to, as for a header) gets a new id
    later = part.rels.get_or_add_ext_rel(RT.HYPERLINK, "https://c.example/")
    assert later not in {first, second} | taken_before


def test_digest_table_keeps_every_key_apart_as_it_grows():
    table = DigestTable(slots=4)
    keys = [f"https://example.org/{i}" for i in range(5000)] + ["", "caf\u00e9", "\ud800 lone"]
    for number, key in enumerate(keys, start=1):
        assert key not in table and table.number(digest(key)) == 0
        table.add(digest(key), number)
    assert [table.number(digest(key)) for key in keys] == list(range(1, len(keys) + 1))
    assert "https://example.org/5000" not in table and len(table) == len(keys)
    with pytest.raises(ValueError):
        table.add(digest(keys[0]), 7)


def _bookmark_names_kept_whole(ids) -> dict[str, str]:
    """The names as they were found before only the unusual ones were kept (the oracle)."""
    names, taken, resume = {}, set(), {}
    for node_id in ids:
        if not node_id or node_id in names:
            continue
        cleaned = xml_safe(node_id)
        first = cleaned[:40]
        name, counter = first or "bookmark", resume.get(first, 1)
        while name in taken:
            counter += 1
            name = cleaned[:40 - len(f"_{counter}")] + f"_{counter}"
        resume[first], names[node_id] = counter, name
        taken.add(name)
    return names


def test_bookmark_names_lists_only_unusual_names_and_they_are_the_same():
    stem = "x" * 45
    ids = ([f"{stem}{i}" for i in range(30)] + ["short", "short", "a\x01b", "ab", "\x02", "\x03",
           "x" * 38 + "_2", "x" * 40, "plain-id", "\u4e2d\u6587"] + [f"h-{i}" for i in range(200)])
    doc = Document(Meta(title="Ids"), tuple(Heading(2, (Text("h"),), id=i) for i in ids))
    names = body.bookmark_names(doc)
    expected = _bookmark_names_kept_whole(ids)
    assert {i: names.get(i) or body.default_bookmark_name(i) for i in expected} == expected
    assert len(names) < 40 and "plain-id" not in names and "h-7" not in names
    assert len(set(expected.values())) == len(expected)


def test_empty_collection_is_one_empty_element():
    rels = ox.TextRelationships("/word")
    assert rels.xml == lxml_xml(rels)


def test_thousands_of_links_in_body_and_notes_point_at_their_urls():
    # repeats share one relationship; the notes' links are the footnotes part's own
    paragraphs = tuple(Paragraph((Text("see "), Link((Text(f"l{i}"),), f"https://example.org/{i % 1500}"),
                                  Note((Paragraph((Link((Text("n"),), f"https://notes.example/{i % 7}"),)),))
                                  if i % 100 == 0 else Text(".")))
                       for i in range(3000))
    data = docforge.write(Document(Meta(title="Links"), paragraphs), "docx")
    package = zipfile.ZipFile(io.BytesIO(data))
    for part, expected in (("document", {f"https://example.org/{i}" for i in range(1500)}),
                           ("footnotes", {f"https://notes.example/{i}" for i in range(7)})):
        rels = etree.fromstring(package.read(f"word/_rels/{part}.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}
        assert set(targets.values()) == expected and len(targets) == len(expected)
        xml = package.read(f"word/{part}.xml").decode()
        used = re.findall(r'<w:hyperlink r:id="([^"]+)"', xml)
        assert set(used) == set(targets)
    body = package.read("word/document.xml").decode()
    first = re.search(r'r:id="([^"]+)"', body).group(1)
    assert targets_of(package, "document")[first] == "https://example.org/0"


def targets_of(package, part: str) -> dict[str, str]:
    rels = etree.fromstring(package.read(f"word/_rels/{part}.xml.rels"))
    return {r.get("Id"): r.get("Target") for r in rels}
