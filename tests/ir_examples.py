"""Hand-built IR documents for writer tests: every node type, CJK text, hostile text."""
from pathlib import Path

from docforge.model import (BulletList, Cell, CitationRef, Code, CodeBlock, DefinitionItem,
                            DefinitionList, Div, Document, Emph, Figure, Heading, Image, LineBlock,
                            LineBreak, Link, ListItem, Math, Meta, Note, OrderedList, Paragraph,
                            Quote, RawBlock, RawInline, Reference, References, SmallCaps, Span,
                            Strikeout, Strong, Subscript, Superscript, Table, Text, ThematicBreak,
                            Underline)

IMAGES = Path(__file__).parent / "data" / "images"  # chart.png 240x120, photo.jpg 64x96, diagram.svg


def T(s):
    return (Text(s),)


def item(s, *nested):
    return ListItem((Paragraph(T(s)),) + tuple(nested))


def rich_document() -> Document:
    """One of every node type, the way the text reader produces them."""
    return Document(
        Meta(title="The Rich Sample: Every Node <Type> & More", subtitle="A dek line",
             authors=("Jane Example", "Li Wei"), date="2026-11-28", language="en",
             keywords=("testing", "docforge", "IR"), source="rich.txt"),
        (
            Heading(1, T("Introduction")),
            Paragraph((Text("Plain text with "), Emph(T("emphasis")), Text(", "),
                       Strong(T("strong")), Text(", "), Code("code()"), Text(", a "),
                       Link(T("link"), "https://example.org/a?b=1&c=2"),
                       Text(" and a citation"), CitationRef("ref-1"), Text("."),
                       LineBreak(), Text("After a line break <b>not bold</b> & so on."))),
            Heading(2, T("Lists")),
            BulletList((item("First bullet", BulletList((item("Nested bullet"),))),
                        item("Second bullet"))),
            OrderedList((item("Step one"), item("Step two", OrderedList((item("Sub-step"),))))),
            OrderedList((item("Again one"), item("Again two"))),
            OrderedList((item("Starts at three"),), start=3),
            Heading(2, T("A table")),
            Table((Cell(T("Aspect")), Cell(T("China")), Cell(T("United States"))),
                  ((Cell(T("Chips")), Cell(T("Self-reliance")), Cell(T("High-end"))),
                   (Cell(T("Models")), Cell(T("DeepSeek | ERNIE")), Cell(()))),
                  ("left", "center", "right"), T("Comparison")),
            Quote((Paragraph(T("A quoted paragraph.")),)),
            CodeBlock("print('<hello>')\n  indented", "python"),
            ThematicBreak(),
            Heading(1, T("中文部分")),
            Paragraph(T("人工智能自给自足是中国的战略目标。")),
            Heading(1, T("References")),
            References((
                Reference("ref-1", "1", T("South China Morning Post. “AI self-reliance.” "),
                          "https://www.scmp.com/x"),
                Reference("ref-2", "2", T("Business Standard. “DeepSeek.” Link")),
            )),
        ),
    )


def pandoc_document() -> Document:
    """One of every node the pandoc bridge brings (footnotes, figures and images, definition
    lists, line blocks, divs and spans with a language, the inline styles, math, raw
    markup), as readers/pandoc_json.py produces them. Image urls are relative to IMAGES:
    write with WriteOptions(resource_path=(str(IMAGES),)). "missing.png" does not exist."""
    return Document(
        Meta(title="Every Pandoc Node", authors=("Ada Example",), date="2026-12-01", language="en"),
        (
            Heading(1, T("Notes and styles")),
            Paragraph((Text("A claim"), Note((Paragraph(T("The first note, with a ")
                                                         + (Link(T("link"), "https://example.org/n"),)
                                                         + T(".")),)),
                       Text(" and another"),
                       Note((Paragraph(T("Second note, first paragraph.")),
                             Paragraph(T("Second note, second paragraph.")))),
                       Text(". Styles: "), Strikeout(T("struck")), Text(", x"), Superscript(T("2")),
                       Text(", H"), Subscript(T("2")), Text("O, "), SmallCaps(T("Small Caps")),
                       Text(", "), Underline(T("underlined")), Text(", "),
                       Span(T("bonjour tout le monde"), lang="fr"), Text(", math "),
                       Math("E = mc^2"), Text(", raw "), RawInline("html", "<kbd>Ctrl</kbd>"),
                       Text(" and "), RawInline("tex", "\\LaTeX{}"), Text(" end."))),
            Paragraph((Text("Display math:"), Math("\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}", display=True))),
            Heading(1, T("Figures")),
            Figure((Paragraph((Image(T("A bar chart of sales"), "chart.png", "Sales"),)),),
                   T("Sales by year")),
            Paragraph((Text("An inline photo "), Image(T("a green photo"), "photo.jpg"),
                       Text(" and a vector "), Image(T("a diagram"), "diagram.svg"),
                       Text(" and a missing "), Image(T("lost picture"), "missing.png"), Text("."))),
            Figure((Paragraph((Image(T("Uncaptioned chart"), "chart.png"),)),)),
            Heading(1, T("Other blocks")),
            DefinitionList((
                DefinitionItem(T("Term one"), ((Paragraph(T("Definition of term one.")),),)),
                DefinitionItem(T("Term two"), ((Paragraph(T("First definition.")),),
                                               (Paragraph(T("Second definition.")),))),
            )),
            LineBlock((T("The first line of verse"), T("   indented second line"), T("third line"))),
            Div((Paragraph(T("Ein Absatz auf Deutsch.")),), id="german", classes=("note",), lang="de"),
            Div((Paragraph(T("Plain div content.")),), classes=("warning",)),
            RawBlock("html", "<div class=\"raw\">raw html block</div>"),
            RawBlock("latex", "\\begin{center}raw latex block\\end{center}"),
            Paragraph((Text("See the source"), CitationRef("ref-1"), Text("."))),
            Heading(1, T("References")),
            References((Reference("ref-1", "1", T("Example, A. A cited work."), "https://example.org/w"),)),
        ),
    )
