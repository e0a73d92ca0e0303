"""NER rules measured on BioRED Train errors (BENCHMARKS.md, Extraction accuracy): each test uses sentences
written for it and asserts the exact mentions."""

from __future__ import annotations

import pytest

from kg.model import EntityType


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp import get_pipeline
    from kg.ontology import load_lexicon

    return get_pipeline("auto", load_lexicon())[0]


@pytest.fixture(scope="module")
def tool():
    """ontology/tools/build_lexicon.py, loaded as test_lexicon_tools loads the lexicon tools."""
    from test_lexicon_tools import _tool

    return _tool("build_lexicon")


def spans(nlp, text):
    from kg.nlp.entities import get_mentions

    return [(m.text, m.type, m.grounding.curie if m.grounding else None) for m in get_mentions(nlp(text))]


def test_definition_followed_by_hyphen_is_found(nlp):
    from kg.nlp.abbreviations import get_abbreviations

    doc = nlp("Rats received nitroglycerin (NTG)-induced hypotension. NTG was given twice.")
    assert [(a.short, a.long) for a in get_abbreviations(doc)] == [("NTG", "nitroglycerin")]
    got = spans(nlp, "Rats received nitroglycerin (NTG)-induced hypotension. NTG was given twice.")
    assert [g for g in got if g[0] == "NTG"] == [("NTG", EntityType.DRUG, "MESH:D005996")] * 2


def test_schwartz_hearst_long_form():
    from kg.nlp.abbreviations import schwartz_hearst_long

    text = "after cyclophosphamide (CYP)-induced cystitis"
    a, b = schwartz_hearst_long("CYP", text, text.index("("))
    assert text[a:b] == "cyclophosphamide"
    text = "the drug was given (XYZ)-treated"
    assert schwartz_hearst_long("XYZ", text, text.index("(")) is None


def test_disease_head_of_unknown_long_form_types_the_short_form(nlp):
    text = "Contrast-induced nephropathy (CIN) follows angiography. CIN is frequent."
    got = spans(nlp, text)
    assert ("Contrast-induced nephropathy", EntityType.DISEASE, "MESH:D007674") in got
    assert [g for g in got if g[0] == "CIN"] == [("CIN", EntityType.DISEASE, "MESH:D007674")] * 2


def test_gene_alias_defined_as_something_else_is_dropped(nlp):
    # ADR is an alias of FDXR; here it abbreviates a drug name the lexicon lacks
    got = spans(nlp, "Rats with adriamycin (ADR) nephropathy were treated. ADR doses varied.")
    assert not [g for g in got if g[0] in ("ADR", "adriamycin")]
    # an approved symbol still lends its grounding to an unknown long form
    got = spans(nlp, "Bicaudal D2 (BICD2) binds dynein. BICD2 was mutated.")
    assert [g for g in got if "BICD2" in g[0] or "Bicaudal" in g[0]] == [
        ("Bicaudal D2", EntityType.GENE, "HGNC:17208"), ("BICD2", EntityType.GENE, "HGNC:17208"),
        ("BICD2", EntityType.GENE, "HGNC:17208")]


def test_cd_marker_followed_by_plus_is_a_gene_not_an_ion(nlp):
    got = spans(nlp, "CD4(+) T cells and CD8+ T cells were counted in Ca2+ free medium.")
    assert [g for g in got if g[0].startswith(("CD", "Ca"))] == [("CD4", EntityType.GENE, "HGNC:1678"),
                                                                  ("CD8", EntityType.PROTEIN_FAMILY, "FPLX:CD8"),
                                                                  ("Ca2+", EntityType.DRUG, "MESH:D002118")]


def test_peptide_and_protein_chemicals_are_gene_products(nlp):
    # MeSH files these under chemicals too (hormones, pharmacologic actions); abstracts mean the gene product
    got = spans(nlp, "Lactoferrin and uroplakin levels rose after vancomycin and glutathione.")
    assert got == [("Lactoferrin", EntityType.GENE, "HGNC:6720"),
                   ("uroplakin", EntityType.PROTEIN_FAMILY, "MESH:D060165"),
                   ("vancomycin", EntityType.DRUG, "MESH:D014640"),
                   ("glutathione", EntityType.DRUG, "MESH:D005978")]


def test_protein_tree_rule_of_the_lexicon_tool(tool):
    assert tool.is_protein(["D06.472.317.950", "D12.644.548.952"])  # a peptide hormone (VIP)
    assert not tool.is_protein(["D06.472.317.152.700", "D12.644.120.500"])  # a neuropeptide reagent (CCK-8)
    assert not tool.is_protein(["D12.644.456.448"])  # an oligopeptide (glutathione)
    assert not tool.is_protein(["D09.400.420.925", "D12.644.233.925"])  # a glycopeptide antibiotic
    assert not tool.is_protein(["D04.615.562"])
    # MeSH protein-concept names: an adjective or participle is not a name on its own, nor is a type qualifier
    assert tool._protein_names("lens epithelial protein, human") == ["lens epithelial protein"]
    assert tool._protein_names("dexamethasone-induced protein, human") == ["dexamethasone-induced protein"]
    assert tool._protein_names("EF-hand domain (C-terminal) containing 1 protein, human") == []
    assert tool._protein_names("gonadotropin-releasing hormone (type 2) receptor 2 protein, human") == []
    assert tool._protein_names("psoriasin protein, human") == ["psoriasin"]
    assert tool._protein_names("poly(A)-binding protein, cytoplasmic 4 (inducible form), human") == []
    assert tool._protein_names("member 1 (glucocorticoid receptor) protein, human") == ["glucocorticoid receptor"]
    assert tool._protein_names("LTP (long-term potentiation) induced RING finger protein, human") == []


def test_disease_adjectives_name_the_disease_but_not_after_anti(nlp):
    got = spans(nlp, "Anti-inflammatory drugs reduced inflammatory infiltrates in hypertensive and diabetic rats.")
    assert [g for g in got if g[1] is EntityType.DISEASE] == [
        ("inflammatory", EntityType.DISEASE, "MESH:D007249"), ("hypertensive", EntityType.DISEASE, "MESH:D006973"),
        ("diabetic", EntityType.DISEASE, "MESH:D003920")]


def test_disease_adjective_rules_of_the_lexicon_tool(tool):
    assert [tool.disease_adjectives(w) for w in ("Cirrhosis", "Leukemia", "Obesity", "Epilepsy", "Asthma")] == [
        ["cirrhotic"], ["leukemic"], ["obese"], ["epileptic"], ["asthmatic"]]
    assert tool.disease_adjectives("Carcinoma") == [] and tool.disease_adjectives("Brain Edema") == []


def test_disease_span_takes_organ_course_and_head_words(nlp):
    got = spans(nlp, "Acute renal failure and liver fibrosis preceded inflammatory diseases and ischemic injury.")
    assert [g[0] for g in got] == ["Acute renal failure", "liver fibrosis", "inflammatory diseases",
                                   "ischemic injury"]
    # never across another mention or into a hyphen compound
    got = spans(nlp, "IGF-1 liver fibrosis-like lesions.")
    assert [g[0] for g in got] == ["IGF-1", "liver fibrosis"]


def test_supplementary_chemicals_are_recognised(nlp):
    # MeSH supplementary concepts (not descriptors) filed under a chemical descriptor
    got = spans(nlp, "Crocin and ibrutinib were compared with asenapine.")
    assert got == [("Crocin", EntityType.DRUG, "MESH:C029036"), ("ibrutinib", EntityType.DRUG, "MESH:C551803"),
                   ("asenapine", EntityType.DRUG, "MESH:C522667")]


def test_supplementary_chemical_filter_of_the_lexicon_tool(tool, tmp_path):
    supp = tmp_path / "supp.tsv"
    supp.write_text("C1\tcrocin\t\tD002338\nC2\tFOO protein, human\t\tD002338\nC3\tT 330\t\tD002338\n"
                    "C4\tacid, inverted\t\tD002338\nC5\tgadget\t\tD999999\nC6\tcarotenoids\t\tD002338\n",
                    encoding="utf-8")
    assert tool.supplementary_chemicals(supp, {"D002338"}, {"carotenoids"}) == [
        ["MESH:C1", "crocin", "drug", "", ""]]


def test_supplementary_concept_names_that_are_common_words_need_a_definition(nlp):
    got = spans(nlp, "We got rid of the timeline; crocin was given.")
    assert got == [("crocin", EntityType.DRUG, "MESH:C029036")]


def test_flagged_symbol_supported_by_the_document(nlp):
    text = "The androgen receptor was high. AR was phosphorylated. FH mutations occur. CAT activity rose."
    got = spans(nlp, text)
    assert got == [("androgen receptor", EntityType.GENE, "HGNC:644"), ("AR", EntityType.GENE, "HGNC:644"),
                   ("FH", EntityType.GENE, "HGNC:3700"), ("CAT", EntityType.GENE, "HGNC:1516")]
    # without support the flagged symbols stay unrecognised
    assert spans(nlp, "AR was high. FH was low. CAT scans were done.") == []


def test_genes_inside_pathway_mentions_are_reported_but_not_claim_arguments():
    from kg.extraction import Extractor
    from kg.model import Document, Section

    doc = Document(id="text:pathway", title="T", abstract=(Section(
        "IGF-1 activates PI3K/Akt/mTOR signaling in cells."),))
    ex = Extractor(entities="predicted").extract(doc)
    got = [(m.text, m.type, m.grounding.curie) for m in ex.mentions]
    assert got == [("IGF-1", EntityType.GENE, "HGNC:5464"),
                   ("PI3K/Akt/mTOR signaling", EntityType.PATHWAY, "GO:0043491"),
                   ("PI3K", EntityType.COMPLEX, "FPLX:PI3K"), ("Akt", EntityType.PROTEIN_FAMILY, "FPLX:AKT"),
                   ("mTOR", EntityType.GENE, "HGNC:3942")]
    assert [(c.subject.curie, c.predicate.value, c.object.curie) for c in ex.claims] == [
        ("HGNC:5464", "positively_regulates", "GO:0043491")]


def test_gene_span_takes_greek_letters_and_number_series(nlp):
    got = spans(nlp, "Neuregulin-1 (NRG-1) was given; NRG-1 beta, gamma-H2AX, Smad1/5/8 and IGF-1 beta-cells.")
    assert [g[0] for g in got] == ["Neuregulin-1", "NRG-1", "NRG-1 beta", "gamma-H2AX", "Smad1/5/8", "IGF-1"]
    assert [g[2] for g in got][2:5] == ["HGNC:7997", "HGNC:4739", "HGNC:6767"]


def test_symbol_defined_as_a_non_gene_name_and_lower_case_word_aliases(nlp):
    # DBP is a gene symbol, but here it abbreviates a measurement; "spatial" is an HGNC alias of TBATA
    got = spans(nlp, "Diastolic blood pressure (DBP) rose. DBP and spatial memory were measured.")
    assert [g for g in got if g[1] is EntityType.GENE] == []


def test_ions_title_case_mesh_words_acid_anions_and_chemical_stop_entries(nlp):
    got = spans(nlp, "Intracellular Ca2+ and Ca(2+) and K+ rose; ATP, lactate and iron fell in CD4+ cells.")
    assert got == [("Ca2+", EntityType.DRUG, "MESH:D002118"), ("Ca(2+)", EntityType.DRUG, "MESH:D002118"),
                   ("K+", EntityType.DRUG, "MESH:D011188"), ("ATP", EntityType.DRUG, "MESH:D000255"),
                   ("lactate", EntityType.DRUG, "MESH:D019344"), ("iron", EntityType.DRUG, "MESH:D007501"),
                   ("CD4", EntityType.GENE, "HGNC:1678")]
    # generic words MeSH has as headings are not mentions
    assert spans(nlp, "The drug and the acid were mixed in a solution with a hormone and a vitamin.") == []


def test_acid_anion_rule_of_the_lexicon_tool(tool):
    assert [tool.acid_anions(n) for n in ("Lactic Acid", "Folic Acid", "Acetic acid", "Amino Acids", "Acid")] == [
        ["lactate"], ["folate"], ["acetate"], [], []]


def test_formula_fragments_are_not_genes(nlp):
    assert spans(nlp, "CaCl(2) and ZnSO(4) were added; IGF1R was high.") == [("IGF1R", EntityType.GENE, "HGNC:5465")]


def test_drugs_filed_only_as_their_salt_are_found_by_the_active_moiety(nlp):
    assert spans(nlp, "They took raloxifene or quetiapine.") == [
        ("raloxifene", EntityType.DRUG, "MESH:D020849"), ("quetiapine", EntityType.DRUG, "MESH:D000069348")]


def test_receptors_of_ligands_and_numbered_relatives_are_unresolved_gene_mentions(nlp):
    from kg.nlp.entities import get_mentions, is_ambiguous

    ms = get_mentions(nlp("IFN-g, ghrelin receptor type 2, CCR2 receptor and matriptase-2 were studied."))
    got = [(m.text, m.type, m.grounding.curie, is_ambiguous(m.grounding)) for m in ms]
    assert got == [("IFN-g", EntityType.GENE, "HGNC:5438", False),
                   ("ghrelin receptor type 2", EntityType.GENE, "HGNC:18129", True),
                   ("CCR2 receptor", EntityType.GENE, "HGNC:1603", False),
                   ("matriptase-2", EntityType.GENE, "HGNC:11344", True)]


def test_disease_inside_a_process_mention_is_reported_but_not_a_claim_argument():
    from kg.extraction import Extractor
    from kg.model import Document, Section

    doc = Document(id="text:process", title="T", abstract=(Section("IGF-1 promotes tumor growth."),))
    ex = Extractor(entities="predicted").extract(doc)
    got = [(m.text, m.type) for m in ex.mentions]
    assert got == [("IGF-1", EntityType.GENE), ("tumor growth", EntityType.PROCESS), ("tumor", EntityType.DISEASE)]
    assert [(c.subject.curie, c.predicate.value, c.object.curie) for c in ex.claims] == [
        ("HGNC:5464", "positively_regulates", "MESH:D063646")]


def test_short_aliases_need_their_own_case(nlp):
    # TH1 is an alias of NELFCD; "Th1" cells are T helper cells. Mouse-style symbols still match ("Bach1").
    got = spans(nlp, "Th1 cells expanded while Bach1 and c-kit fell.")
    assert [g for g in got if g[1] is EntityType.GENE] == [("Bach1", EntityType.GENE, "HGNC:935"),
                                                           ("c-kit", EntityType.GENE, "HGNC:6342")]


def test_hgnc_name_forms_without_their_qualifier(nlp):
    got = spans(nlp, "Nephrin, thrombin and acetylcholinesterase were measured.")
    assert got == [("Nephrin", EntityType.GENE, "HGNC:7908"), ("thrombin", EntityType.GENE, "HGNC:3535"),
                   ("acetylcholinesterase", EntityType.GENE, "HGNC:108")]
    from kg.lexicon import _name_forms

    assert _name_forms("ATP binding cassette subfamily B member 6 (Langereis blood group)") == [
        "ATP binding cassette subfamily B member 6"]
    assert _name_forms("ADP-ribosyltransferase 4 (inactive)") == []
    assert _name_forms("tRNA methyltransferase 2 homolog, methyltransferase") == []


def test_amino_acid_residues_are_not_chemicals(nlp):
    got = spans(nlp, "Arginine residues, serine/threonine kinase and an arginine to glutamine substitution; "
                     "glutamine supplementation raised glycine levels.")
    assert [g for g in got if g[1] is EntityType.DRUG] == [("glutamine", EntityType.DRUG, "MESH:D005973"),
                                                           ("glycine", EntityType.DRUG, "MESH:D005998")]


def test_pharmacologic_action_adjectives_are_not_chemicals(nlp):
    got = spans(nlp, "The analgesic effect and anticonvulsant activity of analgesics were compared.")
    assert [g for g in got if g[1] is EntityType.DRUG] == [("analgesics", EntityType.DRUG, "MESH:D000700")]


def test_measurements_and_courses_are_not_diseases(nlp):
    got = spans(nlp, "Body weight fell and disease progression and recurrence of glioma were recorded.")
    assert [g[0] for g in got if g[1] is EntityType.DISEASE] == ["glioma"]


def test_isoform_and_splice_variant_suffixes_name_the_gene(nlp):
    got = spans(nlp, "OCT4A and FLNBv4 rose, unlike PCPA and EMSA controls.")
    assert got == [("OCT4A", EntityType.GENE, "HGNC:9221"), ("FLNBv4", EntityType.GENE, "HGNC:3755")]


def test_a_defined_short_form_does_not_swallow_longer_hyphenated_names(nlp):
    got = spans(nlp, "The insulin receptor (IR) binds IGF-2. IR-A and IR were studied; MMP-9 rose after "
                     "streptozotocin (STZ)-induced diabetes and STZ-treated rats.")
    assert [g[0] for g in got if g[0].startswith(("IR", "MMP", "STZ"))] == ["IR", "IR-A", "IR", "MMP-9", "STZ", "STZ"]
    assert [g[2] for g in got if g[0] == "IR-A"] == ["UniProt:P06213-2"]
