"""Page load times of ``igfkg serve`` on a synthetic 100k-claim graph (issue 8: "every page loads fast").

The graph comes from ``bench/kg_synth.py`` (the real RDF shape, written by ``kg.rdf``; IGF-axis hubs with
thousands of claims, most entities with a few), bulk-loaded into an on-disk Oxigraph store. The server runs
in this process on 127.0.0.1 with its real worker processes; every page is fetched over HTTP: the first
(cold) request, then the median and worst of ``--repeat`` warm requests. Curation clicks (accept through the
curator API) are timed too, as are a few /sparql queries.

    python bench/serve_bench.py --claims 100000 --work /tmp/serve-bench [--markdown BENCHMARKS-serve.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def prepare(work: Path, n_claims: int, seed: int) -> tuple[Path, dict[str, str], dict[str, float]]:
    """A project directory with ``store/`` and ``claims.jsonl`` (machine claims) for ``n_claims``."""
    import kg_synth
    import pyoxigraph

    from kg.assembly import assemble
    from kg.model import to_json
    from kg.store import EmbeddedStore

    project = work / f"kg{n_claims}"
    meta = project / "meta.json"
    if meta.exists():
        data = json.loads(meta.read_text())
        return project, data["params"], data["seconds"]
    project.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    nq = project / "dataset.nq"
    with open(nq, "w", encoding="utf-8") as fh:
        result = kg_synth.write_dataset(fh, n_claims, seed)
    seconds["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = EmbeddedStore(project / "store")
    store.oxigraph.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    store.close()
    seconds["bulk_load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    machine = assemble(kg_synth.extractions(n_claims, seed, mentions=False))
    with open(project / "claims.jsonl", "w", encoding="utf-8") as fh:
        for ac in machine:
            fh.write(to_json(ac) + "\n")
    seconds["claims_file"] = time.perf_counter() - t0
    nq.unlink()
    params = dict(result.params)
    params["quads"] = str(result.quads)
    meta.write_text(json.dumps({"params": params, "seconds": seconds}))
    return project, params, seconds


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[float, int, int]:
    request = urllib.request.Request(url, data=data, headers=headers or {"Accept": "text/html"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - t0, status, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/igfkg-serve-bench"))
    parser.add_argument("--markdown", type=Path, help="write the results table (markdown) here")
    args = parser.parse_args()

    import pyoxigraph

    import kg
    from kg.serve import ServeConfig, start_server
    from kg.serve.auth import add_curator
    from kg.settings import load_settings

    project, params, prep = prepare(args.work, args.claims, args.seed)
    settings = load_settings(environ={}, data_dir=project)
    curation_dir = project / "curation"
    curation_dir.mkdir(exist_ok=True)
    for name in ("decisions.jsonl", "curators.json"):  # a fresh log each run (this bench's own files only)
        (curation_dir / name).unlink(missing_ok=True)
    token = add_curator(settings.curation_dir / "curators.json", "bench-curator", "Bench")
    t0 = time.perf_counter()
    server = start_server(settings, ServeConfig(port=0, claims_file=project / "claims.jsonl", timeout=60))
    started = time.perf_counter() - t0
    base = server.url
    reader = server.context.reader
    t0 = time.perf_counter()
    reader.lexicon()
    entities = reader.entities()
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    session = server.context.curation.session()
    session_s = time.perf_counter() - t0

    hub, typical = params["hub"], params["typical"]
    hub_label = entities[hub].label
    claim, paper = params["claim"], params["paper"]
    q_select = ("SELECT ?c ?b WHERE { GRAPH <https://w3id.org/igfkg/graph/kg> { ?c igfkg:belief ?b } } "
                "ORDER BY DESC(?b) LIMIT 100")
    pages = [
        ("home", "/"),
        (f"search ({hub_label})", "/search?" + urllib.parse.urlencode({"q": hub_label})),
        ("search (prefix 'IGF')", "/search?q=IGF"),
        (f"entity, hub {hub} ({params['hub_degree']} claims)", "/entity/" + quote(hub, safe=":")),
        (f"entity, typical {typical} ({params['typical_degree']} claims)", "/entity/" + quote(typical, safe=":")),
        (f"claim ({params['claim_papers']} papers)", f"/claim/{claim}"),
        ("paper", "/paper/" + quote(paper, safe=":")),
        ("network, hub", "/entity/" + quote(hub, safe=":") + "/network"),
        ("network, hub, 2 hops", "/entity/" + quote(hub, safe=":") + "/network?hop=2"),
        ("network, typical", "/entity/" + quote(typical, safe=":") + "/network"),
        (f"query page, claims-about {typical}", "/query?name=claims-about&limit=100&entity=" + quote(typical, safe=":")),
        ("query page, most-supported", "/query?name=most-supported&limit=100"),
        ("/sparql top-100 claims by belief (JSON)", "/sparql?" + urllib.parse.urlencode({"query": q_select})),
        ("/.well-known/void", "/.well-known/void"),
    ]
    rows = []
    for name, path in pages:
        accept = {"Accept": "application/sparql-results+json" if path.startswith("/sparql") else
                  "text/turtle" if path.startswith("/.well-known") else "text/html"}
        cold, status, size = fetch(base + path, headers=accept)
        assert status == 200, (name, status)
        times = [fetch(base + path, headers=accept)[0] for _ in range(args.repeat)]
        rows.append((name, path, size, cold, statistics.median(times), max(times)))
        print(f"{name:55s} {size / 1024:8.1f} KB  cold {cold * 1000:8.1f} ms  median {statistics.median(times) * 1000:8.1f} ms",
              flush=True)

    clicks = []
    ids = [ac.id for ac in session.replayed.claims[:: max(1, len(session.replayed.claims) // 5)]][:5]
    for cid in ids:
        data = urllib.parse.urlencode({"decision": "accepted"}).encode()
        seconds, status, _ = fetch(base + f"/claim/{cid}/curate", data, {
            "Authorization": "Bearer " + token, "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 201
        clicks.append(seconds)
    after_write, _, _ = fetch(base + "/entity/" + quote(hub, safe=":"))
    print(f"curation accept: median {statistics.median(clicks) * 1000:.0f} ms; entity page right after {after_write * 1000:.0f} ms")
    server.stop()

    lines = [f"Command: `python bench/serve_bench.py --claims {args.claims} --repeat {args.repeat}` "
             f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"pyoxigraph {pyoxigraph.__version__}, igfkg {kg.__version__}, {time.strftime('%Y-%m-%d')}).",
             "",
             f"Graph: {args.claims:,} claims from `bench/kg_synth.py` ({int(params['quads']):,} quads, all graphs), "
             f"{len(entities):,} entities; bulk load {prep.get('bulk_load', 0):.0f} s. Server start "
             f"{started:.2f} s (store open + worker processes); search index warm-up {warm:.1f} s (lexicon + entity "
             f"labels, in the background); curation session (replay over the machine claims) {session_s:.1f} s, "
             "loaded in the background at start.",
             "",
             "| page | KB | first request ms | median ms | max ms |", "|---|---:|---:|---:|---:|"]
    for name, _path, size, cold, med, worst in rows:
        lines.append(f"| {name} | {size / 1024:.1f} | {cold * 1000:.0f} | {med * 1000:.0f} | {worst * 1000:.0f} |")
    lines += ["", f"Curation (accept through `/claim/<id>/curate`, decisions file + curation graph + the claim's KG "
                  f"nodes in one update): median {statistics.median(clicks) * 1000:.0f} ms, max {max(clicks) * 1000:.0f} ms "
                  f"over {len(clicks)} clicks; the hub's entity page right after a write: {after_write * 1000:.0f} ms."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
