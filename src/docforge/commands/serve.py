"""`docforge serve`: the conversion service and the editor's page (docforge.server).

One call, `docforge.server.serve`, with the options as Settings. This module must never
build the app or touch the worker pool itself.
"""
from __future__ import annotations

import click

from ..cli import Command, run
from .params import Count


@click.command(cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy).")
@click.option("--port", type=Count(0), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=Count(1), help="Conversion worker processes (default: one per core).")
@click.option("--queue", type=Count(1), help="Requests that may wait for a worker before 503 "
              "(default: 4 per worker).")
@click.option("--max-body", type=Count(1), metavar="BYTES", help="Largest request body (default 10 MiB).")
@click.option("--timeout", type=click.FloatRange(min=0.1), metavar="SECONDS",
              help="Longest conversion; its worker is then killed and replaced (default 60).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def serve(host, port, workers, queue, max_body, timeout, debug) -> int:
    """Serve the HTTP API and the editor's page at http://HOST:PORT/."""
    def action() -> None:
        from .. import server
        given = {"workers": workers, "queue": queue, "max_body": max_body, "timeout": timeout}
        server.serve(server.Settings(**{k: v for k, v in given.items() if v is not None}), host, port)
    return run(action, debug)
