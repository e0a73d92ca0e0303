"""The read index (kg.ranking): the ranked named queries must return exactly what their ``*-all`` twins
(ranked at query time) return, on a synthetic graph whose hub has more claims than the index keeps; a
limit beyond the index runs the twin; a curation changes the index the way a full rebuild would."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
import kg_synth  # noqa: E402

from kg import query as q  # noqa: E402
from kg import ranking, rdf, vocab  # noqa: E402
from kg.model import CurationStatus  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, dict[str, str]]:
    """3,000 synthetic claims through kg.assembly/kg.rdf/kg.ranking (the hub has several hundred claims)."""
    buf = io.StringIO()
    result = kg_synth.write_dataset(buf, 3_000, entities=2_000, mentions=False)
    path = tmp_path_factory.mktemp("synth") / "kg.nq"
    path.write_text(buf.getvalue(), encoding="utf-8")
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "s")
    store.bulk_load(path, "nq")
    yield store, result.params
    store.close()


def _rows(result: q.Result) -> list[tuple]:
    return [tuple(str(v) for v in row) for row in result.rows]


def _claims(result: q.Result) -> list[str]:
    i = result.variables.index("claim")
    out: list[str] = []
    for row in result.rows:
        if row[i].value not in out:
            out.append(row[i].value)
    return out


def test_the_hub_has_more_claims_than_the_index_keeps(synth: tuple[EmbeddedStore, dict[str, str]]) -> None:
    _, params = synth
    assert int(params["hub_degree"]) > ranking.TOP_CLAIMS


@pytest.mark.parametrize("limit", ["1", "17", "200"])
@pytest.mark.parametrize("which", ["hub", "typical"])
def test_claims_about_equals_its_query_time_twin(synth: tuple[EmbeddedStore, dict[str, str]], which: str,
                                                 limit: str) -> None:
    store, params = synth
    args = {"entity": params[which], "limit": limit}
    fast = q.run_named(store, "claims-about", args)
    slow = q.run_named(store, "claims-about-all", args)
    assert fast.rows and _rows(fast) == _rows(slow)
    assert len(_claims(fast)) == min(int(limit), int(params[f"{which}_degree"]))


def test_a_limit_beyond_the_index_runs_the_twin(synth: tuple[EmbeddedStore, dict[str, str]]) -> None:
    store, params = synth
    more = q.run_named(store, "claims-about", {"entity": params["hub"], "limit": "400"})
    assert len(_claims(more)) == min(400, int(params["hub_degree"])) > ranking.TOP_CLAIMS
    assert _rows(more) == _rows(q.run_named(store, "claims-about-all", {"entity": params["hub"], "limit": "400"}))


@pytest.mark.parametrize("limit", ["3", "200"])
def test_what_activates_equals_its_twin(synth: tuple[EmbeddedStore, dict[str, str]], limit: str) -> None:
    store, params = synth
    args = {"target": params["activated_hub"], "limit": limit}
    fast = q.run_named(store, "what-activates", args)
    assert fast.rows and _rows(fast) == _rows(q.run_named(store, "what-activates-all", args))


@pytest.mark.parametrize("name,limit", [("contradictions", "7"), ("contradictions", "500"),
                                        ("stemness-regulators", "9"), ("stemness-regulators", "500")])
def test_global_rankings_equal_their_twins(synth: tuple[EmbeddedStore, dict[str, str]], name: str,
                                           limit: str) -> None:
    store, _ = synth
    fast = q.run_named(store, name, {"limit": limit})
    assert fast.rows and _rows(fast) == _rows(q.run_named(store, f"{name}-all", {"limit": limit}))


def _kg_claims(store: EmbeddedStore) -> list:
    return rdf.assembled_from_quads(store.quads(vocab.GRAPH_KG))


def test_most_supported_and_igf_axis_drugs_match_their_definition(
        synth: tuple[EmbeddedStore, dict[str, str]]) -> None:
    store, _ = synth
    claims = [c for c in _kg_claims(store) if c.status is not CurationStatus.REJECTED]
    best = sorted(claims, key=lambda c: (-c.supporting_papers, -c.belief, c.id))[:50]
    assert _claims(q.run_named(store, "most-supported")) == [rdf.claim_iri(c.id) for c in best]
    drugs = {rdf.claim_iri(c.id) for c in claims
             if c.claim.object.curie in ranking.IGF_AXIS and c.claim.subject.type in ranking.DRUG_TYPES}
    assert drugs and set(_claims(q.run_named(store, "igf-axis-drugs"))) == drugs


def test_the_index_follows_a_curation_like_a_rebuild(synth: tuple[EmbeddedStore, dict[str, str]]) -> None:
    import dataclasses

    store, params = synth
    before = _kg_claims(store)
    hub = params["hub"]
    about = [c for c in before if hub in (c.claim.subject.curie, c.claim.object.curie)]
    weakest = min(about, key=lambda c: (c.belief, c.id))  # outside the hub's top 200
    strongest = max(about, key=lambda c: (c.belief, c.id))
    accepted = dataclasses.replace(weakest, belief=1.0, status=CurationStatus.ACCEPTED)
    rejected = dataclasses.replace(strongest, belief=0.0, status=CurationStatus.REJECTED)
    after = [accepted if c.id == weakest.id else rejected if c.id == strongest.id else c for c in before]
    dropped, added = ranking.index_delta(before, after)
    node = f"<{vocab.CLAIM}{weakest.id}>"
    assert (node, ranking.TOP_CLAIM_OF, f"<{rdf.entity_iri(hub)}>", f"<{vocab.GRAPH_INDEX}>") in added
    rebuilt = set(ranking.index_quads(before)) - set(dropped) | set(added)
    assert rebuilt == set(ranking.index_quads(after))


def test_a_well_supported_claim_shows_its_three_leading_sentences(synth: tuple[EmbeddedStore, dict[str, str]]) -> None:
    """claims-about shows the claim's LEAD_EVIDENCE leading sentences; claim-evidence lists all, those first."""
    store, params = synth
    everything = q.run_named(store, "claim-evidence", {"claim": params["claim"]})
    i_lead, i_sentence = everything.variables.index("lead"), everything.variables.index("sentence")
    assert len(everything.rows) == int(params["claim_papers"]) > ranking.LEAD_EVIDENCE
    leads = [row[i_lead].value == "true" for row in everything.rows]
    assert leads == [True] * ranking.LEAD_EVIDENCE + [False] * (len(leads) - ranking.LEAD_EVIDENCE)
    claims = rdf.assembled_from_quads(store.quads(vocab.GRAPH_KG))
    claim = next(c for c in claims if c.id == params["claim"])
    subject = claim.claim.subject.curie
    about = q.run_named(store, "claims-about-all", {"entity": subject, "limit": "100000"})
    i_claim, i_sent = about.variables.index("claim"), about.variables.index("sentence")
    shown = {row[i_sent].value for row in about.rows if row[i_claim].value.endswith(params["claim"])}
    assert shown == {row[i_sentence].value for row, lead in zip(everything.rows, leads) if lead}
