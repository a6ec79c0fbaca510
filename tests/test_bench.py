"""The benchmark script itself runs (on tiny inputs): `make bench` must not rot unnoticed.
No timing is asserted here; the machines are shared and noisy."""
import json
import subprocess
import sys

from conftest import ROOT


def test_benchmark_script_runs_every_case_and_writes_json(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--work",
                           str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    cases = {(c["case"], c["format"]) for c in results["cases"]}
    assert cases == {("start-up (seed)", "html"), ("feed 1mb", "html"), ("feed 1mb", "docx"),
                     ("feed 1mb", "epub"), ("markdown 1mb", "html")}
    bridge = next(c for c in results["cases"] if c["case"] == "markdown 1mb")
    assert bridge["pandoc_parse"]["median_s"] > 0 and 0 < bridge["pandoc_parse_share"]
    assert (tmp_path / "out" / "df-feed-1mb-md.html").stat().st_size > 0
    for case in results["cases"]:
        for tool in ("docforge", "pandoc"):
            assert case[tool]["median_s"] > 0 and case[tool]["peak_rss_kib"] > 0
        assert case["ratio"] > 0
    assert results["pdf"]["pages"] > 0 and results["pdf"]["pages_per_second"] > 0
    assert results["pdf"]["untagged"]["pages"] == results["pdf"]["pages"]  # the same layout
    assert results["pdf"]["untagged"]["bytes"] < results["pdf"]["bytes"]   # without the structure
    assert results["pdf"]["tagging_cost_ratio"] > 0 and results["pdf"]["tagging_cpu_ratio"] > 0
    assert '"pdf_tagging_cost_ratio"' in proc.stdout
    assert results["batch"]["files"] == 6 and results["batch"]["ratio"] > 0
    assert (tmp_path / "out" / "batch-df" / "article-000.docx").is_file()
    assert results["cluster"]["files"] == 6 and results["cluster"]["cluster_local2_s"] > 0
    assert (tmp_path / "out" / "batch-cluster-all" / "article-005.epub").is_file()
    assert "ratio" in proc.stdout and '"batch_ratio"' in proc.stdout
    assert "pandoc's own parse (-t json) is" in proc.stdout
    growth = results["growth"]["rows"]
    assert {(r["shape"], r["format"]) for r in growth} == {  # --smoke: one shape, every format
        ("many headings", fmt) for fmt in ("html", "docx", "pdf", "pdf handout", "epub", "json", "json reader")}
    assert all(r["time_ratio"] > 0 and r["peak_rss_kib"][1] > 0 for r in growth)
