"""The /sparql endpoint: SPARQL 1.1 Protocol forms, content negotiation, standard clients (SPARQLWrapper,
rdflib's SPARQLStore), errors, limits, timeouts, read-only by default, bearer-token updates, SD and VoID.

A real server on 127.0.0.1 (port 0) over a real on-disk Oxigraph store built from the fixture extractions.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.serve import ServeConfig, start_server

pytestmark = pytest.mark.server

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fixtures" / "serve"))
import fixture_store  # noqa: E402  (the fixture graph, shared by the serve tests)

IGF1R = "http://identifiers.org/hgnc/5465"
KG = "https://w3id.org/igfkg/graph/kg"
CLAIMS_ABOUT_IGF1R = f"""PREFIX igfkg: <https://w3id.org/igfkg/ontology#>
SELECT ?claim ?o WHERE {{ GRAPH <{KG}> {{ ?claim igfkg:subject <{IGF1R}> ; igfkg:object ?o }} }} ORDER BY ?claim"""
TOKEN = "update-token-0123456789abcdef"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    settings, claims = fixture_store.build_store(tmp_path_factory.mktemp("serve-sparql"))
    return settings, claims


@pytest.fixture(scope="module")
def server(project):
    settings, claims = project
    srv = start_server(settings, ServeConfig(port=0, timeout=3, max_results=40, workers=2, claims_file=claims))
    yield srv
    srv.stop()


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def q(server, query: str, **params: str) -> str:
    return server.url + "/sparql?" + urllib.parse.urlencode({"query": query, **params})


# ------------------------------------------------------------------------------------------- protocol


def test_get_query_returns_sparql_json(server):
    status, headers, body = http(q(server, CLAIMS_ABOUT_IGF1R))
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["claim", "o"]
    objects = {b["o"]["value"] for b in data["results"]["bindings"]}
    assert "http://identifiers.org/hgnc/391" in objects  # IGF1R activates AKT1 (fixture paper 2)


def test_post_form_and_direct_post_give_the_same_answer(server):
    form = urllib.parse.urlencode({"query": CLAIMS_ABOUT_IGF1R}).encode()
    s1, _, b1 = http(server.url + "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    s2, _, b2 = http(server.url + "/sparql", CLAIMS_ABOUT_IGF1R.encode(), {"Content-Type": "application/sparql-query"})
    s3, _, b3 = http(q(server, CLAIMS_ABOUT_IGF1R))
    assert s1 == s2 == s3 == 200
    assert json.loads(b1) == json.loads(b2) == json.loads(b3)


@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_content_negotiation(server, accept, ctype):
    status, headers, body = http(q(server, CLAIMS_ABOUT_IGF1R), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    expected = {b["claim"]["value"] for b in json.loads(http(q(server, CLAIMS_ABOUT_IGF1R))[2])["results"]["bindings"]}
    if ctype == "text/csv":  # lossy by design (no term types): read it as CSV
        import csv

        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert {r["claim"] for r in rows} == expected
        return
    fmt = {"application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV,
           "application/sparql-results+json": ox.QueryResultsFormat.JSON}[ctype]
    rows = list(ox.parse_query_results(body, format=fmt))
    assert {r["claim"].value for r in rows} == expected


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_content_negotiation(server, accept, fmt):
    query = (f"PREFIX igfkg: <https://w3id.org/igfkg/ontology#> CONSTRUCT {{ ?c igfkg:object ?o }} "
             f"WHERE {{ GRAPH <{KG}> {{ ?c igfkg:subject <{IGF1R}> ; igfkg:object ?o }} }} LIMIT 3")
    status, headers, body = http(q(server, query), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    triples = list(ox.parse(body, format=fmt))
    assert 1 <= len(triples) <= 3
    assert all(t.predicate.value == "https://w3id.org/igfkg/ontology#object" for t in triples)


def test_format_parameter_overrides_accept(server):
    status, headers, body = http(q(server, CLAIMS_ABOUT_IGF1R, format="csv"), headers={"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0] == b"claim,o"


def test_ask_in_json_and_xml(server):
    ask = f"ASK {{ GRAPH <{KG}> {{ ?c ?p <{IGF1R}> }} }}"
    assert json.loads(http(q(server, ask))[2]) == {"head": {}, "boolean": True}
    status, _, body = http(q(server, ask), headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and b"<boolean>true</boolean>" in body


def test_union_default_graph(server):
    """Without GRAPH, the default graph is the union of all named graphs (documented in the SD)."""
    data = json.loads(http(q(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c ?p <{IGF1R}> }}"))[2])
    assert int(data["results"]["bindings"][0]["n"]["value"]) > 0


def test_default_graph_uri_restricts_the_dataset(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    curation = json.loads(http(q(server, query, **{"default-graph-uri": "https://w3id.org/igfkg/graph/none"}))[2])
    assert curation["results"]["bindings"][0]["n"]["value"] == "0"


# ----------------------------------------------------------------------------------- standard clients


def test_sparqlwrapper_select_construct_ask(server):
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(CLAIMS_ABOUT_IGF1R)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert any(r["o"]["value"] == "http://identifiers.org/hgnc/391" for r in rows)

    client.setQuery(f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ GRAPH <{KG}> {{ ?c ?p ?o }} }} LIMIT 4")
    client.setReturnFormat(TURTLE)
    graph_bytes = client.query().convert()
    assert len(list(ox.parse(graph_bytes, format=ox.RdfFormat.TURTLE))) == 4
    client.setReturnFormat(XML)
    graph = client.query().convert()  # an rdflib Graph parsed from RDF/XML
    assert len(graph) == 4

    client.setQuery(f"ASK {{ GRAPH <{KG}> {{ <{IGF1R}> ?p ?o }} }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True

    client.setMethod("POST")
    client.setQuery(CLAIMS_ABOUT_IGF1R)
    assert client.query().convert()["results"]["bindings"] == rows


def test_rdflib_sparqlstore(server):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.url + "/sparql", returnFormat="xml")
    graph = Graph(store=store)
    rows = list(graph.query(CLAIMS_ABOUT_IGF1R))
    assert URIRef("http://identifiers.org/hgnc/391") in {r[1] for r in rows}
    assert graph.query(f"ASK {{ GRAPH <{KG}> {{ <{IGF1R}> ?p ?o }} }}").askAnswer is True
    store_json = SPARQLStore(server.url + "/sparql", returnFormat="json")
    assert len(list(Graph(store=store_json).query(CLAIMS_ABOUT_IGF1R))) == len(rows)
    # triple patterns against the union default graph work through the store API as well
    assert any(True for _ in graph.triples((URIRef(IGF1R), None, None)))


# ---------------------------------------------------------------------------------------------- errors


def test_syntax_error_is_400_json_with_line_and_column(server):
    status, headers, body = http(q(server, "SELECT * WHERE {\n  ?s ?p \n}"))
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["type"] == "syntax" and error["line"] == 3 and error["column"] >= 1
    assert "syntax error" in error["message"]


@pytest.mark.parametrize("hostile", ["} ; DROP ALL #", "DROP ALL", "CLEAR GRAPH <https://w3id.org/igfkg/graph/kg>"])
def test_updates_in_the_query_parameter_are_syntax_errors(server, hostile):
    status, _, body = http(q(server, hostile))
    assert status == 400 and json.loads(body)["error"]["type"] == "syntax"
    assert json.loads(http(q(server, CLAIMS_ABOUT_IGF1R))[2])["results"]["bindings"]  # nothing was dropped


def test_read_only_by_default(server):
    form = urllib.parse.urlencode({"update": f"DROP GRAPH <{KG}>"}).encode()
    status, _, body = http(server.url + "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                          "Authorization": "Bearer " + TOKEN})
    assert status == 403 and "read-only" in json.loads(body)["error"]["message"]
    status, _, _ = http(server.url + "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403
    assert json.loads(http(q(server, CLAIMS_ABOUT_IGF1R))[2])["results"]["bindings"]


def test_result_size_limit_cuts_and_says_so(server):
    status, headers, body = http(q(server, "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 40
    assert headers["X-SPARQL-MaxRows"] == "40" and headers["X-Result-Truncated"] == "true"
    status, headers, body = http(q(server, "CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "application/n-triples"})
    assert status == 200 and len(body.splitlines()) == 40 and headers["X-SPARQL-MaxRows"] == "40"


def test_slow_query_times_out_and_the_server_stays_up(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, headers, body = http(q(server, slow, timeout="1"))
    assert status == 503
    error = json.loads(body)["error"]
    assert error["type"] == "timeout" and headers["Retry-After"]
    # the worker was replaced; the endpoint keeps answering
    for _ in range(3):
        assert http(q(server, CLAIMS_ABOUT_IGF1R))[0] == 200


def test_bounded_request_body(server):
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (2 << 20)
    status, _, body = http(server.url + "/sparql", big, {"Content-Type": "application/sparql-query"})
    assert status == 413 and json.loads(body)["error"]["type"] == "too_large"


def test_unsupported_media_and_not_acceptable(server):
    status, _, _ = http(server.url + "/sparql", b"<x/>", {"Content-Type": "application/xml"})
    assert status == 415
    status, _, body = http(q(server, CLAIMS_ABOUT_IGF1R), headers={"Accept": "image/png"})
    assert status == 406 and json.loads(body)["error"]["type"] == "not_acceptable"


def test_a_browser_gets_the_query_page(server):
    status, headers, body = http(q(server, CLAIMS_ABOUT_IGF1R), headers={"Accept": "text/html"})  # 303 followed
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b'id="result-table"' in body
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert http(q(server, CLAIMS_ABOUT_IGF1R, format="json"), headers={"Accept": browser})[0] == 200


def test_bad_parameters(server):
    assert http(q(server, CLAIMS_ABOUT_IGF1R, format="pdf"))[0] == 400
    assert http(q(server, CLAIMS_ABOUT_IGF1R, timeout="soon"))[0] == 400
    two = server.url + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"
    assert http(two)[0] == 400
    assert http(server.url + "/sparql", method="PUT", data=b"x")[0] == 405


# ------------------------------------------------------------------------------------ SD and VoID


def test_service_description(server):
    status, headers, body = http(server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [t.object.value for t in triples if t.predicate.value == sd + "endpoint"]
    assert endpoints == [server.url + "/sparql"]
    features = {t.object.value for t in triples if t.predicate.value == sd + "feature"}
    assert sd + "UnionDefaultGraph" in features
    languages = {t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"}
    assert languages == {sd + "SPARQL11Query"}  # no update language: read-only
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert KG in names


def test_void(server):
    status, headers, body = http(server.url + "/.well-known/void", headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    triples = list(ox.parse(body, format=ox.RdfFormat.JSON_LD))
    void = "http://rdfs.org/ns/void#"
    total = [int(t.object.value) for t in triples if t.predicate.value == void + "triples"
             and t.subject.value.endswith("#dataset")]
    assert total and total[0] > 100
    assert any(t.predicate.value == void + "sparqlEndpoint" for t in triples)
    classes = {t.object.value for t in triples if t.predicate.value == void + "class"}
    assert "https://w3id.org/igfkg/ontology#Claim" in classes


# ---------------------------------------------------------------------------------------------- updates


def test_updates_need_allow_update_and_the_token(tmp_path):
    settings, claims = fixture_store.build_store(tmp_path)  # its own store: the module's server holds the other
    srv = start_server(settings, ServeConfig(port=0, allow_update=True, update_token=TOKEN, claims_file=claims))
    try:
        insert = "INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> \"c\" } }"
        headers = {"Content-Type": "application/sparql-update"}
        assert http(srv.url + "/sparql", insert.encode(), headers)[0] == 401
        assert http(srv.url + "/sparql", insert.encode(), {**headers, "Authorization": "Bearer wrong-token-xxxxxxxx"})[0] == 403
        ask = srv.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { GRAPH <urn:test> { <urn:a> ?p ?o } }"})
        assert json.loads(http(ask)[2])["boolean"] is False
        status, _, body = http(srv.url + "/sparql", insert.encode(), {**headers, "Authorization": "Bearer " + TOKEN})
        assert status == 200, body
        assert json.loads(http(ask)[2])["boolean"] is True  # the query workers see the write at once
        form = urllib.parse.urlencode({"update": "DELETE DATA { GRAPH <urn:test> { <urn:a> <urn:b> \"c\" } }"}).encode()
        assert http(srv.url + "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                "Authorization": "Bearer " + TOKEN})[0] == 200
        assert json.loads(http(ask)[2])["boolean"] is False
        status, _, body = http(srv.url + "/sparql", b"DROP ALL ; }", {**headers, "Authorization": "Bearer " + TOKEN})
        assert status == 400 and json.loads(body)["error"]["line"] == 1
        sd = http(srv.url + "/sparql", headers={"Accept": "text/turtle"})[2]
        assert b"SPARQL11Update" in sd
    finally:
        srv.stop()


def test_allow_update_without_a_token_is_refused(project):
    from kg.errors import IgfkgError

    settings, _ = project
    with pytest.raises(IgfkgError, match="bearer token"):
        start_server(settings, ServeConfig(port=0, allow_update=True))
