"""Blocks and inlines -> HTML body markup, shared by the HTML page and the EPUB's XHTML files.

`BodyRenderer` walks the prepared IR of one RenderContext; with `xhtml=True` it writes
the well-formed XHTML flavour EPUB needs (self-closed void elements). Everything the
formats must agree on — citation labels, which reference URL is shown, the byline, the
caption lead, the outline — it reads from the context and writers/semantics.py, never
decides itself. Every piece of input text goes through `xmltext.escape(text, "html")`;
the characters HTML cannot hold are counted once in the context's diagnostics. Only
http(s), mailto and in-document links become live. This module must never import a heavy
library (it is the start-up path of `--to html`: latex2mathml is imported on the first
formula, lxml only by the XHTML flavour's raw-markup check) nor know which file it ends up
in beyond the `href_for` and `image_src` it is given. `block_pieces` gives the markup of
a run of blocks as pieces joined by newlines, a table a row per piece, a list an item, a
reference list an entry, quotes and divs their blocks' pieces, so a streaming writer never
holds one block's markup whole; each `block_*` method is the join of its pieces.

Footnotes: a marker where the Note is, and the note itself collected; the page asks for
them where they go (`footnotes()`: the HTML page's end-notes section, as pandoc writes it;
`footnote_asides()`: EPUB asides at the end of the file that holds the markers). Images:
local files embedded through `image_src` (a data: URI for the standalone page, a package
file for EPUB), remote ones as their URL where `remote_images` allows, else (and when an
image cannot be loaded) the alt text, with the context's warning. Math as MathML
(mathml.py), else its TeX source with a diagnostic; raw markup for HTML passed through
(in XHTML only when rawxhtml.py accepts it; a tag pandoc split from its closing tag is
paired within its run of inlines), other formats left out. What was left out is
counted and reported once per writer by `report()`.

Accessibility markup (axe-core and Ace check it, tests/writers/test_accessibility.py): a
table sits in a focusable region named by its label and caption, as it may scroll; the
section a References list opens is `doc-bibliography` (a list without a heading gets a
named section of its own) and citations are `doc-biblioref` (entries carry no role:
DPUB-ARIA 1.1 deprecates doc-biblioentry); a link whose markup shows no text
(`shows_nothing`) shows its URL. An in-document link to an id the output does not hold
(`href_for` gives None) keeps its text without a link, as the PDF does, and `report()`
names such targets once.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Callable, Iterable, Iterator
from unicodedata import category

from ...model import (BulletList, Cell, CitationRef, Code, CodeBlock, DefinitionList, Div, Emph,
                      Figure, Heading, Image, LineBlock, LineBreak, Link, ListItem, Math, Note,
                      OrderedList, Paragraph, Quote, RawBlock, RawInline, Reference, References,
                      SmallCaps, Span, Strikeout, Strong, Subscript, Superscript, Table, Text,
                      ThematicBreak, Underline, plain_text, walk)
from ...transforms import OutlineEntry
from ..base import RenderContext, TreeRenderer
from ..resources import Resource, data_uri, is_remote
from ..semantics import BYLINE_SEPARATOR, caption_lead, is_iso_date, safe_url, shown_reference_url
from ..xmltext import escape, strip_illegal
from . import mathml

ALIGN_CLASS = {"left": "align-left", "center": "align-center", "right": "align-right"}
HTML_RAW_FORMATS = frozenset(("html", "html4", "html5"))
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_DATA_NAME = re.compile(r"^[a-z_][a-z0-9_.-]*$")  # what a data-* attribute may be called
_DIRECTIONS = frozenset(("ltr", "rtl", "auto"))
_LONE_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9]*)(\s[^<>]*)?(?<!/)>$")  # one tag, not self-closed
_VOID = frozenset(("br", "hr", "wbr", "img", "input", "meta", "link", "area", "base", "col",
                   "embed", "source", "track"))
MISSING_TARGETS_NAMED = 5  # a diagnostic names this many missing link targets, then counts the rest
_TAG = re.compile(r"<[^>]*>")
_IMG_ALT = re.compile(r'<img\s[^>]*?\balt="([^"]*)"')
BACKLINK = "\u21a9\ufe0e"  # ↩︎ as text, not emoji: what pandoc's footnotes link back with


# the nodes whose ids in-document links ("#id") may point at: the markup carries their id
ANCHORED_TYPES = frozenset((Heading, Reference, Table, Figure, Div, Span))


def anchor_ids_in(node) -> Iterator[str]:
    """The ids of the ANCHORED_TYPES nodes in `node` and below it, in document order."""
    anchored = ANCHORED_TYPES
    return (n.id for n in walk(node, inlines=True) if type(n) in anchored and n.id)


class SamePageHrefs:
    """href_for of a document that is one page: "#id" when the page holds `id`, else None
    (a link to it would lead nowhere). The ids are collected on the first call, so a page
    without in-document links never walks its document for them."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.ids: set[str] | None = None

    def __call__(self, anchor_id: str) -> str | None:
        if self.ids is None:
            self.ids = set(anchor_ids_in(self.doc))
        return f"#{anchor_id}" if anchor_id in self.ids else None


def shows_nothing(markup: str) -> bool:
    """Whether link content `markup` shows a reader nothing to see or hear: its text outside
    tags (and the alt text of its images) is only whitespace and invisible format characters
    (zero-width and no-break spaces, U+FEFF, soft hyphens), or nothing at all. Decided on
    what was written, not the IR's text: controls and lone surrogates the escaper dropped, and
    U+FEFF (a space to axe-core's trim, not to str.split), left links unnamed (axe link-name)."""
    if "<" not in markup and "&" not in markup:  # most link text: no markup to look through
        return _invisible(markup)
    text = _TAG.sub("", markup)
    alts = _IMG_ALT.findall(markup)
    return all(_invisible(unescape(part)) for part in (text, *alts))


def _invisible(text: str) -> bool:
    return all(ch.isspace() or ch == "\ufeff" or category(ch) == "Cf" for ch in text)


class BodyRenderer(TreeRenderer):
    """One rendering of `context.doc` (a renderer is made per write: it holds what is
    really per render — the href mapping, how deep inside a link it is, the notes not yet
    placed, what was left out).

    `heading_shift` is added to IR heading levels (1 when the page shows the title as h1).
    `href_for(id)` maps an anchor id to a link target, or None when the anchor is not in
    the output: "#id" in one page, "file.xhtml#id" across an EPUB's files.
    `image_src(resource)` is the src of an embedded image (default: a data: URI);
    `remote_images` whether an http(s) image may be shown by its URL. `anchor_ids`: ids
    the output holds besides the context's anchors (raw XHTML may not use them again).
    """

    def __init__(self, context: RenderContext, xhtml: bool = False, heading_shift: int = 1,
                 href_for: Callable[[str], str | None] | None = None,
                 image_src: Callable[[Resource], str] | None = None, remote_images: bool = True,
                 anchor_ids: Iterable[str] = ()) -> None:
        self.context = context
        self.xhtml = xhtml
        self.heading_shift = heading_shift
        self.href_for = href_for or SamePageHrefs(context.doc)
        self.image_src = image_src or self._data_uri
        self.remote_images = remote_images
        self.anchor_ids = anchor_ids  # ids beyond context.anchors (divs, spans) raw markup must not reuse
        self.link_depth = 0  # links cannot nest in HTML: inner links render as their text
        self.format_name = "EPUB (XHTML)" if xhtml else "HTML"  # in the dropped-characters message
        self.br = "<br/>" if xhtml else "<br>"
        self.hr = "<hr/>" if xhtml else "<hr>"
        self.pending_notes: list[tuple[str, Note]] = []  # markers written, notes not yet placed
        self.uses_mathml = False  # since the last reset: EPUB marks such files "mathml"
        self._data_uris: dict[str, str] = {}
        self._raw_filter = None
        self._raw_left_out: dict[str, list[int]] = {}  # format -> [blocks, inlines] left out
        self._raw_ill_formed = 0                  # raw HTML an XHTML file cannot hold
        self._math_as_tex, self._math_first = 0, ""  # formulas shown as TeX source, the first
        self._bad_languages: list[str] = []
        self._unheaded_bibliographies = 0  # References lists named "References", "References 2"...
        self._missing_links = 0  # in-document links to an id the output does not hold
        self._missing_targets: list[str] = []  # the first MISSING_TARGETS_NAMED such targets
        self._more_missing_targets = False  # another target besides those
        if xhtml:  # raw tags split across inlines (pandoc's `<kbd>`, text, `</kbd>`) are paired up
            self.inlines = self._xhtml_inlines  # type: ignore[method-assign]

    def _data_uri(self, resource: Resource) -> str:
        uri = self._data_uris.get(resource.name)
        if uri is None:  # an image used many times is encoded once
            uri = self._data_uris[resource.name] = data_uri(resource)
        return uri

    # ------------------------------------------------------------- text
    def text(self, value: str) -> str:
        escaped, dropped = escape(value, "html")
        if dropped:
            self.context.diagnostics.drop(dropped, self.format_name)
        return escaped

    # ------------------------------------------------------------- blocks
    def blocks(self, blocks, sections: bool = True) -> str:
        """Render blocks; with `sections`, each heading opens a <section> closed by the next
        heading of the same or a higher level."""
        return "\n".join(self.block_pieces(blocks, sections))

    def block_pieces(self, blocks, sections: bool = True) -> Iterator[str]:
        """What blocks() joins with newlines, a piece at a time, for a writer that streams
        the page instead of holding all of its markup at once. A long table, list or
        reference list is several pieces (a row, an item, an entry each), so no block is
        ever one string the size of its part of the input; a block left out (raw markup for
        another format) gives no piece, so it leaves no blank line. The blocks are read
        once, in order, with one block of lookahead (a long IR sequence is never copied)."""
        open_levels: list[int] = []
        previous = None
        remaining = iter(blocks)
        block = next(remaining, _END)
        while block is not _END:
            following = next(remaining, _END)
            if sections and type(block) is Heading:
                while open_levels and open_levels[-1] >= block.level:
                    open_levels.pop()
                    yield "</section>"
                # the section a References list opens is the bibliography (a landmark)
                # named by its heading, so that two bibliographies are two distinct landmarks
                role = (f' role="doc-bibliography" aria-labelledby="{self.text(block.id)}"'
                        if type(following) is References and block.id else
                        ' role="doc-bibliography"' if type(following) is References else "")
                yield f'<section class="level{block.level}"{role}>'
                open_levels.append(block.level)
                yield from self.block_stream(block)
            elif type(block) is References and not (type(previous) is Heading and sections):
                # landmarks must differ by name: "References", "References 2"... counted over
                # the whole rendering, as a quote's or div's blocks are a block_pieces of their own
                self._unheaded_bibliographies += 1
                unheaded = self._unheaded_bibliographies
                name = self.context.labels.references + (f" {unheaded}" if unheaded > 1 else "")
                yield from _around(f'<section class="bibliography" role="doc-bibliography" '
                                   f'aria-label="{self.text(name)}">',
                                   self.references_pieces(block), "</section>")
            else:
                yield from self.block_stream(block)
            previous, block = block, following
        for _ in open_levels:
            yield "</section>"

    def block_stream(self, block) -> Iterator[str]:
        """One block's markup as pieces to be joined by newlines (none when it is left out)."""
        stream = self.STREAMS.get(type(block))
        if stream is not None:
            yield from stream(self, block)
            return
        markup = self.dispatch[type(block)](self, block)
        if markup:
            yield markup

    def block_heading(self, node: Heading) -> str:
        level = max(1, min(6, node.level + self.heading_shift))
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        return f"<h{level}{id_attr}>{self.inlines(node.inlines)}</h{level}>"

    def block_paragraph(self, node: Paragraph) -> str:
        return f"<p>{self.inlines(node.inlines)}</p>"

    def _tight(self, blocks) -> str:
        """Blocks of a list item or definition: when tight (at most one paragraph), the
        paragraph's text without <p>."""
        tight = sum(type(b) is Paragraph for b in blocks) <= 1
        return "".join(self.inlines(b.inlines) if tight and type(b) is Paragraph else self.render(b)
                       for b in blocks)

    def _item(self, node: ListItem) -> str:
        return f"<li>{self._tight(node.blocks)}</li>"

    def block_bullet_list(self, node: BulletList) -> str:
        return "\n".join(self.bullet_list_pieces(node))

    def bullet_list_pieces(self, node: BulletList) -> Iterator[str]:
        return _around("<ul>", map(self._item, node.items), "</ul>")

    def block_ordered_list(self, node: OrderedList) -> str:
        return "\n".join(self.ordered_list_pieces(node))

    def ordered_list_pieces(self, node: OrderedList) -> Iterator[str]:
        start = f' start="{node.start}"' if node.start != 1 else ""
        return _around(f"<ol{start}>", map(self._item, node.items), "</ol>")

    def _cell(self, node: Cell, tag: str, align: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        cls = f' class="{ALIGN_CLASS[align]}"' if align in ALIGN_CLASS else ""
        return f"<{tag}{scope}{cls}>{self.inlines(node.inlines)}</{tag}>"

    def block_table(self, node: Table) -> str:
        return "\n".join(self.table_pieces(node))

    def table_pieces(self, node: Table) -> Iterator[str]:
        """The table: the wrapper, caption and header row, then one piece per body row."""
        aligns = list(node.aligns) + ["default"] * (len(node.header) - len(node.aligns))
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        head = "".join(self._cell(c, "th", aligns[i]) for i, c in enumerate(node.header))
        # the wrapper scrolls a table wider than the screen: a keyboard must reach it
        # (focusable) and a screen reader must be told what it holds (a labelled region)
        # (named by its label when it has no caption: the region needs a name even where
        # no bare label is shown)
        label = self.text(" ".join((caption_lead(node, self.context.labels)
                                    + plain_text(Paragraph(node.caption), notes=False)).split())
                          or node.label or self.context.labels.table.replace("{n}", "").strip())
        opening = (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">'
                   f"<table{id_attr}>\n{self._caption(node)}"
                   + (f"<thead><tr>{head}</tr></thead>\n" if node.header else ""))  # none without a header row
        if not node.rows:
            yield opening + "</table></div>"
            return
        yield opening + "<tbody>"
        cell, columns = self._cell, len(aligns)
        for row in node.rows:
            yield ("<tr>" + "".join(cell(c, "td", aligns[i] if i < columns else "default")
                                    for i, c in enumerate(row)) + "</tr>")
        yield "</tbody>\n</table></div>"

    def _caption(self, node: Table | Figure, tag: str = "caption", label_class: str = "table-label") -> str:
        """The caption led by the label (semantics.caption_lead); "" when there is neither
        (uncaptioned: no bare label)."""
        lead = caption_lead(node, self.context.labels)
        if not (lead or node.caption):
            return ""
        # "Table 1: " — the label and its colon are the span, a space after it separates the
        # text ("表 1：" has none)
        label, space = (lead.rstrip(" "), " ") if lead.endswith(" ") else (lead, "")
        shown = f'<span class="{label_class}">{self.text(label)}</span>{space}' if label else ""
        return f"<{tag}>{shown}{self.inlines(node.caption)}</{tag}>\n"

    def block_quote(self, node: Quote) -> str:
        return "\n".join(self.quote_pieces(node))

    def quote_pieces(self, node: Quote) -> Iterator[str]:
        return _around("<blockquote>", self.block_pieces(node.blocks, sections=False), "</blockquote>")

    def block_code_block(self, node: CodeBlock) -> str:
        lang = f' class="language-{self.text(node.language)}"' if node.language else ""
        return f"<pre><code{lang}>{self.text(node.text)}</code></pre>"

    def block_thematic_break(self, node: ThematicBreak) -> str:
        return self.hr

    def _reference(self, node: Reference) -> str:
        value = f' value="{node.label}"' if node.label.isdigit() else ""
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        body = self.inlines(node.inlines)
        url = shown_reference_url(node)
        if url:
            shown = self.text(url)
            body += f' <a class="reference-url" href="{shown}">{shown}</a>'
        # no doc-biblioentry: DPUB-ARIA 1.1 deprecates it (axe and Ace flag it); an item of
        # the list inside the doc-bibliography section is an entry
        return f"<li{id_attr}{value}>{body}</li>"

    def block_references(self, node: References) -> str:
        return "\n".join(self.references_pieces(node))

    def references_pieces(self, node: References) -> Iterator[str]:
        numeric = all(e.label.isdigit() for e in node.entries)
        cls = "references" if numeric else "references unlabelled"
        return _around(f'<ol class="{cls}">', map(self._reference, node.entries), "</ol>")

    def block_definition_list(self, node: DefinitionList) -> str:
        return "\n".join(self.definition_list_pieces(node))

    def definition_list_pieces(self, node: DefinitionList) -> Iterator[str]:
        yield "<dl>"
        for item in node.items:
            yield f"<dt>{self.inlines(item.term)}</dt>"
            for blocks in item.definitions:
                yield f"<dd>{self._tight(blocks)}</dd>"
        yield "</dl>"

    def block_line_block(self, node: LineBlock) -> str:
        return "\n".join(self.line_block_pieces(node))

    def line_block_pieces(self, node: LineBlock) -> Iterator[str]:
        """The lines, each but the last ending in its <br> (the newline between pieces
        follows it)."""
        held = '<div class="line-block">'  # the opening tag goes with the first line
        lines = iter(node.lines)
        line = next(lines, _END)
        while line is not _END:
            following = next(lines, _END)
            held += self._line(line)
            if following is _END:
                break
            yield held + self.br
            held, line = "", following
        yield held + "</div>"

    def _line(self, inlines) -> str:
        """One line of a LineBlock: its leading spaces kept, as no-break spaces."""
        if inlines and type(inlines[0]) is Text:
            first = inlines[0].text
            stripped = first.lstrip(" ")
            if len(stripped) != len(first):
                lead = "\u00a0" * (len(first) - len(stripped))
                return lead + self.text(stripped) + self.inlines(inlines[1:])
        return self.inlines(inlines)

    def block_div(self, node: Div) -> str:
        return "\n".join(self.div_pieces(node))

    def div_pieces(self, node: Div) -> Iterator[str]:
        attributes = self._attributes(node.id, node.classes, node.attrs, node.lang)
        return _around(f"<div{attributes}>", self.block_pieces(node.blocks, sections=False), "</div>")

    def block_figure(self, node: Figure) -> str:
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        content = "\n".join(self._figure_part(b) for b in node.blocks)
        caption = self._caption(node, "figcaption", "figure-label")
        return f"<figure{id_attr}>\n{content}\n{caption}</figure>"

    def _figure_part(self, block) -> str:
        # a paragraph holding only images is the figure's picture: no <p> around it, as pandoc
        if type(block) is Paragraph and block.inlines and all(type(i) is Image for i in block.inlines):
            return self.inlines(block.inlines)
        return self.render(block)

    def block_raw_block(self, node: RawBlock) -> str:
        return self._raw(node.format, node.text, inline=False)

    # ------------------------------------------------------------- inlines
    def inlines(self, nodes) -> str:
        dispatch = self.dispatch
        return "".join(dispatch[type(n)](self, n) for n in nodes)

    def _xhtml_inlines(self, nodes) -> str:
        """inlines() for XHTML: pandoc reads inline HTML as one RawInline per tag, so an
        opening tag is kept when its closing tag follows in the same run of inlines (and
        the element would be accepted), else left out with its stray closing tag."""
        if not any(type(n) is RawInline for n in nodes):
            return BodyRenderer.inlines(self, nodes)
        dispatch = self.dispatch
        parts: list[str] = []
        opened: list[tuple[str, int]] = []  # (element name, index of its opening tag in parts)
        for node in nodes:
            if type(node) is RawInline and node.format.strip().lower() in HTML_RAW_FORMATS:
                tag = _LONE_TAG.match(node.text.strip())
                if tag and not tag.group(1) and tag.group(2).lower() not in _VOID:
                    name = tag.group(2)
                    if self._raw_xhtml(f"{node.text.strip()}</{name}>", True) is not None:
                        opened.append((name, len(parts)))
                        parts.append(node.text.strip())
                        continue
                elif tag and tag.group(1) and opened and opened[-1][0] == tag.group(2):
                    opened.pop()
                    parts.append(f"</{tag.group(2)}>")
                    continue
                elif tag and tag.group(1):
                    self._raw_ill_formed += 1  # a closing tag without its opening one
                    continue
            parts.append(dispatch[type(node)](self, node))
        for _, index in opened:  # never closed in this run
            parts[index] = ""
            self._raw_ill_formed += 1
        return "".join(parts)

    def inline_text(self, node: Text) -> str:
        return self.text(node.text)

    def inline_emph(self, node: Emph) -> str:
        return f"<em>{self.inlines(node.inlines)}</em>"

    def inline_strong(self, node: Strong) -> str:
        return f"<strong>{self.inlines(node.inlines)}</strong>"

    def inline_code(self, node: Code) -> str:
        return f"<code>{self.text(node.text)}</code>"

    def inline_link(self, node: Link) -> str:
        url = safe_url(node.url)
        self.link_depth += 1
        inner = self.inlines(node.inlines)
        self.link_depth -= 1
        if url is not None and url.startswith("#"):
            url = self.href_for(url[1:])  # None: the anchor is not in this output
            if url is None and not self.link_depth:  # its text is kept, unlinked, as in the PDF
                self._note_missing_target(node.url.strip())
        if url is None or self.link_depth:
            return f'<span class="link">{inner}</span>'
        if shows_nothing(inner):  # a link nothing names cannot be chosen by ear: show where it goes
            inner += f'<span class="link-url">{self.text(node.url.strip())}</span>'
        return f'<a href="{self.text(url)}">{inner}</a>'

    def _note_missing_target(self, target: str) -> None:
        """Count a link to `target` ("#id"), which no anchor has; the first few are named
        (only they are kept: a document of broken links would keep them all)."""
        self._missing_links += 1
        if target not in self._missing_targets:
            if len(self._missing_targets) < MISSING_TARGETS_NAMED:
                self._missing_targets.append(target)
            else:
                self._more_missing_targets = True

    def inline_citation_ref(self, node: CitationRef) -> str:
        label = self.text(self.context.citation_label(node.ref_id))
        href = None if self.link_depth else self.href_for(node.ref_id)
        if href is None:
            return f'<span class="citation">[{label}]</span>'
        return f'<a class="citation" role="doc-biblioref" href="{self.text(href)}">[{label}]</a>'

    def inline_line_break(self, node: LineBreak) -> str:
        return self.br

    def inline_strikeout(self, node: Strikeout) -> str:
        return f"<del>{self.inlines(node.inlines)}</del>"

    def inline_superscript(self, node: Superscript) -> str:
        return f"<sup>{self.inlines(node.inlines)}</sup>"

    def inline_subscript(self, node: Subscript) -> str:
        return f"<sub>{self.inlines(node.inlines)}</sub>"

    def inline_small_caps(self, node: SmallCaps) -> str:
        return f'<span class="smallcaps">{self.inlines(node.inlines)}</span>'

    def inline_underline(self, node: Underline) -> str:
        return f"<u>{self.inlines(node.inlines)}</u>"

    def inline_span(self, node: Span) -> str:
        attributes = self._attributes(node.id, node.classes, node.attrs, node.lang)
        inner = self.inlines(node.inlines)
        return f"<span{attributes}>{inner}</span>" if attributes else inner

    def inline_math(self, node: Math) -> str:
        tex, dropped = strip_illegal(node.text)  # counted once, though the TeX is written twice
        markup = mathml.to_mathml(tex, node.display, _escaped)
        if markup is not None:
            self.context.diagnostics.drop(dropped, self.format_name)
            self.uses_mathml = True
            return markup
        self._math_as_tex += 1
        self._math_first = self._math_first or node.text
        kind = "display" if node.display else "inline"
        return f'<span class="math {kind}">{self.text(node.text)}</span>'

    def inline_raw_inline(self, node: RawInline) -> str:
        return self._raw(node.format, node.text, inline=True)

    def inline_image(self, node: Image) -> str:
        url = node.url.strip()
        if is_remote(url):
            src = safe_url(url) if self.remote_images else None
            if src is not None:
                return self._img(src, node, 0, 0)
            fallback = ("its alt text is shown instead" if self.remote_images else
                        "an EPUB shows no remote image (it would need the remote-resources "
                        "property), so its alt text is shown instead")
            self.context.image(url, fallback)
            return self._image_alt(node)
        resource = self.context.image(url)
        if resource is None:
            return self._image_alt(node)
        return self._img(self.image_src(resource), node, resource.width, resource.height)

    def _img(self, src: str, node: Image, width: int, height: int) -> str:
        title = f' title="{self.text(node.title)}"' if node.title else ""
        size = f' width="{width}" height="{height}"' if width and height else ""
        close = "/>" if self.xhtml else ">"
        return f'<img src="{self.text(src)}" alt="{self.text(plain_text(node))}"{title}{size}{close}'

    def _image_alt(self, node: Image) -> str:
        """What stands for an image that cannot be shown: its alt text (the warning is the
        context's)."""
        return f'<span class="image-alt">{self.inlines(node.inlines)}</span>' if node.inlines else ""

    def inline_note(self, node: Note) -> str:
        label = self.text(node.label or str(len(self.pending_notes) + 1))
        self.pending_notes.append((label, node))
        if self.link_depth:  # inside a link, the marker cannot be one: the note still has a back-link to it
            return f'<sup class="footnote-ref" id="fnref-{label}">{label}</sup>'
        noteref = ' epub:type="noteref"' if self.xhtml else ""
        return (f'<a href="#fn-{label}" class="footnote-ref" id="fnref-{label}"{noteref} '
                f'role="doc-noteref"><sup>{label}</sup></a>')

    # ------------------------------------------------------------- attributes, raw markup
    def _attributes(self, id_: str, classes: tuple[str, ...], attrs: tuple[tuple[str, str], ...],
                    lang: str) -> str:
        """id, class, lang (and xml:lang in XHTML), dir, and the other key/value pairs as
        data-* attributes, as pandoc's HTML writer gives them."""
        out = []
        if id_:
            out.append(f' id="{self.text(id_)}"')
        if classes:
            out.append(f' class="{self.text(" ".join(classes))}"')
        out.append(self._lang(lang))
        for key, value in attrs:
            name = key.lower()
            if name == "dir" and value.lower() in _DIRECTIONS:
                out.append(f' dir="{value.lower()}"')
                continue
            name = name if name.startswith("data-") else f"data-{name}"
            if name != "data-" and name != "data-lang" and _DATA_NAME.match(name[5:]):
                out.append(f' {name}="{self.text(value)}"')
        return "".join(out)

    def _lang(self, lang: str) -> str:
        tag = lang.strip().replace("_", "-")
        if not tag:
            return ""
        if not _LANGUAGE_TAG.match(tag):
            self._bad_languages.append(lang)
            return ""
        tag = self.text(tag)
        return f' lang="{tag}" xml:lang="{tag}"' if self.xhtml else f' lang="{tag}"'

    def _raw(self, format: str, text: str, inline: bool) -> str:
        kind = format.strip().lower()
        if kind not in HTML_RAW_FORMATS:
            counts = self._raw_left_out.setdefault(kind or "unnamed-format", [0, 0])
            counts[inline] += 1
            return ""
        if not self.xhtml:
            markup, dropped = strip_illegal(text)  # the author's own markup: passed on as pandoc does
            self.context.diagnostics.drop(dropped, self.format_name)
            return markup
        accepted = self._raw_xhtml(text, inline)
        if accepted is None:
            self._raw_ill_formed += 1
            return ""
        return accepted

    def _raw_xhtml(self, text: str, inline: bool) -> str | None:
        if self._raw_filter is None:
            from .rawxhtml import XhtmlFilter  # lxml: only on the EPUB path
            self._raw_filter = XhtmlFilter(set(self.context.anchors) | set(self.anchor_ids))
        return self._raw_filter.accept(text, inline)

    # ------------------------------------------------------------- notes
    def _note_body(self, label: str, note: Note, backlink: str, at_end: bool) -> str:
        """A note's blocks with `backlink` inside its last paragraph (`at_end`) or its
        first (else), or in a paragraph of its own when there is no such paragraph."""
        blocks = note.blocks
        index = len(blocks) - 1 if at_end else 0
        if not blocks or type(blocks[index]) is not Paragraph:
            own, rendered = f"<p>{backlink}</p>", self.blocks(blocks, sections=False)
            return "\n".join(part for part in ((rendered, own) if at_end else (own, rendered)) if part)
        parts = []
        for i, block in enumerate(blocks):
            if i == index:
                inner = self.inlines(block.inlines)
                parts.append(f"<p>{inner}{backlink}</p>" if at_end else f"<p>{backlink} {inner}</p>")
            else:
                parts.append(self.render(block))
        return "\n".join(parts)

    def _placed_notes(self, render: Callable[[str, Note], str]) -> list[tuple[str, str]]:
        """(label, markup) of every pending note, in label order — notes inside notes
        included: rendering a note may add more."""
        done: list[tuple[str, str]] = []
        index = 0
        while index < len(self.pending_notes):
            label, note = self.pending_notes[index]
            index += 1
            done.append((label, render(label, note)))
        self.pending_notes = []
        return sorted(done, key=lambda pair: (0, int(pair[0]), "") if _is_number(pair[0]) else (1, 0, pair[0]))

    def footnotes(self) -> str:
        """The HTML page's end-notes: every note whose marker was rendered, each with a
        link back to it, as pandoc writes them; "" when there are none."""
        if not self.pending_notes:
            return ""

        def render(label: str, note: Note) -> str:
            back = f'<a href="#fnref-{label}" class="footnote-back" role="doc-backlink">{BACKLINK}</a>'
            return self._note_body(label, note, back, at_end=True)

        items = []
        for position, (label, markup) in enumerate(self._placed_notes(render), 1):
            value = f' value="{label}"' if _is_number(label) and int(label) != position else ""
            items.append(f'<li id="fn-{label}"{value}>{markup}</li>')
        return (f'<section class="footnotes" role="doc-endnotes">\n{self.hr}\n<ol>\n'
                + "\n".join(items) + "\n</ol>\n</section>")

    def footnote_asides(self) -> str:
        """EPUB footnotes: an aside per note whose marker this file holds, so reading
        systems can pop it up; each starts with its number, linking back to the marker.
        "" when there are none."""
        if not self.pending_notes:
            return ""

        def render(label: str, note: Note) -> str:
            back = f'<a href="#fnref-{label}" class="footnote-back" role="doc-backlink">{label}.</a>'
            return self._note_body(label, note, back, at_end=False)

        asides = [f'<aside epub:type="footnote" role="doc-footnote" id="fn-{label}" class="footnote">\n'
                  f"{markup}\n</aside>" for label, markup in self._placed_notes(render)]
        return (f'<section class="footnotes" epub:type="footnotes">\n{self.hr}\n'
                + "\n".join(asides) + "\n</section>")

    # ------------------------------------------------------------- diagnostics
    def report(self) -> None:
        """Add to the context's diagnostics what this rendering left out or showed
        differently, once per kind."""
        add = self.context.diagnostics.add
        target = "an EPUB" if self.xhtml else "HTML"
        if self._raw_left_out:
            parts, total = [], 0
            for kind, (blocks, inlines) in sorted(self._raw_left_out.items()):
                for count, noun in ((blocks, "block"), (inlines, "inline")):
                    if count:
                        parts.append(f"{count} raw {kind} {noun}{'' if count == 1 else 's'}")
                        total += count
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            add(f"{listed} {_plural(total, 'was', 'were')} left out: {target} cannot hold "
                f"{_plural(total, 'it', 'them')}")
        if self._raw_ill_formed:
            count = self._raw_ill_formed
            add(f"{count} raw html {_plural(count, 'block or inline was', 'blocks and inlines were')} "
                "left out: an EPUB holds raw HTML only as well-formed XHTML text markup (every "
                "element closed, no script, form, embedded media or src, no id used twice)")
        if self._math_as_tex:
            count, first = self._math_as_tex, self._math_first
            shown = first if len(first) <= 60 else first[:57] + "..."
            why = ("latex2mathml cannot convert them" if mathml.available()
                   else "latex2mathml is not installed (pip install latex2mathml)")
            add(f"{count} math {_plural(count, 'formula is', 'formulas are')} shown as TeX source, "
                f"not MathML: {why} (first: {shown!r})")
        if self._bad_languages:
            count, first = len(self._bad_languages), self._bad_languages[0]
            add(f"{count} span/div {_plural(count, 'language was', 'languages were')} left unmarked: "
                f"{first!r} is not a BCP 47 tag (write it like 'de' or 'pt-BR')")
        if self._missing_links:
            count, targets = self._missing_links, self._missing_targets
            named = ", ".join(map(repr, targets)) + (" and others" if self._more_missing_targets else "")
            add(f"{count} in-document {_plural(count, 'link points', 'links point')} at "
                f"{_plural(len(targets), 'an id', 'ids')} no heading, table, figure, reference, div or span "
                f"has ({named}): {_plural(count, 'its', 'their')} text is shown without a link")
        self._raw_left_out, self._raw_ill_formed, self._bad_languages = {}, 0, []
        self._missing_links, self._missing_targets, self._more_missing_targets = 0, [], False
        self._math_as_tex, self._math_first = 0, ""

    # ------------------------------------------------------------- page parts
    def title_block(self) -> str:
        """The title, subtitle and byline, as a header; "" when the meta has none of them."""
        meta = self.context.doc.meta
        if not (meta.title or meta.subtitle or meta.authors or meta.date):
            return ""
        parts = ['<header class="title-block">']
        if meta.title:
            parts.append(f'<h1 class="title">{self.text(meta.title)}</h1>')
        if meta.subtitle:
            parts.append(f'<p class="subtitle">{self.text(meta.subtitle)}</p>')
        byline = [self.text(part) for part in self.context.byline]
        if meta.date:
            # the date is the byline's last part; <time> needs a machine-readable one
            date = byline[-1]
            byline[-1] = (f'<time datetime="{self.text(meta.date)}">{date}</time>' if is_iso_date(meta.date)
                          else f'<span class="date">{date}</span>')
        if byline:
            parts.append(f'<p class="byline">{BYLINE_SEPARATOR.join(byline)}</p>')
        parts.append("</header>")
        return "\n".join(parts)

    def keywords_block(self) -> str:
        keywords = self.context.doc.meta.keywords
        if not keywords:
            return ""
        labels = self.context.labels
        words = self.text(labels.list_separator).join(self.text(k) for k in keywords)
        colon = labels.colon.rstrip(" ")
        label = self.text(labels.keywords + colon)
        space = " " if labels.colon.endswith(" ") else ""
        return f'<footer class="keywords"><p><span class="label">{label}</span>{space}{words}</p></footer>'

    def toc(self, entries: tuple[OutlineEntry, ...], title: str, depth: int) -> str:
        """A nested table of contents of `entries` down to `depth`; "" without entries."""
        def items(level_entries, level) -> str:
            rows = []
            for e in level_entries:
                child = items(e.children, level + 1) if e.children and level < depth else ""
                rows.append(f'<li><a href="{self.text(self.href_for(e.id))}">'
                            f"{self.text(e.text)}</a>{child}</li>")
            return "<ol>" + "".join(rows) + "</ol>"

        if not entries:
            return ""
        return (f'<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">'
                f"{self.text(title)}</h2>{items(entries, 1)}</nav>")


# the blocks whose markup block_stream gives in pieces (rows, items, entries, nested blocks)
BodyRenderer.STREAMS = {
    Table: BodyRenderer.table_pieces, References: BodyRenderer.references_pieces,
    BulletList: BodyRenderer.bullet_list_pieces, OrderedList: BodyRenderer.ordered_list_pieces,
    Quote: BodyRenderer.quote_pieces, Div: BodyRenderer.div_pieces,
    DefinitionList: BodyRenderer.definition_list_pieces, LineBlock: BodyRenderer.line_block_pieces,
}

_END = object()  # what next() gives past the last block, line or item


def _around(opening: str, pieces: Iterable[str], closing: str) -> Iterator[str]:
    """The pieces of f"{opening}\\n{chr(10).join(pieces)}\\n{closing}", the pieces passed on
    as they come (an empty join still leaves its blank line)."""
    yield opening
    empty = True
    for piece in pieces:
        empty = False
        yield piece
    if empty:
        yield ""
    yield closing


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _escaped(text: str) -> str:
    return escape(text, "html")[0]


def _is_number(label: str) -> bool:
    return label.isascii() and label.isdigit()
