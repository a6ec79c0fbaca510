"""`docforge inspect`: the structure docforge reads from an input, for a person or as JSON.

One `api.inspect` call, printed. This module must not read or analyse the input itself.
"""
from __future__ import annotations

import click

from .. import api
from ..cli import EXIT_CODES_HELP, Command, run
from .params import PATH, FormatList, FormatOption, diagnostics_options


@click.command(cls=Command, epilog=EXIT_CODES_HELP)
@click.argument("input_file", type=PATH, metavar="INPUT")
@click.option("-f", "--from", "from_format", cls=FormatOption, type=FormatList("reader"),
              help="Input format: {formats}. Default: from the input's extension, else text.")
@click.option("--encoding", metavar="ENC", help="Input encoding (default: detected).")
@click.option("--explain", is_flag=True, help="Show the rule that decided each block.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@diagnostics_options
def inspect(input_file, from_format, encoding, explain, as_json, quiet, verbose, debug) -> int:
    """Show the structure docforge reads from INPUT, with line numbers and diagnostics."""
    def action() -> int:
        result = api.inspect(input_file, from_format, encoding=encoding)
        if as_json:
            import json
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _show(result, explain)
        return 0
    return run(action, debug)


def _show(result: dict, explain: bool) -> None:
    print(f"title: {result['meta'].get('title') or '(none)'}")
    for key in ("subtitle", "authors", "date", "language", "keywords"):
        value = result["meta"].get(key)
        if value:
            print(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
    for block in result["blocks"]:
        lines = block.get("lines")
        where = f"{lines[0]:>5}-{lines[1]:<5}" if lines else " " * 11
        rule = f"  [{block['rule']}]" if explain and block.get("rule") else ""
        kind = f"{block['kind']} ({block['list']})" if block.get("list") else block["kind"]
        print(f"{where} {kind:<15} {block['preview']}{rule}")
    for d in result["diagnostics"]:
        print(f"diagnostic: {d}")
