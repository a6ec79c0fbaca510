"""Which raw HTML an EPUB can hold: a fragment that parses as well-formed XHTML and uses
only what epubcheck accepts without extra package properties or resources.

pandoc keeps raw HTML as RawBlock/RawInline("html", ...); the HTML page passes it through
as it is, but an EPUB content document is XML, validated by reading systems and epubcheck.
`XhtmlFilter.accept(text, inline)` returns the fragment to write (HTML named entities
turned into characters, `<br>`/`<hr>`/`<wbr>` self-closed) or None when it is not
well-formed, uses an element outside plain HTML text markup (no script, style, form,
embedded content, SVG or MathML: they need manifest properties or resources), an attribute
outside the plain ones (no event handlers, no src), a link that is not http(s)/mailto, or
an id that the page already uses. Only the XHTML flavour of the body renderer imports this
module (lxml is not on the HTML page's start-up path). It never reports anything itself.
"""
from __future__ import annotations

import html.entities
import re

from lxml import etree

from ..semantics import safe_url
from ..xmltext import has_illegal

XHTML_NS = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PHRASING = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr"))
FLOW = PHRASING | frozenset((
    "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details",
    "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul"))
_GLOBAL_ATTRIBUTES = frozenset(("id", "class", "title", "lang", "dir", "role", "style", _XML_LANG))
_ELEMENT_ATTRIBUTES = {
    "a": {"href", "hreflang", "rel", "type"}, "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"}, "ol": {"start", "reversed", "type"},
    "li": {"value"}, "time": {"datetime"}, "data": {"value"}, "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"}, "q": {"cite"}, "blockquote": {"cite"}, "col": {"span"},
    "colgroup": {"span"}, "details": {"open"},
}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_NOTE_ID = re.compile(r"^fn(ref)?-")  # the footnotes' ids (body.py)
_XML_ENTITIES = frozenset(("amp", "lt", "gt", "quot", "apos"))
_OPEN_VOID = re.compile(r"<(br|hr|wbr)(\s[^<>]*?)?\s*(?<!/)>", re.IGNORECASE)


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    char = html.entities.html5.get(name + ";")
    if char is None:
        return match.group(0)  # unknown: the parser refuses it, and the fragment is dropped
    return "".join(f"&#{ord(c)};" if c in "&<>\"'" else c for c in char)


class XhtmlFilter:
    """Accepts or refuses raw HTML fragments for one book; ids must be unique across it."""

    def __init__(self, taken_ids: set[str]) -> None:
        self.taken_ids = taken_ids  # the document's anchors; grows with the fragments' own

    def accept(self, text: str, inline: bool) -> str | None:
        if has_illegal(text):  # characters XML or HTML cannot hold: not a fragment to pass on
            return None
        fragment = _OPEN_VOID.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}/>", _ENTITY.sub(_entity, text))
        try:
            wrapper = etree.fromstring(f'<div xmlns="{XHTML_NS}">{fragment}</div>',
                                       etree.XMLParser(resolve_entities=False, no_network=True))
        except (etree.XMLSyntaxError, ValueError):
            return None
        allowed = PHRASING if inline else FLOW
        ids = []
        for element in wrapper.iterdescendants():
            if not isinstance(element.tag, str):  # comments and processing instructions
                if isinstance(element, etree._ProcessingInstruction):
                    return None
                continue
            namespace, _, name = element.tag.rpartition("}")
            if namespace != "{" + XHTML_NS or name not in allowed:
                return None
            permitted = _ELEMENT_ATTRIBUTES.get(name, ())
            for attribute, value in element.attrib.items():
                if attribute.startswith("data-") or attribute.startswith("aria-"):
                    continue
                if attribute not in _GLOBAL_ATTRIBUTES and attribute not in permitted:
                    return None
                if attribute == "href" and (safe_url(value) is None or value.strip().startswith("#")):
                    return None
                if attribute == "id":
                    ids.append(value)
        if any(i in self.taken_ids or _NOTE_ID.match(i) for i in ids) or len(set(ids)) != len(ids):
            return None
        self.taken_ids.update(ids)
        return fragment
