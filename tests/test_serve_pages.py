"""The web pages over HTTP (no browser): search, entity, claim, paper, network, query page, escaping of
hostile input, sign-in, CSRF, and browser curation through kg.curation (decisions file + store).

The browser flow itself is tests/test_web_e2e.py; the CLI command is tested at the end of this file.
"""

from __future__ import annotations

import html
import json
import time
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.serve import ServeConfig, start_server
from kg.serve.auth import add_curator, load_curators, token_digest

pytestmark = pytest.mark.server

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fixtures" / "serve"))
import fixture_store  # noqa: E402  (the fixture graph, shared by the serve tests)

KG = "https://w3id.org/igfkg/graph/kg"
CURATION = "https://w3id.org/igfkg/graph/curation"
HOSTILE = '"><script>alert("x")</script> } ; DROP ALL #'
CURATOR_ID = "https://orcid.org/0000-0002-1825-0097"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    settings, claims = fixture_store.build_store(tmp_path_factory.mktemp("serve-pages"))
    token = add_curator(settings.curation_dir / "curators.json", CURATOR_ID, "Josiah Carberry")
    srv = start_server(settings, ServeConfig(port=0, claims_file=claims, timeout=10))
    yield srv, settings, token
    srv.stop()


@pytest.fixture(scope="module")
def server(site):
    return site[0]


class Client:
    """urllib with a cookie jar and no automatic redirects (so 303s can be checked)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self._open(urllib.request.Request(self.base + path, headers={"Accept": "text/html", **(headers or {})}))

    def post(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None):
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, headers={
            "Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded", **(headers or {})}))

    def _open(self, request: urllib.request.Request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode("utf-8")


def sparql(server, query: str) -> dict:
    url = server.url + "/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def claim_ids(page: str) -> list[str]:
    return re.findall(r'href="/claim/([0-9a-f]{16})"', page)


# ------------------------------------------------------------------------------------------------ pages


def test_home_shows_counts_and_search(server):
    status, headers, page = Client(server.url).get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'name="q"' in page and "Most connected entities" in page
    assert re.search(r'<span class="value">13</span><span class="label">claims</span>', page)
    assert "default-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("text", ["IGF-1R", "IGF-IR", "igf1r", "CD221", "type 1 IGF receptor", "IGF1R"])
def test_search_finds_igf1r_by_label_and_synonyms(server, text):
    status, _, page = Client(server.url).get("/search?" + urllib.parse.urlencode({"q": text}))
    assert status == 200
    first = re.search(r'<a href="/entity/([^"]+)" class="entity', page)
    assert first and first.group(1) == "HGNC:5465", page[:2000]


def test_search_api_returns_json_with_claim_counts(server):
    with urllib.request.urlopen(server.url + "/api/search?q=IGF", timeout=30) as response:
        data = json.loads(response.read())
    found = {r["curie"]: r for r in data["results"]}
    assert found["HGNC:5465"]["claims"] == 11 and found["HGNC:5465"]["url"] == "/entity/HGNC:5465"
    assert "HGNC:5464" in found  # IGF1 by prefix


def test_entity_page_groups_claims_by_predicate(server):
    status, _, page = Client(server.url).get("/entity/HGNC:5465")
    assert status == 200
    assert "IGF1R as subject" in page and "IGF1R as object" in page
    assert "7 claim(s) with IGF1R as subject, 4 as object" in page
    for heading in ("increases expression", "phosphorylates", "inhibits", "not positively regulates"):
        assert re.search(r'<h3 class="pred">' + heading + r' <span class="count">\d+</span>', page), heading
    assert "CD221" in page  # synonyms from the lexicon
    assert "conflict" in page  # self-renewal: asserted in one paper, negated in another
    # the hostile entity label is shown, escaped, never as markup
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page


def test_entity_page_redirects_to_the_canonical_curie_and_404s(server):
    client = Client(server.url)
    status, headers, _ = client.get("/entity/hgnc:5465")
    assert status == 301 and headers["Location"] == "/entity/HGNC:5465"
    status, _, page = client.get("/entity/NOPE:1")
    assert status == 404 and "unknown CURIE prefix" in page
    status, _, page = client.get("/entity/" + urllib.parse.quote('"><script>alert(1)</script>'))
    assert status == 404 and "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_claim_page_shows_highlighted_evidence_and_links(server):
    client = Client(server.url)
    page = client.get("/entity/HGNC:5464")[2]  # IGF1: activates IGF1R, supported by two papers
    cid = next(c for c in claim_ids(page))
    status, _, page = client.get(f"/claim/{cid}")
    assert status == 200
    assert page.count('<blockquote class="sentence"') == 2
    assert '<mark class="subj">IGF-1</mark> <mark class="trig">activates</mark> <mark class="obj">IGF-1R</mark>' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/38865036/"' in page
    assert 'href="/paper/pmid:90000002"' in page
    assert "cell type" in page and "cancer stem cell" in page  # context qualifier
    assert "No decisions yet." in page


def test_claim_page_404s_and_escapes(server):
    client = Client(server.url)
    assert client.get("/claim/0123456789abcdef")[0] == 404
    status, _, page = client.get("/claim/" + urllib.parse.quote("<img src=x onerror=alert(1)>"))
    assert status == 404 and "<img" not in page


def test_claim_json(server):
    page = Client(server.url).get("/entity/HGNC:5464")[2]
    cid = claim_ids(page)[0]
    with urllib.request.urlopen(server.url + f"/claim/{cid}?format=json", timeout=30) as response:
        data = json.loads(response.read())
    assert data["claim"]["claim"]["subject"]["curie"] == "HGNC:5464" and len(data["claim"]["evidence"]) == 2


def test_hostile_claim_is_escaped_everywhere(server):
    client = Client(server.url)
    page = client.get("/entity/MESH:C999999")[2]
    assert "<script>alert" not in page
    cid = claim_ids(page)[0]
    page = client.get(f"/claim/{cid}")[2]
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    page = client.get("/entity/MESH:C999999/network")[2]
    assert "<script>alert" not in page


def test_paper_page_lists_claims_references_and_citing_papers(server):
    status, _, page = Client(server.url).get("/paper/pmid:38865036")
    assert status == 200
    assert "The role of IGF/IGF-1R signaling in the regulation of cancer stem cells." in page
    assert "Liu F, Ye S, Zhao L, Niu Q" in page
    assert len(set(claim_ids(page))) == 5
    assert 'href="/paper/pmid:90000002"' in page  # a reference that is in the graph
    assert "(not in the graph)" in page  # the DOI-only reference
    assert 'href="/paper/pmid:90000003"' in page  # cited by
    assert "&lt;b&gt;(fixture)&lt;/b&gt;" in page  # the citing paper's title has markup: escaped
    assert Client(server.url).get("/paper/38865036")[0] == 200  # a bare PMID works too
    assert Client(server.url).get("/paper/pmid:1")[0] == 404
    assert Client(server.url).get("/paper/" + urllib.parse.quote("'; DROP ALL"))[0] == 404


def test_network_view_is_a_deterministic_svg(server):
    client = Client(server.url)
    status, _, page = client.get("/entity/HGNC:5465/network")
    assert status == 200
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<circle") == 11  # IGF1R and its 10 neighbours
    assert 'stroke="#2e8b57"' in svg and 'stroke="#c0392b"' in svg  # activating and inhibiting edges
    assert 'stroke-dasharray="6 4"' in svg  # the negated self-renewal claim
    assert 'fill="#4e79a7"' in svg and 'fill="#f28e2b"' in svg  # genes and drugs
    assert client.get("/entity/HGNC:5465/network")[2] == page
    page2 = client.get("/entity/HGNC:5465/network?hop=2")[2]
    assert page2.count("<path d=") == svg.count("<path d=") + 2  # IGFBP3 binds IGF1; PPP regulates stemness
    assert "IGFBP3" in page2 and "IGFBP3" not in svg


def test_query_page_runs_named_queries_and_reports_errors(server):
    client = Client(server.url)
    status, _, page = client.get("/query")
    assert status == 200 and 'id="query-text"' in page and "/query?name=claims-about" in page
    page = client.get("/query?name=claims-about")[2]  # parameters not given yet: a form, nothing run
    assert 'id="params-form"' in page and 'name="entity"' in page and 'id="result-table"' not in page
    status, _, page = client.get("/query?name=claims-about&entity=IGF-1R")  # a label, resolved by kg.query
    assert status == 200 and 'id="result-table"' in page
    assert "&lt;http://identifiers.org/hgnc/5465&gt;" in page  # the bound query is what the editor shows
    assert page.count("<tr>") >= 12 and 'href="/claim/' in page
    query = html.unescape(re.search(r'<textarea[^>]*>(.*?)</textarea>', page, re.S).group(1))
    rerun = client.get("/query?" + urllib.parse.urlencode({"query": query}))[2]
    assert rerun.count("<tr>") == page.count("<tr>")
    short = client.get("/query?" + urllib.parse.urlencode({"query": "SELECT ?c WHERE { ?c igfkg:belief ?b }"}))[2]
    assert short.count("<tr>") == 14  # project prefixes work without PREFIX lines; header + 13 claims
    status, _, page = client.get("/query?" + urllib.parse.urlencode({"query": 'SELECT * WHERE { "><script>x</script> }'}))
    assert status == 200 and 'id="query-error"' in page and "line 1" in page and "<script>x" not in page
    page = client.get("/query?name=claims-about&entity=" + urllib.parse.quote("no such thing at all"))[2]
    assert 'id="query-error"' in page
    assert client.get("/query?name=nope")[0] == 404


def test_static_files_and_traversal(server):
    client = Client(server.url)
    assert client.get("/static/style.css")[0] == 200
    assert client.get("/static/..%2f..%2fapp.py")[0] == 404
    assert client.get("/static/../app.py")[0] == 404


def test_unknown_paths_and_methods(server):
    client = Client(server.url)
    status, _, page = client.get("/nope")
    assert status == 404 and "404" in page
    status, headers, _ = client.post("/entity/HGNC:5465", {"x": "1"})
    assert status == 405 and "GET" in headers["Allow"]


# ---------------------------------------------------------------------------------------------- curation


def signed_in(server, token: str) -> tuple[Client, str]:
    client = Client(server.url)
    status, headers, _ = client.post("/login", {"token": token, "next": "/entity/HGNC:5465"})
    assert status == 303 and headers["Location"] == "/entity/HGNC:5465"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    page = client.get("/")[2]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client, csrf


def test_login_rejects_unknown_tokens(server):
    status, _, page = Client(server.url).post("/login", {"token": "not-a-token"})
    assert status == 403 and "unknown curator token" in page
    assert Client(server.url).post("/login", {"token": "x", "next": "//evil.example/"})[0] == 403


def test_curation_needs_sign_in_and_csrf(site):
    server, settings, token = site
    cid = claim_ids(Client(server.url).get("/entity/HGNC:6125")[2])[0]  # IGF1R phosphorylates IRS1
    anonymous = Client(server.url)
    assert anonymous.post(f"/claim/{cid}/curate", {"decision": "accepted"})[0] == 401
    client, csrf = signed_in(server, token)
    assert client.post(f"/claim/{cid}/curate", {"decision": "accepted", "csrf": "forged"})[0] == 403
    status, _, _ = client.post(f"/claim/{cid}/curate", {"decision": "accepted", "csrf": csrf},
                               {"Origin": "http://evil.example"})
    assert status == 403
    assert not settings.decisions_file.exists() or cid not in settings.decisions_file.read_text()


def test_accept_in_the_browser_goes_to_the_decisions_file_and_the_store(site):
    server, settings, token = site
    client, csrf = signed_in(server, token)
    page = client.get("/entity/HGNC:391")[2]  # AKT1: IGF1R activates AKT1
    cid = claim_ids(page)[0]
    status, headers, _ = client.post(f"/claim/{cid}/curate", {"decision": "accepted", "note": "checked <b>", "csrf": csrf})
    assert status == 303 and headers["Location"] == f"/claim/{cid}?done=accepted"
    lines = [json.loads(line) for line in settings.decisions_file.read_text().splitlines()]
    mine = [d for d in lines if d["claim_id"] == cid]
    assert mine and mine[-1]["decision"] == "accepted" and mine[-1]["curator"] == CURATOR_ID
    assert mine[-1]["subject"] == "HGNC:5465" and mine[-1]["object"] == "HGNC:391"
    page = client.get(f"/claim/{cid}?done=accepted")[2]
    assert "Decision recorded: accepted." in page and 'class="status s-accepted"' in page
    assert CURATOR_ID in page and "checked &lt;b&gt;" in page
    # SPARQL sees it: the curation graph, the claim's status, and the direct triple of a curated claim
    rows = sparql(server, f"""PREFIX igfkg: <https://w3id.org/igfkg/ontology#>
        SELECT ?d WHERE {{ GRAPH <{CURATION}> {{ ?d igfkg:aboutClaim <https://w3id.org/igfkg/claim/{cid}> }} }}""")
    assert len(rows["results"]["bindings"]) == 1
    ask = sparql(server, f"""ASK {{ GRAPH <{KG}> {{ <http://identifiers.org/hgnc/5465>
        <https://w3id.org/igfkg/ontology#activates> <http://identifiers.org/hgnc/391> }} }}""")
    assert ask["boolean"] is True
    # the CLI reads the same file and agrees
    from kg.cli import main

    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "curate", "show", cid,
                                       "--claims", str(settings.data_dir / "claims.jsonl")])
    assert result.exit_code == 0, result.output
    assert "accepted" in result.output


def test_reject_needs_a_tag_and_correct_makes_a_new_claim(site):
    server, settings, token = site
    client, csrf = signed_in(server, token)
    cid = claim_ids(client.get("/entity/HGNC:20857")[2])[0]  # IGF1R increases expression of NANOG
    status, _, page = client.post(f"/claim/{cid}/curate", {"decision": "rejected", "csrf": csrf})
    assert status == 400 and "reason tag" in page
    listed = f"""ASK {{ GRAPH <https://w3id.org/igfkg/graph/index> {{ <https://w3id.org/igfkg/claim/{cid}>
        <https://w3id.org/igfkg/ontology#inListing> <https://w3id.org/igfkg/ontology#mostSupportedListing> }} }}"""
    assert sparql(server, listed)["boolean"] is True  # fewer than 50 claims: every one is listed
    status, _, _ = client.post(f"/claim/{cid}/curate", {"decision": "rejected", "error_tag": "polarity", "csrf": csrf})
    assert status == 303
    assert 'class="status s-rejected"' in client.get(f"/claim/{cid}")[2]
    deadline = time.monotonic() + 20  # the read index is patched right after the click, in the background
    while sparql(server, listed)["boolean"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sparql(server, listed)["boolean"] is False  # a rejected claim leaves the most-supported listing
    sox2 = claim_ids(client.get("/entity/HGNC:11195")[2])[0]
    status, headers, _ = client.post(f"/claim/{sox2}/curate", {
        "decision": "corrected", "subject": "HGNC:5465", "predicate": "positively_regulates",
        "object": "HGNC:11195", "csrf": csrf, "note": "expression is not shown"})
    assert status == 303
    new_id = re.search(r"/claim/([0-9a-f]{16})", headers["Location"]).group(1)
    assert new_id != sox2
    page = client.get(f"/claim/{new_id}")[2]
    assert "positively regulates" in page and f'href="/claim/{sox2}"' in page  # corrects the machine claim
    decisions = [json.loads(line) for line in settings.decisions_file.read_text().splitlines()]
    assert [d["decision"] for d in decisions if d["claim_id"] in (cid, sox2)] == ["rejected", "corrected"]


def test_bearer_token_curation_api(site):
    server, settings, token = site
    cid = claim_ids(Client(server.url).get("/entity/MESH:C525021")[2])[0]  # figitumumab inhibits IGF1R
    data = urllib.parse.urlencode({"decision": "note", "note": "antibody, not a small molecule"}).encode()
    request = urllib.request.Request(server.url + f"/claim/{cid}/curate", data=data, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        assert json.loads(response.read())["decision"]["decision"] == "note"
    bad = urllib.request.Request(server.url + f"/claim/{cid}/curate", data=data, headers={
        "Authorization": "Bearer nope", "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad, timeout=30)
    assert err.value.code == 403


def test_a_cli_decision_made_meanwhile_is_kept(site):
    """A curator using the CLI while the server runs: the browser's next write keeps both decisions."""
    server, settings, token = site
    client, csrf = signed_in(server, token)
    irs1 = claim_ids(client.get("/entity/HGNC:6125")[2])[0]
    ppp = claim_ids(client.get("/entity/MESH:C415032")[2])[0]
    from kg.cli import main

    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "curate", "note", irs1, "from the CLI",
                                       "--curator", "cli-curator", "--claims", str(settings.data_dir / "claims.jsonl")])
    assert result.exit_code == 0, result.output
    assert client.post(f"/claim/{ppp}/curate", {"decision": "accepted", "csrf": csrf})[0] == 303
    text = settings.decisions_file.read_text()
    assert "from the CLI" in text and ppp in text
    rows = sparql(server, f"""PREFIX igfkg: <https://w3id.org/igfkg/ontology#>
        SELECT ?d WHERE {{ GRAPH <{CURATION}> {{ ?d igfkg:aboutClaim <https://w3id.org/igfkg/claim/{irs1}> }} }}""")
    assert len(rows["results"]["bindings"]) == 1  # the CLI's note reached the store with the browser's write


def test_logout(site):
    server, _, token = site
    client, csrf = signed_in(server, token)
    assert client.post("/logout", {"csrf": csrf})[0] == 303
    assert "Curator sign-in" in client.get("/")[2]


# ---------------------------------------------------------------------------------------------- CLI


def test_add_curator_stores_only_a_hash(tmp_path):
    from kg.cli import main

    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "serve", "--add-curator", "0000-0001-2345-6789",
                                       "--name", "Ada"])
    assert result.exit_code == 0, result.output
    token = re.search(r"token \(shown once; sign in with it at /login\): (\S+)", result.output).group(1)
    stored = (tmp_path / "curation" / "curators.json").read_text()
    assert token not in stored and token_digest(token) in stored
    assert load_curators(tmp_path / "curation" / "curators.json")[token_digest(token)].name == "Ada"


def test_serve_help_and_missing_store(tmp_path):
    from kg.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--allow-update" in result.output and "/sparql" in result.output
    result = runner.invoke(main, ["serve", "--store", str(tmp_path / "missing"), "--port", "0"])
    assert result.exit_code == 1
    assert "no store here" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["--data-dir", str(tmp_path), "serve", "--allow-update", "--port", "0"])
    assert result.exit_code == 1 and "bearer token" in result.output


def test_serve_subprocess_answers_and_stops_cleanly(tmp_path):
    """The installed command as a real process: binds loopback, answers, exits 0 on SIGTERM."""
    import signal
    import time

    settings, claims = fixture_store.build_store(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "kg", "--data-dir", str(tmp_path), "serve", "--port", "0",
                                "--claims", str(claims)], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+)/", line).group(1)
        with urllib.request.urlopen(url + "/healthz", timeout=30) as response:
            assert json.loads(response.read())["ok"] is True
        time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert "server stopped" in process.stderr.read()
