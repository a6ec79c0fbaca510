"""The bridge's readers: any input pandoc reads, through `pandoc -f FMT -t json`, then
docforge's own pandoc-JSON reader (formats.get_reader("json")).

`readers.markdown`, `readers.docx`, ... (formats.py names them so) are PandocReader
objects. Text formats get the decoded text, as every reader does; the container formats
(`binary = True`: docx, odt, epub, pptx, xlsx) get the input's bytes, which api.read
hands over undecoded. Media inside a document (docx, odt, epub, pptx, ipynb, fb2) is
extracted by pandoc into a temporary folder and each image that points there becomes a
data: URI before the JSON is read, so the Document stands alone (batches, the cluster and
the service pickle it); the folder is removed. Images of other inputs keep their paths,
which writers resolve against the resource path. A failure is one FormatError naming the
file, with pandoc's message and exit code. This module never writes a file of the user's.
"""
from __future__ import annotations

import json
import mimetypes
import os

from .. import formats
from ..errors import Diagnostic, FormatError, UsageError
from ..model import Document
from ..options import ReadOptions
from ..validate import vouch
from . import pandoc

# Inputs that are containers of files (zip): read as bytes, never decoded as text.
BINARY_INPUTS = frozenset({"docx", "odt", "epub", "pptx", "xlsx"})
# Inputs whose images live inside the file: extracted (--extract-media) and embedded.
EMBEDDED_MEDIA = frozenset({"docx", "odt", "epub", "pptx", "ipynb", "fb2"})
_MEDIA_FOLDER = "media"


class PandocReader:
    """Reads one pandoc input format (with pandoc's extension syntax: "markdown-smart").
    With filters in the options, pandoc runs them in the same call, on its own AST of the
    input (api.read hands them over so: a citation is still a citation for citeproc)."""
    runs_filters = True

    def __init__(self, pandoc_format: str) -> None:
        self.format = pandoc_format
        self.base = formats.split_extensions(pandoc_format)[0] or pandoc_format
        self.binary = self.base in BINARY_INPUTS

    def __repr__(self) -> str:
        return f"PandocReader({self.format!r})"

    def with_extensions(self, extensions: str) -> "PandocReader":
        return PandocReader(self.format + extensions)

    def read(self, data: str | bytes, options: ReadOptions | None = None) -> tuple[Document, list[Diagnostic]]:
        options = options or ReadOptions()
        source = options.source_name
        purpose = f"{source}: reading {self.format}"
        pandoc.find(purpose)  # before any temporary folder: a missing pandoc is one line
        args = list(options.pandoc_args)
        if options.filters:
            from .filters import arguments
            args += list(options.filter_args) + arguments(options.filters)
        if self.base not in EMBEDDED_MEDIA and not self.binary:
            text = data if isinstance(data, str) else data.decode("utf-8")
            ast, diagnostics = self._run(purpose, source, text, args)
            return self._read_json(ast, options, diagnostics)
        import tempfile  # (not on the start-up path of other conversions)
        with tempfile.TemporaryDirectory(prefix="docforge-pandoc-") as folder:
            media = os.path.join(folder, _MEDIA_FOLDER)
            args.append(f"--extract-media={media}")
            if self.binary:
                path = os.path.join(folder, f"input.{self.base}")
                with open(path, "wb") as handle:
                    handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
                ast, diagnostics = self._run(purpose, source, None, args, input_file=path)
            else:
                ast, diagnostics = self._run(purpose, source, data, args)
            if os.path.isdir(media):
                ast = embed_media(ast, media, diagnostics)
        return self._read_json(ast, options, diagnostics)

    def _run(self, purpose: str, source: str, text, args, input_file: str | None = None):
        try:
            return pandoc.run(purpose, text, "json", self.format, args, input_file=input_file)
        except pandoc.PandocFailed as exc:
            if exc.code in pandoc.UNKNOWN_FORMAT_CODES:
                why = pandoc.unknown_format_message("reader", self.format)
                raise UsageError(f"{source}: {why or exc.message}") from None
            if exc.code in pandoc.FILTER_CODES:
                from .filters import filter_error
                raise filter_error(source, options_filters(args), exc) from None
            raise FormatError(f"{source}: pandoc cannot read it as {self.format} ({exc}); "
                              "check the file, or name its real format") from None

    @staticmethod
    def _read_json(ast: str, options: ReadOptions, diagnostics: list[Diagnostic]):
        doc, more = formats.get_reader("json").read(ast, options)
        from ..readers.pandoc_json import with_detected_language  # pandoc's lang, else detected
        doc, diagnostics = with_detected_language(doc, diagnostics + list(more))
        return vouch(doc), diagnostics  # the JSON reader's document (or it with a language)


def options_filters(args: list[str]) -> str:
    """The filters of a pandoc command line, as a user wrote them (for messages)."""
    return ", ".join(a.replace("=", " ", 1) for a in args if a.startswith(("--filter=", "--lua-filter=", "--citeproc")))


def embed_media(ast: str, media: str, diagnostics: list[Diagnostic]) -> str:
    """The JSON with every Image whose url is a file under `media` given as a data: URI
    (walked iteratively: documents nest deeply)."""
    root = json.loads(ast)
    prefix = os.path.join(media, "")
    stack: list = [root]
    embedded: dict[str, str] = {}
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("t") == "Image":
                target = node["c"][2]
                url = target[0]
                if isinstance(url, str) and url.startswith(prefix):
                    if url not in embedded:
                        embedded[url] = _data_uri(url, diagnostics)
                    target[0] = embedded[url]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return json.dumps(root, ensure_ascii=False)


def _data_uri(path: str, diagnostics: list[Diagnostic]) -> str:
    from ..writers.resources import encode_data_uri, sniff
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        diagnostics.append(Diagnostic(f"embedded image {os.path.basename(path)} could not be extracted "
                                      f"({exc.strerror}); its alt text stays"))
        return ""
    kind = sniff(data)
    media_type = kind[0] if kind else (mimetypes.guess_type(path)[0] or "application/octet-stream")
    return encode_data_uri(data, media_type)


readers = pandoc.ByName(PandocReader)
"""`readers.NAME`: the reader of pandoc format NAME (formats.py's "module:object")."""
