"""``igfkg ontology lookup|check|terms`` and ``igfkg validate``: the ontology, lexicon and SHACL from the shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import pass_settings
from kg.errors import IgfkgError, OntologyError
from kg.settings import Settings

_DIR_OPTION = click.option(
    "--ontology-dir", type=click.Path(file_okay=False, path_type=Path), envvar="IGFKG_ONTOLOGY_DIR",
    help="Ontology directory (igfkg.ttl, shapes.ttl, terms.tsv, lexicon/).  [default: the project's ontology/]")


@click.group()
def ontology() -> None:
    """The ontology and its lexicon: look text up, check the ontology and term tables.

    \b
    Examples:
      igfkg ontology lookup "IGF-IR"            what a string grounds to, and why
      igfkg ontology lookup IR --format json    ambiguous strings show why they are flagged
      igfkg ontology check                      parse, HermiT consistency, term-table checks
      igfkg ontology terms --format tsv         the curated terms
    """


@ontology.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "tsv"]), default="table", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list candidates filtered out (case, stop list).")
@_DIR_OPTION
def lookup(text: tuple[str, ...], fmt: str, show_all: bool, ontology_dir: Path | None) -> None:
    """The term(s) TEXT grounds to, best first: CURIE, label, type, score and the reason it matched (or
    why it is ambiguous or filtered). Exits 1 when nothing matches, like grep."""
    from kg.ontology import load_lexicon, normalize

    query = " ".join(text)
    lex = load_lexicon(ontology_dir)
    found = lex.explain(query)
    shown = found if show_all else [e for e in found if e.status != "filtered" or not any(
        x.status != "filtered" for x in found)]
    ambiguity = lex.ambiguity(query)
    if fmt == "json":
        payload = {"text": query, "key": normalize(query), "ambiguity": ambiguity, "lexicon": lex.version,
                   "candidates": [{"curie": e.curie, "label": e.label, "type": e.type.value, "status": e.status,
                                   "score": e.score, "reason": e.reason, "matched": e.matched, "why": e.why}
                                  for e in shown]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif fmt == "tsv":
        click.echo("status\tcurie\tlabel\ttype\tscore\treason\tmatched\twhy")
        for e in shown:
            click.echo("\t".join([e.status, e.curie, e.label, e.type.value, f"{e.score:.2f}", e.reason, e.matched,
                                  e.why]))
    else:
        _table(query, shown, ambiguity)
    if not any(e.status in ("match", "ambiguous", "case_mismatch") for e in found):
        if fmt == "table":
            click.echo(f"no term matches {query!r}", err=True)
        sys.exit(1)


def _table(query: str, rows: list[Any], ambiguity: str | None) -> None:
    head = ("status", "curie", "label", "type", "score", "reason", "matched")
    data = [(e.status, e.curie, e.label, e.type.value, f"{e.score:.2f}", e.reason, e.matched) for e in rows]
    widths = [max([len(h), *(len(r[i]) for r in data)]) for i, h in enumerate(head)]
    click.echo(f"{query!r}" + (f"  (ambiguous: {ambiguity})" if ambiguity else ""))
    click.echo("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    for r, e in zip(data, rows):
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if e.why:
            click.echo(f"    why: {e.why}")


@ontology.command()
@click.option("--reasoner/--no-reasoner", default=True, show_default=True,
              help="Run HermiT (needs Java; about 1-5 s).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_DIR_OPTION
def check(reasoner: bool, fmt: str, ontology_dir: Path | None) -> None:
    """Check the ontology: parse igfkg.ttl and shapes.ttl, every kg.model predicate and entity type declared
    with the right polarity, HermiT consistency and unsatisfiable classes, and the term tables (unique IDs,
    known prefixes, parents exist, no synonym on two terms unless declared shared). Exits 1 on any problem."""
    from kg.ontology import check as run_check

    report = run_check(ontology_dir, reasoner=reasoner)
    r = report.reasoner
    if fmt == "json":
        click.echo(json.dumps({
            "ok": report.ok, "problems": report.problems, "notes": report.notes,
            "reasoner": None if r is None else {"consistent": r.consistent, "unsatisfiable": list(r.unsatisfiable),
                                                "seconds": round(r.seconds, 2), "detail": r.detail}}, indent=2))
    else:
        for note in report.notes:
            click.echo(f"ok       {note}")
        if r is not None:
            click.echo(f"{'ok' if r.consistent else 'PROBLEM':8} HermiT: "
                       f"{'consistent' if r.consistent else 'INCONSISTENT ' + r.detail} ({r.seconds:.1f} s)")
            for cls in r.unsatisfiable:
                click.echo(f"PROBLEM  unsatisfiable class {cls}")
        for problem in report.problems:
            click.echo(f"PROBLEM  {problem}")
        click.echo("ontology check passed" if report.ok else
                   f"ontology check FAILED: {len(report.problems) + (0 if r is None or r.ok else 1)} problem(s)")
    if not report.ok:
        sys.exit(1)


@ontology.command()
@click.option("--format", "fmt", type=click.Choice(["tsv", "json", "turtle"]), default="tsv", show_default=True)
@click.option("--all", "all_terms", is_flag=True, help="Every term (HGNC, FamPlex, MeSH too), not only curated ones.")
@_DIR_OPTION
def terms(fmt: str, all_terms: bool, ontology_dir: Path | None) -> None:
    """List the terms of the lexicon (curated by default) as TSV, JSON Lines or Turtle."""
    from kg.ontology import load_lexicon, terms_graph

    lex = load_lexicon(ontology_dir)
    if fmt == "turtle":
        click.echo(terms_graph(lex, curated_only=not all_terms).serialize(format="turtle"))
        return
    if fmt == "tsv":
        click.echo("curie\tlabel\ttype\tsource\tsynonyms\txrefs\tparents")
    for t in lex.terms():
        if not all_terms and t.source != "curated":
            continue
        if fmt == "json":
            click.echo(json.dumps({"curie": t.curie, "label": t.label, "type": t.type.value, "source": t.source,
                                   "synonyms": list(t.synonyms), "xrefs": list(t.xrefs),
                                   "parents": list(t.parents)}, ensure_ascii=False))
        else:
            click.echo("\t".join([t.curie, t.label, t.type.value, t.source, "|".join(t.synonyms), "|".join(t.xrefs),
                                  "|".join(t.parents)]))


@click.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--store", "store", is_flag=False, flag_value="", default=None, metavar="[DIR]",
              help="Validate the store's contents (the configured store, or DIR) instead of FILE.")
@click.option("--endpoint", help="Validate the contents of a remote SPARQL endpoint instead of FILE.")
@click.option("--graph", "graph_iri", help="With --store/--endpoint: only this named graph.")
@click.option("--rdf-format", help="RDF format of FILE when its suffix does not say (turtle, nt, nquads, trig, json-ld, xml).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--limit", type=int, default=50, show_default=True, help="Violations to print (0: all).")
@_DIR_OPTION
@pass_settings
def validate(settings: Settings, file: Path | None, store: str | None, endpoint: str | None, graph_iri: str | None,
             rdf_format: str | None, fmt: str, limit: int, ontology_dir: Path | None) -> None:
    """Validate RDF against the SHACL shapes (ontology/shapes.ttl) and print the violations readably.

    \b
    FILE is Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML (by suffix); quads are validated as the
    union of their graphs. With --store (or --endpoint) the store's dump is validated instead.
    Exits 1 when the graph does not conform.

    \b
    Examples:
      igfkg validate data/rdf/kg.ttl
      igfkg validate --store                 the configured store (data/store or IGFKG_STORE)
      igfkg validate --store /tmp/store --graph https://w3id.org/igfkg/graph/kg
    """
    from kg.ontology import parse_rdf, validate_graph

    if (file is None) == (store is None and endpoint is None):
        raise click.UsageError("give a FILE or --store/--endpoint (one of them)")
    if file is not None:
        data = parse_rdf(file, rdf_format)
        source = str(file)
    else:
        data = _store_graph(settings, store, endpoint, graph_iri)
        source = endpoint or str(store or settings.store)
    report = validate_graph(data, ontology_dir)
    if fmt == "json":
        click.echo(json.dumps({"source": source, "conforms": report.conforms, "triples": report.triples,
                               "violations": [v.__dict__ for v in report.violations]}, indent=2))
    else:
        click.echo(f"{source}: {report.text(limit or None)}")
    if not report.conforms:
        sys.exit(1)


def _store_graph(settings: Settings, store: str | None, endpoint: str | None, graph_iri: str | None) -> Any:
    """The store's contents (or one named graph) as one rdflib graph."""
    import rdflib

    try:
        from kg.store import open_store
    except ImportError as exc:  # pragma: no cover - the store module ships with the package
        raise IgfkgError("this installation has no store module", hint="validate an exported FILE instead") from exc
    settings = settings.with_options(store=Path(store) if store else None, endpoint=endpoint)
    if not endpoint and not Path(settings.store).is_dir():
        raise OntologyError("no store here", where=str(settings.store), hint="run `igfkg build` or pass --store DIR")
    with open_store(settings) as st:
        dump = st.dump("nq", graph=graph_iri)
    ds = rdflib.Dataset()
    ds.parse(data=dump.decode("utf-8") if isinstance(dump, bytes) else dump, format="nquads")
    g = rdflib.Graph()
    for s, p, o, _ctx in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
