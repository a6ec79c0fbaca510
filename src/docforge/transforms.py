"""What every writer needs computed once, so that all formats agree.

`prepare(doc, style)` runs, in order: unique heading ids (Unicode-aware slugs),
optional heading numbers, table and figure ids and labels ("Table 1", in the
document's language from the labels catalogue), reference ids and
labels, and the resolution of citation markers to references. Writers receive
the prepared Document and never number or name anything themselves; `outline()`
gives the heading tree for tables of contents, bookmarks and navigation.

Transforms are pure functions Document -> Document; they never read files.
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from typing import Callable

from .labels import labels_for
from .model import (Cell, CitationRef, Document, Figure, Heading, Note, Reference, References,
                    Table, Text, map_tree, pack, plain_text, walk)
from .records import Record, replace

_SLUG_DROP = re.compile(r"[^\w\s-]", re.UNICODE)
_SLUG_SPACE = re.compile(r"[\s_-]+", re.UNICODE)


def slugify(text: str, fallback: str = "section") -> str:
    """A readable anchor for `text`: NFKC, lower case, letters and digits of any script, '-'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _SLUG_DROP.sub("", text)
    slug = _SLUG_SPACE.sub("-", text).strip("-")[:80].strip("-")
    if not slug or not (slug[0].isalpha()):
        slug = f"{fallback}-{slug}" if slug else fallback
    return slug


class _UniqueIds:
    """Hands out ids not taken yet: `wanted`, else `wanted-1`, `wanted-2`, ..."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = set(taken or ())
        self.next_suffix: dict[str, int] = {}  # so a heading repeated n times costs O(n), not O(n²)

    def claim(self, wanted: str) -> str:
        candidate, n = wanted, self.next_suffix.get(wanted, 1)
        while candidate in self.taken:
            candidate = f"{wanted}-{n}"
            n += 1
        if candidate != wanted:
            self.next_suffix[wanted] = n
        self.taken.add(candidate)
        return candidate


# Each transform is a per-node "fixer" (a closure with its counters) so that prepare() can
# run several of them in one traversal; the public functions run one fixer alone.

def _references_fixer():
    ids = _UniqueIds()
    counter = 0

    def fix(node):
        nonlocal counter
        if type(node) is Reference:
            counter += 1
            label = node.label or str(counter)
            wanted = node.id or (f"ref-{label}" if label.isdigit() else f"ref-{slugify(label, 'n')}")
            new_id = ids.claim(wanted)
            if (label, new_id) != (node.label, node.id):
                return replace(node, label=label, id=new_id)
        return node

    return fix, ids.taken


def _labels_fixer(kind: type, label: Callable[[int], str], id_prefix: str):
    """Numbers nodes of `kind` (Table, Figure) in document order: label `label(N)` (the
    language's "Table N", labels.py), id "ID_PREFIX-N" unless the reader set one; also
    returns the set of ids handed out."""
    counter = 0
    ids: set[str] = set()

    def fix(node):
        nonlocal counter
        if type(node) is kind:
            counter += 1
            new_label = label(counter)
            new_id = node.id or f"{id_prefix}-{counter}"
            ids.add(new_id)
            if (new_label, new_id) != (node.label, node.id):
                return replace(node, label=new_label, id=new_id)
        return node

    return fix, ids


def _prefixed(prefix: str) -> Callable[[int], str]:
    return lambda n: f"{prefix} {n}"


def _tables_fixer(label: Callable[[int], str]):
    return _labels_fixer(Table, label, "table")


def _figures_fixer(label: Callable[[int], str]):
    return _labels_fixer(Figure, label, "figure")


def _notes_fixer():
    counter = 0

    def fix(node):
        nonlocal counter
        if type(node) is Note:
            counter += 1
            label = str(counter)
            if label != node.label:
                return replace(node, label=label)
        return node

    fix.count = lambda: counter  # type: ignore[attr-defined]  # how many notes it numbered
    return fix


def _square_table(node):
    if type(node) is Table:
        width = max([len(node.header), 1] + [len(r) for r in node.rows])
        pad = lambda cells: tuple(cells) + (Cell(()),) * (width - len(cells))  # noqa: E731
        aligns = tuple(node.aligns[:width]) + ("default",) * (width - len(node.aligns[:width]))
        # rows rebuilt only when one is short, and then as a packed sequence built row by
        # row (a long table's rows are model.Packed: no whole copy of them is made)
        rows = node.rows
        if any(len(r) < width for r in rows):
            rows = pack(pad(r) for r in rows)
        # a table without a header row keeps none: padding it would make an empty header
        # row (empty <th> cells that a screen reader announces as nothing)
        # (a table with no row at all keeps one empty header row: every writer draws a row)
        header = pad(node.header) if node.header or not rows else ()
        if header != node.header or aligns != node.aligns or rows is not node.rows:
            return replace(node, header=header, rows=rows, aligns=aligns)
    return node


def _heading_ids_fixer(ids: _UniqueIds):
    """Gives each heading an id `ids` has not handed out yet (its own, else its slug)."""
    def fix(node):
        if type(node) is Heading:
            new_id = ids.claim(node.id or slugify(plain_text(node, notes=False)))
            if new_id != node.id:
                return replace(node, id=new_id)
        return node

    return fix


def _heading_numbers_fixer():
    counters = [0] * 7

    def fix(node):
        if type(node) is Heading:
            level = max(1, min(node.level, 6))
            counters[level] += 1
            for deeper in range(level + 1, 7):
                counters[deeper] = 0
            number = ".".join(str(c) for c in counters[1:level + 1])
            return replace(node, inlines=(Text(number + " "),) + node.inlines)
        return node

    return fix


def _citations_fixer(known: set[str]):
    def fix(node):
        if type(node) is CitationRef and node.ref_id not in known:
            return Text(f"[{node.ref_id.removeprefix('ref-')}]")
        return node

    return fix


def _chain(*fixers):
    def fix(node):
        for f in fixers:
            node = f(node)
        return node

    return fix


def number_figures(doc: Document, prefix: str = "Figure") -> Document:
    """Number figures in document order: label "Figure N", id "figure-N" unless the reader set one."""
    return map_tree(doc, _figures_fixer(_prefixed(prefix))[0], frozenset({Figure}))  # type: ignore[return-value]


def number_notes(doc: Document) -> Document:
    """Number footnotes 1, 2, 3... in document order (the label every format shows)."""
    notes = _notes_fixer()
    doc = map_tree(doc, notes, frozenset({Note}))  # type: ignore[assignment]
    return _notes_in_reading_order(doc) if notes.count() > 1 else doc  # type: ignore[attr-defined]


def _notes_in_reading_order(doc: Document) -> Document:
    """map_tree numbers bottom-up, so a note inside a note was counted before the note
    holding it; renumber in reading order (outer first) when that happened. Labels are
    unique after the first pass, so the old label names the note. Linear; usually a no-op."""
    seen = [n.label for n in walk(doc) if type(n) is Note]
    if seen == sorted(seen, key=int):
        return doc
    new_label = {old: str(i) for i, old in enumerate(seen, 1)}
    return map_tree(doc, lambda n: replace(n, label=new_label[n.label]) if type(n) is Note else n,
                    frozenset({Note}))  # type: ignore[return-value]


def label_references(doc: Document) -> Document:
    """Give every Reference a label (its number) and a unique id "ref-LABEL"."""
    return map_tree(doc, _references_fixer()[0], frozenset({Reference}))  # type: ignore[return-value]


def number_tables(doc: Document, prefix: str = "Table") -> Document:
    """Number tables in document order: label "Table N", id "table-N" unless the reader set one."""
    return map_tree(doc, _tables_fixer(_prefixed(prefix))[0], frozenset({Table}))  # type: ignore[return-value]


def square_tables(doc: Document) -> Document:
    """Pad every table row (the header too, when there is one) with empty cells to the
    widest row, and the alignments to the same width, so writers can rely on a rectangular
    grid whose width is len(aligns). A table without a header row keeps header=() (unless
    it has no rows either: then its one row is an empty header, as before)."""
    return map_tree(doc, _square_table, frozenset({Table}))  # type: ignore[return-value]


def assign_heading_ids(doc: Document) -> Document:
    """Give every heading a unique id: its own if set, else a slug of its text, never one
    that a reference or table already uses."""
    taken = {n.id for n in walk(doc, inlines=False) if isinstance(n, (Reference, Table)) and n.id}
    return map_tree(doc, _heading_ids_fixer(_UniqueIds(taken)), frozenset({Heading}))  # type: ignore[return-value]


def number_headings(doc: Document) -> Document:
    """Prefix heading text with its section number ("2.1 ") — every writer then shows the same."""
    return map_tree(doc, _heading_numbers_fixer(), frozenset({Heading}))  # type: ignore[return-value]


def resolve_citations(doc: Document) -> Document:
    """A CitationRef whose target does not exist becomes the text it was written as."""
    known = {n.id for n in walk(doc, inlines=False) if isinstance(n, Reference)}
    return map_tree(doc, _citations_fixer(known), frozenset({CitationRef}))  # type: ignore[return-value]


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def normalize_language(doc: Document, fallback: str = "en") -> Document:
    """meta.language as a well-formed BCP 47 tag ("zh_CN" -> "zh-CN"); the theme's language
    when the document has none or an unusable one, since HTML, EPUB and DOCX all require one."""
    tag = doc.meta.language.strip().replace("_", "-")
    if not _LANGUAGE_TAG.match(tag):
        tag = fallback if _LANGUAGE_TAG.match(fallback) else "en"
    if tag == doc.meta.language:
        return doc
    return replace(doc, meta=replace(doc.meta, language=tag))


def prepare(doc: Document, style=None) -> Document:
    """Everything writers need, computed once, after the language is normalised: square
    tables, number tables and figures (labelled in the document's language, labels.py),
    label references; then heading ids (avoiding the ids of the tables, figures and
    references), citations resolved against the references, footnotes numbered, optional
    heading numbers. Idempotent, except heading numbering, which is applied only when the
    theme asks for it.

    The second group depends on ids the first hands out anywhere in the document, so this
    is two traversals (`_prepare_in_two_passes`), but done as one (`_prepare_in_one_pass`)
    whenever one gives the same document: it does unless a heading's id is one a table,
    figure or reference gets, or a citation names no reference; then the two passes run.
    One traversal decodes and re-encodes each packed chunk once, not twice (model.Packed).
    A document made in one pass also gets its anchors and reference labels recorded
    (`prepared_facts`), so RenderContext need not walk it again."""
    doc = normalize_language(doc, style.text.language if style else "en")
    labels = labels_for(doc.meta.language, style)  # "Table 1" / "表 1" / "Tableau 1"
    numbering = style is not None and style.headings.numbering
    prepared = _prepare_in_one_pass(doc, labels, numbering)
    return prepared if prepared is not None else _prepare_in_two_passes(doc, labels, numbering)


def _prepare_in_two_passes(doc: Document, labels, numbering: bool) -> Document:
    """(1) square tables, number tables and figures, label references; (2) heading ids
    (avoiding the ids of pass 1), citations, footnotes, optional heading numbers."""
    references, reference_ids = _references_fixer()
    tables, table_ids = _tables_fixer(labels.table_label)
    figures, figure_ids = _figures_fixer(labels.figure_label)
    doc = map_tree(doc, _chain(_square_table, references, tables, figures),
                   frozenset({Table, Reference, Figure}))  # type: ignore[assignment]
    notes = _notes_fixer()
    second = [_heading_ids_fixer(_UniqueIds(reference_ids | table_ids | figure_ids)),
              _citations_fixer(set(reference_ids)), notes]
    if numbering:
        second.append(_heading_numbers_fixer())
    doc = map_tree(doc, _chain(*second), frozenset({Heading, CitationRef, Note}))  # type: ignore[assignment]
    # one note or none is in reading order already: no walk over the whole tree for it
    return _notes_in_reading_order(doc) if notes.count() > 1 else doc  # type: ignore[attr-defined]


def _prepare_in_one_pass(doc: Document, labels, numbering: bool) -> Document | None:
    """What _prepare_in_two_passes makes, in one traversal (map_tree's inline_fn: the
    first pass's fixers act only where it reached, outside inline content), or None when
    one traversal cannot know it: a heading took an id that a table, figure or reference
    has (pass 2 would have avoided it, even one given later in the document), or a
    citation names an id no reference has (pass 2 would have made it text before the
    heading holding it got its slug). Otherwise every fixer saw the same nodes in the same
    order as in two passes, so the result is the same; a citation met before its reference
    is only checked at the end, since pass 2 keeps it."""
    references, reference_ids = _references_fixer()
    tables, table_ids = _tables_fixer(labels.table_label)
    figures, figure_ids = _figures_fixer(labels.figure_label)
    heading_ids = _UniqueIds()
    uncited: set[str] = set()  # citations met before (or without) their reference
    notes = _notes_fixer()
    headings: list[str] = []   # the ids of the headings outside inline content: anchors
    reference_labels: dict[str, str] = {}

    heading_id = _heading_ids_fixer(heading_ids)

    def citation(node):
        if type(node) is CitationRef and node.ref_id not in reference_ids:
            uncited.add(node.ref_id)
        return node

    second = [heading_id, citation, notes] + ([_heading_numbers_fixer()] if numbering else [])
    inline_fix = _chain(*second)

    def block_fix(node):
        cls = type(node)
        if cls is Heading:
            node = inline_fix(node)
            headings.append(node.id)
            return node
        if cls is Reference:
            node = references(node)
            reference_labels[node.id] = node.label
            return node
        if cls is Table:
            return tables(_square_table(node))
        if cls is Figure:
            return figures(node)
        return inline_fix(node)

    result = map_tree(doc, block_fix, frozenset({Table, Reference, Figure, Heading, CitationRef, Note}),
                      inline_fn=inline_fix)
    given = reference_ids | table_ids | figure_ids
    if not heading_ids.taken.isdisjoint(given) or not uncited <= reference_ids:
        return None
    if notes.count() > 1:  # type: ignore[attr-defined]
        result = _notes_in_reading_order(result)  # type: ignore[arg-type]
    _remember_facts(result, frozenset(headings) | given, reference_labels)  # type: ignore[arg-type]
    return result  # type: ignore[return-value]


# What a one-pass prepare learnt of the document it made, by the document's id, held with
# a weak reference (the entry goes when the document does, so an id never names another)
_FACTS: dict[int, tuple] = {}


def _remember_facts(doc: Document, anchors: frozenset, reference_labels: dict) -> None:
    key = id(doc)
    ref = weakref.ref(doc, lambda gone, key=key: _FACTS.pop(key, None) if _FACTS.get(key, (None,))[0] is gone else None)
    _FACTS[key] = (ref, anchors, reference_labels)


def prepared_facts(doc: Document) -> tuple[frozenset, dict] | None:
    """(anchors, reference labels) of a document prepare() made in one pass: the ids of
    the headings, tables, figures and references outside inline content (what
    walk(inlines=False) reaches) and reference id -> label; None for any other document."""
    entry = _FACTS.get(id(doc))
    if entry is None or entry[0]() is not doc:
        return None
    return entry[1], entry[2]


class OutlineEntry(Record):
    level: int
    text: str
    id: str
    children: tuple["OutlineEntry", ...] = ()


def outline(doc: Document, max_level: int = 6) -> tuple[OutlineEntry, ...]:
    """The heading tree of a prepared document, for TOCs, PDF bookmarks and EPUB navigation.

    Levels are made consecutive (a level-3 heading directly under a level-1 one becomes
    its child) so that every consumer gets a well-formed tree.
    """
    flat = [(n.level, plain_text(n, notes=False), n.id) for n in walk(doc, inlines=False)
            if isinstance(n, Heading) and n.level <= max_level]

    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for level, text, id_ in flat:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        kids: list = []
        stack[-1][1].append((level, text, id_, kids))
        stack.append((level, kids))

    def freeze(items: list, depth: int) -> tuple[OutlineEntry, ...]:
        return tuple(OutlineEntry(depth, text, id_, freeze(kids, depth + 1))
                     for _, text, id_, kids in items)

    return freeze(root, 1)
