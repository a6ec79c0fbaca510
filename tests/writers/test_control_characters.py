"""Issue 18: one rule for control characters in text, in every built-in writer (xmltext).

A control character that separates text (vertical tab, form feed, U+001C-U+001F, NEL) is
written as a space, so the words either side stay apart; tab, LF and CR are the whitespace
they are; every other C0/C1 control and DEL is dropped, so a stray one inside a word leaves
the word whole. Whatever is left out is counted in the one dropped-characters diagnostic.
`make fuzz` found a form feed in link text read back as "0 0" from DOCX and "00" elsewhere.
"""
from __future__ import annotations

import re

import pytest

import docforge
from docforge import formats
from docforge.model import Cell, Document, Heading, Link, Note, Paragraph, Table, Text
from test_properties import READ_BACK

KEPT = "\t\n\r"                                      # whitespace, kept
SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"          # written as a space
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7f, 0xa0)]]
WRITERS = [n for n in formats.names("writer") if formats.lookup(n).origin == "builtin"]
# one pair of syllables per place a text can be: "para" is the word when the control between
# its halves is dropped, "pa" and "ra" when it separates
PLACES = ("para", "link", "cell", "head", "note")
WORD = re.compile(r"[^\W_]+")


def _split(word: str, char: str) -> str:
    return f"{word[:2]}{char}{word[2:]}"


def _document(char: str) -> Document:
    return Document(blocks=(
        Heading(1, (Text(_split("head", char)),)),
        Paragraph((Text(_split("para", char) + " and "), Link((Text(_split("link", char)),), "https://example.org/"),
                   Text(" after"), Note((Paragraph((Text(_split("note", char)),)),)))),
        Table(header=(Cell((Text("col"),)),), rows=((Cell((Text(_split("cell", char)),)),),), aligns=("default",)),
    ))


def _read_back_words(fmt: str, char: str) -> tuple[list[str], list]:
    diagnostics: list = []
    data = docforge.write(_document(char), fmt, diagnostics=diagnostics)
    return WORD.findall(READ_BACK[fmt](data).casefold()), diagnostics


def test_every_builtin_writer_has_a_read_back():
    assert set(WRITERS) == set(READ_BACK)


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_control_character_reads_back_the_same_words(fmt, char):
    found, diagnostics = _read_back_words(fmt, char)
    for word in PLACES:
        if char in KEPT or char in SEPARATORS:  # the words either side stay apart
            assert word[:2] in found and word[2:] in found and word not in found, (word, found)
        else:  # dropped: the word is whole again
            assert word in found and word[:2] not in found, (word, found)
    messages = [d.message for d in diagnostics if "control character" in d.message]
    if char in KEPT:
        assert messages == []
    else:  # each place's text is written once: five characters left out, in one diagnostic
        assert len(messages) == 1 and messages[0].startswith("dropped 5 control character(s)"), messages
