"""The ontology: load ``ontology/`` (rdflib graph), reason over it (HermiT through owlready2), check the
term tables, validate graphs against the SHACL shapes (pySHACL), and the lexicon built from it.

The lexicon half (terms, surface strings, grounding, ambiguity) lives in :mod:`kg.lexicon` and is
re-exported here so callers need one import: ``from kg.ontology import load_lexicon, normalize``.

Why HermiT in its own owlready2 ``World``: owlready2 keeps a global default world (a quadstore); a private
world per call keeps reasoning side-effect free and lets a test reason over a deliberately broken
ontology without poisoning the next call. owlready2 reads RDF/XML or N-Triples, so the Turtle is
converted through rdflib to a temporary N-Triples file first.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from kg.errors import OntologyError
from kg.lexicon import (  # noqa: F401  (re-exported API)
    DEFAULT_ONTOLOGY_DIR,
    Explanation,
    LexEntry,
    Lexicon,
    StopEntry,
    Term,
    load_lexicon,
    normalize,
    ontology_dir_from_env,
    read_stoplist,
    read_terms_table,
)
from kg.model import EntityType, Predicate

ONTOLOGY_FILE = "igfkg.ttl"
SHAPES_FILE = "shapes.ttl"
IGFKG = "https://w3id.org/igfkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

#: RDF serialization by file suffix (what ``igfkg validate FILE`` reads)
RDF_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".nq": "nquads",
               ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml",
               ".xml": "xml", ".n3": "n3"}


def _dir(ontology_dir: Path | None) -> Path:
    directory = Path(ontology_dir) if ontology_dir is not None else DEFAULT_ONTOLOGY_DIR
    if not directory.is_dir():
        raise OntologyError("ontology directory not found", where=str(directory),
                            hint="set IGFKG_ONTOLOGY_DIR or pass --ontology-dir")
    return directory


def parse_rdf(path: Path, fmt: str | None = None) -> Any:
    """An rdflib graph (for quad formats, the union of their graphs) from ``path``; a syntax error becomes
    one readable :class:`OntologyError` line naming the file."""
    import rdflib

    path = Path(path)
    if not path.is_file():
        raise OntologyError("no such file", where=str(path))
    fmt = fmt or RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OntologyError(f"unknown RDF format {path.suffix!r}", where=str(path),
                            hint="use .ttl, .nt, .nq, .trig, .jsonld or .rdf/.owl, or pass --rdf-format")
    try:
        if fmt in ("nquads", "trig"):
            ds = rdflib.Dataset(default_union=True)
            ds.parse(str(path), format=fmt)
            graph = rdflib.Graph()
            for s, p, o, _g in ds.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        graph = rdflib.Graph()
        graph.parse(str(path), format=fmt)
        return graph
    except Exception as exc:  # rdflib raises many parser-specific types
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise OntologyError(f"cannot parse {fmt}: {message}", where=str(path)) from None


@lru_cache(maxsize=8)
def _cached_graph(path: str, mtime: int) -> Any:
    return parse_rdf(Path(path), "turtle")


def ontology_graph(ontology_dir: Path | None = None) -> Any:
    """The ontology (``igfkg.ttl``) as an rdflib graph (cached per file version; do not mutate it)."""
    path = _dir(ontology_dir) / ONTOLOGY_FILE
    if not path.is_file():
        raise OntologyError("ontology file missing", where=str(path))
    return _cached_graph(str(path), path.stat().st_mtime_ns)


def shapes_graph(ontology_dir: Path | None = None) -> Any:
    """The SHACL shapes (``shapes.ttl``) as an rdflib graph (cached; do not mutate it)."""
    path = _dir(ontology_dir) / SHAPES_FILE
    if not path.is_file():
        raise OntologyError("SHACL shapes file missing", where=str(path))
    return _cached_graph(str(path), path.stat().st_mtime_ns)


# ------------------------------------------------------------------------------------------ vocabulary


def entity_class(etype: EntityType, ontology_dir: Path | None = None) -> str:
    """The IRI of the ontology class for an entity type (the class whose ``igfkg:enumValue`` is its value)."""
    return _entity_classes(_dir(ontology_dir))[etype]


def _entity_classes(directory: Path) -> dict[EntityType, str]:
    import rdflib

    g = ontology_graph(directory)
    out: dict[EntityType, str] = {}
    for cls, value in g.subject_objects(rdflib.URIRef(IGFKG + "enumValue")):
        if (cls, rdflib.RDF.type, rdflib.OWL.Class) in g:
            try:
                out[EntityType(str(value))] = str(cls)
            except ValueError:
                continue
    return out


@dataclass(frozen=True)
class PredicateInfo:
    """What the ontology says about one claim predicate."""

    predicate: Predicate
    iri: str
    label: str
    definition: str
    polarity: int | None
    opposite: str | None
    inverse: str | None
    symmetric: bool
    domain: str | None
    range: str | None
    mappings: tuple[tuple[str, str], ...]  # (skos relation local name, IRI)


def predicate_info(ontology_dir: Path | None = None) -> dict[Predicate, PredicateInfo]:
    """Label, definition, polarity, domain/range, inverse and RO/Biolink mappings of every predicate."""
    import rdflib

    g = ontology_graph(ontology_dir)
    out: dict[Predicate, PredicateInfo] = {}
    for pred in Predicate:
        iri = rdflib.URIRef(IGFKG + pred.value)
        if (iri, rdflib.RDF.type, rdflib.OWL.ObjectProperty) not in g:
            continue
        pol = g.value(iri, rdflib.URIRef(IGFKG + "polarity"))
        mappings = tuple(sorted((rel, str(o)) for rel in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")
                                for o in g.objects(iri, rdflib.URIRef(SKOS + rel))))
        opp = g.value(iri, rdflib.URIRef(IGFKG + "oppositeOf"))
        inv = g.value(iri, rdflib.OWL.inverseOf)
        dom, rng = g.value(iri, rdflib.RDFS.domain), g.value(iri, rdflib.RDFS.range)
        out[pred] = PredicateInfo(pred, str(iri), str(g.value(iri, rdflib.RDFS.label) or ""),
                                  str(g.value(iri, rdflib.URIRef(SKOS + "definition")) or ""),
                                  int(pol) if pol is not None else None, str(opp) if opp else None,
                                  str(inv) if inv else None,
                                  (iri, rdflib.RDF.type, rdflib.OWL.SymmetricProperty) in g,
                                  str(dom) if dom else None, str(rng) if rng else None, mappings)
    return out


def terms_graph(lexicon: Lexicon | None = None, *, curated_only: bool = True) -> Any:
    """Entity terms as RDF (rdf:type entity class, rdfs:label, skos:altLabel, skos:exactMatch, skos:broader)
    for the ontology named graph. Only curated terms by default: the full HGNC/MeSH lexicon is 300k+
    triples nobody queries."""
    import rdflib

    from kg import vocab

    lex = lexicon or load_lexicon()
    classes = _entity_classes(_dir(lex.ontology_dir))
    g = rdflib.Graph()
    g.bind("igfkg", IGFKG)
    g.bind("skos", SKOS)
    for term in lex.terms():
        if curated_only and term.source != "curated":
            continue
        node = rdflib.URIRef(vocab.expand(term.curie))
        g.add((node, rdflib.RDF.type, rdflib.URIRef(classes[term.type])))
        g.add((node, rdflib.RDFS.label, rdflib.Literal(term.label)))
        for syn in term.synonyms:
            g.add((node, rdflib.URIRef(SKOS + "altLabel"), rdflib.Literal(syn)))
        for x in term.xrefs:
            try:
                g.add((node, rdflib.URIRef(SKOS + "exactMatch"), rdflib.URIRef(vocab.expand(x))))
            except ValueError:
                continue
        for p in term.parents:
            g.add((node, rdflib.URIRef(SKOS + "broader"), rdflib.URIRef(vocab.expand(p))))
    return g


# ------------------------------------------------------------------------------------------- reasoning


@dataclass(frozen=True)
class ReasonerReport:
    consistent: bool
    unsatisfiable: tuple[str, ...] = ()
    seconds: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def reason(ontology_dir: Path | None = None, *, extra: Iterable[Path] = (), graph: Any = None) -> ReasonerReport:
    """Run HermiT over the ontology (plus ``extra`` RDF files, or ``graph`` instead of the ontology file):
    is it consistent, and which named classes are unsatisfiable?"""
    import owlready2
    import rdflib

    merged = rdflib.Graph()
    if graph is not None:
        merged += graph
    else:
        merged += ontology_graph(ontology_dir)
    for path in extra:
        merged += parse_rdf(Path(path))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="igfkg-owl-") as tmp:
        nt = Path(tmp) / "ontology.nt"
        nt.write_bytes(merged.serialize(format="nt", encoding="utf-8"))
        world = owlready2.World()
        try:
            onto = world.get_ontology(nt.as_uri()).load()
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerReport(False, (), time.perf_counter() - start, _short(exc))
        except FileNotFoundError as exc:
            raise OntologyError("HermiT needs Java", hint="install a Java runtime (java on PATH)") from exc
        except Exception as exc:  # owlready2 wraps Java failures in several types
            text = _short(exc)
            if "java" in text.lower() and ("not found" in text.lower() or "no such file" in text.lower()):
                raise OntologyError("HermiT needs Java", hint="install a Java runtime (java on PATH)") from None
            raise OntologyError(f"reasoner failed: {text}") from None
        unsat = tuple(sorted(c.iri for c in world.inconsistent_classes() if c.iri != OWL + "Nothing"))
        world.close()
    return ReasonerReport(True, unsat, time.perf_counter() - start)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


# --------------------------------------------------------------------------------------------- checking


@dataclass
class CheckReport:
    """Everything ``igfkg ontology check`` found; ``ok`` is False on any problem."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasoner: ReasonerReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.reasoner is None or self.reasoner.ok)


def check_vocabulary(ontology_dir: Path | None = None) -> list[str]:
    """The ontology declares every kg.model predicate (label, definition, domain, range, the right polarity)
    and a class for every entity type."""
    problems: list[str] = []
    info = predicate_info(ontology_dir)
    for pred in Predicate:
        pi = info.get(pred)
        if pi is None:
            problems.append(f"{ONTOLOGY_FILE}: predicate {pred.value!r} has no owl:ObjectProperty igfkg:{pred.value}")
            continue
        for name in ("label", "definition", "domain", "range"):
            if not getattr(pi, name):
                problems.append(f"{ONTOLOGY_FILE}: igfkg:{pred.value} has no {name}")
        if pi.polarity != pred.polarity:
            problems.append(f"{ONTOLOGY_FILE}: igfkg:{pred.value} polarity {pi.polarity} != kg.model {pred.polarity}")
        if pi.symmetric != pred.symmetric:
            problems.append(f"{ONTOLOGY_FILE}: igfkg:{pred.value} symmetric={pi.symmetric} but kg.model says "
                            f"{pred.symmetric}")
    classes = _entity_classes(_dir(ontology_dir))
    for etype in EntityType:
        if etype not in classes:
            problems.append(f"{ONTOLOGY_FILE}: no class with igfkg:enumValue {etype.value!r} (EntityType)")
    return problems


_CURIE_LOCAL = {"HGNC": r"\d+", "NCBIGene": r"\d+", "MESH": r"[CD]\d+", "GO": r"\d{7}", "CL": r"\d{7}",
                "DOID": r"\d+", "CHEBI": r"\d+", "NCBITaxon": r"\d+", "drugbank": r"DB\d{5}",
                "cellosaurus": r"CVCL_[A-Z0-9]{4}", "UniProt": r"[A-Z0-9]{6,10}(-\d+)?", "FPLX": r"[A-Za-z0-9_.-]+",
                "igfkg": r"[A-Za-z][A-Za-z0-9_]*"}


def check_terms(ontology_dir: Path | None = None, lexicon: Lexicon | None = None) -> tuple[list[str], list[str]]:
    """Problems and notes in the curated term table and stop list: unique CURIEs, known prefixes and
    well-formed local IDs, valid types, parents that exist, no synonym on two curated terms unless both
    list it under ``shared``; stop-list rows well formed; generated files present with their source."""
    from kg import vocab

    directory = _dir(ontology_dir)
    problems: list[str] = []
    notes: list[str] = []
    rows = read_terms_table(directory / "terms.tsv")
    if not rows:
        problems.append("terms.tsv: no terms (or the file is missing)")
    lex = lexicon
    if lex is None:
        try:
            lex = load_lexicon(directory)
        except OntologyError as exc:  # the table is broken enough that the lexicon cannot load
            problems.append(str(exc))
    seen: dict[str, int] = {}
    by_key: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for r in rows:
        where = f"terms.tsv:{r['line']}"
        curie = str(r["curie"])
        if not curie or not r["label"]:
            problems.append(f"{where}: a term needs a curie and a label")
            continue
        if curie in seen:
            problems.append(f"{where}: duplicate CURIE {curie} (first on line {seen[curie]})")
        seen[curie] = int(r["line"])  # type: ignore[call-overload]
        try:
            EntityType(str(r["type"]))
        except ValueError:
            problems.append(f"{where}: unknown type {r['type']!r} for {curie}")
        for kind, ids in (("curie", [curie]), ("xref", r["xrefs"]), ("parent", r["parents"])):
            for ident in ids:  # type: ignore[union-attr]
                problem = _curie_problem(str(ident), vocab)
                if problem:
                    problems.append(f"{where}: {kind} {ident}: {problem}")
        for p in r["parents"]:  # type: ignore[union-attr]
            if lex is not None and lex.term(str(p)) is None:
                problems.append(f"{where}: parent {p} of {curie} is not a term of the lexicon")
        for text in (str(r["label"]), *r["synonyms"]):  # type: ignore[misc]
            by_key[normalize(text, keep_case=True)].append((curie, int(r["line"]), text))  # type: ignore[call-overload]
    shared = {str(r["curie"]): {normalize(s, keep_case=True) for s in r["shared"]} for r in rows}  # type: ignore[union-attr]
    if lex is not None:  # a curated synonym must not silently take over another gene's approved symbol
        for key, uses in sorted(by_key.items()):
            for curie, line, text in uses:
                owners = sorted({raw[1] for raw in lex._index.get(key.casefold(), ())
                                 if raw[2] == "symbol" and raw[1] != curie
                                 and normalize(raw[0], keep_case=True) == key})
                if owners and key not in shared.get(curie, set()):
                    problems.append(f"terms.tsv:{line}: synonym {text!r} of {curie} is the approved HGNC symbol of "
                                    f"{', '.join(owners)} (list it under 'shared' if that is intended)")
    for key, uses in sorted(by_key.items()):
        curies = sorted({c for c, _l, _t in uses})
        if len(curies) < 2:
            continue
        if all(key in shared.get(c, set()) for c in curies):
            notes.append(f"terms.tsv: {uses[0][2]!r} is shared by {', '.join(curies)} (declared)")
            continue
        lines = ", ".join(f"{c} (line {line})" for c, line, _t in uses)
        problems.append(f"terms.tsv: synonym {uses[0][2]!r} maps to {len(curies)} terms: {lines} "
                        f"(list it under 'shared' on each row, or remove it)")
    stop_path = directory / "stoplist.tsv"
    for entry in {id(e): e for e in read_stoplist(stop_path).values()}.values():
        if entry.action not in ("flag", "drop", "chemical"):
            problems.append(f"stoplist.tsv: {entry.text!r}: action must be flag, drop or chemical, "
                            f"not {entry.action!r}")
        if not entry.reason:
            problems.append(f"stoplist.tsv: {entry.text!r}: give the reason it is ambiguous")
    for name in ("lexicon/hgnc_genes.tsv.gz", "lexicon/famplex.tsv", "lexicon/famplex_gene_synonyms.tsv",
                 "lexicon/mesh_gene_synonyms.tsv.gz", "lexicon/mesh.tsv.gz", "lexicon/english_words.tsv"):
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing (run ontology/tools/build_lexicon.py and build_english.py)")
        elif not _has_source_header(path):
            problems.append(f"{name}: no '# source:' header line recording where the data came from")
    return problems, notes


def _curie_problem(curie: str, vocab: Any) -> str | None:
    try:
        norm = vocab.normalize_curie(curie)
        vocab.expand(norm)
    except ValueError as exc:
        return str(exc)
    if norm != curie:
        return f"write it as {norm}"
    prefix, _, local = norm.partition(":")
    pattern = _CURIE_LOCAL.get(prefix)
    if pattern and not re.fullmatch(pattern, local):
        return f"malformed {prefix} ID {local!r}"
    return None


def _has_source_header(path: Path) -> bool:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if not line.startswith("#"):
                return False
            if line.startswith("# source:"):
                return True
    return False


def check(ontology_dir: Path | None = None, *, reasoner: bool = True) -> CheckReport:
    """Parse the ontology and shapes, check vocabulary coverage and term tables, run HermiT."""
    directory = _dir(ontology_dir)
    report = CheckReport()
    try:
        g = ontology_graph(directory)
        report.notes.append(f"{ONTOLOGY_FILE}: {len(g)} triples")
    except OntologyError as exc:
        report.problems.append(str(exc))
        return report
    try:
        report.notes.append(f"{SHAPES_FILE}: {len(shapes_graph(directory))} triples")
    except OntologyError as exc:
        report.problems.append(str(exc))
    report.problems.extend(check_vocabulary(directory))
    lex = None
    try:
        lex = load_lexicon(directory)
        report.notes.append(f"lexicon {lex.version}: {len(lex)} terms")
    except OntologyError:
        pass  # check_terms reports it
    problems, notes = check_terms(directory, lex)
    report.problems.extend(problems)
    report.notes.extend(notes)
    if reasoner:
        report.reasoner = reason(directory)
    return report


# ------------------------------------------------------------------------------------------ validation


@dataclass(frozen=True)
class Violation:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str
    shape: str
    constraint: str


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    triples: int
    seconds: float

    def text(self, limit: int | None = 50) -> str:
        """Readable lines: one per violation, CURIE-compressed where possible."""
        if self.conforms and not self.violations:
            return f"conforms: {self.triples} triples, no violations"
        shown = self.violations if limit is None else self.violations[:limit]
        lines = [f"{len(self.violations)} result(s) in {self.triples} triples:"]
        for v in shown:
            path = f" {_compact(v.path)}" if v.path else ""
            value = f" = {_compact(v.value)}" if v.value else ""
            shape = f" [{_compact(v.shape)}]" if v.shape else ""
            lines.append(f"  {v.severity}: {_compact(v.focus)}{path}{value}: {v.message}{shape}")
        if limit is not None and len(self.violations) > limit:
            lines.append(f"  ... and {len(self.violations) - limit} more (use --limit 0 to see all)")
        return "\n".join(lines)


_SHORT = {IGFKG: "igfkg:", "https://w3id.org/igfkg/shapes#": "shape:", "http://www.w3.org/ns/shacl#": "sh:",
          "http://www.w3.org/ns/prov#": "prov:", "http://purl.org/dc/terms/": "dcterms:",
          "http://purl.org/spar/fabio/": "fabio:", RDFS: "rdfs:", "http://prismstandard.org/namespaces/basic/2.0/": "prism:",
          "http://purl.obolibrary.org/obo/": "obo:", "http://www.w3.org/2001/XMLSchema#": "xsd:"}


def _compact(text: str) -> str:
    for ns, prefix in _SHORT.items():
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def validate_graph(data: Any, ontology_dir: Path | None = None) -> ValidationReport:
    """SHACL-validate an rdflib graph against ``shapes.ttl`` with the ontology mixed in (so subclass targets
    and the disjoint-type check see the class hierarchy). Warnings and Infos do not break conformance."""
    import pyshacl
    import rdflib

    directory = _dir(ontology_dir)
    start = time.perf_counter()
    # mix the ontology in ourselves: pySHACL only mixes ont_graph when it runs an inference step
    mixed = rdflib.Graph()
    mixed += data
    mixed += ontology_graph(directory)
    conforms, results, _text = pyshacl.validate(
        mixed, shacl_graph=shapes_graph(directory), inference="none",
        abort_on_first=False, allow_warnings=True, allow_infos=True, advanced=True, meta_shacl=False,
        inplace=False, debug=False)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out: list[Violation] = []
    for r in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        def val(p: Any) -> str:
            v = results.value(r, p)
            return "" if v is None else str(v)

        path = results.value(r, sh.resultPath)
        shape = results.value(r, sh.sourceShape)
        out.append(Violation(val(sh.resultSeverity).rsplit("#", 1)[-1], val(sh.focusNode),
                             str(path) if isinstance(path, rdflib.URIRef) else "", val(sh.value),
                             val(sh.resultMessage), str(shape) if isinstance(shape, rdflib.URIRef) else "",
                             val(sh.sourceConstraintComponent).rsplit("#", 1)[-1]))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    # several constraints of one property often fail with one message: report it once
    out = list({(v.severity, v.focus, v.path, v.value, v.message): v for v in out}.values())
    out.sort(key=lambda v: (order.get(v.severity, 3), v.focus, v.path, v.message))
    return ValidationReport(bool(conforms), tuple(out), len(data), time.perf_counter() - start)


def validate_file(path: Path, ontology_dir: Path | None = None, fmt: str | None = None) -> ValidationReport:
    """SHACL-validate an RDF file (any format :func:`parse_rdf` reads)."""
    return validate_graph(parse_rdf(Path(path), fmt), ontology_dir)
