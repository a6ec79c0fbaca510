"""Hand-built IR documents for writer tests: every node type, CJK text, hostile text."""
from docforge.model import (BulletList, Cell, CitationRef, Code, CodeBlock, Document, Emph,
                            Heading, LineBreak, Link, ListItem, Meta, OrderedList, Paragraph,
                            Quote, Reference, References, Strong, Table, Text, ThematicBreak)


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
