"""The decisions log (strict reads, atomic concurrent appends) and replay onto assembled claims."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from kg.curation import DecisionLog, make_decision, parse_line, replay, validate
from kg.curation_queue import IGF_AXIS, QueueFilter, priority, queue, resolve_claim_id
from kg.errors import CurationError
from kg.model import (Certainty, Claim, Curation, CurationStatus, Decision, ErrorTag, Predicate, to_json)

from test_curation_support import AKT1, IGF1, IGF1R, IGF2, assembled, claims

CURATOR = "0000-0002-1825-0097"


# ---------------------------------------------------------------------------------------------- the log


def test_append_then_read_round_trips(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "curation" / "decisions.jsonl")
    a, b, *_ = claims()
    d1 = make_decision(a, Decision.ACCEPTED, CURATOR, note="checked full text")
    d2 = make_decision(b, Decision.REJECTED, "Jane Curator", error_tag=ErrorTag.GROUNDING)
    log.append(d1)
    log.append(d2)
    assert log.read() == [d1, d2]
    lines = log.path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["decision"] == "accepted"
    assert d1.subject == "HGNC:5464" and d1.predicate == "activates" and d1.object == "HGNC:5465"


def test_missing_log_is_empty(tmp_path: Path) -> None:
    assert DecisionLog(tmp_path / "none.jsonl").read() == []


@pytest.mark.parametrize("line, problem", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "accepted", "curator": "x"}', "missing field(s) timestamp"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "maybe", "curator": "x", "timestamp": "2026-01-01T00:00:00Z"}',
     "'maybe' is not a valid Decision"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "accepted", "curator": " ", "timestamp": "2026-01-01T00:00:00Z"}',
     "curator is empty"),
    ('{"claim_id": "XYZ", "decision": "accepted", "curator": "x", "timestamp": "2026-01-01T00:00:00Z"}',
     "claim ID 'XYZ' is not 16 lowercase hex digits"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "accepted", "curator": "x", "timestamp": "yesterday"}',
     "timestamp 'yesterday' is not ISO 8601"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "accepted", "curator": "x", "timestamp": "2026-01-01",'
     ' "error_tag": "grounding"}', "error tag 'grounding' given for a accepted decision"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "rejected", "curator": "x", "timestamp": "2026-01-01"}',
     "rejected decision without an error tag"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "corrected", "curator": "x", "timestamp": "2026-01-01"}',
     "corrected decision without the corrected claim"),
    ('{"claim_id": "4173ed262e5c6153", "decision": "accepted", "curator": "x", "timestamp": "2026-01-01", "x": 1}',
     "unknown field(s) x"),
])
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    good = to_json(make_decision(claims()[0], Decision.ACCEPTED, CURATOR))
    log.path.write_text(good + "\n\n" + line + "\n" + good + "\n")
    with pytest.raises(CurationError) as info:
        log.read()
    message = str(info.value)
    assert message.startswith(f"{log.path}:3: "), message
    assert problem in message
    assert "\n" not in message


def test_invalid_bytes_are_reported_with_line(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    log.path.write_bytes(b'{"a": "\xff"}\n')
    with pytest.raises(CurationError, match=r"decisions.jsonl:1: not UTF-8"):
        log.read()


def test_append_refuses_invalid_decision_and_writes_nothing(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    bad = Curation(claims()[0].id, Decision.ACCEPTED, "", "2026-01-01T00:00:00Z")
    with pytest.raises(CurationError, match="curator is empty.*IGFKG_CURATOR"):
        log.append(bad)
    good = make_decision(claims()[0], Decision.ACCEPTED, CURATOR)
    with pytest.raises(CurationError, match="decision 2: curator is empty"):
        log.extend([good, bad])
    assert not log.path.exists()


def test_append_repairs_a_missing_final_newline(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "decisions.jsonl")
    first = make_decision(claims()[0], Decision.ACCEPTED, CURATOR)
    log.path.write_text(to_json(first))  # hand edit without trailing newline
    second = make_decision(claims()[1], Decision.ACCEPTED, CURATOR)
    log.append(second)
    assert log.read() == [first, second]


def test_validation_rules() -> None:
    a = claims()[0]
    with pytest.raises(CurationError, match="changes nothing"):
        make_decision(a, Decision.CORRECTED, CURATOR, corrected=a.claim)
    make_decision(a, Decision.CORRECTED, CURATOR, corrected=a.claim, certainty=Certainty.HEDGED)  # certainty only
    with pytest.raises(CurationError, match="evidence ID None"):
        make_decision(a, Decision.EVIDENCE_REJECTED, CURATOR, error_tag=ErrorTag.NEGATION)
    with pytest.raises(CurationError, match="empty note"):
        make_decision(a, Decision.NOTE, CURATOR)
    with pytest.raises(CurationError, match="certainty given for a accepted"):
        make_decision(a, Decision.ACCEPTED, CURATOR, certainty=Certainty.HEDGED)
    with pytest.raises(CurationError, match="NUL"):
        make_decision(a, Decision.NOTE, CURATOR, note="bad\x00")
    validate(make_decision(a, Decision.NOTE, CURATOR, note="see Fig. 2", evidence_id=a.evidence[0].id))


WRITER = textwrap.dedent("""
    import sys
    from kg.curation import DecisionLog
    from kg.model import Curation, Decision
    log = DecisionLog(sys.argv[1])
    who = sys.argv[2]
    for n in range(200):
        log.append(Curation("%016x" % n, Decision.NOTE, who, "2026-01-01T00:00:00Z", note=f"{who} note {n} " + "x" * 3000))
""")


def test_two_concurrent_curators_lose_no_line(tmp_path: Path) -> None:
    # Real processes, 3 kB lines (bigger than a pipe buffer's atomic write guarantee), 400 appends racing.
    path = tmp_path / "decisions.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), who]) for who in ("alice", "bob")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    decisions = DecisionLog(path).read()  # strict: an interleaved line would raise
    assert len(decisions) == 400
    for who in ("alice", "bob"):
        notes = [d.note.split(" x")[0] for d in decisions if d.curator == who]
        assert notes == [f"{who} note {n}" for n in range(200)]  # each writer's lines, whole and in order


# ------------------------------------------------------------------------------------------------ replay


def test_replay_sets_status_belief_and_latest_wins() -> None:
    a, b, c, d = claims()
    decisions = [
        make_decision(a, Decision.REJECTED, "x", error_tag=ErrorTag.POLARITY, timestamp="2026-01-01T10:00:00Z"),
        make_decision(a, Decision.ACCEPTED, "y", timestamp="2026-01-01T11:00:00Z"),
        make_decision(a, Decision.NOTE, "z", note="dose dependent", timestamp="2026-01-01T09:00:00Z"),
        make_decision(b, Decision.REJECTED, "x", error_tag=ErrorTag.GROUNDING, timestamp="2026-01-02T00:00:00Z"),
        # earlier timestamp written later: time order wins over file order
        make_decision(b, Decision.ACCEPTED, "x", timestamp="2026-01-01T00:00:00Z"),
        make_decision(c, Decision.NOTE, "x", note="only a note"),
    ]
    result = replay([a, b, c, d], decisions)
    by_id = {x.id: x for x in result.claims}
    assert by_id[a.id].status is CurationStatus.ACCEPTED and by_id[a.id].belief == 1.0
    assert [x.decision for x in by_id[a.id].curations] == [Decision.NOTE, Decision.REJECTED, Decision.ACCEPTED]
    assert by_id[b.id].status is CurationStatus.REJECTED and by_id[b.id].belief == 0.0
    assert by_id[c.id].status is CurationStatus.CANDIDATE and by_id[c.id].belief == c.belief
    assert len(by_id[c.id].curations) == 1
    assert by_id[d.id] == d
    assert result.orphaned == [] and result.replaced == []


def test_replay_is_idempotent_on_its_own_output() -> None:
    cs = claims()
    decisions = [make_decision(cs[0], Decision.ACCEPTED, "x"), make_decision(cs[1], Decision.NOTE, "x", note="n")]
    once = replay(cs, decisions)
    assert replay(once.claims, decisions).claims == once.claims


def test_correction_replaces_the_machine_claim_and_keeps_the_link() -> None:
    a, b, c, d = claims()
    fixed = Claim(IGF1, Predicate.BINDS, IGF1R)
    correction = make_decision(a, Decision.CORRECTED, CURATOR, corrected=fixed, certainty=Certainty.HEDGED,
                               timestamp="2026-01-01T00:00:00Z")
    later_note = make_decision(fixed, Decision.NOTE, CURATOR, note="binding shown by SPR",
                               timestamp="2026-01-02T00:00:00Z")
    result = replay([a, b, c, d], [correction, later_note])
    ids = [x.id for x in result.claims]
    assert a.id not in ids and fixed.id in ids
    new = next(x for x in result.claims if x.id == fixed.id)
    assert new.status is CurationStatus.CORRECTED and new.corrects == a.id and new.belief == 1.0
    assert new.evidence == a.evidence and new.certainty is Certainty.HEDGED
    assert new.curations == (later_note,)
    [old] = result.replaced
    assert old.id == a.id and old.status is CurationStatus.CORRECTED and old.curations == (correction,)
    assert {x.id for x in result.curated} == {fixed.id}


def test_correction_into_an_existing_claim_merges_evidence() -> None:
    a, b, c, d = claims()
    # IGF2 -> IGF1R was grounded wrongly; it is really IGF1 -> IGF1R, which exists (claim a)
    fix = make_decision(b, Decision.CORRECTED, CURATOR, corrected=a.claim)
    result = replay([a, b, c, d], [fix])
    merged = next(x for x in result.claims if x.id == a.id)
    assert b.id not in [x.id for x in result.claims]
    assert {e.id for e in merged.evidence} == {e.id for e in a.evidence} | {e.id for e in b.evidence}
    assert merged.status is CurationStatus.CORRECTED and merged.corrects == b.id
    # ...but the target's own decision keeps its status
    rejected = make_decision(a, Decision.REJECTED, CURATOR, error_tag=ErrorTag.OTHER)
    again = next(x for x in replay([a, b, c, d], [fix, rejected]).claims if x.id == a.id)
    assert again.status is CurationStatus.REJECTED and len(again.evidence) == 3


def test_evidence_rejection_rescores_and_keeps_the_claim() -> None:
    a, *_ = claims()
    ev = a.evidence[0]
    decision = make_decision(a, Decision.EVIDENCE_REJECTED, CURATOR, evidence_id=ev.id, error_tag=ErrorTag.NEGATION)
    [out] = replay([a], [decision]).claims
    assert ev not in out.evidence and len(out.evidence) == 1
    assert out.supporting_papers == 1 and out.belief < a.belief
    assert out.status is CurationStatus.CANDIDATE and out.curations == (decision,)


def test_orphans_are_kept_reported_and_matched_by_content() -> None:
    a, b, c, d = claims()
    accepted = make_decision(a, Decision.ACCEPTED, CURATOR)
    gone_evidence = make_decision(b, Decision.EVIDENCE_REJECTED, CURATOR, evidence_id="0" * 16,
                                  error_tag=ErrorTag.OTHER)
    # the extractor now adds a context to claim a: new ID, same subject/predicate/object
    from kg.model import Context
    a2 = assembled(replace(a.claim, context=Context(cell_type="MESH:D014411")), "pmid:1")
    result = replay([a2, b, c, d], [accepted, gone_evidence])
    assert [o.curation for o in result.orphaned] == [accepted, gone_evidence]
    assert result.orphaned[0].candidates == (a2.id,)
    assert "claim not found" in result.orphaned[0].reason
    assert "evidence 0000000000000000 not found" in result.orphaned[1].reason
    assert all(x.status is CurationStatus.CANDIDATE for x in result.claims)  # never applied silently


def test_parse_line_accepts_what_to_json_writes() -> None:
    d = make_decision(claims()[0], Decision.CORRECTED, CURATOR, corrected=Claim(IGF1, Predicate.INHIBITS, IGF1R,
                                                                                 negated=True))
    assert parse_line(to_json(d)) == d


# ------------------------------------------------------------------------------------------------- queue


def test_priority_orders_conflict_axis_papers_doubt() -> None:
    a, b, c, d = claims()
    conflicting = replace(d, conflicts=(a.id,), contradicting_papers=1)
    # d: conflict + axis; c: axis, hedged, belief 0.3; b: axis, 1 paper, 0.8; a: axis, 2 papers, 0.96
    assert priority(c) == pytest.approx(2.0 + 0.2 + 1.5 * (1 - c.belief) + 0.5)
    assert priority(a) == pytest.approx(2.0 + 0.4 + 1.5 * (1 - a.belief))
    assert [ac.id for _, ac in queue([a, b, c, conflicting])] == [d.id, c.id, b.id, a.id]
    non_axis = assembled(Claim(AKT1, Predicate.ACTIVATES, AKT1), "pmid:9")
    assert priority(non_axis) == pytest.approx(0.2 + 1.5 * (1 - non_axis.belief))


def test_queue_filters() -> None:
    a, b, c, d = claims()
    accepted = replace(a, status=CurationStatus.ACCEPTED)
    assert {x.id for _, x in queue([accepted, b, c, d])} == {b.id, c.id, d.id}
    assert [x.id for _, x in queue([accepted, b], QueueFilter(status=CurationStatus.ACCEPTED))] == [a.id]
    assert {x.id for _, x in queue([a, b, c, d], QueueFilter(entity="AKT1"))} == {c.id}
    assert {x.id for _, x in queue([a, b, c, d], QueueFilter(entity="hgnc:5466"))} == {b.id}
    assert {x.id for _, x in queue([a, b, c, d], QueueFilter(entity="igf2"))} == {b.id}
    assert {x.id for _, x in queue([a, b, c, d], QueueFilter(predicate=Predicate.PHOSPHORYLATES))} == {c.id}
    assert all(x.belief >= 0.7 for _, x in queue([a, b, c, d], QueueFilter(min_belief=0.7)))
    assert len(queue([a, b, c, d], QueueFilter(limit=2))) == 2


def test_claim_id_prefixes() -> None:
    ids = ["4173ed262e5c6153", "4173ff0000000000", "abcdef0123456789"]
    assert resolve_claim_id("abcd", ids) == ids[2]
    assert resolve_claim_id("claim:4173ed", ids) == ids[0]
    with pytest.raises(CurationError, match="ambiguous"):
        resolve_claim_id("4173", ids)
    with pytest.raises(CurationError, match="no claim with ID"):
        resolve_claim_id("ffff", ids)
    with pytest.raises(CurationError, match="not a claim ID"):
        resolve_claim_id("ab", ids)


def test_akt_is_not_axis() -> None:
    assert AKT1.curie not in IGF_AXIS and IGF2.curie in IGF_AXIS
