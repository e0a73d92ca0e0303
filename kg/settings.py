"""Run settings: command-line options, then ``IGFKG_*`` environment variables, then defaults.

One immutable object is built by the CLI and passed down; library code never reads the environment
itself, so tests can build any configuration explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from kg.vocab import BASE


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    store: Path = Path("data/store")  # embedded Oxigraph store directory
    endpoint: str | None = None  # remote SPARQL 1.1 query endpoint (overrides ``store``)
    update_endpoint: str | None = None
    graph_store: str | None = None
    base_iri: str = BASE
    ncbi_email: str | None = None
    ncbi_api_key: str | None = None
    ncbi_base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    curator: str | None = None
    model: str = "auto"  # spaCy parser model: auto | none | a package name (en_core_sci_sm, ...)
    n_process: int = 1
    scheduler: str | None = None  # Dask scheduler for NLP/extraction: local:N or tcp://HOST:PORT (kg.distributed)
    batch_size: int = 64
    query_timeout: float = 30.0
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def rdf_dir(self) -> Path:
        return self.data_dir / "rdf"

    @property
    def curation_dir(self) -> Path:
        return self.data_dir / "curation"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def decisions_file(self) -> Path:
        return self.curation_dir / "decisions.jsonl"

    def with_options(self, **options: Any) -> "Settings":
        """A copy with the given options applied; ``None`` means "not given" and keeps the current value."""
        given = {k: v for k, v in options.items() if v is not None}
        return replace(self, **given) if given else self


_ENV = {f.name: "IGFKG_" + f.name.upper() for f in fields(Settings)}


def load_settings(environ: Mapping[str, str] | None = None, **options: Any) -> Settings:
    """Settings from ``options`` (highest), then ``environ`` (``IGFKG_STORE``, ``IGFKG_NCBI_API_KEY``,
    also NCBI's own ``NCBI_API_KEY``/``NCBI_EMAIL``), then defaults."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, var in _ENV.items():
        raw = env.get(var)
        if raw is None and name in ("ncbi_api_key", "ncbi_email"):
            raw = env.get(name.upper())
        if raw is None or raw == "":
            continue
        values[name] = _coerce(types[name], raw, var)
    data_dir = Path(options.get("data_dir") or values.get("data_dir") or Settings.data_dir)
    if "store" not in values:
        values["store"] = data_dir / "store"
    settings = Settings(**values)
    return settings.with_options(**options)


def _coerce(type_name: Any, raw: str, var: str) -> Any:
    from kg.errors import IgfkgError

    text = str(type_name)
    try:
        if "Path" in text:
            return Path(raw)
        if text.startswith("int"):
            return int(raw)
        if text.startswith("float"):
            return float(raw)
    except ValueError:
        raise IgfkgError(f"environment variable {var}={raw!r} is not a valid {text}") from None
    return raw
