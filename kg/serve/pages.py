"""The web pages: search, query, entity, claim, paper, network, sign-in and browser curation.

Server-rendered with Jinja2 (autoescape on for every template, so any text from the graph or a request is
escaped); the only JavaScript is a dozen lines of keyboard shortcuts on the query page. Every handler
validates its path parameters before they reach a query (see :mod:`kg.serve.data`).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kg import __version__
from kg.errors import IgfkgError
from kg.serve import data as gd
from kg.serve.auth import SESSION_COOKIE, session_cookie
from kg.serve.http import HTTPError, Request, Response, json_response, redirect

if TYPE_CHECKING:
    from kg.serve.app import ServeContext

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".png": "image/png",
                ".svg": "image/svg+xml", ".ico": "image/x-icon"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["urlencode"] = lambda v: quote(str(v), safe=":")
    return env


class Pages:
    def __init__(self, ctx: "ServeContext") -> None:
        self.ctx = ctx

    # ----------------------------------------------------------------------------------------- helpers

    def session(self, request: Request) -> Any:
        return self.ctx.auth.session(request.cookies().get(SESSION_COOKIE))

    def render(self, request: Request, template: str, status: int = 200, **values: Any) -> Response:
        session = self.session(request)
        flashes = []
        note = request.arg("done")
        if note in _FLASHES:
            flashes.append(("ok", _FLASHES[note]))
        base = {"version": __version__, "curator": session.curator if session else None,
                "csrf": session.csrf if session else "", "curation_enabled": self.ctx.auth.enabled,
                "request_path": request.path, "flashes": flashes, "q": request.arg("q", "")}
        base.update(values)
        html = environment().get_template(template).render(**base)
        return Response(html.encode("utf-8"), status, "text/html; charset=utf-8", {"Cache-Control": "no-store"})

    def check_csrf(self, request: Request) -> Any:
        """The signed-in session, after checking the form's CSRF token and the Origin (if sent)."""
        origin = request.header("Origin")
        if origin and origin != "null":
            host = request.header("Host")
            if urlsplit(origin).netloc != host:
                raise HTTPError(403, "cross-origin form submission refused", kind="forbidden")
        session = self.session(request)
        if session is None:
            raise HTTPError(401, "sign in as a curator first", kind="unauthorized")
        given = request.field("csrf") or ""
        if not hmac.compare_digest(given.encode(), session.csrf.encode()):
            raise HTTPError(403, "the form has expired or did not come from this site; reload the page and try again",
                            kind="forbidden")
        return session

    # ----------------------------------------------------------------------------------------- pages

    _home_cache: tuple[int, list[tuple[str, str]]] | None = None

    def home(self, request: Request) -> Response:
        """Counts (cached until the next write: they scan every claim) and the most connected entities."""
        reader = self.ctx.reader
        cached = self._home_cache
        if cached is None or cached[0] != self.ctx.generation:
            cached = (self.ctx.generation, reader.home_stats())
            self._home_cache = cached
        return self.render(request, "home.html", stats=cached[1], top=reader.top_entities())

    def search(self, request: Request) -> Response:
        q = (request.arg("q") or "").strip()
        if not q:
            return redirect("/")
        if len(q) > 200:
            raise HTTPError(400, "search text is limited to 200 characters", kind="bad_request")
        results = self.ctx.reader.search(q)
        if request.path.startswith("/api/") or request.arg("format") == "json":
            return json_response({"query": q, "results": [
                {"curie": e.curie, "label": e.label, "type": e.type, "claims": e.claims, "matched": e.matched,
                 "reason": e.reason, "url": f"/entity/{quote(e.curie, safe=':')}"} for e in results]})
        return self.render(request, "search.html", results=results, q=q)

    def entity(self, request: Request) -> Response:
        curie = request.params["curie"]
        limit = _int_arg(request, "limit", 200, 1, 2000)
        try:
            entity = self.ctx.reader.entity(curie)
        except gd.NotFound as exc:
            raise HTTPError(404, str(exc), kind="not_found") from None
        if entity["curie"] != curie:
            return redirect("/entity/" + quote(entity["curie"], safe=":"), 301)
        claims = self.ctx.reader.entity_claims(entity["curie"], limit)
        sections = [("out", f"{entity['label']} as subject", gd.group_by_predicate(claims["out"])),
                    ("in", f"{entity['label']} as object", gd.group_by_predicate(claims["in"]))]
        return self.render(request, "entity.html", entity=entity, sections=sections, total_out=claims["total_out"],
                           total_in=claims["total_in"], limit=limit,
                           truncated=claims["total_out"] > limit or claims["total_in"] > limit)

    def network(self, request: Request) -> Response:
        from kg.serve.network import layout, legend, render_svg

        curie = request.params["curie"]
        limit = _int_arg(request, "limit", 40, 1, 150)
        hop = _int_arg(request, "hop", 1, 1, 2)
        try:
            entity = self.ctx.reader.entity(curie)
        except gd.NotFound as exc:
            raise HTTPError(404, str(exc), kind="not_found") from None
        net, truncated = self.ctx.reader.network(entity["curie"], limit, hop)
        layout(net)
        e = gd.Entity(entity["curie"], entity["label"], entity["type"])
        return self.render(request, "network.html", entity=e, svg=render_svg(net), n_nodes=len(net.nodes),
                           n_edges=len(net.edges), truncated=truncated, limit=limit,
                           legend=legend({n.type for n in net.nodes.values()}))

    def claim(self, request: Request) -> Response:
        claim_id = request.params["claim_id"]
        try:
            claim = self.ctx.reader.claim(claim_id)
        except gd.NotFound as exc:
            raise HTTPError(404, str(exc), kind="not_found") from None
        if request.arg("format") == "json":
            from kg.model import to_dict

            return json_response({"claim": to_dict(claim["model"]), "history": claim["history"]})
        from kg.model import ErrorTag

        return self.render(request, "claim.html", claim=claim, error_tags=[t.value for t in ErrorTag],
                           predicates=gd.PREDICATES, curators_file=str(self.ctx.auth.curators_file))

    def paper(self, request: Request) -> Response:
        try:
            paper = self.ctx.reader.paper(request.params["doc_id"])
        except gd.NotFound as exc:
            raise HTTPError(404, str(exc), kind="not_found") from None
        return self.render(request, "paper.html", paper=paper)

    def query(self, request: Request) -> Response:
        """The query editor. ``?name=claims-about&entity=HGNC:5465`` opens a named query (``kg/queries``) with
        its parameters bound by :mod:`kg.query` (shown in the editor as the query that runs); ``?query=``
        runs any query through the same worker pool as /sparql and shows a table."""
        from kg import query as kq
        from kg.errors import QueryError
        from kg.store import inject_values

        examples = named_queries()
        query = request.arg("query") or ""
        name = request.arg("name") or request.arg("example")
        limit = _int_arg(request, "limit", 100, 1, self.ctx.config.max_results)
        values: dict[str, Any] = {"examples": examples, "limit": limit, "max_limit": self.ctx.config.max_results,
                                  "prefixes": sorted(self.ctx.prefixes), "result": None, "error": None, "form": None,
                                  "named": None, "params": []}
        if name and not query:
            chosen = next((e for e in examples if e["name"] == name), None)
            if chosen is None:
                raise HTTPError(404, f"no named query {name!r}", kind="not_found")
            given = {p.name: (request.arg(p.name) or "").strip() for p in chosen["params"]}
            values.update(named=chosen, params=[(p, given[p.name]) for p in chosen["params"]])
            query = chosen["text"]
            if not all(given.values()):
                return self.render(request, "query.html", query=query, **values)
            try:
                bindings = {p.name: kq.resolve_param(self.ctx.reader.store, p.name, given[p.name], p.kind)
                            for p in chosen["params"]}
                query = inject_values(query, bindings)
            except QueryError as exc:
                values["error"] = {"type": "parameter", "message": str(exc)}
                return self.render(request, "query.html", query=query, **values)
        if query.strip():
            values["result"], values["error"] = self._run_for_page(query, limit)
            values["form"] = values["result"]["form"] if values["result"] else None
        return self.render(request, "query.html", query=query, **values)

    def _run_for_page(self, query: str, limit: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        from kg.serve.runner import QueryFailure, QueryJob, RemoteRunner

        if len(query) > self.ctx.config.max_query_length:
            return None, {"type": "too_large", "message": "the query is too long"}
        start = time.perf_counter()
        try:
            if isinstance(self.ctx.runner, RemoteRunner):
                body, ctype = self.ctx.runner.forward(query, "application/sparql-results+json, text/turtle;q=0.9", [], [])
                form = "graph" if "turtle" in ctype else "select"
                answer_body, truncated = body, False
            else:
                job = QueryJob(query, ["json"], ["turtle"], union_default_graph=self.ctx.config.union_default_graph,
                               max_results=limit, prefixes=self.ctx.prefixes)
                answer = self.ctx.runner.run(job)
                form, answer_body, truncated = answer.form, answer.body, answer.truncated
        except QueryFailure as exc:
            return None, {"type": exc.kind, "message": exc.message, **exc.details}
        seconds = time.perf_counter() - start
        if form == "graph":
            return {"form": "graph", "text": answer_body.decode("utf-8", "replace"), "seconds": seconds}, None
        data = json.loads(answer_body)
        if "boolean" in data:
            return {"form": "ask", "boolean": data["boolean"], "seconds": seconds}, None
        names = data["head"]["vars"]
        rows = [[_cell(b.get(v)) for v in names] for b in data["results"]["bindings"][:limit]]
        return {"form": "select", "vars": names, "rows": rows, "truncated": truncated, "limit": limit,
                "seconds": seconds}, None

    # ------------------------------------------------------------------------------------ sign-in, curation

    def login_form(self, request: Request) -> Response:
        return self.render(request, "login.html", next=_safe_next(request.arg("next")),
                           curators_file=str(self.ctx.auth.curators_file),
                           decisions_file=str(self.ctx.settings.decisions_file))

    def login(self, request: Request) -> Response:
        token = (request.field("token") or "").strip()
        signed = self.ctx.auth.sign_in(token) if token else None
        if signed is None:
            time.sleep(0.5)  # slows token guessing; tokens are 192-bit anyway
            raise HTTPError(403, "unknown curator token", kind="forbidden")
        sid, session = signed
        log.info("curator %s signed in", session.curator.id)
        response = redirect(_safe_next(request.field("next")) or "/")
        response.cookies.append(session_cookie(sid))
        return response

    def logout(self, request: Request) -> Response:
        self.check_csrf(request)
        self.ctx.auth.sign_out(request.cookies().get(SESSION_COOKIE))
        response = redirect("/")
        response.cookies.append(session_cookie("", clear=True))
        return response

    def curate(self, request: Request) -> Response:
        claim_id = request.params["claim_id"]
        if not gd.CLAIM_ID_RE.match(claim_id):
            raise HTTPError(404, f"{claim_id!r} is not a claim ID", kind="not_found")
        bearer = request.header("Authorization")
        if bearer.lower().startswith("bearer "):  # API clients: a curator token, no cookie, no CSRF
            curator = self.ctx.auth.curator_for_token(bearer[7:].strip())
            if curator is None:
                raise HTTPError(403, "unknown curator token", kind="forbidden")
            api = True
        else:
            curator = self.check_csrf(request).curator
            api = False
        form = {k: v[0] for k, v in request.form().items() if v}
        try:
            decision = self.ctx.curation.decide(claim_id, curator.id, form)
        except IgfkgError as exc:
            raise HTTPError(400, str(exc), kind="curation") from None
        log.info("curator %s: %s %s", curator.id, decision.decision.value, claim_id)
        if api:
            from kg.model import to_dict

            return json_response({"ok": True, "decision": to_dict(decision)}, 201)
        target = decision.corrected.id if decision.corrected is not None else claim_id
        return redirect(f"/claim/{target}?done={decision.decision.value}")

    # -------------------------------------------------------------------------------------- misc

    def static(self, request: Request) -> Response:
        name = request.params["name"]
        if not re.fullmatch(r"[A-Za-z0-9_-]+\.[a-z]{2,4}", name):
            raise HTTPError(404, "no such file", kind="not_found")
        path = HERE / "static" / name
        if not path.is_file():
            raise HTTPError(404, "no such file", kind="not_found")
        return Response(path.read_bytes(), 200, STATIC_TYPES.get(path.suffix, "application/octet-stream"),
                        {"Cache-Control": "max-age=300"})

    def health(self, request: Request) -> Response:
        return json_response({"ok": True, "version": __version__, "uptime": round(time.time() - self.ctx.started, 1),
                              "generation": self.ctx.generation})


_FLASHES = {"accepted": "Decision recorded: accepted.", "rejected": "Decision recorded: rejected.",
            "corrected": "Decision recorded: corrected. This is the corrected claim.", "note": "Note recorded."}


def _int_arg(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPError(400, f"{name} must be a whole number, not {raw!r}", kind="bad_request") from None
    return max(low, min(high, value))


def _safe_next(value: str | None) -> str:
    """Only same-site paths (``/claim/…``), never ``//evil.example`` or ``https://…``."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 500:
        return value
    return "/"


def _cell(binding: dict[str, Any] | None) -> dict[str, str] | None:
    if binding is None:
        return None
    value = binding.get("value", "")
    if binding.get("type") == "uri":
        href = None
        from kg import vocab

        if value.startswith(vocab.CLAIM):
            return {"text": "claim:" + value[len(vocab.CLAIM):], "href": "/claim/" + quote(value[len(vocab.CLAIM):])}
        else:
            curie = gd.safe_curie(value)
            if curie != value:
                prefix = curie.split(":", 1)[0]
                href = ("/paper/pmid:" + quote(curie.split(":", 1)[1]) if prefix == "pubmed"
                        else "/entity/" + quote(curie, safe=":"))
                return {"text": curie, "href": href}
        return {"text": value, "href": href}
    if binding.get("type") == "bnode":
        return {"text": "_:" + value, "href": None}
    return {"text": value, "href": None}


def named_queries() -> list[dict[str, Any]]:
    """The packaged named queries (``kg/queries/*.rq`` via :func:`kg.query.list_queries`) as editor examples."""
    from kg import query as kq

    return [{"name": q.name, "title": q.name.replace("-", " ").capitalize(), "description": q.description,
             "params": list(q.params), "text": q.text} for q in kq.list_queries()]


def error_renderer(ctx: "ServeContext") -> Callable[[Request, HTTPError], Response]:
    """HTML error pages for browsers, JSON for API clients and every /sparql request."""
    pages = Pages(ctx)

    def render(request: Request, exc: HTTPError) -> Response:
        if request.path.startswith(("/sparql", "/api", "/.well-known")) or not request.wants_html():
            return json_response(exc.payload(), exc.status, headers=exc.headers)
        try:
            reason = HTTPStatus(exc.status).phrase
        except ValueError:
            reason = "Error"
        return pages.render(request, "error.html", exc.status, code=exc.status, reason=reason, message=exc.message)

    return render


def routes(ctx: "ServeContext") -> list[tuple[str, str, Any]]:
    p = Pages(ctx)
    return [
        ("GET", "/", p.home),
        ("GET", "/search", p.search),
        ("GET", "/api/search", p.search),
        ("GET", "/query", p.query),
        ("GET", "/entity/{curie}", p.entity),
        ("GET", "/entity/{curie}/network", p.network),
        ("GET", "/claim/{claim_id}", p.claim),
        ("POST", "/claim/{claim_id}/curate", p.curate),
        ("GET", "/paper/{doc_id:path}", p.paper),
        ("GET", "/login", p.login_form),
        ("POST", "/login", p.login),
        ("POST", "/logout", p.logout),
        ("GET", "/static/{name}", p.static),
        ("GET", "/healthz", p.health),
    ]
