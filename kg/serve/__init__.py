"""``igfkg serve``: a SPARQL 1.1 endpoint and web pages for browsing and curating the graph.

Public API::

    from kg.serve import ServeConfig, serve_forever, start_server
    server = start_server(settings, ServeConfig(port=0))   # background thread; server.url, server.stop()

See ``docs/serve.md`` for the routes, the security model and the measured page times.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from kg.serve.app import ServeConfig, ServeContext, build_context, create_app
from kg.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class RunningServer:
    """A server started by :func:`start_server` (tests, screenshots, benchmarks)."""

    context: ServeContext
    httpd: Any
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
        self.context.close()


def start_server(settings: Settings, config: ServeConfig) -> RunningServer:
    """Open the store, bind ``config.host:config.port`` (0 = any free port) and serve in a thread."""
    from kg.serve.http import make_server

    ctx = build_context(settings, config)
    try:
        httpd = make_server(config.host, config.port, create_app(ctx))
    except OSError as exc:
        ctx.close()
        from kg.errors import IgfkgError

        raise IgfkgError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
                         hint="pick another --port (or 0 for any free port)") from None
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                              name="igfkg-serve")
    thread.start()
    _warm_up(ctx)
    return RunningServer(ctx, httpd, thread)


def _warm_up(ctx: ServeContext) -> None:
    """Load the search index (lexicon, entity labels) and the curation session in the background, so the
    first search and the first curator click do not wait for them."""

    def work() -> None:
        try:
            ctx.reader.lexicon()
            ctx.reader.entities()
        except Exception as exc:  # noqa: BLE001 - the page that needs it reports the problem
            log.warning("warm-up failed: %s", exc)

    threading.Thread(target=work, daemon=True, name="igfkg-warmup").start()
    if ctx.auth.enabled:
        ctx.curation.warm_up()


def serve_forever(settings: Settings, config: ServeConfig, announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM), then close the store cleanly."""
    import signal

    server = start_server(settings, config)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    announce(f"igfkg: serving {settings.endpoint or settings.store} at {server.url}/ "
             f"(SPARQL endpoint {server.url}/sparql{', updates allowed with the token' if config.allow_update else ', read-only'}"
             f"; curators: {'on' if server.context.auth.enabled else 'off'}) — Ctrl-C to stop")
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
        announce("igfkg: server stopped")


__all__ = ["ServeConfig", "ServeContext", "RunningServer", "build_context", "create_app", "start_server",
           "serve_forever"]
