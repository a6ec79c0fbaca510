"""Blocks and inlines -> HTML body markup, shared by the HTML page and the EPUB's XHTML files.

`BodyRenderer` walks the prepared IR of one RenderContext; with `xhtml=True` it writes
the well-formed XHTML flavour EPUB needs (self-closed void elements). Everything the
formats must agree on — citation labels, which reference URL is shown, the byline, the
caption lead, the outline — it reads from the context and writers/semantics.py, never
decides itself. Every piece of input text goes through `xmltext.escape(text, "html")`;
the characters HTML cannot hold are counted once in the context's diagnostics. Only
http(s), mailto and in-document links become live. This module must never import a heavy
library (it is the start-up path of `--to html`) nor know which file it ends up in
beyond the `href_for` it is given.
"""
from __future__ import annotations

from typing import Callable

from ...model import (BulletList, Cell, CitationRef, Code, CodeBlock, Emph, Heading, LineBreak,
                      Link, ListItem, OrderedList, Paragraph, Quote, Reference, References, Strong,
                      Table, Text, ThematicBreak)
from ...transforms import OutlineEntry
from ..base import RenderContext, TreeRenderer
from ..semantics import BYLINE_SEPARATOR, caption_lead, is_iso_date, safe_url, shown_reference_url
from ..xmltext import escape

ALIGN_CLASS = {"left": "align-left", "center": "align-center", "right": "align-right"}


def same_page_href(anchor_id: str) -> str:
    """Where a link to `anchor_id` points when the whole document is one page."""
    return f"#{anchor_id}"


class BodyRenderer(TreeRenderer):
    """One rendering of `context.doc` (a renderer is made per write: it holds what is
    really per render — the href mapping and how deep inside a link it is).

    `heading_shift` is added to IR heading levels (1 when the page shows the title as h1).
    `href_for(id)` maps an anchor id to a link target, or None when the anchor is not in
    the output: "#id" in one page, "file.xhtml#id" across an EPUB's files.
    """

    def __init__(self, context: RenderContext, xhtml: bool = False, heading_shift: int = 1,
                 href_for: Callable[[str], str | None] = same_page_href) -> None:
        self.context = context
        self.heading_shift = heading_shift
        self.href_for = href_for
        self.link_depth = 0  # links cannot nest in HTML: inner links render as their text
        self.format_name = "EPUB (XHTML)" if xhtml else "HTML"  # in the dropped-characters message
        self.br = "<br/>" if xhtml else "<br>"
        self.hr = "<hr/>" if xhtml else "<hr>"

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
        out: list[str] = []
        open_levels: list[int] = []
        dispatch = self.dispatch
        for block in blocks:
            if sections and type(block) is Heading:
                while open_levels and open_levels[-1] >= block.level:
                    open_levels.pop()
                    out.append("</section>")
                out.append(f'<section class="level{block.level}">')
                open_levels.append(block.level)
            out.append(dispatch[type(block)](self, block))
        out.extend("</section>" for _ in open_levels)
        return "\n".join(out)

    def block_heading(self, node: Heading) -> str:
        level = max(1, min(6, node.level + self.heading_shift))
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        return f"<h{level}{id_attr}>{self.inlines(node.inlines)}</h{level}>"

    def block_paragraph(self, node: Paragraph) -> str:
        return f"<p>{self.inlines(node.inlines)}</p>"

    def _item(self, node: ListItem) -> str:
        # a tight item (at most one paragraph) shows its paragraph's text without <p>
        tight = sum(type(b) is Paragraph for b in node.blocks) <= 1
        parts = [self.inlines(b.inlines) if tight and type(b) is Paragraph else self.render(b)
                 for b in node.blocks]
        return f"<li>{''.join(parts)}</li>"

    def block_bullet_list(self, node: BulletList) -> str:
        items = "\n".join(self._item(i) for i in node.items)
        return f"<ul>\n{items}\n</ul>"

    def block_ordered_list(self, node: OrderedList) -> str:
        start = f' start="{node.start}"' if node.start != 1 else ""
        items = "\n".join(self._item(i) for i in node.items)
        return f"<ol{start}>\n{items}\n</ol>"

    def _cell(self, node: Cell, tag: str, align: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        cls = f' class="{ALIGN_CLASS[align]}"' if align in ALIGN_CLASS else ""
        return f"<{tag}{scope}{cls}>{self.inlines(node.inlines)}</{tag}>"

    def block_table(self, node: Table) -> str:
        aligns = list(node.aligns) + ["default"] * (len(node.header) - len(node.aligns))
        id_attr = f' id="{self.text(node.id)}"' if node.id else ""
        head = "".join(self._cell(c, "th", aligns[i]) for i, c in enumerate(node.header))
        body = "\n".join(
            "<tr>" + "".join(self._cell(c, "td", aligns[i] if i < len(aligns) else "default")
                             for i, c in enumerate(row)) + "</tr>"
            for row in node.rows)
        tbody = f"<tbody>\n{body}\n</tbody>\n" if node.rows else ""
        return (f'<div class="table-wrap"><table{id_attr}>\n{self._caption(node)}'
                f"<thead><tr>{head}</tr></thead>\n{tbody}</table></div>")

    def _caption(self, node: Table) -> str:
        if not (node.label or node.caption):
            return ""
        lead = caption_lead(node)
        # "Table 1: " — the label and its colon are the span, the space separates the text
        label, space = (lead[:-1], " ") if node.caption and lead.endswith(": ") else (lead, "")
        return (f'<caption><span class="table-label">{self.text(label)}</span>{space}'
                f"{self.inlines(node.caption)}</caption>\n")

    def block_quote(self, node: Quote) -> str:
        return f"<blockquote>\n{self.blocks(node.blocks, sections=False)}\n</blockquote>"

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
        return f"<li{id_attr}{value}>{body}</li>"

    def block_references(self, node: References) -> str:
        numeric = all(e.label.isdigit() for e in node.entries)
        cls = "references" if numeric else "references unlabelled"
        items = "\n".join(self._reference(e) for e in node.entries)
        return f'<ol class="{cls}">\n{items}\n</ol>'

    # ------------------------------------------------------------- inlines
    def inlines(self, nodes) -> str:
        dispatch = self.dispatch
        return "".join(dispatch[type(n)](self, n) for n in nodes)

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
        if url is None or self.link_depth:
            return f'<span class="link">{inner}</span>'
        return f'<a href="{self.text(url)}">{inner}</a>'

    def inline_citation_ref(self, node: CitationRef) -> str:
        label = self.text(self.context.citation_label(node.ref_id))
        href = None if self.link_depth else self.href_for(node.ref_id)
        if href is None:
            return f'<span class="citation">[{label}]</span>'
        return f'<a class="citation" href="{self.text(href)}">[{label}]</a>'

    def inline_line_break(self, node: LineBreak) -> str:
        return self.br

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
            byline[-1] = (f'<time datetime="{date}">{date}</time>' if is_iso_date(meta.date)
                          else f'<span class="date">{date}</span>')
        if byline:
            parts.append(f'<p class="byline">{BYLINE_SEPARATOR.join(byline)}</p>')
        parts.append("</header>")
        return "\n".join(parts)

    def keywords_block(self) -> str:
        keywords = self.context.doc.meta.keywords
        if not keywords:
            return ""
        words = ", ".join(self.text(k) for k in keywords)
        label = self.text(self.context.style.text.keywords_label)
        return f'<footer class="keywords"><p><span class="label">{label}:</span> {words}</p></footer>'

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
