"""`docforge serve`: the conversion service and the editor's page, in one ASGI app.

Built on FastAPI (over Starlette) and served by uvicorn. Why FastAPI rather than bare
Starlette: the issue asks for OpenAPI docs, and FastAPI derives them (/openapi.json,
/docs) from the same declarations that check the query parameters, so the docs cannot
drift from what the service accepts; everything else used (routing, multipart through
python-multipart, static files, lifespan) is Starlette's anyway. The cost is pydantic,
which only this optional extra (`pip install docforge[serve]`) installs.

`docforge.server:app` is the app for any ASGI server (settings from DOCFORGE_*
environment variables, see settings.py), created on first access; `serve()` is what the
CLI runs. Package layout: app.py (endpoints, errors), pool.py (worker processes,
timeouts, queue bound), limits.py (body size), settings.py, static/ (the editor's page).
Nothing in this package converts, reads or lists formats itself: docforge.api does.
"""
from __future__ import annotations

from .settings import Settings, from_environment


def __getattr__(name: str):
    # `app` is built on first access, so importing the package (the CLI does) reads no
    # environment and imports no web framework until it is wanted.
    if name == "app":
        from .app import create_app
        globals()["app"] = application = create_app(from_environment())
        return application
    raise AttributeError(name)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the service with uvicorn until interrupted (what `docforge serve` does)."""
    import uvicorn

    from .app import create_app
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info",
                timeout_graceful_shutdown=int(settings.timeout) + 5)


__all__ = ["Settings", "from_environment", "serve", "app"]
