"""Curation at scale: decisions-log appends (fsync'd, one and two writers), strict reads, replay, queue, TSV.

    python bench/curation_bench.py [--claims 100000] [--decisions 10000] [--out /tmp/curbench]

Synthetic assembled claims (random IGF-axis/HGNC arguments, 1-3 evidence sentences each) and a decisions
log mixing every decision kind (accept 40%, reject 25%, note 15%, evidence reject 10%, correct 10%) plus 2%
orphans. Prints a Markdown table for BENCHMARKS.md. No timing is asserted anywhere; this only measures.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.curation import DecisionLog, make_decision, replay  # noqa: E402
from kg.curation_queue import QueueFilter, queue  # noqa: E402
from kg.curation_tsv import read_tsv, write_tsv  # noqa: E402
from kg.model import (AssembledClaim, Claim, Concept, Curation, Decision, EntityType, ErrorTag, Evidence,  # noqa: E402
                      Predicate)


def synthetic_claims(n: int, rng: random.Random) -> list[AssembledClaim]:
    genes = [Concept(f"HGNC:{i}", f"G{i}", EntityType.GENE) for i in range(1, 4000)]
    genes += [Concept(c, c, EntityType.GENE) for c in ("HGNC:5464", "HGNC:5465", "HGNC:5466", "HGNC:5472")]
    preds = list(Predicate)
    out, seen = [], set()
    while len(out) < n:
        claim = Claim(rng.choice(genes), rng.choice(preds), rng.choice(genes), negated=rng.random() < 0.05)
        if claim.id in seen:
            continue
        seen.add(claim.id)
        evs = []
        for k in range(rng.randint(1, 3)):
            start = 100 * k
            evs.append(Evidence(claim.id, f"pmid:{rng.randint(1, n // 2)}", "A activates B in cells.", start, start + 23,
                                (start, start + 1), (start + 12, start + 13), confidence=rng.uniform(0.3, 0.9)))
        out.append(AssembledClaim(claim, tuple(evs), belief=rng.uniform(0.1, 0.99), supporting_papers=len(evs),
                                  conflicts=(rng.choice(list(seen)),) if rng.random() < 0.03 else ()))
    return out


def synthetic_decisions(claims: list[AssembledClaim], n: int, rng: random.Random) -> list[Curation]:
    out = []
    for k in range(n):
        ac = rng.choice(claims)
        ts = f"2026-01-{1 + k % 28:02d}T{k % 24:02d}:{k % 60:02d}:00Z"
        r = rng.random()
        if r < 0.02:  # orphan: a claim no build has
            out.append(Curation(f"{rng.getrandbits(64):016x}", Decision.ACCEPTED, "bench", ts))
        elif r < 0.42:
            out.append(make_decision(ac, Decision.ACCEPTED, "bench", timestamp=ts))
        elif r < 0.67:
            out.append(make_decision(ac, Decision.REJECTED, "bench", error_tag=rng.choice(list(ErrorTag)), timestamp=ts))
        elif r < 0.82:
            out.append(make_decision(ac, Decision.NOTE, "bench", note="checked\tfull text", timestamp=ts))
        elif r < 0.92:
            out.append(make_decision(ac, Decision.EVIDENCE_REJECTED, "bench", evidence_id=ac.evidence[0].id,
                                     error_tag=ErrorTag.NEGATION, timestamp=ts))
        else:
            fixed = Claim(ac.claim.subject, Predicate.ASSOCIATED_WITH if ac.claim.predicate is not
                          Predicate.ASSOCIATED_WITH else Predicate.BINDS, ac.claim.object)
            out.append(make_decision(ac, Decision.CORRECTED, "bench", corrected=fixed, timestamp=ts))
    return out


WRITER = """
import sys, time
from kg.curation import DecisionLog
from kg.model import Curation, Decision
log = DecisionLog(sys.argv[1]); n = int(sys.argv[2])
for i in range(n):
    log.append(Curation("%016x" % i, Decision.NOTE, sys.argv[3], "2026-01-01T00:00:00Z", note="n" * 200))
"""


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--appends", type=int, default=500, help="fsync'd single appends to time")
    parser.add_argument("--out", type=Path, default=Path("/tmp/igfkg-curation-bench"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True) if args.out.name.startswith("igfkg-curation-bench") else None
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    rows: list[tuple[str, str, str]] = []

    claims, t = timed(lambda: synthetic_claims(args.claims, rng))
    decisions = synthetic_decisions(claims, args.decisions, rng)

    log = DecisionLog(args.out / "one.jsonl")
    _, t = timed(lambda: [log.append(d) for d in decisions[: args.appends]])
    rows.append(("append one decision (flock + O_APPEND + fsync)", f"{args.appends} appends",
                 f"{t / args.appends * 1000:.2f} ms each ({args.appends / t:.0f}/s)"))

    big = DecisionLog(args.out / "big.jsonl")
    _, t = timed(lambda: big.extend(decisions))
    rows.append(("extend (one locked write, as `curate import`)", f"{len(decisions)} decisions", f"{t:.3f} s"))
    read, t = timed(big.read)
    assert len(read) == len(decisions)
    rows.append(("strict read + validation of the log", f"{len(decisions)} decisions",
                 f"{t:.3f} s ({len(decisions) / t:,.0f} lines/s)"))

    two = args.out / "two.jsonl"
    per = args.appends
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(two), str(per), who]) for who in ("a", "b")]
    for p in procs:
        p.wait()
    t = time.perf_counter() - start
    lines = DecisionLog(two).read()
    rows.append(("two concurrent writer processes", f"2 × {per} appends", f"{t:.2f} s incl. start-up; "
                 f"{len(lines)}/{2 * per} lines intact"))

    result, t = timed(lambda: replay(claims, read))
    rows.append(("replay onto assembled claims", f"{len(claims):,} claims, {len(read):,} decisions",
                 f"{t:.2f} s ({len(result.orphaned)} orphaned, {len(result.replaced)} corrected away)"))
    items, t = timed(lambda: queue(result.claims, QueueFilter(limit=20)))
    rows.append(("queue: priority + sort, top 20 candidates", f"{len(result.claims):,} claims", f"{t * 1000:.0f} ms"))
    items, t = timed(lambda: queue(result.claims, QueueFilter(entity="HGNC:5465", limit=20),
                                   resolve_entity=lambda s: {s}))
    rows.append(("queue filtered by entity (CURIE)", f"{len(result.claims):,} claims", f"{t * 1000:.0f} ms"))

    buffer = io.StringIO(newline="")
    _, t = timed(lambda: write_tsv(read, buffer))
    rows.append(("TSV export", f"{len(read):,} decisions", f"{t:.3f} s"))
    back, t = timed(lambda: read_tsv(io.StringIO(buffer.getvalue(), newline=""), where="bench.tsv"))
    rows.append(("TSV import (parse + validate every row)", f"{len(read):,} decisions",
                 f"{t:.3f} s; lossless: {back.decisions == list(dict.fromkeys(read))}"))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"command: python bench/curation_bench.py --claims {args.claims} --decisions {args.decisions}\n")
    print("| operation | size | result |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
