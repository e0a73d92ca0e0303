"""Replay invariants over arbitrary claims and decision logs (hypothesis): no decision is ever lost, the
result does not depend on input order, and statuses follow the latest status decision."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from kg.curation import STATUS_DECISIONS, make_decision, parse_timestamp, replay
from kg.model import (AssembledClaim, Certainty, Claim, Concept, CurationStatus, Decision, EntityType, ErrorTag,
                      Predicate)

from test_curation_support import assembled

CONCEPTS = [Concept(c, c, EntityType.GENE) for c in ("HGNC:5464", "HGNC:5465", "HGNC:5466", "HGNC:391")]
claim_st = st.builds(Claim, subject=st.sampled_from(CONCEPTS), predicate=st.sampled_from(
    [Predicate.ACTIVATES, Predicate.INHIBITS, Predicate.BINDS]), object=st.sampled_from(CONCEPTS),
    negated=st.booleans())


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[AssembledClaim], list]:
    """A set of machine claims and a log about them, some of it about claims that do not exist."""
    plain = draw(st.lists(claim_st, min_size=1, max_size=6, unique_by=lambda c: c.id))
    claims = [assembled(c, *[f"pmid:{n}" for n in range(draw(st.integers(1, 3)))]) for c in plain]
    ghosts = draw(st.lists(claim_st, max_size=2))  # decisions about claims the build does not have
    decisions = []
    for n in range(draw(st.integers(0, 12))):
        target = draw(st.sampled_from(claims + [assembled(g, "pmid:99") for g in ghosts]))
        kind = draw(st.sampled_from(list(Decision)))
        ts = f"2026-01-01T00:{draw(st.integers(0, 5)):02d}:00Z"  # many ties: file order must break them
        if kind is Decision.ACCEPTED:
            d = make_decision(target, kind, "c", timestamp=ts)
        elif kind is Decision.REJECTED:
            d = make_decision(target, kind, "c", error_tag=draw(st.sampled_from(list(ErrorTag))), timestamp=ts)
        elif kind is Decision.NOTE:
            d = make_decision(target, kind, "c", note=f"note {n}", timestamp=ts)
        elif kind is Decision.EVIDENCE_REJECTED:
            d = make_decision(target, kind, "c", error_tag=ErrorTag.OTHER, timestamp=ts,
                              evidence_id=draw(st.sampled_from([e.id for e in target.evidence])))
        else:
            fixed = draw(claim_st.filter(lambda c: c.id != target.id))
            d = make_decision(target, kind, "c", corrected=fixed, timestamp=ts,
                              certainty=draw(st.none() | st.sampled_from(list(Certainty))))
        decisions.append(d)
    return claims, decisions


@settings(max_examples=300, deadline=None)
@given(worlds(), st.randoms())
def test_no_decision_is_lost_and_order_does_not_matter(world, rnd) -> None:  # type: ignore[no-untyped-def]
    claims, decisions = world
    result = replay(claims, decisions)
    # every decision ends up in exactly one place: on a claim's history, or in the orphan report
    attached = [d for c in result.all_claims for d in c.curations]
    orphaned = [o.curation for o in result.orphaned]
    assert sorted(map(id, attached + orphaned)) == sorted(map(id, decisions))
    # the curated view has one node per claim ID, and nothing curated is candidate
    ids = [c.id for c in result.claims]
    assert len(ids) == len(set(ids))
    assert all(c.belief == 1.0 for c in result.claims if c.status is CurationStatus.ACCEPTED)
    assert all(c.belief == 0.0 for c in result.claims if c.status is CurationStatus.REJECTED)
    for c in result.claims:
        own = [d for d in c.curations if d.decision in STATUS_DECISIONS and d.claim_id == c.id]
        if own and c.corrects is None:
            position = {id(d): n for n, d in enumerate(decisions)}
            latest = max(own, key=lambda d: (parse_timestamp(d.timestamp), position[id(d)]))
            assert c.status.value == latest.decision.value
    # the machine claims' order does not matter
    shuffled = list(claims)
    rnd.shuffle(shuffled)
    again = replay(shuffled, decisions)
    assert sorted(again.claims, key=lambda c: c.id) == sorted(result.claims, key=lambda c: c.id)
    assert [o.curation for o in again.orphaned] == orphaned
