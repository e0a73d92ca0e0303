"""The ``igfkg`` command: a click group whose subcommands live in one module each and load lazily.

Thin by design: commands parse options, call the library and print. Exit codes: 0 ok, 1 user error (one
line on stderr, no traceback), 2 usage error (click's own).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from kg import __version__
from kg.errors import IgfkgError
from kg.settings import load_settings

#: command name → "module:attribute". Each module owns its commands; adding one is one line here.
COMMANDS: dict[str, str] = {
    "ingest": "kg.cli.ingest:ingest",
    "fetch": "kg.cli.fetch:fetch",
    "extract": "kg.cli.extract:extract",
    "evaluate": "kg.cli.extract:evaluate",
    "ontology": "kg.cli.ontology:ontology",
    "validate": "kg.cli.ontology:validate",
    "build": "kg.cli.build:build",
    "query": "kg.cli.graph:query",
    "export": "kg.cli.graph:export",
    "stats": "kg.cli.graph:stats",
    "curate": "kg.cli.curate:curate",
    "diff": "kg.cli.curate:diff",
    "serve": "kg.cli.serve:serve",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that subcommand runs (keeps ``--help`` fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | {n for n in COMMANDS if self._importable(n)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # command not built yet
                return None
            raise
        return getattr(module, attr, None)

    @staticmethod
    def _importable(name: str) -> bool:
        return importlib.util.find_spec(COMMANDS[name].split(":")[0]) is not None


class Main(LazyGroup):
    """Turns :class:`IgfkgError` into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IgfkgError as exc:
            click.echo(f"igfkg: error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("igfkg: interrupted", err=True)
            sys.exit(130)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="igfkg")
@click.option("-v", "--verbose", count=True, help="More output (repeat for debug logging).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors; no progress bars.")
@click.option("--data-dir", type=click.Path(file_okay=False), envvar="IGFKG_DATA_DIR",
              help="Project data directory (raw/, rdf/, store/, curation/, cache/).  [default: data]")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool, data_dir: str | None) -> None:
    """igfkg: a curated knowledge graph of IGF/IGF-1R signaling claims.

    \b
    Typical session:
      igfkg build                       build the graph from data/raw/ into data/store/ and data/rdf/
      igfkg fetch 38865036 --references download a record and the works it cites
      igfkg ingest papers.xml           add literature (PubMed XML, MEDLINE, PubTator, BioC, text)
      igfkg query --name claims-about --param entity=IGF1R
      igfkg curate queue                the claims that most need a curator

    Settings come from options, then IGFKG_* environment variables (IGFKG_STORE, IGFKG_ENDPOINT,
    IGFKG_CURATOR, IGFKG_NCBI_API_KEY, ...), then defaults.
    """
    from pathlib import Path

    import logging

    verbosity = -1 if quiet else verbose
    logging.basicConfig(level=logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity == 1 else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = load_settings(verbosity=verbosity, data_dir=Path(data_dir) if data_dir else None)


def run() -> None:
    """Console-script entry point."""
    main(prog_name="igfkg")
