"""Assembly: evidence merged by claim ID, belief per paper, hedging discount, conflicts, family refinement."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import AKT1, IGF1, IGF1R, IGFBP, IGFBP3, extractions  # noqa: E402

from kg.assembly import assemble, belief, contradicts, rescore  # noqa: E402
from kg.model import Certainty, Claim, Concept, Context, Evidence, Predicate  # noqa: E402


def _ev(claim: Claim, doc: str, start: int = 0, confidence: float = 0.8,
        certainty: Certainty = Certainty.ASSERTED) -> Evidence:
    return Evidence(claim.id, doc, "s", start, start + 10, (start, start + 2), (start + 5, start + 7),
                    certainty=certainty, confidence=confidence)


def by_text(claims):  # type: ignore[no-untyped-def]
    return {(c.claim.subject.label, c.claim.predicate.value, c.claim.object.label): c for c in claims}


def test_merges_evidence_across_documents_and_counts_papers_once() -> None:
    claims = by_text(assemble(extractions()))
    act = claims[("IGF1R", "activates", "AKT1")]
    assert len(act.evidence) == 3  # 2 sentences in 38865036 (one hedged) + 1 in 1002
    assert act.supporting_papers == 2
    # per paper the best evidence: 0.8 (asserted beats hedged 0.7*0.6) in both → 1 - 0.2*0.2
    assert act.belief == pytest.approx(0.96)


def test_belief_formula_hedging_and_same_paper() -> None:
    c = Claim(IGF1R, Predicate.ACTIVATES, AKT1)
    assert belief([_ev(c, "pmid:1")]) == (0.8, 1)
    assert belief([_ev(c, "pmid:1", certainty=Certainty.HEDGED)]) == (pytest.approx(0.48), 1)
    assert belief([_ev(c, "pmid:1", certainty=Certainty.HYPOTHESIS)])[0] == pytest.approx(0.24)
    # the same paper twice counts once; a second paper raises belief
    assert belief([_ev(c, "pmid:1"), _ev(c, "pmid:1", 50)]) == (0.8, 1)
    assert belief([_ev(c, "pmid:1"), _ev(c, "pmid:2")]) == (pytest.approx(0.96), 2)
    assert belief([]) == (0.0, 0)
    assert belief([_ev(c, "pmid:1", confidence=7.0)])[0] == 1.0  # clamped


def test_assembled_claims_are_sorted_and_deterministic() -> None:
    a = assemble(extractions())
    b = assemble(list(reversed(extractions())))
    assert a == b
    assert [c.id for c in a] == sorted(c.id for c in a)


def test_pairs_input_equals_extraction_input() -> None:
    exs = extractions()
    pairs = [(next(c for c in ex.claims if c.id == e.claim_id), e) for ex in exs for e in ex.evidence]
    assert assemble(pairs) == assemble(exs)


def test_opposite_polarity_in_different_papers_is_a_conflict() -> None:
    claims = by_text(assemble(extractions()))
    act, inh = claims[("IGF1R", "activates", "AKT1")], claims[("IGF1R", "inhibits", "AKT1")]
    assert act.conflicts == (inh.id,) and inh.conflicts == (act.id,)
    assert act.certainty is inh.certainty is Certainty.CONTESTED
    assert act.contradicting_papers == 1 and inh.contradicting_papers == 2
    assert claims[("IGF1", "binds", "IGF1R")].conflicts == ()


def test_negation_conflicts_and_same_paper_does_not() -> None:
    pos = Claim(IGF1R, Predicate.ACTIVATES, AKT1)
    neg = replace(pos, negated=True)
    assert contradicts(pos, neg)
    assert not contradicts(pos, Claim(IGF1R, Predicate.BINDS, AKT1))
    # reversed argument order is the same unordered pair
    assert contradicts(pos, Claim(AKT1, Predicate.INHIBITS, IGF1R))
    # incompatible contexts do not conflict; an empty context is compatible with any
    csc = Context(cell_type="MESH:D014411")
    assert not contradicts(replace(pos, context=csc), replace(neg, context=Context(cell_type="CL:0000034")))
    assert contradicts(replace(pos, context=csc), neg)
    same_paper = assemble([(pos, _ev(pos, "pmid:1")), (neg, _ev(neg, "pmid:1", 40))])
    assert all(not c.conflicts for c in same_paper)
    two_papers = assemble([(pos, _ev(pos, "pmid:1")), (neg, _ev(neg, "pmid:2"))])
    assert all(c.conflicts and c.certainty is Certainty.CONTESTED for c in two_papers)


def test_family_refinement_is_optional() -> None:
    plain = by_text(assemble(extractions()))
    family = plain[("IGFBP", "binds", "IGF1")]
    assert family.supporting_papers == 1
    parents = {IGFBP3.curie: [IGFBP.curie]}
    refined = by_text(assemble(extractions(), refine_families=True, ancestors=lambda c: parents.get(c, [])))
    member = refined[("IGFBP3", "binds", "IGF1")]
    fam = refined[("IGFBP", "binds", "IGF1")]
    assert {e.id for e in member.evidence} <= {e.id for e in fam.evidence}
    assert fam.belief > family.belief
    assert member == plain[("IGFBP3", "binds", "IGF1")]  # the member claim is unchanged


def test_family_refinement_with_the_project_lexicon() -> None:
    pytest.importorskip("kg.lexicon")
    refined = by_text(assemble(extractions(), refine_families=True))
    assert len(refined[("IGFBP", "binds", "IGF1")].evidence) == 2


def test_rescore_recomputes_support() -> None:
    act = by_text(assemble(extractions()))[("IGF1R", "activates", "AKT1")]
    one = rescore(act, act.evidence[:1])
    assert one.supporting_papers == 1 and one.belief < act.belief
    assert one.certainty is Certainty.CONTESTED  # still in conflict


def test_evidence_for_unknown_claim_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    ex = extractions()[0]
    ghost = Claim(Concept("HGNC:1", "A1BG"), Predicate.BINDS, IGF1)
    bad = replace(ex, evidence=(*ex.evidence, _ev(ghost, ex.document.id)))
    claims = assemble([bad])
    assert ghost.id not in {c.id for c in claims}
    assert "does not contain" in caplog.text
