"""A docforge writer plugin: the document as readable plain text (`--to plaintext`).

Installing this package registers the entry point `plaintext` in the group
"docforge.writers"; docforge's format table finds it there and fills the row from the
writer's `extension`, `media_type` and `description`. The writer follows the protocol of
docforge/writers/base.py: a TreeRenderer subclass with one method per node class, and
`write(context, out)` returning the diagnostics. Like every writer it takes numbers,
labels and the byline from the RenderContext and never decides them itself.

Plain text has no markup, so: footnotes are marked `[^1]` where they occur and listed
after the text; an image is its alt text in brackets; a figure its content and then
"Figure 1: caption"; math is its TeX source; strikeout is ~~text~~, superscript ^text,
subscript _text, underline _text_; spans and divs are their content (a language needs no
mark in plain text); raw blocks and inlines for another format are left out with a
diagnostic, those for plain text are passed through.
"""
from __future__ import annotations

import textwrap
import unicodedata
from typing import BinaryIO

from docforge.errors import Diagnostic
from docforge.model import BulletList, OrderedList
from docforge.writers import semantics
from docforge.writers.base import RenderContext, TreeRenderer

WIDTH = 72
# The title is over- and underlined with "="; section levels 1, 2, 3 are underlined with
# these (deeper levels reuse the last).
UNDERLINES = "=-~"
COLUMN_GAP = 2   # spaces between table columns
INDENT = 4       # a definition under its term, display math under its paragraph
NOTES_RULE = "-" * 20  # between the text and its footnotes
PLAIN_FORMATS = ("plain", "plaintext", "text")  # raw markup for these is passed through
MIN_COLUMN = 8   # a table column is not narrowed below this; its cells' long words overflow


def columns(text: str) -> int:
    """How many terminal columns `text` takes: East Asian wide characters take two, so
    that underlines and table columns line up under Chinese or Japanese text too."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(widths: list[int], room: int) -> list[int]:
    """Column widths that fit in `room` columns: the widest column gives up a column at a
    time (its cells then wrap), none below MIN_COLUMN; a table that cannot fit stays wider."""
    widths = list(widths)
    while sum(widths) > room and max(widths) > MIN_COLUMN:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def pad(text: str, width: int, align: str) -> str:
    """`text` padded to `width` columns, aligned "left", "right" or "center"."""
    room = max(width - columns(text), 0)
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


class PlainTextRenderer(TreeRenderer):
    """IR -> lines of text. A block method returns its lines for the width it is given."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.notes: list = []   # footnotes in the order their markers were rendered
        self.dropped_raw: dict[str, int] = {}  # format -> raw pieces left out

    def document(self) -> str:
        meta = self.context.doc.meta
        lines: list[str] = []
        if meta.title:
            rule = "=" * columns(meta.title)
            lines += [rule, meta.title, rule]
        if meta.subtitle:
            lines.append(meta.subtitle)
        if self.context.byline:
            lines.append(semantics.BYLINE_SEPARATOR.join(self.context.byline))
        if meta.keywords:
            lines += self._wrap("Keywords: " + ", ".join(meta.keywords), WIDTH)
        chunks = ["\n".join(lines)] if lines else []
        # a block that shows nothing (raw markup for another format) leaves no blank lines
        chunks += ["\n".join(lines) for lines in (self.render(block, WIDTH) for block in self.context.doc.blocks)
                   if lines]
        if self.notes:
            chunks.append(NOTES_RULE)
            done = 0
            while done < len(self.notes):  # a note may hold a note: it joins the list as it is rendered
                note = self.notes[done]
                done += 1
                marker = f"[^{note.label}] "
                body = self._blocks(note.blocks, WIDTH - len(marker)) or [""]
                chunks.append("\n".join([(marker + body[0]).rstrip()]
                                        + [(" " * len(marker) + line).rstrip() for line in body[1:]]))
        for fmt, count in sorted(self.dropped_raw.items()):
            self.context.diagnostics.add(f"left out {count} raw {fmt} piece(s): plain text cannot show that markup")
        return "\n\n".join(chunks) + "\n"

    # ------------------------------------------------------------- helpers
    @staticmethod
    def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
        """Wrap `text` at `width`; a line break in it (from LineBreak) starts a new line.
        Long words (URLs) are never split, so they stay usable."""
        lines: list[str] = []
        for part in text.split("\n"):
            lines += textwrap.wrap(part, width, initial_indent=first if not lines else rest,
                                   subsequent_indent=rest, break_long_words=False,
                                   break_on_hyphens=False) or [(first if not lines else rest).rstrip()]
        return lines

    def text(self, inlines) -> str:
        dispatch = self.dispatch
        return "".join([dispatch[type(node)](self, node) for node in inlines])

    def _blocks(self, blocks, width: int, in_item: bool = False) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            rendered = self.render(block, width)
            if not rendered:
                continue
            # A list nested in a list item follows its item's text without a blank line.
            if lines and not (in_item and type(block) in (BulletList, OrderedList)):
                lines.append("")
            lines += rendered
        return lines

    def _items(self, items, markers: list[str], width: int) -> list[str]:
        indent = max(len(m) for m in markers) + 1
        lines: list[str] = []
        for marker, item in zip(markers, items):
            body = self._blocks(item.blocks, width - indent, in_item=True) or [""]
            lines.append(f"{marker:<{indent}}{body[0]}".rstrip())
            lines += [(" " * indent + line).rstrip() for line in body[1:]]
        return lines

    # ------------------------------------------------------------- blocks
    def block_heading(self, node, width: int) -> list[str]:
        title = self.text(node.inlines)
        return [title, UNDERLINES[min(node.level, len(UNDERLINES)) - 1] * columns(title)]

    def block_paragraph(self, node, width: int) -> list[str]:
        lines = self._wrap(self.text(node.inlines), width)
        while len(lines) > 1 and not lines[-1]:  # display math at the end leaves an empty line
            lines.pop()
        return lines

    def block_bullet_list(self, node, width: int) -> list[str]:
        return self._items(node.items, ["-"] * len(node.items), width)

    def block_ordered_list(self, node, width: int) -> list[str]:
        return self._items(node.items, [f"{node.start + i}." for i in range(len(node.items))], width)

    def block_table(self, node, width: int) -> list[str]:
        header = [self.text(cell.inlines) for cell in node.header]
        rows = [[self.text(cell.inlines) for cell in row] for row in node.rows]
        widths = fit([max(columns(r[i]) for r in [header, *rows]) for i in range(len(header))],
                     width - COLUMN_GAP * (len(header) - 1))
        aligns = list(node.aligns) + ["default"] * (len(header) - len(node.aligns))

        def lines_of(cells: list[str]) -> list[str]:
            wrapped = [self._wrap(text, widths[i]) for i, text in enumerate(cells)]
            return [(" " * COLUMN_GAP).join(pad(w[k] if k < len(w) else "", widths[i], aligns[i])
                                            for i, w in enumerate(wrapped)).rstrip()
                    for k in range(max(map(len, wrapped)))]

        body = [lines_of(r) for r in rows]
        # Rows that wrapped onto several lines are told apart by a blank line between them.
        gap = [""] if any(len(b) > 1 for b in body) else []
        lines = []
        lead = semantics.caption_lead(node)
        if lead or node.caption:
            lines += self._wrap(lead + self.text(node.caption), width)
        lines += lines_of(header) + [(" " * COLUMN_GAP).join("-" * w for w in widths)]
        for i, row_lines in enumerate(body):
            lines += (gap if i else []) + row_lines
        return lines

    def block_quote(self, node, width: int) -> list[str]:
        return [("> " + line).rstrip() for line in self._blocks(node.blocks, width - 2)]

    def block_code_block(self, node, width: int) -> list[str]:
        return ["    " + line if line else "" for line in node.text.split("\n")]

    def block_thematic_break(self, node, width: int) -> list[str]:
        return ["* * *".center(width).rstrip()]

    def block_references(self, node, width: int) -> list[str]:
        lines: list[str] = []
        for ref in node.entries:
            text = self.text(ref.inlines)
            url = semantics.shown_reference_url(ref)
            marker = f"[{ref.label}] "
            lines += self._wrap(f"{text} {url}" if url else text, width, marker, " " * len(marker))
        return lines

    def block_definition_list(self, node, width: int) -> list[str]:
        lines: list[str] = []
        for item in node.items:
            if lines:
                lines.append("")
            lines += self._wrap(self.text(item.term), width)
            for definition in item.definitions:
                lines += [(" " * INDENT + line).rstrip() for line in self._blocks(definition, width - INDENT)]
        return lines

    def block_line_block(self, node, width: int) -> list[str]:
        # Leading spaces are kept: in verse and addresses they are the layout.
        return [line for inlines in node.lines for line in self._wrap(self.text(inlines), width)]

    def block_div(self, node, width: int) -> list[str]:
        return self._blocks(node.blocks, width)

    def block_figure(self, node, width: int) -> list[str]:
        lines = self._blocks(node.blocks, width)
        lead = semantics.caption_lead(node)
        if lead or node.caption:
            lines += self._wrap(lead + self.text(node.caption), width)
        return lines

    def block_raw_block(self, node, width: int) -> list[str]:
        if node.format.lower() in PLAIN_FORMATS:
            return node.text.split("\n")
        self.dropped_raw[node.format] = self.dropped_raw.get(node.format, 0) + 1
        return []

    # ------------------------------------------------------------- inlines
    def inline_text(self, node) -> str:
        return node.text

    def inline_emph(self, node) -> str:
        return f"_{self.text(node.inlines)}_"

    def inline_strong(self, node) -> str:
        return f"*{self.text(node.inlines)}*"

    def inline_code(self, node) -> str:
        return f"`{node.text}`"

    def inline_link(self, node) -> str:
        text = self.text(node.inlines)
        url = semantics.safe_url(node.url)
        if url is None or url.startswith("#") or text == node.url:
            return text
        return f"{text} <{url}>"

    def inline_citation_ref(self, node) -> str:
        return f"[{self.context.citation_label(node.ref_id)}]"

    def inline_line_break(self, node) -> str:
        return "\n"

    def inline_strikeout(self, node) -> str:
        return f"~~{self.text(node.inlines)}~~"

    def inline_superscript(self, node) -> str:
        return f"^{self.text(node.inlines)}"

    def inline_subscript(self, node) -> str:
        return f"_{self.text(node.inlines)}"

    def inline_small_caps(self, node) -> str:
        return self.text(node.inlines)

    def inline_underline(self, node) -> str:
        return f"_{self.text(node.inlines)}_"

    def inline_span(self, node) -> str:
        return self.text(node.inlines)

    def inline_math(self, node) -> str:
        return f"\n{' ' * INDENT}{node.text}\n" if node.display else node.text

    def inline_raw_inline(self, node) -> str:
        if node.format.lower() in PLAIN_FORMATS:
            return node.text
        self.dropped_raw[node.format] = self.dropped_raw.get(node.format, 0) + 1
        return ""

    def inline_image(self, node) -> str:
        return f"[{self.text(node.inlines)}]"

    def inline_note(self, node) -> str:
        self.notes.append(node)
        return f"[^{node.label}]"


class PlainTextWriter:
    """The writer object the entry point names."""
    renderer = PlainTextRenderer
    extension = "txt"
    media_type = "text/plain"
    description = f"readable plain text, wrapped at {WIDTH} columns (plugin example)"

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        text = PlainTextRenderer(context).document()
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from undecodable input
            data = text.encode("utf-8", "replace")
            context.diagnostics.add("replaced lone surrogates, which UTF-8 cannot hold, with '?'")
        out.write(data)
        return context.diagnostics.result()


writer = PlainTextWriter()
