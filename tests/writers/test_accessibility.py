"""Ace by DAISY finds no violation in the EPUBs and axe-core none in the HTML pages (at
desktop and phone width) of the seed, the samples and the document holding every pandoc
node; the hostile generated documents are checked in test_properties.py (`make fuzz`
checks many more). The checkers run once each on the whole batch (tests/a11y_checkers.py).
"""
from __future__ import annotations

import pytest

import docforge
from docforge.model import Document, Emph, LineBreak, Link, Meta, Paragraph, Text
from docforge.options import WriteOptions
from a11y_checkers import ace_check, axe_check, listing
from conftest import DATA, SAMPLES
from ir_examples import IMAGES, pandoc_document

SEED = DATA / "seed-china-ai.txt"
# trafilatura-style feeds: `| a | b |` rows without a separator are a table without a
# header row (no empty <th> row: axe empty-table-header), in a French and an Arabic book
# (the accessibility summary in the book's language)
HEADERLESS = {
    "fr-pipe-rows": ("Prix des fruits en mars\n\nVoici les prix relevés au marché le 1er mars, pour chaque "
                     "fruit et chaque marchand du quartier, comme chaque semaine depuis le début de l’année.\n\n"
                     "| Pommes | 2,10 | 2,30 | 2,05 |\n| Poires | 3,10 | 3,00 | 3,20 |\n"
                     "| Cerises | 8,00 | 7,50 | 8,20 |\n| Fraises | 6,40 | 6,10 | 6,60 |\n\n"
                     "Les prix montent avec la saison, comme chaque année à cette période.\n"),
    "ar-pipe-rows": ("أسعار الفاكهة في مارس\n\nهذه هي الأسعار التي سجلناها في السوق في الأول من مارس لكل نوع من "
                     "الفاكهة ولكل بائع في الحي كما نفعل كل أسبوع منذ بداية العام.\n\n"
                     "| تفاح | 2 | 3 | 2 |\n| كمثرى | 3 | 3 | 4 |\n| كرز | 8 | 7 | 8 |\n| فراولة | 6 | 6 | 7 |\n\n"
                     "ترتفع الأسعار مع الموسم كما يحدث كل عام في هذه الفترة.\n"),
}

# make fuzz's finds (axe link-name): links whose text the escaper drops or axe trims away
# (controls, a lone surrogate, U+FEFF), beside blank ones, and links to a missing anchor
UNNAMED_LINKS = Document(Meta(title="Links that show no text"), tuple(
    Paragraph((Text(f"Link {n}: "), Link(content, url), Text(" (end)."))) for n, (content, url) in enumerate((
        ((Emph((Text("\x01"),)),), "https://example.org/a"), ((Text("\x00\x01\x0b\x1b\x7f"),), "https://example.org/b"),
        ((Text("\ud800"),), "https://example.org/c"), ((Text("\ufeff"),), "mailto:a@example.org"),
        ((Emph((Text(" "),)),), "https://example.org/d"), ((LineBreak(),), "https://example.org/e"),
        ((), "#ref-1"), ((Text("\ufeff"),), "#ref-1")), 1)))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    written: dict[str, list] = {"epub": [], "html": []}
    # the pandoc nodes also take the other paths: a cover, a table of contents, the handout theme
    pandoc_options = WriteOptions(resource_path=(str(IMAGES),), toc=True,
                                  epub_cover_image=str(IMAGES / "photo.jpg"))
    for fmt in written:
        for path in [SEED, *SAMPLES]:
            target = folder / f"{path.stem}.{fmt}"
            docforge.write(docforge.read(path), fmt, target)
            written[fmt].append(target)
        for name, text in HEADERLESS.items():
            target = folder / f"{name}.{fmt}"
            docforge.write(docforge.read(text.encode(), name=f"{name}.txt"), fmt, target,
                           options=WriteOptions(epub_cover_image=str(IMAGES / "photo.jpg")))
            written[fmt].append(target)
        target = folder / f"unnamed-links.{fmt}"
        docforge.write(UNNAMED_LINKS, fmt, target)
        written[fmt].append(target)
        target = folder / f"pandoc-nodes.{fmt}"
        docforge.write(pandoc_document(), fmt, target, style="handout", options=pandoc_options)
        written[fmt].append(target)
    return written


def test_ace_reports_no_violation_in_the_epubs(outputs):
    found = ace_check(outputs["epub"])
    assert found == {}, listing(found)


def test_axe_reports_no_violation_in_the_html_at_desktop_and_phone_width(outputs):
    found = axe_check(outputs["html"])
    assert found == {}, listing(found)
