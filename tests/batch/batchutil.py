"""What the batch tests share: inputs, a CLI run in the background, waiting with a bound,
killing one process, comparing output trees."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SAMPLES

SRC = ROOT / "src"


def make_inputs(directory: Path, count: int) -> Path:
    """`count` article-sized feeds, the samples in turn (each a few KB)."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = [p.read_bytes() for p in SAMPLES]
    for i in range(count):
        (directory / f"article-{i:03d}.txt").write_bytes(texts[i % len(texts)])
    return directory


def make_big_input(path: Path, size: int = 1_000_000) -> Path:
    """One long feed (one document): slow enough to be caught converting."""
    body = []
    for p in SAMPLES:
        body.extend(p.read_text(encoding="utf-8").strip().splitlines()[1:-1])
    chunk = "\n".join(body) + "\n"
    path.write_text("A Long Feed\n" + chunk * (size // len(chunk.encode()) + 1), encoding="utf-8")
    return path


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def start_cli(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "docforge", *args], env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float, what: str, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s waiting for {what}")


def count_outputs(directory: Path) -> int:
    return sum(1 for f in directory.glob("*") if not f.name.startswith(".")) if directory.is_dir() else 0


def leftovers(directory: Path) -> list[str]:
    """Temporary files of interrupted writes (atomic writes leave none behind)."""
    return sorted(str(f) for f in directory.rglob(".*.part"))


def tree(directory: Path) -> dict[str, bytes]:
    return {str(f.relative_to(directory)): f.read_bytes() for f in sorted(directory.rglob("*")) if f.is_file()}


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop(proc: subprocess.Popen) -> None:
    """Finaliser: a process a test started does not outlive it."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
