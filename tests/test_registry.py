import subprocess
import sys

import pytest

from docforge import registry
from docforge.model import NODE_TYPES
from docforge.errors import UsageError

HEAVY = ("reportlab", "docx", "ebooklib", "lxml")
# Not heavy, but slow to import for what the HTML path would use of them: the CLI is on
# argparse, records replace dataclasses, and zip output lives apart from the HTML code.
SLOW_TO_IMPORT = ("click", "dataclasses", "zipfile", "charset_normalizer")


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
    with pytest.raises(UsageError, match="known: .*html"):
        registry.get_writer("rtf")


def test_aliases_and_extensions():
    assert registry.normalize("writer", "HTML5") == "html"
    assert registry.writer_for_path("a/b.EPUB") == "epub"
    assert registry.reader_for_path("x.json") == "json" and registry.reader_for_path("x.md") == "text"


WRITERS = sorted(registry.WRITERS)


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_handles_every_node_class(name):
    """Adding a node type to model.py must fail here until every writer supports it."""
    writer = registry.get_writer(name)
    assert writer.name and writer.extension and writer.media_type
    tables = [getattr(writer, attr) for attr in dir(writer) if attr.endswith("_handlers")]
    renderer = getattr(writer, "renderer", None)
    if renderer is not None:
        tables += [getattr(renderer, attr) for attr in dir(renderer) if attr.endswith("_handlers")]
    handled = set().union(*[set(t) for t in tables if isinstance(t, dict)]) if tables else set()
    missing = [t.__name__ for t in NODE_TYPES if t not in handled]
    assert not missing, f"{name} writer has no handler for {missing}"
