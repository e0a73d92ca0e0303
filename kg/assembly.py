"""Assembly: merge the evidence of identical claims across documents, score belief, mark conflicts.

Why: the same claim is extracted from many papers (and many times from one paper); a curator and a
query want one node per claim with its support summarised. Claim IDs are content hashes
(:attr:`kg.model.Claim.id`), so merging is grouping by ID.

Belief (documented in ``docs/graph.md``), INDRA-style noisy-OR over *papers*:

* each piece of evidence has a probability ``p = clamp(confidence, 0, 1) × w(certainty)`` with
  ``w = {asserted: 1.0, contested: 0.5, hedged: 0.6, hypothesis: 0.3}`` — hedged evidence counts less;
* each paper contributes only its best piece of evidence (evidence from the same paper counts once);
* ``belief = 1 − Π_papers (1 − p_paper)``, rounded to 6 decimals so the value (and the RDF) is stable.

Conflicts: two claims with the same *unordered* argument pair and compatible context (equal, or one of
them without context) contradict each other when they have opposite polarity (activates vs. inhibits) with
the same negation, or the same predicate with opposite negation (asserted vs. negated). A conflict only
counts when the two are supported by *different* papers (one paper stating both is nuance, not dispute).
Conflicting claims get ``certainty = CONTESTED``; ``contradicting_papers`` counts the distinct papers that
support a conflicting claim and not this one.

Curator decisions are applied afterwards (``kg.curation.replay``) and override belief there.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Sequence

from kg.model import AssembledClaim, Certainty, Claim, Context, DocumentExtraction, Evidence

log = logging.getLogger(__name__)

#: weight of a piece of evidence by how firmly its sentence states the claim
CERTAINTY_WEIGHT: dict[Certainty, float] = {
    Certainty.ASSERTED: 1.0,
    Certainty.CONTESTED: 0.5,
    Certainty.HEDGED: 0.6,
    Certainty.HYPOTHESIS: 0.3,
}
#: firmest first: a claim's certainty is the firmest among its evidence
CERTAINTY_RANK: list[Certainty] = [Certainty.ASSERTED, Certainty.CONTESTED, Certainty.HEDGED, Certainty.HYPOTHESIS]

Ancestors = Callable[[str], Iterable[str]]


def evidence_probability(evidence: Evidence) -> float:
    """The probability one piece of evidence gives its claim (confidence discounted by certainty)."""
    return max(0.0, min(1.0, float(evidence.confidence))) * CERTAINTY_WEIGHT.get(evidence.certainty, 0.5)


def belief(evidence: Iterable[Evidence]) -> tuple[float, int]:
    """(belief, number of supporting papers): noisy-OR over papers of each paper's best evidence."""
    best: dict[str, float] = {}
    for e in evidence:
        p = evidence_probability(e)
        if p > best.get(e.document_id, -1.0):
            best[e.document_id] = p
    disbelief = 1.0
    for p in best.values():
        disbelief *= 1.0 - p
    return (round(1.0 - disbelief, 6) if best else 0.0), len(best)


def firmest(evidence: Iterable[Evidence], default: Certainty = Certainty.ASSERTED) -> Certainty:
    """The firmest certainty among ``evidence``."""
    return min((e.certainty for e in evidence), key=CERTAINTY_RANK.index, default=default)


def assemble(extractions: Iterable[DocumentExtraction] | Iterable[tuple[Claim, Evidence]], *,
             refine_families: bool = False, ancestors: Ancestors | None = None) -> list[AssembledClaim]:
    """Merge evidence by claim ID, score belief, find conflicts; claims sorted by ID (deterministic).

    ``extractions`` is a stream of :class:`DocumentExtraction` (the pipeline's unit) or of
    ``(claim, evidence)`` pairs. With ``refine_families`` a claim about a family member also supports
    an existing family-level claim (IGFBP3 → IGFBP family), using ``ancestors`` (default: the lexicon's
    ``ancestors``).
    """
    claims: dict[str, Claim] = {}
    evidence: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for claim, ev in _pairs(extractions):
        cid = claim.id
        claims.setdefault(cid, claim)
        if ev is not None:
            evidence[cid].setdefault(ev.id, ev)
    assembled = {cid: _score(claims[cid], tuple(sorted(evidence[cid].values(), key=_evidence_key)))
                 for cid in sorted(claims)}
    if refine_families:
        assembled = _refine(assembled, ancestors or _lexicon_ancestors())
    return _mark_conflicts(list(assembled.values()))


def rescore(claim: AssembledClaim, evidence: Sequence[Evidence]) -> AssembledClaim:
    """``claim`` with belief, paper count and certainty recomputed from ``evidence`` (used by curation
    replay after a curator rejects a piece of evidence); a contested claim stays contested."""
    evidence = tuple(evidence)
    score, papers = belief(evidence)
    certainty = Certainty.CONTESTED if claim.conflicts else firmest(evidence, claim.certainty)
    return replace(claim, evidence=evidence, belief=score, supporting_papers=papers, certainty=certainty)


# --------------------------------------------------------------------------------------------- internals


def _pairs(items: Iterable[DocumentExtraction] | Iterable[tuple[Claim, Evidence]]
           ) -> Iterator[tuple[Claim, Evidence | None]]:
    for item in items:
        if isinstance(item, DocumentExtraction):
            by_id = {c.id: c for c in item.claims}
            seen: set[str] = set()
            for e in item.evidence:
                claim = by_id.get(e.claim_id)
                if claim is None:
                    log.warning("%s: evidence %s names claim %s that the extraction does not contain; skipped",
                                item.document.id, e.id, e.claim_id)
                    continue
                seen.add(claim.id)
                yield claim, e
            for cid, claim in by_id.items():
                if cid not in seen:
                    yield claim, None
        else:
            claim, ev = item
            yield claim, ev


def _evidence_key(e: Evidence) -> tuple[str, int, int, str]:
    return (e.document_id, e.sentence_start, e.sentence_end, e.id)


def _score(claim: Claim, evidence: tuple[Evidence, ...]) -> AssembledClaim:
    score, papers = belief(evidence)
    return AssembledClaim(claim=claim, evidence=evidence, belief=score, supporting_papers=papers,
                          certainty=firmest(evidence))


def _lexicon_ancestors() -> Ancestors:
    try:
        from kg.lexicon import load_lexicon
    except ImportError:  # pragma: no cover - the lexicon ships with the package
        try:
            from kg.ontology import load_lexicon  # type: ignore[no-redef]
        except ImportError:
            return lambda curie: ()
    lexicon = load_lexicon()
    return lexicon.ancestors


def _refine(assembled: dict[str, AssembledClaim], ancestors: Ancestors) -> dict[str, AssembledClaim]:
    """Add each member claim's evidence to the existing family-level claims it specialises."""
    extra: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for member in assembled.values():
        c = member.claim
        subjects = [c.subject.curie, *ancestors(c.subject.curie)]
        objects = [c.object.curie, *ancestors(c.object.curie)]
        for s in subjects:
            for o in objects:
                if (s, o) == (c.subject.curie, c.object.curie):
                    continue
                general = replace(c, subject=replace(c.subject, curie=s), object=replace(c.object, curie=o))
                target = assembled.get(general.id)
                if target is not None:
                    for e in member.evidence:
                        extra[target.id].setdefault(e.id, e)
    out = dict(assembled)
    for cid, evs in extra.items():
        own = {e.id: e for e in out[cid].evidence}
        merged = tuple(sorted({**evs, **own}.values(), key=_evidence_key))
        out[cid] = _score(out[cid].claim, merged)
    return out


def _contexts_compatible(a: Context, b: Context) -> bool:
    return a == b or a.is_empty() or b.is_empty()


def contradicts(a: Claim, b: Claim) -> bool:
    """Do two claims about the same unordered pair say opposite things?"""
    if a.pair != b.pair or not _contexts_compatible(a.context, b.context):
        return False
    if a.predicate == b.predicate:
        return a.negated != b.negated
    return a.negated == b.negated and a.predicate.polarity * b.predicate.polarity == -1


def _mark_conflicts(claims: list[AssembledClaim]) -> list[AssembledClaim]:
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, ac in enumerate(claims):
        by_pair[ac.claim.pair].append(i)
    conflicts: dict[int, set[int]] = defaultdict(set)
    for members in by_pair.values():
        if len(members) < 2:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                a, b = claims[i], claims[j]
                if not contradicts(a.claim, b.claim):
                    continue
                docs_a = {e.document_id for e in a.evidence}
                docs_b = {e.document_id for e in b.evidence}
                if any(da != db for da in docs_a for db in docs_b):
                    conflicts[i].add(j)
                    conflicts[j].add(i)
    out = []
    for i, ac in enumerate(claims):
        if i not in conflicts:
            out.append(ac)
            continue
        own = {e.document_id for e in ac.evidence}
        others = {e.document_id for j in conflicts[i] for e in claims[j].evidence} - own
        out.append(replace(ac, conflicts=tuple(sorted(claims[j].id for j in conflicts[i])),
                           contradicting_papers=len(others), certainty=Certainty.CONTESTED))
    return out
