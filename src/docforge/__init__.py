"""docforge: plain-text article feeds -> PDF, DOCX, EPUB, HTML and pandoc JSON.

The public API is four calls; the CLI is a thin layer over them:

    doc = docforge.read("article.txt")                 # -> Document (the IR)
    docforge.write(doc, "html", "article.html")        # atomic write
    docforge.convert("article.txt", to=["pdf", "epub"], output="out/")
    results = docforge.convert_many(["a.txt", "feeds/"], to=["html"], output="out/")

Everything heavy (reportlab, python-docx, lxml) is imported only by the writer that
needs it. This module must stay import-light: it is on the start-up path of every run.
"""
from __future__ import annotations

from .api import ConversionResult, convert, convert_many, inspect, read, read_text, write
from .errors import Diagnostic, DocforgeError
from .model import Document, Meta
from .options import ReadOptions, WriteOptions
from .style import Style, load_style

__version__ = "0.1.0"

__all__ = ["read", "inspect", "read_text", "write", "convert", "convert_many", "ConversionResult",
           "Document", "Meta", "Diagnostic", "DocforgeError", "ReadOptions", "WriteOptions",
           "Style", "load_style", "__version__"]
