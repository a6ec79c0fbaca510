"""Start `docforge serve` as a real process on a free loopback port, and load it.

Shared by `make bench` (benchmarks/run.py: the service's p50/p99 latency) and the tests
(tests/server/). Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
Never asserts anything about speed.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """One `docforge serve` process; `url` is its base address. Stop it with stop()."""

    def __init__(self, *options: str, log: Path, env: dict | None = None, start_timeout: float = 60) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        environment = dict(os.environ, **(env or {}))
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                  environment.get("PYTHONPATH")]))
        self._log_file = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "docforge", "serve", "--port", str(self.port), *options],
            stdout=self._log_file, stderr=subprocess.STDOUT, env=environment, cwd=str(ROOT))
        deadline = time.monotonic() + start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"docforge serve exited ({self.process.returncode}): {self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"docforge serve did not answer in {start_timeout} s: {self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> int:
        """Interrupt (as Ctrl-C does), wait for the graceful shutdown, kill if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
        return self.process.returncode


async def _hammer(url: str, count: int, concurrency: int, body: dict) -> list[tuple[int, float, str | None]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        async def one() -> tuple[int, float, str | None]:
            async with semaphore:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                return response.status_code, time.perf_counter() - started, response.headers.get("retry-after")
        return await asyncio.gather(*(one() for _ in range(count)))


def hammer(url: str, count: int, concurrency: int, body: dict) -> list[tuple[int, float, str | None]]:
    """POST `body` as JSON `count` times, `concurrency` at once: (status, seconds, Retry-After) each."""
    return asyncio.run(_hammer(url, count, concurrency, body))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
