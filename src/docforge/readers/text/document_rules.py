"""The document stage of the feed reader: rules over the whole classified text that find
the metadata and measure the layout, before any block is read.

Header fields at the top (`Title:`, `Author:`, `Date:`, `Keywords:`/`Tags:`, or a `---`
front-matter block) become metadata; otherwise the first line is the title, and such
fields right under it (or under its byline) are metadata too when each value is what its
field holds (`Date: 2021-03-04`, `Date: March 4, 2021`: fields_under_title); `By Jane
Example` under it (`Von`, `Par`, `Por`, `Di`, `Door`, `Автор:`, `作者：` ...) is the byline
and a line between title and byline the subtitle (dek), both of which every writer shows
under the title (HTML, EPUB, DOCX and PDF body text; pandoc JSON metadata); a last line of short phrases separated by `,` `;` `、` `，` (or labelled `Keywords:`) is
the keyword line; then the body's layout is measured (blank-line separated? hard-wrapped,
and at which width? whitespace lines scattered through one-paragraph-per-line text do not
make it blank-separated), and survey_lines notes what the block rules compare a line with
(repeated short lines, label indentations, runs of heading-like lines, the list style,
the permalink sign of the page's headings). Each rule is a small named function, documented by the input it
matches, run once in the order of DOCUMENT_RULES (fields_under_title once more under a
byline); each narrows the body
(`state.start`/`state.end`) past what it took.

The last rule tells the language when no field named it (readers/language.py).
These rules only read lines and fill `state.meta` and `state.layout`; they never emit a
block, and the field labels they consume are markup, never dropped text.
"""
from __future__ import annotations

import re
from array import array
from typing import Callable

from ..language import detect, diagnostic
from .predicates import (KEYWORD_LABEL, KEYWORD_SEPARATORS, collapse, columns, core_end, looks_like_date,
                         looks_like_keywords, looks_like_heading, looks_like_names, permalink_mark, reaches,
                         short_line_runs)
from .lines import BLANK, KINDS
from .state import ParseState

SENTENCE_FINAL = frozenset(".!?。！？")

FIELD = re.compile(r"(title|subtitle|author|authors|by|date|published|keywords|tags|lang|language"
                   r"|关键词|关键字|關鍵詞|關鍵字|キーワード|ключевые слова)\s*[:：]\s*(.*)", re.IGNORECASE)
YAML_LINE = re.compile(r"\s*(?:[A-Za-z_][\w-]*\s*:(?:\s.*)?|- \S.*)$")
# `By Jane Example`, `Von …`, `Par …`, `Por …`, `Di …`, `Door …`, `Автор: …`, `作者：…` (a
# label ending in a colon needs no space after it, as CJK text writes it)
BYLINE = re.compile(r"(?:(?:by|von|par|por|di|door|przez)\s*[:：]?\s+|(?:author|autor|auteur|автор)\s*[:：]?\s+"
                    r"|(?:作者|文|著者|记者|記者|撰文)\s*[:：]\s*)(\S.{0,100}?)", re.IGNORECASE)
# what joins two names in a byline, in the languages above (lower case only: `Maria E. Costa`)
NAME_JOINERS = re.compile(r",|;|&|、|，|\s(?:and|und|et|y|e|i|en|и|oraz)\s|\s?(?:和|与|與)\s?")


def front_matter_block(state: ParseState) -> None:
    """A `---` line, `key: value` lines, a closing `---` at the very top (YAML front matter)."""
    lines, k = state.lines, state.start
    while k < state.end and lines[k].kind == "blank":
        k += 1
    if k >= state.end or lines[k].raw.strip() != "---":
        return
    close = k + 1
    while close < state.end and close - k <= 60 and lines[close].raw.strip() != "---":
        close += 1
    if close >= state.end or lines[close].raw.strip() != "---":
        return
    body = [lines[j] for j in range(k + 1, close)]  # at most 60 lines
    if not body or not all(YAML_LINE.match(ln.raw) or ln.kind == "blank" for ln in body):
        return  # not front matter: the lines are read as the article
    key = ""
    for ln in body:
        stripped = ln.raw.strip()
        m = re.match(r"([A-Za-z_][\w-]*)\s*:\s*(.*)", stripped)
        if m:
            key = m.group(1).lower()
            value = m.group(2).strip().strip("\"'")
            if value.startswith("[") and value.endswith("]"):
                for item in value[1:-1].split(","):
                    _store_field(state, key, item.strip().strip("\"'"), ln.number, "front_matter_block")
            elif value:
                _store_field(state, key, value, ln.number, "front_matter_block")
        elif stripped.startswith("- ") and key:
            _store_field(state, key, stripped[2:].strip().strip("\"'"), ln.number, "front_matter_block")
    state.start = close + 1


def _store_field(state: ParseState, key: str, value: str, line: int, rule: str) -> None:
    """One `key: value` under its canonical key (`tags` -> keywords, `by` -> author; names
    and keywords split into lists), noted as read by `rule`."""
    key = {"authors": "author", "by": "author", "tags": "keywords", "lang": "language",
           "published": "date", "关键词": "keywords", "关键字": "keywords", "關鍵詞": "keywords",
           "關鍵字": "keywords", "キーワード": "keywords", "ключевые слова": "keywords"}.get(key, key)
    if key == "author":
        names = [a.strip() for a in re.split(r";|\band\b|,|&", value) if a.strip()]
        state.meta["authors"] += names
    elif key == "keywords":
        state.meta["keywords"] += [k for k in KEYWORD_SEPARATORS.split(value) if k]
    elif key in ("title", "subtitle", "date", "language"):
        state.meta[key] = value
    else:
        state.meta.setdefault("extra", []).append((key, value))
    state.note(f"meta:{key}", rule, line, value)


def header_fields(state: ParseState) -> None:
    """`Title: ...`, `Author: ...`, `Date: ...`, `Keywords: a, b` lines at the top."""
    lines, k = state.lines, state.start
    while k < state.end and lines[k].kind == "blank":
        k += 1
    seen: set[str] = set()
    while k < state.end:
        m = FIELD.fullmatch(lines[k].raw.strip())
        if not m or not m.group(2).strip():
            break
        key = m.group(1).lower()
        if key in seen and key not in ("author", "authors", "by", "keywords", "tags"):
            break  # a repeated single-valued field is body text, not a second value
        seen.add(key)
        _store_field(state, key, m.group(2).strip(), lines[k].number, "header_fields")
        k += 1
    if seen:
        state.start = k


def first_line_title(state: ParseState) -> None:
    """Without a `Title:` field, the first non-blank line (a `# ` is stripped; a setext
    underline under it is consumed)."""
    if "title" in state.meta:
        return
    lines, k = state.lines, state.start
    while k < state.end and lines[k].kind == "blank":
        k += 1
    if k >= state.end:
        return
    line = lines[k]
    text = collapse(line.raw)
    if line.kind == "hash_heading":
        text = line.text
    state.meta["title"] = text
    state.note("title", "first_line_title", line.number, text)
    state.start = k + 1
    if state.start < state.end and lines[state.start].kind == "underline":
        state.start += 1


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
LONGEST_SUBTITLE = 160
AUTHOR_KEYS = ("author", "authors", "by")


def fields_under_title(state: ParseState) -> None:
    """Under a bare title line (or under its byline), `Date: 2021-03-04`, `Date: March 4,
    2021`, `Published: ...`, `Author: ...`, `Keywords: ...`, `Subtitle: ...`, `Language:
    ...` lines, one after another, are metadata (the date is the one PDF and DOCX show).
    Each value must be what its field holds (a date, names, keywords, a short line, a
    language tag) and a single-valued field must not be known yet: the first line that
    fails is body text, as is any `Date: ...` sentence further down. It runs after the
    title rules, and byline_and_dek runs it again under the byline it took."""
    lines, nxt = state.lines, state.next_nonblank
    while state.start < state.end:
        k = nxt[state.start]
        if k >= state.end or lines.kinds[k] != TEXT:
            return
        line = lines[k]
        m = FIELD.fullmatch(line.raw.strip())
        if not m or not _fits_field(state, m.group(1).lower(), m.group(2).strip(), line.text):
            return
        key, value = m.group(1).lower(), m.group(2).strip()
        if key in AUTHOR_KEYS:  # split as a byline is, at the language's `and` (`und`, `et` ...)
            state.meta["authors"] += [a.strip() for a in NAME_JOINERS.split(value) if a.strip()]
            state.note("meta:author", "fields_under_title", line.number, value)
        else:
            _store_field(state, key, value, line.number, "fields_under_title")
        state.start = k + 1


def _fits_field(state: ParseState, key: str, value: str, line_text: str) -> bool:
    """Whether `value` is what field `key` holds, and the field may still take it."""
    if key in ("date", "published"):
        return "date" not in state.meta and looks_like_date(value)
    if key in AUTHOR_KEYS:
        return looks_like_names(value)
    if key in ("subtitle",):
        return "subtitle" not in state.meta and 0 < len(value) <= LONGEST_SUBTITLE
    if key in ("lang", "language"):
        return "language" not in state.meta and LANGUAGE_TAG.fullmatch(value) is not None
    if key == "title":
        return False  # the bare line above is the title; a second one is body text
    return bool(value) and looks_like_keywords(line_text) is not None  # keywords, tags


def byline_and_dek(state: ParseState) -> None:
    """Under the title, `By Jane Example` (`Von Hans Beispiel und Erika Muster`, `Par …`,
    `Por …`, `Di …`, `Door …`, `Автор: …`, `作者：…`) is the byline, its names split at
    the language's `and`; one short line between the title and a byline is the subtitle
    (dek); field lines right under the byline are metadata (fields_under_title)."""
    lines = state.lines
    first = state.next_nonblank[state.start] if state.start < len(state.next_nonblank) else state.end
    if first >= state.end:
        return
    second = state.next_nonblank[first + 1] if first + 1 < state.end else state.end
    for dek, by in ((None, first), (first, second)):
        if by >= state.end or lines[by].kind != "text":
            continue
        m = BYLINE.fullmatch(lines[by].text)
        if not m or not looks_like_names(m.group(1)):
            continue
        if dek is not None:
            if lines[dek].kind != "text" or len(lines[dek].text) > 160:
                return
            state.meta["subtitle"] = lines[dek].text
            state.note("meta:subtitle", "byline_and_dek", lines[dek].number, lines[dek].text)
        names = [a.strip() for a in NAME_JOINERS.split(m.group(1)) if a.strip()]
        state.meta["authors"] += names
        state.note("meta:author", "byline_and_dek", lines[by].number, m.group(1))
        state.start = by + 1
        fields_under_title(state)
        return


def trailing_keyword_line(state: ParseState) -> None:
    """The last non-blank line, when it is short phrases separated by `,` `;` `、` `，`
    (or labelled `Keywords:` / `Tags:`), is the keyword list, not a paragraph."""
    k = state.end - 1
    while k >= state.start and state.lines[k].kind == "blank":
        k -= 1
    if k <= state.start or state.lines[k].kind != "text":
        return
    line = state.lines[k]
    keywords = looks_like_keywords(line.text)
    if not keywords:
        return
    if state.meta["keywords"] and not KEYWORD_LABEL.match(line.text):
        return
    state.meta["keywords"] += keywords
    state.note("keywords", "trailing_keyword_line", line.number, line.text)
    state.end = k


def measure_layout(state: ParseState) -> None:
    """Blank-line separated when blank lines separate at least a fifth of the line pairs;
    hard-wrapped when lines stay within a common width of 30-100 columns and most text
    lines followed by text reach that width without ending a sentence (the width is then
    remembered for unwrapping)."""
    lines, start, end = state.lines, state.start, state.end
    kinds = lines.kinds
    # blank-line gaps from the kind codes alone (a gap: a blank line before a non-blank one)
    nonblank = gaps = 0
    for k in range(start, end):
        if kinds[k] != BLANK:
            nonblank += 1
            if k > start and kinds[k - 1] == BLANK:
                gaps += 1
    if nonblank and kinds[start] == BLANK:
        gaps -= 1
    state.layout.blank_separated = gaps >= max(1, (nonblank - 1) // 5)
    text_lengths = []
    seen = 0
    for ln in lines(start, end):
        if ln.kind == "blank":
            continue
        seen += 1
        if seen > 5000:
            break
        if ln.kind in ("text", "bullet", "ordered") and len(ln.raw) < 400:
            text_lengths.append(columns(ln.raw.rstrip()))
    if len(text_lengths) < 4:
        return
    text_lengths.sort()
    width = text_lengths[int(0.95 * (len(text_lengths) - 1))]
    if not 30 <= width <= 100:
        return
    # runs: a text line followed by text, or an item or text line followed by an indented
    # text line; a wrapped line runs on: it reached the width and does not end a sentence
    runs, wrapped, surely = 0, [], []
    for a, b in _pairs_into_text(lines, start, end, RUN_STARTS):
        if a.kind == "text" or b.indent > a.indent:
            runs += 1
            if reaches(a, width) and core_end(a.text) not in ".!?。！？:":
                wrapped.append(columns(a.raw.rstrip()))
            if b.text[:1].islower():
                surely.append(columns(a.raw.rstrip()))
    if runs < 3:
        return
    state.layout.hard_wrapped = len(wrapped) * 2 >= runs
    if not state.layout.hard_wrapped:
        return
    # The wrap width: the longest line that surely ran on (the next starts in lower case,
    # mid-sentence); without case (CJK), the longest line that ran on, ignoring a few
    # outliers (a long heading right above its paragraph also "runs on").
    wrapped.sort()
    surely.sort()
    if len(surely) >= 3:
        state.layout.width = surely[len(surely) - 1 - len(surely) // 30]
    else:
        state.layout.width = wrapped[max(0, len(wrapped) - 1 - max(2, len(wrapped) // 30))]


TEXT = KINDS.index("text")
RUN_STARTS = frozenset(KINDS.index(kind) for kind in ("text", "bullet", "ordered"))


def _pairs_into_text(lines, start: int, end: int, firsts: frozenset):
    """Each pair of body lines (a, b) where b is a text line and a's kind code is in
    `firsts`, made in passing; the kind bytes pick them, so other lines are never made."""
    kinds = lines.kinds
    made_at, made = -1, None  # b of the last pair is often a of the next
    for k in range(start, end - 1):
        if kinds[k + 1] != TEXT or kinds[k] not in firsts:
            continue
        a = made if made_at == k else lines.line(k)
        made_at, made = k + 1, lines.line(k + 1)
        yield a, made


TEXT_ONLY = frozenset((TEXT,))
LONG_LINE = 100  # columns: longer than any wrap width measure_layout accepts


def stray_blank_lines(state: ParseState) -> None:
    """Blank (often whitespace-only) lines scattered through text that is one paragraph
    per line, as web-extraction tools write it, do not make it blank-line separated:
    when long lines (over 100 columns, so not wrapped) that end a sentence are followed
    directly by more text at least a third as often as blank lines separate blocks, each
    line stays a block of its own instead of being joined with its neighbours."""
    if not state.layout.blank_separated:
        return
    kinds = state.lines.kinds
    gaps = sum(1 for k in range(state.start + 1, state.end) if kinds[k - 1] == BLANK and kinds[k] != BLANK)
    run_on = sum(1 for a, _ in _pairs_into_text(state.lines, state.start, state.end, TEXT_ONLY)
                 if columns(a.raw.rstrip()) > LONG_LINE and core_end(a.text) in SENTENCE_FINAL)
    if run_on * 3 >= gaps:
        state.layout.blank_separated = False


SHORT_LINE = 60
SHORT_RUN = 5
REPEATED = 4  # as block_rules.REPEATED_LINE
MARKED_HEADINGS = 3
LABEL_RUN = 3


def survey_lines(state: ParseState) -> None:
    """What later rules compare a line with: how often each short text line occurs in the
    body, the runs of three or more heading-like lines in a row, the permalink sign its
    headings carry (`¶`, ` #`, three times or more), the indentations that set labels apart (several short lines have them, few
    paragraphs), and whether the body
    writes list items with `- ` (its list style)."""
    marks: dict = {}
    at_indent: dict = {}  # indent -> [text lines, long ones]
    # one pass: per distinct short text line an id and its count; per body line its id
    # (-1 for others) and whether it looks like a heading, so the runs are found after it
    # without making any line again
    ids: dict = {}
    tallies = array("q")
    line_ids = array("q")
    heading_like = bytearray()
    lines, kinds, bullet = state.lines, state.lines.kinds, KINDS.index("bullet")
    for k in range(state.start, state.end):
        kind = kinds[k]
        if kind != TEXT:
            line_ids.append(-1)
            heading_like.append(0)
            if kind == bullet and lines.line(k).marker == "-":
                state.dash_items = True
            continue
        ln = lines.line(k)
        mark = permalink_mark(ln.text)
        if mark:
            marks[mark] = marks.get(mark, 0) + 1
        if len(ln.text) <= SHORT_LINE:
            found = ids.get(ln.text)
            if found is None:
                found = ids[ln.text] = len(tallies)
                tallies.append(0)
            tallies[found] += 1
            line_ids.append(found)
            heading_like.append(0)  # asked once per distinct text, after the pass
        else:
            line_ids.append(-1)
            heading_like.append(looks_like_heading(ln.text))
        tally = at_indent.setdefault(ln.indent, [0, 0])
        tally[0] += 1
        tally[1] += columns(ln.raw.strip()) > LONG_LINE
    # a run is of distinct lines: a label the body repeats (`Answer`) is a record's field and
    # breaks it, so the record titles between such labels are not taken for a run
    # (looks_like_heading only for the short texts that occur fewer than REPEATED times:
    # most short lines of a feed repeat, and the predicate is the survey's dearest part)
    short_heading = bytearray(len(tallies))
    for text, i in ids.items():
        if tallies[i] < REPEATED and looks_like_heading(text):
            short_heading[i] = 1
    flags = bytearray(heading_like[j] if line_ids[j] < 0 else short_heading[line_ids[j]]
                      for j in range(len(heading_like)))
    counts = {text: tallies[i] for text, i in ids.items()}
    state.short_runs = {state.start + k for k in short_line_runs(flags, SHORT_RUN)}
    state.line_counts = counts
    state.heading_mark = max((m for m, n in marks.items() if n >= MARKED_HEADINGS), key=marks.get, default="")
    # an indentation that several lines have but few long (paragraph) lines sets labels
    # apart; one that paragraphs use too, or a single line has, means nothing
    state.label_indents = {indent for indent, (lines, long) in at_indent.items()
                           if indent and lines >= LABEL_RUN and long * 3 < lines}


def detect_language(state: ParseState) -> None:
    """Without a `Language:` field, the language told from the title and the first body
    lines (readers/language.py; a bounded sample, so linear); unsure gives a diagnostic
    and no language (the theme's applies)."""
    if state.meta.get("language"):
        return
    parts, size, k = [state.meta.get("title", ""), state.meta.get("subtitle", "")], 0, state.start
    while k < state.end and size < 6000:
        if state.lines[k].kind != "blank":
            parts.append(state.lines[k].text)
            size += len(state.lines[k].text)
        k += 1
    found = detect(" ".join(parts))
    if found.sure:  # (no Decision: no line decided it; `inspect` shows it in the metadata)
        state.meta["language"] = found.language
    else:
        state.diagnostics.extend(diagnostic(found))


def index_lines(state: ParseState) -> None:
    """For every index, the next non-blank index (so lookahead is O(1) and the parse linear)."""
    n = len(state.lines)
    kinds = state.lines.kinds
    nxt = array("q", bytes(8 * (n + 1)))
    nxt[n] = n
    for k in range(n - 1, -1, -1):
        nxt[k] = k if kinds[k] != BLANK else nxt[k + 1]
    state.next_nonblank = nxt


DocumentRule = Callable[[ParseState], None]
DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    index_lines,
    front_matter_block,
    header_fields,
    first_line_title,
    fields_under_title,
    byline_and_dek,
    trailing_keyword_line,
    measure_layout,
    stray_blank_lines,
    survey_lines,
    detect_language,
)
