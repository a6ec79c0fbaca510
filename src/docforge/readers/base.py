"""The reader contract: decoded text in, a Document and diagnostics out.

A reader never drops text: what it cannot map to the IR becomes text plus a diagnostic.
Diagnostics carry line numbers where the input has lines. A reader never writes files.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from ..errors import Diagnostic
from ..model import Document
from ..options import ReadOptions


@runtime_checkable
class Reader(Protocol):
    """Every reader: `read(text, options)` -> (Document, diagnostics)."""

    def read(self, text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]: ...


class Decision(Protocol):
    """Why a block was read as it was: its kind, first and last input line, the rule."""
    kind: str
    preview: str
    first_line: int
    last_line: int
    rule: str


class Parsed(Protocol):
    document: Document
    diagnostics: Sequence[Diagnostic]
    decisions: Sequence[Decision]


@runtime_checkable
class ExplainingReader(Reader, Protocol):
    """A reader that can say which rule decided each block (`docforge inspect --explain`)."""

    def parse(self, text: str) -> Parsed: ...
