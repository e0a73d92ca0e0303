"""``igfkg ingest``: add literature files to the store (read → extract → document graphs → re-assemble)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import show_progress, store_options
from kg.settings import Settings
from kg.sources import FORMATS


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Input format, instead of detecting it from each file's content.")
@click.option("-r", "--recursive", is_flag=True, help="Read directory arguments (and their subdirectories).")
@click.option("--n-process", type=click.IntRange(1, 64), help="Processes for NLP (default: 1, IGFKG_N_PROCESS).")
@click.option("--model", help="spaCy parser model: auto, none, or a package name (IGFKG_MODEL).")
@store_options
def ingest(settings: Settings, paths: tuple[Path, ...], fmt: str | None, recursive: bool,
           n_process: int | None, model: str | None) -> None:
    """Add literature to the knowledge graph.

    Reads PATHS (files, or directories with --recursive; PubMed XML, MEDLINE/.nbib, PubMed pages,
    PubTator, BioC XML/JSON, plain text; format detected from the content), extracts entities and claims
    (cached per document), replaces each document's named graph in the store and re-assembles the graph
    over every document the store holds. Ingesting the same input twice changes nothing.

    A bad file or record is reported on one line (file and position) and the rest is still ingested; the
    exit status is 1 only when nothing could be read.

    \b
    Examples:
      igfkg ingest papers.xml
      igfkg ingest --recursive downloads/ --store /tmp/kg-store
    """
    from kg.cli.build import format_summary
    from kg.pipeline import ingest as run_ingest

    settings = settings.with_options(n_process=n_process, model=model)

    def warn(message: str) -> None:
        click.echo(f"igfkg: warning: {message}", err=True)

    report = run_ingest(settings, list(paths), fmt=fmt, recursive=recursive, progress=show_progress(settings),
                        warn=warn)
    if settings.verbosity >= 0:
        click.echo(format_summary(report))
