"""End to end in a real browser: ``igfkg serve`` as a process on 127.0.0.1, driven by headless chromium.

A curator searches for IGF-1R, opens its page, opens a claim, signs in, accepts the claim, and the decision
is then in ``data/curation/decisions.jsonl`` of the (temporary) project and visible to SPARQL — through
/sparql and through the query page. Skips (with the reason) only when chromium/chromedriver are missing;
CI installs them (.ci/run).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.serve.auth import add_curator
from kg.serve.browser import find_chromium

pytestmark = [pytest.mark.server, pytest.mark.skipif(
    find_chromium() is None, reason="chromium and chromedriver are not installed "
                                    "(apt-get install -y chromium chromium-driver; CI does this in .ci/run)")]

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fixtures" / "serve"))
import fixture_store  # noqa: E402  (the fixture graph, shared by the serve tests)

CURATOR = "https://orcid.org/0000-0002-1825-0097"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """(base URL, project dir, curator token) of a real ``igfkg serve`` process over the fixture graph."""
    tmp_path = tmp_path_factory.mktemp("web-e2e")
    settings, claims = fixture_store.build_store(tmp_path)
    token = add_curator(settings.curation_dir / "curators.json", CURATOR, "Josiah Carberry")
    process = subprocess.Popen([sys.executable, "-m", "kg", "--data-dir", str(tmp_path), "serve", "--host", "127.0.0.1",
                                "--port", "0", "--claims", str(claims)], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        assert match, f"server did not start: {line}{process.stderr.read() if process.poll() is not None else ''}"
        yield match.group(1), tmp_path, token
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(30) == 0
        finally:
            if process.poll() is None:
                process.kill()


@pytest.fixture(scope="module")
def browser():
    from kg.serve.browser import Browser

    with Browser(1280, 900) as b:
        b.driver.implicitly_wait(5)
        yield b.driver


def test_search_open_claim_accept_and_see_it_in_sparql(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    base, project, token = served
    driver = browser
    wait = WebDriverWait(driver, 20)

    # 1. search for IGF-1R from the home page
    driver.get(base + "/")
    box = driver.find_element(By.ID, "search-box")
    box.send_keys("IGF-1R")
    box.send_keys(Keys.RETURN)
    first = driver.find_element(By.CSS_SELECTOR, "#search-results a.entity")
    assert first.text == "IGF1R"

    # 2. open its page: claims in and out, grouped by predicate
    first.click()
    wait.until(until.url_to_be(base + "/entity/HGNC:5465"))
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("IGF1R")
    assert "IGF1R as subject" in driver.page_source

    # 3. open a claim: IGF1R activates AKT1
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "tr.claim-row") if "AKT1" in r.text)
    row.find_element(By.CSS_SELECTOR, "a.claim-link").click()
    wait.until(until.url_matches(r"/claim/[0-9a-f]{16}$"))
    claim_id = re.search(r"/claim/([0-9a-f]{16})$", driver.current_url).group(1)
    assert driver.find_element(By.CSS_SELECTOR, "blockquote.sentence mark.obj").text == "AKT1"
    assert driver.find_element(By.ID, "claim-status").text == "candidate"

    # 4. sign in as a curator and come back to the claim
    driver.find_element(By.ID, "sign-in").click()
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "login-button").click()
    wait.until(until.url_to_be(f"{base}/claim/{claim_id}"))  # a form POST navigates after click() returns
    assert "Josiah Carberry" in driver.find_element(By.ID, "signed-in-as").text

    # 5. accept it
    driver.find_element(By.CSS_SELECTOR, "#accept-form input[name=note]").send_keys("seen in the figure")
    driver.find_element(By.ID, "accept-button").click()
    wait.until(until.url_to_be(f"{base}/claim/{claim_id}?done=accepted"))
    assert driver.find_element(By.ID, "claim-status").text == "accepted"
    history = driver.find_element(By.ID, "curation-history").text
    assert CURATOR in history and "accepted" in history and "seen in the figure" in history

    # 6. the decision is in data/curation/ of the project ...
    decisions = [json.loads(line) for line in (project / "curation" / "decisions.jsonl").read_text().splitlines()]
    assert len(decisions) == 1
    assert decisions[0]["claim_id"] == claim_id and decisions[0]["decision"] == "accepted"
    assert decisions[0]["curator"] == CURATOR and decisions[0]["note"] == "seen in the figure"

    # 7. ... and SPARQL sees it, through /sparql ...
    query = f"""PREFIX igfkg: <https://w3id.org/igfkg/ontology#>
SELECT ?decision ?curator ?status WHERE {{
  GRAPH <https://w3id.org/igfkg/graph/curation> {{
    ?d igfkg:aboutClaim <https://w3id.org/igfkg/claim/{claim_id}> ; igfkg:decision ?decision ; igfkg:curator ?curator }}
  GRAPH <https://w3id.org/igfkg/graph/kg> {{ <https://w3id.org/igfkg/claim/{claim_id}> igfkg:status ?status }}
}}"""
    with urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": query}), timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    assert len(rows) == 1
    assert rows[0]["curator"]["value"] == CURATOR
    assert rows[0]["decision"]["value"].lower().endswith("accepted")
    assert rows[0]["status"]["value"].lower().endswith("accepted")

    # ... and through the query page in the browser
    driver.get(base + "/query")
    editor = driver.find_element(By.ID, "query-text")
    editor.clear()
    editor.send_keys(query)
    driver.find_element(By.ID, "run-query").click()
    wait.until(until.presence_of_element_located((By.ID, "result-table")))
    cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#result-table tbody td")]
    assert CURATOR in cells


def test_network_and_paper_pages_render_in_the_browser(served, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    base, _, _ = served
    driver = browser
    driver.get(base + "/entity/HGNC:5465/network")
    svg = driver.find_element(By.CSS_SELECTOR, "#network svg")
    assert svg.size["width"] > 600 and svg.size["height"] > 300
    assert len(driver.find_elements(By.CSS_SELECTOR, "#network circle")) == 11
    driver.find_element(By.ID, "two-hops").click()
    WebDriverWait(driver, 20).until(until.url_contains("hop=2"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#network circle")) > 11
    driver.get(base + "/paper/pmid:38865036")
    assert "cancer stem cells" in driver.find_element(By.TAG_NAME, "h1").text
    # no script from the data ever runs: the hostile entity's label stays text
    for path in ("/entity/MESH:C999999", "/entity/MESH:C999999/network", "/search?q=" + urllib.parse.quote('"><script>')):
        driver.get(base + path)
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert  # noqa: B018 - the label's alert("x") never runs
    driver.get(base + "/entity/MESH:C999999")
    assert "<script>" in driver.find_element(By.TAG_NAME, "h1").text
