"""NCBI E-utilities client (``esearch``, ``efetch``, ``elink``) and the reference-following downloader
behind ``igfkg fetch``. Standard library only (``urllib``).

NCBI's rules are built in: ``tool``/``email``/``api_key`` on every request; at most 3 requests/s without a
key, 10 with one; at most 200 IDs per request, sent by POST when the list is long; a timeout on every
request; retries with exponential backoff on 429/5xx and dropped connections, honouring ``Retry-After``.
The cache is one ``<PMID>.xml`` per record plus ``index.json`` (also remembering PMIDs NCBI does not have,
elink answers and searches), so a second run with the same arguments sends no request at all.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.errors import NetworkError, SourceError
from kg.sources.common import check_pmid

TOOL = "igfkg"
BATCH = 200  # NCBI: at most 200 UIDs per efetch/elink request
POST_OVER = 1800  # characters of query string above which the request is POSTed
INDEX = "index.json"
OFFLINE_HINT = "check your network or set IGFKG_NCBI_BASE_URL"


def parse_pmids(values: Iterable[str], where: str | None = None) -> list[str]:
    """Validate user-given PMIDs (digits, > 0) before anything is sent or written; duplicates dropped."""
    out: list[str] = []
    for value in values:
        if not value.strip():
            raise SourceError("empty PMID", where=where)
        try:
            pmid = check_pmid(value, where or "PMID")
        except SourceError:
            raise SourceError(f"PMID {value.strip()!r} is not a positive number", where=where,
                              hint="PMIDs are digits, e.g. 38865036") from None
        if pmid and pmid not in out:
            out.append(pmid)
    return out


def pmids_from_file(path: Path) -> list[str]:
    """PMIDs one per line (or separated by spaces/commas); ``#`` starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise SourceError("no such file", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read PMID list: {exc}", where=str(path)) from None
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        for token in line.split("#", 1)[0].replace(",", " ").split():
            for pmid in parse_pmids([token], where=f"{path}:{number}"):
                if pmid not in out:
                    out.append(pmid)
    return out


class EutilsClient:
    """One polite E-utilities session. ``clock``/``sleep`` are injectable so rate limiting is testable."""

    def __init__(self, base_url: str, *, email: str | None = None, api_key: str | None = None, tool: str = TOOL,
                 timeout: float = 30.0, retries: int = 4, backoff: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.email, self.api_key, self.tool = email, api_key, tool
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.rate = 10.0 if api_key else 3.0
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None
        self.requests = 0

    # -- transport
    def _throttle(self) -> None:
        interval = 1.0 / self.rate
        if self._last is not None:
            wait = self._last + interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def request(self, endpoint: str, params: dict[str, object]) -> bytes:
        """GET (or POST for long ID lists) ``endpoint`` with NCBI's identification parameters."""
        params = {**params, "tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        query = urllib.parse.urlencode(params, doseq=True)
        url = urllib.parse.urljoin(self.base_url, endpoint)
        host = urllib.parse.urlsplit(url).netloc or url
        for attempt in range(self.retries + 1):
            self._throttle()
            self.requests += 1
            if len(query) > POST_OVER:
                req = urllib.request.Request(url, data=query.encode("ascii"), method="POST",
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                req = urllib.request.Request(f"{url}?{query}", method="GET")
            req.add_header("User-Agent", f"{self.tool} (+https://w3id.org/igfkg)")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 429 or 500 <= exc.code < 600:
                    if attempt < self.retries:
                        self._sleep(self._delay(attempt, exc.headers.get("Retry-After")))
                        continue
                    raise NetworkError(f"NCBI kept answering HTTP {exc.code} after {attempt + 1} attempts",
                                       where=host, hint="try again later, or set an API key (IGFKG_NCBI_API_KEY)")
                raise NetworkError(f"NCBI refused the request: HTTP {exc.code} {exc.reason}", where=host) from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (socket.timeout, TimeoutError, ConnectionResetError)) and attempt < self.retries:
                    self._sleep(self._delay(attempt, None))
                    continue
                raise NetworkError(f"cannot reach {host} ({_reason(reason)})", hint=OFFLINE_HINT) from None
            except (http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as exc:
                if attempt < self.retries:
                    self._sleep(self._delay(attempt, None))
                    continue
                raise NetworkError(f"cannot reach {host} ({_reason(exc)})", hint=OFFLINE_HINT) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), 120.0)
            except ValueError:
                pass
        return self.backoff * (2 ** attempt)

    # -- endpoints
    def esearch(self, term: str, retmax: int) -> list[str]:
        root = _xml(self.request("esearch.fcgi", {"db": "pubmed", "term": term, "retmax": retmax,
                                                  "retmode": "xml"}), "esearch")
        return [i.text.strip() for i in root.findall("IdList/Id") if i.text and i.text.strip().isdigit()]

    def efetch(self, pmids: list[str]) -> Iterator[tuple[str, bytes]]:
        """``(PMID, one-record PubmedArticleSet XML)`` for each record NCBI returns, ≤ 200 IDs a request."""
        for start in range(0, len(pmids), BATCH):
            batch = pmids[start:start + BATCH]
            root = _xml(self.request("efetch.fcgi", {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"}),
                        "efetch")
            for article in list(root):
                if article.tag not in ("PubmedArticle", "PubmedBookArticle"):
                    continue
                pmid = (article.findtext("MedlineCitation/PMID") or article.findtext("BookDocument/PMID") or "").strip()
                if pmid.isdigit():
                    body = ET.tostring(article, encoding="unicode")
                    yield pmid, ('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n' + body +
                                 "\n</PubmedArticleSet>\n").encode("utf-8")

    def elink_refs(self, pmids: list[str]) -> dict[str, list[str]]:
        """PMID → the PMIDs it cites (``pubmed_pubmed_refs``); one linkset per ID (repeated ``id=``)."""
        out: dict[str, list[str]] = {p: [] for p in pmids}
        for start in range(0, len(pmids), BATCH):
            batch = pmids[start:start + BATCH]
            params = {"dbfrom": "pubmed", "db": "pubmed", "linkname": "pubmed_pubmed_refs", "id": batch,
                      "retmode": "xml"}
            root = _xml(self.request("elink.fcgi", params), "elink")
            for linkset in root.findall("LinkSet"):
                source = (linkset.findtext("IdList/Id") or "").strip()
                if source not in out:
                    continue
                for db in linkset.findall("LinkSetDb"):
                    if (db.findtext("LinkName") or "") == "pubmed_pubmed_refs":
                        out[source] = [i.text.strip() for i in db.findall("Link/Id")
                                       if i.text and i.text.strip().isdigit()]
        return out


def _reason(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return " ".join(str(text).split())


def _xml(data: bytes, what: str) -> ET.Element:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise NetworkError(f"NCBI {what} returned malformed XML ({exc})", hint="try again later") from None
    error = root.findtext("ERROR") if root.tag != "ERROR" else root.text
    answers = ("ERROR", "eSearchResult", "eLinkResult", "eFetchResult")
    if error and not root.findall("IdList") and root.tag in answers:
        raise NetworkError(f"NCBI {what} answered: {' '.join(error.split())}")
    return root


# ---------------------------------------------------------------------------------------- downloader


@dataclass
class FetchReport:
    requested: int = 0
    downloaded: int = 0
    cached: int = 0
    missing: list[str] = field(default_factory=list)
    references: int = 0  # distinct cited PMIDs found (reference lists + elink)
    limited: bool = False
    requests: int = 0
    out: str = ""


class Cache:
    """``<PMID>.xml`` files plus ``index.json`` in one directory, written atomically."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.index = {"records": {}, "missing": [], "elink": {}, "searches": {}}
        path = out / INDEX
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SourceError(f"cache index is damaged ({exc})", where=str(path),
                                  hint="delete it; the records are re-indexed from the .xml files") from None
            for key in self.index:
                if isinstance(data.get(key), type(self.index[key])):
                    self.index[key] = data[key]
        if out.is_dir():  # records already on disk count, whether or not the index lists them
            self.index["records"].update({p.stem: p.name for p in out.glob("*.xml") if p.stem.isdigit()})
        self.missing = set(self.index["missing"])

    def has(self, pmid: str) -> bool:
        return (self.out / f"{pmid}.xml").is_file()

    def _mkdir(self) -> None:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SourceError(f"cannot create the download directory: {exc.strerror or exc}", where=str(self.out),
                              hint="choose another --out directory") from None

    def put(self, pmid: str, data: bytes) -> None:
        self._mkdir()
        _atomic_write(self.out / f"{pmid}.xml", data)
        self.index["records"][pmid] = f"{pmid}.xml"

    def save(self) -> None:
        self._mkdir()
        ignore = self.out / ".igfkgignore"
        if not ignore.exists():
            _atomic_write(ignore, f"# written by igfkg fetch: the cache index is not a literature record\n{INDEX}\n"
                          .encode("utf-8"))
        self.index["missing"] = sorted(self.missing, key=int)
        _atomic_write(self.out / INDEX, json.dumps(self.index, indent=1, sort_keys=True).encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so an interrupted run never leaves half a record."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise SourceError(f"cannot write the download cache: {exc.strerror or exc}", where=str(path.parent),
                          hint="choose another --out directory") from None


def cited_pmids(path: Path) -> list[str]:
    """The PMIDs in a cached record's ReferenceList."""
    from kg.sources import read_file

    try:
        return [r.pmid for doc in read_file(path, "pubmed-xml") for r in doc.references if r.pmid]
    except SourceError:
        return []


def fetch(client: EutilsClient, pmids: list[str], out: Path, *, depth: int = 0, elink: bool = True,
          limit: int = 5000, search: str | None = None,
          progress: Callable[[int], None] | None = None) -> FetchReport:
    """Download ``pmids`` (and what ``search`` finds), then the works they cite to ``depth`` levels, at most
    ``limit`` records in all. Cached records, known-missing PMIDs and cached elink answers cost nothing."""
    cache = Cache(out)
    report = FetchReport(out=str(out))
    seen: set[str] = set()
    try:
        if search:
            key = f"{search}\t{limit}"
            if key not in cache.index["searches"]:
                cache.index["searches"][key] = client.esearch(search, limit)
            pmids = list(dict.fromkeys([*pmids, *cache.index["searches"][key]]))
        level = pmids[:limit]
        report.limited = len(pmids) > limit
        seen = set(level)
        report.requested = len(level)
        for current_depth in range(depth + 1):
            wanted = [p for p in level if not cache.has(p) and p not in cache.missing]
            report.cached += sum(1 for p in level if cache.has(p))
            got = set()
            for pmid, data in client.efetch(wanted):
                if pmid in seen and pmid not in got:
                    cache.put(pmid, data)
                    got.add(pmid)
                    report.downloaded += 1
                    if progress:
                        progress(1)
            cache.missing.update(p for p in wanted if p not in got)
            if current_depth == depth:
                break
            cited: list[str] = []
            present = [p for p in level if cache.has(p)]
            for pmid in present:
                cited.extend(cited_pmids(out / f"{pmid}.xml"))
            if elink:
                todo = [p for p in present if p not in cache.index["elink"]]
                if todo:
                    cache.index["elink"].update(client.elink_refs(todo))
                for pmid in present:
                    cited.extend(cache.index["elink"].get(pmid, []))
            fresh = [p for p in dict.fromkeys(cited) if p not in seen]
            report.references += len(fresh)
            room = limit - len(seen)
            if len(fresh) > room:
                report.limited = True
                fresh = fresh[:max(room, 0)]
            seen.update(fresh)
            level = fresh
            if not level:
                break
    finally:
        if cache.index["records"] or cache.missing or cache.index["elink"] or cache.index["searches"] or out.exists():
            cache.save()
        report.requests = client.requests
        report.missing = sorted((p for p in cache.missing if p in seen), key=int)
    return report
