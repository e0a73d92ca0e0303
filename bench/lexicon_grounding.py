#!/usr/bin/env python3
"""How well does the lexicon alone ground BioRED's gold mentions? (No NER: the gold span's text is looked up.)

For every gold annotation of BioRED Train+Dev (../shared/corpora/biored/*.PubTator), ``Lexicon.lookup`` is
called on the mention text and its top grounding compared with the gold identifier: genes by NCBI Gene ID
(through the term's xrefs, since our gene CURIEs are HGNC), diseases and chemicals by MeSH ID (the term's
CURIE or an xref), species by NCBITaxon, cell lines by Cellosaurus. Reported per entity type: coverage
(any grounding), accuracy@1 over all mentions, accuracy@1 among grounded ones, share of mentions whose
top grounding is flagged ambiguous, and the most frequent misses. This isolates lexicon quality from the
NER engineer's span detection; BioRED's non-human gene IDs are counted (and mostly missed: HGNC is human).

Usage: ``python bench/lexicon_grounding.py [--corpus ../shared/corpora/biored] [--top 8]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREFIX = {"GeneOrGeneProduct": "NCBIGene", "DiseaseOrPhenotypicFeature": "MESH", "ChemicalEntity": "MESH",
          "OrganismTaxon": "NCBITaxon", "CellLine": "cellosaurus"}


def gold_mentions(corpus: Path):
    for name in ("Train.PubTator", "Dev.PubTator"):
        with (corpus / name).open(encoding="utf-8") as fh:
            for line in fh:
                cells = line.rstrip("\n").split("\t")
                if len(cells) == 6 and cells[4] in PREFIX:
                    ids = [i.strip() for i in cells[5].replace(";", ",").split(",") if i.strip() and i.strip() != "-"]
                    yield cells[4], cells[3], ids


def gold_curies(etype: str, ids: list[str]) -> set[str]:
    prefix = PREFIX[etype]
    out = set()
    for ident in ids:
        if ":" in ident:
            ident = ident.split(":", 1)[1]
        if prefix == "cellosaurus":
            out.add("cellosaurus:" + ident.replace("CVCL:", "CVCL_"))
        else:
            out.add(f"{prefix}:{ident}")
    return out


def term_ids(lex, curie: str) -> set[str]:
    term = lex.term(curie)
    if term is None:
        return {curie}
    return {term.curie, *term.xrefs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpora" / "biored")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    if not (args.corpus / "Train.PubTator").is_file():
        print(f"lexicon_grounding: no BioRED at {args.corpus}", file=sys.stderr)
        return 1
    sys.path.insert(0, str(REPO))
    from kg.lexicon import load_lexicon

    lex = load_lexicon()
    stats: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, Counter] = defaultdict(Counter)
    start = time.perf_counter()
    for etype, text, ids in gold_mentions(args.corpus):
        s = stats[etype]
        s["mentions"] += 1
        gold = gold_curies(etype, ids)
        in_lex = any(lex.term(g) is not None for g in gold)
        s["in_lexicon"] += in_lex
        found = lex.lookup(text)
        if not found:
            misses[etype][f"{text} (no grounding; gold {','.join(sorted(gold))})"] += 1
            continue
        s["grounded"] += 1
        top = found[0]
        if top.note.startswith("ambiguous"):
            s["ambiguous"] += 1
        if term_ids(lex, top.curie) & gold:
            s["correct"] += 1
            s["correct_in_lexicon"] += in_lex
        else:
            misses[etype][f"{text} -> {top.curie} {top.label} (gold {','.join(sorted(gold))})"] += 1
    seconds = time.perf_counter() - start
    print("### Lexicon-only grounding of BioRED gold mentions (Train + Dev)\n")
    print(f"Command: `python bench/lexicon_grounding.py` (lexicon {lex.version}; "
          f"{sum(s['mentions'] for s in stats.values()):,} lookups in {seconds:.1f} s).\n")
    print("| type | mentions | grounded | accuracy@1 (all) | accuracy@1 (grounded) | gold ID in lexicon | "
          "accuracy@1 (gold in lexicon) | top flagged ambiguous |")
    print("|---|---|---|---|---|---|---|---|")
    for etype in PREFIX:
        s = stats[etype]
        if not s["mentions"]:
            continue
        m, g = s["mentions"], s["grounded"]
        il = s["in_lexicon"]
        print(f"| {etype} | {m:,} | {g / m:.1%} | {s['correct'] / m:.1%} | "
              f"{(s['correct'] / g if g else 0):.1%} | {il / m:.1%} | "
              f"{(s['correct_in_lexicon'] / il if il else 0):.1%} | {s['ambiguous'] / m:.1%} |")
    for etype in PREFIX:
        if misses[etype]:
            top = "; ".join(f"{k} ×{v}" for k, v in misses[etype].most_common(args.top))
            print(f"\nMost frequent {etype} misses: {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
