"""The issue-7 harness (bench/perf.py) and the synthetic KG generator (bench/kg_synth.py) on tiny sizes:
they run end to end through the real stages, report every stage, and never delete anything but their own
store directories. No timing assertions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import kg_synth  # noqa: E402
import perf  # noqa: E402


@pytest.mark.parametrize("bad", ["", ".", "store-x", "/", str(perf.ROOT), str(perf.ROOT / "store-x")])
def test_store_removal_refuses_anything_but_its_own_store_dirs(bad: str, tmp_path: Path) -> None:
    (tmp_path / "keep").mkdir()
    with pytest.raises(RuntimeError, match="refusing"):
        perf.fresh_store_dir(bad, tmp_path)
    with pytest.raises(RuntimeError, match="refusing"):
        perf.fresh_store_dir(tmp_path / "keep", tmp_path)
    with pytest.raises(RuntimeError, match="refusing"):
        perf.fresh_store_dir(tmp_path, tmp_path)
    assert (tmp_path / "keep").is_dir() and perf.ROOT.joinpath("kg").is_dir()


def test_store_removal_removes_its_own_store_dir(tmp_path: Path) -> None:
    store = tmp_path / "store-1k-igfkg"
    (store / "sub").mkdir(parents=True)
    assert perf.fresh_store_dir(store, tmp_path) == store.resolve() and not store.exists()


def test_synthetic_kg_is_deterministic_and_skewed() -> None:
    vocab = kg_synth.vocabulary(2000, 0)
    a = list(kg_synth.extractions(300, seed=3, vocab=vocab))
    b = list(kg_synth.extractions(300, seed=3, vocab=vocab))
    assert a == b
    claims = {c.id: c for ex in a for c in ex.claims}
    assert len(claims) == 300
    for ex in a:  # every evidence sentence really states its spans
        text = ex.document.text
        for ev in ex.evidence:
            assert text[ev.sentence_start:ev.sentence_end] == ev.sentence
            assert ev.claim_id in {c.id for c in ex.claims}
    from collections import Counter

    degree = Counter(x for c in claims.values() for x in (c.subject.curie, c.object.curie))
    top, median = degree.most_common()[0][1], sorted(degree.values())[len(degree) // 2]
    assert top >= 10 * median  # hubs, as in PubMed


def test_replace_section_keeps_other_sections(tmp_path: Path) -> None:
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\n## Sources\nold sources\n\n## Performance\nold perf\n\n## Build\nbuild\n")
    perf.replace_section(md, "## Performance\n\nnew perf\n")
    text = md.read_text()
    assert "old perf" not in text and "new perf" in text and "old sources" in text and "## Build\nbuild" in text


@pytest.mark.slow
def test_harness_runs_end_to_end_on_a_tiny_graph(tmp_path: Path) -> None:
    work, out, md = tmp_path / "work", tmp_path / "perf.json", tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\n## Sources\nkept\n")
    proc = subprocess.run([sys.executable, str(BENCH / "perf.py"), "--quick", "--claims", "150",
                           "--stages", "assembly,rdf,load,query,export", "--rdflib-max-quads", "0",
                           "--workdir", str(work), "--out", str(out), "--markdown-into", str(md)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text())
    g = res["graphs"]["150"]
    assert g["synth"]["claims"] == 150 and g["synth"]["quads"] > 150 * 20
    assert g["load_igfkg"]["quads"] == g["synth"]["quads"]  # every generated quad was loaded
    assert {"claims-about (hub)", "most-supported", "citation-chain"} <= set(g["query_igfkg"])
    assert all("median_ms" in v for k, v in g["query_igfkg"].items() if isinstance(v, dict))
    assert {"ttl", "jsonld", "trig", "nq"} <= set(g["export"])
    assert res["assembly"]["claims"] == 150
    text = md.read_text()
    assert "## Performance" in text and "kept" in text and "### Targets of issue 7" in text
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("store-")) == ["store-150-igfkg",
                                                                                    "store-150-pyoxigraph"]
