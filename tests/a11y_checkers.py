"""The accessibility checkers the tests run, installed by `make test` (tools/node, from
npm) on Debian's chromium: Ace by DAISY on EPUBs, axe-core on HTML pages.

Both return only what they found, keyed by file ({} means no violation), so a test
asserts `== {}` and its failure message lists every rule and where it failed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parents[1] / "tools" / "node"
ACE = NODE_DIR / "node_modules" / "@daisy" / "ace-core"
ACE_SCRIPT = NODE_DIR / "ace-check.mjs"
AXE_SCRIPT = NODE_DIR / "axe-check.mjs"
WIDTHS = (1280, 375)  # desktop and phone: wide tables scroll only on the phone
# Best-practice rules about the author's own structure, which a writer renders as given
# and cannot repair: headings that skip a level or hold no text, header cells left empty,
# a page without a title (so without a level-one heading). Off only for the documents
# tests/strategies.py generates at random; real documents are checked with every rule.
AUTHOR_STRUCTURE = ("heading-order", "empty-heading", "empty-table-header", "page-has-heading-one")


def _browser_env() -> dict[str, str]:
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
    assert chromium, "chromium missing: run `make system-deps`"
    assert shutil.which("node"), "node missing: run `make system-deps`"
    assert ACE.exists() and (NODE_DIR / "node_modules" / "axe-core").is_dir(), \
        "Ace and axe-core missing: run `make node-deps` (make test does)"
    return dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, PUPPETEER_SKIP_DOWNLOAD="1")


def ace_check(paths, ignore=()) -> dict[str, list[str]]:
    """Ace on every EPUB, in one process sharing one browser (tools/node/ace-check.mjs: 2.3x
    faster than ace-cli a book); returns {path: ["impact rule: description (file)", ...]}
    for every book with a violation of a rule not in `ignore`."""
    paths = [str(p) for p in paths]
    if not paths:
        return {}
    proc = subprocess.run(["node", str(ACE_SCRIPT), *paths], env=_browser_env(),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"ace-check failed (exit {proc.returncode}): {(proc.stderr or proc.stdout)[-1000:]}"
    found = {}
    for book, failures in json.loads(proc.stdout).items():
        kept = [f"{f['impact']} {f['rule']}: {f['description']} ({f['where']})"
                for f in failures if f["rule"] not in ignore]
        if kept:
            found[book] = kept
    return found


def axe_check(paths, widths=WIDTHS, ignore=()) -> dict[str, list[str]]:
    """axe-core on every HTML page at every width, in one browser; returns
    {"path@width": ["impact rule: help [targets]", ...]} for every page with a violation
    of a rule not in `ignore`."""
    paths = [str(p) for p in paths]
    if not paths:
        return {}
    proc = subprocess.run(["node", str(AXE_SCRIPT), ",".join(map(str, widths)), *paths],
                          env=dict(_browser_env(), AXE_DISABLE=",".join(ignore)),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"axe-check failed (exit {proc.returncode}): {proc.stderr[-1000:]}"
    return {page: [f"{v['impact']} {v['id']}: {v['help']} {v['targets']}" for v in violations]
            for page, violations in json.loads(proc.stdout).items()}


def listing(found: dict[str, list[str]]) -> str:
    """What a checker found, one file and its violations a paragraph, for a failure message."""
    return "\n\n".join(f"{where}:\n  " + "\n  ".join(items) for where, items in sorted(found.items()))
