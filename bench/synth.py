"""Synthetic PubMed abstracts for scale benchmarks, built from the project's lexicon and sentence templates.

Real text (BioRED) is small (500 abstracts); measuring a build at 10k-100k documents needs more. The
generator draws entity names from ``ontology/lexicon`` (HGNC protein-coding symbols, MeSH drugs and
diseases) plus the IGF-axis core terms, and fills sentence templates that cover the constructions the
extractor handles (active/passive, nominalisation, knockdown, negation, hedging, drug→target) mixed with
the methods/background sentences real abstracts are mostly made of (~175 words per abstract).
Output is PubMed efetch XML (``PubmedArticleSet``), many articles per file, so the build's real streaming
reader is exercised. Deterministic for a given ``--seed``.

    python bench/synth.py --docs 10000 --out /tmp/synth10k          # 10 files of 1,000 articles
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import random
from pathlib import Path
from xml.sax.saxutils import escape

LEXICON = Path(__file__).resolve().parents[1] / "ontology" / "lexicon"

IGF_AXIS = ["IGF-1", "IGF-2", "IGF-1R", "IGF1R", "insulin receptor", "IR-A", "IRS-1", "IRS-2", "IGFBP3", "IGFBP2",
            "AKT", "PI3K", "mTOR", "ERK", "MAPK", "SOX2", "NANOG", "OCT4", "ALDH1A1", "CD44", "CD133", "STAT3",
            "FOXO3", "GSK3B", "beta-catenin", "PTEN", "KRAS", "EGFR", "HER2", "SRC", "JAK2", "YAP1", "BMI1"]
DRUGS = ["picropodophyllin", "linsitinib", "figitumumab", "ganitumab", "BMS-754807", "metformin", "NVP-AEW541",
         "dalotuzumab", "xentuzumab", "rapamycin", "LY294002", "gefitinib", "OSI-906", "cixutumumab"]
PROCESSES = ["self-renewal", "sphere formation", "stemness", "epithelial-mesenchymal transition", "apoptosis",
             "cell proliferation", "chemoresistance", "tumorigenesis", "metastasis", "cell migration"]
CELLS = ["cancer stem cells", "CSCs", "breast cancer cells", "glioblastoma stem cells", "MCF-7 cells",
         "colorectal cancer cells", "ovarian cancer stem cells", "HepG2 cells", "A549 cells"]

RELATION_TEMPLATES = [
    "{g1} activates {g2} in {cell}.",
    "{g1} binds {g2} and promotes {proc}.",
    "{g2} was phosphorylated by {g1} in {cell}.",
    "{drug} inhibits {g1} and reduces {proc} of {cell}.",
    "Knockdown of {g1} reduced the expression of {g2} in {cell}.",
    "{g1}-induced {g2} phosphorylation was blocked by {drug}.",
    "Activation of {g2} by {g1} increased {proc}.",
    "{g1} did not affect {g2} expression in {cell}.",
    "These data suggest that {g1} may regulate {proc} through {g2}.",
    "{g1} is a marker of {cell} in {disease}.",
    "Inhibition of {g1} with {drug} decreased {g2} levels.",
    "{g1} and {g2} were associated with poor prognosis in {disease}.",
    "The role of {g1} in {proc} remains controversial.",
    "{g1} up-regulates {g2}, which is required for {proc}.",
]
FILLER = [
    "{disease} remains a leading cause of cancer death worldwide.",
    "We analysed {n} tumour samples from patients treated between 2008 and 2016.",
    "Cells were cultured in serum-free medium for {n} days and sphere-forming efficiency was quantified.",
    "Protein levels were measured by western blotting and immunohistochemistry.",
    "Statistical significance was assessed with a two-sided t-test (p < 0.05).",
    "Xenograft experiments were performed in {n} nude mice per group.",
    "Gene expression profiling was carried out with RNA sequencing in triplicate.",
    "The median follow-up was {n} months, and survival was analysed with Kaplan-Meier curves.",
    "Our findings provide a rationale for combination therapies in {disease}.",
    "Further studies are needed to validate these observations in larger cohorts.",
]
TITLES = ["{g1} signaling regulates {proc} in {disease}", "Targeting {g1} with {drug} in {cell}",
          "The {g1}/{g2} axis controls {proc}", "Role of {g1} in {disease} {cell}"]


def _rows(name: str) -> list[dict[str, str]]:
    path = LEXICON / name
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") if name.endswith(".gz") else open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("".join(lines)), delimiter="\t"))


def vocabulary() -> dict[str, list[str]]:
    """Entity names by kind: the IGF-axis core, then lexicon genes/drugs/diseases for breadth."""
    genes = [r["symbol"] for r in _rows("hgnc_genes.tsv.gz")
             if r.get("locus_type") == "gene with protein product" and 3 <= len(r["symbol"]) <= 8]
    mesh = _rows("mesh.tsv.gz")
    drugs = [r["label"] for r in mesh if r.get("type") == "drug" and len(r["label"]) < 30 and "," not in r["label"]]
    diseases = [r["label"] for r in mesh if r.get("type") == "disease" and "eoplasm" in r["label"]
                or r.get("type") == "disease" and "ancer" in r["label"]]
    rng = random.Random(0)
    return {"genes": IGF_AXIS * 20 + rng.sample(genes, min(2000, len(genes))),
            "drugs": DRUGS * 20 + rng.sample(drugs, min(500, len(drugs))),
            "diseases": (["breast cancer", "glioblastoma", "colorectal cancer", "hepatocellular carcinoma"] * 10
                         + [d for d in diseases if "," not in d][:300]),
            "procs": PROCESSES, "cells": CELLS}


def abstract(rng: random.Random, vocab: dict[str, list[str]]) -> tuple[str, list[str]]:
    def fill(template: str) -> str:
        g1, g2 = rng.sample(vocab["genes"], 2)
        text = template.format(g1=g1, g2=g2, drug=rng.choice(vocab["drugs"]), proc=rng.choice(vocab["procs"]),
                               cell=rng.choice(vocab["cells"]), disease=rng.choice(vocab["diseases"]),
                               n=rng.randint(3, 400))
        return text[0].upper() + text[1:]

    title = fill(rng.choice(TITLES))
    sentences = [fill(rng.choice(FILLER)) for _ in range(rng.randint(7, 10))]
    for _ in range(rng.randint(5, 8)):
        sentences.insert(rng.randint(0, len(sentences)), fill(rng.choice(RELATION_TEMPLATES)))
    return title, sentences


def article_xml(pmid: int, title: str, sentences: list[str]) -> str:
    half = len(sentences) // 2
    parts = [("BACKGROUND", " ".join(sentences[:half])), ("RESULTS", " ".join(sentences[half:]))]
    sections = "".join(f'<AbstractText Label="{label}">{escape(text)}</AbstractText>' for label, text in parts)
    year = 2000 + pmid % 25
    return (f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
            f'<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Internet"><PubDate><Year>{year}</Year>'
            f'</PubDate></JournalIssue><Title>Journal of Synthetic Oncology</Title>'
            f'<ISOAbbreviation>J Synth Oncol</ISOAbbreviation></Journal>'
            f'<ArticleTitle>{escape(title)}.</ArticleTitle><Abstract>{sections}</Abstract>'
            f'<AuthorList><Author><LastName>Synth</LastName><ForeName>A</ForeName><Initials>A</Initials></Author>'
            f'</AuthorList></Article></MedlineCitation><PubmedData><ArticleIdList>'
            f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>\n')


def generate(out: Path, docs: int, per_file: int = 1000, seed: int = 7, first_pmid: int = 70_000_000) -> list[Path]:
    """Write ``docs`` synthetic articles into ``out/synth-NNNN.xml``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    rng, vocab = random.Random(seed), vocabulary()
    files = []
    for start in range(0, docs, per_file):
        path = out / f"synth-{start // per_file:04d}.xml"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0" ?>\n<PubmedArticleSet>\n')
            for i in range(start, min(docs, start + per_file)):
                title, sentences = abstract(rng, vocab)
                fh.write(article_xml(first_pmid + i, title, sentences))
            fh.write("</PubmedArticleSet>\n")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    files = generate(args.out, args.docs, args.per_file, args.seed)
    print(f"wrote {args.docs} abstracts in {len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
