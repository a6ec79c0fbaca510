"""IR -> HTML5: the body renderer (shared with EPUB), the theme's CSS and the page writer.

`writer` is the object formats.py names ("docforge.writers.html:writer"). This package
must never import a heavy library nor the EPUB writer: it is the start-up path of
`--to html`.
"""
from .body import BodyRenderer
from .css import theme_css
from .page import HtmlWriter

writer = HtmlWriter()

__all__ = ["BodyRenderer", "HtmlWriter", "theme_css", "writer"]
