"""The relationships part written as text (writers/docx/oxml.py TextRelationships) is byte
for byte what python-docx's lxml tree of the same relationships gives, and a hyperlink
kept as an ExternalLink serialises like python-docx's own relationship object."""
from __future__ import annotations

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.rel import Relationships as DocxRelationships

from docforge.writers.docx import oxml as ox

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


def test_text_serialisation_equals_python_docx_for_internal_and_external_relationships():
    part = docx.Document().part
    rels = part.rels
    for n, url in enumerate(AWKWARD_URLS, start=100):
        rels.add_relationship(RT.HYPERLINK, url, f"rId{n}", is_external=True)
    assert len(rels) > len(AWKWARD_URLS)  # the template's internal parts are in it too
    assert ox.TextRelationships.xml.fget(rels) == lxml_xml(rels)


def test_external_links_serialise_like_python_docx_relationships():
    plain = docx.Document().part
    for n, url in enumerate(AWKWARD_URLS, start=100):
        plain.rels.add_relationship(RT.HYPERLINK, url, f"rId{n}", is_external=True)
    expected = lxml_xml(plain.rels)

    slotted = docx.Document().part
    links = ox.Relationships(slotted, ox.MediaParts(slotted.package))
    ids = [links.link(url) for url in AWKWARD_URLS]
    assert type(slotted.rels) is ox.TextRelationships
    assert all(type(slotted.rels[i]) is ox.ExternalLink for i in ids)
    # the same ids python-docx would hand out, then the same bytes once renumbered alike
    renamed = {old: f"rId{n}" for n, old in enumerate(ids, start=100)}
    for old in ids:
        link = dict.pop(slotted.rels, old)
        slotted.rels[renamed[old]] = ox.ExternalLink(renamed[old], link.target_ref)
    assert slotted.rels.xml == expected


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


def test_empty_collection_is_one_empty_element():
    rels = ox.TextRelationships("/word")
    assert rels.xml == lxml_xml(rels)
