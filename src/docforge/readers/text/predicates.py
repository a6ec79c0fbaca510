"""Small tests on the text of one line, and the measures they use: is this line
heading-like, a keyword list, a list of names, a References title; how wide is it; does
the next line continue it. Pure functions of strings and Lines, shared by every stage.

Must never look at more than the lines it is given (no parse state), never depend on
English capitalisation alone (CJK lines are measured in characters), and stay linear in
the length of the text.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lines import Line

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

KEYWORD_LABEL = re.compile(r"(keywords|key words|tags|关键词|关键字|關鍵詞|關鍵字|キーワード|ключевые слова"
                           r"|schlüsselwörter|mots-clés|palabras clave)\s*[:：]\s*", re.IGNORECASE)
KEYWORD_SEPARATORS = re.compile(r"\s*[,;、，；]\s*")
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
NAME_PARTICLES = frozenset({"and", "&", "von", "van", "de", "der", "den", "la", "le", "du", "da", "di",
                            "del", "bin", "al", "y", "e", "und", "et"})

# Scripts written without spaces (Han, kana, Hangul, their punctuation and full-width forms).
CJK_CHARACTER = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff00-\uffef]")


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed."""
    return " ".join(text.split())


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
    """The words of `text`, lower-cased, with quotes and brackets around them stripped."""
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
    if body.rstrip()[-1:] in ".!?。！？:：" or "://" in body or _led_by_a_label(parts[0]):
        return None
    cjk = has_cjk(body)
    # A long list of phrases is a subject index ("Department of Environmental Protection
    # (NYC)"), whose entries may be longer than a short tag line's.
    chars, words = (60, 8) if len(parts) >= MANY_KEYWORDS else (40, 5)
    for p in parts:
        if (len(p) > 20 if cjk else len(p) > chars or len(p.split()) > words):
            return None
    if len(parts) == 1 and (len(body.split()) > 3 or len(body) > 30 or cjk and len(body) > 12):
        return None
    if len(parts) <= 2 and not _tag_like(body, cjk):
        return None
    return parts


MANY_KEYWORDS = 5
LEADING_LABEL = re.compile(r"[^\W\d][\w'’ -]{0,30}?\s?[:：]\s")


def _led_by_a_label(first_part: str) -> bool:
    """`Images: Pexels; ...`, `Honorable mentions: A, B, C`: a list under a label other
    than Keywords/Tags is a credit or a sentence of the body, not the keyword line."""
    return LEADING_LABEL.match(first_part) is not None


def _tag_like(body: str, cjk: bool) -> bool:
    """Without a label or several separators, a line must look like tags to be keywords:
    lower case (`newsletter`, `tech notes, github`), or CJK phrases in a list. A short
    line in sentence or name case at the end ("Thanks for reading", "Stockholm, Sweden")
    is a sign-off or a place line, and stays a paragraph."""
    if cjk:
        return bool(KEYWORD_SEPARATORS.search(body))
    return not any(ch.isupper() for ch in body)


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
    """`References`, `3. Sources:`, `参考资料`: a heading that makes the entries after it references."""
    # no reference heading is longer than this, so most headings skip the normalising
    return len(text) <= LONGEST_REFERENCE_HEADING and normalize_heading(text) in REFERENCE_HEADINGS


def normalize_heading(text: str) -> str:
    """A heading as the name lists above hold it: numbering (`2.1`, `iv.`, `三、`) and a
    trailing colon dropped, whitespace collapsed, case folded."""
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


def all_caps(text: str) -> bool:
    """`DATA AND METHODS`: at least two letters, every cased one upper case."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters if ch.lower() != ch.upper()) and any(
        ch.lower() != ch.upper() for ch in letters)


def wraps_into(line: Line, nxt: Line, width: int) -> bool:
    """In hard-wrapped text, whether `nxt` continues `line`: a wrapping editor moved the
    next word down only because it did not fit (line + space + that word exceed the
    width), and a line longer than the width was not wrapped at all (a long heading)."""
    if width <= 0 or not nxt.text:
        return False
    used = columns(line.raw.rstrip())
    if used > width:
        return False
    first = nxt.text[0] if is_cjk(nxt.text[0]) else nxt.text.split(" ", 1)[0][:200]
    return used + 1 + columns(first) > width - 1


def reaches(line: Line, width: int) -> bool:
    """Whether `line` comes near `width`, as a line a wrapping editor filled does."""
    return len(line.raw) >= 0.375 * width and columns(line.raw.rstrip()) >= 0.75 * width
