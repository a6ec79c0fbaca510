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

import re
from typing import Callable

from ...model import (BulletList, Cell, Heading, ListItem, OrderedList, PackedBuilder, Paragraph, Reference,
                      References, deep_recursion, map_tree, plain_text)
from ...packed import PACKED_IN_PICKLE
from ...records import replace
from .inline import link_citations, urls_in
from .predicates import RESOURCE_HEADINGS, normalize_heading
from .state import HEADING_KINDS, Decision, ParseState

EXPLICIT, BARE = HEADING_KINDS.index("explicit"), HEADING_KINDS.index("bare")


def final_resources_section(state: ParseState) -> None:
    """The last section, titled Resources / Links / Further reading / 延伸阅读 ..., holding
    only lists (optionally after one intro paragraph): its lists are references."""
    headings = state.heading_kinds[0]
    if not headings:
        return
    last = headings[-1]
    blocks = state.blocks
    if normalize_heading(plain_text(blocks[last])) not in RESOURCE_HEADINGS:
        return
    first = last + 1
    if first < len(blocks) and type(blocks[first]) is Paragraph:
        first += 1
    if first >= len(blocks) or any(type(blocks[k]) not in (BulletList, OrderedList) for k in range(first, len(blocks))):
        return
    entries: list[Reference] = []
    for k in range(first, len(blocks)):
        for item in _flat_items(blocks[k]):
            text = plain_text(item.blocks[0]) if item.blocks else ""
            urls = urls_in(text)
            state.reference_count += 1
            while str(state.reference_count) in state.reference_labels:
                state.reference_count += 1
            label = str(state.reference_count)
            state.reference_labels.add(label)
            entries.append(Reference(f"ref-{label}", label, item.blocks[0].inlines if item.blocks else (),
                                     urls[-1] if urls else ""))
    blocks.truncate(first)
    blocks.append(References(tuple(entries)))
    if state.keep_decisions:
        decision = state.decisions[first]
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
    indices, kinds, levels, all_caps_text = state.heading_kinds
    explicit = [(k, level) for k, how, level in zip(indices, kinds, levels) if how == EXPLICIT]
    bare = [k for k, how in zip(indices, kinds) if how == BARE]
    changes: dict[int, int] = {}  # block index -> its new level
    if explicit:
        shift = min(level for _, level in explicit) - 1
        if shift > 0:
            changes.update((k, level - shift) for k, level in explicit)
    caps = {k for k, how, upper in zip(indices, kinds, all_caps_text) if how == BARE and upper}
    if caps and len(caps) < len(bare) and bare[0] in caps:
        changes.update((k, 2) for k in bare if k not in caps)
    if changes:
        _rebuild_blocks(state, lambda k, b: replace(b, level=changes[k]) if k in changes else b)


def _rebuild_blocks(state: ParseState, fn) -> None:
    """state.blocks with each block b at index k replaced by fn(k, b), in one pass over
    the packed chunks (Packed.map: a chunk whose blocks fn leaves alone is kept as it is,
    and the unpacked list never exists)."""
    blocks = state.blocks.build()
    position = iter(range(len(blocks)))
    if type(blocks) is tuple:
        new = PackedBuilder()
        new.extend(fn(next(position), b) for b in blocks)
        state.blocks = new
    else:
        state.blocks = PackedBuilder.of(blocks.map(lambda b: fn(next(position), b)))


def _map_blocks(state: ParseState, fn, may_change) -> None:
    """state.blocks with each block b replaced by fn(b), skipping the packed chunks whose
    pickle `may_change` rules out (Packed.map): they are kept without being unpickled."""
    blocks = state.blocks.build()
    if type(blocks) is tuple:
        new = PackedBuilder()
        new.extend(fn(b) for b in blocks)
        state.blocks = new
    else:
        state.blocks = PackedBuilder.of(blocks.map(fn, may_change))


# a chunk can hold a citation marker only if its text has `[` and a digit in a row (a
# pickle keeps text as UTF-8), or if a nested Packed hides its text
_MARKER_START = re.compile(rb"\[[0-9]|" + re.escape(PACKED_IN_PICKLE))


def citation_links(state: ParseState) -> None:
    """`[1]`, `[2, 3]`, `[4-6]` in paragraphs, list items and cells become CitationRefs when
    references with those labels exist; others stay text."""
    # every References block the reader made took its labels from reference_labels
    known = frozenset(int(label) for label in state.reference_labels if label.isdigit())
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
        _map_blocks(state, lambda b: b if type(b) in (References, Heading) else fix(b) if type(b) is Paragraph
                    else map_tree(b, fix, frozenset({Paragraph, Cell})),
                    lambda raw: _MARKER_START.search(raw) is not None)


PostRule = Callable[[ParseState], None]
POST_RULES: tuple[PostRule, ...] = (
    final_resources_section,
    heading_levels,
    citation_links,
)
