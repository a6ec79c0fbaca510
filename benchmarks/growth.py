"""Growth ratios: every format on a 1x and a 10x input of each hostile shape, as whole processes.

A conversion is linear when 10x the input takes at most 15x the time (linear within 1.5x;
start-up is subtracted as the time of a tiny conversion, measured next to each pair, or
small inputs would look sublinear). Times are CPU seconds of the process (user + system),
which other load on a shared machine disturbs far less than wall time. Memory must stay within 10x the input plus a constant: the table reports the
slope, (peak RSS at 10x - peak RSS at 1x) / (10x input - 1x input), so that what a shape
imports once (a URL parser, a font) counts as constant, not as per-byte memory.
The shapes are the ones that were quadratic once: one long paragraph, one long unspaced
line, a long bibliography, many links, many headings, many table rows. The JSON reader is
measured too, on the JSON the writer produced for the 1x and 10x inputs.

Used by run.py (`make bench`, `--growth` for this case alone); never a test.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

DOCFORGE = [sys.executable, "-m", "docforge"]
FORMATS = ("html", "docx", "pdf", "pdf handout", "epub", "json")
# "pdf handout": the PDF in the handout theme, justified and hyphenated, whose lines the
# whole-paragraph breaker (writers/pdf/linebreak.py) chooses
FORMAT_ARGS = {"pdf handout": ["--to", "pdf", "--style", "handout"]}
PAGED = ("pdf", "pdf handout")  # measured at the smaller PDF sizes
TIME_LIMIT = 15.0   # 10x input -> at most 15x time
MEMORY_LIMIT = 10.0  # peak RSS above start-up at most 10x the input
SENTENCE = "The quick survey of urban heat found that shaded streets stay cooler at night. "


def long_paragraph(size: int) -> str:
    return "One Long Paragraph\n" + (SENTENCE * (size // len(SENTENCE) + 1))[:size].strip() + "\n"


def unspaced_line(size: int) -> str:
    return "One Unspaced Line\n" + ("abcdefghij" * (size // 10 + 1))[:size] + "\n"


def bibliography(size: int) -> str:
    entry = "Author, A. and Writer, B. A study of shaded streets at night. Journal of Heat 12, 2020. https://example.org/paper/{0}"
    n = size // (len(entry) + 8)
    lines = ["A Long Bibliography", "A claim with citations [1] and [%d]." % n, "References"]
    lines += [f"{i}. " + entry.format(i) for i in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def many_links(size: int) -> str:
    line = "See https://example.org/page/{0} and https://example.com/other/{0}?q=1 for the data."
    n = size // (len(line) + 4)
    return "Many Links\n" + "\n\n".join(line.format(i) for i in range(n)) + "\n"


def many_headings(size: int) -> str:
    block = "Section Number {0}\nA short paragraph under the heading, long enough to read as prose text."
    n = size // (len(block) + 6)
    return "Many Headings\n" + "\n\n".join(block.format(i) for i in range(n)) + "\n"


def table_rows(size: int) -> str:
    row = "item {0} | {0} | a short note about the row"
    n = size // (len(row) + 4)
    lines = ["Many Table Rows", "A sentence introduces the table.", "Name | Value | Note", ":--- | ---: | ---"]
    lines += [row.format(i) for i in range(n)]
    return "\n".join(lines) + "\nAfter the table, a paragraph.\n"


SHAPES = {"long paragraph": long_paragraph, "unspaced line": unspaced_line, "bibliography": bibliography,
          "many links": many_links, "many headings": many_headings, "table rows": table_rows}


def run(cmd: list[str]) -> tuple[float, int]:
    """CPU seconds (user + system) and peak RSS (KiB) of one process (wait4's rusage). CPU
    time, not wall time: on a shared machine the wall time of a run says more about the
    other processes than about the run."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = usage.ru_utime + usage.ru_stime
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-500:]}")
    return elapsed, usage.ru_maxrss


def convert(src: Path, fmt: str, out: Path, source_format: str | None = None) -> tuple[float, int]:
    extra = ["--from", source_format] if source_format else []
    to = FORMAT_ARGS.get(fmt, ["--to", fmt])
    return run(DOCFORGE + ["convert", str(src), *extra, *to, "-o", str(out), "-q"])


def output_name(work: Path, stem: str, fmt: str) -> Path:
    return work / f"{stem}.{fmt.split()[0]}" if " " not in fmt else work / f"{stem}-{fmt.replace(' ', '-')}.pdf"


def measure_growth(work: Path, small: int, pdf_small: int, reps: int = 1, shapes=tuple(SHAPES),
                   formats=FORMATS) -> dict:
    """Every shape x format at `small` and 10 * `small` bytes (PDF at `pdf_small`): the best
    of `reps` runs each (the least disturbed by other processes), time ratio and memory."""
    work.mkdir(parents=True, exist_ok=True)
    base = work / "growth-tiny.txt"
    base.write_text(long_paragraph(200), encoding="utf-8")

    def startup(fmt: str) -> tuple[float, int]:
        """A tiny conversion's time and memory, measured next to the pair it is subtracted
        from (a start-up measured minutes earlier, under other load, made ratios like 553x)."""
        return min(convert(base, fmt, output_name(work, "growth-tiny", fmt)) for _ in range(reps + 1))

    rows = []
    for shape in shapes:
        make = SHAPES[shape]
        for fmt in tuple(formats) + ("json reader",):
            size1 = pdf_small if fmt in PAGED else small
            start = startup("json" if fmt == "json reader" else fmt)
            point = []
            for size in (size1, size1 * 10):
                src = work / f"growth-{shape.replace(' ', '-')}-{size}.txt"
                if not src.exists():
                    src.write_text(make(size), encoding="utf-8")
                if fmt == "json reader":  # the JSON the writer made, read back and written again
                    json_src = src.with_suffix(".json")
                    convert(src, "json", json_src)
                    runs = [convert(json_src, "json", work / "growth-out.json", "json") for _ in range(reps)]
                    point.append((json_src.stat().st_size, min(runs)[0], max(r for _, r in runs),
                                  start))
                else:
                    runs = [convert(src, fmt, output_name(work, "growth-out", fmt)) for _ in range(reps)]
                    point.append((src.stat().st_size, min(runs)[0], max(r for _, r in runs), start))
            (b1, t1, m1, (t0, m0)), (b10, t10, m10, _) = point
            ratio = max(t10 - t0, 1e-3) / max(t1 - t0, 1e-3)
            memory = max(0, m10 - m1) * 1024 / (b10 - b1)
            rows.append({"shape": shape, "format": fmt, "bytes": [b1, b10], "seconds": [t1, t10],
                         "startup_s": t0, "time_ratio": ratio, "peak_rss_kib": [m1, m10],
                         "startup_rss_kib": m0, "memory_per_input_byte": memory,
                         # a 1x run within 50 ms of start-up gives no ratio worth reading
                         "resolved": t1 - t0 >= 0.05,
                         "linear": ratio <= TIME_LIMIT, "memory_bounded": memory <= MEMORY_LIMIT})
    return {"small": small, "pdf_small": pdf_small, "rows": rows}


def table(growth: dict) -> str:
    lines = [f"growth (1x = {growth['small'] // 1000} KB, pdf {growth['pdf_small'] // 1000} KB; "
             f"10x input: time ratio after start-up, target <= {TIME_LIMIT:.0f}x; memory "
             f"slope (peak 10x - peak 1x) / (input 10x - input 1x), target <= {MEMORY_LIMIT:.0f}x)",
             f"{'shape':<16}{'format':<12}{'1x cpu':>8}{'10x cpu':>8}{'ratio':>8}{'10x MiB':>9}{'mem/in':>8}  verdict"]
    for r in growth["rows"]:
        verdict = ("SUPERLINEAR" if r["resolved"] and not r["linear"] else
                   "MEMORY" if not r["memory_bounded"] else "ok" if r["resolved"] else "ok (1x ~ start-up)")
        lines.append(f"{r['shape']:<16}{r['format']:<12}{r['seconds'][0]:>8.2f}{r['seconds'][1]:>8.2f}"
                     f"{r['time_ratio']:>7.1f}x{r['peak_rss_kib'][1] / 1024:>9.0f}"
                     f"{r['memory_per_input_byte']:>7.1f}x  {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--pdf-small", type=int, default=30_000)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "work" / "growth")
    args = parser.parse_args()
    result = measure_growth(args.work, args.small, args.pdf_small, args.reps)
    print(table(result))
    (args.work / "growth.json").write_text(json.dumps(result, indent=2))
