"""The post stage of the feed reader: rules over the finished block list, for what only
the whole document shows.

The lists of a last section titled Resources/Links/Further reading ... become references;
heading levels come from evidence (`#` counts shifted so the top one is 1, numbering
depth, ALL-CAPS over mixed-case headings), else 1; `[1]`, `[2, 3]`, `[4-6]` markers
become CitationRefs when those entries exist. Each rule is a small named function run
once, in the order of POST_RULES.

These rules rewrite blocks already read and never drop their text. Blocks merged into
one (final_resources_section) get one Decision under the rule's name; a block only
adjusted (a level, a citation) keeps the Decision of the rule that read it.
"""
from __future__ import annotations

from typing import Callable

from ...model import (BulletList, Cell, Heading, ListItem, OrderedList, Paragraph, Reference, References,
                      deep_recursion, map_tree, plain_text)
from ...records import replace
from .inline import link_citations, urls_in
from .predicates import RESOURCE_HEADINGS, all_caps, normalize_heading
from .state import Decision, ParseState


def final_resources_section(state: ParseState) -> None:
    """The last section, titled Resources / Links / Further reading / 延伸阅读 ..., holding
    only lists (optionally after one intro paragraph): its lists are references."""
    last = max((k for k, b in enumerate(state.blocks) if type(b) is Heading), default=None)
    if last is None or normalize_heading(plain_text(state.blocks[last])) not in RESOURCE_HEADINGS:
        return
    body = state.blocks[last + 1:]
    if body and type(body[0]) is Paragraph:
        body = body[1:]
    if not body or any(type(b) not in (BulletList, OrderedList) for b in body):
        return
    first = len(state.blocks) - len(body)
    entries: list[Reference] = []
    for block in body:
        for item in _flat_items(block):
            text = plain_text(item.blocks[0]) if item.blocks else ""
            urls = urls_in(text)
            state.reference_count += 1
            while str(state.reference_count) in state.reference_labels:
                state.reference_count += 1
            label = str(state.reference_count)
            state.reference_labels.add(label)
            entries.append(Reference(f"ref-{label}", label, item.blocks[0].inlines if item.blocks else (),
                                     urls[-1] if urls else ""))
    decision = state.decisions[first]
    state.blocks[first:] = [References(tuple(entries))]
    state.decisions[first:] = [Decision("references", "final_resources_section", decision.first_line,
                                        state.decisions[-1].last_line, f"{len(entries)} entries")]


def _flat_items(block) -> list[ListItem]:
    """The items of a list and of its sub-lists, in document order (iteratively)."""
    out: list[ListItem] = []
    stack = [iter(block.items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        out.append(item)
        subs = [b for b in item.blocks[1:] if type(b) in (BulletList, OrderedList)]
        for sub in reversed(subs):
            stack.append(iter(sub.items))
    return out


def heading_levels(state: ParseState) -> None:
    """Levels from evidence only: `#` counts shifted so the top one is 1; numbering depth;
    ALL-CAPS headings over mixed-case ones (when the document starts with an ALL-CAPS one)."""
    explicit = [k for k, how in state.heading_kinds if how == "explicit"]
    if explicit:
        shift = min(state.blocks[k].level for k in explicit) - 1
        if shift > 0:
            for k in explicit:
                state.blocks[k] = replace(state.blocks[k], level=state.blocks[k].level - shift)
    bare = [k for k, how in state.heading_kinds if how == "bare"]
    caps = {k for k in bare if all_caps(plain_text(state.blocks[k]))}
    if caps and len(caps) < len(bare) and bare[0] in caps:
        for k in bare:
            if k not in caps:
                state.blocks[k] = replace(state.blocks[k], level=2)


def citation_links(state: ParseState) -> None:
    """`[1]`, `[2, 3]`, `[4-6]` in paragraphs, list items and cells become CitationRefs when
    references with those labels exist; others stay text."""
    known = frozenset(int(e.label) for b in state.blocks if type(b) is References
                      for e in b.entries if e.label.isdigit())
    if not known:
        return

    def fix(node):
        if type(node) in (Paragraph, Cell):
            inlines = link_citations(node.inlines, known)
            if inlines is not node.inlines:
                return replace(node, inlines=inlines)
        return node

    # map_tree recurses about four frames per list level; CPython 3.11 does that without
    # growing the C stack, so raising the limit to what this document needs is safe
    with deep_recursion(max(20_000, 8 * state.deepest_list + 1_000)):
        state.blocks = [b if type(b) in (References, Heading) else fix(b) if type(b) is Paragraph
                        else map_tree(b, fix, frozenset({Paragraph, Cell})) for b in state.blocks]


PostRule = Callable[[ParseState], None]
POST_RULES: tuple[PostRule, ...] = (
    final_resources_section,
    heading_levels,
    citation_links,
)
