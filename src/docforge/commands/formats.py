"""`docforge formats`: every row of the format table, whether pandoc is there, the themes.

Everything shown is read from docforge.formats (and the themes from docforge.style, the
pandoc in use from docforge.bridge.pandoc, which runs it to learn its version and its
formats); this module must never list a format itself.
"""
from __future__ import annotations

import click

from .. import formats as format_table
from ..cli import Command, run


@click.command(cls=Command)
def formats() -> int:
    """List the formats, the pandoc they need and the themes.

    One line per format: name, read/write ("(pandoc)": through pandoc), extensions,
    origin (builtin, pandoc or plugin), description; then which pandoc the bridge runs,
    the reader and writer names and the built-in themes."""
    return run(_show, debug=False)


def _show() -> None:
    from ..bridge import pandoc
    from ..style import builtin_styles

    found = pandoc.available()
    lacking: set[tuple[str, str]] = set()
    if found is not None:
        inputs, outputs = pandoc.formats()
        for row in format_table.FORMATS:
            for kind, known in (("reader", inputs), ("writer", outputs)):
                name = row.handler(kind).rpartition(".")[2]
                if row.bridged(kind) and name not in known:
                    lacking.add((row.name, kind))
    readers, writers = format_table.names("reader"), format_table.names("writer")
    rows = []
    for row in format_table.all_formats():
        words = []
        for word, kind, able in (("read", "reader", row.name in readers), ("write", "writer", row.name in writers)):
            if not able:
                continue
            if (row.name, kind) in lacking:
                word += f"(not-in-pandoc-{found.version})"  # type: ignore[union-attr]
            elif row.bridged(kind) and row.origin != format_table.PANDOC:
                word += "(pandoc)"
            words.append(word)
        rows.append((row.name, "/".join(words) or "not installed", " ".join(row.extensions), row.origin,
                     row.description))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths)) + "  " + r[4])
    print("readers: " + ", ".join(readers))
    print("writers: " + ", ".join(writers))
    if found is not None:
        print(f"pandoc:  {found.version} at {found.path} (the pandoc formats work)")
    else:
        print(f"pandoc:  not found: the pandoc formats need it; {pandoc.INSTALL_HINT}")
    print("themes:  " + ", ".join(builtin_styles()))
