"""The plain-text article reader: unmarked feed text -> the IR, with the reason for each block.

A feed is an article with its markup stripped: a title line, bare-line headings, one
paragraph per line (or blank-line separated, or hard-wrapped), `- * •` bullets,
`1.` items, pipe tables (with or without a header separator), a References section and
a trailing keyword line; or the txt output of a web-extraction tool (trafilatura), one
block per line, where short paragraphs (fields, captions, credits, code) look like headings. The reader
recovers that structure in four stages, each an ordered tuple of small named rules (the
markdown-it-py `rules_block` / mistune style), each rule documented by the input it
matches; `explain()` reports, per block, the name of the rule that decided it.

| stage    | rules                         | over                         | module            |
|----------|-------------------------------|------------------------------|-------------------|
| line     | line_rules.LINE_RULES         | one line alone -> its kind   | lines, line_rules |
| document | document_rules.DOCUMENT_RULES | all lines: metadata, layout  | document_rules    |
| block    | block_rules.BLOCK_RULES       | a position -> one block      | block_rules       |
| post     | post_rules.POST_RULES         | the finished block list      | post_rules        |

state.py holds what one parse builds; predicates.py the tests on a line's text they
share (heading-like? keywords? names?); inline.py URLs, DOIs and `[n]` markers.

Nothing is dropped: every non-blank line ends up in the title, the metadata or a block
(markers such as `- `, `1.`, `#`, `|` and field labels are markup, not text). Any string
gives a Document and diagnostics, never an exception; every stage is linear in the input
and nothing recurses, so a 2 MB line or 100,000 lines are fine. No rule depends on
English capitalisation alone: CJK lines are measured in characters.

An editor forces a reading with explicit markup: `# Heading`, a blank line between
blocks, or a leading backslash (`\\Not a heading`) for a paragraph.
"""
from __future__ import annotations

from ...errors import Diagnostic
from ...model import Document
from ...options import ReadOptions
from ...validate import vouch
from .block_rules import read_blocks
from .document_rules import DOCUMENT_RULES
from .lines import classify, normalize_newlines
from .post_rules import POST_RULES
from .state import Decision, ParseResult, ParseState

__all__ = ["Decision", "ParseResult", "TextReader", "explain", "parse", "read", "reader"]


def parse(text: str, previews: bool = True, decisions: bool = True) -> ParseResult:
    """One parse: the Document, its diagnostics and the decision behind each block (with
    `previews`, each decision also quotes the start of its block, for --explain; without
    `decisions`, none is kept)."""
    state = ParseState(classify(normalize_newlines(text)), previews, decisions)
    for rule in DOCUMENT_RULES:
        rule(state)
    read_blocks(state)
    for rule in POST_RULES:
        rule(state)
    return state.result()


class TextReader:
    """The `text` reader: feed text in, Document and diagnostics out (see the module doc)."""

    def read(self, text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
        result = parse(text, previews=False, decisions=False)  # nobody reads them
        return vouch(result.document), result.diagnostics

    def explain(self, text: str) -> list[Decision]:
        """Per block (and metadata field), the rule that decided it and its input lines."""
        return parse(text).decisions

    def parse(self, text: str) -> ParseResult:
        return parse(text)


def read(text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
    return reader.read(text, options)


def explain(text: str) -> list[Decision]:
    return reader.explain(text)


reader = TextReader()
