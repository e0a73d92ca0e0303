"""``igfkg diff``: claims added/removed/changed between two real RDF exports, and curated claims affected."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.curation import make_decision, replay
from kg.diff import diff_claims, read_claims_from_file
from kg.model import AssembledClaim, Claim, Curation, Decision, ErrorTag, Predicate

from test_curation_support import IGF1, IGF1R, assembled, claims

pyoxigraph = pytest.importorskip("pyoxigraph")
rdf = pytest.importorskip("kg.rdf")


def write_export(path: Path, claims_: list[AssembledClaim], decisions: list[Curation]) -> Path:
    """A dataset shaped like the build's igfkg.trig: KG graph, evidence in document graphs, curation graph."""
    from kg.vocab import document_graph

    quads = list(rdf.assembled_quads(claims_))
    for ac in claims_:
        for ev in ac.evidence:
            quads.extend(rdf.evidence_quads(ev, "<" + document_graph(ev.document_id) + ">"))
    quads.extend(rdf.curation_quads(decisions))
    parsed = rdf.parse_nquads(rdf.to_nquads(quads))
    fmt = {".trig": pyoxigraph.RdfFormat.TRIG, ".nq": pyoxigraph.RdfFormat.N_QUADS}[path.suffix]
    path.write_bytes(pyoxigraph.serialize(parsed, format=fmt))
    return path


def scenario(tmp_path: Path) -> tuple[Path, Path, list[Curation]]:
    a, b, c, d = claims()
    decisions = [make_decision(a, Decision.ACCEPTED, "ann"),
                 make_decision(c, Decision.REJECTED, "ann", error_tag=ErrorTag.HYPOTHESIS),
                 make_decision(d, Decision.CORRECTED, "ann", corrected=Claim(IGF1R, Predicate.REQUIRED_FOR,
                                                                            d.claim.object))]
    old = replay([a, b, c, d], decisions)
    # the re-extraction: claim a lost its second paper, c disappeared, a new claim appeared
    new_claim = assembled(Claim(IGF1, Predicate.BINDS, IGF1R), "pmid:7")
    a_less = assembled(a.claim, "pmid:1")
    new = replay([a_less, b, d, new_claim], decisions)
    before = write_export(tmp_path / "old.trig", old.all_claims, decisions)
    after = write_export(tmp_path / "new.nq", new.all_claims, decisions)
    return before, after, decisions


def test_claims_read_back_from_exports(tmp_path: Path) -> None:
    before, after, decisions = scenario(tmp_path)
    got = {c.id: c for c in read_claims_from_file(before)}
    a, b, c, d = claims()
    assert got[a.id].status.value == "accepted" and got[a.id].evidence == a.evidence
    assert got[c.id].status.value == "rejected"
    fixed = next(x for x in got.values() if x.corrects == d.id)
    assert fixed.status.value == "corrected"


def test_diff_reports_changes_and_curated_claims_affected(tmp_path: Path) -> None:
    before, after, decisions = scenario(tmp_path)
    a, b, c, d = claims()
    report = diff_claims(read_claims_from_file(before), read_claims_from_file(after), decisions)
    assert [x.id for x in report.added] == [Claim(IGF1, Predicate.BINDS, IGF1R).id]
    assert [x.id for x in report.removed] == [c.id]
    affected = {x.id: x.change for x in report.curated_affected}
    assert affected[c.id] == "removed (its decisions are orphaned)"
    assert affected[a.id] == "evidence 2 → 1 sentence(s)"
    assert b.id not in affected and report.unchanged >= 2
    assert report.to_dict()["summary"]["removed"] == 1


def test_status_change_of_a_curated_claim(tmp_path: Path) -> None:
    a, b, *_ = claims()
    accepted = make_decision(b, Decision.ACCEPTED, "ann")
    old = replay([a, b], [accepted]).claims
    new = [a, replace(b, belief=0.1)]  # decision lost (e.g. log reverted): status back to candidate
    report = diff_claims(old, new)
    assert [(x.status, y.status) for x, y in report.status_changed] == [("accepted", "candidate")]
    assert report.curated_affected[0].change == "status accepted → candidate"
    assert report.curated_affected[0].decisions and "accepted" in report.curated_affected[0].decisions[0]


def test_diff_cli_table_and_json(tmp_path: Path) -> None:
    before, after, _ = scenario(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "diff", str(before), str(after)])
    assert result.exit_code == 0, result.output
    assert "+1 added, -1 removed" in result.output and "curated claims affected: 2" in result.output
    result = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "diff", str(before), str(after),
                                  "--format", "json"])
    assert json.loads(result.output)["summary"]["added"] == 1


def test_diff_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> ")
    result = CliRunner().invoke(main, ["diff", str(bad), str(bad)])
    assert result.exit_code == 1 and "bad.ttl: not valid Turtle" in result.output
    other = tmp_path / "x.csv"
    other.write_text("a,b\n")
    result = CliRunner().invoke(main, ["diff", str(other), str(other)])
    assert result.exit_code == 1 and "unknown RDF format .csv" in result.output
    result = CliRunner().invoke(main, ["diff"])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["diff", str(bad), str(bad), "--against-store"])
    assert result.exit_code == 2
