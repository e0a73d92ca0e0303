"""The named steps of a build (``igfkg build``/``igfkg ingest``); the cache, manifest and fingerprints they
use are in :mod:`kg.buildcache`.

A build is a sequence of named, timed steps (``decisions → extract → documents → assemble → curation →
graphs → export → validate``); each records counters in a JSON run manifest (``data/cache/manifest.json``)
so a slow or surprising run can be explained after the fact.

Why it is shaped like this:

* **Nothing is written before everything that can fail on user input has been read.** The decisions file is
  parsed first (a malformed line stops the build with the store untouched); all extraction goes into the
  cache before the first store write.
* **Streaming.** Documents flow from the readers through the extractor into the cache one at a time; later
  steps stream back from the cache. No step holds a list of all Documents (claims are held by assembly,
  which is unavoidable: merging needs them).
* **Caching.** Extractions are cached by ``(Document.content_hash, Extractor.version)``; a document graph is
  rewritten only when its *graph hash* (record + extraction + code of the RDF mapping) changed; the assembled
  graphs, exports and validation are skipped when the fingerprint of everything they depend on is unchanged.
  A no-change rebuild therefore re-reads the sources and does almost nothing else (it does not even load
  the NLP pipeline: the extractor's version is remembered under a cheap key).
* **Per-store catalog.** The cache database remembers which documents each store holds (keyed by store path
  or endpoint), so ``igfkg ingest`` adds to the corpus and every assembly covers all documents of the store.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from kg import __version__
from kg.buildcache import (CACHE_NAME, MANIFEST_NAME, Cache, Manifest, Step, atomic_file, atomic_write,  # noqa: F401
                           code_fingerprint, extractor_key, file_hash, ontology_fingerprint)
from kg.errors import IgfkgError
from kg.model import Document, DocumentExtraction, to_json
from kg.settings import Settings

EXPORT_FILES = ("igfkg.ttl", "igfkg.jsonld", "igfkg.trig")
VALIDATE_DOCUMENTS = 10  # document graphs SHACL-validated per build; more are sampled evenly
VALIDATE_CLAIMS = 100  # claims of the KG graph SHACL-validated per build; more are sampled evenly
BULK_BATCH = 200  # new document graphs per bulk load
CANONICAL_QUADS = 500_000  # beyond this many quads igfkg.trig is written by Oxigraph's serializer
_CODE_MODULES = ("kg.pipeline", "kg.rdf", "kg.assembly", "kg.curation", "kg.export", "kg.ontology", "kg.store")


@dataclass
class IngestReport:
    """Counts of a run's input: documents read (new or changed + unchanged), duplicates skipped, failures."""

    read: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    written: int = 0  # document graphs (re)written to the store
    unchanged: int = 0  # documents whose graph was already up to date
    manifest: Manifest | None = None

    @property
    def nothing_read(self) -> bool:
        return self.read == 0


@dataclass
class BuildReport(IngestReport):
    """An ingest report plus the graph's summary, orphaned decisions, exports and the SHACL verdict."""

    summary: dict[str, Any] = field(default_factory=dict)
    orphaned: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    conforms: bool | None = None
    validation: str = ""


# ------------------------------------------------------------------------------------------------- steps


def ingest(settings: Settings, paths: Sequence[str | Path], fmt: str | None = None, recursive: bool = False,
           progress: bool = False, warn: Callable[[str], None] | None = None) -> IngestReport:
    """Add literature to the store: read, extract (cached), replace each changed document's graph, then
    re-assemble the KG over every document the store holds. Re-ingesting unchanged input changes nothing."""
    return _Run(settings, "ingest", progress=progress, warn=warn).run(paths, include_raw=False, fmt=fmt,
                                                                      recursive=recursive, export=False)


def build(settings: Settings, inputs: Sequence[str | Path] = (), export: bool = True, fmt: str | None = None,
          progress: bool = False, warn: Callable[[str], None] | None = None) -> BuildReport:
    """The main job: ``data/raw/`` plus ``inputs`` → extraction → store → assembled, curated KG → exports in
    ``data/rdf/`` → SHACL validation → summary."""
    return _Run(settings, "build", progress=progress, warn=warn).run(inputs, include_raw=True, fmt=fmt,
                                                                     recursive=True, export=export)


class _Run:
    def __init__(self, settings: Settings, command: str, progress: bool,
                 warn: Callable[[str], None] | None) -> None:
        self.settings = settings
        self.progress = progress
        self.warn = warn or (lambda message: None)  # told about each bad file/record as it happens
        self.manifest = Manifest(command, started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 versions={"igfkg": __version__})
        self.report = BuildReport(manifest=self.manifest)
        self.version = ""

    def run(self, inputs: Sequence[str | Path], *, include_raw: bool, fmt: str | None, recursive: bool,
            export: bool) -> BuildReport:
        start = time.perf_counter()
        settings = self.settings
        paths = [Path(p) for p in inputs]
        if include_raw and settings.raw_dir.is_dir():
            paths.insert(0, settings.raw_dir)
        if not paths:
            raise IgfkgError("nothing to read", where=str(settings.raw_dir),
                             hint="put records in data/raw/ or pass --input PATH")
        cache = Cache(settings.cache_dir / CACHE_NAME, store_key(settings))
        try:
            decisions = self.step_decisions()
            seen = self.step_extract(cache, paths, fmt, recursive)
            if self.report.nothing_read:
                where = ", ".join(str(p) for p in paths)
                raise IgfkgError("no document could be read", where=where,
                                 hint="see the errors above" if self.report.failed else "check the paths and --format")
            store = self.open_store()
            try:
                self.step_documents(cache, store, seen)
                self.step_graph(cache, store, decisions, export)
            finally:
                close = getattr(store, "close", None)
                if close:
                    close()
        finally:
            cache.close()
            self.manifest.seconds = round(time.perf_counter() - start, 3)
            self.manifest.write(settings.cache_dir / MANIFEST_NAME)
        return self.report

    # -- step 1: decisions first, so a malformed line stops the build before anything is written
    def step_decisions(self) -> list[Any]:
        with self.manifest.step("decisions") as step:
            from kg.curation import DecisionLog

            path = self.settings.decisions_file
            decisions = list(DecisionLog(path).read()) if path.exists() else []
            step.counters["decisions"] = len(decisions)
            return decisions

    # -- step 2: read sources and extract, streaming; cache misses go through the extractor in batches
    def step_extract(self, cache: Cache, paths: list[Path], fmt: str | None,
                     recursive: bool) -> list[tuple[str, str, str]]:
        from kg.sources import read_paths

        report, seen_ids = self.report, set()
        seen: list[tuple[str, str, str]] = []  # (doc_id, record_hash, content_hash): small, not Documents
        with self.manifest.step("extract") as step:
            # The extractor (spaCy + lexicon ruler) takes seconds to load: a no-change rebuild must not pay
            # for it. Its version is remembered under a cheap key of everything it is made of.
            memo_key = "extractor:" + extractor_key(self.settings)
            version = cache.get_state(memo_key, scope="*")
            extractor = None
            if version is None:
                extractor = self.extractor()
                version = extractor.version
                cache.set_state(memo_key, version, scope="*")
            self.version = self.manifest.versions["extractor"] = version
            bar = _progress(self.progress, "documents")

            def misses() -> Iterator[Document]:
                for item in read_paths(paths, fmt=fmt, recursive=recursive):
                    if isinstance(item, IgfkgError):
                        report.failed += 1
                        report.errors.append(str(item))
                        self.warn(str(item))
                        continue
                    if item.id in seen_ids:
                        report.skipped += 1
                        step.count("duplicates")
                        continue
                    seen_ids.add(item.id)
                    report.read += 1
                    bar.update(1)
                    seen.append((item.id, cache.put_record(item), item.content_hash))
                    if cache.has_extraction(item.content_hash, version):
                        step.count("cache_hits")
                        continue
                    yield item

            pending = misses()
            first = next(pending, None)
            if first is not None:
                if extractor is None:
                    extractor = self.extractor()
                    if extractor.version != version:  # the memo key missed a factor: never trust it again
                        cache.set_state(memo_key, extractor.version, scope="*")
                        raise IgfkgError("the extractor changed while its cached version was in use",
                                         hint="run the build again")
                for extraction in extractor.extract_many(itertools.chain([first], pending),
                                                         n_process=self.settings.n_process,
                                                         batch_size=self.settings.batch_size):
                    cache.put_extraction(extraction, version)
                    step.count("extracted")
            cache.commit()
            bar.close()
            step.counters.update(read=report.read, failed=report.failed)
        return seen

    def extractor(self) -> Any:
        if getattr(self.settings, "scheduler", None):  # NLP on a Dask cluster, same code path (docs/scaling.md)
            from kg.distributed import DistributedExtractor

            return DistributedExtractor(self.settings, self.settings.scheduler, model=self.settings.model)
        from kg.extraction import Extractor

        return Extractor(self.settings, model=self.settings.model)

    def open_store(self) -> Any:
        from kg.store import open_store

        return open_store(self.settings)

    # -- step 3: replace each changed document's named graph (one transaction per document); graphs new to
    #    an embedded store go through Oxigraph's bulk loader in batches (2x faster; a crash mid-batch leaves
    #    graphs the catalog does not know, so the next build replaces them)
    def step_documents(self, cache: Cache, store: Any, seen: list[tuple[str, str, str]]) -> None:
        import pyoxigraph as ox

        from kg.rdf import document_quads, extraction_quads, to_nquads
        from kg.vocab import document_graph

        with self.manifest.step("documents") as step:
            catalog = cache.catalog()
            present = _graph_names(store)
            code = code_fingerprint(("kg.rdf",))
            bulk = getattr(store, "oxigraph", None) if present is not None else None
            batch: list[tuple[str, str, str, str, str]] = []

            def flush() -> None:
                if batch:
                    bulk.bulk_load("".join(b[4] for b in batch).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
                    for doc_id, record_hash, content_hash, graph_hash, _ in batch:
                        cache.set_catalog(doc_id, record_hash, content_hash, self.version, graph_hash)
                    step.count("bulk_loaded", len(batch))
                    batch.clear()

            for doc_id, record_hash, content_hash in seen:
                graph_hash = hashlib.sha256(f"{record_hash}|{content_hash}|{self.version}|{code}".encode()
                                            ).hexdigest()[:16]
                old = catalog.get(doc_id)
                graph = document_graph(doc_id)
                if old is not None and old[3] == graph_hash and (present is None or graph in present):
                    self.report.unchanged += 1
                    continue
                extraction = cache.extraction(record_hash, content_hash, self.version)
                quads = [*document_quads(extraction.document), *extraction_quads(extraction)]
                self.report.written += 1
                if bulk is not None and graph not in present:  # type: ignore[operator]
                    batch.append((doc_id, record_hash, content_hash, graph_hash, to_nquads(quads)))
                    if len(batch) >= BULK_BATCH:
                        flush()
                    continue
                store.replace_graph(graph, quads)
                cache.set_catalog(doc_id, record_hash, content_hash, self.version, graph_hash)
            flush()
            cache.commit()
            step.counters.update(written=self.report.written, unchanged=self.report.unchanged,
                                 documents_in_store=len(cache.catalog()))

    # -- steps 4-8: assemble → replay curation → KG/curation/ontology graphs → export → validate
    def step_graph(self, cache: Cache, store: Any, decisions: list[Any], export: bool) -> None:
        settings, report = self.settings, self.report
        catalog = cache.catalog()
        fingerprint = hashlib.sha256(json.dumps(
            [sorted((k, v[3]) for k, v in catalog.items()), [to_json(d) for d in decisions],
             code_fingerprint(_CODE_MODULES), ontology_fingerprint(), export, str(settings.rdf_dir.resolve())]
        ).encode()).hexdigest()[:16]
        previous = cache.get_state("fingerprint")
        outputs_intact = not export or all(
            file_hash(settings.rdf_dir / name) == cache.get_state("export:" + name) for name in EXPORT_FILES)
        if previous == fingerprint and outputs_intact and _has_graph(store, _kg_graph()):
            saved = json.loads(cache.get_state("result") or "{}")
            report.summary, report.orphaned = saved.get("summary", {}), saved.get("orphaned", [])
            report.conforms, report.exports = saved.get("conforms"), saved.get("exports", [])
            for name in ("assemble", "curation", "graphs", *(("export", "validate") if export else ())):
                with self.manifest.step(name) as step:
                    step.counters["skipped"] = "unchanged inputs"
            return

        with self.manifest.step("assemble") as step:
            from kg.assembly import assemble

            tally = _Tally()
            assembled = list(assemble(tally.watch(cache.iter_catalog())))
            step.counters.update(documents=tally.documents, mentions=tally.mentions, claims=len(assembled))

        with self.manifest.step("curation") as step:
            from kg.curation import replay

            replayed = replay(assembled, decisions)
            claims = list(replayed.all_claims)  # curated view + the machine claims curators corrected away
            report.orphaned = sorted(_orphan_line(d) for d in replayed.orphaned)
            step.counters.update(decisions=len(decisions), orphaned=len(report.orphaned), claims=len(claims))

        with self.manifest.step("graphs") as step:
            from kg.ranking import index_quads
            from kg.rdf import assembled_quads, curation_quads
            from kg.vocab import GRAPH_CURATION, GRAPH_INDEX, GRAPH_ONTOLOGY

            curation = list(curation_quads(decisions))
            ontology = _ontology_quads()
            terms = _terms(claims)
            kg_quads = _replace_large_graph(store, _kg_graph(), assembled_quads(claims, terms))
            index = _replace_large_graph(store, GRAPH_INDEX, index_quads(claims, terms))
            store.replace_graphs({GRAPH_CURATION: curation, GRAPH_ONTOLOGY: ontology})
            step.counters.update(kg_quads=kg_quads, index_quads=index, curation_quads=len(curation),
                                 ontology_quads=len(ontology))

        report.summary = summarize(tally, claims, report.orphaned)
        if export:
            with self.manifest.step("export") as step:
                report.exports = self.export(store, step)
                step.counters["files"] = len(report.exports)
            with self.manifest.step("validate") as step:
                report.conforms, report.validation = self.validate(store, step)
                step.counters["conforms"] = report.conforms
            for name in EXPORT_FILES:
                cache.set_state("export:" + name, file_hash(settings.rdf_dir / name) or "")
        cache.set_state("result", json.dumps({"summary": report.summary, "orphaned": report.orphaned,
                                              "conforms": report.conforms, "exports": report.exports}))
        cache.set_state("fingerprint", fingerprint)

    def export(self, store: Any, step: Step) -> list[str]:
        """``igfkg.ttl`` (the assembled/curated KG, canonical Turtle), ``igfkg.jsonld`` (the KG, compact
        context), ``igfkg.trig`` (the full dataset with provenance), each written to a temporary file and
        renamed. The TriG is streamed graph by graph (memory bounded by the largest graph): canonical text
        while the dataset is small (the committed release), Oxigraph's own serializer beyond
        ``CANONICAL_QUADS`` (deterministic order, not sorted; Python formatting of 10^7 quads would take
        minutes). Beyond the same threshold the Turtle and JSON-LD of the KG graph are streamed one subject
        at a time in the store's order (:func:`kg.export.stream_turtle`), so memory stays flat."""
        from kg import export as exporter
        from kg.vocab import PREFIX_MAP

        out = self.settings.rdf_dir
        out.mkdir(parents=True, exist_ok=True)
        native = getattr(store, "oxigraph", None)
        total = store.count()
        step.counters["quads"] = total
        streamed = native is not None and total > CANONICAL_QUADS
        for name, fmt in (("igfkg.ttl", "ttl"), ("igfkg.jsonld", "jsonld")):
            with atomic_file(out / name) as fh:
                if streamed:  # one subject at a time in the store's order (the sort held GBs at 10k abstracts)
                    writer = exporter.stream_turtle if fmt == "ttl" else exporter.stream_jsonld
                    writer(store.quads(_kg_graph()), fh)
                else:
                    exporter.export(store, fh, fmt=fmt, graphs=[_kg_graph()])
        step.counters["kg"] = "streamed" if streamed else "canonical"
        with atomic_file(out / "igfkg.trig") as fh:
            if streamed:
                import pyoxigraph as ox

                step.counters["trig"] = "oxigraph"
                native.dump(fh, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIX_MAP))
            else:
                step.counters["trig"] = "canonical"
                for graph in sorted(_graph_names(store) or ()):
                    fh.write(exporter.canonical_trig(store.quads(graph)).encode("utf-8") + b"\n")
        return [str(out / name) for name in EXPORT_FILES]

    def validate(self, store: Any, step: Step) -> tuple[bool, str]:
        """SHACL-validate what was exported against ``ontology/shapes.ttl`` (:func:`kg.ontology.validate_graph`).

        Everything is validated while the graph is small (the seed build); beyond ``VALIDATE_CLAIMS``
        claims and ``VALIDATE_DOCUMENTS`` document graphs an evenly spaced sample is (each sampled claim
        with the nodes it points to). Every node of a kind is written by the same code, and pySHACL needs
        minutes per 10^5 triples, so a full check at PubMed scale would dominate the build. The report goes
        to ``data/cache/shacl.txt``; the counters say what was covered."""
        import pyoxigraph as ox
        import rdflib

        from kg.ontology import validate_graph
        from kg.rdf import C
        from kg.vocab import GRAPH_CURATION, GRAPH_DOCUMENT_PREFIX

        kg = _kg_graph()
        data = rdflib.Graph()
        documents = sorted(g for g in _graph_names(store) or () if g.startswith(GRAPH_DOCUMENT_PREFIX))
        sample = _evenly(documents, VALIDATE_DOCUMENTS)
        for graph in (GRAPH_CURATION, *sample):
            data.parse(data=store.dump("nt", graph=graph), format="nt")
        claims = [row[0].value for row in store.query(
            f"SELECT ?c WHERE {{ GRAPH <{kg}> {{ ?c a {C.claim} }} }} ORDER BY ?c").rows]
        chosen = _evenly(claims, VALIDATE_CLAIMS)
        if len(chosen) == len(claims):
            data.parse(data=store.dump("nt", graph=kg), format="nt")
        else:
            one_hop = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{kg}> {{ {{ ?c ?p ?o BIND(?c AS ?s) }} "
                       f"UNION {{ ?c ?x ?s . ?s ?p ?o }} }} }}")
            for claim in chosen:
                triples = store.query(one_hop, bindings={"c": ox.NamedNode(claim)}).triples
                data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        result = validate_graph(data)
        text = result.text(limit=None)
        atomic_write(self.settings.cache_dir / "shacl.txt", text + "\n")
        step.counters.update(triples=len(data), claims=f"{len(chosen)} of {len(claims)}",
                             document_graphs=f"{len(sample)} of {len(documents)}",
                             violations=sum(v.severity == "Violation" for v in result.violations))
        return result.conforms, text


# ----------------------------------------------------------------------------------------------- summary


class _Tally:
    """Counts documents, mentions and grounded entities while assembly streams the extractions past."""

    def __init__(self) -> None:
        self.documents = 0
        self.mentions = 0
        self.entities: set[str] = set()

    def watch(self, extractions: Iterable[DocumentExtraction]) -> Iterator[DocumentExtraction]:
        for extraction in extractions:
            self.documents += 1
            self.mentions += len(extraction.mentions)
            self.entities.update(m.grounding.curie for m in extraction.mentions if m.grounding)
            yield extraction


def summarize(tally: _Tally, claims: Sequence[Any], orphaned: Sequence[str]) -> dict[str, Any]:
    """Documents, mentions, entities, claims by predicate and by status, conflicts, orphaned decisions."""
    by_predicate = Counter(c.claim.predicate.value for c in claims)
    by_status = Counter(c.status.value for c in claims)
    conflicts = sum(1 for c in claims if c.conflicts)
    return {"documents": tally.documents, "mentions": tally.mentions, "entities": len(tally.entities),
            "claims": len(claims), "claims_by_predicate": dict(sorted(by_predicate.items())),
            "claims_by_status": dict(sorted(by_status.items())), "conflicting_claims": conflicts,
            "orphaned_decisions": len(orphaned)}


# ----------------------------------------------------------------------------------------------- helpers


def store_key(settings: Settings) -> str:
    """Which store a catalog belongs to: the endpoint URL or the store directory's absolute path."""
    return settings.endpoint or str(Path(settings.store).resolve())


def _kg_graph() -> str:
    from kg.vocab import GRAPH_KG

    return GRAPH_KG


def _graph_names(store: Any) -> set[str] | None:
    """Named graphs the store holds (so a deleted store is noticed), or None if the store cannot say."""
    names = getattr(store, "graph_names", None)
    if names is None:
        return None
    return {str(getattr(g, "value", g)) for g in names()}


def _evenly(items: Sequence[str], most: int) -> list[str]:
    """All of ``items`` if there are at most ``most``, else an evenly spaced (deterministic) sample."""
    return list(items[::max(1, -(-len(items) // most))])


def _has_graph(store: Any, graph: str) -> bool:
    names = _graph_names(store)
    return names is None or graph in names


def _orphan_line(orphan: Any) -> str:
    """One line per orphaned decision: what it was about and why it found no claim."""
    d = getattr(orphan, "curation", orphan)
    what = " ".join(x for x in (d.subject, d.predicate, d.object) if x)
    line = f"{d.claim_id} {d.decision.value} by {d.curator}" + (f" ({what})" if what else "")
    reason = getattr(orphan, "reason", "")
    candidates = getattr(orphan, "candidates", ())
    return line + (f": {reason}" if reason else "") + (f"; now {', '.join(candidates)}?" if candidates else "")


def _terms(claims: Sequence[Any]) -> dict[str, Any]:
    """Lexicon terms (label, type, cross-references) of every claim argument, for the KG graph."""
    from kg.ontology import load_lexicon

    lexicon = load_lexicon()
    curies = {c for ac in claims for c in (ac.claim.subject.curie, ac.claim.object.curie)}
    return {c: t for c in sorted(curies) if (t := lexicon.term(c)) is not None}


def _replace_large_graph(store: Any, graph: str, quads: Iterable[Any], chunk: int = 50_000) -> int:
    """Replace a graph that grows with the corpus (the KG). On an embedded store: drop it, then stream the
    quads through Oxigraph's bulk loader in chunks — one SPARQL ``INSERT DATA`` of 10^6 triples needed
    gigabytes. Not one transaction: a crash in between leaves the graph partial, and the build fingerprint
    is only recorded after this step, so the next build writes it again. Elsewhere: one atomic replace."""
    from kg.rdf import to_nquads

    native = getattr(store, "oxigraph", None)
    if native is None:
        listed = list(quads)
        store.replace_graph(graph, listed)
        return len(listed)
    import pyoxigraph as ox

    store.update(f"DROP SILENT GRAPH <{graph}>")
    total = 0
    iterator = iter(quads)
    while batch := list(itertools.islice(iterator, chunk)):
        native.bulk_load(to_nquads(batch).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        total += len(batch)
    return total


def _ontology_quads() -> list[Any]:
    from kg.rdf import ontology_quads

    return list(ontology_quads())


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, unit: str) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(unit=" " + unit, desc="reading + extracting", leave=False)
