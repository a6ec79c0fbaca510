"""The DOCX writer's spool (writers/docx/spool.py): what is read back is exactly what was
written, in order, in bounded pieces, once; and the writer's zip member made from spooled
pieces is the member writestr makes of the joined bytes."""
import io
import random
import zipfile

import pytest

from docforge.writers.docx import DocxWriter, _PackageZip
from docforge.writers.docx.oxml import Splice
from docforge.writers.docx.spool import ENCODE_SLICE, READ_CHUNK, Spool


def _texts() -> list[str]:
    rng = random.Random(18)
    alphabet = "ab <w:t>&\u00e9\u4e2d\U0001f600\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))) for _ in range(2000)]
    texts.insert(700, "x\u4e2d" * (ENCODE_SLICE + 17))  # longer than a slice, multi-byte at the cut
    return texts


def test_a_spool_gives_back_its_text_in_order_in_bounded_pieces():
    spool, texts = Spool(), _texts()
    for text in texts:
        spool.write(text)
    expected = "".join(texts).encode("utf-8")
    assert spool.size == len(expected) and bool(spool)
    pieces = list(spool.chunks())
    assert b"".join(pieces) == expected
    assert len(pieces) > 2 and max(map(len, pieces)) <= READ_CHUNK


def test_a_spool_is_read_once_and_not_written_after():
    spool = Spool()
    spool.write("<w:p/>")
    assert spool.read_all() == b"<w:p/>"
    with pytest.raises(RuntimeError, match="read once"):
        spool.read_all()
    with pytest.raises(RuntimeError, match="before it is read"):
        spool.write("late")


def test_an_empty_spool_is_false_and_reads_nothing():
    spool = Spool()
    spool.write("")
    assert not spool and spool.size == 0 and spool.read_all() == b""


def test_a_member_of_spooled_pieces_is_the_member_of_the_joined_bytes():
    texts = _texts()
    spool = Spool()
    for text in texts:
        spool.write(text)
    joined = b"<w:body>" + "".join(texts).encode() + b"</w:body>"
    date_time = (2020, 1, 2, 3, 4, 6)
    with_spool, plain = io.BytesIO(), io.BytesIO()
    with _PackageZip(with_spool, date_time) as target:
        target.write_spliced("word/document.xml", [b"<w:body>", spool, b"</w:body>"])
    with _PackageZip(plain, date_time) as target:
        target.writestr("word/document.xml", joined)
    assert with_spool.getvalue() == plain.getvalue()


def test_the_package_splices_each_marker_and_refuses_a_missing_one():
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as source:
        source.writestr("[Content_Types].xml", b"<Types/>")
        source.writestr("word/document.xml", b"<w:body><!--m--></w:body>")
    spool = Spool()
    spool.write("<w:p/>" * 3)
    out = io.BytesIO()
    DocxWriter._package(saved, [Splice("word/document.xml", b"<!--m-->", spool)], (2020, 1, 1, 0, 0, 0), out)
    assert zipfile.ZipFile(out).read("word/document.xml") == b"<w:body><w:p/><w:p/><w:p/></w:body>"
    assert zipfile.ZipFile(out).namelist()[0] == "[Content_Types].xml"
    spool = Spool()
    spool.write("<w:p/>")
    with pytest.raises(RuntimeError, match="did not keep"):
        DocxWriter._package(saved, [Splice("word/document.xml", b"<!--gone-->", spool)], (2020, 1, 1, 0, 0, 0),
                            io.BytesIO())
