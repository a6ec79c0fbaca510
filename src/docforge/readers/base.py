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
    """Why a block was read as it was: its kind, first and last input line, the rule.
    (Read-only members, so any record or object with these fields satisfies it.)"""
    @property
    def kind(self) -> str: ...
    @property
    def preview(self) -> str: ...
    @property
    def first_line(self) -> int: ...
    @property
    def last_line(self) -> int: ...
    @property
    def rule(self) -> str: ...


class Parsed(Protocol):
    """What ExplainingReader.parse returns: the document, its diagnostics, the decisions."""
    @property
    def document(self) -> Document: ...
    @property
    def diagnostics(self) -> Sequence[Diagnostic]: ...
    @property
    def decisions(self) -> Sequence[Decision]: ...


@runtime_checkable
class ExplainingReader(Reader, Protocol):
    """A reader that can say which rule decided each block (`docforge inspect --explain`)."""

    def parse(self, text: str) -> Parsed: ...
