"""The ASGI app: the HTTP API over docforge.api, and the editor's page.

Every endpoint makes one library call; conversions and inspections run in the worker
pool (pool.py), never in this process. What an endpoint does itself is HTTP: read the
request (a JSON body `{"text", "meta"}` or a multipart upload field `file`), check that
the theme and paper are names the service offers (a request can never name a file, a
path or a URL: the upload's bytes are all that is read, its file name is only a label),
and turn the result or the error into a response. Errors are JSON
`{"error": one line, "code": short word}` with the status below; the one line is the
library's, the same as the CLI prints.

| status | code | when |
|---|---|---|
| 400 | usage, theme, malformed_json, bad_request | unknown format, bad option, not JSON, no `file` field |
| 404/405 | not_found, method_not_allowed | |
| 413 | too_large | body over --max-body (limits.py) |
| 415 | unsupported_media_type | a body neither JSON nor multipart |
| 422 | input, format, conversion, invalid_request | binary/empty/undecodable input, bad pandoc JSON, a writer failed, a JSON body of the wrong shape |
| 503 | busy (+ Retry-After) | every worker busy and the queue full |
| 504 | timeout | a job outlived --timeout; its worker was killed and replaced |
| 500 | internal, worker_died | a bug; the worker is replaced |
"""
from __future__ import annotations

import contextlib
import re
from importlib.resources import files
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from .. import __version__, formats
from ..errors import (ConversionError, DocforgeError, FormatError, InputError, OutputError, StyleError,
                      UsageError)
from ..options import WriteOptions
from ..style import PAGE_SIZES_MM, builtin_styles
from .limits import BodyLimit
from .pool import JobTimeout, PoolBusy, WorkerDied, WorkerPool
from .settings import Settings

STATIC = files(__package__) / "static"
ERRORS = ((UsageError, 400, "usage"), (StyleError, 400, "theme"), (InputError, 422, "input"),
          (FormatError, 422, "format"), (ConversionError, 422, "conversion"), (OutputError, 500, "output"))
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
# The page's own script and styles only; the preview's inline theme CSS needs 'unsafe-inline'
# for styles (a srcdoc frame inherits this policy); no script runs in the sandboxed preview.
PAGE_POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
               "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
TEXT_NAME = "<text>"  # how a JSON body's text is named in messages (like the CLI's <stdin>)


class ServiceError(Exception):
    """An error the service itself finds in a request (not the library)."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers


class TextBody(BaseModel):
    """A JSON request: the feed's text and metadata overrides (as `docforge convert -M`)."""
    model_config = ConfigDict(extra="forbid")
    text: str
    meta: dict[str, str | list[str]] = {}


class ErrorBody(BaseModel):
    error: str
    code: str


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


def upload_name(filename: str | None) -> str:
    """An uploaded file's name as a label only: its last component, printable, no leading dot."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")[:120]
    return base or "upload.txt"


def attachment(filename: str) -> str:
    """Content-Disposition for a download, with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_"
                       for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


async def read_source(request: Request) -> tuple[bytes, str, dict[str, list[str]]]:
    """The input's bytes, its label and metadata overrides, from a JSON or multipart body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = TextBody.model_validate_json(await request.body())
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":
                raise ServiceError(400, "malformed_json", f"the request body is not valid JSON "
                                   f"({first['ctx'].get('error', first['msg'])}); send "
                                   '{"text": "the feed", "meta": {"title": "..."}}') from None
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise ServiceError(422, "invalid_request", f"the JSON body's {where!r}: {first['msg'].lower()}; "
                               'send {"text": "the feed", "meta": {"title": "..."}}') from None
        meta = {key.strip().lower(): [value] if isinstance(value, str) else value
                for key, value in body.meta.items()}
        return body.text.encode("utf-8"), TEXT_NAME, meta
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ServiceError(400, "bad_request", "the multipart body has no file field 'file'; "
                                   "upload the feed as file=@article.txt")
            return await upload.read(), upload_name(upload.filename), {}
    raise ServiceError(415, "unsupported_media_type",
                       f"the request body is {content_type or 'untyped'}; send application/json "
                       '({"text": "..."}) or multipart/form-data with a file field \'file\'')


def chosen_theme(style: str | None) -> str | None:
    if style is not None and style not in builtin_styles():
        raise ServiceError(400, "theme", f"theme {style!r} is not one of the service's themes "
                           f"({', '.join(builtin_styles())}); the service does not read theme files")
    return style


def chosen_paper(paper: str | None) -> str | None:
    if paper is None:
        return None
    by_lower = {name.lower(): name for name in PAGE_SIZES_MM}
    if paper.lower() not in by_lower:
        raise ServiceError(400, "usage", f"paper {paper!r} is not a paper size "
                           f"(choose from {', '.join(PAGE_SIZES_MM)})")
    return by_lower[paper.lower()]


SOURCE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": TextBody.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "the input; its name's extension picks the reader (.json: pandoc JSON; "
                                ".md, .docx...: through pandoc)"}}}},
}}}
ERROR_RESPONSES = {status: {"model": ErrorBody, "description": what} for status, what in (
    (400, "bad option, unknown format or theme, malformed JSON"), (413, "body too large"),
    (415, "body neither JSON nor multipart"), (422, "the input cannot be read or converted"),
    (503, "busy: retry after Retry-After seconds"), (504, "the conversion took too long"))}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app with its own worker pool (started and stopped with the app's lifespan)."""
    settings = settings or Settings()
    pool = WorkerPool(settings.worker_count, settings.queue_limit, settings.timeout)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="docforge", version=__version__, lifespan=lifespan,
                  description="Plain-text article feeds and pandoc JSON to HTML, DOCX, PDF, EPUB and "
                              "pandoc JSON. Errors are JSON {error, code}.")
    app.state.pool = pool
    app.add_middleware(BodyLimit, max_body=settings.max_body)

    @app.exception_handler(ServiceError)
    async def service_error(request, exc: ServiceError):
        return error_response(exc.status, exc.code, str(exc), exc.headers)

    @app.exception_handler(DocforgeError)
    async def library_error(request, exc: DocforgeError):
        status, code = next(((s, c) for cls, s, c in ERRORS if isinstance(exc, cls)), (500, "internal"))
        return error_response(status, code, str(exc))

    @app.exception_handler(PoolBusy)
    async def busy(request, exc: PoolBusy):
        return error_response(503, "busy", str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(JobTimeout)
    async def timeout(request, exc: JobTimeout):
        return error_response(504, "timeout", f"the conversion took longer than the service's limit of "
                              f"{settings.timeout:g} s and was stopped; split the input, or convert it "
                              "with the docforge command")

    @app.exception_handler(WorkerDied)
    async def worker_died(request, exc: WorkerDied):
        return error_response(500, "worker_died", f"the conversion's worker process ended ({exc}); "
                              "the input may need more memory than the service allows")

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        first = exc.errors()[0]
        where = " ".join(str(part) for part in first["loc"])
        return error_response(422, "invalid_request", f"{where}: {first['msg'].lower()}; see /docs")

    @app.exception_handler(HTTPException)
    async def http_error(request, exc: HTTPException):
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "http"),
                              f"{request.method} {request.url.path}: {exc.detail.lower()}; see /docs")

    @app.exception_handler(Exception)
    async def internal(request, exc: Exception):
        return error_response(500, "internal", f"internal error {type(exc).__name__}: {exc}; report it")

    @app.middleware("http")
    async def no_sniffing(request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.post("/api/convert", openapi_extra=SOURCE_BODY, responses={
        200: {"description": "the document (to=all: a zip of every format)",
              "content": {row.media_type: {} for row in formats.FORMATS if row.writer}},
        **ERROR_RESPONSES})
    async def convert(request: Request,
                      to: str = Query(description="a writer format, a comma list, or all (a zip)"),
                      style: str | None = Query(None, description="a theme name (GET /api/themes)"),
                      paper: str | None = Query(None, description="A4, A5, Letter or Legal"),
                      toc: bool | None = Query(None, description="table of contents (default: the theme's)"),
                      lang: str | None = Query(None, description="the document's language, e.g. de"),
                      from_format: str | None = Query(None, alias="from", description="text, json or a "
                                                      "pandoc format (markdown, docx...); default: the "
                                                      "upload's extension, else text"),
                      encoding: str | None = Query(None, description="the input's encoding (default: detected)"),
                      ) -> Response:
        """Convert a feed (JSON `text` or an uploaded `file`) to `to`."""
        data, name, meta = await read_source(request)
        if lang:
            meta["lang"] = [lang]
        result = await pool.run("convert", data=data, to=to, name=name, from_format=from_format,
                                style=chosen_theme(style), encoding=encoding, meta=meta,
                                options=WriteOptions(toc=toc, paper=chosen_paper(paper)))
        return Response(result.data, media_type=result.media_type,
                        headers={"Content-Disposition": attachment(result.filename)})

    @app.post("/api/inspect", openapi_extra=SOURCE_BODY, responses=ERROR_RESPONSES)
    async def inspect(request: Request,
                      from_format: str | None = Query(None, alias="from",
                                                      description="text, json or a pandoc format"),
                      encoding: str | None = Query(None, description="the input's encoding (default: detected)"),
                      ) -> dict:
        """The structure read from a feed: meta, blocks (kind, preview, lines, the deciding rule),
        diagnostics: what `docforge inspect --explain --json` prints."""
        data, name, _ = await read_source(request)
        return await pool.run("inspect", source=data, format=from_format, encoding=encoding, name=name)

    @app.get("/api/formats")
    async def list_formats() -> dict:
        """Every row of the format table, with what it can do here."""
        readers, writers = formats.names("reader"), formats.names("writer")
        rows = [{"name": row.name, "description": row.description, "read": row.name in readers,
                 "write": row.name in writers, "extensions": list(row.extensions),
                 "aliases": list(row.aliases), "media_type": row.media_type, "origin": row.origin}
                for row in formats.all_formats()]
        return {"formats": rows, "readers": readers, "writers": writers}

    @app.get("/api/themes")
    async def themes() -> dict:
        """The theme names `style=` takes and the paper sizes `paper=` takes."""
        return {"themes": builtin_styles(), "default": "default", "papers": list(PAGE_SIZES_MM)}

    @app.get("/healthz")
    async def healthz() -> dict:
        """Liveness and the pool's load (busy workers, queued jobs)."""
        return {"status": "ok", "version": __version__, "max_body": settings.max_body, **pool.state()}

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html",
                            headers={"Content-Security-Policy": PAGE_POLICY})

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app
