"""The words writers print that are not the document's own, in the document's language.

`labels.toml` (in the package) holds one table per language: table and figure labels,
"Contents", "Keywords", the references and notes headings, the page patterns, the colon
between a label and its text, month names and the date pattern (and how it writes day 1),
"Untitled", the EPUB's fixed words (cover, start, page titles) and the sentences of the
EPUB accessibility summary (`say` fills in their placeholders). `labels_for(tag, style)`
picks the table for a BCP 47 tag (zh-TW/zh-HK/zh-MO → zh-Hant, other zh → zh-Hans,
pt-BR → pt, unknown → en) and lays the theme's `[labels]` overrides over it (the keys of
`[labels]` for every language, those of `[labels.TAG]` for one); transforms.prepare and
RenderContext ask once per conversion, so every writer shows the same words.
`format_date` writes a YYYY-MM-DD date with the catalogue's month names (no locale
settings: the same on every machine); `is_rtl` says whether a tag is written right to left.

This module reads only its own catalogue; it never renders or escapes anything.
"""
from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from .records import Record

DEFAULT_LANGUAGE = "en"
_TRADITIONAL_REGIONS = frozenset(("tw", "hk", "mo"))
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")  # YYYY-MM-DD (semantics.is_iso_date too)


class Labels(Record):
    """One language's labels (see labels.toml for what each is); `language` the
    catalogue table they come from."""
    language: str
    table: str
    figure: str
    colon: str
    contents: str
    keywords: str
    references: str
    notes: str
    page: str
    page_of: str
    list_separator: str
    date: str
    months: tuple[str, ...]
    first_day: str
    untitled: str
    section: str
    cover: str
    start: str
    page_title: str
    a11y_conforms: str
    a11y_reflowable: str
    a11y_headings: str
    a11y_tables: str
    a11y_plain_tables: str
    a11y_images: str
    a11y_images_no_alt: str
    a11y_math_mathml: str
    a11y_math_tex: str
    a11y_notes: str
    a11y_references: str
    a11y_text_only: str
    a11y_no_claim: str
    a11y_empty_headings: str
    a11y_empty_headers: str
    a11y_raw_html: str
    a11y_no_hazards: str

    def table_label(self, number: int) -> str:
        return self.table.replace("{n}", str(number))

    def figure_label(self, number: int) -> str:
        return self.figure.replace("{n}", str(number))

    def page_of_text(self, page: int, pages: int) -> str:
        return self.page_of.replace("{page}", str(page)).replace("{pages}", str(pages))

    def say(self, key: str, **values) -> str:
        """Label `key` with its placeholders ({n}, {standard}, {heading}, {title}) filled in
        one pass, so a value holding braces is never read as a placeholder."""
        given = {"{" + name + "}": str(value) for name, value in values.items()}
        return re.sub(r"\{[a-z_]+\}", lambda p: given.get(p.group(0), p.group(0)), getattr(self, key))


KEYS: tuple[str, ...] = tuple(k for k in Labels._fields if k != "language")
_COUNTED = ("a11y_headings", "a11y_tables", "a11y_plain_tables", "a11y_images", "a11y_images_no_alt",
            "a11y_math_mathml", "a11y_math_tex", "a11y_notes", "a11y_references", "a11y_empty_headings",
            "a11y_empty_headers", "a11y_raw_html")
# the placeholders each pattern may hold (and must: a page footer without {page} numbers nothing)
PLACEHOLDERS = {"table": ("{n}",), "figure": ("{n}",), "page": ("{page}",),
                "page_of": ("{page}", "{pages}"), "date": ("{day}", "{month}", "{month_number}", "{year}"),
                "page_title": ("{heading}", "{title}"), "a11y_conforms": ("{standard}",),
                "a11y_no_claim": ("{standard}",), **{key: ("{n}",) for key in _COUNTED}}
_REQUIRED = {"table": ("{n}",), "figure": ("{n}",), "page": ("{page}",), "page_of": ("{page}", "{pages}"),
             "date": ("{day}", "{year}"), "page_title": ("{heading}",), **{key: ("{n}",) for key in _COUNTED}}


def catalogue_path() -> Path:
    return Path(__file__).resolve().parent / "labels.toml"


@functools.cache
def catalogue() -> dict[str, dict]:
    """The packaged catalogue: language -> {key: value} (months as a tuple)."""
    data = tomllib.loads(catalogue_path().read_text(encoding="utf-8"))
    return {tag: {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
            for tag, table in data.items()}


def catalogue_language(tag: str) -> str:
    """The catalogue table for BCP 47 `tag`: an exact (case-insensitive) match, then
    Chinese by script or region, then the language alone, else English."""
    known = {t.lower(): t for t in catalogue()}
    parts = tag.strip().replace("_", "-").lower().split("-")
    if "-".join(parts) in known:
        return known["-".join(parts)]
    if parts[0] == "zh":
        rest = set(parts[1:])
        return "zh-Hant" if "hant" in rest or (rest & _TRADITIONAL_REGIONS and "hans" not in rest) else "zh-Hans"
    return known.get(parts[0], DEFAULT_LANGUAGE)


def check_pattern(key: str, value: object) -> str | None:
    """Why `value` cannot be the label `key` (None when it can): for the theme loader."""
    if key not in KEYS:
        return f"is not a label; known labels: {', '.join(KEYS)}"
    if key == "months":
        if not (isinstance(value, (list, tuple)) and len(value) == 12 and all(isinstance(m, str) for m in value)):
            return "must be a list of the twelve month names"
        return None
    if not isinstance(value, str):
        return "must be a string"
    missing = [p for p in _REQUIRED.get(key, ()) if p not in value]
    if missing:
        return f"must contain {' and '.join(missing)}"
    stray = set(re.findall(r"\{[^{}]*\}", value)) - set(PLACEHOLDERS.get(key, ()))
    if stray:
        return f"holds {', '.join(sorted(stray))}, which is not one of {', '.join(PLACEHOLDERS.get(key, ())) or 'no placeholders'}"
    return None


def labels_for(tag: str, style=None) -> Labels:
    """The labels of language `tag`, with the theme's `[labels]` overrides applied: its
    keys for every language first, then those of `[labels.TAG]` (TAG as in the catalogue,
    or the document's own tag)."""
    language = catalogue_language(tag or DEFAULT_LANGUAGE)
    values = dict(catalogue()[DEFAULT_LANGUAGE])
    values.update(catalogue()[language])
    values.update(_legacy_overrides(style))
    for scope, overrides in (getattr(style, "labels", ()) or ()):
        if scope in ("", language) or scope.lower() == (tag or "").lower():
            values.update(overrides)
    return Labels(language=language, **{k: values[k] for k in KEYS})


def _legacy_overrides(style) -> dict[str, str]:
    """The older single-language theme keys, when a theme sets them: they apply to every
    language, under the `[labels]` tables (which are more specific)."""
    if style is None:
        return {}
    given = {"table": style.table.caption_prefix and f"{style.table.caption_prefix} {{n}}",
             "contents": style.toc.title, "references": style.text.references_title,
             "keywords": style.text.keywords_label}
    return {key: value for key, value in given.items() if value}


def format_date(text: str, labels: Labels) -> str:
    """A YYYY-MM-DD date as the language writes it ("14 mars 2026", "1er mars 2026",
    "2026年3月14日"; day 1 is the catalogue's `first_day`); anything else (or an impossible month) as given."""
    m = ISO_DATE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1 <= int(m.group(3)) <= 31:
        return text
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    values = {"{day}": labels.first_day if day == 1 else str(day), "{month}": labels.months[month - 1], "{month_number}": str(month),
              "{year}": str(year)}
    return re.sub(r"\{(?:day|month|month_number|year)\}", lambda p: values[p.group(0)], labels.date)


RTL_LANGUAGES = frozenset(("ar", "he", "iw", "fa", "ur", "yi", "ji", "ps", "sd", "ug", "dv", "ckb",
                           "syr", "arc"))
RTL_SCRIPTS = frozenset(("arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"))


def is_rtl(tag: str) -> bool:
    """Whether BCP 47 `tag` is written right to left: by its script subtag when it has one
    (az-Arab is, uz-Latn is not), else by its language (ar, he, fa, ur, yi, ps, ...)."""
    parts = tag.strip().replace("_", "-").lower().split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part in RTL_SCRIPTS
    return parts[0] in RTL_LANGUAGES


def direction(tag: str) -> str:
    """"rtl" or "ltr" for `tag`, as HTML's and EPUB's dir attribute wants it."""
    return "rtl" if is_rtl(tag) else "ltr"
