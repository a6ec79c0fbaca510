"""A batch interrupted or robbed of its output directory: what is on disk is what the
summary says, nothing is written after the process has gone, no temporary is left.

Synchronisation is by observable state (outputs on disk, the signal handler installed),
never by sleeping for a guessed time.
"""
from __future__ import annotations

import shutil
import signal
import zipfile

import psutil

import docforge
from batchutil import count_outputs, leftovers, make_inputs, start_cli, stop, wait_for

FORMATS = ("html", "docx", "pdf")


def _complete(path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".html":
        return data.endswith(b"</html>\n")
    if path.suffix == ".pdf":
        return data.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(path) as package:
        return package.testzip() is None


def test_sigint_stops_scheduling_at_once_and_nothing_is_written_after_exit(tmp_path):
    inputs = make_inputs(tmp_path / "in", 150)
    out = tmp_path / "out"
    jobs = 2
    proc = start_cli(["convert", str(inputs), "--to", ",".join(FORMATS), "-o", str(out), "-j", str(jobs)])
    try:
        wait_for(lambda: count_outputs(out) >= 30, 240, "a batch mid-way")
        workers = psutil.Process(proc.pid).children(recursive=True)
        at_signal = count_outputs(out)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        stop(proc)
    after_exit = count_outputs(out)
    assert proc.returncode == 130, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == "docforge: interrupted; no partial output was left"
    # every worker is gone with the batch: nothing can write later
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    # at most the files in flight were finished: one per worker, every format of it
    assert after_exit - at_signal <= jobs * len(FORMATS), (at_signal, after_exit)
    assert after_exit < 150 * len(FORMATS)
    assert leftovers(out) == []
    assert all(_complete(p) for p in out.iterdir()), sorted(p.name for p in out.iterdir() if not _complete(p))


def test_an_output_directory_deleted_mid_batch_is_not_recreated_and_its_files_do_not_count(tmp_path):
    inputs = make_inputs(tmp_path / "in", 6)
    out = tmp_path / "out"
    finished = []

    def delete_after_two(result) -> None:
        finished.append(result)
        if len(finished) == 2:
            shutil.rmtree(out)

    results = docforge.convert_many([inputs], to="html", output=out, jobs=1, progress=delete_after_two)
    assert not out.exists()
    assert [r.ok for r in results] == [False] * 6
    assert "gone from disk" in str(results[0].error) and "deleted" in str(results[0].error)
    assert "disappeared during the batch" in str(results[5].error)
    assert all(len(str(r.error).splitlines()) == 1 for r in results)


def test_an_output_directory_deleted_while_a_file_converts_is_not_recreated_by_it(tmp_path, monkeypatch):
    """The directory goes while the second file is being converted (after its check at the
    start, before its write): that file fails too, rather than making -o again (it did:
    mkdir(parents=True) before each write, so the batch went on into a new directory)."""
    from docforge import api
    inputs = make_inputs(tmp_path / "in", 4)
    (inputs / "sub").mkdir()
    (inputs / "sub" / "nested.txt").write_bytes((inputs / "article-000.txt").read_bytes())
    out = tmp_path / "out"
    contexts = []
    original = api._context

    def delete_during_the_second(*args, **kwargs):
        contexts.append(1)
        if len(contexts) == 2:
            shutil.rmtree(out)
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "_context", delete_during_the_second)
    results = docforge.convert_many([inputs], to="html,json", output=out, jobs=1, recursive=True)
    assert len(contexts) == 2  # the later files fail at their start, without being read
    assert not out.exists()
    assert [r.ok for r in results] == [False] * 5
    assert "disappeared during the batch" in str(results[1].error)
    assert all(len(str(r.error).splitlines()) == 1 for r in results)


def test_a_deleted_output_directory_in_a_pool_the_summary_counts_what_is_on_disk(tmp_path):
    inputs = make_inputs(tmp_path / "in", 12)
    out = tmp_path / "out"
    finished = []

    def delete_after_three(result) -> None:
        finished.append(result)
        if len(finished) == 3:
            shutil.rmtree(out)

    results = docforge.convert_many([inputs], to="html", output=out, jobs=2, progress=delete_after_three)
    assert not out.exists()  # the files in flight when it went did not make it again
    on_disk = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    assert sorted(p for r in results if r.ok for p in r.outputs) == on_disk
    assert sum(not r.ok for r in results) >= 3


def test_an_interrupt_finds_nothing_queued_beyond_the_files_in_flight(tmp_path, monkeypatch):
    """Ctrl-C in the main process (raised here from the progress callback after the first
    file): the pool was only ever given one file per worker, so nothing else starts."""
    import pytest
    from pebble import ProcessPool
    scheduled = []
    original = ProcessPool.schedule

    def counting(self, *args, **kwargs):
        scheduled.append(kwargs.get("args", args[1] if len(args) > 1 else None))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPool, "schedule", counting)
    inputs = make_inputs(tmp_path / "in", 40)
    out = tmp_path / "out"

    def interrupt(result) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        docforge.convert_many([inputs], to="html", output=out, jobs=2, progress=interrupt)
    assert len(scheduled) == 2
    assert count_outputs(out) <= 2 and leftovers(out) == []
