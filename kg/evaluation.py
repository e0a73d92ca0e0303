"""Scoring extraction against BioRED (gold entity mentions, normalized IDs, document-level relations) and
against the hand-written challenge set.

Why these measures: BioRED annotates every mention with a type and an ID (NCBI Gene, MeSH, NCBI Taxonomy,
dbSNP, Cellosaurus) and relations between IDs per document, undirected. So we score (1) mention spans by
type, strict offsets; (2) gene normalization as the set of NCBI Gene IDs per document; (3) relation
pairs: a predicted claim whose two arguments map to a gold relation's two IDs (any type, then by type via
:data:`PREDICATE_TO_BIORED`). Our groundings (HGNC, FamPlex, UniProt) are mapped to BioRED's ID space
through the lexicon's cross-references; what cannot be mapped counts as an error, honestly.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kg.errors import IgfkgError
from kg.model import Document, DocumentExtraction, EntityType, Predicate

BIORED_TYPE = {
    EntityType.GENE: "GeneOrGeneProduct", EntityType.PROTEIN_FAMILY: "GeneOrGeneProduct",
    EntityType.COMPLEX: "GeneOrGeneProduct", EntityType.ISOFORM: "GeneOrGeneProduct",
    EntityType.DRUG: "ChemicalEntity", EntityType.DISEASE: "DiseaseOrPhenotypicFeature",
    EntityType.SPECIES: "OrganismTaxon", EntityType.CELL_LINE: "CellLine", EntityType.VARIANT: "SequenceVariant",
}
#: our predicates → the BioRED relation type they correspond to
PREDICATE_TO_BIORED = {
    Predicate.BINDS: "Bind", Predicate.ASSOCIATED_WITH: "Association", Predicate.MARKER_OF: "Association",
    Predicate.TARGETS: "Association",
    **{p: "Positive_Correlation" for p in (Predicate.ACTIVATES, Predicate.INCREASES_EXPRESSION,
                                           Predicate.INCREASES_AMOUNT, Predicate.POSITIVELY_REGULATES,
                                           Predicate.PHOSPHORYLATES, Predicate.REQUIRED_FOR)},
    **{p: "Negative_Correlation" for p in (Predicate.INHIBITS, Predicate.DECREASES_EXPRESSION,
                                           Predicate.DECREASES_AMOUNT, Predicate.NEGATIVELY_REGULATES,
                                           Predicate.DEPHOSPHORYLATES)},
}
IGF_AXIS = re.compile(r"\bIGF|insulin-like growth factor|\bIGFBP|somatomedin|\bINSR\b|insulin receptor", re.I)


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def row(self) -> dict[str, float | int]:
        return {"P": round(self.p, 3), "R": round(self.r, 3), "F1": round(self.f1, 3), "tp": self.tp,
                "fp": self.fp, "fn": self.fn}


@dataclass
class Scores:
    split: str
    entities: str
    documents: int = 0
    seconds: float = 0.0
    mentions: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    gene_norm: PRF = field(default_factory=PRF)
    gene_norm_human: PRF = field(default_factory=PRF)  # gold restricted to IDs the lexicon knows (human)
    pairs: PRF = field(default_factory=PRF)
    pairs_typed: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    igf_docs: int = 0
    igf_gene_norm: PRF = field(default_factory=PRF)
    igf_pairs: PRF = field(default_factory=PRF)
    igf_mentions_gene: PRF = field(default_factory=PRF)
    confusion: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split, "entities": self.entities, "documents": self.documents,
            "seconds": round(self.seconds, 1),
            "mentions": {k: v.row() for k, v in sorted(self.mentions.items())},
            "gene_normalization": self.gene_norm.row(), "gene_normalization_human_ids": self.gene_norm_human.row(),
            "relation_pairs": self.pairs.row(),
            "relation_pairs_by_type": {k: v.row() for k, v in sorted(self.pairs_typed.items())},
            "igf_axis": {"documents": self.igf_docs, "gene_mentions": self.igf_mentions_gene.row(),
                         "gene_normalization": self.igf_gene_norm.row(), "relation_pairs": self.igf_pairs.row()},
            "confusion": {k: v.most_common(15) for k, v in self.confusion.items()},
        }


class IdMapper:
    """Our CURIEs → BioRED's ID space (NCBIGene for genes, MESH, NCBITaxon, cellosaurus as given)."""

    def __init__(self, lexicon: Any) -> None:
        self.lexicon = lexicon
        self._cache: dict[str, str | None] = {}

    def __call__(self, curie: str) -> str | None:
        if curie in self._cache:
            return self._cache[curie]
        out: str | None = curie
        prefix = curie.split(":", 1)[0]
        if prefix in ("HGNC", "UniProt", "FPLX", "drugbank", "GO", "CL", "DOID", "CHEBI"):
            out = None
            term = self.lexicon.term(curie.split("-")[0] if prefix == "UniProt" else curie)
            if term is not None:
                want = ("NCBIGene:",) if prefix in ("HGNC", "UniProt") else ("MESH:", "NCBIGene:")
                for x in term.xrefs:
                    if x.startswith(want):
                        out = x
                        break
                if out is None and prefix == "UniProt" and term.curie.startswith("HGNC:"):
                    out = self(term.curie)
        self._cache[curie] = out
        return out


def load_split(corpus: Path, split: str) -> list[Document]:
    """BioRED documents of one split via the project's PubTator reader."""
    from kg.sources import read_file

    path = Path(corpus) / f"{split}.PubTator"
    if not path.is_file():
        raise IgfkgError("BioRED split not found", where=str(path),
                         hint="pass --corpus DIR holding Train.PubTator/Dev.PubTator (../shared/corpora/biored)")
    return list(read_file(path))


def score(docs: Iterable[Document], extractions: Iterable[DocumentExtraction], mapper: IdMapper,
          split: str = "?", entities: str = "predicted") -> Scores:
    s = Scores(split, entities)
    human_ids: set[str] | None = None
    for doc, ex in zip(docs, extractions):
        s.documents += 1
        igf = bool(IGF_AXIS.search(doc.text))
        s.igf_docs += igf
        # -- mentions, strict span by type
        gold_m = {(a.start, a.end, a.type) for a in doc.annotations}
        pred_m = {(m.start, m.end, BIORED_TYPE[m.type]) for m in ex.mentions if m.type in BIORED_TYPE}
        for t in {x[2] for x in gold_m | pred_m}:
            s.mentions[t].add({x for x in gold_m if x[2] == t}, {x for x in pred_m if x[2] == t})
        s.mentions["all"].add(gold_m, pred_m)
        if igf:
            s.igf_mentions_gene.add({x for x in gold_m if x[2] == "GeneOrGeneProduct"},
                                    {x for x in pred_m if x[2] == "GeneOrGeneProduct"})
        gold_spans = {(a.start, a.end): a for a in doc.annotations}
        for m in ex.mentions:
            if m.type not in BIORED_TYPE:
                continue
            g = gold_spans.get((m.start, m.end))
            if g is None:
                s.confusion[f"FP {BIORED_TYPE[m.type]}"][m.text] += 1
            elif g.type != BIORED_TYPE[m.type]:
                s.confusion["type confusion (gold→pred)"][f"{g.type}→{BIORED_TYPE[m.type]}"] += 1
        pred_spans = {(m.start, m.end) for m in ex.mentions}
        for a in doc.annotations:
            if (a.start, a.end) not in pred_spans:
                s.confusion[f"FN {a.type}"][a.text] += 1
        # -- gene normalization per document
        gold_g = {i for a in doc.annotations if a.type == "GeneOrGeneProduct" for i in a.identifiers
                  if i.startswith("NCBIGene:")}
        pred_g = {mapper(g.curie) for m in ex.mentions if m.type in (EntityType.GENE, EntityType.ISOFORM)
                  for g in m.groundings[:1] if not g.note.startswith("ambiguous")} - {None}
        pred_g = {x for x in pred_g if x and x.startswith("NCBIGene:")}
        s.gene_norm.add(gold_g, pred_g)
        if human_ids is None:
            human_ids = _human_ids(mapper.lexicon)
        s.gene_norm_human.add(gold_g & human_ids, pred_g)
        if igf:
            s.igf_gene_norm.add(gold_g, pred_g)
        # -- relation pairs (document level, undirected)
        gold_p = {frozenset((r.arg1, r.arg2)) for r in doc.relations if r.arg1 != r.arg2}
        gold_t = {(frozenset((r.arg1, r.arg2)), r.type) for r in doc.relations if r.arg1 != r.arg2}
        pred_p: set = set()
        pred_t: set = set()
        for c in ex.claims:
            a, b = mapper(c.subject.curie), mapper(c.object.curie)
            if not a or not b or a == b:
                continue
            pair = frozenset((a, b))
            pred_p.add(pair)
            pred_t.add((pair, PREDICATE_TO_BIORED.get(c.predicate, "Association")))
        s.pairs.add(gold_p, pred_p)
        if igf:
            s.igf_pairs.add(gold_p, pred_p)
        for t in {x[1] for x in gold_t | pred_t}:
            s.pairs_typed[t].add({x for x in gold_t if x[1] == t}, {x for x in pred_t if x[1] == t})
        for r in doc.relations:
            if frozenset((r.arg1, r.arg2)) not in pred_p:
                s.confusion["FN relation type"][r.type] += 1
        for pair, t in pred_t:
            if pair not in gold_p:
                s.confusion["FP relation predicate→type"][t] += 1
    return s


def _human_ids(lexicon: Any) -> set[str]:
    out = set()
    for term in lexicon.terms():
        if term.curie.startswith("HGNC:"):
            out.update(x for x in term.xrefs if x.startswith("NCBIGene:"))
    return out


def evaluate(corpus: Path, split: str = "Dev", entities: str = "predicted", model: str = "auto",
             limit: int | None = None, n_process: int = 1, cooccurrence: bool = True,
             lexicon: Any = None) -> Scores:
    """Run the extractor over a BioRED split and score it."""
    from kg.extraction import Extractor

    docs = load_split(corpus, split)[: limit or None]
    ex = Extractor(model=model, lexicon=lexicon, entities=entities, cooccurrence=cooccurrence)
    t0 = time.perf_counter()
    extractions = list(ex.extract_many(docs, n_process=n_process))
    elapsed = time.perf_counter() - t0
    s = score(docs, extractions, IdMapper(ex.lexicon), split, entities)
    s.seconds = elapsed
    return s


def format_scores(s: Scores) -> str:
    """A plain-text report (what ``igfkg evaluate`` prints)."""
    d = s.to_dict()
    lines = [f"BioRED {s.split}: {s.documents} documents, entities={s.entities}, {s.seconds:.1f}s"]
    lines.append(f"{'measure':44} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'fp':>6} {'fn':>6}")

    def row(name: str, r: dict) -> None:
        lines.append(f"{name:44} {r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f} {r['tp']:6d} {r['fp']:6d} {r['fn']:6d}")

    for t, r in d["mentions"].items():
        row(f"mentions {t}", r)
    row("gene normalization (NCBI Gene IDs/doc)", d["gene_normalization"])
    row("  gold restricted to human (HGNC) IDs", d["gene_normalization_human_ids"])
    row("relation pairs (any type)", d["relation_pairs"])
    for t, r in d["relation_pairs_by_type"].items():
        row(f"  pairs typed {t}", r)
    ig = d["igf_axis"]
    lines.append(f"IGF-axis documents: {ig['documents']}")
    row("  IGF gene mentions", ig["gene_mentions"])
    row("  IGF gene normalization", ig["gene_normalization"])
    row("  IGF relation pairs", ig["relation_pairs"])
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ challenge set


@dataclass
class ChallengeResult:
    prf: PRF
    rows: list[dict[str, Any]]
    by_construction: dict[str, PRF]


def _claim_key(subject: str, predicate: str, obj: str, negated: bool, certainty: str) -> tuple:
    if predicate in ("binds", "associated_with") and obj < subject:
        subject, obj = obj, subject
    return (subject, predicate, obj, bool(negated), certainty)


def read_challenge(path: Path) -> list[dict[str, Any]]:
    """Rows of the challenge TSV: id, construction, sentence, expected claim keys."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cid, construction, sentence, expected = line.split("\t")
        keys = set()
        if expected.strip() != "-":
            for item in expected.split(";"):
                s, p, o, neg, cert = item.strip().split("|")
                keys.add(_claim_key(s, p, o, neg == "true", cert))
        rows.append({"id": cid, "construction": construction, "sentence": sentence, "expected": keys})
    return rows


def score_challenge(path: Path, extractor: Any) -> ChallengeResult:
    """Claim precision/recall on the challenge set: subject, predicate, object, negation, certainty all
    right. Each sentence is its own document (no title context)."""
    from kg.model import Section, document_id

    rows = read_challenge(path)
    docs = [Document(id=document_id(text=r["sentence"]), abstract=(Section(r["sentence"]),)) for r in rows]
    total = PRF()
    by: dict[str, PRF] = defaultdict(PRF)
    out = []
    for row, ex in zip(rows, extractor.extract_many(docs)):
        cert = {e.claim_id: e.certainty.value for e in ex.evidence}
        got = {_claim_key(c.subject.curie, c.predicate.value, c.object.curie, c.negated, cert.get(c.id, "asserted"))
               for c in ex.claims}
        total.add(row["expected"], got)
        by[row["construction"]].add(row["expected"], got)
        out.append({**row, "got": got, "ok": got == row["expected"]})
    return ChallengeResult(total, out, dict(by))
