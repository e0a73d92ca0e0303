"""Builders shared by the curation tests (no tests here): small assembled claims with real evidence."""

from __future__ import annotations

from kg.curation import rescore
from kg.model import (AssembledClaim, Certainty, Claim, Concept, EntityType, Evidence, Predicate)

IGF1 = Concept("HGNC:5464", "IGF1", EntityType.GENE)
IGF2 = Concept("HGNC:5466", "IGF2", EntityType.GENE)
IGF1R = Concept("HGNC:5465", "IGF1R", EntityType.GENE)
AKT1 = Concept("HGNC:391", "AKT1", EntityType.GENE)
CSC = Concept("MESH:D014411", "Neoplastic Stem Cells", EntityType.CELL_TYPE)
STEMNESS = Concept("GO:0019827", "stem cell population maintenance", EntityType.PROCESS)


def evidence(claim: Claim, doc: str, start: int = 0, *, certainty: Certainty = Certainty.ASSERTED,
             confidence: float = 0.8) -> Evidence:
    subj, obj = claim.subject.label or claim.subject.curie, claim.object.label or claim.object.curie
    sentence = f"{subj} {claim.predicate.label} {obj} in these cells."
    return Evidence(claim.id, doc, sentence, start, start + len(sentence), (start, start + len(subj)),
                    (start + sentence.index(obj), start + sentence.index(obj) + len(obj)),
                    rule="test", extractor_version="t1", confidence=confidence, certainty=certainty)


def assembled(claim: Claim, *docs: str, conflicts: tuple[str, ...] = (), certainty: Certainty = Certainty.ASSERTED,
              confidence: float = 0.8) -> AssembledClaim:
    evs = [evidence(claim, d, 10 * n, certainty=certainty, confidence=confidence) for n, d in enumerate(docs)]
    base = AssembledClaim(claim, (), 0.0, 0, contradicting_papers=len(conflicts) and 1, conflicts=conflicts)
    return rescore(base, evs)


def claims() -> list[AssembledClaim]:
    """Four claims: IGF1→IGF1R (2 papers), IGF2→IGF1R, IGF1R→AKT1 (hedged), IGF1R→stemness in CSCs."""
    a = Claim(IGF1, Predicate.ACTIVATES, IGF1R)
    b = Claim(IGF2, Predicate.ACTIVATES, IGF1R)
    c = Claim(IGF1R, Predicate.PHOSPHORYLATES, AKT1)
    d = Claim(IGF1R, Predicate.POSITIVELY_REGULATES, STEMNESS)
    return [assembled(a, "pmid:1", "pmid:2"), assembled(b, "pmid:2"),
            assembled(c, "pmid:3", certainty=Certainty.HEDGED, confidence=0.5), assembled(d, "pmid:4")]
