"""The pandoc bridge: every format pandoc reads or writes, and pandoc's filters, through pypandoc.

    any pandoc input ─pandoc -f FMT -t json─▶ docforge's JSON reader ─▶ Document
    Document ─docforge's JSON writer─▶ pandoc -f json -t FMT ─▶ any pandoc output
    Document ─JSON─▶ pandoc -f json -t json --filter/--lua-filter/--citeproc ─▶ JSON ─▶ Document

`pandoc.py` finds pandoc (pypandoc_binary's, else one on PATH, >= 3.0) and is the only
module that runs it; `reader.py` and `writer.py` are the bridge's Reader and Writer (one
object per pandoc format, named in formats.py as `readers.NAME` / `writers.NAME`);
`filters.py` runs filters between reading and the transforms. Nothing here is imported
unless a bridge format or a filter is used, and nothing here parses or renders a format
itself: pandoc does, on docforge's pandoc JSON.
"""
