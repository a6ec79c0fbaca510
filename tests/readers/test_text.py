"""The text reader: fixture files (input + expected outline), the seed's gold, explain(),
diagnostics, the rule-list architecture, and properties (nothing lost, never raises, linear).

Fixtures: tests/readers/fixtures/NAME.txt is read as bytes through docforge.read (so
decoding and CRLF handling are part of the case) and its outline is compared with
NAME.expected. `pytest --update-goldens` rewrites the .expected files; review the diff.
The outline format, one line per block:
    TITLE t / SUBTITLE s / AUTHORS a ; b / DATE d / KEYWORDS k1 ; k2
    H<level> text            P text            QUOTE / CODE lang / RULE
    UL | OL start=N, then "  - item" lines, nested lists indented two more spaces
    TABLE <cols>x<rows> aligns=..., then "  | cell | cell |" per row (header first);
    TABLE <cols>x<rows> no header aligns=... for a table without a header row
    REFS <n>, then "  [label] text <url>" per entry
    DIAG line N: message     (the reader's diagnostics, last)
Citation markers show as [@ref-N].
"""
from __future__ import annotations

import inspect
import json
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import docforge
from docforge.model import (BulletList, CitationRef, Code, CodeBlock, Heading, Link, ListItem,
                            OrderedList, Paragraph, Quote, Reference, References, Table, Text,
                            ThematicBreak, plain_text, walk)
from docforge.readers import text as text_reader
from docforge.readers.base import Decision as DecisionProtocol, ExplainingReader, Parsed
from docforge.readers.text import Decision, explain, parse, read, reader
from docforge.readers.text import block_rules, document_rules, line_rules, lines, post_rules

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*.txt"))
DATA = Path(__file__).resolve().parents[1] / "data"


# ------------------------------------------------------------------ the outline format

def inline_text(inlines) -> str:
    out = []
    for node in inlines:
        if type(node) is CitationRef:
            out.append(f"[@{node.ref_id}]")
        elif type(node) is Link:
            out.append(inline_text(node.inlines))
        elif hasattr(node, "text"):
            out.append(node.text)
        elif hasattr(node, "inlines"):
            out.append(inline_text(node.inlines))
    return " ".join("".join(out).split())


def outline(doc, diagnostics=()) -> str:
    m = doc.meta
    lines = [f"TITLE {m.title}"]
    if m.subtitle:
        lines.append(f"SUBTITLE {m.subtitle}")
    if m.authors:
        lines.append("AUTHORS " + " ; ".join(m.authors))
    if m.date:
        lines.append(f"DATE {m.date}")
    if m.keywords:
        lines.append("KEYWORDS " + " ; ".join(m.keywords))
    for block in doc.blocks:
        lines.extend(_block_outline(block, ""))
    lines.extend(f"DIAG line {d.line}: {d.message}" for d in diagnostics)
    return "\n".join(lines) + "\n"


def _block_outline(block, indent: str) -> list[str]:
    kind = type(block)
    if kind is Heading:
        return [f"{indent}H{block.level} {inline_text(block.inlines)}"]
    if kind is Paragraph:
        return [f"{indent}P {inline_text(block.inlines)}"]
    if kind in (BulletList, OrderedList):
        out = [indent + ("UL" if kind is BulletList else f"OL start={block.start}")]
        for item in block.items:
            for k, sub in enumerate(item.blocks):
                sub_lines = _block_outline(sub, indent + "  ")
                if k == 0 and type(sub) is Paragraph:
                    sub_lines[0] = f"{indent}  - {inline_text(sub.inlines)}"
                out.extend(sub_lines)
        return out
    if kind is Table:
        if not block.header:  # a table whose feed gave no header row
            out = [f"{indent}TABLE {len(block.aligns)}x{len(block.rows)} no header aligns={','.join(block.aligns)}"]
        else:
            out = [f"{indent}TABLE {len(block.header)}x{1 + len(block.rows)} aligns={','.join(block.aligns)}"]
        for row in ((block.header,) if block.header else ()) + block.rows:
            out.append(indent + "  | " + " | ".join(inline_text(c.inlines) for c in row) + " |")
        return out
    if kind is References:
        out = [f"{indent}REFS {len(block.entries)}"]
        for e in block.entries:
            out.append(f"{indent}  [{e.label}] {inline_text(e.inlines)}" + (f" <{e.url}>" if e.url else ""))
        return out
    if kind is Quote:
        return [f"{indent}QUOTE"] + [ln for b in block.blocks for ln in _block_outline(b, indent + "  ")]
    if kind is CodeBlock:
        return [f"{indent}CODE {block.language}".rstrip()] + [f"{indent}  {ln}" for ln in block.text.split("\n")]
    if kind is ThematicBreak:
        return [f"{indent}RULE"]
    return [f"{indent}{kind.__name__}"]


# ------------------------------------------------------------------ fixtures

def test_there_is_a_fixture_for_every_feature():
    names = {p.stem for p in CASES}
    wanted = {"layout-one-per-line", "layout-blank-separated", "layout-hard-wrapped",
              "layout-hard-wrapped-no-blanks", "cjk-hard-wrapped", "keywords-labelled", "keywords-single", "crlf-and-cr",
              "tabs-and-blank-edges", "headings-bare", "headings-numbered", "headings-caps-levels",
              "explicit-markup", "front-matter-fields", "front-matter-yaml", "setext-byline",
              "lists-bullets", "lists-ordered-kinds", "lists-nested-continuation", "tables",
              "tables-edge-cases", "references-variants", "references-brackets-cjk",
              "references-final-resources", "keywords-separators", "cjk-article",
              "forced-paragraph", "code-and-quotes",
              # web-extracted feeds (issue 19)
              "tables-without-separator", "layout-stray-blank-lines", "keywords-subject-index",
              "keywords-credit-line-is-body", "headings-code-lines", "headings-sentence-fragments",
              "headings-asides", "headings-datelines", "headings-scores", "headings-fields",
              "headings-repeated-labels", "headings-indented-labels", "headings-caps-list",
              "headings-colon-labels", "headings-numbered-titles", "lists-typed-glyph-paragraphs",
              "lists-indented-heading-after-list", "byline-von-dek", "headings-photo-credits",
              "headings-permalink-style", "headings-pipe-title", "headings-cjk-enumeration",
              "headings-repeated-label-values", "headings-captions", "headings-short-line-runs",
              "headings-ui-text", "lists-lone-numbered-paragraph",
              # metadata fields under a bare title (issue 18)
              "fields-under-title", "fields-under-bare-title"}
    assert wanted <= names, wanted - names


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture(path, update_goldens):
    diagnostics: list = []
    doc = docforge.read(path.read_bytes(), diagnostics=diagnostics)
    got = outline(doc, [d for d in diagnostics if d.line is not None])
    expected = path.with_suffix(".expected")
    if update_goldens or not expected.exists():
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the seed and its gold

def _units(doc) -> list[dict]:
    """The Document in the gold's simplified form (FORMAT.md), levels aside."""
    out = []
    for b in doc.blocks:
        kind = type(b)
        if kind is Heading:
            out.append({"t": "heading", "text": plain_text(b)})
        elif kind is Paragraph:
            out.append({"t": "para", "text": plain_text(b)})
        elif kind in (BulletList, OrderedList):
            items = [plain_text(n.blocks[0]) for n in walk(b) if type(n) is ListItem]
            out.append({"t": "bullets" if kind is BulletList else "ordered", "items": items})
        elif kind is Table:
            out.append({"t": "table", "header": [plain_text(c) for c in b.header],
                        "rows": [[plain_text(c) for c in r] for r in b.rows]})
        elif kind is References:
            out.append({"t": "references", "items": [plain_text(e) for e in b.entries]})
    return out


def test_the_seed_comes_out_exactly_as_its_gold():
    gold = json.loads((DATA / "seed-china-ai.gold.json").read_text(encoding="utf-8"))
    diagnostics: list = []
    doc = docforge.read(DATA / "seed-china-ai.txt", diagnostics=diagnostics)
    assert doc.meta.title == gold["title"]
    assert list(doc.meta.keywords) == gold["keywords"]
    assert _units(doc) == [{k: v for k, v in b.items() if k != "level"} for b in gold["blocks"]]
    assert all(b.level == 1 for b in doc.blocks if type(b) is Heading)
    # the eight "Link" placeholders are kept as text, each with a diagnostic
    placeholders = [d for d in diagnostics if "'Link' placeholder" in d.message]
    assert len(placeholders) == 8 and all(d.line for d in placeholders)


# ------------------------------------------------------------------ explain and the contract

def test_explain_names_the_deciding_rule_and_lines_for_every_block():
    text = (DATA / "seed-china-ai.txt").read_text(encoding="utf-8")
    decisions = explain(text)
    assert all(isinstance(d, Decision) for d in decisions)
    kinds = Counter(d.kind for d in decisions)
    assert kinds["heading"] == 11 and kinds["table"] == 1 and kinds["references"] == 1
    assert kinds["title"] == 1 and kinds["keywords"] == 1 and kinds["bullet_list"] == 5
    table = next(d for d in decisions if d.kind == "table")
    assert (table.first_line, table.last_line, table.rule) == (43, 49, "pipe_table")
    assert {d.rule for d in decisions} <= RULE_NAMES
    assert all(1 <= d.first_line <= d.last_line for d in decisions)
    assert [d.first_line for d in decisions] == sorted(d.first_line for d in decisions)


RULE_NAMES = {r.__name__ for r in document_rules.DOCUMENT_RULES + block_rules.BLOCK_RULES
              + post_rules.POST_RULES}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_decision_is_named_after_a_rule_of_its_stage(path):
    """What `inspect --explain` shows is the name of the rule function that decided."""
    decisions = explain(path.read_text(encoding="utf-8", errors="replace"))
    assert decisions and {d.rule for d in decisions} <= RULE_NAMES


def test_the_exclamation_heading_rule_is_named_apart_from_the_bare_line_one():
    rules = {d.preview: d.rule for d in explain("T\n\nIntro text here.\n\nStage 2: DRY!\n\n"
                                                "Then the body of that stage follows.\n\n"
                                                "Why now\n\nBecause it is time.\n")}
    assert rules["Stage 2: DRY!"] == "exclamation_heading" and rules["Why now"] == "bare_line_heading"


def test_one_parse_gives_document_and_decisions():
    text = (FIXTURES / "references-variants.txt").read_text(encoding="utf-8")
    result = parse(text)
    doc, diagnostics = read(text)
    assert result.document == doc and result.diagnostics == diagnostics
    block_decisions = [d for d in result.decisions if not d.kind.startswith("meta:")
                       and d.kind not in ("title", "keywords")]
    assert len(block_decisions) == len(doc.blocks)


def test_reader_contract():
    from docforge import formats
    assert formats.get_reader("text") is reader and formats.reader_for_path("a.TXT") == "text"
    assert isinstance(reader, ExplainingReader)
    result: Parsed = reader.parse("Title\nHeading\nBody text.")
    assert result.document.meta.title == "Title"
    first: DecisionProtocol = result.decisions[0]
    assert (first.kind, first.rule, first.first_line, first.last_line, first.preview) == (
        "title", "first_line_title", 1, 1, "Title")
    doc, diagnostics = reader.read("Title\nHeading\nBody text.", None)
    assert doc.meta.title == "Title" and isinstance(diagnostics, list)


def test_every_rule_is_a_documented_function_and_mentions_no_corpus_file():
    rules = (line_rules.LINE_RULES + document_rules.DOCUMENT_RULES + block_rules.BLOCK_RULES
             + post_rules.POST_RULES)
    assert len({r.__name__ for r in rules}) == len(rules)
    for rule in rules:
        assert rule.__doc__ and len(rule.__doc__.strip()) > 10, rule.__name__
    modules = [m for _, m in inspect.getmembers(text_reader, inspect.ismodule)
               if m.__name__.startswith(text_reader.__name__ + ".")]
    assert len(modules) == 8, [m.__name__ for m in modules]
    source = "".join(inspect.getsource(m) for m in [text_reader, *modules])
    for name in ("ropensci", "seed-china", "china-ai", "zh-own", "ja-own", "ru-own"):
        assert name not in source.lower()


# ------------------------------------------------------------------ diagnostics and details

def test_ragged_rows_are_padded_with_line_numbered_diagnostics():
    doc, diagnostics = read("T\nA | B | C |\n---|---|---|\n1 | 2 |\n1 | 2 | 3 | 4 |\nafter.\n")
    table = doc.blocks[0]
    assert len(table.header) == 4 and all(len(r) == 4 for r in table.rows)
    messages = [(d.line, d.message) for d in diagnostics]
    assert (2, "table header has 3 cells, widest row has 4; padded") in messages
    assert (4, "table row has 2 cells, widest row has 4; padded") in messages
    doc, diagnostics = read("T\nA | B | C |\n---|---|---|\n1 | 2 | 3 | 4 |\n1 |\nafter.\n")
    assert any(d.line == 5 for d in diagnostics)
    _, diagnostics = read("T\nA | B | C\n---|---|---\n1 | 2\nafter.\n")
    assert [(d.line, d.message) for d in diagnostics] == [(4, "table row has 2 cells, header has 3; padded")]


def test_citations_link_only_to_existing_references():
    doc, _ = read("T\nIntro\nSee [1], [2, 3], [4-5] and [9].\nReferences\n1. a\n2. b\n3. c\n4. d\n5. e\n")
    cites = [n.ref_id for n in walk(doc) if type(n) is CitationRef]
    assert cites == ["ref-1", "ref-2", "ref-3", "ref-4", "ref-5"]
    assert "[9]" in plain_text(doc.blocks[1])
    doc, _ = read("T\nIntro\nSee [1, 7].\nReferences\n1. a\n2. b\n")
    assert not [n for n in walk(doc) if type(n) is CitationRef]
    assert "[1, 7]" in plain_text(doc.blocks[1])


def test_citation_linking_unpickles_only_the_packed_chunks_with_a_marker(monkeypatch):
    import docforge.readers.text as text_reader
    from docforge import packed
    paragraphs = [f"Paragraph {i} says something, as paragraphs do." for i in range(1000)]
    paragraphs[5] += " See [1]."
    paragraphs[600] += " Also [2], and [7] which no entry has."
    feed = "Title\n\n" + "\n\n".join(paragraphs) + "\n\nReferences\n\n1. First source\n2. Second source\n"
    unpickled = []
    real_loads = packed.pickle.loads

    def counted(rule):
        def run(state):
            monkeypatch.setattr(packed.pickle, "loads", lambda raw: unpickled.append(rule.__name__) or real_loads(raw))
            try:
                rule(state)
            finally:
                monkeypatch.setattr(packed.pickle, "loads", real_loads)
        return run
    monkeypatch.setattr(text_reader, "POST_RULES", tuple(counted(r) for r in text_reader.POST_RULES))
    doc, _ = read(feed)
    assert type(doc.blocks) is packed.Packed and doc.blocks.chunk_count >= 7
    assert unpickled.count("citation_links") == 2  # the chunks of paragraphs 5 and 600
    cites = [(k, n.ref_id) for k, b in enumerate(doc.blocks) for n in walk(b) if type(n) is CitationRef]
    texts = [plain_text(b) for b in doc.blocks]
    assert [(texts[k].split()[1], ref) for k, ref in cites] == [("5", "ref-1"), ("600", "ref-2")]
    assert texts[cites[1][0]].endswith("[7] which no entry has.")  # no entry 7: the marker stays text


def test_reference_urls_and_dois():
    doc, _ = read("T\nSources\n- A. https://a.example/x.\n- B. doi:10.1234/abc\n- C 10.5555/xyz.1\n")
    refs = next(b for b in doc.blocks if type(b) is References)
    assert [r.url for r in refs.entries] == ["https://a.example/x", "https://doi.org/10.1234/abc",
                                             "https://doi.org/10.5555/xyz.1"]
    assert plain_text(refs.entries[0]) == "A. https://a.example/x."  # the URL text is kept too


def test_urls_in_paragraphs_become_links_with_their_exact_text():
    doc, _ = read("T\nHead\nSee https://example.org/a_(b), then more.\n")
    link = next(n for n in walk(doc) if type(n) is Link)
    assert link.url == "https://example.org/a_(b" or link.url.startswith("https://example.org/a_")
    assert plain_text(doc.blocks[1]) == "See https://example.org/a_(b), then more."


def test_unclosed_fence_is_text_not_the_rest_of_the_file():
    doc, _ = read("T\n```\nHeading\nBody text.\n")
    assert not any(type(b) is CodeBlock for b in doc.blocks)
    assert any(type(b) is Heading for b in doc.blocks)


# ------------------------------------------------------------------ properties

def _alnum(text: str) -> Counter:
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if ch.isalnum())


def _document_text(doc) -> str:
    m = doc.meta
    parts = [m.title, m.subtitle, m.date, m.language, *m.authors, *m.keywords,
             *(f"{k} {v}" for k, v in m.extra)]
    for node in walk(doc):
        if type(node) in (Text, Code, CodeBlock):
            parts.append(node.text)
        if type(node) is CodeBlock:
            parts.append(node.language)
        if type(node) is Reference:
            parts.append(node.label)
        if type(node) is OrderedList:
            parts.append(str(node.start))
        if type(node) is CitationRef:  # writers show it as its label
            parts.append(node.ref_id.removeprefix("ref-"))
    return " ".join(parts)


# What the reader treats as markup, not text: field labels, bylines' "By", list markers.
_MARKUP = [
    re.compile(r"(?im)^\s*(title|subtitle|author|authors|by|date|published|keywords|key words|tags|lang"
               r"|language)\s*:"),
    re.compile(r"(?im)^\s*(by)\s"),
    re.compile(r"(?m)^\s*(\(?([0-9]{1,3}|[a-zA-Z]|[ivxlIVXL]{1,5})[.)])(?=\s)"),
    re.compile(r"(?m)^\s*\[[0-9]{1,3}\](?=\s)"),
]


def _content(text: str) -> str:
    text = text.replace("\r", "\n")
    for pattern in _MARKUP:
        text = pattern.sub(" ", text)
    return text


feedish = st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from(["References", "- item", "1. first", "a | b | c", "---|---|", "# Head",
                     "Title: x", "```", "> quote", "", "   ", "\t- tabbed", "参考资料", "x, y, z",
                     "[1] cited [2]", "• dot", "| a |", "2) two", "Keywords: k1, k2", "(a) alpha",
                     "ii. roman", "2.1 Data", "===", "By Jane Doe", "---", "\\escaped", "  continued",
                     "\r\n", "\r", "Link", "See https://x.org/a.", "A) upper", "~~~"])), max_size=40)


@settings(max_examples=200, deadline=None)
@given(feedish)
def test_property_any_text_reads_without_losing_letters_or_digits(lines):
    text = "\n".join(lines)
    doc, diagnostics = reader.read(text)
    assert isinstance(diagnostics, list)
    missing = _alnum(_content(text)) - _alnum(_document_text(doc))
    assert not missing, (missing, outline(doc))


_LINE_STARTS = "\\#=*_>[(0123456789-•–·+・●○■□▪◦‣⁃➢►|:`~ \taAbBiIvVxXlLzé参"


_line_heads = st.sampled_from(["", " ", "\t", "1", "12", "2.1", "(", "[3]", "a", "iv", "B", "xxxviii",
                                "-", "--", "*", "_", "=", "#", "##", ">", "|", "\\", "•", "・", "```"])


@settings(max_examples=500, deadline=None)
@given(st.builds(lambda head, tail: head + tail, _line_heads,
                 st.text(alphabet=_LINE_STARTS + ".) ", max_size=10)) | st.text(max_size=30))
def test_property_the_plain_line_shortcut_never_changes_a_reading(raw):
    """classify_line sends lines MAYBE_MARKED rejects straight to text_line: any rule before
    text_line must agree that such a line is plain text."""
    stripped = raw.strip()
    full = next(found for rule in line_rules.LINE_RULES if (found := rule(raw, stripped)) is not None)
    assert lines.classify_line(1, raw).kind == full[0]
    assert lines.classify_line(1, raw).text == full[1]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=400))
def test_property_any_characters_give_a_document(text):
    doc, diagnostics = reader.read(text)
    assert isinstance(diagnostics, list)
    explain(text)
    missing = _alnum(_content(text)) - _alnum(_document_text(doc))
    assert not missing


def test_control_characters_and_lone_surrogates():
    text = "T\x00\x01\n\ud800 lone\x0b\x0c\x1c\x85\u2028x\nHeading\udfff\n- \x7f item\n"
    doc, _ = reader.read(text)
    assert "lone" in _document_text(doc) and "\ud800" in _document_text(doc)


def _timed(text: str) -> float:
    start = time.perf_counter()
    reader.read(text)
    return time.perf_counter() - start


def test_a_two_megabyte_line_and_a_hundred_thousand_lines_are_linear():
    # growth ratios within one run (10x the input in under 25x the time), never a wall-clock
    # bound: a quadratic reader takes ~100x, and these machines are shared
    def one_line(n: int) -> str:
        return "Title\nword, [1] https://x.org/" + "a" * 50 + " | " + "é " * n
    assert _timed(one_line(1_000_000)) < 25 * max(_timed(one_line(100_000)), 0.05)
    lines = "\n".join(f"{'  ' * (k % 7)}- item {k}" if k % 3 else f"Heading {k}" for k in range(100_000))
    small = "\n".join(lines.split("\n")[:10_000])
    t_small, t_large = _timed(small), _timed(lines)
    assert t_large < 25 * max(t_small, 0.05)


def test_deep_nesting_does_not_recurse():
    text = "T\n" + "\n".join(" " * k + "- item" for k in range(3_000))
    doc, _ = reader.read(text)
    depth, node = 0, doc.blocks[0]
    while type(node) is BulletList:
        depth += 1
        node = node.items[0].blocks[-1]
    assert depth == 3_000
    # with references the citation pass rebuilds the tree too
    doc, _ = reader.read(text + " [1]\nReferences\n1. entry\n")
    assert any(type(n) is CitationRef for n in walk(doc))


def test_pathological_inputs_do_not_raise():
    for text in ["", "\n\n\n", "|", "---|", "```", "> ", "- ", "1.", "[1]", "\\", "#", "# ",
                 "Title: ", "T\n|---|\n| a |", "T\n" + "|" * 10_000, "T\n" + "[" * 10_000 + "1]",
                 "T\n" + "http://" * 10_000, "T\n" + "1. " * 5_000, "\ufeff\ufeffT"]:
        doc, diagnostics = reader.read(text)
        assert isinstance(diagnostics, list)


def test_lists_and_bibliographies_run_past_999_items():
    """Item 1000 continues the list and entry 1500 is its own reference, with a citation
    target (lists stopped at 999: entries 1000-20000 merged into one paragraph)."""
    from docforge.model import CitationRef, OrderedList, References
    from docforge.transforms import prepare
    items = "\n".join(f"{i}. Item number {i} of the list" for i in range(1, 1201))
    doc = reader.read("Title\n\nIntro paragraph.\n\n" + items + "\n", None)[0]
    lists = [b for b in doc.blocks if isinstance(b, OrderedList)]
    assert len(lists) == 1 and len(lists[0].items) == 1200
    refs = "\n".join(f"{i}. Author {i}. Title of work {i}. Journal, 2020." for i in range(1, 20001))
    doc = reader.read("Title\n\nBody text cites [1500] and [19999].\n\nReferences\n" + refs + "\n", None)[0]
    (bibliography,) = [b for b in doc.blocks if isinstance(b, References)]
    assert len(bibliography.entries) == 20000 and bibliography.entries[1499].label == "1500"
    cited = [n.ref_id for n in walk(prepare(doc)) if isinstance(n, CitationRef)]
    assert cited == ["ref-1500", "ref-19999"]


def test_a_year_at_the_start_of_a_line_is_not_a_list_item():
    doc = reader.read("Title\n\nIntro paragraph.\n\n2024. A year to remember for the station.\n\n"
                      "1999) Another one that began with a year.\n", None)[0]
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Paragraph", "Paragraph"]
    assert plain_text(doc.blocks[1]) == "2024. A year to remember for the station."


@pytest.mark.parametrize("last, keywords", [
    ("Thanks for reading", None),
    ("Stockholm, Sweden", None),
    ("Jane Example", None),
    ("newsletter", ("newsletter",)),
    ("tech notes, github", ("tech notes", "github")),
    ("Artificial Intelligence, China, Geopolitics", ("Artificial Intelligence", "China", "Geopolitics")),
    ("Tags: Community Radio", ("Community Radio",)),
    ("人工智能、芯片、政策", ("人工智能", "芯片", "政策")),
    ("谢谢阅读", None),
    ("Photos: Jane Example ; Li Wei, Ana Lima, Tom Sample", None),
    ("Honorable mentions: First Film, Second Film, Third Film, Fourth Film", None),
    ("Rivers, Floods (Natural Disasters), Department of Water Management (Example), Bridges, Rain",
     ("Rivers", "Floods (Natural Disasters)", "Department of Water Management (Example)", "Bridges", "Rain")),
])
def test_a_short_last_line_is_keywords_only_with_evidence(last, keywords):
    """A sign-off or a place line at the end stays in the body; tags, a label or several
    separators make a keyword line."""
    text = f"Title\n\nA first paragraph of the article, long enough to be body text.\n\n{last}\n"
    doc = reader.read(text, None)[0]
    if keywords is None:
        assert doc.meta.keywords == () and plain_text(doc.blocks[-1]) == last
    else:
        assert doc.meta.keywords == keywords and len(doc.blocks) == 1


@pytest.mark.parametrize("byline, authors", [
    ("By Maria E. Costa and Li Wei", ("Maria E. Costa", "Li Wei")),
    ("Von Hans Beispiel und Erika Muster", ("Hans Beispiel", "Erika Muster")),
    ("Par Jean Exemple et Marie Modèle", ("Jean Exemple", "Marie Modèle")),
    ("Por Juan Ejemplo y Ana Modelo", ("Juan Ejemplo", "Ana Modelo")),
    ("Di Mario Esempio", ("Mario Esempio",)),
    ("Door Jan de Voorbeeld en Piet Model", ("Jan de Voorbeeld", "Piet Model")),
    ("Автор: Иван Примеров", ("Иван Примеров",)),
    ("Author: Hans Beispiel und Erika Muster", ("Hans Beispiel", "Erika Muster")),
    ("Authors: Jean Exemple et Marie Modèle", ("Jean Exemple", "Marie Modèle")),
    ("作者：张示例", ("张示例",)),
    ("By 2030, cities will look different", ()),
])
def test_bylines_in_every_language_are_read_under_the_title(byline, authors):
    doc = reader.read(f"Title\n{byline}\nA first paragraph of the article, long enough to be body text.\n", None)[0]
    assert doc.meta.authors == authors
    # a line that is not a byline stays in the body
    assert len(doc.blocks) == (1 if authors else 2)


def test_the_byline_and_dek_reach_the_body_text_of_docx_pdf_and_epub(tmp_path):
    """A byline and dek read into metadata are still shown where readers of each format
    look: in the document body under the title, not only in the file's properties."""
    import zipfile
    from pypdf import PdfReader
    source = FIXTURES / "byline-von-dek.txt"
    docforge.convert(str(source), to=["docx", "pdf", "epub"], output=str(tmp_path))
    docx_text = zipfile.ZipFile(tmp_path / "byline-von-dek.docx").read("word/document.xml").decode("utf-8")
    epub = zipfile.ZipFile(tmp_path / "byline-von-dek.epub")
    epub_text = " ".join(epub.read(n).decode("utf-8") for n in epub.namelist()
                         if n.endswith(".xhtml") and not n.endswith("nav.xhtml"))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "byline-von-dek.pdf").pages)
    for text in (docx_text, epub_text, pdf_text):
        assert "Hans Beispiel" in text and "Erika Muster" in text
        assert "Wie eine Stadt ihren alten Hafen neu erfindet" in text


@pytest.mark.parametrize("field, date", [
    ("Date: 2021-03-04", "2021-03-04"),
    ("Date: March 4, 2021", "March 4, 2021"),
    ("Published: 4. März 2021", "4. März 2021"),
    ("Date: 2021年3月4日", "2021年3月4日"),
    ("Date: 04/03/2021", "04/03/2021"),
    ("date: 2021-03-04T10:00Z", "2021-03-04T10:00Z"),
])
def test_a_date_line_under_a_bare_title_is_the_date(field, date):
    doc = reader.read(f"Title\n{field}\nA first paragraph of the article, long enough to be body text.\n", None)[0]
    assert doc.meta.title == "Title" and doc.meta.date == date
    assert [plain_text(b) for b in doc.blocks] == ["A first paragraph of the article, long enough to be body text."]


@pytest.mark.parametrize("text", [
    # not a date: the sentence is the body's first paragraph
    "Title\nDate: the day of the vote was moved twice.\nMore body text follows here.\n",
    # not directly under the title (a paragraph between)
    "Title\nThe council met on Tuesday and voted.\nDate: 2021-03-04\n",
    # a second date under a title whose header fields gave one
    "Date: 2020-01-01\nTitle\nDate: 2021-03-04\nBody text of the article.\n",
])
def test_a_date_line_elsewhere_stays_body_text(text):
    doc = reader.read(text, None)[0]
    body = " ".join(plain_text(b) for b in doc.blocks)
    assert "Date:" in body and doc.meta.date in ("", "2020-01-01")


def test_fields_under_title_and_byline_are_metadata_in_any_order():
    text = ("Title\nAuthor: Jane Example\nDate: 2021-03-04\nBy Li Wei\nKeywords: harbour, storms\n"
            "Language: en-GB\nSubtitle: not read: a subtitle comes before the byline\nBody text.\n")
    doc = reader.read(text, None)[0]
    m = doc.meta
    assert (m.authors, m.date, m.keywords, m.language) == (("Jane Example", "Li Wei"), "2021-03-04",
                                                           ("harbour", "storms"), "en-GB")
    assert m.subtitle == "not read: a subtitle comes before the byline"
    assert [plain_text(b) for b in doc.blocks] == ["Body text."]
    decided = {d.kind: d.rule for d in explain(text) if d.kind.startswith("meta:")}
    assert decided == {"meta:author": "byline_and_dek", "meta:date": "fields_under_title",
                       "meta:keywords": "fields_under_title", "meta:language": "fields_under_title",
                       "meta:subtitle": "fields_under_title"}


def test_a_date_under_the_title_is_the_date_docx_and_pdf_show(tmp_path):
    """Issue 18: the date line under a feed's title dates the DOCX (its Date paragraph,
    as the language writes it) and the PDF (its title block and creation date)."""
    import zipfile
    from pypdf import PdfReader
    source = tmp_path / "rain.txt"
    source.write_text("Rain Gauges on Every Roof\nDate: 2021-03-04\n"
                      "Every school in the district now keeps a rain gauge on its roof.\n", encoding="utf-8")
    docforge.convert(str(source), to=["docx", "pdf"], output=str(tmp_path))
    docx_xml = zipfile.ZipFile(tmp_path / "rain.docx").read("word/document.xml").decode("utf-8")
    assert re.search(r'<w:pStyle w:val="Date"/>.*?March 4, 2021', docx_xml)
    pdf = PdfReader(tmp_path / "rain.pdf")
    assert "2021" in " ".join(pdf.pages[0].extract_text().split())
    assert pdf.metadata["/CreationDate"].startswith("D:20210304")
    assert "Date:" not in docx_xml


# ----------------------------------------------------------------- compact lines

def _lines_as_a_list(text: str) -> list:
    """The oracle: the reader's former classification, one Line record per line in a list."""
    from docforge.readers.text.lines import FENCE, Line, classify_line, indent_of
    from docforge.readers.text.predicates import collapse
    raw_lines = text.split("\n")
    closable, longest_after = {}, {"`": 0, "~": 0}
    for k in range(len(raw_lines) - 1, -1, -1):
        stripped = raw_lines[k].strip()
        m = FENCE.fullmatch(stripped) if stripped[:1] in ("`", "~") else None
        if m:
            closable[k] = longest_after[m.group(1)[0]] >= len(m.group(1))
            if not m.group(2).strip():
                longest_after[m.group(1)[0]] = max(longest_after[m.group(1)[0]], len(m.group(1)))
    lines, fence = [], None
    for k, raw in enumerate(raw_lines):
        number, stripped = k + 1, raw.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                lines.append(Line(number, "fence_close", stripped, indent_of(raw), stripped, raw))
                fence = None
            else:
                lines.append(Line(number, "code", raw, indent_of(raw), "", raw))
        elif k in closable and not closable[k]:
            lines.append(Line(number, "stray_fence", collapse(stripped), indent_of(raw), "", raw))
        elif k in closable:
            m = FENCE.fullmatch(stripped)
            fence = m.group(1)
            lines.append(Line(number, "fence_open", collapse(m.group(2)), indent_of(raw), fence, raw))
        else:
            lines.append(classify_line(number, raw))
    last = {}
    for k, line in enumerate(lines):
        if line.kind in ("ordered", "bracket_item") and line.marker.isdigit():
            if len(line.marker) > 3 and last.get(line.kind) != int(line.marker) - 1:
                lines[k] = Line(line.number, "text", collapse(line.raw), line.indent, "", line.raw)
            else:
                last[line.kind] = int(line.marker)
    return lines


LINE_SHAPES = ["", "   ", "Plain text line", "  indented text", "\ttabbed", "- item", "* star  item", "• dot",
               "・カタカナ", "1. first", "999. late", "1000. next", "2024. A year", "(a) letter", "iv. roman",
               "[3] Author", "[1000] far", "2.1 Section", "# Hash", "## Closed ##", "#", "> quote", ">",
               "\\escaped", "=====", "-----", "***", "- - -", "a | b", "| a | b |", "--- | ---", ":--|--:",
               "```", "```python", "~~~~", "``` stray", "````", "x\u3000y", "  spaced   words  ", "\x0bodd\x1c"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINE_SHAPES), st.text(alphabet=" \t-*#>|`~0.)[]1aZ:・", max_size=10)),
                max_size=40))
def test_the_line_table_makes_every_line_as_the_list_had_it(shapes):
    from docforge.readers.text.lines import classify
    text = "\n".join(shapes)
    table = classify(text)
    expected = _lines_as_a_list(text)
    assert len(table) == len(expected)
    assert list(table) == expected                      # made in passing
    assert [table[k] for k in range(len(table))] == expected  # made and cached
    assert [table.kind(k) for k in range(len(table))] == [ln.kind for ln in expected]


def test_a_long_feed_reads_into_a_packed_ir_without_losing_text():
    """A 1 MB feed: the blocks, the rows of its table and its references are packed chunks
    (model.Packed, counted here), and every word of the input is in the Document."""
    from docforge import model, packed
    rows = [f"item {i} | {i * 7} | a note about row {i}" for i in range(10000)]
    paragraphs = [f"Paragraph {i} says something long enough to be running text [{i % 50 + 1}]." for i in range(7000)]
    entries = [f"{i}. Author {i}. A study of shaded streets, {2000 + i % 25}. https://example.org/{i}" for i in range(1, 2501)]
    feed = "\n\n".join(["A Long Feed", *paragraphs, "Name | Value | Note\n:--- | ---: | ---\n" + "\n".join(rows),
                        "References", "\n".join(entries)]) + "\n"
    assert len(feed) > 1_000_000
    doc = reader.read(feed, None)[0]
    blocks = doc.blocks
    assert type(blocks) is model.Packed and len(blocks) == 7000 + 3
    assert blocks.chunk_count == -(-len(blocks) // packed.CHUNK)
    table, refs = blocks[-3], blocks[-1]
    assert type(table) is model.Table and type(table.rows) is model.Packed
    assert table.rows.chunk_count == -(-10000 // packed.CHUNK)
    assert type(refs) is model.References and type(refs.entries) is model.Packed
    # no text lost: every paragraph, cell and entry holds what the feed wrote
    paragraph_texts = [model.plain_text(b) for b in blocks if type(b) is model.Paragraph]
    assert paragraph_texts == [f"Paragraph {i} says something long enough to be running text ." for i in range(7000)]
    assert sum(1 for b in blocks[:7000] for i in b.inlines if type(i) is model.CitationRef) == 7000
    assert [tuple(model.plain_text(c) for c in row) for row in table.rows] == [
        (f"item {i}", str(i * 7), f"a note about row {i}") for i in range(10000)]
    assert [(e.label, model.plain_text(Paragraph(e.inlines)), e.url) for e in refs.entries] == [
        (str(i), line.split(". ", 1)[1], f"https://example.org/{i}") for i, line in enumerate(entries, 1)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" |\\\\ab\t", max_size=12))
def test_counting_a_rows_cells_agrees_with_splitting_it(raw):
    assert block_rules._cell_count(raw) == len(block_rules.split_row(raw))


def test_a_long_nested_list_is_read_item_by_item_into_packed_items():
    from docforge import model
    feed = "Many Items\n\nAn intro paragraph that is long enough to be text.\n\n" + "".join(
        f"- item {i}\n" + (f"  - sub item {i}\n" if i % 5 == 0 else "") for i in range(3000))
    items = reader.read(feed, None)[0].blocks[1].items
    assert type(items) is model.Packed and len(items) == 3000
    assert [model.plain_text(item.blocks[0]) for item in items] == [f"item {i}" for i in range(3000)]
    assert [model.plain_text(item.blocks[1]) for item in items if len(item.blocks) > 1] == [
        f"sub item {i}" for i in range(0, 3000, 5)]
