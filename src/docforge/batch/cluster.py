"""The Dask runner: one task per input file on a Dask distributed cluster.

`cluster` is a scheduler's address (`tcp://host:8786`, started with `dask scheduler`, its
workers with `dask worker`) or `local:N`, a LocalCluster of N single-threaded worker
processes on this machine, started and stopped here. The theme and the other shared
arguments are scattered to every worker once; each file is one task running the same
task function as the local batch (task.py), so outputs are byte-identical to a local run.
Local paths must be visible to every worker at the same place (a shared file system):
they are made absolute here, since a worker's working directory is its own.

Faults are Dask's own business: when a worker dies, the scheduler gives its tasks to
another worker, and after `distributed.scheduler.allowed-failures` deaths under one task
it gives up on that task (KilledWorker), reported here as that file's failure. For
`local:N` that cap is set from `retries`; a remote scheduler has its own setting (start it
with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=N). A scheduler that cannot be
reached or goes away is a ClusterError (one line, exit 4); Ctrl-C cancels the
outstanding tasks. This module never converts anything itself.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid

from .. import api
from ..errors import ConversionError, OutputError, UsageError
from ..records import replace
from . import storage
from .task import convert_file

# How long the client tries to reach a scheduler, at the start and after losing it.
CONNECT_TIMEOUT_S = 5


class ClusterError(OutputError):
    """The Dask scheduler cannot be reached or went away during a batch (exit 4, like
    other outputs that could not be written; what was written is complete)."""


def parse_cluster(cluster: str) -> tuple[str, int | None]:
    """("local", N) for "local:N", else (address, None); a UsageError for nonsense."""
    text = cluster.strip()
    match = re.fullmatch(r"local:(\d+)", text)
    if match:
        workers = int(match.group(1))
        if workers < 1:
            raise UsageError(f"--cluster {cluster}: local:N needs N >= 1 worker processes")
        return "local", workers
    if re.fullmatch(r"(tcp|tls|ucx|inproc|ws|wss)://[^\s/]+", text):
        return text, None
    raise UsageError(f"--cluster {cluster!r}: give a Dask scheduler address (tcp://host:8786) "
                     "or local:N for N worker processes on this machine")


@contextlib.contextmanager
def _quiet_dask():
    """Dask logs every lost worker and reconnection attempt at WARNING or above on
    stderr; the batch reports failures in its own summary instead."""
    import distributed  # noqa: F401  (configures its loggers, which are then quieted)
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("distributed", "tornado", "asyncio")]
    loggers = [logging.getLogger(name) for name in ["distributed", "tornado", "asyncio", *names]]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@contextlib.contextmanager
def connect(cluster: str, retries: int):
    """A distributed.Client on the cluster (and the LocalCluster it needs, if any)."""
    import dask
    from distributed import Client, LocalCluster

    address, workers = parse_cluster(cluster)
    settings = {"distributed.scheduler.allowed-failures": retries,
                "distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT_S}s"}
    with _quiet_dask(), dask.config.set(settings):
        if workers is not None:
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 dashboard_address=None, silence_logs=logging.CRITICAL)
            with local, Client(local) as client:
                yield client
            return
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"{address}: no Dask scheduler answers there ({type(exc).__name__}); "
                               "start one with `dask scheduler` or check --cluster") from None
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=CONNECT_TIMEOUT_S)


def _absolute(location):
    """Workers have their own working directory: local paths go to them absolute."""
    if location is None or str(location) == "-" or storage.is_url(location):
        return location
    return os.path.abspath(location)


def run_on_cluster(tasks, common: dict, cluster: str, *, retries: int, timeout: float | None,
                   progress) -> list[api.ConversionResult]:
    """Convert every task on the cluster; results in task order."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    if any(t.source == "-" for t in tasks):
        raise UsageError("- (standard input) cannot be read on a cluster; give files")
    shipped = dict(common, output=_absolute(common.get("output")))
    options = shipped.get("options")
    if options is not None and options.reference_docx:
        shipped["options"] = replace(options, reference_docx=_absolute(options.reference_docx))
    results: list[api.ConversionResult | None] = [None] * len(tasks)
    batch = uuid.uuid4().hex[:12]
    with connect(cluster, retries) as client:
        workers_before = set(client.scheduler_info()["workers"])
        shared = client.scatter(shipped, broadcast=True, hash=False)
        futures = {client.submit(convert_file, _absolute(t.source), t.relative, shared, timeout,
                                 key=f"docforge-{batch}-{t.index}", pure=False): t for t in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                    result.source = task.source
                except KilledWorker:
                    result = api.ConversionResult(task.source, error=ConversionError(
                        f"{task.source}: the Dask worker converting it died, "
                        f"{retries + 1 if address_is_local(cluster) else 'too many'} times; the "
                        "file may need more memory than a worker has, or crash a library"))
                except (FutureCancelledError, OSError, TimeoutError) as exc:
                    done = sum(r is not None for r in results)
                    raise ClusterError(
                        f"{cluster}: the Dask scheduler went away after {done} of {len(tasks)} files "
                        f"({type(exc).__name__}); what was written is complete: rerun with "
                        "--skip-unchanged to finish") from None
                results[task.index] = result
                if progress:
                    progress(result)
        except BaseException:
            with contextlib.suppress(Exception):
                client.cancel(list(futures), force=True)
            raise
        finally:
            with contextlib.suppress(Exception):
                if set(client.scheduler_info()["workers"]) != workers_before or None in results:
                    storage.remove_temporaries([t for task in tasks for t in task.targets])
    return results  # type: ignore[return-value]


def address_is_local(cluster: str) -> bool:
    return parse_cluster(cluster)[1] is not None
