"""The block stage of the feed reader: at each body line, the first rule of BLOCK_RULES
that applies reads one block and says where the next one starts.

In order: fenced code; setext and `#` headings (authoritative); rules; pipe tables
(header row + separator; ragged rows padded with a diagnostic; `\\|` is a literal pipe),
and `| a | b |` rows without a separator as a table without header (web-extraction tools
write headerless tables so); the entries after a References-like heading (References,
Sources, Bibliography, Notes, Further reading, Works cited, 参考文献, 参考资料 ...) as a
References block, URLs and DOIs into Reference.url; numbered section headings (`2.1 Data`
-> level 2; a lone `1. Introduction` or `1. Name the problem.` followed by body text, or
`3.` right after numbered sections 1 and 2); a lone typed `•`/`*` line between paragraphs
as a paragraph; lists nested by indentation with wrapped continuation lines (a change of
bullet character starts a new list; an indented capitalised line after an item is a new
block unless the text is hard-wrapped); quotes; a References-like heading line; then the
short lines that look like headings but are paragraphs (code, sentence fragments, asides,
captions, button text, datelines, scores, fields, credits, lines without the page's
permalink sign, repeated labels and their values, indented labels, runs of five or more);
ALL-CAPS lists, colon labels over running text and `Title | 14 Photos` as headings;
bare-line headings (see predicates.looks_like_heading; two heading-like lines in a row
are both headings, a section and its first subsection); paragraphs.

Web-extracted feeds (trafilatura's txt) write every <p> on a line of its own, so short
paragraphs look like bare headings; the rules between references_heading and
bare_line_heading name the shapes such lines have. Each emits the paragraph under its
own name, so `inspect --explain` says why a heading-like line is not a heading.

Paragraphs: in blank-separated text a run of lines is one paragraph (a short heading atop
a longer line is split off); in hard-wrapped text without blank lines a line continues
the previous one only if its first word would not have fitted on it (a greedy wrapper
moved it down), so headings and short paragraph ends stay apart. Wide (CJK) characters
count two columns and are joined without a space.

Each rule is `(state, pos) -> position after what it consumed`, or None when it does not
apply; it emits its block through `state.emit` under its own name, the name `docforge
inspect --explain` shows. A rule never drops a line it consumes, never recurses, and
never looks further ahead than the block it reads (lookahead is O(1) through
`state.next_nonblank`), so the stage is linear.
"""
from __future__ import annotations

import re
from array import array
from typing import Callable, Optional

from ...model import (BulletList, Cell, CodeBlock, Heading, ListItem, OrderedList, PackedBuilder, Paragraph, Quote,
                      Reference, References, Table, Text, ThematicBreak, plain_text)
from ...records import replace
from .inline import parse_inlines, urls_in
from .line_rules import UNESCAPED_PIPE
from .lines import BLANK, Line
from .predicates import (MAX_HEADING_CHARS, all_caps, collapse, core_end, is_reference_heading, join_wrapped,
                         label_and_value, looks_like_attribution, looks_like_caption, looks_like_ui_text, looks_like_code, looks_like_dateline, looks_like_photo_credit,
                         permalink_mark,
                         looks_like_exclamation_heading, looks_like_field, looks_like_heading, looks_like_score,
                         FRAGMENT_START, starts_with_function_word, wrapped_whole, wraps_into)
from .state import HEADING_KINDS, ParseState


def fenced_code(state: ParseState, pos: int) -> Optional[int]:
    """```lang ... ``` (or ~~~): a code block, kept verbatim."""
    line = state.lines[pos]
    if line.kind != "fence_open":
        return None
    end = pos + 1
    while end < len(state.lines) and state.lines[end].kind != "fence_close":
        end += 1
    code = "\n".join(ln.raw for ln in state.lines(pos + 1, end))
    last = state.lines[min(end, len(state.lines) - 1)]
    state.emit(CodeBlock(code, line.text), "code", "fenced_code", line, last, code)
    return end + 1


def stray_fence(state: ParseState, pos: int) -> Optional[int]:
    """A ``` line that no later fence closes: kept as a paragraph, with a diagnostic."""
    line = state.lines[pos]
    if line.kind != "stray_fence":
        return None
    state.warn("code fence is never closed; read as text", line.number)
    state.emit(Paragraph(parse_inlines(line.text)), "paragraph", "stray_fence", line, line)
    return pos + 1


def setext_heading(state: ParseState, pos: int) -> Optional[int]:
    """`Heading` over `=====` (level 1) or `-----` (level 2)."""
    line = state.lines[pos]
    if line.kind not in ("text", "section_number") or pos + 1 >= state.end:
        return None
    under = state.lines[pos + 1]
    if under.kind != "underline" or (under.marker == "-" and len(line.text) > MAX_HEADING_CHARS):
        return None
    _heading(state, 1 if under.marker == "=" else 2, line.text, "setext_heading", line, under, explicit=True)
    return pos + 2


def hash_heading(state: ParseState, pos: int) -> Optional[int]:
    """`# Heading` .. `###### Heading`: level from the number of `#`."""
    line = state.lines[pos]
    if line.kind != "hash_heading":
        return None
    _heading(state, len(line.marker), line.text, "hash_heading", line, line, explicit=True)
    return pos + 1


def thematic_break(state: ParseState, pos: int) -> Optional[int]:
    """`***`, `---`, `___` on their own: a horizontal rule."""
    line = state.lines[pos]
    if line.kind not in ("rule", "underline"):
        return None
    if line.kind == "underline" and line.marker == "=":
        state.emit(Paragraph((Text(line.text),)), "paragraph", "thematic_break", line, line)
    else:
        state.emit(ThematicBreak(), "rule", "thematic_break", line, line, line.text)
    return pos + 1


def pipe_table(state: ParseState, pos: int) -> Optional[int]:
    """`A | B |` over `---|---|`, then one row per line while lines hold a pipe."""
    line = state.lines[pos]
    if pos + 1 >= state.end or state.lines[pos + 1].kind != "table_sep":
        return None
    if not UNESCAPED_PIPE.search(line.raw):
        return None
    aligns = [align_of(spec) for spec in split_row(state.lines[pos + 1].raw)]
    # two passes over the rows: the width first, then each row read, padded and packed as
    # it comes, so no list of every row's strings or cells is ever held
    header = split_row(line.raw)
    width, rows, end = len(header), 1, pos + 2
    while end < state.end and state.lines[end].kind not in ("blank", "fence_open") and (
            UNESCAPED_PIPE.search(state.lines[end].raw)) and not _heads_a_table(state, end):
        if state.lines[end].kind != "table_sep":
            width = max(width, _cell_count(state.lines[end].raw))
            rows += 1
        end += 1
    header_width = len(header)
    header_cells = _cells(state, header, line.number, width, header_width, header=True)
    body = PackedBuilder()
    for k in range(pos + 2, end):
        ln = state.lines[k]
        if ln.kind != "table_sep":
            body.append(_cells(state, split_row(ln.raw), ln.number, width, header_width))
    aligns = (aligns + ["default"] * width)[:width]
    state.emit(Table(header_cells, body.build(), tuple(aligns)), "table", "pipe_table", line,
               state.lines[end - 1], f"{width} columns x {rows} rows")
    return end


def _heads_a_table(state: ParseState, pos: int) -> bool:
    """Whether the line at `pos` is the header row of a table of its own (a separator
    follows it): two tables on consecutive lines are two tables."""
    return pos + 1 < state.end and state.lines[pos + 1].kind == "table_sep" and state.lines[pos].kind != "table_sep"


def _cells(state: ParseState, row: list[str], number: int, width: int, header_width: int,
           header: bool = False) -> tuple:
    """One row's cells, padded to `width` with a diagnostic when it is short."""
    if len(row) < width:
        if header:
            state.warn(f"table header has {len(row)} cells, widest row has {width}; padded", number)
        elif width == header_width:
            state.warn(f"table row has {len(row)} cells, header has {header_width}; padded", number)
        else:
            state.warn(f"table row has {len(row)} cells, widest row has {width}; padded", number)
        row.extend([""] * (width - len(row)))
    return tuple(Cell(parse_inlines(c)) for c in row)


def is_pipe_row(line: Line) -> bool:
    """`| a | b |` (leading indentation allowed): a line that opens and closes with a pipe."""
    text = line.raw.strip()
    return (line.kind == "table_row" and len(text) >= 2 and text[0] == "|" and text[-1] == "|"
            and not text.endswith("\\|"))


def pipe_rows_table(state: ParseState, pos: int) -> Optional[int]:
    """Rows written `| a | b |` with no separator line under a header, as web-extraction
    tools write tables whose page gave no header row: a table without a header, one row
    per line, however many cells (a one-cell `| Source: Example |` layout table too).
    Rows may be indented, and blank or whitespace-only lines between rows do not end
    the table; a row with a separator under it starts a table of its own."""
    line = state.lines[pos]
    if not is_pipe_row(line) or _heads_a_table(state, pos):
        return None
    positions = array("q")  # the rows' line indices: the width first, then the rows (see pipe_table)
    width = 0
    end = last = pos
    while end < state.end:
        ln = state.lines[end]
        if ln.kind == "blank":
            nxt = state.next_nonblank[end]
            if nxt < state.end and is_pipe_row(state.lines[nxt]) and not _heads_a_table(state, nxt):
                end = nxt
                continue
            break
        if not is_pipe_row(ln) or (positions and _heads_a_table(state, end)):
            break
        width = max(width, _cell_count(ln.raw))
        positions.append(end)
        last = end
        end += 1
    body = PackedBuilder()
    for k in positions:
        ln = state.lines[k]
        body.append(_cells(state, split_row(ln.raw), ln.number, width, 0))
    state.emit(Table((), body.build(), ("default",) * width), "table", "pipe_rows_table", line,
               state.lines[last], f"{width} columns x {len(positions)} rows, no header")
    return last + 1


def _row_text(raw: str) -> str:
    """A row's line without its outer pipes."""
    text = raw.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return text


def _cell_count(raw: str) -> int:
    """How many cells split_row finds in `raw` (without making them)."""
    if "\\" in raw:  # an escaped pipe is no separator
        return len(UNESCAPED_PIPE.findall(_row_text(raw))) + 1
    text = raw.strip()
    count = text.count("|") + 1
    if text[:1] == "|":  # the outer pipes, as _row_text drops them
        count -= 1
        if len(text) > 1 and text[-1] == "|":
            count -= 1
    elif text[-1:] == "|":
        count -= 1
    return count


def split_row(raw: str) -> list[str]:
    """`| a | b \\| c |` -> ["a", "b | c"]: outer pipes optional, `\\|` a literal pipe."""
    return [collapse(cell.replace("\\|", "|")) for cell in UNESCAPED_PIPE.split(_row_text(raw))]


def align_of(spec: str) -> str:
    """`:---:` center, `---:` right, `:---` left, `---` default."""
    spec = spec.strip()
    if spec.startswith(":") and spec.endswith(":") and len(spec) > 1:
        return "center"
    if spec.endswith(":"):
        return "right"
    if spec.startswith(":"):
        return "left"
    return "default"


LIST_KINDS = ("bullet", "ordered")
ENTRY_KINDS = ("bullet", "ordered", "bracket_item")


def references_list(state: ParseState, pos: int) -> Optional[int]:
    """Numbered, bulleted or `[n]` entries right after a References-like heading (or after
    its one intro paragraph): a References block; URLs/DOIs also go into Reference.url."""
    line = state.lines[pos]
    if line.kind not in ENTRY_KINDS or state.references_state not in ("heading", "intro", "entries"):
        return None
    where: list[int] = []
    entries = PackedBuilder()
    repeated: list[tuple[int, int]] = []  # (entry index, line number) of labels used before
    for _, ln, parts in _items(state, pos, ENTRY_KINDS, False, where):
        text = join_wrapped(parts)
        if ln.kind == "bracket_item":
            text = text[text.index("]") + 1:].strip()
        state.reference_count += 1
        if ln.kind in ("ordered", "bracket_item") and ln.marker.isdigit():
            label = ln.marker
            state.reference_count = max(state.reference_count, int(label))
        else:  # unnumbered entries continue the document's numbering
            label = str(state.reference_count)
        urls = urls_in(text)
        if not urls and re.search(r"\bLink\s*$", text):
            state.warn(f"reference {label} ends with a 'Link' placeholder but the feed gives no URL; "
                       "kept as text", ln.number)
        if label in state.reference_labels:
            repeated.append((len(entries), ln.number))
        else:
            state.reference_labels.add(label)
        entries.append(Reference(f"ref-{label}", label, parse_inlines(text), urls[-1] if urls else ""))
    if repeated:
        entries = _renumber_repeated(entries, repeated, state)
    end = where[0]
    state.emit(References(entries.build()), "references", "references_list", line,
               state.lines[end - 1], f"{len(entries)} entries")
    state.references_state = "entries"
    return end


def _renumber_repeated(entries: PackedBuilder, repeated: list, state: ParseState) -> PackedBuilder:
    """Entry labels must be unique in the document ("1." twice: the second gets the next
    free number after the list's numbers, with a diagnostic). The new numbers are above
    every label of the list, so they are given once the list is read."""
    new_labels = {}
    for index, number in repeated:
        old = entries[index].label
        state.reference_count += 1
        while str(state.reference_count) in state.reference_labels:
            state.reference_count += 1
        label = str(state.reference_count)
        state.warn(f"reference number {old} is used twice; numbered {label}", number)
        state.reference_labels.add(label)
        new_labels[index] = label
    out = PackedBuilder()
    for k, e in enumerate(entries):
        out.append(replace(e, id=f"ref-{new_labels[k]}", label=new_labels[k]) if k in new_labels else e)
    return out


def numbered_section_heading(state: ParseState, pos: int) -> Optional[int]:
    """`2.1 Data` (level = numbering depth), or a lone `1. Introduction` item followed by
    body text rather than by more items: a numbered section heading, not a list."""
    line = state.lines[pos]
    nxt = state.following(pos)
    if nxt is None:
        return None
    if line.kind == "section_number":
        rest = line.text[len(line.marker):].lstrip(". ")
        if not looks_like_heading(rest) or len(rest) < 2:
            return None
        level = min(6, line.marker.count(".") + 1)
        _heading(state, level, line.text, "numbered_section_heading", line, line, numbered=True)
        return pos + 1
    if not _lone_numbered_heading(state, pos):
        return None
    _heading(state, 1, collapse(line.raw), "numbered_section_heading", line, line, numbered=True)
    return pos + 1


def _lone_numbered_heading(state: ParseState, pos: int) -> bool:
    """`3. Results` (or `II. Methods`) at the margin, heading-like, followed by body text
    and not by more items or an indented continuation."""
    line = state.lines[pos]
    if line.kind != "ordered" or line.indent > 0 or not (line.marker.isdigit() or ROMAN_UPPER.fullmatch(line.marker)):
        return False
    nxt = state.following(pos)
    if nxt is None or nxt.kind not in ("text", "section_number", "table_row") or nxt.indent > line.indent:
        return False
    return looks_like_heading(line.text)


NUMBERED_TITLE_WORDS = 12


def numbered_title_heading(state: ParseState, pos: int) -> Optional[int]:
    """`1. Normalize challenges.` or `3. Jane Example, Minister of Roads, Example Land` at
    the margin, followed by body text and not by more items: a numbered heading whose
    title ends in a full stop or names a person and their office (two commas), which a
    heading-like line may not, rather than a one-item list."""
    line = state.lines[pos]
    if line.kind != "ordered" or line.indent > 0 or not line.marker.isdigit():
        return None
    nxt = state.following(pos)
    if nxt is None or nxt.kind not in ("text", "section_number", "table_row") or nxt.indent > line.indent:
        return None
    text = line.text
    if len(text.split()) > NUMBERED_TITLE_WORDS or not (text[-1:] in (".", "!") or text.count(",") == 2):
        return None
    if not looks_like_heading(text.rstrip(".!").replace(",", "", 1)):
        return None
    _heading(state, 1, collapse(line.raw), "numbered_title_heading", line, line, numbered=True)
    return pos + 1


def _next_section(state: ParseState, pos: int) -> bool:
    """Inside a list, `3. Results` right after numbered sections 1 and 2 is the next section."""
    line = state.lines[pos]
    return (state.section_number > 0 and line.kind == "ordered" and line.marker.isdigit()
            and int(line.marker) == state.section_number + 1 and _lone_numbered_heading(state, pos))


def lone_numbered_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`2. Check the lock before you sleep, because …` alone between paragraphs (no item
    before or after it, body text after it) and too long for a numbered heading: a
    paragraph that starts with its number, as listicles and web-extraction tools write
    numbered points (they write real lists with `- `); the number stays in its text."""
    line = state.lines[pos]
    if line.kind != "ordered" or line.indent > 0 or not line.marker.isdigit():
        return None
    nxt = state.following(pos)
    prev = state.lines[pos - 1] if pos - 1 >= state.start else None
    if nxt is None or nxt.kind != "text" or nxt.indent > line.indent or (
            prev is not None and prev.kind in LIST_KINDS + ("blank",)):
        return None
    state.emit(Paragraph(parse_inlines(collapse(line.raw))), "paragraph", "lone_numbered_paragraph", line, line)
    return pos + 1


TYPED_GLYPHS = frozenset("•*·・–")
SENTENCE_WORDS = 15


def typed_glyph_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`• Just landed in Lisbon. What a view!` alone between paragraphs: a line that starts
    with a typed glyph (`•`, `・`, `*`, `·`, `–`, not `-`), with no item before or after
    it, is a paragraph (a tweet, a quoted line) when the document writes its lists with
    `-` or the line is a long sentence; the glyph stays in its text."""
    line = state.lines[pos]
    if line.kind != "bullet" or line.marker not in TYPED_GLYPHS or line.indent > 0:
        return None
    nxt = state.following(pos)
    prev = state.lines[pos - 1] if pos - 1 >= state.start else None
    if any(n is not None and n.kind in LIST_KINDS for n in (prev, nxt)):
        return None
    long_sentence = len(line.text.split()) >= SENTENCE_WORDS and core_end(line.text) in ".!?。！？"
    if not (state.dash_items or long_sentence):
        return None
    state.emit(Paragraph(parse_inlines(collapse(line.raw))), "paragraph", "typed_glyph_paragraph", line, line)
    return pos + 1


def list_block(state: ParseState, pos: int) -> Optional[int]:
    """Bullet or ordered items, nested by indentation, items wrapped onto continuation
    lines; a change of marker kind at the outer level starts a new list."""
    line = state.lines[pos]
    if line.kind not in LIST_KINDS:
        return None
    where: list[int] = []
    counted = [0]

    def counting(items):
        for item in items:
            counted[0] += 1
            yield item
    built = build_list(counting(_items(state, pos, LIST_KINDS, True, where)))
    end = where[0]
    state.deepest_list = max(state.deepest_list, counted[0])
    state.emit(built, "bullet_list" if line.kind == "bullet" else "ordered_list",
               "list_block", line, state.lines[end - 1], line.text)
    return end


def _items(state: ParseState, pos: int, kinds: tuple, same_kind: bool, where: list):
    """Yield the items from `pos` on, each (indent, first line, text parts) once its last
    continuation line is read; then append the position after them to `where`.
    Continuation lines are text lines indented deeper than the item, or, in hard-wrapped
    text, lines continuing a full line. Blank lines inside are allowed when the list goes
    on right after them. A generator, so a long bibliography is read entry by entry."""
    lines, base, kind = state.lines, state.lines[pos].indent, state.lines[pos].kind
    first_marker = state.lines[pos].marker  # "- a" then "* b" at the outer level: two lists
    item = None  # the item being read: (indent, line, parts)
    end = pos
    while end < state.end:
        ln = lines[end]
        if ln.kind == "blank":
            nxt = state.next_nonblank[end]
            if nxt < state.end and lines[nxt].kind in kinds and (
                    lines[nxt].indent > base or lines[nxt].kind == kind and (
                        kind != "bullet" or lines[nxt].marker == first_marker) or not same_kind):
                end = nxt
                continue
            if nxt < state.end and item and lines[nxt].kind == "text" and lines[nxt].indent > item[0]:
                end = nxt  # a further paragraph of the item, indented under it
                continue
            break
        if ln.kind in kinds and item and _next_section(state, end):
            break
        if ln.kind in kinds and (ln.indent > base or ln.kind == kind and (
                kind != "bullet" or ln.marker == first_marker) or not same_kind):
            if item:
                yield item
            item = (ln.indent, ln, [ln.text] if ln.text else [])
            end += 1
            continue
        if item and ln.kind not in ("fence_open", "table_sep") and ln.indent > item[0] and (
                ln.kind not in kinds) and _continues_item(state, ln):
            item[2].append(collapse(ln.raw))
            end += 1
            continue
        if item and ln.kind == "text" and lines[end - 1].kind != "blank" and ln.text[:1].islower() \
                and wraps_into(lines[end - 1], ln, state.layout.width):  # an unindented continuation
            item[2].append(ln.text)
            end += 1
            continue
        break
    if item:
        yield item
    where.append(end)


def _continues_item(state: ParseState, line: Line) -> bool:
    """An indented line under an item continues it, unless the text is not hard-wrapped
    and the line starts with a capital: web pages indent their headings and paragraphs
    at random, so there an indented `Where to find us` after the last item is the next
    block, while `  with a continuation line` (lower case, a digit, a bracket) goes on."""
    return state.layout.hard_wrapped or line.kind != "text" or not line.text[:1].isupper()


def build_list(items) -> BulletList | OrderedList:
    """Nest items (an iterable, read once) by indentation with an explicit stack (no
    recursion): an item deeper than the one before opens a sub-list inside it; a shallower
    one closes sub-lists. Each list's finished items are packed as they come."""
    # each frame: [indent, kind, first marker, finished ListItems, blocks of the open item or None]
    stack: list[list] = []

    def close() -> BulletList | OrderedList:
        indent, kind, marker, done, current = stack.pop()
        if current is not None:
            done.append(ListItem(tuple(current)))
        if kind == "ordered":
            return OrderedList(done.build(), _ordinal(marker))
        return BulletList(done.build())

    for indent, ln, parts in items:
        while len(stack) > 1 and indent < stack[-1][0]:
            sub = close()
            stack[-1][4].append(sub)
        if stack and indent > stack[-1][0] and stack[-1][4] is not None:
            stack.append([indent, ln.kind, ln.marker, PackedBuilder(), None])
        elif stack and indent < stack[-1][0]:
            stack[-1][0] = indent  # shallower than the outer list: it joins the outer list
        if not stack:
            stack.append([indent, ln.kind, ln.marker, PackedBuilder(), None])
        frame = stack[-1]
        if frame[4] is not None:
            frame[3].append(ListItem(tuple(frame[4])))
        frame[4] = [Paragraph(parse_inlines(join_wrapped(parts)))]
    while len(stack) > 1:
        sub = close()
        stack[-1][4].append(sub)
    return close()


ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
ROMAN_UPPER = re.compile(r"[IVXL]{1,5}")


def _ordinal(marker: str) -> int:
    """The number a list marker stands for: "3" 3, "c" 3, "iv" 4."""
    if marker.isdigit():
        return int(marker)
    low = marker.lower()
    if low == "i" or len(low) > 1 and all(ch in ROMAN for ch in low):
        total = 0
        for ch, nxt in zip(low, low[1:] + " "):
            value = ROMAN[ch]
            total += -value if ROMAN.get(nxt, 0) > value else value
        return max(total, 1)
    if len(low) == 1 and "a" <= low <= "z":
        return ord(low) - ord("a") + 1
    return 1


def quote_block(state: ParseState, pos: int) -> Optional[int]:
    """`> text` lines: a quote; `>` alone separates its paragraphs."""
    line = state.lines[pos]
    if line.kind != "quote":
        return None
    end = pos
    paragraphs: list[list[str]] = [[]]
    while end < state.end and state.lines[end].kind == "quote":
        text = state.lines[end].text
        if text:
            paragraphs[-1].append(text)
        elif paragraphs[-1]:
            paragraphs.append([])
        end += 1
    blocks = tuple(Paragraph(parse_inlines(join_wrapped(p))) for p in paragraphs if p)
    state.emit(Quote(blocks), "quote", "quote_block", line, state.lines[end - 1])
    return end


def escaped_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`\\Line`: the editor said paragraph."""
    line = state.lines[pos]
    if line.kind != "escaped":
        return None
    state.emit(Paragraph(parse_inlines(line.text)), "paragraph", "escaped_paragraph", line, line)
    return pos + 1


def references_heading(state: ParseState, pos: int) -> Optional[int]:
    """`References`, `Sources`, `参考资料` ... alone on a line: a heading, even when the
    line after it (an intro sentence) would make a bare heading doubtful."""
    line = state.lines[pos]
    if line.kind not in ("text", "section_number") or not is_reference_heading(line.text):
        return None
    if len(line.text) > 40:
        return None
    _heading(state, 1, line.text, "references_heading", line, line)
    return pos + 1


def _heading_candidate(state: ParseState, pos: int) -> Optional[Line]:
    """The line at `pos` when a bare-line rule could make it a heading: a text line that
    looks like one (or like an exclamation heading) with something after it."""
    if state.candidate[0] == pos:  # a dozen rules ask in turn about the same line
        return state.candidate[1]
    line = state.lines[pos]
    found = line if line.kind == "text" and state.following(pos) is not None and (
        looks_like_heading(line.text) or looks_like_exclamation_heading(line.text)) else None
    state.candidate = (pos, found)
    return found


def code_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`} finally {`, `int flags){`, `// next constructor`, `x = f(y)`: a short line of
    source code that the feed kept as text (see predicates.looks_like_code) is a
    paragraph, not a heading."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_code(line.text):
        return None
    return _paragraph(state, pos, "code_line_paragraph")


FRAGMENT_WORDS = 9  # a line this long that runs on in lower case was cut mid-sentence


def sentence_fragment_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """A line that is part of a sentence cut by a line break (`<br>` on the page): it
    starts with a word that only continues a sentence (`and add`, `to the constructor`),
    or the next line goes on in lower case after a long line or with such a word. A
    heading starts a block and its body starts a sentence; a short heading over a body
    that starts with a lower-case name (`drat is a package...`) stays a heading."""
    line = _heading_candidate(state, pos)
    if line is None:
        return None
    nxt = state.following(pos)
    runs_on = nxt.kind == "text" and nxt.text[:1].islower() and (
        len(line.text.split()) >= FRAGMENT_WORDS or starts_with_function_word(nxt.text))
    if not (starts_with_function_word(line.text) or runs_on):
        return None
    return _paragraph(state, pos, "sentence_fragment_paragraph")


def aside_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`[figure 3: the setup]`, `(see my previous post)`, `© Example Magazine`, `— Jane
    Example (@jane)`: a line wholly in brackets, a copyright or the attribution under a
    quote is a paragraph, not a heading."""
    line = _heading_candidate(state, pos)
    if line is None or not (wrapped_whole(line.text) or looks_like_attribution(line.text)):
        return None
    return _paragraph(state, pos, "aside_line_paragraph")


def caption_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`A shelter under the post office. (Example Archive)`, `harbour-view.jpg`, `By Jane
    Example last updated`: two sentences, a file name or a byline inside the body (see
    predicates.looks_like_caption) make a caption or credit, a paragraph."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_caption(line.text):
        return None
    return _paragraph(state, pos, "caption_line_paragraph")


def ui_text_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`Read more`, `Next`, `312`, `133 more replies`, `“Is he coming?”`: the text of a
    page's buttons and counters, or a line of dialogue (see predicates.looks_like_ui_text),
    is a paragraph, not a heading."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_ui_text(line.text):
        return None
    return _paragraph(state, pos, "ui_text_paragraph")


def short_line_run_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """Five or more distinct heading-like lines in a row (the lines of a song or a poem, a
    menu, a list of labels) are paragraphs: a heading introduces body text, and only one
    of such a run could. Up to four in a row stay a section and its subsections."""
    line = _heading_candidate(state, pos)
    if line is None or pos not in state.short_runs:
        return None
    return _paragraph(state, pos, "short_line_run_paragraph")


def dateline_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`December 9, 2016`, `Updated 17.12.2019, 10:30`, `2019年12月17日更新`: a date with
    at most three words around it is the time stamp of a page or post, a paragraph."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_dateline(line.text):
        return None
    return _paragraph(state, pos, "dateline_paragraph")


def score_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`FC Example 3-1 Other FC`, `1-1`, `(65') Player Name`: a result or a match minute is
    a line of data, a paragraph, not a heading."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_score(line.text):
        return None
    return _paragraph(state, pos, "score_line_paragraph")


def field_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`Pages: 400`, `Photos: Jane Example`, `Nick's guess: N/A` (see
    predicates.looks_like_field), or any `Label: value` line next to another one (a run
    of fields is a record, `Director: A` over `Country: B`): paragraphs, not headings."""
    line = _heading_candidate(state, pos)
    if line is None:
        return None
    if not looks_like_field(line.text):
        pair = label_and_value(line.text)
        if pair is None or pair[0][-1:].isdigit():  # `Stage 3: Focus` numbers a section
            return None
        nxt = state.following(pos)
        prev = state.lines[pos - 1] if pos - 1 >= state.start else None
        if not any(n is not None and n.kind == "text" and len(n.text) <= MAX_FIELD_CHARS
                   and label_and_value(n.text) is not None for n in (prev, nxt)):
            return None
    return _paragraph(state, pos, "field_line_paragraph")


MAX_FIELD_CHARS = 80
REPEATED_LINE = 4  # the same short line this often is a form label, not a section


def photo_credit_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`Jane Example for The Example Times`, `Jane Example/Example Agency`, `Photo by …`:
    the credit under a picture (see predicates.looks_like_photo_credit), a paragraph."""
    line = _heading_candidate(state, pos)
    if line is None or not looks_like_photo_credit(line.text):
        return None
    return _paragraph(state, pos, "photo_credit_paragraph")


def repeated_label_value_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """The line right under a label the document repeats (`【誤】` then `smoothie`): the
    value of that record, a paragraph however short it is."""
    line = _heading_candidate(state, pos)
    if line is None or pos - 1 < state.start:
        return None
    prev = state.lines[pos - 1]
    if prev.kind != "text" or state.line_counts.get(prev.text, 0) < REPEATED_LINE:
        return None
    return _paragraph(state, pos, "repeated_label_value_paragraph")


def permalink_style_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """On a page whose headings carry a permalink sign (`Setting up¶`, `Usage #`, at least
    three of them), a heading-like line without the sign is a paragraph: the page's own
    heading style says which lines are headings."""
    line = _heading_candidate(state, pos)
    if line is None or not state.heading_mark or permalink_mark(line.text) == state.heading_mark:
        return None
    return _paragraph(state, pos, "permalink_style_paragraph")


def repeated_line_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """`【誤】`, `Answer`, `Reply` written four times or more in the document: a label
    repeated through a list of records, not a heading (sections do not repeat so)."""
    line = _heading_candidate(state, pos)
    if line is None or state.line_counts.get(line.text, 0) < REPEATED_LINE:
        return None
    return _paragraph(state, pos, "repeated_line_paragraph")


def indented_label_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """A short line at an indentation that several lines of the document have but its
    paragraphs (long lines) seldom use, in text that is not hard-wrapped: the page set
    such lines apart as labels or captions (web pages indent `<div>` text so), while its
    headings sit where its paragraphs do."""
    line = _heading_candidate(state, pos)
    if line is None or state.layout.hard_wrapped or line.indent not in state.label_indents:
        return None
    return _paragraph(state, pos, "indented_label_paragraph")


CAPS_LIST_WORDS = 8


def caps_list_heading(state: ParseState, pos: int) -> Optional[int]:
    """`GADGETS, TOYS, AND MEDIA`: a short ALL-CAPS line naming several things, followed by
    text, is a heading although it has more commas than a heading-like line may."""
    line = state.lines[pos]
    if line.kind != "text" or "," not in line.text or len(line.text) > MAX_HEADING_CHARS or (
            not all_caps(line.text)) or len(line.text.split()) > CAPS_LIST_WORDS:
        return None
    nxt = state.following(pos)
    if nxt is None or looks_like_heading(line.text) or not looks_like_heading(line.text.replace(",", "")):
        return None
    return _standalone_heading(state, pos, line, nxt, "caps_list_heading")


COLON_LABEL_WORDS = 4
LEAD_IN_WORDS = frozenset({"let's", "let’s", "here", "here's", "here’s", "then", "first", "now", "so", "see", "note",
                           "example", "also", "finally", "next", "below", "above", "this", "that", "these",
                           "those", "it", "we", "you", "i", "they", "he", "she", "there", "last", "more"})
BODY_CHARS = 60


def colon_label_heading(state: ParseState, pos: int) -> Optional[int]:
    """`Background:`, `What we like:`, `Methods:` over a paragraph of running text: a label
    of at most four words ending in a colon heads what follows. A lead-in sentence (`Then
    edit the file:`, `Here's how:`, `Possible values are:`) does not, nor a label over a
    list."""
    line = state.lines[pos]
    if line.kind != "text" or line.text[-1:] not in (":", "：") or len(line.text.split()) > COLON_LABEL_WORDS:
        return None
    label = line.text[:-1].rstrip()
    first = label.split(" ", 1)[0].lower()
    if not label[:1].isupper() or first.strip(",") in LEAD_IN_WORDS | FRAGMENT_START or "," in label or (
            not looks_like_heading(label)):
        return None
    nxt = state.following(pos)
    # over a list, a label (`Upcoming:`, `Roman numerals:`) introduces the items, as a
    # paragraph does; over running text it is the heading of a labelled section
    if nxt is None or nxt.kind != "text" or len(nxt.text) < BODY_CHARS:
        return None
    _heading(state, 1, line.text, "colon_label_heading", line, line)
    return pos + 1


def pipe_title_heading(state: ParseState, pos: int) -> Optional[int]:
    """`Gallery: Harbour Views | 14 Photos` alone between text lines: a title with one
    ` | ` separator, as pages write it, is a heading-like line, not a table row."""
    line = state.lines[pos]
    text = collapse(line.raw)
    if line.kind != "table_row" or text.count("|") != 1 or " | " not in text or text[:1] == "|" or text[-1:] == "|" \
            or ";" in text:
        return None
    nxt = state.following(pos)
    prev = state.lines[pos - 1] if pos - 1 >= state.start else None
    if nxt is None or nxt.kind not in ("text", "hash_heading") or prev is not None and prev.kind == "table_row":
        return None
    if not looks_like_heading(text.replace(" | ", " ")) or looks_like_field(text):
        return None
    _heading(state, 1, text, "pipe_title_heading", line, line)
    return pos + 1


def bare_line_heading(state: ParseState, pos: int) -> Optional[int]:
    """`Why it matters` alone on a line, with something after it: a short text line that
    looks like a heading (see looks_like_heading)."""
    line = state.lines[pos]
    if line.kind != "text":
        return None
    nxt = state.following(pos)
    if nxt is None or not looks_like_heading(line.text):
        return None
    return _standalone_heading(state, pos, line, nxt, "bare_line_heading")


def exclamation_heading(state: ParseState, pos: int) -> Optional[int]:
    """`Stage 2: DRY!`: a very short text line ending in `!` (see
    looks_like_exclamation_heading), followed by body text and not right under a heading."""
    line = state.lines[pos]
    if line.kind != "text" or not looks_like_exclamation_heading(line.text):
        return None
    nxt = state.following(pos)
    if nxt is None or nxt.kind != "text" or looks_like_heading(nxt.text) or (
            state.blocks and type(state.blocks[-1]) is Heading):
        return None
    return _standalone_heading(state, pos, line, nxt, "exclamation_heading")


def _standalone_heading(state: ParseState, pos: int, line: Line, nxt: Line, rule: str) -> Optional[int]:
    """A heading-like line is a heading unless it runs into the line after it: in
    blank-separated text it must stand alone or sit atop a longer paragraph; in
    hard-wrapped text it must not be the first line of a wrapped paragraph."""
    if state.layout.blank_separated and not state.blank_after(pos) and nxt.kind == "text":
        # "Heading\nbody..." with no blank between: a heading only atop a longer text line
        if len(line.text) >= 0.6 * len(nxt.text) or line.text.endswith(","):
            return None
    if nxt.kind == "text" and not state.blank_after(pos) and wraps_into(line, nxt, state.layout.width):
        return None  # the first line of a wrapped paragraph
    _heading(state, 1, line.text, rule, line, line)
    return pos + 1


def text_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """Anything else is a paragraph: one line, or in blank-separated or hard-wrapped text
    the run of text lines up to a blank line, a list, a table or a heading, unwrapped."""
    return _paragraph(state, pos, "text_paragraph")


def _paragraph(state: ParseState, pos: int, rule: str) -> int:
    """The paragraph starting at `pos` (see text_paragraph), decided by the rule named `rule`."""
    line = state.lines[pos]
    parts = [line.text if line.kind not in ("table_row", "table_sep", "code", "fence_open", "fence_close",
                                            "underline", "rule") else collapse(line.raw)]
    end = pos + 1
    layout = state.layout
    if line.kind in ("text", "table_row", "bracket_item", "section_number"):
        while end < state.end:
            ln = state.lines[end]
            if ln.kind not in ("text", "bracket_item") and not (ln.kind == "table_row"):
                break
            if end + 1 < state.end and state.lines[end + 1].kind in ("underline", "table_sep"):
                break
            if not (layout.blank_separated or wraps_into(state.lines[end - 1], ln, layout.width)):
                break
            parts.append(ln.text if ln.kind != "table_row" else collapse(ln.raw))
            end += 1
    last = state.lines[end - 1]
    state.emit(Paragraph(parse_inlines(join_wrapped(parts))), "paragraph", rule, line, last)
    return end


def _heading(state: ParseState, level: int, text: str, rule: str, first: Line, last: Line,
             explicit: bool = False, numbered: bool = False) -> None:
    heading = Heading(level, parse_inlines(text))
    if numbered:
        top = re.match(r"[0-9]+", text)
        state.section_number = int(top.group(0)) if top else state.section_number
    state.emit(heading, "heading", rule, first, last, text)
    indices, kinds, levels, caps = state.heading_kinds
    indices.append(len(state.blocks) - 1)
    kinds.append(HEADING_KINDS.index("explicit" if explicit else "numbered" if numbered else "bare"))
    levels.append(level)
    caps.append(all_caps(plain_text(heading)))


BlockRule = Callable[[ParseState, int], Optional[int]]
BLOCK_RULES: tuple[BlockRule, ...] = (
    fenced_code,
    stray_fence,
    setext_heading,
    hash_heading,
    thematic_break,
    pipe_table,
    pipe_rows_table,
    references_list,
    numbered_section_heading,
    numbered_title_heading,
    lone_numbered_paragraph,
    typed_glyph_paragraph,
    list_block,
    quote_block,
    escaped_paragraph,
    references_heading,
    code_line_paragraph,
    sentence_fragment_paragraph,
    aside_line_paragraph,
    caption_line_paragraph,
    ui_text_paragraph,
    short_line_run_paragraph,
    dateline_paragraph,
    score_line_paragraph,
    field_line_paragraph,
    photo_credit_paragraph,
    permalink_style_paragraph,
    repeated_line_paragraph,
    repeated_label_value_paragraph,
    indented_label_paragraph,
    caps_list_heading,
    colon_label_heading,
    pipe_title_heading,
    bare_line_heading,
    exclamation_heading,
    text_paragraph,
)



def read_blocks(state: ParseState) -> None:
    """The stage: from `state.start` to `state.end`, blank lines skipped, the first rule of
    BLOCK_RULES that applies reads each block (text_paragraph applies to any line)."""
    pos = state.start
    kinds = state.lines.kinds
    while pos < state.end:
        if kinds[pos] == BLANK:  # told by the kind byte: a blank line's Line is never made
            pos += 1
            continue
        blocks_before = len(state.blocks)
        for rule in BLOCK_RULES:
            new_pos = rule(state, pos)
            if new_pos is not None:
                break
        if new_pos <= pos:  # pragma: no cover - every rule consumes at least one line
            new_pos = pos + 1
        _track_references(state, blocks_before)
        pos = new_pos


def _track_references(state: ParseState, blocks_before: int) -> None:
    """After each block: a References-like heading opens a references section, one intro
    paragraph may follow, then entries; anything else closes it."""
    blocks = state.blocks
    for k in range(blocks_before, len(blocks)):
        block = blocks[k]
        kind = type(block)
        if kind is Heading:
            state.references_state = "heading" if is_reference_heading(plain_text(block)) else ""
        elif kind is Paragraph and state.references_state == "heading":
            state.references_state = "intro"
        elif kind is References:
            state.references_state = "entries"
        else:
            state.references_state = ""
