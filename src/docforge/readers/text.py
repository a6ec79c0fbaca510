"""The plain-text article reader: unmarked feed text -> the IR, with the reason for each block.

A feed is an article with its markup stripped: a title line, bare-line headings, one
paragraph per line (or blank-line separated, or hard-wrapped), `- * •` bullets,
`1.` items, pipe tables, a References section and a trailing keyword line. The reader
recovers that structure in four passes, each a list of small named rules tried in
order (the markdown-it-py / mistune style); `explain()` reports, per block, the rule
that decided it.

1. Lines (text_lines.LINE_RULES): every line gets one kind from its own shape - blank,
   escaped (`\\line`), `#` heading, underline, rule, table separator, bullet, numbered
   section (`2.1 Data`), ordered item (`1.` `1)` `(a)` `a.` `iv.`), `[n]` item, quote,
   table row (an unescaped `|`), text. Fenced code overrides all of them.
2. Document (DOCUMENT_RULES): header fields at the top (`Title:`, `Author:`, `Date:`,
   `Keywords:`/`Tags:`, or a `---` front-matter block) become metadata; otherwise the
   first line is the title; `By Jane Example` under it is the byline and a line between
   title and byline the subtitle (dek); a last line of short phrases separated by
   `,` `;` `、` `，` (or labelled `Keywords:`) is the keyword line; the layout is measured
   (blank-line separated? hard-wrapped, and at which width?).
3. Blocks (BLOCK_RULES), first match wins at each position: fenced code; setext and `#`
   headings (authoritative); rules; pipe tables (header row + separator; ragged rows
   padded with a diagnostic; `\\|` is a literal pipe); the entries after a References-like
   heading (References, Sources, Bibliography, Notes, Further reading, Works cited,
   参考文献, 参考资料 ...) as a References block, URLs and DOIs into Reference.url;
   numbered section headings (`2.1 Data` -> level 2; a lone `1. Introduction` followed
   by body text, or `3.` right after numbered sections 1 and 2); lists nested by
   indentation with wrapped continuation lines (a change of bullet character starts a
   new list); quotes; a References-like heading line; bare-line headings; paragraphs.
   A bare line is a heading when it is short, has no sentence punctuation at its end
   (a `?` is fine, a `!` only on a short line followed by body text and not right under
   a heading; trailing emoji and closing quotes are looked through), holds no URL, at
   most one comma (none if it is long), is not made of function words only nor ends in
   one ("... looks like"), and something follows it. Two heading-like lines in a row
   are both headings (a section and its first subsection).
   Paragraphs: in blank-separated text a run of lines is one paragraph (a short heading
   atop a longer line is split off); in hard-wrapped text without blank lines a line
   continues the previous one only if its first word would not have fitted on it (a
   greedy wrapper moved it down), so headings and short paragraph ends stay apart.
   Wide (CJK) characters count two columns and are joined without a space.
   No rule depends on English capitalisation alone: CJK lines are measured in characters.
4. Afterwards (POST_RULES): the lists of a last section titled Resources/Links/Further
   reading ... become references; heading levels from evidence (`#` counts shifted so
   the top one is 1, numbering depth, ALL-CAPS over mixed-case headings), else 1;
   `[1]`, `[2, 3]`, `[4-6]` markers become CitationRefs when those entries exist.

Nothing is dropped: every non-blank line ends up in the title, the metadata or a block
(markers such as `- `, `1.`, `#`, `|` and field labels are markup, not text). Any string
gives a Document and diagnostics, never an exception; every pass is linear in the input
and nothing recurses, so a 2 MB line or 100,000 lines are fine.

An editor forces a reading with explicit markup: `# Heading`, a blank line between
blocks, or a leading backslash (`\\Not a heading`) for a paragraph.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable, Optional

from ..errors import Diagnostic
from ..model import (BulletList, Cell, CodeBlock, Document, Heading, ListItem, Meta, OrderedList,
                     Paragraph, Quote, Reference, References, Table, Text, ThematicBreak, deep_recursion,
                     map_tree, plain_text)
from ..options import ReadOptions
from ..records import Record, replace
from .text_inline import link_citations, parse_inlines, urls_in
from .text_lines import UNESCAPED_PIPE, Line, classify, collapse

# Headings that make the lists after them references, wherever they are.
REFERENCE_HEADINGS = frozenset({
    "references", "reference", "sources", "source", "bibliography", "notes", "endnotes",
    "further reading", "works cited", "literature", "citations", "footnotes",
    "参考文献", "参考资料", "參考資料", "參考文獻", "出典", "参考", "引用", "注释", "註釋",
    "источники", "литература", "список литературы", "примечания"})
LONGEST_REFERENCE_HEADING = 40  # with numbering and a colon around the longest name above
# Headings that do so only for the document's last section, when it holds lists only.
RESOURCE_HEADINGS = frozenset({
    "resources", "links", "useful links", "further resources", "additional resources",
    "learn more", "read more", "see also", "more information", "more resources", "related",
    "related links", "related reading", "recommended reading", "延伸阅读", "延伸閱讀", "相关链接",
    "相關連結", "関連リンク", "参考リンク", "ссылки", "полезные ссылки"})

FIELD = re.compile(r"(title|subtitle|author|authors|by|date|published|keywords|tags|lang|language"
                   r"|关键词|关键字|關鍵詞|關鍵字|キーワード|ключевые слова)\s*[:：]\s*(.*)", re.IGNORECASE)
KEYWORD_LABEL = re.compile(r"(keywords|key words|tags|关键词|关键字|關鍵詞|關鍵字|キーワード|ключевые слова"
                           r"|schlüsselwörter|mots-clés|palabras clave)\s*[:：]\s*", re.IGNORECASE)
KEYWORD_SEPARATORS = re.compile(r"\s*[,;、，；]\s*")
YAML_LINE = re.compile(r"\s*(?:[A-Za-z_][\w-]*\s*:(?:\s.*)?|- \S.*)$")
BYLINE = re.compile(r"(?:by|von|par|por|作者[:：]?|文[:：]|автор[:：]?)\s+(\S.{0,100}?)", re.IGNORECASE)
SENTENCE_END = frozenset(".,;:。，；：、…")
FINAL_EXCLAMATION = frozenset("!！")
CLOSERS = frozenset("\"'”’»)]」』）】")
# A line made only of these words is the glue between dropped code samples ("and",
# "becomes"), never a heading; a line ending in one runs into something the feed dropped.
FUNCTION_WORDS = frozenset({"and", "or", "to", "then", "becomes", "is", "are", "equivalent", "vs",
                            "versus", "compare", "with", "of", "the", "a", "an", "in", "as", "but",
                            "so", "like", "into", "from"})
TRAILING_WORDS = frozenset({"like", "that", "are", "is", "of", "the", "to", "and", "or", "with",
                            "for", "as", "where", "which", "by", "a", "an", "this", "these",
                            "following", "consist", "from", "into", "our", "your", "their", "its",
                            "was", "were", "be", "can", "will", "would", "should", "has", "have"})
MAX_HEADING_WORDS = 16
LONG_HEADING_WORDS = 10
MAX_HEADING_CHARS = 120
MAX_CJK_HEADING_CHARS = 40
MAX_EXCLAMATION_HEADING_WORDS = 6


class Decision(Record):
    """Why one block (or metadata field) came out as it did: for `docforge inspect --explain`."""
    kind: str          # "heading", "paragraph", "bullet_list", "table", "references", "title", ...
    rule: str          # the name of the rule function that decided it
    first_line: int    # 1-based input lines
    last_line: int
    preview: str


# ------------------------------------------------------------------ text predicates

# Scripts written without spaces (Han, kana, Hangul, their punctuation and full-width forms).
CJK_CHARACTER = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff00-\uffef]")


def is_cjk(ch: str) -> bool:
    """A character of a script written without spaces (see CJK_CHARACTER)."""
    return CJK_CHARACTER.match(ch) is not None


def columns(text: str) -> int:
    """Display width: wide (CJK) characters take two columns, as a wrapping editor counts."""
    if text.isascii():  # the common case, and no wide character is below U+1100
        return len(text)
    width = unicodedata.east_asian_width
    return len(text) + sum(1 for ch in text if ch >= "\u1100" and width(ch) in "WF")



def has_cjk(text: str) -> bool:
    """Whether the first 200 characters hold one that `is_cjk`."""
    return not text.isascii() and CJK_CHARACTER.search(text, 0, 200) is not None


def core_end(text: str) -> str:
    """The last meaningful character: trailing emoji, symbols and closing quotes/brackets
    are looked through ("Tips. 👀" ends in ".", `blog."` ends in ".")."""
    for ch in reversed(text):
        if ch.isspace() or ch in CLOSERS or unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf", "Co", "Cs"):
            continue
        return ch
    return ""


def words_of(text: str) -> list[str]:
    return [w.strip("\"'“”‘’()[]").lower() for w in text.split()]


def looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation at its end ("Why now?" is fine), no URL,
    at most one comma, not only function words and not ending in one."""
    if not text or len(text) > MAX_HEADING_CHARS:
        return False
    end = core_end(text)
    if not end or end in SENTENCE_END or end in FINAL_EXCLAMATION:
        return False
    commas = text.count(",") + text.count("，") + text.count("、")
    if "://" in text or commas > (2 if end in "?？" else 1):
        return False
    if has_cjk(text):
        return len(text) <= MAX_CJK_HEADING_CHARS
    words = words_of(text)
    if len(words) > MAX_HEADING_WORDS or not any(ch.isalnum() for ch in text):
        return False
    if len(words) > LONG_HEADING_WORDS and commas and end not in "?？":
        return False  # a long line with a comma inside reads as a sentence
    return not all(w in FUNCTION_WORDS for w in words) and words[-1] not in TRAILING_WORDS


def looks_like_exclamation_heading(text: str) -> bool:
    """`Stage 2: DRY!`: a very short line ending in `!` that otherwise looks like a heading."""
    if core_end(text) not in FINAL_EXCLAMATION or not text[:1].isupper() and not text[:1].isdigit():
        return False
    if len(text.split()) > MAX_EXCLAMATION_HEADING_WORDS:
        return False
    return looks_like_heading(text.rstrip().rstrip("!！").rstrip() + " x") and "," not in text


def looks_like_keywords(text: str) -> list[str] | None:
    """Short phrases separated by `,` `;` `、` `，` `；` with nothing sentence-like at the end."""
    label = KEYWORD_LABEL.match(text)
    body = text[label.end():] if label else text
    parts = [p.strip() for p in KEYWORD_SEPARATORS.split(body.strip().rstrip(",;、，；"))]
    if not parts or any(not p for p in parts):
        return None
    if label:
        return parts
    if body.rstrip()[-1:] in ".!?。！？:：" or "://" in body:
        return None
    cjk = has_cjk(body)
    for p in parts:
        if (len(p) > 20 if cjk else len(p) > 40 or len(p.split()) > 5):
            return None
    if len(parts) == 1 and (len(body.split()) > 3 or len(body) > 30 or cjk and len(body) > 12):
        return None
    return parts


NAME_PARTICLES = frozenset({"and", "&", "von", "van", "de", "der", "den", "la", "le", "du", "da", "di",
                            "del", "bin", "al", "y", "e", "und", "et"})


def looks_like_names(text: str) -> bool:
    """`Jane Example and Li Wei`: capitalised words and particles, no digits, no sentence
    end; or a short CJK name list. ("By 2030, cities will..." is not a byline.)"""
    if any(ch.isdigit() for ch in text) or core_end(text) in SENTENCE_END | FINAL_EXCLAMATION | {"?"}:
        return False
    if has_cjk(text):
        return len(text) <= 30
    words = text.replace(",", " ").split()
    return 0 < len(words) <= 10 and all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)


def is_reference_heading(text: str) -> bool:
    # no reference heading is longer than this, so most headings skip the normalising
    return len(text) <= LONGEST_REFERENCE_HEADING and normalize_heading(text) in REFERENCE_HEADINGS


def normalize_heading(text: str) -> str:
    text = re.sub(r"^(?:[0-9]+(?:\.[0-9]+)*\.?|[ivxIVX]+\.|[一二三四五六七八九十]+、)\s*", "", text.strip())
    return " ".join(text.rstrip(":：").split()).casefold()


def join_wrapped(parts: list[str]) -> str:
    """Unwrap lines: joined by a space, except between two CJK characters."""
    out: list[str] = []
    for part in parts:
        if out and not (is_cjk(out[-1][-1:] or " ") and is_cjk(part[:1] or " ")):
            out.append(" ")
        out.append(part)
    return "".join(out)


# ------------------------------------------------------------------ parse state

class Layout:
    """How the body is laid out (decided once by measure_layout)."""
    __slots__ = ("blank_separated", "hard_wrapped", "width")

    def __init__(self) -> None:
        self.blank_separated = False
        self.hard_wrapped = False
        self.width = 0


class ParseState:
    """Everything one parse builds. Rules read `lines` and append through `emit`.
    (A plain class: it is mutable, and records are not.)"""
    __slots__ = ("raw_lines", "lines", "start", "end", "next_nonblank", "layout", "meta", "blocks",
                 "decisions", "meta_decisions", "diagnostics", "references_state", "heading_kinds",
                 "reference_count", "reference_labels", "section_number", "deepest_list")

    def __init__(self, raw_lines: list[str]) -> None:
        self.raw_lines = raw_lines
        self.lines: list[Line] = []
        self.start = 0                     # first index of `lines` that is body
        self.end = 0                       # one past the last body index
        self.next_nonblank: list[int] = []
        self.layout = Layout()
        self.meta: dict = {"authors": [], "keywords": []}
        self.blocks: list = []
        self.decisions: list[Decision] = []        # parallel to blocks
        self.meta_decisions: list[Decision] = []
        self.diagnostics: list[Diagnostic] = []
        self.references_state = ""         # "", "heading", "intro", "entries"
        self.heading_kinds: list = []      # (block index, "explicit"|"numbered"|"bare")
        self.reference_count = 0           # the highest reference number given so far
        self.reference_labels: set = set()
        self.section_number = 0            # the top number of the last numbered heading ("2" of 2.1)
        self.deepest_list = 0              # items in the longest list: a bound on its nesting depth

    def emit(self, block, kind: str, rule: str, first: Line, last: Line, preview: str = "") -> None:
        self.blocks.append(block)
        self.decisions.append(Decision(kind, rule, first.number, last.number,
                                       (preview or plain_text(block))[:70]))

    def note(self, kind: str, rule: str, line: int, value: str) -> None:
        self.meta_decisions.append(Decision(kind, rule, line, line, value[:70]))

    def warn(self, message: str, line: int) -> None:
        self.diagnostics.append(Diagnostic(message, line=line))

    def following(self, pos: int) -> Optional[Line]:
        """The next non-blank body line after `pos`, or None."""
        k = self.next_nonblank[pos + 1] if pos + 1 < len(self.next_nonblank) else self.end
        return self.lines[k] if k < self.end else None

    def blank_after(self, pos: int) -> bool:
        return pos + 1 < self.end and self.lines[pos + 1].kind == "blank"


# ------------------------------------------------------------------ document rules

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
    body = lines[k + 1:close]
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


def byline_and_dek(state: ParseState) -> None:
    """Under the title, `By Jane Example` is the byline; one short line between the title
    and a byline is the subtitle (dek). Nothing else is touched."""
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
        names = [a.strip() for a in re.split(r",|\band\b|&|、", m.group(1)) if a.strip()]
        state.meta["authors"] += names
        state.note("meta:author", "byline_and_dek", lines[by].number, m.group(1))
        state.start = by + 1
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
    body = state.lines[state.start:state.end]
    nonblank = [ln for ln in body if ln.kind != "blank"]
    gaps = sum(1 for a, b in zip(body, body[1:]) if a.kind == "blank" and b.kind != "blank")
    if nonblank and body[0].kind == "blank":
        gaps -= 1
    state.layout.blank_separated = gaps >= max(1, (len(nonblank) - 1) // 5)
    text_lengths = sorted(columns(ln.raw.rstrip()) for ln in nonblank[:5000]
                          if ln.kind in ("text", "bullet", "ordered") and len(ln.raw) < 400)
    if len(text_lengths) < 4:
        return
    width = text_lengths[int(0.95 * (len(text_lengths) - 1))]
    runs = [(a, b) for a, b in zip(body, body[1:]) if a.kind == "text" and b.kind == "text"
            or a.kind in ("bullet", "ordered", "text") and b.kind == "text" and b.indent > a.indent]
    if not 30 <= width <= 100 or len(runs) < 3:
        return
    # a wrapped line runs on: it reached the width and does not end a sentence
    wrapped = sorted(columns(a.raw.rstrip()) for a, _ in runs
                     if _reaches(a, width) and core_end(a.text) not in ".!?。！？:")
    state.layout.hard_wrapped = len(wrapped) * 2 >= len(runs)
    if not state.layout.hard_wrapped:
        return
    # The wrap width: the longest line that surely ran on (the next starts in lower case,
    # mid-sentence); without case (CJK), the longest line that ran on, ignoring a few
    # outliers (a long heading right above its paragraph also "runs on").
    surely = sorted(columns(a.raw.rstrip()) for a, b in runs if b.text[:1].islower())
    if len(surely) >= 3:
        state.layout.width = surely[len(surely) - 1 - len(surely) // 30]
    else:
        state.layout.width = wrapped[max(0, len(wrapped) - 1 - max(2, len(wrapped) // 30))]


def index_lines(state: ParseState) -> None:
    """For every index, the next non-blank index (so lookahead is O(1) and the parse linear)."""
    n = len(state.lines)
    nxt = [n] * (n + 1)
    for k in range(n - 1, -1, -1):
        nxt[k] = k if state.lines[k].kind != "blank" else nxt[k + 1]
    state.next_nonblank = nxt


DocumentRule = Callable[[ParseState], None]
DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    index_lines,
    front_matter_block,
    header_fields,
    first_line_title,
    byline_and_dek,
    trailing_keyword_line,
    measure_layout,
)


# ------------------------------------------------------------------ block rules
# Each: (state, pos) -> the position after what it consumed, or None if it does not apply.

def fenced_code(state: ParseState, pos: int) -> Optional[int]:
    """```lang ... ``` (or ~~~): a code block, kept verbatim."""
    line = state.lines[pos]
    if line.kind != "fence_open":
        return None
    end = pos + 1
    while end < len(state.lines) and state.lines[end].kind != "fence_close":
        end += 1
    body = state.lines[pos + 1:end]
    code = "\n".join(ln.raw for ln in body)
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
    rows: list[list[str]] = [split_row(line.raw)]
    numbers = [line.number]
    aligns = [align_of(spec) for spec in split_row(state.lines[pos + 1].raw)]
    end = pos + 2
    while end < state.end and state.lines[end].kind not in ("blank", "fence_open") and (
            UNESCAPED_PIPE.search(state.lines[end].raw)):
        if state.lines[end].kind != "table_sep":
            rows.append(split_row(state.lines[end].raw))
            numbers.append(state.lines[end].number)
        end += 1
    width = max(len(r) for r in rows)
    header_width = len(rows[0])
    for k, (row, number) in enumerate(zip(rows, numbers)):
        if len(row) < width:
            if k == 0:
                state.warn(f"table header has {len(row)} cells, widest row has {width}; padded", number)
            elif width == header_width:
                state.warn(f"table row has {len(row)} cells, header has {header_width}; padded", number)
            else:
                state.warn(f"table row has {len(row)} cells, widest row has {width}; padded", number)
            row.extend([""] * (width - len(row)))
    aligns = (aligns + ["default"] * width)[:width]
    cells = [tuple(Cell(parse_inlines(c)) for c in row) for row in rows]
    state.emit(Table(cells[0], tuple(cells[1:]), tuple(aligns)), "table", "pipe_table", line,
               state.lines[end - 1], f"{width} columns x {len(rows)} rows")
    return end


def split_row(raw: str) -> list[str]:
    """`| a | b \\| c |` -> ["a", "b | c"]: outer pipes optional, `\\|` a literal pipe."""
    text = raw.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [collapse(cell.replace("\\|", "|")) for cell in UNESCAPED_PIPE.split(text)]


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
    items, end = _collect_items(state, pos, ENTRY_KINDS, same_kind=False)
    entries = []
    for _, ln, parts in items:
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
        entries.append(Reference(f"ref-{label}", label, parse_inlines(text), urls[-1] if urls else ""))
    numbers = [ln.number for _, ln, _ in items]
    state.emit(References(tuple(_unique_labels(entries, numbers, state))), "references", "references_list", line,
               state.lines[end - 1], f"{len(entries)} entries")
    state.references_state = "entries"
    return end


def _unique_labels(entries: list[Reference], numbers: list[int], state: ParseState) -> list[Reference]:
    """Entry labels must be unique in the document ("1." twice: the second gets the next
    free number, with a diagnostic)."""
    out = []
    for e, number in zip(entries, numbers):
        if e.label in state.reference_labels:
            state.reference_count += 1
            while str(state.reference_count) in state.reference_labels:
                state.reference_count += 1
            label = str(state.reference_count)
            state.warn(f"reference number {e.label} is used twice; numbered {label}", number)
            e = replace(e, id=f"ref-{label}", label=label)
        state.reference_labels.add(e.label)
        out.append(e)
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


def _next_section(state: ParseState, pos: int) -> bool:
    """Inside a list, `3. Results` right after numbered sections 1 and 2 is the next section."""
    line = state.lines[pos]
    return (state.section_number > 0 and line.kind == "ordered" and line.marker.isdigit()
            and int(line.marker) == state.section_number + 1 and _lone_numbered_heading(state, pos))


def list_block(state: ParseState, pos: int) -> Optional[int]:
    """Bullet or ordered items, nested by indentation, items wrapped onto continuation
    lines; a change of marker kind at the outer level starts a new list."""
    line = state.lines[pos]
    if line.kind not in LIST_KINDS:
        return None
    items, end = _collect_items(state, pos, LIST_KINDS, same_kind=True)
    state.deepest_list = max(state.deepest_list, len(items))
    state.emit(build_list(items), "bullet_list" if line.kind == "bullet" else "ordered_list",
               "list_block", line, state.lines[end - 1], line.text)
    return end


def _collect_items(state: ParseState, pos: int, kinds: tuple, same_kind: bool):
    """Items from `pos` on: (indent, first line, text parts). Continuation lines are text
    lines indented deeper than the item, or, in hard-wrapped text, lines continuing a full
    line. Blank lines inside are allowed when the list goes on right after them."""
    lines, base, kind = state.lines, state.lines[pos].indent, state.lines[pos].kind
    first_marker = state.lines[pos].marker  # "- a" then "* b" at the outer level: two lists
    items: list[tuple[int, Line, list[str]]] = []
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
            if nxt < state.end and items and lines[nxt].kind == "text" and lines[nxt].indent > items[-1][0]:
                end = nxt  # a further paragraph of the item, indented under it
                continue
            break
        if ln.kind in kinds and items and _next_section(state, end):
            break
        if ln.kind in kinds and (ln.indent > base or ln.kind == kind and (
                kind != "bullet" or ln.marker == first_marker) or not same_kind):
            items.append((ln.indent, ln, [ln.text] if ln.text else []))
            end += 1
            continue
        if items and ln.kind not in ("fence_open", "table_sep") and ln.indent > items[-1][0] and (
                ln.kind not in kinds):
            items[-1][2].append(collapse(ln.raw))
            end += 1
            continue
        if items and ln.kind == "text" and lines[end - 1].kind != "blank" and ln.text[:1].islower() \
                and wraps_into(state, lines[end - 1], ln):  # an unindented continuation
            items[-1][2].append(ln.text)
            end += 1
            continue
        break
    return items, end


def wraps_into(state: ParseState, line: Line, nxt: Line) -> bool:
    """In hard-wrapped text, whether `nxt` continues `line`: a wrapping editor moved the
    next word down only because it did not fit (line + space + that word exceed the
    width), and a line longer than the width was not wrapped at all (a long heading)."""
    width = state.layout.width
    if width <= 0 or not nxt.text:
        return False
    used = columns(line.raw.rstrip())
    if used > width:
        return False
    first = nxt.text[0] if is_cjk(nxt.text[0]) else nxt.text.split(" ", 1)[0][:200]
    return used + 1 + columns(first) > width - 1


def _reaches(line: Line, width: int) -> bool:
    return len(line.raw) >= 0.375 * width and columns(line.raw.rstrip()) >= 0.75 * width


def build_list(items: list) -> BulletList | OrderedList:
    """Nest items by indentation with an explicit stack (no recursion): an item deeper than
    the one before opens a sub-list inside it; a shallower one closes sub-lists."""
    # each frame: [indent, kind, first marker, list of [ListItem blocks list]]
    stack: list[list] = []

    def close() -> BulletList | OrderedList:
        indent, kind, marker, entries = stack.pop()
        built = tuple(ListItem(tuple(blocks)) for blocks in entries)
        if kind == "ordered":
            return OrderedList(built, _ordinal(marker))
        return BulletList(built)

    for indent, ln, parts in items:
        while len(stack) > 1 and indent < stack[-1][0]:
            sub = close()
            stack[-1][3][-1].append(sub)
        if stack and indent > stack[-1][0] and stack[-1][3]:
            stack.append([indent, ln.kind, ln.marker, []])
        elif stack and indent < stack[-1][0]:
            stack[-1][0] = indent  # shallower than the outer list: it joins the outer list
        if not stack:
            stack.append([indent, ln.kind, ln.marker, []])
        stack[-1][3].append([Paragraph(parse_inlines(join_wrapped(parts)))])
    while len(stack) > 1:
        sub = close()
        stack[-1][3][-1].append(sub)
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


def bare_line_heading(state: ParseState, pos: int) -> Optional[int]:
    """A short text line that looks like a heading (see looks_like_heading) with something
    after it; in blank-separated text it must stand alone or sit atop a longer paragraph."""
    line = state.lines[pos]
    if line.kind != "text":
        return None
    nxt = state.following(pos)
    if nxt is None:
        return None
    if looks_like_heading(line.text):
        rule = "bare_line_heading"
    elif looks_like_exclamation_heading(line.text) and nxt.kind == "text" and not looks_like_heading(
            nxt.text) and not (state.blocks and type(state.blocks[-1]) is Heading):
        rule = "exclamation_heading"
    else:
        return None
    if state.layout.blank_separated and not state.blank_after(pos) and nxt.kind == "text":
        # "Heading\nbody..." with no blank between: a heading only atop a longer text line
        if len(line.text) >= 0.6 * len(nxt.text) or line.text.endswith(","):
            return None
    if nxt.kind == "text" and not state.blank_after(pos) and wraps_into(state, line, nxt):
        return None  # the first line of a wrapped paragraph
    _heading(state, 1, line.text, rule, line, line)
    return pos + 1


def text_paragraph(state: ParseState, pos: int) -> Optional[int]:
    """Anything else is a paragraph: one line, or in blank-separated or hard-wrapped text
    the run of text lines up to a blank line, a list, a table or a heading, unwrapped."""
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
            if not (layout.blank_separated or wraps_into(state, state.lines[end - 1], ln)):
                break
            parts.append(ln.text if ln.kind != "table_row" else collapse(ln.raw))
            end += 1
    last = state.lines[end - 1]
    state.emit(Paragraph(parse_inlines(join_wrapped(parts))), "paragraph", "text_paragraph", line, last)
    return end


def _heading(state: ParseState, level: int, text: str, rule: str, first: Line, last: Line,
             explicit: bool = False, numbered: bool = False) -> None:
    heading = Heading(level, parse_inlines(text))
    if numbered:
        top = re.match(r"[0-9]+", text)
        state.section_number = int(top.group(0)) if top else state.section_number
    state.emit(heading, "heading", rule, first, last, text)
    state.heading_kinds.append((len(state.blocks) - 1, "explicit" if explicit else
                                "numbered" if numbered else "bare"))


BlockRule = Callable[[ParseState, int], Optional[int]]
BLOCK_RULES: tuple[BlockRule, ...] = (
    fenced_code,
    stray_fence,
    setext_heading,
    hash_heading,
    thematic_break,
    pipe_table,
    references_list,
    numbered_section_heading,
    list_block,
    quote_block,
    escaped_paragraph,
    references_heading,
    bare_line_heading,
    text_paragraph,
)


# ------------------------------------------------------------------ post rules

def final_resources_section(state: ParseState) -> None:
    """The last section, titled Resources / Links / Further reading / 延伸阅读 ..., holding
    only lists (optionally after one intro paragraph): its lists are references."""
    last = max((k for k, b in enumerate(state.blocks) if type(b) is Heading), default=None)
    if last is None or normalize_heading(plain_text(state.blocks[last])) not in RESOURCE_HEADINGS:
        return
    body = state.blocks[last + 1:]
    if body and type(body[0]) is Paragraph:
        body = body[1:]
    if not body or any(type(b) not in (BulletList, OrderedList) for b in body):
        return
    first = len(state.blocks) - len(body)
    entries: list[Reference] = []
    for block in body:
        for item in _flat_items(block):
            text = plain_text(item.blocks[0]) if item.blocks else ""
            urls = urls_in(text)
            state.reference_count += 1
            while str(state.reference_count) in state.reference_labels:
                state.reference_count += 1
            label = str(state.reference_count)
            state.reference_labels.add(label)
            entries.append(Reference(f"ref-{label}", label, item.blocks[0].inlines if item.blocks else (),
                                     urls[-1] if urls else ""))
    decision = state.decisions[first]
    state.blocks[first:] = [References(tuple(entries))]
    state.decisions[first:] = [Decision("references", "final_resources_section", decision.first_line,
                                        state.decisions[-1].last_line, f"{len(entries)} entries")]


def _flat_items(block) -> list[ListItem]:
    """The items of a list and of its sub-lists, in document order (iteratively)."""
    out: list[ListItem] = []
    stack = [iter(block.items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        out.append(item)
        subs = [b for b in item.blocks[1:] if type(b) in (BulletList, OrderedList)]
        for sub in reversed(subs):
            stack.append(iter(sub.items))
    return out


def heading_levels(state: ParseState) -> None:
    """Levels from evidence only: `#` counts shifted so the top one is 1; numbering depth;
    ALL-CAPS headings over mixed-case ones (when the document starts with an ALL-CAPS one)."""
    explicit = [k for k, how in state.heading_kinds if how == "explicit"]
    if explicit:
        shift = min(state.blocks[k].level for k in explicit) - 1
        if shift > 0:
            for k in explicit:
                state.blocks[k] = replace(state.blocks[k], level=state.blocks[k].level - shift)
    bare = [k for k, how in state.heading_kinds if how == "bare"]
    caps = {k for k in bare if _all_caps(plain_text(state.blocks[k]))}
    if caps and len(caps) < len(bare) and bare[0] in caps:
        for k in bare:
            if k not in caps:
                state.blocks[k] = replace(state.blocks[k], level=2)


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters if ch.lower() != ch.upper()) and any(
        ch.lower() != ch.upper() for ch in letters)


def citation_links(state: ParseState) -> None:
    """`[1]`, `[2, 3]`, `[4-6]` in paragraphs, list items and cells become CitationRefs when
    references with those labels exist; others stay text."""
    known = frozenset(int(e.label) for b in state.blocks if type(b) is References
                      for e in b.entries if e.label.isdigit())
    if not known:
        return

    def fix(node):
        if type(node) in (Paragraph, Cell):
            inlines = link_citations(node.inlines, known)
            if inlines is not node.inlines:
                return replace(node, inlines=inlines)
        return node

    # map_tree recurses about four frames per list level; CPython 3.11 does that without
    # growing the C stack, so raising the limit to what this document needs is safe
    with deep_recursion(max(20_000, 8 * state.deepest_list + 1_000)):
        state.blocks = [b if type(b) in (References, Heading) else fix(b) if type(b) is Paragraph
                        else map_tree(b, fix, frozenset({Paragraph, Cell})) for b in state.blocks]


PostRule = Callable[[ParseState], None]
POST_RULES: tuple[PostRule, ...] = (
    final_resources_section,
    heading_levels,
    citation_links,
)


# ------------------------------------------------------------------ the reader

class ParseResult(Record):
    document: Document
    diagnostics: list[Diagnostic]
    decisions: list[Decision]


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a BOM that survived decoding is dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def parse(text: str) -> ParseResult:
    """One parse: the Document, its diagnostics and the decision behind each block."""
    raw_lines = normalize_newlines(text).split("\n")
    state = ParseState(raw_lines)
    state.lines = classify(raw_lines)
    state.end = len(state.lines)
    for rule in DOCUMENT_RULES:
        rule(state)
    pos = state.start
    while pos < state.end:
        line = state.lines[pos]
        if line.kind == "blank":
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
    for rule in POST_RULES:
        rule(state)
    meta = state.meta
    document = Document(Meta(title=meta.get("title", ""), subtitle=meta.get("subtitle", ""),
                             authors=tuple(meta["authors"]), date=meta.get("date", ""),
                             language=meta.get("language", ""), keywords=tuple(meta["keywords"]),
                             extra=tuple(sorted(meta.get("extra", ())))),
                        tuple(state.blocks))
    decisions = sorted(state.meta_decisions + state.decisions, key=lambda d: d.first_line)
    return ParseResult(document, state.diagnostics, decisions)


def _track_references(state: ParseState, blocks_before: int) -> None:
    """After each block: a References-like heading opens a references section, one intro
    paragraph may follow, then entries; anything else closes it."""
    for block in state.blocks[blocks_before:]:
        kind = type(block)
        if kind is Heading:
            state.references_state = "heading" if is_reference_heading(plain_text(block)) else ""
        elif kind is Paragraph and state.references_state == "heading":
            state.references_state = "intro"
        elif kind is References:
            state.references_state = "entries"
        else:
            state.references_state = ""


class TextReader:
    """The `text` reader: feed text in, Document and diagnostics out (see the module doc)."""
    name = "text"
    extensions = (".txt", ".text")

    def read(self, text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
        result = parse(text)
        return result.document, result.diagnostics

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
