"""The PubMed record page copied as text (select all → copy in a browser), like the seed
``pubmed-38865036-page.txt``. Works with or without the site's navigation chrome.

Parsed: journal/date line (``. 2024 Dec;26(12):2924-2934.``), ``doi:`` line, publication type, title,
author list with affiliation numbers (``Fengchao Liu 1, Shuyi Ye 2``) or the ``X et al. Journal. 2024``
citation line, ``PMID: … DOI: …`` line, abstract (structured labels kept), keywords, MeSH terms and the
reference list. The PMID comes from a ``PMID:`` line, failing that from the file name (the seed's page text
shows none).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Document, Reference, Section, SourceLocation, document_id
from kg.sources.common import Item, check_pmid, clean_doi, parse_date_text, read_text, squash, year_of

FORMAT = "pubmed-text"
DATE_LINE = re.compile(r"^\s*(?:(?P<journal>[^.;]+?)\s*)?\.\s*(?P<date>\d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?)[;:.]")
DOI_LINE = re.compile(r"^\s*doi:\s*(10\.\S+?)\.?(?:\s|$)", re.I)
PMID_LINE = re.compile(r"^\s*PMID:\s*(\d+)(?:.*?\bDOI:\s*(10\.\S+))?", re.I)
CITATION_LINE = re.compile(r"^(?P<author>[^.]+?)(?: et al)?\.\s+(?P<journal>[A-Z][^.]*(?:\.[^.0-9][^.]*)*)\.\s+"
                           r"(?P<date>\d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?)\.?\s*$")
LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ,/&-]{2,40}):\s*(?P<text>.*)$")
PUB_TYPES = {"review", "systematic review", "meta-analysis", "clinical trial", "randomized controlled trial",
             "comparative study", "case reports", "editorial", "letter", "comment", "observational study",
             "multicenter study", "practice guideline", "guideline", "published erratum", "retracted publication",
             "preprint", "news", "historical article", "evaluation study", "validation study"}
CHROME = {"affiliations", "expand", "collapse", "full text links", "cite", "display options", "item in clipboard",
          "free pmc article", "free article", "actions", "share", "page navigation", "title & authors"}
STOPS = ("keywords:", "pubmed disclaimer", "conflict of interest statement", "similar articles", "cited by",
         "references", "mesh terms", "substances", "figures", "comment in", "grant support", "copyright",
         "©", "publication types", "related information", "linkout", "supplementary info", "full text sources")


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    text = read_text(stream, where)
    yield parse_page_text(text, where, Path(where).name)


def parse_page_text(text: str, where: str, filename: str = "") -> Document:
    stripped = [" ".join(line.split()) for line in text.splitlines()]  # also turns NBSP into spaces
    try:
        abstract_at = stripped.index("Abstract")
    except ValueError:
        raise SourceError("no 'Abstract' heading: not a PubMed page copied as text", where=where) from None
    head = stripped[:abstract_at]
    journal = date = doi = pmid = None
    pub_types: list[str] = []
    header_end = 0
    for i, line in enumerate(head):
        match = DATE_LINE.match(line)
        if match and date is None and (line.startswith(".") or (match.group("journal") or "").strip()):
            date = parse_date_text(match.group("date"))
            journal = journal or (squash(match.group("journal")) or None)
            header_end = max(header_end, i + 1)
            if not journal and i > 0 and head[i - 1] and head[i - 1].lower() not in PUB_TYPES:
                journal = head[i - 1]
            continue
        match = DOI_LINE.match(line)
        if match and doi is None:
            doi = clean_doi(match.group(1))
            header_end = max(header_end, i + 1)
            continue
        match = PMID_LINE.match(line)
        if match:
            pmid = check_pmid(match.group(1), f"{where}:{i + 1}")
            doi = doi or clean_doi(match.group(2))
            continue
        if line.lower() in PUB_TYPES and line not in pub_types:
            pub_types.append(line)
    rest = [(i, line) for i, line in enumerate(head) if i >= header_end and line]
    title, authors = "", ()
    candidates = [(i, line) for i, line in rest if line.lower() not in CHROME and line.lower() not in PUB_TYPES
                  and not PMID_LINE.match(line) and not line.lower().startswith("epub")]
    if candidates:
        title = candidates[0][1]
        after = [line for i, line in candidates[1:]]
        if after and _looks_like_authors(after[0]):
            authors = tuple(_short_name(n) for n in _split_authors(after[0]))
    for line in head:
        match = CITATION_LINE.match(line)
        if match:
            journal = journal or match.group("journal").strip()
            date = date or parse_date_text(match.group("date"))
            if not authors:
                authors = (_short_name(match.group("author")),)
            break
    sections, tail_at = _abstract(stripped, abstract_at + 1)
    keywords = _keywords(stripped[tail_at:])
    if pmid is None:
        pmid = pmid_from_filename(filename)
    if not title:
        raise SourceError("no title found before the 'Abstract' heading", where=where)
    references = _references(stripped[tail_at:])
    mesh = _block(stripped[tail_at:], "MeSH terms", ("Substances", "Related information", "LinkOut - more resources",
                                                      "Grants and funding", "Publication types"))
    full = "\n".join([title, *(s.text for s in sections)])
    return Document(id=document_id(pmid=pmid, doi=doi, text=full), title=title, abstract=tuple(sections), pmid=pmid,
                    doi=doi, authors=authors, journal=journal, year=year_of(date), date=date,
                    publication_types=tuple(pub_types), mesh_headings=tuple(_mesh(m) for m in mesh),
                    keywords=keywords, references=references, source=SourceLocation(where, "page", FORMAT))


def pmid_from_filename(name: str) -> str | None:
    """``pubmed-38865036-page.txt``, ``PMID_38865036.txt``, ``38865036.txt`` → ``38865036``; a stray small
    number (``page-2.txt``) is not taken for a PMID."""
    stem = name.split(".", 1)[0]
    found = (re.search(r"(?:pubmed|pmid)[-_ ]?(\d{1,9})(?!\d)", stem, re.I) or re.fullmatch(r"(\d{1,9})", stem)
             or re.search(r"(?<!\d)(\d{6,9})(?!\d)", stem))
    return str(int(found.group(1))) if found and int(found.group(1)) > 0 else None


def _looks_like_authors(line: str) -> bool:
    """``Fengchao Liu 1, Shuyi Ye 2, Lin Zhao 3`` (names, commas, affiliation numbers), not a sentence."""
    names = _split_authors(line)
    return bool(names) and all(re.fullmatch(r"[^\W\d_][\w.'’ -]*", n) and len(n.split()) <= 5 for n in names) \
        and (bool(re.search(r"\s\d", line)) or len(names) > 1) and not line.endswith(".")


def _split_authors(line: str) -> list[str]:
    parts = [re.sub(r"(?:\s*\d+)+\s*$", "", p).strip() for p in re.split(r",\s*|\s+and\s+", line)]
    return [p for p in parts if p and p != "et al"]


def _short_name(full: str) -> str:
    """``Fengchao Liu`` → ``Liu F``; ``Liu F`` stays as it is."""
    full = squash(full.replace(" et al", ""))
    words = full.split()
    if len(words) >= 2 and re.fullmatch(r"[A-Z]{1,3}", words[-1]):
        return full
    if len(words) < 2:
        return full
    initials = "".join(w[0] for w in re.split(r"[\s-]+", " ".join(words[:-1])) if w and w[0].isalpha())
    return f"{words[-1]} {initials.upper()}"


def _abstract(lines: list[str], start: int) -> tuple[list[Section], int]:
    sections: list[Section] = []
    pending_label = None
    index = start
    while index < len(lines):
        line = lines[index]
        if any(line.lower().startswith(s) for s in STOPS):
            break
        index += 1
        if not line:
            continue
        match = LABEL.match(line)
        if match and not match.group("text"):
            pending_label = match.group("label").upper()
            continue
        if match and len(match.group("label").split()) <= 4:
            sections.append(Section(text=squash(match.group("text")), label=match.group("label").upper()))
        else:
            sections.append(Section(text=squash(line), label=pending_label))
        pending_label = None
    return sections, index


def _keywords(lines: list[str]) -> tuple[str, ...]:
    for line in lines:
        if line.lower().startswith("keywords:"):
            body = line.split(":", 1)[1].strip().rstrip(".")
            return tuple(k.strip() for k in body.split(";") if k.strip())
    return ()


def _references(lines: list[str]) -> tuple[Reference, ...]:
    try:
        start = lines.index("References")
    except ValueError:
        return ()
    refs = []
    for line in lines[start + 1:]:
        match = re.match(r"^\d+\.\s+(.*)$", line)
        if match:
            citation = re.sub(r"(?:\s+-\s+(?:PubMed|PMC|DOI|Free PMC article|Google Scholar))+\s*$", "",
                              match.group(1)).strip()
            pmid = re.search(r"\bPMID:\s*(\d+)", citation)
            doi = re.search(r"\b(?:doi:\s*)?(10\.\d{4,9}/[^\s;]+)", citation, re.I)
            refs.append(Reference(pmid=pmid.group(1) if pmid else None,
                                  doi=clean_doi(doi.group(1)) if doi else None, citation=citation))
        elif line and refs and line in ("MeSH terms", "Substances", "Publication types", "LinkOut - more resources"):
            break
    return tuple(refs)


def _block(lines: list[str], heading: str, stops: tuple[str, ...]) -> list[str]:
    try:
        start = lines.index(heading)
    except ValueError:
        return []
    out = []
    for line in lines[start + 1:]:
        if line in stops:
            break
        if line:
            out.append(line)
    return out


def _mesh(term: str) -> str:
    return term.split("/", 1)[0].replace("*", "").strip()
