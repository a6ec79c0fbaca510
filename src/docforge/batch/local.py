"""The local batch runner: a process pool (pebble's) that survives a dead worker.

The standard library's ProcessPoolExecutor cannot do this: when one worker dies (kill -9,
the out-of-memory killer, a crash in C code) it breaks as a whole, terminates every other
worker and fails every pending file with BrokenProcessPool, without saying which file was
in the dead worker. pebble's ProcessPool knows which task each worker holds: the dead
worker's file alone fails (ProcessExpired), the pool starts a new worker and goes on. Here
that file is converted again, up to `retries` times, and then reported as failed with the
worker's exit status; the temporary files the killed worker left are removed. A file over
the timeout is stopped by the task itself (task.py); one stuck in C code, where that
cannot reach, is killed by pebble a few seconds later and fails alone, never retried.
This module decides only where and how often a task runs, never what it does.
"""
from __future__ import annotations

import itertools
import signal
from concurrent.futures import FIRST_COMPLETED, TimeoutError as FutureTimeout, wait

from .. import api
from ..errors import ConversionError
from . import storage
from .task import convert_file, timeout_error

# How much longer than --timeout the pool waits before killing a worker whose conversion
# did not stop itself (it is inside C code, which the in-task deadline cannot interrupt).
HARD_KILL_GRACE = 5.0


def worker_died(source: str, exitcode, attempts: int) -> ConversionError:
    """The message for a file whose worker process died under it every time it was tried."""
    if isinstance(exitcode, int) and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    times = "once" if attempts == 1 else f"{attempts} times"
    return ConversionError(f"{source}: the worker process converting it died ({how}), {times}; "
                           "the file may need more memory than a worker has, or crash a library")


def run_in_pool(tasks, common: dict, jobs: int, *, retries: int, timeout: float | None,
                progress) -> list[api.ConversionResult]:
    """Convert every task in `jobs` worker processes; results in task order."""
    from pebble import ProcessExpired, ProcessPool

    results: list[api.ConversionResult | None] = [None] * len(tasks)
    attempts = [0] * len(tasks)
    hard_limit = timeout + HARD_KILL_GRACE if timeout else None
    pool = ProcessPool(max_workers=jobs)
    running: dict = {}

    def submit(task) -> None:
        attempts[task.index] += 1
        future = pool.schedule(convert_file, args=(task.source, task.relative, common, timeout),
                               timeout=hard_limit)
        running[future] = task

    # Only as many files as there are workers are handed to the pool at a time: what the
    # pool holds is what is in flight, so an interrupt has nothing queued to go on with.
    waiting = iter(tasks)
    try:
        for task in itertools.islice(waiting, jobs):
            submit(task)
        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                task = running.pop(future)
                try:
                    result = future.result()
                except ProcessExpired as exc:
                    storage.remove_temporaries(task.targets)
                    if attempts[task.index] <= retries:
                        submit(task)
                        continue
                    result = api.ConversionResult(task.source, error=worker_died(
                        task.source, exc.exitcode, attempts[task.index]))
                except FutureTimeout:
                    storage.remove_temporaries(task.targets)
                    result = api.ConversionResult(task.source, error=timeout_error(task.source, timeout or 0))
                results[task.index] = result
                if progress:
                    progress(result)
                for following in itertools.islice(waiting, 1):
                    submit(following)
    except BaseException:
        # Ctrl-C or SIGTERM: nothing more starts; every worker (they ignore SIGINT) is told
        # to stop at once, all together, rather than one after another as pool.stop() does,
        # and is gone before we return. What they were writing is a temporary file, removed
        # here; a file they had already renamed into place is complete.
        _terminate_all(pool)
        storage.remove_temporaries([t for task in running.values() for t in task.targets])
        raise
    pool.close()
    pool.join()
    return results  # type: ignore[return-value]


def _terminate_all(pool) -> None:
    """Stop the pool's workers now: SIGTERM to all of them (pebble's workers exit on it at
    once), then pebble's own stop, which waits for each and kills one that lingers."""
    import multiprocessing
    for worker in multiprocessing.active_children():  # the pool's workers are our only children
        worker.terminate()
    pool.stop()
    pool.join()
