"""Inputs and outputs as fsspec URLs: memory:// (in this process) and file:// (worker
processes): the same relative layout and bytes as local paths, atomic writes, and
--skip-unchanged."""
from __future__ import annotations

import fsspec
import pytest

import docforge
from docforge.batch.manifest import MANIFEST_SUFFIX
from batchutil import leftovers, make_inputs, start_cli, stop, tree
from docforge.errors import UsageError


@pytest.fixture
def memory():
    fs = fsspec.filesystem("memory")
    yield fs
    fs.rm("/docforge-test", recursive=True)


def test_memory_urls_give_the_bytes_of_local_paths_and_skip_what_is_unchanged(tmp_path, memory):
    local = make_inputs(tmp_path / "in", 3)
    (local / "sub").mkdir()
    (local / "sub" / "deep.txt").write_bytes((local / "article-000.txt").read_bytes())
    for f in local.rglob("*.txt"):
        memory.pipe_file(f"/docforge-test/in/{f.relative_to(local)}", f.read_bytes())
    expected = docforge.convert_many([local], to="html,json", output=tmp_path / "out", recursive=True)
    results = docforge.convert_many(["memory://docforge-test/in"], to="html,json",
                                    output="memory://docforge-test/out", recursive=True, jobs=2,
                                    skip_unchanged=True)
    assert all(r.ok for r in results) and len(results) == len(expected) == 4
    stored = {p.removeprefix("/docforge-test/out/"): memory.cat_file(p)
              for p in memory.find("/docforge-test/out") if not p.endswith(MANIFEST_SUFFIX)}
    assert stored == tree(tmp_path / "out")  # same layout (sub/deep.html), same bytes, no .part
    again = docforge.convert_many(["memory://docforge-test/in"], to="html,json",
                                  output="memory://docforge-test/out", recursive=True, skip_unchanged=True)
    assert all(r.skipped for r in again)
    memory.pipe_file("/docforge-test/in/article-001.txt", (local / "article-002.txt").read_bytes())
    third = docforge.convert_many(["memory://docforge-test/in"], to="html,json",
                                  output="memory://docforge-test/out", recursive=True, skip_unchanged=True)
    assert [r.skipped for r in third] == [True, False, True, True]


def test_memory_urls_cannot_go_to_a_cluster(memory):
    memory.pipe_file("/docforge-test/in/a.txt", b"Title\n\nText.\n")
    with pytest.raises(UsageError, match="memory:// lives in one process"):
        docforge.convert_many(["memory://docforge-test/in"], to="html", output="memory://docforge-test/out",
                              cluster="local:1")


def test_file_urls_in_a_process_pool_from_the_command_line(tmp_path):
    inputs = make_inputs(tmp_path / "in", 8)
    expected = docforge.convert_many([inputs], to="html,docx", output=tmp_path / "expected")
    assert all(r.ok for r in expected)
    args = ["convert", f"file://{inputs}", "--to", "html,docx", "-o", f"file://{tmp_path / 'out'}", "-j", "2",
            "--skip-unchanged"]
    proc = start_cli(args)
    try:
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 0, stderr
    assert "8 converted, 0 failed, 0 skipped" in stderr
    written = {name: data for name, data in tree(tmp_path / "out").items() if not name.endswith(MANIFEST_SUFFIX)}
    assert written == tree(tmp_path / "expected") and leftovers(tmp_path / "out") == []
    assert len(tree(tmp_path / "out")) == 2 * len(written)  # a manifest beside each output
    proc = start_cli(args + ["-M", "author=X"])  # another option: everything is redone
    try:
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 0 and "8 converted, 0 failed, 0 skipped" in stderr, stderr
    proc = start_cli(args + ["-M", "author=X"])
    try:
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 0 and "0 converted, 0 failed, 8 skipped" in stderr, stderr
