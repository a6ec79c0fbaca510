"""Parameter types and options the commands share: formats, paper sizes, counts, -q/-v/--debug.

Format names, their help and their shell completion come from the format table
(docforge.formats), read only when help is shown or a word is completed: reading the
whole table scans installed plugins, which a plain conversion must not pay for. Values
are checked here only where click is the one to check them (paper sizes, counts); a
format name goes to docforge.api as typed, which alone decides what is unknown, so the
message is the same from the CLI and the library.

PANDOC_OPTIONS is every option of `pandoc --help` and what `docforge convert` does with
it (the README's table is made from it); PandocCommandLine is the first pass over a
convert command line that takes pandoc's options out before click parses the rest. It
never runs pandoc and never decides what an option means for a format: the bridge does.
"""
from __future__ import annotations

from typing import Sequence

import click

from .. import formats as format_table
from ..errors import UsageError
from ..records import Record

PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "Letter", "legal": "Legal"}  # for help and completion; style.PAGE_SIZES_MM decides


def _complete(words: list[str], incomplete: str, help_of=None) -> list:
    from click.shell_completion import CompletionItem
    return [CompletionItem(w, help=help_of(w) if help_of else None) for w in words if w.startswith(incomplete)]


class FormatList(click.ParamType):
    """A format name, or for writers a comma list of them or `all`; completed from the table."""
    name = "format"

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "reader" | "writer"

    def get_metavar(self, param, ctx=None) -> str:
        return "FMT[,FMT…]|all" if self.kind == "writer" else "FMT"

    def known(self) -> list[str]:
        return format_table.names(self.kind) + (["all"] if self.kind == "writer" else [])

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        # `--to html,p` completes the last name of the list, keeping what precedes it.
        done, comma, last = incomplete.rpartition(",")
        prefix = done + comma
        if prefix and self.kind != "writer":
            return []
        return _complete([prefix + name for name in self.known() if name != "all" or not prefix],
                         prefix + last, self._description)

    @staticmethod
    def _description(word: str) -> str | None:
        row = format_table.lookup(word.rpartition(",")[2])
        return row.description if row else "every writer format"


class FormatOption(click.Option):
    """An option whose help ends with the table's format names, computed when help is shown."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.help_template = self.help or ""

    def get_help_record(self, ctx: click.Context):
        self.help = self.help_template.format(formats=help_names(self.type.kind))
        return super().get_help_record(ctx)


# the pandoc formats --help names as examples (all of them: `docforge formats`)
_BRIDGE_EXAMPLES = {"reader": ("markdown", "docx", "html", "odt", "rst", "latex", "epub"),
                    "writer": ("markdown", "gfm", "rst", "latex", "odt", "jats", "typst")}


def help_names(kind: str) -> str:
    """docforge's own formats by name, then how many pandoc adds, with examples."""
    names = format_table.names(kind)
    own = [n for n in names if not format_table.lookup(n).bridged(kind)]
    bridged = [n for n in names if n not in own]
    examples = [n for n in _BRIDGE_EXAMPLES[kind] if n in bridged]
    if not bridged:
        return ", ".join(own)
    return (f"{', '.join(own)}; through pandoc {len(bridged)} more ({', '.join(examples)}, …: "
            "`docforge formats`)")


class PaperSize(click.ParamType):
    """A paper size, any case, given as its canonical spelling ("letter" -> "Letter")."""
    name = "paper"

    def get_metavar(self, param, ctx=None) -> str:
        return "|".join(PAPER_SIZES.values())

    def convert(self, value, param, ctx) -> str:
        from ..errors import UsageError
        from ..style import paper_size  # the same check as the library's (RenderContext)
        try:
            return paper_size(value)
        except UsageError:
            self.fail(f"'{value}' is not a paper size (choose from {', '.join(PAPER_SIZES.values())})",
                      param, ctx)

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        return _complete([p for p in PAPER_SIZES.values() if p.lower().startswith(incomplete.lower())], "")


class Count(click.ParamType):
    """A whole number not below `minimum` (and not above `maximum` when given)."""
    name = "count"

    def __init__(self, minimum: int, maximum: int | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def get_metavar(self, param, ctx=None) -> str:
        return "N"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            self.fail(f"'{value}' is not a whole number", param, ctx)
        if number < self.minimum:
            self.fail(f"{number} is below the minimum {self.minimum}", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"{number} is above the maximum {self.maximum}", param, ctx)
        return number


# click.Path without its checks (docforge.api names a missing or unreadable file itself,
# with its own exit code); kept for the shell's file-name completion.
PATH = click.Path(readable=False)


def diagnostics_options(command):
    """-q, -v and --debug, which every command that reads a document takes."""
    command = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(command)
    command = click.option("-v", "--verbose", count=True, help="Show informational diagnostics.")(command)
    return click.option("-q", "--quiet", is_flag=True, help="Show errors only.")(command)


# ------------------------------------------------------------------ pandoc's options
#
# Every option of `pandoc --help` (3.9), and what `docforge convert` does with it. docforge's
# own options (click's, below in convert.py) are "docforge"; the others are taken out of
# the command line before click parses it (PandocOptions.split), so that a pandoc command
# line mostly runs as it is:
#   writer     handed to pandoc's writers (the bridge formats); docforge's own writers
#              ignore it, with a warning when no bridge format is written
#   embedded   handed to pandoc's writers; docforge's own writers do it anyway (no warning)
#   reader     handed to pandoc's readers (the bridge formats); a warning when the input's
#              reader is docforge's own
#   citeproc   handed to the pandoc run of the filter chain (--citeproc's bibliography)
#   always     what docforge always does (--sandbox): accepted, nothing to do
#   ignored    accepted, with a warning that it has no effect
#   unsupported  one-line error (exit 2) saying what to do instead
class PandocOption(Record):
    long: str
    short: str = ""
    value: str = "none"     # "required" | "optional" (only as --opt=VALUE) | "none"
    handling: str = "writer"
    note: str = ""


def _o(long: str, handling: str, value: str = "none", short: str = "", note: str = "") -> PandocOption:
    return PandocOption(long, short, value, handling, note)


PANDOC_OPTIONS: tuple[PandocOption, ...] = (
    _o("--from", "docforge", "required", "-f", "also --read; pandoc's -r is docforge's --recursive"),
    _o("--read", "docforge", "required", note="as --from"),
    _o("--to", "docforge", "required", "-t", "also --write/-w; several formats: a comma list"),
    _o("--write", "docforge", "required", "-w", "as --to"),
    _o("--output", "docforge", "required", "-o", "one output: that file; several: a directory"),
    _o("--data-dir", "writer", "required", note="pandoc's templates and reference files"),
    _o("--metadata", "docforge", "required", "-M", "KEY=VALUE or KEY:VALUE; a bare KEY is true"),
    _o("--metadata-file", "docforge", "required", note="YAML or JSON, read by docforge (PyYAML)"),
    _o("--defaults", "unsupported", "required", "-d", "give the options on the command line"),
    _o("--file-scope", "ignored", "optional", note="docforge converts each input file on its own"),
    _o("--sandbox", "always", "optional", note="pandoc always runs sandboxed (filters excepted)"),
    _o("--standalone", "docforge", "optional", "-s", "pandoc's formats; docforge's own are always standalone "
       "(HTML unless --fragment); `-s THEME` is still read as --style, with a warning"),
    _o("--template", "writer", "required"),
    _o("--variable", "writer", "required", "-V"),
    _o("--variable-json", "writer", "required"),
    _o("--wrap", "writer", "required"),
    _o("--ascii", "writer", "optional"),
    _o("--toc", "docforge", "optional", note="also --table-of-contents"),
    _o("--table-of-contents", "docforge", "optional", note="as --toc"),
    _o("--toc-depth", "docforge", "required"),
    _o("--lof", "writer", "optional"),
    _o("--list-of-figures", "writer", "optional"),
    _o("--lot", "writer", "optional"),
    _o("--list-of-tables", "writer", "optional"),
    _o("--number-sections", "docforge", "optional", "-N", "overrides the theme's heading numbering; "
       "the numbers are docforge's, the same in every format"),
    _o("--number-offset", "ignored", "required", note="docforge numbers headings itself (-N)"),
    _o("--top-level-division", "writer", "required"),
    _o("--extract-media", "ignored", "required", note="docforge embeds a document's media in the IR"),
    _o("--resource-path", "docforge", "required", note="where images are found (default: the input's "
       "folder, then the working directory)"),
    _o("--include-in-header", "writer", "required", "-H"),
    _o("--include-before-body", "writer", "required", "-B"),
    _o("--include-after-body", "writer", "required", "-A"),
    _o("--no-highlight", "writer"),
    _o("--highlight-style", "writer", "required"),
    _o("--syntax-definition", "writer", "required"),
    _o("--syntax-highlighting", "writer", "required"),
    _o("--dpi", "writer", "required"),
    _o("--eol", "writer", "required"),
    _o("--columns", "writer", "required"),
    _o("--preserve-tabs", "reader", "optional", "-p"),
    _o("--tab-stop", "reader", "required"),
    _o("--pdf-engine", "ignored", "required", note="docforge typesets PDF itself (reportlab)"),
    _o("--pdf-engine-opt", "ignored", "required", note="docforge typesets PDF itself (reportlab)"),
    _o("--reference-doc", "docforge", "required", note="DOCX: styles and page setup (also "
       "--reference-docx); ODT, PPTX: handed to pandoc when the file has that extension"),
    _o("--self-contained", "embedded", "optional", note="docforge's HTML and EPUB embed images and CSS"),
    _o("--embed-resources", "embedded", "optional", note="docforge's HTML and EPUB embed images and CSS"),
    _o("--link-images", "writer", "optional"),
    _o("--request-header", "ignored", "required", note="docforge never fetches URLs"),
    _o("--no-check-certificate", "ignored", "optional", note="docforge never fetches URLs"),
    _o("--abbreviations", "reader", "required"),
    _o("--indented-code-classes", "reader", "required"),
    _o("--default-image-extension", "reader", "required"),
    _o("--filter", "docforge", "required", "-F", "JSON filters, in order with --lua-filter and --citeproc"),
    _o("--lua-filter", "docforge", "required", "-L", "in order with --filter and --citeproc"),
    _o("--shift-heading-level-by", "docforge", "required", note="pandoc's rule: below level 1 a "
       "paragraph, a leading level-N heading with -N the title"),
    _o("--base-header-level", "docforge", "required", note="deprecated in pandoc: read as "
       "--shift-heading-level-by N-1, with a warning"),
    _o("--track-changes", "reader", "required"),
    _o("--strip-comments", "reader", "optional"),
    _o("--reference-links", "writer", "optional"),
    _o("--reference-location", "writer", "required"),
    _o("--figure-caption-position", "writer", "required"),
    _o("--table-caption-position", "writer", "required"),
    _o("--markdown-headings", "writer", "required"),
    _o("--list-tables", "writer", "optional"),
    _o("--listings", "writer", "optional"),
    _o("--incremental", "writer", "optional", "-i"),
    _o("--slide-level", "writer", "required"),
    _o("--section-divs", "writer", "optional"),
    _o("--html-q-tags", "writer", "optional"),
    _o("--email-obfuscation", "writer", "required"),
    _o("--id-prefix", "writer", "required"),
    _o("--title-prefix", "writer", "required", "-T"),
    _o("--css", "writer", "required", "-c", "docforge's HTML takes its CSS from the theme"),
    _o("--epub-subdirectory", "writer", "required"),
    _o("--epub-cover-image", "docforge", "required", note="docforge's EPUB and pandoc's epub2"),
    _o("--epub-title-page", "writer", "optional"),
    _o("--epub-metadata", "writer", "required"),
    _o("--epub-embed-font", "writer", "required"),
    _o("--split-level", "writer", "required"),
    _o("--chunk-template", "writer", "required"),
    _o("--epub-chapter-level", "writer", "required"),
    _o("--ipynb-output", "writer", "required"),
    _o("--citeproc", "docforge", short="-C", note="one step of the filter chain, in its place"),
    _o("--bibliography", "citeproc", "required"),
    _o("--csl", "citeproc", "required"),
    _o("--citation-abbreviations", "citeproc", "required"),
    _o("--natbib", "writer"),
    _o("--biblatex", "writer"),
    _o("--mathml", "writer"),
    _o("--webtex", "writer", "optional"),
    _o("--mathjax", "writer", "optional"),
    _o("--katex", "writer", "optional"),
    _o("--gladtex", "writer"),
    _o("--trace", "ignored", "optional", note="pandoc's debugging output"),
    _o("--dump-args", "unsupported", "optional", note="docforge prints no argument dump"),
    _o("--ignore-args", "unsupported", "optional", note="give the arguments docforge should use"),
    _o("--verbose", "docforge", note="docforge's -v"),
    _o("--quiet", "docforge", note="docforge's -q"),
    _o("--fail-if-warnings", "unsupported", "optional", note="check the diagnostics docforge prints"),
    _o("--log", "unsupported", "required", note="diagnostics go to stderr; redirect them"),
    _o("--bash-completion", "unsupported", note="eval \"$(_DOCFORGE_COMPLETE=bash_source docforge)\""),
    _o("--list-input-formats", "unsupported", note="`docforge formats`"),
    _o("--list-output-formats", "unsupported", note="`docforge formats`"),
    _o("--list-extensions", "unsupported", "optional", note="pandoc --list-extensions"),
    _o("--list-highlight-languages", "unsupported", note="pandoc --list-highlight-languages"),
    _o("--list-highlight-styles", "unsupported", note="pandoc --list-highlight-styles"),
    _o("--print-default-template", "unsupported", "required", "-D", "pandoc -D FORMAT"),
    _o("--print-default-data-file", "unsupported", "required", note="pandoc --print-default-data-file"),
    _o("--print-highlight-style", "unsupported", "required", note="pandoc --print-highlight-style"),
    _o("--version", "docforge", short="-v", note="docforge --version; docforge's -v is --verbose"),
    _o("--help", "docforge", short="-h"),
)

# docforge's options that the command line's first pass reads itself (their order matters,
# or they are spelled another way); click still documents them in --help
_HANDLED_HERE = ("--filter", "--lua-filter", "--citeproc", "--base-header-level")
_BY_LONG = {o.long: o for o in PANDOC_OPTIONS if o.handling != "docforge" or o.long in _HANDLED_HERE}
_BY_SHORT = {o.short: o for o in _BY_LONG.values() if o.short}
_PASSED = ("writer", "embedded", "reader", "citeproc")
# docforge's flags that pandoc also writes as --flag=true|false
_BOOLEAN_FLAGS = {"--toc": ("--toc", "--no-toc"), "--table-of-contents": ("--toc", "--no-toc"),
                  "--number-sections": ("--number-sections", "--no-number-sections"),
                  "--standalone": ("--standalone", None)}


class PandocCommandLine:
    """What the pandoc-only options of one command line say, taken out of it by `split`:
    the arguments for pandoc's writers, readers and the filter chain's citeproc, the
    filter chain itself (in command-line order: pandoc runs --filter, --lua-filter and
    --citeproc in the order given, which two click options could not keep), and the
    warnings to show."""

    def __init__(self) -> None:
        self.writer: list[str] = []
        self.embedded: list[str] = []
        self.reader: list[str] = []
        self.citeproc: list[str] = []
        self.chain: list[tuple[str, str]] = []
        self.warnings: list[str] = []

    def split(self, args: list[str], themes: Sequence[str]) -> list[str]:
        """`args` without the options handled here, for click to parse."""
        kept: list[str] = []
        i = 0

        def value_of(name: str) -> str:
            nonlocal i
            if i >= len(args):
                raise UsageError(f"option {name} requires an argument; see `docforge convert --help`")
            i += 1
            return args[i - 1]

        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                kept.extend(args[i - 1:])
                break
            if arg.startswith("-s") and not arg.startswith("--"):  # -s THEME from before -s meant --standalone
                theme = arg[2:] or (args[i] if i < len(args) else "")
                if theme and (theme in themes or theme.lower().endswith(".toml")):
                    self.warnings.append(f"-s {theme}: -s means --standalone now, as in pandoc; read as "
                                         f"--style {theme} (write --style in scripts)")
                    kept += ["--style", theme]
                    i += 0 if arg[2:] else 1
                    continue
            if arg.startswith("--"):
                name, eq, value = arg.partition("=")
                if name in _BOOLEAN_FLAGS and value.lower() in ("true", "false"):
                    on, off = _BOOLEAN_FLAGS[name]
                    flag = on if value.lower() == "true" else off
                    if flag:
                        kept.append(flag)
                    continue
                option = _BY_LONG.get(name)
            elif arg[:2] in _BY_SHORT:
                option, rest = _BY_SHORT[arg[:2]], arg[2:]
                if rest and option.value != "required":  # combined short flags: click's business
                    kept.append(arg)
                    continue
                eq, value = ("=", rest) if rest else ("", "")
            else:
                option = None
            if option is None:
                kept.append(arg)
                continue
            if option.value == "required" and not eq:
                value, eq = value_of(option.long), "="
            self._take(option, value if eq else None, kept)
        return kept

    def _take(self, option: PandocOption, value: str | None, kept: list[str]) -> None:
        if option.long in ("--filter", "--lua-filter"):
            self.chain.append(("json" if option.long == "--filter" else "lua", value or ""))
        elif option.long == "--citeproc":
            self.chain.append(("citeproc", ""))
        elif option.long == "--base-header-level":
            try:
                shift = int(value or "") - 1
            except ValueError:
                raise UsageError(f"--base-header-level {value!r}: give a whole number") from None
            self.warnings.append(f"--base-header-level is deprecated in pandoc; read as "
                                 f"--shift-heading-level-by {shift}")
            kept.append(f"--shift-heading-level-by={shift}")
        elif option.handling == "unsupported":
            raise UsageError(f"{option.long}: this pandoc option is not supported by docforge; "
                             f"{option.note or 'leave it out'}")
        elif option.handling == "ignored":
            self.warnings.append(f"{option.long}: this pandoc option has no effect in docforge "
                                 f"({option.note}); ignored")
        elif option.handling in _PASSED:
            getattr(self, option.handling).append(f"{option.long}={value}" if value is not None else option.long)

    def check_use(self, writes_bridge: bool, reads_bridge: bool | None) -> None:
        """Warn about pandoc options nothing will use: writer options with no pandoc format
        among the outputs, reader options when the input's reader is docforge's own
        (`reads_bridge` None: not known before a directory is listed), citeproc's without it."""
        if self.writer and not writes_bridge:
            self.warnings.append(f"{' '.join(self.writer)}: pandoc writer option(s); docforge's own "
                                 "formats ignore them (pandoc's formats use them: --to rst, odt...)")
        if self.reader and reads_bridge is False:
            self.warnings.append(f"{' '.join(self.reader)}: pandoc reader option(s); docforge's own "
                                 "readers ignore them (inputs pandoc reads use them: .md, .docx...)")
        if self.citeproc and not any(kind == "citeproc" for kind, _ in self.chain):
            self.warnings.append(f"{' '.join(self.citeproc)}: for --citeproc, which is not given; ignored")
