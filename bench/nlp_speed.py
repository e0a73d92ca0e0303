#!/usr/bin/env python3
"""Pipeline load time and throughput: our extractor (n_process 1 and 2) vs. a bare spaCy parse of the same
texts. Usage: python bench/nlp_speed.py [--split Dev] [--corpus ../shared/corpora/biored] [--limit 100]
[--batch-size 64]. Both sides use the same batch size, so n_process=2 splits the same batches across the
two workers (spaCy's default of 256-1000 would hand all of a small corpus to one worker)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared" / "corpora" / "biored")
    ap.add_argument("--split", default="Dev")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()
    from kg.evaluation import load_split

    docs = load_split(args.corpus, args.split)[: args.limit]
    chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    from kg.ontology import load_lexicon

    lex = load_lexicon()
    t1 = time.perf_counter()
    from kg.extraction import Extractor

    ex = Extractor(lexicon=lex)
    t2 = time.perf_counter()
    print(f"lexicon load {t1 - t0:.2f}s; pipeline build (model + lexicon index) {t2 - t1:.2f}s; "
          f"model {ex.info.model} {ex.info.model_version}; {len(docs)} docs, {chars} chars")
    for n in (1, 2):
        t = time.perf_counter()
        claims = sum(len(x.claims) for x in ex.extract_many(docs, n_process=n, batch_size=args.batch_size))
        dt = time.perf_counter() - t
        print(f"extractor n_process={n}: {dt:.1f}s, {len(docs) / dt:.1f} docs/s, {claims} claims")
    import importlib

    import spacy

    if ex.info.model == "none":
        bare = spacy.blank("en")
    else:
        bare = importlib.import_module(ex.info.model).load(exclude=["ner"])
    for n in (1, 2):
        t = time.perf_counter()
        for _ in bare.pipe((d.text for d in docs), n_process=n, batch_size=args.batch_size):
            pass
        dt = time.perf_counter() - t
        print(f"bare spaCy {ex.info.model} n_process={n}: {dt:.1f}s, {len(docs) / dt:.1f} docs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
