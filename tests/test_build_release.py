"""The committed release in ``data/rdf/`` is what a fresh build of ``data/raw/`` produces.

Fails when someone changes the extractor, ontology, curation decisions or ``data/raw/`` without
regenerating the release (``make kg``, then commit ``data/rdf/``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from kg.pipeline import build
from kg.settings import Settings

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / "data" / "rdf"
HINT = "data/rdf/ is out of date: run `make kg` (or `igfkg build`) and commit data/rdf/"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A build of the repository's data/raw (and data/curation) in a temporary project directory."""
    tmp = tmp_path_factory.mktemp("release")
    shutil.copytree(REPO / "data" / "raw", tmp / "data" / "raw")
    if (REPO / "data" / "curation").is_dir():
        shutil.copytree(REPO / "data" / "curation", tmp / "data" / "curation")
    report = build(Settings(data_dir=tmp / "data", store=tmp / "store"))
    assert report.conforms is not False, report.validation
    assert report.failed == 0, report.errors
    return tmp / "data" / "rdf"


def _dataset(path: Path) -> dict[str, rdflib.Graph]:
    ds = rdflib.Dataset()
    ds.parse(path, format="trig")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.slow
def test_release_files_exist():
    for name in ("igfkg.ttl", "igfkg.jsonld", "igfkg.trig"):
        assert (RELEASE / name).is_file(), f"data/rdf/{name} is missing ({HINT})"


@pytest.mark.slow
def test_turtle_release_is_up_to_date(fresh):
    committed = rdflib.Graph().parse(RELEASE / "igfkg.ttl", format="turtle")
    built = rdflib.Graph().parse(fresh / "igfkg.ttl", format="turtle")
    assert isomorphic(committed, built), HINT
    # deterministic serialisation: the text itself is stable, so git diffs of the release are meaningful
    assert (fresh / "igfkg.ttl").read_text() == (RELEASE / "igfkg.ttl").read_text(), HINT


@pytest.mark.slow
def test_jsonld_release_is_up_to_date(fresh):
    committed = rdflib.Graph().parse(RELEASE / "igfkg.jsonld", format="json-ld")
    built = rdflib.Graph().parse(fresh / "igfkg.jsonld", format="json-ld")
    assert isomorphic(committed, built), HINT


@pytest.mark.slow
def test_trig_release_is_up_to_date(fresh):
    committed, built = _dataset(RELEASE / "igfkg.trig"), _dataset(fresh / "igfkg.trig")
    assert sorted(committed) == sorted(built), HINT
    for name in committed:
        assert to_isomorphic(committed[name]) == to_isomorphic(built[name]), f"graph {name}: {HINT}"
    # byte-identical too: blank nodes of the ontology are skolemized, so no build relabels anything
    assert (fresh / "igfkg.trig").read_bytes() == (RELEASE / "igfkg.trig").read_bytes(), HINT
