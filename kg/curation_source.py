"""Where the curation commands get their claims, and how decisions reach the store.

Claims for ``curate queue/show/accept ...`` are the *machine* claims of the last build — re-assembled from
the build's extraction cache for the current store (``data/cache/build.sqlite``), exactly as ``igfkg build``
assembles them — with the decisions log replayed on top. Reading the machine claims (rather than the
curated claims in the store) keeps replay a pure function of (claims, log): a decision made a minute ago is
visible at once, and nothing depends on an earlier replay. A JSON Lines file of assembled claims
(``--claims FILE``) can stand in for the build, e.g. to review claims someone sent you.

After each write the store's curation graph (PROV-O activities, ECO manual assertions) and assembled KG
graph (statuses) are refreshed when a store exists, so SPARQL sees the decision before the next build.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from kg.curation import DecisionLog, Replay, replay
from kg.errors import CurationError, IgfkgError
from kg.model import AssembledClaim, Curation, from_dict
from kg.settings import Settings

log = logging.getLogger(__name__)


def load_claims(settings: Settings, claims_file: Path | None = None) -> list[AssembledClaim]:
    """The machine-assembled claims (before curation) of the last build, or of ``claims_file``."""
    if claims_file is not None:
        return read_claims_file(claims_file)
    from kg import pipeline

    cache_path = settings.cache_dir / pipeline.CACHE_NAME
    if not cache_path.exists():
        raise CurationError("no build found", where=str(cache_path), hint="run igfkg build first, or pass --claims FILE")
    key = _store_key(settings)
    cache = pipeline.Cache(cache_path, key)
    try:
        if not cache.catalog():
            raise CurationError(f"the last build holds no documents for store {key}", where=str(cache_path),
                                hint="run igfkg build with the same --store/--endpoint")
        from kg.assembly import assemble

        return list(assemble(cache.iter_catalog()))
    finally:
        cache.close()


def _store_key(settings: Settings) -> str:
    from kg import pipeline

    key = getattr(pipeline, "store_key", None) or getattr(pipeline, "_store_key", None)
    if key is not None:
        return key(settings)
    return settings.endpoint or str(Path(settings.store).resolve())


def read_claims_file(path: Path) -> list[AssembledClaim]:
    """JSON Lines of :class:`AssembledClaim` (``to_json`` of each), strict, errors name the line."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CurationError(f"cannot read claims: {exc}", where=str(path)) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            out.append(from_dict(AssembledClaim, data))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise CurationError(f"not an assembled claim: {exc}", where=f"{path}:{number}") from None
    return out


@dataclass
class Session:
    """Everything a curation command needs: the log, the machine claims and the replayed view."""

    log: DecisionLog
    machine: list[AssembledClaim]
    decisions: list[Curation]
    replayed: Replay

    @property
    def by_id(self) -> dict[str, AssembledClaim]:
        """Every claim a decision may target: the curated view plus the corrected-away machine claims."""
        return {c.id: c for c in (*self.replayed.replaced, *self.replayed.claims)}

    def record(self, decisions: Sequence[Curation]) -> None:
        """Append, then re-replay so later steps (the review loop) see the new state."""
        self.log.extend(decisions)
        self.decisions.extend(decisions)
        self.replayed = replay(self.machine, self.decisions)


def open_session(settings: Settings, claims_file: Path | None = None) -> Session:
    log_ = DecisionLog(settings.decisions_file)
    decisions = log_.read()  # first: a malformed log stops every command with its line number
    machine = load_claims(settings, claims_file)
    return Session(log_, machine, decisions, replay(machine, decisions))


def store_exists(settings: Settings) -> bool:
    return bool(settings.endpoint) or Path(settings.store).is_dir()


def sync_store(settings: Settings, session: Session) -> str | None:
    """Refresh the curation and KG graphs of the store; returns a warning instead of raising, because the
    decision is already safe in the log and the next build reloads it anyway."""
    if not store_exists(settings):
        return None
    try:
        from kg.ranking import index_quads
        from kg.rdf import assembled_quads, curation_quads
        from kg.store import open_store
        from kg.vocab import GRAPH_CURATION, GRAPH_INDEX, GRAPH_KG
    except ImportError as exc:
        return f"store not updated ({exc}); run igfkg build"
    try:
        store = open_store(settings)
        try:
            store.replace_graph(GRAPH_CURATION, list(curation_quads(session.decisions)))
            # as the build writes it: the curated view plus the machine claims corrected away
            claims = list(session.replayed.all_claims)  # the KG and its read index in one transaction
            store.replace_graphs({GRAPH_KG: list(assembled_quads(claims)), GRAPH_INDEX: list(index_quads(claims))})
        finally:
            close = getattr(store, "close", None)
            if close:
                close()
    except IgfkgError as exc:
        return f"decision recorded, but the store was not updated: {exc} (run igfkg build)"
    except OSError as exc:
        return f"decision recorded, but the store was not updated: {exc} (run igfkg build)"
    return None
