"""A plain-text outline of a Document: the expected-output format of reader fixtures."""
from docforge.model import (BulletList, CodeBlock, Heading, ListItem, OrderedList, Paragraph, Quote,
                            References, Table, plain_text)


def outline_of(doc) -> str:
    m = doc.meta
    lines = [f"TITLE {m.title}"]
    for key in ("subtitle", "date", "language"):
        if getattr(m, key):
            lines.append(f"{key.upper()} {getattr(m, key)}")
    if m.authors:
        lines.append("AUTHORS " + " ; ".join(m.authors))
    if m.keywords:
        lines.append("KEYWORDS " + " ; ".join(m.keywords))
    for block in doc.blocks:
        lines.extend(_block(block, ""))
    return "\n".join(lines) + "\n"


def _block(block, indent: str) -> list[str]:
    if isinstance(block, Heading):
        return [f"{indent}H{block.level} {plain_text(block)}"]
    if isinstance(block, Paragraph):
        return [f"{indent}P {plain_text(block)}"]
    if isinstance(block, (BulletList, OrderedList)):
        head = "UL" if isinstance(block, BulletList) else f"OL start={block.start}"
        out = [f"{indent}{head}"]
        for item in block.items:
            out.extend(_item(item, indent + "  "))
        return out
    if isinstance(block, Table):
        out = [f"{indent}TABLE {len(block.header)}x{1 + len(block.rows)} aligns={','.join(block.aligns)}"]
        for row in (block.header,) + block.rows:
            out.append(indent + "  | " + " | ".join(plain_text(c) for c in row) + " |")
        return out
    if isinstance(block, References):
        out = [f"{indent}REFS"]
        for e in block.entries:
            out.append(f"{indent}  [{e.label}] {plain_text(e)}" + (f" <{e.url}>" if e.url else ""))
        return out
    if isinstance(block, Quote):
        return [f"{indent}QUOTE"] + [l for b in block.blocks for l in _block(b, indent + "  ")]
    if isinstance(block, CodeBlock):
        return [f"{indent}CODE {block.language}"] + [f"{indent}  {l}" for l in block.text.split("\n")]
    return [f"{indent}{type(block).__name__}"]


def _item(item: ListItem, indent: str) -> list[str]:
    out = []
    for i, b in enumerate(item.blocks):
        lines = _block(b, indent)
        if i == 0 and lines and lines[0].lstrip().startswith("P "):
            lines[0] = indent + "- " + lines[0].lstrip()[2:]
        out.extend(lines)
    return out
