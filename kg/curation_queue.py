"""Which claims most need a curator: the documented priority, queue filters, and claim-ID prefixes.

Priority (higher first; ties broken by claim ID so the order is stable)::

    priority = 4.0 · conflicting          claim contradicts another (opposite polarity / negation)
             + 2.0 · igf_axis             subject or object is an IGF-axis entity (the graph's focus)
             + 1.0 · min(papers, 5) / 5   impact: how many papers state it
             + 1.5 · (1 − belief)         the machine is unsure
             + 0.5 · hedged               the evidence is hedged, hypothetical or contested

Conflicts come first because a contradiction is a result the curator must settle (the seed review calls the
role of IGF/IGF-1R in cancer stem cells "controversial"); then the graph's core entities; among those, the
claims many papers repeat (a wrong one does the most harm) and the ones the machine doubts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from kg.errors import CurationError
from kg.model import AssembledClaim, Certainty, CurationStatus, Predicate

#: The IGF axis: ligands, receptors, binding proteins and their proteases, the receptor substrates
#: (HGNC IDs checked against the HGNC table in ../shared/reference/hgnc_entries.tsv), FamPlex families.
IGF_AXIS: dict[str, str] = {
    "HGNC:5464": "IGF1", "HGNC:5466": "IGF2", "HGNC:5465": "IGF1R", "HGNC:5467": "IGF2R", "HGNC:6091": "INSR",
    "HGNC:5468": "IGFALS", "HGNC:5469": "IGFBP1", "HGNC:5471": "IGFBP2", "HGNC:5472": "IGFBP3",
    "HGNC:5473": "IGFBP4", "HGNC:5474": "IGFBP5", "HGNC:5475": "IGFBP6", "HGNC:5476": "IGFBP7",
    "HGNC:8602": "PAPPA", "HGNC:14615": "PAPPA2", "HGNC:6125": "IRS1", "HGNC:6126": "IRS2", "HGNC:6128": "IRS4",
    "FPLX:IGFBP": "IGFBP", "FPLX:INSR": "INSR family",  # FamPlex entities.csv
}
W_CONFLICT, W_AXIS, W_PAPERS, W_DOUBT, W_HEDGED = 4.0, 2.0, 1.0, 1.5, 0.5
_HEDGED = (Certainty.HEDGED, Certainty.HYPOTHESIS, Certainty.CONTESTED)


def priority(claim: AssembledClaim) -> float:
    """The queue priority of one claim (formula in the module docstring)."""
    c = claim.claim
    conflicting = bool(claim.conflicts) or claim.contradicting_papers > 0
    axis = c.subject.curie in IGF_AXIS or c.object.curie in IGF_AXIS
    score = (W_CONFLICT * conflicting + W_AXIS * axis + W_PAPERS * min(claim.supporting_papers, 5) / 5
             + W_DOUBT * (1.0 - max(0.0, min(1.0, claim.belief))) + W_HEDGED * (claim.certainty in _HEDGED))
    return round(score, 6)


@dataclass(frozen=True)
class QueueFilter:
    """What ``curate queue`` narrows to. ``entity`` is a CURIE, symbol, label or synonym."""

    entity: str | None = None
    predicate: Predicate | None = None
    min_belief: float | None = None
    max_belief: float | None = None
    status: CurationStatus | None = CurationStatus.CANDIDATE
    limit: int | None = None


def queue(claims: Iterable[AssembledClaim], flt: QueueFilter = QueueFilter(),
          resolve_entity: Callable[[str], set[str]] | None = None) -> list[tuple[float, AssembledClaim]]:
    """Claims passing ``flt``, highest priority first, as ``(priority, claim)``."""
    wanted: set[str] | None = None
    if flt.entity:
        wanted = (resolve_entity or default_entity_resolver)(flt.entity)
    out: list[tuple[float, AssembledClaim]] = []
    for ac in claims:
        c = ac.claim
        if flt.status is not None and ac.status is not flt.status:
            continue
        if flt.predicate is not None and c.predicate is not flt.predicate:
            continue
        if flt.min_belief is not None and ac.belief < flt.min_belief:
            continue
        if flt.max_belief is not None and ac.belief > flt.max_belief:
            continue
        if wanted is not None and not _mentions(ac, wanted, flt.entity or ""):
            continue
        out.append((priority(ac), ac))
    # Claim IDs are hashes computed on every access (~50 µs): rank by priority first, then hash only the
    # claims that can reach the result (the top ``limit`` and everything tied with the last of them).
    out.sort(key=lambda item: -item[0])
    if flt.limit is not None and flt.limit < len(out):
        cut = flt.limit
        if cut > 0:
            boundary = out[cut - 1][0]
            while cut < len(out) and out[cut][0] == boundary:
                cut += 1
        out = out[:cut]
    keyed = sorted(((-p, ac.id, p, ac) for p, ac in out), key=lambda item: (item[0], item[1]))
    return [(p, ac) for _, _, p, ac in keyed][: flt.limit] if flt.limit is not None else \
        [(p, ac) for _, _, p, ac in keyed]


def _mentions(ac: AssembledClaim, curies: set[str], text: str) -> bool:
    folded = text.casefold()
    for concept in (ac.claim.subject, ac.claim.object):
        if concept.curie in curies or concept.curie.casefold() == folded or concept.label.casefold() == folded:
            return True
    return False


def default_entity_resolver(text: str) -> set[str]:
    """CURIEs ``text`` may name: itself if it is a CURIE, the IGF-axis table, and the project's lexicon."""
    text = text.strip()
    out: set[str] = set()
    if ":" in text:
        try:
            from kg.vocab import normalize_curie

            out.add(normalize_curie(text))
        except ValueError:
            out.add(text)
    folded = text.casefold()
    out.update(curie for curie, symbol in IGF_AXIS.items() if symbol.casefold() == folded)
    out.update(_lexicon_lookup(text))
    return out


def _lexicon_lookup(text: str) -> set[str]:
    """The CURIEs the project's lexicon (``kg.lexicon``) grounds ``text`` to: symbols, synonyms, variants."""
    try:
        from kg.lexicon import load_lexicon

        return {g.curie for g in load_lexicon().lookup(text)}
    except ImportError:
        return set()
    except Exception:  # noqa: BLE001 - a broken lexicon must not break the queue; CURIE/label matching stays
        return set()


# -------------------------------------------------------------------------------------- claim-ID prefixes


def resolve_claim_id(prefix: str, ids: Iterable[str], *, minimum: int = 4) -> str:
    """The one claim ID starting with ``prefix`` (like git's abbreviated hashes)."""
    prefix = prefix.strip().lower()
    if prefix.startswith("claim:"):
        prefix = prefix[len("claim:"):]
    if prefix.startswith("https://w3id.org/igfkg/claim/"):
        prefix = prefix.rsplit("/", 1)[1]
    if len(prefix) < minimum or any(ch not in "0123456789abcdef" for ch in prefix):
        raise CurationError(f"{prefix!r} is not a claim ID", hint=f"give at least {minimum} hex digits of the ID "
                            "shown by igfkg curate queue")
    matches = sorted({i for i in ids if i.startswith(prefix)})
    if not matches:
        raise CurationError(f"no claim with ID {prefix}", hint="list claims with igfkg curate queue --status all, "
                            "or rebuild with igfkg build")
    if len(matches) > 1:
        shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
        raise CurationError(f"claim ID prefix {prefix} is ambiguous ({len(matches)} claims: {shown})",
                            hint="give more digits")
    return matches[0]


def find_claim(prefix: str, claims: Sequence[AssembledClaim]) -> AssembledClaim:
    ids = {c.id: c for c in claims}
    return ids[resolve_claim_id(prefix, ids)]
