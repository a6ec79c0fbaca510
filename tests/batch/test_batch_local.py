"""The local batch survives a dead worker and a file over --timeout (real processes, SIGKILL).

A 200-file batch runs in `-j 2` with one long feed last; once every other file is
written, the long feed is the only file in flight, and the worker using the CPU is the
one converting it: it is killed with SIGKILL in the middle of the conversion. With --retries 0 that file fails alone (exit 8, named in the
summary with the signal); with the default one retry it is converted again (exit 0).
Either way every other file is converted, byte-identical to a run in this process, and no
temporary file is left.
"""
from __future__ import annotations

import time

import psutil
import pytest

import docforge
from batchutil import (count_outputs, kill, leftovers, make_big_input, make_inputs, start_cli, stop,
                       tree, wait_for)


@pytest.fixture(scope="module")
def batch_and_reference(tmp_path_factory):
    """The inputs, and the outputs of the same batch converted in this process."""
    root = tmp_path_factory.mktemp("local-batch")
    inputs = make_inputs(root / "in", 200)
    make_big_input(inputs / "zz-long-feed.txt")
    results = docforge.convert_many([inputs], to="html,docx,epub", output=root / "reference", jobs=1)
    assert all(r.ok for r in results)
    return inputs, tree(root / "reference")


def _busy_worker(parent: psutil.Process):
    """The pool worker that is using the CPU (an idle one waits on a pipe and uses none)."""
    workers = [w for w in parent.children() if w.is_running()]
    before = {w.pid: sum(w.cpu_times()[:2]) for w in workers}
    time.sleep(0.2)
    busy = [w for w in workers if sum(w.cpu_times()[:2]) > before[w.pid] + 0.05]
    return busy[0] if len(busy) == 1 else None


@pytest.mark.parametrize("retries, exit_code", [(0, 8), (1, 0)])
def test_a_killed_worker_fails_or_retries_its_file_and_the_batch_goes_on(
        tmp_path, batch_and_reference, retries, exit_code):
    inputs, reference = batch_and_reference
    out = tmp_path / "out"
    proc = start_cli(["convert", str(inputs), "--to", "html,docx,epub", "-o", str(out), "-j", "2",
                      "--retries", str(retries)])
    try:
        wait_for(lambda: count_outputs(out) == 600, 90, "every other file's outputs", interval=0.05)
        victim = wait_for(lambda: _busy_worker(psutil.Process(proc.pid)), 30, "the worker converting the long feed")
        kill(victim.pid)
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == exit_code, stderr[-2000:]
    summary = stderr.strip().splitlines()[-1]
    outputs = tree(out)
    if retries == 0:
        assert "200 converted, 1 failed, 0 skipped" in summary
        assert f"{inputs / 'zz-long-feed.txt'}: the worker process converting it died (killed by SIGKILL)" in stderr
        assert not any(name.startswith("zz-long-feed.") for name in outputs)
        reference = {k: v for k, v in reference.items() if not k.startswith("zz-long-feed.")}
    else:
        assert "201 converted, 0 failed, 0 skipped" in summary
    assert outputs == reference  # every other file, byte for byte
    assert leftovers(out) == []


def test_a_file_over_the_timeout_fails_alone(tmp_path):
    # margins both ways, on a loaded machine and a quiet one: a worker's first small file
    # (its imports included) takes well under 6 s, and reading the 40 MB feed alone takes
    # longer than that (at 8 MB its HTML was sometimes done within the 6 s, and stayed)
    inputs = make_inputs(tmp_path / "in", 6)
    make_big_input(inputs / "zz-long-feed.txt", 40_000_000)
    out = tmp_path / "out"
    proc = start_cli(["convert", str(inputs), "--to", "html,docx", "-o", str(out), "-j", "2",
                      "--timeout", "6"])
    try:
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 8, stderr[-2000:]
    assert f"{inputs / 'zz-long-feed.txt'}: conversion exceeded the timeout of 6 s" in stderr
    assert "6 converted, 1 failed, 0 skipped" in stderr.strip().splitlines()[-1]
    assert count_outputs(out) == 12 and leftovers(out) == []


def test_the_library_reports_a_timeout_as_that_files_failure(tmp_path):
    """In one process too (jobs=1): the deadline stops the conversion, not the batch."""
    inputs = make_inputs(tmp_path / "in", 2)
    # reading 40 MB alone outlasts the 6 s deadline, which small files meet under any load
    make_big_input(inputs / "zz-long-feed.txt", 40_000_000)
    # the DOCX writer's imports first, so that the deadline times conversions only
    docforge.convert(inputs / "article-000.txt", to="docx", output=tmp_path / "warm-up.docx")
    results = docforge.convert_many([inputs], to="docx", output=tmp_path / "out", timeout=6, jobs=1)
    failed = [r for r in results if not r.ok]
    assert [r.source for r in failed] == [str(inputs / "zz-long-feed.txt")]
    assert "exceeded the timeout" in str(failed[0].error)
    assert sum(r.ok for r in results) == 2 and leftovers(tmp_path / "out") == []
