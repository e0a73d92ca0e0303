"""The OWL ontology: it parses, HermiT finds it consistent, broken additions are caught, every kg.model
predicate/entity type is declared with verified mappings, the term-table checks catch each kind of
problem, and the `igfkg ontology` commands work (CliRunner and a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import ontology as ont
from kg.model import EntityType, Predicate

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures" / "ontology"


@pytest.fixture(scope="module")
def reasoned():
    return ont.reason()


def test_ontology_header():
    import rdflib

    g = ont.ontology_graph()
    o = rdflib.URIRef("https://w3id.org/igfkg/ontology")
    assert (o, rdflib.RDF.type, rdflib.OWL.Ontology) in g
    assert str(g.value(o, rdflib.OWL.versionIRI)).startswith("https://w3id.org/igfkg/ontology/")
    assert g.value(o, rdflib.OWL.versionInfo) is not None
    assert str(g.value(o, rdflib.URIRef("http://purl.org/dc/terms/license"))) == \
        "https://creativecommons.org/licenses/by/4.0/"


def test_consistent_without_unsatisfiable_classes(reasoned):
    assert reasoned.consistent and reasoned.unsatisfiable == () and reasoned.ok


def test_contradictory_fixture_is_inconsistent():
    report = ont.reason(extra=[FIX / "inconsistent.ttl"])
    assert not report.consistent and not report.ok


def test_unsatisfiable_class_is_reported():
    report = ont.reason(extra=[FIX / "unsatisfiable.ttl"])
    assert report.consistent
    assert report.unsatisfiable == ("https://w3id.org/igfkg/test#GeneDisease",)


def test_every_predicate_declared_with_polarity_and_mappings():
    info = ont.predicate_info()
    assert set(info) == set(Predicate)
    for pred, pi in info.items():
        assert pi.iri == "https://w3id.org/igfkg/ontology#" + pred.value  # kg.vocab.predicate_iri
        assert pi.label and pi.definition and pi.domain and pi.range
        assert pi.polarity == pred.polarity and pi.symmetric == pred.symmetric
        assert pi.mappings, f"{pred.value} has no RO/Biolink mapping"
    obo = "http://purl.obolibrary.org/obo/"
    assert ("exactMatch", obo + "RO_0002447") in info[Predicate.PHOSPHORYLATES].mappings
    assert ("exactMatch", obo + "RO_0002607") in info[Predicate.MARKER_OF].mappings
    assert ("broadMatch", obo + "RO_0002213") in info[Predicate.ACTIVATES].mappings
    assert ("exactMatch", obo + "RO_0003003") in info[Predicate.INCREASES_EXPRESSION].mappings
    assert info[Predicate.ACTIVATES].opposite == "https://w3id.org/igfkg/ontology#inhibits"
    assert info[Predicate.TARGETS].inverse == "https://w3id.org/igfkg/ontology#targeted_by"


def test_every_entity_type_has_a_class():
    for etype in EntityType:
        assert ont.entity_class(etype).startswith("https://w3id.org/igfkg/ontology#")
    assert ont.entity_class(EntityType.PROCESS).endswith("#BiologicalProcess")


def test_check_passes_on_the_project_ontology():
    report = ont.check(reasoner=False)
    assert report.ok, report.problems
    assert ont.check_vocabulary() == []


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "ontology"
    shutil.copytree(ont.DEFAULT_ONTOLOGY_DIR, dst, ignore=shutil.ignore_patterns("tools", "__pycache__"))
    return dst


def test_check_catches_term_table_problems(tmp_path):
    d = _copy(tmp_path)
    rows = [
        "HGNC:5464\tIGF1 again\tgene\t\t\t\t\t",  # duplicate CURIE
        "hgnc:99\tlowercase prefix\tgene\t\t\t\t\t",  # not canonical
        "FOO:1\tunknown prefix\tdrug\t\t\t\t\t",
        "GO:12\tshort GO\tprocess\t\t\t\t\t",
        "MESH:D000001\tsomething\tdrug\tsomatomedin C\t\t\t\t",  # synonym of IGF1, not declared shared
        "MESH:D000002\tx\tweird_type\t\t\t\t\t",
        "MESH:D000003\ty\tdrug\t\t\tFPLX:NO_SUCH_FAMILY\t\t",
    ]
    with (d / "terms.tsv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    problems, _notes = ont.check_terms(d)
    text = "\n".join(problems)
    assert "duplicate CURIE HGNC:5464" in text
    assert "write it as HGNC:99" in text
    assert "unknown CURIE prefix 'FOO'" in text
    assert "malformed GO ID '12'" in text
    assert "'somatomedin C' maps to 2 terms" in text
    assert "unknown type 'weird_type'" in text


def test_check_catches_unknown_parent(tmp_path):
    d = _copy(tmp_path)
    with (d / "terms.tsv").open("a", encoding="utf-8") as fh:
        fh.write("MESH:D000003\ty\tdrug\t\t\tFPLX:NO_SUCH_FAMILY\t\t\n")
    problems, _notes = ont.check_terms(d)
    assert any("parent FPLX:NO_SUCH_FAMILY" in p for p in problems)


def test_check_catches_a_synonym_that_is_another_genes_symbol(tmp_path):
    d = _copy(tmp_path)
    text = (d / "terms.tsv").read_text(encoding="utf-8")
    text = text.replace("\tIGF-2|IGF-II|", "\tIGF-2|IGF-II|IGF1R|", 1)  # IGF2 row claims IGF1R's symbol
    (d / "terms.tsv").write_text(text, encoding="utf-8")
    problems, _notes = ont.check_terms(d)
    assert any("'IGF1R' of HGNC:5466 is the approved HGNC symbol of HGNC:5465" in p for p in problems)


def test_declared_shared_synonym_is_allowed(tmp_path):
    d = _copy(tmp_path)
    out = []
    for line in (d / "terms.tsv").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells[0] == "HGNC:6091":  # INSR shares "hybrid receptor" deliberately in this test
            cells[3] += "|hybrid receptor"
            cells[6] = "hybrid receptor"
        if cells[0] == "igfkg:IGF1R_INSR_hybrid":
            cells[6] = "hybrid receptor"
        out.append("\t".join(cells))
    (d / "terms.tsv").write_text("\n".join(out) + "\n", encoding="utf-8")
    problems, notes = ont.check_terms(d)
    assert problems == []
    assert any("'hybrid receptor' is shared by" in n for n in notes)


def test_check_catches_missing_predicate_and_wrong_polarity(tmp_path):
    d = _copy(tmp_path)
    ttl = (d / "igfkg.ttl").read_text(encoding="utf-8")
    ttl = ttl.replace('igfkg:claimPredicate "activates" ; igfkg:polarity 1', 'igfkg:claimPredicate "activates" ; igfkg:polarity -1')
    ttl = ttl.replace("igfkg:targets a owl:ObjectProperty ;", "igfkg:targetz a owl:ObjectProperty ;")
    (d / "igfkg.ttl").write_text(ttl, encoding="utf-8")
    problems = ont.check_vocabulary(d)
    assert any("igfkg:activates polarity -1 != kg.model 1" in p for p in problems)
    assert any("predicate 'targets' has no owl:ObjectProperty" in p for p in problems)


def test_broken_turtle_is_one_readable_error(tmp_path):
    d = _copy(tmp_path)
    (d / "igfkg.ttl").write_text("@prefix : <x#> .\n:a :b ", encoding="utf-8")
    report = ont.check(d, reasoner=False)
    assert not report.ok
    assert len(report.problems) == 1 and "igfkg.ttl" in report.problems[0] and "\n" not in report.problems[0]


def test_terms_graph_types_and_labels():
    import rdflib

    g = ont.terms_graph()
    igf1r = rdflib.URIRef("http://identifiers.org/hgnc/5465")
    assert (igf1r, rdflib.RDF.type, rdflib.URIRef(ont.IGFKG + "Gene")) in g
    assert (igf1r, rdflib.URIRef(ont.SKOS + "altLabel"), rdflib.Literal("IGF-IR")) in g
    assert (igf1r, rdflib.URIRef(ont.SKOS + "exactMatch"), rdflib.URIRef("http://identifiers.org/ncbigene/3480")) in g
    igfbp3 = rdflib.URIRef("http://identifiers.org/hgnc/5472")
    assert (igfbp3, rdflib.URIRef(ont.SKOS + "broader"), rdflib.URIRef("http://identifiers.org/fplx/IGFBP")) in g


# ------------------------------------------------------------------------------------------------- CLI


def _invoke(*args: str):
    from kg.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_lookup_table_and_json():
    r = _invoke("ontology", "lookup", "type", "1", "IGF", "receptor")
    assert r.exit_code == 0 and "HGNC:5465" in r.output and "IGF1R" in r.output
    r = _invoke("ontology", "lookup", "IR", "--format", "json")
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["ambiguity"].startswith("stop list")
    assert data["candidates"][0]["curie"] == "HGNC:6091" and data["candidates"][0]["status"] == "ambiguous"


def test_cli_lookup_no_match_exits_1_and_explains_filtered():
    r = _invoke("ontology", "lookup", "--all", "cat")
    assert r.exit_code == 1
    assert "filtered" in r.output and "case differs" in r.output


def test_cli_check_passes_and_fails(tmp_path):
    r = _invoke("ontology", "check", "--no-reasoner")
    assert r.exit_code == 0 and "ontology check passed" in r.output
    d = _copy(tmp_path)
    with (d / "terms.tsv").open("a", encoding="utf-8") as fh:
        fh.write("HGNC:5464\tdup\tgene\t\t\t\t\t\n")
    r = _invoke("ontology", "check", "--no-reasoner", "--ontology-dir", str(d))
    assert r.exit_code == 1 and "duplicate CURIE HGNC:5464" in r.output and "FAILED" in r.output


def test_cli_terms_tsv():
    r = _invoke("ontology", "terms")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("curie\tlabel\ttype")
    assert any(line.startswith("MESH:D014411\tcancer stem cell\tcell_type") for line in lines)


def test_cli_check_subprocess_with_reasoner():
    """The real command, as CI runs it (`igfkg ontology check` must pass)."""
    proc = subprocess.run([sys.executable, "-m", "kg", "ontology", "check"], capture_output=True, text=True,
                          timeout=180, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "HermiT: consistent" in proc.stdout


def test_cli_missing_ontology_dir_is_one_line_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg", "ontology", "lookup", "IGF1", "--ontology-dir",
                           str(tmp_path / "nope")], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "ontology directory not found" in proc.stderr
    assert "Traceback" not in proc.stderr
