"""Where the graph lives: an embedded Oxigraph store on disk, or any SPARQL 1.1 endpoint — same operations.

Why one interface: the build, queries and exports must not care whether the graph is in ``data/store/`` or
on a Fuseki/GraphDB/Oxigraph server. Writes are atomic per call: ``replace_graph`` is ONE SPARQL update
(``DROP SILENT GRAPH`` + ``INSERT DATA``) — a transaction in Oxigraph, one request to a server — and the
whole payload is built (and every term checked) before anything is sent, so a bad quad or a crash leaves the
previous state. Program values are bound, never pasted: a ``VALUES`` block first in the WHERE group (terms
serialized by pyoxigraph) for Oxigraph and endpoints, ``initBindings`` for rdflib.

Three backends: :class:`EmbeddedStore` (pyoxigraph, on disk or in memory), :class:`RemoteStore` (plain
HTTP, SPARQL 1.1 Protocol; avoids rdflib's SPARQLUpdateStore pitfalls listed in DESIGN.md) and
:class:`RdflibStore` (an rdflib Dataset in memory: small graphs and tests only, it is quadratic on joins).
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Mapping

import pyoxigraph as ox

from kg.errors import NetworkError, QueryError, StoreError
from kg.settings import Settings

QuadLike = Any  # kg.rdf.Quad (tuple of N-Triples terms) or pyoxigraph.Quad

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML, "rdf": ox.RdfFormat.RDF_XML, "owl": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD, "n3": ox.RdfFormat.N3,
}


def rdf_format(name: str | ox.RdfFormat) -> ox.RdfFormat:
    if isinstance(name, ox.RdfFormat):
        return name
    try:
        return FORMATS[name.lower().lstrip(".")]
    except KeyError:
        raise StoreError(f"unknown RDF format {name!r}", hint="use one of " + ", ".join(sorted(FORMATS))) from None


@dataclass
class Result:
    """A query result, the same from every backend: ``kind`` is "solutions", "boolean" or "graph";
    terms are pyoxigraph terms (``None`` for unbound)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows if self.kind == "solutions" else self.triples)

    def __len__(self) -> int:
        return len(self.rows if self.kind == "solutions" else self.triples)

    def values(self, var: str) -> list[Any]:
        i = self.variables.index(var)
        return [row[i] for row in self.rows]


# ------------------------------------------------------------------------------------------- helpers


def _as_triple_text(q: QuadLike) -> tuple[str, str, str]:
    if isinstance(q, tuple):
        s, p, o = q[0], q[1], q[2]
        if not (isinstance(s, str) and isinstance(p, str) and isinstance(o, str)):
            raise StoreError(f"not an RDF quad: {q!r}")
        return s, p, o
    if isinstance(q, (ox.Quad, ox.Triple)):
        return str(q.subject), str(q.predicate), str(q.object)
    raise StoreError(f"not an RDF quad: {q!r}")


def _check_graph(graph: str) -> str:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$", graph):
        raise StoreError(f"invalid graph IRI {graph!r}")
    return graph


def replace_update(graphs: Mapping[str, Iterable[QuadLike]]) -> str:
    """One SPARQL update that replaces each graph's content (built fully before anything is sent)."""
    parts = []
    for graph, quads in graphs.items():
        g = "<" + _check_graph(str(getattr(graph, "value", graph))) + ">"
        body = "".join(f"{s} {p} {o} .\n" for s, p, o in map(_as_triple_text, quads))
        parts.append(f"DROP SILENT GRAPH {g} ;\n")
        if body:
            parts.append(f"INSERT DATA {{ GRAPH {g} {{\n{body}}} }} ;\n")
    return "".join(parts).rstrip(" ;\n") + "\n"


_SYNTAX = re.compile(r"(?:error )?at (?:line )?(\d+)[:,]\s*(?:column )?(\d+)[:]?\s*(.*)", re.S)


def _short_expected(message: str) -> str:
    """Oxigraph lists every acceptable token; keep the first few."""
    head, sep, rest = message.partition("expected one of ")
    if not sep:
        return message
    items = re.findall(r'"[^"]*"|\'[^\']*\'|\[[^\]]*\]|[A-Za-z_]+', rest)
    return head + sep + ", ".join(items[:8]) + (", …" if len(items) > 8 else "")


def syntax_error(exc: Exception, what: str = "SPARQL") -> QueryError:
    """An Oxigraph/rdflib/endpoint syntax error as "line L, column C: message"."""
    text = " ".join(str(exc).split())
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)  # pyparsing (rdflib)
    if isinstance(line, int) and isinstance(col, int):
        return QueryError(f"{what} syntax error at line {line}, column {col}: {text.split(' (at char')[0]}")
    m = _SYNTAX.search(text)
    if m:
        return QueryError(f"{what} syntax error at line {m.group(1)}, column {m.group(2)}: "
                          f"{_short_expected(m.group(3))}")
    return QueryError(f"{what} error: {text}")


def _from_ox_results(res: Any) -> Result:
    if isinstance(res, ox.QueryBoolean):
        return Result("boolean", boolean=bool(res))
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        return Result("solutions", variables, [tuple(sol[i] for i in range(len(variables))) for sol in res])
    return Result("graph", triples=list(res))


def _term_from_py(value: Any) -> Any:
    """A pyoxigraph term from a python value/term (IRIs as NamedNode; strings stay literals)."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if hasattr(value, "n3") and value.__class__.__module__.startswith("rdflib"):
        return _term_from_rdflib(value)
    return ox.Literal(value)


def _term_from_rdflib(t: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if t is None:
        return None
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(str(t))
    raise StoreError(f"unsupported term {t!r}")


def _term_to_rdflib(t: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


# ------------------------------------------------------------------------------------------ interface


class Store(ABC):
    """Operations every backend offers; see the module docstring for the guarantees."""

    location: str = ""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update (atomic)."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Result:
        """Run a query; ``bindings`` (variable name → term) are bound, never pasted."""

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[Any]:
        """pyoxigraph quads of one named graph, or of the whole dataset."""

    def replace_graph(self, graph_iri: str, quads: Iterable[QuadLike]) -> None:
        """Replace a named graph's content atomically (the quads' own graph component is ignored)."""
        self.replace_graphs({graph_iri: quads})

    def replace_graphs(self, graphs: Mapping[str, Iterable[QuadLike]]) -> None:
        """Replace several named graphs in one atomic update."""
        text = replace_update(graphs)
        self._write(text)

    def _write(self, update_text: str) -> None:
        try:
            self.update(update_text)
        except QueryError as exc:
            raise StoreError(f"{self.location}: write rejected, nothing changed: {exc}") from None

    def add(self, quads: Iterable[QuadLike], graph: str) -> None:
        """Add quads to a graph in one atomic update."""
        body = "".join(f"{s} {p} {o} .\n" for s, p, o in map(_as_triple_text, quads))
        if body:
            self._write(f"INSERT DATA {{ GRAPH <{_check_graph(graph)}> {{\n{body}}} }}")

    def bulk_load(self, source: str | Path | bytes | Iterable[QuadLike], fmt: str | None = None,
                  graph: str | None = None) -> int:
        """Load a file (path), bytes or quads. Input is validated completely before the store is touched.
        Returns the number of quads loaded."""
        data, rdfmt = _read_source(source, fmt)
        parsed = _parse_all(data, rdfmt, graph)
        by_graph: dict[str, list[Any]] = {}
        for q in parsed:
            g = getattr(q.graph_name, "value", None)
            if g is None:
                raise StoreError("bulk_load: triples without a named graph (pass graph=IRI)")
            by_graph.setdefault(g, []).append(q)
        self._insert(by_graph)
        return len(parsed)

    def _insert(self, by_graph: Mapping[str, list[Any]]) -> None:
        for g, qs in by_graph.items():
            self.add(qs, g)

    def graphs(self) -> list[str]:
        """Named graph IRIs, sorted."""
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0].value for row in res.rows)

    def graph_names(self) -> list[str]:
        return self.graphs()

    def count(self, graph: str | None = None) -> int:
        """Number of quads in a graph, or in the whole dataset (all named graphs and the default graph)."""
        if graph is not None:
            res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                             bindings={"g": ox.NamedNode(graph)})
        else:
            res = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(res.rows[0][0].value)

    def dump(self, fmt: str = "nq", graph: str | None = None, out: BinaryIO | None = None) -> bytes | None:
        """Serialize a graph (or the dataset, in nq/trig) with Oxigraph's serializer; ``None`` if ``out``."""
        rdfmt = rdf_format(fmt)
        if graph is None and not rdfmt.supports_datasets:
            raise StoreError(f"format {fmt} holds one graph: pass a graph")
        data: Iterable[Any] = (ox.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in self.quads(graph))
        if not rdfmt.supports_datasets:
            data = (ox.Triple(q.subject, q.predicate, q.object) for q in data)
        return ox.serialize(data, out, rdfmt)

    def close(self) -> None:
        """Release the store (file lock, connections)."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _read_source(source: Any, fmt: str | None) -> tuple[Any, ox.RdfFormat]:
    if isinstance(source, (str, Path)) and not (isinstance(source, str) and "\n" in source):
        path = Path(source)
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        rdfmt = rdf_format(fmt or path.suffix)
        return path, rdfmt
    if isinstance(source, (bytes, str)):
        return source, rdf_format(fmt or "nq")
    from kg.rdf import to_nquads

    return to_nquads(map(_as_tuple, source)), ox.RdfFormat.N_QUADS


def _as_tuple(q: Any) -> tuple[str, str, str, str]:
    if isinstance(q, tuple):
        return q  # type: ignore[return-value]
    g = q.graph_name
    return str(q.subject), str(q.predicate), str(q.object), "" if isinstance(g, ox.DefaultGraph) else str(g)


def _parse_all(data: Any, rdfmt: ox.RdfFormat, graph: str | None) -> list[Any]:
    where = str(data) if isinstance(data, Path) else "input"
    try:
        if isinstance(data, Path):
            parsed = list(ox.parse(path=str(data), format=rdfmt))
        else:
            parsed = list(ox.parse(data, format=rdfmt))
    except SyntaxError as exc:
        raise StoreError(f"{where}: not valid {rdfmt.name}: {' '.join(str(exc).split())}; nothing loaded") from None
    if graph is not None:
        g = ox.NamedNode(_check_graph(graph))
        parsed = [ox.Quad(t.subject, t.predicate, t.object, g) for t in parsed]
    elif not rdfmt.supports_datasets:
        parsed = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in parsed]
    return parsed


def _count_valid(data: Any, rdfmt: ox.RdfFormat) -> int:
    """Parse ``data`` completely without keeping it (a StoreError naming the problem if it is invalid)."""
    where = str(data) if isinstance(data, Path) else "input"
    try:
        parser = ox.parse(path=str(data), format=rdfmt) if isinstance(data, Path) else ox.parse(data, format=rdfmt)
        n = 0
        for _ in parser:
            n += 1
        return n
    except SyntaxError as exc:
        raise StoreError(f"{where}: not valid {rdfmt.name}: {' '.join(str(exc).split())}; nothing loaded") from None


# --------------------------------------------------------------------------------------------- embedded


class EmbeddedStore(Store):
    """pyoxigraph on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.location = str(path) if path is not None else "memory"
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except (OSError, RuntimeError) as exc:
            text = " ".join(str(exc).split())
            if "lock" in text.lower():
                raise StoreError(f"store {path} is in use by another process",
                                 hint="close the other igfkg command or serve it and use --endpoint") from None
            raise StoreError(f"store {path} cannot be opened: {text}",
                             hint="is it an Oxigraph store directory? move it away to start afresh") from None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (benchmarks, advanced use)."""
        return self._store

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise syntax_error(exc, "SPARQL update") from None
        except OSError as exc:
            raise StoreError(f"store {self.location}: write failed, nothing changed: {exc}") from None

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Result:
        # Bound by a VALUES block (pyoxigraph's ``substitutions`` only accepts projected variables); the
        # same binding semantics as the remote backend, so both give the same answers.
        text = inject_values(sparql, bindings) if bindings else sparql

        def run() -> Result:
            return _from_ox_results(self._store.query(text))

        try:
            if timeout is None:
                return run()
            return _with_timeout(run, timeout)
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None

    def quads(self, graph: str | None = None) -> Iterator[Any]:
        if graph is None:
            return iter(self._store)
        return iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
                      and next(iter(self._store.quads_for_pattern(None, None, None, g)), None) is not None)

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        return super().count(graph)

    def bulk_load(self, source: str | Path | bytes | Iterable[QuadLike], fmt: str | None = None,
                  graph: str | None = None) -> int:
        """Validate the input completely, then load it with Oxigraph's bulk loader.

        Why two passes: validation is a streaming parse that only counts (nothing held in memory), then
        ``Store.bulk_load`` reads the file/bytes itself — no Python object per quad. On 14M quads this is
        1.1-1.3× pyoxigraph's bulk loader alone, where materialising every quad in Python first was ~3× and
        used GBs (BENCHMARKS.md, Performance)."""
        data, rdfmt = _read_source(source, fmt)
        if graph is not None and rdfmt.supports_datasets:  # quads moved into one graph: per-quad path
            parsed = _parse_all(data, rdfmt, graph)
            try:
                self._store.bulk_extend(parsed)
            except OSError as exc:
                raise StoreError(f"store {self.location}: bulk load failed: {exc}") from None
            return len(parsed)
        to_graph = ox.NamedNode(_check_graph(graph)) if graph is not None else None
        n = _count_valid(data, rdfmt)
        try:
            if isinstance(data, Path):
                self._store.bulk_load(path=str(data), format=rdfmt, to_graph=to_graph)
            else:
                self._store.bulk_load(data, format=rdfmt, to_graph=to_graph)
        except SyntaxError as exc:  # cannot happen after validation; kept so the message stays ours
            raise StoreError(f"input: not valid {rdfmt.name}: {' '.join(str(exc).split())}") from None
        except OSError as exc:
            raise StoreError(f"store {self.location}: bulk load failed: {exc}") from None
        return n

    def dump(self, fmt: str = "nq", graph: str | None = None, out: BinaryIO | None = None) -> bytes | None:
        rdfmt = rdf_format(fmt)
        if graph is None and not rdfmt.supports_datasets:
            raise StoreError(f"format {fmt} holds one graph: pass a graph")
        kwargs: dict[str, Any] = {"format": rdfmt}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        return self._store.dump(out, **kwargs)

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None:
            try:
                store.flush()
            except OSError:
                pass
            del self._store


def _with_timeout(run: Any, timeout: float) -> Result:
    """Run a query in a worker thread (Oxigraph releases the GIL) and give up after ``timeout`` seconds;
    the abandoned evaluation finishes in the background and its result is dropped."""
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["result"] = run()
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(f"query timed out after {timeout:g} s", hint="narrow it, add LIMIT, or raise --timeout")
    if "error" in box:
        raise box["error"]
    return box["result"]


# ---------------------------------------------------------------------------------------------- remote


_TOKEN = re.compile(r'''("""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*|[{}]|[A-Za-z_]+)''')


def _placeholder(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{\s*UNDEF\s*\}", re.IGNORECASE)


def inject_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables by a ``VALUES`` block placed first in the query's WHERE group (like rdflib's
    ``initBindings``). Terms are serialized by pyoxigraph, so a value can never change the query's shape."""
    if not bindings:
        return sparql
    names = list(bindings)
    for n in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n):
            raise QueryError(f"invalid variable name {n!r}")
    # A query may say where a parameter is bound with the placeholder ``VALUES ?name { UNDEF }`` (e.g. inside
    # the subquery that ranks an entity's claims): Oxigraph plans with the value where it is used, instead of
    # joining a top-level VALUES block against the whole subquery (named queries in kg/queries use this).
    rest = []
    for n in names:
        placeholder = _placeholder(n)
        if placeholder.search(sparql):
            sparql = placeholder.sub(lambda _m: f"VALUES ?{n} {{ {_term_from_py(bindings[n])} }}", sparql)
        else:
            rest.append(n)
    if not rest:
        return sparql
    names = rest
    terms = " ".join(str(_term_from_py(bindings[n])) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    depth, kind, after_where = 0, None, False
    for m in _TOKEN.finditer(sparql):
        tok = m.group(0)
        if tok[0] in "\"'<#":
            continue
        upper = tok.upper()
        if depth == 0 and kind is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            kind = upper
        elif depth == 0 and upper == "WHERE":
            after_where = True
        elif tok == "{":
            if depth == 0 and (after_where or kind in ("SELECT", "ASK")):
                return sparql[:m.end()] + block + sparql[m.end():]
            depth += 1
        elif tok == "}":
            depth -= 1
    raise QueryError("cannot bind parameters: the query has no WHERE group")


class RemoteStore(Store):
    """A SPARQL 1.1 Query/Update endpoint over plain HTTP (``urllib``)."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None, graph_store: str | None = None,
                 timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or _sibling(endpoint, "update")
        self.graph_store = graph_store
        self.timeout = timeout
        self.location = endpoint

    def _request(self, url: str, body: bytes, content_type: str, accept: str, timeout: float | None,
                 method: str = "POST") -> tuple[bytes, str]:
        req = urllib.request.Request(url, data=body if method != "GET" else None, method=method,
                                     headers={"Content-Type": content_type, "Accept": accept,
                                              "User-Agent": "igfkg"})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:500]
            if exc.code == 400:
                raise syntax_error(Exception(detail)) if detail else QueryError(f"{url}: rejected (400)") from None
            raise NetworkError(f"SPARQL endpoint {url} answered HTTP {exc.code}: {detail or exc.reason}") from None
        except TimeoutError:
            raise QueryError(f"query timed out after {timeout or self.timeout:g} s at {url}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise QueryError(f"query timed out after {timeout or self.timeout:g} s at {url}") from None
            raise NetworkError(f"cannot reach SPARQL endpoint {url}: {reason}",
                               hint="is the server running? check --endpoint") from None

    def update(self, sparql: str) -> None:
        self._request(self.update_endpoint, sparql.encode("utf-8"), "application/sparql-update; charset=utf-8",
                      "*/*", None)

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Result:
        text = inject_values(sparql, bindings) if bindings else sparql
        body, ctype = self._request(self.endpoint, text.encode("utf-8"), "application/sparql-query; charset=utf-8",
                                    "application/sparql-results+json, application/n-triples;q=0.9", timeout)
        ctype = ctype.split(";")[0].strip().lower()
        if ctype in ("application/sparql-results+json", "application/json"):
            res = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            return _from_ox_results(res)
        if ctype in ("application/sparql-results+xml", "application/xml"):
            return _from_ox_results(ox.parse_query_results(body, format=ox.QueryResultsFormat.XML))
        fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
               "application/rdf+xml": ox.RdfFormat.RDF_XML}.get(ctype, ox.RdfFormat.N_TRIPLES)
        return Result("graph", triples=list(ox.parse(body, format=fmt)))

    def quads(self, graph: str | None = None) -> Iterator[Any]:
        """Each graph by the Graph Store Protocol (``GET ?graph=``) when ``graph_store`` is set, else by a
        CONSTRUCT (works on any query endpoint)."""
        for g in ([graph] if graph is not None else self.graphs()):
            gn = ox.NamedNode(g)
            if self.graph_store:
                url = self.graph_store + ("&" if "?" in self.graph_store else "?") + urllib.parse.urlencode({"graph": g})
                body, _ = self._request(url, b"", "text/plain", "application/n-triples", None, method="GET")
                triples: Iterable[Any] = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            else:
                triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                                     bindings={"g": gn}).triples
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, gn)


def _sibling(endpoint: str, name: str) -> str:
    """Oxigraph/Fuseki convention: .../query → .../update."""
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/")[: -len("query")] + name
    return endpoint


# ---------------------------------------------------------------------------------------------- rdflib


class RdflibStore(Store):
    """An rdflib ``Dataset`` in memory: for small graphs and as a third backend in the contract tests."""

    def __init__(self) -> None:
        from rdflib import Dataset

        self.ds = Dataset()
        self.location = "rdflib"

    def update(self, sparql: str) -> None:
        from rdflib import Dataset

        staged = Dataset()  # all-or-nothing: apply to a copy, then swap
        for q in self.ds.quads((None, None, None, None)):
            staged.add(q)
        try:
            staged.update(sparql)
        except Exception as exc:  # rdflib raises pyparsing errors
            raise syntax_error(exc, "SPARQL update") from None
        self.ds = staged

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Result:
        from rdflib import Variable

        placed = {k: v for k, v in (bindings or {}).items() if _placeholder(k).search(sparql)}
        if placed:  # bound where the query says (see inject_values); initBindings would not reach a subquery
            sparql = inject_values(sparql, placed)
        init = {Variable(k): _term_to_rdflib(_term_from_py(v)) for k, v in (bindings or {}).items() if k not in placed}
        try:
            res = self.ds.query(sparql, initBindings=init)
        except Exception as exc:
            raise syntax_error(exc) from None
        if res.type == "ASK":
            return Result("boolean", boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return Result("graph", triples=[ox.Triple(*map(_term_from_rdflib, t)) for t in res])
        variables = [str(v) for v in res.vars]
        return Result("solutions", variables, [tuple(_term_from_rdflib(row[i]) if row[i] is not None else None
                                                     for i in range(len(variables))) for row in res])

    def quads(self, graph: str | None = None) -> Iterator[Any]:
        from rdflib import URIRef

        for s, p, o, g in self.ds.quads((None, None, None, URIRef(graph) if graph else None)):
            gid = getattr(g, "identifier", g)
            default = gid is None or str(gid).startswith("urn:x-rdflib:default")
            gn = ox.DefaultGraph() if default else ox.NamedNode(str(gid))
            yield ox.Quad(_term_from_rdflib(s), _term_from_rdflib(p), _term_from_rdflib(o), gn)


# ---------------------------------------------------------------------------------------------- factory


def open_store(settings: Settings, *, create: bool = True) -> Store:
    """The store the settings name: a remote endpoint if ``settings.endpoint`` is set, else the embedded
    Oxigraph store at ``settings.store`` (created if missing, unless ``create`` is False: reading commands
    say "run igfkg build" instead of querying an empty new store)."""
    if settings.endpoint:
        return RemoteStore(settings.endpoint, settings.update_endpoint, settings.graph_store,
                           timeout=max(settings.query_timeout, 60.0))
    path = Path(settings.store)
    if path.exists() and not path.is_dir():
        raise StoreError(f"store {path} is not a directory", hint="pass --store DIR")
    if not create and not path.exists():
        raise StoreError(f"store {path} does not exist", hint="run igfkg build first, or pass --store/--endpoint")
    return EmbeddedStore(path)


def open_memory_store() -> EmbeddedStore:
    """An in-memory Oxigraph store (tests, scratch work)."""
    return EmbeddedStore(None)


__all__ = ["Store", "EmbeddedStore", "RemoteStore", "RdflibStore", "Result", "open_store", "open_memory_store",
           "inject_values", "replace_update", "rdf_format", "FORMATS"]
