"""``igfkg ingest``: counts, idempotence, replacement of a re-ingested document, a batch with bad files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
from click.testing import CliRunner

from kg.cli import main
from kg.vocab import GRAPH_KG, document_graph

PIPELINE = Path(__file__).parent / "fixtures" / "pipeline"
BATCH = PIPELINE / "batch"


def store_quads(store: Path) -> set[str]:
    """Every quad of an on-disk store, as N-Quads lines (read with pyoxigraph itself, not our code)."""
    if not store.exists():
        return set()
    db = pyoxigraph.Store.read_only(str(store))
    return {str(q) for q in db.quads_for_pattern(None, None, None, None)}


def graph_quads(store: Path, graph: str) -> list[str]:
    db = pyoxigraph.Store.read_only(str(store))
    return [str(q) for q in db.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))]


def run(tmp: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp / "data"), *args, "--store", str(tmp / "store")])


def test_ingest_stores_each_document_in_its_own_graph(tmp_path):
    result = run(tmp_path, "ingest", "-r", str(BATCH))
    assert result.exit_code == 0, result.output
    assert "3 read, 0 skipped, 0 failed" in result.output
    for pmid in ("90000001", "90000002"):
        quads = graph_quads(tmp_path / "store", document_graph(f"pmid:{pmid}"))
        assert any(pmid in q for q in quads)
    assert graph_quads(tmp_path / "store", GRAPH_KG), "ingest re-assembles the KG graph"


def test_ingesting_the_same_input_twice_changes_nothing(tmp_path):
    assert run(tmp_path, "ingest", "-r", str(BATCH)).exit_code == 0
    before = store_quads(tmp_path / "store")
    again = run(tmp_path, "ingest", "-r", str(BATCH))
    assert again.exit_code == 0, again.output
    assert "0 graphs written, 3 unchanged" in again.output
    assert store_quads(tmp_path / "store") == before


def test_reingesting_a_changed_document_replaces_its_graph(tmp_path):
    assert run(tmp_path, "ingest", "-r", str(BATCH)).exit_code == 0
    graph = document_graph("pmid:90000002")
    old = graph_quads(tmp_path / "store", graph)
    assert any("did not inhibit" in q for q in old)
    result = run(tmp_path, "ingest", "-r", str(PIPELINE / "changed"))
    assert result.exit_code == 0, result.output
    assert "1 graphs written" in result.output
    new = graph_quads(tmp_path / "store", graph)
    assert not any("did not inhibit" in q for q in new), "the old abstract's triples are gone"
    assert any("IGFBP3 inhibits IGF-1R" in q for q in new)
    assert len(new) == len(set(new))
    # the other documents are still there, untouched
    assert graph_quads(tmp_path / "store", document_graph("pmid:90000001"))


def test_bad_files_are_reported_and_the_rest_is_ingested(tmp_path):
    result = run(tmp_path, "ingest", "-r", str(PIPELINE / "bad"), str(BATCH / "igf_two_articles.xml"))
    assert result.exit_code == 0, result.output
    assert "2 read" in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("igfkg: warning:")]
    named = " ".join(warnings)
    assert "empty.xml" in named and "truncated.xml" in named and "bad_pmid.pubtator" in named
    assert all("Traceback" not in line for line in result.stderr.splitlines())
    assert graph_quads(tmp_path / "store", document_graph("pmid:90000001"))


def test_nothing_readable_exits_1_and_leaves_no_store(tmp_path):
    result = run(tmp_path, "ingest", "-r", str(PIPELINE / "bad"))
    assert result.exit_code == 1
    assert "no document could be read" in result.stderr
    assert "Traceback" not in result.stderr
    assert store_quads(tmp_path / "store") == set()


def test_missing_path_is_a_one_line_error(tmp_path):
    result = run(tmp_path, "ingest", str(tmp_path / "nope.xml"))
    assert result.exit_code == 1
    assert "nope.xml: no such file" in result.stderr
    assert "no document could be read" in result.stderr


def test_ingest_subprocess_then_idempotent(tmp_path):
    """The installed command, as a user runs it."""
    inputs = tmp_path / "in"
    shutil.copytree(BATCH, inputs)
    cmd = [sys.executable, "-m", "kg", "--data-dir", str(tmp_path / "data"), "ingest", "--recursive", str(inputs),
           "--store", str(tmp_path / "store")]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "3 read" in first.stdout
    before = store_quads(tmp_path / "store")
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert store_quads(tmp_path / "store") == before


def test_format_option_overrides_detection(tmp_path):
    result = run(tmp_path, "ingest", "--format", "text", str(BATCH / "metformin.txt"))
    assert result.exit_code == 0, result.output
    assert "1 read" in result.output
    wrong = run(tmp_path, "ingest", "--format", "pubtator", str(BATCH / "igf_two_articles.xml"))
    assert wrong.exit_code == 1
    assert "igf_two_articles.xml" in wrong.stderr and "Traceback" not in wrong.stderr
    unknown = run(tmp_path, "ingest", "--format", "docx", str(BATCH / "metformin.txt"))
    assert unknown.exit_code == 2  # a usage error, before anything is read
