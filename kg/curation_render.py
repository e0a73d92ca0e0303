"""How a claim is shown to a curator: evidence sentences with the arguments marked, one-line summaries,
rows for TSV/JSON. Plain text marks subject as ``[IGF-1]`` and object as ``«IGF-1R»``; on a terminal the
same spans are bold and coloured (and the trigger underlined) instead.
"""

from __future__ import annotations

from typing import Any, Sequence

import click

from kg.model import AssembledClaim, Concept, Curation, Evidence, to_dict


def mark_evidence(ev: Evidence, *, color: bool = False) -> str:
    """The evidence sentence with subject, object (and, in colour, trigger) spans marked."""
    text, base = ev.sentence, ev.sentence_start
    spans: list[tuple[int, int, str]] = []
    for span, kind in ((ev.subject_span, "subject"), (ev.object_span, "object"), (ev.trigger_span, "trigger")):
        if span is None:
            continue
        start, end = span[0] - base, span[1] - base
        if 0 <= start < end <= len(text):
            spans.append((start, end, kind))
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:  # overlapping spans (a trigger inside an argument): keep the first
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    out, pos = [], 0
    for start, end, kind in kept:
        out.append(text[pos:start])
        out.append(_mark(text[start:end], kind, color))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _mark(text: str, kind: str, color: bool) -> str:
    if color:
        if kind == "subject":
            return click.style(text, fg="cyan", bold=True)
        if kind == "object":
            return click.style(text, fg="magenta", bold=True)
        return click.style(text, underline=True)
    if kind == "subject":
        return f"[{text}]"
    if kind == "object":
        return f"«{text}»"
    return text


def concept_text(c: Concept) -> str:
    return f"{c.label} ({c.curie})" if c.label and c.label != c.curie else c.curie


def claim_summary(ac: AssembledClaim) -> str:
    """``IGF1 (HGNC:5464) —activates→ IGF1R (HGNC:5465) [in cell_type MESH:D014411]``."""
    c = ac.claim
    arrow = ("NOT " if c.negated else "") + c.predicate.label
    context = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in c.context.key())
    return f"{concept_text(c.subject)} —{arrow}→ {concept_text(c.object)}" + (f" [in {context}]" if context else "")


def claim_block(ac: AssembledClaim, *, priority: float | None = None, evidence: int | None = 3, color: bool = False,
                index: int | None = None, history: bool = False) -> str:
    """A claim as the queue/show/review commands print it."""
    head = f"{index:>3}. " if index is not None else ""
    ident = click.style(ac.id[:12], fg="yellow") if color else ac.id[:12]
    facts = [ac.status.value, f"belief {ac.belief:.2f}", f"{ac.supporting_papers} paper(s)", ac.certainty.value]
    if priority is not None:
        facts.insert(0, f"priority {priority:.2f}")
    if ac.conflicts:
        facts.append("conflicts " + ", ".join(x[:12] for x in ac.conflicts))
    if ac.corrects:
        facts.append(f"corrects {ac.corrects[:12]}")
    lines = [f"{head}{ident}  {claim_summary(ac)}", "       " + " · ".join(facts)]
    shown: Sequence[Evidence] = ac.evidence if evidence is None else ac.evidence[:evidence]
    for ev in shown:
        where = f"{ev.document_id} {ev.section}"
        sentence = " ".join(mark_evidence(ev, color=color).split())  # titles end in a newline
        lines.append(f"       - {sentence}  ({where}; evidence {ev.id[:12]}, "
                     f"{ev.certainty.value}, rule {ev.rule or '?'})")
    if evidence is not None and len(ac.evidence) > evidence:
        lines.append(f"       ... {len(ac.evidence) - evidence} more (igfkg curate show {ac.id[:8]})")
    if history:
        for d in ac.curations:
            lines.append("       * " + decision_line(d))
    return "\n".join(lines)


def decision_line(d: Curation) -> str:
    """One line of curation history."""
    parts = [d.timestamp, d.curator, d.decision.value]
    if d.error_tag:
        parts.append(f"tag={d.error_tag.value}")
    if d.evidence_id:
        parts.append(f"evidence={d.evidence_id[:12]}")
    if d.corrected is not None:
        c = d.corrected
        parts.append(f"→ {c.subject.curie} {'NOT ' if c.negated else ''}{c.predicate.value} {c.object.curie}")
    if d.certainty:
        parts.append(f"certainty={d.certainty.value}")
    if d.note:
        parts.append(repr(d.note) if "\n" in d.note else f'"{d.note}"')
    return " ".join(parts)


def claim_json(ac: AssembledClaim, priority: float | None = None) -> dict[str, Any]:
    """JSON for one claim: the model's fields, plus id, priority and the marked evidence sentences."""
    data = {"id": ac.id, **to_dict(ac)}
    data["status"] = ac.status.value
    data["belief"] = ac.belief
    if priority is not None:
        data["priority"] = priority
    data["marked_evidence"] = [mark_evidence(e) for e in ac.evidence]
    return data
