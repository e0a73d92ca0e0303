"""The RDF shape of the graph: model objects ⇄ quads. The ONLY module that knows it (see docs/graph.md).

Why quads as N-Quads term strings: every consumer wants text in the end (Oxigraph's loaders, a SPARQL
``INSERT DATA`` to a remote endpoint, the canonical exports), string formatting is the cheapest thing
Python can do per triple (issue 7 loads 1M claims), and a tuple of strings is hashable and sorts into a
canonical order. No blank nodes are ever emitted: every node has an IRI derived from content, so the same
input gives byte-identical triples.

A :data:`Quad` is ``(subject, predicate, object, graph)``, each an N-Triples term (``<iri>`` or a
literal such as ``"0.5"^^<…#double>``). The reverse direction (``*_from_quads``) reads pyoxigraph
quads (from a store, or :func:`parse_nquads`) back into model objects; RDF is unordered, so collections
come back in a canonical order (claims and evidence by ID, mentions by offset, keyword-like lists sorted).

Class and property IRIs follow ``ontology/README.md`` (igfkg.ttl); the few extra record properties used
only for lossless round trips (``igfkg:position``, mention/grounding/section/citation nodes) are ours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote, unquote

from kg import vocab
from kg.model import (AssembledClaim, Annotation, Certainty, Claim, Concept, Context, Curation, CurationStatus,
                      Decision, Document, DocumentExtraction, EntityType, ErrorTag, Evidence, Grounding, Mention,
                      Predicate, Reference, Section, content_hash)

Quad = tuple[str, str, str, str]

# ------------------------------------------------------------------------------------------- vocabulary

O = vocab.ONTOLOGY
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
FABIO = "http://purl.org/spar/fabio/"
CITO = "http://purl.org/spar/cito/"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBO = "http://purl.obolibrary.org/obo/"
BIOLINK = "https://w3id.org/biolink/vocab/"

ECO_AUTOMATIC = OBO + "ECO_0000203"  # automatic assertion (a claim no human reviewed)
ECO_TEXT_MINING = OBO + "ECO_0007669"  # computational evidence used in automatic assertion
ECO_MANUAL = OBO + "ECO_0000218"  # manual assertion (a curator reviewed it)


def _t(iri: str) -> str:
    return "<" + iri + ">"


A = _t(RDF + "type")
LABEL = _t(RDFS + "label")
COMMENT = _t(RDFS + "comment")
VALUE = _t(RDF + "value")
SAME_AS = _t("http://www.w3.org/2002/07/owl#sameAs")


class P:
    """Property terms of shared vocabularies (N-Triples form)."""

    title, abstract, date = (_t(DCT + n) for n in ("title", "abstract", "date"))
    creator, is_part_of, citation_text = _t(DCT + "creator"), _t(DCT + "isPartOf"), _t(DCT + "bibliographicCitation")
    pmid, pmcid, year = _t(FABIO + "hasPubMedId"), _t(FABIO + "hasPubMedCentralId"), _t(FABIO + "hasPublicationYear")
    doi, journal, keyword = _t(PRISM + "doi"), _t(PRISM + "publicationName"), _t(PRISM + "keyword")
    cites, citing, cited = _t(CITO + "cites"), _t(CITO + "hasCitingEntity"), _t(CITO + "hasCitedEntity")
    derived, generated, used = _t(PROV + "wasDerivedFrom"), _t(PROV + "wasGeneratedBy"), _t(PROV + "used")
    associated, started, ended = _t(PROV + "wasAssociatedWith"), _t(PROV + "startedAtTime"), _t(PROV + "endedAtTime")
    exact_match, alt_label, broader = _t(SKOS + "exactMatch"), _t(SKOS + "altLabel"), _t(SKOS + "broader")


def _o(name: str) -> str:
    return _t(O + name)


class I:
    """igfkg: ontology property terms (N-Triples form)."""

    position, publication_type, mesh_heading = _o("position"), _o("publicationType"), _o("meshHeading")
    subject, predicate, object, negated = _o("subject"), _o("predicate"), _o("object"), _o("negated")
    cell_type, disease, species, cell_line = (_o(n) for n in (
        "cellTypeContext", "diseaseContext", "speciesContext", "cellLineContext"))
    from_document, document_id, content_hash = _o("fromDocument"), _o("documentId"), _o("contentHash")
    subject_text, object_text, curator, note, decided_at = (_o(n) for n in (
        "subjectText", "objectText", "curator", "note", "decidedAt"))
    has_evidence, supports, sentence, section = _o("hasEvidence"), _o("supports"), _o("sentence"), _o("section")
    sentence_start, sentence_end = _o("sentenceStart"), _o("sentenceEnd")
    subject_start, subject_end, object_start, object_end = (_o(n) for n in (
        "subjectStart", "subjectEnd", "objectStart", "objectEnd"))
    trigger_start, trigger_end = _o("triggerStart"), _o("triggerEnd")
    certainty, rule, extractor_version, confidence = _o("certainty"), _o("rule"), _o("extractorVersion"), _o("confidence")
    evidence_source, evidence_type, assertion_method = _o("evidenceSource"), _o("evidenceType"), _o("assertionMethod")
    tool_version, model = _o("toolVersion"), _o("model")
    in_document, start, end, text = _o("inDocument"), _o("start"), _o("end"), _o("text")
    entity_type, mention_source, grounding_of, grounded_to = (_o(n) for n in (
        "entityType", "mentionSource", "groundingOf", "groundedTo"))
    score, reason, matched = _o("score"), _o("reason"), _o("matched")
    belief, supporting, contradicting = _o("belief"), _o("supportingPapers"), _o("contradictingPapers")
    conflicts_with, status, corrects, curation = _o("conflictsWith"), _o("status"), _o("corrects"), _o("curation")
    decision, about_claim, about_evidence, error_tag = (_o(n) for n in (
        "decision", "aboutClaim", "aboutEvidence", "errorTag"))
    recorded_subject, recorded_predicate, recorded_object = (_o(n) for n in (
        "recordedSubject", "recordedPredicate", "recordedObject"))
    corrected_claim, curator_certainty, annotation_type, annotation_id = (_o(n) for n in (
        "correctedClaim", "curatorCertainty", "annotationType", "annotationIdentifier"))


class C:
    """Classes (N-Triples form)."""

    claim, evidence, mention, grounding = _o("Claim"), _o("Evidence"), _o("Mention"), _o("Grounding")
    extraction, curation, section, annotation = (_o(n) for n in (
        "ExtractionActivity", "CurationActivity", "AbstractSection", "Annotation"))
    document, decision, extractor, curator = (_o(n) for n in ("Document", "CurationDecision", "Extractor", "Curator"))
    association = _t(BIOLINK + "Association")
    activity, agent, person, software = (_t(PROV + n) for n in ("Activity", "Agent", "Person", "SoftwareAgent"))
    article, expression, citation = _t(FABIO + "JournalArticle"), _t(FABIO + "Expression"), _t(CITO + "Citation")
    dct_agent = _t(DCT + "Agent")


#: EntityType → ontology class local name
ENTITY_CLASS: dict[EntityType, str] = {
    EntityType.GENE: "Gene", EntityType.PROTEIN_FAMILY: "ProteinFamily", EntityType.COMPLEX: "Complex",
    EntityType.ISOFORM: "Isoform", EntityType.DRUG: "Drug", EntityType.ANTIBODY: "Antibody",
    EntityType.CELL_TYPE: "CellType", EntityType.PROCESS: "BiologicalProcess", EntityType.PATHWAY: "Pathway",
    EntityType.DISEASE: "Disease", EntityType.CELL_LINE: "CellLine", EntityType.SPECIES: "Species",
    EntityType.VARIANT: "Variant", EntityType.OTHER: "Entity",
}
_ENTITY_FROM = {_o(v): k for k, v in ENTITY_CLASS.items()}

# ------------------------------------------------------------------------------------------- term helpers

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\%#\[\]]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESC_RE = re.compile(r'[\\"\n\r]')


def _quote_local(local: str) -> str:
    return _IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), local) if _IRI_UNSAFE.search(local) else local


def lit(value: str) -> str:
    """A plain string literal in N-Triples form."""
    return '"' + _ESC_RE.sub(lambda m: _ESCAPES[m.group(0)], value) + '"'


def _enum(value: Any) -> str:
    """Enum values are plain string literals ("asserted", "accepted", ...), as the ontology declares."""
    return '"' + value.value + '"'


def typed(value: str, datatype: str) -> str:
    return lit(value) + "^^<" + datatype + ">"


def integer(value: int) -> str:
    return '"' + str(int(value)) + '"^^<' + XSD + 'integer>'


def count(value: int) -> str:
    return '"' + str(int(value)) + '"^^<' + XSD + 'nonNegativeInteger>'


def double(value: float) -> str:
    return '"' + repr(float(value)) + '"^^<' + XSD + 'double>'


def boolean(value: bool) -> str:
    return '"true"^^<' + XSD + 'boolean>' if value else '"false"^^<' + XSD + 'boolean>'


@lru_cache(maxsize=None)
def _namespaces() -> list[tuple[str, str]]:
    """(IRI prefix, CURIE prefix), longest IRI prefix first, for IRI → CURIE."""
    return sorted(((iri, p) for p, iri in vocab.PREFIX_MAP.items()), key=lambda x: -len(x[0]))


ENTITY_FALLBACK = vocab.BASE + "entity/"


@lru_cache(maxsize=1 << 16)
def entity_iri(curie: str) -> str:
    """The community IRI of a CURIE; a CURIE with an unknown prefix gets an igfkg entity IRI (reversible)."""
    try:
        prefix, _, local = vocab.normalize_curie(curie).partition(":")
    except ValueError:
        return ENTITY_FALLBACK + quote(curie, safe=":")
    return vocab.PREFIX_MAP[prefix] + _quote_local(local)


@lru_cache(maxsize=1 << 16)
def curie_of(iri: str) -> str:
    """Inverse of :func:`entity_iri`."""
    if iri.startswith(ENTITY_FALLBACK):
        return unquote(iri[len(ENTITY_FALLBACK):])
    for ns, prefix in _namespaces():
        if iri.startswith(ns) and prefix not in ("claim", "evidence"):
            return prefix + ":" + unquote(iri[len(ns):])
    raise ValueError(f"no CURIE prefix for IRI {iri}")


def _e(curie: str) -> str:
    return "<" + entity_iri(curie) + ">"


def claim_iri(claim_id: str) -> str:
    return vocab.CLAIM + claim_id


def evidence_iri(evidence_id: str) -> str:
    return vocab.EVIDENCE + evidence_id


def curation_iri(curation_id: str) -> str:
    return vocab.CURATION + curation_id


def agent_iri(name: str) -> str:
    return vocab.AGENT + quote(name, safe="")


def _doc_node(doc_id: str, kind: str, key: object) -> str:
    return "<" + vocab.DOCUMENT + quote(doc_id, safe=":") + "/" + kind + "/" + str(key) + ">"


_DATE_TYPES = ((re.compile(r"^\d{4}$"), "gYear"), (re.compile(r"^\d{4}-\d{2}$"), "gYearMonth"),
               (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"))


def _date(value: str) -> str:
    for pattern, dt in _DATE_TYPES:
        if pattern.match(value):
            return typed(value, XSD + dt)
    return lit(value)


# ---------------------------------------------------------------------------------------------- forward


@dataclass(frozen=True)
class Activity:
    """The extraction run that generated a document's claims (PROV-O). Passed by the caller so its IRI and
    time are reproducible; :func:`extraction_activity` derives one from the extraction itself."""

    id: str
    extractor_version: str = ""
    tool_version: str = ""
    model: str = ""
    started: str | None = None  # ISO 8601 UTC; None: not recorded (keeps committed exports stable)

    @property
    def iri(self) -> str:
        return vocab.ACTIVITY + self.id


def extraction_activity(ex: DocumentExtraction, *, tool_version: str | None = None, model: str = "",
                        started: str | None = None) -> Activity:
    """A reproducible activity for ``ex``: its IRI hashes the document content and extractor version."""
    if tool_version is None:
        from kg import __version__

        tool_version = "igfkg " + __version__
    aid = content_hash("extraction", ex.document.id, ex.document.content_hash, ex.extractor_version,
                       tool_version, model)
    return Activity(aid, ex.extractor_version, tool_version, model, started)


def document_quads(doc: Document, graph: str | None = None) -> Iterator[Quad]:
    """The bibliographic record: FaBiO/DCTERMS/PRISM fields, authors, abstract sections, CiTO citations."""
    g = "<" + (graph or vocab.document_graph(doc.id)) + ">"
    d = "<" + vocab.document_iri(doc.id) + ">"
    yield d, A, C.document, g
    yield d, A, C.article if doc.journal else C.expression, g
    yield d, I.document_id, lit(doc.id), g
    yield d, I.content_hash, lit(doc.content_hash), g
    if doc.title:
        yield d, P.title, lit(doc.title), g
    if doc.abstract:
        yield d, P.abstract, lit(doc.abstract_text), g
    if len(doc.abstract) != 1 or doc.abstract[0].label is not None:
        for i, section in enumerate(doc.abstract, 1):
            s = _doc_node(doc.id, "section", i)
            yield s, A, C.section, g
            yield s, P.is_part_of, d, g
            yield s, I.position, integer(i), g
            yield s, VALUE, lit(section.text), g
            if section.label is not None:
                yield s, LABEL, lit(section.label), g
    for field_, prop in ((doc.pmid, P.pmid), (doc.doi, P.doi), (doc.pmcid, P.pmcid), (doc.journal, P.journal)):
        if field_ is not None:
            yield d, prop, lit(field_), g
    if doc.doi and not doc.id.startswith("doi:"):  # cited by DOI elsewhere: the same work
        yield d, SAME_AS, "<" + vocab.document_iri("doi:" + doc.doi) + ">", g
    if doc.year is not None:
        yield d, P.year, typed(f"{doc.year:04d}", XSD + "gYear"), g
    if doc.date is not None:
        yield d, P.date, _date(doc.date), g
    for i, name in enumerate(doc.authors, 1):
        a = _doc_node(doc.id, "author", i)
        yield d, P.creator, a, g
        yield a, A, C.dct_agent, g
        yield a, LABEL, lit(name), g
        yield a, I.position, integer(i), g
    for prop, values in ((I.publication_type, doc.publication_types), (I.mesh_heading, doc.mesh_headings),
                         (P.keyword, doc.keywords)):
        for v in dict.fromkeys(values):
            yield d, prop, lit(v), g
    for i, ref in enumerate(doc.references, 1):
        c = _doc_node(doc.id, "citation", i)
        target = ("<" + vocab.document_iri("pmid:" + ref.pmid) + ">" if ref.pmid else
                  "<" + vocab.document_iri("doi:" + ref.doi) + ">" if ref.doi else _doc_node(doc.id, "reference", i))
        yield d, P.cites, target, g
        yield c, A, C.citation, g
        yield c, P.citing, d, g
        yield c, P.cited, target, g
        yield c, I.position, integer(i), g
        for value, prop in ((ref.pmid, P.pmid), (ref.doi, P.doi), (ref.citation, P.citation_text)):
            if value is not None:
                yield c, prop, lit(value), g
    for i, ann in enumerate(doc.annotations, 1):
        n = _doc_node(doc.id, "annotation", i)
        yield n, A, C.annotation, g
        yield n, I.in_document, d, g
        yield n, I.position, integer(i), g
        yield n, I.start, integer(ann.start), g
        yield n, I.end, integer(ann.end), g
        yield n, I.text, lit(ann.text), g
        yield n, I.annotation_type, lit(ann.type), g
        for ident in ann.identifiers:
            yield n, I.annotation_id, lit(ident), g


def concept_quads(concept: Concept, g: str) -> Iterator[Quad]:
    e = _e(concept.curie)
    yield e, A, _o(ENTITY_CLASS[concept.type]), g
    if concept.label:
        yield e, LABEL, lit(concept.label), g


def claim_core_quads(claim: Claim, g: str, node: str | None = None) -> Iterator[Quad]:
    """subject/predicate/object/negation/context of a claim node, plus its arguments' labels and types."""
    c = node or "<" + claim_iri(claim.id) + ">"
    yield c, A, C.claim, g
    yield c, I.subject, _e(claim.subject.curie), g
    yield c, I.predicate, "<" + vocab.predicate_iri(claim.predicate) + ">", g
    yield c, I.object, _e(claim.object.curie), g
    yield c, I.negated, boolean(claim.negated), g
    ctx = claim.context
    for value, prop in ((ctx.cell_type, I.cell_type), (ctx.disease, I.disease), (ctx.species, I.species),
                        (ctx.cell_line, I.cell_line)):
        if value:
            yield c, prop, _e(value), g
    yield from concept_quads(claim.subject, g)
    yield from concept_quads(claim.object, g)


def evidence_quads(ev: Evidence, g: str, activity: str | None = None) -> Iterator[Quad]:
    n = "<" + evidence_iri(ev.id) + ">"
    yield n, A, C.evidence, g
    yield n, I.supports, "<" + claim_iri(ev.claim_id) + ">", g
    doc = "<" + vocab.document_iri(ev.document_id) + ">"
    yield n, I.from_document, doc, g
    yield n, P.derived, doc, g
    if activity:
        yield n, P.generated, activity, g
    yield n, I.sentence, lit(ev.sentence), g
    yield n, I.sentence_start, count(ev.sentence_start), g
    yield n, I.sentence_end, count(ev.sentence_end), g
    yield n, I.subject_start, count(ev.subject_span[0]), g
    yield n, I.subject_end, count(ev.subject_span[1]), g
    yield n, I.object_start, count(ev.object_span[0]), g
    yield n, I.object_end, count(ev.object_span[1]), g
    if ev.trigger_span is not None:
        yield n, I.trigger_start, count(ev.trigger_span[0]), g
        yield n, I.trigger_end, count(ev.trigger_span[1]), g
    for (a, b), prop in ((ev.subject_span, I.subject_text), (ev.object_span, I.object_text)):
        if ev.sentence_start <= a <= b <= ev.sentence_end:  # surface text, for people reading the graph
            yield n, prop, lit(ev.sentence[a - ev.sentence_start:b - ev.sentence_start]), g
    yield n, I.section, lit(ev.section), g
    yield n, I.certainty, _enum(ev.certainty), g
    if ev.rule:
        yield n, I.rule, lit(ev.rule), g
    if ev.extractor_version:
        yield n, I.extractor_version, lit(ev.extractor_version), g
    yield n, I.confidence, double(ev.confidence), g
    yield n, I.evidence_source, lit(ev.source), g
    yield n, I.evidence_type, "<" + (ECO_MANUAL if ev.source == "curator" else ECO_TEXT_MINING) + ">", g


def mention_iri(doc_id: str, m: Mention) -> str:
    return _doc_node(doc_id, "mention", content_hash(m.start, m.end, m.text))


def extraction_quads(ex: DocumentExtraction, activity: Activity | None = None, *, graph: str | None = None,
                     mentions: bool = True) -> Iterator[Quad]:
    """One document's extraction: the activity (PROV-O), mentions with groundings, claims, evidence."""
    doc = ex.document
    g = "<" + (graph or vocab.document_graph(doc.id)) + ">"
    d = "<" + vocab.document_iri(doc.id) + ">"
    act = activity or extraction_activity(ex)
    a = "<" + act.iri + ">"
    yield a, A, C.activity, g
    yield a, A, C.extraction, g
    yield a, P.used, d, g
    if act.extractor_version:
        yield a, I.extractor_version, lit(act.extractor_version), g
    if act.tool_version:
        yield a, I.tool_version, lit(act.tool_version), g
        agent = "<" + agent_iri(act.tool_version.split()[0]) + ">"
        yield a, P.associated, agent, g
        yield agent, A, C.extractor, g
        yield agent, A, C.software, g
        yield agent, LABEL, lit(act.tool_version.split()[0]), g
    if act.model:
        yield a, I.model, lit(act.model), g
    if act.started:
        yield a, P.started, typed(act.started, XSD + "dateTime"), g
    if mentions:
        for m in ex.mentions:
            n = mention_iri(doc.id, m)
            yield n, A, C.mention, g
            yield n, I.in_document, d, g
            yield n, P.generated, a, g
            yield n, I.start, integer(m.start), g
            yield n, I.end, integer(m.end), g
            yield n, I.text, lit(m.text), g
            yield n, I.entity_type, _o(ENTITY_CLASS[m.type]), g
            yield n, I.mention_source, lit(m.source), g
            for i, gr in enumerate(m.groundings, 1):
                gn = n[:-1] + "/grounding/" + str(i) + ">"
                yield gn, A, C.grounding, g
                yield gn, I.grounding_of, n, g
                yield gn, I.position, integer(i), g
                yield gn, I.grounded_to, _e(gr.curie), g
                yield gn, LABEL, lit(gr.label), g
                yield gn, I.entity_type, _o(ENTITY_CLASS[gr.type]), g
                yield gn, I.score, double(gr.score), g
                yield gn, I.reason, lit(gr.reason), g
                if gr.matched:
                    yield gn, I.matched, lit(gr.matched), g
                if gr.note:
                    yield gn, COMMENT, lit(gr.note), g
    for claim in ex.claims:
        yield from claim_core_quads(claim, g)
    for ev in ex.evidence:
        yield from evidence_quads(ev, g, a)


def is_curated(claim: AssembledClaim) -> bool:
    """Accepted claims and curators' corrected claims (not the machine claims they replaced)."""
    return claim.status is CurationStatus.ACCEPTED or (
        claim.status is CurationStatus.CORRECTED and claim.corrects is not None)


def assembled_quads(claims: Iterable[AssembledClaim], terms: Mapping[str, Any] | None = None, *,
                    graph: str | None = None) -> Iterator[Quad]:
    """The assembled KG: claim nodes with belief, counts, certainty, status, conflicts and evidence links;
    entity terms (label, type, synonyms, xrefs, parents from ``terms``: curie → object with ``label``,
    ``type``, ``synonyms``, ``xrefs``, ``parents`` such as :class:`kg.lexicon.Term`); and a direct
    ``<subject> igfkg:<predicate> <object>`` triple for every curated, non-negated claim."""
    g = "<" + (graph or vocab.GRAPH_KG) + ">"
    seen_terms: set[str] = set()
    for ac in claims:
        claim = ac.claim
        c = "<" + claim_iri(claim.id) + ">"
        yield from claim_core_quads(claim, g, c)
        yield c, A, C.association, g
        yield c, LABEL, lit(f"{claim.subject.label or claim.subject.curie} {'not ' if claim.negated else ''}"
                             f"{claim.predicate.label} {claim.object.label or claim.object.curie}"), g
        yield c, I.belief, double(ac.belief), g
        yield c, I.supporting, count(ac.supporting_papers), g
        yield c, I.contradicting, count(ac.contradicting_papers), g
        yield c, I.certainty, _enum(ac.certainty), g
        yield c, I.status, _enum(ac.status), g
        yield c, I.assertion_method, "<" + (ECO_MANUAL if is_curated(ac) else ECO_AUTOMATIC) + ">", g
        for other in ac.conflicts:
            yield c, I.conflicts_with, "<" + claim_iri(other) + ">", g
        for ev in ac.evidence:
            yield c, I.has_evidence, "<" + evidence_iri(ev.id) + ">", g
        for cur in ac.curations:
            yield c, I.curation, "<" + curation_iri(cur.id) + ">", g
        if ac.corrects:
            yield c, I.corrects, "<" + claim_iri(ac.corrects) + ">", g
        if is_curated(ac) and not claim.negated:
            yield _e(claim.subject.curie), "<" + vocab.predicate_iri(claim.predicate) + ">", _e(claim.object.curie), g
        for curie in (claim.subject.curie, claim.object.curie):
            if terms and curie not in seen_terms and curie in terms:
                seen_terms.add(curie)
                yield from term_quads(curie, terms[curie], g)


def term_quads(curie: str, term: Any, g: str) -> Iterator[Quad]:
    """An entity term: type, label, synonyms (``skos:altLabel``), xrefs (``skos:exactMatch``), parents
    (``skos:broader``)."""
    e = _e(curie)
    ttype = getattr(term, "type", None)
    if isinstance(ttype, EntityType):
        yield e, A, _o(ENTITY_CLASS[ttype]), g
    if getattr(term, "label", ""):
        yield e, LABEL, lit(term.label), g
    for synonym in dict.fromkeys(getattr(term, "synonyms", ()) or ()):
        yield e, P.alt_label, lit(synonym), g
    for xref in getattr(term, "xrefs", ()) or ():
        if xref != curie:
            yield e, P.exact_match, _e(xref), g
    for parent in getattr(term, "parents", ()) or ():
        yield e, P.broader, _e(parent), g


def curation_quads(decisions: Iterable[Curation], *, graph: str | None = None) -> Iterator[Quad]:
    """Curator decisions: a ``CurationDecision`` generated by a PROV-O ``CurationActivity`` associated with
    the curator agent; accepted/corrected decisions carry the ECO manual assertion; a correction carries
    the corrected claim (its core triples live in the curation graph)."""
    g = "<" + (graph or vocab.GRAPH_CURATION) + ">"
    for d in decisions:
        n = "<" + curation_iri(d.id) + ">"
        act = "<" + vocab.ACTIVITY + "curation/" + d.id + ">"
        agent = "<" + agent_iri(d.curator) + ">"
        yield n, A, C.decision, g
        yield n, P.generated, act, g
        yield act, A, C.activity, g
        yield act, A, C.curation, g
        yield act, P.associated, agent, g
        yield act, P.ended, typed(d.timestamp, XSD + "dateTime"), g
        yield agent, A, C.agent, g
        yield agent, A, C.person, g
        yield agent, A, C.curator, g
        yield agent, LABEL, lit(d.curator), g
        yield n, I.decision, _enum(d.decision), g
        yield n, I.about_claim, "<" + claim_iri(d.claim_id) + ">", g
        yield n, I.curator, lit(d.curator), g
        yield n, I.decided_at, typed(d.timestamp, XSD + "dateTime"), g
        if d.decision in (Decision.ACCEPTED, Decision.CORRECTED):
            yield n, I.assertion_method, "<" + ECO_MANUAL + ">", g
        for value, prop in ((d.subject, I.recorded_subject), (d.predicate, I.recorded_predicate),
                            (d.object, I.recorded_object), (d.note, I.note)):
            if value:
                yield n, prop, lit(value), g
        if d.error_tag is not None:
            yield n, I.error_tag, _enum(d.error_tag), g
        if d.evidence_id:
            yield n, I.about_evidence, "<" + evidence_iri(d.evidence_id) + ">", g
        certainty = getattr(d, "certainty", None)
        if certainty is not None:
            yield n, I.curator_certainty, _enum(certainty), g
        if d.corrected is not None:
            yield n, I.corrected_claim, "<" + claim_iri(d.corrected.id) + ">", g
            yield from claim_core_quads(d.corrected, g)


def ontology_quads(directory: Path | None = None, *, graph: str | None = None) -> Iterator[Quad]:
    """The ontology (``ontology/*.ttl``: igfkg.ttl, shapes) as quads of the ontology graph."""
    import pyoxigraph

    root = directory or Path(__file__).resolve().parents[1] / "ontology"
    g = "<" + (graph or vocab.GRAPH_ONTOLOGY) + ">"
    for path in sorted(root.glob("*.ttl")) if root.is_dir() else []:
        # Blank nodes get random labels from the parser and again from the store, which would make every
        # export differ; skolemize them (RDF 1.1 §3.5) by file and order of appearance so the same ontology
        # always gives the same quads and data/rdf/ diffs stay meaningful in git.
        labels: dict[str, str] = {}

        def term(node: Any, stem: str = path.stem) -> str:
            if isinstance(node, pyoxigraph.BlankNode):
                return labels.setdefault(node.value, f"<{vocab.BASE}.well-known/genid/{stem}-{len(labels)}>")
            return str(node)

        for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            yield term(t.subject), str(t.predicate), term(t.object), g


# ----------------------------------------------------------------------------------------- serialization


def nquad(q: Quad) -> str:
    return f"{q[0]} {q[1]} {q[2]} {q[3]} .\n" if q[3] else f"{q[0]} {q[1]} {q[2]} .\n"


def to_nquads(quads: Iterable[Quad], *, sort: bool = False) -> str:
    """N-Quads text; ``sort`` gives the canonical (line-sorted, duplicate-free) form."""
    lines = map(nquad, quads)
    return "".join(sorted(set(lines)) if sort else lines)


def parse_nquads(text: str | bytes) -> list[Any]:
    """pyoxigraph quads from N-Quads text (for the reverse direction and tests)."""
    import pyoxigraph

    return list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))


def to_rdflib(quads: Iterable[Quad]) -> Any:
    """An rdflib Dataset holding ``quads`` (for SHACL, isomorphism checks and tests — not the hot path)."""
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(data=to_nquads(quads), format="nquads")
    return ds


# ---------------------------------------------------------------------------------------------- reverse


class _Index:
    """subject → predicate → [objects] over pyoxigraph quads (optionally one graph)."""

    def __init__(self, quads: Iterable[Any], graph: str | None = None) -> None:
        self.po: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, set[str]] = defaultdict(set)
        for q in quads:
            if graph is not None and getattr(q.graph_name, "value", None) != graph:
                continue
            s, p = q.subject.value, q.predicate.value
            if p == RDF + "type":
                self.types[q.object.value].add(s)
            objs = self.po[s][p]
            if q.object not in objs:
                objs.append(q.object)

    def all(self, s: str, p: str) -> list[Any]:
        return self.po.get(s, {}).get(p, [])

    def one(self, s: str, p: str) -> Any:
        values = self.all(s, p)
        return values[0] if values else None

    def str(self, s: str, p: str, default: str = "") -> str:
        v = self.one(s, p)
        return v.value if v is not None else default

    def opt(self, s: str, p: str) -> str | None:
        v = self.one(s, p)
        return v.value if v is not None else None

    def int(self, s: str, p: str) -> int | None:
        v = self.one(s, p)
        return int(v.value) if v is not None else None

    def of_type(self, cls: str) -> list[str]:
        return sorted(self.types.get(cls[1:-1], ()))

    def positioned(self, nodes: Iterable[str]) -> list[str]:
        return sorted(nodes, key=lambda n: self.int(n, I.position[1:-1]) or 0)


def _v(term: str) -> str:
    return term[1:-1]


def _graph_names(quads: Sequence[Any]) -> list[str]:
    return sorted({q.graph_name.value for q in quads if hasattr(q.graph_name, "value")})


def documents_from_quads(quads: Iterable[Any], graph: str | None = None) -> list[Document]:
    """Document records (the fields :func:`document_quads` writes), sorted by ID."""
    idx = _Index(quads, graph)
    docs = []
    for d in idx.of_type(C.document):
        if idx.one(d, _v(I.document_id)) is None:
            continue
        docs.append(_document(idx, d))
    return sorted(docs, key=lambda x: x.id)


def _document(idx: _Index, d: str) -> Document:
    sections = [n for n in idx.of_type(C.section) if idx.str(n, _v(P.is_part_of)) == d]
    if sections:
        abstract = tuple(Section(idx.str(n, _v(VALUE)), idx.opt(n, _v(LABEL))) for n in idx.positioned(sections))
    elif idx.one(d, _v(P.abstract)) is not None:
        abstract = (Section(idx.str(d, _v(P.abstract))),)
    else:
        abstract = ()
    authors = tuple(idx.str(a.value, _v(LABEL)) for a in sorted(
        idx.all(d, _v(P.creator)), key=lambda a: idx.int(a.value, _v(I.position)) or 0))
    cites = [n for n in idx.of_type(C.citation) if idx.str(n, _v(P.citing)) == d]
    refs = tuple(Reference(pmid=idx.opt(n, _v(P.pmid)), doi=idx.opt(n, _v(P.doi)),
                           citation=idx.opt(n, _v(P.citation_text))) for n in idx.positioned(cites))
    anns = [n for n in idx.of_type(C.annotation) if idx.str(n, _v(I.in_document)) == d]
    annotations = tuple(Annotation(idx.int(n, _v(I.start)) or 0, idx.int(n, _v(I.end)) or 0,
                                   idx.str(n, _v(I.text)), idx.str(n, _v(I.annotation_type)),
                                   tuple(sorted(v.value for v in idx.all(n, _v(I.annotation_id)))))
                        for n in idx.positioned(anns))
    year = idx.str(d, _v(P.year))
    return Document(
        id=idx.str(d, _v(I.document_id)), title=idx.str(d, _v(P.title)), abstract=abstract,
        pmid=idx.opt(d, _v(P.pmid)), doi=idx.opt(d, _v(P.doi)),
        pmcid=idx.opt(d, _v(P.pmcid)), authors=authors, journal=idx.opt(d, _v(P.journal)),
        year=int(year) if year else None, date=idx.opt(d, _v(P.date)),
        publication_types=tuple(sorted(v.value for v in idx.all(d, _v(I.publication_type)))),
        mesh_headings=tuple(sorted(v.value for v in idx.all(d, _v(I.mesh_heading)))),
        keywords=tuple(sorted(v.value for v in idx.all(d, _v(P.keyword)))), references=refs,
        annotations=annotations)


def _concept(idx: _Index, iri: str) -> Concept:
    label = idx.str(iri, _v(LABEL))
    types = [t.value for t in idx.all(iri, RDF + "type")]
    etype = next((_ENTITY_FROM["<" + t + ">"] for t in types if "<" + t + ">" in _ENTITY_FROM), EntityType.OTHER)
    return Concept(curie_of(iri), label, etype)


def _claim(idx: _Index, c: str) -> Claim:
    ctx = {name: curie_of(idx.str(c, _v(prop))) if idx.one(c, _v(prop)) is not None else None
           for name, prop in (("cell_type", I.cell_type), ("disease", I.disease), ("species", I.species),
                              ("cell_line", I.cell_line))}
    return Claim(subject=_concept(idx, idx.str(c, _v(I.subject))),
                 predicate=vocab.predicate_from_iri(idx.str(c, _v(I.predicate))),
                 object=_concept(idx, idx.str(c, _v(I.object))),
                 negated=idx.str(c, _v(I.negated)) == "true", context=Context(**ctx))


def _span(idx: _Index, n: str, start: str, end: str) -> tuple[int, int] | None:
    a, b = idx.int(n, _v(start)), idx.int(n, _v(end))
    return None if a is None or b is None else (a, b)


def _document_id(idx: _Index, iri: str) -> str:
    """A document's ID from its record in the graph, else from its IRI (PubMed/DOI/PMC/igfkg)."""
    known = idx.str(iri, _v(I.document_id))
    if known:
        return known
    for ns, prefix in ((vocab.PREFIX_MAP["pubmed"], "pmid:"), (vocab.PREFIX_MAP["doi"], "doi:"),
                       (vocab.PREFIX_MAP["pmc"], "pmc:"), (vocab.DOCUMENT, "")):
        if iri.startswith(ns):
            return prefix + unquote(iri[len(ns):])
    return iri


def _evidence(idx: _Index, n: str, claim_id: str) -> Evidence:
    return Evidence(
        claim_id=claim_id, document_id=_document_id(idx, idx.str(n, _v(I.from_document))),
        sentence=idx.str(n, _v(I.sentence)),
        sentence_start=idx.int(n, _v(I.sentence_start)) or 0, sentence_end=idx.int(n, _v(I.sentence_end)) or 0,
        subject_span=_span(idx, n, I.subject_start, I.subject_end) or (0, 0),
        object_span=_span(idx, n, I.object_start, I.object_end) or (0, 0),
        trigger_span=_span(idx, n, I.trigger_start, I.trigger_end), section=idx.str(n, _v(I.section)),
        certainty=Certainty(idx.str(n, _v(I.certainty))), rule=idx.str(n, _v(I.rule)),
        extractor_version=idx.str(n, _v(I.extractor_version)), confidence=float(idx.str(n, _v(I.confidence), "0")),
        source=idx.str(n, _v(I.evidence_source), "text_mining"))


def _evidence_by_id(idx: _Index) -> dict[str, Evidence]:
    out = {}
    for n in idx.of_type(C.evidence):
        claim = idx.str(n, _v(I.supports))
        if claim:
            out[n] = _evidence(idx, n, claim[len(vocab.CLAIM):])
    return out


def extractions_from_quads(quads: Iterable[Any]) -> list[DocumentExtraction]:
    """One :class:`DocumentExtraction` per document graph (documents sorted by ID)."""
    quads = list(quads)
    out = []
    for graph in _graph_names(quads):
        if not graph.startswith(vocab.GRAPH_DOCUMENT_PREFIX):
            continue
        idx = _Index(quads, graph)
        docs = documents_from_quads(quads, graph)
        if not docs:
            continue
        doc = docs[0]
        d = vocab.document_iri(doc.id)
        mentions = []
        for n in idx.of_type(C.mention):
            grs = [x for x in idx.of_type(C.grounding) if idx.str(x, _v(I.grounding_of)) == n]
            groundings = tuple(Grounding(
                curie=curie_of(idx.str(x, _v(I.grounded_to))), label=idx.str(x, _v(LABEL)),
                type=_ENTITY_FROM["<" + idx.str(x, _v(I.entity_type)) + ">"], score=float(idx.str(x, _v(I.score))),
                reason=idx.str(x, _v(I.reason)), matched=idx.str(x, _v(I.matched)), note=idx.str(x, _v(COMMENT)))
                for x in idx.positioned(grs))
            mentions.append(Mention(idx.int(n, _v(I.start)) or 0, idx.int(n, _v(I.end)) or 0, idx.str(n, _v(I.text)),
                                    _ENTITY_FROM["<" + idx.str(n, _v(I.entity_type)) + ">"], groundings,
                                    idx.str(n, _v(I.mention_source), "predicted")))
        evidence = _evidence_by_id(idx)
        claims = sorted((_claim(idx, c) for c in idx.of_type(C.claim)), key=lambda c: c.id)
        activity = next((a for a in idx.of_type(C.extraction) if idx.str(a, _v(P.used)) == d), None)
        version = idx.str(activity, _v(I.extractor_version)) if activity else ""
        out.append(DocumentExtraction(
            document=doc, mentions=tuple(sorted(mentions, key=lambda m: (m.start, m.end, m.text))),
            claims=tuple(claims), evidence=tuple(sorted(evidence.values(), key=lambda e: e.id)),
            extractor_version=version))
    return sorted(out, key=lambda x: x.document.id)


def curations_from_quads(quads: Iterable[Any], graph: str | None = vocab.GRAPH_CURATION) -> list[Curation]:
    """Curator decisions, sorted by (timestamp, ID)."""
    return sorted(_curations(_Index(quads, graph)).values(), key=lambda d: (d.timestamp, d.id))


def _curations(idx: _Index) -> dict[str, Curation]:
    out = {}
    for n in idx.of_type(C.decision):
        corrected = idx.str(n, _v(I.corrected_claim))
        certainty = idx.str(n, _v(I.curator_certainty))
        error = idx.str(n, _v(I.error_tag))
        about_ev = idx.str(n, _v(I.about_evidence))
        kwargs: dict[str, Any] = dict(
            claim_id=idx.str(n, _v(I.about_claim))[len(vocab.CLAIM):],
            decision=Decision(idx.str(n, _v(I.decision))),
            curator=idx.str(n, _v(I.curator)), timestamp=idx.str(n, _v(I.decided_at)),
            subject=idx.str(n, _v(I.recorded_subject)), predicate=idx.str(n, _v(I.recorded_predicate)),
            object=idx.str(n, _v(I.recorded_object)), note=idx.str(n, _v(I.note)),
            error_tag=ErrorTag(error) if error else None,
            corrected=_claim(idx, corrected) if corrected else None,
            evidence_id=about_ev[len(vocab.EVIDENCE):] if about_ev else None)
        if certainty:
            kwargs["certainty"] = Certainty(certainty)
        out[n] = Curation(**kwargs)
    return out


def assembled_from_quads(quads: Iterable[Any], graph: str | None = None) -> list[AssembledClaim]:
    """Assembled claims of the KG graph, with evidence and curations resolved across all graphs given."""
    quads = list(quads)
    kg = _Index(quads, graph or vocab.GRAPH_KG)
    everything = _Index(quads)
    evidence = _evidence_by_id(everything)
    curations = _curations(everything)
    out = []
    for c in kg.of_type(C.claim):
        if kg.one(c, _v(I.belief)) is None:
            continue
        evs = tuple(sorted((evidence[e.value] for e in kg.all(c, _v(I.has_evidence)) if e.value in evidence),
                           key=lambda e: (e.document_id, e.sentence_start, e.sentence_end, e.id)))
        curs = tuple(sorted((curations[x.value] for x in kg.all(c, _v(I.curation)) if x.value in curations),
                            key=lambda d: (d.timestamp, d.id)))
        corrects = kg.str(c, _v(I.corrects))
        out.append(AssembledClaim(
            claim=_claim(kg, c), evidence=evs, belief=float(kg.str(c, _v(I.belief))),
            supporting_papers=kg.int(c, _v(I.supporting)) or 0,
            contradicting_papers=kg.int(c, _v(I.contradicting)) or 0,
            conflicts=tuple(sorted(x.value[len(vocab.CLAIM):] for x in kg.all(c, _v(I.conflicts_with)))),
            certainty=Certainty(kg.str(c, _v(I.certainty))),
            status=CurationStatus(kg.str(c, _v(I.status))), curations=curs,
            corrects=corrects[len(vocab.CLAIM):] if corrects else None))
    return sorted(out, key=lambda a: a.id)


# ----------------------------------------------------------------------------------------------- JSON-LD


def jsonld_context() -> dict[str, Any]:
    """The compact JSON-LD context of the graph (published as ``kg/data/context.jsonld``): the prefix map
    plus a short term for every igfkg property, with ``@id`` / datatype coercion."""
    ctx: dict[str, Any] = {}
    for prefix, ns in sorted(vocab.PREFIX_MAP.items()):
        ctx[prefix] = ns if ns[-1] in ":/?#[]@" else {"@id": ns, "@prefix": True}
    nonneg = "xsd:nonNegativeInteger"
    kinds = {"position": "xsd:integer", "start": "xsd:integer", "end": "xsd:integer", "belief": "xsd:double",
             "confidence": "xsd:double", "score": "xsd:double", "negated": "xsd:boolean",
             "decidedAt": "xsd:dateTime", **{n: nonneg for n in (
                 "sentenceStart", "sentenceEnd", "subjectStart", "subjectEnd", "objectStart", "objectEnd",
                 "triggerStart", "triggerEnd", "supportingPapers", "contradictingPapers")}}
    literal = {"publicationType", "meshHeading", "sentence", "section", "rule", "extractorVersion", "evidenceSource",
               "toolVersion", "model", "text", "mentionSource", "reason", "matched", "recordedSubject",
               "recordedPredicate", "recordedObject", "annotationType", "annotationIdentifier", "certainty",
               "status", "decision", "errorTag", "curator", "note", "documentId", "contentHash", "subjectText",
               "objectText", "curatorCertainty"}
    for name, term in sorted(vars(I).items()):
        if name.startswith("_") or not isinstance(term, str):
            continue
        local = term[1:-1][len(O):]
        if local in kinds:
            ctx[local] = {"@id": "igfkg:" + local, "@type": kinds[local]}
        elif local in literal:
            ctx[local] = {"@id": "igfkg:" + local}
        else:
            ctx[local] = {"@id": "igfkg:" + local, "@type": "@id"}
    for p in Predicate:
        ctx[p.value] = {"@id": "igfkg:" + p.value, "@type": "@id"}
    ctx.update({"label": {"@id": "rdfs:label"}, "comment": {"@id": "rdfs:comment"},
                "title": {"@id": "dcterms:title"}, "identifier": {"@id": "dcterms:identifier"},
                "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
                "wasGeneratedBy": {"@id": "prov:wasGeneratedBy", "@type": "@id"},
                "wasAssociatedWith": {"@id": "prov:wasAssociatedWith", "@type": "@id"},
                "cites": {"@id": "cito:cites", "@type": "@id"},
                "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"}})
    return ctx
