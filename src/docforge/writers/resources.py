"""Images a document refers to, found and loaded once per conversion for every writer.

An Image's url is a data: URI, a remote URL, or a path: an absolute path, or one relative
to a folder of the resource path (`--resource-path`, default: the input's folder, then the
working directory). `ResourceLoader.load(url)` returns the bytes with their media type
(sniffed from the bytes, never trusted from the name), a stable file name for packages
(from a hash of the bytes, so outputs are deterministic) and the pixel size, or the reason
it could not. Remote URLs are never fetched: a conversion must not depend on the network.
This module never writes anything and knows no output format.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
from urllib.parse import unquote, urlsplit

from ..records import Record

# Sniffed from the first bytes: what every writer can embed (SVG only where the format
# renders vector images: HTML, EPUB; DOCX and PDF report it).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
MAX_IMAGE_BYTES = 50 * 1024 * 1024
REMOTE_SCHEMES = ("http://", "https://", "ftp://")


class Resource(Record):
    data: bytes
    media_type: str      # image/png, image/jpeg, image/gif, image/webp, image/svg+xml
    name: str            # "image-<12 hex of sha256>.<ext>": the same bytes, the same name
    width: int = 0       # pixels (0 when unknown, e.g. SVG)
    height: int = 0


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) of image bytes, or None when they are not an image we embed."""
    for magic, media_type, ext in _SIGNATURES:
        if data.startswith(magic):
            return media_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml", "svg"
    return None


def pixel_size(data: bytes, media_type: str) -> tuple[int, int]:
    """Width and height in pixels read with Pillow (installed with reportlab); (0, 0) for SVG."""
    if media_type == "image/svg+xml":
        return 0, 0
    try:
        from PIL import Image as PILImage
        with PILImage.open(io.BytesIO(data)) as img:
            return int(img.width), int(img.height)
    except Exception:  # a truncated file: the writers still embed it, without a size
        return 0, 0


def is_remote(url: str) -> bool:
    return url.strip().lower().startswith(REMOTE_SCHEMES)


class ResourceLoader:
    """Loads images by url, caching each answer (shared by all writers of a conversion)."""

    def __init__(self, search_path: tuple[str, ...] = ()) -> None:
        self.search_path = tuple(search_path) or (os.getcwd(),)
        self._cache: dict[str, tuple[Resource | None, str]] = {}

    def load(self, url: str) -> tuple[Resource | None, str]:
        """(resource, "") or (None, why not) — the reason is one sentence naming the url."""
        answer = self._cache.get(url)
        if answer is None:
            answer = self._cache[url] = self._load(url)
        return answer

    def _load(self, url: str) -> tuple[Resource | None, str]:
        shown = url if len(url) <= 80 else url[:77] + "..."
        stripped = url.strip()
        if not stripped:
            return None, "an image has no source"
        if stripped.lower().startswith("data:"):
            data = _data_uri_bytes(stripped)
            if data is None:
                return None, f"image data URI {shown!r} cannot be decoded"
        elif is_remote(stripped):
            return None, f"image {shown!r} is remote and docforge does not fetch URLs"
        else:
            path = self._find(stripped)
            if path is None:
                folders = ", ".join(self.search_path)
                return None, (f"image {shown!r} not found (looked in {folders}); "
                              "give its folder with --resource-path")
            try:
                if os.path.getsize(path) > MAX_IMAGE_BYTES:
                    return None, f"image {shown!r} is over {MAX_IMAGE_BYTES // 2**20} MiB"
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                return None, f"image {shown!r} cannot be read ({exc.strerror})"
        kind = sniff(data)
        if kind is None:
            return None, f"image {shown!r} is not a PNG, JPEG, GIF, WebP or SVG file"
        media_type, ext = kind
        width, height = pixel_size(data, media_type)
        name = f"image-{hashlib.sha256(data).hexdigest()[:12]}.{ext}"
        return Resource(data, media_type, name, width, height), ""

    def _find(self, url: str) -> str | None:
        parts = urlsplit(url)
        raw = unquote(parts.path) if parts.scheme in ("", "file") else url
        if os.path.isabs(raw):
            return raw if os.path.isfile(raw) else None
        for folder in self.search_path:
            candidate = os.path.join(folder, raw)
            if os.path.isfile(candidate):
                return candidate
        return None


def _data_uri_bytes(uri: str) -> bytes | None:
    header, sep, payload = uri.partition(",")
    if not sep:
        return None
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote(payload).encode("utf-8")
    except (binascii.Error, ValueError):
        return None


def data_uri(resource: Resource) -> str:
    """The resource as a data: URI (how HTML embeds an image so the page stands alone)."""
    return encode_data_uri(resource.data, resource.media_type)


def encode_data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
