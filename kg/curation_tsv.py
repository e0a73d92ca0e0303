"""The spreadsheet round trip: decisions (and the review queue) as TSV, and back, validated all or nothing.

Why TSV: curators who work in LibreOffice/Excel/Google Sheets open it directly; a tab never occurs in the
fields people type. The dialect is ``excel-tab`` (fields with a tab, quote or line break are quoted), so
notes with line breaks survive. Export → import is lossless: every field of every decision comes back equal.

Import is for hand-edited sheets too: rows with an empty ``decision`` are skipped (the queue TSV has that
column for the curator to fill), an empty ``curator``/``timestamp`` takes the importing curator / now, an
empty subject/predicate/object takes the claim's, and a correction needs only the ``corrected_*`` columns
that change. Every row is checked before anything is written; one bad row writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence, TextIO

from kg.curation import DecisionLog, claim_text, now_utc, validate
from kg.errors import CurationError
from kg.model import (AssembledClaim, Certainty, Claim, Concept, Context, Curation, Decision, EntityType,
                      ErrorTag, Predicate)

DECISION_COLUMNS = (
    "claim_id", "decision", "error_tag", "note", "curator", "timestamp", "evidence_id",
    "subject", "predicate", "object", "certainty",
    "corrected_subject", "corrected_subject_label", "corrected_subject_type", "corrected_predicate",
    "corrected_object", "corrected_object_label", "corrected_object_type", "corrected_negated",
    "corrected_cell_type", "corrected_disease", "corrected_species", "corrected_cell_line",
)
#: informational columns of ``curate queue --format tsv`` that import reads past
INFO_COLUMNS = ("priority", "status", "belief", "papers", "subject_label", "object_label", "conflicts", "evidence")
_CONTEXT = ("cell_type", "disease", "species", "cell_line")
_TRUE, _FALSE = ("true", "yes", "1", "y"), ("false", "no", "0", "n", "")


def write_tsv(decisions: Iterable[Curation], out: TextIO) -> int:
    """Decisions as TSV rows (header first); returns the number of rows."""
    writer = csv.writer(out, dialect="excel-tab")
    writer.writerow(DECISION_COLUMNS)
    n = 0
    for d in decisions:
        writer.writerow([_cells(d).get(col, "") for col in DECISION_COLUMNS])
        n += 1
    return n


def _cells(d: Curation) -> dict[str, str]:
    cells = {"claim_id": d.claim_id, "decision": d.decision.value, "error_tag": d.error_tag.value if d.error_tag else "",
             "note": d.note, "curator": d.curator, "timestamp": d.timestamp, "evidence_id": d.evidence_id or "",
             "subject": d.subject, "predicate": d.predicate, "object": d.object,
             "certainty": d.certainty.value if d.certainty else ""}
    c = d.corrected
    if c is not None:
        cells.update(corrected_subject=c.subject.curie, corrected_subject_label=c.subject.label,
                     corrected_subject_type=c.subject.type.value, corrected_predicate=c.predicate.value,
                     corrected_object=c.object.curie, corrected_object_label=c.object.label,
                     corrected_object_type=c.object.type.value, corrected_negated="true" if c.negated else "false")
        for name in _CONTEXT:
            cells["corrected_" + name] = getattr(c.context, name) or ""
    return cells


@dataclass
class TsvImport:
    """What an import found: decisions to append, rows skipped (undecided, already in the log)."""

    decisions: list[Curation] = field(default_factory=list)
    undecided: int = 0
    duplicates: int = 0


def read_tsv(source: TextIO, *, where: str = "<tsv>", curator: str | None = None,
             claims: Mapping[str, AssembledClaim] | None = None, existing: Sequence[Curation] = (),
             timestamp: str | None = None) -> TsvImport:
    """Parse and validate every row; raise one :class:`CurationError` listing the bad rows (by line)."""
    reader = csv.reader(source, dialect="excel-tab")
    try:
        header = next(reader)
    except StopIteration:
        raise CurationError("empty file", where=where, hint="export one with igfkg curate export") from None
    except csv.Error as exc:
        raise CurationError(f"not TSV: {exc}", where=f"{where}:1") from None
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in DECISION_COLUMNS and h not in INFO_COLUMNS]
    if unknown:
        raise CurationError(f"unknown column(s) {', '.join(repr(u) for u in unknown)}", where=f"{where}:1",
                            hint="columns: " + ", ".join(DECISION_COLUMNS))
    for required in ("claim_id", "decision"):
        if required not in header:
            raise CurationError(f"no {required!r} column", where=f"{where}:1")
    if len(set(header)) != len(header):
        raise CurationError("a column name appears twice", where=f"{where}:1")
    seen = set(existing)
    stamp = timestamp or now_utc()
    result, errors = TsvImport(), []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"{where}:{reader.line_num}: not TSV: {exc}")
            break
        line, start = reader.line_num, line + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(f"{where}:{start}: {len(row)} cells but {len(header)} columns")
            continue
        cells = dict(zip(header, row + [""] * (len(header) - len(row))))
        if not cells["decision"].strip():
            result.undecided += 1
            continue
        try:
            decision = _decision(cells, curator, claims or {}, stamp)
            validate(decision)
        except CurationError as exc:
            errors.append(f"{where}:{start}: {exc}")
            continue
        if decision in seen:
            result.duplicates += 1
            continue
        seen.add(decision)
        result.decisions.append(decision)
    if errors:
        shown = "; ".join(errors[:3]) + (f"; ... and {len(errors) - 3} more" if len(errors) > 3 else "")
        raise CurationError(f"{len(errors)} bad row(s), nothing imported: {shown}")
    return result


def _decision(cells: Mapping[str, str], curator: str | None, claims: Mapping[str, AssembledClaim],
              stamp: str) -> Curation:
    claim_id = cells["claim_id"].strip().lower()
    known = claims.get(claim_id)
    decision = _enum(Decision, cells["decision"], "decision")
    subject, predicate, obj = claim_text(known.claim) if known else ("", "", "")
    corrected = None
    if decision is Decision.CORRECTED:
        corrected = _corrected(cells, known.claim if known else None)
    return Curation(
        claim_id=claim_id, decision=decision,
        curator=cells.get("curator", "") or (curator or ""),
        timestamp=cells.get("timestamp", "") or stamp,
        subject=cells.get("subject", "") or subject, predicate=cells.get("predicate", "") or predicate,
        object=cells.get("object", "") or obj, note=cells.get("note", ""),
        error_tag=_enum(ErrorTag, cells.get("error_tag", ""), "error_tag"),
        corrected=corrected, evidence_id=cells.get("evidence_id", "").strip().lower() or None,
        certainty=_enum(Certainty, cells.get("certainty", ""), "certainty"))


def _corrected(cells: Mapping[str, str], original: Claim | None) -> Claim:
    def get(name: str) -> str:
        return cells.get("corrected_" + name, "")

    def concept(role: str) -> Concept:
        old: Concept | None = getattr(original, role) if original else None
        curie = get(role).strip() or (old.curie if old else "")
        if not curie:
            raise CurationError(f"corrected_{role} is empty and the claim is unknown")
        same = old is not None and old.curie == curie
        label = get(role + "_label") or (old.label if same and old else "")
        kind = _enum(EntityType, get(role + "_type"), f"corrected_{role}_type")
        return Concept(curie, label, kind or (old.type if same and old else EntityType.OTHER))

    predicate = _enum(Predicate, get("predicate"), "corrected_predicate") or (original.predicate if original else None)
    if predicate is None:
        raise CurationError("corrected_predicate is empty and the claim is unknown")
    negated_text = get("negated").strip().lower()
    if negated_text not in _TRUE + _FALSE:
        raise CurationError(f"corrected_negated {negated_text!r} is not true/false")
    negated = negated_text in _TRUE if negated_text else (original.negated if original else False)
    any_context = any(f"corrected_{n}" in cells for n in _CONTEXT)
    if any_context:
        context = Context(**{n: get(n).strip() or None for n in _CONTEXT})
    else:
        context = original.context if original else Context()
    return Claim(concept("subject"), predicate, concept("object"), negated, context)


def _enum(kind, text: str, column: str):  # type: ignore[no-untyped-def]
    text = text.strip()
    if not text:
        return None
    try:
        return kind(text.lower())
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise CurationError(f"{column} {text!r} is not one of: {allowed}") from None


def import_tsv(path: Path, log: DecisionLog, *, curator: str | None = None,
               claims: Mapping[str, AssembledClaim] | None = None) -> TsvImport:
    """Validate every row of ``path``, then append all new decisions to ``log`` in one write."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CurationError("no such file", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise CurationError(f"not UTF-8 (byte {exc.start + 1})", where=str(path),
                            hint="save the sheet as UTF-8 TSV") from None
    result = read_tsv(io.StringIO(text, newline=""), where=str(path), curator=curator, claims=claims,
                      existing=log.read())
    log.extend(result.decisions)
    return result
