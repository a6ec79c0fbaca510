"""TeX math -> MathML for the HTML page and the EPUB (HTML5 and EPUB 3 both render MathML).

latex2mathml (pure Python, MIT) parses the TeX; this module serialises its element tree
itself, because latex2mathml's own string output unescapes everything it escaped (a TeX
`\\text{a<b}` comes out as raw `a<b`, and `\\text{<script>}` as a live element). Only
MathML presentation elements and attributes pass, every text is escaped by the caller's
escaper, `href` only when semantics.safe_url allows it. The TeX source rides along as an
`application/x-tex` annotation, as pandoc's --mathml writes it.

`to_mathml(tex, display, escape)` returns the markup, or None when the TeX cannot be
converted (a syntax error, a command latex2mathml does not know, latex2mathml not
installed): the caller then shows the TeX source and reports it. latex2mathml is
imported on the first formula, never at start-up. This module must never decide how a
failure is shown or reported.
"""
from __future__ import annotations

import re
from typing import Callable

from ..semantics import safe_url

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# MathML 3 presentation markup (what latex2mathml writes, and what the Nu checker and
# epubcheck accept); anything else in its tree means the formula is not converted.
_ELEMENTS = frozenset((
    "math", "semantics", "annotation", "maction", "menclose", "merror", "mfenced", "mfrac",
    "mglyph", "mi", "mlabeledtr", "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom",
    "mprescripts", "none", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup",
    "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover"))
_ATTRIBUTES = frozenset((
    "accent", "accentunder", "align", "class", "close", "columnalign", "columnlines",
    "columnspacing", "columnspan", "depth", "display", "displaystyle", "fence", "form", "frame",
    "framespacing", "height", "largeop", "linebreak", "linethickness", "lspace", "mathbackground",
    "mathcolor", "mathsize", "mathvariant", "maxsize", "minsize", "movablelimits", "notation",
    "open", "rowalign", "rowlines", "rowspacing", "rowspan", "rspace", "scriptlevel", "separator",
    "separators", "stretchy", "symmetric", "voffset", "width"))
# The content models latex2mathml can get wrong (`\limits` alone gives an empty
# <munderover>, `\mathop{\rm lim}` an <mrow> inside <mo>): a tree that breaks one is not
# converted, so what is written always validates.
_ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3,
          "munderover": 3}
_TOKENS = frozenset(("mi", "mn", "mo", "mtext", "ms", "mspace", "mglyph"))  # no element inside
_ONLY_CHILD = {"mtable": frozenset(("mtr", "mlabeledtr")), "mtr": frozenset(("mtd",)),
               "mlabeledtr": frozenset(("mtd",))}
# amsmath's `aligned` (common inside $$...$$) is what latex2mathml knows as `align*`
_ALIGNED = re.compile(r"\\(begin|end)\{aligned\}")
# latex2mathml puts character references into its texts ("&#x02211;") and escapes them on output
_CHAR_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
# an unknown command comes out as its own name ("<mi>\foo</mi>"): not a conversion
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]")

_converter: Callable | None = None
_missing = False


def _convert_to_element() -> Callable | None:
    global _converter, _missing
    if _converter is None and not _missing:
        try:
            from latex2mathml.converter import convert_to_element
        except ImportError:
            _missing = True
        else:
            _converter = convert_to_element
    return _converter


def available() -> bool:
    """Whether latex2mathml is installed (it is a dependency; a broken install falls back)."""
    return _convert_to_element() is not None


def _decode(text: str) -> str:
    def char(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)
    return _CHAR_REFERENCE.sub(char, text) if "&#x" in text else text


def to_mathml(tex: str, display: bool, escape: Callable[[str], str]) -> str | None:
    """`tex` as a <math> element (`display`: a block formula), texts escaped with `escape`;
    None when it cannot be converted."""
    convert = _convert_to_element()
    if convert is None or not tex.strip():
        return None
    source = _ALIGNED.sub(r"\\\1{align*}", tex) if "aligned" in tex else tex
    try:
        root = convert(source, display="block" if display else "inline")
    except Exception:  # latex2mathml raises a dozen types for bad TeX, RecursionError for deep
        return None
    if root.tag != "math":
        return None
    children = list(root)
    body = _serialise(children[0] if len(children) == 1 else _Row(children), escape)
    if body is None:
        return None
    kind = "block" if display else "inline"
    return (f'<math xmlns="{MATHML_NS}" display="{kind}"><semantics>{body}'
            f'<annotation encoding="application/x-tex">{escape(tex)}</annotation></semantics></math>')


def _serialise(top, escape: Callable[[str], str]) -> str | None:
    """One element of latex2mathml's tree as markup, or None if it holds anything but
    MathML presentation markup. Iterative: the tree may be thousands of levels deep."""
    out: list[str] = []
    stack: list[tuple[object, bool]] = [(top, False)]  # (element or tail text, closing?)
    while stack:
        element, closing = stack.pop()
        if type(element) is str:  # a tail text (latex2mathml writes none, but a tree may hold one)
            out.append(escape(_decode(element)))
            continue
        if closing:
            out.append(f"</{element.tag}>")  # type: ignore[attr-defined]
            continue
        tag = element.tag  # type: ignore[attr-defined]
        if tag not in _ELEMENTS or tag in ("math", "semantics", "annotation"):
            return None
        children = list(element)  # type: ignore[call-overload]
        if ((tag in _ARITY and len(children) != _ARITY[tag]) or (tag in _TOKENS and children)
                or (tag in _ONLY_CHILD and any(c.tag not in _ONLY_CHILD[tag] for c in children))
                or (tag not in _ONLY_CHILD and any(c.tag == "mtd" for c in children))):
            return None
        attributes = []
        for name, value in element.attrib.items():  # type: ignore[attr-defined]
            if name == "href":
                value = safe_url(value)
                if value is None:
                    continue
            elif name not in _ATTRIBUTES:
                continue
            attributes.append(f' {name}="{escape(_decode(value))}"')
        out.append(f"<{tag}{''.join(attributes)}>")
        text = element.text  # type: ignore[attr-defined]
        if text:
            # an alignment "&" outside a table it understood (an escaped \& is "&#x00026;"),
            # or an unknown command
            if tag != "mtext" and (text == "&" or _UNKNOWN_COMMAND.search(_decode(text))):
                return None
            out.append(escape(_decode(text)))
        # the closing tag, then the children, then each child's tail after it
        stack.append((element, True))
        for child in reversed(children):
            if child.tail:
                stack.append((child.tail, False))
            stack.append((child, False))
    return "".join(out)


class _Row:
    """Several top-level elements, wrapped in one <mrow> (<semantics> wants one child)."""
    __slots__ = ("children",)
    tag = "mrow"
    attrib: dict = {}
    text = None

    def __init__(self, children: list) -> None:
        self.children = children

    def __iter__(self):
        return iter(self.children)
