import subprocess
import sys

import pytest

from docforge import formats
from docforge.errors import UsageError
from docforge.model import BLOCK_TYPES, INLINE_TYPES, ListItem, Cell, Reference
from docforge.writers.base import TreeRenderer, Writer

HEAVY = ("reportlab", "docx", "ebooklib", "lxml")
# Not heavy, but slow to import for what the HTML path would use of them: records replace
# dataclasses, and zip output lives apart from the HTML code. click is not listed: the CLI
# is built on it (~12 ms of start-up, most of a pandoc start-up, measured when it moved).
SLOW_TO_IMPORT = ("dataclasses", "zipfile", "charset_normalizer")


def test_html_conversion_imports_no_heavy_library(tmp_path):
    """`-X importtime` lists every module the HTML path imports."""
    from conftest import DATA
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "docforge", "convert",
                           str(DATA / "seed-china-ai.txt"), "--to", "html", "-o", str(tmp_path / "x.html")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert not imported & set(HEAVY), imported & set(HEAVY)
    assert not imported & set(SLOW_TO_IMPORT), imported & set(SLOW_TO_IMPORT)


def test_unknown_formats_list_the_known_ones():
    with pytest.raises(UsageError, match="unknown writer format 'wordperfect'; known: .*html"):
        formats.get_writer("wordperfect")


def test_a_read_only_format_asked_to_write_says_so():
    with pytest.raises(UsageError, match="'text' can be read but not written"):
        formats.normalize("writer", "text")
    with pytest.raises(UsageError, match="'pdf' can be written but not read"):
        formats.normalize("reader", "pdf")


def test_aliases_and_extensions():
    assert formats.normalize("writer", "HTML5") == "html"
    assert formats.writer_for_path("a/b.EPUB") == "epub"
    assert formats.reader_for_path("x.json") == "json" and formats.reader_for_path("x.txt") == "text"
    assert formats.reader_for_path("notes.unknown") == "text"  # the feed reader for anything else
    assert formats.extension("html") == "html" and formats.extension("epub3") == "epub"


def test_pandoc_formats_map_extensions_as_pandoc_does():
    """The bridge's rows: pandoc's extension mapping, docforge's own rows winning where
    both exist, and .xml (several formats) inferring none."""
    assert [formats.reader_for_path(f"x{ext}") for ext in (".md", ".markdown", ".docx", ".odt", ".htm",
                                                            ".rst", ".tex", ".latex", ".org", ".epub",
                                                            ".typ", ".adoc", ".wiki", ".dbk", ".ipynb",
                                                            ".textile", ".fb2", ".opml", ".rtf")] == [
        "markdown", "markdown", "docx", "odt", "html", "rst", "latex", "latex", "org", "epub", "typst",
        "asciidoc", "mediawiki", "docbook", "ipynb", "textile", "fb2", "opml", "rtf"]
    assert formats.reader_for_path("a.txt") == "text" and formats.reader_for_path("a.json") == "json"
    assert [formats.writer_for_path(f"x{ext}") for ext in (".html", ".docx", ".epub", ".pdf", ".json",
                                                            ".md", ".odt", ".rst", ".typ")] == [
        "html", "docx", "epub", "pdf", "json", "markdown", "odt", "rst", "typst"]
    for name in ("html", "docx", "pdf", "epub", "json"):  # docforge's own writers win
        assert not formats.lookup(name).bridged("writer"), name
    for name in ("html", "docx", "epub", "markdown"):  # read through pandoc
        assert formats.lookup(name).bridged("reader"), name
    assert not formats.lookup("json").bridged("reader") and not formats.lookup("text").bridged("reader")
    assert formats.writer_for_path("x.xml") is None
    with pytest.raises(UsageError, match=r"x\.xml: \.xml is the extension of several formats \(jats, "):
        formats.reader_for_path("x.xml")
    assert ".xml" not in formats.input_extensions() and ".md" in formats.input_extensions()
    assert formats.extension("jats") == "xml" and formats.extension("gfm") == "md"
    assert formats.extension("odt") == "odt" and formats.extension("epub2") == "epub"
    assert formats.lookup("plain").name == "text"  # the feed reader's alias stays its own
    assert formats.normalize("writer", "pandoc-plain") == "pandoc-plain"


def test_pandoc_extension_syntax_stays_on_bridge_formats():
    assert formats.normalize("writer", "gfm+emoji-raw_html") == "gfm+emoji-raw_html"
    assert formats.normalize("reader", "Markdown-Smart") == "markdown-smart"
    assert formats.extension("gfm+emoji") == "md"
    assert formats.get_reader("markdown-smart").format == "markdown-smart"
    assert formats.get_writer("rst+smart").format == "rst+smart"
    assert formats.normalize("reader", "native-json") == "json"  # an alias, not native + an extension
    with pytest.raises(UsageError, match="html is written by docforge itself"):
        formats.normalize("writer", "html+smart")


def test_the_table_is_built_and_listed_without_pandoc():
    """Start-up time: building and listing the table never starts pandoc (its rows are static)."""
    code = ("import subprocess\n"
            "def refuse(*a, **k):\n    raise SystemExit('a process was started')\n"
            "subprocess.Popen = refuse\n"
            "from docforge import formats\n"
            "assert 'rst' in formats.names('writer') and 'markdown' in formats.names('reader')\n"
            "formats.get_reader('markdown'); formats.get_writer('odt')\n"
            "print(len(formats.all_formats()))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 70


def test_the_table_is_the_only_list_of_formats():
    """Every row's reader and writer can be loaded, names and aliases are unique, and the
    lists the CLI shows come from the rows."""
    seen: set[str] = set()
    for row in formats.FORMATS:
        for name in (row.name, *row.aliases):
            assert name not in seen, name
            seen.add(name)
        assert row.reads or row.writes
        assert all(ext.startswith(".") and ext == ext.lower() for ext in row.extensions)
        if row.reads:
            assert callable(formats.get_reader(row.name).read)
        if row.writes:
            assert isinstance(formats.get_writer(row.name), Writer)
    assert formats.names("writer") == sorted(r.name for r in formats.FORMATS if r.writes)
    assert all(r.origin == formats.PANDOC for r in formats.FORMATS if r.reads and r.bridged("reader")
               and not r.writes or r.writes and r.bridged("writer"))
    assert set(formats.input_extensions()) == {e for r in formats.FORMATS if r.reads for e in r.extensions}


def test_parts_are_not_blocks():
    assert not {ListItem, Cell, Reference} & set(BLOCK_TYPES)


@pytest.mark.parametrize("name", formats.names("writer"))
def test_every_writer_handles_every_node_class(name):
    """Adding a node type to model.py must fail here until every writer supports it."""
    renderer = formats.get_writer(name).renderer
    assert issubclass(renderer, TreeRenderer)
    assert renderer.missing() == []
    assert set(renderer.dispatch) == set(BLOCK_TYPES) | set(INLINE_TYPES)


def test_missing_names_the_methods_a_renderer_lacks():
    class Partial(TreeRenderer):
        def block_paragraph(self, node):
            return "p"

    assert "block_heading" in Partial.missing() and "inline_citation_ref" in Partial.missing()
    assert "block_paragraph" not in Partial.missing()
