"""The full curation loop through the CLI on the real pipeline: build, curate, change the extractor's input,
rebuild — every decision is still applied or reported orphaned; a malformed log stops the build untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.curation import DecisionLog
from kg.model import CurationStatus, Evidence, Predicate, from_dict

FIXTURES = Path(__file__).parent / "fixtures" / "curation"
pyoxigraph = pytest.importorskip("pyoxigraph")

IGF1_IGF1R = ("HGNC:5464", "activates", "HGNC:5465")
PPP = ("MESH:C415032", "inhibits", "HGNC:5465")
SOX2 = ("HGNC:5465", "positively_regulates", "HGNC:11195")
LINSITINIB = ("drugbank:DB06075", "inhibits", "HGNC:5465")
METFORMIN = ("MESH:D008687", "decreases_expression", "HGNC:5465")
IGFBP3 = ("HGNC:5472", "not inhibits", "HGNC:5465")


def igfkg(tmp: Path, *args: str, curator: str | None = "0000-0002-1825-0097"):
    """The CLI in-process (the NLP pipeline then loads once for both builds), against a store in tmp."""
    runner = CliRunner(env={"IGFKG_CURATOR": curator})
    return runner.invoke(main, ["--data-dir", str(tmp / "data"), *args, "--store", str(tmp / "store")],
                         catch_exceptions=False)


def claims_by_content(tmp: Path) -> dict[tuple[str, str, str], dict]:
    """Every claim of the curated view, keyed by (subject, [not ]predicate, object)."""
    result = igfkg(tmp, "curate", "queue", "--status", "all", "--limit", "0", "--format", "json")
    assert result.exit_code == 0, result.output
    out = {}
    for c in json.loads(result.output):
        claim = c["claim"]
        key = (claim["subject"]["curie"], ("not " if claim.get("negated") else "") + claim["predicate"],
               claim["object"]["curie"])
        out[key] = c
    return out


def store_quads(store: Path, graph: str | None = None) -> set[str]:
    """Quads of the on-disk store read with pyoxigraph itself (not our code)."""
    db = pyoxigraph.Store.read_only(str(store))
    g = pyoxigraph.NamedNode(graph) if graph else None
    return {str(q) for q in db.quads_for_pattern(None, None, None, g)}


def evidence_id(claim_json: dict) -> str:
    return from_dict(Evidence, claim_json["evidence"][0]).id


@pytest.mark.slow
def test_decisions_survive_re_extraction(tmp_path: Path) -> None:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(FIXTURES / "v1" / "papers.xml", raw / "papers.xml")
    result = igfkg(tmp_path, "build")
    assert result.exit_code == 0, result.output
    v1 = claims_by_content(tmp_path)
    assert {IGF1_IGF1R, PPP, SOX2, LINSITINIB, METFORMIN, IGFBP3} <= set(v1), sorted(v1)
    shutil.copy(tmp_path / "data" / "rdf" / "igfkg.trig", tmp_path / "before.trig")

    # --- curate: every kind of decision, claim IDs abbreviated like git
    def cid(key: tuple[str, str, str]) -> str:
        return v1[key]["id"][:7]

    assert igfkg(tmp_path, "curate", "accept", cid(IGF1_IGF1R)).exit_code == 0
    assert igfkg(tmp_path, "curate", "note", cid(IGF1_IGF1R), "shown in MCF-7 and T47D").exit_code == 0
    fix = igfkg(tmp_path, "curate", "correct", cid(PPP), "--predicate", "targets", "--note", "a drug target")
    assert fix.exit_code == 0, fix.output
    assert igfkg(tmp_path, "curate", "reject", cid(SOX2), "--tag", "wrong_relation").exit_code == 0
    assert igfkg(tmp_path, "curate", "accept", cid(LINSITINIB)).exit_code == 0
    assert igfkg(tmp_path, "curate", "accept", cid(METFORMIN)).exit_code == 0
    rejected_ev = igfkg(tmp_path, "curate", "reject", cid(IGFBP3), "--evidence", evidence_id(v1[IGFBP3])[:8],
                        "--tag", "negation")
    assert rejected_ev.exit_code == 0, rejected_ev.output
    log = DecisionLog(tmp_path / "data" / "curation" / "decisions.jsonl")
    decisions = log.read()
    assert len(decisions) == 7

    # SPARQL sees the decisions at once: the store's curation graph was refreshed after each write
    from kg.vocab import GRAPH_CURATION

    db = pyoxigraph.Store.read_only(str(tmp_path / "store"))
    rows = list(db.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH <%s> { ?d a <http://www.w3.org/ns/prov#Activity> } }"
                         % GRAPH_CURATION))
    assert int(rows[0][0].value) == 7
    del db

    # --- the extractor's output changes: one sentence gone, one claim's context changed
    shutil.copy(FIXTURES / "v2" / "papers.xml", raw / "papers.xml")
    result = igfkg(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert "orphaned decision" in result.output
    v2 = claims_by_content(tmp_path)
    assert LINSITINIB not in v2
    assert v2[IGF1_IGF1R]["status"] == "accepted" and v2[IGF1_IGF1R]["belief"] == 1.0
    assert [c["decision"] for c in v2[IGF1_IGF1R]["curations"]] == ["accepted", "note"]
    assert v2[SOX2]["status"] == "rejected" and v2[SOX2]["belief"] == 0.0
    corrected = v2[("MESH:C415032", "targets", "HGNC:5465")]
    assert corrected["status"] == "corrected" and corrected["corrects"] == v1[PPP]["id"]
    assert corrected["evidence"] == v1[PPP]["evidence"]
    assert PPP not in v2  # replaced in the curated view
    # The IGFBP3 sentence moved (the sentence before it got shorter): its evidence ID, a hash of the span,
    # changed, so the evidence-level rejection no longer finds its sentence. It is reported, not applied.
    assert len(v2[IGFBP3]["evidence"]) == 1 and v2[IGFBP3]["status"] == "candidate"

    orphans = json.loads(igfkg(tmp_path, "curate", "orphans", "--format", "json").output)
    orphaned = {o["decision"]["claim_id"]: o for o in orphans}
    assert set(orphaned) == {v1[LINSITINIB]["id"], v1[METFORMIN]["id"], v1[IGFBP3]["id"]}
    assert orphaned[v1[IGFBP3]["id"]]["reason"].startswith(f"evidence {evidence_id(v1[IGFBP3])} not found")
    assert evidence_id(v2[IGFBP3]) in orphaned[v1[IGFBP3]["id"]]["reason"]  # the sentence's new ID is named
    assert orphaned[v1[LINSITINIB]["id"]]["candidates"] == []
    if METFORMIN in v2:  # same subject/predicate/object, new context → a new ID, offered as the likely match
        assert orphaned[v1[METFORMIN]["id"]]["candidates"] == [v2[METFORMIN]["id"]]
        assert v2[METFORMIN]["status"] == "candidate"  # never applied silently

    # every decision in the log is either applied to a claim or reported orphaned — none lost
    applied = {d["timestamp"] + d["claim_id"] + d["decision"] for c in v2.values() for d in c.get("curations", [])}
    replaced = json.loads(igfkg(tmp_path, "curate", "show", v1[PPP]["id"][:8], "--format", "json").output)
    applied |= {d["timestamp"] + d["claim_id"] + d["decision"] for d in replaced["curations"]}
    for d in log.read():
        assert d.timestamp + d.claim_id + d.decision.value in applied or d.claim_id in orphaned, d

    # the exports carry the curated state, and diff tells the curator what the re-extraction did
    from kg.diff import diff_claims, read_claims_from_file

    exported = {c.id: c for c in read_claims_from_file(tmp_path / "data" / "rdf" / "igfkg.trig")}
    assert exported[v2[IGF1_IGF1R]["id"]].status is CurationStatus.ACCEPTED
    assert exported[corrected["id"]].claim.predicate is Predicate.TARGETS
    report = diff_claims(read_claims_from_file(tmp_path / "before.trig"), list(exported.values()), log.read())
    affected = {a.id: a.change for a in report.curated_affected}
    assert affected[v1[LINSITINIB]["id"]] == "removed (its decisions are orphaned)"
    assert affected[v1[PPP]["id"]].startswith("corrected into")
    shown = igfkg(tmp_path, "diff", str(tmp_path / "before.trig"), str(tmp_path / "data" / "rdf" / "igfkg.trig"))
    assert shown.exit_code == 0 and "curated claims affected" in shown.output
    against = igfkg(tmp_path, "diff", str(tmp_path / "before.trig"), "--against-store", "--format", "json")
    assert against.exit_code == 0, against.output
    assert json.loads(against.output)["summary"] == report.to_dict()["summary"]  # the store holds what was exported

    # --- a malformed decisions line stops the next build before anything is written
    with open(log.path, "a", encoding="utf-8") as fh:
        fh.write('{"claim_id": "%s", "decision": "accepted", "curator": ""}\n' % v2[IGF1_IGF1R]["id"])
    before_store = store_quads(tmp_path / "store")
    before_rdf = {p.name: p.read_bytes() for p in (tmp_path / "data" / "rdf").iterdir()}
    shutil.copy(FIXTURES / "v1" / "papers.xml", raw / "papers.xml")  # a change the build would write
    result = igfkg(tmp_path, "build")
    assert result.exit_code == 1
    assert f"decisions.jsonl:{len(decisions) + 1}: missing field(s) timestamp" in result.output
    assert "Traceback" not in result.output
    assert store_quads(tmp_path / "store") == before_store
    assert {p.name: p.read_bytes() for p in (tmp_path / "data" / "rdf").iterdir()} == before_rdf
