"""Layout rules the paged writers (DOCX, PDF) share, so their tables look alike.

Pure arithmetic on text lengths: nothing here knows a format or draws anything.
"""
from __future__ import annotations

from typing import NamedTuple


class ColumnText(NamedTuple):
    """All the widths depend on of one column's texts, which a long table can measure row
    by row instead of keeping every text: the longest word, the characters, the texts."""
    longest_word: int
    characters: int
    texts: int


def column_widths(texts_by_column: list[list[str]], total: float, char_width: float,
                  padding: float) -> list[float]:
    """Share `total` between columns by content (`measured_column_widths`)."""
    return measured_column_widths(
        [ColumnText(max((len(w) for t in texts for w in t.split()), default=0), sum(len(t) for t in texts),
                    len(texts)) for texts in texts_by_column], total, char_width, padding)


def measured_column_widths(columns: list[ColumnText], total: float, char_width: float,
                           padding: float) -> list[float]:
    """Share `total` between columns by content, the same way in DOCX and PDF: first each
    column gets room for its longest word (capped at 18 characters: longer words wrap), then
    the rest goes in proportion to each column's average text length (capped, so one long
    column cannot starve the others). When even the words do not fit, they shrink alike."""
    needs, weights = [], []
    for column in columns:
        needs.append(min(max(column.longest_word, 1), 18) * char_width + padding)
        weights.append(min(60.0, max(1.0, column.characters / max(1, column.texts))))
    need = sum(needs)
    if need >= total:
        widths = [n * total / need for n in needs]
    else:
        extra = total - need
        widths = [n + extra * w / sum(weights) for n, w in zip(needs, weights)]
    return _with_floor(widths, total, min(padding * 1.5, total / len(widths)))


def _with_floor(widths: list[float], total: float, floor: float) -> list[float]:
    """No column narrower than `floor` (its padding plus a character): the room comes from
    the columns above the floor, in proportion to their width."""
    low = [w < floor for w in widths]
    if not any(low):
        return widths
    spare = total - floor * sum(low)
    above = sum(w for w, is_low in zip(widths, low) if not is_low)
    return [floor if is_low else w * spare / above for w, is_low in zip(widths, low)]
