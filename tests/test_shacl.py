"""SHACL shapes: the valid fixture conforms, each invalid fixture fails for the reasons it was written
for, the RDF kg/rdf.py writes conforms and uses only terms the ontology declares, and `igfkg validate`
reports readably (CliRunner and a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import ontology as ont

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures" / "ontology"


def _report(name: str):
    return ont.validate_file(FIX / name)


def _has(report, focus_end: str, message_part: str) -> bool:
    return any(v.focus.endswith(focus_end) and message_part in v.message for v in report.violations)


def test_valid_fixture_conforms():
    report = _report("valid_graph.ttl")
    assert report.conforms and report.violations == (), report.text()


def test_invalid_claims():
    r = _report("invalid_claim.ttl")
    assert not r.conforms
    assert _has(r, "claim/00000000000000a1", "exactly one predicate")
    assert any(v.value.endswith("#causes") for v in r.violations)
    assert _has(r, "claim/00000000000000a2", "exactly one subject")
    assert _has(r, "claim/00000000000000a2", "igfkg:negated")
    assert _has(r, "claim/00000000000000a3", "exactly one object")
    assert _has(r, "claim/00000000000000a3", "belief")
    assert any(v.focus.endswith("00000000000000a3") and v.value == "approved" for v in r.violations)
    assert _has(r, "claim/IGF1-activates-IGF1R", "16 hex digits")


def test_invalid_evidence():
    r = _report("invalid_evidence.ttl")
    assert not r.conforms
    assert _has(r, "00000000000000b1", "before sentenceEnd")
    assert _has(r, "00000000000000b1", "inside the evidence sentence")
    assert _has(r, "00000000000000b2", "non-empty sentence")
    assert _has(r, "00000000000000b2", "exactly one document IRI")
    assert _has(r, "00000000000000b2", "confidence")
    assert any(v.focus.endswith("00000000000000b3") and v.value == "certain" for v in r.violations)
    assert any("integer >= 0" in v.message or "sentenceStart" in v.message for v in r.violations
               if v.value == "-1")


def test_invalid_documents():
    r = _report("invalid_document.ttl")
    assert not r.conforms
    assert _has(r, "pubmed.ncbi.nlm.nih.gov/38865036", "PMID")
    assert _has(r, "pubmed.ncbi.nlm.nih.gov/38865036", "DOI")
    assert _has(r, "example.org/paper/1", "document IRI")
    assert _has(r, "example.org/paper/1", "exactly one ID")


def test_invalid_curation_decisions():
    r = _report("invalid_curation.ttl")
    assert not r.conforms
    assert _has(r, "00000000000000d1", "exactly one decision")
    assert _has(r, "00000000000000d1", "curator")
    assert _has(r, "00000000000000d1", "xsd:dateTime")
    assert _has(r, "00000000000000d2", "names the corrected claim")
    assert _has(r, "00000000000000d3", "belongs only to a 'rejected'")
    assert _has(r, "00000000000000d3", "an error tag is one of")
    assert _has(r, "00000000000000d4", "names the evidence")
    assert not _has(r, "00000000000000d4", "belongs only")  # evidence_rejected may carry a tag


def test_invalid_entities():
    r = _report("invalid_entity.ttl")
    assert not r.conforms
    assert _has(r, "hgnc/5464", "two disjoint entity classes")
    assert _has(r, "hgnc/IGF1R", "known namespace")
    assert _has(r, "example.org/disease/cancer", "known namespace")


def test_text_report_is_readable():
    text = _report("invalid_document.ttl").text()
    assert text.splitlines()[0].endswith("triples:")
    assert "fabio:hasPubMedId = 3886503x" in text


def test_rdf_module_output_conforms_and_uses_declared_terms():
    """What kg/rdf.py writes for a document, its extraction, the assembled claim and curation decisions
    conforms to the shapes, and every igfkg: property and class in it is declared in igfkg.ttl."""
    rdf = pytest.importorskip("kg.rdf", reason="kg/rdf.py (the RDF shape) is not in this tree")
    import rdflib

    from kg.model import (AssembledClaim, Claim, Concept, Context, Curation, CurationStatus, Decision, Document,
                          DocumentExtraction, EntityType, ErrorTag, Evidence, Grounding, Mention, Predicate,
                          Section)

    doc = Document(id="pmid:38865036", title="The role of IGF/IGF-1R signaling in cancer stem cells.",
                   abstract=(Section("IGF-1 activates IGF-1R in cancer stem cells."),), pmid="38865036",
                   doi="10.1007/s12094-024-03561-x", journal="Clin Transl Oncol", year=2024, authors=("Liu F",))
    s = doc.text.index("IGF-1 activates")
    claim = Claim(Concept("HGNC:5464", "IGF1", EntityType.GENE), Predicate.ACTIVATES,
                  Concept("HGNC:5465", "IGF1R", EntityType.GENE), context=Context(cell_type="MESH:D014411"))
    ev = Evidence(claim.id, doc.id, "IGF-1 activates IGF-1R in cancer stem cells.", s, s + 45, (s, s + 5),
                  (s + 16, s + 22), (s + 6, s + 15), rule="svo", extractor_version="x1", confidence=0.8)
    mention = Mention(s, s + 5, "IGF-1", EntityType.GENE,
                      (Grounding("HGNC:5464", "IGF1", EntityType.GENE, 1.0, "exact_label", "IGF-1"),))
    ex = DocumentExtraction(doc, (mention,), (claim,), (ev,), "x1")
    accepted = Curation(claim.id, Decision.ACCEPTED, "alice", "2026-11-25T12:00:00Z", "IGF1", "activates", "IGF1R")
    rejected = Curation(claim.id, Decision.REJECTED, "bob", "2026-11-25T13:00:00Z", note="not in CSCs",
                        error_tag=ErrorTag.NO_RELATION)
    ac = AssembledClaim(claim, (ev,), 0.8, 1, status=CurationStatus.ACCEPTED, curations=(accepted,))
    quads = [*rdf.document_quads(doc), *rdf.extraction_quads(ex), *rdf.assembled_quads([ac]),
             *rdf.curation_quads([accepted, rejected])]
    ds = rdf.to_rdflib(quads)
    g = rdflib.Graph()
    for s_, p, o, _ctx in ds.quads((None, None, None, None)):
        g.add((s_, p, o))
    report = ont.validate_graph(g)
    assert report.conforms, report.text(None)
    declared = {str(x) for x in ont.ontology_graph().subjects()}
    used = {str(p) for p in g.predicates() if str(p).startswith(ont.IGFKG)}
    used |= {str(o) for o in g.objects(None, rdflib.RDF.type) if str(o).startswith(ont.IGFKG)}
    assert used - declared == set()


# ------------------------------------------------------------------------------------------------- CLI


def test_cli_validate_file_ok_and_violations():
    from kg.cli import main

    runner = CliRunner()
    r = runner.invoke(main, ["validate", str(FIX / "valid_graph.ttl")], catch_exceptions=False)
    assert r.exit_code == 0 and "conforms" in r.output
    r = runner.invoke(main, ["validate", str(FIX / "invalid_curation.ttl"), "--format", "json"],
                      catch_exceptions=False)
    data = json.loads(r.output)
    assert r.exit_code == 1 and data["conforms"] is False and len(data["violations"]) >= 5


def test_cli_validate_needs_one_source():
    from kg.cli import main

    r = CliRunner().invoke(main, ["validate"])
    assert r.exit_code == 2 and "give a FILE" in r.output


def test_cli_validate_bad_file_subprocess(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix : <x#> .\n:a :b ", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg", "validate", str(bad)], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("igfkg: error: ") and str(bad) in proc.stderr and proc.stderr.count("\n") == 1
    proc = subprocess.run([sys.executable, "-m", "kg", "validate", str(FIX / "invalid_entity.ttl")],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 1 and "two disjoint entity classes" in proc.stdout


def test_cli_validate_store(tmp_path):
    """`igfkg validate --store DIR` validates what is in a real embedded store."""
    store_mod = pytest.importorskip("kg.store", reason="kg/store.py is not in this tree")
    from kg.cli import main
    from kg.settings import Settings

    with store_mod.open_store(Settings(store=tmp_path / "store")) as st:
        st.bulk_load(FIX / "valid_graph.ttl", graph="https://w3id.org/igfkg/graph/kg")
    r = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store")], catch_exceptions=False)
    assert r.exit_code == 0 and "conforms" in r.output, r.output
