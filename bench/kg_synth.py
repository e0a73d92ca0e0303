"""Synthetic knowledge graphs for store/query/export benchmarks (issue 7): 100k and 1M claims with evidence.

Why synthetic: the real corpus gives a few thousand claims; a user who points igfkg at all of PubMed gets
10^5-10^6. Measuring the store, the named queries and the exports at that size needs a graph of that size
with the *real shape*, so nothing here writes RDF itself: it makes model objects (``Document``,
``Claim``, ``Evidence``, ``DocumentExtraction``) and sends them down the real path —
``kg.assembly.assemble`` → ``kg.curation.replay`` → ``kg.rdf.document_quads`` / ``extraction_quads`` /
``assembled_quads`` / ``curation_quads`` — exactly as ``igfkg build`` does.

Realistic degree distribution: entities are the lexicon's terms (the curated IGF-axis terms first, then
HGNC genes, FamPlex families, MeSH drugs and diseases, cell types and processes); claim arguments are drawn
with Zipf weights (rank^-1), so a few IGF-axis terms are hubs with thousands of claims while most genes have
a handful, as in PubMed. Evidence per claim is Pareto-distributed (most claims have one paper, a few have
dozens); each synthetic abstract carries 3-7 claim sentences. Deterministic for a given ``seed``.

    python bench/kg_synth.py --claims 100000 --out /tmp/kg100k.nq     # N-Quads of the whole dataset
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.model import (AssembledClaim, Certainty, Claim, Concept, Context, Decision, Document,  # noqa: E402
                      DocumentExtraction, EntityType, Evidence, Grounding, Mention, Predicate, Section)

EXTRACTOR_VERSION = "igfkg-extractor/synthetic"
ACTOR_TYPES = (EntityType.GENE, EntityType.PROTEIN_FAMILY, EntityType.COMPLEX, EntityType.DRUG, EntityType.ANTIBODY,
               EntityType.ISOFORM)
TARGET_TYPES = ACTOR_TYPES + (EntityType.PROCESS, EntityType.PATHWAY, EntityType.DISEASE)
#: predicate → (weight, sentence verb)
PREDICATES: dict[Predicate, tuple[float, str]] = {
    Predicate.ACTIVATES: (20, "activates"), Predicate.INHIBITS: (16, "inhibits"), Predicate.BINDS: (8, "binds"),
    Predicate.PHOSPHORYLATES: (6, "phosphorylates"), Predicate.DEPHOSPHORYLATES: (1, "dephosphorylates"),
    Predicate.INCREASES_EXPRESSION: (8, "increases the expression of"),
    Predicate.DECREASES_EXPRESSION: (6, "decreases the expression of"),
    Predicate.INCREASES_AMOUNT: (3, "increases the level of"), Predicate.DECREASES_AMOUNT: (3, "reduces the level of"),
    Predicate.POSITIVELY_REGULATES: (10, "promotes"), Predicate.NEGATIVELY_REGULATES: (8, "suppresses"),
    Predicate.REQUIRED_FOR: (4, "is required for"), Predicate.MARKER_OF: (2, "is a marker of"),
    Predicate.TARGETS: (3, "targets"), Predicate.ASSOCIATED_WITH: (6, "is associated with"),
}
CERTAINTIES = ((Certainty.ASSERTED, 0.8), (Certainty.HEDGED, 0.1), (Certainty.HYPOTHESIS, 0.05),
               (Certainty.CONTESTED, 0.05))
HEDGE = {Certainty.ASSERTED: "", Certainty.HEDGED: "These data suggest that ",
         Certainty.HYPOTHESIS: "We hypothesized that ", Certainty.CONTESTED: "It remains controversial whether "}


@dataclass
class Vocabulary:
    """Entities by role, in popularity order (hubs first), with cumulative Zipf weights for drawing."""

    actors: list[Concept]
    targets: list[Concept]
    contexts: dict[str, list[str]]
    actor_cum: list[float] = field(default_factory=list)
    target_cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.actor_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(self.actors))))
        self.target_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(self.targets))))


def vocabulary(entities: int = 20_000, seed: int = 0, lexicon: Any = None) -> Vocabulary:
    """Up to ``entities`` lexicon terms: every curated (IGF-axis) term first — they become the hubs — then a
    seeded sample of the rest, actors (genes, families, drugs, antibodies) and targets (+ processes,
    pathways, diseases) separately; context CURIEs (cell types, diseases, species, cell lines)."""
    if lexicon is None:
        from kg.ontology import load_lexicon

        lexicon = load_lexicon()
    rng = random.Random(seed)
    curated, rest = [], []
    for term in lexicon.terms():
        (curated if term.source == "curated" else rest).append(term)
    curated.sort(key=lambda t: t.curie)
    rest.sort(key=lambda t: t.curie)
    rng.shuffle(rest)
    chosen = curated + rest[: max(0, entities - len(curated))]
    concepts = [Concept(t.curie, t.label, t.type) for t in chosen]
    actors = [c for c in concepts if c.type in ACTOR_TYPES]
    targets = [c for c in concepts if c.type in TARGET_TYPES]
    contexts: dict[str, list[str]] = {"cell_type": [], "disease": [], "species": [], "cell_line": []}
    kinds = {EntityType.CELL_TYPE: "cell_type", EntityType.DISEASE: "disease", EntityType.SPECIES: "species",
             EntityType.CELL_LINE: "cell_line"}
    for c in concepts:
        if c.type in kinds and len(contexts[kinds[c.type]]) < 200:
            contexts[kinds[c.type]].append(c.curie)
    return Vocabulary(actors, targets, contexts)


def _draw(rng: random.Random, items: list[Concept], cum: list[float]) -> Concept:
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def claim_pool(n: int, vocab: Vocabulary, rng: random.Random) -> list[Claim]:
    """``n`` distinct claims with Zipf-distributed arguments."""
    preds = list(PREDICATES)
    pcum = list(itertools.accumulate(PREDICATES[p][0] for p in preds))
    seen: set[str] = set()
    out: list[Claim] = []
    ctx_keys = list(vocab.contexts)
    while len(out) < n:
        s = _draw(rng, vocab.actors, vocab.actor_cum)
        o = _draw(rng, vocab.targets, vocab.target_cum)
        if s.curie == o.curie:
            continue
        pred = preds[bisect.bisect(pcum, rng.random() * pcum[-1])]
        ctx = Context()
        r = rng.random()
        if r < 0.55:
            kind = ctx_keys[int(r * 100) % len(ctx_keys)]
            pool = vocab.contexts[kind]
            if pool:
                # context values are skewed too: cancer stem cells / breast cancer dominate the IGF literature
                ctx = Context(**{kind: pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]})
        claim = Claim(s, pred, o, negated=rng.random() < 0.04, context=ctx)
        cid = claim.id
        if cid in seen:
            continue
        seen.add(cid)
        out.append(claim)
    return out


def _sentence(claim: Claim, certainty: Certainty) -> tuple[str, tuple[int, int], tuple[int, int], tuple[int, int]]:
    """A sentence stating ``claim`` and the subject/object/trigger spans inside it."""
    lead = HEDGE[certainty]
    subj = claim.subject.label or claim.subject.curie
    obj = claim.object.label or claim.object.curie
    verb = ("does not " + PREDICATES[claim.predicate][1].split()[0].rstrip("s")) if claim.negated else \
        PREDICATES[claim.predicate][1]
    text = f"{lead}{subj} {verb} {obj}"
    s0 = len(lead)
    t0 = s0 + len(subj) + 1
    o0 = t0 + len(verb) + 1
    text = (text[0].upper() + text[1:]) + " in cancer cells."
    return text, (s0, s0 + len(subj)), (o0, o0 + len(obj)), (t0, t0 + len(verb))


@dataclass
class SynthStats:
    claims: int = 0
    evidence: int = 0
    documents: int = 0
    mentions: int = 0


def extractions(n_claims: int, seed: int = 7, entities: int = 20_000, mentions: bool = True,
                vocab: Vocabulary | None = None, stats: SynthStats | None = None,
                first_pmid: int = 80_000_000) -> Iterator[DocumentExtraction]:
    """A stream of synthetic :class:`DocumentExtraction` (one per abstract) covering ``n_claims`` claims.

    Only the claim pool and one integer per evidence slot are held in memory; documents are made one at a
    time. With ``mentions`` each document also carries a grounded mention for every claim argument (the
    graph a real build writes); without, the document graphs are smaller (claims and evidence only)."""
    rng = random.Random(seed)
    vocab = vocab or vocabulary(entities, seed)
    stats = stats if stats is not None else SynthStats()
    claims = claim_pool(n_claims, vocab, rng)
    stats.claims = len(claims)
    slots = [i for i in range(len(claims)) for _ in range(min(60, int(rng.paretovariate(2.0))))]
    rng.shuffle(slots)
    stats.evidence = len(slots)
    cert_kinds = [c for c, _ in CERTAINTIES]
    cert_cum = list(itertools.accumulate(w for _, w in CERTAINTIES))
    pos, doc_no = 0, 0
    while pos < len(slots):
        size = rng.randint(3, 7)
        chunk = slots[pos:pos + size]
        pos += size
        pmid = str(first_pmid + doc_no)
        doc_no += 1
        doc_id = "pmid:" + pmid
        lead_claim = claims[chunk[0]]
        title = f"{lead_claim.subject.label or lead_claim.subject.curie} signaling in cancer: study {pmid}"
        sentences, evs, doc_mentions, doc_claims = [], [], {}, {}
        offset = len(title) + 1  # Document.text = title + "\n" + the one abstract section
        for k in chunk:
            claim = claims[k]
            certainty = cert_kinds[bisect.bisect(cert_cum, rng.random() * cert_cum[-1])]
            text, sspan, ospan, tspan = _sentence(claim, certainty)
            start = offset
            sentences.append(text)
            offset += len(text) + 1
            evs.append(Evidence(claim_id=claim.id, document_id=doc_id, sentence=text, sentence_start=start,
                                sentence_end=start + len(text), subject_span=(start + sspan[0], start + sspan[1]),
                                object_span=(start + ospan[0], start + ospan[1]),
                                trigger_span=(start + tspan[0], start + tspan[1]), section="abstract",
                                certainty=certainty, rule="synthetic.template", extractor_version=EXTRACTOR_VERSION,
                                confidence=round(0.4 + 0.5 * rng.random(), 3)))
            doc_claims[claim.id] = claim
            if mentions:
                for concept, (a, b) in ((claim.subject, sspan), (claim.object, ospan)):
                    g = Grounding(concept.curie, concept.label, concept.type, 1.0, "exact_label", concept.label)
                    doc_mentions[start + a] = Mention(start + a, start + b, text[a:b], concept.type, (g,))
        document = Document(id=doc_id, title=title, abstract=(Section(" ".join(sentences)),), pmid=pmid,
                            journal="Journal of Synthetic Oncology", year=2000 + doc_no % 25,
                            authors=("Synth A", "Bench B"))
        stats.documents += 1
        stats.mentions += len(doc_mentions)
        yield DocumentExtraction(document, tuple(doc_mentions[k] for k in sorted(doc_mentions)),
                                 tuple(doc_claims.values()), tuple(evs), EXTRACTOR_VERSION)


def decisions_for(assembled: list[AssembledClaim], seed: int = 7, fraction: float = 0.005) -> list[Any]:
    """Curator decisions on a seeded ``fraction`` of claims (4 accepts : 1 reject), as curators make them."""
    from kg.curation import make_decision
    from kg.model import ErrorTag

    rng = random.Random(seed + 1)
    out = []
    for ac in assembled:
        if rng.random() < fraction:
            if rng.random() < 0.8:
                out.append(make_decision(ac, Decision.ACCEPTED, "bench-curator", timestamp="2026-01-01T00:00:00Z"))
            else:
                out.append(make_decision(ac, Decision.REJECTED, "bench-curator", error_tag=ErrorTag.NO_RELATION,
                                         timestamp="2026-01-01T00:00:00Z"))
    return out


@dataclass
class SynthResult:
    """What was written, and query parameters worth benchmarking (a hub, a typical entity, ...)."""

    stats: SynthStats
    quads: int
    seconds: dict[str, float]
    params: dict[str, str]


def write_dataset(out: TextIO, n_claims: int, seed: int = 7, entities: int = 20_000, mentions: bool = True,
                  curation: bool = True, documents: bool = True) -> SynthResult:
    """Write the whole dataset as N-Quads to ``out``: document graphs (streamed, through ``kg.rdf``), then
    the assembled + curated KG graph, the curation graph and the ontology graph — what ``igfkg build``
    writes to its store, at the requested scale. ``documents=False`` leaves the document graphs out (a 1M-claim
    graph with them is ~140M quads: more than this harness can generate on 2 cores in minutes)."""
    from kg import rdf
    from kg.assembly import assemble
    from kg.curation import replay
    from kg.ontology import load_lexicon

    lexicon = load_lexicon()
    vocab = vocabulary(entities, seed, lexicon)
    stats = SynthStats()
    seconds: dict[str, float] = {}
    n = 0

    def stream() -> Iterator[DocumentExtraction]:
        nonlocal n
        buf: list[str] = []
        for ex in extractions(n_claims, seed, entities, mentions, vocab, stats):
            if not documents:
                yield ex
                continue
            for q in itertools.chain(rdf.document_quads(ex.document), rdf.extraction_quads(ex, mentions=mentions)):
                buf.append(rdf.nquad(q))
            if len(buf) > 50_000:
                n += len(buf)
                out.write("".join(buf))
                buf.clear()
            yield ex
        n += len(buf)
        out.write("".join(buf))

    t0 = time.perf_counter()
    assembled = assemble(stream())
    seconds["documents+assembly"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    decisions = decisions_for(assembled, seed) if curation else []
    claims = replay(assembled, decisions).all_claims
    seconds["curation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    curies = {c for ac in claims for c in (ac.claim.subject.curie, ac.claim.object.curie)}
    terms = {c: t for c in sorted(curies) if (t := lexicon.term(c)) is not None}
    buf: list[str] = []
    from kg.ranking import index_quads

    claims = list(claims)
    for q in itertools.chain(rdf.assembled_quads(claims, terms), index_quads(claims, terms),
                             rdf.curation_quads(decisions), rdf.ontology_quads()):
        buf.append(rdf.nquad(q))
        if len(buf) > 50_000:
            n += len(buf)
            out.write("".join(buf))
            buf.clear()
    n += len(buf)
    out.write("".join(buf))
    seconds["kg_graph"] = time.perf_counter() - t0
    return SynthResult(stats, n, seconds, query_params(claims, vocab))


def query_params(claims: list[AssembledClaim], vocab: Vocabulary) -> dict[str, str]:
    """Parameters for the named queries: the top hub, a typical (median-degree) entity, a well-supported
    claim with citations to follow, a paper."""
    from collections import Counter

    degree: Counter[str] = Counter()
    for ac in claims:
        degree[ac.claim.subject.curie] += 1
        degree[ac.claim.object.curie] += 1
    ranked = degree.most_common()
    hub = ranked[0][0]
    typical = ranked[len(ranked) // 2][0]
    best = max(claims, key=lambda ac: (ac.supporting_papers, ac.id))
    paper = best.evidence[0].document_id if best.evidence else "pmid:80000000"
    activated = Counter(ac.claim.object.curie for ac in claims
                        if ac.claim.predicate in (Predicate.ACTIVATES, Predicate.PHOSPHORYLATES))
    return {"hub": hub, "hub_degree": str(ranked[0][1]), "typical": typical,
            "typical_degree": str(ranked[len(ranked) // 2][1]), "claim": best.id,
            "claim_papers": str(best.supporting_papers), "paper": paper,
            "activated_hub": activated.most_common(1)[0][0] if activated else hub}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-mentions", action="store_true", help="leave mentions out of the document graphs")
    parser.add_argument("--kg-only", action="store_true", help="leave the document graphs out")
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write")
    args = parser.parse_args()
    t0 = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as fh:
        res = write_dataset(fh, args.claims, args.seed, args.entities, not args.no_mentions,
                            documents=not args.kg_only)
    print(json.dumps({"claims": res.stats.claims, "evidence": res.stats.evidence, "documents": res.stats.documents,
                      "mentions": res.stats.mentions, "quads": res.quads, "seconds": round(time.perf_counter() - t0, 1),
                      "steps": {k: round(v, 1) for k, v in res.seconds.items()}, "params": res.params}, indent=1))


if __name__ == "__main__":
    main()
