"""The HTTP API against a real `docforge serve` process: every endpoint, every error status.

Each success is compared with the library call it stands for (the service is thin); each
error's message with what the CLI prints for the same input. The timeout case uses a
deliberately slow input: a long pipe table, which the PDF writer (reportlab re-splitting
the table at every page) takes tens of seconds over; the `tight` service stops it at eight.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
import zipfile

import httpx
import pytest

from docforge import api, formats
from docforge.style import PAGE_SIZES_MM, builtin_styles

from serve_load import ROOT, Service

DATA = ROOT / "tests" / "data"
SEED = (DATA / "seed-china-ai.txt").read_bytes()
SMALL = {"text": "A Small Title\nWhy it matters\nA paragraph of text that is long enough to be one."}


def post(service, path: str, **kwargs) -> httpx.Response:
    return httpx.post(service.url + path, timeout=60, **kwargs)


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "code"} and body["code"] == code
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


def cli_error(tmp_path, name: str, data: bytes, *args: str) -> str:
    """What `docforge convert NAME ARGS` prints for this input, without the `docforge: `."""
    (tmp_path / name).write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "docforge", "convert", name, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode != 0
    return proc.stderr.strip().removeprefix("docforge: ")


def test_healthz_reports_the_pool(service):
    body = httpx.get(service.url + "/healthz").json()
    assert body["status"] == "ok" and body["workers"] == 2 and body["busy"] == 0


def test_formats_and_themes_come_from_the_table(service):
    body = httpx.get(service.url + "/api/formats").json()
    assert [row["name"] for row in body["formats"]] == [row.name for row in formats.all_formats()]
    assert body["writers"] == formats.names("writer") and body["readers"] == formats.names("reader")
    pdf = next(row for row in body["formats"] if row["name"] == "pdf")
    assert pdf["media_type"] == "application/pdf" and pdf["write"] and not pdf["read"]
    themes = httpx.get(service.url + "/api/themes").json()
    assert themes["themes"] == builtin_styles() and themes["papers"] == list(PAGE_SIZES_MM)


def test_openapi_documents_every_endpoint(service):
    spec = httpx.get(service.url + "/openapi.json").json()
    assert {"/api/convert", "/api/inspect", "/api/formats", "/api/themes", "/healthz"} <= set(spec["paths"])
    body = spec["paths"]["/api/convert"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert httpx.get(service.url + "/docs").status_code == 200


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf", "epub", "json"])
def test_an_upload_converts_to_the_library_s_bytes(service, fmt):
    response = post(service, f"/api/convert?to={fmt}", files={"file": ("seed-china-ai.txt", SEED)})
    assert response.status_code == 200, response.text
    expected = api.convert_bytes(SEED, fmt, name="seed-china-ai.txt")
    assert response.content == expected.data
    assert response.headers["content-type"].split(";")[0] == formats.lookup(fmt).media_type
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="seed-china-ai.{formats.extension(fmt)}"')


def test_json_text_with_meta_and_options(service):
    response = post(service, "/api/convert?to=html&lang=de&toc=true&style=handout",
                    json={**SMALL, "meta": {"title": "Überschrift", "author": ["A. One", "B. Two"]}})
    assert response.status_code == 200, response.text
    html = response.content.decode()
    assert '<html lang="de"' in html and "Überschrift" in html and "B. Two" in html
    assert response.headers["content-disposition"].startswith('attachment; filename="document.html"')


def test_paper_is_a_name_of_the_table(service):
    response = post(service, "/api/convert?to=pdf&paper=letter", json=SMALL)
    from pypdf import PdfReader
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert round(float(box.width)) == 612  # Letter: 8.5 in
    assert "paper 'B5' is not a paper size" in assert_error(
        post(service, "/api/convert?to=pdf&paper=B5", json=SMALL), 400, "usage")


def test_all_is_a_zip_of_every_writer(service):
    response = post(service, "/api/convert?to=all", files={"file": ("seed.txt", SEED)})
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [f"seed.{formats.extension(f)}" for f in api.own_writers()]  # pandoc's by name only


def test_an_uploaded_file_name_is_only_a_label(service, tmp_path):
    for sent in ("../../tmp/évil.txt", "C:\\Users\\x\\évil.txt"):
        response = post(service, "/api/convert?to=html", files={"file": (sent, SEED)})
        assert response.status_code == 200
        assert response.headers["content-disposition"] == \
            "attachment; filename=\"_vil.html\"; filename*=UTF-8''%C3%A9vil.html"
    theme = post(service, "/api/convert?to=html&style=../../styles/default.toml", json=SMALL)
    assert "not one of the service's themes" in assert_error(theme, 400, "theme")


def test_inspect_gives_the_outline_of_inspect_explain(service):
    response = post(service, "/api/inspect", files={"file": ("seed-china-ai.txt", SEED)})
    body = response.json()
    expected = api.inspect(DATA / "seed-china-ai.txt")
    assert body["blocks"] == expected["blocks"] and body["meta"] == expected["meta"]
    assert sum(block["kind"] == "heading" for block in body["blocks"]) == 11
    assert body["blocks"][1] == {"kind": "heading", "preview": "The New Frontline in Technological Competition",
                                 "lines": [3, 3], "rule": "bare_line_heading"}
    assert len(body["diagnostics"]) == len(expected["diagnostics"]) == 8
    assert body["diagnostics"][0].startswith("seed-china-ai.txt:line 57: ")
    assert post(service, "/api/inspect", json=SMALL).json()["source"] == "<text>"


def test_bad_input_gets_the_cli_s_message(service, tmp_path):
    binary = b"%PDF-1.7\n%binary"
    response = post(service, "/api/convert?to=html", files={"file": ("scan.txt", binary)})
    assert assert_error(response, 422, "input") == cli_error(tmp_path, "scan.txt", binary, "--to", "html")
    unknown = post(service, "/api/convert?to=wordperfect", json=SMALL)
    assert assert_error(unknown, 400, "usage") == cli_error(tmp_path, "a.txt", SMALL["text"].encode(),
                                                            "--to", "wordperfect")
    empty = post(service, "/api/convert?to=html", json={"text": "  \n"})
    assert assert_error(empty, 422, "input") == "<text>: is empty; give a file with article text"
    broken = post(service, "/api/convert?to=html&from=json", json={"text": '{"blocks": 3}'})
    assert_error(broken, 422, "format")


def test_malformed_and_misshapen_requests(service):
    raw = post(service, "/api/convert?to=html", content=b'{"text": ', headers={"content-type": "application/json"})
    assert "not valid JSON" in assert_error(raw, 400, "malformed_json")
    assert "'text'" in assert_error(post(service, "/api/convert?to=html", json={"txt": "x"}), 422,
                                    "invalid_request")
    assert_error(post(service, "/api/convert?to=html", json={"text": 3}), 422, "invalid_request")
    form = post(service, "/api/convert?to=html", data={"text": "not a file"}, files={"other": ("a.txt", b"x")})
    assert "no file field 'file'" in assert_error(form, 400, "bad_request")
    plain = post(service, "/api/convert?to=html", content=b"Title", headers={"content-type": "text/plain"})
    assert_error(plain, 415, "unsupported_media_type")
    assert_error(post(service, "/api/convert?to=html&toc=maybe", json=SMALL), 422, "invalid_request")
    assert_error(post(service, "/api/convert", json=SMALL), 422, "invalid_request")  # no `to`
    assert_error(httpx.get(service.url + "/api/convert"), 405, "method_not_allowed")
    assert_error(httpx.get(service.url + "/nowhere"), 404, "not_found")


def test_an_oversized_body_is_refused_before_it_is_read(service):
    MAX_BODY = httpx.get(service.url + "/healthz").json()["max_body"]
    big = b"x" * (MAX_BODY + 1)
    declared = post(service, "/api/convert?to=html", files={"file": ("big.txt", big)})
    assert "over the service's limit of 1048576 bytes" in assert_error(declared, 413, "too_large")

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(5):
            yield b'{"text": "' + b"y" * (MAX_BODY // 4)
    streamed = post(service, "/api/convert?to=html", content=chunks(), headers={"content-type": "application/json"})
    assert_error(streamed, 413, "too_large")
    assert post(service, "/api/convert?to=html", json=SMALL).status_code == 200  # still serving


def slow_table(rows: int = 80_000) -> bytes:
    lines = ["Slow Table", "A paragraph that introduces the table below it.", "| A | B |", "|---|---|"]
    lines += [f"| cell {i} with some words | another cell {i} |" for i in range(rows)]
    return "\n".join(lines).encode()


def wait_for(service, key: str, value: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while httpx.get(service.url + "/healthz").json()[key] != value:
        assert time.monotonic() < deadline, f"{key} never reached {value}"
        time.sleep(0.02)


def test_a_slow_conversion_times_out_and_a_full_queue_is_refused(tight):
    results: dict[str, httpx.Response] = {}

    def send(key: str, path: str, **kwargs) -> threading.Thread:
        thread = threading.Thread(target=lambda: results.__setitem__(key, post(tight, path, **kwargs)))
        thread.start()
        return thread

    slow = send("slow", "/api/convert?to=pdf", files={"file": ("slow.txt", slow_table())})
    wait_for(tight, "busy", 1)            # the one worker is on the slow table
    queued = send("queued", "/api/convert?to=html", json=SMALL)
    wait_for(tight, "queued", 1)          # the one place in the queue is taken
    refused = post(tight, "/api/convert?to=html", json=SMALL)
    assert "queue is full" in assert_error(refused, 503, "busy")
    assert int(refused.headers["retry-after"]) >= 1
    slow.join(60)
    queued.join(60)
    assert "limit of 8 s and was stopped" in assert_error(results["slow"], 504, "timeout")
    assert results["queued"].status_code == 200   # ran on the worker that replaced the killed one
    state = httpx.get(tight.url + "/healthz").json()
    assert state["busy"] == 0 and state["queued"] == 0
    assert post(tight, "/api/inspect", json=SMALL).status_code == 200


def test_temporary_files_are_removed_on_every_path(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # The limit is long enough for the 1.3 MB feed on a loaded machine; the PDF of a
    # 150,000-row table (~4,000 pages) takes far longer than the limit on any machine.
    server = Service("--workers", "1", "--timeout", "10", log=tmp_path / "serve.log", env={"TMPDIR": str(scratch)})
    try:
        big = SEED * 200  # > 1 MB: the multipart parser spools it to a temporary file
        assert post(server, "/api/convert?to=html", files={"file": ("big.txt", big)}).status_code == 200
        assert post(server, "/api/convert?to=html", files={"file": ("bad.txt", b"\x7fELF" + big)}).status_code == 422
        slow = slow_table(rows=150_000)
        assert post(server, "/api/convert?to=pdf", files={"file": ("slow.txt", slow)}).status_code == 504
        assert post(server, "/api/convert?to=all", json=SMALL).status_code == 200
    finally:
        server.stop()
    assert list(scratch.rglob("*")) == []
