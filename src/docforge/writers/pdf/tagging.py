"""Tagged PDF (PDF/UA-1 structure) on top of reportlab, which has no tagging API.

Why: a PDF without a structure tree is read by screen readers and text extraction as one
stream of glyphs, running headers and page numbers included. This module gives every
piece of drawn content a place in a structure tree (or marks it as an artifact) while
reportlab draws it, and writes the tree, the parent tree, /MarkInfo, the XMP packet
(dc:title, dc:language, pdfuaid:part 1), /ViewerPreferences DisplayDocTitle, /Tabs /S
and the annotations' /StructParent and /Contents when the file is saved.

How: the renderer attaches what a flowable *is* to it, nothing else: `role(flowables,
"H2")` gives flowables one element of their own (a heading set in pieces stays one H2),
`group(flowables, "LI")` puts them inside a new element (lists, quotes, notes); a
Paragraph without a role is a P, an image a Figure with its /Alt, any other flowable
(rules, spacers, table grids and backgrounds) an artifact. `TaggingFrame` brackets each
flowable the frame draws, and the cells of tables and of the table of contents, with
`/Role <</MCID n>> BDC … EMC` (or `/Artifact BMC … EMC`), suspending the enclosing
sequence while a nested one is open, so marked content is always properly nested and
never crosses a page. Split parts inherit their parent's element, so a paragraph or a
table continued on the next page continues its element; a repeated table header row (the
same cell drawn again) is an artifact. `TaggingCanvas` splits a list item's bullet into
its Lbl, an inline image into a Figure with /Alt, makes each link annotation a Link
element with an OBJR, and, at save(), writes the structure. The structure order is the
order things are drawn, which for platypus is the document order. A run in another
language (`language_span`) is a `/Span <</Lang (xx)>>` sequence inside its paragraph's
text, opened and closed by zero-width callbacks in the paragraph markup. A shaped word
whose glyphs do not read back as its text (a Devanagari vowel sign drawn before its
consonant: scripts.logical_text) is drawn inside `/Span <</ActualText <FEFF…>>> BDC … EMC`
by the canvas's text objects (`LogicalTextObject`), so pdftotext, PDFium and screen
readers get the logical word (pdfminer/pdfplumber read no ActualText and still see the
glyphs); right-to-left words get none, since those readers reorder visual lines themselves.

Each element gets its object number when it is made and is written (pdffile.py's
StreamingDocument) at the end of the page on which the drawing left it (drawing is in
document order, so it gets nothing more), then forgotten: a 1 MB feed has some 25,000
elements, and only those on the current path stay in memory. Elements, parent tree
entries and the roots are written into object streams (`write_compressed`: the canvas's
document is made with object streams when it is tagged), a third of the bytes of a
table-heavy PDF. Each page's parent tree entry is an array object written with the page; keys go to pages and link annotations in
the order they are made. Nothing here keeps a drawn flowable alive.

It never changes what is drawn or where (only marked-content operators are added around
drawing), never renders IR nodes, and does nothing at all on a canvas without a tagger
(`DOCFORGE_PDF_UNTAGGED=1`, used only by the benchmark to measure what tagging costs).
"""
from __future__ import annotations

import os
import re
import weakref
from array import array
from typing import Iterable, NamedTuple
from xml.sax.saxutils import escape as xml_escape

from reportlab.pdfbase.pdfdoc import (PDFDictionary, PDFName, PDFObject, PDFObjectReference, PDFPage,
                                      PDFStream, PDFString)
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Frame, Image, KeepTogether, Paragraph, Preformatted

from .pdffile import CompactDestinations, Sink, StreamingDocument
from .scripts import logical_text

_NO_OUTER = object()
UNTAGGED_ENV = "DOCFORGE_PDF_UNTAGGED"   # "1": no tagging (the benchmark's baseline only)
CONTAINERS = frozenset({"Table", "TOC"})  # their own drawing is an artifact, their cells are tagged
PAGE_KEYS = PDFPage.__NoDefault__ + ["Tabs", "StructParents"]


def enabled() -> bool:
    return os.environ.get(UNTAGGED_ENV, "") != "1"


class Options(NamedTuple):
    """What the tagger needs from the conversion: the document's language and title, and
    the words each internal link destination stands for (a link's /Contents)."""
    language: str
    title: str
    authors: tuple[str, ...]
    destinations: LinkNames | dict


def destinations(context, notes) -> "LinkNames":
    """What each internal link destination is, in words: a link annotation's /Contents
    (headings by their text, notes and references by their labels)."""
    return LinkNames(context, notes)


def _section_and_reference_names(context) -> dict[str, str]:
    named: dict[str, str] = {}
    stack = list(context.outline(6))
    while stack:
        entry = stack.pop()
        named[entry.id] = f"Go to section {entry.text}"
        stack.extend(entry.children)
    for ref_id, label in context.reference_labels.items():
        named[ref_id] = f"Go to reference {label}"
    return named


class LinkNames:
    """`destinations`' names, made when the first internal link is drawn (a document of
    many headings and no internal link needs none); the notes' are looked up as the links
    are drawn, because a single-pass build (story.py) registers each note only when its
    block is made, which is before any link to it is drawn."""
    __slots__ = ("_context", "_named", "_notes", "_seen")

    def __init__(self, context, notes) -> None:
        self._context, self._named, self._notes, self._seen = context, None, notes, 0

    def get(self, name, default=None):
        if self._named is None:
            self._named = _section_and_reference_names(self._context)
        if name not in self._named and len(self._notes.entries) > self._seen:
            for entry in self._notes.entries[self._seen:]:
                self._named[entry.id] = f"Go to note {entry.label}"
                if entry.back_id:
                    self._named[entry.back_id] = f"Back to the text of note {entry.label}"
            self._seen = len(self._notes.entries)
        return self._named.get(name, default)


LANGUAGE_CALLBACK = "df_lang"
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def language_span(lang: str, inner: str, document_language: str) -> str:
    """Paragraph markup for a run in another language than the document's: zero-width
    callbacks around it, at which the canvas opens and closes a `/Span <</Lang (xx)>>`
    sequence inside the text (a language tag that is not one is left out)."""
    if not lang or lang.lower() == (document_language or "").lower() or not _LANGUAGE_TAG.fullmatch(lang):
        return inner
    return (f'<onDraw name="{LANGUAGE_CALLBACK}" label="+{lang}"/>{inner}'
            f'<onDraw name="{LANGUAGE_CALLBACK}" label="-"/>')


def _span_open(lang: str, doc) -> str:
    return f"/Span <</Lang {PDFString(lang).format(doc).decode('latin-1')}>> BDC"


def _language_callback(canv, kind, label) -> None:
    """Open (label "+xx") or close ("-") a language span inside the text object being
    drawn. A paragraph split inside a span continues it on its next part: drawText closes
    what a part left open and the tagger opens it again at the start of the next part's
    text, whose close then ends it (`Tagger.spans_carried`)."""
    tagger = canv._df_tagger
    if tagger is None or not label:
        return
    text = canv._curr_tx_info["tx"]
    open_here = text.__dict__.setdefault("_df_spans", [])
    if label.startswith("+"):
        text._code.append(_span_open(label[1:], canv._doc))
        open_here.append(label[1:])
    elif open_here:
        text._code.append("EMC")
        open_here.pop()
    elif tagger.spans_carried:
        text._code.append("EMC")
        tagger.spans_carried.pop()


class Mark:
    """One structure element-to-be, shared by every flowable (and split part) inside it."""
    __slots__ = ("role", "attrs")

    def __init__(self, role: str, attrs: dict | None = None) -> None:
        self.role, self.attrs = role, attrs or {}


def role(flowables: Iterable, name: str, **attrs) -> list:
    """Give `flowables` one element of role `name` of their own (its attrs, e.g. Alt)."""
    mark = Mark(name, attrs)
    out = list(flowables)
    for flowable in out:
        flowable._df_leaf = mark
    return out


def group(flowables: Iterable, name: str, mark: Mark | None = None, **attrs) -> list:
    """Put `flowables` (and what a KeepTogether among them holds) inside a new element (or
    in `mark`'s, when an element's flowables are made in parts)."""
    mark = mark or Mark(name, attrs)
    out = list(flowables)
    stack = list(out)
    while stack:
        flowable = stack.pop()
        if isinstance(flowable, KeepTogether):
            stack.extend(flowable._content)
        else:
            flowable._df_path = (mark,) + getattr(flowable, "_df_path", ())
    return out


class Node:
    """A structure element while it can still change: kids are element numbers (>= 0) and
    marked-content references (`_mcr`: page and MCID in one negative number), in an array
    (a table body has a kid per row); a Link's annotation is its attr "_annot". `num` is
    its object number, reserved when it is made, so that it is written (and forgotten) as
    soon as it is complete."""
    __slots__ = ("role", "attrs", "parent", "kids", "num", "mark")

    def __init__(self, role: str, attrs: dict, parent: Node | None, num: int, mark: Mark | None = None) -> None:
        self.role, self.attrs, self.parent, self.kids = role, dict(attrs), parent, array("q")
        self.num, self.mark = num, mark


_MCID_BITS = 24


def _mcr(page: int, mcid: int) -> int:
    return -((page << _MCID_BITS) | mcid) - 1


def _joined(texts, chunk: int = 1024) -> str:
    """The texts joined by spaces, a chunk at a time: the document element has a kid per
    top-level block, and a list of them all as strings was 1.2 bytes per input byte."""
    parts: list[str] = []
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == chunk:
            parts.append(" ".join(batch))
            batch = []
    if batch or not parts:
        parts.append(" ".join(batch))
    return " ".join(parts)


def _page_mcid(kid: int) -> tuple[int, int]:
    value = -kid - 1
    return value >> _MCID_BITS, value & ((1 << _MCID_BITS) - 1)


def _leaf(flowable) -> Mark | None:
    """The flowable's own element: its role, or by type (P, Code, Figure), or None (an artifact)."""
    mark = getattr(flowable, "_df_leaf", None)
    if mark is None:
        if isinstance(flowable, Paragraph):
            mark = Mark("P")
        elif isinstance(flowable, Preformatted):
            mark = Mark("Code")
        elif isinstance(flowable, Image):
            alt = getattr(flowable, "alt", "") or getattr(flowable, "title", "") or "image"
            mark = Mark("Figure", {"Alt": alt})
        else:
            return None
        flowable._df_leaf = mark
    return mark


class Tagger:
    """The structure of one PDF being drawn (one per canvas, so per layout pass)."""

    def __init__(self, options: Options, doc) -> None:
        self.options, self.doc = options, doc
        self.tree_num = doc.reserve()             # the StructTreeRoot
        self.root = Node("Document", {}, None, doc.reserve())
        self.nodes: dict[Mark, Node] = {}         # the elements not yet written, by their mark
        self.chain: list[Node] = [self.root]      # the path to the element drawn last
        self.retired: list[Node] = []             # left by the drawing: written at the page's end
        self.mcids: dict[int, list[int]] = {}     # page index -> the element number of each MCID
        # the parent tree: a key per page and per link annotation, in the order they are made
        self.tree_keys, self.tree_values = array("i"), array("i")
        self.stack: list = []                     # open sequences: [node or None, start index]
        # flowables drawn in this pass carry it (`_df_drawn`): a repeat is an artifact. Not a
        # set of them: platypus lets go of each flowable once drawn, and so must this.
        self.pass_token = object()
        self.registered: dict[int, object] = {}   # contents tables whose cells have their paths
        self.label_for: Node | None = None        # the LI whose bullet the next text is
        self.spans_carried: list[str] = []        # language spans a paragraph's earlier part left open
        self.with_id: list[tuple[str, int]] = []  # (ID, element number): the IDTree
        self.link_text = ""
        self.elements = 0                         # written so far (tests)

    # ---------------------------------------------------------------- the tree
    def new_node(self, role: str, attrs: dict, parent: Node, mark: Mark | None = None) -> Node:
        node = Node(role, attrs, parent, self.doc.reserve(), mark)
        parent.kids.append(node.num)
        return node

    def node(self, path: tuple, leaf: Mark | None) -> Node:
        """The element of `path` (+ `leaf`), made where missing. Drawing is in document
        order, so the elements of the previous path that are not on this one are complete."""
        chain, old = [self.root], self.chain
        parent = self.root
        for mark in path + ((leaf,) if leaf is not None else ()):
            found = self.nodes.get(mark)
            if found is None:
                found = self.nodes[mark] = self.new_node(mark.role, mark.attrs, parent, mark)
            chain.append(found)
            parent = found
        common = 0
        while common < len(old) and common < len(chain) and old[common] is chain[common]:
            common += 1
        self.retired.extend(reversed(old[common:]))
        self.chain = chain
        return parent

    def next_key(self) -> int:
        return len(self.tree_keys)

    def page_done(self, page, index: int) -> None:
        """Called as page `index` is written: its /StructParents, its parent tree entry (the
        element of each MCID, an object of its own) and the elements now complete."""
        doc = self.doc
        page.__NoDefault__ = PAGE_KEYS
        page.Tabs = PDFName("S")
        key = page.StructParents = self.next_key()
        array_num = doc.reserve()
        doc.write_compressed(array_num, ("[" + " ".join(f"{n} 0 R" for n in self.mcids.pop(index, ())) + "]").encode())
        self.tree_keys.append(key)
        self.tree_values.append(array_num)
        self.write_retired()

    def write_retired(self, everything: bool = False) -> None:
        active = set() if everything else {id(n) for n in self.chain} | {id(e[0]) for e in self.stack}
        waiting = []
        for node in self.retired:
            if id(node) in active:
                waiting.append(node)
            else:
                self.write(node)
        self.retired = waiting

    def _kid_texts(self, node: Node, first_page, annot):
        doc = self.doc
        for kid in node.kids:
            if kid >= 0:
                yield f"{kid} 0 R"
                continue
            page, mcid = _page_mcid(kid)
            if page == first_page:
                yield str(mcid)
            else:
                yield f"<< /Type /MCR /Pg {doc.page_number(page)} 0 R /MCID {mcid} >>"
        if annot is not None:
            yield f"<< /Type /OBJR /Obj {annot[0]} 0 R /Pg {doc.page_number(annot[1])} 0 R >>"

    def write(self, node: Node) -> None:
        """Write a complete element and forget it (a mark seen again gets a new element)."""
        if node.kids is None:  # retired twice: left, entered again, left
            return
        if node.mark is not None and self.nodes.get(node.mark) is node:
            del self.nodes[node.mark]
        if "ID" in node.attrs:
            self.with_id.append((node.attrs["ID"], node.num))
        doc = self.doc
        first_page = next((_page_mcid(k)[0] for k in node.kids if k < 0), None)
        kid_count = len(node.kids)
        annot = node.attrs.get("_annot")
        if annot is not None:
            kid_count += 1
        parent = node.parent.num if node.parent is not None else self.tree_num
        # one kid is written bare: shorter, and some checkers read nothing else
        kids = _joined(self._kid_texts(node, first_page, annot))
        entries = [f"/Type /StructElem /S /{node.role} /P {parent} 0 R",
                   "/K " + (kids if kid_count == 1 else "[" + kids + "]")]
        if first_page is not None:
            entries.append(f"/Pg {doc.page_number(first_page)} 0 R")
        out = ("<< " + " ".join(entries)).encode("latin-1")
        for key, value in node.attrs.items():
            if key.startswith("_"):
                continue
            if key == "A":
                out += b" /A << " + " ".join(f"/{k} /{v}" for k, v in value.items()).encode("latin-1") + b" >>"
            else:
                out += f" /{key} ".encode("latin-1") + PDFString(value).format(doc)
        doc.write_compressed(node.num, out + b" >>")
        node.kids = None
        self.elements += 1

    def register_cells(self, flowable, leaf: Mark) -> None:
        """Paths for the cells of a table (TH/TD by row, the header row in THead) or of a
        table of contents (each entry a TOCI): the whole table is seen before any part of it."""
        path = getattr(flowable, "_df_path", ()) + (leaf,)
        if leaf.role == "TOC":
            # the table of contents makes its table anew on every wrap (and every pass)
            table = getattr(flowable, "_table", flowable)
            if id(table) in self.registered:
                return
            self.registered[id(table)] = table
            for row in getattr(table, "_cellvalues", ()):
                for cell in row:
                    for item in cell if isinstance(cell, (list, tuple)) else (cell,):
                        if isinstance(item, Paragraph):
                            item._df_path = path + (Mark("TOCI"),)
                            item._df_leaf = Mark("P")
                            _wrap_draw(item)
            return
        if getattr(flowable, "_df_cells", False):
            return
        flowable._df_cells = True
        rows = getattr(flowable, "data", None) or getattr(flowable, "_cellvalues", ())
        head, body = Mark("THead"), Mark("TBody")
        head_rows = getattr(flowable, "_df_header_rows", 1)  # 0: a table without a header row
        for index, row in enumerate(rows):
            if index < head_rows:
                _tag_row(row, path + (head,), lambda: Mark("TH", {"A": {"O": "Table", "Scope": "Column"}}))
            else:
                _tag_row(row, path + (body,), lambda: Mark("TD"))
        if hasattr(flowable, "_df_body_tags"):  # tables.RowGroups: body rows tagged as they are made
            flowable._df_body_tags = (path, body)

    # ---------------------------------------------------------- marked content
    def _open(self, canv, node: Node | None, properties: str = "") -> None:
        code = canv._code
        if node is None:
            code.append(f"/Artifact {properties} BDC" if properties else "/Artifact BMC")
        else:
            page = canv._pageNumber - 1
            ids = self.mcids.setdefault(page, [])
            code.append(f"/{node.role} <</MCID {len(ids)}>> BDC")
            ids.append(node.num)
            node.kids.append(_mcr(page, len(ids) - 1))
        self.stack.append([node, len(code)])

    def _close(self, canv) -> None:
        node, start = self.stack.pop()
        code = canv._code
        if len(code) == start:  # nothing was drawn: no empty sequence, no MCID
            code.pop()
            if node is not None:
                page, _ = _page_mcid(node.kids.pop())
                self.mcids[page].pop()
        else:
            code.append("EMC")

    def enter(self, canv, flowable) -> object:
        """Close the enclosing sequence and open the flowable's; returns what `leave` needs."""
        outer = self.stack[-1][0] if self.stack else _NO_OUTER
        if self.stack:
            self._close(canv)
        leaf = _leaf(flowable)
        node = None
        if leaf is not None and flowable.__dict__.get("_df_drawn") is not self.pass_token:
            flowable._df_drawn = self.pass_token
            node = self.node(getattr(flowable, "_df_path", ()), leaf)
            lang = getattr(flowable, "_df_lang", None)
            if lang and "Lang" not in node.attrs:
                node.attrs["Lang"] = lang
            self.spans_carried = list(node.attrs.get("_spans", ()))
            alts = flowable.__dict__.get("_df_image_alts")
            if alts:
                node.attrs["_alts"] = list(alts)
            if leaf.role in CONTAINERS:
                self.register_cells(flowable, leaf)
                node = None  # grid, backgrounds: artifacts; the cells are tagged
            elif getattr(flowable, "bulletText", None) and node.parent.role == "LBody":
                self.label_for = node.parent
        self._open(canv, node)
        return outer

    def leave(self, canv, outer) -> None:
        self.label_for = None
        self.spans_carried = []
        self._close(canv)
        if outer is not _NO_OUTER:
            self._open(canv, outer)

    def _unmark(self, canv) -> None:
        """End the open sequence as if it had never been opened (its BDC removed, its MCID
        given back): what it holds so far is graphics state, which needs no marking."""
        node, start = self.stack.pop()
        del canv._code[start - 1]
        if node is not None:
            page, _ = _page_mcid(node.kids.pop())
            self.mcids[page].pop()

    def current(self) -> Node | None:
        return self.stack[-1][0] if self.stack else None

    # ------------------------------------------------------------------- save
    def finish(self, canv) -> None:
        """Write what is left of the structure tree, the parent tree, the IDTree, XMP and
        the catalog's entries (the pages and their elements are written already)."""
        doc = canv._doc
        self.retired.extend(reversed(self.chain[1:]))
        self.chain = [self.root]
        self.write_retired(everything=True)
        for node in list(self.nodes.values()):  # made, never drawn into (an empty group)
            self.write(node)
        self.nodes.clear()
        self.write(self.root)
        parent_tree = doc.reserve()
        doc.write_compressed(parent_tree, ("<< /Nums [" + "\n".join(
            f"{key} {value} 0 R" for key, value in zip(self.tree_keys, self.tree_values)) + "] >>").encode())
        entries = [f"/Type /StructTreeRoot /K {self.root.num} 0 R /ParentTree {parent_tree} 0 R "
                   f"/ParentTreeNextKey {self.next_key()}"]
        if self.with_id:  # elements with an /ID (notes: PDF/UA wants one) are found through the IDTree
            entries.append("/IDTree << /Names [" + " ".join(
                f"{PDFString(key).format(doc).decode('latin-1')} {num} 0 R" for key, num in sorted(self.with_id)) + "] >>")
        doc.write_compressed(self.tree_num, ("<< " + " ".join(entries) + " >>").encode("latin-1"))
        catalog = doc.Catalog
        catalog.StructTreeRoot = PDFObjectReference("R%d" % self.tree_num)
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = self._xmp()
        canv.setViewerPreference("DisplayDocTitle", "true")
        if self.options.language:
            catalog.Lang = PDFString(self.options.language)

    def _xmp(self) -> PDFStream:
        title = xml_escape(self.options.title)
        language = xml_escape(self.options.language or "x-default")
        creators = "".join(f"<rdf:li>{xml_escape(a)}</rdf:li>" for a in self.options.authors)
        creator = f"<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>" if creators else ""
        packet = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>\n'
            f'<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>\n'
            f'{creator}<dc:format>application/pdf</dc:format>\n'
            '<pdfuaid:part>1</pdfuaid:part>\n'
            '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>')
        return PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                         packet.encode("utf-8"), filters=[])


def tag_body_rows(rows, tags) -> None:
    """Tag the cells of table body rows made after their table was registered
    (tables.RowGroups makes each page's rows): `tags` is (the table's path, its TBody)."""
    path, body = tags
    for row in rows:
        _tag_row(row, path + (body,), lambda: Mark("TD"))



def _tag_row(row, section_path: tuple, cell_role) -> None:
    """Tag what each cell of a table row draws: one TR below `section_path`, and per cell a
    new element from `cell_role()` (TH or TD) holding the cell's flowables."""
    row_mark = Mark("TR")
    for cell in row:
        role = cell_role()
        for item in cell if isinstance(cell, (list, tuple)) else (cell,):
            if getattr(item, "drawOn", None) is None:
                continue
            item._df_path = section_path + (row_mark,)
            item._df_leaf = role
            _wrap_draw(item)

def _tagged_draw_on(flowable, original, canv, x, y, _sW=0):
    tagger = getattr(canv, "_df_tagger", None)
    if tagger is None:
        return original(canv, x, y, _sW)
    state = tagger.enter(canv, flowable)
    try:
        return original(canv, x, y, _sW)
    finally:
        tagger.leave(canv, state)


def _wrap_draw(flowable) -> None:
    """Bracket every later drawOn of this flowable (by its frame, or a cell by its table)."""
    if "drawOn" in flowable.__dict__:
        return
    original = type(flowable).drawOn
    # a weak reference: a closure holding the flowable would make a cycle, which only the
    # rare full collections free, and every drawn page of flowables would stay in memory
    ref = weakref.ref(flowable)

    def draw_on(canv, x, y, _sW=0):
        itself = ref()
        return _tagged_draw_on(itself, original.__get__(itself), canv, x, y, _sW)

    flowable.drawOn = draw_on


class TaggingFrame(Frame):
    """A frame that brackets each flowable it draws, and gives split parts their parent's element."""

    def add(self, flowable, canv, trySplit=0):
        tagger = getattr(canv, "_df_tagger", None)
        if tagger is not None:
            leaf = _leaf(flowable)
            if leaf is not None and leaf.role == "Table":
                tagger.register_cells(flowable, leaf)
            _wrap_draw(flowable)
        return super().add(flowable, canv, trySplit)

    def split(self, flowable, canv):
        tagger = getattr(canv, "_df_tagger", None)
        if tagger is not None:
            leaf = _leaf(flowable)
            if leaf is not None and leaf.role == "Table":
                tagger.register_cells(flowable, leaf)
        parts = super().split(flowable, canv)
        if tagger is not None and not isinstance(flowable, KeepTogether):
            path, leaf, lang = (getattr(flowable, "_df_path", None), getattr(flowable, "_df_leaf", None),
                                getattr(flowable, "_df_lang", None))
            cells = getattr(flowable, "_df_cells", False)
            for part in parts:
                if path is not None and not hasattr(part, "_df_path"):
                    part._df_path = path
                if leaf is not None and not hasattr(part, "_df_leaf"):
                    part._df_leaf = leaf
                if lang is not None and not hasattr(part, "_df_lang"):
                    part._df_lang = lang
                if cells:
                    part._df_cells = True
        return parts


_WORD = re.compile(r"[^ ]+")


class LogicalTextObject(PDFTextObject):
    """A text object that puts each shaped word whose glyphs do not read back as its text
    (scripts.logical_text) in `/Span <</ActualText …>> BDC … EMC`, so that extraction
    and screen readers get the word in logical order; the glyphs drawn are the same."""

    def _formatText(self, text):
        if not isinstance(text, ShapedStr):
            return super()._formatText(text)
        font = self._fontname
        out: list[str] = []
        start = 0
        for match in _WORD.finditer(text):
            logical = logical_text(font, match.group())
            if logical is None:
                continue
            if match.start() > start:
                out.append(super()._formatText(text[start:match.start()]))
            out.append("/Span <</ActualText <FEFF%s>>> BDC" % logical.encode("utf-16-be").hex().upper())
            out.append(super()._formatText(text[match.start():match.end()]))
            out.append("EMC")
            start = match.end()
        if not out:
            return super()._formatText(text)
        if start < len(text):
            out.append(super()._formatText(text[start:]))
        return " ".join(out)


class TaggingCanvas(rl_canvas.Canvas):
    """A canvas that writes its file as the pages are made (pdffile.py) and keeps a Tagger
    (when `tag_options` is set), which writes the structure as it is complete.
    `multi_pass`: a pass of a multi-pass build writes to a temporary file first."""
    tag_options: Options | None = None
    multi_pass = False

    def __init__(self, filename, *args, **kwargs):
        super().__init__(filename, *args, **kwargs)
        old = self._doc
        # a tagged PDF's structure elements go into object streams (StreamingDocument.write_compressed)
        doc = self._doc = StreamingDocument(Sink(filename, self.multi_pass), self.tag_options is not None,
                                            compression=old.compression, invariant=old.invariant,
                                            pdfVersion=old._pdfVersion)
        if getattr(old.Catalog, "Lang", None) is not None:
            doc.Catalog.Lang = old.Catalog.Lang
        self._make_preamble()
        self._destinations = doc.destinations = CompactDestinations(doc)
        self._df_tagger = Tagger(self.tag_options, doc) if self.tag_options is not None else None
        if self._df_tagger is not None:
            doc.page_hook = self._df_tagger.page_done
        self.setNamedCB(LANGUAGE_CALLBACK, _language_callback)  # called untagged too: it must exist

    def beginText(self, x=0, y=0, direction=None):
        if self._df_tagger is None:
            return super().beginText(x, y, direction)
        return LogicalTextObject(self, x, y, direction=direction)

    def begin_artifact(self, kind: str = "Pagination") -> None:
        """Page furniture (running header, page number) is an artifact."""
        if self._df_tagger is not None:
            self._code.append(f"/Artifact <</Type /{kind}>> BDC")

    def end_artifact(self) -> None:
        if self._df_tagger is not None:
            self._code.append("EMC")

    def drawText(self, aTextObject):
        try:
            return self._draw_text(aTextObject)
        finally:
            # reportlab's paragraphs give their text object a method bound to itself
            # (tx._do_line): a cycle per paragraph, which only the rare full collections
            # free (measured: many links 300 KB, 16 MB of them at the peak). Drawn, it is done.
            aTextObject.__dict__.pop("_do_line", None)

    def _draw_text(self, aTextObject):
        tagger = self._df_tagger
        li = tagger.label_for if tagger is not None else None
        node = tagger.current() if tagger is not None else None
        if li is None or node is None:
            if node is not None:
                self._close_spans(aTextObject, tagger, node)
            return super().drawText(aTextObject)
        # the first text a list item's paragraph draws is its bullet: the item's Lbl,
        # placed before the LBody the paragraph belongs to
        tagger.label_for = None
        tagger._unmark(self)  # only the paragraph's q/cm are in it yet: no MCID without text
        item = li.parent
        label = Node("Lbl", {}, item, self._doc.reserve())
        item.kids.insert(item.kids.index(li.num), label.num)
        tagger._open(self, label)
        super().drawText(aTextObject)
        tagger._close(self)
        tagger.retired.append(label)
        tagger._open(self, node)

    def _close_spans(self, text, tagger: Tagger, node: Node) -> None:
        """Open at the text's start the spans an earlier part of its paragraph left open,
        close at its end those still open, and keep them for the next part."""
        carried = node.attrs.pop("_spans", None)
        if carried:
            text._code[1:1] = [_span_open(lang, self._doc) for lang in carried]  # after BT
        still_open = tagger.spans_carried + text.__dict__.pop("_df_spans", [])
        text._code.extend("EMC" for _ in still_open)
        if still_open:
            node.attrs["_spans"] = still_open
        tagger.spans_carried = []

    def drawImage(self, image, *args, **kwargs):
        tagger = self._df_tagger
        node = tagger.current() if tagger is not None else None
        if node is None or node.role == "Figure":
            return super().drawImage(image, *args, **kwargs)
        # an image inside a line of text: a Figure of its own, with the alt text kept for it
        alts = node.attrs.pop("_alts", None)
        alt = alts.pop(0) if alts else "image"
        if alts:
            node.attrs["_alts"] = alts
        tagger._close(self)
        figure = tagger.new_node("Figure", {"Alt": alt or "image"}, node)
        tagger._open(self, figure)
        result = super().drawImage(image, *args, **kwargs)
        tagger._close(self)
        tagger.retired.append(figure)
        tagger._open(self, node)
        return result

    def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
        if self._df_tagger is not None:
            self._df_tagger.link_text = str(url)
        return super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)

    def linkRect(self, contents, destinationname, Rect=None, addtopage=1, name=None, relative=1,
                 thickness=0, color=None, dashArray=None, **kw):
        if self._df_tagger is not None:
            destinations = self._df_tagger.options.destinations
            self._df_tagger.link_text = contents or destinations.get(destinationname) or \
                f"Go to {destinationname}"
        return super().linkRect(contents, destinationname, Rect, addtopage, name, relative,
                                thickness, color, dashArray, **kw)

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        tagger = self._df_tagger
        if tagger is None:
            return super()._addAnnotation(annotation, name, addtopage)
        text = tagger.link_text or "link"
        tagger.link_text = ""
        key = tagger.next_key()
        if isinstance(annotation, PDFDictionary):
            annotation["Contents"] = PDFString(text)
            annotation["StructParent"] = key
        else:
            annotation.Contents = text
            annotation.permitted = annotation.permitted + ("StructParent",)
            annotation.otherkw["StructParent"] = key
        result = super()._addAnnotation(annotation, name, addtopage)
        number = self._doc.idToObjectNumberAndVersion[getattr(annotation, "__InternalName__")][0]
        link = tagger.new_node("Link", {}, tagger.current() or tagger.root)
        link.attrs["_annot"] = (number, self._pageNumber - 1)
        tagger.retired.append(link)
        tagger.tree_keys.append(key)
        tagger.tree_values.append(link.num)
        return result

    def save(self):
        if self._df_tagger is not None:
            self._df_tagger.finish(self)
        super().save()
