"""Print-quality typesetting of the PDF, read back with pdfplumber: hyphenation rules,
justified spacing, widows and orphans, headings at a page foot, tables split across pages
with whole header words, space after lists, and the impossible-page error."""
import io
import random
import re
from collections import defaultdict

import pdfplumber
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

import docforge
from docforge.model import BulletList, Cell, Document, Heading, ListItem, Meta, Paragraph, Table, Text
from docforge.options import WriteOptions
from docforge.style import load_style
from docforge.writers.pdf import fonts as pdf_fonts
from docforge.writers.pdf.linebreak import (MAX_HYPHEN_RUN, MAX_SPACE_STRETCH, MIN_AFTER, MIN_BEFORE,
                                            Hyphenator, TypesetParagraph)
from conftest import DATA

SEED = DATA / "seed-china-ai.txt"
HANDOUT = load_style("handout")
_LEAD = re.compile(r"^[\"'(\[{‘“]+")
_TRAIL = re.compile(r"[\]\"')}?!.,;:’”…]+$")


def handout_pdf(doc_or_path, **options) -> bytes:
    doc = docforge.read(doc_or_path) if not isinstance(doc_or_path, Document) else doc_or_path
    return docforge.write(doc, "pdf", style="handout", options=WriteOptions(**options))


def text_lines(data: bytes, size: float) -> list[tuple[int, list[dict]]]:
    """(page, words left to right) of every line set at `size` points, in reading order."""
    lines = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            rows = defaultdict(list)
            for word in page.extract_words(extra_attrs=["size"]):
                if abs(word["size"] - size) < 0.05:
                    rows[round(word["bottom"])].append(word)
            for bottom in sorted(rows):
                lines.append((number, sorted(rows[bottom], key=lambda w: w["x0"])))
    return lines


def source_words(text: str) -> set[str]:
    return {_TRAIL.sub("", _LEAD.sub("", w)) for w in text.split()}


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def check_hyphenated_line_ends(lines, words: set[str]) -> int:
    """Every line that ends in a hyphen ends at a hyphenation point of a word of the source
    without a hyphen, or at the hyphen of one of its compounds; 2 letters before, 3 after;
    no more than MAX_HYPHEN_RUN in a row. Returns how many there were."""
    run = longest = count = 0
    for (_, line), (_, following) in zip(lines, lines[1:]):
        last = line[-1]["text"]
        if not last.endswith("-") or len(last) < 2:
            run = 0
            continue
        count += 1
        run += 1
        longest = max(longest, run)
        head = _LEAD.sub("", last[:-1])
        tail = _TRAIL.sub("", following[0]["text"])
        if head + tail in words and "-" not in head + tail:
            before, after = head, tail  # a hyphenation point, hyphen added
        else:
            assert f"{head}-{tail}" in words, f"{last!r} + {tail!r} is neither a word nor a compound broken at its hyphen"
            before, after = head.split("-")[-1], tail.split("-")[0]
        assert letters(before) >= MIN_BEFORE and letters(after) >= MIN_AFTER, (last, tail)
    assert longest <= MAX_HYPHEN_RUN
    return count


def largest_justified_gap(lines) -> float:
    """The widest space between two words of a line that reaches the right edge (a justified line)."""
    right = max(line[-1]["x1"] for _, line in lines)
    gaps = [b["x0"] - a["x1"] for _, line in lines if abs(line[-1]["x1"] - right) < 1 and len(line) > 1
            for a, b in zip(line, line[1:])]
    assert len(gaps) > 50  # there are justified lines to measure
    return max(gaps)


def space_limit(style) -> float:
    fontset = pdf_fonts.build_fontset(style)
    space = stringWidth(" ", fontset.body.names["regular"], style.fonts.size)
    return (1 + MAX_SPACE_STRETCH) * space + 0.05  # pdfplumber rounds positions a little


# ---------------------------------------------------------------- the hyphenator

def test_a_word_with_a_hyphen_breaks_only_at_it_and_every_break_leaves_two_and_three_letters():
    hyphenator = Hyphenator("en_US")
    assert [(i, added) for i, added, _ in hyphenator.breaks("self-reliant")] == [(5, False)]
    assert [(i, added) for i, added, _ in hyphenator.breaks("problem-solving,")] == [(8, False)]
    assert [i for i, _, _ in hyphenator.breaks("cost-effective")] == [5]
    assert hyphenator.breaks("e-mail") == ()  # one letter before the hyphen
    assert hyphenator.breaks("co-op") == ()  # two letters after it
    assert [i for i, _, _ in hyphenator.breaks("NASA-led")] == [5]
    assert hyphenator.breaks("UNESCO") == () and hyphenator.breaks("12345678") == ()
    for word in ("hyphenation", "independence", "“organizations”", "international"):
        breaks = hyphenator.breaks(word)
        assert breaks, word
        core = _TRAIL.sub("", _LEAD.sub("", word))
        offset = word.index(core)
        for index, added, flagged in breaks:
            assert added and flagged
            assert index - offset >= MIN_BEFORE and len(core) - (index - offset) >= MIN_AFTER
    # reportlab's own breaker asks it the same way: longest head first, only these breaks
    assert list(hyphenator("self-reliant")) == [("self-", "reliant")]
    assert [h for h, _ in hyphenator("independence")] == sorted((h for h, _ in hyphenator("independence")),
                                                                 key=len, reverse=True)


# ---------------------------------------------------------------- line breaking

def test_the_seed_in_the_handout_theme_hyphenates_by_the_rules_and_spaces_stay_under_the_limit():
    data = handout_pdf(SEED)
    lines = text_lines(data, HANDOUT.fonts.size)
    assert len(lines) > 100
    check_hyphenated_line_ends(lines, source_words(SEED.read_text(encoding="utf-8")))
    assert largest_justified_gap(lines) <= space_limit(HANDOUT)


VOCABULARY = ("self-reliant cost-effective problem-solving state-of-the-art well-being long-term "
              "organization international responsibility infrastructure telecommunications "
              "characteristically semiconductor manufacturing independence unquestionably "
              "governance the of and a to in is it by on for an as at with we").split()


def generated_paragraphs(count: int, words: int, seed: int = 7) -> tuple[list[Paragraph], set[str]]:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize() + "."
        paragraphs.append(Paragraph((Text(text),)))
    return paragraphs, source_words(" ".join(VOCABULARY))


def test_generated_paragraphs_of_long_words_and_compounds_on_a5_keep_every_rule():
    """Long words and compounds in a narrow column hyphenate often: still never inside a
    compound, never three in a row, never a space stretched past the limit, no word lost."""
    paragraphs, words = generated_paragraphs(30, 90)
    doc = Document(Meta(title="Generated"), tuple(paragraphs))
    data = handout_pdf(doc, paper="A5")
    lines = text_lines(data, HANDOUT.fonts.size)
    assert check_hyphenated_line_ends(lines, words) > 20  # the rules were exercised, not avoided
    assert largest_justified_gap(lines) <= space_limit(HANDOUT)
    # every letter comes back in order (hyphens and spaces aside: a compound's hyphen may end a line)
    squash = lambda text: re.sub(r"[\s-]", "", text)
    body = "".join(w["text"] for _, line in lines for w in line)
    assert squash(body) == squash("".join(p.inlines[0].text for p in paragraphs))


def test_no_line_stretches_past_the_limit_even_when_no_hyphenation_helps():
    """A paragraph of long unbreakable words in a narrow column: lines that cannot be
    filled within the limit are set ragged, never stretched further."""
    rng = random.Random(3)
    long_words = ["Xylophonequartz", "Bcdfghjklmnpqr", "Zzyzzyvaquorb", "Qwrtypsdfghjk", "UNBREAKABLE"]
    text = " ".join(rng.choice(long_words + ["an", "of"]) for _ in range(400))
    doc = Document(Meta(title="Loose"), (Paragraph((Text(text),)),))
    data = handout_pdf(doc, paper="A5")
    lines = text_lines(data, HANDOUT.fonts.size)
    assert largest_justified_gap(lines) <= space_limit(HANDOUT)
    # and the ragged ones exist: some lines end short of the right edge though not a paragraph's last
    right = max(line[-1]["x1"] for _, line in lines)
    assert sum(1 for _, line in lines[:-1] if right - line[-1]["x1"] > 5) >= 1


def test_a_paragraph_split_over_pages_keeps_its_lines_and_no_widow_or_orphan_is_left():
    """The part before a page break keeps the lines chosen for the whole paragraph (its
    last line justified), neither part is a single line, and a hyphen run continues
    across the break."""
    style = docforge.writers.pdf.styles.paragraph_styles(HANDOUT, pdf_fonts.build_fontset(HANDOUT), "en")["body"]
    paragraphs, _ = generated_paragraphs(1, 300)
    from docforge.writers.xmltext import escape
    markup = escape(paragraphs[0].inlines[0].text, "markup")[0]
    whole = TypesetParagraph(markup, style)
    width = 300
    whole.wrap(width, 10_000)
    total = len(whole.blPara.lines)
    assert total > 10
    leading = style.leading
    first, rest = whole.split(width, leading * 6 + 1)
    first.wrap(width, 10_000)
    assert [l.words[0].text for l in first.blPara.lines] == [l.words[0].text for l in whole.blPara.lines[:6]]
    assert first.blPara.lines[-1].extraSpace == whole.blPara.lines[5].extraSpace
    rest.wrap(width, 10_000)
    assert len(rest.blPara.lines) == total - 6
    # widow: room for all lines but one moves one more line over; orphan: room for one line moves all
    again = TypesetParagraph(markup, style)
    again.wrap(width, 10_000)
    top, bottom = again.split(width, leading * (total - 1) + 1)
    top.wrap(width, 10_000)
    bottom.wrap(width, 10_000)
    assert len(bottom.blPara.lines) == 2 and len(top.blPara.lines) == total - 2
    assert TypesetParagraph(markup, style).split(width, leading * 1 + 1) == []


# ---------------------------------------------------------------- the page itself

@pytest.mark.parametrize("order", [("pdf", "html", "docx"), ("html", "pdf", "docx")])
def test_margins_the_page_cannot_hold_are_one_line_before_the_pdf_and_the_other_formats_are_written(
        tmp_path, order):
    import subprocess
    import sys
    theme = tmp_path / "huge.toml"
    theme.write_text('extends = "handout"\n[page]\nsize = "A5"\nmargin_left = 80\nmargin_right = 80\n',
                     encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "docforge", "convert", str(SEED), "--to", ",".join(order),
                          "--style", str(theme), "-o", str(out), "-q"], capture_output=True, text=True)
    assert run.returncode == 5  # a theme error
    message = run.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "margin_left 80 mm + margin_right 80 mm" in message and "A5" in message and "148 mm" in message
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html"]  # no PDF, nothing half written


def test_too_little_height_is_named_too_and_the_library_raises_after_writing_the_rest(tmp_path):
    from docforge.errors import StyleError
    theme = tmp_path / "tall.toml"
    theme.write_text('[page]\nmargin_top = 100\nmargin_bottom = 100\n', encoding="utf-8")
    with pytest.raises(StyleError, match=r"margin_top 100 mm \+ margin_bottom 100 mm leave 10 mm of the A5 page's 210 mm height"):
        docforge.convert(SEED, to=["pdf", "html"], style=str(theme), output=tmp_path / "o",
                         options=WriteOptions(paper="A5"))
    assert [p.suffix for p in (tmp_path / "o").iterdir()] == [".html"]
    # the same theme on a page that has room is fine
    assert docforge.write(docforge.read(SEED), "pdf", style=str(theme), options=WriteOptions(paper="Legal"))[:5] == b"%PDF-"
