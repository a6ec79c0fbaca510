"""IR -> DOCX (Word): python-docx for the document's frame, WordprocessingML text for its body.

Real Word styles carry the look, themed from the Style (styles.py), so Word's navigation
pane, TOC and restyling work. Every list gets its own numbering instance (numbers restart
per list); tables have a repeating header row, theme fill, borders and zebra, and fixed
column widths computed from content that add up to the text width, and alt text
(w:tblCaption/w:tblDescription) from the caption; references are a Word numbered list of
their own (typed labels, with a diagnostic, when the labels are not 1, 2, 3...) whose
entries carry bookmarks that citations link to. Body text, the byline and an abstract use
pandoc's style names (Body Text, First Paragraph, Author, Date, Abstract), so a pandoc
reference.docx restyles them; the byline's date is written for the language, not ISO. The
theme's hyphenation is Word's automatic hyphenation, and its running header the title on
every page but the first. Notes are real footnotes (word/footnotes.xml, made only
for a document that has notes); images are embedded once per distinct file
(word/media/image-<hash>.<ext>) and shown inline at 96 dpi, fitted to the text. A
`--reference-docx` template supplies styles and page setup instead (styles it lacks are
added, themed; its own footnotes are dropped, its separators kept). Output is deterministic: fixed
core-property dates and zip timestamps.

The package:
- frame.py: what costs the same for every document (the default document or the
  template, page setup, styles, footer, settings, list definitions), built with
  python-docx once per theme/language/options and saved;
- styles.py: the themed Word styles;
- body.py: the body, a TreeRenderer writing WordprocessingML text (python-docx's
  per-element cost made a long body take seconds);
- spool.py: where that text waits, deflated, until the package is saved;
- oxml.py: the one module that edits python-docx's XML layer, for what it cannot do;
- here: the writer, which opens the frame, adds the core properties and the running
  header (the one part of the package besides the body that shows content), gives the body the
  relationships it asks for (links and images, from the document part or from the
  footnotes part, which it makes on the first note), and splices the body, list instances,
  footnotes and the spooled relationships into the package python-docx saves (each read
  back from its spool chunk by chunk into its zip member: never joined into one copy).
Memory: what the writer holds beyond the IR is the deflated markup (a fraction of the
input), digest tables of about 27 bytes per distinct link (and per unusual bookmark
name), and a few thousand pieces of markup at a time; a long table, list or bibliography
is cut into the spool row by row, item by item; the zip goes straight into a seekable
output (a file), into a buffer only for a stream it cannot seek in.
This writer never renumbers anything (labels and ids come from the IR and the
RenderContext; Word numbers a reference list only when its numbers are the labels) and
never writes text XML cannot hold (such characters are dropped and counted in one
diagnostic).
"""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

import docx

from ...errors import Diagnostic
from ..base import RenderContext
from ..xmltext import strip_illegal, xml_safe
from ..zipfiles import FixedTimeZip
from . import oxml as ox
from .body import DROPPED_WHERE, BodyBuilder, BodyLayout
from .frame import build_frame, template_key
from .spool import Spool

FIRST_MEMBER = "[Content_Types].xml"  # where Word and validators look first
CORE_PROPERTY_MAX = 255  # characters python-docx allows in a core property
HEADER_TITLE_CHARS = 110  # the running header is one line, as in the PDF


class DocxWriter:
    renderer = BodyBuilder

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        options, diagnostics = context.options, context.diagnostics
        language, dropped = strip_illegal(context.language)
        diagnostics.drop(dropped, DROPPED_WHERE)
        language = language.strip() or "en"
        frame = build_frame(context.style, language, context.toc, context.paper if options.paper else None,
                            template_key(options.reference_docx))
        for diagnostic in frame.diagnostics:
            diagnostics.add(diagnostic.message, diagnostic.severity)
        document = docx.Document(io.BytesIO(frame.package))
        media = ox.MediaParts(document.part.package)
        footnotes = _Footnotes(document, media)
        links = ox.Relationships(document.part, media)
        layout = BodyLayout(
            style_ids=dict(frame.style_ids), text_width_twips=frame.text_width_twips,
            abstract_bullet=frame.abstract_bullet, abstract_number=frame.abstract_number,
            abstract_reference=frame.abstract_reference,
            first_num=frame.first_num, links=links,
            note_links=footnotes.links, title_rule=not options.reference_docx,
            text_height_twips=frame.text_height_twips, first_footnote_id=frame.first_footnote_id,
            first_drawing_id=frame.first_drawing_id)
        body = BodyBuilder(context, layout).build()
        self._properties(document, context, language)
        self._running_header(document, context, frame)

        splices = [s for s in (ox.stage_body(document, body.markup),
                               ox.stage_numbering(document, body.numbering),
                               ox.stage_footnotes(footnotes.part(), body.footnotes) if body.footnotes
                               else None,
                               links.splice(document.part), footnotes.splice()) if s]
        del body  # its markup lives on in the splices, once
        saved = io.BytesIO()
        document.save(saved)
        self._package(saved, splices, context.timestamp.timetuple()[:6], out)
        return diagnostics.result()

    @staticmethod
    def _package(saved: BinaryIO, splices: list[ox.Splice], date_time: tuple, out: BinaryIO) -> None:
        """The package python-docx saved, with the staged markup in place of its markers,
        fixed timestamps and permissions and a stable member order, so that two runs give
        identical bytes, written to `out`. (Done in one pass: repacking the zip python-docx
        wrote with the body already in it would compress the body twice.)"""
        by_member: dict[str, list[ox.Splice]] = {}
        for splice in splices:
            by_member.setdefault(splice.member, []).append(splice)
        # A zip member's header is completed after its data, so the zip needs a stream it can
        # seek in, starting at 0 (zip offsets count from the start of the stream): the
        # output itself when it is one (a file), else a buffer copied out at the end.
        direct = _seekable_at_start(out)
        packed = out if direct else io.BytesIO()
        with zipfile.ZipFile(saved) as source, _PackageZip(packed, date_time) as target:
            names = source.namelist()
            for name in ([FIRST_MEMBER] if FIRST_MEMBER in names else []) + [n for n in names if n != FIRST_MEMBER]:
                pieces: list[bytes | Spool] = [source.read(name)]
                for splice in by_member.get(name, ()):
                    before, found, after = pieces.pop().partition(splice.marker)
                    if not found:  # never silently write a document without its body
                        raise RuntimeError(f"{name}: python-docx did not keep the {splice.marker!r} marker")
                    pieces += [before, splice.markup, after]
                target.write_spliced(name, pieces)
        if not direct:
            out.write(packed.getbuffer())

    @staticmethod
    def _running_header(document, context: RenderContext, frame) -> None:
        """The title on every page but the first, when the theme asks for a running header
        (a template's own header wins). Not counted as dropped: the title block counted it."""
        title = " ".join(xml_safe(context.doc.meta.title).split())
        if not (context.style.page.running_header and title):
            return
        if context.options.reference_docx and ox.has_content(document.sections[0].header):
            return
        if len(title) > HEADER_TITLE_CHARS:
            title = title[:HEADER_TITLE_CHARS - 1].rstrip() + "\u2026"
        ox.running_header(document, title, dict(frame.style_ids)["Header"])

    @staticmethod
    def _properties(document, context: RenderContext, language: str) -> None:
        props = document.core_properties
        m = context.doc.meta
        moment = context.timestamp.replace(tzinfo=None)
        # not counted as dropped: these repeat text the title block already counted
        props.title = xml_safe(m.title)[:CORE_PROPERTY_MAX]
        props.subject = xml_safe(m.subtitle)[:CORE_PROPERTY_MAX]
        props.author = xml_safe("; ".join(m.authors))[:CORE_PROPERTY_MAX]
        props.keywords = xml_safe(", ".join(m.keywords))[:CORE_PROPERTY_MAX]
        props.language = language[:CORE_PROPERTY_MAX]
        # everything else fixed, so a template's leftovers and the clock never leak in
        for name in ("comments", "category", "content_status", "identifier", "version"):
            setattr(props, name, "")
        props.last_modified_by = "docforge"
        props.revision = 1
        props.created = moment
        props.modified = moment
        props.last_printed = moment


def _seekable_at_start(out: BinaryIO) -> bool:
    """True for a stream the zip can be written into directly: seekable, at its start and
    not appending (an appending file would put the completed headers at its end)."""
    if "a" in str(getattr(out, "mode", "")):
        return False
    try:
        return out.seekable() and out.tell() == 0
    except (AttributeError, OSError, ValueError):
        return False


class _PackageZip(FixedTimeZip):
    """The output zip, whose members may hold spooled markup."""

    def write_spliced(self, name: str, pieces: list) -> None:
        """Member `name` made of `pieces` (bytes, or a Spool read back chunk by chunk) in
        order: the same bytes as writestr of their concatenation, without that copy."""
        info = self._member(name)
        # as writestr sets it: the size decides the member's zip64 form
        info.file_size = sum(piece.size if isinstance(piece, Spool) else len(piece) for piece in pieces)
        with self.open(info, mode="w") as member:
            for piece in pieces:
                if isinstance(piece, Spool):
                    for chunk in piece.chunks():
                        member.write(chunk)
                else:
                    member.write(piece)


class _Footnotes:
    """The footnotes part, made when the body first asks for it (a document without notes
    gets none), and its relationships."""

    def __init__(self, document, media: ox.MediaParts) -> None:
        self._document, self._media = document, media
        self._made: tuple | None = None

    def part(self):
        if self._made is None:
            part = ox.footnotes_part(self._document)
            self._made = (part, ox.Relationships(part, self._media))
        return self._made[0]

    def links(self) -> ox.Relationships:
        self.part()
        return self._made[1]

    def splice(self) -> ox.Splice | None:
        """The footnotes part's spooled relationships, when it was made."""
        return None if self._made is None else self._made[1].splice(self._made[0])


writer = DocxWriter()
