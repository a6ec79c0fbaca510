"""What produced an output, for `--skip-unchanged`: a small manifest beside each output.

An output (a path, or an fsspec URL through storage.py) is up to date when the manifest
beside it (`.NAME.docforge-manifest`, JSON)
says it was produced from the same input bytes, with the same options, metadata,
theme (its settings and its files' bytes), reference DOCX, reading options (metadata
file, heading shift, filters and the bytes of the files they name), SOURCE_DATE_EPOCH
and docforge version, and the output still has the bytes it had then. Anything else (no
manifest, a changed option, an edited or truncated output) means convert again. Only
hashes and settings are stored, never a time or a path, so the manifest is the same for
the same conversion wherever it runs; it is written atomically after its output. This
module never converts anything and never decides where outputs go.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import __version__
from ..io import atomic_write
from ..records import replace

MANIFEST_SUFFIX = ".docforge-manifest"  # not an input extension: a directory batch never reads one


def manifest_path(target: str | os.PathLike) -> str:
    directory, _, name = str(target).rpartition("/")
    return f"{directory}/.{name}{MANIFEST_SUFFIX}" if directory else f".{name}{MANIFEST_SUFFIX}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(location: str | os.PathLike) -> str | None:
    data = _load(location)
    return None if data is None else _digest(data)


def _load(location: str | os.PathLike) -> bytes | None:
    from . import storage
    try:
        if storage.is_url(location):
            fs, path = storage.split(str(location))
            return fs.cat_file(path)
        return Path(location).read_bytes()
    except (OSError, ValueError):
        return None


def _store(location: str, data: bytes) -> None:
    from . import storage
    if storage.is_url(location):
        storage.put_atomically(location, data)
    else:
        atomic_write(location, lambda handle: handle.write(data))


def _named_files(reading: dict) -> list[str]:
    """The files a conversion's reading options name: the metadata file, filter scripts and
    programs given by path (one on PATH is not hashed)."""
    files = [str(reading["metadata_file"])] if reading.get("metadata_file") else []
    for f in reading.get("filters") or ():
        path = f if isinstance(f, str) else getattr(f, "path", None) or (f[1] if isinstance(f, tuple) else "")
        if path and os.path.isfile(path):
            files.append(str(path))
    return files


class Provenance:
    """Everything one conversion's outputs depend on, and the check and record per output."""

    def __init__(self, input_bytes: bytes, style, options, *, meta=None, from_format=None,
                 encoding=None, reading: dict | None = None) -> None:
        reading = reading or {}
        self.common = {
            "docforge": __version__,
            "input": _digest(input_bytes),
            "from": from_format,
            "encoding": encoding,
            # the output names itself in diagnostics only; the theme's paths are not its content
            "options": repr(replace(options, source_name="")),
            "reference_docx": _file_digest(options.reference_docx) if options.reference_docx else None,
            "meta": {k: ([v] if isinstance(v, str) else [str(x) for x in v]) for k, v in (meta or {}).items()},
            "theme": repr(replace(style, files=())),
            "theme_files": [_file_digest(f) for f in style.files],
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", "").strip() or None,
            # what api.read does after the reader (metadata file, heading shift, filters, pandoc
            # options): the settings, and the bytes of the files they name
            "reading": {key: repr(value) for key, value in sorted(reading.items()) if value},
            "reading_files": [_file_digest(f) for f in _named_files(reading)],
        }

    def _expected(self, fmt: str) -> dict:
        return dict(self.common, format=fmt)

    def made(self, fmt: str, target) -> bool:
        """Whether `target` holds what this conversion would write as `fmt`."""
        try:
            recorded = json.loads(_load(manifest_path(target)) or b"null")
        except ValueError:
            return False
        if not isinstance(recorded, dict) or recorded.pop("output", None) != _file_digest(target):
            return False
        return recorded == json.loads(json.dumps(self._expected(fmt)))

    def record(self, fmt: str, target) -> None:
        """Write the manifest of `target`, just written as `fmt`."""
        entry = dict(self._expected(fmt), output=_file_digest(target))
        text = json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        _store(manifest_path(target), text.encode("utf-8"))
