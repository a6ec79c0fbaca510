"""The theme as CSS, for the HTML page and the EPUB stylesheet.

`theme_css(style)` turns a validated theme (styles/*.toml) into one stylesheet; with
`for_epub` it leaves out what a reading system decides itself (page width, print rules).
Text aligns to the `start` side, and `[dir="rtl"]` rules mirror the indents and rules
(the Nu checker's CSS validator knows no logical properties), so a page whose language is
written right to left mirrors the layout. It must never look at a
document: the same theme gives the same CSS.
"""
from __future__ import annotations

from ...style import PAGE_SIZES_MM, Style, css_length_pt


def theme_css(style: Style, for_epub: bool = False, paper: str | None = None) -> str:
    """The theme as CSS: shared by the HTML page and the EPUB stylesheet."""
    f, c, s, t = style.fonts, style.colors, style.spacing, style.table
    sizes = list(f.heading_sizes) + [f.size] * (6 - len(f.heading_sizes))
    # the HTML page shows the title as h1 and section level N as hN+1; an EPUB file shows
    # section level N as hN, with the title h1.title: in both every level gets its theme
    # size, so no section heading is set larger than the title
    shift = 1 if for_epub else 2
    heading_rules = "\n".join(
        f"h{lvl + shift} {{ font-size: {sizes[lvl] / f.size:.3g}em; }}" for lvl in range(7 - shift))
    # justified text without hyphenation opens rivers of space between words (WCAG 1.4.8):
    # a theme that justifies without hyphenating is set ragged
    justified = style.text.align == "justify" and style.text.hyphenate
    # A page is justified only past a phone's width: in a column of a few words a browser
    # without a hyphenation dictionary for the language (Chromium on Linux) leaves holes
    justify = "justify" if justified and for_epub else "start"
    wide_justify = ("\n@media screen and (min-width: 36em) { body { text-align: justify; } }"
                    if justified and not for_epub else "")
    hyphens = "auto" if style.text.hyphenate else "manual"
    width = "" if for_epub else "max-width: 42em; margin: 0 auto; padding: 2em 1.25em 4em;"
    zebra = (f"tbody tr:nth-child(even) td {{ background: {t.zebra_fill}; }}" if t.zebra else "")
    page_w, page_h = PAGE_SIZES_MM[paper] if paper else style.page_size_mm  # --paper prints on that paper
    # the EPUB's cover page: the image alone, as large as the screen allows
    epub_css = "\n.cover { margin: 0; text-align: center; }\n.cover img { max-width: 100%; max-height: 100vh; }" if for_epub else ""
    print_css = epub_css if for_epub else f"""
@page {{ size: {page_w:g}mm {page_h:g}mm; margin: {style.page.margin_top:g}mm {style.page.margin_right:g}mm {style.page.margin_bottom:g}mm {style.page.margin_left:g}mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: {css_length_pt(f.size)};{" text-align: justify;" if justified else ""} }}
  a {{ color: inherit; text-decoration: none; }}
  .references a[href^="http"]::after {{ content: " <" attr(href) ">"; font-size: 0.85em; word-break: break-all; }}
  h1, h2, h3, h4, h5, h6 {{ break-after: avoid; page-break-after: avoid; }}
  table, figure, pre, blockquote {{ break-inside: auto; }}
  tr, li {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .table-wrap {{ overflow: visible; }}
  p {{ orphans: 2; widows: 2; }}
}}"""
    # citations and note back-links are told from the text by a dotted underline, not by
    # colour alone (WCAG 1.4.1, axe's link-in-text-block)
    return f"""html {{ color: {c.text}; background: {c.background}; }}
body {{ font-family: {f.css_body}; font-size: {f.size / 11 * 100:.4g}%; line-height: {f.line_height:g}; {width} text-align: {justify}; hyphens: {hyphens}; -webkit-hyphens: {hyphens}; overflow-wrap: break-word; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {f.css_heading}; color: {c.heading}; line-height: 1.25; margin: {css_length_pt(s.heading_before)} 0 {css_length_pt(s.heading_after)}; text-align: start; hyphens: manual; }}
h1.title {{ font-size: {f.title_size / f.size:.3g}em; margin-top: 0; }}
{heading_rules}
p {{ margin: 0 0 {css_length_pt(s.paragraph)}; text-indent: {css_length_pt(s.first_line_indent)}; }}
.title-block {{ margin-bottom: 2em; border-bottom: 1px solid {c.rule}; padding-bottom: 1em; }}
.subtitle {{ font-size: 1.2em; color: {c.muted}; margin-top: -0.25em; text-align: start; hyphens: manual; }}
.byline {{ color: {c.muted}; font-size: 0.95em; text-align: start; }}
a {{ color: {c.link}; }}
a.citation {{ text-decoration: underline dotted; font-size: 0.9em; }}
ul, ol {{ padding-left: {css_length_pt(s.list_indent)}; margin: 0 0 {css_length_pt(s.paragraph)}; }}
li {{ margin: 0.2em 0; }}
li > ul, li > ol {{ margin-bottom: 0; }}
blockquote {{ margin: 1em 0; padding: 0 1em; border-left: 3px solid {c.rule}; color: {c.muted}; }}
pre, code {{ font-family: {f.css_mono}; font-size: 0.9em; }}
pre {{ background: #f6f7f9; padding: 0.75em 1em; overflow-x: auto; white-space: pre-wrap; text-align: start; }}
hr {{ border: 0; border-top: 1px solid {c.rule}; margin: 2em 0; }}
.table-wrap {{ overflow-x: auto; margin: 1em 0 1.25em; }}
table {{ border-collapse: collapse; width: 100%; font-size: {t.font_scale:g}em; text-align: start; hyphens: auto; }}
caption {{ caption-side: top; text-align: start; font-family: {f.css_heading}; font-weight: bold; padding-bottom: 0.4em; color: {c.heading}; }}
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
nav.toc > ol {{ padding-left: 0; }}
img {{ max-width: 100%; height: auto; }}
figure {{ margin: 1.25em 0; text-align: center; }}
figure p, .footnotes p, dd p, .line-block {{ text-indent: 0; }}
figcaption {{ margin-top: 0.4em; font-size: 0.95em; color: {c.muted}; text-align: center; }}
.figure-label {{ font-weight: bold; color: {c.heading}; }}
.image-alt {{ font-style: italic; color: {c.muted}; }}
dt {{ font-weight: bold; }}
dd {{ margin: 0 0 0.5em {css_length_pt(s.list_indent)}; }}
.line-block {{ margin: 0 0 {css_length_pt(s.paragraph)}; text-align: start; }}
[dir="rtl"] ul, [dir="rtl"] ol {{ padding-left: 0; padding-right: {css_length_pt(s.list_indent)}; }}
[dir="rtl"] ol.references {{ padding-left: 0; padding-right: 2.2em; }}
[dir="rtl"] nav.toc ol {{ padding-left: 0; padding-right: 1.2em; }}
[dir="rtl"] ol.references.unlabelled, [dir="rtl"] nav.toc > ol {{ padding-right: 0; }}
[dir="rtl"] blockquote {{ border-left: 0; border-right: 3px solid {c.rule}; }}
[dir="rtl"] dd {{ margin: 0 {css_length_pt(s.list_indent)} 0.5em 0; }}
.smallcaps {{ font-variant: small-caps; }}
.math.display {{ display: block; margin: 0.5em 0; text-align: center; }}
math {{ font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", "DejaVu Math TeX Gyre", "Noto Sans Math", math; }}
math[display="block"] {{ margin: 0.5em 0; }}
a.footnote-ref {{ text-decoration: none; }}
sup, sub {{ line-height: 0; }}
.footnotes {{ margin-top: 2.5em; font-size: 0.9em; }}
.footnotes hr {{ margin: 0 0 1em; width: 30%; }}
a.footnote-back {{ text-decoration: underline dotted; }}
aside.footnote {{ margin: 0.5em 0; }}{wide_justify}{print_css}
"""
