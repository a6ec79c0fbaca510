"""Images in the PDF: a document's image made ready for reportlab, its size on the page,
and the flowable that draws it.

`PdfImages` (one per PDF) asks the render context for each url (writers/resources.py
finds and sniffs the file, and reports a missing one), decodes it once with reportlab's
ImageReader (Pillow) from the bytes in memory, never through a temporary file, and says
in one warning per url why an image cannot be drawn: SVG (reportlab draws no SVG without
svglib, which is not a dependency), a remote URL (never fetched), bytes Pillow cannot
decode. The renderer then shows the alt text instead. An image inside a line is paragraph
markup, `<img src>`, which takes a string: the image goes in as a data: URI, which
reportlab reads only while `data_uris_readable()` lets it (no other scheme, no host), and
such a paragraph is an `ImageLineParagraph`, whose first line makes room for its image. Sizes come from the pixel size at
96 dpi, scaled down (never up) to the room given. `PdfImage` is platypus's Image with
its alt text and title kept on it (`alt`, `title`) for the tagging layer. reportlab
stores an image drawn several times once (its canvas keys images by a digest of their
pixels). This module never builds paragraph markup and never decides what a block is.
"""
from __future__ import annotations

import contextlib
import io
import threading
from typing import NamedTuple

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph

from ..base import RenderContext
from ..resources import Resource, data_uri, is_remote

PT_PER_PX = 72 / 96  # a pixel is 1/96 in, as in CSS and pandoc's default dpi


class LoadedImage(NamedTuple):
    resource: Resource
    reader: ImageReader
    width: float   # natural size in points
    height: float


class PdfImages:
    """The images of one PDF, each url loaded and decoded once."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self._loaded: dict[str, LoadedImage | None] = {}
        self._uris: dict[str, str] = {}
        self._warned: set[str] = set()

    def load(self, url: str) -> LoadedImage | None:
        """The image at `url` ready to draw, or None after one warning per url saying why."""
        if url in self._loaded:
            return self._loaded[url]
        loaded = self._loaded[url] = self._load(url)
        return loaded

    def _load(self, url: str) -> LoadedImage | None:
        shown = url if len(url) <= 80 else url[:77] + "..."
        if is_remote(url):
            self._warn(url, f"image {shown!r} is remote and docforge does not fetch URLs; the PDF "
                            "shows its alt text (download it and give its folder with --resource-path)")
            return None
        resource = self.context.image(url)
        if resource is None:
            return None  # the context has said why
        if resource.media_type == "image/svg+xml":
            self._warn(url, f"image {shown!r} is SVG, which the PDF writer cannot draw; its alt "
                            "text is shown instead (give a PNG or JPEG version for the PDF)")
            return None
        try:
            reader = ImageReader(io.BytesIO(resource.data))
            reader.getRGBData()  # decode now: a damaged file must fail here, not while drawing
            width, height = reader.getSize()
        except Exception as exc:  # Pillow raises many kinds for damaged or unsupported data
            reason = str(exc).strip().splitlines()[0][:80] if str(exc).strip() else type(exc).__name__
            self._warn(url, f"image {shown!r} cannot be decoded ({reason}); its alt text is shown instead")
            return None
        if not width or not height:
            self._warn(url, f"image {shown!r} has no size; its alt text is shown instead")
            return None
        return LoadedImage(resource, reader, width * PT_PER_PX, height * PT_PER_PX)

    def _warn(self, url: str, message: str) -> None:
        if url not in self._warned:
            self._warned.add(url)
            self.context.diagnostics.add(message)

    def uri(self, image: LoadedImage) -> str:
        """The image as a data: URI, made once: paragraph markup's <img> takes a string."""
        name = image.resource.name
        uri = self._uris.get(name)
        if uri is None:
            uri = self._uris[name] = data_uri(image.resource)
        return uri


_readable_lock = threading.Lock()
_readable_users = 0
_readable_saved: tuple = ()


@contextlib.contextmanager
def data_uris_readable():
    """Let reportlab read data: URIs (the inline images of paragraph markup) and nothing
    else: no other scheme, no host (it wants some host pattern before it reads any URL;
    the .invalid name matches none). The settings are reportlab's globals: the first of
    concurrent renderers sets them, the last restores them."""
    global _readable_users, _readable_saved
    with _readable_lock:
        if not _readable_users:
            _readable_saved = rl_config.trustedHosts, rl_config.trustedSchemes
            rl_config.trustedHosts, rl_config.trustedSchemes = ["docforge.invalid"], ["data"]
        _readable_users += 1
    try:
        yield
    finally:
        with _readable_lock:
            _readable_users -= 1
            if not _readable_users:
                rl_config.trustedHosts, rl_config.trustedSchemes = _readable_saved


def fitted(image: LoadedImage, max_width: float, max_height: float) -> tuple[float, float]:
    """The image's natural size, scaled down to fit max_width x max_height, proportions kept."""
    scale = min(1.0, max_width / image.width, max_height / image.height)
    return image.width * scale, image.height * scale


class PdfImage(Image):
    """An image as a block. `alt` and `title` are the IR image's, for the tagging layer;
    the width given to wrap() (inside a list, a table cell) shrinks it further if needed."""

    def __init__(self, image: LoadedImage, width: float, height: float, alt: str, title: str,
                 h_align: str) -> None:
        self._img = image.reader  # the decoded reader, shared by every use of the image
        super().__init__(io.BytesIO(), width, height, hAlign=h_align)
        self.alt, self.title = alt, title

    def wrap(self, availWidth: float, availHeight: float):
        if self.drawWidth > availWidth:
            return self._restrictSize(availWidth, self.drawHeight)
        return self.drawWidth, self.drawHeight


class ImageLineParagraph(Paragraph):
    """A paragraph with images in its lines (its style has autoLeading "max", so every line
    is as tall as its tallest image). reportlab still puts the first baseline one font
    size below the top, so an image taller than the text on the first line would stick
    out above the paragraph, over the text before it, and leave the room it took empty at
    the bottom: the paragraph is drawn that much lower."""

    def first_line_drop(self) -> float:
        para = getattr(self, "blPara", None)
        if para is None or para.kind != 1 or not para.lines:
            return 0.0
        return max(0.0, para.lines[0].ascent - self.style.fontSize)

    def draw(self):
        drop = self.first_line_drop()
        if not drop:
            return super().draw()
        self.canv.saveState()
        self.canv.translate(0, -drop)
        try:
            super().draw()
        finally:
            self.canv.restoreState()
