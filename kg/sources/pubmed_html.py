"""A saved PubMed record page (``pubmed.ncbi.nlm.nih.gov/<PMID>/`` → "Save page as", HTML).

The page carries Highwire-style ``citation_*`` meta tags (title, authors, journal, date, DOI, PMID) and a
body with the abstract (``#eng-abstract``, structured labels in ``strong.sub-title``), keywords, MeSH
terms and the reference list (each entry linking to PubMed/DOI). Parsed with the standard library's HTML
parser into a small tree; the page is a few hundred KB at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Document, Reference, Section, SourceLocation, document_id
from kg.sources.common import (Item, author_name, check_pmid, clean_doi, clean_pmcid, parse_date_text, read_text,
                               squash, year_of)

FORMAT = "pubmed-html"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)

    def text(self) -> str:
        return squash("".join(c if isinstance(c, str) else " " + c.text() + " " if c.tag in ("p", "li", "div", "br")
                              else c.text() for c in self.children))

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Node"]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):  # tolerate unclosed inner tags
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag not in ("script", "style"):
            self.stack[-1].children.append(data)


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    yield parse_html(read_text(stream, where), where)


def parse_html(html: str, where: str) -> Document:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    meta: dict[str, list[str]] = {}
    for node in root.find_all("meta"):
        name = node.attrs.get("name") or node.attrs.get("property")
        if name:
            meta.setdefault(name.lower(), []).append(node.attrs.get("content", ""))

    def one(*names: str) -> str:
        for name in names:
            for value in meta.get(name, []):
                if value.strip():
                    return squash(value)
        return ""

    heading = root.find("h1", "heading-title")
    title = (heading.text() if heading else "") or one("citation_title", "og:title")
    current = root.find("strong", "current-id")
    pmid = check_pmid((current.text() if current else "") or one("citation_pmid", "ncbi_uid") or None, where)
    doi = clean_doi(one("citation_doi"))
    if not doi:
        doi_span = root.find("span", "doi")
        link = doi_span.find("a") if doi_span else None
        doi = clean_doi(link.text() if link else None)
    pmc_span = root.find("span", "pmc")
    pmcid = clean_pmcid((pmc_span.find("a").text() if pmc_span and pmc_span.find("a") else "") or None)
    if not title and not pmid:
        raise SourceError("no PubMed record found in the HTML (no title, no PMID)", where=where,
                          hint="save the record page itself (pubmed.ncbi.nlm.nih.gov/<PMID>/)")
    authors = tuple(squash(a) for a in one("citation_authors").split(";") if a.strip())
    if not authors:
        names = [n.text() for n in root.find_all("a", "full-name")]
        authors = tuple(dict.fromkeys(_short(n) for n in names if n))
    date = parse_date_text(one("citation_date", "citation_publication_date"))
    sections = _abstract(root) or _meta_abstract(one("citation_abstract", "description"))
    full = "\n".join([title, *(s.text for s in sections)])
    return Document(id=document_id(pmid=pmid, doi=doi, pmcid=pmcid, text=full), title=title,
                    abstract=tuple(sections), pmid=pmid, doi=doi, pmcid=pmcid, authors=authors,
                    journal=one("citation_journal_abbrev", "citation_journal_title", "citation_publisher") or None,
                    year=year_of(date), date=date,
                    publication_types=tuple(dict.fromkeys(n.text() for n in root.find_all(None, "publication-type")
                                                          if n.text())),
                    mesh_headings=_mesh(root), keywords=_keywords(root, one("citation_keywords")),
                    references=_references(root), source=SourceLocation(where, "page", FORMAT))


def _short(full: str) -> str:
    words = full.split()
    return author_name(words[-1], " ".join(words[:-1])) if len(words) > 1 else full


def _abstract(root: Node) -> list[Section]:
    box = root.find("div", id="eng-abstract") or root.find("div", "abstract-content")
    if box is None:
        return []
    sections = []
    for p in box.find_all("p"):
        label_node = p.find("strong", "sub-title")
        label = label_node.text().rstrip(":").strip().upper() if label_node else None
        if label == "KEYWORDS":  # some page versions put the keywords inside the abstract block
            continue
        if label_node is not None:
            p = Node(p.tag, p.attrs, [c for c in p.children if c is not label_node])
        text = p.text()
        if text:
            sections.append(Section(text=text, label=label or None))
    return sections


def _meta_abstract(text: str) -> list[Section]:
    return [Section(text=text)] if text else []


def _keywords(root: Node, meta: str) -> tuple[str, ...]:
    for p in root.find_all("p"):
        strong = p.find("strong", "sub-title")
        if strong is not None and strong.text().lower().startswith("keywords"):
            body = Node("p", {}, [c for c in p.children if c is not strong]).text().rstrip(".")
            return tuple(k.strip() for k in body.split(";") if k.strip())
    return tuple(k.strip() for k in re.split(r"[;,]", meta) if k.strip())


def _mesh(root: Node) -> tuple[str, ...]:
    box = root.find("div", "mesh-terms")
    if box is None:
        return ()
    terms = [b.text() for b in box.find_all("button", "keyword-actions-trigger")]
    return tuple(dict.fromkeys(t.split("/", 1)[0].replace("*", "").strip() for t in terms if t))


def _references(root: Node) -> tuple[Reference, ...]:
    refs = []
    boxes = root.find_all(None, "references-and-notes-list") or root.find_all("ol", "references-list")
    for box in boxes:
        for li in (c for c in box.children if isinstance(c, Node) and c.tag == "li"):
            links = li.find_all("a")
            pmid = doi = None
            for a in links:
                href = a.attrs.get("href", "")
                found = re.search(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)", href) or (
                    re.fullmatch(r"/?(\d+)/?", href) if "pubmed" in a.attrs.get("data-ga-action", "pubmed").lower()
                    else None)
                if found and not pmid:
                    pmid = found.group(1)
                if "doi.org/" in href and not doi:
                    doi = clean_doi(href)
            text_parts = [c for c in li.children if not (isinstance(c, Node) and c.tag in ("a", "ul", "ol", "div"))]
            citation = Node("li", {}, text_parts).text()
            citation = re.sub(r"(?:\s*-\s*(?:PubMed|PMC|DOI|Google Scholar|Free PMC article))+\s*-?\s*$", "", citation)
            if pmid or doi or citation:
                refs.append(Reference(pmid=pmid, doi=doi, citation=citation or None))
    return tuple(refs)
