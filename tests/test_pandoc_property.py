"""Random pandoc ASTs (tests/pandoc_strategies.py) read by docforge's JSON reader and written
to every writer in the format table: every word of the AST's text is in what the output
reads back as (issue 13: "a property test converts random pandoc ASTs through docforge to
every writer and asserts that every word of text survives").

The expected words come from the AST itself (pandoc_strategies.shown_text), not from
docforge's reading of it. The words of raw blocks and inlines are excepted only when the
writer said, in a diagnostic, that it left raw markup out. Outputs are read back as
tests/test_properties.py reads them (HTML and EPUB text, python-docx with the footnotes,
pypdf inside the frame); the JSON output by the same oracle as the input. PDF words count
only where an embedded font can draw them, as there. A Math's words count as kept when
they are in the read-back joined, in order (pandoc's writers without TeX math show
"b^{3}" as "b3"). `make fuzz` runs more examples.
"""
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, reject, settings

import docforge
from docforge import formats
from docforge.options import WriteOptions
from conftest import run_pandoc
from pandoc_strategies import documents, raw_text, shown_text, without_numbers
from test_properties import (LONG, READ_BACK, _TextOf, _direction_runs, _pdf_fonts, hang_guard, words)

PROPERTY = settings(max_examples=400 if LONG else 25, deadline=None, suppress_health_check=list(HealthCheck))


def _json_read_back(data: bytes) -> str:
    ast = json.loads(data)
    return shown_text(ast) + " " + raw_text(ast)


class _ShownText(_TextOf):
    """An HTML page's text as test_properties reads it, and its images' alt text, which a
    reader of the page is given in their place."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "img" and not self.skipping:
            self.parts.append(" " + (dict(attrs).get("alt") or "") + " ")


def _through_pandoc(fmt: str):
    """What pandoc reads from a bridge format, as the HTML page it makes of it (TeX math
    kept as TeX by --mathjax): the text of a page, not Markdown, whose raw HTML (the
    <figure> of a highlighted code block, "01" split into spans) hides words in its tags."""
    def read(data: bytes) -> str:
        from pypandoc import get_pandoc_path
        page = run_pandoc(get_pandoc_path(), ["-f", fmt, "-t", "html", "--mathjax"], data).decode()
        parser = _ShownText()
        parser.feed(page)
        parser.close()
        return "".join(parser.parts)
    return read


def read_back(fmt: str, data: bytes) -> str:
    if fmt == "json":
        return _json_read_back(data)
    return (READ_BACK.get(fmt) or _through_pandoc(fmt))(data)


# docforge's own writers in `make test`; in `make fuzz` also the bridge's that pandoc reads
# back (pandoc renders those, so an example costs four pandoc runs: what pandoc's own round
# trip through the format loses is not asked of docforge, see lost_words).
BRIDGE_READ_BACK = ("markdown", "rst", "org", "latex", "mediawiki", "docbook", "jats", "odt",
                    "textile", "typst", "asciidoc_legacy")
WRITERS = sorted(n for n in formats.names("writer") if formats.lookup(n).origin != "pandoc") + \
    [n for n in BRIDGE_READ_BACK if n in formats.names("writer")][:None if LONG else 0]


def lost_words(ast: dict, fmt: str, data: bytes, diagnostics) -> list[str]:
    expected = words(shown_text(ast))
    # pandoc's writers keep or drop raw markup by their own rules (raw TeX in an HTML-style
    # figure of Markdown is dropped), without saying so: raw words are asked of docforge's
    # own writers only, and of those only when no diagnostic said they were left out.
    bridged = formats.lookup(fmt).origin == "pandoc"
    raw_dropped = bridged or any("raw" in d.message.lower() for d in diagnostics)
    if not raw_dropped:
        expected += words(raw_text(ast))
    if bridged:
        # pandoc's own round trip through a format loses what its writer and reader cannot
        # agree on (a <figure>'s code block in Markdown, a definition term holding a line
        # break), or cannot read back at all (some LaTeX and RST it writes): docforge's
        # bridge is asked for every word pandoc's own conversion of the same AST keeps
        # through that format, and nothing of an AST whose own round trip fails
        from pypandoc import get_pandoc_path
        own = run_pandoc(get_pandoc_path(), ["-f", "json", "-t", fmt, "-s"], json.dumps(ast).encode())
        try:
            kept_by_pandoc = words(read_back(fmt, own))
        except AssertionError:  # run_pandoc: pandoc's reader refused pandoc's writer's output
            reject()
        lost_by_pandoc = Counter(expected) - Counter(kept_by_pandoc)
        text = read_back(fmt, data)
        lost = Counter(expected) - Counter(words(text)) - lost_by_pandoc
        # A writer without TeX math (DocBook, JATS...) renders it as text, a superscript
        # joined to its base: "b^{3}" reads "b3", one word for the two of the TeX. pandoc's
        # own output of the AST kept "b" and "3" apart only when the Math sat in a bare
        # Plain, which DocBook writes unwrapped and pandoc reads back as separate
        # paragraphs; docforge's IR makes that a paragraph. So a Math's words count as
        # kept when they are in the read-back in their order, joined (make fuzz, docbook).
        squeezed = "".join(words(text))
        for tex in _maths(ast):
            if "".join(words(tex)) in squeezed:
                lost -= Counter(words(tex))
        return sorted(lost.elements())
    text = read_back(fmt, data)
    if fmt == "pdf":  # as in test_properties: drawable words, right-to-left runs in visual order
        fonts = _pdf_fonts()
        squeezed = "".join(words(text))
        return [w for w in expected if all(fonts(ch) for ch in w)
                and any(run not in squeezed and run[::-1] not in squeezed for run in _direction_runs(w))]
    return sorted((Counter(expected) - Counter(words(text))).elements())


def test_the_strategy_makes_asts_pandoc_accepts(pandoc):
    """The ASTs are pandoc's own kind: pandoc reads every one (and writes it as JSON again)."""
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(documents())
    def check(ast):
        out = json.loads(run_pandoc(pandoc, ["-f", "json", "-t", "json"], json.dumps(ast).encode()))
        assert len(out["blocks"]) == len(ast["blocks"])
    check()


# A figure holding a highlighted code block and an image: with raw HTML, pandoc's Markdown
# writes it as a <figure> whose code is split into spans ("01" is <span>0</span><span>1</span>)
# and whose image's words are only in its alt attribute (make fuzz found the first).
_FIGURE_WITH_CODE = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Figure", "c": [
    ["", [], []],
    [None, [{"t": "Plain", "c": [{"t": "Str", "c": "caption&amp;"}, {"t": "Space"}, {"t": "Str", "c": "<a>x</a>"}]}]],
    [{"t": "CodeBlock", "c": [["", ["python"], []], "x = 01\nprint(<b>)"]},
     {"t": "Plain", "c": [{"t": "Image", "c": [["", [], []], [{"t": "Str", "c": "alt&lt;word"}], ["a.png", ""]]}]}]]}]}


def test_the_oracle_sees_the_words_pandoc_shows(pandoc):
    """shown_text holds only words pandoc itself holds: every word of it is in pandoc's
    Markdown of the AST (Markdown keeps all of a document's text; without the citations
    extension, which would drop a Div "refs", a Cite is its rendering there, so the words
    of Cites, which docforge shows otherwise, are not asked for; without raw_html, so that
    a figure is a fenced div of Markdown, not HTML whose tags split and hide words)."""
    @settings(max_examples=300 if LONG else 10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(documents())
    @example(_FIGURE_WITH_CODE)
    def check(ast):
        markdown = run_pandoc(pandoc, ["-f", "json", "-t", "markdown-citations-raw_html", "--wrap=none"],
                              json.dumps(ast).encode())
        squeezed = "".join(words(markdown.decode()))
        cites = set(words(json.dumps(list(_cites(ast)), ensure_ascii=False)))
        missing = [w for w in words(shown_text(ast)) if w not in squeezed and w not in cites]
        assert not missing, missing
    check()


def _maths(value):
    """The TeX of every Math in an AST value."""
    if isinstance(value, dict):
        if value.get("t") == "Math":
            yield value["c"][1]
            return
        for v in value.values():
            yield from _maths(v)
    elif isinstance(value, list):
        for v in value:
            yield from _maths(v)


def _cites(value):
    if isinstance(value, dict):
        if value.get("t") == "Cite":
            yield value
        for v in value.values():
            yield from _cites(v)
    elif isinstance(value, list):
        for v in value:
            yield from _cites(v)


# Math in a bare Plain: DocBook renders it as text, "b<superscript>3</superscript>" reads
# "b3", while pandoc's own output of the bare Plain read back as separate pieces (make fuzz)
_MATH_AS_TEXT = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [
    {"t": "Plain", "c": [{"t": "Math", "c": [{"t": "InlineMath"}, "b^{3} + a + x"]}]}]}


@pytest.mark.parametrize("fmt", WRITERS)
def test_property_random_pandoc_asts_lose_no_word_in_any_writer(fmt):
    @PROPERTY
    @given(documents())
    @example(_MATH_AS_TEXT)
    def check(ast):
        with hang_guard():
            doc = docforge.read(json.dumps(ast, ensure_ascii=False).encode("utf-8"), "json")
            diagnostics: list = []
            data = docforge.write(doc, fmt, diagnostics=diagnostics,
                                  options=WriteOptions(standalone=True))  # pandoc's formats keep the title only with -s
            lost = lost_words(ast, fmt, data, diagnostics)
        assert not lost, f"{fmt} lost {lost[:10]}"
    check()


def test_property_docforge_json_of_random_asts_survives_pandoc_unchanged(pandoc):
    """docforge's JSON of any document read from pandoc reads back to the same document (but
    for the note and figure numbers prepare gives again), and so does pandoc's rewriting of it."""
    from docforge.transforms import prepare

    @PROPERTY
    @given(documents())
    def check(ast):
        doc = docforge.read(json.dumps(ast).encode(), "json")
        data = docforge.write(doc, "json")
        back = docforge.read(data, "json")
        assert back == without_numbers(prepare(doc))
        again = run_pandoc(pandoc, ["-f", "json", "-t", "json"], data)
        assert docforge.read(again, "json") == back
    check()


def test_math_pandoc_renders_as_text_is_not_a_lost_word(pandoc):
    """The make-fuzz case in `make test`: DocBook (a bridge format, fuzzed only by make
    fuzz) shows the Math of _MATH_AS_TEXT as "b3 + a + x"; its words are all kept, joined."""
    doc = docforge.read(json.dumps(_MATH_AS_TEXT).encode(), "json")
    data = docforge.write(doc, "docbook", options=WriteOptions(standalone=True))
    assert "b3" in words(read_back("docbook", data))
    assert lost_words(_MATH_AS_TEXT, "docbook", data, []) == []
