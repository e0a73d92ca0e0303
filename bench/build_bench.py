"""End-to-end build benchmark (issue 7): time and peak memory of ``igfkg build`` on synthetic abstracts.

Measures, each as a real ``igfkg build`` subprocess on a fresh project directory:
  * the first build of N documents (wall time, documents/s, peak RSS of the whole process tree),
  * a no-change rebuild (the ratio first/rebuild; target ≥ 20×),
  * the same first build with ``--n-process 2`` (NLP on both cores),
  * peak memory at two corpus sizes (flat in corpus size = streaming works),
and reads each run's step timings from ``data/cache/manifest.json``.

    python bench/build_bench.py --docs 10000 --small 2000 --out bench/results/build.json

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
    steps = {s["name"]: {"seconds": s["seconds"], **s["counters"]} for s in manifest["steps"]}
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_tree / 2**20), "peak_main_rss_mb":
            round(peak_main / 2**20), "steps": steps}


def project_with(docs: int, root: Path, name: str) -> Path:
    project = root / name
    synth.generate(project / "data" / "raw", docs)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size of the main runs")
    parser.add_argument("--small", type=int, default=2_000, help="smaller corpus for the memory-flatness check")
    parser.add_argument("--n-process-docs", type=int, default=None,
                        help="corpus size for the n_process 1 vs 2 comparison (default: --small)")
    parser.add_argument("--out", type=Path, default=None, help="write the raw results as JSON here")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = Path(args.workdir or tempfile.mkdtemp(prefix="igfkg-build-bench-"))
    nproc_docs = args.n_process_docs or args.small
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform(),
                                 "memory_gb": round(psutil.virtual_memory().total / 2**30)},
                     "docs": args.docs}
    import pyoxigraph
    import spacy

    from kg import __version__
    results["versions"] = {"igfkg": __version__, "spacy": spacy.__version__, "pyoxigraph": pyoxigraph.__version__}

    big = project_with(args.docs, root, f"n{args.docs}")
    results["first"] = run_build(big)
    results["rebuild"] = run_build(big)
    results["rebuild_ratio"] = round(results["first"]["seconds"] / results["rebuild"]["seconds"], 1)
    print(json.dumps({k: results[k] for k in ("first", "rebuild", "rebuild_ratio")}, indent=1), file=sys.stderr)

    small = project_with(args.small, root, f"n{args.small}")
    results["small"] = run_build(small)
    np_project = small if nproc_docs == args.small else project_with(nproc_docs, root, f"np{nproc_docs}")
    for n in (1, 2):
        shutil.rmtree(np_project / "store", ignore_errors=True)
        shutil.rmtree(np_project / "data" / "cache", ignore_errors=True)
        results[f"n_process_{n}"] = run_build(np_project, "--n-process", str(n), "--no-export")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results, args))
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


def markdown(r: dict, args: argparse.Namespace) -> str:
    first, rebuild = r["first"], r["rebuild"]
    ext = first["steps"]["extract"]
    lines = [
        "## Build",
        "",
        f"Command: `python bench/build_bench.py --docs {args.docs} --small {args.small}` "
        f"(synthetic abstracts from `bench/synth.py`, ~175 words each, PubMed XML; every run a real "
        f"`igfkg build` subprocess; peak RSS = sum over the process tree, sampled every 0.1 s).",
        f"Machine: {r['machine']['cpus']} CPUs, {r['machine']['memory_gb']} GB, Python {r['machine']['python']}; "
        f"spaCy {r['versions']['spacy']}, pyoxigraph {r['versions']['pyoxigraph']}.",
        "",
        "| run | documents | wall time | docs/s | peak RSS |",
        "|---|---|---|---|---|",
        f"| first build | {args.docs} | {first['seconds']:.1f} s | {args.docs / first['seconds']:.1f} | "
        f"{first['peak_rss_mb']} MB |",
        f"| no-change rebuild | {args.docs} | {rebuild['seconds']:.1f} s | | {rebuild['peak_rss_mb']} MB |",
        f"| first build | {args.small} | {r['small']['seconds']:.1f} s | {args.small / r['small']['seconds']:.1f} | "
        f"{r['small']['peak_rss_mb']} MB |",
    ]
    for n in (1, 2):
        run = r[f"n_process_{n}"]
        docs = run["steps"]["extract"].get("read", 0)
        lines.append(f"| `--n-process {n} --no-export` | {docs} | {run['seconds']:.1f} s | "
                     f"{docs / run['seconds']:.1f} | {run['peak_rss_mb']} MB |")
    lines += ["", f"No-change rebuild: **{r['rebuild_ratio']}×** faster than the first build (target ≥ 20×).",
              f"Extraction cache on the first build: {ext.get('extracted', 0)} extracted, "
              f"{ext.get('cache_hits', 0)} hits.", "", "Step times of the first build (s):", "",
              "| " + " | ".join(first["steps"]) + " |", "|" + "---|" * len(first["steps"]),
              "| " + " | ".join(f"{s['seconds']:.1f}" for s in first["steps"].values()) + " |", "",
              "Step times of the no-change rebuild (s):", "",
              "| " + " | ".join(rebuild["steps"]) + " |", "|" + "---|" * len(rebuild["steps"]),
              "| " + " | ".join(f"{s['seconds']:.2f}" for s in rebuild["steps"].values()) + " |"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
