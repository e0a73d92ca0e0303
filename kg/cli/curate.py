"""``igfkg curate ...`` (review claims, record decisions) and ``igfkg diff`` (what changed between builds).

Thin: options are parsed here, the work is in kg.curation* and kg.diff. Every write goes to the decisions
log first (data/curation/decisions.jsonl), then refreshes the store's curation graph when a store exists.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from kg.cli.common import pass_settings, store_options
from kg.errors import CurationError
from kg.model import Certainty, Claim, Concept, Context, CurationStatus, Decision, EntityType, ErrorTag, Predicate
from kg.settings import Settings

TAGS = [t.value for t in ErrorTag]
PREDICATES = [p.value for p in Predicate]


def _claims_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--claims", "claims_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="Review the assembled claims in this JSON Lines file instead of the last build's "
                             "(the format of `curate queue --format jsonl`).")(func)


def _curator_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--curator", help="Who decides: ORCID (0000-0002-1825-0097) or name. Required for "
                                          "writes; default IGFKG_CURATOR.")(func)


def _needs_curator(settings: Settings, curator: str | None) -> str:
    who = (curator or settings.curator or "").strip()
    if not who:
        raise CurationError("a curator is required to record decisions",
                            hint="pass --curator ORCID-or-name or set IGFKG_CURATOR")
    return who


def _session(settings: Settings, claims_file: Path | None):  # type: ignore[no-untyped-def]
    from kg.curation_source import open_session

    return open_session(settings, claims_file)


def _record(settings: Settings, session: Any, decisions: list[Any], quiet: bool = False) -> None:
    from kg.curation_source import sync_store

    session.record(decisions)
    warning = sync_store(settings, session)
    if warning:
        click.echo(f"igfkg: warning: {warning}", err=True)
    if not quiet and settings.verbosity >= 0:
        from kg.curation_render import decision_line

        for d in decisions:
            click.echo(f"recorded {d.claim_id[:12]}: {decision_line(d)}")


def _color() -> bool:
    return sys.stdout.isatty()


@click.group()
def curate() -> None:
    """Review machine-extracted claims; accept, reject or correct them.

    \b
    Decisions are appended to data/curation/decisions.jsonl (one JSON line each, never rewritten) and
    replayed onto the claims by every build, so they survive re-extraction. Claim IDs may be abbreviated
    to any unique prefix of 4+ hex digits (like git).

    \b
      igfkg curate queue --entity IGF1R --limit 10      what most needs a curator
      igfkg curate show 4173ed26                         one claim, all evidence, its history
      igfkg curate accept 4173ed26 --curator 0000-0002-1825-0097
      igfkg curate reject 4173ed26 --tag polarity --note "the sentence says inhibits"
      igfkg curate correct 4173ed26 --predicate inhibits
      igfkg curate review --entity IGF1R                 interactive: a/r/c/n/s/q per claim
      igfkg curate export -o decisions.tsv               spreadsheet round trip (curate import)
    """


# ------------------------------------------------------------------------------------------------ reading


@curate.command(short_help="What most needs a curator, highest priority first.")
@click.option("--entity", help="Only claims about this entity: CURIE (HGNC:5465), symbol or synonym (IGF-1R).")
@click.option("--predicate", type=click.Choice(PREDICATES), metavar="PREDICATE",
              help="Only claims with this predicate (activates, inhibits, binds, ...; see docs/curation.md).")
@click.option("--min-belief", type=click.FloatRange(0, 1), help="Only claims with at least this belief.")
@click.option("--max-belief", type=click.FloatRange(0, 1), help="Only claims with at most this belief.")
@click.option("--status", type=click.Choice([s.value for s in CurationStatus] + ["all"]), default="candidate",
              show_default=True, help="Curation status to list.")
@click.option("--limit", type=click.IntRange(0), default=20, show_default=True, help="At most this many (0: all).")
@click.option("--evidence", "n_evidence", type=click.IntRange(0), default=3, show_default=True,
              help="Evidence sentences shown per claim (table format).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "tsv"]), default="table",
              show_default=True, help="table for reading; tsv to fill in a spreadsheet and `curate import`; "
                                      "json with marked evidence; jsonl = assembled claims (for --claims).")
@_claims_option
@store_options
def queue(settings: Settings, entity: str | None, predicate: str | None, min_belief: float | None,
          max_belief: float | None, status: str, limit: int, n_evidence: int, fmt: str,
          claims_file: Path | None) -> None:
    """List the claims that most need a curator, highest priority first.

    \b
    priority = 4.0·conflicting + 2.0·IGF-axis entity + 1.0·min(papers,5)/5 + 1.5·(1 − belief) + 0.5·hedged
    (docs/curation.md explains why). Evidence sentences mark the subject as [..] and the object as «..».
    """
    from kg.curation_queue import QueueFilter, queue as make_queue
    from kg.curation_render import claim_block, claim_json
    from kg.model import to_json

    session = _session(settings, claims_file)
    flt = QueueFilter(entity=entity, predicate=Predicate(predicate) if predicate else None, min_belief=min_belief,
                      max_belief=max_belief, status=None if status == "all" else CurationStatus(status),
                      limit=limit or None)
    items = make_queue(session.replayed.claims, flt)
    if fmt == "json":
        click.echo(json.dumps([claim_json(ac, p) for p, ac in items], indent=2, ensure_ascii=False))
    elif fmt == "jsonl":
        for _, ac in items:
            click.echo(to_json(ac))
    elif fmt == "tsv":
        _queue_tsv(items)
    else:
        if not items:
            click.echo("no claims match" + (" (try --status all)" if status != "all" else ""), err=True)
        color = _color()
        for n, (p, ac) in enumerate(items, 1):
            click.echo(claim_block(ac, priority=p, evidence=n_evidence, color=color, index=n))


def _queue_tsv(items: list[Any]) -> None:
    import csv

    from kg.curation_render import mark_evidence

    writer = csv.writer(click.get_text_stream("stdout"), dialect="excel-tab")
    writer.writerow(["priority", "claim_id", "status", "belief", "papers", "subject", "subject_label", "predicate",
                     "object", "object_label", "conflicts", "evidence", "decision", "error_tag", "note"])
    for p, ac in items:
        c = ac.claim
        writer.writerow([f"{p:.3f}", ac.id, ac.status.value, f"{ac.belief:.3f}", ac.supporting_papers,
                         c.subject.curie, c.subject.label, ("not " if c.negated else "") + c.predicate.value,
                         c.object.curie, c.object.label, " ".join(ac.conflicts),
                         mark_evidence(ac.evidence[0]) if ac.evidence else "", "", "", ""])


@curate.command(short_help="One claim: all evidence, status, curation history.")
@click.argument("claim")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_claims_option
@store_options
def show(settings: Settings, claim: str, fmt: str, claims_file: Path | None) -> None:
    """Show one claim: every evidence sentence, its status and its curation history."""
    from kg.curation_queue import priority, resolve_claim_id
    from kg.curation_render import claim_block, claim_json

    session = _session(settings, claims_file)
    by_id = session.by_id
    ac = by_id[resolve_claim_id(claim, by_id)]
    if fmt == "json":
        data = claim_json(ac, priority(ac))
        data["replaced_by"] = [c.id for c in session.replayed.claims if c.corrects == ac.id]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(claim_block(ac, priority=priority(ac), evidence=None, color=_color(), history=True))
    for c in session.replayed.claims:
        if c.corrects == ac.id:
            click.echo(f"       corrected into {c.id} (igfkg curate show {c.id[:8]})")


@curate.command(short_help="Decisions whose claim or evidence is gone (kept, never dropped).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_claims_option
@store_options
def orphans(settings: Settings, fmt: str, claims_file: Path | None) -> None:
    """Decisions whose claim (or evidence) no longer exists, with the current claims that say the same thing.

    Orphans stay in the log and are never applied automatically; confirm a candidate with a new decision.
    """
    from kg.curation_render import decision_line
    from kg.model import to_dict

    session = _session(settings, claims_file)
    items = session.replayed.orphaned
    moved = _reattached(session.decisions)
    if fmt == "json":
        click.echo(json.dumps([{"decision": to_dict(o.curation), "reason": o.reason, "candidates": list(o.candidates),
                                "reattached_to": moved.get(o.curation.claim_id)} for o in items],
                              indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("no orphaned decisions", err=True)
    for o in items:
        d = o.curation
        what = " ".join(x for x in (d.subject, d.predicate, d.object) if x)
        done = f"; re-attached to {moved[d.claim_id]}" if d.claim_id in moved else ""
        click.echo(f"{d.claim_id}  {what}  ({o.reason}{done})")
        click.echo(f"    {decision_line(d)}")
        for cid in o.candidates if not done else ():
            click.echo(f"    now? {cid}  (igfkg curate show {cid[:8]}; igfkg curate reattach {d.claim_id[:8]})")


_REATTACHED = "re-attached from "


def _reattached(decisions: list[Any]) -> dict[str, str]:
    """old claim ID → the claim its decisions were re-attached to (recorded in the new decisions' notes)."""
    import re

    out = {}
    for d in decisions:
        m = re.search(_REATTACHED + r"([0-9a-f]{16})", d.note)
        if m:
            out[m.group(1)] = d.claim_id
    return out


# ------------------------------------------------------------------------------------------------ writing


def _write_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every decision command shares: --curator, --claims, --store..."""

    @_curator_option
    @_claims_option
    @store_options
    @functools.wraps(func)
    def wrapper(settings: Settings, *args: Any, curator: str | None, claims_file: Path | None, **kw: Any) -> Any:
        who = _needs_curator(settings, curator)
        return func(settings, who, _session(settings, claims_file), *args, **kw)

    return wrapper


@curate.command()
@click.argument("claim")
@click.option("--note", default="", help="Why (free text, kept with the decision).")
@_write_command
def accept(settings: Settings, curator: str, session: Any, claim: str, note: str) -> None:
    """Accept a claim: it is correct as extracted (belief becomes 1.0)."""
    from kg.curation import make_decision
    from kg.curation_queue import resolve_claim_id

    ac = session.by_id[resolve_claim_id(claim, session.by_id)]
    _record(settings, session, [make_decision(ac, Decision.ACCEPTED, curator, note=note)])


@curate.command(short_help="Reject a claim (or one evidence sentence) with an error tag.")
@click.argument("claim")
@click.option("--tag", type=click.Choice(TAGS), required=True, help="Why it is wrong (INDRA's curation tags).")
@click.option("--evidence", "evidence_id", help="Reject only this evidence sentence (ID or prefix): the claim "
                                                "stands, this sentence does not support it.")
@click.option("--note", default="", help="Why (free text).")
@_write_command
def reject(settings: Settings, curator: str, session: Any, claim: str, tag: str, evidence_id: str | None,
           note: str) -> None:
    """Reject a claim (belief 0), or with --evidence one of its evidence sentences."""
    from kg.curation import make_decision
    from kg.curation_queue import resolve_claim_id

    ac = session.by_id[resolve_claim_id(claim, session.by_id)]
    if evidence_id:
        ev = _evidence(ac, evidence_id)
        d = make_decision(ac, Decision.EVIDENCE_REJECTED, curator, error_tag=ErrorTag(tag), evidence_id=ev, note=note)
    else:
        d = make_decision(ac, Decision.REJECTED, curator, error_tag=ErrorTag(tag), note=note)
    _record(settings, session, [d])


def _evidence(ac: Any, prefix: str) -> str:
    from kg.curation_queue import resolve_claim_id

    ids = [e.id for e in ac.evidence]
    try:
        return resolve_claim_id(prefix, ids)
    except CurationError as exc:
        raise CurationError(exc.message.replace("claim", "evidence"), where=f"claim {ac.id}",
                            hint=f"its evidence: {', '.join(i[:12] for i in ids) or 'none'}") from None


@curate.command(short_help="Correct a claim; the correction replaces it, linked to it.")
@click.argument("claim")
@click.option("--subject", help="Correct subject CURIE (HGNC:5464), or a name the lexicon grounds (IGF-1).")
@click.option("--object", "object_", help="Correct object CURIE or name.")
@click.option("--predicate", type=click.Choice(PREDICATES), metavar="PREDICATE",
              help="Correct predicate: " + ", ".join(PREDICATES) + ".")
@click.option("--negated/--not-negated", default=None, help="Correct negation.")
@click.option("--certainty", type=click.Choice([c.value for c in Certainty]), help="Correct certainty.")
@click.option("--cell-type", help="Context: cell type CURIE ('' to clear).")
@click.option("--disease", help="Context: disease CURIE ('' to clear).")
@click.option("--species", help="Context: species CURIE ('' to clear).")
@click.option("--cell-line", help="Context: cell line CURIE ('' to clear).")
@click.option("--note", default="", help="Why (free text).")
@_write_command
def correct(settings: Settings, curator: str, session: Any, claim: str, subject: str | None, object_: str | None,
            predicate: str | None, negated: bool | None, certainty: str | None, cell_type: str | None,
            disease: str | None, species: str | None, cell_line: str | None, note: str) -> None:
    """Correct a claim: the corrected claim replaces it in the curated graph, linked to what it corrects.

    Give only what changes; the rest is kept from the claim.
    """
    from kg.curation import make_decision
    from kg.curation_queue import resolve_claim_id

    ac = session.by_id[resolve_claim_id(claim, session.by_id)]
    fixed = corrected_claim(ac.claim, session.by_id.values(), subject=subject, object_=object_, predicate=predicate,
                            negated=negated, context={"cell_type": cell_type, "disease": disease,
                                                      "species": species, "cell_line": cell_line})
    d = make_decision(ac, Decision.CORRECTED, curator, corrected=fixed, note=note,
                      certainty=Certainty(certainty) if certainty else None)
    _record(settings, session, [d])
    click.echo(f"corrected claim ID: {fixed.id}")


def corrected_claim(old: Claim, known: Any, *, subject: str | None = None, object_: str | None = None,
                    predicate: str | None = None, negated: bool | None = None,
                    context: dict[str, str | None] | None = None) -> Claim:
    """``old`` with the given parts replaced; names are grounded through the claims and the lexicon."""
    concepts = {}
    for ac in known:
        for c in (ac.claim.subject, ac.claim.object):
            concepts.setdefault(c.curie, c)
    ctx = {k: v for k, v in (context or {}).items() if v is not None}
    new_context = Context(**{**{k: v for k, v in old.context.key()}, **{k: (v.strip() or None) for k, v in ctx.items()}})
    for value in new_context.key():
        _check_curie(value[1], value[0].replace("_", "-"))
    return Claim(subject=_concept(subject, old.subject, concepts), predicate=Predicate(predicate) if predicate
                 else old.predicate, object=_concept(object_, old.object, concepts),
                 negated=old.negated if negated is None else negated, context=new_context)


def _check_curie(text: str, option: str) -> str:
    from kg.vocab import normalize_curie

    try:
        return normalize_curie(text)
    except ValueError as exc:
        raise CurationError(f"--{option}: {exc}", hint="use a CURIE such as HGNC:5465 or MESH:D014411") from None


def _concept(text: str | None, old: Concept, known: dict[str, Concept]) -> Concept:
    if not text:
        return old
    text = text.strip()
    if ":" in text:
        curie = _check_curie(text, "subject/object")
        if curie in known:
            return known[curie]
        term = _lexicon_term(curie)
        return Concept(curie, term.label, term.type) if term else Concept(curie)
    try:
        from kg.lexicon import load_lexicon

        hits = load_lexicon().lookup(text)
    except ImportError:
        hits = []
    if not hits:
        raise CurationError(f"{text!r} is not a known entity name", hint="give its CURIE, e.g. HGNC:5465")
    g = hits[0]
    return Concept(g.curie, g.label, g.type)


def _lexicon_term(curie: str) -> Any:
    try:
        from kg.lexicon import load_lexicon

        return load_lexicon().term(curie)
    except Exception:  # noqa: BLE001 - label lookup is a nicety; the CURIE alone is a valid concept
        return None


@curate.command()
@click.argument("claim")
@click.argument("text")
@click.option("--evidence", "evidence_id", help="Attach the note to one evidence sentence (ID or prefix).")
@_write_command
def note(settings: Settings, curator: str, session: Any, claim: str, text: str, evidence_id: str | None) -> None:
    """Add a note to a claim (its status does not change)."""
    from kg.curation import make_decision
    from kg.curation_queue import resolve_claim_id

    ac = session.by_id[resolve_claim_id(claim, session.by_id)]
    ev = _evidence(ac, evidence_id) if evidence_id else None
    _record(settings, session, [make_decision(ac, Decision.NOTE, curator, note=text, evidence_id=ev)])


@curate.command(short_help="Re-record an orphan's decisions on the claim it has become.")
@click.argument("orphan")
@click.argument("claim", required=False)
@_write_command
def reattach(settings: Settings, curator: str, session: Any, orphan: str, claim: str | None) -> None:
    """Re-record the decisions of an orphaned claim ORPHAN on CLAIM (default: the one current claim with the
    same subject, predicate and object, as `curate orphans` lists). The old decisions stay in the log; the
    new ones are yours, dated now, and name what they came from. Evidence-level decisions cannot follow
    (their sentences have new IDs) and are listed for you to repeat.
    """
    from dataclasses import replace as copy

    from kg.curation import claim_text, now_utc, validate
    from kg.curation_queue import resolve_claim_id

    lost = [o for o in session.replayed.orphaned if o.reason == "claim not found"]
    old_id = resolve_claim_id(orphan, {o.curation.claim_id for o in lost})
    mine = [o for o in lost if o.curation.claim_id == old_id]
    by_id = session.by_id
    if claim:
        target = by_id[resolve_claim_id(claim, by_id)]
    elif len(mine[0].candidates) == 1:
        target = by_id[mine[0].candidates[0]]
    else:
        found = ", ".join(c[:12] for c in mine[0].candidates) or "none"
        raise CurationError(f"claim {old_id} has {len(mine[0].candidates)} candidate(s) ({found})",
                            hint="name the claim: igfkg curate reattach ORPHAN CLAIM")
    subject, predicate, obj = claim_text(target.claim)
    stamp, out, skipped = now_utc(), [], []
    for o in mine:
        d = o.curation
        if d.evidence_id or (d.corrected is not None and d.corrected.id == target.id):
            skipped.append(d)
            continue
        origin = f"({_REATTACHED}{old_id}: {d.decision.value} by {d.curator} at {d.timestamp})"
        new = copy(d, claim_id=target.id, curator=curator, timestamp=stamp, subject=subject, predicate=predicate,
                   object=obj, note=f"{d.note} {origin}".strip())
        validate(new)
        out.append(new)
    if not out:
        raise CurationError(f"nothing to re-attach from {old_id}",
                            hint="its evidence-level decisions must be repeated on the new evidence IDs")
    _record(settings, session, out)
    for d in skipped:
        from kg.curation_render import decision_line

        click.echo(f"not re-attached (repeat it by hand): {decision_line(d)}", err=True)


# ------------------------------------------------------------------------------------- spreadsheet trip


@curate.command("export", short_help="Export every decision as TSV (or JSON Lines).")
@click.option("--format", "fmt", type=click.Choice(["tsv", "jsonl"]), default="tsv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default stdout).")
@pass_settings
def export_decisions(settings: Settings, fmt: str, output: Path | None) -> None:
    """Export every decision (for a spreadsheet: tsv; `curate import` reads it back losslessly)."""
    from kg.curation import DecisionLog
    from kg.curation_tsv import write_tsv
    from kg.model import to_json

    decisions = DecisionLog(settings.decisions_file).read()
    stream = open(output, "w", encoding="utf-8", newline="") if output else click.get_text_stream("stdout")
    try:
        if fmt == "tsv":
            write_tsv(decisions, stream)
        else:
            for d in decisions:
                stream.write(to_json(d) + "\n")
    finally:
        if output:
            stream.close()
    if output and settings.verbosity >= 0:
        click.echo(f"exported {len(decisions)} decision(s) to {output}", err=True)


@curate.command("import", short_help="Import decisions from a TSV; all rows valid or nothing.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--curator", help="Curator for rows with an empty curator column (default IGFKG_CURATOR).")
@_claims_option
@store_options
def import_decisions(settings: Settings, file: Path, curator: str | None, claims_file: Path | None) -> None:
    """Import decisions from a TSV (a `curate export`, or a `curate queue --format tsv` sheet with the decision
    column filled in). Every row is validated first; one bad row imports nothing. Rows already in the log are
    skipped, so importing twice is harmless."""
    from kg.curation_source import open_session, sync_store
    from kg.curation_tsv import import_tsv

    try:
        session = open_session(settings, claims_file)
        claims = session.by_id
    except CurationError as exc:
        if "no build found" not in str(exc):
            raise
        session, claims = None, {}  # no build yet: decisions are still validated and kept
    from kg.curation import DecisionLog

    log = session.log if session else DecisionLog(settings.decisions_file)
    result = import_tsv(file, log, curator=curator or settings.curator, claims=claims)
    if session is not None and result.decisions:
        session.decisions.extend(result.decisions)
        from kg.curation import replay

        session.replayed = replay(session.machine, session.decisions)
        warning = sync_store(settings, session)
        if warning:
            click.echo(f"igfkg: warning: {warning}", err=True)
        unknown = sorted({d.claim_id for d in result.decisions} - set(claims))
        if unknown:
            click.echo(f"igfkg: warning: {len(unknown)} imported decision(s) name claims not in the current build "
                       f"(kept; listed by `igfkg curate orphans`)", err=True)
    click.echo(f"imported {len(result.decisions)} decision(s); {result.duplicates} already in the log, "
               f"{result.undecided} row(s) without a decision")


# ------------------------------------------------------------------------------------------ review loop

REVIEW_KEYS = "[a]ccept  [r]eject  [c]orrect  [n]ote  [s]kip  [q]uit"


@curate.command(short_help="Interactive review: one key per claim, written at once.")
@click.option("--entity", help="Only claims about this entity (CURIE, symbol or synonym).")
@click.option("--predicate", type=click.Choice(PREDICATES), metavar="PREDICATE",
              help="Only claims with this predicate (activates, inhibits, binds, ...; see docs/curation.md).")
@click.option("--min-belief", type=click.FloatRange(0, 1))
@click.option("--max-belief", type=click.FloatRange(0, 1))
@click.option("--limit", type=click.IntRange(0), default=0, help="Stop after this many claims (0: all).")
@_write_command
def review(settings: Settings, curator: str, session: Any, entity: str | None, predicate: str | None,
           min_belief: float | None, max_belief: float | None, limit: int) -> None:
    """Review the queue interactively, one key per claim; each decision is written at once.

    \b
    a accept · r reject (then a tag key) · c correct (prompts) · n note · s skip · q quit
    """
    from kg.curation import make_decision
    from kg.curation_queue import QueueFilter, queue as make_queue
    from kg.curation_render import claim_block

    flt = QueueFilter(entity=entity, predicate=Predicate(predicate) if predicate else None, min_belief=min_belief,
                      max_belief=max_belief, limit=limit or None)
    items = make_queue(session.replayed.claims, flt)
    if not items:
        click.echo("nothing to review: no candidate claims match")
        return
    counts: dict[str, int] = {}
    color = _color()
    for n, (p, ac) in enumerate(items, 1):
        click.echo("")
        click.echo(claim_block(ac, priority=p, evidence=5, color=color, index=n, history=True))
        key = _ask(f"{n}/{len(items)}  {REVIEW_KEYS} ? ", "arcnsq")
        if key == "q":
            break
        if key == "s":
            counts["skipped"] = counts.get("skipped", 0) + 1
            continue
        if key == "a":
            decision = make_decision(ac, Decision.ACCEPTED, curator)
        elif key == "r":
            menu = "  ".join(f"{i}={t}" for i, t in enumerate(TAGS, 1))
            tag_key = _ask(f"tag: {menu} ? ", "".join(str(i) for i in range(1, len(TAGS) + 1)))
            why = click.prompt("note (Enter for none)", default="", show_default=False)
            decision = make_decision(ac, Decision.REJECTED, curator, error_tag=ErrorTag(TAGS[int(tag_key) - 1]),
                                     note=why)
        elif key == "n":
            text = click.prompt("note")
            decision = make_decision(ac, Decision.NOTE, curator, note=text)
        else:
            decision = _review_correction(ac, session, curator)
            if decision is None:
                continue
        session.record([decision])
        counts[decision.decision.value] = counts.get(decision.decision.value, 0) + 1
        click.echo(f"recorded: {decision.decision.value}")
    from kg.curation_source import sync_store

    if any(k != "skipped" for k in counts):
        warning = sync_store(settings, session)
        if warning:
            click.echo(f"igfkg: warning: {warning}", err=True)
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no decisions"
    click.echo(f"review finished: {summary}")


def _ask(prompt: str, keys: str) -> str:
    """One key press (no Enter) from ``keys``; asks again on anything else."""
    while True:
        click.echo(prompt, nl=False)
        key = click.getchar()
        click.echo(key if key.isprintable() else "")
        if key in ("\x03", "\x04"):  # Ctrl-C / Ctrl-D in raw mode
            raise KeyboardInterrupt
        if key.lower() in keys:
            return key.lower()
        click.echo(f"  press one of: {', '.join(keys)}")


def _review_correction(ac: Any, session: Any, curator: str) -> Any:
    from kg.curation import make_decision

    click.echo("correct (Enter keeps the current value):")
    predicate = click.prompt("  predicate", default=ac.claim.predicate.value, type=click.Choice(PREDICATES),
                             show_choices=False)
    subject = click.prompt("  subject (CURIE or name)", default=ac.claim.subject.curie)
    obj = click.prompt("  object (CURIE or name)", default=ac.claim.object.curie)
    negated = click.confirm("  negated?", default=ac.claim.negated)
    certainty = click.prompt("  certainty", default=ac.certainty.value, type=click.Choice([c.value for c in Certainty]),
                             show_choices=True)
    why = click.prompt("  note", default="", show_default=False)
    fixed = corrected_claim(ac.claim, session.by_id.values(), subject=subject, object_=obj, predicate=predicate,
                            negated=negated)
    new_certainty = Certainty(certainty) if certainty != ac.certainty.value else None
    if fixed.id == ac.id and new_certainty is None:
        click.echo("nothing changed; skipped")
        return None
    return make_decision(ac, Decision.CORRECTED, curator, corrected=fixed, certainty=new_certainty, note=why)


# -------------------------------------------------------------------------------------------------- diff


@click.command()
@click.argument("old", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--against-store", is_flag=True, help="Compare OLD with the store (the default when NEW is not given).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_options
def diff(settings: Settings, old: Path | None, new: Path | None, against_store: bool, fmt: str) -> None:
    """What changed between two graph exports (TriG, N-Quads, Turtle, N-Triples, JSON-LD): claims added,
    removed, changed status or belief, and the curated claims affected — the report to read after a
    re-extraction.

    \b
      igfkg diff old/igfkg.trig data/rdf/igfkg.trig
      igfkg diff old/igfkg.trig --store data/store       without NEW: against the store
    """
    from kg.curation import DecisionLog
    from kg.diff import diff_claims, format_diff, read_claims_from_file, read_claims_from_store

    if old is None:
        raise click.UsageError("give OLD (and NEW, or nothing to compare with the store)")
    if against_store and new is not None:
        raise click.UsageError("give either NEW or --against-store, not both")
    against_store = new is None
    before = read_claims_from_file(old)
    after = read_claims_from_store(settings) if against_store else read_claims_from_file(new)  # type: ignore[arg-type]
    decisions = DecisionLog(settings.decisions_file).read()
    report = diff_claims(before, after, decisions)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_diff(report))


__all__ = ["curate", "diff", "corrected_claim", "EntityType"]
