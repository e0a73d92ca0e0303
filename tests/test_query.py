"""Named queries, parameter binding, output formats, errors — via the library, CliRunner and a real
``igfkg`` subprocess — on the fixture graph in an embedded store (and the named queries also on a real
``oxigraph serve``)."""

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

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import OxigraphServer, fill, store, store_dir  # noqa: E402,F401 (fixtures)

from kg import query as q  # noqa: E402
from kg.cli import main  # noqa: E402
from kg.errors import QueryError  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store import EmbeddedStore, open_store  # noqa: E402

EXPECTED_QUERIES = {"claims-about", "what-activates", "stemness-regulators", "igf-axis-drugs", "contradictions",
                    "claims-by-paper", "citation-chain", "most-supported"}
ACT = "b6eef6269cb740f8"  # IGF1R activates AKT1 (fixture claim; IDs are content hashes, stable)


def _rows(result) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)} for row in result.rows]


def test_the_shipped_queries_have_headers() -> None:
    queries = {nq.name: nq for nq in q.list_queries()}
    assert EXPECTED_QUERIES <= set(queries)
    for nq in queries.values():
        assert nq.description, nq.name
    assert [p.name for p in queries["what-activates"].params] == ["target"]
    assert queries["claims-by-paper"].params[0].kind == "document"


def test_fixture_claim_id_is_pinned(store: EmbeddedStore) -> None:
    from graphdata import AKT1, IGF1R

    from kg.model import Claim, Predicate

    assert Claim(IGF1R, Predicate.ACTIVATES, AKT1).id == ACT


def test_what_activates_by_label_and_by_curie(store: EmbeddedStore) -> None:
    by_label = _rows(q.run_named(store, "what-activates", {"target": "akt1"}))
    by_curie = _rows(q.run_named(store, "what-activates", {"target": "HGNC:391"}))
    assert by_label == by_curie
    assert [(r["activator"], r["predicate"], r["papers"]) for r in by_label] == [("IGF1R", "activates", "2")]


def test_claims_about_lists_evidence(store: EmbeddedStore) -> None:
    rows = _rows(q.run_named(store, "claims-about", {"entity": "IGF1R"}))
    assert {r["claim"].rsplit("/", 1)[1] for r in rows} >= {ACT}
    act = [r for r in rows if r["claim"].endswith(ACT)]
    assert sorted(r["document"] for r in act) == ["pmid:1002", "pmid:38865036", "pmid:38865036"]
    assert rows[0]["status"] == "accepted"  # the accepted drug claim has belief 1 and sorts first


def test_claim_evidence_lists_every_sentence_leading_ones_first(store: EmbeddedStore) -> None:
    rows = _rows(q.run_named(store, "claim-evidence", {"claim": ACT}))
    assert sorted(r["document"] for r in rows) == ["pmid:1002", "pmid:38865036", "pmid:38865036"]
    assert {r["says"] for r in rows} == {"IGF1R activates AKT1"} and all(r["sentence"] for r in rows)
    leads = [r["lead"] for r in rows]
    assert leads == sorted(leads, reverse=True) and leads.count("true") == min(3, len(rows))


def test_claims_about_shows_at_most_the_leading_sentences(store: EmbeddedStore) -> None:
    from kg.ranking import LEAD_EVIDENCE

    rows = _rows(q.run_named(store, "claims-about", {"entity": "IGF1R"}))
    per_claim: dict[str, int] = {}
    for r in rows:
        per_claim[r["claim"]] = per_claim.get(r["claim"], 0) + 1
    assert max(per_claim.values()) <= LEAD_EVIDENCE
    everything = _rows(q.run_named(store, "claim-evidence", {"claim": ACT}))
    shown = {r["sentence"] for r in rows if r["claim"].endswith(ACT)}
    assert shown == {r["sentence"] for r in everything if r["lead"] == "true"}


def test_drugs_stemness_contradictions_most_supported(store: EmbeddedStore) -> None:
    drugs = _rows(q.run_named(store, "igf-axis-drugs"))
    assert [(r["drug"], r["target"], r["status"]) for r in drugs] == [("picropodophyllin", "IGF1R", "accepted")]
    assert q.get_query("igf-axis-drugs").limit == 1000
    assert _rows(q.run_named(store, "igf-axis-drugs", {"limit": "1"})) == drugs
    stem = _rows(q.run_named(store, "stemness-regulators"))
    assert [(r["regulator"], r["inCSC"]) for r in stem] == [("IGF1R", "true")]
    contra = _rows(q.run_named(store, "contradictions"))
    assert len(contra) == 1 and {contra[0]["says"], contra[0]["otherSays"]} == {"IGF1R activates AKT1",
                                                                                 "IGF1R inhibits AKT1"}
    top = _rows(q.run_named(store, "most-supported"))
    assert top[0]["claim"].endswith(ACT) and top[0]["papers"] == "2"
    assert all(r["status"] != "rejected" for r in top)


def test_claims_by_paper_and_citation_chain(store: EmbeddedStore) -> None:
    by_paper = _rows(q.run_named(store, "claims-by-paper", {"paper": "1001"}))
    assert len(by_paper) == 3 and {r["status"] for r in by_paper} == {"accepted", "rejected", "candidate"}
    assert by_paper == _rows(q.run_named(store, "claims-by-paper", {"paper": "pmid:1001"}))
    chain = _rows(q.run_named(store, "citation-chain", {"claim": ACT}))
    cited = {(r["paper"].rsplit("/", 1)[1], (r["cited"] or "").split("/")[-1], r["citedSupports"]) for r in chain}
    # the review (38865036) cites 1002 by DOI, and 1002 also supports the claim; it cites 1001, which does not
    assert ("38865036", "test.1002", "true") in cited and ("38865036", "1001", "false") in cited


def test_parameters_are_bound_not_pasted(store: EmbeddedStore) -> None:
    hostile = '"} } DROP ALL ; SELECT * { ?s ?p ?o'
    with pytest.raises(QueryError, match="no entity is labelled"):
        q.run_named(store, "what-activates", {"target": hostile})
    res = q.run_query(store, "SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": hostile})
    assert res.rows[0][0].value == hostile and store.count() > 0


def test_parameter_typing() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert q.resolve_param(None, "n", "5").datatype == ox.NamedNode(xsd + "integer")
    assert q.resolve_param(None, "n", "0.5").datatype == ox.NamedNode(xsd + "decimal")
    assert q.resolve_param(None, "b", "true") == ox.Literal(True)
    assert q.resolve_param(None, "e", "hgnc:5465") == ox.NamedNode("http://identifiers.org/hgnc/5465")
    assert q.resolve_param(None, "e", "<https://example.org/x>") == ox.NamedNode("https://example.org/x")
    assert q.resolve_param(None, "s", "IGF-1R signaling") == ox.Literal("IGF-1R signaling")
    assert q.resolve_param(None, "d", "doi:10.1/x", "document") == ox.NamedNode("https://doi.org/10.1/x")
    with pytest.raises(QueryError, match="not a valid integer"):
        q.resolve_param(None, "n", "five", "integer")
    with pytest.raises(QueryError, match="claim ID"):
        q.resolve_param(None, "c", "xyz", "claim")


def test_named_query_parameter_errors(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="needs --param target"):
        q.run_named(store, "what-activates", {})
    with pytest.raises(QueryError, match="has no parameter"):
        q.run_named(store, "contradictions", {"x": "1"})
    with pytest.raises(QueryError, match="no named query"):
        q.get_query("nope")


def test_syntax_error_positions_refer_to_the_users_text(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match=r"line 1, column 4[0-9]"):
        q.run_query(store, "SELECT ?c WHERE { GRAPH ?g { ?c a igfkg:Claim }", predeclare=True)
    with pytest.raises(QueryError, match=r"line 3, column"):
        q.run_query(store, "SELECT ?c\nWHERE {\n  ?c ?p }")


def test_output_formats(store: EmbeddedStore) -> None:
    res = q.run_named(store, "most-supported")
    table = q.format_result(res, "table", width=100)
    assert table.splitlines()[0].startswith("claim") and f"({len(res)} rows)" in table
    assert all(len(line) <= 100 for line in table.splitlines())
    rows = list(csv.reader(io.StringIO(q.format_result(res, "csv"))))
    assert rows[0] == res.variables and len(rows) == len(res) + 1
    tsv = q.format_result(res, "tsv").splitlines()
    assert tsv[0].startswith("?claim") and tsv[1].startswith("<https://w3id.org/igfkg/claim/")
    js = json.loads(q.format_result(res, "json"))
    assert js["head"]["vars"] == res.variables and len(js["results"]["bindings"]) == len(res)
    # our JSON and XML are valid SPARQL results: pyoxigraph parses them back to the same solutions
    for fmt, oxfmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)):
        parsed = ox.parse_query_results(q.format_result(res, fmt), format=oxfmt)
        assert [tuple(s[v] for v in res.variables) for s in parsed] == res.rows
    graph = q.run_query(store, "CONSTRUCT { ?c ?p ?o } WHERE { GRAPH <https://w3id.org/igfkg/graph/kg> "
                               "{ ?c ?p ?o } }")
    ttl = q.format_result(graph, "turtle")
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == len(set(map(str, graph.triples)))
    with pytest.raises(QueryError):
        q.format_result(res, "turtle")
    assert q.format_result(q.run_query(store, "ASK { GRAPH ?g { ?s ?p ?o } }"), "json") == \
        '{"head": {}, "boolean": true}\n'


def test_stats(store: EmbeddedStore) -> None:
    data = q.stats(store)
    assert data["claim_status"] == {"candidate": 5, "accepted": 1, "rejected": 1}
    assert data["classes"]["igfkg:Claim"] == 7
    assert data["graphs"]["documents (3 graphs)"] > 0
    assert data["evidence_sources"] == {"text_mining": 9}


def test_named_queries_on_a_real_oxigraph_server(tmp_path: Path, store: EmbeddedStore) -> None:
    srv = OxigraphServer(tmp_path / "server")
    try:
        remote = open_store(Settings(endpoint=srv.query, update_endpoint=srv.update))
        remote.bulk_load(store.dump("nq"), fmt="nq")
        for name, params in (("what-activates", {"target": "AKT1"}), ("claims-about", {"entity": "HGNC:5465"}),
                             ("claims-by-paper", {"paper": "1001"}), ("citation-chain", {"claim": ACT}),
                             ("igf-axis-drugs", {}), ("stemness-regulators", {}), ("contradictions", {}),
                             ("most-supported", {})):
            assert _rows(q.run_named(remote, name, params)) == _rows(q.run_named(store, name, params)), name
    finally:
        srv.stop()


# ------------------------------------------------------------------------------------------------- CLI


def test_cli_query_list_and_named(store_dir: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["query", "--list"])
    assert out.exit_code == 0 and all(name in out.output for name in EXPECTED_QUERIES)
    out = runner.invoke(main, ["query", "--store", str(store_dir), "--name", "what-activates", "--param",
                               "target=AKT1", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[1].startswith(f"https://w3id.org/igfkg/claim/{ACT},IGF1R,activates")


def test_cli_errors_are_one_line(store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["query", "--store", str(store_dir), "SELECT ?x WHERE { ?x ?p }"])
    assert out.exit_code == 1 and "line 1, column" in out.output and "Traceback" not in out.output
    out = runner.invoke(main, ["query", "--store", str(tmp_path / "missing"), "ASK {}"])
    assert out.exit_code == 1 and "does not exist" in out.output
    assert not (tmp_path / "missing").exists()
    out = runner.invoke(main, ["query", "--store", str(store_dir)])
    assert out.exit_code == 2  # usage error


def test_cli_subprocess_query_and_stats(store_dir: Path, tmp_path: Path) -> None:
    env_cmd = [sys.executable, "-m", "kg"]
    out = subprocess.run([*env_cmd, "query", "--store", str(store_dir), "--name", "claims-about", "--param",
                          "entity=IGF1R", "--format", "json", "-o", str(tmp_path / "r.json")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert len(data["results"]["bindings"]) == 7
    out = subprocess.run([*env_cmd, "stats", "--store", str(store_dir), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["claim_predicates"]["igfkg:binds"] == 3
    out = subprocess.run([*env_cmd, "query", "--store", str(store_dir), "--name", "what-activates"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "needs --param target" in out.stderr


def test_claims_about_limit_ranks_claims_before_cutting(store: EmbeddedStore) -> None:
    """`--param limit=N` keeps the N strongest claims (every evidence row of each), default from `# limit:`."""
    full = _rows(q.run_named(store, "claims-about", {"entity": "HGNC:5465"}))
    assert q.get_query("claims-about").limit == 200 and len({r["claim"] for r in full}) > 1
    one = _rows(q.run_named(store, "claims-about", {"entity": "HGNC:5465", "limit": "1"}))
    best = max(float(r["belief"]) for r in full)
    assert {r["claim"] for r in one} == {min(r["claim"] for r in full if float(r["belief"]) == best)}
    assert one == [r for r in full if r["claim"] == one[0]["claim"]]
    with pytest.raises(QueryError, match="limit"):
        q.run_named(store, "claims-about", {"entity": "HGNC:5465", "limit": "0"})


def test_values_placeholder_binds_where_the_query_says() -> None:
    from kg.store import inject_values

    text = "SELECT * WHERE { { SELECT ?c WHERE { VALUES ?e { UNDEF } ?c ?p ?e } LIMIT 5 } ?c ?q ?x }"
    out = inject_values(text, {"e": ox.NamedNode("http://example.org/a"), "x": ox.Literal("1")})
    assert "VALUES ?e { <http://example.org/a> }" in out and "UNDEF" not in out
    assert out.startswith('SELECT * WHERE { VALUES (?x) { ("1") }')
