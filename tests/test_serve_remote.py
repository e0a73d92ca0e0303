"""``igfkg serve --endpoint``: the pages and /sparql over a remote SPARQL 1.1 server (a real ``oxigraph serve``
process on 127.0.0.1), and browser curation writing through the endpoint's update service."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
import sys
from pathlib import Path

import pytest

from kg.serve import ServeConfig, start_server
from kg.serve.auth import add_curator

pytestmark = [pytest.mark.server, pytest.mark.skipif(shutil.which("oxigraph") is None,
                                                     reason="the oxigraph server (pip install oxigraph) is not installed")]

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fixtures" / "serve"))
import fixture_store  # noqa: E402  (the fixture graph, shared by the serve tests)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory):
    project = tmp_path_factory.mktemp("serve-remote")
    settings, claims = fixture_store.build_store(project)
    port = free_port()
    oxigraph = subprocess.Popen(["oxigraph", "serve", "--location", str(project / "store"), "--bind", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    token = add_curator(settings.curation_dir / "curators.json", "curator-remote", "Remote Curator")
    remote_settings = replace(settings, endpoint=base + "/query", update_endpoint=base + "/update")
    server = start_server(remote_settings, ServeConfig(port=0, claims_file=claims, timeout=10))
    yield server, settings, token
    server.stop()
    oxigraph.terminate()
    oxigraph.wait(10)


def get(url: str, accept: str = "text/html") -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_pages_over_a_remote_endpoint(remote):
    server, _, _ = remote
    status, page = get(server.url + "/entity/HGNC:5465")
    assert status == 200 and "7 claim(s) with IGF1R as subject, 4 as object" in page
    status, page = get(server.url + "/paper/pmid:38865036")
    assert status == 200 and "Liu F" in page
    status, page = get(server.url + "/query?name=claims-about&entity=HGNC:5465")
    assert status == 200 and 'id="result-table"' in page


def test_sparql_is_forwarded_with_errors_kept(remote):
    server, _, _ = remote
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/igfkg/graph/kg> { ?c ?p ?o } }"
    status, body = get(server.url + "/sparql?" + urllib.parse.urlencode({"query": query}), "application/sparql-results+json")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100
    status, body = get(server.url + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"}),
                       "application/json")
    error = json.loads(body)["error"]
    assert status == 400 and error["type"] == "syntax" and error["line"] == 1


def test_browser_curation_writes_through_the_endpoint(remote):
    server, settings, token = remote
    page = get(server.url + "/entity/HGNC:391")[1]
    cid = re.findall(r'href="/claim/([0-9a-f]{16})"', page)[0]
    data = urllib.parse.urlencode({"decision": "accepted"}).encode()
    request = urllib.request.Request(server.url + f"/claim/{cid}/curate", data=data, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    assert cid in settings.decisions_file.read_text()
    # the remote store itself holds the decision (asked directly, not through igfkg)
    endpoint = server.context.settings.endpoint
    query = (f"ASK {{ GRAPH <https://w3id.org/igfkg/graph/curation> {{ ?d <https://w3id.org/igfkg/ontology#aboutClaim> "
             f"<https://w3id.org/igfkg/claim/{cid}> }} }}")
    status, body = get(endpoint + "?" + urllib.parse.urlencode({"query": query}), "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
