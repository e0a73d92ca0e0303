"""The curate commands through the CLI (CliRunner and the installed ``igfkg`` as a subprocess / under a pty)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.curation import DecisionLog
from kg.model import CurationStatus, Decision, ErrorTag, Predicate, to_json

from test_curation_support import claims

A, B, C, D = (c.id for c in claims())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, Path]:
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(to_json(c) + "\n" for c in claims()), encoding="utf-8")
    return {"claims": path, "data": tmp_path / "data", "log": tmp_path / "data" / "curation" / "decisions.jsonl"}


def run(env: dict[str, Path], *args: str, input: str | None = None, curator: str | None = "Ann Curator"):
    extra = {"IGFKG_CURATOR": curator} if curator else {}
    runner = CliRunner(env={"IGFKG_CURATOR": None, **extra})
    return runner.invoke(main, ["--data-dir", str(env["data"]), "curate", *args, "--claims", str(env["claims"])],
                         input=input, catch_exceptions=False)


def test_queue_table_marks_evidence_and_orders_by_priority(env: dict[str, Path]) -> None:
    result = run(env, "queue")
    assert result.exit_code == 0, result.output
    assert "[IGF1R] phosphorylates «AKT1» in these cells." in result.output
    ids = [line.split()[1] for line in result.output.splitlines() if line[:4].strip().rstrip(".").isdigit()]
    assert ids == [C[:12], D[:12], B[:12], A[:12]]


def test_queue_filters_and_formats(env: dict[str, Path]) -> None:
    data = json.loads(run(env, "queue", "--format", "json", "--entity", "IGF-II").output)
    assert [x["id"] for x in data] == [B]  # "IGF-II" grounds to IGF2 through the lexicon
    assert data[0]["marked_evidence"] == ["[IGF2] activates «IGF1R» in these cells."]
    data = json.loads(run(env, "queue", "--format", "json", "--predicate", "phosphorylates").output)
    assert [x["id"] for x in data] == [C]
    tsv = run(env, "queue", "--format", "tsv", "--min-belief", "0.9").output.splitlines()
    assert tsv[0].startswith("priority\tclaim_id") and len(tsv) == 2 and A in tsv[1]
    jsonl = run(env, "queue", "--format", "jsonl", "--limit", "2").output.splitlines()
    assert len(jsonl) == 2 and json.loads(jsonl[0])["claim"]["predicate"] == "phosphorylates"


def test_writes_need_a_curator_and_write_nothing_without(env: dict[str, Path]) -> None:
    result = run(env, "accept", A[:6], curator=None)
    assert result.exit_code == 1
    assert result.output.strip() == ("igfkg: error: a curator is required to record decisions "
                                     "(pass --curator ORCID-or-name or set IGFKG_CURATOR)")
    assert not env["log"].exists()


def test_accept_reject_correct_note_with_prefixes(env: dict[str, Path]) -> None:
    assert run(env, "accept", A[:5], "--curator", "0000-0002-1825-0097").exit_code == 0
    assert run(env, "reject", B[:6], "--tag", "grounding", "--note", "IGF-II is a typo").exit_code == 0
    ev = claims()[2].evidence[0].id
    assert run(env, "reject", C[:6], "--evidence", ev[:6], "--tag", "hypothesis").exit_code == 0
    result = run(env, "correct", D[:6], "--predicate", "required_for", "--cell-type", "MESH:D014411",
                 "--certainty", "hedged")
    assert result.exit_code == 0, result.output
    assert run(env, "note", A[:6], "dose dependent, Fig. 3").exit_code == 0
    log = DecisionLog(env["log"]).read()
    assert [d.decision for d in log] == [Decision.ACCEPTED, Decision.REJECTED, Decision.EVIDENCE_REJECTED,
                                         Decision.CORRECTED, Decision.NOTE]
    assert log[0].curator == "0000-0002-1825-0097" and log[1].curator == "Ann Curator"
    assert log[1].error_tag is ErrorTag.GROUNDING and log[2].evidence_id == ev
    fixed = log[3].corrected
    assert fixed is not None and fixed.predicate is Predicate.REQUIRED_FOR
    assert fixed.context.cell_type == "MESH:D014411" and fixed.subject == claims()[3].claim.subject
    assert f"corrected claim ID: {fixed.id}" in result.output
    # the corrected claim is addressable by its own ID and shows its link
    shown = json.loads(run(env, "show", fixed.id[:8], "--format", "json").output)
    assert shown["status"] == "corrected" and shown["corrects"] == D and shown["certainty"] == "hedged"
    text = run(env, "show", A[:6]).output
    assert "accepted" in text and "dose dependent" in text and "0000-0002-1825-0097" in text
    statuses = {x["id"]: x["status"] for x in json.loads(run(env, "queue", "--status", "all", "--format",
                                                              "json").output)}
    assert statuses == {A: "accepted", B: "rejected", C: "candidate", fixed.id: "corrected"}


def test_bad_claim_ids_and_options_are_one_line_errors(env: dict[str, Path]) -> None:
    result = run(env, "accept", "ffff")
    assert result.exit_code == 1 and "no claim with ID ffff" in result.output
    result = run(env, "accept", "zz")
    assert result.exit_code == 1 and "'zz' is not a claim ID" in result.output
    result = run(env, "reject", A[:6], "--tag", "nonsense")
    assert result.exit_code == 2
    result = run(env, "reject", A[:6], "--tag", "other", "--evidence", "0000")
    assert result.exit_code == 1 and "no evidence with ID 0000" in result.output
    result = run(env, "correct", A[:6], "--subject", "NOPE:1")
    assert result.exit_code == 1 and "unknown CURIE prefix" in result.output
    result = run(env, "correct", A[:6])
    assert result.exit_code == 1 and "the correction changes nothing" in result.output
    assert not env["log"].exists()
    assert "Traceback" not in result.output


def test_malformed_log_stops_every_command_with_its_line(env: dict[str, Path]) -> None:
    env["log"].parent.mkdir(parents=True)
    env["log"].write_text('{"claim_id": "%s", "decision": "accepted", "curator": "x", "timestamp": "2026-01-01"}\n'
                          '{"claim_id": "%s", "decision": "accepted"\n' % (A, B))
    before = env["log"].read_bytes()
    for args in (("queue",), ("accept", C[:6])):
        result = run(env, *args)
        assert result.exit_code == 1
        assert f"{env['log']}:2: not valid JSON" in result.output
    assert env["log"].read_bytes() == before


def test_export_import_round_trip_via_cli(env: dict[str, Path], tmp_path: Path) -> None:
    run(env, "accept", A[:6], "--note", 'tab\tand "quotes"\nand a newline')
    run(env, "correct", D[:6], "--negated")
    run(env, "reject", B[:6], "--tag", "polarity")
    sheet = tmp_path / "out.tsv"
    result = run_export = CliRunner().invoke(main, ["--data-dir", str(env["data"]), "curate", "export", "-o", str(sheet)])
    assert run_export.exit_code == 0 and "exported 3 decision(s)" in result.output
    other = dict(env, data=tmp_path / "other", log=tmp_path / "other" / "curation" / "decisions.jsonl")
    result = run(other, "import", str(sheet))
    assert result.exit_code == 0 and "imported 3 decision(s)" in result.output
    assert DecisionLog(other["log"]).read() == DecisionLog(env["log"]).read()
    assert "0 decision(s); 3 already in the log" in run(other, "import", str(sheet)).output


def test_import_of_a_bad_sheet_writes_nothing(env: dict[str, Path], tmp_path: Path) -> None:
    sheet = tmp_path / "bad.tsv"
    sheet.write_text(f"claim_id\tdecision\terror_tag\n{A}\taccepted\t\n{B}\trejected\twrong\n")
    result = run(env, "import", str(sheet))
    assert result.exit_code == 1
    assert f"{sheet}:3: error_tag 'wrong' is not one of" in result.output and "nothing imported" in result.output
    assert not env["log"].exists()


def test_queue_sheet_filled_in_and_imported(env: dict[str, Path], tmp_path: Path) -> None:
    rows = run(env, "queue", "--format", "tsv").output.splitlines()
    header = rows[0].split("\t")
    filled = [rows[0]]
    for row in rows[1:]:
        cells = row.split("\t")
        if cells[1] == A:
            cells[header.index("decision")] = "accepted"
        filled.append("\t".join(cells))
    sheet = tmp_path / "todo.tsv"
    sheet.write_text("\n".join(filled) + "\n")
    result = run(env, "import", str(sheet))
    assert "imported 1 decision(s); 0 already in the log, 3 row(s) without a decision" in result.output
    [d] = DecisionLog(env["log"]).read()
    assert d.claim_id == A and d.curator == "Ann Curator" and d.subject == "HGNC:5464"


def test_orphans_command_and_reattach(env: dict[str, Path]) -> None:
    from dataclasses import replace

    from kg.model import Context

    from test_curation_support import assembled

    run(env, "accept", A[:6], "--note", "checked")
    run(env, "reject", B[:6], "--tag", "grounding")
    # the next build: claim A now carries a context (so a new ID), claim B is gone
    a2 = assembled(replace(claims()[0].claim, context=Context(cell_type="MESH:D014411")), "pmid:1")
    env["claims"].write_text("".join(to_json(c) + "\n" for c in [a2, *claims()[2:]]))
    out = run(env, "orphans").output
    assert A in out and "claim not found" in out and f"now? {a2.id}" in out
    listed = json.loads(run(env, "orphans", "--format", "json").output)
    assert [o["decision"]["claim_id"] for o in listed] == [A, B] and listed[0]["candidates"] == [a2.id]
    result = run(env, "reattach", B[:6])
    assert result.exit_code == 1 and "has 0 candidate(s)" in result.output
    result = run(env, "reattach", A[:6], curator="Bo")
    assert result.exit_code == 0, result.output
    new = DecisionLog(env["log"]).read()[-1]
    assert (new.claim_id, new.decision, new.curator) == (a2.id, Decision.ACCEPTED, "Bo")
    assert new.note.startswith("checked (re-attached from " + A)
    shown = json.loads(run(env, "show", a2.id[:8], "--format", "json").output)
    assert shown["status"] == "accepted"
    listed = json.loads(run(env, "orphans", "--format", "json").output)
    assert listed[0]["reattached_to"] == a2.id and listed[1]["reattached_to"] is None  # still listed, never dropped


# ------------------------------------------------------------------------------------------ review loop


def test_review_loop_with_single_keys(env: dict[str, Path]) -> None:
    # queue order: C, D, B, A.  C: reject with tag 8 (other) + note; D: press x (invalid), then skip;
    # B: correct (predicate inhibits, keep the rest); A: accept; done.
    keys = "r8not in this cell line\n" + "xs" + "c" + "inhibits\n\n\n\n\n\n" + "a"
    result = run(env, "review", input=keys)
    assert result.exit_code == 0, result.output
    assert "«AKT1»" in result.output and "press one of" in result.output
    assert "review finished: 1 accepted, 1 corrected, 1 rejected, 1 skipped" in result.output
    log = DecisionLog(env["log"]).read()
    assert [(d.claim_id, d.decision) for d in log] == [(C, Decision.REJECTED), (B, Decision.CORRECTED),
                                                       (A, Decision.ACCEPTED)]
    assert log[0].error_tag is ErrorTag.OTHER and log[0].note == "not in this cell line"
    assert log[1].corrected is not None and log[1].corrected.predicate is Predicate.INHIBITS


def test_review_quit_keeps_what_was_decided(env: dict[str, Path]) -> None:
    result = run(env, "review", "--entity", "IGF1R", input="aq")
    assert result.exit_code == 0
    assert [d.claim_id for d in DecisionLog(env["log"]).read()] == [C]
    result = run(env, "review", input="q", curator=None)
    assert result.exit_code == 1 and "curator is required" in result.output


def _igfkg() -> list[str]:
    exe = shutil.which("igfkg", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "kg"]


def test_review_under_a_real_terminal(env: dict[str, Path]) -> None:
    """The installed command in a pseudo-terminal: raw single-key input, colour output, immediate writes."""
    master, slave = os.openpty()
    cmd = _igfkg() + ["--data-dir", str(env["data"]), "curate", "review", "--claims", str(env["claims"])]
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, close_fds=True,
                            env={**os.environ, "IGFKG_CURATOR": "tty curator", "TERM": "xterm"})
    os.close(slave)
    output = b""

    def read_until(marker: bytes, timeout: float = 180) -> None:  # generous: fsync can stall on a busy disk
        nonlocal output
        end = time.time() + timeout
        while marker not in output:
            ready, _, _ = select.select([master], [], [], max(0.0, end - time.time()))
            if not ready:
                raise AssertionError(f"timed out waiting for {marker!r}; got {output[-500:]!r}")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"terminal closed before {marker!r}; got {output[-500:]!r}")
            output += chunk

    def press(key: bytes, timeout: float = 180) -> None:
        """Type one key once the program reads raw keys: click switches the terminal to raw mode with
        TCSAFLUSH, which discards anything typed before, exactly as a person's type-ahead would be."""
        end = time.time() + timeout
        while termios.tcgetattr(master)[3] & termios.ICANON:
            if time.time() > end:
                raise AssertionError(f"the terminal never left canonical mode; got {output[-500:]!r}")
            time.sleep(0.02)
        os.write(master, key)

    try:
        read_until(b"1/4")
        press(b"a")  # accept C: one key, no Enter
        read_until(b"2/4")
        assert [d.claim_id for d in DecisionLog(env["log"]).read()] == [C]  # written before the next claim
        press(b"s")
        read_until(b"3/4")
        press(b"q")
        read_until(b"review finished")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        os.close(master)
    assert b"\x1b[" in output  # a terminal gets ANSI highlighting
    log = DecisionLog(env["log"]).read()
    assert [(d.claim_id, d.decision, d.curator) for d in log] == [(C, Decision.ACCEPTED, "tty curator")]


def test_installed_command_as_subprocess(env: dict[str, Path]) -> None:
    base = _igfkg() + ["--data-dir", str(env["data"]), "curate"]
    envvars = {**os.environ, "IGFKG_CURATOR": "sub"}
    out = subprocess.run(base + ["accept", A[:6], "--claims", str(env["claims"])], env=envvars,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    out = subprocess.run(base + ["queue", "--status", "accepted", "--claims", str(env["claims"])],
                         capture_output=True, text=True, timeout=120)
    assert A[:12] in out.stdout and "[IGF1] activates «IGF1R»" in out.stdout and "\x1b[" not in out.stdout
    out = subprocess.run(base + ["queue", "--claims", str(env["claims"]) + ".missing"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert DecisionLog(env["log"]).read()[0].decision is Decision.ACCEPTED
    assert CurationStatus.ACCEPTED.value == "accepted"
