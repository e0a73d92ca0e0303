#!/usr/bin/env python3
"""Claim precision/recall on the hand-written challenge set (bench/challenge/challenge.tsv).

Usage: python bench/challenge.py [--model auto|none|PACKAGE] [--show-errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    from kg.evaluation import score_challenge
    from kg.extraction import Extractor

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="auto")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    ex = Extractor(model=args.model)
    res = score_challenge(HERE / "challenge" / "challenge.tsv", ex)
    print(f"challenge set ({len(res.rows)} sentences, model={ex.info.model}): claim P={res.prf.p:.3f} "
          f"R={res.prf.r:.3f} F1={res.prf.f1:.3f} (tp={res.prf.tp} fp={res.prf.fp} fn={res.prf.fn}); "
          f"sentences exactly right: {sum(r['ok'] for r in res.rows)}/{len(res.rows)}")
    print("| construction | P | R | tp | fp | fn |\n|---|---|---|---|---|---|")
    for name, prf in sorted(res.by_construction.items()):
        print(f"| {name} | {prf.p:.2f} | {prf.r:.2f} | {prf.tp} | {prf.fp} | {prf.fn} |")
    if args.show_errors:
        for r in res.rows:
            if not r["ok"]:
                print(f"\n{r['id']} [{r['construction']}] {r['sentence']}")
                print("  missing:", sorted(r["expected"] - r["got"]))
                print("  extra:  ", sorted(r["got"] - r["expected"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
