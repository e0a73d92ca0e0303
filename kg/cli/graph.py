"""``igfkg query``, ``igfkg export``, ``igfkg stats``: read the graph (embedded store or --endpoint)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from kg.cli.common import store_options
from kg.errors import IgfkgError
from kg.settings import Settings

QUERY_FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "nt"]
EXPORT_FORMATS = ["ttl", "jsonld", "nt", "nq", "trig", "rdfxml", "kgx"]


def _write_atomically(path: Path, write: Callable[[Any], None], mode: str = "wb") -> None:
    """Write via a temporary file beside ``path`` so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as fh:
            write(fh)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@click.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a named query shipped with igfkg (see --list).")
@click.option("-l", "--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (a CURIE, IRI or label resolves to the entity; numbers are typed). "
                   "Repeatable.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="Output format (turtle/nt for CONSTRUCT and DESCRIBE).")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Give up after this many seconds.  [default: 30]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file, not stdout.")
@store_options
def query(settings: Settings, sparql: str | None, query_file: Path | None, name: str | None, list_: bool,
          params: tuple[str, ...], fmt: str, timeout: float | None, output: Path | None) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) against the graph.

    \b
    Examples:
      igfkg query --list
      igfkg query --name what-activates --param target=IGF1R
      igfkg query --name claims-about --param entity=HGNC:5465 --format csv
      igfkg query 'SELECT ?c WHERE { GRAPH ?g { ?c a igfkg:Claim } } LIMIT 5'
      igfkg query -f my.rq --param drug=picropodophyllin --format json

    Named graphs: one per document (<https://w3id.org/igfkg/graph/document/pmid:N>), the assembled KG
    (<https://w3id.org/igfkg/graph/kg>), curation, ontology, and index (the precomputed rankings the named
    queries start from); see docs/graph.md. The project's prefixes
    (igfkg:, HGNC:, rdfs:, prov:, ...) may be used without PREFIX lines in ad-hoc queries.
    """
    from kg import query as q
    from kg.store import open_store

    if list_:
        for nq in q.list_queries():
            click.echo(f"{nq.name}\n    {nq.description}")
            for p in nq.params:
                click.echo(f"    --param {p.name}=...  ({p.kind}) {p.description}")
            if nq.limit is not None:
                click.echo(f"    --param limit=N  (integer, default {nq.limit}) {nq.limit_description}")
        return
    given = [x for x in (sparql, query_file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a SPARQL string, -f FILE, or --name NAME (or --list)")
    timeout = timeout if timeout is not None else settings.query_timeout
    bound = q.parse_params(params)
    store = open_store(settings, create=False)
    try:
        if name:
            result = q.run_named(store, name, bound, timeout=timeout)
        else:
            text = sparql if sparql else query_file.read_text(encoding="utf-8")  # type: ignore[union-attr]
            kinds = {p.name: p.kind for p in q.parse_named_query(text).params}
            result = q.run_query(store, text, bound, kinds, timeout=timeout, predeclare=True)
        rendered = q.format_result(result, fmt)
    finally:
        store.close()
    if output:
        _write_atomically(output, lambda fh: fh.write(rendered), "w")
    else:
        click.echo(rendered, nl=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True,
              help="ttl/nt/rdfxml hold one graph (the selected ones merged); nq/trig/jsonld keep named graphs; "
                   "kgx writes Biolink KGX TSV (-o PREFIX gives PREFIX_nodes.tsv and PREFIX_edges.tsv).")
@click.option("-g", "--graph", "graphs", multiple=True, metavar="NAME",
              help="kg, curation, ontology, index, documents, document:<id>, all, or a graph IRI (repeatable).  "
                   "[default: kg for ttl/nt/rdfxml/jsonld, all for nq/trig]")
@click.option("--curated-only", is_flag=True, help="Only accepted and corrected claims (and their curation).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (written atomically); default stdout.")
@store_options
def export(settings: Settings, fmt: str, graphs: tuple[str, ...], curated_only: bool, output: Path | None) -> None:
    """Export the graph: canonical sorted Turtle/TriG/N-Triples/N-Quads (stable git diffs), RDF/XML,
    compact JSON-LD (context: kg/data/context.jsonld), or KGX TSV for the Biolink ecosystem.

    \b
    Examples:
      igfkg export -o igfkg.ttl
      igfkg export --format trig -o full.trig
      igfkg export --format jsonld --curated-only -o curated.jsonld
      igfkg export --format kgx -o release/igfkg     (release/igfkg_nodes.tsv, release/igfkg_edges.tsv)
    """
    from kg import export as ex
    from kg.store import open_store

    selected: list[str] | None
    if "all" in graphs:
        selected = None
    elif graphs:
        selected = [g if g == "documents" else ex.graph_iri(g) for g in graphs]
    else:
        selected = None if fmt in ("nq", "trig") else ["kg"]
    store = open_store(settings, create=False)
    try:
        if fmt == "kgx":
            if output is None:
                raise IgfkgError("--format kgx writes two files: give -o PREFIX")
            _export_kgx(settings, store, output, curated_only)
            return
        if output is None:
            ex.export(store, sys.stdout.buffer, fmt, selected, curated_only)
            sys.stdout.buffer.flush()
        else:
            count: list[int] = []
            _write_atomically(output, lambda fh: count.append(ex.export(store, fh, fmt, selected, curated_only)))
            if settings.verbosity >= 0:
                click.echo(f"wrote {count[0]} quads to {output}", err=True)
    finally:
        store.close()


def _export_kgx(settings: Settings, store: Any, output: Path, curated_only: bool) -> None:
    from kg import export as ex

    nodes_path = output.with_name(output.name + "_nodes.tsv")
    edges_path = output.with_name(output.name + "_edges.tsv")
    nodes_tmp, edges_tmp = (p.with_name(p.name + ".tmp") for p in (nodes_path, edges_path))
    nodes_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(nodes_tmp, "w", encoding="utf-8", newline="") as nf, \
                open(edges_tmp, "w", encoding="utf-8", newline="") as ef:
            n, e = ex.export_kgx(store, nf, ef, curated_only=curated_only)
        os.replace(nodes_tmp, nodes_path)
        os.replace(edges_tmp, edges_path)
    finally:
        for p in (nodes_tmp, edges_tmp):
            if p.exists():
                p.unlink()
    if settings.verbosity >= 0:
        click.echo(f"wrote {n} nodes to {nodes_path} and {e} edges to {edges_path}", err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Per-query timeout in seconds.")
@store_options
def stats(settings: Settings, fmt: str, timeout: float | None) -> None:
    """Counts per graph, class, property, claim predicate and status, evidence source and journal."""
    from kg.query import format_stats, stats as compute
    from kg.store import open_store

    store = open_store(settings, create=False)
    try:
        data = compute(store, timeout=timeout if timeout is not None else settings.query_timeout)
    finally:
        store.close()
    click.echo(format_stats(data, fmt), nl=False)
