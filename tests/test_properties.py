"""Any document through every writer gives a file its format's own tools accept.

Documents come from tests/strategies.py: control characters, lone surrogates, 10,000-
character words, 1- and 200-column ragged tables, deep nesting, hostile URLs. HTML and
EPUB files are collected and validated in one Nu checker / epubcheck run at the end
(a Java start per example would be too slow for CI); `make fuzz` runs a longer profile.
"""
import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import docforge
from docforge import formats
from conftest import run_pandoc
from strategies import deep_list, documents

COLLECTED: dict[str, list[Path]] = {"html": [], "epub": []}
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FUZZ = settings(max_examples=1000 if LONG else 25, deadline=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


def _write(doc, fmt):
    diags: list = []
    data = docforge.write(doc, fmt, diagnostics=diags)
    assert isinstance(data, bytes) and data
    return data


def test_property_html_is_well_formed_and_inert(out_dir):
    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "html").decode("utf-8")
        body = data.split("<article>", 1)[1]
        assert "<script" not in body.lower() and "javascript:" not in body.lower()
        assert " onerror=" not in body
        path = out_dir / f"h{len(COLLECTED['html'])}.html"
        path.write_text(data, encoding="utf-8")
        COLLECTED["html"].append(path)
    check()


def test_property_json_is_accepted_by_pandoc(pandoc):
    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "json")
        run_pandoc(pandoc, ["-f", "json", "-t", "html"], data)
        assert docforge.read(data, "json") is not None
    check()


def test_property_pdf_opens_in_pypdf():
    from pypdf import PdfReader

    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "pdf")
        assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    check()


def test_property_docx_opens_in_python_docx_and_pandoc(pandoc):
    import docx

    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "docx")
        docx.Document(io.BytesIO(data))
        run_pandoc(pandoc, ["-f", "docx", "-t", "json"], data)
    check()


def test_property_epub_is_a_zip_with_mimetype_first(out_dir):
    @FUZZ
    @given(documents)
    def check(doc):
        data = _write(doc, "epub")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.namelist()[0] == "mimetype"
        if len(COLLECTED["epub"]) < (40 if LONG else 6):
            path = out_dir / f"e{len(COLLECTED['epub'])}.epub"
            path.write_bytes(data)
            COLLECTED["epub"].append(path)
    check()


@pytest.mark.parametrize("fmt", formats.names("writer"))
def test_300_deep_nesting_writes_in_every_format(fmt):
    assert _write(deep_list(300), fmt)


def test_collected_html_passes_the_nu_checker(nu_checker):
    assert COLLECTED["html"], "the HTML property test must run first"
    assert nu_checker(COLLECTED["html"]) == ""


def test_collected_epubs_pass_epubcheck():
    from conftest import epubcheck_all
    assert COLLECTED["epub"], "the EPUB property test must run first"
    assert epubcheck_all(COLLECTED["epub"]) == {}
