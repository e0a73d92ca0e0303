"""MEDLINE / ``.nbib`` text (PubMed's "Save → PubMed format", citation managers' export).

Records are separated by blank lines; a field is ``TAG - value`` (tag left-justified in four columns) and
continues on lines indented by six spaces. Read line by line, so any file size streams.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Document, Reference, Section, SourceLocation, document_id
from kg.sources.common import Item, check_pmid, clean_doi, clean_pmcid, iter_lines, parse_date_text, squash, year_of

FORMAT = "medline"
FIELD = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
#: a structured-abstract label as NLM writes it inside AB: "BACKGROUND: ", "MATERIALS AND METHODS: "
LABEL = re.compile(r"(?:^|(?<=[.!?)\]]\s))([A-Z][A-Z0-9 ,/&()'-]{2,60}):\s")


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    fields: list[tuple[str, str]] = []
    start = 0
    for number, line in iter_lines(stream, where):
        if not line.strip():
            if fields:
                yield _record(fields, where, start)
                fields = []
            continue
        if line.startswith("      ") or line.startswith("\t"):  # continuation
            if not fields:
                yield SourceError("continuation line outside a field", where=f"{where}:{number}")
                continue
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = FIELD.match(line)
        if not match:
            if fields:  # a record continues with a line that is no field: the record is broken
                yield SourceError(f"not a MEDLINE field: {line.strip()[:40]!r}", where=f"{where}:{number}")
                fields = [("__bad__", "")]
            else:
                yield SourceError(f"not a MEDLINE field: {line.strip()[:40]!r}", where=f"{where}:{number}")
            continue
        if not fields:
            start = number
        fields.append((match.group(1), match.group(2).strip()))
    if fields:
        yield _record(fields, where, start)


def _record(fields: list[tuple[str, str]], where: str, line: int) -> Item:
    place = f"{where}:{line}"
    if any(tag == "__bad__" for tag, _ in fields):
        return SourceError("record skipped: it contains a line that is not a MEDLINE field", where=place)
    try:
        return _document(fields, place, SourceLocation(where, f"line {line}", FORMAT))
    except SourceError as exc:
        return exc


def _document(fields: list[tuple[str, str]], place: str, source: SourceLocation) -> Document:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(squash(value))

    def one(tag: str) -> str | None:
        return values.get(tag, [None])[0]

    pmid = check_pmid(one("PMID"), place)
    doi = pmcid = None
    for value in values.get("LID", []) + values.get("AID", []):
        if value.endswith("[doi]") and not doi:
            doi = clean_doi(value[:-5])
        if value.endswith("[pmc]") and not pmcid:
            pmcid = clean_pmcid(value[:-5])
    pmcid = pmcid or clean_pmcid(one("PMC"))
    title = one("TI") or one("BTI") or ""
    abstract = split_structured(one("AB") or "")
    if not (pmid or doi or title):
        raise SourceError("record has no PMID, DOI or title", where=place)
    date = parse_date_text(one("DP")) or parse_date_text(one("DEP"))
    authors = tuple(values.get("AU", [])) or tuple(values.get("CN", []))
    mesh = tuple(dict.fromkeys(_mesh(v) for v in values.get("MH", [])))
    refs = tuple(_reference(v) for v in values.get("RF", []))  # non-standard, but some exports carry it
    text = "\n".join([title, *(s.text for s in abstract)])
    return Document(id=document_id(pmid=pmid, doi=doi, pmcid=pmcid, text=text), title=title, abstract=abstract,
                    pmid=pmid, doi=doi, pmcid=pmcid, authors=authors, journal=one("TA") or one("JT"),
                    year=year_of(date), date=date, publication_types=tuple(values.get("PT", [])),
                    mesh_headings=mesh, keywords=tuple(values.get("OT", [])), references=refs, source=source)


def split_structured(text: str) -> tuple[Section, ...]:
    """``BACKGROUND: ... METHODS: ...`` → labelled sections (MEDLINE flattens structured abstracts)."""
    text = squash(text)
    if not text:
        return ()
    matches = list(LABEL.finditer(text))
    if not matches or matches[0].start() != 0:
        return (Section(text=text),)
    sections = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end():end].strip()
        if body:
            sections.append(Section(text=body, label=match.group(1).strip()))
    return tuple(sections)


def _mesh(value: str) -> str:
    """``Neoplastic Stem Cells/*metabolism`` → ``Neoplastic Stem Cells`` (the descriptor name)."""
    return value.split("/", 1)[0].lstrip("*").strip()


def _reference(value: str) -> Reference:
    pmid = re.search(r"\bPMID:?\s*(\d+)", value)
    doi = re.search(r"\b(10\.\d{4,9}/\S+)", value)
    return Reference(pmid=pmid.group(1) if pmid else None, doi=clean_doi(doi.group(1)) if doi else None,
                     citation=value)
