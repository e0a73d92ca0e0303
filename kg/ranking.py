"""The read index: which claims each ranked named query shows first, precomputed at assembly.

Why: a SPARQL engine cannot read "the 200 strongest claims about AKT" off an index; it must fetch the
belief of all of AKT's claims and sort them (15,000 claims at 100k, 150,000 at 1M: seconds). The build
already holds every assembled claim in memory, so it ranks them once and writes the result as a few
triples per claim into their own named graph (``vocab.GRAPH_INDEX``); the named queries start from those
triples, and their ``*-all`` twins rank at query time for limits beyond what the index covers.

Everything here is derived from the KG graph (same claims, same order as the queries' ``ORDER BY``), so it
is rewritten whenever the KG graph is: by ``igfkg build``, by ``igfkg curate`` (whole graph) and by
``igfkg serve`` after a curation click (only the triples that changed: :func:`index_delta`).

Triples (all in the index graph, subject = the claim):

* ``igfkg:topClaimOf <entity>``        — among the entity's :data:`TOP_CLAIMS` strongest claims (as subject
  or object; belief descending, then claim IRI) — ``claims-about``
* ``igfkg:topActivationOf <entity>``   — among the :data:`TOP_ACTIVATIONS` strongest non-negated, non-rejected
  activating claims with the entity as object (belief, papers, IRI) — ``what-activates``
* ``igfkg:topConflictWith <claim>``    — one of the :data:`TOP_CONFLICTS` best-supported conflicting pairs
  (the lower IRI first; papers of both, then IRIs) — ``contradictions``
* ``igfkg:inListing igfkg:mostSupportedListing`` — the :data:`TOP_SUPPORTED` non-rejected claims with the
  most papers (then belief, IRI) — ``most-supported``
* ``igfkg:inListing igfkg:stemnessListing`` — the :data:`TOP_STEMNESS` strongest non-rejected regulation
  claims about stemness (stem-cell GO/CL/MeSH objects, stemness words in the object's label, or a cancer
  stem cell context) — ``stemness-regulators``
* ``igfkg:inListing igfkg:igfAxisDrugListing`` — every non-rejected claim of a drug or antibody about an
  IGF-axis gene or the IGFBP family — ``igf-axis-drugs``

and for evidence (subject = the evidence):

* ``igfkg:leadEvidenceOf <claim>`` — one of the claim's :data:`LEAD_EVIDENCE` leading sentences (asserted
  before hedged, then confidence, document, position) — the sentences ``claims-about`` shows per claim
  (a claim from 60 papers has 60; ``claim-evidence`` lists them all)
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from typing import Any, Iterable, Iterator, Mapping, Sequence

from kg import vocab
from kg.model import AssembledClaim, Certainty, CurationStatus, EntityType, Predicate

Quad = tuple[str, str, str, str]

TOP_CLAIMS = 200
TOP_ACTIVATIONS = 200
TOP_CONFLICTS = 500
TOP_SUPPORTED = 50
TOP_STEMNESS = 500
LEAD_EVIDENCE = 3

_O = vocab.ONTOLOGY
TOP_CLAIM_OF, TOP_ACTIVATION_OF, TOP_CONFLICT_WITH, IN_LISTING, LEAD_EVIDENCE_OF = (
    f"<{_O}{n}>" for n in ("topClaimOf", "topActivationOf", "topConflictWith", "inListing", "leadEvidenceOf"))
MOST_SUPPORTED, STEMNESS, IGF_AXIS_DRUGS = (
    f"<{_O}{n}>" for n in ("mostSupportedListing", "stemnessListing", "igfAxisDrugListing"))

ACTIVATING = frozenset({Predicate.ACTIVATES, Predicate.POSITIVELY_REGULATES, Predicate.INCREASES_EXPRESSION,
                        Predicate.INCREASES_AMOUNT, Predicate.PHOSPHORYLATES})
REGULATING = frozenset({Predicate.ACTIVATES, Predicate.INHIBITS, Predicate.POSITIVELY_REGULATES,
                        Predicate.NEGATIVELY_REGULATES, Predicate.INCREASES_EXPRESSION,
                        Predicate.DECREASES_EXPRESSION, Predicate.INCREASES_AMOUNT, Predicate.DECREASES_AMOUNT,
                        Predicate.REQUIRED_FOR})
#: stem-cell terms: GO stem cell population maintenance, stem cell proliferation/differentiation, germ-line
#: stem cell population maintenance, cancer stem cell (MeSH Neoplastic Stem Cells, CL stem cell)
STEM_TERMS = frozenset({"GO:0019827", "GO:0035019", "GO:0072089", "GO:0048863", "GO:0017145", "GO:0098727",
                        "MESH:D014411", "CL:0000034"})
CSC_CONTEXTS = frozenset({"MESH:D014411", "CL:0000034"})
STEMNESS_WORDS = re.compile(r"stem|self-renew|sphere formation|pluripoten|dedifferentiat", re.IGNORECASE)
#: IGF1, IGF2, IGF1R, IGF2R, INSR, IGFBP1–7, IGFALS, IRS1, IRS2, and the IGFBP family
IGF_AXIS = frozenset({"HGNC:5464", "HGNC:5466", "HGNC:5465", "HGNC:5467", "HGNC:6091", "HGNC:5468", "HGNC:5469",
                      "HGNC:5471", "HGNC:5472", "HGNC:5473", "HGNC:5474", "HGNC:5475", "HGNC:5476", "HGNC:6125",
                      "HGNC:6126", "FPLX:IGFBP"})
DRUG_TYPES = frozenset({EntityType.DRUG, EntityType.ANTIBODY})


def _claim(claim_id: str) -> str:
    return f"<{vocab.CLAIM}{claim_id}>"


def _entity(curie: str) -> str:
    from kg.rdf import entity_iri

    return f"<{entity_iri(curie)}>"


def _strongest(claims: Iterable[AssembledClaim], k: int) -> list[AssembledClaim]:
    """Belief descending, then claim IRI ascending (the claim IRIs share one prefix: the ID decides)."""
    return heapq.nsmallest(k, claims, key=lambda ac: (-ac.belief, ac.claim.id))


def lead_evidence(ac: AssembledClaim) -> list[Any]:
    """The sentences shown first for a claim: asserted before hedged, then the extractor's confidence, then
    document and position (deterministic)."""
    return heapq.nsmallest(LEAD_EVIDENCE, ac.evidence, key=lambda ev: (
        ev.certainty is not Certainty.ASSERTED, -ev.confidence, ev.document_id, ev.sentence_start, ev.id))


def _rejected(ac: AssembledClaim) -> bool:
    return ac.status is CurationStatus.REJECTED


def _labels(claims: Sequence[AssembledClaim], terms: Mapping[str, Any] | None) -> dict[str, set[str]]:
    """Every ``rdfs:label`` the KG graph gives a claim object (the concepts' labels and the lexicon term's):
    what the stemness test reads. A label given by a subject position matters only if the entity is also an
    object somewhere, so subjects are read only for entities already seen as objects."""
    out: dict[str, set[str]] = defaultdict(set)
    for ac in claims:
        concept = ac.claim.object
        names = out[concept.curie]  # an object without a label is still an object (the IRI is tested)
        if concept.label:
            names.add(concept.label)
    for ac in claims:
        concept = ac.claim.subject
        if concept.label and concept.curie in out:
            out[concept.curie].add(concept.label)
    for curie in list(out) if terms else ():
        term = terms.get(curie)
        if term is not None and getattr(term, "label", None):
            out[curie].add(term.label)
    return out


def is_stemness(ac: AssembledClaim, labels: Mapping[str, set[str]]) -> bool:
    """Does this claim say something regulates stemness (what ``stemness-regulators`` lists)?"""
    claim = ac.claim
    if claim.predicate not in REGULATING or _rejected(ac):
        return False
    obj = claim.object.curie
    if obj in STEM_TERMS or claim.context.cell_type in CSC_CONTEXTS:
        return True
    from kg.rdf import entity_iri

    names = labels.get(obj) or {entity_iri(obj)}
    return any(STEMNESS_WORDS.search(n) for n in names)


def index_quads(claims: Sequence[AssembledClaim], terms: Mapping[str, Any] | None = None, *,
                graph: str | None = None, entities: set[str] | None = None, lead_claims: set[str] | None = None,
                stemness: set[str] | None = None) -> Iterator[Quad]:
    """The read index of ``claims`` (the KG graph's claims, as ``kg.rdf.assembled_quads`` gets them).
    For a partial update (:func:`index_delta`): ``entities`` limits the per-entity rankings, ``lead_claims``
    the claims whose leading evidence is written, and ``stemness`` gives the stemness claim IDs already
    decided (the global listings are always complete)."""
    g = "<" + (graph or vocab.GRAPH_INDEX) + ">"
    about: dict[str, list[AssembledClaim]] = defaultdict(list)
    activations: dict[str, list[AssembledClaim]] = defaultdict(list)
    by_id = {ac.claim.id: ac for ac in claims}
    for ac in claims:
        s, o = ac.claim.subject.curie, ac.claim.object.curie
        if entities is None or s in entities:
            about[s].append(ac)
        if o != s and (entities is None or o in entities):
            about[o].append(ac)
        if ac.claim.predicate in ACTIVATING and not ac.claim.negated and not _rejected(ac) \
                and (entities is None or o in entities):
            activations[o].append(ac)
    from kg.rdf import evidence_iri

    for ac in claims if lead_claims is None else (by_id[c] for c in sorted(lead_claims) if c in by_id):
        c = _claim(ac.claim.id)
        for ev in lead_evidence(ac):
            yield f"<{evidence_iri(ev.id)}>", LEAD_EVIDENCE_OF, c, g
    for curie in sorted(about):
        e = _entity(curie)
        for ac in _strongest(about[curie], TOP_CLAIMS):
            yield _claim(ac.claim.id), TOP_CLAIM_OF, e, g
    for curie in sorted(activations):
        e = _entity(curie)
        top = heapq.nsmallest(TOP_ACTIVATIONS, activations[curie],
                              key=lambda ac: (-ac.belief, -ac.supporting_papers, ac.claim.id))
        for ac in top:
            yield _claim(ac.claim.id), TOP_ACTIVATION_OF, e, g
    pairs = ((a.claim.id, b) for a in claims for b in a.conflicts if a.claim.id < b and b in by_id)
    for a, b in heapq.nsmallest(TOP_CONFLICTS, pairs, key=lambda p: (
            -(by_id[p[0]].supporting_papers + by_id[p[1]].supporting_papers), p[0], p[1])):
        yield _claim(a), TOP_CONFLICT_WITH, _claim(b), g
    kept = [ac for ac in claims if not _rejected(ac)]
    for ac in heapq.nsmallest(TOP_SUPPORTED, kept, key=lambda ac: (-ac.supporting_papers, -ac.belief, ac.claim.id)):
        yield _claim(ac.claim.id), IN_LISTING, MOST_SUPPORTED, g
    if stemness is None:
        labels = _labels(claims, terms)
        stemness = {ac.claim.id for ac in claims if is_stemness(ac, labels)}
    for ac in _strongest((by_id[c] for c in stemness if c in by_id), TOP_STEMNESS):
        yield _claim(ac.claim.id), IN_LISTING, STEMNESS, g
    for ac in kept:
        if ac.claim.object.curie in IGF_AXIS and ac.claim.subject.type in DRUG_TYPES:
            yield _claim(ac.claim.id), IN_LISTING, IGF_AXIS_DRUGS, g


def index_delta(before: Sequence[AssembledClaim], after: Sequence[AssembledClaim],
                terms: Mapping[str, Any] | None = None, *,
                touched: set[str] | None = None) -> tuple[list[Quad], list[Quad]]:
    """(removed, added) index quads between two versions of the claims: what a curation click changes.
    Only the entities of claims that changed can have different per-entity rankings and only those claims
    different leading evidence or stemness, so only theirs are recomputed (the global listings always are:
    one full pass per side, 1.55 s at 100k synthetic claims, BENCHMARKS.md *Serve*)."""
    old_by_id = {ac.claim.id: ac for ac in before}
    new_by_id = {ac.claim.id: ac for ac in after}
    if touched is None:  # the caller may know already (serve compares the two versions for its own update)
        touched = {cid for cid in old_by_id.keys() | new_by_id.keys() if old_by_id.get(cid) != new_by_id.get(cid)}
    entities = {curie for cid in touched for ac in (old_by_id.get(cid), new_by_id.get(cid)) if ac is not None
                for curie in (ac.claim.subject.curie, ac.claim.object.curie)}
    labels = _labels([*after, *(old_by_id[c] for c in touched if c in old_by_id)], terms)
    stem_after = {ac.claim.id for ac in after if is_stemness(ac, labels)}
    stem_before = (stem_after - touched) | {c for c in touched if c in old_by_id and is_stemness(old_by_id[c], labels)}
    old = set(index_quads(before, terms, entities=entities, lead_claims=touched, stemness=stem_before))
    new = set(index_quads(after, terms, entities=entities, lead_claims=touched, stemness=stem_after))
    return sorted(old - new), sorted(new - old)
