"""BioC XML and BioC JSON (a collection, a bare list, one document, JSON Lines, or PubTator3's
``{"PubTator3": [...]}`` wrapper): passages become title + sections, annotations keep their CURIEs, and
relations name annotations either by identifier (BioRED's ``entity1``/``entity2`` infons) or through node
``refid``s, which resolve to the annotations' CURIEs (a ref to no annotation is a record error).

BioC XML is streamed document by document with ``iterparse``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Annotation, Document, ProvidedRelation, Section, SourceLocation, document_id
from kg.sources.common import (Item, annotation_curies, check_pmid, clean_doi, clean_pmcid, iter_lines,
                               iter_xml_records, known_ids, relation_curie, squash)

TITLE_TYPES = {"title", "front", "title_1"}


@dataclass
class _Ann:
    id: str
    infons: dict[str, str]
    text: str
    locations: list[tuple[int, int]]


@dataclass
class _Passage:
    infons: dict[str, str]
    offset: int
    text: str
    annotations: list[_Ann] = field(default_factory=list)


@dataclass
class _Rel:
    id: str
    infons: dict[str, str]
    nodes: list[tuple[str, str]]


# ---------------------------------------------------------------------------------------------- XML


def read_xml(stream: BinaryIO, where: str) -> Iterator[Item]:
    for number, elem in iter_xml_records(stream, where, {"collection", "document"}, {"document"}, "BioC XML"):
        place = f"{where}#document {number}"
        try:
            yield _build(*_xml_document(elem, place), place, SourceLocation(where, f"document {number}", "bioc-xml"))
        except SourceError as exc:
            yield exc


def _infons(elem: ET.Element) -> dict[str, str]:
    return {i.get("key", ""): (i.text or "") for i in elem.findall("infon")}


def _xml_document(elem: ET.Element, place: str) -> tuple[str, dict[str, str], list[_Passage], list[_Rel]]:
    passages = []
    for p in elem.findall("passage"):
        anns = [_xml_ann(a, place) for a in p.findall("annotation")]
        passages.append(_Passage(_infons(p), _int(p.findtext("offset", "0"), place), p.findtext("text") or "", anns))
    relations = [_Rel(r.get("id", ""), _infons(r), [(n.get("refid", ""), n.get("role", "")) for n in r.findall("node")])
                 for r in elem.iter("relation")]
    return (elem.findtext("id") or "").strip(), _infons(elem), passages, relations


def _xml_ann(elem: ET.Element, place: str) -> _Ann:
    locations = [(_int(loc.get("offset"), place), _int(loc.get("length"), place)) for loc in elem.findall("location")]
    return _Ann(elem.get("id", ""), _infons(elem), elem.findtext("text") or "", locations)


# --------------------------------------------------------------------------------------------- JSON


def read_json(stream: BinaryIO, where: str) -> Iterator[Item]:
    """BioC JSON. When the first line is a complete JSON value, the file is JSON Lines (PubTator3 export)
    and is streamed one line at a time; otherwise the file is one JSON value."""
    number = 0
    for line, value in _json_values(stream, where):
        if isinstance(value, SourceError):  # one damaged JSON Lines record: the others are still read
            yield value
            continue
        try:
            docs = _json_documents(value, f"{where}:{line}")
        except SourceError as exc:
            yield exc
            continue
        for doc in docs:
            number += 1
            place = f"{where}#document {number}"
            try:
                yield _build(*_json_document(doc, place), place,
                             SourceLocation(where, f"document {number}", "bioc-json"))
            except SourceError as exc:
                yield exc


def _json_values(stream: BinaryIO, where: str) -> Iterator[tuple[int, Any]]:
    lines = iter_lines(stream, where)
    first: tuple[int, str] | None = None
    for number, text in lines:
        if text.strip():
            first = (number, text)
            break
    if first is None:
        raise SourceError("empty JSON file", where=where)
    try:
        value = json.loads(first[1])
    except json.JSONDecodeError:
        value = None
    if value is not None and isinstance(value, (dict, list)):
        yield first[0], value
        for number, text in lines:
            if text.strip():
                yield number, _loads(text, f"{where}:{number}")
        return
    text = "\n" * (first[0] - 1) + first[1] + "\n" + "\n".join(t for _, t in lines)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"damaged JSON ({exc.msg})", where=f"{where}:{exc.lineno}:{exc.colno}") from None
    yield first[0], whole


def _loads(text: str, place: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceError(f"damaged JSON Lines record ({exc.msg})", where=f"{place}:{exc.colno}")


def _json_documents(value: Any, place: str) -> list[Any]:
    if isinstance(value, dict) and "PubTator3" in value:
        value = value["PubTator3"]
    if isinstance(value, dict) and "documents" in value:
        value = value["documents"]
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise SourceError("not BioC JSON: expected a collection, a document or a list of documents", where=place)
    return value


def _json_document(doc: Any, place: str) -> tuple[str, dict[str, str], list[_Passage], list[_Rel]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("passages"), list):
        raise SourceError("not a BioC document (no passages list)", where=place)
    passages = []
    for p in doc["passages"]:
        if not isinstance(p, dict):
            raise SourceError("a passage is not an object", where=place)
        anns = []
        for a in p.get("annotations") or []:
            if not isinstance(a, dict):
                raise SourceError("an annotation is not an object", where=place)
            locs = [(_int(loc.get("offset"), place), _int(loc.get("length"), place))
                    for loc in (a.get("locations") or []) if isinstance(loc, dict)]
            anns.append(_Ann(str(a.get("id", "")), _str_dict(a.get("infons")), str(a.get("text") or ""), locs))
        passages.append(_Passage(_str_dict(p.get("infons")), _int(p.get("offset", 0), place), str(p.get("text") or ""),
                                 anns))
    relations = []
    for r in doc.get("relations") or []:
        if not isinstance(r, dict):
            raise SourceError("a relation is not an object", where=place)
        nodes = [(str(n.get("refid", "")), str(n.get("role", "")))
                 for n in (r.get("nodes") or []) if isinstance(n, dict)]
        relations.append(_Rel(str(r.get("id", "")), _str_dict(r.get("infons")), nodes))
    return str(doc.get("id", "")).strip(), _str_dict(doc.get("infons")), passages, relations


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


# -------------------------------------------------------------------------------------------- shared


def _int(value: Any, place: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise SourceError(f"offset/length {value!r} is not a number", where=place) from None


def _build(doc_id: str, infons: dict[str, str], passages: list[_Passage], relations: list[_Rel], place: str,
           source: SourceLocation) -> Document:
    """Passages → title + sections with offsets remapped into ``Document.text``; annotations checked."""
    title_passage = next((p for p in passages if _ptype(p) in TITLE_TYPES), None)
    title = title_passage.text if title_passage else ""
    body = [p for p in passages if p is not title_passage and p.text]
    sections, starts = [], {}
    pos = len(title) + 1
    if title_passage is not None:
        starts[id(title_passage)] = 0
    for p in body:
        starts[id(p)] = pos
        label = p.infons.get("section_type") or ("" if _ptype(p) in ("abstract", "paragraph", "") else _ptype(p))
        sections.append(Section(text=p.text, label=label.upper() if label and label.upper() != "ABSTRACT" else None))
        pos += len(p.text) + 1
    text = "\n".join([title, *(s.text for s in sections)])
    annotations, by_ann, pairs = [], {}, []
    for p in passages:
        if id(p) not in starts:
            if p.annotations:
                raise SourceError(f"annotations in a passage without text (offset {p.offset})", where=place)
            continue
        for a in p.annotations:
            kind = a.infons.get("type", "")
            raw = _identifier(a.infons)
            if not a.locations:
                raise SourceError(f"annotation {a.id!r} has no location", where=place)
            offset, length = a.locations[0]
            begin = starts[id(p)] + offset - p.offset
            end = begin + length
            if not (starts[id(p)] <= begin < end <= starts[id(p)] + len(p.text)):
                raise SourceError(f"annotation {a.id!r}: offsets {offset}+{length} fall outside its passage",
                                  where=place)
            if len(a.locations) == 1 and text[begin:end] != a.text:
                raise SourceError(f"annotation {a.id!r}: offsets {offset}+{length} cover {text[begin:end]!r}, "
                                  f"not {a.text!r}", where=place)
            curies = annotation_curies(raw, kind)
            annotations.append(Annotation(start=begin, end=end, text=text[begin:end], type=kind, identifiers=curies))
            by_ann[a.id] = curies[0] if curies else ""
            pairs.append((raw or "", kind))
    known = known_ids(pairs)
    rels = []
    for r in relations:
        if r.nodes:
            args = []
            for refid, _role in r.nodes[:2]:
                if refid not in by_ann:
                    raise SourceError(f"relation {r.id!r} refers to annotation {refid!r}, which does not exist",
                                      where=place)
                args.append(by_ann[refid])
            if len(args) < 2:
                raise SourceError(f"relation {r.id!r} has fewer than two nodes", where=place)
        else:
            e1 = r.infons.get("entity1") or r.infons.get("Entity1")
            e2 = r.infons.get("entity2") or r.infons.get("Entity2")
            if not e1 or not e2:
                raise SourceError(f"relation {r.id!r} names no arguments (entity1/entity2 or nodes)", where=place)
            args = [relation_curie(e1, known), relation_curie(e2, known)]
        rels.append(ProvidedRelation(type=r.infons.get("type", "") or r.infons.get("relation", ""), arg1=args[0],
                                     arg2=args[1], novel=r.infons.get("novel") or None))
    pmid, doi, pmcid = _ids(doc_id, infons, place)
    return Document(id=document_id(pmid=pmid, doi=doi, pmcid=pmcid, text=text), title=title,
                    abstract=tuple(sections), pmid=pmid, doi=doi, pmcid=pmcid, journal=infons.get("journal") or None,
                    annotations=tuple(annotations), relations=tuple(rels), source=source)


def _ptype(p: _Passage) -> str:
    return (p.infons.get("type") or p.infons.get("section_type") or "").strip().lower()


def _identifier(infons: dict[str, str]) -> str | None:
    for key in ("identifier", "Identifier", "MESH", "NCBI Gene", "NCBI Taxonomy", "CUI", "database_id"):
        if infons.get(key):
            return infons[key]
    return None


def _ids(doc_id: str, infons: dict[str, str], place: str) -> tuple[str | None, str | None, str | None]:
    pmid = infons.get("article-id_pmid") or infons.get("pmid")
    pmcid = clean_pmcid(infons.get("article-id_pmc") or infons.get("pmcid"))
    doi = clean_doi(infons.get("article-id_doi") or infons.get("doi"))
    if doc_id.isdigit():
        pmid = pmid or doc_id
    elif clean_pmcid(doc_id):
        pmcid = pmcid or clean_pmcid(doc_id)
    elif doc_id and not pmid and not doi:
        raise SourceError(f"document id {squash(doc_id)[:40]!r} is neither a PMID nor a PMCID", where=place)
    return check_pmid(pmid, place), doi, pmcid
