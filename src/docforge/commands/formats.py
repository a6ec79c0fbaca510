"""`docforge formats`: every row of the format table, then the built-in themes.

Everything shown is read from docforge.formats (and the themes from docforge.style);
this module must never list a format itself.
"""
from __future__ import annotations

import click

from .. import formats as format_table
from ..cli import Command, run


@click.command(cls=Command)
def formats() -> int:
    """List the formats and the themes.

    One line per format: name, read/write, extensions, origin (builtin, pandoc or
    plugin), description; then the reader and writer names and the built-in themes."""
    return run(_show, debug=False)


def _show() -> None:
    from ..style import builtin_styles

    readers, writers = format_table.names("reader"), format_table.names("writer")
    rows = []
    for row in format_table.all_formats():
        can = "/".join(word for word, able in (("read", row.name in readers), ("write", row.name in writers))
                       if able) or "not installed"
        rows.append((row.name, can, " ".join(row.extensions), row.origin, row.description))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths)) + "  " + r[4])
    print("readers: " + ", ".join(readers))
    print("writers: " + ", ".join(writers))
    print("themes:  " + ", ".join(builtin_styles()))
