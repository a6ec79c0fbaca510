"""Which files a batch converts and where each one's outputs go, for paths and fsspec URLs.

A directory (local, or a URL naming a directory of an fsspec file system) contributes its
files with the extension of a readable format (the format table's), except those that
are outputs of another of its files in this batch: `a.html` beside `a.txt` is what
converting `a.txt` to HTML writes there, not a second input. Since pandoc reads HTML,
DOCX and EPUB, such a file beside another input of the same stem is left out whatever
the batch's formats (an earlier run's output). Each file keeps its
directory relative to the directory it was found in. Nothing here reads a file's content
or converts anything.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Sequence

from .. import api, formats
from . import storage


def expand_inputs(inputs: Sequence[str | os.PathLike], recursive: bool = False,
                  to: str | Sequence[str] | None = None, output: str | os.PathLike | None = None
                  ) -> list[tuple[str, Path | None]]:
    """Files to convert, each with its output subdirectory (relative layout for directories)."""
    found: list[tuple[str, Path | None]] = []
    extensions = None
    for item in inputs:
        if str(item) == "-" or not is_directory(item):
            found.append((str(item), None))
            continue
        if extensions is None:
            extensions = frozenset(formats.input_extensions())
        scanned = _without_earlier_outputs([(f, rel) for f, rel in _files_in(item, recursive)
                                            if PurePosixPath(f).suffix.lower() in extensions])
        if to is not None or output is not None:
            scanned = _without_outputs(scanned, to, output)
        found.extend(scanned)
    return found


def is_directory(item: str | os.PathLike) -> bool:
    if storage.is_url(item):
        fs, path = storage.split(str(item))
        return fs.isdir(path)
    return Path(item).is_dir()


def _files_in(directory: str | os.PathLike, recursive: bool) -> list[tuple[str, Path | None]]:
    """(file, its directory relative to `directory`, None for the top) in sorted order."""
    if storage.is_url(directory):
        return storage.files_in(str(directory), recursive)
    root = Path(directory)
    out = []
    for f in sorted(root.glob("**/*" if recursive else "*")):
        if f.is_file():
            rel = f.parent.relative_to(root)
            out.append((str(f), rel if str(rel) != "." else None))
    return out


def targets_of(source: str, names: list[str], output, many_inputs: bool,
               relative: Path | None) -> list:
    """Where each format of `source` goes (paths, '-' or URLs), as the conversion will write it."""
    if storage.is_url(source) or storage.is_url(output):
        return storage.output_urls(source, names, output, many_inputs, relative)
    return api.output_paths(source, names, output, many_inputs, relative)


def _without_outputs(files: list[tuple[str, Path | None]], to, output) -> list[tuple[str, Path | None]]:
    names = api.resolve_formats(to, output)
    produced: set[str] = set()
    for f, rel in files:
        for target in targets_of(f, names, output, True, rel):
            if target != "-" and str(target) != f:
                produced.add(_identity(target))
    return [(f, rel) for f, rel in files if _identity(f) not in produced]


def _without_earlier_outputs(files: list[tuple[str, Path | None]]) -> list[tuple[str, Path | None]]:
    """Leave out a file that docforge itself writes but only pandoc reads (.html, .docx,
    .epub) when its folder holds another readable file of the same stem: `a.html` beside
    `a.txt` or `a.md` is what an earlier conversion wrote, whatever this batch's formats."""
    from collections import Counter
    stems = Counter(_stem_key(f) for f, _ in files)
    own_outputs = frozenset(ext for row in formats.FORMATS if row.writes and not row.bridged("writer")
                            and row.bridged("reader") for ext in row.extensions)
    return [(f, rel) for f, rel in files
            if not (PurePosixPath(f).suffix.lower() in own_outputs and stems[_stem_key(f)] > 1)]


def _stem_key(location: str) -> str:
    path = PurePosixPath(str(location))
    return str(path.with_suffix(""))


def _identity(location) -> str:
    """One spelling per file: resolved for paths, as given for URLs."""
    return str(location) if storage.is_url(location) else str(Path(location).resolve())
