"""The build's memory between runs: the run manifest, the SQLite extraction cache with each store's
catalog, and the fingerprints that decide what a rebuild may skip.

Split from :mod:`kg.pipeline` (which holds the steps) so the steps read top to bottom. Everything here is
disposable: deleting ``data/cache/`` only makes the next build slower.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from kg import __version__
from kg.errors import IgfkgError
from kg.model import Document, DocumentExtraction, from_dict, to_dict, to_json
from kg.settings import Settings

MANIFEST_NAME = "manifest.json"
CACHE_NAME = "build.sqlite"


# ----------------------------------------------------------------------------------------------- manifest


@dataclass
class Step:
    """One named step of a run: wall time and counters (documents read, cache hits, graphs written...)."""

    name: str
    seconds: float = 0.0
    counters: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: int = 0  # the process's peak RSS so far: shows which step made memory grow

    def count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n


@dataclass
class Manifest:
    """What a run did, step by step; written as JSON next to the cache."""

    command: str
    steps: list[Step] = field(default_factory=list)
    started: str = ""
    seconds: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name)
        self.steps.append(step)
        start = time.perf_counter()
        try:
            yield step
        finally:
            step.seconds = round(time.perf_counter() - start, 4)
            step.peak_rss_mb = peak_rss_mb()

    def get(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "started": self.started, "seconds": self.seconds,
                "versions": self.versions, "steps": [dataclasses.asdict(s) for s in self.steps]}

    def write(self, path: Path) -> None:
        atomic_write(path, json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str) + "\n")


# -------------------------------------------------------------------------------------------------- cache


class Cache:
    """SQLite file under ``settings.cache_dir``: extractions, document records, and each store's catalog.

    One file (not one per document) because 10^5 small files are slow on every filesystem and hard to
    clean; SQLite gives atomic batched writes for free. Losing it only costs time: everything in it can be
    recomputed from the sources.
    """

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS extraction (content_hash TEXT, version TEXT, payload TEXT NOT NULL,
        PRIMARY KEY (content_hash, version));
    CREATE TABLE IF NOT EXISTS record (record_hash TEXT PRIMARY KEY, payload TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS catalog (store TEXT, doc_id TEXT, record_hash TEXT, content_hash TEXT,
        version TEXT, graph_hash TEXT, PRIMARY KEY (store, doc_id));
    CREATE TABLE IF NOT EXISTS state (store TEXT, key TEXT, value TEXT, PRIMARY KEY (store, key));
    """

    def __init__(self, path: Path, store_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None)
            self.db.executescript(self.SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise IgfkgError(f"extraction cache is unreadable: {exc}", where=str(path),
                             hint="delete the file; it is rebuilt from the sources") from None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.store = store_key
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.db.close()

    def begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._pending = 0

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 500:
            self.commit()
            self.begin()

    # extractions are keyed by what extraction reads (content hash) and who read it (extractor version)
    def has_extraction(self, content_hash: str, version: str) -> bool:
        return self.db.execute("SELECT 1 FROM extraction WHERE content_hash=? AND version=?",
                               (content_hash, version)).fetchone() is not None

    def put_extraction(self, extraction: DocumentExtraction, version: str) -> None:
        payload = json.dumps({"mentions": to_dict(extraction.mentions), "claims": to_dict(extraction.claims),
                              "evidence": to_dict(extraction.evidence)}, ensure_ascii=False, sort_keys=True)
        self.begin()
        self.db.execute("INSERT OR REPLACE INTO extraction VALUES (?,?,?)",
                        (extraction.document.content_hash, version, payload))
        self._tick()

    def put_record(self, document: Document) -> str:
        payload = to_json(document)
        record_hash = hashlib.sha256(payload.encode()).hexdigest()[:16]
        self.begin()
        self.db.execute("INSERT OR IGNORE INTO record VALUES (?,?)", (record_hash, payload))
        self._tick()
        return record_hash

    def catalog(self) -> dict[str, tuple[str, str, str, str]]:
        """doc_id → (record_hash, content_hash, version, graph_hash) for this store."""
        rows = self.db.execute("SELECT doc_id, record_hash, content_hash, version, graph_hash FROM catalog "
                               "WHERE store=?", (self.store,))
        return {r[0]: tuple(r[1:]) for r in rows}  # type: ignore[misc]

    def set_catalog(self, doc_id: str, record_hash: str, content_hash: str, version: str, graph_hash: str) -> None:
        self.begin()
        self.db.execute("INSERT OR REPLACE INTO catalog VALUES (?,?,?,?,?,?)",
                        (self.store, doc_id, record_hash, content_hash, version, graph_hash))
        self._tick()

    def extraction(self, record_hash: str, content_hash: str, version: str) -> DocumentExtraction:
        record = self.db.execute("SELECT payload FROM record WHERE record_hash=?", (record_hash,)).fetchone()
        payload = self.db.execute("SELECT payload FROM extraction WHERE content_hash=? AND version=?",
                                  (content_hash, version)).fetchone()
        if record is None or payload is None:
            raise IgfkgError(f"extraction cache misses {content_hash}", where=str(self.store),
                             hint="delete data/cache and rebuild")
        return decode_extraction(record[0], payload[0], version)

    def iter_catalog(self) -> Iterator[DocumentExtraction]:
        """Every document of this store with its cached extraction, in document-ID order (streamed)."""
        rows = self.db.execute(
            "SELECT r.payload, e.payload, c.version FROM catalog c JOIN record r ON r.record_hash = c.record_hash "
            "JOIN extraction e ON e.content_hash = c.content_hash AND e.version = c.version "
            "WHERE c.store=? ORDER BY c.doc_id", (self.store,))
        for record, payload, version in rows:
            yield decode_extraction(record, payload, version)

    def get_state(self, key: str, scope: str | None = None) -> str | None:
        """A remembered value for this store (or ``scope="*"``: for every store)."""
        row = self.db.execute("SELECT value FROM state WHERE store=? AND key=?", (scope or self.store, key)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str, scope: str | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO state VALUES (?,?,?)", (scope or self.store, key, value))


def decode_extraction(record: str, payload: str, version: str) -> DocumentExtraction:
    data = json.loads(payload)
    data["document"] = json.loads(record)
    data["extractor_version"] = version
    return from_dict(DocumentExtraction, data)


# ----------------------------------------------------------------------------------------------- fingerprints


def ontology_fingerprint() -> str:
    root = Path(__file__).resolve().parents[1] / "ontology"
    h = hashlib.sha256()
    for path in sorted(root.glob("*.ttl")) if root.is_dir() else []:
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


def code_fingerprint(modules: Iterable[str]) -> str:
    """Hash of the source of the modules that shape a step's output: a code change invalidates the
    step's cached result even when nobody bumped a version."""
    import importlib.util

    h = hashlib.sha256(__version__.encode())
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec and spec.origin and os.path.exists(spec.origin):
            h.update(name.encode() + Path(spec.origin).read_bytes())
    return h.hexdigest()[:16]


def extractor_key(settings: Settings) -> str:
    """Cheap key of everything an extractor is made of (code, lexicon files, resolved parser model and its
    files, spaCy version): equal keys give equal ``Extractor.version`` without loading the pipeline."""
    import importlib.metadata
    import importlib.util

    from kg.lexicon import lexicon_version, ontology_dir_from_env
    from kg.nlp import resolve_model

    model = resolve_model(settings.model)
    spec = importlib.util.find_spec(model) if model != "none" else None
    meta = Path(spec.origin).parent / "meta.json" if spec and spec.origin else None
    nlp_modules = ["kg.extraction", "kg.lexicon", *(f"kg.nlp.{p.stem}" for p in
                                                   sorted((Path(__file__).parent / "nlp").glob("*.py")))]
    parts = [code_fingerprint(nlp_modules), lexicon_version(ontology_dir_from_env()), model,
             meta.read_text() if meta and meta.exists() else "", importlib.metadata.version("spacy")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def peak_rss_mb() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def file_hash(path: Path) -> str | None:
    if not path.exists():
        return None
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """A binary file that appears under ``path`` only once it is completely written."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
