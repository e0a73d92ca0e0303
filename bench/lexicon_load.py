#!/usr/bin/env python3
"""Measure the lexicon and ontology: size, load time, memory, lookup speed, HermiT and SHACL time.

Each load is timed in a fresh interpreter (a cold process, as the CLI and the NLP pipeline see it).
Prints a Markdown section for BENCHMARKS.md (``## Ontology and lexicon``).

Usage: ``python bench/lexicon_load.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
trace = sys.argv[1] == "memory"
def rss_mb():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:")) / 1024
if trace:
    import tracemalloc
    tracemalloc.start()
rss0 = rss_mb()
t0 = time.perf_counter()
c0 = time.process_time()
from kg.lexicon import load_lexicon
lex = load_lexicon()
load = time.perf_counter() - t0
cpu = time.process_time() - c0
out = {"load_s": load, "cpu_s": cpu, "rss_mb": rss_mb(), "rss_delta_mb": rss_mb() - rss0, "terms": len(lex),
       "raw_strings": len(lex._raw), "version": lex.version}
if trace:
    current, peak = tracemalloc.get_traced_memory()
    out.update(traced_mb=current / 2**20, traced_peak_mb=peak / 2**20)
else:
    t1 = time.perf_counter()
    out["entries"] = sum(1 for _ in lex.entries())
    out["entries_s"] = time.perf_counter() - t1
    out["entries_flagged"] = sum(1 for e in lex.entries() if e.ambiguous)
print(json.dumps(out))
"""

QUERIES = ["IGF-1", "IGF-IR", "insulin-like growth factor 1 receptor", "IGFBPs", "IR", "CAT", "cat", "MET",
           "breast cancer", "cancer stem cells", "PI3K/AKT pathway", "linsitinib", "MCF-7", "p53", "Akt",
           "somatomedin C", "type 1 IGF receptor", "EMT", "apoptosis", "HGF", "unknownthing123"]


def child(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    runs = [child("time") for _ in range(args.repeat)]
    r0 = runs[0]
    mem = child("memory")
    loads = [r["load_s"] for r in runs]
    cpus = [r["cpu_s"] for r in runs]
    import os

    load_avg = os.getloadavg()[0]

    from kg import ontology as ont
    from kg.lexicon import load_lexicon

    lex = load_lexicon()
    n = 0
    t = time.perf_counter()
    while time.perf_counter() - t < 2.0:
        for q in QUERIES:
            lex.lookup(q)
        n += len(QUERIES)
    lookups_per_s = n / (time.perf_counter() - t)
    t = time.perf_counter()
    report = ont.reason()
    t_reason = time.perf_counter() - t
    t = time.perf_counter()
    val = ont.validate_file(REPO / "tests" / "fixtures" / "ontology" / "valid_graph.ttl")
    t_shacl = time.perf_counter() - t
    t = time.perf_counter()
    check = ont.check(reasoner=False)
    t_check = time.perf_counter() - t
    curated = sum(1 for term in lex.terms() if term.source == "curated")
    by_source: dict[str, int] = {}
    for term in lex.terms():
        by_source[term.source] = by_source.get(term.source, 0) + 1

    print("## Ontology and lexicon\n")
    print(f"Command: `python bench/lexicon_load.py --repeat {args.repeat}` (2 cores, load average "
          f"{load_avg:.1f} when measured; lexicon {r0['version']}).\n")
    print("| measure | value |\n|---|---|")
    print(f"| terms | {r0['terms']:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(by_source.items()))}) |")
    print(f"| curated terms (ontology/terms.tsv) | {curated} |")
    print(f"| lexicon strings (labels, synonyms, symbols, aliases) | {r0['raw_strings']:,} |")
    print(f"| `entries()` for the entity ruler (with generated variants) | {r0['entries']:,} "
          f"({r0['entries_flagged']:,} flagged ambiguous), built in {r0['entries_s']:.1f} s |")
    print(f"| cold `load_lexicon()` in a fresh process (import kg.lexicon + load), {args.repeat} runs | "
          f"median {statistics.median(loads):.2f} s wall (min {min(loads):.2f}, max {max(loads):.2f}); "
          f"median {statistics.median(cpus):.2f} s CPU |")
    print(f"| memory after load | RSS growth {r0['rss_delta_mb']:.0f} MB (process RSS {r0['rss_mb']:.0f} MB); "
          f"Python heap {mem['traced_mb']:.0f} MB (tracemalloc, separate run) |")
    print(f"| `lookup()` throughput (mixed queries, warm) | {lookups_per_s:,.0f} lookups/s |")
    print(f"| HermiT consistency + unsatisfiable classes (`ontology.reason()`, incl. JVM start) | "
          f"{t_reason:.1f} s ({'consistent' if report.consistent else 'INCONSISTENT'}, "
          f"{len(report.unsatisfiable)} unsatisfiable) |")
    print(f"| term-table + vocabulary checks (`check(reasoner=False)`, lexicon cached) | {t_check:.2f} s "
          f"({'ok' if check.ok else 'problems'}) |")
    print(f"| SHACL validation of tests/fixtures/ontology/valid_graph.ttl ({val.triples} triples) | "
          f"{t_shacl:.2f} s ({'conforms' if val.conforms else 'violations'}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
