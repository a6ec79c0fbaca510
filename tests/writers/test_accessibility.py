"""Ace by DAISY finds no violation in the EPUBs and axe-core none in the HTML pages (at
desktop and phone width) of the seed, the samples and the document holding every pandoc
node; the hostile generated documents are checked in test_properties.py (`make fuzz`
checks many more). The checkers run once each on the whole batch (tests/a11y_checkers.py).
"""
from __future__ import annotations

import pytest

import docforge
from docforge.options import WriteOptions
from a11y_checkers import ace_check, axe_check, listing
from conftest import DATA, SAMPLES
from ir_examples import IMAGES, pandoc_document

SEED = DATA / "seed-china-ai.txt"


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
