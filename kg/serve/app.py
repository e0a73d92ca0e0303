"""Wiring of ``igfkg serve``: configuration, the shared server context, and the WSGI application.

One :class:`ServeContext` per server holds the open store (read-write, in this process), the query runner
(worker processes for untrusted ``/sparql`` queries), the curator sign-in state and the page reader.
Writes (browser curation, allowed SPARQL updates) are serialized by one lock and bump the runner's
generation so every later query sees them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import IgfkgError, StoreError
from kg.settings import Settings

log = logging.getLogger(__name__)

_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass(frozen=True)
class ServeConfig:
    """Server options (``igfkg serve --help`` documents each)."""

    host: str = "127.0.0.1"
    port: int = 8000
    allow_update: bool = False
    update_token: str | None = None
    timeout: float = 30.0  # seconds per /sparql query
    page_timeout: float = 20.0  # seconds per page query
    max_results: int = 10000  # rows/triples per /sparql answer
    max_query_length: int = 100_000  # characters
    max_body: int = 1 << 20  # bytes per request body
    workers: int = 2  # /sparql worker processes
    union_default_graph: bool = True
    curators_file: Path | None = None  # default: <data>/curation/curators.json
    base_iri: str = "https://w3id.org/igfkg/"
    public_url: str | None = None  # how clients reach us (service description); default from Host
    claims_file: Path | None = None  # curate against these assembled claims instead of the last build's


@dataclass
class ServeContext:
    settings: Settings
    config: ServeConfig
    store: Any = None
    runner: Any = None
    auth: Any = None
    reader: Any = None
    curation: Any = None
    prefixes: dict[str, str] = field(default_factory=dict)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.time)
    _stats_cache: tuple[int, dict[str, Any]] | None = None

    @property
    def update_token(self) -> str | None:
        return self.config.update_token

    @property
    def generation(self) -> int:
        return int(getattr(self.runner, "generation", 0))

    def base_url(self, request: Any) -> str:
        if self.config.public_url:
            return self.config.public_url.rstrip("/")
        host = request.header("Host")
        if not host or not _HOST_RE.match(host):
            host = f"{self.config.host}:{self.config.port}"
        return f"http://{host}"

    # ---------------------------------------------------------------------------------------- reading

    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a program-written SELECT (values bound, never pasted), as {variable: python value}."""
        return self.reader.select(sparql, bindings)

    def graph_names(self) -> list[str]:
        return list(self.dataset_stats().get("names", []))

    def dataset_stats(self) -> dict[str, Any]:
        """Triples per graph, instances per class, triples per property; cached until the next write."""
        cached = self._stats_cache
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        stats = self.reader.dataset_stats()
        self._stats_cache = (self.generation, stats)
        return stats

    # ---------------------------------------------------------------------------------------- writing

    def update(self, sparql: str) -> None:
        """Run a SPARQL update on the store (only reachable with --allow-update and the bearer token)."""
        with self.write_lock:
            self.reader.update(sparql)
            self.changed()

    def changed(self, *, entities: bool = True) -> None:
        """After any write: workers reopen their view; the page index (claims, labels, counts) is rebuilt
        unless the caller patches it itself (browser curation re-reads the claims it touched)."""
        self.runner.bump()
        if entities:
            self.reader.invalidate()

    def close(self) -> None:
        for part in (self.curation, self.runner, self.reader):  # curation first: pending index patches
            close = getattr(part, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    log.exception("closing %r failed", part)


def build_context(settings: Settings, config: ServeConfig) -> ServeContext:
    """Open the store and start the query workers; raises :class:`IgfkgError` with a fix when it cannot."""
    from kg import vocab
    from kg.serve.auth import Auth
    from kg.serve.data import GraphReader
    from kg.serve.runner import ProcessRunner, RemoteRunner

    if config.allow_update and not config.update_token:
        raise IgfkgError("--allow-update needs a bearer token", hint="give --token-file FILE or set IGFKG_SERVE_TOKEN")
    if settings.endpoint:
        runner: Any = RemoteRunner(settings.endpoint, timeout=config.timeout)
    else:
        store_dir = Path(settings.store)
        if not store_dir.is_dir():
            raise StoreError("no store here", where=str(store_dir),
                             hint="run igfkg build first, or give --store DIR / --endpoint URL")
        runner = None
    reader = GraphReader.open(settings, union_default_graph=config.union_default_graph, timeout=config.page_timeout)
    if runner is None:
        runner = ProcessRunner(settings.store, workers=config.workers, timeout=config.timeout)
    curators = config.curators_file or settings.curation_dir / "curators.json"
    ctx = ServeContext(settings=settings, config=config, runner=runner, reader=reader, auth=Auth(curators),
                       prefixes=dict(vocab.PREFIX_MAP))
    from kg.serve.curate import BrowserCuration

    ctx.curation = BrowserCuration(ctx, config.claims_file)
    return ctx


def create_app(ctx: ServeContext) -> Any:
    """The WSGI application for ``ctx``."""
    from kg.serve import pages, sparql
    from kg.serve.http import App, Router

    router = Router()
    for methods, pattern, handler in sparql.routes(ctx) + pages.routes(ctx):
        router.add(methods, pattern, handler)
    return App(router, max_body=ctx.config.max_body, render_error=pages.error_renderer(ctx))
