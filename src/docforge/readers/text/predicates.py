"""Small tests on the text of one line, and the measures they use: is this line
heading-like, a keyword list, a list of names, a References title; is it a line of code,
a date, a score, a field, a caption, a credit, button text, a permalink-marked heading;
how wide is it; does the next line continue it. Pure functions of strings and Lines,
shared by every stage.

Must never look at more than the lines it is given (no parse state), never depend on
English capitalisation alone (CJK lines are measured in characters), and stay linear in
the length of the text.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import chain
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
                            "was", "were", "be", "can", "will", "would", "should", "has", "have",
                            "via", "either", "since", "because", "than"})
MAX_HEADING_WORDS = 16
LONG_HEADING_WORDS = 10
MAX_HEADING_CHARS = 120
MAX_CJK_HEADING_CHARS = 40
MAX_EXCLAMATION_HEADING_WORDS = 6
NAME_PARTICLES = frozenset({"and", "&", "von", "van", "de", "der", "den", "la", "le", "du", "da", "di",
                            "del", "bin", "al", "y", "e", "und", "et", "en", "i", "и", "oraz", "ter", "op"})

# Scripts written without spaces (Han, kana, Hangul, their punctuation and full-width forms).
CJK_CHARACTER = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff00-\uffef]")


# re's \s is str.isspace's set (what str.split() splits on), NBSP and the Unicode spaces too
_NEEDS_COLLAPSE = re.compile(r"\s\s|[^\S ]|^\s|\s$")
_WHITESPACE_RUN = re.compile(r"\s+")
LONG_TEXT_CHARS = 4096   # from here a line's word list outweighs a regex's slower pass


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed: `" ".join(text.split())`, without the
    list of every word (about 10 bytes per character of a long line, the reader's peak), and
    the same string when nothing changes."""
    # every whitespace character but the space is unprintable: the common case in C speed
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    if len(text) < LONG_TEXT_CHARS:
        return " ".join(text.split())  # the fastest way, and short lines cost little
    if _NEEDS_COLLAPSE.search(text) is None:
        return text
    return _WHITESPACE_RUN.sub(" ", text).strip()


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
    # `、` lists items inside a CJK heading (`p.12、図3、2行目`) as often as in a sentence, so it
    # counts half a comma
    commas = text.count(",") + text.count("，") + text.count("、") / 2
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


# 04/03/2021, 4.3.2021, 2021/3/4 (day-month order unknown: shown as written), with a time
NUMERIC_DATE = re.compile(r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./]\d{1,2}[./]\d{1,2})"
                          r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?")
LONGEST_DATE = 40


def looks_like_date(text: str) -> bool:
    """`2021-03-04`, `2021-03-04T10:00Z`, `March 4, 2021`, `4. März 2021`, `2021年3月4日`,
    `04/03/2021`: a date and nothing else (what `Date:` under a title may hold; `Date:
    the day the vote was due` is not one). The ISO and written forms are the ones the
    writers date a document by (options.py), so a date taken here dates its PDF and DOCX."""
    from ...options import _iso_date_seconds, _written_date_seconds  # the writers' own parsers
    text = text.strip()
    if len(text) > LONGEST_DATE or not any(ch.isdigit() for ch in text):
        return False
    if NUMERIC_DATE.fullmatch(text):
        return True
    if re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:[T ][0-9:.+\-Z]{2,25})?", text):
        return _iso_date_seconds(text) is not None
    return _written_date_seconds(text) is not None


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


# ------------------------------------------------------------------ short lines that are not headings
# Web-extraction tools write every <p> on its own line, so a short paragraph (a credit, a
# label and its value, a line of code, a date) looks like a bare heading. These tests
# name the shapes that such lines have and headings do not.

CODE_SHAPE = re.compile(r"[{};]\s*$|^\s*(?://|/\*|\}|#include\b|>>>|\$ \S)|>>>\s*$|[=!<>+\-*/]=|&&|\|\||->"
                        r"|\b\w+\.\w+\(|\w\($|^\s*[\w.\[\]]+\s*=\s*\S|\d\s?[&^|~]\s?\d")


def looks_like_code(text: str) -> bool:
    """`int flag){`, `} finally {`, `// a comment`, `x = f(y)`, `a.get(`, `a == b`, `4 ^ 2`:
    a line of source code (braces or a semicolon at its end, an operator, a method call;
    `Depth = Quality + Time` in a heading is not one: `=` must follow the first word)."""
    return CODE_SHAPE.search(text[:300]) is not None


FRAGMENT_START = FUNCTION_WORDS | TRAILING_WORDS | frozenset({"but", "nor", "yet", "which", "who", "whose"})


def starts_with_function_word(text: str) -> bool:
    """`and add`, `to the constructor`: a line that begins in lower case with a word that
    only continues a sentence, never starts a heading."""
    first = text.split(" ", 1)[0]
    return first[:1].islower() and first.strip(",;:").lower() in FRAGMENT_START


MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
          "|september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février"
          "|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio"
          "|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro"
          "|outubro|novembro|dezembro|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września"
          "|października|listopada|grudnia|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября"
          "|ноября|декабря")
DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{4}-\d{2}-\d{2}|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
                  rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
                  rf"|\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{MONTHS})\.?(?:\s+de)?\s+\d{{4}}\b", re.IGNORECASE)
TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|uhr|h)?\b", re.IGNORECASE)


def looks_like_dateline(text: str) -> bool:
    """`December 9, 2016`, `Updated 17.12.2019, 10:30`, `2019年12月17日更新`: a date with at
    most three other words around it, the time stamp of a page or a post, not a heading."""
    m = DATE.search(text)
    if not m:
        return False
    rest = TIME.sub(" ", text[:m.start()] + " " + text[m.end():])
    if has_cjk(rest):
        return len(rest.strip()) <= 6
    return len([w for w in rest.split() if any(ch.isalpha() for ch in w)]) <= 3


SCORE = re.compile(r"(?<![\d.,:/-])\d{1,3}\s?[-–:]\s?\d{1,3}(?![\d.,:/-])|\(\d{1,3}(?:\+\d{1,2})?['’′]\)|\b\d{1,3}(?:\+\d{1,2})?['’′](?!\w)")


def looks_like_score(text: str) -> bool:
    """`FC Example 3-1 Other FC`, `1-1`, `(65') Player Name`: a result or a match minute,
    the data of a sports page, not a heading."""
    return SCORE.search(text) is not None and not DATE.search(text)


CREDIT_LABELS = frozenset({
    "source", "sources", "photo", "photos", "image", "images", "picture", "pictures", "credit", "credits",
    "photo credit", "image credit", "illustration", "video", "via", "read more", "read also", "see also",
    "related", "more", "watch", "listen", "quelle", "quellen", "foto", "fotos", "bild", "bilder", "mehr",
    "lesen sie auch", "mehr zum thema", "fuente", "fuentes", "lea también", "leer más", "fonte", "leia também",
    "leia mais", "crédit", "crédits", "crédito", "créditos", "lire aussi", "lire", "à lire aussi", "voir aussi",
    "źródło", "zdjęcie", "fot", "czytaj też", "czytaj także", "источник", "фото", "читайте также",
    "related photos", "related video", "related videos", "related articles", "related stories",
    "related content", "recommended", "advertisement", "sponsored", "more from", "follow us", "sign up",
    "twitter", "facebook", "instagram", "email", "e-mail", "web", "website", "tel", "phone", "contact",
    "图注", "图说", "圖說", "题图", "摄影", "攝影", "撮影", "写真提供", "关联标签", "関連タグ", "タグ", "関連記事",
    "相关阅读", "相關閱讀", "出处", "出處", "图片来源", "圖片來源",
    "出典", "写真", "来源", "图片", "图", "資料來源", "출처", "사진"})
LABEL_VALUE = re.compile(r"([^\W\d][^:：]{0,38}?)\s?[:：]\s*(\S.*)")


def label_and_value(text: str) -> tuple[str, str] | None:
    """`Pages: 400` -> ("Pages", "400"): a short label of at most six words, a colon, a value."""
    m = LABEL_VALUE.fullmatch(text)
    if not m or len(m.group(1).split()) > 6:
        return None
    return m.group(1), m.group(2)


def looks_like_field(text: str) -> bool:
    """`Pages: 400`, `Fuel use: 1`, `Photos: Jane Example`, `Lire aussi : Titre`: a label
    and a value that is a number or a credit, a form field or a caption, not a heading."""
    pair = label_and_value(text)
    if not pair:
        return False
    label, value = pair
    if label.strip().casefold() in CREDIT_LABELS or value[:1] == "@" or "://" in value or value.startswith("www."):
        return True
    if value.upper() in ("N/A", "-", "–", "—", "?"):
        return True
    # `Pages: 400`, `Radius (186 cm): 18.5 m`, `Splay: 68 mm / 74 mm`, but not `Chapter 3:
    # 10 Ways` (a numbered label heads a section)
    return (len(value.split()) <= 5 and any(ch.isdigit() for ch in value.split()[0])
            and not label.rstrip()[-1:].isdigit())


def wrapped_whole(text: str) -> bool:
    """`[figure 3: the setup]`, `(for details see the previous post)`: a line wholly
    inside brackets, an aside or a placeholder, not a heading."""
    return len(text) > 2 and (text[0], text[-1]) in (("[", "]"), ("(", ")"), ("［", "］"), ("（", "）")) and (
        text.count(text[0]) == 1)


ATTRIBUTION_START = ("©", "(c) ", "(C) ", "— ", "―", "—")


def looks_like_attribution(text: str) -> bool:
    """`© Example Magazine`, `— Jane Example (@jane) May 2, 2016`: a copyright or the
    attribution under a quote, not a heading."""
    return text.startswith(ATTRIBUTION_START)


CREDIT_SPLIT = re.compile(r"\s+for\s+(?=The\s)|/(?=\S)")
CREDIT_LEAD = re.compile(r"(?:photo|photograph|image|picture|illustration|video)s?\s+(?:by|courtesy of|credit)\s",
                         re.IGNORECASE)


def looks_like_photo_credit(text: str) -> bool:
    """`Jane Example for The Example Times`, `Jane Example/Example Agency`, `Photo by Jane
    Example`: the credit under a picture. A person's name (two words or more) is credited
    to a publication; `Python for Data Science` names no person for a publication."""
    if CREDIT_LEAD.match(text):
        return True
    parts = CREDIT_SPLIT.split(text, 1)
    if len(parts) != 2:
        return False
    person, outlet = parts
    return len(person.split()) >= 2 and looks_like_names(person) and looks_like_names(outlet.replace("The ", "", 1))


PERMALINK_MARKS = ("¶", "#", "§", "🔗", "⚓")


def permalink_mark(text: str) -> str:
    """The permalink sign a documentation page puts after its headings (`Setting up¶`,
    `Using the API #`), or ""."""
    for mark in PERMALINK_MARKS:
        if text.endswith(mark) and len(text) > len(mark) + 1 and (mark != "#" or text.endswith(" #")):
            return mark
    return ""


SECOND_SENTENCE = re.compile(r"[^\W\d_]{3,}\.\s+[(\[]?[^\W\d_]")
FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|mp4|mov|webm|mp3|pdf|docx?|xlsx?|zip)$", re.IGNORECASE)
BODY_BYLINE = re.compile(r"(?:by|von|par|por|door)\s+[^\W\d_][\w.’'-]*\s+[^\W\d_]", re.IGNORECASE)


DIALOGUE = re.compile(r"[“\"„«»‹›].*[?!…,.][”\"“«»‹›]$")
NUMBER_ONLY = re.compile(r"[\d.,:/%$€£¥+\-–]+(?:\s+[^\W\d_]+){0,2}")
NAVIGATION = frozenset({
    "read more", "learn more", "continue reading", "continue reading the main story", "next", "previous",
    "more", "show more", "see more", "load more", "view more", "click here", "subscribe", "share", "reply",
    "back to top", "top", "menu", "skip to content", "advertisement", "weiterlesen", "mehr lesen", "lire la suite",
    "en savoir plus", "leer más", "ver más", "leia mais", "saiba mais", "czytaj więcej", "czytaj dalej",
    "читать далее", "подробнее", "続きを読む", "もっと見る", "阅读更多", "查看更多", "閱讀更多", "广告", "広告"})


def looks_like_ui_text(text: str) -> bool:
    """`Read more`, `Next`, `続きを読む`, `133 more replies`, `312`, `“Is he coming?”`: the
    text of a page's buttons and counters, or a line of dialogue in quotes, never a heading."""
    if text.casefold().rstrip(" .…»›>→") in NAVIGATION or NUMBER_ONLY.fullmatch(text):
        return True
    return DIALOGUE.match(text) is not None


def looks_like_caption(text: str) -> bool:
    """`Propaganda looked cooler in 1952. (Public domain)`, `Die Lage. Was jetzt kommt`, a
    file name (`harbour-view.jpg`), `By Jane Example last updated`: a line of two
    sentences, a picture's file name or a byline inside the body: a caption or a credit,
    never a heading (a heading is one phrase)."""
    if FILE_NAME.search(text) or BODY_BYLINE.match(text) and text.split(" ", 2)[1][:1].isupper():
        return True
    m = SECOND_SENTENCE.search(text)
    return m is not None and text[m.start():m.end()].split(".")[0][-3:].islower()


def short_line_runs(flags, at_least: int) -> set[int]:
    """The indices of `flags` (a sequence of booleans or 0/1) in runs of at least
    `at_least` consecutive true values."""
    out: set[int] = set()
    start = None
    for k, flag in enumerate(chain(flags, (False,))):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            if k - start >= at_least:
                out.update(range(start, k))
            start = None
    return out
