"""A very small WSGI toolkit: requests with bounded bodies, responses, routing, errors, and a threaded server.

Why not Flask/Starlette: the server needs routing for a dozen paths, form parsing and content negotiation —
a few hundred lines on top of the standard library (``wsgiref`` + ``socketserver.ThreadingMixIn``) with no
new dependency. Everything a client sends is bounded (request line by ``wsgiref``, headers, body by
``max_body``) and every error becomes a clean response, never a traceback or a dead server.
"""

from __future__ import annotations

import json
import logging
import re
import socketserver
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1 << 20  # 1 MiB: far above any real SPARQL query or form, far below a memory problem


class HTTPError(Exception):
    """An error response: status, a one-line message, and optional machine-readable details."""

    def __init__(self, status: int, message: str, *, kind: str = "error", headers: Mapping[str, str] | None = None,
                 **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = dict(headers or {})
        self.details = details

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "type": self.kind, "message": self.message}
        body.update({k: v for k, v in self.details.items() if v is not None})
        return {"error": body}


@dataclass
class Request:
    """One request: method, path, query parameters, headers, and (lazily read, bounded) body."""

    environ: dict[str, Any]
    max_body: int = DEFAULT_MAX_BODY
    params: dict[str, list[str]] = field(default_factory=dict)  # path parameters from the route
    _body: bytes | None = None
    _form: dict[str, list[str]] | None = None

    @property
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @property
    def path(self) -> str:
        raw = self.environ.get("PATH_INFO", "/") or "/"
        # wsgiref decodes the path as latin-1; re-decode as UTF-8 so /entity/… with non-ASCII works.
        try:
            return raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise HTTPError(400, "the request path is not valid UTF-8", kind="bad_request") from None

    @property
    def query(self) -> dict[str, list[str]]:
        text = self.environ.get("QUERY_STRING", "")
        try:
            return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict",
                            max_num_fields=200)
        except (UnicodeError, ValueError) as exc:
            raise HTTPError(400, f"unreadable query string: {exc}", kind="bad_request") from None

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query-string parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str = "") -> str:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return str(self.environ.get(key) or default)
        return str(self.environ.get("HTTP_" + key) or default)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        match = re.search(r"charset=([\w.-]+)", self.header("Content-Type"), re.I)
        return match.group(1) if match else "utf-8"

    def body(self) -> bytes:
        """The request body, at most ``max_body`` bytes (413 beyond; 411 for chunked bodies we cannot bound)."""
        if self._body is None:
            raw_length = self.header("Content-Length")
            if not raw_length:
                if self.header("Transfer-Encoding").lower() == "chunked":
                    raise HTTPError(411, "send a Content-Length header (chunked request bodies are not accepted)",
                                    kind="length_required")
                self._body = b""
                return self._body
            try:
                length = int(raw_length)
            except ValueError:
                raise HTTPError(400, f"bad Content-Length {raw_length!r}", kind="bad_request") from None
            if length < 0:
                raise HTTPError(400, f"bad Content-Length {raw_length!r}", kind="bad_request")
            if length > self.max_body:
                self._drain(length)
                raise HTTPError(413, f"request body of {length} bytes is larger than the limit of {self.max_body}",
                                kind="too_large", limit=self.max_body)
            self._body = self.environ["wsgi.input"].read(length) if length else b""
        return self._body

    def _drain(self, length: int) -> None:
        """Read and drop a too-large body (up to 16x the limit) so the client sees our 413, not a reset."""
        if length > 16 * self.max_body:
            return
        stream = self.environ["wsgi.input"]
        while length > 0:
            chunk = stream.read(min(length, 1 << 16))
            if not chunk:
                break
            length -= len(chunk)

    def text(self) -> str:
        try:
            return self.body().decode(self.charset)
        except (UnicodeError, LookupError):
            raise HTTPError(400, f"request body is not valid {self.charset}", kind="bad_request") from None

    def form(self) -> dict[str, list[str]]:
        """``application/x-www-form-urlencoded`` body (empty for other content types)."""
        if self._form is None:
            if self.content_type == "application/x-www-form-urlencoded":
                try:
                    self._form = parse_qs(self.text(), keep_blank_values=True, errors="strict", max_num_fields=200)
                except (UnicodeError, ValueError) as exc:
                    raise HTTPError(400, f"unreadable form: {exc}", kind="bad_request") from None
            else:
                self._form = {}
        return self._form

    def field(self, name: str, default: str | None = None) -> str | None:
        values = self.form().get(name)
        return values[0] if values else default

    def cookies(self) -> dict[str, str]:
        from http.cookies import CookieError, SimpleCookie

        jar = SimpleCookie()
        try:
            jar.load(self.header("Cookie"))
        except CookieError:
            return {}
        return {k: m.value for k, m in jar.items()}

    def accepts(self) -> list[tuple[str, float]]:
        """The Accept header as (media type, q) pairs, best first (stable for equal q)."""
        return parse_accept(self.header("Accept"))

    def wants_html(self) -> bool:
        """A browser navigation (HTML preferred over JSON) rather than an API client."""
        ranked = {m: q for m, q in self.accepts()}
        return ranked.get("text/html", 0) > max(ranked.get("application/json", 0),
                                                  ranked.get("application/sparql-results+json", 0))


def parse_accept(header: str) -> list[tuple[str, float]]:
    items: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")[:50]):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for bit in bits[1:]:
            if bit.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(bit[2:])))
                except ValueError:
                    q = 0.0
        items.append((media, q, i))
    items.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in items if q > 0]


def negotiate(accepts: list[tuple[str, float]], offers: list[str]) -> str | None:
    """The best of ``offers`` (first offer is the default) for an Accept list; None if nothing acceptable."""
    if not accepts:
        return offers[0]
    for media, _q in accepts:
        if media in ("*/*", ""):
            return offers[0]
        if media.endswith("/*"):
            major = media[:-1]
            for offer in offers:
                if offer.startswith(major):
                    return offer
            continue
        if media in offers:
            return media
    return None


@dataclass
class Response:
    body: bytes | Iterable[bytes] = b""
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)

    def header_list(self) -> list[tuple[str, str]]:
        out = [("Content-Type", self.content_type)]
        if isinstance(self.body, bytes):
            out.append(("Content-Length", str(len(self.body))))
        out += list(self.headers.items())
        out += [("Set-Cookie", c) for c in self.cookies]
        return out


def json_response(data: Any, status: int = 200, content_type: str = "application/json",
                  headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(body, status, content_type + "; charset=utf-8" if "charset" not in content_type else content_type,
                    dict(headers or {}))


def redirect(location: str, status: int = 303) -> Response:
    return Response(b"", status, headers={"Location": location})


Handler = Callable[[Request], Response]


class Router:
    """Method + path-pattern routing. Patterns use ``{name}`` (one segment) and ``{name:path}`` (the rest)."""

    def __init__(self) -> None:
        self.routes: list[tuple[set[str], re.Pattern[str], Handler]] = []

    def add(self, methods: str, pattern: str, handler: Handler) -> None:
        regex = re.escape(pattern)
        regex = re.sub(r"\\\{(\w+):path\\\}", r"(?P<\1>.+)", regex)
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        self.routes.append((set(methods.upper().split()), re.compile("^" + regex + "$"), handler))

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed: set[str] = set()
        for methods, regex, handler in self.routes:
            m = regex.match(path)
            if not m:
                continue
            if method in methods or (method == "HEAD" and "GET" in methods):
                return handler, m.groupdict()
            allowed |= methods
        if allowed:
            raise HTTPError(405, f"{method} is not allowed on {path}", kind="method_not_allowed",
                            headers={"Allow": ", ".join(sorted(allowed))})
        raise HTTPError(404, f"no such page: {path}", kind="not_found")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


class App:
    """A WSGI application: routes requests, turns :class:`HTTPError` (and any bug) into a response."""

    def __init__(self, router: Router, *, max_body: int = DEFAULT_MAX_BODY,
                 render_error: Callable[[Request, HTTPError], Response] | None = None) -> None:
        self.router = router
        self.max_body = max_body
        self.render_error = render_error

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ, max_body=self.max_body)
        try:
            handler, params = self.router.match(request.method, request.path)
            request.params = params  # type: ignore[assignment]
            response = handler(request)
        except HTTPError as exc:
            response = self._error(request, exc)
        except Exception as exc:  # noqa: BLE001
            from kg.errors import IgfkgError

            if isinstance(exc, IgfkgError):  # the store timed out or is unreachable: not our bug, try later
                log.warning("%s %s: %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), exc)
                response = self._error(request, HTTPError(503, str(exc), kind="store", headers={"Retry-After": "10"}))
            else:  # a bug: log it, answer 500, keep serving
                log.exception("internal error on %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
                response = self._error(request, HTTPError(500, "internal server error (see the server log)",
                                                          kind="internal"))
        headers = response.header_list()
        present = {k.lower() for k, _ in headers}
        headers += [(k, v) for k, v in SECURITY_HEADERS.items() if k.lower() not in present]
        start_response(f"{response.status} {_reason(response.status)}", headers)
        if request.method == "HEAD":
            return [b""]
        return [response.body] if isinstance(response.body, bytes) else response.body

    def _error(self, request: Request, exc: HTTPError) -> Response:
        if self.render_error is not None:
            try:
                response = self.render_error(request, exc)
                response.headers.update(exc.headers)
                return response
            except Exception:
                log.exception("error page failed")
        return json_response(exc.payload(), exc.status, headers=exc.headers)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _QuietHandler(WSGIRequestHandler):
    """Access log through ``logging`` (not bare stderr), and no reverse-DNS lookups."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.info("%s - %s", self.client_address[0], format % args)

    def address_string(self) -> str:
        return str(self.client_address[0])

    def handle(self) -> None:
        self.timeout = 60  # a client that stops sending cannot hold a thread forever
        super().handle()


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(host: str, port: int, app: Callable[..., Any]) -> ThreadingWSGIServer:
    """A threaded WSGI server bound to ``host:port`` (port 0 = any free port)."""
    import ipaddress

    family_v6 = False
    try:
        family_v6 = ipaddress.ip_address(host).version == 6
    except ValueError:
        pass
    server_cls = ThreadingWSGIServer
    if family_v6:
        import socket

        server_cls = type("ThreadingWSGIServer6", (ThreadingWSGIServer,), {"address_family": socket.AF_INET6})
    server = server_cls((host, port), _QuietHandler)
    server.set_app(app)
    return server


def print_err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
