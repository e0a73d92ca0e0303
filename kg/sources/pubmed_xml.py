"""PubMed XML as E-utilities ``efetch`` (and the annual baseline) deliver it: ``PubmedArticleSet`` with
``PubmedArticle``/``PubmedBookArticle`` records.

Streamed with the standard library's ``iterparse``: each article is turned into a ``Document`` as soon as
its end tag is read and then cleared from the tree, so memory stays flat for a 500 MB file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Document, Reference, Section, SourceLocation, document_id
from kg.sources.common import (Item, author_name, check_pmid, clean_doi, clean_pmcid, iso_date, iter_xml_records,
                               parse_date_text, squash, year_of)

FORMAT = "pubmed-xml"
ROOTS = {"PubmedArticleSet", "PubmedArticle", "PubmedBookArticle", "PubmedBookArticleSet"}
RECORDS = {"PubmedArticle", "PubmedBookArticle"}


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    """Documents in file order; a record that cannot be read is yielded as a ``SourceError``."""
    for number, elem in iter_xml_records(stream, where, ROOTS, RECORDS, "PubMed XML"):
        try:
            yield parse_article(elem, f"{where}#article {number}", SourceLocation(where, f"article {number}", FORMAT))
        except SourceError as exc:
            yield exc


def parse_article(elem: ET.Element, place: str, source: SourceLocation | None = None) -> Document:
    """One ``PubmedArticle`` or ``PubmedBookArticle`` element → ``Document``."""
    if elem.tag == "PubmedBookArticle":
        return _book(elem, place, source)
    citation = elem.find("MedlineCitation")
    if citation is None:
        raise SourceError("article without MedlineCitation", where=place)
    article = citation.find("Article")
    pmid = check_pmid(_text(citation.find("PMID")), place)
    ids = _article_ids(elem.find("PubmedData/ArticleIdList"))
    if article is not None:
        for eloc in article.findall("ELocationID"):
            if eloc.get("EIdType") == "doi":
                ids.setdefault("doi", clean_doi(_text(eloc)))
    title = _inline(article.find("ArticleTitle")) if article is not None else ""
    if not title and article is not None:
        title = _inline(article.find("VernacularTitle"))
    abstract = _abstract(article.find("Abstract") if article is not None else None)
    journal, date = None, None
    if article is not None:
        jour = article.find("Journal")
        if jour is not None:
            journal = _text(jour.find("ISOAbbreviation")) or _text(jour.find("Title"))
            date = _pub_date(jour.find("JournalIssue/PubDate"))
        if date is None:
            date = _pub_date(article.find("ArticleDate"))
    journal = journal or _text(citation.find("MedlineJournalInfo/MedlineTA")) or None
    return _document(
        place, source, pmid=pmid or ids.get("pubmed"), doi=ids.get("doi"), pmcid=ids.get("pmc"), title=title,
        abstract=abstract, authors=_authors(article.find("AuthorList") if article is not None else None),
        journal=journal, date=date,
        publication_types=_texts(article.findall("PublicationTypeList/PublicationType") if article is not None else []),
        mesh=_texts(citation.findall("MeshHeadingList/MeshHeading/DescriptorName")),
        keywords=tuple(_inline(k) for k in citation.findall("KeywordList/Keyword") if _inline(k)),
        references=_references(elem.findall("PubmedData/ReferenceList")))


def _book(elem: ET.Element, place: str, source: SourceLocation | None) -> Document:
    doc = elem.find("BookDocument")
    if doc is None:
        raise SourceError("book article without BookDocument", where=place)
    pmid = check_pmid(_text(doc.find("PMID")), place)
    ids = _article_ids(doc.find("ArticleIdList"))
    ids.update({k: v for k, v in _article_ids(elem.find("PubmedBookData/ArticleIdList")).items() if k not in ids})
    book = doc.find("Book")
    title = _inline(doc.find("ArticleTitle")) or (_inline(book.find("BookTitle")) if book is not None else "")
    date = _pub_date(book.find("PubDate")) if book is not None else None
    authors = _authors(doc.find("AuthorList")) or (_authors(book.find("AuthorList")) if book is not None else ())
    return _document(
        place, source, pmid=pmid or ids.get("pubmed"), doi=ids.get("doi"), pmcid=ids.get("pmc"), title=title,
        abstract=_abstract(doc.find("Abstract")), authors=authors,
        journal=_inline(book.find("BookTitle")) if book is not None else None, date=date,
        publication_types=_texts(doc.findall("PublicationType")) or ("Book Chapter",),
        mesh=(), keywords=tuple(_inline(k) for k in doc.findall("KeywordList/Keyword") if _inline(k)),
        references=_references(elem.findall("PubmedBookData/ReferenceList") + doc.findall("ReferenceList")))


def _document(place: str, source: SourceLocation | None, *, pmid: str | None, doi: str | None,
              pmcid: str | None, title: str, abstract: tuple[Section, ...], authors: tuple[str, ...],
              journal: str | None, date: str | None, publication_types: tuple[str, ...], mesh: tuple[str, ...],
              keywords: tuple[str, ...], references: tuple[Reference, ...]) -> Document:
    if pmid is not None:
        pmid = check_pmid(pmid, place)
    if not (pmid or doi or pmcid or title):
        raise SourceError("article has no PMID, DOI or title", where=place)
    text = "\n".join([title, *(s.text for s in abstract)])
    return Document(id=document_id(pmid=pmid, doi=doi, pmcid=pmcid, text=text), title=title, abstract=abstract,
                    pmid=pmid, doi=doi, pmcid=pmcid, authors=authors, journal=journal or None, year=year_of(date),
                    date=date, publication_types=publication_types, mesh_headings=mesh, keywords=keywords,
                    references=references, source=source)


def _text(elem: ET.Element | None) -> str:
    return squash(elem.text) if elem is not None else ""


def _inline(elem: ET.Element | None) -> str:
    """Element text including inline markup (``<i>``, ``<sup>``, ``<sub>``), whitespace collapsed."""
    return squash("".join(elem.itertext())) if elem is not None else ""


def _texts(elems: list[ET.Element]) -> tuple[str, ...]:
    return tuple(t for t in (_inline(e) for e in elems) if t)


def _abstract(elem: ET.Element | None) -> tuple[Section, ...]:
    if elem is None:
        return ()
    sections = []
    for part in elem.findall("AbstractText"):
        text = _inline(part)
        if text:
            label = (part.get("Label") or "").strip() or None
            sections.append(Section(text=text, label=label.upper() if label else None))
    return tuple(sections)


def _article_ids(elem: ET.Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if elem is None:
        return ids
    for aid in elem.findall("ArticleId"):
        kind, value = aid.get("IdType", ""), _text(aid)
        if kind == "pubmed" and value.isdigit():
            ids.setdefault("pubmed", str(int(value)))
        elif kind == "doi" and clean_doi(value):
            ids.setdefault("doi", clean_doi(value))  # type: ignore[arg-type]
        elif kind == "pmc" and clean_pmcid(value):
            ids.setdefault("pmc", clean_pmcid(value))  # type: ignore[arg-type]
    return ids


def _pub_date(elem: ET.Element | None) -> str | None:
    if elem is None:
        return None
    medline = _text(elem.find("MedlineDate"))
    if medline:
        return parse_date_text(medline)
    return iso_date(_text(elem.find("Year")) or None, _text(elem.find("Month")) or None,
                    _text(elem.find("Day")) or None)


def _authors(elem: ET.Element | None) -> tuple[str, ...]:
    if elem is None:
        return ()
    names = []
    for author in elem.findall("Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        collective = _inline(author.find("CollectiveName"))
        name = collective or author_name(_text(author.find("LastName")), _text(author.find("ForeName")),
                                         _text(author.find("Initials")))
        if name:
            names.append(name)
    return tuple(names)


def _references(lists: list[ET.Element]) -> tuple[Reference, ...]:
    refs: list[Reference] = []
    for ref_list in lists:
        for ref in ref_list.iter("Reference"):
            ids = _article_ids(ref.find("ArticleIdList"))
            citation = _inline(ref.find("Citation")) or None
            if ids.get("pubmed") or ids.get("doi") or citation:
                refs.append(Reference(pmid=ids.get("pubmed"), doi=ids.get("doi"), citation=citation))
    return tuple(refs)
