"""The request-body limit, as ASGI middleware in front of the whole app.

uvicorn accepts bodies of any size; this refuses one over `max_body` bytes with 413
before the app sees it: at once when Content-Length says so, else (chunked uploads) as
soon as the bytes received pass the limit. The body is buffered (it is at most
`max_body`) and replayed to the app. This module never looks at what the body holds.
"""
from __future__ import annotations

import json


def too_large_message(size: int | str, limit: int) -> str:
    return (f"the request body is {size} bytes, over the service's limit of {limit} bytes; "
            "split the input, or raise the limit (docforge serve --max-body)")


class BodyLimit:
    def __init__(self, app, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(send, declared)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._refuse(send, f"more than {self.max_body}")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send, size: str) -> None:
        body = json.dumps({"error": too_large_message(size, self.max_body), "code": "too_large"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
