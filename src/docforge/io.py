"""Bytes in, bytes out: decoding inputs and writing outputs atomically.

Decoding order: an explicit encoding; a BOM (UTF-32, UTF-8, UTF-16); strict UTF-8;
otherwise charset-normalizer's best guess, reported as a diagnostic naming it. Binary
files and empty inputs are refused with an InputError. Outputs are written to a
temporary file beside the target, fsynced and renamed into place, so an interrupted
run never leaves a half-written file; the temporary file is removed on any failure,
including KeyboardInterrupt. This module never parses document structure.
"""
from __future__ import annotations

import codecs
import errno
import os
import sys
import functools
from pathlib import Path
from typing import Callable

from .errors import Diagnostic, InputError, OutputError, UsageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Magic numbers of formats people feed by mistake (the extension is often wrong).
_BINARY_MAGIC = {
    b"%PDF-": "a PDF file", b"PK\x03\x04": "a ZIP archive (DOCX/EPUB/ODT?)", b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\x7fELF": "an executable",
    b"\x1f\x8b": "a gzip archive", b"\xd0\xcf\x11\xe0": "an old Office document",
}


def decode(data: bytes, source: str = "<input>", encoding: str | None = None
           ) -> tuple[str, list[Diagnostic]]:
    """Turn an input's bytes into text, saying how when it was not plain UTF-8."""
    diagnostics: list[Diagnostic] = []
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"{source}: unknown encoding {encoding!r}; use a Python codec name "
                             "such as utf-8, gb18030, cp1252, utf-16") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: cannot be decoded as {encoding} (byte {exc.start}); "
                             "drop --encoding to detect it, or name the right one") from None
        return _check_empty(text.removeprefix("\ufeff"), source), diagnostics
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: starts with a {name} byte-order mark but is not valid "
                                 f"{name} (byte {exc.start}); pass --encoding") from None
            if name != "utf-8":
                diagnostics.append(Diagnostic(f"decoded as {name} (byte-order mark)", severity="info"))
            return _check_empty(text, source), diagnostics
    _refuse_binary(data, source)
    try:
        return _check_empty(data.decode("utf-8"), source), diagnostics
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for the rare non-UTF-8 input

    best = from_bytes(data[:1_000_000]).best()
    name = best.encoding if best is not None else "cp1252"
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError):
        name = "cp1252"
        text = data.decode(name, errors="replace")
    diagnostics.append(Diagnostic(f"not UTF-8; decoded as {name} (detected); "
                                  "pass --encoding to override"))
    return _check_empty(text, source), diagnostics


def _check_empty(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(f"{source}: is empty; give a file with article text")
    return text


def _refuse_binary(data: bytes, source: str) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{source}: is {what}, not text; give a plain-text feed "
                             "(or --from json for pandoc JSON)")
    head = data[:8192]
    if b"\x00" in head and head.count(b"\x00") > len(head) // 100:
        raise InputError(f"{source}: looks binary (contains NUL bytes); give a plain-text feed, "
                         "or --encoding utf-16 if it is UTF-16 without a byte-order mark")


def read_bytes(path: str | os.PathLike, max_size: int | None = None) -> bytes:
    """An input's bytes, with one-line errors for every way reading can fail. '-' is stdin."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        p = Path(path)
        source = str(p)
        if not p.exists():
            raise InputError(f"{p}: no such file; check the path")
        if p.is_dir():
            raise InputError(f"{p}: is a directory; give a file, or list the files to convert")
        if max_size is not None and p.stat().st_size > max_size:
            raise InputError(f"{p}: is {p.stat().st_size} bytes, over --max-input-size {max_size}; "
                             "raise the limit or split the file")
        try:
            data = p.read_bytes()
        except PermissionError:
            raise InputError(f"{p}: permission denied; make the file readable") from None
        except OSError as exc:
            raise InputError(f"{p}: cannot be read ({exc.strerror}); check the file") from None
    if max_size is not None and len(data) > max_size:
        raise InputError(f"{source}: is {len(data)} bytes, over --max-input-size {max_size}; "
                         "raise the limit or split the file")
    return data


def atomic_write(target: str | os.PathLike, produce: Callable[[object], None]) -> None:
    """Write a file through `produce(binary_file)` so that `target` is either untouched or complete.

    The temporary file lives in the target's directory (a rename across file systems is
    not atomic) and is removed on any failure or interrupt. It is not fsynced: an
    interrupted or killed run still leaves the target untouched or complete, and like
    pandoc we leave power-loss durability to the file system (fsync per file was a fifth
    of a batch's time); `--skip-unchanged` never trusts an empty output for that reason.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{target}: directory {directory} does not exist; create it or choose "
                          "another -o")
    try:
        fd, tmp_name = _temporary_beside(target, directory)
    except PermissionError:
        raise OutputError(f"{target}: cannot write in {directory} (permission denied); "
                          "choose another -o") from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {directory} ({exc.strerror}); "
                          "choose another -o") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            produce(handle)
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
    except OSError as exc:
        _remove_quietly(tmp_name)
        if exc.errno == errno.ENOSPC:
            raise OutputError(f"{target}: disk full; free space or write elsewhere") from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EISDIR):
            raise OutputError(f"{target}: cannot be written ({exc.strerror}); "
                              "choose another -o") from None
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc}); "
                          "check the output path") from None
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _temporary_beside(target: Path, directory: Path) -> tuple[int, str]:
    """A new, exclusively created `.NAME.<pid>.<random>.part` file next to the target.
    (Not tempfile.mkstemp: importing tempfile pulls in shutil, bz2, lzma and random,
    a noticeable part of the start-up of a small conversion.)"""
    for _ in range(100):
        name = str(directory / f".{target.name[:100]}.{os.getpid()}.{os.urandom(4).hex()}.part")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(directory))


def _remove_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


@functools.cache
def _umask() -> int:
    """The process umask (read once: reading it means setting it, which is not thread-safe)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
