"""Batch conversion: many inputs, one task per file, on a local process pool or a Dask cluster.

`convert_many` is the whole batch behind `api.convert_many`: it expands the inputs
(inputs.py), loads the theme once, builds one task per file for the one task function
(task.py), and hands the tasks to a runner: this process (one job, or memory:// storage,
which is private to a process), the local pool that survives a dead worker (local.py),
or Dask distributed (cluster.py, for `cluster="local:N"` or a scheduler's address).
Results come back in input order; `progress(result)` is called as each file finishes.
Inputs and outputs may be fsspec URLs (storage.py). Nothing here renders a document or
prints: the CLI reports what the results say.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .. import api, formats
from ..errors import DocforgeError, InputError, OutputError, UsageError
from ..style import Style, load_style
from . import storage
from .inputs import expand_inputs, is_directory, targets_of

__all__ = ["convert_many", "expand_inputs", "Task"]


class Task:
    """One file of a batch: what the task function gets, and the outputs it will write
    (so that a runner can clean up after a worker killed while writing them)."""
    __slots__ = ("index", "source", "relative", "targets")

    def __init__(self, index: int, source: str, relative: Path | None, targets: list) -> None:
        self.index, self.source, self.relative, self.targets = index, source, relative, targets


def default_jobs() -> int:
    """How many processes a batch uses unless told: one per core (the CLI's default too)."""
    return os.cpu_count() or 1


def convert_many(inputs: Sequence[str | os.PathLike], to=None, output=None, *, recursive: bool = False,
                 jobs: int | None = None, progress=None, cluster: str | None = None, retries: int = 1,
                 timeout: float | None = None, **kwargs) -> list[api.ConversionResult]:
    """See api.convert_many."""
    if retries < 0:
        raise UsageError(f"retries {retries}: give 0 or more")
    if timeout is not None and timeout <= 0:
        raise UsageError(f"timeout {timeout}: give a number of seconds above 0")
    files = expand_inputs(inputs, recursive, to, output)
    if not files:
        raise InputError(f"{', '.join(map(str, inputs))}: no input files found (none with the "
                         f"extension of a readable format: {', '.join(formats.input_extensions())}); "
                         "give files or directories holding them")
    many = len(files) > 1 or any(str(i) != "-" and is_directory(i) for i in inputs)
    names = api.resolve_formats(to, output)  # fail once, early, on a bad --to or -o
    api.check_output_directory(output, names, many)
    jobs = default_jobs() if jobs is None else jobs
    # the theme once for the batch (a bad one fails here, before any file), not once per file
    style = kwargs.pop("style", None)
    style = style if isinstance(style, Style) else load_style(style)
    common = dict(kwargs, to=to, output=output, many_inputs=many, style=style)
    tasks = [Task(i, src, rel, _targets(src, names, output, many, rel)) for i, (src, rel) in enumerate(files)]
    in_memory = any(storage.protocol(t.source) == "memory" for t in tasks) or storage.protocol(output) == "memory"
    if output is not None and str(output) != "-" and not storage.is_url(output) and many:
        # made once, here: a file whose -o vanished during the batch fails (task.py) rather
        # than a silently recreated directory
        api.make_output_dir(Path(output))
    if cluster:
        if in_memory:
            raise UsageError(f"{output if storage.protocol(output) == 'memory' else tasks[0].source}: "
                             "memory:// lives in one process and cannot be shared with a cluster; "
                             "use a shared file system or an object store")
        from .cluster import run_on_cluster
        return _only_what_exists(run_on_cluster(tasks, common, cluster, retries=retries, timeout=timeout,
                                                progress=progress))
    if jobs > 1 and len(tasks) > 1 and not in_memory:
        from .local import run_in_pool
        return _only_what_exists(run_in_pool(tasks, common, jobs, retries=retries, timeout=timeout,
                                             progress=progress))
    from .task import convert_file  # (ctypes and threading: not on a single file's start-up path)
    results = []
    for task in tasks:
        result = convert_file(task.source, task.relative, common, timeout)
        results.append(result)
        if progress:
            progress(result)
    return _only_what_exists(results)


def _only_what_exists(results: list[api.ConversionResult]) -> list[api.ConversionResult]:
    """A file counts as converted only if its outputs are still there when the batch ends
    (its output directory may have been deleted since it was written)."""
    for result in results:
        if not result.ok or result.skipped:
            continue
        gone = [p for p in result.outputs if not storage.is_url(p) and not Path(p).is_file()]
        if gone:
            result.error = OutputError(f"{gone[0]}: written, then gone from disk before the batch ended "
                                       "(was its directory deleted?); run the batch again")
    return results


def _targets(source: str, names: list[str], output, many: bool, relative: Path | None) -> list:
    """The outputs of one file, or none when they cannot be named (the conversion reports why)."""
    try:
        return targets_of(source, names, output, many, relative)
    except DocforgeError:
        return []
