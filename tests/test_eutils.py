"""The E-utilities client and downloader against a real HTTP server on 127.0.0.1 speaking esearch/efetch/
elink from fixture files; rate limits checked with an injected clock and at the server."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest

from kg.errors import NetworkError, SourceError
from kg.sources import read_paths
from kg.sources.eutils import EutilsClient, fetch, parse_pmids, pmids_from_file

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sources"))
from eutils_server import EutilsServer, server  # noqa: E402,F401 (fixture)

pytestmark = pytest.mark.server


class FakeClock:
    """Time that only moves when the client sleeps: rate limiting without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def client(server, clock=None, **kw) -> EutilsClient:
    clock = clock or FakeClock()
    return EutilsClient(server.url, clock=clock, sleep=clock.sleep, **kw)


def test_identification_parameters_on_every_request(server):
    c = client(server, email="curator@example.org", api_key="k123")
    c.esearch("IGF1R AND stem cells", 10)
    list(c.efetch(["95000001"]))
    c.elink_refs(["95000001"])
    assert [s.endpoint for s in server.log] == ["esearch.fcgi", "efetch.fcgi", "elink.fcgi"]
    for seen in server.log:
        assert seen.params["tool"] == ["igfkg"]
        assert seen.params["email"] == ["curator@example.org"]
        assert seen.params["api_key"] == ["k123"]
    assert server.log[1].params["db"] == ["pubmed"] and server.log[1].params["retmode"] == ["xml"]
    assert server.log[2].params["linkname"] == ["pubmed_pubmed_refs"]


def test_no_email_or_key_are_sent_when_not_configured(server):
    list(client(server).efetch(["95000003"]))
    assert "email" not in server.log[0].params and "api_key" not in server.log[0].params


def test_efetch_batches_of_at_most_200_and_posts_long_lists(server):
    pmids = [str(95000001 + i) for i in range(450)]
    got = dict(client(server).efetch(pmids))
    assert sorted(got) == [f"9500000{i}" for i in range(1, 7)]
    sizes = [len(s.params["id"][0].split(",")) for s in server.log]
    assert sizes == [200, 200, 50]
    assert [s.method for s in server.log] == ["POST", "POST", "GET"]
    record = got["95000002"].decode("utf-8")
    assert record.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>')
    assert record.count("<PubmedArticle>") == 1


def test_rate_limit_without_and_with_a_key_injected_clock(server):
    clock = FakeClock()
    c = client(server, clock)
    for _ in range(4):
        c.esearch("IGF1R AND stem cells", 5)
    assert clock.sleeps == [pytest.approx(1 / 3)] * 3
    keyed_clock = FakeClock()
    keyed = client(server, keyed_clock, api_key="k")
    for _ in range(3):
        keyed.esearch("x", 1)
    assert keyed_clock.sleeps == [pytest.approx(0.1)] * 2


def test_rate_limit_measured_at_the_server(server):
    c = EutilsClient(server.url)  # the real clock
    for _ in range(4):
        c.esearch("IGF1R AND stem cells", 5)
    times = [s.at for s in server.log]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # arrival times carry the loaded machine's scheduling jitter on top of the client's 1/3 s spacing
    assert len(gaps) == 3 and min(gaps) >= 1 / 3 - 0.05, gaps
    assert times[-1] - times[0] >= 1.0 - 0.05


def test_retries_honour_retry_after_and_back_off(server):
    clock = FakeClock()
    c = client(server, clock, backoff=0.5)
    server.fail(("status", 429, 7), ("status", 503, None), ("drop",))
    assert c.esearch("IGF1R AND stem cells", 5) == ["95000001", "95000003"]
    assert len(server.log) == 4
    # after each failure: Retry-After 7 s, then backoff 0.5 * 2**1, 0.5 * 2**2 (no extra rate-limit wait:
    # the retry delays already exceed 1/3 s)
    assert clock.sleeps == [7, 1.0, 2.0]


def test_persistent_server_errors_give_up_with_one_line(server):
    server.fail(*[("status", 500, None)] * 3)
    c = client(server, retries=2)
    with pytest.raises(NetworkError) as info:
        c.esearch("x", 1)
    message = str(info.value)
    assert "HTTP 500 after 3 attempts" in message and "\n" not in message
    assert len(server.log) == 3


def test_client_errors_are_not_retried(server):
    server.fail(("status", 400, None))
    with pytest.raises(NetworkError, match="refused the request: HTTP 400"):
        client(server).esearch("x", 1)
    assert len(server.log) == 1


def test_timeouts_are_retried_then_reported(server):
    server.fail(("slow", 1.0), ("slow", 1.0))
    c = client(server, timeout=0.2, retries=1)
    with pytest.raises(NetworkError, match="cannot reach 127.0.0.1"):
        c.esearch("x", 1)
    assert len(server.log) == 2


def test_unreachable_host_is_one_clear_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = EutilsClient(f"http://127.0.0.1:{port}/")
    with pytest.raises(NetworkError) as info:
        list(c.efetch(["1"]))
    assert str(info.value).startswith(f"cannot reach 127.0.0.1:{port} (")
    assert str(info.value).endswith("(check your network or set IGFKG_NCBI_BASE_URL)")


def test_ncbi_error_answers_are_reported(server):
    with pytest.raises(NetworkError, match="esearch answered: Invalid query syntax"):
        client(server).esearch("bad[[", 5)


def test_fetch_follows_references_and_elink_and_caches(server, tmp_path):
    out = tmp_path / "pubmed"
    report = fetch(client(server), ["95000001"], out, depth=1)
    # 95000001 cites 95000002 and 95000003 (reference list, one ref DOI-only) and 95000005 (elink only)
    assert sorted(p.name for p in out.glob("*.xml")) == ["95000001.xml", "95000002.xml", "95000003.xml",
                                                        "95000005.xml"]
    assert report.downloaded == 4 and report.references == 3 and report.missing == []
    index = json.loads((out / "index.json").read_text())
    assert index["elink"]["95000001"] == ["95000005", "95000002"]
    assert sorted(index["records"]) == ["95000001", "95000002", "95000003", "95000005"]
    assert (out / ".igfkgignore").read_text().splitlines()[-1] == "index.json"
    before = len(server.log)
    again = fetch(client(server), ["95000001"], out, depth=1)
    assert len(server.log) == before, "a second run sends no request"
    assert again.requests == 0 and again.downloaded == 0 and again.cached == 4
    docs = list(read_paths([out], recursive=True))
    assert sorted(d.id for d in docs) == ["pmid:95000001", "pmid:95000002", "pmid:95000003", "pmid:95000005"]


def test_fetch_depth_limit_no_elink_and_missing(server, tmp_path):
    out = tmp_path / "deep"
    report = fetch(client(server), ["95000001", "99999999"], out, depth=3, elink=False)
    names = sorted(p.stem for p in out.glob("*.xml"))
    assert names == ["95000001", "95000002", "95000003", "95000004", "95000006"]
    assert report.missing == ["99999999"]
    assert json.loads((out / "index.json").read_text())["missing"] == ["99999999"]
    assert not any(s.endpoint == "elink.fcgi" for s in server.log)
    before = len(server.log)
    fetch(client(server), ["99999999"], out)
    assert len(server.log) == before, "known-missing PMIDs are not asked for again"
    capped = fetch(client(server), ["95000001"], tmp_path / "capped", depth=2, limit=2)
    assert capped.limited and len(list((tmp_path / "capped").glob("*.xml"))) == 2


def test_search_results_are_fetched_and_cached(server, tmp_path):
    report = fetch(client(server), [], tmp_path / "s", search="IGF1R AND stem cells", limit=10)
    assert report.downloaded == 2
    before = len(server.log)
    fetch(client(server), [], tmp_path / "s", search="IGF1R AND stem cells", limit=10)
    assert len(server.log) == before


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "12.5", ""])
def test_bad_pmids_are_refused(bad):
    with pytest.raises(SourceError, match="is not a positive number|empty PMID"):
        parse_pmids(["38865036", bad])


def test_unwritable_out_directory_is_a_one_line_error(server, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot create the download directory"):
        fetch(client(server), ["95000003"], blocker / "pubmed")


def test_damaged_cache_index_is_a_one_line_error(server, tmp_path):
    out = tmp_path / "pubmed"
    out.mkdir()
    (out / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match=r"index.json: cache index is damaged .* \(delete it;"):
        fetch(client(server), ["95000003"], out)
    assert server.log == []
    # as the hint says: without the index, records on disk are re-indexed and not downloaded again
    (out / "index.json").unlink()
    (out / "95000003.xml").write_bytes(dict(client(server).efetch(["95000003"]))["95000003"])
    before = len(server.log)
    report = fetch(client(server), ["95000003"], out)
    assert len(server.log) == before and report.cached == 1
    assert json.loads((out / "index.json").read_text())["records"] == {"95000003": "95000003.xml"}


def test_pmid_file_errors_name_the_line(tmp_path):
    f = tmp_path / "ids.txt"
    f.write_text("# seed\n38865036, 30595497\n\n27193450 x12\n", encoding="utf-8")
    with pytest.raises(SourceError, match=rf"^{f}:4: PMID 'x12' is not a positive number"):
        pmids_from_file(f)
    f.write_text("# seed\n38865036, 30595497\n38865036\n", encoding="utf-8")
    assert pmids_from_file(f) == ["38865036", "30595497"]
