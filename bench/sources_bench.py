"""Reader throughput and streaming memory.

Builds a large PubMed XML file (the fixture articles repeated with fresh PMIDs) in a temporary directory,
streams it through ``kg.sources.read_file`` and reports documents/s and peak Python memory
(tracemalloc) — flat memory is what makes a 500 MB baseline file readable. Also times every reader on
its fixture and, when ../shared is present, BioRED Train/Dev in both formats.

    python bench/sources_bench.py [--mb 80] [--markdown]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.errors import SourceError  # noqa: E402
from kg.sources import read_file, read_paths  # noqa: E402

FIX = REPO / "tests" / "fixtures" / "sources"
SHARED = REPO.parent / "shared" / "corpora" / "biored"


def make_big_xml(path: Path, megabytes: float) -> int:
    """Write a PubmedArticleSet of about ``megabytes`` MB; returns the number of articles."""
    text = (FIX / "pubmed_multi.xml").read_text(encoding="utf-8")
    articles = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, flags=re.S)
    target = int(megabytes * 1024 * 1024)
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        size = 0
        while size < target:
            article = articles[n % len(articles)]
            pmid = str(80000000 + n)
            chunk = re.sub(r"9100000\d", pmid, article) + "\n"
            out.write(chunk)
            size += len(chunk.encode("utf-8"))
            n += 1
        out.write("</PubmedArticleSet>\n")
    return n


def stream(path: Path, trace: bool) -> tuple[int, float, float, float]:
    """(documents, wall seconds, CPU seconds, peak MB of Python allocations while streaming). Throughput
    is measured without tracemalloc (it slows allocation-heavy code several-fold), memory in a separate
    pass. CPU time is reported too: on a shared machine wall time mostly measures the other load."""
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _ in read_file(path):
        count += 1
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else 0.0
    if trace:
        tracemalloc.stop()
    return count, seconds, cpu, peak


def timed(path: Path) -> tuple[int, int, int, int, float]:
    start = time.perf_counter()
    docs = errors = anns = rels = 0
    for item in read_paths([path]):
        if isinstance(item, SourceError):
            errors += 1
        else:
            docs += 1
            anns += len(item.annotations)
            rels += len(item.relations)
    return docs, anns, rels, errors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=80.0, help="size of the generated PubMed XML file")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table for BENCHMARKS.md")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="igfkg-sources-bench-") as tmp:
        big = Path(tmp) / "big.xml"
        written = make_big_xml(big, args.mb)
        size = big.stat().st_size / 1e6
        count, seconds, cpu, _ = stream(big, trace=False)
        assert count == written, (count, written)
        peak = stream(big, trace=True)[3]
        rows.append((f"PubMed XML {size:.0f} MB, {count:,} articles (streamed)",
                     f"{count / seconds:,.0f} docs/s wall ({seconds:.1f} s), {count / cpu:,.0f} docs/s of CPU; "
                     f"peak Python memory {peak:.2f} MB (tracemalloc pass)"))
        gz = Path(tmp) / "big.xml.gz"
        with open(big, "rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        big.unlink()
        count, seconds, cpu, _ = stream(gz, trace=False)
        rows.append((f"same, gzip-compressed ({gz.stat().st_size / 1e6:.1f} MB .xml.gz)",
                     f"{count / seconds:,.0f} docs/s wall ({seconds:.1f} s), {count / cpu:,.0f} docs/s of CPU"))
    for name in ("records.nbib", "page.html", "page_full.txt", "annotated.pubtator", "annotated.bioc.xml",
                 "annotated.bioc.json", "note.txt"):
        docs, anns, _, errors, seconds = timed(FIX / name)
        rows.append((f"fixture {name}", f"{docs} docs, {errors} errors, {seconds * 1000:.1f} ms"))
    if SHARED.is_dir():
        for split in ("Train", "Dev"):
            for fmt, suffix in (("PubTator", "PubTator"), ("BioC XML", "BioC.XML")):
                docs, anns, rels, errors, seconds = timed(SHARED / f"{split}.{suffix}")
                rows.append((f"BioRED {split} {fmt}", f"{docs} documents, {anns:,} annotations, {rels:,} relations, "
                                                      f"{errors} errors; {docs / seconds:,.0f} docs/s"))
    else:
        rows.append(("BioRED", "skipped: ../shared is not present"))
    if args.markdown:
        print("| input | result |\n|---|---|")
        for k, v in rows:
            print(f"| {k} | {v} |")
    else:
        for k, v in rows:
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
