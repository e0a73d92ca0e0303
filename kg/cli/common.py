"""Options and helpers shared by several commands."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import click

from kg.settings import Settings

pass_settings = click.make_pass_decorator(Settings)


def store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--store PATH`` or ``--endpoint URL [--update-endpoint URL] [--graph-store URL]``, folded into the
    settings object passed as the first argument (``settings``)."""

    @click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path), envvar="IGFKG_STORE",
                  help="Embedded Oxigraph store directory.  [default: data/store]")
    @click.option("--endpoint", envvar="IGFKG_ENDPOINT", help="Remote SPARQL 1.1 query endpoint URL (instead of --store).")
    @click.option("--update-endpoint", envvar="IGFKG_UPDATE_ENDPOINT", help="SPARQL 1.1 update endpoint URL.")
    @click.option("--graph-store", envvar="IGFKG_GRAPH_STORE", help="SPARQL 1.1 Graph Store Protocol URL.")
    @pass_settings
    @functools.wraps(func)
    def wrapper(settings: Settings, *args: Any, store_path: Path | None, endpoint: str | None,
                update_endpoint: str | None, graph_store: str | None, **kwargs: Any) -> Any:
        settings = settings.with_options(store=store_path, endpoint=endpoint, update_endpoint=update_endpoint,
                                         graph_store=graph_store)
        return func(settings, *args, **kwargs)

    return wrapper


def show_progress(settings: Settings) -> bool:
    """Progress bars only for a person at a terminal, never in --quiet mode."""
    import sys

    return settings.verbosity >= 0 and sys.stderr.isatty()
