"""Named-query latency on a kg_synth graph (issue 7): median of --repeats runs per query, hub and typical
parameters, through kg.query.run_named (the path `igfkg query --name` takes).

    python bench/kg_synth.py --claims 100000 --no-mentions --out /tmp/q/kg100k.nq > /tmp/q/synth.json
    python bench/named_query_bench.py --nq /tmp/q/kg100k.nq --synth-json /tmp/q/synth.json --store /tmp/q/s100k

--store must be a new directory (it is created and bulk-loaded from --nq when missing; an existing store is
only read). Nothing is asserted; figures go to BENCHMARKS.md (## Store and queries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import query as q  # noqa: E402
from kg.errors import QueryError  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402


def cases(p: dict[str, str]) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "claims-about (hub)": ("claims-about", {"entity": p["hub"]}),
        "claims-about (typical)": ("claims-about", {"entity": p["typical"]}),
        "what-activates (hub)": ("what-activates", {"target": p["activated_hub"]}),
        "claims-by-paper": ("claims-by-paper", {"paper": p["paper"]}),
        "citation-chain": ("citation-chain", {"claim": p["claim"]}),
        "contradictions": ("contradictions", {}),
        "igf-axis-drugs": ("igf-axis-drugs", {}),
        "most-supported": ("most-supported", {}),
        "stemness-regulators": ("stemness-regulators", {}),
        # the same answers ranked at query time (what the ranked queries did before the read index)
        "claims-about-all (hub)": ("claims-about-all", {"entity": p["hub"]}),
        "what-activates-all (hub)": ("what-activates-all", {"target": p["activated_hub"]}),
        "contradictions-all": ("contradictions-all", {}),
        "stemness-regulators-all": ("stemness-regulators-all", {}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--nq", type=Path, help="N-Quads from bench/kg_synth.py (loaded when --store is missing)")
    ap.add_argument("--synth-json", type=Path, required=True, help="kg_synth's JSON summary (query parameters)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    params = json.loads(args.synth_json.read_text())["params"]
    if not args.store.exists():
        if args.nq is None:
            ap.error("--store does not exist: give --nq to build it")
        import pyoxigraph as ox

        t = time.perf_counter()
        ox.Store(str(args.store)).bulk_load(path=str(args.nq), format=ox.RdfFormat.N_QUADS)
        print(f"loaded {args.nq} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    store = EmbeddedStore(args.store)
    out = {}
    print("| query | rows | median |\n|---|---:|---:|")
    for label, (name, p) in cases(params).items():
        times, rows = [], 0
        try:
            for _ in range(args.repeats):
                t = time.perf_counter()
                rows = len(list(q.run_named(store, name, p, timeout=args.timeout)))
                times.append(time.perf_counter() - t)
        except QueryError as exc:  # the timeout: report it, go on with the next query
            out[label] = {"rows": None, "median_s": None, "params": p, "error": str(exc)}
            print(f"| `{name}` {label[len(name):].strip()} | | > {args.timeout:.0f} s ({exc}) |", flush=True)
            continue
        med = statistics.median(times)
        out[label] = {"rows": rows, "median_s": med, "params": p}
        print(f"| `{name}` {label[len(name):].strip()} | {rows:,} | {med * 1000:.1f} ms |", flush=True)
    store.close()
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
