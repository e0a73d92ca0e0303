"""Namespaces, the fixed prefix map (CURIE ⇄ IRI) and the predicate ⇄ IRI table.

Entities keep their community IRIs (identifiers.org-style prefixes resolved to the IRIs each community
publishes); only the graph's own records (claims, evidence, graphs, ontology terms) use the igfkg base.
The converter is strict: an unknown prefix or an IRI outside the map raises ``ValueError``.
"""

from __future__ import annotations

from functools import lru_cache

import curies

from kg.model import Predicate

BASE = "https://w3id.org/igfkg/"
ONTOLOGY = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
CLAIM = BASE + "claim/"
EVIDENCE = BASE + "evidence/"
GRAPH = BASE + "graph/"
DOCUMENT = BASE + "document/"
CURATION = BASE + "curation/"
ACTIVITY = BASE + "activity/"
AGENT = BASE + "agent/"

# Named graphs (DESIGN.md "RDF shape").
GRAPH_ONTOLOGY = GRAPH + "ontology"
GRAPH_CURATION = GRAPH + "curation"
GRAPH_KG = GRAPH + "kg"
#: derived read index of the KG graph (kg.ranking): the claims each ranked named query shows first
GRAPH_INDEX = GRAPH + "index"
GRAPH_DOCUMENT_PREFIX = GRAPH + "document/"

#: prefix → IRI prefix. Order matters only for readability; every prefix is unique.
PREFIX_MAP: dict[str, str] = {
    "igfkg": ONTOLOGY,
    "claim": CLAIM,
    "evidence": EVIDENCE,
    "HGNC": "http://identifiers.org/hgnc/",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "UniProt": "http://purl.uniprot.org/uniprot/",
    "FPLX": "http://identifiers.org/fplx/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "CL": "http://purl.obolibrary.org/obo/CL_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "CLO": "http://purl.obolibrary.org/obo/CLO_",
    "NCBITaxon": "http://purl.obolibrary.org/obo/NCBITaxon_",
    "SO": "http://purl.obolibrary.org/obo/SO_",
    "drugbank": "http://identifiers.org/drugbank/",
    "cellosaurus": "http://identifiers.org/cellosaurus/",
    "dbSNP": "http://identifiers.org/dbsnp/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/",
    "doi": "https://doi.org/",
    "pmc": "https://www.ncbi.nlm.nih.gov/pmc/articles/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "cito": "http://purl.org/spar/cito/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "oa": "http://www.w3.org/ns/oa#",
}

#: CURIE prefix spellings seen in inputs (PubTator, FamPlex, HGNC tables) → the canonical prefix.
PREFIX_SYNONYMS: dict[str, str] = {
    "hgnc": "HGNC", "ncbigene": "NCBIGene", "ncbi_gene": "NCBIGene", "entrez": "NCBIGene", "egid": "NCBIGene",
    "uniprot": "UniProt", "up": "UniProt", "fplx": "FPLX", "famplex": "FPLX", "mesh": "MESH",
    "chebi": "CHEBI", "doid": "DOID", "go": "GO", "cl": "CL", "ncit": "NCIT", "taxonomy": "NCBITaxon",
    "ncbitaxon": "NCBITaxon", "pmid": "pubmed", "drugbank": "drugbank", "cvcl": "cellosaurus",
}


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The project's CURIE ⇄ IRI converter (strict)."""
    return curies.Converter.from_prefix_map(PREFIX_MAP)


def normalize_curie(curie: str) -> str:
    """Canonical spelling of a CURIE's prefix (``hgnc:5464`` → ``HGNC:5464``); raises on a bad CURIE."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise ValueError(f"not a CURIE: {curie!r}")
    prefix = PREFIX_MAP.get(prefix) and prefix or PREFIX_SYNONYMS.get(prefix.lower(), prefix)
    if prefix not in PREFIX_MAP:
        raise ValueError(f"unknown CURIE prefix {prefix!r} in {curie!r}")
    return f"{prefix}:{local}"


def expand(curie: str) -> str:
    """CURIE → IRI (strict)."""
    return converter().expand(normalize_curie(curie), strict=True)


def compress(iri: str) -> str:
    """IRI → CURIE (strict)."""
    return converter().compress(iri, strict=True)


def predicate_iri(predicate: Predicate) -> str:
    """Our ontology property for a predicate; the ontology maps each to RO/Biolink."""
    return ONTOLOGY + predicate.value


def predicate_from_iri(iri: str) -> Predicate:
    if not iri.startswith(ONTOLOGY):
        raise ValueError(f"not an igfkg predicate IRI: {iri}")
    return Predicate(iri[len(ONTOLOGY):])


def document_graph(document_id: str) -> str:
    """Named graph holding one source document's record and extraction."""
    from urllib.parse import quote

    return GRAPH_DOCUMENT_PREFIX + quote(document_id, safe=":")


def document_iri(document_id: str) -> str:
    """PubMed/DOI IRI for a document when it has one, else an igfkg document IRI."""
    from urllib.parse import quote

    prefix, _, local = document_id.partition(":")
    if prefix == "pmid":
        return PREFIX_MAP["pubmed"] + local
    if prefix == "doi":
        return PREFIX_MAP["doi"] + quote(local, safe="/:;()._-")
    if prefix == "pmc":
        return PREFIX_MAP["pmc"] + local
    return DOCUMENT + quote(document_id, safe=":")
