"""Exports: every format re-imports isomorphically in rdflib AND pyoxigraph; canonical (byte-stable)
Turtle/TriG/N-Quads; compact JSON-LD with the published context; curated-only; KGX; the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import fill, store, store_dir  # noqa: E402,F401 (fixtures)

from kg import export as ex  # noqa: E402
from kg import vocab  # noqa: E402
from kg.cli import main  # noqa: E402
from kg.errors import IgfkgError  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402

OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
      "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
RDFLIB = {"ttl": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}


def _export(store: EmbeddedStore, fmt: str, graphs=("kg",), curated_only: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    ex.export(store, buf, fmt, list(graphs) if graphs is not None else None, curated_only)
    return buf.getvalue()


def _rdflib_graph(quads) -> Graph:  # type: ignore[no-untyped-def]
    g = Graph()
    g.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads), format="nt")
    return g


def _rdflib_dataset(quads) -> Dataset:  # type: ignore[no-untyped-def]
    d = Dataset()
    d.parse(data="".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads), format="nquads")
    return d


def _triples(items) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in items}


def _quads(items) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in items}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml", "jsonld"])
def test_graph_exports_reimport_isomorphically(store: EmbeddedStore, fmt: str) -> None:
    data = _export(store, fmt)
    reference = list(store.quads(vocab.GRAPH_KG))
    assert _triples(ox.parse(data, format=OX[fmt])) == _triples(reference)
    g = Graph()
    g.parse(data=data, format=RDFLIB[fmt])
    assert isomorphic(g, _rdflib_graph(reference))


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_dataset_exports_keep_named_graphs(store: EmbeddedStore, fmt: str) -> None:
    data = _export(store, fmt, graphs=None)
    reference = list(store.quads())
    assert _quads(ox.parse(data, format=OX[fmt])) == _quads(reference)
    d = Dataset()
    d.parse(data=data, format=RDFLIB[fmt])
    expected = _rdflib_dataset(reference)
    assert {str(c.identifier) for c in d.graphs() if len(c)} == {str(c.identifier) for c in expected.graphs() if len(c)}
    for graph in expected.graphs():
        if len(graph):
            assert isomorphic(d.graph(graph.identifier), graph), graph.identifier


def test_exports_are_canonical_and_deterministic(store_dir: Path, tmp_path: Path) -> None:
    # the same graph loaded in a different order into a fresh store gives byte-identical exports
    s1 = EmbeddedStore(store_dir)
    nq = s1.dump("nq")
    first = {fmt: _export(s1, fmt, graphs=None if fmt in ("trig", "nq") else ("kg",)) for fmt in OX}
    s1.close()
    s2 = EmbeddedStore(tmp_path / "other")
    s2.bulk_load(b"".join(reversed(nq.splitlines(keepends=True))), fmt="nq")
    second = {fmt: _export(s2, fmt, graphs=None if fmt in ("trig", "nq") else ("kg",)) for fmt in OX}
    s2.close()
    assert first == second
    ttl = first["ttl"].decode()
    assert ttl.startswith("@prefix ") and "_:" not in ttl
    prefixes = [line for line in ttl.splitlines() if line.startswith("@prefix")]
    assert prefixes == sorted(prefixes)
    nq_lines = first["nq"].decode().splitlines()
    assert nq_lines == sorted(nq_lines)


def test_jsonld_uses_the_published_compact_context(store: EmbeddedStore, repo_root: Path) -> None:
    doc = json.loads(_export(store, "jsonld"))
    published = json.loads((repo_root / "kg" / "data" / "context.jsonld").read_text())["@context"]
    assert doc["@context"] == published
    claim = next(n for n in doc["@graph"] if n["@id"].startswith("claim:") and "belief" in n)
    assert "igfkg:Claim" in claim["@type"] and isinstance(claim["belief"], str)
    assert claim["subject"].startswith(("HGNC:", "MESH:", "GO:", "FPLX:"))


def test_curated_only(store: EmbeddedStore) -> None:
    data = _export(store, "nq", graphs=("kg", "curation"), curated_only=True)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    claims = {str(q.subject) for q in quads if q.predicate.value.endswith("#belief")}
    assert len(claims) == 1  # only the accepted picropodophyllin claim
    assert any(q.graph_name.value == vocab.GRAPH_CURATION for q in quads)
    assert any(q.predicate.value == vocab.ONTOLOGY + "inhibits" for q in quads)  # its direct triple
    statuses = {q.object.value for q in quads if q.predicate.value == vocab.ONTOLOGY + "status"}
    assert statuses == {"accepted"}


def test_kgx(store: EmbeddedStore) -> None:
    nodes, edges = io.StringIO(), io.StringIO()
    n, e = ex.export_kgx(store, nodes, edges)
    node_rows = list(csv.DictReader(io.StringIO(nodes.getvalue()), delimiter="\t"))
    edge_rows = list(csv.DictReader(io.StringIO(edges.getvalue()), delimiter="\t"))
    assert (n, e) == (len(node_rows), len(edge_rows)) == (7, 7)
    assert {r["id"] for r in node_rows} >= {"HGNC:5465", "MESH:C415032", "GO:0019827"}
    ppp = next(r for r in edge_rows if r["subject"] == "MESH:C415032")
    assert (ppp["predicate"], ppp["object_aspect_qualifier"], ppp["object_direction_qualifier"]) == \
        ("biolink:affects", "activity", "decreased")
    assert ppp["publications"] == "PMID:1001" and ppp["knowledge_level"] == "knowledge_assertion"
    stem = next(r for r in edge_rows if r["object"] == "GO:0019827")
    assert stem["qualifiers"] == "cell_type:MESH:D014411"
    nodes2, edges2 = io.StringIO(), io.StringIO()
    assert ex.export_kgx(store, nodes2, edges2, curated_only=True) == (2, 1)


def test_bad_format_and_graph() -> None:
    with pytest.raises(IgfkgError, match="unknown export format"):
        ex.export(None, io.BytesIO(), "yaml")  # type: ignore[arg-type]
    with pytest.raises(IgfkgError, match="unknown graph"):
        ex.graph_iri("nonsense")
    assert ex.graph_iri("document:pmid:1") == vocab.document_graph("pmid:1")


def test_cli_export(store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["export", "--store", str(store_dir), "-o", str(tmp_path / "kg.ttl")])
    assert out.exit_code == 0, out.output
    assert len(list(ox.parse(path=str(tmp_path / "kg.ttl")))) > 50
    out = runner.invoke(main, ["export", "--store", str(store_dir), "--format", "kgx", "-o", str(tmp_path / "rel/igfkg")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "rel" / "igfkg_nodes.tsv").exists() and (tmp_path / "rel" / "igfkg_edges.tsv").exists()
    out = runner.invoke(main, ["export", "--store", str(store_dir), "--graph", "bogus"])
    assert out.exit_code == 1 and "unknown graph" in out.output
    proc = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(store_dir), "--format", "trig",
                           "--graph", "documents", "--graph", "kg"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    graphs = {q.graph_name.value for q in ox.parse(proc.stdout, format=ox.RdfFormat.TRIG)}
    assert vocab.GRAPH_KG in graphs and len(graphs) == 4


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_streamed_writers_give_the_same_graph_as_the_canonical_ones(store: EmbeddedStore, fmt: str) -> None:
    """What a large build writes (one subject at a time, in the store's order) is the same KG graph."""
    canonical = Graph().parse(data=_export(store, fmt), format="json-ld" if fmt == "jsonld" else "turtle")
    buf = io.BytesIO()
    writer = ex.stream_turtle if fmt == "ttl" else ex.stream_jsonld
    n = writer(store.quads(vocab.GRAPH_KG), buf)
    streamed = Graph().parse(data=buf.getvalue(), format="json-ld" if fmt == "jsonld" else "turtle")
    assert n == len(list(store.quads(vocab.GRAPH_KG))) == len(streamed) > 100
    assert isomorphic(canonical, streamed)
    if fmt == "jsonld":
        assert json.loads(buf.getvalue())["@context"] == ex.published_context()


def test_streamed_writers_accept_a_subject_seen_twice() -> None:
    """Quads not grouped by subject (a remote store's order) still give a valid, complete graph."""
    s, o = ox.NamedNode("https://w3id.org/igfkg/claim/aaa"), ox.NamedNode("http://identifiers.org/hgnc/5465")
    p1, p2 = ox.NamedNode(vocab.ONTOLOGY + "subject"), ox.NamedNode(vocab.ONTOLOGY + "object")
    other = ox.NamedNode("https://w3id.org/igfkg/claim/bbb")
    quads = [ox.Quad(s, p1, o), ox.Quad(other, p1, o), ox.Quad(s, p2, o)]
    for writer, fmt in ((ex.stream_turtle, "turtle"), (ex.stream_jsonld, "json-ld")):
        buf = io.BytesIO()
        writer(quads, buf)
        assert len(Graph().parse(data=buf.getvalue(), format=fmt)) == 3
