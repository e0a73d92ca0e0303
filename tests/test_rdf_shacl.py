"""Every node type kg/rdf.py emits conforms to ontology/shapes.ttl (pySHACL via kg.ontology), and the
check can fail: a claim without its subject, or with a belief outside [0, 1], does not conform."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import decisions, extractions  # noqa: E402

from kg import rdf  # noqa: E402
from kg.assembly import assemble  # noqa: E402
from kg.model import Curation, Decision, Predicate  # noqa: E402

ontology = pytest.importorskip("kg.ontology")


def _graph(quads):  # type: ignore[no-untyped-def]
    from rdflib import Graph

    g = Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o, _g in quads), format="nt")
    return g


def _all_quads() -> list[tuple[str, str, str, str]]:
    from kg.curation import replay

    exs = extractions()
    claims = assemble(exs)
    ds = decisions(claims)
    target = next(c for c in claims if c.claim.predicate is Predicate.BINDS)
    ds.append(Curation(target.id, Decision.CORRECTED, "carol", "2026-02-01T00:00:00Z",
                       corrected=replace(target.claim, predicate=Predicate.TARGETS), note="a drug-like binder"))
    ds.append(Curation(target.id, Decision.EVIDENCE_REJECTED, "carol", "2026-02-02T00:00:00Z",
                       evidence_id=target.evidence[0].id, error_tag=rdf.ErrorTag.ENTITY_BOUNDARIES))
    result = replay(claims, ds)
    activity = rdf.Activity("run-1", "test-1", "igfkg 0.1.0", "en_core_web_sm 3.8.0", "2026-01-01T00:00:00Z")
    quads = [q for ex in exs for q in (*rdf.document_quads(ex.document), *rdf.extraction_quads(ex, activity))]
    quads += [*rdf.assembled_quads([*result.claims, *result.replaced]), *rdf.curation_quads(ds)]
    return quads


def test_every_emitted_node_conforms() -> None:
    report = ontology.validate_graph(_graph(_all_quads()))
    assert report.conforms, report.text(20)


def test_broken_claims_do_not_conform() -> None:
    quads = _all_quads()
    first = next(q[0] for q in quads if q[1] == rdf.I.belief)
    no_subject = [q for q in quads if not (q[0] == first and q[1] == rdf.I.subject)]
    report = ontology.validate_graph(_graph(no_subject))
    assert not report.conforms and any(v.path.endswith("#subject") for v in report.violations)
    bad_belief = [(s, p, rdf.double(1.5) if p == rdf.I.belief and s == first else o, g) for s, p, o, g in quads]
    report = ontology.validate_graph(_graph(bad_belief))
    assert not report.conforms and any(v.path.endswith("#belief") for v in report.violations)
