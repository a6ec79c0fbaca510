"""Read binary outputs back through pandoc and reduce them to comparable text units."""
import json
import re

from docforge.model import Heading, ListItem, Paragraph, Reference, Table, plain_text, walk
from conftest import run_pandoc


def _text(inlines) -> str:
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            out.append(_text(c))
        elif t in ("Link", "Image", "Span"):
            out.append(_text(c[1]))
        elif t == "Quoted":
            out.append(_text(c[1]))
        elif t == "Code":
            out.append(c[1])
    return "".join(out)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).split()).casefold()


def units(ast: dict) -> dict[str, list[str]]:
    """Headings, paragraphs, list items (flattened), table cells and every text of a pandoc AST."""
    found = {"headings": [], "paras": [], "items": [], "cells": []}

    def blocks(bs, in_item=False):
        for b in bs:
            t, c = b["t"], b.get("c")
            if t == "Header":
                found["headings"].append(norm(_text(c[2])))
            elif t in ("Para", "Plain"):
                found["items" if in_item else "paras"].append(norm(_text(c)))
            elif t in ("BulletList", "OrderedList"):
                for item in (c if t == "BulletList" else c[1]):
                    blocks(item, True)
            elif t in ("Div", "BlockQuote"):
                blocks(c[1] if t == "Div" else c, in_item)
            elif t == "Table":
                head, bodies = c[3], c[4]
                rows = head[1] + [r for body in bodies for r in body[2] + body[3]]
                for row in rows:
                    for cell in row[1]:
                        found["cells"].append(norm(" ".join(_text(x["c"]) for x in cell[4]
                                                            if x["t"] in ("Plain", "Para"))))
            elif t == "Figure":
                blocks(c[2], in_item)
    blocks(ast["blocks"])
    return found


def read_back(pandoc: str, data: bytes, fmt: str) -> dict[str, list[str]]:
    return units(json.loads(run_pandoc(pandoc, ["-f", fmt, "-t", "json"], data)))


def expected(doc) -> dict[str, list[str]]:
    """The same units from the IR (after prepare)."""
    cells = [norm(plain_text(c)) for n in walk(doc) if isinstance(n, Table)
             for row in (n.header,) + n.rows for c in row]
    return {"headings": [norm(plain_text(n)) for n in walk(doc) if isinstance(n, Heading)],
            "cells": cells,
            "references": [norm(plain_text(n)) for n in walk(doc) if isinstance(n, Reference)],
            "items": [norm(plain_text(n.blocks[0])) for n in walk(doc) if isinstance(n, ListItem)
                      and n.blocks and isinstance(n.blocks[0], Paragraph)]}
