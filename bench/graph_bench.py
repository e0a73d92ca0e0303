"""Graph benchmark (issue 5, first cut): RDF conversion, store loading paths, named-query latency.

    python bench/graph_bench.py --claims 100000            # ~3 min on 2 cores
    python bench/graph_bench.py --claims 10000 --json out.json

A synthetic corpus: ``--claims`` distinct claims over a pool of HGNC genes, a few drugs and GO processes,
~1.5 pieces of evidence per claim spread over claims/5 documents, 5 % of claims contradicted, 2 % accepted.
Measured:
  * conversion: assemble() and the model → quad functions (quads/s);
  * loading the KG graph: igfkg ``replace_graph`` (one atomic SPARQL update), igfkg ``bulk_load``
    (validate, then Oxigraph's bulk loader), pyoxigraph ``bulk_load`` of the same N-Quads file, and rdflib's
    in-memory ``Dataset.parse`` (capped with --rdflib-max, it is slow and memory hungry);
  * named-query latency (median of --repeats runs) on the embedded store holding every graph.
Nothing is asserted; numbers go to BENCHMARKS.md (## Store and queries).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import query as q  # noqa: E402
from kg import rdf, vocab  # noqa: E402
from kg.assembly import assemble  # noqa: E402
from kg.model import (Certainty, Claim, Concept, CurationStatus, Document, DocumentExtraction,  # noqa: E402
                      EntityType, Evidence, Predicate, Section)
from kg.store import EmbeddedStore  # noqa: E402


def synthetic(n_claims: int, seed: int = 7) -> list[DocumentExtraction]:
    rng = random.Random(seed)
    genes = [Concept(f"HGNC:{i}", f"GENE{i}", EntityType.GENE) for i in range(1, 3001)]
    genes[:4] = [Concept("HGNC:5464", "IGF1", EntityType.GENE), Concept("HGNC:5465", "IGF1R", EntityType.GENE),
                 Concept("HGNC:391", "AKT1", EntityType.GENE), Concept("HGNC:5472", "IGFBP3", EntityType.GENE)]
    drugs = [Concept(f"MESH:C{400000 + i}", f"drug {i}", EntityType.DRUG) for i in range(200)]
    procs = [Concept(f"GO:{19827 + i:07d}", f"process {i}", EntityType.PROCESS) for i in range(50)]
    preds = list(Predicate)
    claims: dict[str, Claim] = {}
    while len(claims) < n_claims:
        r = rng.random()
        s = rng.choice(drugs) if r < 0.1 else rng.choice(genes)
        o = rng.choice(procs) if r > 0.9 else rng.choice(genes[:300])
        c = Claim(s, rng.choice(preds), o)
        claims[c.id] = c
        if rng.random() < 0.05 and c.predicate.polarity:
            opp = Claim(s, Predicate.INHIBITS if c.predicate.polarity > 0 else Predicate.ACTIVATES, o)
            claims[opp.id] = opp
    n_docs = max(1, n_claims // 5)
    per_doc: dict[int, list[tuple[Claim, Evidence]]] = {i: [] for i in range(n_docs)}
    for c in claims.values():
        for _ in range(1 if rng.random() < 0.6 else 2):
            d = rng.randrange(n_docs)
            k = len(per_doc[d])
            sent = f"{c.subject.label} {c.predicate.label} {c.object.label} in experiment {k}."
            start = 100 + 80 * k
            ev = Evidence(c.id, f"pmid:{10_000_000 + d}", sent, start, start + len(sent), (start, start + 4),
                          (start + 10, start + 14), certainty=rng.choice([Certainty.ASSERTED] * 3 + [Certainty.HEDGED]),
                          rule="synthetic", extractor_version="bench", confidence=round(rng.uniform(0.5, 0.95), 2))
            per_doc[d].append((c, ev))
    out = []
    for d, pairs in per_doc.items():
        doc = Document(id=f"pmid:{10_000_000 + d}", title=f"Synthetic paper {d}",
                       abstract=(Section(" ".join(e.sentence for _, e in pairs)),), pmid=str(10_000_000 + d),
                       journal="Synthetic J", year=2020 + d % 5, authors=("Doe J", "Roe R"))
        out.append(DocumentExtraction(doc, (), tuple(dict.fromkeys(c for c, _ in pairs)),
                                      tuple(e for _, e in pairs), "bench"))
    return out


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    value = fn(*args, **kwargs)
    elapsed = time.perf_counter() - t
    print(f"  {getattr(fn, '__name__', fn)}: {elapsed:.2f} s", file=sys.stderr, flush=True)
    return value, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rdflib-max", type=int, default=300_000, help="skip rdflib above this many quads")
    ap.add_argument("--skip-replace", action="store_true", help="skip the (slow) replace_graph measurement")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    res: dict = {"claims": args.claims}

    exs, t = timed(synthetic, args.claims)
    res["generate_s"] = round(t, 2)
    assembled, t = timed(assemble, exs)
    res["assemble_s"], res["assembled_claims"] = round(t, 2), len(assembled)
    res["conflicting_claims"] = sum(1 for c in assembled if c.conflicts)
    rng = random.Random(1)
    assembled = [c if rng.random() > 0.02 else type(c)(**{**c.__dict__, "status": CurationStatus.ACCEPTED})
                 for c in assembled]

    doc_quads, t = timed(lambda: [q for ex in exs for q in (*rdf.document_quads(ex.document),
                                                            *rdf.extraction_quads(ex))])
    res["document_quads"], res["document_quads_per_s"] = len(doc_quads), round(len(doc_quads) / t)
    kg_quads, t = timed(lambda: list(rdf.assembled_quads(assembled)))
    res["kg_quads"], res["kg_quads_per_s"] = len(kg_quads), round(len(kg_quads) / t)
    nq_text = rdf.to_nquads(kg_quads, sort=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        nq_file = tmp_path / "kg.nq"
        nq_file.write_text(nq_text)
        n_kg = nq_text.count("\n")

        if not args.skip_replace:
            s = EmbeddedStore(tmp_path / "replace")
            _, t = timed(s.replace_graph, vocab.GRAPH_KG, kg_quads)
            res["igfkg_replace_graph_s"], res["igfkg_replace_graph_quads_per_s"] = round(t, 2), round(n_kg / t)
            s.close()

        s = EmbeddedStore(tmp_path / "bulk")
        _, t = timed(s.bulk_load, nq_file)
        res["igfkg_bulk_load_s"], res["igfkg_bulk_load_quads_per_s"] = round(t, 2), round(n_kg / t)
        s.close()

        import pyoxigraph as ox

        raw = ox.Store(str(tmp_path / "raw"))
        _, t = timed(raw.bulk_load, path=str(nq_file), format=ox.RdfFormat.N_QUADS)
        res["pyoxigraph_bulk_load_s"], res["pyoxigraph_bulk_load_quads_per_s"] = round(t, 2), round(n_kg / t)
        del raw

        if n_kg <= args.rdflib_max:
            from rdflib import Dataset

            ds = Dataset()
            _, t = timed(ds.parse, data=nq_text, format="nquads")
            res["rdflib_parse_s"], res["rdflib_parse_quads_per_s"] = round(t, 2), round(n_kg / t)
            del ds
        else:
            res["rdflib_parse_s"] = f"skipped (> {args.rdflib_max} quads)"

        # the full store, as a build leaves it: document graphs + KG
        store = EmbeddedStore(tmp_path / "full")
        _, t = timed(store.bulk_load, rdf.to_nquads(doc_quads).encode() + nq_text.encode(), "nq")
        res["full_store_quads"], res["full_store_load_s"] = store.count(), round(t, 2)
        target = "HGNC:391"
        some_claim = assembled[len(assembled) // 2].id
        cases = [("what-activates", {"target": target}), ("claims-about", {"entity": "HGNC:5465"}),
                 ("claims-by-paper", {"paper": "10000001"}), ("citation-chain", {"claim": some_claim}),
                 ("igf-axis-drugs", {}), ("stemness-regulators", {}), ("contradictions", {}),
                 ("most-supported", {})]
        latency = {}
        for name, params in cases:
            times, rows = [], 0
            for _ in range(args.repeats):
                r, t = timed(q.run_named, store, name, params, timeout=600)
                times.append(t)
                rows = len(r)
            latency[name] = {"median_s": round(statistics.median(times), 3), "rows": rows}
        res["query_latency"] = latency
        st, t = timed(q.stats, store)
        res["stats_s"] = round(t, 2)
        store.close()

    text = json.dumps(res, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
