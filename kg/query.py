"""SPARQL for people: named queries shipped with the package, safely bound parameters, readable output.

Why a parameter layer: users type ``--param target=IGF1R``; the program turns that into an RDF term
(a CURIE or label resolves to the entity's IRI, a number becomes a typed literal) and the store binds it
(``VALUES``/``initBindings``) — the value is never pasted into the query text.

Named queries live in ``kg/queries/NAME.rq`` with a header::

    # name: what-activates
    # description: What activates a target ...
    # param: target entity The activated entity (CURIE, IRI or label)

Parameter kinds: ``entity`` (CURIE, IRI or label), ``document`` (PMID, pmid:/doi: ID or IRI), ``claim``
(claim ID or IRI), ``iri``, ``string``, ``integer``, ``decimal``, ``boolean``, ``auto`` (the default for
ad-hoc queries: IRI/CURIE → IRI, numbers and booleans typed, anything else a string).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from kg import vocab
from kg.errors import QueryError
from kg.store import Result, Store

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")
PARAM_KINDS = ("entity", "document", "claim", "iri", "string", "integer", "decimal", "boolean", "auto")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "auto"
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    #: ``# limit: N text`` header: the query's last ``LIMIT`` clause is N unless ``--param limit=M`` is given
    limit: int | None = None
    limit_description: str = ""
    #: ``# ranked: K NAME`` header: the query reads a ranking precomputed for its first K rows (kg.ranking);
    #: a larger ``--param limit`` runs the named query NAME instead, which ranks at query time
    ranked: tuple[int, str] | None = None


_HEADER = re.compile(r"^#\s*(name|description|param|limit|ranked):\s*(.*)$")
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.IGNORECASE)


def parse_named_query(text: str, fallback_name: str = "") -> NamedQuery:
    """Read the ``# name:``/``# description:``/``# param:`` header of a ``.rq`` file."""
    name, description, params = fallback_name, "", []
    limit, limit_description = None, ""
    ranked = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "name":
            name = value
        elif key == "description":
            description = value
        elif key == "limit":
            number, _, limit_description = value.partition(" ")
            limit = int(number) if number.isdigit() else None
        elif key == "ranked":
            number, _, other = value.partition(" ")
            ranked = (int(number), other.strip()) if number.isdigit() and other.strip() else None
        else:
            pname, _, rest = value.partition(" ")
            kind, _, pdesc = rest.strip().partition(" ")
            if kind not in PARAM_KINDS:
                kind, pdesc = "auto", rest.strip()
            params.append(Param(pname, kind, pdesc.strip()))
    return NamedQuery(name, description, text, tuple(params), limit, limit_description.strip(), ranked)


def list_queries() -> list[NamedQuery]:
    """The named queries shipped in the package, sorted by name."""
    root = resources.files("kg") / "queries"
    out = [parse_named_query(p.read_text(encoding="utf-8"), p.name[:-3]) for p in root.iterdir()
           if p.name.endswith(".rq")]
    return sorted(out, key=lambda q: q.name)


def get_query(name: str) -> NamedQuery:
    for q in list_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in list_queries())
    raise QueryError(f"no named query {name!r}", hint=f"available: {names}; see igfkg query --list")


# ------------------------------------------------------------------------------------------- parameters


_IRI_RE = re.compile(r"^<?(https?|urn|file|ftp):[^\s<>\"{}|^`\\]*>?$")
_INT_RE, _DEC_RE = re.compile(r"^[+-]?\d+$"), re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def _known_curie(value: str) -> bool:
    try:
        vocab.normalize_curie(value)
    except ValueError:
        return False
    return True


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value.strip("<>"))


def resolve_param(store: Store | None, name: str, value: str, kind: str = "auto") -> Any:
    """The RDF term for a parameter value (see the module docstring for the kinds)."""
    from kg.rdf import claim_iri, entity_iri

    v = value.strip()
    try:
        if kind in ("iri", "entity", "document", "claim", "auto") and _IRI_RE.match(v):
            return _iri(v)
        if kind == "claim":
            cid = v.split(":", 1)[1] if v.startswith("claim:") else v
            if not re.fullmatch(r"[0-9a-f]{16}", cid):
                raise QueryError(f"parameter {name}: {value!r} is not a claim ID (16 hex digits)")
            return ox.NamedNode(claim_iri(cid))
        if kind == "document":
            if v.isdigit():
                return ox.NamedNode(vocab.document_iri("pmid:" + v))
            prefix = v.split(":", 1)[0].lower()
            if prefix in ("pmid", "doi", "pmc", "pubmed"):
                return ox.NamedNode(vocab.document_iri(("pmid" if prefix == "pubmed" else prefix) + v[len(prefix):]))
            raise QueryError(f"parameter {name}: {value!r} is not a PMID, pmid:/doi:/pmc: ID or IRI")
        if kind in ("entity", "iri", "auto") and _known_curie(v):
            return ox.NamedNode(entity_iri(vocab.normalize_curie(v)))
        if kind == "entity":
            return _by_label(store, name, v)
        if kind == "iri":
            raise QueryError(f"parameter {name}: {value!r} is not an IRI or a known CURIE")
        if kind == "integer" or (kind == "auto" and _INT_RE.match(v)):
            return ox.Literal(str(int(v)), datatype=ox.NamedNode(vocab.PREFIX_MAP["xsd"] + "integer"))
        if kind == "decimal" or (kind == "auto" and _DEC_RE.match(v)):
            float(v)
            return ox.Literal(v, datatype=ox.NamedNode(vocab.PREFIX_MAP["xsd"] + "decimal"))
        if kind == "boolean" or (kind == "auto" and v.lower() in ("true", "false")):
            if v.lower() not in ("true", "false"):
                raise ValueError(v)
            return ox.Literal(v.lower() == "true")
    except ValueError:
        raise QueryError(f"parameter {name}: {value!r} is not a valid {kind}") from None
    return ox.Literal(value)


_LABEL_QUERY = """
PREFIX igfkg: <https://w3id.org/igfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?label WHERE {
  GRAPH ?g { ?e rdfs:label|skos:altLabel ?label }
  FILTER(LCASE(STR(?label)) = LCASE(STR(?text)))
  FILTER EXISTS { GRAPH ?g2 { ?c igfkg:subject|igfkg:object|igfkg:groundedTo ?e } }
} ORDER BY ?e
"""


def _by_label(store: Store | None, name: str, text: str) -> ox.NamedNode:
    """An entity by its label in the graph, else by the lexicon's grounding of the text."""
    found: list[str] = []
    if store is not None:
        res = store.query(_LABEL_QUERY, bindings={"text": ox.Literal(text)})
        found = list(dict.fromkeys(row[0].value for row in res.rows))
    if not found:
        found = _lexicon_ground(text)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    from kg.rdf import curie_of

    if not found:
        raise QueryError(f"parameter {name}: no entity is labelled {text!r}",
                         hint="use a CURIE such as HGNC:5465 or an IRI")
    raise QueryError(f"parameter {name}: {text!r} is ambiguous: " + ", ".join(_short(curie_of, f) for f in found[:6]),
                     hint="pass one of these CURIEs instead")


def _short(curie_of: Any, iri: str) -> str:
    try:
        return curie_of(iri)
    except ValueError:
        return iri


def _lexicon_ground(text: str) -> list[str]:
    """Ground free text with the project's lexicon (``kg.lexicon``) when the graph has no such label."""
    from kg.rdf import entity_iri

    try:
        from kg.lexicon import load_lexicon

        groundings = load_lexicon().lookup(text)
    except Exception:  # the lexicon is optional here: no lexicon, no label grounding
        return []
    if not groundings:
        return []
    best = groundings[0].score
    return [entity_iri(c) for c in dict.fromkeys(g.curie for g in groundings if g.score >= best)]


def parse_params(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["name=value", ...]`` → dict; a clear error for anything else."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"--param {pair!r}: expected name=value (name: letters, digits, _)")
        out[name] = value
    return out


def with_prefixes(text: str) -> tuple[str, int]:
    """Predeclare the project's prefixes (igfkg:, HGNC:, rdfs:, ...) a query uses but does not declare.
    They go on the query's first line; returns the text and how many columns line 1 moved."""
    declared = {m.group(1) for m in re.finditer(r"(?i)PREFIX\s+([A-Za-z][\w.-]*)?:", text)}
    used = sorted(p for p in vocab.PREFIX_MAP if p not in declared
                  and re.search(r"(?<![\w<\"'])" + re.escape(p) + r":", text))
    if not used:
        return text, 0
    head = " ".join(f"PREFIX {p}: <{vocab.PREFIX_MAP[p]}>" for p in used) + " "
    return head + text, len(head)


def run_query(store: Store, sparql: str, params: Mapping[str, str] | None = None,
              kinds: Mapping[str, str] | None = None, timeout: float | None = None,
              predeclare: bool = False) -> Result:
    """Run ``sparql`` with ``params`` (raw strings) resolved to terms and bound; with ``predeclare`` the
    project's prefixes may be used without PREFIX lines (error positions still refer to the user's text)."""
    kinds = kinds or {}
    bindings = {k: resolve_param(store, k, v, kinds.get(k, "auto")) for k, v in (params or {}).items()}
    text, shift = with_prefixes(sparql) if predeclare else (sparql, 0)
    try:
        return store.query(text, bindings=bindings or None, timeout=timeout)
    except QueryError as exc:
        if shift:
            exc.message = re.sub(r"at line 1, column (\d+)",
                                 lambda m: f"at line 1, column {max(1, int(m.group(1)) - shift)}", exc.message)
        raise


def run_named(store: Store, name: str, params: Mapping[str, str] | None = None,
              timeout: float | None = None) -> Result:
    """Run a named query; every declared parameter must be given, unknown ones are refused."""
    q = get_query(name)
    params = dict(params or {})
    if q.ranked and "limit" in params and str(params["limit"]).strip().isdigit() \
            and int(str(params["limit"]).strip()) > q.ranked[0]:
        return run_named(store, q.ranked[1], params, timeout)  # beyond the precomputed ranking
    text = q.text
    if q.limit is not None and "limit" in params:
        text = with_limit(text, params.pop("limit"), name)
    declared = {p.name: p.kind for p in q.params}
    missing = [p for p in declared if p not in params]
    unknown = [p for p in params if p not in declared]
    if missing:
        raise QueryError(f"query {name} needs --param " + ", ".join(f"{m}=..." for m in missing),
                         hint="; ".join(f"{p.name}: {p.description}" for p in q.params))
    if unknown:
        raise QueryError(f"query {name} has no parameter " + ", ".join(unknown),
                         hint="parameters: " + (", ".join(declared) or "none"))
    return run_query(store, text, params, declared, timeout)


def with_limit(text: str, value: str, name: str = "query") -> str:
    """``text`` with its last ``LIMIT`` set to ``value`` (a positive whole number): hub entities have tens of
    thousands of claims, so named queries rank and cut before fetching evidence; users may ask for more."""
    v = str(value).strip()
    if not v.isdigit() or int(v) < 1:
        raise QueryError(f"query {name}: --param limit={value!r} is not a positive whole number",
                         hint="e.g. --param limit=1000")
    last = None
    for last in _LIMIT.finditer(text):
        pass
    if last is None:
        raise QueryError(f"query {name} has no LIMIT to change")
    return text[:last.start(1)] + str(int(v)) + text[last.end(1):]


# ----------------------------------------------------------------------------------------------- output


def _short_term(term: Any) -> str:
    from kg.rdf import curie_of

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix in ("claim", "evidence"):
            if iri.startswith(vocab.PREFIX_MAP[prefix]):
                return prefix + ":" + iri[len(vocab.PREFIX_MAP[prefix]):]
        return _short(curie_of, iri)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def _plain(term: Any) -> str:
    return "" if term is None else term.value


def format_result(result: Result, fmt: str = "table", *, width: int | None = None) -> str:
    """Text for a result: table (for terminals), csv, tsv, json, xml (SPARQL results formats) or
    turtle/nt (graph results)."""
    fmt = fmt.lower()
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}", hint="use one of " + ", ".join(OUTPUT_FORMATS))
    if result.kind == "graph":
        return _graph_text(result, fmt)
    if fmt in ("turtle", "nt"):
        raise QueryError(f"--format {fmt} is for CONSTRUCT/DESCRIBE queries; use table, csv, tsv, json or xml")
    if result.kind == "boolean":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        if fmt == "xml":
            return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f'<boolean>{"true" if result.boolean else "false"}</boolean></sparql>\n')
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "json":
        return _json(result)
    if fmt == "xml":
        return _xml(result)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(result.variables)
        w.writerows([_plain(t) for t in row] for row in result.rows)
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in result.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    return _table(result, width)


def _graph_text(result: Result, fmt: str) -> str:
    from kg.export import canonical_turtle

    if fmt == "nt":
        return "".join(sorted({f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples}))
    if fmt in ("turtle", "table"):
        return canonical_turtle(result.triples)
    raise QueryError(f"--format {fmt} is for SELECT/ASK queries; use turtle or nt for CONSTRUCT/DESCRIBE")


def _json_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != vocab.PREFIX_MAP["xsd"] + "string":
        out["datatype"] = t.datatype.value
    return out


def _json(result: Result) -> str:
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


def _xml(result: Result) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f'<variable name="{v}"/>' for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for v, t in zip(result.variables, row):
            if t is None:
                continue
            if isinstance(t, ox.NamedNode):
                inner = f"<uri>{xml_escape(t.value)}</uri>"
            elif isinstance(t, ox.BlankNode):
                inner = f"<bnode>{xml_escape(t.value)}</bnode>"
            elif t.language:
                inner = f'<literal xml:lang="{t.language}">{xml_escape(t.value)}</literal>'
            else:
                inner = f'<literal datatype="{xml_escape(t.datatype.value)}">{xml_escape(t.value)}</literal>'
            out.append(f'<binding name="{v}">{inner}</binding>')
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _table(result: Result, width: int | None) -> str:
    width = width or shutil.get_terminal_size((120, 24)).columns
    rows = [[_short_term(t).replace("\n", " ") for t in row] for row in result.rows]
    header = result.variables
    if not header:
        return "(no columns)\n"
    cols = len(header)
    natural = [max([len(header[i]), *(len(r[i]) for r in rows)]) for i in range(cols)]
    budget = max(width - 3 * (cols - 1), cols * 6)
    widths = list(natural)
    floors = [min(n, 22) for n in natural]  # IDs and CURIEs stay whole; free text gives way first
    while sum(widths) > budget:
        shrinkable = [k for k in range(cols) if widths[k] > floors[k]]
        if not shrinkable:
            floors = [min(f, 8) for f in floors]
            shrinkable = [k for k in range(cols) if widths[k] > floors[k]]
            if not shrinkable:
                break
        i = max(shrinkable, key=lambda k: widths[k])
        widths[i] -= 1

    def cell(text: str, w: int) -> str:
        return text.ljust(w) if len(text) <= w else text[: w - 1] + "…"

    lines = [" | ".join(cell(h, w) for h, w in zip(header, widths)).rstrip(),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(cell(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ stats

_STATS = {
    "graphs": "SELECT ?graph (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph ORDER BY ?graph",
    "classes": """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } }
                  GROUP BY ?class ORDER BY DESC(?n) ?class""",
    "properties": """SELECT ?property (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?property ?o } }
                     GROUP BY ?property ORDER BY DESC(?n) ?property""",
    "claim_predicates": """SELECT ?predicate (COUNT(*) AS ?n) WHERE {
        GRAPH <https://w3id.org/igfkg/graph/kg> { ?c <https://w3id.org/igfkg/ontology#predicate> ?predicate } }
        GROUP BY ?predicate ORDER BY DESC(?n) ?predicate""",
    "claim_status": """SELECT ?status (COUNT(*) AS ?n) WHERE {
        GRAPH <https://w3id.org/igfkg/graph/kg> { ?c <https://w3id.org/igfkg/ontology#status> ?status } }
        GROUP BY ?status ORDER BY DESC(?n) ?status""",
    "evidence_sources": """SELECT ?source (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?e <https://w3id.org/igfkg/ontology#evidenceSource> ?source } }
        GROUP BY ?source ORDER BY DESC(?n) ?source""",
    "journals": """SELECT ?journal (COUNT(DISTINCT ?d) AS ?n) WHERE {
        GRAPH ?g { ?d <http://prismstandard.org/namespaces/basic/2.0/publicationName> ?journal ;
                      <https://w3id.org/igfkg/ontology#documentId> ?id } }
        GROUP BY ?journal ORDER BY DESC(?n) ?journal LIMIT 20""",
}


def stats(store: Store, timeout: float | None = None) -> dict[str, dict[str, int]]:
    """Counts per graph, class, property, claim predicate, claim status, evidence source and journal
    (top 20). Graphs of documents are summed under ``documents`` (with their number)."""
    out: dict[str, dict[str, int]] = {}
    for name, sparql in _STATS.items():
        res = store.query(sparql, timeout=timeout)
        counts: dict[str, int] = {}
        for key, n in res.rows:
            label = _short_term(key) if key is not None else "(none)"
            counts[label] = int(n.value)
        out[name] = counts
    docs = {k: v for k, v in out["graphs"].items() if k.startswith(vocab.GRAPH_DOCUMENT_PREFIX)}
    graphs = {k: v for k, v in out["graphs"].items() if k not in docs}
    if docs:
        graphs[f"documents ({len(docs)} graphs)"] = sum(docs.values())
    out["graphs"] = graphs
    return out


def format_stats(data: dict[str, dict[str, int]], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(data, indent=1) + "\n"
    lines = []
    for section, counts in data.items():
        lines.append(section.replace("_", " ") + ":")
        width = max((len(k) for k in counts), default=0)
        lines += [f"  {k.ljust(width)}  {v:>10,}" for k, v in counts.items()] or ["  (none)"]
    return "\n".join(lines) + "\n"
