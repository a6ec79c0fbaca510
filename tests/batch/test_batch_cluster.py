"""Batches on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1 (free ports, bounded waits, stopped in finalisers).

A 60-file batch to three formats survives one worker killed with SIGKILL mid-batch: Dask
gives its tasks to the other worker, every output exists, byte-identical to a run in
this process, and no temporary file is left. A scheduler that goes away ends the batch
with one line and exit 4; Ctrl-C exits 130 without a partial file.
"""
from __future__ import annotations

import signal
import socket
import subprocess
import sys

import pytest

import docforge
from batchutil import count_outputs, env, kill, leftovers, make_inputs, start_cli, stop, tree, wait_for

DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(address: str) -> int:
    from distributed import Client
    with Client(address, timeout=10) as client:
        return len(client.scheduler_info()["workers"])


@pytest.fixture
def dask_cluster(request):
    """(address, scheduler process, worker processes): a scheduler allowing one retry per
    task, and two single-threaded workers without nannies (a killed worker stays dead)."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    scheduler_env = dict(env(), DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
    scheduler = subprocess.Popen(DASK + ["--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0",
                                         "--no-show"], env=scheduler_env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(scheduler)
    request.addfinalizer(lambda: [stop(p) for p in reversed(procs)])
    workers = [subprocess.Popen(WORKER + [address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                          "--host", "127.0.0.1"], env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    procs.extend(workers)
    wait_for(lambda: _answers(address) == 2, 60, "the scheduler and two workers", interval=0.3)
    return address, scheduler, workers


def _answers(address: str) -> int:
    try:
        return workers_of(address)
    except OSError:
        return 0


@pytest.fixture(scope="module")
def inputs_and_reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster-batch")
    inputs = make_inputs(root / "in", 60)
    results = docforge.convert_many([inputs], to="html,docx,epub", output=root / "reference", jobs=1)
    assert all(r.ok for r in results)
    return inputs, tree(root / "reference")


def test_a_worker_killed_mid_batch_loses_no_file(tmp_path, dask_cluster, inputs_and_reference):
    address, _, workers = dask_cluster
    inputs, reference = inputs_and_reference
    out = tmp_path / "out"
    proc = start_cli(["convert", str(inputs), "--to", "html,docx,epub", "-o", str(out), "--cluster", address])
    try:
        wait_for(lambda: count_outputs(out) >= 30, 90, "a third of the outputs", interval=0.02)
        kill(workers[0].pid)
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 0, stderr[-2000:]
    assert "60 converted, 0 failed, 0 skipped" in stderr.strip().splitlines()[-1]
    assert tree(out) == reference
    assert leftovers(out) == []


def test_the_scheduler_going_away_is_one_line_and_exit_4(tmp_path, dask_cluster, inputs_and_reference):
    address, scheduler, _ = dask_cluster
    inputs, reference = inputs_and_reference
    out = tmp_path / "out"
    proc = start_cli(["convert", str(inputs), "--to", "html,docx,epub", "-o", str(out), "--cluster", address])
    try:
        wait_for(lambda: count_outputs(out) >= 15, 90, "some outputs", interval=0.02)
        kill(scheduler.pid)
        _, stderr = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 4, stderr[-2000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"docforge: {address}: the Dask scheduler went away"), stderr
    written = tree(out)
    assert all(written[name] == reference[name] for name in written if not name.endswith(".part"))


def test_no_scheduler_there_is_one_line_and_exit_4(tmp_path, inputs_and_reference):
    inputs, _ = inputs_and_reference
    address = f"tcp://127.0.0.1:{free_port()}"
    proc = subprocess.run([sys.executable, "-m", "docforge", "convert", str(inputs), "--to", "html", "-o",
                           str(tmp_path / "out"), "--cluster", address], env=dict(env(), DOCFORGE_CLUSTER=""),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4
    assert proc.stderr.strip() == (f"docforge: {address}: no Dask scheduler answers there (OSError); "
                                   "start one with `dask scheduler` or check --cluster")


def test_ctrl_c_cancels_the_batch_and_exits_130(tmp_path, dask_cluster, inputs_and_reference):
    address, _, _ = dask_cluster
    inputs, reference = inputs_and_reference
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "docforge", "convert", str(inputs), "--to", "html,docx,epub",
                             "-o", str(out)], env=dict(env(), DOCFORGE_CLUSTER=address),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: count_outputs(out) >= 15, 90, "some outputs", interval=0.02)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == 130, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == "docforge: interrupted; no partial output was left"
    written = tree(out)
    assert all(written[name] == reference[name] for name in written)


def test_local_cluster_gives_the_same_bytes_as_a_local_run(tmp_path, inputs_and_reference):
    inputs, reference = inputs_and_reference
    results = docforge.convert_many([inputs], to="html,docx,epub", output=tmp_path / "out", cluster="local:2")
    assert all(r.ok for r in results) and [r.source for r in results] == sorted(r.source for r in results)
    assert tree(tmp_path / "out") == reference
