"""DOCX rendered by LibreOffice: what a reader sees (`make test-render` runs these)."""
import shutil
import subprocess

import pytest

import docforge
from docforge.model import Document, Meta, OrderedList, Paragraph, Text
from ir_examples import item

pytestmark = [pytest.mark.render,
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) is not installed: `make system-deps`")]


def render(docx_path, tmp_path) -> str:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (docx_path.stem + ".pdf")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_two_ordered_lists_both_start_at_one_in_libreoffice(tmp_path):
    doc = Document(Meta(title="Lists"), (
        OrderedList((item("alpha"), item("beta"))),
        Paragraph((Text("Between the lists."),)),
        OrderedList((item("gamma"), item("delta"))),
        OrderedList((item("epsilon"),), start=7),
    ))
    path = tmp_path / "lists.docx"
    docforge.write(doc, "docx", path)
    text = render(path, tmp_path)
    assert "1. alpha" in text and "2. beta" in text
    assert "1. gamma" in text and "2. delta" in text
    assert "7. epsilon" in text


def test_seed_renders_with_table_and_page_numbers(tmp_path):
    from conftest import DATA
    path = tmp_path / "seed.docx"
    docforge.write(docforge.read(DATA / "seed-china-ai.txt"), "docx", path)
    text = render(path, tmp_path)
    assert "Table 1" in text and "Manufacturing" in text and "Inquirer Business" in text
    assert "Page 1 of" in text
