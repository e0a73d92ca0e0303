"""Plain text: one document per file, with optional header lines ``ID:``, ``PMID:``, ``DOI:``, ``Title:``.

Without a ``Title:`` header, a first paragraph of one short line followed by more text is the title;
otherwise the whole text is the abstract. Paragraphs (separated by blank lines) become sections.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from kg.errors import SourceError
from kg.model import Document, Section, SourceLocation, document_id
from kg.sources.common import Item, check_pmid, clean_doi, clean_pmcid, read_text, squash

FORMAT = "text"
HEADER = re.compile(r"^(ID|PMID|DOI|PMCID|Title)\s*:\s*(.*)$", re.I)


def read(stream: BinaryIO, where: str) -> Iterator[Item]:
    text = read_text(stream, where)
    lines = text.split("\n")
    headers: dict[str, str] = {}
    index = 0
    while index < len(lines):
        match = HEADER.match(lines[index].strip())
        if not match:
            break
        headers[match.group(1).lower()] = match.group(2).strip()
        index += 1
    body = "\n".join(lines[index:])
    paragraphs = [squash(p) for p in re.split(r"\n\s*\n", body) if p.strip()]
    title = squash(headers.get("title", ""))
    if not title and len(paragraphs) > 1 and "\n" not in re.split(r"\n\s*\n", body.strip())[0] \
            and len(paragraphs[0]) <= 300:
        title = paragraphs.pop(0)
    if not title and not paragraphs:
        raise SourceError("no text (only blank lines or headers)", where=where)
    pmid, doi, pmcid, doc_id = _ids(headers, where)
    sections = tuple(Section(text=p) for p in paragraphs)
    full = "\n".join([title, *paragraphs])
    return_id = doc_id or document_id(pmid=pmid, doi=doi, pmcid=pmcid, text=full)
    yield Document(id=return_id, title=title, abstract=sections, pmid=pmid, doi=doi, pmcid=pmcid,
                   source=SourceLocation(where, "line 1", FORMAT))


def _ids(headers: dict[str, str], where: str) -> tuple[str | None, str | None, str | None, str | None]:
    pmid = check_pmid(headers.get("pmid"), f"{where}: PMID header") if headers.get("pmid") else None
    doi = clean_doi(headers.get("doi"))
    if headers.get("doi") and not doi:
        raise SourceError(f"DOI {headers['doi']!r} does not start with 10.", where=where)
    pmcid = clean_pmcid(headers.get("pmcid"))
    raw = headers.get("id", "").strip()
    doc_id = None
    if raw:
        prefix, _, local = raw.partition(":")
        if raw.isdigit():
            pmid = pmid or check_pmid(raw, where)
        elif prefix.lower() == "pmid" and local:
            pmid = pmid or check_pmid(local, where)
        elif clean_doi(raw):
            doi = doi or clean_doi(raw)
        elif clean_pmcid(local if prefix.lower() in ("pmc", "pmcid") else raw):
            pmcid = pmcid or clean_pmcid(local if prefix.lower() in ("pmc", "pmcid") else raw)
        elif re.fullmatch(r"[A-Za-z0-9._\-]+", raw):
            doc_id = f"text:{raw}"
        else:
            raise SourceError(f"ID {raw!r} may only contain letters, digits, '.', '_' and '-'", where=where)
    if doc_id and (pmid or doi or pmcid):
        doc_id = None
    return pmid, doi, pmcid, doc_id
