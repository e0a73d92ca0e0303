"""The shared data model: content-hash IDs are stable and JSON round-trips are exact."""

from __future__ import annotations

from hypothesis import given, strategies as st

from kg.model import (Claim, Concept, Context, Curation, Decision, Document, EntityType, Evidence,
                      Predicate, Section, content_hash, from_dict, to_dict, to_json)

IGF1 = Concept("HGNC:5464", "IGF1", EntityType.GENE)
IGF1R = Concept("HGNC:5465", "IGF1R", EntityType.GENE)


def test_claim_id_is_pinned() -> None:
    # A literal value: if this changes, every stored claim ID and every curation decision breaks.
    claim = Claim(IGF1, Predicate.ACTIVATES, IGF1R)
    assert claim.id == "4173ed262e5c6153"
    assert content_hash("a", 1, True, None) == content_hash("a", 1, True, None)


def test_claim_id_ignores_labels_and_orders_symmetric_arguments() -> None:
    a = Claim(IGF1, Predicate.BINDS, IGF1R)
    b = Claim(Concept("HGNC:5465", "other label"), Predicate.BINDS, Concept("HGNC:5464"))
    assert a.id == b.id
    assert Claim(IGF1, Predicate.ACTIVATES, IGF1R).id != Claim(IGF1R, Predicate.ACTIVATES, IGF1).id


def test_negation_and_context_change_the_id() -> None:
    base = Claim(IGF1, Predicate.ACTIVATES, IGF1R)
    assert base.id != Claim(IGF1, Predicate.ACTIVATES, IGF1R, negated=True).id
    assert base.id != Claim(IGF1, Predicate.ACTIVATES, IGF1R, context=Context(cell_type="MESH:D014411")).id


def test_document_text_and_sections() -> None:
    doc = Document(id="pmid:1", title="T", abstract=(Section("Aa.", "BACKGROUND"), Section("Bb.", "RESULTS")))
    assert doc.text == "T\nAa.\nBb."
    assert doc.section_at(doc.text.index("Bb")) == "results"
    assert doc.section_at(0) == "title"


curies = st.sampled_from(["HGNC:5464", "HGNC:5465", "FPLX:IGFBP", "MESH:D014411", "GO:0008283"])
claims = st.builds(
    Claim,
    subject=st.builds(Concept, curie=curies, label=st.text(max_size=5), type=st.sampled_from(EntityType)),
    predicate=st.sampled_from(Predicate),
    object=st.builds(Concept, curie=curies, label=st.text(max_size=5), type=st.sampled_from(EntityType)),
    negated=st.booleans(),
    context=st.builds(Context, cell_type=st.none() | curies, disease=st.none() | curies),
)


@given(claims)
def test_claim_json_round_trip(claim: Claim) -> None:
    assert from_dict(Claim, to_dict(claim)) == claim


@given(claims, st.integers(0, 500), st.integers(0, 500))
def test_evidence_round_trip(claim: Claim, a: int, b: int) -> None:
    ev = Evidence(claim.id, "pmid:1", "s", a, a + b, (a, a + 1), (b, b + 1), None, rule="r", confidence=0.7)
    again = from_dict(Evidence, to_dict(ev))
    assert again == ev and again.id == ev.id


def test_curation_with_correction_round_trips() -> None:
    corrected = Claim(IGF1, Predicate.INHIBITS, IGF1R)
    cur = Curation("abc", Decision.CORRECTED, "0000-0002-1825-0097", "2026-01-01T00:00:00Z", corrected=corrected)
    assert from_dict(Curation, to_dict(cur)) == cur
    assert '"decision":"corrected"' in to_json(cur)
