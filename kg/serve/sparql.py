"""The SPARQL 1.1 Protocol at ``/sparql``: query via GET / POST form / POST ``application/sparql-query``,
update (only with ``--allow-update`` and a bearer token), content negotiation, service description, VoID.

Errors are JSON (``{"error": {"status", "type", "message", "line", "column"}}``) because the clients of
this path are programs; a syntax error is a 400 naming line and column, a slow query a 503, a refused
update a 403 with the reason.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING, Any, Callable

from kg.serve import results
from kg.serve.http import HTTPError, Request, Response, json_response, negotiate
from kg.serve.runner import QueryFailure, QueryJob, RemoteRunner, syntax_details

if TYPE_CHECKING:
    from kg.serve.app import ServeContext

log = logging.getLogger(__name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def _one(request: Request, source: dict[str, list[str]], name: str) -> str | None:
    values = source.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPError(400, f"give the {name!r} parameter once (got {len(values)})", kind="bad_request")
    return values[0]


def read_operation(request: Request) -> tuple[str | None, str | None, list[str], list[str]]:
    """(query, update, default graphs, named graphs) from any of the protocol's request forms."""
    args = request.query
    query = _one(request, args, "query")
    update: str | None = None
    if request.method == "POST":
        ctype = request.content_type
        if ctype == "application/x-www-form-urlencoded":
            form = request.form()
            if query is not None and "query" in form:
                raise HTTPError(400, "give the query either in the URL or in the form, not both", kind="bad_request")
            query = query if query is not None else _one(request, form, "query")
            update = _one(request, form, "update")
            args = {**args, **{k: v for k, v in form.items() if k.endswith("-graph-uri")}}
        elif ctype == "application/sparql-query":
            query = request.text()
        elif ctype == "application/sparql-update":
            update = request.text()
        elif ctype or request.body():
            raise HTTPError(415, f"unsupported Content-Type {ctype!r}: use application/sparql-query, "
                            "application/sparql-update or application/x-www-form-urlencoded", kind="unsupported_media")
    if query is not None and update is not None:
        raise HTTPError(400, "give either a query or an update, not both", kind="bad_request")
    defaults = args.get("default-graph-uri", []) + args.get("using-graph-uri", [])
    named = args.get("named-graph-uri", []) + args.get("using-named-graph-uri", [])
    return query, update, defaults, named


def formats_for(request: Request) -> tuple[list[str], list[str]]:
    """Acceptable (result formats, graph formats) for this request, best first: ``format``/``output``
    parameter first, then the Accept header."""
    override = request.arg("format") or request.arg("output")
    if request.method == "POST" and not override:
        override = request.field("format") or request.field("output")
    if override:
        pair = results.FORMAT_PARAM.get(override.strip().lower())
        if pair is None:
            raise HTTPError(400, f"unknown format {override!r}; use one of {', '.join(sorted(results.FORMAT_PARAM))}",
                            kind="bad_request")
        return [pair[0]], [pair[1]]
    accepts = request.accepts()
    return _ranked(accepts, results.RESULT_TYPES), _ranked(accepts, results.GRAPH_TYPES)


def _ranked(accepts: list[tuple[str, float]], table: dict[str, str]) -> list[str]:
    if not accepts:
        return [next(iter(table.values()))]
    out: list[str] = []
    for media, _q in accepts:
        if media == "*/*" or media.endswith("/*"):
            major = media[:-1] if media != "*/*" else ""
            candidates = [fmt for m, fmt in table.items() if m.startswith(major)]
        else:
            candidates = [table[media]] if media in table else []
        out += [c for c in candidates if c not in out]
    return out


def handle_sparql(ctx: "ServeContext", request: Request) -> Response:
    query, update, defaults, named = read_operation(request)
    if update is not None:
        return _update(ctx, request, update)
    if query is None:
        if request.method == "POST":
            raise HTTPError(400, "no query: send 'query' (or 'update') as a form field, or the query as "
                            "application/sparql-query", kind="bad_request")
        if request.wants_html():
            from kg.serve.http import redirect

            return redirect("/query")
        return service_description(ctx, request)
    if len(query) > ctx.config.max_query_length:
        raise HTTPError(413, f"query of {len(query)} characters exceeds the limit of {ctx.config.max_query_length}",
                        kind="too_large")
    if request.method == "GET" and request.wants_html() and not (request.arg("format") or request.arg("output")):
        from urllib.parse import urlencode

        from kg.serve.http import redirect

        return redirect("/query?" + urlencode({"query": query}))  # a person in a browser: show a table
    timeout = _timeout(ctx, request)
    try:
        if isinstance(ctx.runner, RemoteRunner):
            body, ctype = ctx.runner.forward(query, request.header("Accept"), defaults, named, timeout)
            return Response(body, 200, ctype)
        result_formats, graph_formats = formats_for(request)
        job = QueryJob(query, result_formats, graph_formats, defaults, named, ctx.config.union_default_graph,
                       ctx.config.max_results, ctx.prefixes)
        answer = ctx.runner.run(job, timeout)
    except QueryFailure as exc:
        raise _http_error(exc) from None
    headers = {"Vary": "Accept", "X-Query-Seconds": f"{answer.seconds:.3f}", "X-Result-Count": str(answer.count)}
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(ctx.config.max_results)  # Virtuoso's header for the same situation
        headers["X-Result-Truncated"] = "true"
    log.info("query %s %d %s in %.3fs%s", answer.form, answer.count, answer.format, answer.seconds,
             " (truncated)" if answer.truncated else "")
    return Response(answer.body, 200, results.content_type(answer.format), headers)


def _timeout(ctx: "ServeContext", request: Request) -> float:
    """A client may ask for a *shorter* timeout (``timeout=`` seconds), never a longer one."""
    raw = request.arg("timeout") or (request.field("timeout") if request.method == "POST" else None)
    if not raw:
        return ctx.config.timeout
    try:
        value = float(raw)
    except ValueError:
        raise HTTPError(400, f"timeout must be a number of seconds, not {raw!r}", kind="bad_request") from None
    if not value > 0:
        raise HTTPError(400, "timeout must be positive", kind="bad_request")
    return min(value, ctx.config.timeout)


def _http_error(exc: QueryFailure) -> HTTPError:
    headers = {"Retry-After": "5"} if exc.status == 503 else {}
    return HTTPError(exc.status, exc.message, kind=exc.kind, headers=headers, **exc.details)


def check_bearer(ctx: "ServeContext", request: Request) -> None:
    """403 unless updates are enabled and the request carries the configured bearer token."""
    if not ctx.config.allow_update:
        raise HTTPError(403, "this endpoint is read-only (start the server with --allow-update and a token to "
                        "allow SPARQL updates)", kind="forbidden")
    token = ctx.update_token
    given = request.header("Authorization")
    scheme, _, value = given.partition(" ")
    if not token or scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise HTTPError(403 if given else 401, "updates need 'Authorization: Bearer <token>' with the server's token",
                        kind="forbidden", headers={"WWW-Authenticate": 'Bearer realm="igfkg"'})


def _update(ctx: "ServeContext", request: Request, update: str) -> Response:
    check_bearer(ctx, request)
    if len(update) > ctx.config.max_query_length:
        raise HTTPError(413, f"update of {len(update)} characters exceeds the limit of "
                        f"{ctx.config.max_query_length}", kind="too_large")
    from kg.errors import IgfkgError

    try:
        ctx.update(update)
    except SyntaxError as exc:
        details = syntax_details(str(exc))
        raise HTTPError(400, f"SPARQL syntax error: {details.pop('message')}", kind="syntax", **details) from None
    except IgfkgError as exc:
        details = syntax_details(str(exc))
        details.pop("message")
        raise HTTPError(400, str(exc), kind="syntax" if "line" in details else "update", **details) from None
    return json_response({"ok": True}, 200)


# ------------------------------------------------------------------------------ service description, VoID


def _graph_response(ctx: "ServeContext", request: Request, turtle: str) -> Response:
    import pyoxigraph as ox

    offers = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
              "application/json", "text/plain", "application/xml", "text/xml", "text/html"]
    media = negotiate(request.accepts(), offers)
    if media is None:
        raise HTTPError(406, "ask for text/turtle, application/ld+json, application/n-triples or application/rdf+xml",
                        kind="not_acceptable")
    fmt = "turtle" if media == "text/html" else results.GRAPH_TYPES[media]
    triples = [q.triple for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    body = results.serialize_triples(triples, fmt, {"sd": SD, "void": VOID, "dcterms": "http://purl.org/dc/terms/",
                                                    "formats": "http://www.w3.org/ns/formats/"})
    ctype = "text/plain; charset=utf-8" if media == "text/html" else results.content_type(fmt)
    return Response(body, 200, ctype, {"Vary": "Accept"})


def service_description(ctx: "ServeContext", request: Request) -> Response:
    """SPARQL 1.1 Service Description of this endpoint (what it supports, its limits, its dataset)."""
    base = ctx.base_url(request)
    features = "sd:UnionDefaultGraph ," if ctx.config.union_default_graph else ""
    update_language = "sd:supportedLanguage sd:SPARQL11Update ;" if ctx.config.allow_update else ""
    result_formats = ", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in
                               ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"))
    turtle = f"""
@prefix sd: <{SD}> . @prefix void: <{VOID}> . @prefix dcterms: <http://purl.org/dc/terms/> .
<{base}/sparql#service> a sd:Service ;
  sd:endpoint <{base}/sparql> ;
  sd:supportedLanguage sd:SPARQL11Query ; {update_language}
  sd:feature {features} sd:BasicFederatedQuery ;
  sd:resultFormat {result_formats} ;
  dcterms:description {_lit(f"igfkg knowledge graph of IGF/IGF-1R signaling claims. Queries time out after "
                               f"{ctx.config.timeout:g} s; results are cut at {ctx.config.max_results} rows "
                               f"(header X-SPARQL-MaxRows). The default graph is "
                               f"{'the union of all named graphs' if ctx.config.union_default_graph else 'the store default graph'}.")} ;
  sd:defaultDataset [ a sd:Dataset ; void:inDataset <{base}/.well-known/void#dataset> ;
      sd:defaultGraph [ a sd:Graph ] {_named_graphs(ctx)} ] .
"""
    return _graph_response(ctx, request, turtle)


def _named_graphs(ctx: "ServeContext") -> str:
    parts = [f"; sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ]" for g in ctx.graph_names()[:200]]
    return " ".join(parts)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def void_description(ctx: "ServeContext", request: Request) -> Response:
    """VoID description of the dataset: endpoint, example resources, per-graph and class/property counts."""
    base = ctx.base_url(request)
    stats = ctx.dataset_stats()
    subsets = []
    for graph, count in stats.get("graphs", []):
        subsets.append(f"void:subset [ a void:Dataset ; sd:name <{graph}> ; void:triples {int(count)} ]")
    classes = [f"void:classPartition [ void:class <{c}> ; void:entities {int(n)} ]" for c, n in stats.get("classes", [])]
    props = [f"void:propertyPartition [ void:property <{p}> ; void:triples {int(n)} ]"
             for p, n in stats.get("properties", [])]
    body = " ;\n  ".join(subsets + classes + props)
    turtle = f"""
@prefix void: <{VOID}> . @prefix sd: <{SD}> . @prefix dcterms: <http://purl.org/dc/terms/> .
<{base}/.well-known/void#dataset> a void:Dataset ;
  dcterms:title "igfkg" ;
  dcterms:description "A curated knowledge graph of IGF/IGF-1R signaling claims extracted from PubMed abstracts." ;
  dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
  void:sparqlEndpoint <{base}/sparql> ;
  void:uriSpace "{ctx.config.base_iri}" ;
  void:triples {int(stats.get("triples", 0))} ;
  dcterms:hasPart {_lit(f"{int(stats.get('documents', 0))} document graphs (one per paper)")}
  {(';' + chr(10) + '  ' + body) if body else ''} .
"""
    return _graph_response(ctx, request, turtle)


Route = Callable[[Request], Response]


def routes(ctx: "ServeContext") -> list[tuple[str, str, Any]]:
    return [("GET POST", "/sparql", lambda r: handle_sparql(ctx, r)),
            ("GET", "/.well-known/void", lambda r: void_description(ctx, r)),
            ("GET", "/void", lambda r: void_description(ctx, r))]
