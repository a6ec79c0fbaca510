"""The `docforge` subcommands, one module each; cli.py imports a module only when its command runs.

A command parses its options (params.py holds the shared ones), makes one call into
docforge.api inside cli.run and prints what came back. A command never converts, reads
or lists anything itself: if it would need more than one API call, the API lacks a function.
"""
