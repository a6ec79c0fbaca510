"""The bounded pool of worker processes that runs every conversion of the service.

Why processes, and why this pool rather than concurrent.futures: a conversion is CPU-bound
Python (it would stall the event loop and every other request), and some inputs take
minutes in a writer's engine. ProcessPoolExecutor cannot stop one running task: killing
its worker breaks the whole pool. Here each worker is one process with one pipe, so a
job that outlives its timeout is ended by killing exactly that process, which is then
replaced; the other jobs never notice.

Admission is bounded: at most `size` jobs run and at most `queue_limit` wait for a worker;
one more is refused at once with PoolBusy (the service answers 503 + Retry-After) rather
than piling up. Workers are forked from a fork server that has already imported the
library and every built-in writer, so a replacement is ready in milliseconds.

A worker runs only the jobs named in JOBS, each one docforge.api call on bytes: it never
opens a path or a URL given by a request. This module must never convert anything in
the server process itself.
"""
from __future__ import annotations

import asyncio
import gc
import math
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

from .. import api, formats
from ..errors import DocforgeError

# job name -> the library call a worker makes for it
JOBS = {"convert": api.convert_bytes, "inspect": api.inspect}


class PoolBusy(Exception):
    """Every worker is busy and the queue is full; `retry_after` is a hint in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"every worker is busy and the queue is full; retry in {retry_after} s")
        self.retry_after = retry_after


class JobTimeout(Exception):
    """The job ran longer than the pool's timeout; its worker was killed and replaced."""


class WorkerDied(Exception):
    """The worker process ended in the middle of a job (killed by the system, a crash)."""


def _serve(connection) -> None:
    """A worker's loop: (job, kwargs) in, ("ok", result) | ("error", DocforgeError) |
    ("internal", message) out, until the pipe closes or None arrives."""
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, kwargs = message
        try:
            reply = ("ok", JOBS[job](**kwargs))
        except DocforgeError as exc:
            reply = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - reported to the client as an internal error
            reply = ("internal", f"internal error {type(exc).__name__}: {exc}; report it")
        connection.send(reply)
        del reply, message
        gc.collect(1)  # python-docx's reference cycles: keep a long-lived worker's memory flat


def _preloaded_modules() -> list[str]:
    """What the fork server imports once for every worker: the API and every built-in
    reader and writer (from the format table)."""
    specs = [row.reader or "" for row in formats.FORMATS] + [row.writer or "" for row in formats.FORMATS]
    return [__name__] + sorted({spec.partition(":")[0] for spec in specs if spec})


class _Worker:
    __slots__ = ("process", "connection")

    def __init__(self, context) -> None:
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end,), daemon=True,
                                       name="docforge-worker")
        self.process.start()
        child_end.close()
        self.connection = parent_end

    def call(self, job: str, kwargs: dict):
        """Blocking: send the job, wait for its reply (run in a thread, never on the loop)."""
        self.connection.send((job, kwargs))
        return self.connection.recv()

    def stop(self, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class WorkerPool:
    """`size` worker processes, `queue_limit` waiting jobs at most, `timeout` seconds a job."""

    def __init__(self, size: int, queue_limit: int, timeout: float) -> None:
        self.size, self.queue_limit, self.timeout = size, queue_limit, timeout
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_preloaded_modules())
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="docforge-pool")
        self.waiting = 0
        self.busy = 0
        self._mean_seconds = 1.0  # running mean of job times, for Retry-After

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._add(await loop.run_in_executor(self._threads, _Worker, self._context))

    def _add(self, worker: _Worker) -> None:
        self._all.add(worker)
        self._idle.put_nowait(worker)  # type: ignore[union-attr]

    def retry_after(self) -> int:
        """Seconds until a place is likely free: the queue's length in mean job times."""
        estimate = self._mean_seconds * (self.waiting + self.busy) / max(1, self.size)
        return max(1, min(math.ceil(estimate), math.ceil(self.timeout)))

    async def run(self, job: str, **kwargs):
        """Run one job in a worker: its result, or raise its DocforgeError, PoolBusy,
        JobTimeout, WorkerDied, or RuntimeError (an internal error's message)."""
        assert self._idle is not None, "the pool is not started"
        if self._idle.empty() and self.waiting >= self.queue_limit:
            raise PoolBusy(self.retry_after())
        self.waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self.waiting -= 1
        self.busy += 1
        started = time.perf_counter()
        replace = False
        try:
            future = asyncio.get_running_loop().run_in_executor(self._threads, worker.call, job, kwargs)
            # after a kill the thread ends with EOFError that nobody awaits any more
            future.add_done_callback(lambda done: done.cancelled() or done.exception())
            try:
                status, value = await asyncio.wait_for(asyncio.shield(future), self.timeout)
            except asyncio.TimeoutError:
                replace = True
                raise JobTimeout() from None
            except (EOFError, OSError):
                replace = True
                raise WorkerDied(f"exit code {worker.process.exitcode}") from None
            except asyncio.CancelledError:  # the client went away: the worker's state is unknown
                replace = True
                raise
        finally:
            self.busy -= 1
            self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * (time.perf_counter() - started)
            if replace:
                await self._replace(worker)
            else:
                self._idle.put_nowait(worker)
        if status == "ok":
            return value
        if status == "error":
            raise value
        raise RuntimeError(value)

    async def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its blocked thread then sees the pipe close) and start another."""
        self._all.discard(worker)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, worker.stop, True)
        self._add(await loop.run_in_executor(None, _Worker, self._context))

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        workers, self._all = list(self._all), set()
        idle = set()
        while self._idle is not None and not self._idle.empty():
            idle.add(self._idle.get_nowait())
        await asyncio.gather(*(loop.run_in_executor(None, w.stop, w not in idle) for w in workers))
        self._threads.shutdown(wait=False, cancel_futures=True)

    def state(self) -> dict:
        return {"workers": self.size, "busy": self.busy, "queued": self.waiting,
                "queue_limit": self.queue_limit, "timeout_seconds": self.timeout}
