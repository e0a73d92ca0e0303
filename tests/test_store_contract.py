"""The same store contract against three real backends: the embedded Oxigraph store on disk, a real
``oxigraph serve`` process on 127.0.0.1, and rdflib's in-memory Dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import OxigraphServer, extractions, free_port  # noqa: E402

from kg import rdf, vocab  # noqa: E402
from kg.errors import NetworkError, QueryError, StoreError  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store import EmbeddedStore, RdflibStore, RemoteStore, Store, open_store  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = OxigraphServer(tmp_path_factory.mktemp("oxserver"))
    yield srv
    srv.stop()


@pytest.fixture(params=["embedded", "remote", "remote-gsp", "rdflib"])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "embedded":
        s: Store = open_store(Settings(store=tmp_path / "store"))
    elif request.param.startswith("remote"):
        srv = request.getfixturevalue("server")
        gsp = srv.url + "/store" if request.param == "remote-gsp" else None
        s = open_store(Settings(endpoint=srv.query, update_endpoint=srv.update, graph_store=gsp))
        s.update("DROP SILENT ALL")
    else:
        s = RdflibStore()
    yield s
    s.close()


def _doc_quads(ex):  # type: ignore[no-untyped-def]
    return [*rdf.document_quads(ex.document), *rdf.extraction_quads(ex)]


def test_replace_graph_is_idempotent(store: Store) -> None:
    ex = extractions()[0]
    graph = vocab.document_graph(ex.document.id)
    quads = _doc_quads(ex)
    store.replace_graph(graph, quads)
    first = store.count()
    store.replace_graph(graph, quads)
    assert store.count() == first == len(set(quads))
    assert store.graphs() == [graph]
    assert store.count(graph) == first


def test_replace_graphs_and_roundtrip(store: Store) -> None:
    exs = extractions()
    store.replace_graphs({vocab.document_graph(ex.document.id): _doc_quads(ex) for ex in exs})
    assert len(store.graphs()) == 3
    back = rdf.extractions_from_quads(store.quads())
    assert [b.document.id for b in back] == sorted(ex.document.id for ex in exs)
    for b in back:
        original = next(ex for ex in exs if ex.document.id == b.document.id)
        assert set(b.claims) == set(original.claims)
        assert set(b.evidence) == set(original.evidence)
        assert b.document == original.document


def test_failed_write_leaves_previous_state(store: Store) -> None:
    ex = extractions()[0]
    graph = vocab.document_graph(ex.document.id)
    store.replace_graph(graph, _doc_quads(ex))
    before = sorted(map(str, store.quads()))
    good = _doc_quads(extractions()[1])
    bad = good[:5] + [("<https://example.org/s>", "<not an iri>", '"x"', "")] + good[5:]
    with pytest.raises(StoreError):
        store.replace_graph(graph, bad)

    def failing():  # type: ignore[no-untyped-def]  # a producer that dies half-way
        yield from good[:10]
        raise StoreError("producer failed")

    with pytest.raises(StoreError):
        store.replace_graph(graph, failing())
    with pytest.raises(StoreError):
        store.replace_graph(graph, [*good[:3], ("<https://example.org/s>", 42, '"x"', "")])  # type: ignore[list-item]
    assert sorted(map(str, store.quads())) == before


def test_bulk_load_validates_first(store: Store, fixtures_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="bad.nq"):
        store.bulk_load(fixtures_dir / "graph" / "bad.nq")
    assert store.count() == 0
    good = tmp_path / "good.nq"
    good.write_text(rdf.to_nquads(_doc_quads(extractions()[1]), sort=True))
    n = store.bulk_load(good)
    assert n == store.count() > 0
    ttl = tmp_path / "x.ttl"
    ttl.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    store.bulk_load(ttl, graph="https://example.org/g")
    assert "https://example.org/g" in store.graphs()


def test_query_kinds_and_bindings(store: Store) -> None:
    ex = extractions()[1]
    store.replace_graph(vocab.document_graph(ex.document.id), _doc_quads(ex))
    q = ("SELECT ?claim WHERE { GRAPH ?g { ?claim <https://w3id.org/igfkg/ontology#subject> ?s } } "
         "ORDER BY ?claim")
    all_rows = store.query(q)
    bound = store.query(q, bindings={"s": ox.NamedNode(rdf.entity_iri("MESH:C415032"))})
    assert len(all_rows) == 3 and len(bound) == 1
    # a hostile "value" stays a literal: it cannot change the query
    evil = store.query(q, bindings={"s": '"} } ; DROP ALL ; SELECT * { {'})
    assert len(evil) == 0 and store.count() > 0
    ask = store.query("ASK { GRAPH ?g { ?s a <https://w3id.org/igfkg/ontology#Claim> } }")
    assert ask.kind == "boolean" and ask.boolean is True
    graph = store.query("CONSTRUCT { ?s a ?c } WHERE { GRAPH ?g { ?s a ?c } }")
    assert graph.kind == "graph" and len(graph) > 5


def test_syntax_error_has_line_and_column(store: Store) -> None:
    with pytest.raises(QueryError, match=r"line 2"):
        store.query("SELECT ?s\nWHERE { ?s ?p }")


def test_dump_formats(store: Store) -> None:
    ex = extractions()[0]
    graph = vocab.document_graph(ex.document.id)
    store.replace_graph(graph, _doc_quads(ex))
    nq = store.dump("nq")
    assert len(list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))) == store.count()
    ttl = store.dump("ttl", graph=graph)
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == store.count(graph)
    with pytest.raises(StoreError):
        store.dump("ttl")


def test_embedded_store_is_locked_for_a_second_writer(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "s")
    try:
        with pytest.raises(StoreError, match="in use"):
            EmbeddedStore(tmp_path / "s")
    finally:
        first.close()


def test_corrupt_store_is_a_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "s"
    bad.mkdir()
    (bad / "CURRENT").write_text("garbage\n")
    with pytest.raises(StoreError):
        EmbeddedStore(bad)


def test_missing_store_for_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(Settings(store=tmp_path / "nope"), create=False)
    assert not (tmp_path / "nope").exists()


def test_unreachable_endpoint_is_one_line_network_error() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(NetworkError) as info:
        store.query("ASK {}")
    assert "\n" not in str(info.value) and "127.0.0.1" in str(info.value)
    with pytest.raises(NetworkError):
        store.replace_graph("https://example.org/g", [])


def test_embedded_timeout() -> None:
    store = EmbeddedStore(None)
    store.replace_graph("https://example.org/g", [(f"<https://example.org/s{i}>", "<https://example.org/p>",
                                                    f'"{i}"', "") for i in range(3000)])
    with pytest.raises(QueryError, match="timed out"):
        store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?p ?b . ?c ?p ?d . ?e ?p ?f } }", timeout=0.2)
