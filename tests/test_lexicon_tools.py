"""The lexicon generators in ontology/tools/: they read the reference tables, write deterministic files
with their provenance, the loader reads what they write, and the committed lexicon is what they produce
from ../shared/reference."""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.lexicon import load_lexicon

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / "ontology" / "tools"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _reference(root: Path) -> Path:
    """A tiny reference directory in the layout of ../shared/reference."""
    ref = root / "reference"
    (ref / "famplex").mkdir(parents=True)
    cols = ["HGNC ID", "Approved symbol", "Approved name", "Status", "Alias symbols",
            "NCBI Gene ID(supplied by NCBI)", "UniProt ID(supplied by UniProt)", "Mouse genome database ID(supplied by MGI)",
            "Rat genome database ID(supplied by RGD)", "Previous symbols", "Ensembl gene ID", "Locus type", "Enzyme IDs"]
    rows = [["HGNC:5464", "IGF1", "insulin like growth factor 1", "Approved", "IGF1A, IGFI, IGF-I, IGF", "3479",
             "P05019", "", "", "", "", "gene with protein product", ""],
            ["HGNC:5472", "IGFBP3", "insulin like growth factor binding protein 3", "Approved", "IBP3, BP-53", "3486",
             "P17936", "", "", "", "", "gene with protein product", ""],
            ["HGNC:1", "OLD1", "a withdrawn gene", "Symbol Withdrawn", "", "", "", "", "", "", "", "", ""]]
    (ref / "hgnc_entries.tsv").write_text("\t".join(cols) + "\n" + "".join("\t".join(r) + "\n" for r in rows),
                                          encoding="utf-8")
    (ref / "famplex" / "entities.csv").write_text("IGFBP\n", encoding="utf-8")
    (ref / "famplex" / "relations.csv").write_text("HGNC,IGFBP3,isa,FPLX,IGFBP\nHGNC,GONE,isa,FPLX,IGFBP\n",
                                                   encoding="utf-8")
    (ref / "famplex" / "grounding_map.csv").write_text(
        "IGFBPs,FPLX,IGFBP,,,,\nIGF-1,UP,P05019,,,,\n", encoding="utf-8")
    (ref / "famplex" / "equivalences.csv").write_text("BEL,IGFBP Family,IGFBP\nMESH,D018969,IGFBP\nPF,PF00219,IGFBP\n",
                                                      encoding="utf-8")
    (ref / "mesh_id_label_mappings.tsv").write_text(
        "D001943\tBreast Neoplasms\tBreast Tumor|Neoplasm, Breast\tC04.588.180|C17.800.090.500\t\n"
        "D000003\tAbattoirs\tAbattoir\tJ01.576.423.200.700.100\t\n"
        "D018972\tInsulin-Like Growth Factor Binding Protein 3\tIGF-Binding Protein 3\tD12.776.124.486.485\t\n",
        encoding="utf-8")
    (ref / "mesh_supp_id_label_mappings.tsv").write_text(
        "C000001\tIGFBP3 protein, human\tacid-stable subunit protein, human|binding protein 53 (BP-53 form) protein, "
        "human|insulin-like growth "
        "factor binding protein 3 (yeast) protein, human|breast neoplasms protein, human|BP3 protein, human\tD018972\n"
        "C000002\tIgfbp3 protein, mouse\tmouse thing protein, mouse\tD018972\n", encoding="utf-8")
    (ref / "doid.json").write_text(json.dumps([{"id": "DOID:1612", "name": "breast cancer",
                                                "xrefs": [{"id": "D001943", "namespace": "MESH"}]}]),
                                   encoding="utf-8")
    return ref


def test_build_lexicon_from_a_small_reference(tmp_path):
    ref = _reference(tmp_path)
    out = tmp_path / "ontology" / "lexicon"
    build = _tool("build_lexicon")
    assert build.main(["--reference", str(ref), "--out", str(out)]) == 0
    genes = gzip.open(out / "hgnc_genes.tsv.gz", "rt", encoding="utf-8").read()
    assert "# source: reference/hgnc_entries.tsv sha256=" in genes
    assert "HGNC:5464\tIGF1\tinsulin like growth factor 1\tIGF1A|IGFI|IGF-I|IGF\t\t3479\tP05019" in genes
    assert "OLD1" not in genes  # withdrawn symbols are not terms
    famplex = (out / "famplex.tsv").read_text(encoding="utf-8")
    assert "FPLX:IGFBP\tfamily\tIGFBPs|IGFBP Family\tHGNC:5472\tMESH:D018969" in famplex  # Pfam: no kg.vocab prefix
    assert "IGF-1\tHGNC:5464" in (out / "famplex_gene_synonyms.tsv").read_text(encoding="utf-8")
    mesh = gzip.open(out / "mesh.tsv.gz", "rt", encoding="utf-8").read()
    assert "MESH:D001943\tBreast Neoplasms\tdisease\t" in mesh and "breast cancer" in mesh and "DOID:1612" in mesh
    assert "Neoplasm, Breast" not in mesh and "Abattoirs" not in mesh  # inverted terms; J tree not included
    names = gzip.open(out / "mesh_gene_synonyms.tsv.gz", "rt", encoding="utf-8").read()
    assert "BP-53 form\tHGNC:5472\tMESH:C000001" in names  # a parenthetical common name
    assert "acid-stable subunit\tHGNC:5472" in names  # " protein, human" stripped
    assert "Insulin-Like Growth Factor Binding Protein 3\tHGNC:5472\tMESH:D018972" in names  # unique descriptor
    assert "yeast" not in names and "breast neoplasms" not in names  # qualifier; a disease name
    assert "BP3\t" not in names and "mouse thing" not in names  # too short; not a human protein
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert build.main(["--reference", str(ref), "--out", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # deterministic, gzip without mtime

    # the loader reads exactly what the generator wrote
    (tmp_path / "ontology" / "terms.tsv").write_text(
        "curie\tlabel\ttype\tsynonyms\txrefs\tparents\tshared\tnotes\n"
        "HGNC:5464\tIGF1\tgene\tsomatomedin C\t\t\t\t\n", encoding="utf-8")
    lex = load_lexicon(tmp_path / "ontology")
    assert lex.lookup("IGF-I")[0].curie == "HGNC:5464"
    assert lex.lookup("breast cancer")[0].curie == "MESH:D001943"
    assert lex.children("FPLX:IGFBP") == ["HGNC:5472"]
    assert lex.by_xref("NCBIGene:3486").label == "IGFBP3"
    assert lex.lookup("IGF-binding protein 3")[0].curie == "HGNC:5472"


def test_build_lexicon_refuses_a_wrong_reference_dir(tmp_path, capsys):
    assert _tool("build_lexicon").main(["--reference", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "no hgnc_entries.tsv" in capsys.readouterr().err


def test_build_english_records_collisions(tmp_path):
    pytest.importorskip("wordfreq", reason="wordfreq is the optional lexicon-tools extra")
    ref = _reference(tmp_path)
    out = tmp_path / "lexicon"
    assert _tool("build_lexicon").main(["--reference", str(ref), "--out", str(out)]) == 0
    terms = tmp_path / "terms.tsv"
    terms.write_text("curie\tlabel\ttype\tsynonyms\nHGNC:1516\tCAT\tgene\tcatalase\n", encoding="utf-8")
    assert _tool("build_english").main(["--lexicon", str(out), "--terms", str(terms)]) == 0
    text = (out / "english_words.tsv").read_text(encoding="utf-8")
    assert "# source: wordfreq 3.1.1" in text
    words = dict(line.split("\t") for line in text.splitlines() if not line.startswith(("#", "word")))
    assert float(words["cat"]) > 4.0 and "igf" in words  # 'IGF' is an alias of IGF1 and a (rare) word


@pytest.mark.shared
def test_committed_lexicon_is_what_the_tool_produces(shared_dir, tmp_path):
    """Regenerating from ../shared/reference gives the committed data rows (only the date line may differ)."""
    out = tmp_path / "lexicon"
    proc = subprocess.run([sys.executable, str(TOOLS / "build_lexicon.py"), "--reference",
                           str(shared_dir / "reference"), "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    committed = REPO / "ontology" / "lexicon"
    for name in ("hgnc_genes.tsv.gz", "famplex.tsv", "famplex_gene_synonyms.tsv", "mesh.tsv.gz",
                 "mesh_gene_synonyms.tsv.gz"):
        def body(path: Path) -> list[str]:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
                return [line for line in fh if not line.startswith("# generated")]
        assert body(out / name) == body(committed / name), f"{name} differs from a fresh build"
