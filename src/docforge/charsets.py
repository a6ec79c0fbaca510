"""Which of the encodings charset-normalizer proposes for a non-UTF-8 input reads as text,
and whether the input is text at all; and, for an input of a few CJK characters (too
short for the detector), which CJK encoding reads it as its language's common characters
(`short_cjk_readings`, at the end).

charset-normalizer stays the detector: it proposes the candidate encodings (and picks
multi-byte ones such as GB18030 or Shift_JIS). Its measures tie for single-byte code pages
that differ only in some accented letters: a French cp1252 article ("très", "à Paris")
scores the same as cp1250 ("trčs", "ŕ Paris"), and the tie went to whichever came first.
So every single-byte candidate is scored here by what a reader would notice in its
decoding:

- letters no one language uses together (the non-ASCII letters of each language below;
  "é è ê à ç" is French, "é č ŕ ç ę" is nobody's),
- symbols inside words ("Za¿ó³æ"), a capital after a small letter inside a word
  ("мОСКВА"), letters of two scripts in one word,
- control characters, unassigned and private-use code points.

The most plausible decoding wins; on a tie cp1252 does, the WHATWG encoding standard's
default for Western European text, then charset-normalizer's order. The runner-up is
kept so that a close call can be reported. Only the byte before and after each non-ASCII
byte matter (ASCII decodes the same in every candidate): the sample is reduced once to
counts of such triples, so the cost is one linear pass and a few thousand table look-ups
per candidate.

This module never reads files, never decides what to do with a verdict (io.py turns it
into a diagnostic or an InputError) and never parses document structure. For short CJK
readings it asks fastText (lid.176, loaded by readers/language.py) how probable each is.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

from charset_normalizer.utils import is_multi_byte_encoding

# How much of an input is scored: plausibility is a statistical judgement (the detector
# itself looks at a few kilobytes).
_SAMPLE_BYTES = 64 * 1024

# The non-ASCII letters of languages written in the scripts the single-byte code pages
# cover (CLDR exemplar characters, lower case; the letters of Cyrillic, Greek, Hebrew,
# Arabic and Thai alphabets as ranges). A decoding whose letters one language uses is
# plausible; one that needs several languages for one text is not.
_LATIN = {
    "French": "àâæçéèêëîïôœùûüÿ", "German": "äöüß", "Spanish": "áéíñóúü",
    "Portuguese": "áàâãçéêíóôõú", "Italian": "àèéìíîòóùú", "Catalan": "àçèéíïòóúü",
    "Dutch": "áàâäéèêëíïóöúü", "Danish/Norwegian": "æøåéóü", "Swedish": "åäöé",
    "Finnish": "äöåšž", "Icelandic": "áðéíóúýþæö", "Faroese": "áðíóúýæø",
    "Irish": "áéíóú", "Welsh": "âêîôûŵŷáéíóúàèìòùäëïöüÿẃẁẅýỳ", "Albanian": "çë",
    "Polish": "ąćęłńóśźż", "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Slovene": "čšžćđ", "Croatian/Bosnian/Serbian": "čćđšž", "Hungarian": "áéíóöőúüű",
    "Romanian": "ăâîșțşţ", "Turkish": "çğıöşüâîû", "Estonian": "äöõüšž",
    "Latvian": "āčēģīķļņšūž", "Lithuanian": "ąčęėįšųūž", "Maltese": "ċġħżàèìòù",
    "Esperanto": "ĉĝĥĵŝŭ", "Vietnamese": "àáâãèéêìíòóôõùúýăđĩũơư",
}


def _letters(first: str, last: str, extra: str = "", without: str = "") -> frozenset[str]:
    return frozenset(chr(c) for c in range(ord(first), ord(last) + 1)
                     if chr(c) not in without) | frozenset(extra)


_ALPHABETS: dict[str, frozenset[str]] = {name: frozenset(letters) for name, letters in _LATIN.items()}
_ALPHABETS.update({
    "Turkish": _ALPHABETS["Turkish"] | {"i̇"},  # "İ".lower() is i + combining dot
    "Russian": _letters("а", "я", "ё"),
    "Ukrainian": _letters("а", "я", "ґєії", without="ъыэ"),
    "Belarusian": _letters("а", "я", "ёіў", without="ищъ"),
    "Bulgarian": _letters("а", "я", without="ыэ"),
    "Serbian": _letters("а", "ш", "ђјљњћџ", without="йщ"),
    "Macedonian": _letters("а", "ш", "ѓѕјљњќџ", without="йщ"),
    "Greek": _letters("α", "ω", "άέήίόύώϊϋΐΰ"),
    "Hebrew": _letters("א", "ת"),
    "Arabic/Persian/Urdu": _letters("ء", "ي", "پچژگکیہےںٹڈڑۀۃ"),
    "Thai": _letters("ก", "๛"),
})

# Between letters these are ordinary: apostrophes and quotes, dashes, spaces, the
# Catalan middle dot, combining marks (Hebrew points, Vietnamese tones), the soft hyphen.
_NEUTRAL_CATEGORIES = {"Pi", "Pf", "Pd", "Zs", "Mn", "Mc", "Me", "Cf"}
_NEUTRAL_CHARACTERS = {"'", "·", "’", "‘", "…"}
_BAD_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}

# Each non-ASCII byte with the byte before and after it (overlapping, through a lookahead).
_TRIPLES = re.compile(rb"(?=([\x00-\xff][\x80-\xff][\x00-\xff]))")
# Non-letter ASCII bytes all become a space first: they all mean "not a letter", and
# collapsing them keeps the number of distinct triples small.
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_TO_SPACE = bytes.maketrans(_ASCII_NON_LETTERS, b" " * len(_ASCII_NON_LETTERS))


class Candidate(NamedTuple):
    """One encoding's decoding of the sample, scored (lower reads better)."""
    encoding: str
    implausible: int    # symbols inside words, capitals inside words, mixed scripts
    undefined: int      # controls, unassigned and private-use code points: almost proof
    foreign: int        # letters outside the alphabet of the language that fits best
    table: tuple[str, ...]  # what each byte 0x80-0xFF decodes to (U+FFFD when undefined)

    @property
    def score(self) -> int:
        return self.foreign + 2 * self.implausible + 5 * self.undefined


class Verdict(NamedTuple):
    """The chosen single-byte encoding, the runner-up when the call was close, and whether
    the input reads as binary data rather than text in every candidate."""
    encoding: str
    runner_up: str | None
    example: tuple[str, str] | None  # a word as decoded by the winner and by the runner-up
    binary: bool


def choose(data: bytes, proposed: dict[str, float]) -> Verdict:
    """The most plausible single-byte reading of `data` among cp1252 and the `proposed`
    encodings (the detector's, best first, each with its coherence; multi-byte ones are
    ignored)."""
    sample = data[:_SAMPLE_BYTES]
    # padded so that a non-ASCII byte at either end has neighbours too
    triples = Counter(_TRIPLES.findall(b" " + sample.translate(_TO_SPACE) + b" "))
    candidates = []
    for name in dict.fromkeys(["cp1252", *proposed]):
        table = _table(name)
        if table is not None:
            candidates.append(_score(name, table, triples))
    order = {c.encoding: i for i, c in enumerate(candidates)}
    ranked = sorted(candidates, key=lambda c: (c.score, order[c.encoding]))
    best = ranked[0]
    rivals = [c for c in ranked[1:] if _differs(c, best, triples)]
    runner = rivals[0] if rivals and _close(best, rivals[0], triples, proposed) else None
    # Text in the right encoding has next to no implausible characters; random bytes read
    # as any code page have one in five. A handful of characters proves nothing either way.
    high = sum(triples.values())
    binary = high >= 16 and (best.implausible + best.undefined) * 10 > high
    return Verdict(best.encoding, runner.encoding if runner else None,
                   _example(sample, best, runner) if runner else None, binary)


def is_single_byte(encoding: str) -> bool:
    """One byte, one character: the code pages this module judges (not GB18030, UTF-16…)."""
    return not is_multi_byte_encoding(encoding)


def _table(encoding: str) -> tuple[str, ...] | None:
    """What each byte 0x80-0xFF means in a single-byte `encoding` (U+FFFD where it means
    nothing), or None for an unknown or multi-byte encoding."""
    if not is_single_byte(encoding):
        return None
    try:
        return tuple(bytes([b]).decode(encoding, errors="replace") for b in range(0x80, 0x100))
    except LookupError:
        return None


def _char(value: int, table: tuple[str, ...]) -> str:
    return table[value - 0x80] if value >= 0x80 else chr(value)


_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI", "ARMENIAN", "GEORGIAN"}


def _script(letter: str) -> str:
    """The script a letter belongs to, "" for letters outside the scripts of the code
    pages' alphabets (ª, º, µ), which may stand next to any letter."""
    name = unicodedata.name(letter, "").split(" ", 1)[0]
    return name if name in _SCRIPTS else ""


def _score(encoding: str, table: tuple[str, ...], triples: Counter) -> Candidate:
    implausible = undefined = 0
    letters: Counter[str] = Counter()
    for (before, byte, after), count in triples.items():  # ints: a triple is 3 bytes
        prev, char, nxt = _char(before, table), _char(byte, table), _char(after, table)
        category = unicodedata.category(char)
        if category in _BAD_CATEGORIES:
            undefined += count
        elif category[0] == "L":
            letters[char.lower()] += count
            # each pair of adjacent letters is judged once: the pair ending at this byte,
            # and the pair after it when the next byte is ASCII (no triple of its own)
            if prev.isalpha() and _odd_pair(prev, char):
                implausible += count
            if after < 0x80 and nxt.isalpha() and _odd_pair(char, nxt):
                implausible += count
        elif category[0] == "M":
            # a combining mark (Thai vowel, Hebrew point, Vietnamese tone) follows a letter
            if not (prev.isalpha() or unicodedata.category(prev)[0] == "M"):
                implausible += count
        elif prev.isalpha() and nxt.isalpha() and category not in _NEUTRAL_CATEGORIES \
                and char not in _NEUTRAL_CHARACTERS:
            implausible += count
    foreign = min(sum(n for letter, n in letters.items() if letter not in alphabet)
                  for alphabet in _ALPHABETS.values())
    return Candidate(encoding, implausible, undefined, foreign, table)


def _odd_pair(first: str, second: str) -> bool:
    """A capital right after a small letter, or two scripts touching, inside one word."""
    if first.islower() and second.isupper():
        return True
    scripts = _script(first), _script(second)
    return all(scripts) and scripts[0] != scripts[1]


def _differs(a: Candidate, b: Candidate, triples: Counter) -> bool:
    return any(a.table[t[1] - 0x80] != b.table[t[1] - 0x80] for t in triples)


def _close(best: Candidate, rival: Candidate, triples: Counter, coherence: dict[str, float]) -> bool:
    """Close: the runner-up's reading is at most one letter, or one in twenty of the
    non-ASCII characters, less plausible, and the detector does not clearly prefer the
    winner's letter frequencies (Hebrew read as Cyrillic scores well here, not there)."""
    margin = max(1, sum(triples.values()) // 20)
    return (rival.score - best.score <= margin
            and coherence.get(rival.encoding, 0.0) >= coherence.get(best.encoding, 0.0) - 0.2)


def _example(sample: bytes, best: Candidate, rival: Candidate) -> tuple[str, str]:
    """The first word the two readings spell differently, as each spells it."""
    for match in re.finditer(rb"[A-Za-z\x80-\xff]{1,40}", sample):
        word = match.group()
        ours = "".join(_char(b, best.table) for b in word)
        theirs = "".join(_char(b, rival.table) for b in word)
        if ours != theirs:
            return ours, theirs
    return "", ""


# ---------------------------------------------------------------- short CJK inputs
#
# A few CJK characters are too few for the detector's statistics: "中文" in GBK is valid
# Big5 ("笢恅"), valid EUC-KR and valid Shift_JIS (half-width katakana), and charset-normalizer
# picks whichever it tries first. What still tells them apart is where the characters stand
# in each encoding: every one of these standards puts the characters its language uses
# most in one block (GB2312's level-1 hanzi, Big5's frequent hanzi, JIS level-1 kanji and
# the kana, KS X 1001's 2,350 Hangul syllables) and the rare ones, extensions and
# half-width forms elsewhere. Text in the right encoding is nearly all common characters;
# the same bytes in a wrong one land mostly on rare ones.

class CjkReading(NamedTuple):
    """One CJK encoding's decoding of a short input, judged (more `common` reads better)."""
    encoding: str
    language: str      # the language the encoding is for (BCP 47)
    text: str
    wide: int          # non-ASCII characters
    common: int        # of those, in the encoding's block of common characters


# encoding (the codec used) -> its language and the (first, last) double-byte codes of the
# common block(s): punctuation and symbols, kana, the frequent hanzi / kanji / Hangul
_CJK_COMMON = {
    "gb18030": ("zh-Hans", ((0xA1A1, 0xA3FE), (0xB0A1, 0xD7F9))),
    "big5": ("zh-Hant", ((0xA140, 0xA3BF), (0xA440, 0xC67E))),
    "cp932": ("ja", ((0x8140, 0x83D6), (0x889F, 0x9872))),
    "euc_jp": ("ja", ((0xA1A1, 0xA5F6), (0xB0A1, 0xCFD3))),
    "cp949": ("ko", ((0xA1A1, 0xA3FE), (0xB0A1, 0xC8FE))),
}
# what the detector calls the members of each family -> the codec read with
_CJK_FAMILY = {
    "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "hz": "gb18030",
    "big5": "big5", "cp950": "big5", "big5hkscs": "big5",
    "shift_jis": "cp932", "cp932": "cp932", "shift_jis_2004": "cp932", "shift_jisx0213": "cp932",
    "euc_jp": "euc_jp", "euc_jis_2004": "euc_jp", "euc_jisx0213": "euc_jp",
    "euc_kr": "cp949", "cp949": "cp949",
}
# Below this many non-ASCII bytes (about 16 double-byte characters) the detector's pick
# among CJK encodings is a coin toss; the common-block rule decides instead.
SHORT_CJK_BYTES = 32
# A reading wins only when at least this share of its characters are common ones.
COMMON_SHARE = 0.8
# fastText's probability above which a reading is taken for its language
PROBABLE = 0.5


def cjk_family(encoding: str) -> str | None:
    """The codec `short_cjk_readings` reads a detector's CJK encoding name with, or None."""
    return _CJK_FAMILY.get(encoding.replace("-", "_").lower())


def short_cjk_readings(data: bytes, proposed: list[str], language: str = "") -> list[CjkReading]:
    """Every CJK encoding's strict decoding of a short `data`, best first: readings of
    common characters (`reads_as_common_cjk`) before others; among them the one in the
    `language` the text declares, then the fewest rare characters, then Korean when words
    are spaced (and fastText finds it probable), then the most probable in its language (fastText), then the detector's order (`proposed`), then a fixed
    order. Encodings that cannot decode it are left out; so is a reading with private-use
    or unassigned characters, and one whose non-ASCII characters are glued to Latin
    letters (accented Latin text, not CJK)."""
    order = list(dict.fromkeys([f for f in map(cjk_family, proposed) if f] + list(_CJK_COMMON)))
    readings = []
    for codec in order:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        lang, blocks = _CJK_COMMON[codec]
        wide = common = 0
        for char in text:
            if char < "\x80":
                continue
            wide += 1
            code = char.encode(codec)
            value = int.from_bytes(code, "big") if len(code) == 2 else -1
            common += any(first <= value <= last for first, last in blocks)
        if wide and not glued_to_latin(text, wide) and not any(
                unicodedata.category(char) in _BAD_CATEGORIES for char in text if char >= "\x80"):
            readings.append(CjkReading(codec, lang, text, wide, common))
    declared = _declared_language(language)
    # Readings that tie on the blocks (the EUC encodings share their byte rows: GB2312's
    # level-1 hanzi are EUC-JP's level-1 kanji and EUC-KR's Hangul bytes) go by how
    # probable fastText finds each in its own language: "中文" as Chinese beats "嶄猟" as
    # Japanese. The model is loaded only when a short input has such a reading.
    probability = {r.encoding: _language_probability(r.text, r.language) for r in readings
                   if reads_as_common_cjk(r)} if len(readings) > 1 else {}
    # Korean puts spaces between words, Chinese and Japanese do not: "뉴스 속보" is Korean
    # rather than the Big5 "景蝶 樓爾" that scores as well above (but "東京 大阪" in
    # EUC-JP is no Korean "톺딸 쭹뷴": fastText finds those syllables improbable)
    spaced = _SPACED_WORDS.search(data) is not None

    def korean_words(r: CjkReading) -> bool:
        return spaced and r.language == "ko" and probability.get(r.encoding, 0.0) >= PROBABLE

    return sorted(readings, key=lambda r: (not reads_as_common_cjk(r), r.language != declared, r.wide - r.common,
                                           not korean_words(r), -probability.get(r.encoding, 0.0),
                                           order.index(r.encoding)))


_SPACED_WORDS = re.compile(rb"[\x80-\xff][\x80-\xff] +[\x80-\xff][\x80-\xff]")


def _language_probability(text: str, language: str) -> float:
    """fastText's probability (lid.176, as readers/language.py loads it) that `text` is in
    `language` (zh-Hans and zh-Hant are both its `zh`)."""
    from .readers.language import _model  # the one loaded model; nothing is fetched
    labels, probabilities = _model().predict(" ".join(text.split()), k=-1)
    wanted = "__label__" + language.split("-")[0]
    return next((float(p) for label, p in zip(labels, probabilities) if label == wanted), 0.0)


def reads_as_common_cjk(reading: CjkReading) -> bool:
    """Whether a reading is text of its language: two characters or more, nearly all common."""
    return reading.wide >= 2 and reading.common >= COMMON_SHARE * reading.wide


def _declared_language(tag: str) -> str:
    """The language of `_CJK_COMMON` a language tag names: zh-Hant for zh-TW, zh-HK, zh-MO
    and zh-Hant, zh-Hans for other Chinese, ja, ko; "" for any other tag."""
    parts = tag.strip().lower().replace("_", "-").split("-")
    if parts[0] == "zh":
        return "zh-Hant" if any(p in ("hant", "tw", "hk", "mo") for p in parts[1:]) else "zh-Hans"
    return parts[0] if parts[0] in ("ja", "ko") else ""


_GLUED = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f]|[^\x00-\x7f](?=[A-Za-z])")


def glued_to_latin(text: str, wide: int) -> bool:
    """Half or more of the non-ASCII characters touch a Latin letter: Latin text misread
    (real CJK characters stand next to each other; Latin words meet them at a run's ends)."""
    return len(set(m.start() for m in _GLUED.finditer(text))) * 2 >= wide
