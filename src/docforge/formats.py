"""THE format table: every format docforge reads or writes is one row here.

A row names the format, its aliases and file extensions, its media type, the reader
and/or writer that handle it (as "module:object" strings, imported on first use, so
converting to HTML never imports reportlab or python-docx) and where it comes from:
built in, the pandoc bridge, or a plugin. CLI help, `docforge formats`, "unknown format"
messages, `-o` extension inference and which files a directory batch picks up are all
derived from this table; nothing else in the project lists formats.

Plugins add rows through the entry-point groups `docforge.readers` and
`docforge.writers` (name = format, value = "module:object"). Their rows are looked up
only when a name or extension is not built in, or when every format is listed, so the
common path never scans installed packages.

The pandoc bridge's rows (origin "pandoc") are a static list of pandoc 3.x's format names
and the extensions pandoc itself maps to them: building the table or listing it never runs
pandoc (start-up time), and the installed pandoc is asked only when a bridge format is
used (docforge.bridge). docforge's own readers and writers win where both exist: the feed
reader for .txt, the JSON reader and writer, the HTML, DOCX, PDF and EPUB writers; the
rows of html, docx and epub read through pandoc. A pandoc format may carry pandoc's
extension syntax (`markdown-smart`, `gfm+hard_line_breaks`), handed to pandoc as given.
`.xml` names several formats (JATS, DocBook, TEI, pandoc's XML): it infers none, and an
input named so must say `--from`.

Adding a built-in format is one module and one row below. This module must never import
a reader or writer except through `load()`, and never runs pandoc.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

from .errors import UsageError
from .records import Record

BUILTIN, PANDOC, PLUGIN = "builtin", "pandoc", "plugin"


class Format(Record):
    """One format. `extensions` are lower case with the dot; the first is the one written."""
    name: str
    description: str = ""
    reader: str = ""                  # "module:object" of the reader, "" if not readable
    writer: str = ""                  # "module:object" of the writer, "" if not writable
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    media_type: str = "application/octet-stream"
    origin: str = BUILTIN             # BUILTIN | PANDOC | PLUGIN
    output_extension: str = ""        # written instead of extensions[0] (no inference from it)

    @property
    def reads(self) -> bool:
        return bool(self.reader)

    @property
    def writes(self) -> bool:
        return bool(self.writer)

    def handler(self, kind: str) -> str:
        """The "module:object" of this format's reader (kind "reader") or writer, or ""."""
        return self.reader if kind == "reader" else self.writer

    @property
    def extension(self) -> str:
        """The extension an output in this format gets, without the dot."""
        if self.output_extension:
            return self.output_extension
        return self.extensions[0].lstrip(".") if self.extensions else self.name

    def bridged(self, kind: str) -> bool:
        """Whether this format is read (kind "reader") or written through pandoc."""
        return self.handler(kind).startswith(BRIDGE_MODULES)


BRIDGE_MODULES = ("docforge.bridge.",)
_BRIDGE_READER = "docforge.bridge.reader:readers."
_BRIDGE_WRITER = "docforge.bridge.writer:writers."
_ODT = "application/vnd.oasis.opendocument.text"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pandoc(name: str, description: str, rw: str = "rw", extensions: tuple[str, ...] = (),
            media_type: str = "text/plain", written: str = "", aliases: tuple[str, ...] = (),
            pandoc_name: str = "") -> Format:
    """A row of the pandoc bridge: `rw` says whether pandoc reads ("r") and writes ("w") it."""
    pandoc_name = pandoc_name or name
    return Format(name, description, reader=_BRIDGE_READER + pandoc_name if "r" in rw else "",
                  writer=_BRIDGE_WRITER + pandoc_name if "w" in rw else "", extensions=extensions,
                  aliases=aliases, media_type=media_type, origin=PANDOC, output_extension=written)


FORMATS: tuple[Format, ...] = (
    Format("text", "plain-text article feed (structure inferred)",
           reader="docforge.readers.text:reader", extensions=(".txt", ".text", ".feed"),
           aliases=("txt", "plain", "feed"), media_type="text/plain"),
    Format("json", "pandoc AST JSON (pandoc-api-version 1.23)",
           reader="docforge.readers.pandoc_json:reader", writer="docforge.writers.pandoc_json:writer",
           extensions=(".json",), aliases=("pandoc-json", "native-json"), media_type="application/json"),
    Format("html", "standalone HTML5 with the theme's CSS; read through pandoc",
           reader=_BRIDGE_READER + "html", writer="docforge.writers.html:writer",
           extensions=(".html", ".htm", ".xhtml"), aliases=("htm", "html5"), media_type="text/html"),
    Format("docx", "Word document; read through pandoc", reader=_BRIDGE_READER + "docx",
           writer="docforge.writers.docx:writer", extensions=(".docx",),
           media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Format("pdf", "PDF typeset with reportlab", writer="docforge.writers.pdf:writer",
           extensions=(".pdf",), media_type="application/pdf"),
    Format("epub", "EPUB 3 e-book (with an NCX); read through pandoc", reader=_BRIDGE_READER + "epub",
           writer="docforge.writers.epub:writer", extensions=(".epub",), aliases=("epub3",),
           media_type="application/epub+zip"),
) + (
    # pandoc 3.x's formats (pandoc --list-input-formats / --list-output-formats of 3.9), with
    # the extensions pandoc maps to them (Text.Pandoc.Format.formatFromFilePath) except those
    # docforge's own rows hold (.txt, .text, .json, .html...), .db (a database more often than
    # DocBook: .dbk instead), .bib (a bibliography: pandoc reads it into metadata only) and
    # .1-.9 (man pages, rarely inputs).
    _pandoc("markdown", "Pandoc's Markdown", extensions=(".md", ".markdown", ".mkd", ".mkdn", ".mdwn",
                                                         ".mdown", ".rmd"),
            media_type="text/markdown", aliases=("md",)),
    _pandoc("commonmark", "CommonMark Markdown", media_type="text/markdown", written="md"),
    _pandoc("commonmark_x", "CommonMark with extensions", media_type="text/markdown", written="md"),
    _pandoc("gfm", "GitHub-Flavored Markdown", media_type="text/markdown", written="md"),
    _pandoc("markdown_github", "GitHub Markdown (deprecated: gfm)", media_type="text/markdown", written="md"),
    _pandoc("markdown_mmd", "MultiMarkdown", media_type="text/markdown", written="md"),
    _pandoc("markdown_phpextra", "PHP Markdown Extra", media_type="text/markdown", written="md"),
    _pandoc("markdown_strict", "original unextended Markdown", media_type="text/markdown", written="md"),
    _pandoc("markua", "Markua", "w", (".markua",), "text/markdown"),
    _pandoc("djot", "Djot", extensions=(".dj",)),
    _pandoc("rst", "reStructuredText", extensions=(".rst",), media_type="text/x-rst"),
    _pandoc("latex", "LaTeX", extensions=(".tex", ".latex", ".ltx"), media_type="application/x-tex",
            aliases=("tex",)),
    _pandoc("beamer", "LaTeX beamer slides", "w", media_type="application/x-tex", written="tex"),
    _pandoc("context", "ConTeXt", "w", (".context", ".ctx"), "text/x-context"),
    _pandoc("typst", "Typst", extensions=(".typ",), media_type="text/x-typst"),
    _pandoc("org", "Emacs Org mode", extensions=(".org",), media_type="text/x-org"),
    _pandoc("asciidoc", "AsciiDoc", extensions=(".adoc", ".asciidoc"), media_type="text/asciidoc",
            aliases=("adoc",)),
    _pandoc("asciidoc_legacy", "AsciiDoc for asciidoc-py", "w", media_type="text/asciidoc", written="adoc"),
    _pandoc("asciidoctor", "AsciiDoc (deprecated name)", "w", media_type="text/asciidoc", written="adoc"),
    _pandoc("mediawiki", "MediaWiki markup", extensions=(".wiki",)),
    _pandoc("dokuwiki", "DokuWiki markup", extensions=(".dokuwiki",)),
    _pandoc("textile", "Textile", extensions=(".textile",)),
    _pandoc("muse", "Muse", extensions=(".muse",)),
    _pandoc("jira", "Jira/Confluence wiki markup"),
    _pandoc("haddock", "Haddock markup"),
    _pandoc("creole", "Creole 1.0", "r"),
    _pandoc("tikiwiki", "TikiWiki markup", "r"),
    _pandoc("twiki", "TWiki markup", "r"),
    _pandoc("vimwiki", "Vimwiki", "r"),
    _pandoc("t2t", "txt2tags", "r", (".t2t",)),
    _pandoc("xwiki", "XWiki markup", "w"),
    _pandoc("zimwiki", "ZimWiki markup", "w"),
    _pandoc("bbcode", "BBCode", "w"),
    _pandoc("bbcode_fluxbb", "BBCode (FluxBB)", "w", written="bbcode"),
    _pandoc("bbcode_hubzilla", "BBCode (Hubzilla)", "w", written="bbcode"),
    _pandoc("bbcode_phpbb", "BBCode (phpBB)", "w", written="bbcode"),
    _pandoc("bbcode_steam", "BBCode (Steam)", "w", written="bbcode"),
    _pandoc("bbcode_xenforo", "BBCode (XenForo)", "w", written="bbcode"),
    _pandoc("pandoc-plain", "plain text (pandoc's `plain`; `plain` is the feed reader's alias)", "w",
            written="plain.txt", pandoc_name="plain"),
    _pandoc("ansi", "text with ANSI terminal escapes", "w"),
    _pandoc("man", "roff man page", "rw", media_type="text/troff", written="1"),
    _pandoc("mdoc", "mdoc man page", "r", media_type="text/troff"),
    _pandoc("ms", "roff ms", "w", (".ms", ".roff"), "text/troff"),
    _pandoc("pod", "Perl POD", "r"),
    _pandoc("texinfo", "GNU Texinfo", "w", (".texi", ".texinfo"), "application/x-texinfo"),
    _pandoc("vimdoc", "Vim help file", "w"),
    _pandoc("html4", "XHTML 1.0 Transitional (pandoc's)", "w", media_type="text/html", written="html"),
    _pandoc("chunkedhtml", "zip of linked HTML pages (pandoc's)", "w", media_type="application/zip",
            written="zip"),
    _pandoc("revealjs", "reveal.js HTML slides", "w", media_type="text/html", written="html"),
    _pandoc("slidy", "Slidy HTML slides", "w", media_type="text/html", written="html"),
    _pandoc("slideous", "Slideous HTML slides", "w", media_type="text/html", written="html"),
    _pandoc("dzslides", "DZSlides HTML slides", "w", media_type="text/html", written="html"),
    _pandoc("s5", "S5 HTML slides", "w", (".s5",), "text/html"),
    _pandoc("epub2", "EPUB 2 e-book (pandoc's)", "w", media_type="application/epub+zip", written="epub"),
    _pandoc("odt", "OpenDocument text (LibreOffice)", extensions=(".odt",), media_type=_ODT),
    _pandoc("opendocument", "OpenDocument XML (the content of an ODT)", "w", media_type="application/xml",
            written="fodt"),
    _pandoc("pptx", "PowerPoint slides", extensions=(".pptx",), media_type=_PPTX),
    _pandoc("xlsx", "Excel workbook (its sheets as tables)", "r", (".xlsx",), _XLSX),
    _pandoc("rtf", "Rich Text Format", extensions=(".rtf",), media_type="text/rtf"),
    _pandoc("icml", "InDesign ICML", "w", (".icml",), "application/xml"),
    _pandoc("docbook", "DocBook (4 when written)", extensions=(".dbk",), media_type="application/docbook+xml"),
    _pandoc("docbook4", "DocBook 4", "w", media_type="application/docbook+xml", written="dbk"),
    _pandoc("docbook5", "DocBook 5", "w", media_type="application/docbook+xml", written="dbk"),
    _pandoc("jats", "JATS XML (archiving when written)", media_type="application/xml", written="xml"),
    _pandoc("jats_archiving", "JATS Archiving and Interchange", "w", media_type="application/xml",
            written="xml"),
    _pandoc("jats_articleauthoring", "JATS Article Authoring", "w", media_type="application/xml",
            written="xml"),
    _pandoc("jats_publishing", "JATS Journal Publishing", "w", media_type="application/xml", written="xml"),
    _pandoc("bits", "BITS XML (books)", "r", media_type="application/xml"),
    _pandoc("tei", "TEI Simple", "w", (".tei",), "application/tei+xml"),
    _pandoc("fb2", "FictionBook2 e-book", extensions=(".fb2",), media_type="application/x-fictionbook+xml"),
    _pandoc("opml", "OPML outline", extensions=(".opml",), media_type="text/x-opml"),
    _pandoc("ipynb", "Jupyter notebook", extensions=(".ipynb",), media_type="application/x-ipynb+json"),
    _pandoc("endnotexml", "EndNote XML bibliography", "r", media_type="application/xml"),
    _pandoc("csv", "CSV table", "r", (".csv",), "text/csv"),
    _pandoc("tsv", "TSV table", "r", (".tsv",), "text/tab-separated-values"),
    _pandoc("native", "pandoc's native Haskell AST", extensions=(".native",)),
    _pandoc("xml", "pandoc's AST as XML", media_type="application/xml"),
    # bibliographies: pandoc writes these from the `references` metadata alone, which
    # docforge's documents never carry (their References are blocks): read only
    _pandoc("bibtex", "BibTeX bibliography (read into metadata)", "r", media_type="text/x-bibtex"),
    _pandoc("biblatex", "BibLaTeX bibliography (read into metadata)", "r", media_type="text/x-bibtex"),
    _pandoc("csljson", "CSL JSON bibliography (read into metadata)", "r", media_type="application/json"),
    _pandoc("ris", "RIS bibliography", "r", media_type="application/x-research-info-systems"),
)

# What an extension names when it names several formats: neither read nor written by it.
AMBIGUOUS_EXTENSIONS = {".xml": ("jats", "docbook", "tei", "xml", "bits", "endnotexml", "opendocument")}
# pandoc's extension syntax after a format name: markdown-smart, gfm+emoji-raw_html
_PANDOC_EXTENSIONS = re.compile(r"^([a-z0-9_]+)((?:[+-][a-z0-9_]+)+)$")

# Which reader a file without a known extension gets: feeds come without a fixed one.
DEFAULT_READER = "text"

_plugin_rows: tuple[Format, ...] | None = None
_loaded: dict[tuple[str, str], object] = {}
_broken_plugins: dict[str, str] = {}  # name -> why it could not be loaded (named in errors)


def _plugins() -> tuple[Format, ...]:
    """Rows for the formats installed packages add (scanned once per process).

    A plugin object's `extension` and `media_type` attributes fill its row, so it is
    imported here; a plugin that fails to import is left out rather than breaking docforge.
    """
    global _plugin_rows
    if _plugin_rows is None:
        from importlib.metadata import entry_points
        builtin = {name for f in FORMATS for name in (f.name, *f.aliases)}
        rows: dict[str, dict] = {}
        for kind in ("reader", "writer"):
            for ep in entry_points(group=f"docforge.{kind}s"):
                if ep.name in builtin:
                    continue  # a plugin cannot shadow a built-in format or alias
                rows.setdefault(ep.name, {})[kind] = ep.value
        found = []
        for name, specs in sorted(rows.items()):
            row = Format(name, f"plugin ({specs.get('writer') or specs.get('reader')})",
                         reader=specs.get("reader", ""), writer=specs.get("writer", ""), origin=PLUGIN)
            try:
                obj = _import(row.writer or row.reader)
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the built-in formats
                _broken_plugins[name] = f"{type(exc).__name__}: {exc}"
                continue
            extension = str(getattr(obj, "extension", name)).lstrip(".").lower()
            found.append(Format(name, getattr(obj, "description", row.description), row.reader,
                                row.writer, (f".{extension}",), (),
                                getattr(obj, "media_type", "application/octet-stream"), PLUGIN))
        _plugin_rows = tuple(found)
    return _plugin_rows


def all_formats(plugins: bool = True) -> tuple[Format, ...]:
    """Every row: the built-in ones (and the bridge's), then the plugins'."""
    return FORMATS + (_plugins() if plugins else ())


def _import(spec: str) -> object:
    module_name, _, attr = spec.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _find(name: str, rows) -> Format | None:
    key = name.strip().lower()
    for row in rows:
        if row.name == key or key in row.aliases:
            return row
    return None


def lookup(name: str) -> Format | None:
    """The row of a format name or alias (case-insensitive), or None. A name with pandoc's
    extension syntax (`markdown-smart`) finds the row of its base name."""
    return _resolve(name)[0]


def _resolve(name: str) -> tuple[Format | None, str]:
    """(row, pandoc extensions given after the name): the built-in rows first, the name
    then its base, so that `markdown-smart` scans no plugins."""
    row = _find(name, FORMATS)
    if row is not None:
        return row, ""
    base, extensions = split_extensions(name)
    if base and (row := _find(base, FORMATS)) is not None:
        return row, extensions
    row = _find(name, _plugins())
    if row is not None:
        return row, ""
    return (_find(base, _plugins()), extensions) if base else (None, "")


def split_extensions(name: str) -> tuple[str, str]:
    """("markdown", "-smart+emoji") for "markdown-smart+emoji"; ("", "") when `name` has no
    pandoc extension syntax."""
    m = _PANDOC_EXTENSIONS.match(name.strip().lower())
    return (m.group(1), m.group(2)) if m else ("", "")


def names(kind: str) -> list[str]:
    """Names of the formats that can be read (kind "reader") or written ("writer"),
    sorted, leaving out those whose module is not installed."""
    return sorted(row.name for row in all_formats()
                  if (spec := row.handler(kind)) and _module_exists(spec))


def _module_exists(spec: str) -> bool:
    try:
        return importlib.util.find_spec(spec.partition(":")[0]) is not None
    except (ImportError, ValueError):
        return False


def unknown(kind: str, name: str) -> UsageError:
    """The error for a format name the table does not have (or that cannot do `kind`)."""
    if lookup(name) is not None:
        can, cannot = ("read", "written") if kind == "writer" else ("written", "read")
        return UsageError(f"format {name!r} can be {can} but not {cannot}; {kind} formats: "
                          f"{', '.join(names(kind))} (see `docforge formats`)")
    broken = _broken_plugins.get(name.strip().lower())
    if broken is not None:
        return UsageError(f"format {name!r} comes from a plugin that fails to load ({broken}); "
                          "reinstall or fix the plugin")
    return UsageError(f"unknown {kind} format {name!r}; known: {', '.join(names(kind))} "
                      "(see `docforge formats`)")


def normalize(kind: str, name: str) -> str:
    """The canonical name of a format that can do `kind`, or a UsageError listing the known
    ones. pandoc's extensions stay on a bridge format's name: "gfm+emoji"."""
    row, extensions = _resolve(name)
    if row is None or not row.handler(kind):
        raise unknown(kind, name)
    if not extensions:
        return row.name
    if not row.bridged(kind):
        raise UsageError(f"format {name!r}: {extensions} is pandoc's extension syntax, but "
                         f"{row.name} is {'read' if kind == 'reader' else 'written'} by docforge itself, "
                         f"which takes no extensions; give {row.name!r} alone")
    return row.name + extensions


def load(kind: str, name: str):
    """The reader or writer object of a format (imported once per process)."""
    canonical = normalize(kind, name)
    key = (kind, canonical)
    obj = _loaded.get(key)
    if obj is None:
        row, extensions = _resolve(canonical)
        obj = _import(row.handler(kind))  # type: ignore[union-attr]
        if extensions:
            obj = obj.with_extensions(extensions)  # type: ignore[attr-defined]
        _loaded[key] = obj
    return obj


def get_reader(name: str):
    return load("reader", name)


def get_writer(name: str):
    return load("writer", name)


def _by_extension(path: str | Path, kind: str) -> Format | None:
    suffix = Path(path).suffix.lower()
    if not suffix:
        return None

    def match(rows) -> Format | None:
        return next((row for row in rows if suffix in row.extensions and row.handler(kind)), None)

    return match(FORMATS) or match(_plugins())  # plugins are scanned only when needed


def writer_for_path(path: str | Path) -> str | None:
    """The format an output path's extension names (`-o out.docx` -> "docx"), or None."""
    row = _by_extension(path, "writer")
    return row.name if row else None


def reader_for_path(path: str | Path) -> str:
    """The reader for an input path's extension; the feed reader for anything unknown.
    An extension several formats share (.xml) is a UsageError: the format must be named."""
    row = _by_extension(path, "reader")
    if row is None:
        shared = AMBIGUOUS_EXTENSIONS.get(Path(path).suffix.lower())
        if shared:
            raise UsageError(f"{path}: {Path(path).suffix.lower()} is the extension of several formats "
                             f"({', '.join(shared)}); name the input's format (--from)")
    return row.name if row else DEFAULT_READER


def extension(name: str) -> str:
    """The file extension (without the dot) of outputs in format `name`."""
    row = lookup(name)
    return row.extension if row else name


def input_extensions() -> tuple[str, ...]:
    """The extensions a directory batch picks up: those of every readable format."""
    return tuple(dict.fromkeys(ext for row in all_formats() if row.reader and _module_exists(row.reader)
                               for ext in row.extensions))
