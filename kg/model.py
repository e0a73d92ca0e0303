"""The data model every stage shares: documents, mentions, groundings, claims, evidence, curation.

Frozen dataclasses (hashable, comparable) built from the standard library only, so every other module can
import them without pulling in spaCy or rdflib. Identifiers are content hashes (INDRA-style): a claim's ID
is the hash of its normalized content (subject, predicate, object, negation, context), never of its
evidence or of the run that produced it, so the same claim from two papers is one node and survives
re-extraction. ``to_dict``/``from_dict`` give the JSON Lines schema used between stages.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

HASH_LENGTH = 16  # hex digits: 64 bits, collision-free in practice far beyond 10^7 claims


def content_hash(*parts: object) -> str:
    """Stable hex digest of JSON-serializable ``parts``; identical across runs, machines, Python versions."""
    payload = json.dumps(parts, ensure_ascii=True, separators=(",", ":"), sort_keys=True, default=_json_default)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:HASH_LENGTH]


def _json_default(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


# --------------------------------------------------------------------------------------------------- enums


class Predicate(str, Enum):
    """Claim predicates; the ontology (``ontology/igfkg.ttl``) defines each and maps it to RO/Biolink."""

    BINDS = "binds"
    ACTIVATES = "activates"
    INHIBITS = "inhibits"
    PHOSPHORYLATES = "phosphorylates"
    DEPHOSPHORYLATES = "dephosphorylates"
    INCREASES_EXPRESSION = "increases_expression"
    DECREASES_EXPRESSION = "decreases_expression"
    INCREASES_AMOUNT = "increases_amount"
    DECREASES_AMOUNT = "decreases_amount"
    POSITIVELY_REGULATES = "positively_regulates"
    NEGATIVELY_REGULATES = "negatively_regulates"
    REQUIRED_FOR = "required_for"
    MARKER_OF = "marker_of"
    TARGETS = "targets"
    ASSOCIATED_WITH = "associated_with"

    @property
    def polarity(self) -> int:
        """+1 for an activating/increasing relation, -1 for an inhibiting/decreasing one, 0 otherwise."""
        return _POLARITY.get(self, 0)

    @property
    def symmetric(self) -> bool:
        """Symmetric predicates have their arguments ordered canonically before hashing."""
        return self in (Predicate.BINDS, Predicate.ASSOCIATED_WITH)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_POLARITY = {
    Predicate.ACTIVATES: 1,
    Predicate.INCREASES_EXPRESSION: 1,
    Predicate.INCREASES_AMOUNT: 1,
    Predicate.POSITIVELY_REGULATES: 1,
    Predicate.REQUIRED_FOR: 1,
    Predicate.INHIBITS: -1,
    Predicate.DECREASES_EXPRESSION: -1,
    Predicate.DECREASES_AMOUNT: -1,
    Predicate.NEGATIVELY_REGULATES: -1,
}


class Certainty(str, Enum):
    """How firmly a sentence states its claim."""

    ASSERTED = "asserted"
    HEDGED = "hedged"  # "may", "suggest", "potential"
    HYPOTHESIS = "hypothesis"  # "we hypothesize", "whether"
    CONTESTED = "contested"  # "controversial", "conflicting"


class CurationStatus(str, Enum):
    CANDIDATE = "candidate"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CORRECTED = "corrected"


class Decision(str, Enum):
    """What a curator did; ``note`` and ``evidence_rejected`` leave the claim's status alone."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CORRECTED = "corrected"
    NOTE = "note"
    EVIDENCE_REJECTED = "evidence_rejected"


class ErrorTag(str, Enum):
    """Why a claim (or a piece of evidence) was rejected; the tag set used by INDRA's curation."""

    NO_RELATION = "no_relation"
    WRONG_RELATION = "wrong_relation"
    GROUNDING = "grounding"
    POLARITY = "polarity"
    NEGATION = "negation"
    HYPOTHESIS = "hypothesis"
    ENTITY_BOUNDARIES = "entity_boundaries"
    OTHER = "other"


class EntityType(str, Enum):
    """Kinds of entity; each is a class in the ontology."""

    GENE = "gene"  # gene or gene product (protein)
    PROTEIN_FAMILY = "protein_family"
    COMPLEX = "complex"
    ISOFORM = "isoform"
    DRUG = "drug"  # small molecule / chemical
    ANTIBODY = "antibody"
    CELL_TYPE = "cell_type"
    PROCESS = "process"
    PATHWAY = "pathway"
    DISEASE = "disease"
    CELL_LINE = "cell_line"
    SPECIES = "species"
    VARIANT = "variant"
    OTHER = "other"


# ----------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Section:
    """A part of an abstract; ``label`` is the structured-abstract label (BACKGROUND, METHODS, ...) or None."""

    text: str
    label: str | None = None


@dataclass(frozen=True)
class Reference:
    """A cited work, by whatever identifiers are known."""

    pmid: str | None = None
    doi: str | None = None
    citation: str | None = None


@dataclass(frozen=True)
class Annotation:
    """An entity annotation that came with the document (PubTator/BioC), offsets into ``Document.text``."""

    start: int
    end: int
    text: str
    type: str  # the source's own type, e.g. GeneOrGeneProduct
    identifiers: tuple[str, ...] = ()  # the source's IDs, as CURIEs where possible (NCBIGene:3479, MESH:D009369)


@dataclass(frozen=True)
class ProvidedRelation:
    """A document-level relation that came with the document (BioRED), between annotation identifiers."""

    type: str
    arg1: str
    arg2: str
    novel: str | None = None


@dataclass(frozen=True)
class SourceLocation:
    """Where a document was read from: file, position (article index or line number), format."""

    path: str
    position: str
    format: str


@dataclass(frozen=True)
class Document:
    """A literature record. ``text`` (title, newline, abstract sections joined by newlines) is what NLP
    reads and what all offsets (annotations, mentions, evidence) refer to."""

    id: str  # "pmid:38865036", "doi:10.1/x", "pmc:PMC1", or "text:<hash>" for plain text
    title: str = ""
    abstract: tuple[Section, ...] = ()
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    authors: tuple[str, ...] = ()  # "Liu F" style (last name + initials)
    journal: str | None = None
    year: int | None = None
    date: str | None = None  # ISO 8601, as precise as known ("2024", "2024-12", "2024-12-01")
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    relations: tuple[ProvidedRelation, ...] = ()
    source: SourceLocation | None = None

    @property
    def text(self) -> str:
        return "\n".join([self.title, *(s.text for s in self.abstract)])

    @property
    def abstract_text(self) -> str:
        return "\n".join(s.text for s in self.abstract)

    def section_spans(self) -> list[tuple[str, int, int]]:
        """``(section name, start, end)`` over ``text``: "title", then each section's label or "abstract"."""
        spans = [("title", 0, len(self.title))]
        pos = len(self.title) + 1
        for section in self.abstract:
            spans.append(((section.label or "abstract").lower(), pos, pos + len(section.text)))
            pos += len(section.text) + 1
        return spans

    def section_at(self, offset: int) -> str:
        for name, start, end in self.section_spans():
            if start <= offset <= end:
                return name
        return "abstract"

    @property
    def content_hash(self) -> str:
        """Changes whenever anything extraction reads changes (text or provided annotations)."""
        return content_hash(self.id, self.text, [to_dict(a) for a in self.annotations])


def document_id(*, pmid: str | None = None, doi: str | None = None, pmcid: str | None = None,
                text: str | None = None) -> str:
    """The canonical document ID: PMID first, then DOI, then PMCID, else a hash of the text."""
    if pmid:
        return f"pmid:{pmid}"
    if doi:
        return f"doi:{doi.lower()}"
    if pmcid:
        return f"pmc:{pmcid}"
    return f"text:{content_hash(text or '')}"


# ------------------------------------------------------------------------------------ mentions, groundings


@dataclass(frozen=True)
class Grounding:
    """Why a piece of text means a term (gilda-style: the grounding explains itself)."""

    curie: str  # e.g. HGNC:5465
    label: str  # the term's preferred label
    type: EntityType
    score: float  # 0..1
    reason: str  # exact_label | synonym | abbreviation | family | fuzzy | provided | ...
    matched: str = ""  # the lexicon entry text that matched
    note: str = ""


@dataclass(frozen=True)
class Mention:
    """A span of ``Document.text`` recognised as an entity, with its candidate groundings, best first."""

    start: int
    end: int
    text: str
    type: EntityType
    groundings: tuple[Grounding, ...] = ()
    source: str = "predicted"  # predicted | provided

    @property
    def grounding(self) -> Grounding | None:
        return self.groundings[0] if self.groundings else None


# ----------------------------------------------------------------------------------------- claims, evidence


@dataclass(frozen=True)
class Concept:
    """A claim argument: a grounded term."""

    curie: str
    label: str = ""
    type: EntityType = EntityType.OTHER


@dataclass(frozen=True)
class Context:
    """Qualifiers that change what a claim means: the cell type (e.g. CL/MeSH cancer stem cell), disease,
    species and cell line in which it holds. Values are CURIEs."""

    cell_type: str | None = None
    disease: str | None = None
    species: str | None = None
    cell_line: str | None = None

    def key(self) -> list[list[str]]:
        return [[k, v] for k, v in sorted(dataclasses.asdict(self).items()) if v]

    def is_empty(self) -> bool:
        return not self.key()


@dataclass(frozen=True)
class Claim:
    """subject —predicate→ object, possibly negated, in a context. Its ID is a hash of exactly these."""

    subject: Concept
    predicate: Predicate
    object: Concept
    negated: bool = False
    context: Context = field(default_factory=Context)

    @functools.cached_property
    def id(self) -> str:  # cached: replaying decisions over 100k claims asks for every ID several times
        s, o = self.subject.curie, self.object.curie
        if self.predicate.symmetric and o < s:
            s, o = o, s
        return content_hash("claim", s, self.predicate.value, o, bool(self.negated), self.context.key())

    @property
    def pair(self) -> tuple[str, str]:
        """The unordered argument pair: conflicts are looked for between claims with the same pair."""
        return tuple(sorted((self.subject.curie, self.object.curie)))  # type: ignore[return-value]


@dataclass(frozen=True)
class Evidence:
    """One sentence supporting one claim. Offsets are into ``Document.text``."""

    claim_id: str
    document_id: str
    sentence: str
    sentence_start: int
    sentence_end: int
    subject_span: tuple[int, int]
    object_span: tuple[int, int]
    trigger_span: tuple[int, int] | None = None
    section: str = "abstract"
    certainty: Certainty = Certainty.ASSERTED
    rule: str = ""  # the rule/pattern/model that fired
    extractor_version: str = ""
    confidence: float = 0.5
    source: str = "text_mining"  # text_mining | curator | provided

    @property
    def id(self) -> str:
        return content_hash("evidence", self.document_id, self.sentence_start, self.sentence_end, self.claim_id)


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything extraction produced for one document; the unit that is cached and stored per graph."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    extractor_version: str = ""


# ------------------------------------------------------------------------------------------------ curation


@dataclass(frozen=True)
class Curation:
    """One curator decision, as stored (one line) in ``data/curation/decisions.jsonl``.

    ``subject``/``predicate``/``object`` record the claim as it was when decided, so a decision stays
    readable (and re-attachable) even if its claim disappears. ``corrected`` is the claim that replaces it.
    """

    claim_id: str
    decision: Decision
    curator: str
    timestamp: str  # ISO 8601 UTC
    subject: str = ""
    predicate: str = ""
    object: str = ""
    note: str = ""
    error_tag: ErrorTag | None = None
    corrected: Claim | None = None
    evidence_id: str | None = None  # set when the decision targets one piece of evidence
    certainty: Certainty | None = None  # for a correction: the certainty the curator assigns (else kept)

    @property
    def id(self) -> str:
        return content_hash("curation", self.claim_id, self.decision.value, self.curator, self.timestamp,
                            self.evidence_id or "")


@dataclass(frozen=True)
class AssembledClaim:
    """A claim with all its evidence merged across documents, scored, and with curation replayed."""

    claim: Claim
    evidence: tuple[Evidence, ...]
    belief: float
    supporting_papers: int
    contradicting_papers: int = 0
    conflicts: tuple[str, ...] = ()  # IDs of claims that contradict this one
    certainty: Certainty = Certainty.ASSERTED
    status: CurationStatus = CurationStatus.CANDIDATE
    curations: tuple[Curation, ...] = ()
    corrects: str | None = None  # for a curator's corrected claim: the ID of the machine claim it replaces

    @property
    def id(self) -> str:
        return self.claim.id


# --------------------------------------------------------------------------------------- JSON (de)coding

T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """Dataclass → plain JSON-able structure (enums as values, tuples as lists, None fields dropped)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if value is None or value == () or value == "":
                continue
            out[f.name] = to_dict(value)
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """Inverse of :func:`to_dict` for any dataclass in this module (strict: unknown keys raise)."""
    return _decode(cls, data)


def _decode(tp: Any, data: Any) -> Any:
    return _decoder(tp)(data)


@functools.lru_cache(maxsize=None)
def _decoder(tp: Any) -> Any:
    """A decoding function for ``tp``, built once per type: resolving type hints on every object made
    decoding a cached extraction cost ~10 ms per document (the build decodes every document twice)."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return _identity
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = _decoder([a for a in typing.get_args(tp) if a is not type(None)][0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(v) for v in data)
        items = [_decoder(a) for a in args]
        return lambda data: tuple(f(v) for f, v in zip(items, data))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        names = frozenset(f.name for f in dataclasses.fields(tp))
        fields_ = {name: _decoder(hints[name]) for name in names}

        def decode_dataclass(data: Any) -> Any:
            if not isinstance(data, dict):
                raise ValueError(f"{tp.__name__}: expected an object, got {type(data).__name__}")
            unknown = data.keys() - names
            if unknown:
                raise ValueError(f"{tp.__name__}: unknown field(s) {', '.join(sorted(unknown))}")
            return tp(**{k: fields_[k](v) for k, v in data.items()})

        return decode_dataclass
    if tp is float:
        return lambda data: float(data) if isinstance(data, int) else data
    return _identity


def _identity(data: Any) -> Any:
    return data


def to_json(obj: Any) -> str:
    """One JSON line, keys sorted, for JSON Lines files."""
    return json.dumps(to_dict(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
