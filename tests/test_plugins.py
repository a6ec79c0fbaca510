"""A writer plugin, installed from outside the tree like a user would, is a format like the others.

examples/docforge-plaintext is pip-installed into a temporary directory and docforge runs
as a separate process with that directory on its path, so the row comes from the
package's entry point and from nothing in this repository's tree. pip builds it in its
own isolated environment: the setuptools that Python 3.11's venv brings (65) cannot build
a wheel without the `wheel` package, which neither the venv nor docforge's extras have.
"""
import os
import subprocess
import sys

import pytest

from conftest import DATA, ROOT

import docforge
from docforge.model import Heading, References, plain_text

SEED = DATA / "seed-china-ai.txt"
PLUGIN = ROOT / "examples" / "docforge-plaintext"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--target", str(target), str(PLUGIN)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return str(target)


def run(*args, path: str | None, code: str | None = None):
    """`python -m docforge ARGS` (or `python -c CODE`) with the plugin's directory on the path."""
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH")) if p)
    command = ["-c", code] if code else ["-m", "docforge", *map(str, args)]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=120, env=env)


def test_formats_lists_the_plugin_with_its_origin(plugin_path):
    shown = run("formats", path=plugin_path)
    assert shown.returncode == 0, shown.stderr
    row = next(line.split() for line in shown.stdout.splitlines() if line.startswith("plaintext "))
    assert row[:4] == ["plaintext", "write", ".txt", "plugin"], row
    assert "readable plain text" in " ".join(row)
    assert "plaintext" in next(l for l in shown.stdout.splitlines() if l.startswith("writers: "))
    assert "plaintext" not in run("formats", path=None).stdout  # the row is the installed package's


def test_convert_by_name_and_by_extension(plugin_path, tmp_path):
    by_name, by_extension = tmp_path / "out.txt", tmp_path / "inferred.txt"
    proc = run("convert", SEED, "--to", "plaintext", "-o", by_name, "-q", path=plugin_path)
    assert proc.returncode == 0, proc.stderr
    proc = run("convert", SEED, "-o", by_extension, "-q", path=plugin_path)
    assert proc.returncode == 0, proc.stderr
    assert by_extension.read_bytes() == by_name.read_bytes()

    text = by_name.read_text(encoding="utf-8")
    lines = text.splitlines()
    doc = docforge.read(SEED)
    headings = [plain_text(b) for b in doc.blocks if isinstance(b, Heading)]
    assert headings and all(h in lines for h in headings)
    for heading in headings:  # underlined, as long as the heading
        underline = lines[lines.index(heading) + 1]
        assert set(underline) <= set("=-~") and len(underline) == len(heading), heading
    labels = [e.label for b in doc.blocks if isinstance(b, References) for e in b.entries]
    assert labels and all(any(l.startswith(f"[{label}] ") for l in lines) for label in labels)
    assert max(len(l) for l in lines if not l.startswith(("=", "-", "~")) and l not in headings) <= 72
    assert lines[1] == doc.meta.title


def test_unknown_formats_list_the_plugin_among_the_known(plugin_path):
    proc = run("convert", SEED, "--to", "bogus", path=plugin_path)
    assert proc.returncode == 2
    assert "unknown writer format 'bogus'; known: " in proc.stderr and "plaintext" in proc.stderr


def test_the_plugin_follows_the_writer_protocol_and_covers_every_node_class(plugin_path):
    probe = """
from docforge import formats
from docforge.writers.base import TreeRenderer, Writer
writer = formats.get_writer("plaintext")
assert isinstance(writer, Writer) and issubclass(writer.renderer, TreeRenderer)
row = formats.lookup("plaintext")
print(writer.renderer.missing(), row.origin, row.media_type, formats.writer_for_path("a.txt"),
      formats.reader_for_path("a.txt"))
"""
    proc = run(path=plugin_path, code=probe)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "plugin", "text/plain", "plaintext", "text"]


def test_a_plugin_cannot_take_a_built_in_name_or_alias(plugin_path, tmp_path):
    """Entry points named like the feed reader's aliases are left out, not listed as writers
    that `--to` would then refuse as read-only."""
    info = tmp_path / "shadowing-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shadowing\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[docforge.writers]\nplain = docforge_plaintext:writer\n"
                                           "html = docforge_plaintext:writer\n")
    shown = run("formats", path=os.pathsep.join([str(tmp_path), plugin_path]))
    assert shown.returncode == 0, shown.stderr
    names = [line.split()[0] for line in shown.stdout.splitlines()]
    assert "plain" not in names and names.count("html") == 1 and "plaintext" in names
    proc = run("convert", SEED, "--to", "plain", path=os.pathsep.join([str(tmp_path), plugin_path]))
    assert proc.returncode == 2 and "'plain' can be read but not written" in proc.stderr


def test_a_plugin_that_fails_to_import_is_named_not_silently_unknown(tmp_path):
    """The built-in formats keep working, and asking for the broken one says why it is missing."""
    info = tmp_path / "broken_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[docforge.writers]\nbrokenfmt = broken_plugin:writer\n")
    (tmp_path / "broken_plugin.py").write_text("raise ImportError('needs libfoo')\n")
    asked = run("convert", SEED, "--to", "brokenfmt", "-o", tmp_path / "x.out", path=str(tmp_path))
    assert asked.returncode == 2 and "Traceback" not in asked.stderr
    assert "plugin that fails to load (ImportError: needs libfoo)" in asked.stderr
    assert asked.stderr.count("\n") == 1
    builtin = run("convert", SEED, "--to", "html", "-o", tmp_path / "x.html", path=str(tmp_path))
    assert builtin.returncode == 0, builtin.stderr


def test_the_plugin_writes_every_new_node_and_keeps_every_word(plugin_path):
    """Footnotes listed after the text under their markers, figures with their label,
    definitions, verse lines with their indentation; raw markup for other formats is left
    out with a diagnostic."""
    import re
    from docforge.transforms import prepare
    from ir_examples import pandoc_document

    probe = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
import docforge
from ir_examples import pandoc_document
diagnostics = []
sys.stdout.write(docforge.write(pandoc_document(), "plaintext", diagnostics=diagnostics).decode())
sys.stdout.write("DIAGNOSTICS\\n" + "\\n".join(d.message for d in diagnostics))
"""
    proc = run(path=plugin_path, code=probe)
    assert proc.returncode == 0, proc.stderr
    text, diagnostics = proc.stdout.split("DIAGNOSTICS\n")
    lines = text.splitlines()
    words = lambda s: re.findall(r"\w+", re.sub("[_^~]", "", s))  # noqa: E731  (the plugin's own marks)
    assert not set(words(plain_text(prepare(pandoc_document())))) - set(words(text))
    assert "<kbd>" not in text and "raw html block" not in text
    assert sorted(diagnostics.splitlines()) == [
        "left out 1 raw latex piece(s): plain text cannot show that markup",
        "left out 1 raw tex piece(s): plain text cannot show that markup",
        "left out 2 raw html piece(s): plain text cannot show that markup"]
    assert lines[lines.index("Notes and styles") + 3].startswith("A claim[^1] and another[^2].")
    notes = lines.index("-" * 20)
    assert lines[notes + 2].startswith("[^1] The first note") and lines[notes + 4] == "[^2] Second note, first paragraph."
    assert "Figure 1: Sales by year" in lines and "[A bar chart of sales]" in lines
    assert lines[lines.index("Term one") + 1] == "    Definition of term one."
    assert "   indented second line" in lines
