"""IR -> EPUB 3 (with an NCX for EPUB 2 reading systems).

pages.py renders the book's XHTML files with the HTML writer's body renderer;
package.py packages them with ebooklib, streaming them (and the navigation
document and NCX) into the zip, so that no file's markup is held whole. Output is deterministic: the identifier is
derived from the content unless meta gives one, dcterms:modified and the zip timestamps
come from the context's timestamp (SOURCE_DATE_EPOCH, or a fixed date). This writer never
renumbers anything and never fetches resources: images and the cover (--epub-cover-image,
or the `cover-image` metadata) are package files, a remote image is shown as its alt
text. `writer` is the object formats.py names ("docforge.writers.epub:writer").
"""
from __future__ import annotations

from typing import BinaryIO

from ...errors import Diagnostic
from ..base import RenderContext
from ..html import BodyRenderer
from .package import write_package
from .pages import BookPages, load_cover


class EpubWriter:
    renderer = BodyRenderer

    def preflight(self, context: RenderContext) -> None:
        """A cover that cannot be used is an InputError before any format is written."""
        load_cover(context)

    def write(self, context: RenderContext, out: BinaryIO) -> list[Diagnostic]:
        cover = load_cover(context)  # a bad cover fails before anything is rendered
        with BookPages(context, cover) as pages:  # the rendered files, spooled until packaged
            write_package(context, pages, out)
        return context.diagnostics.result()


writer = EpubWriter()
