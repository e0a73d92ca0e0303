"""The RDF shape: model → quads → model round trips (property-based), determinism, shape details."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "graph"))
from graphdata import decisions, extractions  # noqa: E402

from kg import rdf, vocab  # noqa: E402
from kg.assembly import assemble  # noqa: E402
from kg.curation import replay  # noqa: E402
from kg.model import (Annotation, Certainty, Claim, Concept, Context, Curation, CurationStatus,  # noqa: E402
                      Decision, Document, DocumentExtraction, EntityType, ErrorTag, Evidence, Grounding, Mention,
                      Predicate, Reference, Section)


def _roundtrip(quads):  # type: ignore[no-untyped-def]
    return rdf.parse_nquads(rdf.to_nquads(quads))


# ------------------------------------------------------------------------------------------- strategies

text = st.text(max_size=40)
PREFIXES = ["HGNC", "FPLX", "MESH", "GO", "CL", "CHEBI", "NCBITaxon", "doi", "XYZUNKNOWN"]
curies = st.builds(lambda p, local: f"{p}:{local}", st.sampled_from(PREFIXES),
                   st.text(alphabet="ABCxyz0123456789_-.:/ %<>#[]", min_size=1, max_size=12))
hex16 = st.from_regex(r"\A[0-9a-f]{16}\Z")


def concept_for(curie: str) -> Concept:
    """Labels and types are a function of the CURIE (as with the lexicon), so every graph agrees."""
    return Concept(curie, "" if curie.endswith("0") else "label of " + curie,
                   list(EntityType)[sum(map(ord, curie)) % len(EntityType)])


contexts = st.builds(Context, st.none() | curies, st.none() | curies, st.none() | curies, st.none() | curies)
claims = st.builds(lambda s, p, o, n, c: Claim(concept_for(s), p, concept_for(o), n, c),
                   curies, st.sampled_from(list(Predicate)), curies, st.booleans(), contexts)
spans = st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))
confidences = st.floats(0, 1, allow_nan=False)
dates = st.sampled_from([None, "2024", "2024-12", "2024-12-01", "Spring 2024"])
timestamps = st.sampled_from(["2026-01-02T10:00:00Z", "2025-06-30T23:59:59Z", "2026-11-25T18:00:00.123Z"])


def uniq_sorted(strategy):  # type: ignore[no-untyped-def]
    return st.lists(strategy, max_size=3, unique=True).map(lambda xs: tuple(sorted(xs)))


@st.composite
def documents(draw) -> Document:  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 10**8))
    sections = draw(st.lists(st.builds(Section, text, st.none() | text), max_size=3))
    refs = draw(st.lists(st.builds(Reference, st.none() | st.from_regex(r"\A[0-9]{1,8}\Z"),
                                   st.none() | st.from_regex(r"\A10\.[0-9]{4}/[a-z0-9.]{1,8}\Z"),
                                   st.none() | text), max_size=3))
    anns = draw(st.lists(st.builds(Annotation, st.integers(0, 500), st.integers(0, 500), text, text,
                                   uniq_sorted(text)), max_size=2))
    return Document(id=f"pmid:{n}", title=draw(text), abstract=tuple(sections), pmid=str(n),
                    doi=draw(st.none() | st.just(f"10.1000/x{n}")), pmcid=draw(st.none() | st.just(f"PMC{n}")),
                    authors=tuple(draw(st.lists(text, max_size=3))), journal=draw(st.none() | text),
                    year=draw(st.none() | st.integers(1900, 2100)), date=draw(dates),
                    publication_types=draw(uniq_sorted(text)), mesh_headings=draw(uniq_sorted(text)),
                    keywords=draw(uniq_sorted(text)), references=tuple(refs), annotations=tuple(anns))


@st.composite
def extractions_st(draw) -> DocumentExtraction:  # type: ignore[no-untyped-def]
    doc = draw(documents())
    cl = draw(st.lists(claims, min_size=1, max_size=4, unique_by=lambda c: c.id))
    evidence = {}
    for claim in cl:
        for _ in range(draw(st.integers(0, 2))):
            (a, _b) = draw(spans)
            ev = Evidence(claim.id, doc.id, draw(text), a, a + 50, draw(spans), draw(spans),
                          draw(st.none() | spans), draw(st.sampled_from(["abstract", "title", "results"])),
                          draw(st.sampled_from(list(Certainty))), draw(text), draw(text), draw(confidences),
                          draw(st.sampled_from(["text_mining", "curator", "provided"])))
            evidence[ev.id] = ev
    mentions = {}
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 1000))
        m = Mention(start, start + draw(st.integers(1, 20)), draw(text), draw(st.sampled_from(list(EntityType))),
                    tuple(draw(st.lists(st.builds(Grounding, curies, text, st.sampled_from(list(EntityType)),
                                                  confidences, text, text, text), max_size=2))),
                    draw(st.sampled_from(["predicted", "provided"])))
        mentions[(m.start, m.end, m.text)] = m
    return DocumentExtraction(doc, tuple(mentions[k] for k in sorted(mentions)), tuple(sorted(cl, key=lambda c: c.id)),
                              tuple(sorted(evidence.values(), key=lambda e: e.id)), draw(text))


curations = st.builds(
    lambda cid, dec, who, ts, note, tag, corrected, ev, cert: Curation(
        cid, dec, who, ts, "s", "p", "o", note, tag, corrected if dec is Decision.CORRECTED else None, ev,
        certainty=cert if dec is Decision.CORRECTED else None),
    hex16, st.sampled_from(list(Decision)), st.text(min_size=1, max_size=10),
    timestamps, text, st.none() | st.sampled_from(list(ErrorTag)), claims,
    st.none() | hex16, st.none() | st.sampled_from(list(Certainty)))

# Shrinking is off: on failure hypothesis prints the (unshrunk) example at once instead of spending minutes.
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])


@SETTINGS
@given(documents())
def test_document_roundtrip(doc: Document) -> None:
    back = rdf.documents_from_quads(_roundtrip(rdf.document_quads(doc)))
    assert back == [doc]


@SETTINGS
@given(extractions_st())
def test_extraction_roundtrip(ex: DocumentExtraction) -> None:
    quads = [*rdf.document_quads(ex.document), *rdf.extraction_quads(ex)]
    assert rdf.extractions_from_quads(_roundtrip(quads)) == [ex]


@SETTINGS
@given(st.lists(extractions_st(), min_size=1, max_size=3, unique_by=lambda e: e.document.id),
       st.lists(curations, max_size=3, unique_by=lambda d: d.id), st.data())
def test_assembled_and_curation_roundtrip(exs, decisions_, data) -> None:  # type: ignore[no-untyped-def]
    assembled = []
    for ac in assemble(exs):
        assembled.append(replace(
            ac, belief=data.draw(confidences), status=data.draw(st.sampled_from(list(CurationStatus))),
            conflicts=tuple(sorted(data.draw(st.lists(hex16, max_size=2, unique=True)))),
            curations=tuple(sorted(decisions_, key=lambda d: (d.timestamp, d.id))),
            corrects=data.draw(st.none() | hex16)))
    quads = [q for ex in exs for q in (*rdf.document_quads(ex.document), *rdf.extraction_quads(ex))]
    quads += [*rdf.assembled_quads(assembled), *rdf.curation_quads(decisions_)]
    parsed = _roundtrip(quads)
    assert rdf.assembled_from_quads(parsed) == sorted(assembled, key=lambda a: a.id)
    assert rdf.curations_from_quads(parsed) == sorted(decisions_, key=lambda d: (d.timestamp, d.id))


# ------------------------------------------------------------------------------------------------ shape


def test_same_input_gives_identical_triples() -> None:
    def dump() -> str:
        exs = extractions()
        claims = assemble(exs)
        quads = [q for ex in exs for q in (*rdf.document_quads(ex.document), *rdf.extraction_quads(ex))]
        quads += [*rdf.assembled_quads(claims), *rdf.curation_quads(decisions(claims))]
        return rdf.to_nquads(quads)

    first = dump()
    assert first == dump()
    assert "_:" not in first  # no blank nodes anywhere


def test_named_graphs_and_direct_triples() -> None:
    exs = extractions()
    claims = assemble(exs)
    curated = replay(claims, decisions(claims)).claims
    kg = list(rdf.assembled_quads(curated))
    assert {q[3] for q in kg} == {"<" + vocab.GRAPH_KG + ">"}
    predicates = {"<" + vocab.predicate_iri(p) + ">" for p in Predicate}
    direct = [q for q in kg if q[1] in predicates]
    # only the accepted claim (picropodophyllin inhibits IGF1R) becomes a direct triple
    assert direct == [("<http://id.nlm.nih.gov/mesh/C415032>", "<" + vocab.ONTOLOGY + "inhibits>",
                       "<http://identifiers.org/hgnc/5465>", "<" + vocab.GRAPH_KG + ">")]
    ex = exs[0]
    assert {q[3] for q in rdf.extraction_quads(ex)} == {"<" + vocab.document_graph(ex.document.id) + ">"}
    assert {q[3] for q in rdf.curation_quads(decisions(claims))} == {"<" + vocab.GRAPH_CURATION + ">"}


def test_corrected_claims_are_direct_triples_but_replaced_machine_claims_are_not() -> None:
    claims = assemble(extractions())
    target = next(c for c in claims if c.claim.predicate is Predicate.BINDS)
    fixed = replace(target.claim, predicate=Predicate.TARGETS)
    d = Curation(target.id, Decision.CORRECTED, "carol", "2026-02-01T00:00:00Z", corrected=fixed)
    result = replay(claims, [d])
    quads = rdf.to_nquads(rdf.assembled_quads([*result.claims, *result.replaced]))
    assert f"<{rdf.entity_iri(fixed.subject.curie)}> <{vocab.ONTOLOGY}targets>" in quads
    assert f"<{rdf.entity_iri(target.claim.subject.curie)}> <{vocab.ONTOLOGY}binds>" not in quads


def test_activity_and_provenance() -> None:
    ex = extractions()[0]
    act = rdf.Activity("run1", "x-1", "igfkg 0.1.0", "en_core_web_sm 3.8.0", "2026-01-01T00:00:00Z")
    text = rdf.to_nquads(rdf.extraction_quads(ex, act))
    assert f"<{vocab.ACTIVITY}run1> <http://www.w3.org/ns/prov#startedAtTime>" in text
    assert '"en_core_web_sm 3.8.0"' in text
    ev = ex.evidence[0]
    assert f"<{rdf.evidence_iri(ev.id)}> <http://www.w3.org/ns/prov#wasGeneratedBy> <{vocab.ACTIVITY}run1>" in text
    assert (f"<{rdf.evidence_iri(ev.id)}> <http://www.w3.org/ns/prov#wasDerivedFrom> "
            "<https://pubmed.ncbi.nlm.nih.gov/38865036>") in text
    # without an explicit activity the IRI is derived from the content, so it is reproducible
    assert rdf.extraction_activity(ex) == rdf.extraction_activity(ex)


def test_entity_terms_from_the_lexicon_shape() -> None:
    @dataclass(frozen=True)
    class Term:  # the fields of kg.lexicon.Term that assembled_quads reads
        curie: str
        label: str
        type: EntityType
        synonyms: tuple[str, ...] = ()
        xrefs: tuple[str, ...] = ()
        parents: tuple[str, ...] = ()

    claims = assemble(extractions())
    terms = {"HGNC:5465": Term("HGNC:5465", "IGF1R", EntityType.GENE, synonyms=("IGF-1R",), xrefs=("NCBIGene:3480",),
                               parents=("FPLX:IGF_receptor",))}
    text = rdf.to_nquads(rdf.assembled_quads(claims, terms))
    assert ("<http://identifiers.org/hgnc/5465> <http://www.w3.org/2004/02/skos/core#exactMatch> "
            "<http://identifiers.org/ncbigene/3480>") in text
    assert f'<http://identifiers.org/hgnc/5465> <{rdf.SKOS}altLabel> "IGF-1R"' in text
    assert f"<http://identifiers.org/hgnc/5465> <{rdf.SKOS}broader> <http://identifiers.org/fplx/IGF_receptor>" in text


def test_entity_iri_is_reversible_and_safe() -> None:
    for curie in ("HGNC:5465", "MESH:D014411", "GO:0019827", "FPLX:IGF 1R/x", "WEIRD:x y", "doi:10.1/a<b>#c"):
        iri = rdf.entity_iri(curie)
        assert not any(ch in iri for ch in ' <>"{}|^`\\')
        assert rdf.curie_of(iri) == curie
        ox.NamedNode(iri)


def test_literals_escape_everything() -> None:
    nasty = 'quote " backslash \\ newline \n return \r tab \t unicode IGF‐1Rβ'
    q = ("<https://example.org/s>", "<https://example.org/p>", rdf.lit(nasty), "<https://example.org/g>")
    assert rdf.parse_nquads(rdf.to_nquads([q]))[0].object.value == nasty


def test_ontology_quads_land_in_the_ontology_graph(repo_root: Path) -> None:
    if not (repo_root / "ontology" / "igfkg.ttl").exists():
        pytest.skip("ontology/igfkg.ttl not present")
    quads = list(rdf.ontology_quads())
    assert quads and {q[3] for q in quads} == {"<" + vocab.GRAPH_ONTOLOGY + ">"}


def test_enum_values_are_literals() -> None:
    claims = assemble(extractions())
    text = rdf.to_nquads(rdf.assembled_quads(claims))
    assert f'<{vocab.ONTOLOGY}status> "candidate"' in text
    assert f'<{vocab.ONTOLOGY}certainty> "contested"' in text


def test_published_jsonld_context_is_up_to_date(repo_root: Path) -> None:
    import json

    published = json.loads((repo_root / "kg" / "data" / "context.jsonld").read_text())["@context"]
    assert published == {"@version": 1.1, **rdf.jsonld_context()}, \
        "regenerate: python -c 'import kg.rdf,json;print(...)' (see docs/graph.md)"
