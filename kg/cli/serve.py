"""``igfkg serve``: the SPARQL endpoint and web pages (see docs/serve.md)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import store_options
from kg.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default serves this machine only; 0.0.0.0 exposes the graph to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL updates at /sparql from clients that send 'Authorization: Bearer <token>'.")
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="File whose first line is the bearer token for updates (else IGFKG_SERVE_TOKEN).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
              help="Seconds a /sparql query may run before it is stopped (503).")
@click.option("--max-results", type=click.IntRange(1, 10_000_000), default=10000, show_default=True,
              help="Rows (or triples) per /sparql answer; longer answers are cut (header X-SPARQL-MaxRows).")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Query worker processes for /sparql (each opens the store read-only).")
@click.option("--curators", "curators_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Curator token file.  [default: <data>/curation/curators.json]")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="JSON Lines of assembled claims to curate against, instead of the last build's.")
@click.option("--no-union-default-graph", is_flag=True,
              help="Make the /sparql default graph the store's default graph instead of the union of all graphs.")
@click.option("--public-url", help="The URL clients use to reach the server (service description, VoID).")
@click.option("--add-curator", metavar="ID",
              help="Add a curator (ORCID or name) to the curators file, print their new token once, and exit.")
@click.option("--name", "curator_name", default="", help="Display name for --add-curator.")
@click.option("--screenshots", "screenshots_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Start the server, save PNG screenshots of the main pages into DIR with headless chromium, exit.")
@store_options
def serve(settings: Settings, host: str, port: int, allow_update: bool, token_file: Path | None, timeout: float,
          max_results: int, workers: int, curators_file: Path | None, claims_file: Path | None,
          no_union_default_graph: bool, public_url: str | None, add_curator: str | None, curator_name: str,
          screenshots_dir: Path | None) -> None:
    """Serve the graph: a SPARQL 1.1 endpoint at /sparql and web pages to browse and curate claims.

    \b
    Pages: /  search (labels and synonyms)      /query  SPARQL editor with the named queries
           /entity/HGNC:5465  claims in and out  /entity/HGNC:5465/network  network view
           /claim/<id>  evidence, curation       /paper/pmid:38865036  claims, references, citing papers
    API:   /sparql (GET/POST, JSON/XML/CSV/TSV, Turtle/N-Triples/JSON-LD/RDF-XML), /.well-known/void

    \b
    Curators sign in with a token:  igfkg serve --add-curator 0000-0002-1825-0097 --name "J. Carberry"
    Their decisions go to data/curation/decisions.jsonl, exactly as with igfkg curate.
    """
    from kg.serve.app import ServeConfig
    from kg.serve.auth import add_curator as add, read_update_token

    curators = curators_file or settings.curation_dir / "curators.json"
    if add_curator is not None:
        token = add(curators, add_curator, curator_name)
        click.echo(f"added curator {add_curator} to {curators}")
        click.echo(f"token (shown once; sign in with it at /login): {token}")
        return
    if host not in ("127.0.0.1", "localhost", "::1") and not allow_update:
        click.echo(f"igfkg: warning: serving on {host} exposes the graph to the network", err=True)
    config = ServeConfig(host=host, port=port, allow_update=allow_update,
                         update_token=read_update_token(token_file) if (allow_update or token_file) else None,
                         timeout=timeout, max_results=max_results, workers=workers,
                         union_default_graph=not no_union_default_graph, curators_file=curators,
                         base_iri=settings.base_iri, public_url=public_url, claims_file=claims_file)
    if screenshots_dir is not None:
        from kg.serve.screenshots import take_screenshots

        for path in take_screenshots(settings, config, screenshots_dir):
            click.echo(f"wrote {path}")
        return
    from kg.serve import serve_forever

    serve_forever(settings, config, announce=lambda text: click.echo(text, err=True))
