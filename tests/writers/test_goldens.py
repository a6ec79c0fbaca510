"""Golden files for the text outputs: HTML, pandoc JSON, each EPUB XHTML page and the
navigation document, DOCX's word/document.xml (pretty-printed).

A change in any writer's output shows here as a diff to review. After a deliberate
change, rewrite them with `pytest tests/writers/test_goldens.py --update-goldens` and read
the diff (`git diff tests/writers/goldens`) before committing. Binary outputs (the zips
themselves, PDF) are checked by reading them back elsewhere, never byte-compared.
"""
import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import docforge
from docforge.options import WriteOptions
from conftest import DATA, ROOT
from ir_examples import IMAGES, pandoc_document, rich_document

GOLDENS = Path(__file__).parent / "goldens"
CASES = {
    "seed": lambda: docforge.read(DATA / "seed-china-ai.txt"),
    "zh-sample": lambda: docforge.read(ROOT / "samples" / "zh-ev-batteries.txt"),
    "rich": rich_document,
    "pandoc-nodes": pandoc_document,
}
VARIANTS = {"default": dict(style=None, toc=None), "handout-toc": dict(style="handout", toc=True)}


def _pretty_xml(data: bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), pretty_print=True, encoding="unicode")


def text_outputs(doc, style, toc) -> dict[str, str]:
    """file name -> text, for every text output of `doc`."""
    options = WriteOptions(toc=toc, resource_path=(str(IMAGES),))
    out = {"page.html": docforge.write(doc, "html", style=style, options=options).decode(),
           "fragment.html": docforge.write(doc, "html", style=style,
                                           options=WriteOptions(toc=toc, fragment=True,
                                                                resource_path=(str(IMAGES),))).decode()}
    ast = json.loads(docforge.write(doc, "json", style=style, options=options))
    out["document.json"] = json.dumps(ast, ensure_ascii=False, indent=1) + "\n"
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "epub", style=style, options=options))) as z:
        for name in sorted(z.namelist()):
            if name.endswith((".xhtml", ".opf", ".ncx")):
                out["epub-" + name.replace("/", "_")] = z.read(name).decode()
    with zipfile.ZipFile(io.BytesIO(docforge.write(doc, "docx", style=style, options=options))) as z:
        out["docx-document.xml"] = _pretty_xml(z.read("word/document.xml"))
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_text_outputs_match_their_goldens(case, variant, update_goldens, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the fixed date, whatever the shell says
    folder = GOLDENS / f"{case}-{variant}"
    outputs = text_outputs(CASES[case](), **VARIANTS[variant])
    if update_goldens:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in outputs:
                old.unlink()
        for name, text in outputs.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name for p in folder.iterdir()} if folder.exists() else set()
    assert expected == set(outputs), "the set of output files changed; rerun with --update-goldens"
    changed = [name for name, text in outputs.items()
               if (folder / name).read_text(encoding="utf-8") != text]
    assert not changed, f"{case}-{variant}: {changed} differ from their goldens; review and rerun with --update-goldens"
