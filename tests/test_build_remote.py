"""The whole build against a remote SPARQL 1.1 store: a real ``oxigraph serve`` process on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.vocab import GRAPH_KG, document_graph

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import OxigraphServer  # noqa: E402

from test_ingest import BATCH  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture()
def server(tmp_path):
    srv = OxigraphServer(tmp_path / "server")
    yield srv
    srv.stop()


def nquads(srv: OxigraphServer) -> set[tuple[str, ...]]:
    """The server's whole dataset (graph, s, p, o), fetched with a plain SPARQL query over HTTP (not our
    client)."""
    rows = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    req = urllib.request.Request(srv.query + "?" + urllib.parse.urlencode({"query": rows}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.load(resp)
    return {tuple(json.dumps(b[v], sort_keys=True) for v in ("g", "s", "p", "o"))
            for b in data["results"]["bindings"]}


def test_build_into_a_remote_store_and_rebuild_without_changes(server, tmp_path):
    shutil.copytree(BATCH, tmp_path / "data" / "raw")
    args = ["--data-dir", str(tmp_path / "data"), "build", "--endpoint", server.query,
            "--update-endpoint", server.update]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 graphs written" in first.output and "SHACL: conforms" in first.output
    graphs = {json.loads(row[0])["value"] for row in nquads(server)}
    assert {document_graph("pmid:90000001"), document_graph("pmid:90000002"), GRAPH_KG} <= graphs
    before = nquads(server)
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "0 graphs written, 3 unchanged" in second.output
    assert nquads(server) == before
    manifest = json.loads((tmp_path / "data" / "cache" / "manifest.json").read_text())
    steps = {s["name"]: s["counters"] for s in manifest["steps"]}
    assert steps["extract"]["cache_hits"] == 3 and steps["assemble"] == {"skipped": "unchanged inputs"}
