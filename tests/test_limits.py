"""Large and odd inputs stream through without recursion limits or quadratic blow-ups."""
import docforge
from docforge.model import Paragraph, plain_text


def test_a_2mb_single_line_is_one_paragraph_with_every_character():
    line = ("word " * 400_000).strip()  # 2 MB, no newline
    doc = docforge.read(("Title\n" + line).encode())
    assert sum(len(plain_text(b)) for b in doc.blocks) == len(line)
    html = docforge.write(doc, "html")
    assert html.split(b"<article>")[1].count(b"word ") == 399_999


def test_100k_lines_convert():
    lines = [f"Paragraph number {i} has some words in it." for i in range(100_000)]
    doc = docforge.read(("Title\n" + "\n".join(lines)).encode())
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 100_000
    assert docforge.write(doc, "json")


def test_deeply_indented_list_does_not_recurse_out():
    lines = ["Deep list", "Intro paragraph that is long enough to be a paragraph, really it is."]
    lines += ["  " * i + "- level " + str(i) for i in range(400)]
    doc = docforge.read("\n".join(lines).encode())
    assert "level 399" in plain_text(doc)
    assert b"level 399" in docforge.write(doc, "html")
