"""The theme: one Style, loaded from TOML, governs the look of every writer.

A theme file is TOML with the sections below; any key may be left out and comes
from the theme it `extends` (a built-in name such as "handout", or a path relative
to the file), and finally from `styles/default.toml`. Unknown sections or keys and
values of the wrong type or range are StyleErrors naming the file, the key and the
fix. `[labels]` and `[labels.TAG]` override the labels catalogue (docforge/labels.py:
"Table {n}", "Contents", the page footer, month names...) for every language or for one.
This module only describes the look; it never renders anything.
"""
from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from .errors import StyleError
from .records import Record, spec

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4),
                 "Legal": (215.9, 355.6)}


def paper_size(name: str) -> str:
    """The canonical name of a paper size ("a5" -> "A5"), the one check the CLI, the
    library options and themes share; a UsageError naming the sizes for anything else."""
    for known in PAGE_SIZES_MM:
        if known.lower() == name.strip().lower():
            return known
    from .errors import UsageError
    raise UsageError(f"paper size {name!r} is not known; use one of {', '.join(PAGE_SIZES_MM)}")


class PageStyle(Record):
    size: str = spec("A4", choices=tuple(PAGE_SIZES_MM))
    margin_top: float = spec(25.0, min=0, max=100, unit="mm")
    margin_bottom: float = spec(25.0, min=0, max=100, unit="mm")
    margin_left: float = spec(25.0, min=0, max=100, unit="mm")
    margin_right: float = spec(25.0, min=0, max=100, unit="mm")
    running_header: bool = True
    page_numbers: bool = True


class FontStyle(Record):
    body: str = "DejaVu Serif"
    heading: str = "DejaVu Sans"
    mono: str = "DejaVu Sans Mono"
    fallback: tuple[str, ...] = ("DejaVu Sans", "Droid Sans Fallback", "WenQuanYi Zen Hei", "AR PL UMing CN")
    size: float = spec(11.0, min=5, max=36, unit="pt")
    line_height: float = spec(1.45, min=0.8, max=3)
    title_size: float = spec(24.0, min=8, max=72, unit="pt")
    heading_sizes: tuple[float, ...] = (17.0, 14.0, 12.5, 11.5, 11.0, 11.0)
    # CSS font stacks for HTML/EPUB, where the reader's fonts are used.
    css_body: str = 'Georgia, "DejaVu Serif", "Noto Serif CJK SC", serif'
    css_heading: str = '"Helvetica Neue", Arial, "DejaVu Sans", "Noto Sans CJK SC", sans-serif'
    css_mono: str = '"DejaVu Sans Mono", Menlo, Consolas, monospace'


class ColorStyle(Record):
    text: str = spec("#1a1a1a", color=True)
    heading: str = spec("#1f3a5f", color=True)
    link: str = spec("#1a5fb4", color=True)
    muted: str = spec("#5e6470", color=True)
    rule: str = spec("#c5cad3", color=True)
    background: str = spec("#ffffff", color=True)


class SpacingStyle(Record):
    paragraph: float = spec(7.0, min=0, max=48, unit="pt")
    heading_before: float = spec(16.0, min=0, max=72, unit="pt")
    heading_after: float = spec(6.0, min=0, max=72, unit="pt")
    list_indent: float = spec(18.0, min=0, max=72, unit="pt")
    first_line_indent: float = spec(0.0, min=0, max=72, unit="pt")


class TableStyle(Record):
    header_fill: str = spec("#e6ecf3", color=True)
    header_bold: bool = True
    border_color: str = spec("#aab3c0", color=True)
    border_width: float = spec(0.5, min=0, max=6, unit="pt")
    zebra: bool = True
    zebra_fill: str = spec("#f5f7fa", color=True)
    font_scale: float = spec(0.92, min=0.5, max=1.5)
    caption_prefix: str = ""  # "" = the labels catalogue's word for the language (labels.py)


class HeadingStyle(Record):
    numbering: bool = False
    keep_with_next: bool = True


class TocStyle(Record):
    enabled: bool = False
    depth: int = spec(2, min=1, max=6)
    title: str = ""  # "" = the labels catalogue's "contents"


class TextStyle(Record):
    align: str = spec("left", choices=("left", "justify"))
    hyphenate: bool = False
    language: str = "en"
    references_title: str = ""  # "" = the labels catalogue's, in the document's language
    keywords_label: str = ""


class Style(Record):
    name: str = "default"
    files: tuple[str, ...] = ()  # the theme files this style was loaded from (for --skip-unchanged)
    page: PageStyle = PageStyle()
    fonts: FontStyle = FontStyle()
    colors: ColorStyle = ColorStyle()
    spacing: SpacingStyle = SpacingStyle()
    table: TableStyle = TableStyle()
    headings: HeadingStyle = HeadingStyle()
    toc: TocStyle = TocStyle()
    text: TextStyle = TextStyle()
    # [labels] / [labels.TAG]: overrides of the labels catalogue (labels.py), as
    # (scope, ((key, value), ...)) pairs, scope "" for every language
    labels: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    @property
    def page_size_mm(self) -> tuple[float, float]:
        return PAGE_SIZES_MM[self.page.size]


SECTIONS: dict[str, type] = {name: hint for name, hint in get_type_hints(Style).items()
                             if name not in ("name", "files", "labels")}


def styles_dir() -> Path:
    """Where the built-in themes are: inside the installed package, or the source tree's styles/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent.parent / "styles"):
        if (candidate / "default.toml").is_file():
            return candidate
    raise StyleError(f"{here}: built-in themes not found; reinstall docforge")


def builtin_styles() -> list[str]:
    return sorted(p.stem for p in styles_dir().glob("*.toml"))


def load_style(name_or_path: str | Path | None = None, overrides: dict | None = None) -> Style:
    """Load a theme by built-in name ("default", "handout") or by path to a .toml file."""
    data = _load_chain(str(name_or_path or "default"), base_dir=None, seen=())
    if overrides:
        data = _merge(data, overrides)
    origin = str(name_or_path or "default")
    return _build(data, origin)


def _resolve(ref: str, base_dir: Path | None) -> Path:
    path = Path(ref)
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise StyleError(f"{path}: theme file not found; give an existing .toml file or one of: "
                             + ", ".join(builtin_styles()))
        return path
    builtin = styles_dir() / f"{ref}.toml"
    if not builtin.is_file():
        raise StyleError(f"{ref}: no such built-in theme; use one of: {', '.join(builtin_styles())}"
                         " or a path to a .toml file")
    return builtin


def _load_chain(ref: str, base_dir: Path | None, seen: tuple[Path, ...]) -> dict:
    path = _resolve(ref, base_dir).resolve()
    if path in seen:
        raise StyleError(f"{path}: `extends` forms a cycle; remove the `extends` line from one theme")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StyleError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StyleError(f"{path}: cannot read theme ({exc}); check the file") from None
    own_name = data.pop("name", path.stem)  # a theme's name is its own, never its parent's
    parent_ref = data.pop("extends", None)
    is_default = path.parent == styles_dir().resolve() and path.stem == "default"
    if parent_ref is None and not is_default:
        parent_ref = "default"
    if parent_ref is not None:
        if not isinstance(parent_ref, str):
            raise StyleError(f"{path}: `extends` must be a theme name or a path string")
        try:
            _resolve(parent_ref, path.parent)
        except StyleError as exc:
            raise StyleError(f"{path}: `extends = {parent_ref!r}` cannot be loaded ({exc})") from None
        parent = _load_chain(parent_ref, path.parent, seen + (path,))
        data = _merge(parent, data)
    data["name"] = own_name
    data["__origin__"] = str(path)
    data["__files__"] = data.get("__files__", []) + [str(path)]
    return data


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(data: dict, origin: str) -> Style:
    origin = data.pop("__origin__", origin)
    files = tuple(data.pop("__files__", ()))
    name = data.pop("name", "custom")
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key == "labels":
            sections["labels"] = _build_labels(value, origin)
            continue
        if key not in SECTIONS:
            raise StyleError(f"{origin}: unknown theme section [{key}]; known sections: "
                             + ", ".join(SECTIONS))
        if not isinstance(value, dict):
            raise StyleError(f"{origin}: `{key}` must be a table ([{key}]), not a value")
        sections[key] = _build_section(SECTIONS[key], value, origin, key)
    return Style(name=str(name), files=files, **sections)


def _build_labels(table: Any, origin: str) -> tuple:
    """[labels] (keys for every language) and [labels.TAG] (for one) as Style.labels,
    each value checked by labels.check_pattern."""
    from .labels import check_pattern
    if not isinstance(table, dict):
        raise StyleError(f"{origin}: `labels` must be a table ([labels]), not a value")
    scopes: dict[str, dict] = {"": {}}
    for key, value in table.items():
        if isinstance(value, dict):
            scopes[key] = value
        else:
            scopes[""][key] = value
    out = []
    for scope, values in sorted(scopes.items()):
        checked = []
        for key, value in sorted(values.items()):
            why = check_pattern(key, value)
            if why:
                where = f"labels.{scope}.{key}" if scope else f"labels.{key}"
                raise StyleError(f"{origin}: `{where}` = {value!r} {why}; fix the value")
            checked.append((key, tuple(value) if isinstance(value, list) else value))
        if checked:
            out.append((scope, tuple(checked)))
    return tuple(out)


@functools.cache
def _hints(cls: type) -> dict:
    return get_type_hints(cls)


def _build_section(cls: type, values: dict, origin: str, section: str):
    hints = _hints(cls)
    known = cls._fields
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise StyleError(f"{origin}: unknown key `{key}` in [{section}]; known keys: "
                             + ", ".join(known))
        kwargs[key] = _check(value, hints[key], cls._field_meta.get(key, {}), origin, f"{section}.{key}")
    return cls(**kwargs)


def _check(value: Any, hint: Any, meta: Any, origin: str, where: str) -> Any:
    def bad(expected: str) -> StyleError:
        return StyleError(f"{origin}: `{where}` = {value!r} is not {expected}; fix the value")

    if get_origin(hint) is tuple:
        inner = get_args(hint)[0]
        if not isinstance(value, list):
            raise bad("a list")
        return tuple(_check(v, inner, {}, origin, where) for v in value)
    if hint is bool:
        if not isinstance(value, bool):
            raise bad("true or false")
    elif hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                hint is int and not isinstance(value, int)):
            raise bad("a whole number" if hint is int else "a number")
        low, high = meta.get("min"), meta.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise bad(f"between {low} and {high}{' ' + meta['unit'] if 'unit' in meta else ''}")
        value = hint(value)
    elif hint is str:
        if not isinstance(value, str):
            raise bad("a string")
        if meta.get("color") and not _COLOR.match(value):
            raise bad("a colour like \"#1f3a5f\"")
        if "choices" in meta and value not in meta["choices"]:
            raise bad("one of " + ", ".join(meta["choices"]))
    return value


def css_length_pt(value: float) -> str:
    """Points as a CSS length, without float noise ("10.5pt")."""
    return f"{value:g}pt"
