"""The distributed NLP/extraction path (kg.distributed) on a real Dask LocalCluster: 2 worker processes on
127.0.0.1, results equal to the local path, streamed in input order; the CLI against the same cluster."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import IgfkgError
from kg.distributed import DistributedExtractor, parse_scheduler
from kg.model import Document, Section, to_dict
from kg.settings import Settings

SENTENCES = ("IGF-1 activates IGF1R in breast cancer cells. Linsitinib inhibits IGF1R and reduces sphere "
             "formation of cancer stem cells. AKT phosphorylates FOXO3. {extra}")
EXTRAS = ["IGFBP3 binds IGF-1.", "Knockdown of IRS1 reduced AKT phosphorylation.", "", "SOX2 is a marker of CSCs.",
          "Metformin did not inhibit mTOR.", "IGF-2 may activate the insulin receptor.", "STAT3 promotes stemness."]


def documents() -> list[Document]:
    return [Document(id=f"pmid:{9000 + i}", title=f"IGF-1R signaling in cancer stem cells, part {i}",
                     abstract=(Section(SENTENCES.format(extra=extra)),), pmid=str(9000 + i))
            for i, extra in enumerate(EXTRAS)]


@pytest.mark.parametrize("spec,expected", [("local", ("local", 2)), ("local:3", ("local", 3)),
                                           ("tcp://127.0.0.1:8786", ("address", "tcp://127.0.0.1:8786"))])
def test_parse_scheduler(spec: str, expected: tuple) -> None:
    assert parse_scheduler(spec) == expected


@pytest.mark.parametrize("spec", ["", "local:0", "localhost", "http://127.0.0.1:8786", "tcp://", "local:x"])
def test_bad_scheduler_is_one_clear_error(spec: str) -> None:
    with pytest.raises(IgfkgError) as err:
        parse_scheduler(spec)
    assert "local:N" in (err.value.hint or "") or "worker" in str(err.value)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        with distributed.Client(c) as client:  # both workers registered before the tests look
            client.wait_for_workers(2, timeout=120)
        yield c


@pytest.mark.slow
@pytest.mark.server
def test_distributed_equals_local(cluster) -> None:
    from kg.extraction import Extractor

    settings = Settings(model="none")
    docs = documents()
    local = Extractor(settings, model="none")
    expected = [to_dict(x) for x in local.extract_many(docs)]
    with DistributedExtractor(settings, cluster.scheduler_address) as remote:
        assert remote.n_workers == 2
        assert remote.version == local.version
        got = [to_dict(x) for x in remote.extract_many(iter(docs), batch_size=2)]  # 4 batches over 2 workers
    assert [g["document"]["id"] for g in got] == [d.id for d in docs]  # input order kept
    assert got == expected
    assert sum(len(g.get("claims", [])) for g in got) > len(docs)  # it really extracted something


@pytest.mark.slow
@pytest.mark.server
def test_cli_extract_on_the_cluster_equals_local(cluster, tmp_path: Path) -> None:
    from kg import rdf  # noqa: F401  (import check: the CLI below is the real installed package)

    text = "\n\n".join(f"{d.title}\n{d.abstract[0].text}" for d in documents()[:3])
    src = tmp_path / "abstracts.txt"
    src.write_text(text, encoding="utf-8")
    outs = {}
    for name, extra in (("local", []), ("dask", ["--scheduler", cluster.scheduler_address])):
        out = tmp_path / f"{name}.jsonl"
        proc = subprocess.run([sys.executable, "-m", "kg", "-q", "extract", str(src), "--model", "none",
                               "--out", str(out), *extra], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs[name] = [json.loads(line) for line in out.read_text().splitlines()]
    assert outs["local"] and outs["dask"] == outs["local"]


def test_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(IgfkgError) as err:
        DistributedExtractor(Settings(model="none"), "tcp://127.0.0.1:9")
    assert "cannot reach the Dask scheduler" in str(err.value)


@pytest.mark.slow
@pytest.mark.server
def test_build_with_scheduler_equals_local_build(cluster, tmp_path: Path) -> None:
    text = "\n\n".join(f"{d.title}\n{d.abstract[0].text}" for d in documents()[:3])
    summaries = {}
    for name, extra in (("local", []), ("dask", ["--scheduler", cluster.scheduler_address])):
        data = tmp_path / name
        (data / "raw").mkdir(parents=True)
        (data / "raw" / "abstracts.txt").write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "kg", "--data-dir", str(data), "build", "--store",
                               str(data / "store"), "--no-export", "--model", "none", "--json", *extra],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        summaries[name] = json.loads(proc.stdout)["summary"]
    assert summaries["local"]["claims"] > 0 and summaries["dask"] == summaries["local"]
