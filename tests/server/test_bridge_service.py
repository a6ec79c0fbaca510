"""pandoc's formats through the service: an upload pandoc reads (text or a DOCX's bytes),
and a pandoc format written, each compared with the library call it stands for."""
from __future__ import annotations

import httpx

from docforge import api

from serve_load import ROOT

DATA = ROOT / "tests" / "data"
MARKDOWN = b"# A Heading\n\nSome *text* with a footnote.[^1]\n\n[^1]: The note.\n"


def post(service, path: str, **kwargs) -> httpx.Response:
    return httpx.post(service.url + path, timeout=120, **kwargs)


def test_an_upload_pandoc_reads_converts_like_the_library(service):
    response = post(service, "/api/convert?to=json", files={"file": ("notes.md", MARKDOWN)})
    assert response.status_code == 200, response.text
    assert response.content == api.convert_bytes(MARKDOWN, "json", name="notes.md").data
    assert response.headers["content-disposition"].endswith("notes.json")


def test_a_docx_upload_is_read_as_bytes(service, tmp_path):
    docx = api.convert_bytes((DATA / "seed-china-ai.txt").read_bytes(), "docx", name="seed.txt").data
    response = post(service, "/api/convert?to=json", files={"file": ("seed.docx", docx)})
    assert response.status_code == 200, response.text
    assert response.content == api.convert_bytes(docx, "json", name="seed.docx").data
    assert b"China" in response.content


def test_a_pandoc_format_is_written(service):
    response = post(service, "/api/convert?to=rst&from=markdown", json={"text": MARKDOWN.decode()})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/x-rst")
    assert "A Heading\n=========" in response.text
    odt = post(service, "/api/convert?to=odt", files={"file": ("notes.md", MARKDOWN)})
    assert odt.status_code == 200 and odt.content[:2] == b"PK"
    assert odt.headers["content-type"] == "application/vnd.oasis.opendocument.text"


def test_formats_lists_the_pandoc_rows(service):
    body = httpx.get(service.url + "/api/formats").json()
    rows = {row["name"]: row for row in body["formats"]}
    assert rows["markdown"]["origin"] == "pandoc" and rows["markdown"]["read"] and rows["markdown"]["write"]
    assert "rst" in body["writers"] and "docx" in body["readers"]


def test_an_upload_cannot_make_the_service_read_its_files(service):
    """A Markdown upload naming an image file on the server: the service reads no files,
    so the output holds the alt text, and the reply does not contain the file's bytes."""
    image = ROOT / "tests" / "data" / "images" / "chart.png"
    markdown = f"# Leak\n\n![the secret chart]({image})\n".encode()
    response = post(service, "/api/convert?to=odt", files={"file": ("leak.md", markdown)})
    assert response.status_code == 200, response.text
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(response.content)) as odt:
        assert not [n for n in odt.namelist() if n.startswith("Pictures/")]
        assert "the secret chart" in odt.read("content.xml").decode()
    result = api.convert_bytes(markdown, "html", name="leak.md")
    assert any("is a file, and a conversion of bytes reads no files" in d.message for d in result.diagnostics)
