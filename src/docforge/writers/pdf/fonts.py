"""Finding, registering and choosing fonts for the PDF writer, and what their choice cost.

A theme names font families; they are looked up as files in the theme's folder, then
through fontconfig (`fc-match`), and registered with reportlab as embedded TrueType
fonts (regular, bold, italic, bold italic). Text is split into runs so that each
character is drawn by the first font that has a glyph for it: the main family, then the
theme's fallbacks in order (the default theme's: Noto for Hebrew, Arabic, Devanagari and
Thai, Nanum for Korean, DejaVu Sans, Droid Sans Fallback for Han, Symbola for emoji), each
loaded only when a character first needs it, then reportlab's built-in CID font
STSong-Light for Han text (not embedded: reported as a diagnostic). A character no font
can show is reported, never drawn as a box. Only TrueType outlines can be embedded by
reportlab, so CFF-flavoured OpenType files are skipped; CJK fonts are never harfbuzz-shaped
(scripts.py shapes the scripts that need it). `report` turns what a FontSet noticed into
diagnostics. This module never builds paragraphs or touches a page.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

VARIANTS = {"regular": "", "bold": ":bold", "italic": ":italic", "bolditalic": ":bold:italic"}
CID_FALLBACK = "STSong-Light"
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3  # the Hangul syllables block
_HAN_PROBE = 0x4E00  # 一: a font that has it is a CJK font
_HAN = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x3000, 0x303F))


@functools.lru_cache(maxsize=256)
def fc_match(pattern: str) -> str | None:
    """The file fontconfig picks for `pattern`, or None without fontconfig."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{family}", pattern], capture_output=True,
                             text=True, timeout=20).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    return out[0] if out else None


@functools.lru_cache(maxsize=256)
def family_file(family: str, variant: str, theme_dir: str | None) -> str | None:
    """A TrueType file for `family` in `variant`, only if fontconfig really has that family
    (fc-match always answers with *some* font)."""
    if theme_dir:
        for suffix in (".ttf", ".TTF"):
            candidate = Path(theme_dir) / f"{family}{'-' + variant if variant != 'regular' else ''}{suffix}"
            if candidate.is_file():
                return str(candidate)
    path = fc_match(family + VARIANTS[variant])
    if not path or not path.lower().endswith((".ttf", ".ttc")):
        return None
    families = _installed_families().get(path)
    if families and family.lower() not in families:
        return None
    return path


@functools.lru_cache(maxsize=1)
def _installed_families() -> dict[str, frozenset[str]]:
    """Font file -> the family names fontconfig lists for it (lower case), from one fc-list
    call per process rather than one per font looked up."""
    if shutil.which("fc-list") is None:
        return {}
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\t%{family}\n"],
                                capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    table: dict[str, set[str]] = {}
    for line in listed.splitlines():
        path, _, names = line.partition("\t")
        table.setdefault(path, set()).update(n.strip().lower() for n in names.split(","))
    return {path: frozenset(names) for path, names in table.items()}


@functools.lru_cache(maxsize=64)
def _load(path: str, name: str) -> TTFont | None:
    try:
        font = TTFont(name, path)
    except (TTFError, OSError, ValueError):
        return None  # CFF outlines, broken file: not embeddable
    if _HAN_PROBE in font.face.charToGlyph:
        # harfbuzz-shaped runs in the big CJK fonts come out as empty boxes, and Han and
        # Hangul need no shaping: their runs stay one glyph per character
        font.shapable = False
    pdfmetrics.registerFont(font)
    return font


@dataclass
class Family:
    """One registered family: reportlab font names per variant and the glyphs it covers."""
    key: str
    names: dict[str, str]
    cmap: frozenset
    embedded: bool = True

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap


@functools.lru_cache(maxsize=32)
def register_family(family: str, theme_dir: str | None = None) -> Family | None:
    regular = family_file(family, "regular", theme_dir)
    if regular is None:
        return None
    key = "DF-" + "".join(ch for ch in family if ch.isalnum())
    base = _load(regular, key)
    if base is None:
        return None
    names = {"regular": key}
    for variant in ("bold", "italic", "bolditalic"):
        path = family_file(family, variant, theme_dir)
        font = _load(path, f"{key}-{variant}") if path and path != regular else None
        names[variant] = f"{key}-{variant}" if font else key
    pdfmetrics.registerFontFamily(key, normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bolditalic"])
    for bold in (0, 1):
        for italic in (0, 1):
            variant = {(0, 0): "regular", (1, 0): "bold", (0, 1): "italic", (1, 1): "bolditalic"}[(bold, italic)]
            addMapping(key, bold, italic, names[variant])
    cmap = frozenset(base.face.charToGlyph.keys())
    if _HANGUL_FIRST in cmap and _HANGUL_FIRST + 1 not in cmap:
        # Droid Sans Fallback: reportlab reads its Hangul range as the range's two ends only;
        # "가" alone in it would set that syllable apart from the rest of the Korean word
        cmap = frozenset(c for c in cmap if not _HANGUL_FIRST <= c <= _HANGUL_LAST)
    return Family(key, names, cmap)


@functools.lru_cache(maxsize=1)
def cid_family() -> Family:
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    cover = frozenset(c for lo, hi in _HAN for c in range(lo, hi + 1))
    names = {v: CID_FALLBACK for v in VARIANTS}
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CID_FALLBACK, bold, italic, CID_FALLBACK)
    return Family(CID_FALLBACK, names, cover, embedded=False)


@dataclass
class FontSet:
    """The fonts of one PDF: main families plus the fallback chain, and what was noticed.

    The fallback families are loaded on the first character the main family lacks: parsing
    a CJK font is most of a small PDF's time, and most documents never need it."""
    body: Family
    heading: Family
    mono: Family
    fallback_names: tuple[str, ...]
    theme_dir: str | None = None
    missing: set[str] = field(default_factory=set)
    used_cid: bool = False
    unshaped: bool = False  # complex-script text set without shaping (no uharfbuzz)
    substituted: list[tuple[str, str]] = field(default_factory=list)  # (theme family, used instead)
    _fallbacks: list[Family | None] = field(default_factory=list)
    _found: dict = field(default_factory=dict)  # character -> its fallback family (or None)

    @property
    def fallbacks(self) -> list[Family]:
        """Every fallback family (all loaded), then the CID font."""
        return [f for f in map(self._fallback, range(len(self.fallback_names))) if f] + [cid_family()]

    def _fallback(self, index: int) -> Family | None:
        """The index-th fallback family, loaded on first use: a character is looked up in
        one font after another, so a Devanagari word never loads the Korean and emoji fonts."""
        while len(self._fallbacks) <= index:
            self._fallbacks.append(register_family(self.fallback_names[len(self._fallbacks)], self.theme_dir))
        return self._fallbacks[index]

    def fallback_for(self, ch: str) -> Family | None:
        """The first fallback family that has a glyph for `ch`, or None."""
        if ch in self._found:
            return self._found[ch]
        self._found[ch] = found = self._first_fallback(ch)
        return found

    def _first_fallback(self, ch: str) -> Family | None:
        code = ord(ch)
        for index in range(len(self.fallback_names)):
            family = self._fallback(index)
            if family is not None and code in family.cmap:
                return family
        cid = cid_family()
        return cid if code in cid.cmap else None

    def runs(self, text: str, main: Family) -> list[tuple[Family | None, str]]:
        """Split `text` into (family, chunk) runs: the main family where it has the glyph,
        else the first fallback that does; None (not drawable) for the rest."""
        if main.cmap.issuperset(map(ord, text)):  # the usual case, decided in one C-level pass
            return [(main, text)] if text else []
        out: list[tuple[Family | None, str]] = []
        current: Family | None = main
        chunk: list[str] = []
        for ch in text:
            if ch.isspace():
                # a space stays in the run it is in (where that font has one): a Hebrew or
                # Thai paragraph is one run, not a font switch per word, which made its
                # markup, parse and shaping several times slower
                family: Family | None = current if current is not None and current.covers(ch) else main
            elif main.covers(ch):
                family = main
            else:
                family = self.fallback_for(ch)
                if family is None:
                    self.missing.add(ch)
                elif not family.embedded:
                    self.used_cid = True
            if family is not current and chunk:
                out.append((current, "".join(chunk)))
                chunk = []
            current = family
            chunk.append(ch)
        if chunk:
            out.append((current, "".join(chunk)))
        return out


def build_fontset(style, theme_dir: str | None = None) -> FontSet:
    """Resolve the theme's families; DejaVu (or reportlab's Helvetica) stands in for any
    family that cannot be found, so a PDF is always produced."""
    substituted: list[tuple[str, str]] = []

    def family(name: str, fallback_names: tuple[str, ...]) -> Family:
        for candidate in (name,) + fallback_names:
            found = register_family(candidate, theme_dir)
            if found is not None:
                if candidate != name:
                    substituted.append((name, candidate))
                return found
        substituted.append((name, "Helvetica"))
        return _standard_family()

    body = family(style.fonts.body, ("DejaVu Serif", "Liberation Serif", "DejaVu Sans"))
    heading = family(style.fonts.heading, ("DejaVu Sans", "Liberation Sans"))
    mono = family(style.fonts.mono, ("DejaVu Sans Mono", "Liberation Mono"))
    return FontSet(body, heading, mono, tuple(style.fonts.fallback), theme_dir, substituted=substituted)


@functools.lru_cache(maxsize=1)
def _standard_family() -> Family:
    """reportlab's built-in Helvetica: not embedded, Latin-1 only; used only without any TTF."""
    names = {"regular": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique",
             "bolditalic": "Helvetica-BoldOblique"}
    return Family("Helvetica", names, frozenset(range(0x20, 0x100)), embedded=False)


def report(fonts: FontSet, diagnostics) -> None:
    """Tell `diagnostics` (a RenderContext's collector) what the fonts could not do: glyphs
    no font has, theme families replaced, Han text in the non-embedded CID font."""
    if fonts.missing:
        sample = "".join(sorted(fonts.missing)[:10])
        diagnostics.add(f"{len(fonts.missing)} character(s) have no glyph in any font "
                        f"and are not shown ({sample!r}); install a font that has them "
                        "or name one in the theme's [fonts] fallback")
    for wanted, used in fonts.substituted:
        diagnostics.add(f"theme font {wanted!r} is not installed (or not TrueType); "
                        f"using {used!r}: install it or name another in the theme's [fonts]")
    if fonts.unshaped:
        diagnostics.add("Arabic, Hebrew, Indic or Thai text is set without shaping (letters "
                        "unjoined, right-to-left words unreversed): pip install uharfbuzz")
    if fonts.used_cid:
        diagnostics.add("no embeddable CJK TrueType font found; Han text uses the "
                        "non-embedded STSong-Light, so the PDF depends on the reader's "
                        "fonts (install fonts-droid-fallback)")


def theme_folder(style) -> str | None:
    """The folder of the theme file that names the fonts: its fonts may sit beside it."""
    return str(Path(style.files[-1]).parent) if style.files else None
