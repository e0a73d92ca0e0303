"""End-to-end build benchmark (issue 7): time and peak memory of ``igfkg build`` on synthetic abstracts.

Measures, each as a real ``igfkg build`` subprocess on a fresh project directory:
  * a first build of a small corpus with ``--n-process 1`` and ``2`` (NLP on one vs both cores),
  * the first build of N documents (wall time, documents/s, peak RSS of the whole process tree; compared
    with the small corpus: memory flat in corpus size = streaming works),
  * a no-change rebuild (the ratio first/rebuild; target ≥ 20×),
and reads each run's step timings and per-step peak RSS from ``data/cache/manifest.json``.

    python bench/build_bench.py --docs 10000 --n-process 2 --compare-docs 1000 --out bench/results/build.json

Prints a Markdown section for BENCHMARKS.md (``## Build``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


def run_build(project: Path, *extra: str) -> dict:
    """One ``igfkg build`` subprocess; samples the RSS of its process tree every 0.1 s."""
    cmd = [sys.executable, "-m", "kg", "-q", "--data-dir", str(project / "data"), "build",
           "--store", str(project / "store"), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak_tree = peak_main = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs]
            peak_tree, peak_main = max(peak_tree, sum(rss)), max(peak_main, rss[0])
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {err[-2000:]}")
    manifest = json.loads((project / "data" / "cache" / "manifest.json").read_text())
    steps = {s["name"]: {"seconds": s["seconds"], "peak_rss_mb": s.get("peak_rss_mb"), **s["counters"]}
             for s in manifest["steps"]}
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_tree / 2**20), "peak_main_rss_mb":
            round(peak_main / 2**20), "steps": steps}


def project_with(docs: int, root: Path, name: str) -> Path:
    project = root / name
    synth.generate(project / "data" / "raw", docs)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size of the main runs")
    parser.add_argument("--n-process", type=int, default=2, help="NLP processes of the main runs")
    parser.add_argument("--compare-docs", type=int, default=1_000,
                        help="corpus size of the n_process 1 vs 2 runs (also the memory-flatness reference)")
    parser.add_argument("--reuse-compare", type=Path, default=None,
                        help="take the n_process 1 vs 2 results from an earlier --out JSON instead of rerunning")
    parser.add_argument("--out", type=Path, default=None, help="write the raw results as JSON here")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = Path(args.workdir or tempfile.mkdtemp(prefix="igfkg-build-bench-"))
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform(), "load_avg_at_start": os.getloadavg()[0],
                                 "memory_gb": round(psutil.virtual_memory().total / 2**30)},
                     "docs": args.docs, "n_process": args.n_process, "compare_docs": args.compare_docs}
    import pyoxigraph
    import spacy

    from kg import __version__
    results["versions"] = {"igfkg": __version__, "spacy": spacy.__version__, "pyoxigraph": pyoxigraph.__version__}

    def save() -> None:
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2) + "\n")

    if args.reuse_compare:  # the n_process runs of an earlier invocation (they take long on a busy machine)
        earlier = json.loads(args.reuse_compare.read_text())
        results.update({k: earlier[k] for k in ("n_process_1", "n_process_2")})
        args.compare_docs = earlier["compare_docs"]
        results["compare_docs"] = args.compare_docs
    small = project_with(args.compare_docs, root, f"n{args.compare_docs}") if not args.reuse_compare else None
    for n in (1, 2) if small else ():
        shutil.rmtree(small / "store", ignore_errors=True)
        shutil.rmtree(small / "data" / "cache", ignore_errors=True)
        shutil.rmtree(small / "data" / "rdf", ignore_errors=True)
        results[f"n_process_{n}"] = run_build(small, "--n-process", str(n))
        print(json.dumps({f"n_process_{n}": results[f"n_process_{n}"]}), file=sys.stderr)
        save()
    big = project_with(args.docs, root, f"n{args.docs}")
    results["first"] = run_build(big, "--n-process", str(args.n_process))
    save()
    results["rebuild"] = run_build(big, "--n-process", str(args.n_process))
    results["rebuild_ratio"] = round(results["first"]["seconds"] / results["rebuild"]["seconds"], 1)
    results["machine"]["load_avg_at_end"] = os.getloadavg()[0]
    save()
    print(markdown(results, args))
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


def markdown(r: dict, args: argparse.Namespace) -> str:
    first, rebuild = r["first"], r["rebuild"]
    lines = [
        "## Build",
        "",
        f"Command: `python bench/build_bench.py --docs {args.docs} --n-process {args.n_process} "
        f"--compare-docs {args.compare_docs}` (synthetic abstracts from `bench/synth.py`, ~175 words each, "
        f"PubMed XML; every run is a real `igfkg build` subprocess on a fresh project directory; peak RSS = "
        f"sum over the process tree incl. NLP workers, sampled every 0.1 s).",
        f"Machine: {r['machine']['cpus']} CPUs, {r['machine']['memory_gb']} GB, Python {r['machine']['python']}; "
        f"spaCy {r['versions']['spacy']}, pyoxigraph {r['versions']['pyoxigraph']}; load average "
        f"{r['machine']['load_avg_at_start']:.1f} at start, {r['machine'].get('load_avg_at_end', 0):.1f} at end "
        f"(other jobs shared the 2 cores).",
        "",
        "| run | documents | wall time | docs/s | peak RSS (tree) | peak RSS (main) |",
        "|---|---|---|---|---|---|",
    ]
    for n in (1, 2):
        run = r[f"n_process_{n}"]
        lines.append(f"| first build, `--n-process {n}` | {args.compare_docs} | {run['seconds']:.1f} s | "
                     f"{args.compare_docs / run['seconds']:.2f} | {run['peak_rss_mb']} MB | {run['peak_main_rss_mb']} MB |")
    lines += [
        f"| first build, `--n-process {args.n_process}` | {args.docs} | {first['seconds']:.1f} s | "
        f"{args.docs / first['seconds']:.2f} | {first['peak_rss_mb']} MB | {first['peak_main_rss_mb']} MB |",
        f"| no-change rebuild | {args.docs} | {rebuild['seconds']:.1f} s | | {rebuild['peak_rss_mb']} MB | "
        f"{rebuild['peak_main_rss_mb']} MB |",
        "", f"No-change rebuild: **{r['rebuild_ratio']}×** faster than the first build (target ≥ 20×).", ""]
    for title, run in ((f"first build of {args.docs}", first), ("no-change rebuild", rebuild),
                       (f"first build of {args.compare_docs}, --n-process 1", r["n_process_1"]),
                       (f"first build of {args.compare_docs}, --n-process 2", r["n_process_2"])):
        lines += [f"Steps of the {title} (seconds / peak RSS of the main process so far, MB):", "",
                  "| " + " | ".join(run["steps"]) + " |", "|" + "---|" * len(run["steps"]),
                  "| " + " | ".join(f"{s['seconds']:.1f} / {s.get('peak_rss_mb') or '–'}" for s in run["steps"].values())
                  + " |", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
