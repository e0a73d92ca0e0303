"""``igfkg build``: exports, SHACL, manifest, the no-change rebuild, failed builds that change nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import build
from kg.settings import Settings

from test_ingest import BATCH, PIPELINE, store_quads

EXPORTS = ("igfkg.ttl", "igfkg.jsonld", "igfkg.trig")


@pytest.fixture()
def project(tmp_path) -> Path:
    """A data directory whose raw/ holds the fixture batch."""
    shutil.copytree(BATCH, tmp_path / "data" / "raw")
    return tmp_path


def run(tmp: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp / "data"), "build", "--store", str(tmp / "store"), *args])


def manifest(tmp: Path) -> dict[str, dict]:
    data = json.loads((tmp / "data" / "cache" / "manifest.json").read_text())
    return {s["name"]: s for s in data["steps"]}


def test_build_writes_exports_that_parse_and_conform(project):
    result = run(project)
    assert result.exit_code == 0, result.output
    assert "SHACL: conforms" in result.output
    rdf = project / "data" / "rdf"
    kg = rdflib.Graph().parse(rdf / "igfkg.ttl", format="turtle")
    assert len(kg) > 0
    assert len(rdflib.Graph().parse(rdf / "igfkg.jsonld", format="json-ld")) == len(kg)
    dataset = rdflib.Dataset()
    dataset.parse(rdf / "igfkg.trig", format="trig")
    assert len([g for g in dataset.graphs() if len(g)]) >= 5  # 3 documents + kg + ontology
    steps = manifest(project)
    assert list(steps) == ["decisions", "extract", "documents", "assemble", "curation", "graphs", "export",
                           "validate"]
    assert steps["extract"]["counters"]["read"] == 3
    assert steps["extract"]["counters"]["extracted"] == 3
    assert steps["documents"]["counters"]["written"] == 3
    assert steps["assemble"]["counters"]["claims"] > 0


def test_no_change_rebuild_reuses_the_cache_and_changes_nothing(project):
    assert run(project).exit_code == 0
    first = {name: (project / "data" / "rdf" / name).read_bytes() for name in EXPORTS}
    before = store_quads(project / "store")
    result = run(project)
    assert result.exit_code == 0, result.output
    steps = manifest(project)
    assert steps["extract"]["counters"]["cache_hits"] == 3
    assert "extracted" not in steps["extract"]["counters"]
    assert steps["documents"]["counters"]["written"] == 0
    assert steps["documents"]["counters"]["unchanged"] == 3
    for name in ("assemble", "graphs", "export", "validate"):
        assert steps[name]["counters"] == {"skipped": "unchanged inputs"}
    assert store_quads(project / "store") == before
    assert {name: (project / "data" / "rdf" / name).read_bytes() for name in EXPORTS} == first


def test_changed_document_is_re_extracted_alone(project):
    assert run(project).exit_code == 0
    shutil.copy(PIPELINE / "changed" / "igf_second_changed.xml", project / "data" / "raw" / "0_update.xml")
    result = run(project)
    assert result.exit_code == 0, result.output
    steps = manifest(project)
    # pmid:90000002 now comes first from 0_update.xml (sorted walk); the old record is a duplicate
    assert steps["extract"]["counters"]["duplicates"] == 1
    assert steps["extract"]["counters"]["extracted"] == 1
    assert steps["extract"]["counters"]["cache_hits"] == 2
    assert steps["documents"]["counters"]["written"] == 1
    assert steps["assemble"]["counters"]["documents"] == 3


def test_deleted_exports_are_rewritten(project):
    assert run(project).exit_code == 0
    (project / "data" / "rdf" / "igfkg.jsonld").unlink()
    assert run(project).exit_code == 0
    assert (project / "data" / "rdf" / "igfkg.jsonld").exists()
    assert manifest(project)["export"]["counters"]["files"] == 3


def test_malformed_decision_stops_the_build_before_anything_is_written(project):
    assert run(project).exit_code == 0
    before = store_quads(project / "store")
    exports = {name: (project / "data" / "rdf" / name).read_bytes() for name in EXPORTS}
    shutil.copy(PIPELINE / "changed" / "igf_second_changed.xml", project / "data" / "raw" / "0_update.xml")
    decisions = project / "data" / "curation" / "decisions.jsonl"
    decisions.parent.mkdir(parents=True)
    decisions.write_text('{"claim_id": "abc", "decision": "accepted"\n')
    result = run(project)
    assert result.exit_code == 1
    assert "decisions.jsonl:1" in result.stderr
    assert "Traceback" not in result.stderr
    assert store_quads(project / "store") == before
    assert {name: (project / "data" / "rdf" / name).read_bytes() for name in EXPORTS} == exports


def test_build_library_call_counts_and_summary(project):
    settings = Settings(data_dir=project / "data", store=project / "store")
    report = build(settings)
    assert (report.read, report.failed, report.written) == (3, 0, 3)
    summary = report.summary
    assert summary["documents"] == 3 and summary["mentions"] > 0 and summary["claims"] > 0
    assert sum(summary["claims_by_status"].values()) == summary["claims"]
    assert report.conforms is True


def test_no_export_touches_only_the_store(project):
    result = run(project, "--no-export")
    assert result.exit_code == 0, result.output
    assert not (project / "data" / "rdf").exists()
    assert store_quads(project / "store")


def test_build_subprocess_with_extra_input(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copy(BATCH / "metformin.txt", tmp_path / "data" / "raw")
    cmd = [sys.executable, "-m", "kg", "--data-dir", str(tmp_path / "data"), "build", "--store",
           str(tmp_path / "store"), "--input", str(BATCH / "igf_two_articles.xml"), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["read"] == 3 and out["conforms"] is True
    assert out["summary"]["documents"] == 3


def test_a_large_store_streams_its_exports_and_they_hold_the_same_graph(project, tmp_path, monkeypatch):
    """Beyond CANONICAL_QUADS the KG Turtle/JSON-LD are streamed subject by subject (flat memory at 10k
    abstracts); the graph they hold is the one the canonical writers give for the same store."""
    import kg.pipeline

    assert run(project).exit_code == 0
    rdf = project / "data" / "rdf"
    canonical = {n: (rdf / n).read_bytes() for n in ("igfkg.ttl", "igfkg.jsonld")}
    monkeypatch.setattr(kg.pipeline, "CANONICAL_QUADS", 0)
    for name in canonical:
        (rdf / name).unlink()  # the rebuild rewrites missing exports
    assert run(project).exit_code == 0
    assert manifest(project)["export"]["counters"]["kg"] == "streamed"
    for name, fmt in (("igfkg.ttl", "turtle"), ("igfkg.jsonld", "json-ld")):
        streamed = (rdf / name).read_bytes()
        assert streamed != canonical[name]
        assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=streamed, format=fmt),
                                         rdflib.Graph().parse(data=canonical[name], format=fmt))
