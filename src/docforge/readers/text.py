"""The plain-text article reader: unmarked feed text -> the IR, with the reasons for each block.

Heuristics, in the order they run:
1. Header fields at the top (`Title:`, `Author:`, `Date:`, `Keywords:`/`Tags:`,
   `Subtitle:`, `Lang:`) become metadata; otherwise the first non-blank line is the title.
2. Each line is classified by the first rule in LINE_RULES that matches it: blank, fence,
   `#` heading, table separator, table row, bullet, ordered item, quote, text.
3. Blocks are built from runs of classified lines: tables (header row + separator),
   lists (nested by indentation), quotes, code fences; a run of text lines is one
   paragraph when the document separates blocks by blank lines (hard-wrapped text is
   unwrapped), else one paragraph per line.
4. A text block is a heading when it is one short line without sentence punctuation
   at its end and body text follows it.
5. A heading named References/Sources/Bibliography/... turns the list after it into a
   References block; `[n]` markers in paragraphs become citations.
6. A last line of short comma-separated phrases is the keyword line.
Nothing is dropped: every non-blank input line ends up in some block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import Diagnostic
from ..model import (BulletList, Cell, CitationRef, CodeBlock, Document, Heading, Link, ListItem,
                     Meta, OrderedList, Paragraph, Quote, Reference, References, Table, Text,
                     ThematicBreak,
                     map_tree, walk)
from ..options import ReadOptions

REFERENCE_HEADINGS = {"references", "reference", "sources", "bibliography", "notes", "further reading",
                      "works cited", "literature", "citations", "参考文献", "参考资料", "參考資料",
                      "參考文獻", "出典", "参考", "источники", "литература", "список литературы"}
FIELD = re.compile(r"^(title|subtitle|author|authors|by|date|keywords|tags|lang|language|关键词|关键字|關鍵詞"
                   r"|キーワード|ключевые слова)\s*[:：]\s*(.*)$", re.I)
KEYWORD_LABEL = re.compile(r"^(keywords|tags|关键词|关键字|關鍵詞|キーワード|ключевые слова)\s*[:：]\s*", re.I)
BULLET = re.compile(r"^(\s*)([-*•–·])\s+(.*)$")
CJK_BULLET = re.compile(r"^(\s*)([・●○■□▪◦‣⁃➢►])\s*(\S.*)$")  # no space needed after these
BRACKET_ITEM = re.compile(r"^(\s*)[\[(](\d{1,3})[\])]\s+(.*)$")
ORDERED = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(.*)$")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
URL = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:)\]]|doi:\s*10\.\S+[^\s.,;])")
CITATION = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
SENTENCE_END = ".!:;,。；：，！"
# Lines made only of these words are the glue between code samples ("and", "becomes"),
# never headings.
FUNCTION_WORDS = {"and", "or", "to", "then", "becomes", "is", "are", "equivalent", "vs", "versus",
                  "compare", "with", "of", "the", "a", "an", "in", "as", "but", "so", "like"}
# A line ending in one of these is a sentence running into something the feed dropped
# (a code sample, an image), not a heading.
TRAILING_WORDS = {"like", "that", "are", "is", "of", "the", "to", "and", "or", "with", "for", "as",
                  "where", "which", "by", "a", "an", "this", "these", "following", "consist"}
BYLINE = re.compile(r"^(?:by|von|par|por|作者[:：]?)\s+(\S.{0,100}?)\s*$", re.I)
SETEXT = re.compile(r"^(=+|-+)\s*$")
SECTION_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+\S")


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str
    rule: str
    first_line: int
    last_line: int
    preview: str


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    kind: str
    text: str
    indent: int = 0
    marker: str = ""


def _indent(raw: str) -> int:
    return len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())


def classify(number: int, raw: str, in_fence: bool) -> Line:
    stripped = raw.strip()
    if raw.lstrip().startswith("```") or raw.lstrip().startswith("~~~"):
        return Line(number, "fence", raw)
    if in_fence:
        return Line(number, "code", raw)
    if not stripped:
        return Line(number, "blank", "")
    if stripped.startswith("\\") and len(stripped) > 1:
        # an editor's escape: "\Line" is always a paragraph, whatever it looks like
        return Line(number, "forced_paragraph", " ".join(stripped[1:].split()))
    if m := MD_HEADING.match(stripped):
        return Line(number, "md_heading", m.group(2), marker=m.group(1))
    if SETEXT.match(stripped) and len(stripped) >= 3:
        return Line(number, "underline", stripped, marker=stripped[0])
    if TABLE_SEP.match(stripped) and "-" in stripped:
        return Line(number, "table_sep", stripped)
    if m := BULLET.match(raw) or CJK_BULLET.match(raw):
        return Line(number, "bullet", m.group(3).strip(), _indent(raw), m.group(2))
    if m := BRACKET_ITEM.match(raw):
        # "[3] entry": a reference entry inside a References section, a paragraph elsewhere
        return Line(number, "bracket_item", " ".join(stripped.split()), _indent(raw), m.group(2))
    if m := ORDERED.match(raw):
        return Line(number, "ordered", m.group(3).strip(), _indent(raw), m.group(2))
    if stripped.startswith(">"):
        return Line(number, "quote", stripped[1:].strip())
    if "|" in stripped.replace("\\|", ""):
        return Line(number, "table_row", stripped)
    return Line(number, "text", " ".join(stripped.split()), _indent(raw))


def split_row(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [" ".join(c.replace("\\|", "|").split()) for c in cells]


def align_of(spec: str) -> str:
    spec = spec.strip()
    if spec.startswith(":") and spec.endswith(":"):
        return "center"
    if spec.endswith(":"):
        return "right"
    if spec.startswith(":"):
        return "left"
    return "default"


def inline(text: str, citations: bool = True) -> tuple:
    """Text with URLs as links and `[n]` markers as citations; every character is kept."""
    out: list = []
    pattern = re.compile(URL.pattern + (r"|" + CITATION.pattern if citations else ""))
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        token = m.group(0)
        if token.startswith("["):
            numbers = re.findall(r"\d+", token)
            if "–" in token or "-" in token and len(numbers) == 2:
                lo, hi = int(numbers[0]), int(numbers[1])
                numbers = [str(n) for n in range(lo, hi + 1)] if 0 < hi - lo < 20 else numbers
            for n in numbers:
                out.append(CitationRef(f"ref-{n}"))
        else:
            url = token if not token.lower().startswith("doi:") else "https://doi.org/" + token[4:].strip()
            out.append(Link((Text(token),), url))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return tuple(out)


def looks_like_heading(text: str) -> bool:
    """One short line without sentence punctuation at its end (a question mark is allowed:
    "Why now?"), not made only of function words and not ending in one ("... looks like")."""
    if not text or len(text) > 120 or text[-1] in SENTENCE_END:
        return False
    words = text.split()
    if all(w.lower() in FUNCTION_WORDS for w in words) or words[-1].lower() in TRAILING_WORDS:
        return False
    cjk = sum(1 for ch in text if "\u3040" <= ch <= "\u9fff")
    return (len(words) <= 16 if not cjk else len(text) <= 40)


def looks_like_keywords(text: str) -> list[str] | None:
    """A last line of short phrases separated by , ; 、 ， ； (optionally "Keywords:")."""
    text = KEYWORD_LABEL.sub("", text)
    parts = [p.strip() for p in re.split(r"[,;、，；]", text)]
    if len(parts) < 2 or any(not p for p in parts):
        return None
    if text.rstrip()[-1:] in ".!?。":
        return None
    if any(len(p.split()) > 6 or len(p) > 40 for p in parts):
        return None
    return parts


def _unlink_unknown_citations(blocks: list) -> list:
    """A `[n]` marker is a citation only when the document has a reference labelled n;
    otherwise it stays the text it was."""
    known = {n.id for b in blocks for n in walk(b) if isinstance(n, Reference)}

    def fix(node):
        if isinstance(node, CitationRef) and node.ref_id not in known:
            return Text(f"[{node.ref_id.removeprefix('ref-')}]")
        return node

    return [map_tree(b, fix) for b in blocks]


class TextReader:
    name = "text"
    extensions = (".txt", ".text")

    def read(self, text: str, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
        doc, diags, _ = self.parse(text)
        return doc, diags

    def explain(self, text: str) -> list[Decision]:
        return self.parse(text)[2]

    def parse(self, text: str):
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
        raw_lines = text.split("\n")
        diags: list[Diagnostic] = []
        decisions: list[Decision] = []
        meta: dict = {"authors": [], "keywords": []}

        # 1. header fields and title
        i = 0
        while i < len(raw_lines) and not raw_lines[i].strip():
            i += 1
        fields_seen = False
        while i < len(raw_lines) and (m := FIELD.match(raw_lines[i].strip())) and m.group(2).strip():
            key, value = m.group(1).lower(), m.group(2).strip()
            key = {"authors": "author", "by": "author", "tags": "keywords", "lang": "language"}.get(key, key)
            if KEYWORD_LABEL.match(m.group(0)):
                key = "keywords"
            if key in meta and key not in ("author", "keywords"):
                break  # a repeated single-valued field is body text, not a second value
            fields_seen = True
            if key == "author":
                meta["authors"] += [a.strip() for a in re.split(r";|\band\b|,", value) if a.strip()]
            elif key == "keywords":
                meta["keywords"] += [k.strip() for k in re.split(r"[,;、，；]", value) if k.strip()]
            else:
                meta[key] = value
            decisions.append(Decision(f"meta:{key}", "header_field", i + 1, i + 1, value[:70]))
            i += 1
        if "title" not in meta:
            while i < len(raw_lines) and not raw_lines[i].strip():
                i += 1
            if i < len(raw_lines):
                meta["title"] = re.sub(r"^#{1,6}\s+", "", " ".join(raw_lines[i].split()))
                decisions.append(Decision("title", "first_line_title", i + 1, i + 1, meta["title"][:70]))
                i += 1
                i = self._dek_and_byline(raw_lines, i, meta, decisions)

        # 2. classify
        lines: list[Line] = []
        in_fence = False
        for n in range(i, len(raw_lines)):
            line = classify(n + 1, raw_lines[n], in_fence)
            if line.kind == "fence":
                in_fence = not in_fence
            lines.append(line)

        # 6 (early). trailing keyword line
        nonblank = [ln for ln in lines if ln.kind != "blank"]
        if nonblank and nonblank[-1].kind == "text" and not meta["keywords"]:
            kws = looks_like_keywords(nonblank[-1].text)
            if kws and len(nonblank) > 1:
                meta["keywords"] = kws
                lines = [ln for ln in lines if ln is not nonblank[-1]]
                decisions.append(Decision("keywords", "trailing_keyword_line", nonblank[-1].number,
                                          nonblank[-1].number, nonblank[-1].text[:70]))

        # Blank-line separated layout: enough blank lines *between* blocks (leading and
        # trailing blank lines say nothing about the layout).
        first_nb = next((k for k, ln in enumerate(lines) if ln.kind != "blank"), 0)
        last_nb = max((k for k, ln in enumerate(lines) if ln.kind != "blank"), default=0)
        inner_blanks = sum(1 for ln in lines[first_nb:last_nb] if ln.kind == "blank")
        blank_separated = inner_blanks >= max(1, len(nonblank) // 5)
        blocks: list = []
        in_references = False
        pos = 0
        while pos < len(lines):
            line = lines[pos]
            kind = line.kind
            if kind == "blank":
                pos += 1
                continue
            if kind == "fence":
                end = pos + 1
                while end < len(lines) and lines[end].kind != "fence":
                    end += 1
                code = "\n".join(ln.text for ln in lines[pos + 1:end])
                lang = line.text.strip().strip("`~").strip()
                blocks.append(CodeBlock(code, lang))
                decisions.append(Decision("code", "fenced_code", line.number,
                                          lines[min(end, len(lines) - 1)].number, code[:70]))
                pos = end + 1
                continue
            if kind == "underline":
                blocks.append(ThematicBreak())
                decisions.append(Decision("rule", "underline_alone", line.number, line.number, line.text[:20]))
                pos += 1
                continue
            if kind == "text" and pos + 1 < len(lines) and lines[pos + 1].kind == "underline":
                level = 1 if lines[pos + 1].marker == "=" else 2
                blocks.append(Heading(level, inline(line.text, False)))
                in_references = line.text.strip().lower().rstrip(":") in REFERENCE_HEADINGS
                decisions.append(Decision("heading", "setext_heading", line.number, lines[pos + 1].number,
                                          line.text[:70]))
                pos += 2
                continue
            if kind == "md_heading":
                level = len(line.marker)
                blocks.append(Heading(level, inline(line.text, False)))
                in_references = line.text.strip().lower().rstrip(":") in REFERENCE_HEADINGS
                decisions.append(Decision("heading", "hash_heading", line.number, line.number, line.text[:70]))
                pos += 1
                continue
            if kind in ("table_row", "table_sep") and pos + 1 < len(lines) and (
                    kind == "table_sep" or lines[pos + 1].kind == "table_sep"):
                pos = self._table(lines, pos, blocks, diags, decisions)
                continue
            if kind in ("bullet", "ordered") or (kind == "bracket_item" and in_references):
                pos = self._list(lines, pos, blocks, decisions, in_references, diags)
                continue
            if kind == "quote":
                end = pos
                while end < len(lines) and lines[end].kind == "quote":
                    end += 1
                blocks.append(Quote((Paragraph(inline(" ".join(ln.text for ln in lines[pos:end]))),)))
                decisions.append(Decision("quote", "quote_marker", line.number, lines[end - 1].number,
                                          line.text[:70]))
                pos = end
                continue
            if kind == "forced_paragraph":
                blocks.append(Paragraph(inline(line.text)))
                decisions.append(Decision("paragraph", "backslash_paragraph", line.number, line.number,
                                          line.text[:70]))
                pos += 1
                continue
            # text (and stray table rows / code without structure)
            end = pos + 1
            if blank_separated:
                while end < len(lines) and lines[end].kind in ("text", "table_row", "bracket_item") and not (
                        end + 1 < len(lines) and lines[end + 1].kind == "underline"):
                    end += 1
            group = lines[pos:end]
            if len(group) > 1 and self._heading_atop_group(group):
                # "Heading\nbody text..." with no blank line between: split the heading off
                end = pos + 1
                group = lines[pos:end]
            joined = " ".join(ln.text for ln in group)
            nxt = end
            while nxt < len(lines) and lines[nxt].kind == "blank":
                nxt += 1
            following = lines[nxt] if nxt < len(lines) else None
            if len(group) == 1 and looks_like_heading(joined) and following is not None and (
                    following.kind != "text" or not looks_like_heading(following.text)
                    or blank_separated):
                numbered = SECTION_NUMBER.match(joined)
                level = min(6, numbered.group(1).count(".") + 1) if numbered else 1
                blocks.append(Heading(level, inline(joined, False)))
                in_references = joined.lower().rstrip(":") in REFERENCE_HEADINGS
                decisions.append(Decision("heading", "bare_line_heading", line.number, line.number, joined[:70]))
            elif len(group) == 1 and looks_like_heading(joined) and following is None:
                blocks.append(Paragraph(inline(joined)))
                decisions.append(Decision("paragraph", "last_line_paragraph", line.number, line.number, joined[:70]))
            else:
                blocks.append(Paragraph(inline(joined)))
                decisions.append(Decision("paragraph", "text_paragraph", line.number,
                                          group[-1].number, joined[:70]))
            pos = end
        blocks = _unlink_unknown_citations(blocks)
        doc = Document(Meta(title=meta.get("title", ""), subtitle=meta.get("subtitle", ""),
                            authors=tuple(meta["authors"]), date=meta.get("date", ""),
                            language=meta.get("language", ""), keywords=tuple(meta["keywords"])),
                       tuple(blocks))
        return doc, diags, decisions

    @staticmethod
    def _dek_and_byline(raw_lines: list[str], i: int, meta: dict, decisions: list) -> int:
        """Under the title: "By Jane Example" is the byline; a line right before a byline is
        the subtitle (dek). Anything else is left for the body rules."""
        def next_nonblank(k: int) -> int:
            while k < len(raw_lines) and not raw_lines[k].strip():
                k += 1
            return k

        first = next_nonblank(i)
        second = next_nonblank(first + 1)
        for dek, by in ((None, first), (first, second)):
            if by < len(raw_lines) and (m := BYLINE.match(raw_lines[by].strip())):
                if dek is not None:
                    if not looks_like_heading(" ".join(raw_lines[dek].split())) and len(raw_lines[dek]) > 160:
                        return i
                    meta["subtitle"] = " ".join(raw_lines[dek].split())
                    decisions.append(Decision("meta:subtitle", "dek_before_byline", dek + 1, dek + 1,
                                              meta["subtitle"][:70]))
                meta["authors"] += [a.strip() for a in re.split(r",|\band\b|&", m.group(1)) if a.strip()]
                decisions.append(Decision("meta:author", "byline", by + 1, by + 1, m.group(1)[:70]))
                return by + 1
        return i

    @staticmethod
    def _heading_atop_group(group: list) -> bool:
        """The first line of a run of text lines is a heading of its own when it looks like
        one and is clearly shorter than the wrapped lines below it (a hard-wrapped
        paragraph's first line is as long as the others)."""
        first = group[0].text
        longest = max(len(ln.text) for ln in group[1:])
        return looks_like_heading(first) and len(first) < 0.6 * longest and not first.endswith(",")

    def _table(self, lines, pos, blocks, diags, decisions) -> int:
        start = pos
        rows: list[list[str]] = []
        row_lines: list[int] = []
        aligns: list[str] = []
        while pos < len(lines) and lines[pos].kind in ("table_row", "table_sep"):
            if lines[pos].kind == "table_sep" and not aligns:
                aligns = [align_of(s) for s in split_row(lines[pos].text)]
            elif lines[pos].kind == "table_row":
                rows.append(split_row(lines[pos].text))
                row_lines.append(lines[pos].number)
            pos += 1
        if not rows:
            rows, row_lines = [[""]], [lines[start].number]
        width = max(len(r) for r in rows)
        for r, number in zip(rows, row_lines):
            if len(r) != width:
                diags.append(Diagnostic(f"table row has {len(r)} cells, widest row has {width}; padded",
                                        line=number))
                r.extend([""] * (width - len(r)))
        aligns = (aligns + ["default"] * width)[:width]
        header = tuple(Cell(inline(c)) for c in rows[0])
        body = tuple(tuple(Cell(inline(c)) for c in r) for r in rows[1:])
        blocks.append(Table(header, body, tuple(aligns)))
        decisions.append(Decision("table", "pipe_table", lines[start].number, lines[pos - 1].number,
                                  f"{width} columns x {len(rows)} rows"))
        return pos

    def _list(self, lines, pos, blocks, decisions, in_references, diags) -> int:
        start = pos
        kind = lines[pos].kind
        items: list[tuple[int, Line]] = []
        base = lines[pos].indent
        # one list per marker kind at its own level: "- a" then "1. b" are two lists
        list_kinds = ("bullet", "ordered", "bracket_item") if in_references else ("bullet", "ordered")
        while pos < len(lines) and lines[pos].kind in list_kinds and (
                lines[pos].indent > base or lines[pos].kind == kind or in_references):
            items.append((lines[pos].indent, lines[pos]))
            pos += 1
            # an item wrapped onto indented continuation lines: "- text\n  more text"
            while pos < len(lines) and lines[pos].kind == "text" and lines[pos].indent > items[-1][0]:
                indent, item = items[-1]
                items[-1] = (indent, replace(item, text=f"{item.text} {lines[pos].text}"))
                pos += 1
        if in_references:
            entries = []
            for n, (_, ln) in enumerate(items, 1):
                label = ln.marker if ln.kind in ("ordered", "bracket_item") else str(n)
                entry_text = BRACKET_ITEM.sub(r"\3", ln.text) if ln.kind == "bracket_item" else ln.text
                urls = URL.findall(entry_text)
                url = urls[-1] if urls else ""
                if url.lower().startswith("doi:"):
                    url = "https://doi.org/" + url[4:].strip()
                if not url and re.search(r"\bLink\s*$", entry_text):
                    diags.append(Diagnostic(f"reference {label} ends with a 'Link' placeholder but the "
                                            "feed gives no URL; kept as text", line=ln.number))
                entries.append(Reference(f"ref-{label}", label, inline(entry_text, False), url))
            blocks.append(References(tuple(entries)))
            decisions.append(Decision("references", "references_list", lines[start].number,
                                      lines[pos - 1].number, f"{len(entries)} entries"))
            return pos
        nxt = pos
        while nxt < len(lines) and lines[nxt].kind == "blank":
            nxt += 1
        if (kind == "ordered" and len(items) == 1 and looks_like_heading(items[0][1].text)
                and nxt < len(lines) and lines[nxt].kind == "text"
                and not looks_like_heading(lines[nxt].text)):
            # "1. Introduction" alone, then body text: a numbered section heading, not a list
            ln = items[0][1]
            blocks.append(Heading(1, inline(f"{ln.marker}. {ln.text}", False)))
            decisions.append(Decision("heading", "numbered_heading", ln.number, ln.number, ln.text[:70]))
            return pos
        blocks.append(self._build_list(items, 0, len(items)))
        decisions.append(Decision("bullet_list" if kind == "bullet" else "ordered_list", "list_items",
                                  lines[start].number, lines[pos - 1].number, lines[start].text[:70]))
        return pos

    def _build_list(self, items, lo, hi):
        base = items[lo][0]
        entries: list = []
        k = lo
        while k < hi:
            indent, ln = items[k]
            j = k + 1
            while j < hi and items[j][0] > base:
                j += 1
            children = (self._build_list(items, k + 1, j),) if j > k + 1 else ()
            entries.append(ListItem((Paragraph(inline(ln.text)),) + children))
            k = j
        first = items[lo][1]
        if first.kind == "ordered":
            return OrderedList(tuple(entries), int(first.marker))
        return BulletList(tuple(entries))


reader = TextReader()
