"""The CLI as a user meets it: run as a real process, errors as one line with their exit code."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SAMPLES

SEED = DATA / "seed-china-ai.txt"


def docforge(*args, cwd=None, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "docforge", *map(str, args)], cwd=cwd,
                          input=stdin, capture_output=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_convert_to_a_file_with_format_from_extension(tmp_path):
    out = tmp_path / "seed.html"
    proc = docforge("convert", SEED, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "A Comparative Look" in out.read_text()


def test_convert_many_formats_into_a_created_directory(tmp_path):
    out = tmp_path / "new" / "dir"
    proc = docforge("convert", SEED, "--to", "html,json", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["seed-china-ai.html", "seed-china-ai.json"]


def test_stdin_to_stdout():
    proc = docforge("convert", "-", "--to", "json", "-o", "-", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    ast = json.loads(proc.stdout)
    assert ast["meta"]["title"]["t"] == "MetaInlines"


def test_python_dash_m_and_console_script_agree(tmp_path):
    exe = Path(sys.executable).parent / "docforge"
    assert exe.exists(), "console script `docforge` not installed"
    a = subprocess.run([str(exe), "convert", str(SEED), "--to", "json", "-o", "-"],
                       capture_output=True, timeout=120).stdout
    b = docforge("convert", SEED, "--to", "json", "-o", "-").stdout
    assert a == b and a


def test_inspect_shows_outline_with_line_numbers_and_json():
    proc = docforge("inspect", SEED)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode()
    assert "title: China’s AI Self-Sufficiency" in text and "heading" in text
    report = json.loads(docforge("inspect", SEED, "--json").stdout)
    assert report["meta"]["title"].startswith("China’s AI")
    assert all(b["lines"][0] >= 1 for b in report["blocks"])


def test_formats_lists_readers_writers_and_themes():
    text = docforge("formats").stdout.decode()
    assert "writers:" in text and "html" in text and "json" in text and "default" in text


def _no_traceback(proc):
    err = proc.stderr.decode()
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_user_errors(tmp_path):
    """Every error a user can cause: one line naming the file and the fix, a distinct code."""
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    unreadable = tmp_path / "secret.txt"
    unreadable.write_text("x")
    unreadable.chmod(0)
    bad_theme = tmp_path / "theme.toml"
    bad_theme.write_text("[fonts]\nsize = 'huge'\n")
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    cases = [
        (["convert", tmp_path / "missing.txt", "--to", "html"], 3, "missing.txt: no such file"),
        (["convert", empty_dir, "--to", "html", "-o", tmp_path / "o.html"], 3, "no input files found"),
        (["convert", empty, "--to", "html"], 3, "empty.txt: is empty"),
        (["convert", binary, "--to", "html"], 3, "a PNG image"),
        (["convert", SEED, "--to", "wordperfect"], 2, "unknown writer format 'wordperfect'"),
        (["convert", SEED], 2, "no output format"),
        (["convert", SEED, "-o", tmp_path / "nodir" / "x.html"], 4, "does not exist"),
        (["convert", SEED, "--style", bad_theme, "--to", "html", "-o", tmp_path / "a.html"], 5,
         "theme.toml: `fonts.size`"),
        (["convert", SEED, "--style", "nosuchtheme", "--to", "html"], 5, "no such built-in theme"),
        (["convert", SEED, "--to", "html", "--meta", "=novalue", "-o", tmp_path / "m.html"], 2,
         "expected KEY=VALUE"),
        (["convert", SEED, "--to", "html", "--encoding", "klingon", "-o", tmp_path / "e.html"], 2,
         "unknown encoding"),
        (["convert", bad_json, "--to", "html", "-o", tmp_path / "j.html"], 6, "bad.json: not JSON"),
        (["convert", SEED, "--to", "html,json", "-o", "-"], 2, "one input and one format"),
        (["convert", SEED, "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["convert", SEED, "--paper", "B5", "--to", "pdf"], 2, "'B5' is not a paper size"),
        (["convert", SEED, "-j", "-1", "--to", "html"], 2, "-1 is below the minimum 0"),
        (["convert"], 2, "the following arguments are required: INPUT"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    ]
    if os.geteuid() != 0:  # root reads anything; the permission case needs a normal user
        cases.append((["convert", unreadable, "--to", "html"], 3, "permission denied"))
    for args, code, fragment in cases:
        proc = docforge(*args)
        line = _no_traceback(proc)
        assert proc.returncode == code, (args, proc.returncode, line)
        assert fragment in line, (args, line)
        assert line.startswith("docforge: ")


def test_the_input_is_never_overwritten(tmp_path):
    source = tmp_path / "article.json"
    original = SEED.read_text()
    subprocess.run([sys.executable, "-m", "docforge", "convert", str(SEED), "-o", str(source)], check=True)
    before = source.read_bytes()
    for target in (source, tmp_path / "link.json"):
        if target.name == "link.json":
            target.symlink_to(source)
        proc = docforge("convert", source, "-o", target)
        assert proc.returncode == 2 and "is the input file" in _no_traceback(proc)
    proc = docforge("convert", source, "--to", "json")  # beside the input: same path
    assert proc.returncode == 2
    assert source.read_bytes() == before and SEED.read_text() == original


def test_unwritable_output_directory(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = docforge("convert", SEED, "-o", locked / "x.html")
        if os.geteuid() == 0:
            assert proc.returncode == 0  # root may write anywhere
        else:
            assert proc.returncode == 4 and "permission denied" in _no_traceback(proc)
    finally:
        locked.chmod(0o700)


def test_debug_shows_the_traceback():
    proc = docforge("convert", "/nonexistent/file.txt", "--to", "html", "--debug")
    assert proc.returncode != 0 and b"Traceback" in proc.stderr


def test_batch_converts_the_good_files_and_reports_the_bad(tmp_path):
    feeds = tmp_path / "feeds"
    (feeds / "sub").mkdir(parents=True)
    for sample in SAMPLES:
        (feeds / sample.name).write_bytes(sample.read_bytes())
    (feeds / "sub" / "nested.txt").write_bytes(SEED.read_bytes())
    (feeds / "broken.txt").write_bytes(b"")
    out = tmp_path / "out"
    proc = docforge("convert", feeds, "-r", "--to", "html", "-o", out, "-j", "2")
    assert proc.returncode == 8, proc.stderr
    err = proc.stderr.decode()
    assert "broken.txt: is empty" in err and f"{len(SAMPLES) + 1} converted, 1 failed" in err
    assert (out / "sub" / "nested.html").is_file()
    assert len(list(out.glob("*.html"))) == len(SAMPLES)


def test_meta_overrides_reach_the_output(tmp_path):
    out = tmp_path / "m.html"
    proc = docforge("convert", SEED, "-o", out, "-M", "title=Other Title", "-M", "lang=de",
                    "-M", "author=A. Person")
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    assert "<title>Other Title</title>" in html and 'lang="de"' in html and "A. Person" in html


def _catches(pid: int, signum: int) -> bool:
    """Whether process `pid` has a handler installed for `signum` (Linux: /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(caught >> (signum - 1) & 1)


def test_sigterm_leaves_no_partial_output(tmp_path):
    """A run terminated mid-way leaves neither a partial target nor a temporary file, and
    reports the interrupt (130) however loaded the machine is: the signal is sent once
    docforge handles it (observed in /proc), never after a guessed sleep."""
    import signal
    import time
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text() * 400)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "docforge", "convert", str(big), "--to",
                             "html", "-o", str(out / "big.html")], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not _catches(proc.pid, signal.SIGTERM) and proc.poll() is None:
            assert time.monotonic() < deadline, "docforge never installed its SIGTERM handler"
            time.sleep(0.005)
        proc.terminate()
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    leftovers = sorted(p.name for p in out.iterdir())
    assert leftovers in ([], ["big.html"]), leftovers  # never a temporary file
    assert proc.returncode in (0, 130), (proc.returncode, stderr[-500:])  # never killed by the signal
    if leftovers:  # finished before the signal: complete
        assert (out / "big.html").read_text().endswith("</html>\n")
    else:
        assert proc.returncode == 130 and b"interrupted; no partial output was left" in stderr


def _batch_on_a_terminal(args, tmp_path) -> str:
    """Run a batch with stderr on a pseudo-terminal; what the terminal showed."""
    import pty
    feeds = tmp_path / "feeds"
    feeds.mkdir(exist_ok=True)
    for sample in SAMPLES:
        (feeds / sample.name).write_bytes(sample.read_bytes())
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "docforge", "convert", str(feeds), "--to", "html",
                             "-o", str(tmp_path / "out"), *args], stdout=subprocess.DEVNULL,
                            stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=120) == 0
    os.close(controller)
    return shown.decode(errors="replace")


def test_progress_bar_on_a_terminal_only_and_never_with_quiet(tmp_path):
    shown = _batch_on_a_terminal([], tmp_path)
    assert "converting" in shown and "100%" in shown
    assert f"{len(SAMPLES)} converted, 0 failed, 0 skipped" in shown
    assert _batch_on_a_terminal(["-q"], tmp_path).strip() == ""
    piped = docforge("convert", *SAMPLES, "--to", "html", "-o", tmp_path / "piped")
    err = piped.stderr.decode()
    assert "converting" not in err and f"{len(SAMPLES)} converted" in err


# ------------------------------------------------------------------ click: usage, help, completion

def test_click_usage_errors_are_one_line_naming_the_help_to_read():
    cases = [
        (["convert", SEED, "--to"], "option '--to' requires an argument", "docforge convert"),
        (["convert", SEED, "--toc=yes", "--to", "html"], "option '--toc' does not take a value", "docforge convert"),
        (["convert", SEED, "--tox", "html"], "unrecognized arguments: --tox (did you mean --to", "docforge convert"),
        (["convert", SEED, "-j", "many"], "'many' is not a whole number", "docforge convert"),
        (["inspect"], "the following arguments are required: INPUT", "docforge inspect"),
        (["formats", "extra"], "unexpected extra argument (extra)", "docforge formats"),
        (["--bogus"], "unrecognized arguments: --bogus", "docforge"),
        ([], "missing command", "docforge"),
    ]
    for args, fragment, command in cases:
        proc = docforge(*args)
        line = _no_traceback(proc)
        assert proc.returncode == 2, (args, proc.returncode, line)
        assert line.startswith("docforge: ") and fragment in line, (args, line)
        assert line.endswith(f"; see `{command} --help`"), (args, line)


def test_version_and_help_come_from_the_package_and_the_format_table():
    from docforge import __version__, formats
    assert docforge("--version").stdout.decode().strip() == f"docforge, version {__version__}"
    shown = " ".join(docforge("convert", "--help").stdout.decode().split())
    own_writers = [n for n in formats.names("writer") if not formats.lookup(n).bridged("writer")]
    own_readers = [n for n in formats.names("reader") if not formats.lookup(n).bridged("reader")]
    bridged_writers = len(formats.names("writer")) - len(own_writers)
    assert (f"Output format(s): {', '.join(own_writers)}; through pandoc {bridged_writers} more "
            "(markdown, gfm, rst, latex, odt, jats, typst, …: `docforge formats`), a comma list, "
            "or all (docforge's own)") in shown
    assert f"Input format: {', '.join(own_readers)}; through pandoc " in shown
    assert "--toc, --table-of-contents / --no-toc" in shown and "Exit codes: 0 success" in shown
    assert "the README's option table lists every one" in shown
    top = docforge("-h").stdout.decode()
    assert all(name in top for name in ("convert", "inspect", "formats"))


def test_formats_prints_one_line_per_table_row_and_the_themes():
    from docforge import formats
    from docforge.style import builtin_styles
    proc = docforge("formats")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    rows = {line.split()[0]: line.split() for line in lines
            if not line.startswith(("readers: ", "writers: ", "themes: ", "pandoc: "))}
    assert set(rows) == {row.name for row in formats.all_formats()}
    ability = {"text": "read", "json": "read/write", "html": "read(pandoc)/write", "pdf": "write",
               "docx": "read(pandoc)/write", "markdown": "read/write", "odt": "read/write",
               "epub2": "write", "xlsx": "read"}
    for row in formats.all_formats():
        cells = rows[row.name]
        assert cells[2:2 + len(row.extensions)] == list(row.extensions), cells
        assert cells[2 + len(row.extensions)] == row.origin
        assert " ".join(cells).endswith(row.description)
        if row.name in ability:
            assert cells[1] == ability[row.name], cells
    assert f"themes:  {', '.join(builtin_styles())}" in lines
    assert any(line.startswith("pandoc:  3.") and "(the pandoc formats work)" in line for line in lines)


def test_a_conversion_imports_only_its_own_command_and_scans_no_plugins(tmp_path):
    probe = ("import sys\nfrom docforge import cli, formats\n"
             "try:\n    cli.main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
             "print(sorted(m for m in sys.modules if m.startswith('docforge.commands.')))\n"
             "print(formats._plugin_rows is None)\n")
    proc = subprocess.run([sys.executable, "-c", probe, "convert", str(SEED), "--to", "html",
                           "-o", str(tmp_path / "x.html")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["['docforge.commands.convert', 'docforge.commands.params']", "True"]


def complete(words: str) -> list[str]:
    """What the shell would be offered for the last word of `words` (bash protocol: type,value)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    proc = docforge(env={"_DOCFORGE_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode().splitlines()


def test_shell_completion_script_and_format_names_from_the_table():
    from docforge import formats
    script = docforge(env={"_DOCFORGE_COMPLETE": "bash_source"})
    assert script.returncode == 0 and b"complete -o nosort -F _docforge_completion docforge" in script.stdout
    assert complete("docforge convert x --to h") == ["plain,haddock", "plain,html", "plain,html4"]
    assert complete("docforge convert x --to html,pd") == ["plain,html,pdf"]
    assert complete("docforge convert x --to html,p") == ["plain,html,pandoc-plain", "plain,html,pdf",
                                                          "plain,html,pptx"]
    assert complete("docforge convert x --to ") == [f"plain,{n}" for n in formats.names("writer")] + ["plain,all"]
    assert complete("docforge convert x -f ") == [f"plain,{n}" for n in formats.names("reader")]
    assert complete("docforge convert x --paper l") == ["plain,Letter", "plain,Legal"]
    assert complete("docforge convert sam") == ["file,sam"]
    assert complete("docforge in") == ["plain,inspect"]


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path):
    """`docforge inspect big.txt --explain | head -1`: no "internal error", exit 141 like a
    filter. (The outline is far larger than a pipe's buffer, so the write must meet the
    closed pipe.)"""
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "\n\n".join(f"Paragraph {i} of a long article, with words."
                                                for i in range(5000)) + "\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "docforge", "inspect", str(big), "--explain"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141 and proc.stderr.read() == b""


def test_inspect_names_list_blocks_as_lists():
    proc = subprocess.run([sys.executable, "-m", "docforge", "inspect", str(SAMPLES[0]), "--json"],
                          capture_output=True, text=True, timeout=60)
    blocks = json.loads(proc.stdout)["blocks"]
    lists = [b for b in blocks if b["kind"] == "list"]
    assert lists and {b["list"] for b in lists} <= {"bullet", "ordered"}
    assert not any(b["kind"].endswith("_list") for b in blocks)


def test_legacy_damaged_and_binary_inputs_from_the_command_line(tmp_path):
    """A Windows-1252 French article converts (exit 0) with one warning naming cp1252; UTF-8
    with a stray byte stays UTF-8; random bytes and damaged UTF-16 are exit 3, one line."""
    import random

    french = tmp_path / "article.txt"
    french.write_bytes("Un article\n\nLe café crème est très apprécié à Paris.\n".encode("cp1252"))
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes("Un article\n\nLe café crème est très apprécié.\n".encode() + b"Fin \xe9.\n")
    noise = tmp_path / "noise.txt"
    rng = random.Random(18)
    noise.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(3000)))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(b"\xff\xfe" + "Titre\n\nTexte".encode("utf-16-le") + b"\x00\xd8")
    for source, fragment in ((french, "decoded as cp1252"), (damaged, "1 invalid byte replaced")):
        proc = docforge("convert", source, "-o", tmp_path / "out.html")
        assert proc.returncode == 0, proc.stderr
        assert fragment in proc.stderr.decode()
        html = (tmp_path / "out.html").read_text()
        assert "café crème est très apprécié" in html and "Ã" not in html
    for source, fragment in ((noise, "noise.txt: looks binary"), (utf16, "utf16.txt: is UTF-16 but ends with a lone surrogate")):
        proc = docforge("convert", source, "-o", tmp_path / "x.html")
        assert proc.returncode == 3 and fragment in _no_traceback(proc)


def test_output_through_a_symlink_and_a_read_only_output(tmp_path):
    """-o a link: the link's target gets the output, the link stays. -o a 0444 file: exit 4,
    one line, the file untouched. -o a chain of links ending at the input: refused."""
    published = tmp_path / "published.html"
    published.write_text("old")
    link = tmp_path / "latest.html"
    link.symlink_to(published.name)
    proc = docforge("convert", SEED, "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and "A Comparative Look" in published.read_text()
    locked = tmp_path / "locked.html"
    locked.write_text("approved")
    locked.chmod(0o444)
    proc = docforge("convert", SEED, "-o", locked)
    assert proc.returncode == 4 and "locked.html: is read-only" in _no_traceback(proc)
    assert locked.read_text() == "approved" and locked.stat().st_mode & 0o777 == 0o444
    source = tmp_path / "feed.txt"
    source.write_bytes(SEED.read_bytes())
    (tmp_path / "one.txt").symlink_to(source)
    (tmp_path / "two.txt").symlink_to("one.txt")
    proc = docforge("convert", source, "--to", "json", "-o", tmp_path / "two.txt")
    assert proc.returncode == 2 and "is the input file" in _no_traceback(proc)
    assert source.read_bytes() == SEED.read_bytes()
