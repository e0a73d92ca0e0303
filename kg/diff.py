"""What changed between two builds of the graph: the report a curator reads after a re-extraction.

Compares two sets of assembled claims (read back from exports — TriG, N-Quads, Turtle, N-Triples, JSON-LD,
RDF/XML — or from the store) by claim ID: added, removed, status changed, belief changed (by at least
``BELIEF_DELTA``), and — most important for curators — the *curated claims affected*: claims that carry a
decision (in either build, or in the decisions log) and were removed, changed status, or lost evidence, and
log decisions that are orphaned in the new build.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from kg.errors import IgfkgError
from kg.model import AssembledClaim, Curation, CurationStatus

BELIEF_DELTA = 0.05
_FORMATS = {".trig": "TRIG", ".nq": "N_QUADS", ".nquads": "N_QUADS", ".ttl": "TURTLE", ".turtle": "TURTLE",
            ".nt": "N_TRIPLES", ".jsonld": "JSON_LD", ".json": "JSON_LD", ".rdf": "RDF_XML", ".xml": "RDF_XML",
            ".owl": "RDF_XML"}


@dataclass(frozen=True)
class ClaimState:
    """The facts of one claim in one build that a diff talks about."""

    id: str
    text: str
    status: str
    belief: float
    papers: int
    evidence: int
    corrects: str | None = None

    @classmethod
    def of(cls, ac: AssembledClaim) -> "ClaimState":
        from kg.curation_render import claim_summary

        return cls(ac.id, claim_summary(ac), ac.status.value, round(ac.belief, 6), ac.supporting_papers,
                   len(ac.evidence), ac.corrects)


@dataclass(frozen=True)
class Affected:
    """A curated claim the new build changes: what happened and the decisions about it."""

    id: str
    text: str
    change: str
    decisions: tuple[str, ...] = ()


@dataclass
class DiffReport:
    added: list[ClaimState] = field(default_factory=list)
    removed: list[ClaimState] = field(default_factory=list)
    status_changed: list[tuple[ClaimState, ClaimState]] = field(default_factory=list)
    belief_changed: list[tuple[ClaimState, ClaimState]] = field(default_factory=list)
    curated_affected: list[Affected] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.status_changed or self.belief_changed or self.curated_affected)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {"summary": {"added": len(self.added), "removed": len(self.removed),
                            "status_changed": len(self.status_changed), "belief_changed": len(self.belief_changed),
                            "curated_affected": len(self.curated_affected), "unchanged": self.unchanged},
                "added": [asdict(c) for c in self.added], "removed": [asdict(c) for c in self.removed],
                "status_changed": [{"old": asdict(a), "new": asdict(b)} for a, b in self.status_changed],
                "belief_changed": [{"old": asdict(a), "new": asdict(b)} for a, b in self.belief_changed],
                "curated_affected": [asdict(a) for a in self.curated_affected]}


def diff_claims(before: Sequence[AssembledClaim], after: Sequence[AssembledClaim],
                decisions: Sequence[Curation] = ()) -> DiffReport:
    """Compare two builds' claims; ``decisions`` (the log) marks which claims are curated."""
    old = {c.id: c for c in before}
    new = {c.id: c for c in after}
    decided: dict[str, list[Curation]] = {}
    for d in decisions:
        decided.setdefault(d.claim_id, []).append(d)
    for ac in (*before, *after):
        for d in ac.curations:
            if d not in decided.get(ac.id, []):
                decided.setdefault(ac.id, []).append(d)
    report = DiffReport()
    for cid in sorted(new.keys() - old.keys()):
        report.added.append(ClaimState.of(new[cid]))
    for cid in sorted(old.keys() - new.keys()):
        report.removed.append(ClaimState.of(old[cid]))
    for cid in sorted(old.keys() & new.keys()):
        a, b = ClaimState.of(old[cid]), ClaimState.of(new[cid])
        if a.status != b.status:
            report.status_changed.append((a, b))
        elif abs(a.belief - b.belief) >= BELIEF_DELTA:
            report.belief_changed.append((a, b))
        else:
            report.unchanged += 1

    def curated(cid: str) -> bool:
        ac = old.get(cid) or new.get(cid)
        return cid in decided or (ac is not None and ac.status is not CurationStatus.CANDIDATE)

    def history(cid: str) -> tuple[str, ...]:
        from kg.curation_render import decision_line

        return tuple(decision_line(d) for d in decided.get(cid, []))

    for state in report.removed:
        if curated(state.id):
            replaced_by = [c.id for c in after if c.corrects == state.id]
            change = f"corrected into {', '.join(replaced_by)}" if replaced_by else "removed (its decisions are orphaned)"
            report.curated_affected.append(Affected(state.id, state.text, change, history(state.id)))
    for a, b in report.status_changed:
        if curated(a.id):
            replaced_by = [c.id for c in after if c.corrects == a.id and c.id != a.id]
            change = f"corrected into {', '.join(replaced_by)}" if replaced_by else f"status {a.status} → {b.status}"
            report.curated_affected.append(Affected(a.id, a.text, change, history(a.id)))
    for cid in sorted(old.keys() & new.keys()):
        if curated(cid) and len(new[cid].evidence) < len(old[cid].evidence):
            report.curated_affected.append(Affected(
                cid, ClaimState.of(new[cid]).text,
                f"evidence {len(old[cid].evidence)} → {len(new[cid].evidence)} sentence(s)", history(cid)))
    for cid in sorted(set(decided) - old.keys() - new.keys()):
        d = decided[cid][0]
        text = " ".join(x for x in (d.subject, d.predicate, d.object) if x)
        report.curated_affected.append(Affected(cid, text, "orphaned in both builds", history(cid)))
    return report


def format_diff(report: DiffReport) -> str:
    """The human-readable report (sections only when non-empty)."""
    lines = [f"claims: +{len(report.added)} added, -{len(report.removed)} removed, "
             f"{len(report.status_changed)} changed status, {len(report.belief_changed)} changed belief, "
             f"{report.unchanged} unchanged; curated claims affected: {len(report.curated_affected)}"]
    if report.curated_affected:
        lines.append("\ncurated claims affected:")
        for a in report.curated_affected:
            lines.append(f"  ! {a.id}  {a.text}: {a.change}")
            lines.extend(f"      * {h}" for h in a.decisions)
    for title, items, sign in (("added", report.added, "+"), ("removed", report.removed, "-")):
        if items:
            lines.append(f"\n{title}:")
            lines.extend(f"  {sign} {c.id}  {c.text}  ({c.status}, belief {c.belief:.2f}, {c.papers} paper(s))"
                         for c in items)
    if report.status_changed:
        lines.append("\nstatus changed:")
        lines.extend(f"  ~ {a.id}  {a.text}: {a.status} → {b.status}" for a, b in report.status_changed)
    if report.belief_changed:
        lines.append("\nbelief changed:")
        lines.extend(f"  ~ {a.id}  {a.text}: {a.belief:.2f} → {b.belief:.2f} ({a.papers} → {b.papers} paper(s))"
                     for a, b in report.belief_changed)
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ reading


def read_claims_from_file(path: Path) -> list[AssembledClaim]:
    """Assembled claims of an export (format from the extension). A graph without named graphs (Turtle,
    N-Triples, JSON-LD of ``igfkg.ttl``) is taken to be the KG graph."""
    import pyoxigraph

    from kg.rdf import assembled_from_quads
    from kg.vocab import GRAPH_KG

    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise IgfkgError(f"unknown RDF format {suffix or '(no extension)'}", where=str(path),
                         hint="use .trig, .nq, .ttl, .nt, .jsonld or .rdf")
    fmt = getattr(pyoxigraph.RdfFormat, _FORMATS[suffix])
    try:
        quads = list(pyoxigraph.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        raise IgfkgError(f"not valid {_FORMATS[suffix].replace('_', '-').title()}: {exc}", where=str(path)) from None
    except (OSError, ValueError) as exc:
        raise IgfkgError(f"cannot read: {exc}", where=str(path)) from None
    if quads and all(isinstance(q.graph_name, pyoxigraph.DefaultGraph) for q in quads):
        kg = pyoxigraph.NamedNode(GRAPH_KG)
        quads = [pyoxigraph.Quad(q.subject, q.predicate, q.object, kg) for q in quads]
    claims = assembled_from_quads(quads)
    if not claims and quads:
        raise IgfkgError("no igfkg claims in this graph", where=str(path),
                         hint="diff compares igfkg exports such as data/rdf/igfkg.trig")
    return claims


def read_claims_from_store(settings: Any) -> list[AssembledClaim]:
    """Assembled claims of the current store (embedded or remote), via the exporter's N-Quads."""
    import pyoxigraph

    from kg import export as exporter
    from kg.rdf import assembled_from_quads
    from kg.store import open_store

    store = open_store(settings)
    try:
        buffer = io.BytesIO()
        exporter.export(store, buffer, fmt="nq", graphs=None)
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    return assembled_from_quads(pyoxigraph.parse(buffer.getvalue(), format=pyoxigraph.RdfFormat.N_QUADS))
