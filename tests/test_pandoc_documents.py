"""Documents in pandoc's formats converted as a user would, with the bridge: a real
manual-sized Markdown page to every docforge format, and an author's DOCX (footnotes, a
table, a list, an image) to every format. Outputs are read back (pandoc for html, docx and
epub; pdftotext for PDF) and the words counted."""
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, run_pandoc

MARKDOWN = DATA / "markdown" / "node-events.md"
IMAGES = DATA / "images"
CLI = ["python", "-m", "docforge"]


def docforge(*args, cwd=None):
    import sys
    proc = subprocess.run([sys.executable, "-m", "docforge", *map(str, args)], capture_output=True,
                          text=True, timeout=600, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc


def words(text: str) -> Counter:
    return Counter(w.casefold() for w in re.findall(r"\w+", text))


def share_found(expected: Counter, got: Counter) -> float:
    total = sum(expected.values())
    return sum(min(n, got[w]) for w, n in expected.items()) / total


def read_back_text(pandoc: str, path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
    fmt = {".html": "html", ".docx": "docx", ".epub": "epub"}[path.suffix]
    return run_pandoc(pandoc, ["-f", fmt, "-t", "plain", "--wrap=none"], path.read_bytes()).decode()


@pytest.mark.parametrize("ext", ["html", "docx", "epub", "pdf"])
def test_a_manual_sized_markdown_document_keeps_its_words_in_every_format(pandoc, tmp_path, ext):
    out = tmp_path / f"events.{ext}"
    docforge("convert", MARKDOWN, "-o", out)
    expected = words(run_pandoc(pandoc, ["-f", "markdown", "-t", "plain", "--wrap=none"],
                                MARKDOWN.read_bytes()).decode())
    assert sum(expected.values()) > 8000
    found = share_found(expected, words(read_back_text(pandoc, out)))
    assert found >= 0.97, f"{ext}: only {found:.1%} of the words read back"


@pytest.fixture(scope="module")
def author_docx(tmp_path_factory, pandoc):
    """A DOCX as an author's word processor gives it: made by pandoc from Markdown."""
    folder = tmp_path_factory.mktemp("author")
    (folder / "chart.png").write_bytes((IMAGES / "chart.png").read_bytes())
    (folder / "paper.md").write_text(
        "---\ntitle: An Author's Paper\n---\n\n# Findings\n\n"
        "The result holds[^1] in every region.\n\n"
        "[^1]: Measured in the spring survey.\n\n"
        "- first point\n- second point\n\n"
        "| Region | Share |\n|--------|------:|\n| North  | 41 %  |\n| South  | 59 %  |\n\n"
        "![A chart of regional shares](chart.png)\n\nClosing words here.\n", encoding="utf-8")
    run_pandoc(pandoc, [str(folder / "paper.md"), "-o", str(folder / "paper.docx"), "--resource-path", str(folder)])
    return folder / "paper.docx"


def test_an_authors_docx_reaches_every_format_with_note_table_list_and_image(author_docx, tmp_path, pandoc):
    outs = {ext: tmp_path / f"paper.{ext}" for ext in ("html", "docx", "epub", "pdf", "json")}
    for out in outs.values():
        docforge("convert", author_docx, "-o", out)
    ast = json.loads(outs["json"].read_text(encoding="utf-8"))
    kinds = json.dumps(ast)
    for node in ('"Note"', '"Table"', '"BulletList"', '"Image"'):
        assert node in kinds
    assert "data:image/png;base64," in kinds  # the embedded picture travels with the document
    html = outs["html"].read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html and 'alt="A chart of regional shares"' in html
    assert "Measured in the spring survey." in html
    for ext in ("html", "docx", "epub", "pdf"):
        text = " ".join(read_back_text(pandoc, outs[ext]).split())
        for phrase in ("Measured in the spring survey", "first point", "second point", "North",
                       "59 %", "Closing words here"):
            assert phrase in text, f"{ext} lost {phrase!r}"
    import zipfile
    with zipfile.ZipFile(outs["docx"]) as z:
        names = z.namelist()
        assert "word/footnotes.xml" in names and any(n.startswith("word/media/") for n in names)
        assert "Measured in the spring survey." in z.read("word/footnotes.xml").decode()
    with zipfile.ZipFile(outs["epub"]) as z:
        assert any(n.endswith(".png") for n in z.namelist())
    pdf = subprocess.run(["pdfimages", "-list", str(outs["pdf"])], capture_output=True, text=True,
                         check=True).stdout
    assert len(pdf.strip().splitlines()) >= 3  # header lines + at least one image
