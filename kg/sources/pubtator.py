"""PubTator: ``PMID|t|title``, ``PMID|a|abstract``, then tab-separated annotation lines
(``PMID start end text type identifiers``) and BioRED relation lines (``PMID type id1 id2 [novel]``).

PubTator offsets count over ``title + " " + abstract``; ``Document.text`` is ``title + "\\n" + abstract``, so
offsets are remapped (title and abstract keep their lengths, the separator is one character in both).
Every annotation is checked to cover exactly its text; one that does not is a record error.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Annotation, Document, ProvidedRelation, Section, SourceLocation, document_id
from kg.sources.common import Item, annotation_curies, check_pmid, iter_lines, known_ids, relation_curie

FORMAT = "pubtator"


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    lines: list[tuple[int, str]] = []
    for number, line in iter_lines(stream, where):
        if not line.strip():
            if lines:
                yield _record(lines, where)
                lines = []
            continue
        lines.append((number, line))
    if lines:
        yield _record(lines, where)


def _record(lines: list[tuple[int, str]], where: str) -> Item:
    try:
        return _document(lines, where)
    except SourceError as exc:
        return exc


def _document(lines: list[tuple[int, str]], where: str) -> Document:
    start = lines[0][0]
    record = f"{where}:{start}"
    title = abstract = None
    pmid_raw = None
    annotations: list[tuple[int, list[str]]] = []
    relations: list[tuple[int, list[str]]] = []
    for number, line in lines:
        place = f"{where}:{number}"
        head = line.split("|", 2)
        if len(head) == 3 and head[1] in ("t", "a") and "\t" not in head[0]:
            pmid_raw = _same_pmid(pmid_raw, head[0], place)
            if head[1] == "t":
                title = head[2]
            else:
                abstract = head[2]
            continue
        cols = line.split("\t")
        if len(cols) >= 6 and cols[1].strip().lstrip("-").isdigit():
            annotations.append((number, cols))
        elif len(cols) in (4, 5) and not cols[1].strip().isdigit():
            relations.append((number, cols))
        else:
            raise SourceError(f"expected an annotation (6 tab-separated columns) or a relation (4-5), "
                              f"got {len(cols)} column(s)", where=place)
        pmid_raw = _same_pmid(pmid_raw, cols[0], place)
    if title is None:
        raise SourceError("record has no title line (PMID|t|...)", where=record)
    pmid = check_pmid(pmid_raw, record)
    abstract = abstract or ""
    text = title + "\n" + abstract
    anns = []
    for number, cols in annotations:
        place = f"{where}:{number}"
        begin, end = int(cols[1]), _int(cols[2], place)
        if not 0 <= begin < end <= len(text):
            raise SourceError(f"bad offsets {begin}-{end} (the text is {len(text)} characters)", where=place)
        if text[begin:end] != cols[3]:
            raise SourceError(f"offsets {begin}-{end} cover {text[begin:end]!r}, not {cols[3]!r}", where=place)
        anns.append(Annotation(start=begin, end=end, text=cols[3], type=cols[4],
                               identifiers=annotation_curies(cols[5], cols[4])))
    known = known_ids([(cols[5], cols[4]) for _, cols in annotations])
    rels = tuple(ProvidedRelation(type=c[1], arg1=relation_curie(c[2], known), arg2=relation_curie(c[3], known),
                                  novel=c[4] if len(c) > 4 and c[4] else None) for _, c in relations)
    sections = (Section(text=abstract),) if abstract else ()
    return Document(id=document_id(pmid=pmid, text=text), title=title, abstract=sections, pmid=pmid,
                    annotations=tuple(anns), relations=rels, source=SourceLocation(where, f"line {start}", FORMAT))


def _same_pmid(current: str | None, value: str, place: str) -> str:
    value = value.strip()
    if current is not None and value != current:
        raise SourceError(f"line belongs to {value!r}, not to the record {current!r} (missing blank line?)",
                          where=place)
    return value


def _int(value: str, place: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SourceError(f"offset {value!r} is not a number", where=place) from None
