"""The bridge's writers: any output pandoc writes, from docforge's JSON (`pandoc -f json -t FMT`).

`writers.rst`, `writers.odt`, ... (formats.py names them so) are PandocWriter objects: a
Writer in the sense of writers/base.py whose `renderer` is the JSON writer's, because the
JSON writer (formats.get_writer("json")) renders the prepared document and pandoc only
turns that JSON into its format. So heading numbers, table and figure labels, note
numbers and reference labels are docforge's, the same as in its own formats.

What the writer adds to pandoc's command line, from the options and the context:
`-s` with --standalone and always for formats that are nothing without it (the zip
containers, slides, notebooks, FictionBook); `--toc --toc-depth N` when the context wants
a table of contents; `--reference-doc` for odt/pptx when the reference document has that
extension; `--epub-cover-image` for epub2; the theme's language when the document names
none; and the pandoc options given for pandoc's writers (WriteOptions.pandoc_args).
Raw blocks and inlines the writer drops (those of other formats, RAW_KEPT) are said in
one diagnostic. Formats that embed images (odt, pptx, epub2, chunkedhtml, fb2, icml) get every image
resolved by the context (the resource path) as a data: URI, and an image that cannot be
loaded as its alt text (the context has said why), so pandoc fetches nothing. Without
-s pandoc writes no title block: a diagnostic says which metadata was left out. Binary
formats go through a temporary file, dated by the context's timestamp (SOURCE_DATE_EPOCH
for pandoc) and, for EPUB 2, identified by a hash of the content, so the same input gives
the same bytes; text formats are written as pandoc's UTF-8 text.
This module never renumbers anything and never writes anywhere but `out`.
"""
from __future__ import annotations

import io
import os
import re
from typing import BinaryIO

from .. import formats
from ..errors import ConversionError, Diagnostic, InputError, UsageError
from ..model import Image, RawBlock, RawInline, Span, map_tree, walk
from ..records import replace
from ..writers.base import RenderContext
from ..writers.pandoc_json import AstRenderer
from ..writers.xmltext import dropped_diagnostic
from . import pandoc

BINARY_OUTPUTS = frozenset({"odt", "pptx", "epub2", "epub", "epub3", "docx", "chunkedhtml"})
STANDALONE_ALWAYS = BINARY_OUTPUTS | {"fb2", "ipynb", "opml", "revealjs", "slidy", "slideous",
                                      "dzslides", "s5", "icml"}
EMBEDS_IMAGES = BINARY_OUTPUTS | {"fb2", "icml"}
# The raw formats each pandoc writer passes through (pandoc's writers leave the others out
# silently: the bridge says so). Absent: the writer keeps raw markup of its own name only.
_ALL = frozenset({"*"})
_HTML = frozenset({"html", "html4", "html5"})
RAW_KEPT = {
    "markdown": _ALL, "markdown_mmd": _ALL, "markdown_phpextra": _HTML | {"tex", "latex"},
    "markdown_strict": _HTML, "gfm": _HTML, "commonmark": _HTML, "commonmark_x": _ALL,
    "markdown_github": _HTML, "native": _ALL, "json": _ALL, "xml": _ALL, "rst": _ALL,
    "latex": frozenset({"latex", "tex"}), "beamer": frozenset({"latex", "tex", "beamer"}),
    "context": frozenset({"context", "tex"}), "html4": _HTML, "epub2": _HTML, "revealjs": _HTML | {"revealjs"},
    "slidy": _HTML, "slideous": _HTML, "dzslides": _HTML, "s5": _HTML, "chunkedhtml": _HTML,
    "org": frozenset({"org", "latex", "tex", "html"}), "textile": _HTML | {"textile"},
    "mediawiki": _HTML | {"mediawiki"}, "dokuwiki": _HTML | {"dokuwiki"}, "odt": frozenset({"opendocument"}),
    "opendocument": frozenset({"opendocument"}), "docbook": frozenset({"docbook", "docbook4", "docbook5"}),
    "docbook4": frozenset({"docbook", "docbook4"}), "docbook5": frozenset({"docbook", "docbook5"}),
    "jats": frozenset({"jats"}), "ms": frozenset({"ms", "roff"}), "man": frozenset({"man", "roff"}),
    "pptx": frozenset({"openxml"}), "typst": frozenset({"typst"}), "texinfo": frozenset({"texinfo"}),
}
# formats whose package carries an identifier pandoc would make random (a UUID)
IDENTIFIED = frozenset({"epub2", "epub", "epub3"})
# the extension a reference document must have to be used for a format
REFERENCE_DOC = {"odt": ".odt", "pptx": ".pptx"}


class PandocWriter:
    """Writes one pandoc output format (with pandoc's extension syntax: "gfm+emoji")."""
    renderer = AstRenderer

    def __init__(self, pandoc_format: str) -> None:
        self.format = pandoc_format
        self.base = formats.split_extensions(pandoc_format)[0] or pandoc_format
        self.binary = self.base in BINARY_OUTPUTS

    def __repr__(self) -> str:
        return f"PandocWriter({self.format!r})"

    def with_extensions(self, extensions: str) -> "PandocWriter":
        return PandocWriter(self.format + extensions)

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        options = context.options
        target = options.source_name
        purpose = f"{target}: writing {self.format}"
        pandoc.find(purpose)
        diagnostics: list[Diagnostic] = []
        args, sandbox = self._arguments(context, diagnostics)
        diagnostics.extend(self._raw_left_out(context))
        if self.base in EMBEDS_IMAGES:
            context = self._with_embedded_images(context)
        buffer = io.BytesIO()
        json_diagnostics, controls = formats.get_writer("json").write_counting(context, buffer)
        diagnostics.extend(json_diagnostics)
        ast, dropped = without_illegal_characters(buffer.getvalue().decode("utf-8"))
        dropped += controls  # one diagnostic for this format: the JSON writer's rule and these
        if dropped:
            diagnostics.append(dropped_diagnostic(dropped, f"pandoc's {self.format}"))
        if self.binary:
            import tempfile  # (only for the zip formats)
            if self.base in IDENTIFIED and not dict(context.doc.meta.extra).get("identifier"):
                args.append(f"--metadata=identifier:{_identifier(ast)}")
            # the zip formats are dated by pandoc from SOURCE_DATE_EPOCH, else the clock:
            # docforge's date (the source's, else the document's...) keeps them reproducible
            dated = {"SOURCE_DATE_EPOCH": str(int(context.timestamp.timestamp()))}
            with tempfile.TemporaryDirectory(prefix="docforge-pandoc-") as folder:
                path = os.path.join(folder, f"output.{self.base}")
                _, warnings = self._run(purpose, target, ast, args, path, sandbox, dated)
                with open(path, "rb") as handle:
                    out.write(handle.read())
        else:
            text, warnings = self._run(purpose, target, ast, args, None, sandbox)
            out.write(text.encode("utf-8"))
        # pandoc's fetch warnings repeat what the context said about an image it could not load
        warnings = [w for w in warnings if "Could not fetch resource" not in w.message]
        return list(dict.fromkeys(context.diagnostics.result() + diagnostics + warnings))

    def _arguments(self, context: RenderContext, diagnostics: list[Diagnostic]) -> tuple[list[str], bool]:
        options, meta = context.options, context.doc.meta
        args: list[str] = []
        sandbox = True
        standalone = options.standalone or self.base in STANDALONE_ALWAYS
        if standalone:
            args.append("--standalone")
        else:
            lost = [name for name, value in (("title", meta.title), ("subtitle", meta.subtitle),
                                             ("authors", meta.authors), ("date", meta.date),
                                             ("keywords", meta.keywords)) if value]
            if lost:
                diagnostics.append(Diagnostic(
                    f"{self.format} without --standalone: pandoc writes no title block, so it leaves "
                    f"out the document's {', '.join(lost)}; add -s (--standalone) to keep them"))
        if context.toc:
            args += ["--toc", f"--toc-depth={context.toc_depth}"]
        if not meta.language and context.language:
            args.append(f"--metadata=lang:{context.language}")
        reference = options.reference_docx
        if reference and self.base in REFERENCE_DOC:
            if os.path.splitext(reference)[1].lower() == REFERENCE_DOC[self.base]:
                args.append(f"--reference-doc={os.path.abspath(reference)}")
            else:
                diagnostics.append(Diagnostic(
                    f"reference document {reference} is not a {REFERENCE_DOC[self.base]} file, so "
                    f"{self.format} uses pandoc's default styles", severity="info"))
        if options.epub_cover_image and self.base == "epub2":
            cover = options.epub_cover_image
            if not os.path.isfile(cover):
                raise InputError(f"{cover}: no such file (the EPUB cover image); check the path")
            args.append(f"--epub-cover-image={os.path.abspath(cover)}")
            # pandoc's sandbox refuses the cover file; the images are embedded already and
            # the rest are alt text, so there is nothing else pandoc could fetch
            sandbox = False
        args += list(options.pandoc_args)
        return args, sandbox

    def _raw_left_out(self, context: RenderContext) -> list[Diagnostic]:
        """One diagnostic for the raw markup pandoc's writer will leave out (raw blocks and
        inlines of other formats), as docforge's own writers report theirs."""
        kept = RAW_KEPT.get(self.base, frozenset({self.base}))
        if "*" in kept:
            return []
        left: dict[str, int] = {}
        for node in walk(context.doc):
            if type(node) in (RawBlock, RawInline) and node.format.lower() not in kept:
                left[node.format] = left.get(node.format, 0) + 1
        if not left:
            return []
        counted = ", ".join(f"{n} {fmt}" for fmt, n in sorted(left.items()))
        return [Diagnostic(f"pandoc's {self.format} leaves out raw markup written for other formats "
                           f"({counted}); it holds raw {', '.join(sorted(kept))} only")]

    @staticmethod
    def _with_embedded_images(context: RenderContext) -> RenderContext:
        from ..writers.resources import data_uri

        def embed(node):
            resource = context.image(node.url)
            if resource is None:
                return Span(node.inlines, classes=("image-not-embedded",))
            return replace(node, url=data_uri(resource))

        doc = map_tree(context.doc, embed, frozenset({Image}))
        if doc is context.doc:
            return context
        copy = context.for_writer(context.options)
        copy.diagnostics = context.diagnostics  # the image warnings belong to this writer
        copy.doc = doc
        return copy

    def _run(self, purpose: str, target: str, ast: str, args: list[str], output_file: str | None,
             sandbox: bool, environment: dict[str, str] | None = None) -> tuple[str, list[Diagnostic]]:
        try:
            return pandoc.run(purpose, ast, self.format, "json", args, output_file=output_file,
                              sandbox=sandbox, environment=environment)
        except pandoc.PandocFailed as exc:
            if exc.code in pandoc.UNKNOWN_FORMAT_CODES:
                why = pandoc.unknown_format_message("writer", self.format)
                raise UsageError(f"{target}: {why or exc.message}") from None
            raise ConversionError(f"{target}: pandoc could not write {self.format} ({exc}); "
                                  "check the pandoc options given") from None


# In the JSON text: a control character XML cannot hold is an escape (\u0001, \b, \f)
# not preceded by an escaped backslash; DEL, C1 controls and noncharacters are themselves.
_ESCAPED_CONTROL = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u00(?:0[0-8bBeEfF]|1[0-9a-fA-F])|[bf])")
_RAW_ILLEGAL = re.compile("[\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def without_illegal_characters(ast: str) -> tuple[str, int]:
    """The JSON without the characters docforge's formats never hold (xmltext's policy:
    C0 controls but tab, line feed and carriage return, DEL, C1 controls, noncharacters),
    and how many there were. pandoc passes them on (a control character in a Markdown
    title block makes YAML pandoc itself cannot read back), so they are dropped here, as
    every docforge writer drops them, and counted in one diagnostic."""
    if "\\" not in ast and ast.isprintable():
        return ast, 0
    ast, escaped = _ESCAPED_CONTROL.subn(r"\1", ast)
    ast, raw = _RAW_ILLEGAL.subn("", ast)
    return ast, escaped + raw


def _identifier(ast: str) -> str:
    """A package identifier derived from the content (the same document, the same one)."""
    import hashlib
    import uuid
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(ast.encode('utf-8')).hexdigest())}"


writers = pandoc.ByName(PandocWriter)
"""`writers.NAME`: the writer of pandoc format NAME (formats.py's "module:object")."""
