"""TSV export/import: lossless round trip (property-based), hand-edited sheets, all-or-nothing validation."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kg.curation import DecisionLog, make_decision
from kg.curation_tsv import DECISION_COLUMNS, import_tsv, read_tsv, write_tsv
from kg.errors import CurationError
from kg.model import (Certainty, Claim, Concept, Context, Curation, CurationStatus, Decision, EntityType, ErrorTag,
                      Predicate)

from test_curation_support import IGF1, IGF1R, claims

hexid = st.text("0123456789abcdef", min_size=16, max_size=16)
# Any text a person could type, including tabs, quotes, CR/LF, emoji; not NUL or lone surrogates (invalid).
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
nonblank = text.filter(lambda s: s.strip() != "")
curie = st.sampled_from(["HGNC:5464", "HGNC:5465", "FPLX:IGFBP", "MESH:D014411", "GO:0019827"])
concept = st.builds(Concept, curie=curie, label=text, type=st.sampled_from(EntityType))
context = st.builds(Context, cell_type=st.none() | curie, disease=st.none() | curie, species=st.none() | curie,
                    cell_line=st.none() | curie)
claim = st.builds(Claim, subject=concept, predicate=st.sampled_from(Predicate), object=concept,
                  negated=st.booleans(), context=context)
timestamp = st.datetimes(min_value=datetime(1990, 1, 1)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "Z")


@st.composite
def curations(draw: st.DrawFn) -> Curation:
    decision = draw(st.sampled_from(Decision))
    common = dict(claim_id=draw(hexid), decision=decision, curator=draw(nonblank), timestamp=draw(timestamp),
                  subject=draw(text), predicate=draw(text), object=draw(text), note=draw(text))
    if decision is Decision.NOTE:
        common.update(note=draw(nonblank), evidence_id=draw(st.none() | hexid))
    elif decision is Decision.REJECTED:
        common.update(error_tag=draw(st.sampled_from(ErrorTag)))
    elif decision is Decision.EVIDENCE_REJECTED:
        common.update(error_tag=draw(st.sampled_from(ErrorTag)), evidence_id=draw(hexid))
    elif decision is Decision.CORRECTED:
        fixed = draw(claim)
        common.update(corrected=fixed, certainty=draw(st.none() | st.sampled_from(Certainty)))
        if fixed.id == common["claim_id"] and common["certainty"] is None:
            common["certainty"] = Certainty.HEDGED
    return Curation(**common)


@settings(max_examples=300, deadline=None)
@given(st.lists(curations(), max_size=6))
def test_tsv_round_trip_is_lossless(decisions: list[Curation]) -> None:
    out = io.StringIO(newline="")
    assert write_tsv(decisions, out) == len(decisions)
    back = read_tsv(io.StringIO(out.getvalue(), newline=""), where="x.tsv")
    unique = list(dict.fromkeys(decisions))  # exact duplicates are collapsed on import
    assert back.decisions == unique
    assert back.duplicates == len(decisions) - len(unique)


def test_round_trip_through_files_and_the_log(tmp_path: Path) -> None:
    cs = claims()
    log = DecisionLog(tmp_path / "a.jsonl")
    log.extend([
        make_decision(cs[0], Decision.ACCEPTED, "A. Curator", note='said "strongly"\tin\nFig. 2'),
        make_decision(cs[1], Decision.REJECTED, "A. Curator", error_tag=ErrorTag.WRONG_RELATION),
        make_decision(cs[2], Decision.CORRECTED, "B", corrected=Claim(IGF1R, Predicate.ACTIVATES, cs[2].claim.object,
                                                                     context=Context(species="NCBITaxon:9606")),
                      certainty=Certainty.HEDGED),
        make_decision(cs[3], Decision.EVIDENCE_REJECTED, "B", evidence_id=cs[3].evidence[0].id,
                      error_tag=ErrorTag.HYPOTHESIS),
    ])
    sheet = tmp_path / "decisions.tsv"
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        write_tsv(log.read(), fh)
    target = DecisionLog(tmp_path / "b.jsonl")
    result = import_tsv(sheet, target)
    assert target.read() == log.read() and len(result.decisions) == 4
    again = import_tsv(sheet, target)  # importing the same sheet twice adds nothing
    assert again.decisions == [] and again.duplicates == 4 and len(target.read()) == 4


def test_hand_edited_queue_sheet(tmp_path: Path) -> None:
    cs = {c.id: c for c in claims()}
    a, b, c, d = cs.values()
    sheet = tmp_path / "todo.tsv"
    sheet.write_text(
        "priority\tclaim_id\tsubject_label\tdecision\terror_tag\tnote\tcorrected_predicate\n"
        f"3.1\t{a.id}\tIGF1\taccepted\t\t\t\n"
        f"2.9\t{b.id}\tIGF2\tRejected\tgrounding\tIGF-II here is a typo\t\n"
        f"2.5\t{c.id}\tIGF1R\t\t\t\t\n"  # undecided: skipped
        f"2.0\t{d.id}\tIGF1R\tcorrected\t\t\tnegatively_regulates\n", encoding="utf-8")
    log = DecisionLog(tmp_path / "d.jsonl")
    result = import_tsv(sheet, log, curator="Jane", claims=cs)
    assert result.undecided == 1
    got = log.read()
    assert [x.decision for x in got] == [Decision.ACCEPTED, Decision.REJECTED, Decision.CORRECTED]
    assert all(x.curator == "Jane" and x.timestamp for x in got)
    assert got[0].subject == "HGNC:5464" and got[1].error_tag is ErrorTag.GROUNDING
    fixed = got[2].corrected
    assert fixed is not None and fixed.predicate is Predicate.NEGATIVELY_REGULATES
    assert fixed.subject == d.claim.subject and fixed.object == d.claim.object


@pytest.mark.parametrize("body, problem", [
    ("claim_id\tdecision\n4173ed262e5c6153\tmaybe\n", "x.tsv:2: decision 'maybe' is not one of"),
    ("claim_id\tdecision\ttypo_col\n", "unknown column(s) 'typo_col'"),
    ("claim_id\tnote\n", "no 'decision' column"),
    ("claim_id\tdecision\tcurator\n4173ed262e5c6153\taccepted\t\n", "x.tsv:2: curator is empty"),
    ("claim_id\tdecision\tcurator\nnot-an-id\taccepted\tx\n", "claim ID 'not-an-id'"),
    ("claim_id\tdecision\tcurator\n4173ed262e5c6153\trejected\tx\n", "without an error tag"),
    ("", "empty file"),
])
def test_bad_sheets_name_the_row(body: str, problem: str) -> None:
    with pytest.raises(CurationError) as info:
        read_tsv(io.StringIO(body, newline=""), where="x.tsv")
    assert problem in str(info.value)


def test_one_bad_row_imports_nothing(tmp_path: Path) -> None:
    cs = claims()
    sheet = tmp_path / "s.tsv"
    rows = [f"{cs[0].id}\taccepted\tx\t", f"{cs[1].id}\trejected\tx\tgrounding", f"{cs[2].id}\trejected\tx\tnope",
            f"{cs[3].id}\taccepted\t\t"]
    sheet.write_text("claim_id\tdecision\tcurator\terror_tag\n" + "\n".join(rows) + "\n")
    log = DecisionLog(tmp_path / "d.jsonl")
    with pytest.raises(CurationError) as info:
        import_tsv(sheet, log)
    message = str(info.value)
    assert "2 bad row(s), nothing imported" in message
    assert f"{sheet}:4: error_tag 'nope'" in message and f"{sheet}:5: curator is empty" in message
    assert not log.path.exists()


def test_columns_cover_every_curation_field() -> None:
    import dataclasses

    fields = {f.name for f in dataclasses.fields(Curation)} - {"corrected"}
    assert fields <= set(DECISION_COLUMNS)
    assert CurationStatus.CANDIDATE  # the queue's status column uses these values
