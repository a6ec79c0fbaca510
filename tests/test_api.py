"""The library API: everything the CLI does is one call here."""
import os
import re
import time
from pathlib import Path

import pytest

import docforge
from docforge.errors import InputError, UsageError
from conftest import DATA, SAMPLES

SEED = DATA / "seed-china-ai.txt"


def test_read_accepts_paths_bytes_and_streams():
    by_path = docforge.read(SEED)
    assert docforge.read(SEED.read_bytes()) == by_path
    with SEED.open("rb") as handle:
        assert docforge.read(handle) == by_path
    assert by_path.meta.title.startswith("China’s AI")


def test_read_reports_diagnostics_for_legacy_encodings():
    diags: list = []
    text = SEED.read_text(encoding="utf-8").replace("’", "'").replace("“", '"').replace("”", '"')
    text = text.replace("—", "-").replace("–", "-") + "\nCafé déjà vu, naïve façade\n"
    docforge.read(text.encode("cp1252"), diagnostics=diags)
    assert any("decoded as" in d.message for d in diags)


def test_write_returns_bytes_writes_files_and_streams(tmp_path):
    doc = docforge.read(SEED)
    data = docforge.write(doc, "html")
    target = tmp_path / "x.html"
    assert docforge.write(doc, "html", target) == [] and target.read_bytes() == data  # its diagnostics: none
    with (tmp_path / "y.html").open("wb") as handle:
        docforge.write(doc, "html", handle)
    assert (tmp_path / "y.html").read_bytes() == data


def test_convert_returns_outputs_and_diagnostics(tmp_path):
    result = docforge.convert(SEED, to="html,json", output=tmp_path)
    assert result.ok and sorted(p.name for p in result.outputs) == ["seed-china-ai.html",
                                                                    "seed-china-ai.json"]


def test_convert_many_reports_per_file_and_keeps_layout(tmp_path):
    feeds = tmp_path / "feeds"
    (feeds / "a" / "b").mkdir(parents=True)
    for s in SAMPLES:
        (feeds / s.name).write_bytes(s.read_bytes())
    (feeds / "a" / "b" / "deep.txt").write_bytes(SEED.read_bytes())
    (feeds / "bad.txt").write_bytes(b"\x00\x01" * 50)
    out = tmp_path / "out"
    results = docforge.convert_many([feeds], to=["html"], output=out, recursive=True, jobs=2)
    assert len(results) == len(SAMPLES) + 2
    bad = [r for r in results if not r.ok]
    assert len(bad) == 1 and "looks binary" in str(bad[0].error)
    assert (out / "a" / "b" / "deep.html").is_file()
    # without -r only the top level is converted
    flat = docforge.convert_many([feeds], to="html", output=tmp_path / "flat")
    assert len(flat) == len(SAMPLES) + 1


def test_skip_unchanged_redoes_a_touched_input_and_an_emptied_output(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(SEED.read_bytes())
    first = docforge.convert(src, to="html", output=tmp_path / "o", many_inputs=True,
                             skip_unchanged=True)
    assert not first.skipped
    again = docforge.convert(src, to="html", output=tmp_path / "o", many_inputs=True,
                             skip_unchanged=True)
    assert again.skipped
    future = time.time() + 5
    os.utime(src, (future, future))
    touched = docforge.convert(src, to="html", output=tmp_path / "o", many_inputs=True,
                               skip_unchanged=True)
    assert not touched.skipped
    # an empty output (what a power loss can leave) is redone even though it is newer
    output = touched.outputs[0]
    output.write_bytes(b"")
    later = time.time() + 50
    os.utime(output, (later, later))
    redone = docforge.convert(src, to="html", output=tmp_path / "o", many_inputs=True,
                              skip_unchanged=True)
    assert not redone.skipped and output.stat().st_size > 0


def test_atomic_writes_leave_no_temporary_files(tmp_path):
    docforge.convert(SEED, to="html,json,epub", output=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "seed-china-ai.epub", "seed-china-ai.html", "seed-china-ai.json"]


def test_bad_calls_raise_one_line_errors(tmp_path):
    with pytest.raises(UsageError):
        docforge.write(docforge.read(SEED), "wordperfect")
    with pytest.raises(InputError, match="no such file"):
        docforge.read(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="max-input-size"):
        docforge.read(SEED, max_input_size=100)


def test_a_batch_leaves_no_documents_behind(tmp_path):
    """With the CLI's rare garbage collection, python-docx's reference cycles would pile up
    over a long batch (a 500-file batch reached 1.3 GB); convert_many collects them per file."""
    import gc
    from docx.opc.package import OpcPackage
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for k in range(6):
        (feeds / f"a{k}.txt").write_bytes(SEED.read_bytes())
    old = gc.get_threshold()
    gc.set_threshold(200_000, 50, 1000)
    try:
        gc.collect()
        results = docforge.convert_many([feeds], to="docx", output=tmp_path / "out", jobs=1)
        alive = [o for o in gc.get_objects() if isinstance(o, OpcPackage)]
    finally:
        gc.set_threshold(*old)
    assert all(r.ok for r in results) and len(results) == 6
    assert alive == []


@pytest.mark.parametrize("value, year", [("1700000000", 2023), ("garbage", 1980), ("-5", 1980),
                                         ("99999999999999", 2099), ("", 1980)])
def test_source_date_epoch_is_honoured_and_never_breaks_a_run(monkeypatch, value, year):
    from docforge.options import WriteOptions
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert WriteOptions().timestamp().year == year


def test_a_directory_batch_takes_every_readable_format_but_not_its_own_outputs(tmp_path):
    """Which files a directory contributes comes from the format table (here: feeds and
    pandoc JSON); a file that converting another input would write is an output, not an input."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "a.txt").write_text((DATA / "seed-china-ai.txt").read_text(encoding="utf-8"), encoding="utf-8")
    docforge.write(docforge.read(SAMPLES[0]), "json", feeds / "b.json")
    (feeds / "notes.md~").write_text("an editor's backup", encoding="utf-8")
    first = docforge.convert_many([feeds], to=["html", "json"], jobs=1)
    assert sorted(Path(r.source).name for r in first) == ["a.txt", "b.json"]
    assert all(r.ok for r in first), [str(r.error) for r in first]
    # a second run beside the inputs: a.json and a.html are a.txt's outputs; b.html is b.json's
    second = docforge.convert_many([feeds], to=["html", "json"], jobs=1)
    assert sorted(Path(r.source).name for r in second) == ["a.txt", "b.json"]
    assert all(r.ok for r in second), [str(r.error) for r in second]


def test_every_format_of_one_conversion_shares_one_prepared_document(tmp_path, monkeypatch):
    """convert() prepares the document once for all its formats (the render context)."""
    import docforge.api as api
    calls = []
    real = api.prepare
    monkeypatch.setattr(api, "prepare", lambda doc, style: calls.append(1) or real(doc, style))
    docforge.convert(SAMPLES[0], to=["html", "json", "epub"], output=tmp_path)
    assert len(calls) == 1 and len(list(tmp_path.iterdir())) == 3


@pytest.mark.parametrize("paper", ["a5", "LETTER", "Legal"])
def test_the_library_takes_paper_sizes_in_any_case_like_the_cli(paper):
    from docforge.options import WriteOptions
    doc = docforge.read(SAMPLES[0])
    assert docforge.write(doc, "pdf", options=WriteOptions(paper=paper)).startswith(b"%PDF")
    assert docforge.write(doc, "docx", options=WriteOptions(paper=paper))[:2] == b"PK"


def test_an_unknown_paper_size_is_a_usage_error_not_a_key_error():
    from docforge.options import WriteOptions
    with pytest.raises(UsageError, match="paper size 'B5' is not known; use one of A4, A5, Letter, Legal"):
        docforge.write(docforge.read(SAMPLES[0]), "pdf", options=WriteOptions(paper="B5"))


@pytest.mark.parametrize("doc, where", [
    (lambda m: m.Document(blocks=(m.Paragraph("just a string"),)), "blocks[0].inlines: str 'just a string'"),
    (lambda m: m.Document(blocks=(m.Heading(9, (m.Text("x"),)),)), "blocks[0].level: 9 is not a heading level"),
    (lambda m: m.Document(blocks=(m.Table((m.Cell(()),), ((m.Cell(()), "x"),)),)), "rows[0][1]: str 'x'"),
    (lambda m: m.Document(meta=m.Meta(authors="Jane Doe")), "meta.authors: str 'Jane Doe'"),
    (lambda m: m.Document(blocks=(m.BulletList((m.Paragraph(()),)),)), "items[0]: Paragraph"),
])
def test_write_names_the_bad_field_of_a_hand_built_document(doc, where):
    from docforge import model
    from docforge.errors import FormatError
    for fmt in ("html", "pdf"):
        with pytest.raises(FormatError, match=re.escape(where)):
            docforge.write(doc(model), fmt)


def test_meta_values_may_be_strings_or_lists(tmp_path):
    one = docforge.convert(SAMPLES[0], to="html", output=tmp_path / "a.html",
                           meta={"author": "Jane Doe", "keywords": "radio, news", "title": "T"})
    html = one.outputs[0].read_text(encoding="utf-8")
    assert '<meta name="author" content="Jane Doe">' in html
    assert '<meta name="keywords" content="radio, news">' in html
    two = docforge.convert(SAMPLES[0], to="html", output=tmp_path / "b.html",
                           meta={"author": ["Jane Doe", "Li Wei"]})
    assert '<meta name="author" content="Jane Doe, Li Wei">' in two.outputs[0].read_text(encoding="utf-8")


def test_write_to_a_target_returns_the_writers_diagnostics(tmp_path):
    from docforge import model
    doc = model.Document(blocks=(model.Paragraph((model.Text("bell\x07 here"),)),))
    returned = docforge.write(doc, "html", tmp_path / "x.html")
    assert [d.message for d in returned] == [
        "dropped 1 control character(s) that HTML cannot hold"
        " (a separator among them: form feed, vertical tab, U+001C-U+001F, U+0085, is written as a space)"]
    collected = []
    assert docforge.write(doc, "html", diagnostics=collected).startswith(b"<!DOCTYPE html>")
    assert [d.message for d in collected] == [d.message for d in returned]


def test_embedded_dates_come_from_the_document_then_the_input_file(tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH when set; else the document's Date:; else the input's modification
    time (so PDF and DOCX no longer say 1980-01-01); the same input gives the same date."""
    import docx as python_docx
    from pypdf import PdfReader
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    undated = tmp_path / "undated.txt"
    undated.write_text("A Title\n\nA paragraph of the article.\n", encoding="utf-8")
    os.utime(undated, (1_750_000_000, 1_750_000_000))  # 2025-06-15 15:06:40 UTC
    dated = tmp_path / "dated.txt"
    dated.write_text("Title: A Title\nDate: 2024-02-29\n\nA paragraph of the article.\n", encoding="utf-8")
    for source, stamp in ((undated, "20250615150640"), (dated, "20240229000000")):
        docforge.convert(source, to=["pdf", "docx"], output=tmp_path / source.stem)
        pdf = PdfReader(tmp_path / source.stem / f"{source.stem}.pdf").metadata["/CreationDate"]
        created = python_docx.Document(tmp_path / source.stem / f"{source.stem}.docx").core_properties.created
        assert pdf.startswith(f"D:{stamp}") and created.strftime("%Y%m%d%H%M%S") == stamp
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    docforge.convert(dated, to="pdf", output=tmp_path / "epoch.pdf")
    assert PdfReader(tmp_path / "epoch.pdf").metadata["/CreationDate"].startswith("D:20231114221320")


@pytest.mark.parametrize("written, stamp", [("March 4, 2021", "20210304"), ("Monday, 4 March 2021", "20210304"),
                                            ("14 mars 2026", "20260314"), ("14. März 2026", "20260314"),
                                            ("2026年3月14日", "20260314"), ("Sept 3rd 2026", "20260903"),
                                            ("Last updated March 4, 2021", "20250615"),
                                            ("31 February 2021", "20250615")])
def test_a_date_written_with_a_month_name_dates_the_pdf_and_docx(tmp_path, monkeypatch, written, stamp):
    """`Date: March 4, 2021` is the document's date as much as 2021-03-04 (it gave the file's
    modification time); text that is not only a date, or no real day, still does."""
    import docx as python_docx
    from pypdf import PdfReader
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = tmp_path / "dated.txt"
    source.write_text(f"Title: A Title\nDate: {written}\n\nA paragraph of the article.\n", encoding="utf-8")
    os.utime(source, (1_750_000_000, 1_750_000_000))  # 2025-06-15
    docforge.convert(source, to=["pdf", "docx"], output=tmp_path / "out")
    pdf = PdfReader(tmp_path / "out" / "dated.pdf").metadata["/CreationDate"]
    created = python_docx.Document(tmp_path / "out" / "dated.docx").core_properties.created
    assert pdf.startswith(f"D:{stamp}") and created.strftime("%Y%m%d") == stamp


def test_an_unusable_epub_cover_stops_the_conversion_before_any_format_is_written(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("A Title\n\nSome text here.\n", encoding="utf-8")
    with pytest.raises(docforge.errors.InputError, match="epub-cover-image"):
        docforge.convert(src, ["html", "epub"], tmp_path / "out",
                         options=docforge.WriteOptions(epub_cover_image=str(tmp_path / "none.png")))
    assert not (tmp_path / "out" / "a.html").exists()
