"""Fixtures for the service tests: real `docforge serve` processes on free loopback ports.

`service` is shared by the API and page tests (2 workers, a 1 MiB body limit); `tight`
has one worker, a queue of one and an eight-second timeout (long enough to queue a request behind
the slow one on a loaded machine), for the 503 and 504 paths.
Each is stopped by its finaliser.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from serve_load import Service  # noqa: E402

MAX_BODY = 1024 * 1024


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    server = Service("--workers", "2", "--max-body", str(MAX_BODY),
                     log=tmp_path_factory.mktemp("service") / "serve.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tight(tmp_path_factory):
    server = Service("--workers", "1", "--queue", "1", "--timeout", "8", "--max-body", str(4 * MAX_BODY),
                     log=tmp_path_factory.mktemp("tight") / "serve.log")
    yield server
    server.stop()
