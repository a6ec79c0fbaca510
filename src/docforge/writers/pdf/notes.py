"""Footnotes in the PDF, set as end-notes: the registry of the notes met while rendering,
and the paragraph that starts a note.

reportlab has no footnote mechanism (nothing reserves room at a page's foot for the notes
of the lines placed on it), so the notes go to a "Notes" section (render.py places it
before the References). `NoteRegistry` keeps each note once, in the order its marker was
rendered, with the two link destinations: the note (`id`) and its marker (`back_id`,
empty when the marker sits inside a link, where no second link can be made). Every
destination a link points at must be drawn, or reportlab fails when it saves the file:
a renderer that throws away flowables it rendered (tables.py, a table written as
paragraphs after all) rewinds the registry to a `mark()` taken before. `NoteParagraph`
is a note's first paragraph: its number (the bullet) links back to the marker. This
module never renders IR nodes.
"""
from __future__ import annotations

from typing import NamedTuple

from reportlab.pdfbase.pdfmetrics import stringWidth

from .images import ImageLineParagraph


class NoteEntry(NamedTuple):
    label: str        # what the marker and the note show ("1")
    id: str           # the note's destination
    back_id: str      # the marker's destination, "" when the marker cannot link
    blocks: tuple


class NoteRegistry:
    """Notes in marker order; a note rendered twice (a caption repeated) is kept once."""

    def __init__(self, taken: set[str]) -> None:
        self.entries: list[NoteEntry] = []
        self._by_label: dict[str, int] = {}
        self._taken = taken
        self._prefix: str | None = None

    def _id_prefix(self) -> str:
        """"note-", or a longer prefix when the document's own ids already use it."""
        if self._prefix is None:
            prefix = "note-"
            while any(id_.startswith(prefix) for id_ in self._taken):
                prefix = "df-" + prefix
            self._prefix = prefix
        return self._prefix

    def register(self, label: str, blocks: tuple, can_link_back: bool) -> tuple[NoteEntry, bool]:
        """The entry for a note (new, or the one of that label) and whether it is new."""
        index = self._by_label.get(label) if label else None
        if index is not None:
            return self.entries[index], False
        number = len(self.entries) + 1
        label = label or str(number)  # an unprepared document: numbered in marker order
        prefix = self._id_prefix()
        entry = NoteEntry(label, f"{prefix}{number}", f"{prefix}{number}-ref" if can_link_back else "", blocks)
        self._by_label[label] = len(self.entries)
        self.entries.append(entry)
        return entry, True

    def mark(self) -> int:
        return len(self.entries)

    def rewind(self, mark: int) -> None:
        """Forget the notes registered since `mark` (their markers were thrown away)."""
        for entry in self.entries[mark:]:
            self._by_label.pop(entry.label, None)
        del self.entries[mark:]


class NoteParagraph(ImageLineParagraph):
    """A paragraph whose bullet (the note's number) links to `back` (the marker's
    destination); an image-line paragraph, since the note's text may hold images."""

    def __init__(self, text, style, bulletText=None, frags=None, caseSensitive=1, encoding="utf8", back=""):
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self._df_back = back

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts:  # the bullet stays with the first part, and so does its link
            parts[0]._df_back = self._df_back
        return parts

    def draw(self):
        super().draw()
        bullet = self.bulletText
        if self._df_back and isinstance(bullet, str) and bullet:
            style = self.style
            left = style.bulletIndent
            right = left + stringWidth(bullet, style.bulletFontName, style.bulletFontSize)
            top = self.height - self.first_line_drop()
            self.canv.linkRect("", self._df_back, (left, top - style.leading, right, top), relative=1)
