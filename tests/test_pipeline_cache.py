"""The pipeline's own parts that need no NLP: run manifest, extraction cache, per-store catalog."""

from __future__ import annotations

import json

import pytest

from kg.errors import IgfkgError
from kg.model import (Claim, Concept, Document, DocumentExtraction, EntityType, Evidence, Grounding, Mention,
                      Predicate, Section)
from kg.pipeline import Cache, Manifest, code_fingerprint  # re-exported from kg.buildcache


def _extraction(abstract: str = "IGF-1 activates IGF-1R.", journal: str = "J Test") -> DocumentExtraction:
    doc = Document(id="pmid:1", title="IGF-1 and IGF-1R", abstract=(Section(abstract, "RESULTS"),), pmid="1",
                   journal=journal, authors=("Doe J",))
    igf1 = Concept("HGNC:5464", "IGF1", EntityType.GENE)
    igf1r = Concept("HGNC:5465", "IGF1R", EntityType.GENE)
    claim = Claim(igf1, Predicate.ACTIVATES, igf1r)
    start = len(doc.title) + 1
    mention = Mention(start, start + 5, "IGF-1", EntityType.GENE,
                      (Grounding("HGNC:5464", "IGF1", EntityType.GENE, 1.0, "synonym", "IGF-1"),))
    evidence = Evidence(claim.id, doc.id, abstract, start, start + len(abstract), (start, start + 5),
                        (start + 16, start + 22), extractor_version="x1")
    return DocumentExtraction(doc, (mention,), (claim,), (evidence,), "x1")


def test_extraction_round_trips_through_the_cache(tmp_path):
    cache = Cache(tmp_path / "c.sqlite", "store-a")
    extraction = _extraction()
    assert not cache.has_extraction(extraction.document.content_hash, "x1")
    record = cache.put_record(extraction.document)
    cache.put_extraction(extraction, "x1")
    cache.commit()
    assert cache.has_extraction(extraction.document.content_hash, "x1")
    assert not cache.has_extraction(extraction.document.content_hash, "x2")  # a new extractor misses
    assert cache.extraction(record, extraction.document.content_hash, "x1") == extraction
    cache.close()


def test_cached_extraction_is_reused_for_a_changed_bibliographic_record(tmp_path):
    """The cache key is what extraction reads; a corrected journal name must not force re-extraction,
    but the document graph must then carry the new record."""
    cache = Cache(tmp_path / "c.sqlite", "s")
    first = _extraction()
    renamed = _extraction(journal="J Renamed")
    assert first.document.content_hash == renamed.document.content_hash
    cache.put_extraction(first, "x1")
    record = cache.put_record(renamed.document)
    assert record != cache.put_record(first.document)
    got = cache.extraction(record, renamed.document.content_hash, "x1")
    assert got.document.journal == "J Renamed" and got.claims == first.claims
    cache.close()


def test_catalog_is_per_store_and_streams_in_document_order(tmp_path):
    path = tmp_path / "c.sqlite"
    a = Cache(path, "store-a")
    ex = _extraction()
    rec = a.put_record(ex.document)
    a.put_extraction(ex, "x1")
    a.set_catalog("pmid:1", rec, ex.document.content_hash, "x1", "g1")
    a.set_state("fingerprint", "f")
    a.set_state("memo", "shared", scope="*")
    a.close()
    b = Cache(path, "store-b")
    assert b.catalog() == {} and b.get_state("fingerprint") is None
    assert b.get_state("memo", scope="*") == "shared"
    b.close()
    a = Cache(path, "store-a")
    assert a.catalog() == {"pmid:1": (rec, ex.document.content_hash, "x1", "g1")}
    assert list(a.iter_catalog()) == [ex]
    a.close()


def test_missing_cache_entry_is_a_clear_error(tmp_path):
    cache = Cache(tmp_path / "c.sqlite", "s")
    with pytest.raises(IgfkgError, match="delete data/cache"):
        cache.extraction("nope", "nope", "x1")


def test_corrupt_cache_file_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IgfkgError, match="delete the file"):
        Cache(path, "s")


def test_manifest_times_named_steps_and_writes_json(tmp_path):
    manifest = Manifest("build")
    with manifest.step("extract") as step:
        step.count("cache_hits", 3)
        step.count("cache_hits")
    with pytest.raises(RuntimeError):
        with manifest.step("graphs"):
            raise RuntimeError("boom")
    manifest.write(tmp_path / "m" / "manifest.json")
    data = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert [s["name"] for s in data["steps"]] == ["extract", "graphs"]
    assert data["steps"][0]["counters"] == {"cache_hits": 4}
    assert all(s["seconds"] >= 0 for s in data["steps"])
    assert manifest.get("extract").counters["cache_hits"] == 4


def test_code_fingerprint_tracks_module_source():
    assert code_fingerprint(["kg.model"]) == code_fingerprint(["kg.model"])
    assert code_fingerprint(["kg.model"]) != code_fingerprint(["kg.vocab"])
    assert code_fingerprint(["kg.no_such_module"]) == code_fingerprint([])
