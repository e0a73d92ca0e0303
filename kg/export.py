"""Exports of the graph: canonical Turtle/TriG/N-Triples/N-Quads, RDF/XML, compact JSON-LD, KGX TSV.

Why canonical: ``data/rdf/`` is committed as a release of the graph, so the same graph must give the same
bytes and a changed claim must show up as a small diff. No blank nodes exist in our graph, so sorting is
a canonical form: prefixes (only those used) sorted by name, subjects sorted, ``rdf:type`` first then
predicates sorted, objects sorted; graphs sorted in TriG/N-Quads. JSON-LD uses the published compact
context (``kg/data/context.jsonld``) inlined, so it re-imports offline. KGX (Biolink's interchange TSV,
``*_nodes.tsv`` + ``*_edges.tsv``) is derived from the assembled claims, not from the RDF shape.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import IO, Any, BinaryIO, Iterable, Iterator, Sequence

import pyoxigraph as ox

from kg import vocab
from kg.errors import IgfkgError
from kg.store import Store

EXPORT_FORMATS = ("ttl", "jsonld", "nt", "nq", "trig", "rdfxml", "kgx")
DATASET_FORMATS = ("nq", "trig", "jsonld")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = vocab.PREFIX_MAP["xsd"]
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])?$")

#: short graph names accepted by ``--graph``
GRAPH_NAMES = {"kg": vocab.GRAPH_KG, "curation": vocab.GRAPH_CURATION, "ontology": vocab.GRAPH_ONTOLOGY,
               "index": vocab.GRAPH_INDEX}


def graph_iri(name: str) -> str:
    """``kg``/``curation``/``ontology``/``index``, ``document:<doc id>`` (e.g. ``document:pmid:38865036``), or an IRI."""
    if name in GRAPH_NAMES:
        return GRAPH_NAMES[name]
    if name.startswith("document:"):
        return vocab.document_graph(name[len("document:"):])
    if re.match(r"^[a-z][a-z0-9+.-]*://", name):
        return name
    raise IgfkgError(f"unknown graph {name!r}",
                     hint="use kg, curation, ontology, documents, document:<id> (e.g. document:pmid:38865036) or an IRI")


# ---------------------------------------------------------------------------------------- term rendering


@lru_cache(maxsize=1)
def _namespaces() -> list[tuple[str, str]]:
    return sorted(((ns, p) for p, ns in vocab.PREFIX_MAP.items()), key=lambda x: -len(x[0]))


@lru_cache(maxsize=1 << 17)
def compact(iri: str) -> tuple[str, str] | None:
    """(prefix, local) when ``iri`` has a prefix and a local name safe in Turtle and JSON-LD."""
    for ns, prefix in _namespaces():
        if iri.startswith(ns):
            local = iri[len(ns):]
            if _SAFE_LOCAL.match(local):
                return prefix, local
            return None
    return None


class _Turtle:
    """Turtle term writer that records which prefixes it used."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        c = compact(iri)
        if c is None:
            return "<" + iri + ">"
        self.used.add(c[0])
        return c[0] + ":" + c[1]

    def term(self, t: Any) -> str:
        if isinstance(t, ox.NamedNode):
            return self.iri(t.value)
        if isinstance(t, ox.BlankNode):
            return "_:" + t.value
        text = str(t)
        if t.language or t.datatype.value == XSD + "string":
            return text
        dt = t.datatype.value
        return text[: -(len(dt) + 2)] + self.iri(dt)

    def prefix_lines(self) -> list[str]:
        return [f"@prefix {p}: <{vocab.PREFIX_MAP[p]}> ." for p in sorted(self.used)]


def _blocks(triples: Iterable[Any], w: _Turtle, indent: str = "") -> list[str]:
    by_subject: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sub_term: dict[str, Any] = {}
    for t in triples:
        s = str(t.subject)
        sub_term.setdefault(s, t.subject)
        by_subject[s][t.predicate.value].add(w.term(t.object))
    out = []
    for s in sorted(by_subject):
        preds = by_subject[s]
        parts = []
        for p in sorted(preds, key=lambda p: (p != RDF_TYPE, p)):
            pname = "a" if p == RDF_TYPE else w.iri(p)
            parts.append(f"{indent}    {pname} " + (",\n" + indent + "        ").join(sorted(preds[p])))
        out.append(indent + w.term(sub_term[s]) + "\n" + " ;\n".join(parts) + " .")
    return out


def canonical_turtle(triples: Iterable[Any]) -> str:
    """Deterministic Turtle for pyoxigraph triples/quads (graph names ignored)."""
    w = _Turtle()
    body = _blocks(triples, w)
    head = w.prefix_lines()
    return ("\n".join(head) + "\n\n" if head else "") + "\n\n".join(body) + ("\n" if body else "")


def canonical_trig(quads: Iterable[Any]) -> str:
    """Deterministic TriG: graphs sorted (default graph first), each graph's triples as canonical Turtle."""
    w = _Turtle()
    by_graph: dict[str, list[Any]] = defaultdict(list)
    for q in quads:
        g = q.graph_name
        by_graph["" if isinstance(g, ox.DefaultGraph) else g.value].append(q)
    sections = []
    for g in sorted(by_graph):
        blocks = _blocks(by_graph[g], w, "" if not g else "    ")
        if not g:
            sections.append("\n\n".join(blocks))
        else:
            sections.append(w.iri(g) + " {\n" + "\n\n".join(blocks) + "\n}")
    head = w.prefix_lines()
    return ("\n".join(head) + "\n\n" if head else "") + "\n\n".join(sections) + ("\n" if sections else "")


def canonical_lines(quads: Iterable[Any], with_graph: bool) -> list[str]:
    out = set()
    for q in quads:
        if with_graph and not isinstance(q.graph_name, ox.DefaultGraph):
            out.add(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n")
        else:
            out.add(f"{q.subject} {q.predicate} {q.object} .\n")
    return sorted(out)


# ----------------------------------------------------------------------------------------------- JSON-LD


@lru_cache(maxsize=1)
def published_context() -> dict[str, Any]:
    """The committed JSON-LD context (``kg/data/context.jsonld``)."""
    text = (resources.files("kg") / "data" / "context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _jsonld_iri(iri: str) -> str:
    c = compact(iri)
    return iri if c is None else c[0] + ":" + c[1]


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return vocab.PREFIX_MAP.get(prefix, prefix + ":") + local


def _jsonld_value(o: Any, coercion: str | None) -> Any:
    if isinstance(o, ox.NamedNode):
        return _jsonld_iri(o.value) if coercion == "@id" else {"@id": _jsonld_iri(o.value)}
    if isinstance(o, ox.BlankNode):
        return {"@id": "_:" + o.value}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    dt = o.datatype.value
    if coercion == "@id":
        return {"@value": o.value} if dt == XSD + "string" else {"@value": o.value, "@type": _jsonld_iri(dt)}
    if coercion is not None and _expand(coercion) == dt:
        return o.value
    if dt == XSD + "string":
        return o.value if coercion is None else {"@value": o.value}
    return {"@value": o.value, "@type": _jsonld_iri(dt)}


def _context_terms(ctx: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """property IRI → (term, coercion) for the context's property terms."""
    out = {}
    for name, d in ctx.items():
        if isinstance(d, dict) and "@id" in d and not d.get("@prefix") and name not in vocab.PREFIX_MAP:
            out[_expand(d["@id"])] = (name, d.get("@type"))
    return out


def _jsonld_node(iri: str, triples: list[Any], terms: dict[str, tuple[str, str | None]]) -> dict:
    node: dict[str, Any] = {"@id": _jsonld_iri(iri)}
    props: dict[str, list[Any]] = defaultdict(list)
    for t in triples:
        p, o = t.predicate.value, t.object
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            props["@type"].append(_jsonld_iri(o.value))
            continue
        term = terms.get(p)
        key = term[0] if term else _jsonld_iri(p)
        props[key].append(_jsonld_value(o, term[1] if term else None))
    for key in sorted(props, key=lambda k: (k != "@type", k)):
        values = sorted(props[key], key=lambda v: json.dumps(v, sort_keys=True))
        node[key] = values[0] if len(values) == 1 else values
    return node


def jsonld(quads: Iterable[Any], *, dataset: bool) -> str:
    """Compact JSON-LD with the published context inlined; with ``dataset`` each named graph is a node
    with its own ``@graph``."""
    ctx = published_context()
    terms = _context_terms(ctx)

    def nodes(items: Iterable[Any]) -> list[dict]:
        by_s: dict[str, list[Any]] = defaultdict(list)
        for q in items:
            if isinstance(q.subject, ox.BlankNode):
                raise IgfkgError("JSON-LD export: blank nodes are not expected in the igfkg graph")
            by_s[q.subject.value].append(q)
        return [_jsonld_node(s, by_s[s], terms) for s in sorted(by_s)]

    if dataset:
        by_g: dict[str, list[Any]] = defaultdict(list)
        for q in quads:
            by_g["" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value].append(q)
        graph: list[dict] = nodes(by_g.pop("", []))
        graph += [{"@id": _jsonld_iri(g), "@graph": nodes(by_g[g])} for g in sorted(by_g)]
    else:
        graph = nodes(quads)
    return json.dumps({"@context": ctx, "@graph": graph}, ensure_ascii=False, indent=1) + "\n"


# ------------------------------------------------------------------------------------- streamed writers


def _by_subject(quads: Iterable[Any]) -> Iterator[tuple[Any, list[Any]]]:
    """Consecutive runs of quads with the same subject (Oxigraph yields one graph's quads in subject order)."""
    run: list[Any] = []
    for q in quads:
        if run and q.subject != run[0].subject:
            yield run[0].subject, run
            run = []
        run.append(q)
    if run:
        yield run[0].subject, run


def stream_turtle(quads: Iterable[Any], out: IO[bytes]) -> int:
    """Turtle written one subject block at a time, in the order the quads come (memory: one subject).

    Why: the canonical writer sorts the whole graph in Python, which took the 10,000-abstract build to
    2.1 GB at its export step. Every project prefix is declared up front because the used ones are only
    known at the end. From an embedded store the order is the store's subject order: deterministic for the
    same content, but not sorted by IRI (the release graph, below the build's threshold, stays canonical)."""
    w = _Turtle()
    out.write(("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(vocab.PREFIX_MAP.items())) + "\n")
              .encode("utf-8"))
    n = 0
    for _, run in _by_subject(quads):
        n += len(run)
        out.write(("\n".join(_blocks(run, w)) + "\n\n").encode("utf-8"))
    return n


def stream_jsonld(quads: Iterable[Any], out: IO[bytes]) -> int:
    """Compact JSON-LD (the published context inlined), one node object per subject as the quads come;
    the same document shape as :func:`jsonld` for one graph, without holding the graph in memory."""
    ctx = published_context()
    terms = _context_terms(ctx)
    out.write(('{\n "@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1).replace("\n", "\n ")
               + ',\n "@graph": [').encode("utf-8"))
    n, first = 0, True
    for subject, run in _by_subject(quads):
        if isinstance(subject, ox.BlankNode):
            raise IgfkgError("JSON-LD export: blank nodes are not expected in the igfkg graph")
        n += len(run)
        node = json.dumps(_jsonld_node(subject.value, run, terms), ensure_ascii=False, indent=1)
        out.write(((",\n  " if not first else "\n  ") + node.replace("\n", "\n  ")).encode("utf-8"))
        first = False
    out.write(b"\n ]\n}\n")
    return n


# ------------------------------------------------------------------------------------------------ export


def _selected_quads(store: Store, graphs: Sequence[str] | None) -> list[Any]:
    if graphs is None:
        return list(store.quads())
    out: list[Any] = []
    for g in graphs:
        if g == "documents":
            for name in store.graphs():
                if name.startswith(vocab.GRAPH_DOCUMENT_PREFIX):
                    out.extend(store.quads(name))
        else:
            out.extend(store.quads(g if re.match(r"^[a-z][a-z0-9+.-]*://", g) else graph_iri(g)))
    return out


def curated_quads(quads: Sequence[Any]) -> list[Any]:
    """Only what concerns curated (accepted/corrected) claims: their KG nodes, their entities, the direct
    triples, and the curation graph. Document graphs are left out."""
    from kg import rdf

    kg = [q for q in quads if getattr(q.graph_name, "value", None) == vocab.GRAPH_KG]
    keep = {c.id for c in rdf.assembled_from_quads(kg) if rdf.is_curated(c)}
    claim_iris = {rdf.claim_iri(cid) for cid in keep}
    all_claims = {q.subject.value for q in kg if q.predicate.value == RDF_TYPE and str(q.object) == rdf.C.claim}
    arg_props = {p[1:-1] for p in (rdf.I.subject, rdf.I.object, rdf.I.cell_type, rdf.I.disease, rdf.I.species,
                                   rdf.I.cell_line)}
    entities = {q.object.value for q in kg if q.subject.value in claim_iris and q.predicate.value in arg_props}
    out = []
    for q in quads:
        g = getattr(q.graph_name, "value", None)
        if g == vocab.GRAPH_CURATION:
            out.append(q)
        elif g == vocab.GRAPH_KG:
            s = q.subject.value
            if s in claim_iris or (s not in all_claims and s in entities):
                out.append(q)
    return out


def export(store: Store, out: BinaryIO, fmt: str = "ttl", graphs: Sequence[str] | None = None,
           curated_only: bool = False) -> int:
    """Write the selected graphs (None: everything; names as :func:`graph_iri` takes, or ``documents``) of
    ``store`` to ``out`` in ``fmt``; returns the number of quads written. Triple formats (ttl, nt, rdfxml)
    merge the selected graphs; jsonld keeps named graphs when more than one graph is selected."""
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS or fmt == "kgx":
        raise IgfkgError(f"unknown export format {fmt!r}",
                         hint="use one of " + ", ".join(EXPORT_FORMATS[:-1]) + " (KGX: export_kgx)")
    quads = _selected_quads(store, graphs)
    if curated_only:
        quads = curated_quads(quads)
    if fmt == "ttl":
        _write(out, canonical_turtle(quads))
    elif fmt == "trig":
        _write(out, canonical_trig(quads))
    elif fmt in ("nt", "nq"):
        for line in canonical_lines(quads, fmt == "nq"):
            out.write(line.encode("utf-8"))
    elif fmt == "jsonld":
        _write(out, jsonld(quads, dataset=graphs is None or len(graphs) > 1))
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        prefixes = {p: ns for p, ns in vocab.PREFIX_MAP.items() if not ns.endswith("_")}
        ox.serialize(triples, out, ox.RdfFormat.RDF_XML, prefixes=prefixes)
    return len(quads)


def _write(out: IO[bytes], text: str) -> None:
    data = text.encode("utf-8")
    for i in range(0, len(data), 1 << 20):  # chunked, so a pipe consumer starts early
        out.write(data[i:i + (1 << 20)])


# --------------------------------------------------------------------------------------------------- KGX

#: Biolink 4 category of each entity type
BIOLINK_CATEGORY = {
    "gene": "biolink:Gene", "protein_family": "biolink:GeneFamily", "complex": "biolink:MacromolecularComplex",
    "isoform": "biolink:ProteinIsoform", "drug": "biolink:SmallMolecule", "antibody": "biolink:Drug",
    "cell_type": "biolink:Cell", "process": "biolink:BiologicalProcess", "pathway": "biolink:Pathway",
    "disease": "biolink:Disease", "cell_line": "biolink:CellLine", "species": "biolink:OrganismTaxon",
    "variant": "biolink:SequenceVariant", "other": "biolink:NamedThing",
}
#: predicate → (Biolink predicate, object aspect qualifier, object direction qualifier)
BIOLINK_PREDICATE = {
    "binds": ("biolink:molecularly_interacts_with", "", ""),
    "activates": ("biolink:affects", "activity", "increased"),
    "inhibits": ("biolink:affects", "activity", "decreased"),
    "phosphorylates": ("biolink:affects", "phosphorylation", "increased"),
    "dephosphorylates": ("biolink:affects", "phosphorylation", "decreased"),
    "increases_expression": ("biolink:affects", "expression", "increased"),
    "decreases_expression": ("biolink:affects", "expression", "decreased"),
    "increases_amount": ("biolink:affects", "abundance", "increased"),
    "decreases_amount": ("biolink:affects", "abundance", "decreased"),
    "positively_regulates": ("biolink:positively_regulates", "", ""),
    "negatively_regulates": ("biolink:negatively_regulates", "", ""),
    "required_for": ("biolink:contributes_to", "", ""),
    "marker_of": ("biolink:biomarker_for", "", ""),
    "targets": ("biolink:molecularly_interacts_with", "", ""),
    "associated_with": ("biolink:associated_with", "", ""),
}
NODE_COLUMNS = ("id", "category", "name", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "negated", "object_aspect_qualifier",
                "object_direction_qualifier", "qualifiers", "publications", "has_evidence",
                "knowledge_level", "agent_type", "primary_knowledge_source", "igfkg_belief",
                "igfkg_supporting_papers", "igfkg_status", "igfkg_predicate")


def _tsv(value: Any) -> str:
    return str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def kgx_rows(claims: Iterable[Any]) -> tuple[list[list[str]], list[list[str]]]:
    """(nodes, edges) rows for assembled claims, sorted by ID."""
    from kg.rdf import is_curated

    nodes: dict[str, list[str]] = {}
    edges = []
    for ac in claims:
        c = ac.claim
        for concept in (c.subject, c.object):
            nodes.setdefault(concept.curie, [concept.curie, BIOLINK_CATEGORY[concept.type.value], concept.label,
                                             "infores:igfkg"])
        pred, aspect, direction = BIOLINK_PREDICATE[c.predicate.value]
        pubs = sorted({("PMID:" + e.document_id[5:]) if e.document_id.startswith("pmid:") else e.document_id
                       for e in ac.evidence})
        quals = "|".join(f"{k}:{v}" for k, v in c.context.key())
        curated = is_curated(ac)
        edges.append([f"claim:{ac.id}", c.subject.curie, pred, c.object.curie, "biolink:Association",
                      "true" if c.negated else "false", aspect, direction, quals, "|".join(pubs),
                      "|".join(f"evidence:{e.id}" for e in ac.evidence),
                      "knowledge_assertion" if curated else "not_provided",
                      "manual_validation_of_automated_agent" if curated else "text_mining_agent",
                      "infores:igfkg", repr(ac.belief), str(ac.supporting_papers), ac.status.value,
                      c.predicate.value])
    return [nodes[k] for k in sorted(nodes)], sorted(edges)


def export_kgx(store: Store, nodes_out: IO[str], edges_out: IO[str], curated_only: bool = False) -> tuple[int, int]:
    """KGX TSV (nodes and edges) of the assembled claims; returns (nodes, edges) written."""
    from kg.rdf import assembled_from_quads, is_curated

    claims = assembled_from_quads(store.quads())
    if curated_only:
        claims = [c for c in claims if is_curated(c)]
    nodes, edges = kgx_rows(claims)
    for fh, header, rows in ((nodes_out, NODE_COLUMNS, nodes), (edges_out, EDGE_COLUMNS, edges)):
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(_tsv(v) for v in row) + "\n")
    return len(nodes), len(edges)
