"""What the web pages show, read from the store: entities, claims with evidence, papers, networks, search.

Reads go through SPARQL on the store (so the pages show exactly what ``/sparql`` users see) and model
objects come back through :mod:`kg.rdf`'s reverse functions where a page needs whole records (a claim with
its evidence and curation history, a paper's bibliographic record), so the RDF shape is known in one
place: every property and class in the queries below is spelled through ``kg.rdf``'s constants. Values
that come from a request are never pasted into query text: an entity, claim or paper ID from a URL is
parsed and turned into an RDF term by pyoxigraph (which rejects anything that is not a valid IRI or
literal), and that term's N-Triples form goes into a ``VALUES`` block.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

import pyoxigraph as ox

from kg import rdf, vocab
from kg.errors import IgfkgError
from kg.model import EntityType, Predicate
from kg.settings import Settings

log = logging.getLogger(__name__)

O = vocab.ONTOLOGY
KG = vocab.GRAPH_KG
CURATION = vocab.GRAPH_CURATION
PREFIXES = ""  # queries below spell every term through kg.rdf's constants, so a renamed property follows
I, P, C, LABEL, TYPE = rdf.I, rdf.P, rdf.C, rdf.LABEL, rdf.A
TYPE_OF_CLASS: dict[str, EntityType] = {O + name: etype for etype, name in rdf.ENTITY_CLASS.items()}
CLAIM_ID_RE = re.compile(r"^[0-9a-f]{16}$")
DOC_ID_RE = re.compile(r"^(pmid:\d{1,12}|pmc:PMC\d{1,12}|doi:10\.\S{1,300}|text:[0-9a-f]{16})$")


class NotFound(IgfkgError):
    """The requested entity, claim or paper is not in the graph (the web layer answers 404)."""


def term(value: Any) -> str:
    """A Python value as a safe N-Triples term for a VALUES block (pyoxigraph validates IRIs)."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    if isinstance(value, str):
        return str(ox.Literal(value))
    raise TypeError(f"cannot bind {value!r}")


def iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise NotFound(f"not a valid IRI: {exc}") from None


def py(value: Any) -> Any:
    """pyoxigraph term → Python (IRIs as str, typed literals as int/float/bool)."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return value.value
    if isinstance(value, ox.Literal):
        dt = value.datatype.value
        try:
            if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
                return int(value.value)
            if dt.endswith(("#double", "#decimal", "#float")):
                return float(value.value)
            if dt.endswith("#boolean"):
                return value.value in ("true", "1")
        except ValueError:
            return value.value
        return value.value
    return getattr(value, "value", str(value))


def enum_value(value: Any) -> str:
    """A status/certainty/decision as its enum value, whether stored as a literal ("accepted") or as an
    ontology individual (igfkg:Accepted)."""
    text = str(py(value) or "")
    if "#" in text or "/" in text:
        text = text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        text = re.sub(r"(?<!^)(?=[A-Z])", "_", text)
    return text.lower()


def parse_curie(text: str) -> str:
    """A CURIE from a URL (``HGNC:5465``, ``hgnc:5465``) in canonical form, or :class:`NotFound`."""
    try:
        return vocab.normalize_curie(text.strip())
    except ValueError as exc:
        raise NotFound(str(exc)) from None


def safe_curie(iri_value: str) -> str:
    try:
        return rdf.curie_of(iri_value)
    except ValueError:
        return iri_value


@dataclass
class Entity:
    curie: str
    label: str
    type: str = "other"
    claims: int = 0
    matched: str = ""
    reason: str = ""

    @property
    def iri(self) -> str:
        return rdf.entity_iri(self.curie)


class GraphReader:
    """Program-written, bounded queries for the pages, over an open store (embedded or remote)."""

    def __init__(self, store: Any, *, union_default_graph: bool = True, remote: bool = False,
                 settings: Settings | None = None) -> None:
        self.store = store
        self.union_default_graph = union_default_graph
        self.remote = remote
        self.settings = settings
        self._entities_lock = threading.Lock()
        self._entities: dict[str, Entity] | None = None
        self._entities_version = -1
        self._labels: dict[str, tuple[str, str]] | None = None  # entity IRI -> (label, type)
        self._index: Any = None
        self._index_lock = threading.Lock()
        self._lexicon: Any = None

    # ------------------------------------------------------------------------------------ plumbing

    @classmethod
    def open(cls, settings: Settings, *, union_default_graph: bool = True, timeout: float = 20.0) -> "GraphReader":
        """Open the store the settings name (``kg.store.open_store``: embedded Oxigraph or remote endpoint)."""
        from kg.store import open_store

        reader = cls(open_store(settings), union_default_graph=union_default_graph, remote=bool(settings.endpoint),
                     settings=settings)
        reader.timeout = timeout
        return reader

    timeout: float | None = None

    def rows(self, sparql: str, timeout: float | None | bool = True) -> list[dict[str, Any]]:
        """SELECT → list of {variable: pyoxigraph term} (a page query gets ``timeout`` seconds; the index
        scans pass ``timeout=None``)."""
        result = self.store.query(PREFIXES + sparql, timeout=self.timeout if timeout is True else timeout)
        names = result.variables
        return [dict(zip(names, row)) for row in result.rows]

    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """SELECT with optional bindings (as a VALUES row) → list of {variable: Python value}."""
        if bindings:
            names = sorted(bindings)
            values = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(term(bindings[n]) for n in names)}) }}"
            sparql = sparql.replace("{{VALUES}}", values)
        return [{k: py(v) for k, v in row.items()} for row in self.rows(sparql)]

    def quads(self, sparql: str) -> list[ox.Quad]:
        """A ``SELECT ?s ?p ?o ?g`` answer as quads (for :mod:`kg.rdf`'s reverse functions)."""
        out = []
        for row in self.rows(sparql):
            g = row.get("g")
            out.append(ox.Quad(row["s"], row["p"], row["o"], g if g is not None else ox.DefaultGraph()))
        return out

    def update(self, sparql: str) -> None:
        self.store.update(sparql)

    def invalidate(self) -> None:
        """After an arbitrary write: everything derived from the store is rebuilt on next use."""
        with self._index_lock, self._entities_lock:
            self._entities = None
            self._labels = None
            self._index = None

    def refresh_claims(self, claim_ids: Iterable[str]) -> None:
        """After a curation write: re-read only the claims it touched (and label any new entity)."""
        with self._index_lock:
            if self._index is None:
                return
            self._index.refresh(self, claim_ids)
        with self._entities_lock:
            if self._labels is not None:
                missing = {r.s for r in self._index.rows.values() if r.s not in self._labels} | \
                          {r.o for r in self._index.rows.values() if r.o not in self._labels}
                if missing:
                    self._labels.update(self._label_rows(missing))

    def index(self) -> Any:
        """The in-memory claim summary (:mod:`kg.serve.index`), built on first use."""
        from kg.serve.index import ClaimIndex

        with self._index_lock:
            if self._index is None or self._index.stale():
                index = ClaimIndex(ttl=300.0 if self.remote else None)
                index.build(self)
                self._index = index
            return self._index

    def close(self) -> None:
        store, self.store = self.store, None
        if store is not None:
            store.close()

    # -------------------------------------------------------------------------------------- stats

    def dataset_stats(self) -> dict[str, Any]:
        """For VoID: the named graphs, triples in the project's own graphs (KG, curation, ontology; document
        graphs are counted, not scanned) and the KG graph's class partition. No full-store scan: on the
        100k-claim graph (14M quads) a per-graph GROUP BY takes longer than any client waits."""
        names = self.store.graphs()
        fixed = [g for g in (KG, CURATION, vocab.GRAPH_ONTOLOGY) if g in names]
        graphs = []
        for g in fixed:
            row = self.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", timeout=None)
            graphs.append((g, int(py(row[0]["n"]) or 0) if row else 0))
        classes = [(py(r["c"]), py(r["n"])) for r in self.rows(
            f"SELECT ?c (COUNT(?s) AS ?n) WHERE {{ GRAPH <{KG}> {{ ?s a ?c }} }} GROUP BY ?c ORDER BY ?c", timeout=None)]
        documents = sum(1 for g in names if g.startswith(vocab.GRAPH_DOCUMENT_PREFIX))
        return {"graphs": graphs, "names": names, "documents": documents, "classes": classes, "properties": [],
                "triples": sum(n for _, n in graphs)}

    def home_stats(self) -> list[tuple[str, str]]:
        by_status = self.index().status_counts()
        docs = self.rows(f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?d {I.document_id} ?id }} "
                         f"FILTER(STRSTARTS(STR(?g), \"{vocab.GRAPH_DOCUMENT_PREFIX}\")) }}")
        return [("claims", f"{sum(by_status.values()):,}"),
                ("curated", f"{by_status.get('accepted', 0) + by_status.get('corrected', 0):,}"),
                ("rejected", f"{by_status.get('rejected', 0):,}"), ("entities", f"{len(self.entities()):,}"),
                ("papers", f"{int(py(docs[0]['n']) or 0) if docs else 0:,}")]

    # ------------------------------------------------------------------------------------ entities

    def entities(self) -> dict[str, Entity]:
        """Every entity that takes part in a claim, with label, type and number of claims: counts from the
        claim index, labels and types from two single-pattern scans (kept until the next arbitrary write)."""
        index = self.index()
        with self._entities_lock:
            if self._entities is not None and self._entities_version == index.version:
                return self._entities
            if self._labels is None:
                self._labels = self._label_rows(None)
            counts: dict[str, int] = defaultdict(int)
            for table in (index.by_subject, index.by_object):
                for e_iri, ids in table.items():
                    counts[e_iri] += len(ids)
            out: dict[str, Entity] = {}
            for e_iri, n in counts.items():
                curie = safe_curie(e_iri)
                label, etype = self._labels.get(e_iri, (curie, "other"))
                out[curie] = Entity(curie, label or curie, etype, n)
            self._entities, self._entities_version = out, index.version
            return out

    def _label_rows(self, iris: set[str] | None) -> dict[str, tuple[str, str]]:
        """(label, entity type) of entity IRIs in the KG graph: all of them, or just ``iris``."""
        values = "VALUES ?e { " + " ".join(term(iri(x)) for x in sorted(iris)) + " }" if iris else ""
        labels: dict[str, str] = {}
        for r in self.rows(f"SELECT ?e ?l WHERE {{ {values} GRAPH <{KG}> {{ ?e {LABEL} ?l }} "
                           f"FILTER(!STRSTARTS(STR(?e), \"{vocab.CLAIM}\")) }}", timeout=None):
            labels.setdefault(py(r["e"]), py(r["l"]))
        classes = " ".join(f"<{c}>" for c in TYPE_OF_CLASS)
        types: dict[str, str] = {}
        for r in self.rows(f"SELECT ?e ?t WHERE {{ {values} VALUES ?t {{ {classes} }} GRAPH <{KG}> {{ ?e a ?t }} }}",
                           timeout=None):
            types.setdefault(py(r["e"]), TYPE_OF_CLASS[py(r["t"])].value)
        return {e: (labels.get(e, ""), types.get(e, "other")) for e in set(labels) | set(types)}

    def top_entities(self, n: int = 24) -> list[Entity]:
        return sorted(self.entities().values(), key=lambda e: (-e.claims, e.label.lower()))[:n]

    _lexicon_lock = threading.Lock()

    def lexicon(self) -> Any:
        """The ontology lexicon (labels, synonyms, xrefs), loaded once (callers wait for one load)."""
        with self._lexicon_lock:
            if self._lexicon is None:
                try:
                    from kg.ontology import load_lexicon

                    self._lexicon = load_lexicon()
                except Exception as exc:  # noqa: BLE001 - search still works on graph labels
                    log.warning("lexicon unavailable for search (%s); searching graph labels only", exc)
                    self._lexicon = False
        return self._lexicon or None

    def search(self, text: str, limit: int = 50) -> list[Entity]:
        """Entities matching ``text``: exact lexicon groundings (labels, synonyms, variants such as IGF-IR →
        IGF1R) first, then graph labels and synonyms by exact, prefix and substring match; entities with
        claims before those without."""
        text = text.strip()[:200]
        if not text:
            return []
        graph = self.entities()
        lexicon = self.lexicon()
        norm = _normalizer()
        key = norm(text)
        found: dict[str, tuple[tuple[int, int, str], Entity]] = {}

        def offer(curie: str, rank: int, matched: str, reason: str) -> None:
            g = graph.get(curie)
            if g is None and lexicon is not None:
                t = lexicon.term(curie)
                if t is None:
                    return
                g = Entity(curie, t.label, t.type.value, 0)
            if g is None:
                return
            entity = Entity(g.curie, g.label, g.type, g.claims, matched, reason)
            score = (rank, -entity.claims, entity.label.lower())
            if curie not in found or score < found[curie][0]:
                found[curie] = (score, entity)

        if lexicon is not None:
            for gr in lexicon.lookup(text):
                offer(gr.curie, 0 if gr.curie in graph else 3, gr.matched or text, gr.reason)
        if key:
            for k, curie, name in self._name_keys(graph, lexicon, norm):
                if k == key:
                    offer(curie, 1, name, "exact")
                elif k.startswith(key):
                    offer(curie, 2, name, "prefix")
                elif len(key) >= 3 and key in k:
                    offer(curie, 4, name, "contains")
        return [e for _, e in sorted(found.values(), key=lambda x: x[0])][:limit]

    _names: tuple[int, list[tuple[str, str, str]]] | None = None

    def _name_keys(self, graph: dict[str, Entity], lexicon: Any, norm: Any) -> list[tuple[str, str, str]]:
        """(normalized name, CURIE, name) for every label, CURIE and lexicon synonym of the graph's entities;
        computed once per version of the entity index."""
        cached = self._names
        if cached is not None and cached[0] == id(graph):
            return cached[1]
        keys = []
        for e in graph.values():
            names = [e.label, e.curie]
            if lexicon is not None:
                t = lexicon.term(e.curie)
                if t is not None:
                    names += list(t.synonyms)
            for name in dict.fromkeys(names):
                k = norm(name)
                if k:
                    keys.append((k, e.curie, name))
        self._names = (id(graph), keys)
        return keys

    def entity(self, curie_text: str) -> dict[str, Any]:
        curie = parse_curie(curie_text)
        g = self.entities().get(curie)
        lexicon = self.lexicon()
        t = lexicon.term(curie) if lexicon is not None else None
        if g is None and t is None:
            raise NotFound(f"{curie} is not in the graph or the lexicon")
        label = g.label if g is not None else t.label
        etype = g.type if g is not None and g.type != "other" else (t.type.value if t else "other")
        parents = []
        if t is not None:
            for p in t.parents:
                pt = lexicon.term(p)
                if pt is not None:
                    parents.append(Entity(p, pt.label, pt.type.value))
        return {"curie": curie, "iri": rdf.entity_iri(curie), "label": label, "type": etype,
                "synonyms": list(t.synonyms)[:30] if t else [], "xrefs": list(t.xrefs) if t else [],
                "parents": parents, "claims": g.claims if g else 0}

    # -------------------------------------------------------------------------------------- claims

    def summaries(self, rows: Iterable[Any]) -> list[dict[str, Any]]:
        """Claim index rows as the dictionaries the templates show."""
        entities = self.entities()
        out = []
        for row in rows:
            pred = vocab.predicate_from_iri(row.p)
            s, o = safe_curie(row.s), safe_curie(row.o)
            out.append({"id": row.id, "subject": entities.get(s) or Entity(s, s), "object": entities.get(o) or Entity(o, o),
                        "predicate": pred.value, "predicate_label": pred.label, "polarity": pred.polarity,
                        "negated": row.negated, "belief": row.belief, "papers": row.papers, "status": row.status,
                        "conflicts": row.conflicts})
        return out

    def claim_rows(self, where: str, limit: int, values: str = "") -> list[dict[str, Any]]:
        """The best-supported claims among those a WHERE fragment binds to ``?c`` (static text + VALUES)."""
        ids = [py(r["c"])[len(vocab.CLAIM):] for r in self.rows(
            f"SELECT DISTINCT ?c WHERE {{ {values} {where} }}")]
        return self.summaries(self.index().top(ids, limit))

    def entity_claims(self, curie: str, limit: int = 200) -> dict[str, Any]:
        index = self.index()
        e = rdf.entity_iri(curie)
        out_ids, in_ids = index.by_subject.get(e, []), index.by_object.get(e, [])
        return {"out": self.summaries(index.top(out_ids, limit)), "in": self.summaries(index.top(in_ids, limit)),
                "total_out": len(out_ids), "total_in": len(in_ids)}

    def claim(self, claim_id: str) -> dict[str, Any]:
        """A claim with its evidence and curation history, read back through :mod:`kg.rdf`."""
        if not CLAIM_ID_RE.match(claim_id):
            raise NotFound(f"{claim_id!r} is not a claim ID (16 hexadecimal digits)")
        c = term(iri(vocab.CLAIM + claim_id))
        # Small queries, not one UNION: Oxigraph plans the UNION badly (10 s vs 0.1 s on 100k claims).
        quads: list[ox.Quad] = []
        for pattern in (f"VALUES ?s {{ {c} }} GRAPH ?g {{ ?s ?p ?o }}",
                        f"GRAPH <{KG}> {{ {c} {I.has_evidence} ?s }} GRAPH ?g {{ ?s ?p ?o }}",
                        f"GRAPH <{CURATION}> {{ ?s {I.about_claim} {c} }} GRAPH ?g {{ ?s ?p ?o }}",
                        f"GRAPH <{CURATION}> {{ ?s {I.corrected_claim} {c} }} GRAPH ?g {{ ?s ?p ?o }}",
                        f"GRAPH <{CURATION}> {{ ?cur {I.about_claim} {c} ; {P.associated} ?s }} GRAPH ?g {{ ?s ?p ?o }}",
                        f"GRAPH <{KG}> {{ {c} ?arg ?s . ?s ?p ?o }} BIND(<{KG}> AS ?g) FILTER(?arg IN ({I.subject}, "
                        f"{I.object}, {I.cell_type}, {I.disease}, {I.species}, {I.cell_line}))"):
            quads += self.quads(f"SELECT ?s ?p ?o ?g WHERE {{ {pattern} }}")
        kg_claims = rdf.assembled_from_quads(quads)
        if not kg_claims:
            raise NotFound(f"claim {claim_id} is not in the graph")
        ac = kg_claims[0]
        # Decisions made after the last build are in the curation graph but not yet linked from the claim.
        history = rdf.curations_from_quads(quads)
        history = [d for d in history if d.claim_id == claim_id or (d.corrected and d.corrected.id == claim_id)]
        docs = self.document_titles({ev.document_id for ev in ac.evidence})
        entities = self.entities()

        lexicon = self.lexicon()

        def ent(curie: str, label: str = "") -> Entity:
            """Graph label first, then the lexicon's (context terms such as cell types are not claim arguments)."""
            if curie in entities:
                return entities[curie]
            t = lexicon.term(curie) if lexicon is not None else None
            return Entity(curie, label or (t.label if t else curie), t.type.value if t else "other")

        conflicts = []
        if ac.conflicts:
            block = " ".join(term(iri(vocab.CLAIM + x)) for x in ac.conflicts[:50])
            for r in self.rows(f"SELECT ?c ?l WHERE {{ VALUES ?c {{ {block} }} GRAPH <{KG}> {{ ?c {LABEL} ?l }} }}"):
                conflicts.append({"id": py(r["c"])[len(vocab.CLAIM):], "text": py(r["l"])})
        ctx = [(k, ent(v)) for k, v in (("cell_type", ac.claim.context.cell_type), ("disease", ac.claim.context.disease),
                                        ("species", ac.claim.context.species), ("cell_line", ac.claim.context.cell_line)) if v]
        evidence = []
        for ev in ac.evidence:
            pmid = ev.document_id.split(":", 1)[1] if ev.document_id.startswith("pmid:") else None
            evidence.append({"id": ev.id, "document_id": ev.document_id, "pmid": pmid,
                             "pubmed": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
                             "title": docs.get(ev.document_id, ""), "section": ev.section,
                             "certainty": ev.certainty.value, "rule": ev.rule, "confidence": ev.confidence,
                             "pieces": highlight(ev)})
        claim = ac.claim
        return {"id": claim.id, "iri": vocab.CLAIM + claim.id, "model": ac,
                "subject": ent(claim.subject.curie, claim.subject.label), "object": ent(claim.object.curie, claim.object.label),
                "predicate": claim.predicate.value, "predicate_label": claim.predicate.label,
                "polarity": claim.predicate.polarity, "negated": claim.negated, "context": ctx,
                "belief": ac.belief, "papers": ac.supporting_papers, "contradicting": ac.contradicting_papers,
                "certainty": ac.certainty.value, "status": ac.status.value, "corrects": ac.corrects,
                "conflicts": conflicts, "evidence": evidence,
                "history": [{"timestamp": d.timestamp, "curator": d.curator, "decision": d.decision.value,
                             "error_tag": d.error_tag.value if d.error_tag else "", "note": d.note} for d in history]}

    # -------------------------------------------------------------------------------------- papers

    def document_titles(self, doc_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(doc_ids)[:500]
        if not ids:
            return {}
        block = " ".join(term(i) for i in ids)
        rows = self.rows(f"SELECT ?id (SAMPLE(?t) AS ?title) WHERE {{ VALUES ?id {{ {block} }} "
                         f"GRAPH ?g {{ ?d {I.document_id} ?id ; {P.title} ?t }} }} GROUP BY ?id")
        return {py(r["id"]): py(r["title"]) or "" for r in rows}

    def paper(self, doc_id: str, limit: int = 500) -> dict[str, Any]:
        doc_id = doc_id.strip()
        if doc_id.isdigit():
            doc_id = "pmid:" + doc_id
        if not DOC_ID_RE.match(doc_id):
            raise NotFound(f"{doc_id!r} is not a document ID (pmid:N, doi:10..., pmc:PMCN)")
        graph_iri = vocab.document_graph(doc_id)
        g = term(iri(graph_iri))
        quads = self.quads(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {g} }} GRAPH ?g {{ ?s ?p ?o }} "
                           f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ?t }} FILTER(?t IN ({C.mention}, {C.grounding})) }} }}")
        docs = [d for d in rdf.documents_from_quads(quads, graph_iri) if d.id == doc_id]
        if not docs:
            raise NotFound(f"paper {doc_id} is not in the graph")
        doc = docs[0]
        claims = self.claim_rows(f"GRAPH ?dg {{ ?ev {I.supports} ?c }}", limit, f"VALUES ?dg {{ {g} }}")
        targets = {}
        for ref in doc.references:
            rid = f"pmid:{ref.pmid}" if ref.pmid else f"doi:{ref.doi.lower()}" if ref.doi else None
            targets[rid or ref.citation or ""] = ref
        known = self.document_titles([t for t in targets if t and ":" in t])
        references = [{"id": rid, "title": known.get(rid) or (ref.citation or rid), "in_graph": rid in known}
                      for rid, ref in targets.items()]
        d = term(iri(vocab.document_iri(doc_id)))
        citing = self.rows(f"SELECT DISTINCT ?id ?title WHERE {{ GRAPH ?g {{ ?x {P.cites} {d} ; {I.document_id} ?id "
                           f"OPTIONAL {{ ?x {P.title} ?title }} }} }} ORDER BY ?id LIMIT 500")
        return {"id": doc.id, "title": doc.title, "authors": list(doc.authors), "journal": doc.journal,
                "year": doc.year, "pmid": doc.pmid, "doi": doc.doi, "claims": claims, "references": references,
                "cited_by": [{"id": py(r["id"]), "title": py(r.get("title")) or py(r["id"])} for r in citing]}

    # ------------------------------------------------------------------------------------- network

    def network(self, curie: str, limit: int = 60, hop: int = 1) -> tuple[Any, bool]:
        """The best-supported claims around ``curie`` (and, with ``hop=2``, its neighbours' own claims)."""
        from kg.serve.network import Edge, Network, Node

        rows = self.entity_claims(curie, limit)
        claims = sorted(rows["out"] + rows["in"], key=lambda c: (-c["belief"], -c["papers"], c["id"]))
        truncated = rows["total_out"] + rows["total_in"] > len(claims[:limit])
        claims = claims[:limit]
        entities = self.entities()
        centre = entities.get(curie) or Entity(curie, curie)
        net = Network(curie, {curie: Node(curie, centre.label, centre.type)})
        for c in claims:
            for e in (c["subject"], c["object"]):
                net.nodes.setdefault(e.curie, Node(e.curie, e.label, e.type))
            net.edges.append(Edge(c["subject"].curie, c["object"].curie, c["predicate"], c["polarity"], c["negated"],
                                  c["belief"], c["id"], c["status"]))
        if hop >= 2 and len(net.nodes) > 1:  # the neighbours' own best-supported claims
            index = self.index()
            seen = {c["id"] for c in claims}
            around: set[str] = set()
            for n in net.nodes:
                if n != curie:
                    e = rdf.entity_iri(n)
                    around.update(index.by_subject.get(e, []))
                    around.update(index.by_object.get(e, []))
            for c in self.summaries(index.top(around - seen, limit)):
                for e in (c["subject"], c["object"]):
                    net.nodes.setdefault(e.curie, Node(e.curie, e.label, e.type))
                net.edges.append(Edge(c["subject"].curie, c["object"].curie, c["predicate"], c["polarity"],
                                      c["negated"], c["belief"], c["id"], c["status"]))
        return net, truncated


def highlight(ev: Any) -> list[tuple[str, str]]:
    """The evidence sentence as (mark, text) pieces: ``subj``/``obj``/``trig`` spans (offsets into the
    document, shifted to the sentence), unmarked text with mark ``""``. Out-of-range spans are ignored."""
    sentence = ev.sentence
    base = ev.sentence_start
    marks = [""] * len(sentence)
    for kind, span in (("trig", ev.trigger_span), ("obj", ev.object_span), ("subj", ev.subject_span)):
        if not span:
            continue
        start, end = span[0] - base, span[1] - base
        if 0 <= start < end <= len(sentence):
            for i in range(start, end):
                marks[i] = kind
    pieces: list[tuple[str, str]] = []
    for ch, mark in zip(sentence, marks):
        if pieces and pieces[-1][0] == mark:
            pieces[-1] = (mark, pieces[-1][1] + ch)
        else:
            pieces.append((mark, ch))
    return pieces


def _normalizer() -> Any:
    try:
        from kg.lexicon import normalize

        return normalize
    except ImportError:  # pragma: no cover - the lexicon module is part of the package
        return lambda s: re.sub(r"[\W_]+", "", s).casefold()


def group_by_predicate(claims: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in claims:
        groups[("not " if c["negated"] else "") + c["predicate_label"]].append(c)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


PREDICATES = [p.value for p in Predicate]
