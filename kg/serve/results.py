"""SPARQL query results → bytes, in the W3C formats (JSON, XML, CSV, TSV) and the RDF syntaxes.

Why our own serializers for SELECT: the endpoint truncates results at a configurable row limit, and
pyoxigraph can only serialize a whole result iterator. The formats are small and fully specified
(SPARQL 1.1 Query Results JSON / XML / CSV and TSV); graph results go through pyoxigraph's serializer.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: media type → result format name, for SELECT/ASK results; the first is the default.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULT_CONTENT_TYPE = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                       "csv": "text/csv", "tsv": "text/tab-separated-values"}

#: media type → RDF format name, for CONSTRUCT/DESCRIBE results (and the service description).
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
GRAPH_CONTENT_TYPE = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
                      "rdfxml": "application/rdf+xml"}
_OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
              "rdfxml": ox.RdfFormat.RDF_XML}

#: ``format=`` / ``output=`` request parameter → (result format, graph format).
FORMAT_PARAM: dict[str, tuple[str, str]] = {
    "json": ("json", "jsonld"), "srj": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "srx": ("xml", "rdfxml"),
    "csv": ("csv", "turtle"), "tsv": ("tsv", "turtle"), "turtle": ("json", "turtle"), "ttl": ("json", "turtle"),
    "ntriples": ("json", "ntriples"), "nt": ("json", "ntriples"), "jsonld": ("json", "jsonld"),
    "json-ld": ("json", "jsonld"), "rdfxml": ("xml", "rdfxml"), "rdf": ("xml", "rdfxml"),
}


def content_type(fmt: str) -> str:
    media = RESULT_CONTENT_TYPE.get(fmt) or GRAPH_CONTENT_TYPE[fmt]
    return media + "; charset=utf-8"


# ------------------------------------------------------------------------------------------------ terms


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in SPARQL 1.1 JSON results form (RDF 1.2 triple terms as ``{"type": "triple"}``)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(_xml_chars(term.value))}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(_xml_chars(term.value))}</literal>"
        return f"<literal>{escape(_xml_chars(term.value))}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
                f"</predicate><object>{_term_xml(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_chars(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters other than tab/newline/return)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _term_csv(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _term_tsv(term: Any) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# ------------------------------------------------------------------------------------------- serializers


def serialize_select(variables: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    """SELECT results (``rows`` aligned with ``variables``; ``None`` = unbound) in ``fmt``."""
    if fmt == "json":
        bindings = [{v: term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>", "<results>"]
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                            for v, t in zip(variables, row) if t is not None)
            out.append(f"<result>{cells}</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_term_csv(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_term_tsv(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")


def serialize_ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": bool(value)}).encode("utf-8")
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode("utf-8")
    # CSV/TSV have no boolean form in the standard; answer as Jena does: one column, one row.
    return ("_askResult\n" + ("true" if value else "false") + "\n").encode("utf-8")


def serialize_triples(triples: Iterable[Any], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples → Turtle / N-Triples / JSON-LD / RDF/XML through pyoxigraph's serializers."""
    kwargs: dict[str, Any] = {}
    if fmt == "turtle" and prefixes:
        kwargs["prefixes"] = prefixes
    return ox.serialize(list(triples), format=_OX_FORMAT[fmt], **kwargs) or b""
