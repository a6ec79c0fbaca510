"""The one task of a batch: convert one input file, in whatever process runs it.

Both runners call `convert_file` and nothing else: the local process pool (local.py)
and the Dask workers (cluster.py), so a file converts to the same bytes wherever it runs.
A local input with a local output goes through `api.convert`; as soon as the input or
the output directory is an fsspec URL, through `storage.convert_stored`. The task never
raises for a file's own failure: it returns a failed ConversionResult, so that one bad
file cannot stop a batch. It must never print, and never decide formats or paths itself.
"""
from __future__ import annotations

import ctypes
import gc
import itertools
import threading
from pathlib import Path

from .. import api
from ..errors import ConversionError, DocforgeError


class ConversionTimeout(ConversionError):
    """A conversion ran longer than the batch's timeout (reported for that file only)."""


def timeout_error(source: str, seconds: float) -> ConversionTimeout:
    """The one message for a file over the timeout, whichever runner noticed it."""
    return ConversionTimeout(f"{source}: conversion exceeded the timeout of {seconds:g} s; "
                             "raise --timeout or split the file")


class _Deadline(BaseException):
    """Raised inside the converting thread when its time is up (a BaseException, so that
    nothing in a reader or writer swallows it; atomic writes remove their temporary file)."""


class _deadline:
    """Interrupt the calling thread after `seconds` by raising _Deadline in it.

    A timer thread sets an asynchronous exception on the converting thread
    (PyThreadState_SetAsyncExc): unlike SIGALRM this works in a Dask worker's task thread
    too. It takes effect when the thread next runs Python code, so a conversion stuck
    inside C code is stopped only by the local pool's hard kill (local.py).
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.finished = False
        self.fired = False
        self.timer: threading.Timer | None = None

    def __enter__(self) -> "_deadline":
        if self.seconds:
            self.thread_id = threading.get_ident()
            self.timer = threading.Timer(self.seconds, self._expire)
            self.timer.daemon = True
            self.timer.start()
        return self

    def _expire(self) -> None:
        with self.lock:
            if not self.finished:
                self.fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id),
                                                           ctypes.py_object(_Deadline))

    def __exit__(self, exc_type, *exc_info) -> None:
        if self.timer is None:
            return
        self.timer.cancel()
        try:
            with self.lock:
                self.finished = True
                pending = self.fired and exc_type is not _Deadline
            # An exception set just before we finished but not yet raised must not hit the
            # caller. It is let arrive here and absorbed: clearing it with
            # SetAsyncExc(id, NULL) instead leaves CPython 3.11's eval-breaker flag set,
            # and every later bytecode of the process then pays for an interrupt check.
            if pending:
                for _ in range(10_000):  # backward jumps check for pending exceptions
                    pass
        except _Deadline:
            pass


def convert_file(source: str, relative: Path | None, common: dict, timeout: float | None = None
                 ) -> api.ConversionResult:
    """Convert one input with the batch's shared arguments `common` (formats, output, the
    theme already loaded, options); a failure or a timeout becomes a failed result."""
    from . import storage
    try:
        with _deadline(timeout):
            output = common.get("output")
            if storage.is_url(source) or storage.is_url(output):
                return storage.convert_stored(source, relative, **common)
            if output is not None and str(output) != "-" and common.get("many_inputs") \
                    and not Path(output).is_dir():  # the batch made it: someone removed it since
                raise api.output_dir_gone(source, output)
            return api.convert(source, relative=relative, **common)
    except _Deadline:
        return api.ConversionResult(source, error=timeout_error(source, timeout or 0))
    except DocforgeError as exc:
        return api.ConversionResult(source, error=exc)
    except Exception as exc:  # one bad file must not stop a batch
        return api.ConversionResult(source, error=ConversionError(
            f"{source}: internal error {type(exc).__name__}: {exc}; rerun with --debug and report it"))
    finally:
        # python-docx's objects form reference cycles; collecting them after each file keeps
        # a batch of any length in constant memory. The young generations hold most of them
        # (collecting those costs ~2 ms, a full collection ~10); what a large file pushed
        # into the oldest generation goes in a full collection every so many files.
        gc.collect(2 if next(_files_done) % FULL_COLLECTION_EVERY == 0 else 1)


FULL_COLLECTION_EVERY = 32
_files_done = itertools.count(1)  # per process: each batch worker counts its own
