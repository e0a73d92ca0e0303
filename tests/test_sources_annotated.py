"""PubTator, BioC XML, BioC JSON (collection, PubTator3 JSON Lines): annotations as CURIEs, offsets into
``Document.text``, relations in the same CURIEs; and BioRED Train/Dev from ../shared, recounted from the
raw files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.model import ProvidedRelation
from kg.sources import read_file, read_paths

SRC = Path(__file__).parent / "fixtures" / "sources"
ANNOTATED = ["annotated.pubtator", "annotated.bioc.xml", "annotated.bioc.json", "pubtator3.jsonl"]


def without_source(docs):
    return [replace(d, source=None) for d in docs]


def test_pubtator_annotations_become_curies_at_exact_offsets():
    first, second = read_file(SRC / "annotated.pubtator")
    assert first.id == "pmid:92000001"
    assert first.title == "IGF\u20101R p.V600E mutant signalling in MCF-7 cells."
    ids = {a.text: a.identifiers for a in first.annotations}
    assert ids == {"IGF\u20101R": ("NCBIGene:3480",), "p.V600E": ("p|SUB|V|600|E",),
                   "MCF-7": ("cellosaurus:CVCL_0031",), "Human": ("NCBITaxon:9606",), "IGF1R": ("NCBIGene:3480",),
                   "rs121913507": ("dbSNP:rs121913507",), "IGF-1": ("NCBIGene:3479",),
                   "breast cancer": ("MESH:D001943",), "AKT1": ("NCBIGene:207",),
                   "Picropodophyllin": ("MESH:C415032",)}
    for doc in (first, second):
        for ann in doc.annotations:
            assert doc.text[ann.start:ann.end] == ann.text
    assert first.relations == (ProvidedRelation("Bind", "NCBIGene:3480", "NCBIGene:3479", "Novel"),
                               ProvidedRelation("Negative_Correlation", "MESH:C415032", "NCBIGene:3480", "No"),
                               ProvidedRelation("Association", "p|SUB|V|600|E", "MESH:D001943", "Novel"))
    mice = next(a for a in second.annotations if a.text == "mice")
    assert mice.identifiers == ("NCBITaxon:10090",)
    assert next(a for a in second.annotations if a.text == "Wnt").identifiers == ()  # "-" means none


@pytest.mark.parametrize("name", ANNOTATED[1:])
def test_bioc_forms_give_the_same_documents_as_pubtator(name):
    assert without_source(read_file(SRC / name)) == without_source(read_file(SRC / "annotated.pubtator"))


def test_bioc_relations_through_node_refids_resolve_to_curies():
    second = list(read_file(SRC / "annotated.bioc.xml"))[1]
    assert second.relations == (ProvidedRelation("Positive_Correlation", "NCBIGene:3481", "MESH:D018197", "No"),)


def test_bioc_dangling_refid_is_a_record_error(tmp_path):
    text = (SRC / "annotated.bioc.xml").read_text(encoding="utf-8").replace('refid="2"', 'refid="99"')
    bad = tmp_path / "dangling.xml"
    bad.write_text(text, encoding="utf-8")
    items = list(read_paths([bad]))
    assert [type(i).__name__ for i in items] == ["Document", "SourceError"]
    assert str(items[1]).startswith(f"{bad}#document 2: relation 'R0' refers to annotation '99'")


def test_bioc_passage_offsets_are_remapped(tmp_path):
    """A BioC passage offset need not equal its position in Document.text (title + "\\n" + sections)."""
    xml = ('<collection><document><id>93000001</id>'
           '<passage><infon key="type">title</infon><offset>0</offset><text>IGF-1R title</text></passage>'
           '<passage><infon key="type">abstract</infon><offset>100</offset><text>AKT is here.</text>'
           '<annotation id="a"><infon key="identifier">207</infon><infon key="type">Gene</infon>'
           '<location offset="100" length="3"/><text>AKT</text></annotation></passage>'
           '<passage><infon key="type">paragraph</infon><infon key="section_type">RESULTS</infon><offset>500</offset>'
           '<text>IGF2 too.</text><annotation id="b"><infon key="identifier">3481</infon><infon key="type">Gene</infon>'
           '<location offset="500" length="4"/><text>IGF2</text></annotation></passage></document></collection>')
    f = tmp_path / "remap.xml"
    f.write_text(xml, encoding="utf-8")
    (doc,) = read_file(f)
    assert doc.text == "IGF-1R title\nAKT is here.\nIGF2 too."
    assert [(a.start, a.end, a.text, a.identifiers) for a in doc.annotations] == [
        (13, 16, "AKT", ("NCBIGene:207",)), (26, 30, "IGF2", ("NCBIGene:3481",))]
    assert [s.label for s in doc.abstract] == [None, "RESULTS"]


def test_pubtator_offsets_that_miss_their_text_are_record_errors(tmp_path):
    good = (SRC / "annotated.pubtator").read_text(encoding="utf-8")
    bad = good.replace("92000001\t36\t41\tMCF-7", "92000001\t37\t42\tMCF-7")
    f = tmp_path / "bad.pubtator"
    f.write_text(bad, encoding="utf-8")
    items = list(read_paths([f]))
    assert isinstance(items[0], SourceError) and not isinstance(items[1], SourceError)
    line = bad.splitlines().index("92000001\t37\t42\tMCF-7\tCellLine\tCVCL_0031") + 1
    assert str(items[0]).startswith(f"{f}:{line}: offsets 37-42 cover 'CF-7 ', not 'MCF-7'")


# ------------------------------------------------------------------------------------------- BioRED

EXPECTED = {"Train": (400, 13351, 4178), "Dev": (100, 3533, 1162)}


def recount_pubtator(path: Path) -> tuple[int, int, int]:
    """Straight from the raw file, without our reader: title lines, 6-column lines, 5-column lines."""
    docs = anns = rels = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\d+\|t\|", line):
            docs += 1
        elif line.count("\t") == 5:
            anns += 1
        elif line.count("\t") == 4:
            rels += 1
    return docs, anns, rels


@pytest.mark.shared
@pytest.mark.parametrize("split", ["Train", "Dev"])
def test_biored_parses_completely_in_both_formats(shared_dir, split):
    base = shared_dir / "corpora" / "biored"
    pubtator_items = list(read_paths([base / f"{split}.PubTator"]))
    bioc_items = list(read_paths([base / f"{split}.BioC.XML"]))
    for items in (pubtator_items, bioc_items):
        errors = [str(i) for i in items if isinstance(i, SourceError)]
        assert errors == []
        counts = (len(items), sum(len(d.annotations) for d in items), sum(len(d.relations) for d in items))
        assert counts == EXPECTED[split]
        for doc in items:
            for ann in doc.annotations:
                assert doc.text[ann.start:ann.end] == ann.text
    assert recount_pubtator(base / f"{split}.PubTator") == EXPECTED[split]
    xml = ET.parse(base / f"{split}.BioC.XML").getroot()
    assert (len(xml.findall("document")), len(xml.findall(".//annotation")),
            len(xml.findall(".//relation"))) == EXPECTED[split]
    assert without_source(pubtator_items) == without_source(bioc_items)
    # every relation argument is one of its document's annotation identifiers
    for doc in pubtator_items:
        known = {i for a in doc.annotations for i in a.identifiers}
        for rel in doc.relations:
            assert rel.arg1 in known and rel.arg2 in known, (doc.id, rel)
