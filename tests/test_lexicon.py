"""The lexicon: synonym sets resolve to one term, cross-references, hierarchy, ambiguity filtering."""

from __future__ import annotations

import pytest

from kg.model import EntityType
from kg.ontology import LexEntry, Term, load_lexicon, normalize


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def best(lex, text):
    found = lex.lookup(text)
    return found[0].curie if found else None


@pytest.mark.parametrize("text", ["IGF-1", "IGF-I", "IGF1", "IGF 1", "IGF\u20111", "insulin-like growth factor 1",
                                  "insulin-like growth factor I", "Insulin-like growth factor-I", "somatomedin C",
                                  "insulin like growth factor 1"])
def test_igf1_synonyms(lex, text):
    assert best(lex, text) == "HGNC:5464"


@pytest.mark.parametrize("text", ["IGF-1R", "IGF-IR", "IGF1R", "CD221", "type 1 IGF receptor",
                                  "type I IGF receptor", "insulin-like growth factor 1 receptor",
                                  "IGF-I receptor", "IGF-1R\u03b2", "IGF\u20131R"])
def test_igf1r_synonyms(lex, text):
    assert best(lex, text) == "HGNC:5465"


@pytest.mark.parametrize("text", ["IGFBPs", "IGF binding proteins", "IGF-binding proteins",
                                  "insulin-like growth factor binding proteins", "IGFBP"])
def test_igfbp_family(lex, text):
    g = lex.lookup(text)[0]
    assert g.curie == "FPLX:IGFBP" and g.type is EntityType.PROTEIN_FAMILY


def test_igf2_is_distinct_from_igf1(lex):
    assert best(lex, "IGF-II") == "HGNC:5466"
    assert best(lex, "IGF-IIR") == "HGNC:5467"


def test_normalize_unifies_variants():
    assert normalize("IGF-1") == normalize("IGF 1") == normalize("igf1") == normalize("IGF-I") == "igf1"
    assert normalize("IGF-IR") == normalize("IGF1R")
    assert normalize("TGF-\u03b21") == "tgfbeta1"
    assert normalize("insulin\u2013like growth factor II") == normalize("insulin-like growth factor 2")
    assert normalize("IGF-1R", keep_case=True) == "IGF1R"
    # a Roman numeral glued to letters is not a numeral
    assert normalize("IGFI") == "igfi"


def test_every_hgnc_gene_has_ncbi_gene_and_by_xref(lex):
    assert lex.by_xref("NCBIGene:3479").curie == "HGNC:5464"
    assert lex.term("NCBIGene:3480").curie == "HGNC:5465"
    assert lex.by_xref("UniProt:P08069").curie == "HGNC:5465"
    cat = lex.term("HGNC:1516")
    assert cat is not None and "NCBIGene:847" in cat.xrefs and cat.source == "hgnc"


def test_terms_and_hierarchy(lex):
    igfbp3 = lex.term("HGNC:5472")
    assert isinstance(igfbp3, Term) and igfbp3.label == "IGFBP3"
    assert "FPLX:IGFBP" in lex.ancestors("HGNC:5472")
    assert set(lex.children("FPLX:IGFBP")) >= {f"HGNC:{n}" for n in (5469, 5471, 5472, 5473, 5474, 5475, 5476)}
    assert "FPLX:PI3K" in lex.ancestors("HGNC:8975")  # PIK3CA -> PI3K_p110 -> PI3K
    assert lex.term("HGNC:0") is None


def test_family_synonyms_beat_gene_aliases(lex):
    # HGNC lists AKT, ERK and PI3K as aliases of single genes; the family is what abstracts mean
    assert best(lex, "Akt") == "FPLX:AKT"
    assert best(lex, "ERK1/2") == "FPLX:ERK"
    assert best(lex, "PI3K") == "FPLX:PI3K"


@pytest.mark.parametrize("text", ["CAT", "SET", "MET", "IMPACT", "IR", "ALS", "PI", "CD", "AD"])
def test_ambiguous_symbols_are_flagged(lex, text):
    assert lex.ambiguity(text) is not None
    for g in lex.lookup(text):
        assert g.note.startswith("ambiguous") and g.score < 0.7


@pytest.mark.parametrize("text", ["cat", "set", "met", "impact", "Cat"])
def test_english_words_in_lower_case_never_ground(lex, text):
    assert lex.lookup(text) == []


def test_ir_still_maps_to_insr_when_defined(lex):
    found = lex.lookup("IR")
    assert found and found[0].curie == "HGNC:6091"
    stop = lex.stop_entry("IR")
    assert stop is not None and "insulin receptor" in stop.accept_if_defined_as
    assert best(lex, "insulin receptor") == "HGNC:6091" and lex.ambiguity("insulin receptor") is None


def test_english_word_symbol_without_stop_entry(lex):
    why = lex.ambiguity("KIT")
    assert why is not None and "English" in why


@pytest.mark.parametrize("text", ["IGF1R", "IGFBP3", "AKT1", "SOX2", "insulin-like growth factor 1"])
def test_unambiguous_names_are_not_flagged(lex, text):
    assert lex.ambiguity(text) is None


def test_shared_alias_is_flagged(lex):
    # p85 is an alias of PIK3R1 and PIK3R2 (and others): no single gene
    why = lex.ambiguity("p85")
    assert why is not None and "shared" in why


def test_entries_cover_variants_and_flags(lex):
    wanted = {("IGF-1", "HGNC:5464"), ("IGF1", "HGNC:5464"), ("IGF-1R", "HGNC:5465"), ("IGFBPs", "FPLX:IGFBP"),
              ("IGF 1", "HGNC:5464")}
    flagged = {}
    for e in lex.entries():
        assert isinstance(e, LexEntry)
        wanted.discard((e.text, e.curie))
        if e.text in ("IR", "CAT", "IGF1R"):
            flagged[(e.text, e.curie)] = e
    assert not wanted
    assert flagged[("IR", "HGNC:6091")].ambiguous
    assert flagged[("CAT", "HGNC:1516")].ambiguous and flagged[("CAT", "HGNC:1516")].case_sensitive
    assert flagged[("IGF1R", "HGNC:5465")].ambiguous is None


def test_entries_without_ambiguous(lex):
    texts = {e.text for e in lex.entries(include_ambiguous=False) if e.text in ("IR", "CAT", "MET", "IGF1R")}
    assert texts == {"IGF1R"}


def test_drop_list_and_single_characters(lex):
    assert lex.lookup("II") == []
    assert lex.explain("II")[0].status == "filtered"
    assert lex.ambiguity("A") == "single character"


def test_explain_reports_filtered_case_mismatch(lex):
    exp = lex.explain("cat")
    assert exp and exp[0].status == "filtered" and "case" in exp[0].why


def test_mouse_style_case_of_unambiguous_symbol(lex):
    found = lex.lookup("Igfbp3")
    assert found and found[0].curie == "HGNC:5472"


def test_diseases_are_mesh_with_doid_xref(lex):
    g = lex.lookup("breast cancer")[0]
    assert g.curie == "MESH:D001943" and g.type is EntityType.DISEASE
    assert any(x.startswith("DOID:") for x in lex.term("MESH:D001943").xrefs)
    assert lex.by_xref("DOID:1612").curie == "MESH:D001943"


@pytest.mark.parametrize("text,curie", [
    ("CSCs", "MESH:D014411"), ("cancer stem cells", "MESH:D014411"), ("tumor-initiating cells", "MESH:D014411"),
    ("self-renewal", "MESH:D000066673"), ("stemness", "GO:0019827"), ("EMT", "GO:0001837"),
    ("epithelial-mesenchymal transition", "GO:0001837"), ("apoptosis", "GO:0006915"),
    ("PI3K/AKT pathway", "GO:0043491"), ("Wnt/\u03b2-catenin signaling", "GO:0060070"),
    ("linsitinib", "drugbank:DB06075"), ("OSI-906", "drugbank:DB06075"), ("picropodophyllin", "MESH:C415032"),
    ("figitumumab", "MESH:C525021"), ("LY294002", "MESH:C085911"), ("rapamycin", "MESH:D020123"),
    ("MCF-7", "cellosaurus:CVCL_0031"), ("MCF7", "cellosaurus:CVCL_0031"), ("mice", "NCBITaxon:10090"),
    ("human", "NCBITaxon:9606"), ("IR-A", "UniProt:P06213-2"), ("IGF-1R/IR hybrid", "igfkg:IGF1R_INSR_hybrid"),
    ("NSCLC", "MESH:D002289"),
])
def test_curated_igf_axis_terms(lex, text, curie):
    assert best(lex, text) == curie


def test_antibodies_are_typed(lex):
    assert lex.term("MESH:C525021").type is EntityType.ANTIBODY
    assert lex.term("drugbank:DB11685").curie == "MESH:C525021"  # DrugBank xref finds the MeSH term


def test_english_words_for_the_ner(lex):
    words = lex.english_words()
    assert {"cat", "set", "met", "impact"} <= words and "igf" not in words and "insulin" not in words
    assert lex.english_words(5.0) < words


def test_very_common_word_names_are_flagged(lex):
    assert "English" in (lex.ambiguity("Lead") or "")
    assert lex.lookup("lead") == []


def test_version_is_content_hash_and_cached(lex):
    assert len(lex.version) == 12
    assert load_lexicon() is lex


def test_ontology_dir_override(tmp_path):
    from kg.errors import OntologyError

    with pytest.raises(OntologyError):
        load_lexicon(tmp_path / "missing")
    with pytest.raises(OntologyError):
        load_lexicon(tmp_path)  # exists but has no terms.tsv
