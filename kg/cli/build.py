"""``igfkg build``: the main job (``make kg``) — data/raw/ → extraction → store → KG → data/rdf/ exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kg.cli.common import show_progress, store_options
from kg.errors import IgfkgError
from kg.settings import Settings


@click.command()
@click.option("-i", "--input", "inputs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="More literature to include besides data/raw/ (file or directory; repeatable).")
@click.option("--no-export", is_flag=True, help="Update the store only; do not write data/rdf/ or validate.")
@click.option("--n-process", type=click.IntRange(1, 64), help="Processes for NLP (default: 1, IGFKG_N_PROCESS).")
@click.option("--scheduler", envvar="IGFKG_SCHEDULER", metavar="local:N|tcp://HOST:PORT",
              help="Run the NLP on a Dask cluster instead: local:N worker processes here, or a running "
                   "dask scheduler (docs/scaling.md).")
@click.option("--model", help="spaCy parser model: auto, none, or a package name (IGFKG_MODEL).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and run manifest as JSON.")
@store_options
def build(settings: Settings, inputs: tuple[Path, ...], no_export: bool, n_process: int | None,
          model: str | None, as_json: bool, scheduler: str | None = None) -> None:
    """Build the knowledge graph from data/raw/ (and any --input).

    \b
    Steps (each timed in data/cache/manifest.json):
      decisions  read data/curation/decisions.jsonl (a malformed line stops here, nothing written)
      extract    read the records, extract entities and claims (cached by content + extractor version)
      documents  replace the named graph of each new or changed document (unchanged ones are skipped)
      assemble   merge claims across documents, belief scores, conflicts
      curation   replay curator decisions; report orphaned ones
      graphs     write the KG, curation and ontology graphs
      export     data/rdf/igfkg.ttl, igfkg.jsonld, igfkg.trig
      validate   SHACL validation of the exports against ontology/shapes.ttl

    A second build on unchanged input reuses everything and finishes in a fraction of the first's time.
    """
    from kg.pipeline import build as run_build

    settings = settings.with_options(n_process=n_process, model=model, scheduler=scheduler)

    def warn(message: str) -> None:
        click.echo(f"igfkg: warning: {message}", err=True)

    report = run_build(settings, list(inputs), export=not no_export, progress=show_progress(settings),
                       warn=warn)
    for line in report.orphaned:
        click.echo(f"igfkg: warning: orphaned decision (its claim is no longer extracted): {line}", err=True)
    if as_json:
        click.echo(json.dumps({"summary": report.summary, "read": report.read, "skipped": report.skipped,
                               "failed": report.failed, "errors": report.errors, "orphaned": report.orphaned,
                               "conforms": report.conforms, "exports": report.exports,
                               "manifest": report.manifest.to_dict() if report.manifest else None}, indent=2))
    elif settings.verbosity >= 0:
        click.echo(format_summary(report))
    if report.conforms is False:
        raise IgfkgError("the exports do not conform to ontology/shapes.ttl", where=str(settings.rdf_dir),
                         hint=f"the SHACL report is in {settings.cache_dir / 'shacl.txt'}")


def format_summary(report: Any) -> str:
    """The human-readable end-of-run summary the CLI prints."""
    lines = [f"documents: {report.read} read, {report.skipped} skipped, {report.failed} failed; "
             f"{report.written} graphs written, {report.unchanged} unchanged"]
    summary = getattr(report, "summary", {})
    if summary:
        lines.append(f"graph: {summary['documents']} documents, {summary['mentions']} mentions, "
                     f"{summary['entities']} entities, {summary['claims']} claims, "
                     f"{summary['conflicting_claims']} in conflict, {summary['orphaned_decisions']} orphaned decisions")
        if summary["claims_by_predicate"]:
            lines.append("by predicate: " + ", ".join(f"{k} {v}" for k, v in summary["claims_by_predicate"].items()))
        if summary["claims_by_status"]:
            lines.append("by status: " + ", ".join(f"{k} {v}" for k, v in summary["claims_by_status"].items()))
    conforms = getattr(report, "conforms", None)
    if conforms is not None:
        lines.append("SHACL: conforms" if conforms else "SHACL: does NOT conform")
    if report.manifest:
        lines.append("steps: " + ", ".join(f"{s.name} {s.seconds:.2f}s" for s in report.manifest.steps))
    return "\n".join(lines)
