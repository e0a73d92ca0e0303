"""Species words abstracts use for organisms (context qualifiers and BioRED OrganismTaxon mentions).

A small hand-written table (NCBI Taxonomy IDs are stable public facts); the ontology's lexicon does not
carry species, and the context of a claim ("in mice", "patients") needs them.
"""

from __future__ import annotations

HUMAN = "NCBITaxon:9606"
MOUSE = "NCBITaxon:10090"
RAT = "NCBITaxon:10116"

#: (text, CURIE, label)
SPECIES_TERMS: list[tuple[str, str, str]] = [
    (t, HUMAN, "Homo sapiens") for t in
    ("human", "humans", "patient", "patients", "Homo sapiens", "man", "men", "woman", "women")
] + [
    (t, MOUSE, "Mus musculus") for t in ("mouse", "mice", "murine", "Mus musculus")
] + [
    (t, RAT, "Rattus norvegicus") for t in ("rat", "rats", "Rattus norvegicus")
] + [
    ("zebrafish", "NCBITaxon:7955", "Danio rerio"), ("Danio rerio", "NCBITaxon:7955", "Danio rerio"),
    ("Drosophila", "NCBITaxon:7227", "Drosophila melanogaster"),
    ("Drosophila melanogaster", "NCBITaxon:7227", "Drosophila melanogaster"),
    ("fruit fly", "NCBITaxon:7227", "Drosophila melanogaster"),
    ("C. elegans", "NCBITaxon:6239", "Caenorhabditis elegans"),
    ("Caenorhabditis elegans", "NCBITaxon:6239", "Caenorhabditis elegans"),
    ("yeast", "NCBITaxon:4932", "Saccharomyces cerevisiae"),
    ("Saccharomyces cerevisiae", "NCBITaxon:4932", "Saccharomyces cerevisiae"),
    ("E. coli", "NCBITaxon:562", "Escherichia coli"), ("Escherichia coli", "NCBITaxon:562", "Escherichia coli"),
    ("pig", "NCBITaxon:9823", "Sus scrofa"), ("pigs", "NCBITaxon:9823", "Sus scrofa"),
    ("dog", "NCBITaxon:9615", "Canis lupus familiaris"), ("dogs", "NCBITaxon:9615", "Canis lupus familiaris"),
    ("bovine", "NCBITaxon:9913", "Bos taurus"), ("cattle", "NCBITaxon:9913", "Bos taurus"),
    ("chicken", "NCBITaxon:9031", "Gallus gallus"), ("rabbit", "NCBITaxon:9986", "Oryctolagus cuniculus"),
    ("rabbits", "NCBITaxon:9986", "Oryctolagus cuniculus"),
    ("Xenopus", "NCBITaxon:8355", "Xenopus laevis"), ("HIV", "NCBITaxon:12721", "Human immunodeficiency virus"),
]
