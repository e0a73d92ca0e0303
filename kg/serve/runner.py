"""Run untrusted SPARQL from ``/sparql`` so that a slow or huge query cannot take the server down.

Why worker *processes*: pyoxigraph cannot cancel a running query, and a thread that is abandoned keeps a
core busy until the query ends (a cross join can run for hours). Each worker process opens the embedded
store read-only (RocksDB allows that next to the server's own read-write handle), evaluates one query at a
time, truncates the result at ``max_results`` rows/triples and serializes it; the server waits at most
``timeout`` seconds, then kills the worker and starts a fresh one. Writes (curation, allowed updates) bump a
*generation* number; a worker reopens its read-only view before its next query when the generation moved,
so queries always see committed decisions.

For a remote store (``--endpoint``) the endpoint does the work; :class:`RemoteRunner` forwards the query
with the same timeout and a byte limit on the answer.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import queue
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SYNTAX_AT = re.compile(r"(?:error at (\d+):(\d+)|at line (\d+), column (\d+)):?\s*(.*)", re.S)


@dataclass
class QueryJob:
    """What to run and how to answer: negotiated formats are decided in the worker (it knows the form)."""

    query: str
    result_formats: list[str]  # acceptable SELECT/ASK formats, best first (json, xml, csv, tsv)
    graph_formats: list[str]  # acceptable CONSTRUCT/DESCRIBE formats, best first (turtle, jsonld, ...)
    default_graphs: list[str] = field(default_factory=list)  # protocol default-graph-uri
    named_graphs: list[str] = field(default_factory=list)  # protocol named-graph-uri
    union_default_graph: bool = True
    max_results: int = 10000
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass
class QueryAnswer:
    body: bytes
    format: str  # json | xml | csv | tsv | turtle | ntriples | jsonld | rdfxml
    form: str  # select | ask | graph
    count: int  # rows or triples returned
    truncated: bool
    seconds: float


class QueryFailure(Exception):
    """A query the endpoint refuses: ``status`` 400 (syntax), 406, 408/503 (timeout, busy), 502 (remote)."""

    def __init__(self, status: int, kind: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.details = status, kind, message, details


def syntax_details(message: str) -> dict[str, Any]:
    """``error at 3:17: expected ...`` (Oxigraph) or ``... at line 3, column 17: ...`` (kg.store) → line,
    column and the rest of the message."""
    match = _SYNTAX_AT.search(message)
    if not match:
        return {"message": message}
    line, column = match.group(1) or match.group(3), match.group(2) or match.group(4)
    return {"line": int(line), "column": int(column), "message": match.group(5).strip() or message}


# ------------------------------------------------------------------------------------------- the worker


def evaluate(store: Any, job: QueryJob) -> QueryAnswer:
    """Run ``job`` on a pyoxigraph store (used in worker processes, and directly in tests)."""
    import pyoxigraph as ox

    from kg.serve import results

    start = time.perf_counter()
    kwargs: dict[str, Any] = {}
    if job.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.prefixes:
        kwargs["prefixes"] = job.prefixes  # igfkg:, HGNC:, rdfs:, ... usable without PREFIX lines
    try:
        answer = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        details = syntax_details(str(exc))
        raise QueryFailure(400, "syntax", f"SPARQL syntax error: {details.pop('message')}", **details) from None
    except ValueError as exc:  # e.g. a bad IRI in default-graph-uri
        raise QueryFailure(400, "bad_request", str(exc)) from None
    limit = max(0, job.max_results)
    try:
        if isinstance(answer, ox.QueryBoolean):
            fmt = _first(job.result_formats, "select")
            return QueryAnswer(results.serialize_ask(bool(answer), fmt), fmt, "ask", 1, False,
                               time.perf_counter() - start)
        if isinstance(answer, ox.QuerySolutions):
            fmt = _first(job.result_formats, "select")
            names = [v.value for v in answer.variables]
            rows = [[solution[i] for i in range(len(names))] for solution in itertools.islice(answer, limit + 1)]
            truncated = len(rows) > limit
            rows = rows[:limit]
            return QueryAnswer(results.serialize_select(names, rows, fmt), fmt, "select", len(rows), truncated,
                               time.perf_counter() - start)
        fmt = _first(job.graph_formats, "graph")
        triples = list(itertools.islice(answer, limit + 1))
        truncated = len(triples) > limit
        triples = triples[:limit]
        return QueryAnswer(results.serialize_triples(triples, fmt, job.prefixes), fmt, "graph", len(triples),
                           truncated, time.perf_counter() - start)
    except OSError as exc:
        raise QueryFailure(500, "store", f"the store could not answer: {exc}") from None
    except RuntimeError as exc:  # evaluation errors surface while iterating
        raise QueryFailure(400, "evaluation", f"query evaluation failed: {exc}") from None


def _first(formats: list[str], form: str) -> str:
    if not formats:
        kinds = "SELECT/ASK results" if form == "select" else "CONSTRUCT/DESCRIBE results"
        raise QueryFailure(406, "not_acceptable", f"none of the requested media types can carry {kinds}")
    return formats[0]


def _worker_main(conn: Connection, store_path: str) -> None:
    """Worker loop: receive (generation, job), answer ("ok", QueryAnswer) or ("fail", fields)."""
    import signal

    import pyoxigraph as ox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops the workers
    _die_with_parent()
    store = None
    generation = -1
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        wanted, job = message
        try:
            if store is None or wanted != generation:
                store = None
                store = ox.Store.read_only(store_path)
                generation = wanted
            conn.send(("ok", evaluate(store, job)))
        except QueryFailure as exc:
            conn.send(("fail", (exc.status, exc.kind, exc.message, exc.details)))
        except Exception as exc:  # noqa: BLE001 - report, keep the worker alive
            conn.send(("fail", (500, "internal", f"{type(exc).__name__}: {exc}", {})))


def _die_with_parent() -> None:
    """Exit when the server is gone (kill -9, a crash) even in the middle of a runaway query: a watchdog
    thread checks the parent every second (pyoxigraph releases the GIL while it evaluates, so the thread
    runs). Not PR_SET_PDEATHSIG: that fires when the *thread* that spawned the worker ends, and replacement
    workers are spawned from short-lived threads."""
    import os
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="igfkg-worker-watchdog").start()


class _Worker:
    def __init__(self, ctx: Any, store_path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, store_path), daemon=True,
                                   name="igfkg-sparql-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class ProcessRunner:
    """A pool of worker processes over an embedded store, with a per-query timeout."""

    def __init__(self, store_path: Path | str, *, workers: int = 2, timeout: float = 30.0) -> None:
        self.store_path = str(store_path)
        self.timeout = timeout
        self.generation = 0
        self._ctx = mp.get_context("spawn")  # never fork a process that holds a RocksDB handle and threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self.size = max(1, workers)
        for _ in range(self.size):
            self._idle.put(_Worker(self._ctx, self.store_path))

    def bump(self) -> None:
        """The store changed: workers reopen their read-only view before the next query."""
        with self._lock:
            self.generation += 1

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryFailure(503, "busy", f"all {self.size} query workers are busy; try again shortly",
                               timeout=limit) from None
        try:
            worker.conn.send((self.generation, job))
            remaining = max(0.0, deadline - time.monotonic())
            if not worker.conn.poll(remaining):
                self._replace(worker)
                worker = None
                raise QueryFailure(503, "timeout", f"the query ran longer than the limit of {limit:g} s and was "
                                   "stopped; add LIMIT or narrow the patterns", timeout=limit)
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if worker is not None:
                self._replace(worker)
                worker = None
            raise QueryFailure(500, "worker", "the query worker died while answering (see the server log)") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return payload
        code, kind, message, details = payload
        raise QueryFailure(code, kind, message, **details)

    def _replace(self, worker: _Worker) -> None:
        """Kill a stuck worker and start a fresh one in the background (the caller answers at once)."""

        def work() -> None:
            worker.kill()
            if not self._closed:
                self._idle.put(_Worker(self._ctx, self.store_path))

        threading.Thread(target=work, daemon=True, name="igfkg-worker-restart").start()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break


class RemoteRunner:
    """Forwards ``/sparql`` queries to a remote SPARQL 1.1 endpoint (the remote does the work)."""

    def __init__(self, endpoint: str, *, timeout: float = 30.0, max_bytes: int = 64 << 20) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.generation = 0

    def bump(self) -> None:
        self.generation += 1

    def forward(self, query: str, accept: str, default_graphs: list[str], named_graphs: list[str],
                timeout: float | None = None) -> tuple[bytes, str]:
        """POST the query to the endpoint; (body, content type) or :class:`QueryFailure`."""
        params = [("query", query)] + [("default-graph-uri", g) for g in default_graphs] + \
                 [("named-graph-uri", g) for g in named_graphs]
        data = urllib.parse.urlencode(params).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept or "*/*"})
        limit = self.timeout if timeout is None else timeout
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:  # noqa: S310 - configured endpoint
                body = response.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise QueryFailure(502, "too_large", f"the endpoint's answer exceeds {self.max_bytes} bytes; "
                                       "add LIMIT")
                return body, response.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as exc:
            text = exc.read(4000).decode("utf-8", "replace").strip()
            status = exc.code if exc.code in (400, 406, 408, 413, 503) else 502
            kind = "syntax" if exc.code == 400 else "remote"
            details = syntax_details(text) if exc.code == 400 else {}
            details.pop("message", None)
            raise QueryFailure(status, kind, f"the endpoint answered {exc.code}: {text[:500]}", **details) from None
        except TimeoutError:
            raise QueryFailure(503, "timeout", f"the endpoint did not answer within {limit:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryFailure(503, "timeout", f"the endpoint did not answer within {limit:g} s") from None
            raise QueryFailure(502, "remote", f"cannot reach the endpoint {self.endpoint}: {exc.reason}") from None

    def close(self) -> None:
        pass
