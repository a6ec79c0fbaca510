#!/usr/bin/env python3
"""docforge against pandoc, side by side in one run: medians, ratios and peak memory.

Builds its inputs under benchmarks/work/ (the seed article, a 1 MB and a 10 MB feed made
from the samples and the seed, and a batch of 500 article-sized feeds), then runs each
case for docforge and pandoc (pypandoc_binary, `-f markdown`) alternately, several times,
as whole processes. Reports the median wall time, pandoc time / docforge time, and the
peak resident memory of each process (from wait4's rusage), as a table and as JSON
(benchmarks/work/results.json). PDF is reported in pages per second, and the cost of
tagging it (PDF/UA structure) as tagged over untagged time, CPU, memory and size.

Never used as a test: the machines are shared and noisy; the ratios are what matter.
`docforge serve` is loaded over loopback (benchmarks/serve_load.py): p50/p99 latency of
200 requests, 50 at once, and the CLI's start-up time over the service's median.
The pandoc bridge: the 1 MB feed as Markdown, `--from markdown` to HTML against
`pandoc -f markdown -t html -s`, and pandoc's own parse of it (`-t json`) as a share of
docforge's time (the bridge runs that parse first).
Growth (benchmarks/growth.py): every format on a 1x and a 10x input of six shapes (long
paragraph, unspaced line, bibliography, many links, many headings, many table rows), the
time ratio and the memory slope; `--growth` runs that case alone.
Usage: python benchmarks/run.py [--quick | --smoke | --growth] [--reps N] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"
DOCFORGE = [sys.executable, "-m", "docforge"]
BATCH = 500
BATCH_SMOKE = 6


def pandoc_path() -> str:
    from pypandoc import get_pandoc_path
    return get_pandoc_path()


def build_inputs(quick: bool, smoke: bool = False) -> dict[str, Path]:
    """The seed, the big feeds and the batch; --smoke makes them tiny (the script's own test)."""
    WORK.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "samples").glob("*.txt")) + [ROOT / "tests" / "data" / "seed-china-ai.txt"]
    texts = [p.read_text(encoding="utf-8").strip() for p in sources]
    body = []
    for text in texts:  # drop each article's title and keyword line so one long feed stays one document
        lines = text.splitlines()
        body.extend(lines[1:-1])
    chunk = "\n".join(body) + "\n"
    inputs = {"seed": ROOT / "tests" / "data" / "seed-china-ai.txt"}
    sizes = ({"1mb": 20_000} if smoke else {"1mb": 1_000_000} if quick
             else {"1mb": 1_000_000, "10mb": 10_000_000})
    for name, size in sizes.items():
        path = WORK / f"feed-{name}.txt"
        if not path.exists() or path.stat().st_size < size or (smoke and path.stat().st_size > 2 * size):
            reps = size // len(chunk.encode()) + 1
            path.write_text("A Long Benchmark Feed\n" + chunk * reps, encoding="utf-8")
        inputs[name] = path
    batch = WORK / "batch"
    if not batch.exists():
        batch.mkdir()
        for i in range(BATCH_SMOKE if smoke else BATCH):
            (batch / f"article-{i:03d}.txt").write_text(texts[i % len(texts)] + "\n", encoding="utf-8")
    inputs["batch"] = batch
    return inputs


def run(cmd: list[str], stdout=subprocess.DEVNULL, env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process (`env`: variables added to ours)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE,
                            env={**os.environ, **env} if env else None)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-500:]}")
    return elapsed, usage.ru_maxrss


def measure(cases: dict[str, list[str]], reps: int) -> dict[str, dict]:
    """Alternate the commands of one case rep by rep so that machine noise hits both."""
    times: dict[str, list[float]] = {k: [] for k in cases}
    memory: dict[str, int] = {k: 0 for k in cases}
    for _ in range(reps):
        for name, cmd in cases.items():
            seconds, rss = run(cmd)
            times[name].append(seconds)
            memory[name] = max(memory[name], rss)
    return {k: {"median_s": statistics.median(v), "runs": v, "peak_rss_kib": memory[k]}
            for k, v in times.items()}


def typst_available() -> bool:
    import importlib.util
    return importlib.util.find_spec("typst") is not None


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(str(path)).pages)


def measure_service(seed: Path, count: int, concurrency: int, cli_seconds: float) -> dict:
    """`docforge serve` on a loopback port under `count` requests, `concurrency` at once
    (seed -> html as JSON): answers by status and the latency of the successful ones; and,
    one request at a time, the CLI's time for the same conversion over the service's median."""
    import httpx

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from serve_load import Service, hammer, percentile

    service = Service(log=WORK / "serve.log")
    try:
        body = {"text": seed.read_text(encoding="utf-8")}
        one_at_a_time = [seconds for _, seconds, _ in hammer(service.url + "/api/convert?to=html", 20, 1, body)]
        answers = hammer(service.url + "/api/convert?to=html", count, concurrency, body)
        workers = httpx.get(service.url + "/healthz", timeout=10).json()["workers"]
    finally:
        service.stop()
    ok = [seconds for status, seconds, _ in answers if status == 200]
    p50 = percentile(ok, 0.5) if ok else float("nan")
    return {"requests": count, "concurrency": concurrency, "workers": workers, "ok": len(ok),
            "busy_503": sum(status == 503 for status, _, _ in answers),
            "other": sorted({status for status, _, _ in answers} - {200, 503}),
            "p50_s": p50, "p99_s": percentile(ok, 0.99) if ok else float("nan"),
            "idle_p50_s": percentile(one_at_a_time, 0.5),
            "cli_over_idle_p50": cli_seconds / percentile(one_at_a_time, 0.5)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 MB only, fewer repetitions")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--smoke", action="store_true", help="tiny inputs, one repetition: checks the script runs")
    parser.add_argument("--work", type=Path, default=None, help="where inputs and outputs go (default benchmarks/work)")
    parser.add_argument("--growth", action="store_true", help="only the growth case (1x and 10x inputs)")
    args = parser.parse_args()
    global WORK
    WORK = args.work or WORK
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import growth

    # 100 KB and 1 MB (PDF 30 KB and 300 KB: a 1 MB table is minutes of PDF); --smoke: one shape, tiny
    growth_args = ((2_000, 1_000, 1, ("many headings",)) if args.smoke else (100_000, 30_000))
    if args.growth:
        result = growth.measure_growth(WORK / "growth", *growth_args)
        print(growth.table(result))
        (WORK / "growth.json").write_text(json.dumps(result, indent=2))
        return 0
    reps = args.reps or (1 if args.smoke else 3 if args.quick else 5)
    pandoc = pandoc_path()
    inputs = build_inputs(args.quick or args.smoke, args.smoke)
    out = WORK / "out"
    out.mkdir(exist_ok=True)
    results: dict = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                 "cpus": os.cpu_count(),
                                 "pandoc": subprocess.run([pandoc, "--version"], capture_output=True,
                                                          text=True).stdout.splitlines()[0]},
                     "cases": []}
    rows = []

    def compare(label: str, src: Path, fmt: str, ext: str, case_reps: int) -> None:
        df_out, pd_out = out / f"df-{src.stem}.{ext}", out / f"pd-{src.stem}.{ext}"
        pandoc_fmt = {"epub": "epub3"}.get(fmt, fmt)
        res = measure({
            "docforge": DOCFORGE + ["convert", str(src), "--to", fmt, "-o", str(df_out), "-q"],
            "pandoc": [pandoc, "-f", "markdown", "-t", pandoc_fmt, "-s", str(src), "-o", str(pd_out)],
        }, case_reps)
        ratio = res["pandoc"]["median_s"] / res["docforge"]["median_s"]
        entry = {"case": label, "format": fmt, "input": src.name, "ratio": ratio, **res}
        results["cases"].append(entry)
        rows.append((label, fmt, res["docforge"]["median_s"], res["pandoc"]["median_s"], ratio,
                     res["docforge"]["peak_rss_kib"] / 1024, res["pandoc"]["peak_rss_kib"] / 1024))

    compare("start-up (seed)", inputs["seed"], "html", "html", reps * 2)
    for size in [k for k in ("1mb", "10mb") if k in inputs]:
        case_reps = reps if size == "1mb" else max(1, reps // 3)
        for fmt, ext in (("html", "html"), ("docx", "docx"), ("epub", "epub")):
            compare(f"feed {size}", inputs[size], fmt, ext, case_reps)

    # The pandoc bridge: the 1 MB feed written as Markdown (by docforge, through pandoc's
    # writer), read back with --from markdown (pandoc parses it, docforge writes HTML), against
    # pandoc alone; pandoc's own parse (-t json) is timed in the same rounds, to say how much
    # of docforge's time it is
    markdown = WORK / "feed-1mb.md"
    if not markdown.exists() or markdown.stat().st_mtime < inputs["1mb"].stat().st_mtime:
        run(DOCFORGE + ["convert", str(inputs["1mb"]), "--to", "markdown", "-s", "-o", str(markdown), "-q"])
    bridge = measure({
        "docforge": DOCFORGE + ["convert", str(markdown), "--from", "markdown", "--to", "html",
                                "-o", str(out / "df-feed-1mb-md.html"), "-q"],
        "pandoc": [pandoc, "-f", "markdown", "-t", "html", "-s", str(markdown), "-o", str(out / "pd-feed-1mb-md.html")],
        "pandoc_parse": [pandoc, "-f", "markdown", "-t", "json", str(markdown), "-o", str(out / "pd-feed-1mb-md.json")],
    }, reps)
    ratio = bridge["pandoc"]["median_s"] / bridge["docforge"]["median_s"]
    parse_share = bridge["pandoc_parse"]["median_s"] / bridge["docforge"]["median_s"]
    results["cases"].append({"case": "markdown 1mb", "format": "html", "input": markdown.name, "ratio": ratio,
                             "pandoc_parse_share": parse_share, **bridge})
    rows.append(("markdown 1mb", "html", bridge["docforge"]["median_s"], bridge["pandoc"]["median_s"], ratio,
                 bridge["docforge"]["peak_rss_kib"] / 1024, bridge["pandoc"]["peak_rss_kib"] / 1024))

    # PDF: pages per second, against pandoc's typst route (pandoc -t typst, then typst
    # compile through the `typst` Python package) when that is installed
    # The cost of tagging (PDF/UA structure): the same conversion with tagging switched off
    # (DOCFORGE_PDF_UNTAGGED=1, which exists for this measurement only), alternated with the
    # tagged one; CPU time too, since wall time on a shared machine is mostly the neighbours'
    pdf, untagged_pdf = out / "df-feed-1mb.pdf", out / "df-feed-1mb-untagged.pdf"
    runs: dict[str, list] = {"tagged": [], "untagged": []}
    for _ in range(max(1, min(reps, 3))):
        for label, target, env in (("tagged", pdf, None), ("untagged", untagged_pdf, {"DOCFORGE_PDF_UNTAGGED": "1"})):
            before = os.times()
            wall, peak = run(DOCFORGE + ["convert", str(inputs["1mb"]), "--to", "pdf", "-o", str(target), "-q"],
                             env=env)
            after = os.times()
            cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
            runs[label].append((wall, cpu, peak))
    seconds = statistics.median(r[0] for r in runs["tagged"])
    rss = max(r[2] for r in runs["tagged"])
    pages = pdf_pages(pdf)
    untagged_seconds = statistics.median(r[0] for r in runs["untagged"])
    results["pdf"] = {"input": "feed-1mb", "seconds": seconds, "pages": pages,
                      "pages_per_second": pages / seconds, "peak_rss_kib": rss,
                      "untagged": {"seconds": untagged_seconds, "pages": pdf_pages(untagged_pdf),
                                   "peak_rss_kib": max(r[2] for r in runs["untagged"]),
                                   "bytes": untagged_pdf.stat().st_size},
                      "bytes": pdf.stat().st_size,
                      "tagging_cost_ratio": seconds / untagged_seconds,
                      "tagging_cpu_ratio": statistics.median(r[1] for r in runs["tagged"])
                      / max(1e-9, statistics.median(r[1] for r in runs["untagged"]))}
    if typst_available():
        typ, typst_pdf = out / "pd-feed-1mb.typ", out / "pd-feed-1mb.pdf"
        to_typst, rss_a = run([pandoc, "-f", "markdown", "-t", "typst", "-s", str(inputs["1mb"]), "-o", str(typ)])
        compile_s, rss_b = run([sys.executable, "-c", "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])",
                                str(typ), str(typst_pdf)])
        typst_pages = pdf_pages(typst_pdf)
        results["pdf"]["pandoc_typst"] = {"seconds": to_typst + compile_s, "pages": typst_pages,
                                          "pages_per_second": typst_pages / (to_typst + compile_s),
                                          "peak_rss_kib": max(rss_a, rss_b)}

    # Batch: 500 articles to html+docx+epub vs a shell loop calling pandoc per file and format
    batch_out = out / "batch-df"
    shutil.rmtree(batch_out, ignore_errors=True)
    df_batch, _ = run(DOCFORGE + ["convert", str(inputs["batch"]), "--to", "html,docx,epub",
                                  "-o", str(batch_out), "-q"])
    loop_out = out / "batch-pd"
    loop_out.mkdir(exist_ok=True)
    files = sorted(inputs["batch"].glob("*.txt"))
    n_loop = len(files) if args.smoke else 50 if args.quick else len(files)
    files = files[:n_loop]
    start = time.perf_counter()
    for f in files:
        for fmt, ext in (("html", "html"), ("docx", "docx"), ("epub3", "epub")):
            subprocess.run([pandoc, "-f", "markdown", "-t", fmt, "-s", str(f), "-o",
                            str(loop_out / f"{f.stem}.{ext}")], check=True, capture_output=True)
    total = len(list(inputs["batch"].glob("*.txt")))
    pd_batch = (time.perf_counter() - start) * (total / n_loop)
    results["batch"] = {"files": total, "docforge_s": df_batch, "pandoc_loop_s": pd_batch,
                        "pandoc_loop_extrapolated_from": n_loop, "ratio": pd_batch / df_batch}

    results["serve"] = measure_service(inputs["seed"], 20 if args.smoke else 200, 5 if args.smoke else 50,
                                       results["cases"][0]["docforge"]["median_s"])
    # The same batch on Dask (`--cluster local:2`) next to `-j 2`; a one-file batch on each
    # gives the fixed cost (starting the LocalCluster), the rest is the per-task overhead
    one = WORK / "batch-one"
    one.mkdir(exist_ok=True)
    shutil.copy(files[0], one / files[0].name)
    timings = {}
    for label, extra in (("j2", ["-j", "2"]), ("cluster", ["--cluster", "local:2"])):
        for name, src in (("all", inputs["batch"]), ("one", one)):
            target = out / f"batch-{label}-{name}"
            shutil.rmtree(target, ignore_errors=True)
            timings[label, name], _ = run(DOCFORGE + ["convert", str(src), "--to", "html,docx,epub",
                                                      "-o", str(target), "-q", *extra])
    fixed = timings["cluster", "one"] - timings["j2", "one"]
    per_task_ms = ((timings["cluster", "all"] - timings["j2", "all"]) - fixed) / max(1, total - 1) * 1000
    results["cluster"] = {"files": total, "j2_s": timings["j2", "all"], "cluster_local2_s": timings["cluster", "all"],
                          "ratio": timings["j2", "all"] / timings["cluster", "all"], "startup_s": fixed,
                          "per_task_overhead_ms": per_task_ms,
                          "per_file_ms_j2": timings["j2", "all"] / total * 1000}

    print(f"{'case':<18}{'format':<8}{'docforge s':>12}{'pandoc s':>10}{'ratio':>8}"
          f"{'df MiB':>9}{'pd MiB':>9}")
    for r in rows:
        print(f"{r[0]:<18}{r[1]:<8}{r[2]:>12.3f}{r[3]:>10.3f}{r[4]:>7.2f}x{r[5]:>9.0f}{r[6]:>9.0f}")
    md = next(c for c in results["cases"] if c["case"] == "markdown 1mb")
    print(f"markdown 1mb -> html through the bridge: pandoc's own parse (-t json) is "
          f"{md['pandoc_parse']['median_s']:.3f}s = {md['pandoc_parse_share'] * 100:.0f} % of docforge's "
          f"{md['docforge']['median_s']:.3f}s")
    p = results["pdf"]
    print(f"pdf feed-1mb: {p['pages']} pages in {p['seconds']:.2f}s = {p['pages_per_second']:.1f} pages/s")
    u = p["untagged"]
    print(f"pdf tagging cost: tagged/untagged wall {p['tagging_cost_ratio']:.2f}x, CPU {p['tagging_cpu_ratio']:.2f}x, "
          f"memory {p['peak_rss_kib'] / u['peak_rss_kib']:.2f}x, size {p['bytes'] / u['bytes']:.2f}x")
    if "pandoc_typst" in p:
        t = p["pandoc_typst"]
        print(f"pdf feed-1mb, pandoc -t typst + typst: {t['pages']} pages in {t['seconds']:.2f}s = "
              f"{t['pages_per_second']:.1f} pages/s")
    b = results["batch"]
    print(f"batch {b['files']} x html+docx+epub: docforge {b['docforge_s']:.1f}s, pandoc loop "
          f"{b['pandoc_loop_s']:.1f}s (from {n_loop} files) = {b['ratio']:.1f}x")
    v = results["serve"]
    print(f"serve: {v['requests']} x seed -> html, {v['concurrency']} at once, {v['workers']} workers: "
          f"{v['ok']} ok, {v['busy_503']} busy (503); p50 {v['p50_s'] * 1000:.0f} ms, p99 "
          f"{v['p99_s'] * 1000:.0f} ms; one at a time p50 {v['idle_p50_s'] * 1000:.0f} ms, "
          f"a CLI process takes {v['cli_over_idle_p50']:.1f}x that")
    c = results["cluster"]
    print(f"batch {c['files']} on --cluster local:2: {c['cluster_local2_s']:.1f}s against -j 2 {c['j2_s']:.1f}s "
          f"= {c['ratio']:.2f}x; cluster start-up {c['startup_s']:.1f}s, scheduling overhead "
          f"{c['per_task_overhead_ms']:.1f} ms per task")
    if "10mb" in inputs:
        by = {(c["case"], c["format"]): c for c in results["cases"]}
        time_growth = {f: by[("feed 10mb", f)]["docforge"]["median_s"] / by[("feed 1mb", f)]["docforge"]["median_s"]
                       for f in ("html", "docx", "epub")}
        results["growth_10x"] = time_growth
        print("time growth 1 MB -> 10 MB: " + ", ".join(f"{f} {g:.1f}x" for f, g in time_growth.items()))
    results["growth"] = growth.measure_growth(WORK / "growth", *growth_args)
    print(growth.table(results["growth"]))
    (WORK / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({"ratios": {f"{c['case']} {c['format']}": round(c["ratio"], 2)
                                 for c in results["cases"]},
                      "markdown_pandoc_parse_share": round(md["pandoc_parse_share"], 2),
                      "pdf_pages_per_second": round(p["pages_per_second"], 1),
                      "pdf_tagging_cost_ratio": round(p["tagging_cost_ratio"], 2),
                      "pdf_tagging_cpu_ratio": round(p["tagging_cpu_ratio"], 2),
                      "batch_ratio": round(b["ratio"], 2),
                      "cluster_per_task_overhead_ms": round(c["per_task_overhead_ms"], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
