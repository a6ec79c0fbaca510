"""Where outputs go and when they are redone: -o as pandoc reads it, standard output for
stdin, --skip-unchanged by what produced an output, the one default for parallel jobs."""
import inspect
import json
import os
import pty
import subprocess
import sys

import pytest

import docforge
from conftest import DATA, ROOT, SAMPLES
from docforge.errors import UsageError

SEED = DATA / "seed-china-ai.txt"


def docforge_cli(*args, cwd=None, stdin=None, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "-m", "docforge", *map(str, args)], cwd=cwd, input=stdin,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))


# ------------------------------------------------------------------ -o

def test_one_output_due_is_the_file_named_whatever_its_name(tmp_path):
    proc = docforge_cli("convert", SEED, "--to", "pdf", "-o", tmp_path / "noext")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "noext").is_file() and (tmp_path / "noext").read_bytes().startswith(b"%PDF")
    # the library agrees, also for a name with another format's extension
    result = docforge.convert(SEED, to="html", output=tmp_path / "page.txt")
    assert result.outputs == [tmp_path / "page.txt"] and (tmp_path / "page.txt").is_file()


@pytest.mark.parametrize("how", ["two formats", "two inputs"])
def test_several_outputs_to_a_file_name_are_refused_in_one_line(tmp_path, how):
    args = [SEED, "--to", "html,json"] if how == "two formats" else [SEED, SAMPLES[0], "--to", "html"]
    proc = docforge_cli("convert", *args, "-o", tmp_path / "two.html")
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "two.html" in lines[0] and "directory" in lines[0], lines
    assert not (tmp_path / "two.html").exists()
    with pytest.raises(UsageError):
        docforge.convert_many(args[:-2], to=args[-1], output=tmp_path / "two.html", jobs=1)


def test_several_outputs_go_into_a_directory_created_when_missing(tmp_path):
    proc = docforge_cli("convert", SEED, SAMPLES[0], "--to", "html,json", "-o", tmp_path / "out" / "new")
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "out" / "new").glob("*.html"))) == 2


# ------------------------------------------------------------------ stdin, stdout

def test_stdin_without_o_goes_to_stdout(tmp_path):
    proc = docforge_cli("convert", "-", "-t", "html", cwd=tmp_path, stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"<!DOCTYPE html>") and "A Comparative Look" in proc.stdout.decode()
    assert list(tmp_path.iterdir()) == []  # no ./stdin.html
    # a binary format to a pipe is fine
    pdf = docforge_cli("convert", "-", "-t", "pdf", cwd=tmp_path, stdin=SEED.read_bytes())
    assert pdf.returncode == 0 and pdf.stdout.startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub"])
def test_a_binary_format_is_not_written_to_a_terminal(tmp_path, fmt):
    controller, terminal = pty.openpty()
    try:
        proc = docforge_cli("convert", "-", "-t", fmt, cwd=tmp_path, stdin=SEED.read_bytes(), stdout=terminal)
    finally:
        os.close(terminal)
    os.set_blocking(controller, False)
    try:
        shown = os.read(controller, 65536)
    except (BlockingIOError, OSError):
        shown = b""
    os.close(controller)
    assert proc.returncode == 2 and shown == b""
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "terminal" in lines[0] and "-o FILE" in lines[0], lines


# ------------------------------------------------------------------ --skip-unchanged

def _outputs(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if not p.name.startswith(".")}


def _summary(proc) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.decode().strip().splitlines()[-1]


def test_skip_unchanged_redoes_what_changed_options_meta_or_theme_would_change(tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for sample in SAMPLES:
        (feeds / sample.name).write_bytes(sample.read_bytes())
    theme = tmp_path / "mine.toml"
    theme.write_text('extends = "default"\n', encoding="utf-8")
    out = tmp_path / "out"
    base = ["convert", feeds, "--to", "html,docx", "-o", out, "-j", "1", "--skip-unchanged"]
    n = len(SAMPLES)

    assert _summary(docforge_cli(*base)).startswith(f"docforge: {n} converted, 0 failed, 0 skipped")
    first = _outputs(out)
    assert _summary(docforge_cli(*base)).startswith(f"docforge: 0 converted, 0 failed, {n} skipped")
    assert _summary(docforge_cli(*base, "--style", "handout")).startswith(f"docforge: {n} converted")
    assert _outputs(out) != first
    assert _summary(docforge_cli(*base, "--style", "handout")).startswith(f"docforge: 0 converted")
    assert _summary(docforge_cli(*base, "-M", "author=X")).startswith(f"docforge: {n} converted")
    assert _summary(docforge_cli(*base, "-M", "author=X")).startswith(f"docforge: 0 converted")
    assert _summary(docforge_cli(*base, "--toc")).startswith(f"docforge: {n} converted")
    # a theme file edited in place (same name, same modification time or not)
    assert _summary(docforge_cli(*base, "--style", theme)).startswith(f"docforge: {n} converted")
    assert _summary(docforge_cli(*base, "--style", theme)).startswith(f"docforge: 0 converted")
    theme.write_text('extends = "default"\n[page]\nsize = "Letter"\n', encoding="utf-8")
    assert _summary(docforge_cli(*base, "--style", theme)).startswith(f"docforge: {n} converted")
    # one input edited: only that one is redone
    (feeds / SAMPLES[0].name).write_bytes(SAMPLES[0].read_bytes() + b"\nOne more paragraph.\n")
    assert _summary(docforge_cli(*base, "--style", theme)).startswith("docforge: 1 converted")
    # back to the first options: the outputs are byte-identical to the first run's
    (feeds / SAMPLES[0].name).write_bytes(SAMPLES[0].read_bytes())
    os.utime(feeds / SAMPLES[0].name, ns=(os.stat(feeds / SAMPLES[1].name).st_mtime_ns,) * 2)
    docforge_cli(*base)
    fresh = tmp_path / "fresh"
    assert _summary(docforge_cli("convert", feeds, "--to", "html,docx", "-o", fresh, "-j", "1"))
    assert _outputs(out) == _outputs(fresh)


def test_the_manifest_is_small_deterministic_and_names_no_path(tmp_path):
    from docforge.batch.manifest import MANIFEST_SUFFIX
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        src = tmp_path / name / "in.txt"
        src.write_bytes(SEED.read_bytes())
        os.utime(src, (1_700_000_000, 1_700_000_000))
        docforge.convert(src, to="html", output=tmp_path / name / "in.html", skip_unchanged=True)
    manifests = [tmp_path / name / f".in.html{MANIFEST_SUFFIX}" for name in ("a", "b")]
    assert manifests[0].read_bytes() == manifests[1].read_bytes()
    text = manifests[0].read_text()
    assert str(tmp_path) not in text and len(text) < 4096
    entry = json.loads(text)
    assert entry["docforge"] == docforge.__version__ and entry["format"] == "html"
    assert not list(tmp_path.rglob("*.part"))
    # an output edited by hand is not what docforge made: redone
    (tmp_path / "a" / "in.html").write_text("edited", encoding="utf-8")
    again = docforge.convert(tmp_path / "a" / "in.txt", to="html", output=tmp_path / "a" / "in.html",
                             skip_unchanged=True)
    assert not again.skipped and (tmp_path / "a" / "in.html").read_bytes() == (tmp_path / "b" / "in.html").read_bytes()


# ------------------------------------------------------------------ jobs

def test_convert_many_defaults_to_the_clis_number_of_jobs():
    from docforge.batch import default_jobs
    assert inspect.signature(docforge.convert_many).parameters["jobs"].default is None
    assert inspect.signature(docforge.batch.convert_many).parameters["jobs"].default is None
    assert default_jobs() == (os.cpu_count() or 1)
