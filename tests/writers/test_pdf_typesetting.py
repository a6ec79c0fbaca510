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


# ---------------------------------------------------------------- tables, headings, lists

def filler(words: int) -> Paragraph:
    return Paragraph((Text(" ".join(["shaded streets stay cooler at night"] * (words // 6))),))


def table(rows: int, caption: str = "Measurements") -> Table:
    header = tuple(Cell((Text(h),)) for h in ("Station", "Reading", "Remark"))
    body = tuple((Cell((Text(f"station {i}"),)), Cell((Text(str(i * 3)),)), Cell((Text(f"remark on row {i}"),)))
                 for i in range(rows))
    return Table(header, body, caption=(Text(caption),))


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_a_long_table_starts_where_it_is_and_splits_with_its_header_instead_of_leaving_a_page_empty():
    doc = Document(Meta(title="Tables"), (filler(120), table(60)))
    pages = page_texts(handout_pdf(doc))
    assert len(pages) >= 2
    assert "Station Reading Remark" in pages[0] and "station 0 " in pages[0]  # started on page 1
    assert pages[1].count("Station Reading Remark") == 1 and "station 59" in pages[-1]  # header repeated
    first_rows = [int(m) for m in re.findall(r"station (\d+)", pages[0])]
    assert len(first_rows) >= 20  # page 1 holds a good part of it, not one line


def test_a_table_that_fits_a_page_moves_whole_only_when_little_room_is_left():
    short = table(20)
    # almost a page of text first: the table does not fit below it and moves whole to page 2
    near_full = handout_pdf(Document(Meta(title="Tables"), (filler(700), short)))
    pages = page_texts(near_full)
    assert "Station" not in pages[0] and "station 0 " in pages[1] and "station 19" in pages[1]
    # half a page of text: the table starts below it and continues on page 2, header repeated
    half = handout_pdf(Document(Meta(title="Tables"), (filler(420), table(45))))
    pages = page_texts(half)
    assert "station 0 " in pages[0] and "Station Reading Remark" in pages[1]


def test_header_words_fit_their_columns_whole():
    """Narrow numeric columns under long header words: each header word is set whole
    (reportlab cut "Population" into "Populati" and "on" before)."""
    heads = ("Region", "Population", "Average", "Households", "Municipality", "Percentage", "Temperature")
    header = tuple(Cell((Text(h),)) for h in heads)
    rows = tuple(tuple(Cell((Text(str(i + c)),)) for c in range(len(heads))) for i in range(6))
    doc = Document(Meta(title="Narrow"), (Table(header, rows),))
    for paper in ("A4", "Letter"):
        data = handout_pdf(doc, paper=paper)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            words = {w["text"] for w in pdf.pages[0].extract_words()}
        assert set(heads) <= words, (paper, set(heads) - words)


def test_header_words_too_wide_for_any_layout_are_hyphenated_not_cut():
    from docforge.writers.pdf.tables import fit_header_words
    assert fit_header_words([50.0, 200.0, 250.0], [80.0, 60.0, 60.0], 500.0) == (
        [80.0, pytest.approx(200 - 30 * 140 / 330), pytest.approx(250 - 30 * 190 / 330)], True)
    assert fit_header_words([100.0, 100.0], [150.0, 90.0], 200.0)[1] is False
    from docforge.writers.pdf.tables import column_parts
    # columns that need more than the frame side by side go into another part of the table
    assert column_parts(8, 300.0) == [(0, 8)]
    assert column_parts(8, 300.0, [50.0] * 8) == [(0, 6), (6, 8)]
    assert column_parts(3, 300.0, [400.0, 10.0, 10.0]) == [(0, 1), (1, 3)]
    heads = ("Characteristically", "Telecommunications", "Responsibilities", "Internationalization",
             "Unquestionably")
    header = tuple(Cell((Text(h),)) for h in heads)
    rows = tuple(tuple(Cell((Text(str(i)),)) for _ in heads) for i in range(3))
    data = handout_pdf(Document(Meta(title="Wide"), (Table(header, rows),)), paper="A5")
    lines = text_lines(data, HANDOUT.fonts.size * HANDOUT.table.font_scale)
    columns = defaultdict(list)  # cells are left-aligned: a column's pieces share their left edge
    for _, line in lines:
        for word in line:
            if not word["text"].isdigit():
                columns[round(word["x0"])].append(word["text"])
    hyphenated = 0
    assert len(columns) == len(heads)
    for head, pieces in zip(heads, (columns[x] for x in sorted(columns))):
        # the pieces make the word again, each ending at a hyphenation point with its hyphen
        assert "".join(p[:-1] if p.endswith("-") else p for p in pieces) == head
        points = {index for index, _, _ in Hyphenator("en_US").breaks(head)}
        at = 0
        for piece in pieces[:-1]:
            assert piece.endswith("-"), (head, pieces)
            at += len(piece) - 1
            assert at in points, (head, pieces)
            hyphenated += 1
    assert hyphenated >= len(heads)


def headings_last_on_pages(data: bytes, heading_sizes: set[float]) -> list[str]:
    """The headings that are the last line of text on a page (running header and footer aside)."""
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            words = [w for w in page.extract_words(extra_attrs=["size"]) if w["size"] > 9]
            if not words:
                continue
            bottom = max(w["bottom"] for w in words)
            last = [w for w in words if abs(w["bottom"] - bottom) < 2]
            if any(round(w["size"], 1) in heading_sizes for w in last):
                found.append(" ".join(w["text"] for w in last))
    return found


def test_a_heading_is_never_the_last_line_of_a_page():
    """Sections of every length followed by paragraphs, sub-headings, lists and tables:
    wherever the page ends, a heading goes over with what follows it."""
    rng = random.Random(11)
    blocks = []
    for number in range(60):
        blocks.append(Heading(1, (Text(f"Section {number}"),)))
        kind = rng.choice(("paragraph", "subheading", "list", "table"))
        if kind == "subheading":
            blocks.append(Heading(2, (Text(f"Part {number}"),)))
        if kind == "list":
            blocks.append(BulletList(tuple(ListItem((Paragraph((Text(f"item {i}"),)),)) for i in range(4))))
        elif kind == "table":
            blocks.append(table(rng.randint(3, 40), caption=f"Table of section {number}"))
        blocks.append(filler(rng.randint(12, 160)))
    doc = Document(Meta(title="Sections"), tuple(blocks))
    sizes = {HANDOUT.fonts.heading_sizes[0], HANDOUT.fonts.heading_sizes[1]}
    data = handout_pdf(doc)
    assert len(page_texts(data)) > 10
    assert headings_last_on_pages(data, sizes) == []


def test_a_list_is_set_off_from_the_paragraph_after_it():
    items = BulletList(tuple(ListItem((Paragraph((Text(f"item number {i}"),)),)) for i in range(3)))
    doc = Document(Meta(title="Lists"), (Paragraph((Text("Before the list."),)), items,
                                         Paragraph((Text("After the list."),)), Paragraph((Text("And after that."),))))
    lines = text_lines(handout_pdf(doc), HANDOUT.fonts.size)
    tops = {" ".join(w["text"] for w in line): (line[0]["top"], line[0]["bottom"]) for _, line in lines}
    item_gap = tops["• item number 1"][0] - tops["• item number 0"][1] if "• item number 1" in tops else \
        tops["item number 1"][0] - tops["item number 0"][1]
    last_item = tops.get("• item number 2", tops.get("item number 2"))
    after_list = tops["After the list."][0] - last_item[1]
    between_paragraphs = tops["And after that."][0] - tops["After the list."][1]
    assert after_list >= between_paragraphs  # at least a paragraph's space (it was an item's)
    assert after_list > item_gap + HANDOUT.spacing.paragraph * 0.9


def test_no_list_item_is_left_alone_at_a_page_foot_or_head():
    """Lists of three or more items at every position on the page: the first item never
    ends a page by itself, the last never starts one by itself."""
    blocks = []
    for number in range(40):
        blocks.append(filler(20 + 7 * number % 90))
        blocks.append(BulletList(tuple(ListItem((Paragraph((Text(f"list {number} item {i}"),)),))
                                       for i in range(3 + number % 3))))
    data = handout_pdf(Document(Meta(title="Items"), tuple(blocks)))
    lines = text_lines(data, HANDOUT.fonts.size)
    for (page, line), (next_page, following) in zip(lines, lines[1:]):
        if page != next_page:
            last = " ".join(w["text"] for w in line)
            first = " ".join(w["text"] for w in following)
            assert not last.endswith(" item 0"), last  # the first item alone at the foot
            if "item" in first:
                count = int(re.search(r"list (\d+)", first).group(1))
                assert not first.endswith(f" item {2 + count % 3}"), first  # the last item alone at the head


def test_keep_headings_moves_table_starts_and_joins_figures_without_losing_a_flowable():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph as RLParagraph
    from docforge.writers.pdf.render import keep_headings
    from docforge.writers.pdf.tables import TableStart
    heading = ParagraphStyle("h", keepWithNext=1)
    body = ParagraphStyle("b")
    h1, h2, text = RLParagraph("One", heading), RLParagraph("Two", heading), RLParagraph("text", body)
    start = TableStart([], table=None, frame_height=500)
    story = [text, CondPageBreak(50), h1, CondPageBreak(40), h2, start, RLParagraph("caption", body)]
    out = keep_headings(story)
    assert out[0] is text and out[1] is start and start.lead == [h1, h2]
    assert [type(f).__name__ for f in out[2:]] == ["CondPageBreak", "Paragraph", "Paragraph", "Paragraph"]
    figure = KeepTogether([RLParagraph("image", body)])
    figure._df_role = "Figure"
    out = keep_headings([CondPageBreak(50), h1, figure])
    assert type(out[0]) is CondPageBreak and isinstance(out[1], KeepTogether) and len(out) == 2
    assert out[1]._content[0] is h1 and out[1]._df_role == "Figure"


def test_no_reference_is_left_alone_at_a_page_foot_or_head():
    from docforge.model import Reference, References
    blocks = []
    for number in range(30):
        blocks.append(filler(30 + 11 * number % 100))
        blocks.append(References(tuple(Reference(f"ref-{number}-{i}", str(i + 1), (Text(f"source {number} entry {i}"),))
                                       for i in range(3 + number % 2))))
    lines = text_lines(handout_pdf(Document(Meta(title="Refs"), tuple(blocks))), HANDOUT.fonts.size * 0.95)
    for (page, line), (next_page, following) in zip(lines, lines[1:]):
        if page != next_page:
            last, first = " ".join(w["text"] for w in line), " ".join(w["text"] for w in following)
            assert not last.endswith(" entry 0"), last
            match = re.search(r"source (\d+) entry (\d+)$", first)
            if match:
                assert int(match.group(2)) != 2 + int(match.group(1)) % 2, first


def test_looking_among_lines_within_the_limit_first_chooses_the_lines_the_full_search_chooses(monkeypatch):
    """_best_lines first searches only lines whose spaces stay within the limit (and stops at
    the first too-loose line from each candidate), on the claim that a too-loose line costs
    more than any paragraph of good lines: the PDF must be byte for byte the one the full
    search makes, for the seed, generated compounds on A5 and long unbreakable words."""
    from docforge.writers.pdf import linebreak
    rng = random.Random(5)
    long_words = ["Xylophonequartz", "Bcdfghjklmnpqr", "Zzyzzyvaquorb", "UNBREAKABLE", "an", "of"]
    loose = Paragraph((Text(" ".join(rng.choice(long_words) for _ in range(300))),))
    paragraphs, _words = generated_paragraphs(12, 90, seed=11)
    cases = [(docforge.read(SEED), {}), (Document(Meta(title="Mixed"), (*paragraphs, loose)), {"paper": "A5"})]
    searched: list[bool] = []
    real_search = linebreak._search

    def counting(*args, within_limit):
        found = real_search(*args, within_limit=within_limit)
        searched.append(within_limit and found is None)  # fell back to the full search
        return found

    monkeypatch.setattr(linebreak, "_search", counting)
    fast = [handout_pdf(doc, **options) for doc, options in cases]
    assert any(searched) and not all(searched)  # both paths were taken

    def full_only(candidates, widths, stretch, run_before, justified):
        return real_search(candidates, widths, stretch, run_before, justified, within_limit=False)

    monkeypatch.setattr(linebreak, "_best_lines", full_only)
    assert fast == [handout_pdf(doc, **options) for doc, options in cases]
