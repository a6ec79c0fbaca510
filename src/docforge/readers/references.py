"""Reference lists recognised in documents that arrive without docforge's markup.

A DOCX, ODT or Markdown file (docforge's own DOCX read back included) carries its
bibliography as a heading "References" (or Sources, Bibliography, 参考文献…: the feed
reader's list, predicates.is_reference_heading) followed by an ordered list or by
paragraphs that start with their label ("[3] …", "3. …", "3) …"). `recover_references`
turns such a run into a References block, and a link "[3]" to an entry's anchor into a
citation again, so citations, labels and every format's bibliography markup come back. It acts only when the document has no References block,
changes nothing else, and keeps every character of the entries (only the label, which
becomes Reference.label, leaves the text). This module never reads files.
"""
from __future__ import annotations

from ..model import (CitationRef, Document, Heading, Link, OrderedList, PackedBuilder, Paragraph, Reference,
                     References, Span, Text, map_tree, plain_text)
from ..records import replace
from .text.line_rules import BRACKET_ITEM, ORDERED_NUMBER
from .text.predicates import is_reference_heading


def _labelled_entry(block) -> Reference | None:
    """A paragraph that starts with its label: "[3] Text", "3. Text", "3) Text" — after an
    empty anchor Span (pandoc's reading of a DOCX bookmark), whose id the entry keeps."""
    if type(block) is not Paragraph or not block.inlines:
        return None
    anchor, inlines = _leading_anchor(block.inlines)
    if not inlines or type(inlines[0]) is not Text:
        return None
    first = inlines[0].text.lstrip()
    m = BRACKET_ITEM.match(first) or ORDERED_NUMBER.match(first)  # the feed reader's "[3] " and "3. "/"3) "
    if not m or len(first) == m.end() and len(inlines) == 1:
        return None
    rest = first[m.end():]
    return Reference(anchor, m.group(1), ((Text(rest),) if rest else ()) + inlines[1:])


def _leading_anchor(inlines) -> tuple[str, tuple]:
    """The id of an empty anchor Span leading `inlines` (pandoc's reading of a DOCX
    bookmark) and the inlines after it; ("", inlines) when there is none."""
    if inlines and type(inlines[0]) is Span and not inlines[0].inlines:
        return inlines[0].id, inlines[1:]
    return "", inlines


def _list_entries(block: OrderedList) -> list[Reference] | None:
    """An ordered list's items as entries labelled by their numbers; an item's leading
    anchor (docforge's DOCX bookmarks its numbered references) becomes the entry's id."""
    entries = []
    for n, item in enumerate(block.items, block.start):
        if len(item.blocks) != 1 or type(item.blocks[0]) is not Paragraph:
            return None
        anchor, inlines = _leading_anchor(item.blocks[0].inlines)
        entries.append(Reference(anchor, str(n), inlines))
    return entries


def recover_references(doc: Document) -> Document:
    # a first pass decides whether there is anything to do (most documents: no), a second
    # rebuilds the block list with one block of lookahead, packed as it goes (model.Packed)
    headed = False
    for block in doc.blocks:
        if type(block) is References:
            return doc
        if not headed and type(block) is Heading and is_reference_heading(plain_text(block, notes=False)):
            headed = True
    if not headed:
        return doc
    out = PackedBuilder()
    labels: dict[str, str] = {}
    changed = False
    rest = iter(doc.blocks)
    following = next(rest, None)
    while following is not None:
        block, following = following, next(rest, None)
        out.append(block)
        if type(block) is not Heading or not is_reference_heading(plain_text(block, notes=False)):
            continue
        if type(following) is OrderedList:
            entries = _list_entries(following)
            if entries:
                out.append(_recovered(entries, labels))
                following = next(rest, None)
                changed = True
            continue
        entries = []
        while following is not None and (entry := _labelled_entry(following)) is not None:
            entries.append(entry)
            following = next(rest, None)
        if entries:
            out.append(_recovered(entries, labels))
            changed = True
    if not changed:
        return doc
    return _link_citations(replace(doc, blocks=out.build()), labels)


def _recovered(entries: list[Reference], labels: dict[str, str]) -> References:
    """The References block of recovered entries; their anchors go into `labels`."""
    labels.update((r.id, r.label) for r in entries if r.id)
    return References(tuple(entries))


def _link_citations(doc: Document, labels: dict[str, str]) -> Document:
    """A link "[3]" to a recovered entry's anchor ("#ref-3") is a citation of it again."""
    if not labels:
        return doc

    def fix(node):
        if type(node) is Link and node.url.startswith("#") and node.url[1:] in labels \
                and plain_text(node).strip("[]() ") == labels[node.url[1:]]:
            return CitationRef(node.url[1:])
        return node
    return map_tree(doc, fix, frozenset({Link}))  # type: ignore[return-value]
