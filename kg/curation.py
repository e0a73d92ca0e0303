"""Curator decisions as data: the append-only decisions log, its validation, and replay onto claims.

Why a log and not a status column: machine claims are regenerated on every build (extractor changes, papers
added or removed), but a curator's judgement must never be lost. Each decision is one JSON line in
``data/curation/decisions.jsonl`` (git-friendly: appends diff cleanly, merges line by line) that records the
claim ID *and* the claim as it read when decided, so a decision whose claim disappears is still readable and
is reported as orphaned instead of vanishing. Every build replays the whole log onto the freshly assembled
claims (:func:`replay`).

Replay rules (also in ``docs/curation.md``):

* Decisions are applied in timestamp order (ties: file order). For a claim's *status* the latest
  ``accepted``/``rejected``/``corrected`` decision wins; ``note`` and ``evidence_rejected`` decisions
  accumulate and never change the status.
* Belief override (as INDRA does for curated statements): accepted → 1.0, rejected → 0.0, a curator's
  corrected claim → 1.0. Candidates keep the machine belief, re-scored after evidence rejections.
* ``evidence_rejected`` removes that sentence from the claim's support (belief, paper count and certainty
  are recomputed from the remaining evidence); the claim itself stands.
* ``corrected``: the machine claim leaves the curated view (it is listed in :attr:`Replay.replaced` with
  status CORRECTED) and a new claim built from the correction takes its place, status CORRECTED,
  ``corrects`` = the machine claim's ID, evidence carried over unchanged (evidence IDs stay stable, and each
  still names the machine claim it was extracted for). If the corrected claim already exists as a machine
  claim, the two are merged. Decisions may target the corrected claim's own ID (notes, a later correction).
* A decision whose claim (or whose evidence) is not among the claims is *orphaned*: kept in the log,
  reported with the claims that share its subject/predicate/object (likely re-IDed by an extractor change),
  and never applied to them automatically — a curator confirms with a new decision.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from kg.errors import CurationError
from kg.model import (AssembledClaim, Certainty, Claim, Curation, CurationStatus, Decision, ErrorTag, Evidence,
                      from_dict, to_json)

CLAIM_ID_RE = re.compile(r"^[0-9a-f]{16}$")
STATUS_DECISIONS = (Decision.ACCEPTED, Decision.REJECTED, Decision.CORRECTED)
_STATUS_OF = {Decision.ACCEPTED: CurationStatus.ACCEPTED, Decision.REJECTED: CurationStatus.REJECTED,
              Decision.CORRECTED: CurationStatus.CORRECTED}
# Certainty weights of the fallback belief function (used only if kg.assembly offers none).
_CERTAINTY_WEIGHT = {Certainty.ASSERTED: 1.0, Certainty.HEDGED: 0.6, Certainty.HYPOTHESIS: 0.3,
                     Certainty.CONTESTED: 0.5}
_CERTAINTY_RANK = [Certainty.ASSERTED, Certainty.CONTESTED, Certainty.HEDGED, Certainty.HYPOTHESIS]
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


# ----------------------------------------------------------------------------------------------- helpers


def now_utc() -> str:
    """The timestamp format of the log: ISO 8601, UTC, seconds, ``Z`` suffix."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 → aware UTC datetime (naive times are taken as UTC); ValueError if unreadable."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def claim_text(claim: Claim) -> tuple[str, str, str]:
    """How a decision records its claim (subject, predicate, object): CURIEs, predicate value, and
    ``not `` before the predicate when negated — enough to recognise the claim again by content."""
    predicate = ("not " if claim.negated else "") + claim.predicate.value
    return claim.subject.curie, predicate, claim.object.curie


def make_decision(claim: AssembledClaim | Claim, decision: Decision, curator: str, *, note: str = "",
                  error_tag: ErrorTag | None = None, corrected: Claim | None = None,
                  evidence_id: str | None = None, certainty: Certainty | None = None,
                  timestamp: str | None = None) -> Curation:
    """A validated decision about ``claim``, recording the claim as it reads now."""
    plain = claim.claim if isinstance(claim, AssembledClaim) else claim
    subject, predicate, obj = claim_text(plain)
    curation = Curation(claim_id=plain.id, decision=decision, curator=curator.strip(),
                        timestamp=timestamp or now_utc(), subject=subject, predicate=predicate, object=obj,
                        note=note, error_tag=error_tag, corrected=corrected, evidence_id=evidence_id,
                        certainty=certainty)
    validate(curation)
    return curation


def validate(curation: Curation) -> None:
    """Raise :class:`CurationError` (message only; callers add where) if a decision is not well-formed."""
    c = curation
    if not isinstance(c.decision, Decision):
        raise CurationError(f"unknown decision {c.decision!r}")
    if not isinstance(c.curator, str) or not c.curator.strip():
        raise CurationError("curator is empty", hint="give --curator NAME-OR-ORCID or set IGFKG_CURATOR")
    if not isinstance(c.claim_id, str) or not CLAIM_ID_RE.match(c.claim_id):
        raise CurationError(f"claim ID {c.claim_id!r} is not 16 lowercase hex digits")
    try:
        parse_timestamp(c.timestamp)
    except (ValueError, AttributeError, TypeError):
        raise CurationError(f"timestamp {c.timestamp!r} is not ISO 8601") from None
    for name in ("curator", "subject", "predicate", "object", "note"):
        value = getattr(c, name)
        if not isinstance(value, str):
            raise CurationError(f"{name} must be text, got {type(value).__name__}")
        if _BAD_CHARS.search(value):
            raise CurationError(f"{name} contains a NUL or unpaired surrogate character")
    rejection = c.decision in (Decision.REJECTED, Decision.EVIDENCE_REJECTED)
    if c.error_tag is not None and not rejection:
        raise CurationError(f"error tag {c.error_tag.value!r} given for a {c.decision.value} decision",
                            hint="error tags belong to rejections only")
    if rejection and c.error_tag is None:
        raise CurationError(f"{c.decision.value} decision without an error tag",
                            hint="tags: " + ", ".join(t.value for t in ErrorTag))
    if c.decision is Decision.CORRECTED:
        if c.corrected is None:
            raise CurationError("corrected decision without the corrected claim")
        if c.corrected.id == c.claim_id and c.certainty is None:
            raise CurationError("the correction changes nothing", hint="change subject, predicate, object, "
                                "negation, context or certainty")
    elif c.corrected is not None:
        raise CurationError(f"a corrected claim given for a {c.decision.value} decision")
    if c.certainty is not None and c.decision is not Decision.CORRECTED:
        raise CurationError(f"certainty given for a {c.decision.value} decision", hint="only corrections set it")
    if c.decision is Decision.EVIDENCE_REJECTED:
        if not c.evidence_id or not CLAIM_ID_RE.match(c.evidence_id):
            raise CurationError(f"evidence ID {c.evidence_id!r} is not 16 lowercase hex digits")
    elif c.evidence_id is not None and c.decision is not Decision.NOTE:
        raise CurationError(f"an evidence ID given for a {c.decision.value} decision")
    elif c.evidence_id is not None and not CLAIM_ID_RE.match(c.evidence_id):
        raise CurationError(f"evidence ID {c.evidence_id!r} is not 16 lowercase hex digits")
    if c.decision is Decision.NOTE and not c.note.strip():
        raise CurationError("note decision with an empty note")


def parse_line(text: str) -> Curation:
    """One JSON line → a validated :class:`Curation`; :class:`CurationError` says what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CurationError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise CurationError(f"expected a JSON object, got {type(data).__name__}")
    try:
        curation = from_dict(Curation, data)
    except TypeError as exc:  # missing required fields
        missing = re.findall(r"'(\w+)'", str(exc))
        raise CurationError("missing field(s) " + ", ".join(missing) if missing else str(exc)) from None
    except (ValueError, KeyError, AttributeError) as exc:
        raise CurationError(str(exc.args[0]) if exc.args else type(exc).__name__) from None
    validate(curation)
    return curation


# ---------------------------------------------------------------------------------------------- the log


class DecisionLog:
    """The append-only decisions file. Appends are atomic and durable with concurrent writers: an exclusive
    ``flock``, one ``O_APPEND`` write of whole lines, ``fsync``; a failed write is truncated away so a
    half line never stays. Reads take a shared lock and are strict: one bad line stops everything."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"DecisionLog({str(self.path)!r})"

    def append(self, curation: Curation) -> None:
        """Validate and append one decision."""
        self.extend([curation])

    def extend(self, curations: Sequence[Curation]) -> None:
        """Validate all, then append all in one write (all or nothing)."""
        for number, curation in enumerate(curations, 1):
            try:
                validate(curation)
            except CurationError as exc:
                where = f"decision {number}" if len(curations) > 1 else None
                raise CurationError(exc.message, where=where, hint=exc.hint) from None
        if not curations:
            return
        payload = "".join(to_json(c) + "\n" for c in curations).encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise CurationError(f"cannot open for writing: {exc.strerror}", where=str(self.path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            try:
                if size and not _ends_with_newline(fd, size):  # a hand edit dropped the final newline
                    payload = b"\n" + payload
                written = 0
                while written < len(payload):
                    written += os.write(fd, payload[written:])
                os.fsync(fd)
            except OSError as exc:
                os.ftruncate(fd, size)
                raise CurationError(f"write failed, nothing recorded: {exc.strerror}", where=str(self.path)) from None
        finally:
            os.close(fd)  # closing releases the lock

    def read(self) -> list[Curation]:
        """All decisions in file order. A missing file is an empty log; blank lines are skipped; anything
        else malformed raises ``CurationError("<path>:<line>: <problem>")``."""
        if not self.path.exists():
            return []
        try:
            with open(self.path, "rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
                raw = handle.read()
        except OSError as exc:
            raise CurationError(f"cannot read: {exc.strerror}", where=str(self.path)) from None
        out: list[Curation] = []
        for number, line in enumerate(raw.split(b"\n"), 1):
            if not line.strip():
                continue
            where = f"{self.path}:{number}"
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CurationError(f"not UTF-8 (byte {exc.start + 1})", where=where) from None
            try:
                out.append(parse_line(text))
            except CurationError as exc:
                raise CurationError(exc.message, where=where,
                                    hint=exc.hint or "fix or remove the line; the log is plain JSON Lines") from None
        return out


def _ends_with_newline(fd: int, size: int) -> bool:
    return os.pread(fd, 1, size - 1) == b"\n"


# ------------------------------------------------------------------------------------------------ replay


@dataclass(frozen=True)
class Orphan:
    """A decision that could not be applied: its claim (or evidence) is gone. ``candidates`` are current
    claim IDs with the same recorded subject/predicate/object (the likely new identity)."""

    curation: Curation
    reason: str
    candidates: tuple[str, ...] = ()


@dataclass
class Replay:
    """The result of replaying the log. ``claims`` is the curated view: machine claims with status,
    belief and curations set, corrected machine claims replaced by the curator's claim. ``replaced`` holds
    those corrected-away machine claims (status CORRECTED), ``orphaned`` the decisions that found no claim."""

    claims: list[AssembledClaim]
    replaced: list[AssembledClaim] = field(default_factory=list)
    orphaned: list[Orphan] = field(default_factory=list)

    @property
    def all_claims(self) -> list[AssembledClaim]:
        return [*self.claims, *self.replaced]

    @property
    def curated(self) -> list[AssembledClaim]:
        """Accepted and corrected claims only (``export --curated-only``)."""
        return [c for c in self.claims if c.status in (CurationStatus.ACCEPTED, CurationStatus.CORRECTED)]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for c in self.claims:
            out[c.status.value] += 1
        out["replaced"] = len(self.replaced)
        out["orphaned"] = len(self.orphaned)
        return dict(out)


def replay(claims: Sequence[AssembledClaim], decisions: Sequence[Curation]) -> Replay:
    """Apply every decision to freshly assembled ``claims`` (see the module docstring for the rules)."""
    ordered = _in_time_order(decisions)
    by_claim: dict[str, list[Curation]] = defaultdict(list)
    for d in ordered:
        by_claim[d.claim_id].append(d)
    keyed = sorted(((c.id, c) for c in claims), key=lambda item: item[0])  # each ID (a hash) computed once
    machine: dict[str, AssembledClaim] = {cid: _reset(c) for cid, c in keyed}  # ID order: input order is moot
    successor: dict[str, str] = {}  # a corrected-away claim → the claim that replaced it
    result: dict[str, AssembledClaim] = {}
    replaced: list[AssembledClaim] = []
    orphaned: list[Orphan] = []
    injected: dict[str, list[AssembledClaim]] = defaultdict(list)  # corrections that became a machine claim
    applied_to: set[str] = set()

    pending: dict[str, list[AssembledClaim]] = defaultdict(list)  # corrections into claims no build made

    def settle(claim: AssembledClaim, cid: str) -> None:
        own = by_claim.get(cid)
        applied_to.add(cid)
        if not own:
            result[cid] = claim
            return
        applied, bad, correction = _apply(claim, own, cid)
        orphaned.extend(bad)
        if correction is None:
            result[cid] = applied
            return
        new = _corrected_claim(applied, correction, cid)
        nid = new.id
        if nid == cid:  # certainty-only correction: the claim stays, with the curator's certainty
            result[cid] = replace(new, curations=applied.curations, corrects=claim.corrects)
            return
        replaced.append(applied)
        successor[cid] = nid
        (injected if nid in machine else pending)[nid].append(new)

    for cid, claim in machine.items():
        settle(claim, cid)
    # A curator's claim may be the correction of several machine claims: merge them all first, then apply
    # its own decisions once. Its corrections may lead further (X → Y → Z); a cycle stops where it closes.
    while pending:
        nid = min(pending)
        news = sorted(pending.pop(nid), key=lambda c: c.corrects or "")
        merged = news[0]
        for other in news[1:]:
            merged = _merge(merged, other, keep_status=True)
        if nid in result or nid in applied_to:
            result[nid] = _merge(result[nid], merged, keep_status=True) if nid in result else merged
        else:
            settle(merged, nid)
    for target in sorted(injected):
        for new in injected[target]:
            final, seen = target, {target}
            while final not in result and final in successor and successor[final] not in seen:
                final = successor[final]  # the target was itself corrected: follow it to what stands now
                seen.add(final)
            if final in result:
                result[final] = _merge(result[final], new, keep_status=final != target or
                                       _has_status_decision(by_claim[target]))
            else:
                result[new.id] = new
    missing = [d for d in ordered if d.claim_id not in applied_to]
    if missing:
        index = _content_index(machine)
        orphaned.extend(Orphan(d, "claim not found", _same_content(d, index)) for d in missing)
    order = {id(d): n for n, d in enumerate(ordered)}
    orphaned.sort(key=lambda o: order.get(id(o.curation), 0))
    return Replay(claims=list(result.values()), replaced=replaced, orphaned=orphaned)


def _has_status_decision(decisions: Iterable[Curation]) -> bool:
    return any(d.decision in STATUS_DECISIONS for d in decisions)


def _in_time_order(decisions: Sequence[Curation]) -> list[Curation]:
    indexed = list(enumerate(decisions))
    indexed.sort(key=lambda item: (parse_timestamp(item[1].timestamp), item[0]))
    return [d for _, d in indexed]


def _reset(claim: AssembledClaim) -> AssembledClaim:
    """A claim as the machine made it (replay must not depend on a previous replay's output)."""
    if claim.status is CurationStatus.CANDIDATE and not claim.curations:
        return claim
    return replace(claim, status=CurationStatus.CANDIDATE, curations=())


def _apply(claim: AssembledClaim, own: list[Curation], cid: str
           ) -> tuple[AssembledClaim, list[Orphan], Curation | None]:
    """This claim's decisions applied; returns (claim, orphaned evidence decisions, winning correction)."""
    evidence_ids = {e.id for e in claim.evidence}
    now = ", ".join(sorted(evidence_ids)) or "none"
    bad = [Orphan(d, f"evidence {d.evidence_id} not found on claim {cid} (its evidence now: {now})")
           for d in own if d.evidence_id and d.evidence_id not in evidence_ids]
    own = [d for d in own if not d.evidence_id or d.evidence_id in evidence_ids]
    rejected = {d.evidence_id for d in own if d.decision is Decision.EVIDENCE_REJECTED}
    status_decisions = [d for d in own if d.decision in STATUS_DECISIONS]
    last = status_decisions[-1] if status_decisions else None
    updated = claim
    if rejected & evidence_ids:
        updated = rescore(claim, [e for e in claim.evidence if e.id not in rejected])
    status = _STATUS_OF[last.decision] if last else updated.status
    belief = {CurationStatus.ACCEPTED: 1.0, CurationStatus.REJECTED: 0.0}.get(status, updated.belief)
    updated = replace(updated, status=status, belief=belief, curations=tuple(claim.curations) + tuple(own))
    correction = last if last is not None and last.decision is Decision.CORRECTED else None
    return updated, bad, correction


def _corrected_claim(machine: AssembledClaim, correction: Curation, machine_id: str) -> AssembledClaim:
    assert correction.corrected is not None
    return AssembledClaim(
        claim=correction.corrected, evidence=machine.evidence, belief=1.0,
        supporting_papers=machine.supporting_papers, contradicting_papers=machine.contradicting_papers,
        conflicts=machine.conflicts, certainty=correction.certainty or machine.certainty,
        status=CurationStatus.CORRECTED, curations=(), corrects=machine_id)


def _merge(existing: AssembledClaim, incoming: AssembledClaim, *, keep_status: bool) -> AssembledClaim:
    """Two claims that turned out to be the same claim: union of evidence, re-scored."""
    ids = {e.id for e in existing.evidence}
    evidence = list(existing.evidence) + [e for e in incoming.evidence if e.id not in ids]
    merged = rescore(existing, evidence)
    curations = tuple(existing.curations) + tuple(c for c in incoming.curations if c not in existing.curations)
    if keep_status:
        status, corrects = existing.status, existing.corrects or incoming.corrects
    else:
        status, corrects = incoming.status, incoming.corrects or existing.corrects
    belief = {CurationStatus.ACCEPTED: 1.0, CurationStatus.CORRECTED: 1.0,
              CurationStatus.REJECTED: 0.0}.get(status, merged.belief)
    return replace(merged, status=status, corrects=corrects, belief=belief, curations=curations,
                   conflicts=tuple(sorted(set(existing.conflicts) | set(incoming.conflicts))))


def _content_index(claims: dict[str, AssembledClaim]) -> dict[tuple[str, str, str], list[str]]:
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for cid, c in claims.items():
        index[claim_text(c.claim)].append(cid)
    return index


def _same_content(decision: Curation, index: dict[tuple[str, str, str], list[str]]) -> tuple[str, ...]:
    want = (decision.subject, decision.predicate, decision.object)
    if not all(want):
        return ()
    return tuple(sorted(cid for cid in index.get(want, ()) if cid != decision.claim_id))


# -------------------------------------------------------------------------------------------- re-scoring


def rescore(claim: AssembledClaim, evidence: Sequence[Evidence]) -> AssembledClaim:
    """``claim`` with its support recomputed from ``evidence`` — through the assembly's own scoring when
    it offers one (so a curated belief means the same as a machine one), else the documented fallback:
    noisy-OR over papers of each paper's best ``confidence × certainty weight``."""
    evidence = tuple(evidence)
    scorer = _assembly_scorer()
    if scorer is not None:
        return scorer(claim, evidence)
    per_paper: dict[str, float] = {}
    for e in evidence:
        p = max(0.0, min(1.0, e.confidence)) * _CERTAINTY_WEIGHT.get(e.certainty, 0.5)
        per_paper[e.document_id] = max(per_paper.get(e.document_id, 0.0), p)
    disbelief = 1.0
    for p in per_paper.values():
        disbelief *= 1.0 - p
    certainty = min((e.certainty for e in evidence), key=_CERTAINTY_RANK.index, default=claim.certainty)
    return replace(claim, evidence=evidence, belief=round(1.0 - disbelief, 6) if per_paper else 0.0,
                   supporting_papers=len(per_paper), certainty=certainty)


def _assembly_scorer():  # type: ignore[no-untyped-def]
    """kg.assembly's re-scoring entry point, if that module (written separately) provides one."""
    try:
        from kg import assembly
    except ImportError:
        return None
    return getattr(assembly, "rescore", None)
