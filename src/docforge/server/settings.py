"""The service's limits, from `docforge serve` options or DOCFORGE_* environment variables.

`docforge.server:app` (for any ASGI server) reads the environment; `docforge serve`
passes its options. This module only holds and checks values; it starts nothing.
"""
from __future__ import annotations

import os

from ..errors import UsageError
from ..records import Record

DEFAULT_MAX_BODY = 10 * 1024 * 1024   # an article is ~10 KB; a 10 MB feed takes ~20 s to PDF
DEFAULT_TIMEOUT = 60.0                # seconds a conversion may run before its worker is killed
QUEUE_PER_WORKER = 4                  # waiting jobs per worker before 503


class Settings(Record):
    workers: int = 0          # 0: one per core
    max_body: int = DEFAULT_MAX_BODY
    timeout: float = DEFAULT_TIMEOUT
    queue: int = 0            # 0: QUEUE_PER_WORKER per worker

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def queue_limit(self) -> int:
        return self.queue or QUEUE_PER_WORKER * self.worker_count


ENVIRONMENT = {"workers": "DOCFORGE_WORKERS", "max_body": "DOCFORGE_MAX_BODY",
               "timeout": "DOCFORGE_TIMEOUT", "queue": "DOCFORGE_QUEUE"}


def from_environment(environ=os.environ) -> Settings:
    """Settings from DOCFORGE_WORKERS, DOCFORGE_MAX_BODY, DOCFORGE_TIMEOUT, DOCFORGE_QUEUE."""
    values: dict = {}
    for field, variable in ENVIRONMENT.items():
        raw = environ.get(variable, "").strip()
        if not raw:
            continue
        kind = float if field == "timeout" else int
        try:
            value = kind(raw)
        except ValueError:
            value = -1
        if value < (0.1 if field == "timeout" else 1 if field == "max_body" else 0):
            raise UsageError(f"{variable}={raw!r}: expected a positive number; fix or unset it")
        values[field] = value
    return Settings(**values)
