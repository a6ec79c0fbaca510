"""IR -> HTML5, and the body markup the EPUB writer shares.

`BodyRenderer` turns blocks into markup (HTML or, with xhtml=True, well-formed XHTML for
EPUB); `theme_css(style)` turns the theme into CSS; `HtmlWriter` wraps both into a
standalone page (or the body only, with options.fragment). Every piece of input text is
escaped, control characters XML cannot hold are dropped with a diagnostic, and only
http(s), mailto and in-document links become live. This module must never import a
heavy library: it is the start-up path of `--to html`.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Callable

from .base import RenderContext, TreeRenderer
from ..errors import Diagnostic
from ..model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph, Heading,
                     LineBreak, Link, ListItem, OrderedList, Paragraph, Quote, Reference,
                     References, Strong, Table, Text, ThematicBreak, walk)
from ..options import WriteOptions
from ..style import Style, css_length_pt
from ..transforms import OutlineEntry, outline
from .semantics import safe_url
from .xmltext import escape as markup_text

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALIGN_CLASS = {"left": "align-left", "center": "align-center", "right": "align-right"}


class _Run:
    """State of one rendering: where references live and what was noticed."""
    __slots__ = ("ref_labels", "href_for", "diagnostics", "dropped_controls", "link_depth")

    def __init__(self, ref_labels: dict[str, str], href_for: Callable[[str], str | None]) -> None:
        self.ref_labels = ref_labels
        self.href_for = href_for
        self.diagnostics: list[Diagnostic] = []
        self.dropped_controls = 0
        self.link_depth = 0  # links cannot nest in HTML: inner links render as their text


class BodyRenderer(TreeRenderer):
    """Blocks -> markup. `xhtml` gives self-closed void elements for EPUB's XHTML.

    `heading_shift` is added to IR heading levels (1 when the page shows the title as h1).
    `href_for(id)` maps an anchor id to a link target: "#id" in one page, "file.xhtml#id"
    across an EPUB's files.
    """

    def __init__(self, xhtml: bool = False, heading_shift: int = 1) -> None:
        self.xhtml = xhtml
        self.heading_shift = heading_shift
        self.br = "<br/>" if xhtml else "<br>"
        self.hr = "<hr/>" if xhtml else "<hr>"

    def new_run(self, doc: Document, href_for: Callable[[str], str] | None = None) -> _Run:
        labels = {n.id: n.label for n in walk(doc, inlines=False) if isinstance(n, Reference)}
        return _Run(labels, href_for or (lambda id_: f"#{id_}"))

    # ------------------------------------------------------------- text
    def text(self, value: str, run: _Run) -> str:
        escaped, dropped = markup_text(value)
        if dropped:
            run.dropped_controls += dropped
        return escaped

    def finish(self, run: _Run) -> list[Diagnostic]:
        if run.dropped_controls:
            run.diagnostics.append(Diagnostic(
                f"dropped {run.dropped_controls} control character(s) that HTML cannot hold"))
        return run.diagnostics

    # ------------------------------------------------------------- blocks
    def blocks(self, blocks, run: _Run, sections: bool = True) -> str:
        """Render blocks; with `sections`, each heading opens a <section> closed by the next
        heading of the same or a higher level."""
        out: list[str] = []
        open_levels: list[int] = []
        for block in blocks:
            if sections and isinstance(block, Heading):
                while open_levels and open_levels[-1] >= block.level:
                    open_levels.pop()
                    out.append("</section>")
                out.append(f'<section class="level{block.level}">')
                open_levels.append(block.level)
            out.append(self.block(block, run))
        out.extend("</section>" for _ in open_levels)
        return "\n".join(out)

    def block(self, node, run: _Run) -> str:
        return self.dispatch[type(node)](self, node, run)

    def block_heading(self, node: Heading, run):
        level = max(1, min(6, node.level + self.heading_shift))
        id_attr = f' id="{self.text(node.id, run)}"' if node.id else ""
        return f"<h{level}{id_attr}>{self.inlines(node.inlines, run)}</h{level}>"

    def block_paragraph(self, node: Paragraph, run):
        return f"<p>{self.inlines(node.inlines, run)}</p>"

    def _item(self, node: ListItem, run) -> str:
        parts = []
        tight = sum(isinstance(b, Paragraph) for b in node.blocks) <= 1
        for b in node.blocks:
            if tight and isinstance(b, Paragraph):
                parts.append(self.inlines(b.inlines, run))
            else:
                parts.append(self.block(b, run))
        return f"<li>{''.join(parts)}</li>"

    def block_bullet_list(self, node: BulletList, run):
        items = "\n".join(self._item(i, run) for i in node.items)
        return f"<ul>\n{items}\n</ul>"

    def block_ordered_list(self, node: OrderedList, run):
        start = f' start="{node.start}"' if node.start != 1 else ""
        items = "\n".join(self._item(i, run) for i in node.items)
        return f"<ol{start}>\n{items}\n</ol>"


    def _cell(self, node: Cell, run, tag: str = "td", align: str = "default") -> str:
        scope = ' scope="col"' if tag == "th" else ""
        cls = f' class="{ALIGN_CLASS[align]}"' if align in ALIGN_CLASS else ""
        return f"<{tag}{scope}{cls}>{self.inlines(node.inlines, run)}</{tag}>"


    def block_table(self, node: Table, run):
        aligns = list(node.aligns) + ["default"] * (len(node.header) - len(node.aligns))
        id_attr = f' id="{self.text(node.id, run)}"' if node.id else ""
        caption = self.caption(node, run)
        head = "".join(self._cell(c, run, "th", aligns[i]) for i, c in enumerate(node.header))
        body = "\n".join(
            "<tr>" + "".join(self._cell(c, run, "td", aligns[i] if i < len(aligns) else "default")
                             for i, c in enumerate(row)) + "</tr>"
            for row in node.rows)
        tbody = f"<tbody>\n{body}\n</tbody>\n" if node.rows else ""
        return (f'<div class="table-wrap"><table{id_attr}>\n{caption}'
                f"<thead><tr>{head}</tr></thead>\n{tbody}</table></div>")

    def caption(self, node: Table, run) -> str:
        if not (node.label or node.caption):
            return ""
        label = self.text(node.label, run)
        text = self.inlines(node.caption, run)
        if label and text:
            return f'<caption><span class="table-label">{label}:</span> {text}</caption>\n'
        return f'<caption><span class="table-label">{label}</span>{text}</caption>\n'

    def block_quote(self, node: Quote, run):
        return f"<blockquote>\n{self.blocks(node.blocks, run, sections=False)}\n</blockquote>"

    def block_code_block(self, node: CodeBlock, run):
        lang = f' class="language-{self.text(node.language, run)}"' if node.language else ""
        return f"<pre><code{lang}>{self.text(node.text, run)}</code></pre>"

    def block_thematic_break(self, node: ThematicBreak, run):
        return self.hr

    def _reference(self, node: Reference, run):
        value = f' value="{node.label}"' if node.label.isdigit() else ""
        id_attr = f' id="{self.text(node.id, run)}"' if node.id else ""
        body = self.inlines(node.inlines, run)
        url = safe_url(node.url) if node.url else None
        if url and not url.startswith("#") and not any(isinstance(n, Link) for n in walk(node)):
            body += f' <a class="reference-url" href="{self.text(url, run)}">{self.text(url, run)}</a>'
        return f"<li{id_attr}{value}>{body}</li>"

    def block_references(self, node: References, run):
        numeric = all(e.label.isdigit() for e in node.entries)
        cls = "references" if numeric else "references unlabelled"
        items = "\n".join(self._reference(e, run) for e in node.entries)
        return f'<ol class="{cls}">\n{items}\n</ol>'


    # ------------------------------------------------------------- inlines
    def inlines(self, nodes, run: _Run) -> str:
        return "".join(self.dispatch[type(n)](self, n, run) for n in nodes)

    def inline_text(self, node: Text, run):
        return self.text(node.text, run)

    def inline_emph(self, node: Emph, run):
        return f"<em>{self.inlines(node.inlines, run)}</em>"

    def inline_strong(self, node: Strong, run):
        return f"<strong>{self.inlines(node.inlines, run)}</strong>"

    def inline_code(self, node: Code, run):
        return f"<code>{self.text(node.text, run)}</code>"

    def inline_link(self, node: Link, run):
        url = safe_url(node.url)
        run.link_depth += 1
        inner = self.inlines(node.inlines, run)
        run.link_depth -= 1
        if url is None or run.link_depth:
            return f'<span class="link">{inner}</span>'
        if url.startswith("#"):
            url = run.href_for(url[1:])  # None: the anchor does not exist in this book
        if url is None:
            return f'<span class="link">{inner}</span>'
        return f'<a href="{self.text(url, run)}">{inner}</a>'

    def inline_citation_ref(self, node: CitationRef, run):
        label = self.text(run.ref_labels.get(node.ref_id, node.ref_id.removeprefix("ref-")), run)
        href = None if run.link_depth else run.href_for(node.ref_id)
        if href is None:
            return f'<span class="citation">[{label}]</span>'
        return f'<a class="citation" href="{self.text(href, run)}">[{label}]</a>'

    def inline_line_break(self, node: LineBreak, run):
        return self.br


    # ------------------------------------------------------------- page parts
    def title_block(self, doc: Document, run: _Run) -> str:
        m = doc.meta
        if not (m.title or m.subtitle or m.authors or m.date):
            return ""
        parts = ['<header class="title-block">']
        if m.title:
            parts.append(f'<h1 class="title">{self.text(m.title, run)}</h1>')
        if m.subtitle:
            parts.append(f'<p class="subtitle">{self.text(m.subtitle, run)}</p>')
        byline = [self.text(", ".join(m.authors), run)] if m.authors else []
        if m.date:
            date = self.text(m.date, run)
            # <time> needs a machine-readable date; anything else is shown as plain text.
            byline.append(f'<time datetime="{date}">{date}</time>' if _ISO_DATE.match(m.date)
                          else f'<span class="date">{date}</span>')
        if byline:
            parts.append(f'<p class="byline">{" · ".join(byline)}</p>')
        parts.append("</header>")
        return "\n".join(parts)

    def keywords_block(self, doc: Document, style: Style, run: _Run) -> str:
        if not doc.meta.keywords:
            return ""
        words = ", ".join(self.text(k, run) for k in doc.meta.keywords)
        label = self.text(style.text.keywords_label, run)
        return f'<footer class="keywords"><p><span class="label">{label}:</span> {words}</p></footer>'

    def toc(self, entries: tuple[OutlineEntry, ...], title: str, run: _Run, depth: int) -> str:
        def items(level_entries, level) -> str:
            rows = []
            for e in level_entries:
                child = items(e.children, level + 1) if e.children and level < depth else ""
                rows.append(f'<li><a href="{self.text(run.href_for(e.id), run)}">'
                            f"{self.text(e.text, run)}</a>{child}</li>")
            return "<ol>" + "".join(rows) + "</ol>"

        if not entries:
            return ""
        return (f'<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">'
                f"{self.text(title, run)}</h2>{items(entries, 1)}</nav>")


def theme_css(style: Style, for_epub: bool = False) -> str:
    """The theme as CSS: shared by the HTML page and the EPUB stylesheet."""
    f, c, s, t = style.fonts, style.colors, style.spacing, style.table
    sizes = list(f.heading_sizes) + [f.size] * (6 - len(f.heading_sizes))
    heading_rules = "\n".join(
        f"h{lvl + 2} {{ font-size: {sizes[lvl] / f.size:.3g}em; }}" for lvl in range(5))
    justify = "justify" if style.text.align == "justify" else "left"
    hyphens = "auto" if style.text.hyphenate else "manual"
    width = "" if for_epub else "max-width: 42em; margin: 0 auto; padding: 2em 1.25em 4em;"
    zebra = (f"tbody tr:nth-child(even) td {{ background: {t.zebra_fill}; }}" if t.zebra else "")
    page_w, page_h = style.page_size_mm
    print_css = "" if for_epub else f"""
@page {{ size: {page_w:g}mm {page_h:g}mm; margin: {style.page.margin_top:g}mm {style.page.margin_right:g}mm {style.page.margin_bottom:g}mm {style.page.margin_left:g}mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: {css_length_pt(f.size)}; }}
  a {{ color: inherit; text-decoration: none; }}
  .references a[href^="http"]::after {{ content: " <" attr(href) ">"; font-size: 0.85em; word-break: break-all; }}
  h1, h2, h3, h4, h5, h6 {{ break-after: avoid; page-break-after: avoid; }}
  table, figure, pre, blockquote {{ break-inside: auto; }}
  tr, li {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .table-wrap {{ overflow: visible; }}
  p {{ orphans: 2; widows: 2; }}
}}"""
    return f"""html {{ color: {c.text}; background: {c.background}; }}
body {{ font-family: {f.css_body}; font-size: {f.size / 11 * 100:.4g}%; line-height: {f.line_height:g}; {width} text-align: {justify}; hyphens: {hyphens}; -webkit-hyphens: {hyphens}; overflow-wrap: break-word; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {f.css_heading}; color: {c.heading}; line-height: 1.25; margin: {css_length_pt(s.heading_before)} 0 {css_length_pt(s.heading_after)}; text-align: left; hyphens: manual; }}
h1.title {{ font-size: {f.title_size / f.size:.3g}em; margin-top: 0; }}
{heading_rules}
p {{ margin: 0 0 {css_length_pt(s.paragraph)}; text-indent: {css_length_pt(s.first_line_indent)}; }}
.title-block {{ margin-bottom: 2em; border-bottom: 1px solid {c.rule}; padding-bottom: 1em; }}
.subtitle {{ font-size: 1.2em; color: {c.muted}; margin-top: -0.25em; }}
.byline {{ color: {c.muted}; font-size: 0.95em; }}
a {{ color: {c.link}; }}
a.citation {{ text-decoration: none; font-size: 0.9em; }}
ul, ol {{ padding-left: {css_length_pt(s.list_indent)}; margin: 0 0 {css_length_pt(s.paragraph)}; }}
li {{ margin: 0.2em 0; }}
li > ul, li > ol {{ margin-bottom: 0; }}
blockquote {{ margin: 1em 0; padding: 0 1em; border-left: 3px solid {c.rule}; color: {c.muted}; }}
pre, code {{ font-family: {f.css_mono}; font-size: 0.9em; }}
pre {{ background: #f6f7f9; padding: 0.75em 1em; overflow-x: auto; white-space: pre-wrap; text-align: left; }}
hr {{ border: 0; border-top: 1px solid {c.rule}; margin: 2em 0; }}
.table-wrap {{ overflow-x: auto; margin: 1em 0 1.25em; }}
table {{ border-collapse: collapse; width: 100%; font-size: {t.font_scale:g}em; text-align: left; hyphens: auto; }}
caption {{ caption-side: top; text-align: left; font-family: {f.css_heading}; font-weight: bold; padding-bottom: 0.4em; color: {c.heading}; }}
th, td {{ border: {css_length_pt(t.border_width)} solid {t.border_color}; padding: 0.35em 0.6em; vertical-align: top; }}
th {{ background: {t.header_fill}; font-weight: {"bold" if t.header_bold else "normal"}; }}
{zebra}
.align-left {{ text-align: left; }} .align-center {{ text-align: center; }} .align-right {{ text-align: right; }}
ol.references {{ padding-left: 2.2em; font-size: 0.95em; }}
ol.references.unlabelled {{ list-style: none; padding-left: 0; }}
ol.references li {{ margin: 0.35em 0; overflow-wrap: anywhere; }}
.keywords {{ margin-top: 2.5em; border-top: 1px solid {c.rule}; padding-top: 0.75em; color: {c.muted}; font-size: 0.95em; }}
.keywords .label {{ font-weight: bold; }}
nav.toc {{ margin: 0 0 2em; }}
nav.toc ol {{ list-style: none; padding-left: 1.2em; margin: 0; }}
nav.toc > ol {{ padding-left: 0; }}{print_css}
"""


class HtmlWriter:
    renderer = BodyRenderer

    def __init__(self) -> None:
        self.body = BodyRenderer(xhtml=False, heading_shift=1)

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        doc, style, options = context.doc, context.style, context.options
        r = self.body
        run = r.new_run(doc)
        want_toc = options.toc if options.toc is not None else style.toc.enabled
        parts = [r.title_block(doc, run)]
        if want_toc:
            parts.append(r.toc(outline(doc, style.toc.depth), style.toc.title, run, style.toc.depth))
        parts.append(r.blocks(doc.blocks, run))
        parts.append(r.keywords_block(doc, style, run))
        body = "\n".join(p for p in parts if p)
        if options.fragment:
            html = body + "\n"
        else:
            html = self.page(doc, style, body, run)
        out.write(html.encode("utf-8"))
        return r.finish(run)

    def page(self, doc: Document, style: Style, body: str, run: _Run) -> str:
        r = self.body
        m = doc.meta
        lang = r.text(m.language or style.text.language, run)
        head = ['<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{r.text(m.title, run).strip() or 'Untitled'}</title>",
                '<meta name="generator" content="docforge">']
        if m.authors:
            head.append(f'<meta name="author" content="{r.text(", ".join(m.authors), run)}">')
        if m.subtitle:
            head.append(f'<meta name="description" content="{r.text(m.subtitle, run)}">')
        if m.keywords:
            head.append(f'<meta name="keywords" content="{r.text(", ".join(m.keywords), run)}">')
        if m.date:
            head.append(f'<meta name="dcterms.date" content="{r.text(m.date, run)}">')
        head.append(f"<style>\n{theme_css(style)}</style>")
        head_html = "\n".join(head)
        return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{head_html}\n</head>\n'
                f"<body>\n<article>\n{body}\n</article>\n</body>\n</html>\n")


writer = HtmlWriter()
