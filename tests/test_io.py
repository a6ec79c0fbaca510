import codecs
import os

import pytest

from docforge.errors import InputError, OutputError, UsageError
from docforge.io import atomic_write, decode

TEXT = "Título — 中文 “quotes”\nSecond line\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_unicode_inputs_decode_exactly(encoding, bom):
    text, diags = decode(bom + TEXT.encode(encoding), "x.txt")
    assert text == TEXT


@pytest.mark.parametrize("encoding, sample", [
    ("gb18030", "人工智能自给自足是中国的战略目标，政府、学界和产业共同推进核心技术的研发与应用。" * 4),
    ("cp1252", "Café society: naïve “smart” quotes — and an em dash, façade, déjà vu, Œuvre. " * 4),
])
def test_legacy_encodings_are_detected_and_named(encoding, sample):
    text, diags = decode(sample.encode(encoding), "legacy.txt")
    assert text == sample
    assert len(diags) == 1 and "not UTF-8; decoded as" in diags[0].message


def test_explicit_encoding_overrides_detection():
    data = "Grüße".encode("latin-1")
    assert decode(data, "x", "latin-1")[0] == "Grüße"
    with pytest.raises(UsageError, match="unknown encoding"):
        decode(data, "x", "klingon-8")
    with pytest.raises(InputError, match="cannot be decoded as utf-8"):
        decode(data, "x", "utf-8")


@pytest.mark.parametrize("data, fragment", [
    (b"", "is empty"), (b"  \n\t\n", "is empty"),
    (b"%PDF-1.7 ...", "a PDF file"), (b"PK\x03\x04zip", "ZIP archive"),
    (b"\x00\x01\x02\x03" * 100, "looks binary"),
])
def test_binary_and_empty_inputs_are_refused(data, fragment):
    with pytest.raises(InputError, match=fragment):
        decode(data, "bad.bin")


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.html"
    target.write_bytes(b"old")

    def fail(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.html"]  # no temporary file left behind
    atomic_write(target, lambda h: h.write(b"new"))
    assert target.read_bytes() == b"new"


def test_atomic_write_reports_missing_directory(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "x.html", lambda h: h.write(b""))


def test_disk_full_is_reported_and_leaves_nothing(tmp_path):
    """The disk fills up half-way through the output (the writer's write raises ENOSPC):
    one line, and no file at all, not even the temporary one."""
    import errno

    def produce(handle):
        handle.write(b"x" * 100_000)
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "out.pdf"
    with pytest.raises(OutputError, match="disk full"):
        atomic_write(target, produce)
    assert os.listdir(tmp_path) == []


def test_atomic_write_keeps_the_umask_permissions(tmp_path):
    target = tmp_path / "perm.html"
    atomic_write(target, lambda h: h.write(b"x"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
