"""Bytes in, bytes out: decoding inputs and writing outputs atomically.

Decoding order: an explicit encoding; a BOM (UTF-32, UTF-8, UTF-16); strict UTF-8 (the
fast path: one decode and a bounded look at the first kilobytes); UTF-8 with a few invalid
bytes stays UTF-8, those bytes replaced by U+FFFD and reported with their lines; anything
else goes to charset-normalizer, whose multi-byte pick is taken only when its text is
plausible (not a few accented Latin letters read as Big5 or UTF-16), and whose single-byte
candidates are ranked by how plausible their text reads (charsets.py; cp1252 on a tie, as
in the WHATWG encoding standard). An input too short for the detector (under
charsets.SHORT_CJK_BYTES non-ASCII bytes, a few CJK characters) is read in the CJK
encoding whose reading is its language's common characters (charsets.short_cjk_readings;
a `Language:` field decides a tie), before damaged UTF-8 or the code pages are considered,
and its warning says it was too short to detect reliably and names the runner-up. A
guessed encoding is always a diagnostic, naming the runner-up when the call was close.
Binary data (magic numbers, NULs, mostly control or private-use characters, bytes no code
page reads as words) and empty inputs are refused with an InputError, and so is damaged
UTF-16/UTF-32, in words: no --encoding can fix it.

Outputs are written to a temporary file beside the file finally written (through a
symbolic link to its target), then renamed into place, so an interrupted run never
leaves a half-written file; the temporary file is removed on any failure, including
KeyboardInterrupt. Not fsynced (see atomic_write). This module never parses document
structure and never decides which paths are inputs.
"""
from __future__ import annotations

import codecs
import errno
import functools
import os
import re
import stat
import sys
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
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Characters text does not consist of: C0/C1 controls other than tab, line feed, vertical
# tab, form feed and carriage return, DEL, an escape that does not start a terminal colour
# code, private-use and unassigned planes, noncharacters.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff"
                       "\U00040000-\U000dffff\U000f0000-\U0010ffff]|\x1b(?!\\[)")
# How much of the start of an input the binary checks look at.
_HEAD = 8192
# C0 controls other than tab, line feed, vertical tab, form feed, carriage return; DEL.
_CONTROL_BYTES = bytes([b for b in range(256) if b < 9 or 13 < b < 32 or b == 127])
# The lead bytes of the UTF-8 forms of what _NOT_TEXT matches above U+007F.
_NOT_TEXT_UTF8_LEADS = b"\xc2\xee\xef\xf1\xf2\xf3\xf4"
# Every other byte: deleting these from a head leaves its controls and those lead bytes.
_ORDINARY_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES + _NOT_TEXT_UTF8_LEADS)


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
            raise _damaged(source, encoding, data, exc) or InputError(
                f"{source}: cannot be decoded as {encoding} (byte {exc.start}); "
                "drop --encoding to detect it, or name the right one") from None
        text = text.removeprefix("\ufeff")
    elif data.startswith(codecs.BOM_UTF8):
        # the mark says UTF-8: bytes that are not are damage, replaced and reported
        text = _utf8_with_replacements(data[len(codecs.BOM_UTF8):], diagnostics)
    elif bom := next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), None):
        name = bom[1]
        try:
            text = data[len(bom[0]):].decode(name)
        except UnicodeDecodeError as exc:
            raise _damaged(source, name, data[len(bom[0]):], exc, len(bom[0])) or InputError(
                f"{source}: starts with a {name} byte-order mark but is not valid {name} "
                f"(byte {exc.start}); pass --encoding") from None
        diagnostics.append(Diagnostic(f"decoded as {name} (byte-order mark)", severity="info"))
    else:
        leads = _refuse_binary(data, source)
        try:
            text = data.decode("utf-8")  # the fast path: nearly every input
        except UnicodeDecodeError:
            text = _decode_not_utf8(data, source, diagnostics)
        else:
            # each character _refuse_not_text counts has one of these leads and at most four
            # bytes: valid UTF-8 with few of them is not worth a character-level look
            if leads * 40 > min(len(data), _HEAD):
                _refuse_not_text(text, source)
            return _check_empty(text, source), diagnostics
    _refuse_not_text(text, source)
    return _check_empty(text, source), diagnostics


def _decode_not_utf8(data: bytes, source: str, diagnostics: list[Diagnostic]) -> str:
    """Mostly UTF-8 stays UTF-8; otherwise the detector's candidates, the most plausible
    single-byte reading among them preferred (see charsets.py)."""
    escaped = data.decode("utf-8", errors="surrogateescape")  # an invalid byte -> one surrogate
    invalid = len(data) - len(escaped.encode("utf-8", errors="ignore"))
    high_bytes = len(data) - len(data.translate(None, _HIGH_BYTES))
    # each non-ASCII character decoded is a valid multi-byte sequence or an invalid byte;
    # legacy text has next to no valid sequences, damaged UTF-8 at least as many as damage
    valid_sequences = len(escaped) - (len(data) - high_bytes) - invalid
    from . import charsets

    # A few CJK characters in a legacy encoding can hold valid UTF-8 sequences by chance
    # ("先生" in Shift_JIS: a stray byte, then "搶"): for so short an input they prove
    # nothing, so a CJK reading of common characters, which loses no byte, goes first.
    short = high_bytes < charsets.SHORT_CJK_BYTES
    if short and valid_sequences:
        text = _short_cjk(data, [], diagnostics)
        if text is not None:
            return text
    if valid_sequences >= invalid:
        return _utf8_with_replacements(data, diagnostics, invalid)
    from charset_normalizer import from_bytes  # only for the rare non-UTF-8 input

    matches = list(from_bytes(data[:1_000_000]))
    if short:
        text = _short_cjk(data, [m.encoding for m in matches], diagnostics)
        if text is not None:
            return text
    if matches and not charsets.is_single_byte(matches[0].encoding):
        name = matches[0].encoding  # GB18030, Shift_JIS, Big5, EUC-KR: the detector's own field
        try:
            text = data.decode(name)
        except UnicodeDecodeError:  # valid in the detector's sample only: judge the code pages
            pass
        else:
            if _plausible_multi_byte(name, text):
                diagnostics.append(Diagnostic(f"not UTF-8; decoded as {name} (detected); "
                                              "pass --encoding to override"))
                return text
    proposed: dict[str, float] = {}  # encoding -> the detector's coherence, best first
    for match in matches:
        for name in (match.encoding, *match.could_be_from_charset):
            proposed.setdefault(name, match.coherence)
    verdict = charsets.choose(data, proposed)
    if verdict.binary:
        raise InputError(f"{source}: looks binary (no text encoding reads it as words); give a "
                         "plain-text feed, or --encoding NAME if it is text in an unusual encoding")
    text = data.decode(verdict.encoding, errors="replace")
    how = "detected"
    if verdict.runner_up:
        ours, theirs = verdict.example
        how = (f"detected, but uncertain: as {verdict.runner_up} it would read "
               f"'{theirs}' for '{ours}'")
    diagnostics.append(Diagnostic(f"not UTF-8; decoded as {verdict.encoding} ({how}); "
                                  "pass --encoding to override"))
    return text


# `Language: ja`, `lang: zh-TW` (a feed's header field, or front matter) in the bytes
_DECLARED_LANGUAGE = re.compile(rb"(?im)^[ \t]*(?:lang|language)[ \t]*:[ \t]*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)")


def _short_cjk(data: bytes, proposed: list[str], diagnostics: list[Diagnostic]) -> str | None:
    """A short input (too few characters for the detector) whose best CJK reading is
    common characters of its language (charsets.short_cjk_readings; the language a
    `Language:` field declares is preferred), with a warning that says the input was too
    short to be sure and what the runner-up would read; None when no CJK reading is text
    (accented Latin: the code pages are judged instead)."""
    from . import charsets

    declared = _DECLARED_LANGUAGE.search(data[:_HEAD])
    readings = charsets.short_cjk_readings(data, proposed, declared.group(1).decode() if declared else "")
    if not readings or not charsets.reads_as_common_cjk(readings[0]):
        return None
    best = readings[0]
    rival = next((r for r in readings[1:] if r.text != best.text), None)
    if rival is None:  # no other CJK reading: what a Western code page would make of it
        rival_name, rival_text = "cp1252", data.decode("cp1252", errors="replace")
    else:
        rival_name, rival_text = rival.encoding, rival.text
    ours, theirs = _first_difference(best.text, rival_text)
    diagnostics.append(Diagnostic(
        f"not UTF-8; decoded as {best.encoding} (guessed: too short to detect reliably; as "
        f"{rival_name} it would read '{theirs}' for '{ours}'); pass --encoding to override"))
    return best.text


def _first_difference(ours: str, theirs: str) -> tuple[str, str]:
    """The first line the two readings spell differently (up to 40 characters, spaces
    collapsed), as each spells it: a line break is one byte no CJK encoding uses inside
    a character, so the lines of the two readings are the same lines of the input."""
    for a, b in zip(ours.splitlines(), theirs.splitlines()):
        if a != b:
            return " ".join(a.split())[:40], " ".join(b.split())[:40]
    return " ".join(ours.split())[:40], " ".join(theirs.split())[:40]


def _plausible_multi_byte(encoding: str, text: str) -> bool:
    """Whether the detector's multi-byte reading can be text. On a short input it proposes
    one for a few accented letters: "Très bien" as Big5 ("Tr" + one Han character that ate
    the "s"), 8 bytes of French as UTF-16. UTF-16/32 without a byte-order mark would have
    had NULs (refused as binary before this); a CJK reading that holds only one non-ASCII
    character, or in which half of them or more touch a Latin letter, is Latin text misread
    (real CJK characters stand next to each other; Latin words meet them at a run's ends)."""
    if encoding.replace("-", "_").lower().startswith(("utf_16", "utf_32")):
        return False
    from .charsets import glued_to_latin

    sample = text[:65536]
    wide = len(sample) - len(sample.encode("ascii", errors="ignore"))
    return wide >= 2 and not glued_to_latin(sample, wide)


def _utf8_with_replacements(data: bytes, diagnostics: list[Diagnostic], invalid: int | None = None) -> str:
    """UTF-8 with invalid bytes replaced by U+FFFD (the standard's way: one per maximal
    invalid sequence), counted and located in one diagnostic."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if invalid is None:
        invalid = len(data) - len(data.decode("utf-8", errors="ignore").encode("utf-8"))
    lines, more = _invalid_utf8_lines(data)
    shown = ", ".join(map(str, lines)) + (" and later ones" if more else "")
    diagnostics.append(Diagnostic(
        f"not valid UTF-8: {invalid} invalid byte{'s' * (invalid != 1)} replaced with U+FFFD "
        f"(line{'s' * (len(lines) > 1 or more)} {shown}); the rest decoded as UTF-8"))
    return data.decode("utf-8", errors="replace")


def _invalid_utf8_lines(data: bytes, lines_shown: int = 10, errors_examined: int = 1000
                        ) -> tuple[list[int], bool]:
    """The first lines holding invalid UTF-8, and whether there are more. Each decode runs
    from the last error to the next over a memoryview, so the whole is one pass."""
    view = memoryview(data)
    lines: list[int] = []
    position, line = 0, 1
    for _ in range(errors_examined):
        try:
            codecs.utf_8_decode(view[position:], "strict", True)
            return lines, False
        except UnicodeDecodeError as exc:
            start = position + exc.start
            line += data.count(b"\n", position, start)
            if not lines or lines[-1] != line:
                if len(lines) == lines_shown:
                    return lines, True
                lines.append(line)
            position += exc.end
    return lines, True


def _damaged(source: str, encoding: str, data: bytes, exc: UnicodeDecodeError, offset: int = 0
             ) -> InputError | None:
    """What is wrong with a UTF-16/UTF-32 input, in words (another encoding cannot fix it),
    or None for other encodings. `offset` is where `data` starts in the file (after a BOM)."""
    family = codecs.lookup(encoding).name
    if not family.startswith(("utf-16", "utf-32")):
        return None
    label = family.upper().replace("-LE", "").replace("-BE", "")
    line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
    byte = exc.start + offset
    if "surrogate" in exc.reason or exc.reason == "illegal encoding":
        return InputError(f"{source}: is {label} but holds a lone surrogate (half of a character "
                          f"pair) at byte {byte}, line {line}: the file is damaged; re-export it "
                          "from the program that wrote it, or delete that character")
    if exc.reason == "unexpected end of data":  # a first half with nothing after it
        return InputError(f"{source}: is {label} but ends with a lone surrogate (half of a "
                          f"character pair), line {line}: the file is cut short or damaged; "
                          "copy or export it again")
    if exc.reason == "truncated data":
        return InputError(f"{source}: is {label} but ends in the middle of a character (line {line}): "
                          "the file is cut short; copy or export it again")
    return InputError(f"{source}: is {label} but holds an invalid code point at byte {byte}, "
                      f"line {line}: the file is damaged; re-export it")


def _check_empty(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(f"{source}: is empty; give a file with article text")
    return text


def _refuse_binary(data: bytes, source: str) -> int:
    """Refuse, before decoding, what is plainly not text in an ASCII-compatible encoding:
    known magic numbers, NUL bytes, a start that is more than a tenth control characters.
    Returns how many bytes of that start may lead a private-use or unassigned character in
    UTF-8 (found in the same pass: one translate in C over a few kilobytes)."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{source}: is {what}, not text; give a plain-text feed, or name "
                             "its format (--from docx, odt, epub, pptx or xlsx for those)")
    head = data[:_HEAD]
    suspect = head.translate(None, _ORDINARY_BYTES)
    leads = len(suspect.translate(None, _CONTROL_BYTES)) if suspect else 0
    if len(suspect) == leads:
        return leads
    if head.count(b"\x00") > len(head) // 100:
        raise InputError(f"{source}: looks binary (contains NUL bytes); give a plain-text feed, "
                         "or --encoding utf-16 if it is UTF-16 without a byte-order mark")
    # an escape starting a terminal colour code ("\x1b[31m") is a log's, not binary
    controls = len(suspect) - leads - head.count(b"\x1b[")
    if _mostly(controls, len(head)):
        raise InputError(f"{source}: looks binary ({controls} of its first {len(head)} bytes are "
                         "control characters); give a plain-text feed")
    return leads


def _refuse_not_text(text: str, source: str) -> None:
    """Refuse decoded text whose start is more than a tenth control characters, private-use
    or unassigned-plane code points or noncharacters, whatever decoded it."""
    head = text[:_HEAD]
    suspicious = len(_NOT_TEXT.findall(head))
    if _mostly(suspicious, len(head)):
        raise InputError(f"{source}: looks binary ({suspicious} of its first {len(head)} characters "
                         "are control, private-use or unassigned characters); give a plain-text feed")


def _mostly(suspicious: int, total: int) -> bool:
    """More than a tenth, and more than a stray few."""
    return suspicious * 10 > total and suspicious >= 8


def read_bytes(path: str | os.PathLike, max_size: int | None = None) -> bytes:
    """An input's bytes, with one-line errors for every way reading can fail. '-' is stdin."""
    if max_size is None:  # no limit asked for: the documented default (options.DEFAULT_MAX_INPUT_SIZE)
        from .options import DEFAULT_MAX_INPUT_SIZE
        max_size = DEFAULT_MAX_INPUT_SIZE
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

    The temporary file lives beside the file finally written (a rename across file
    systems is not atomic) and is removed on any failure or interrupt. A `target` that is
    a symbolic link is written through: the temporary file goes beside the link's target
    and is renamed onto it, so the link stays a link (a dangling link gets its target
    created when that directory exists), as editors and build tools do. An existing file
    without write permission is refused, not replaced; a writable one keeps its mode.
    Not fsynced: an interrupted or killed run still leaves the target untouched or
    complete, and like pandoc we leave power-loss durability to the file system (fsync
    per file was a fifth of a batch's time); `--skip-unchanged` never trusts an empty
    output for that reason. Which paths are inputs is the caller's business (api.convert
    refuses a target that resolves to its input, links included).
    """
    target = Path(target)
    final = _through_links(target)
    shown = str(target) if final == target else f"{target} (a link to {final})"
    directory = final.parent if str(final.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{shown}: directory {directory} does not exist; create it or choose "
                          "another -o")
    mode = _replaceable_mode(final, shown)
    try:
        fd, tmp_name = _temporary_beside(final, directory)
    except PermissionError:
        raise OutputError(f"{shown}: cannot write in {directory} (permission denied); "
                          "choose another -o") from None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write in {directory} ({exc.strerror}); "
                          "choose another -o") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            produce(handle)
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, final)
    except OSError as exc:
        _remove_quietly(tmp_name)
        if exc.errno == errno.ENOSPC:
            raise OutputError(f"{shown}: disk full; free space or write elsewhere") from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EISDIR):
            raise OutputError(f"{shown}: cannot be written ({exc.strerror}); "
                              "choose another -o") from None
        raise OutputError(f"{shown}: cannot be written ({exc.strerror or exc}); "
                          "check the output path") from None
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _through_links(path: Path) -> Path:
    """The file a chain of symbolic links ends at (the path itself when it is no link).
    Only the last component is followed: a rename through linked directories works."""
    for _ in range(40):  # the kernel's own limit on a chain of links
        try:
            link = os.readlink(path)
        except OSError:  # not a link, or nothing there: this is the file to write
            return path
        path = path.parent / link
    raise OutputError(f"{path}: is a loop of symbolic links; point -o at a file")


def _replaceable_mode(final: Path, shown: str) -> int:
    """The mode the new file gets: the existing file's, or the umask's for a new file. An
    existing file nobody may write is refused (also when running as root, who could)."""
    try:
        info = os.stat(final)
    except OSError:
        return 0o666 & ~_umask()
    if stat.S_ISREG(info.st_mode) and (not info.st_mode & 0o222 or not os.access(final, os.W_OK)):
        raise OutputError(f"{shown}: is read-only; make it writable (chmod u+w) or choose "
                          "another -o")
    return stat.S_IMODE(info.st_mode)


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
