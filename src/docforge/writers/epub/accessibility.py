"""What an EPUB says about its own accessibility (EPUB Accessibility 1.1, schema.org
metadata), derived from what the book holds.

`describe(context, pages)` looks once at the document and the rendered files and returns
an `Accessibility`: the access modes (textual; visual when there are images), the modes
sufficient to read it, the features it really has (structural navigation only with
headings, alternative text only when every image has some, MathML only when a formula
was written as MathML, ...), the hazards (none: docforge writes no sound, motion or
flashing), a summary a person can read, and whether the book meets EPUB Accessibility
1.1 at WCAG 2.2 Level AA as far as docforge can tell (every image has alt text, no
heading is empty, no table has a header row without text, no raw HTML it cannot vouch
for; a link without text shows its URL, see html/body.py); when it does not, `shortfalls`
says why (in English, for the diagnostic), and the package claims no conformance.
A table without a header row (header=(), as the feed reader reads `| a | b |` rows)
does not stand in the way: WCAG 1.3.1 asks that headers shown be marked up, and such a
table shows none (it is written without <thead>, and the summary counts it apart).
The summary is in the book's language, from the labels catalogue's a11y_* sentences.

Metadata overrides (-M / --metadata-file): `accessibility-summary` replaces the generated
summary, `certified-by` becomes a11y:certifiedBy (and `certifier-credential` its
a11y:certifierCredential). This module must never render or package anything.
"""
from __future__ import annotations

from ...model import (Heading, Image, Math, Note, RawBlock, RawInline, References, Table,
                      plain_text, walk)
from ...labels import Labels
from ..base import RenderContext

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
SUMMARY_KEY, CERTIFIED_BY_KEY, CREDENTIAL_KEY = "accessibility-summary", "certified-by", "certifier-credential"
_HTML = frozenset(("html", "html4", "html5"))
_WIDE_STOPS = ("\u3002", "\uff01", "\uff1f", "\uff0e")  # 。！？．


class Accessibility:
    """The schema.org accessibility metadata of one book (see the module docstring)."""
    __slots__ = ("modes", "sufficient", "features", "hazards", "summary", "shortfalls",
                 "certified_by", "credential")

    def __init__(self, modes, sufficient, features, hazards, summary, shortfalls, certified_by, credential):
        self.modes, self.sufficient, self.features, self.hazards = modes, sufficient, features, hazards
        self.summary, self.shortfalls = summary, shortfalls
        self.certified_by, self.credential = certified_by, credential

    @property
    def conforms(self) -> bool:
        return not self.shortfalls


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe(context: RenderContext, pages) -> Accessibility:
    """The book's accessibility metadata, from `context.doc` and its rendered `pages`
    (a pages.BookPages: which images were embedded, which files hold MathML)."""
    counts = dict.fromkeys(("heading", "table", "image", "no_alt", "note", "math", "references",
                            "empty_heading", "headless_table", "plain_table", "raw"), 0)
    for block in context.doc.blocks:
        for node in walk(block):
            kind = type(node)
            if kind is Heading:
                counts["heading"] += 1
                counts["empty_heading"] += not plain_text(node, notes=False).strip()
            elif kind is Image:
                counts["image"] += 1
                counts["no_alt"] += not plain_text(node).strip()
            elif kind is Table:
                counts["table"] += 1
                # no header row is a table of data only (nothing shown as a header goes
                # unmarked); a header row of empty cells names nothing (axe empty-table-header)
                counts["plain_table"] += not node.header
                counts["headless_table"] += bool(node.header) and not any(
                    plain_text(cell).strip() for cell in node.header)
            elif kind is Note:
                counts["note"] += 1
            elif kind is Math:
                counts["math"] += 1
            elif kind is References:
                counts["references"] += len(node.entries)
            elif (kind is RawBlock or kind is RawInline) and node.format.strip().lower() in _HTML:
                counts["raw"] += 1
    mathml = any("mathml" in page.properties for page in pages.pages)
    visual = bool(pages.images)  # embedded pictures (the cover too); a remote image is its alt text

    shortfalls = []
    if counts["no_alt"]:
        shortfalls.append(f"{_count(counts['no_alt'], 'image has', 'images have')} no alternative text")
    if counts["empty_heading"]:
        shortfalls.append(f"{_count(counts['empty_heading'], 'heading is', 'headings are')} empty")
    if counts["headless_table"]:
        shortfalls.append(f"{_count(counts['headless_table'], 'table has', 'tables have')} "
                          "a header row without text")
    if counts["raw"]:
        shortfalls.append(f"{_count(counts['raw'], 'piece', 'pieces')} of the author's raw HTML "
                          "cannot be checked")

    features = ["readingOrder", "tableOfContents"]
    if counts["heading"] and not counts["empty_heading"]:
        features.append("structuralNavigation")
    if counts["image"] and not counts["no_alt"]:
        features.append("alternativeText")
    if mathml:
        features.append("MathML")
    elif counts["math"]:
        features.append("latex")  # formulas latex2mathml could not convert stay TeX source
    if counts["note"] or counts["references"] or counts["table"]:
        features.append("ARIA")  # doc-noteref/doc-footnote, doc-bibliography, labelled table regions
    features.append("displayTransformability")  # reflowable text styled by CSS alone

    modes = ["textual"] + (["visual"] if visual else [])
    # every image has a text alternative: text alone is enough; else only both together
    sufficient = ["textual"] if not (visual and counts["no_alt"]) else []
    if visual:
        sufficient.append("textual,visual")

    meta = dict(context.doc.meta.extra)
    summary = " ".join(meta.get(SUMMARY_KEY, "").split()) or _summary(counts, mathml, visual, shortfalls,
                                                                            context.labels)
    return Accessibility(modes, sufficient, features, ["none"], summary, shortfalls,
                         " ".join(meta.get(CERTIFIED_BY_KEY, "").split()),
                         " ".join(meta.get(CREDENTIAL_KEY, "").split()))


def _summary(counts: dict, mathml: bool, visual: bool, shortfalls: list[str], labels: Labels) -> str:
    """A plain-language account of what the book holds and how it can be read, in the
    book's language (the catalogue's a11y_* sentences: counts written "what: n")."""
    say = labels.say
    sentences = [say("a11y_conforms", standard=CONFORMS_TO) if not shortfalls
                 else say("a11y_no_claim", standard=CONFORMS_TO),
                 say("a11y_reflowable")]
    with_alt = counts["image"] - counts["no_alt"]
    counted = (("a11y_headings", counts["heading"] - counts["empty_heading"]),
               ("a11y_tables", counts["table"] - counts["plain_table"]),
               ("a11y_plain_tables", counts["plain_table"]),
               ("a11y_images", with_alt), ("a11y_images_no_alt", counts["no_alt"]),
               ("a11y_math_mathml" if mathml else "a11y_math_tex", counts["math"]),
               ("a11y_notes", counts["note"]), ("a11y_references", counts["references"]),
               ("a11y_empty_headings", counts["empty_heading"]),
               ("a11y_empty_headers", counts["headless_table"]), ("a11y_raw_html", counts["raw"]))
    sentences += [say(key, n=n) for key, n in counted if n]
    if not visual:
        sentences.append(say("a11y_text_only"))
    sentences.append(say("a11y_no_hazards"))
    # Chinese and Japanese put no space after a full stop of their own ("。")
    return "".join(sentence + ("" if sentence.endswith(_WIDE_STOPS) else " ") for sentence in sentences).rstrip()
