"""NLP and extraction beyond one machine: the same ``Extractor.extract_many`` on a Dask cluster.

Why Dask: it is the Python-native engine people already run (a laptop ``LocalCluster``, a
``dask-scheduler`` + ``dask-worker`` on a few machines, or dask-jobqueue/dask-kubernetes on HPC/cloud),
it ships plain Python objects between processes (our ``Document``/``DocumentExtraction`` dataclasses
pickle as they are), and it needs no separate service for a local run.

How: documents are cut into batches of ``batch_size``; each batch goes to a worker, which builds the
extractor once per process (spaCy model + lexicon, cached exactly like ``kg.nlp.get_pipeline`` caches it
locally) and runs **the same code path as local ``n_process``**: ``Extractor.extract_many(batch)``.
Results come back in input order, with at most ``2 × workers`` batches in flight, so memory stays flat
however big the corpus is. The extractor version is computed on a worker, so the build's extraction cache
(keyed by content hash + extractor version) works unchanged; the graph itself can live in a remote
SPARQL 1.1 store (``--endpoint``) that every machine reaches.

Schedulers: ``local:N`` starts a ``distributed.LocalCluster`` with N worker processes on 127.0.0.1 (and
stops it when done); ``tcp://host:port`` connects to a running scheduler whose workers have igfkg
installed (same version, same model). Everything stays on the machines you name: nothing is downloaded.
"""

from __future__ import annotations

import collections
import logging
import re
import weakref
from typing import Any, Iterable, Iterator

from kg.errors import IgfkgError
from kg.model import Document, DocumentExtraction

_LOCAL = re.compile(r"^local(?::(\d+))?$")

# worker-process state: one extractor per (settings, options), built on first use
_WORKER_EXTRACTORS: dict[Any, Any] = {}


def parse_scheduler(spec: str) -> tuple[str, Any]:
    """``("local", n_workers)`` for ``local[:N]``, ``("address", url)`` for ``tcp://host:port``."""
    text = (spec or "").strip()
    m = _LOCAL.match(text)
    if m:
        n = int(m.group(1) or 2)
        if n < 1:
            raise IgfkgError(f"--scheduler {spec!r}: need at least one worker", hint="e.g. local:2")
        return "local", n
    if re.match(r"^(tcp|tls|inproc|ucx)://[^\s/]+$", text):
        return "address", text
    raise IgfkgError(f"--scheduler {spec!r} is not a Dask scheduler",
                     hint="use local:N (N worker processes here) or tcp://HOST:PORT of a running dask scheduler")


def connect(spec: str) -> tuple[Any, Any]:
    """A ``distributed.Client`` for ``spec`` and the ``LocalCluster`` it started (None for an address)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the optional extra is not installed
        raise IgfkgError("distributed extraction needs Dask", hint="pip install 'igfkg[dist]'") from None
    kind, value = parse_scheduler(spec)
    cluster = None
    try:
        if kind == "local":
            cluster = LocalCluster(n_workers=value, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(value, timeout=10)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise IgfkgError(f"cannot reach the Dask scheduler {spec}: {' '.join(str(exc).split())}",
                         hint="start it with `dask scheduler` (and `dask worker ADDRESS`), or use --scheduler local:2")
    return client, cluster


def _worker_extractor(settings: Any, options: tuple[tuple[str, Any], ...]) -> Any:
    key = (settings, options)
    extractor = _WORKER_EXTRACTORS.get(key)
    if extractor is None:
        from kg.extraction import Extractor

        extractor = Extractor(settings, **dict(options))
        _WORKER_EXTRACTORS[key] = extractor
    return extractor


def worker_version(settings: Any, options: tuple[tuple[str, Any], ...]) -> str:
    """Runs on a worker: the version string of the extractor the workers use."""
    return _worker_extractor(settings, options).version


def extract_batch(settings: Any, options: tuple[tuple[str, Any], ...],
                  documents: list[Document]) -> list[DocumentExtraction]:
    """Runs on a worker: one batch through ``Extractor.extract_many`` — the local code path, unchanged."""
    return list(_worker_extractor(settings, options).extract_many(documents, n_process=1,
                                                                  batch_size=max(1, len(documents))))


def _shutdown(client: Any, cluster: Any) -> None:
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


class DistributedExtractor:
    """A drop-in for :class:`kg.extraction.Extractor` where the pipeline needs one (``version`` and
    ``extract_many``) whose work runs on a Dask cluster. Use as a context manager, or call :meth:`close`
    (a cluster it started is also stopped when the object is garbage-collected)."""

    def __init__(self, settings: Any, scheduler: str, *, model: str | None = None, entities: str = "predicted",
                 cooccurrence: bool = False, client: Any = None) -> None:
        if model is not None and model != getattr(settings, "model", model):
            settings = settings.with_options(model=model)
        self.settings = settings
        self.options: tuple[tuple[str, Any], ...] = (("model", getattr(settings, "model", "auto")),
                                                     ("entities", entities), ("cooccurrence", cooccurrence))
        if client is not None:
            self.client, self._cluster = client, None
        else:
            self.client, self._cluster = connect(scheduler)
            self._finalizer = weakref.finalize(self, _shutdown, self.client, self._cluster)
        self.scheduler = scheduler
        workers = self.client.scheduler_info().get("workers", {})
        self.n_workers = max(1, len(workers))
        try:
            self.version: str = self.client.submit(worker_version, settings, self.options, pure=False).result()
        except IgfkgError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise IgfkgError(f"the Dask workers could not build the extractor: {' '.join(str(exc).split())[:300]}",
                             hint="the workers need igfkg and the same spaCy model installed") from None

    def extract(self, doc: Document) -> DocumentExtraction:
        return next(self.extract_many([doc]))

    def extract_many(self, docs: Iterable[Document], n_process: int = 1,
                     batch_size: int = 64) -> Iterator[DocumentExtraction]:
        """Streams extractions in input order. ``n_process`` is ignored (the cluster's workers are the
        processes); at most ``2 × workers`` batches are in flight."""
        in_flight: collections.deque[Any] = collections.deque()
        limit = 2 * self.n_workers
        batch: list[Document] = []

        def submit(items: list[Document]) -> None:
            in_flight.append(self.client.submit(extract_batch, self.settings, self.options, items, pure=False))

        def collect() -> list[DocumentExtraction]:
            future = in_flight.popleft()
            try:
                return future.result()
            except IgfkgError:
                raise
            except Exception as exc:
                raise IgfkgError(f"distributed extraction failed on a worker: {' '.join(str(exc).split())[:300]}",
                                 hint="run with --scheduler local:1 or without --scheduler to see the error") from None

        try:
            for doc in docs:
                batch.append(doc)
                if len(batch) >= batch_size:
                    submit(batch)
                    batch = []
                    while len(in_flight) >= limit:
                        yield from collect()
            if batch:
                submit(batch)
            while in_flight:
                yield from collect()
        finally:
            for future in in_flight:
                future.cancel()

    def close(self) -> None:
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()

    def __enter__(self) -> "DistributedExtractor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def make_extractor(settings: Any, *, model: str | None = None, entities: str = "predicted",
                   cooccurrence: bool = False) -> Any:
    """The extractor the settings ask for: distributed when ``settings.scheduler`` is set, else local."""
    scheduler = getattr(settings, "scheduler", None)
    if scheduler:
        return DistributedExtractor(settings, scheduler, model=model, entities=entities, cooccurrence=cooccurrence)
    from kg.extraction import Extractor

    return Extractor(settings, model=model or getattr(settings, "model", "auto"), entities=entities,
                     cooccurrence=cooccurrence)


__all__ = ["DistributedExtractor", "make_extractor", "parse_scheduler", "connect", "extract_batch", "worker_version"]
