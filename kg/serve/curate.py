"""Browser curation: the same decisions, the same validation, the same file as ``igfkg curate``.

A decision made in the browser is built by :func:`kg.curation.make_decision` (so it is validated exactly
as on the command line), appended to ``settings.decisions_file`` through :class:`kg.curation.DecisionLog`
(``flock`` + ``O_APPEND``: safe next to a curator using the CLI at the same time), replayed with
:func:`kg.curation.replay` onto the machine claims of the last build (``kg.curation_source``), and then
reflected in the store at once: the curation graph is rewritten from the whole log and the claim nodes
the decision touched are rewritten in the KG graph (``kg.rdf`` builds every quad). Rewriting only the
touched claims keeps a click fast on a 100k-claim graph; the next ``igfkg build`` rewrites everything.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import CurationError, IgfkgError
from kg.model import AssembledClaim, Certainty, Curation, Decision, ErrorTag

if TYPE_CHECKING:
    from kg.serve.app import ServeContext

log = logging.getLogger(__name__)


class BrowserCuration:
    """Holds the curation session (machine claims + log, replayed) for the server's lifetime."""

    def __init__(self, ctx: "ServeContext", claims_file: Path | None = None) -> None:
        self.ctx = ctx
        self.claims_file = claims_file
        self._session: Any = None
        self._lock = threading.Lock()
        self._index_jobs: Any = None  # one background worker: read-index patches, applied in click order

    def session(self) -> Any:
        """Open lazily (assembling the last build's claims takes a moment on a big graph), then keep it,
        re-reading the log on every write so decisions made with the CLI meanwhile are not overwritten."""
        if self._session is None:
            from kg.curation_source import open_session

            self._session = open_session(self.ctx.settings, self.claims_file)
        return self._session

    def warm_up(self) -> None:
        """Load the session in the background so the first click is fast."""

        def work() -> None:
            try:
                with self._lock:
                    self.session()
            except IgfkgError as exc:
                log.warning("browser curation will fail until this is fixed: %s", exc)

        threading.Thread(target=work, daemon=True, name="igfkg-curation-warmup").start()

    def decide(self, claim_id: str, curator: str, form: dict[str, str]) -> Curation:
        """Record one decision from a submitted form; returns it. Raises :class:`CurationError` on bad input."""
        from kg.curation import make_decision, replay

        decision_text = (form.get("decision") or "").strip()
        try:
            decision = Decision(decision_text)
        except ValueError:
            raise CurationError(f"unknown decision {decision_text!r}",
                                hint="accepted, rejected, corrected or note") from None
        note = (form.get("note") or "").strip()
        with self._lock, self.ctx.write_lock:
            session = self.session()
            fresh = session.log.read()  # decisions other curators made meanwhile (CLI, another browser)
            if len(fresh) != len(session.decisions):
                session.decisions = fresh
                session.replayed = replay(session.machine, fresh)
            ac = session.by_id.get(claim_id)
            if ac is None:
                raise CurationError(f"claim {claim_id} is not among the claims of the last build",
                                    hint="rebuild (igfkg build) or reload the page")
            kwargs: dict[str, Any] = {"note": note}
            if decision is Decision.REJECTED:
                tag = (form.get("error_tag") or "").strip()
                try:
                    kwargs["error_tag"] = ErrorTag(tag)
                except ValueError:
                    raise CurationError(f"rejecting needs a reason tag, not {tag!r}",
                                        hint=", ".join(t.value for t in ErrorTag)) from None
            elif decision is Decision.CORRECTED:
                kwargs["corrected"] = self._corrected(ac, session, form)
                certainty = (form.get("certainty") or "").strip()
                if certainty:
                    try:
                        kwargs["certainty"] = Certainty(certainty)
                    except ValueError:
                        raise CurationError(f"unknown certainty {certainty!r}") from None
            elif decision not in (Decision.ACCEPTED, Decision.NOTE):
                raise CurationError(f"the browser records accepted, rejected, corrected and note decisions, "
                                    f"not {decision.value}")
            curation = make_decision(ac, decision, curator, **kwargs)
            before = {c.id: c for c in session.replayed.all_claims}
            session.record([curation])
            changed = self._sync_store(session, before,
                                       {claim_id} | ({curation.corrected.id} if curation.corrected else set()))
            self.ctx.changed(entities=False)  # the query workers reopen; the page index is patched below
            self.ctx.reader.refresh_claims(changed)
        return curation

    @staticmethod
    def _corrected(ac: AssembledClaim, session: Any, form: dict[str, str]) -> Any:
        from kg.cli.curate import corrected_claim

        negated = form.get("negated") in ("1", "true", "on", "yes")
        return corrected_claim(ac.claim, session.by_id.values(), subject=form.get("subject") or None,
                               object_=form.get("object") or None, predicate=form.get("predicate") or None,
                               negated=negated)

    def _sync_store(self, session: Any, before: dict[str, AssembledClaim], touched: set[str]) -> list[str]:
        """One update (one transaction in Oxigraph): curation graph ← whole log; in the KG graph, the claim
        nodes whose assembled form changed are rewritten, and their direct ``subject predicate object``
        triples are dropped and re-added only while some curated claim still supports them. The read index
        (graph/index) is patched right after, in the background (:meth:`_patch_index_later`)."""
        from kg import rdf, vocab
        from kg.store import replace_update

        after = {c.id: c for c in session.replayed.all_claims}  # as the build writes it
        changed = sorted(c for c in set(before) | set(after) | touched if c in touched or before.get(c) != after.get(c))
        if not changed:
            return []
        kg = "<" + vocab.GRAPH_KG + ">"
        nodes = " ".join(f"<{vocab.CLAIM}{c}>" for c in changed)
        candidates = {_direct(cl) for c in changed for cl in (before.get(c), after.get(c)) if cl is not None}
        supported = {_direct(ac) for ac in after.values() if rdf.is_curated(ac) and not ac.claim.negated} & candidates
        new_quads = [q for q in rdf.assembled_quads([after[c] for c in changed if c in after])
                     if (q[0], q[1], q[2]) not in candidates]
        insert = "".join(f"{s} {p} {o} .\n" for s, p, o, _ in new_quads)
        insert += "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(supported))
        parts = [replace_update({vocab.GRAPH_CURATION: list(rdf.curation_quads(session.decisions))}).strip(),
                 f"DELETE {{ GRAPH {kg} {{ ?c ?p ?o }} }} WHERE {{ VALUES ?c {{ {nodes} }} GRAPH {kg} {{ ?c ?p ?o }} }}"]
        if candidates:
            parts.append("DELETE DATA { GRAPH " + kg + " {\n" +
                         "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(candidates)) + "} }")
        if insert:
            parts.append("INSERT DATA { GRAPH " + kg + " {\n" + insert + "} }")
        self.ctx.reader.update(" ;\n".join(parts))
        self._patch_index_later(list(before.values()), list(after.values()), set(changed))
        return changed

    def _patch_index_later(self, before: list[AssembledClaim], after: list[AssembledClaim], touched: set[str]) -> None:
        """The read index ranks claims against each other, so patching it needs a pass over every claim
        (1.5 s at 100k claims): it runs after the click has answered, in one worker thread, so patches land
        in click order. Until then the ranked named queries show the previous ranking (the KG graph itself is
        already current); a failed patch is logged and the next build rewrites the index."""
        from concurrent.futures import ThreadPoolExecutor

        if self._index_jobs is None:
            self._index_jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="igfkg-index")
        self._index_jobs.submit(self._patch_index, before, after, touched)

    def _patch_index(self, before: list[AssembledClaim], after: list[AssembledClaim], touched: set[str]) -> None:
        from kg.ranking import index_delta

        try:
            dropped, added = index_delta(before, after, touched=touched)
            parts = []
            if dropped:
                parts.append("DELETE DATA { " + "".join(f"GRAPH {g} {{ {s} {p} {o} }} " for s, p, o, g in dropped) + "}")
            if added:
                parts.append("INSERT DATA { " + "".join(f"GRAPH {g} {{ {s} {p} {o} }} " for s, p, o, g in added) + "}")
            if parts:
                with self.ctx.write_lock:
                    self.ctx.reader.update(" ;\n".join(parts))
                    self.ctx.changed(entities=False)
        except Exception:  # noqa: BLE001 - a background thread: log, the next build rewrites the index
            log.exception("read index not patched after a curation (the next igfkg build rewrites it)")

    def close(self) -> None:
        """Apply the pending read-index patches, then stop the worker (the server calls this on shutdown)."""
        if self._index_jobs is not None:
            self._index_jobs.shutdown(wait=True)


def _direct(ac: AssembledClaim) -> tuple[str, str, str]:
    """The direct triple a curated, non-negated claim contributes to the KG graph (N-Triples terms)."""
    from kg import rdf, vocab

    return (f"<{rdf.entity_iri(ac.claim.subject.curie)}>", f"<{vocab.predicate_iri(ac.claim.predicate)}>",
            f"<{rdf.entity_iri(ac.claim.object.curie)}>")
