"""Surface strings the NER needs that the ontology lexicon does not (yet) carry: biological processes,
cancer stem cells, IGF-1R drugs and common cell lines. The lexicon wins whenever it knows a string; these
fill gaps only. IDs are community identifiers (GO, MeSH from ../shared/reference, DrugBank, Cellosaurus).
"""

from __future__ import annotations

from kg.model import EntityType

P, C, D, L, I, DZ = (EntityType.PROCESS, EntityType.CELL_TYPE, EntityType.DRUG, EntityType.CELL_LINE,
                     EntityType.ISOFORM, EntityType.DISEASE)

#: (CURIE, label, type, surface strings)
SUPPLEMENT: list[tuple[str, str, EntityType, tuple[str, ...]]] = [
    ("MESH:D014411", "Neoplastic Stem Cells", C, ("cancer stem cells", "cancer stem cell", "cancer stem-like cells",
                                                  "cancer stem-like cell", "tumor stem cells", "tumour stem cells",
                                                  "tumor-initiating cells", "tumour-initiating cells",
                                                  "breast cancer stem cells", "glioma stem cells")),
    ("GO:0019827", "stem cell population maintenance", P, ("self-renewal", "self renewal", "stemness")),
    ("GO:0008283", "cell population proliferation", P, ("proliferation", "cell proliferation",
                                                        "cell growth", "tumor growth", "tumour growth")),
    ("GO:0006915", "apoptotic process", P, ("apoptosis", "apoptotic cell death")),
    ("GO:0001837", "epithelial to mesenchymal transition", P, ("epithelial-mesenchymal transition",
                                                              "epithelial-to-mesenchymal transition",
                                                              "epithelial to mesenchymal transition")),
    ("GO:0016477", "cell migration", P, ("migration", "cell migration")),
    ("GO:0001525", "angiogenesis", P, ("angiogenesis",)),
    ("GO:0006914", "autophagy", P, ("autophagy",)),
    ("GO:0030154", "cell differentiation", P, ("differentiation", "cell differentiation")),
    ("MESH:D019008", "Drug Resistance, Neoplasm", P, ("chemoresistance", "drug resistance",
                                                     "chemotherapy resistance", "radioresistance")),
    ("MESH:D063646", "Carcinogenesis", P, ("tumorigenesis", "tumourigenesis", "carcinogenesis",
                                           "tumorigenicity")),
    ("MESH:D009362", "Neoplasm Metastasis", DZ, ("metastasis", "metastases")),
    ("drugbank:DB06075", "Linsitinib", D, ("linsitinib", "OSI-906", "OSI906")),
    ("MESH:C415032", "picropodophyllin", D, ("picropodophyllin",)),
    ("MESH:C525021", "figitumumab", D, ("figitumumab", "CP-751,871", "CP-751871")),
    ("MESH:C545764", "ganitumab", D, ("ganitumab", "AMG 479", "AMG-479")),
    ("MESH:C569480", "dalotuzumab", D, ("dalotuzumab", "MK-0646")),
    ("MESH:C557414", "cixutumumab", D, ("cixutumumab", "IMC-A12")),
    ("MESH:C501177", "NVP-AEW541", D, ("NVP-AEW541", "AEW541")),
    ("MESH:C545990", "BMS 754807", D, ("BMS-754807", "BMS 754807")),
    ("MESH:C588089", "xentuzumab", D, ("xentuzumab", "BI 836845")),
    ("MESH:C010327", "salinomycin", D, ("salinomycin",)),
    ("MESH:C113580", "U 0126", D, ("U0126", "U-0126")),
    ("MESH:D008687", "Metformin", D, ("metformin",)),
    ("MESH:D020123", "Sirolimus", D, ("rapamycin", "sirolimus")),
    ("UniProt:P06213-2", "insulin receptor isoform A", I, ("IR-A", "IR-A isoform", "insulin receptor A",
                                                           "insulin receptor isoform A")),
    ("UniProt:P06213-1", "insulin receptor isoform B", I, ("IR-B", "insulin receptor B",
                                                           "insulin receptor isoform B")),
    ("cellosaurus:CVCL_0031", "MCF-7", L, ("MCF-7", "MCF7")),
    ("cellosaurus:CVCL_0062", "MDA-MB-231", L, ("MDA-MB-231",)),
    ("cellosaurus:CVCL_0023", "A549", L, ("A549",)),
    ("cellosaurus:CVCL_0027", "Hep-G2", L, ("HepG2", "Hep G2", "Hep-G2")),
]
