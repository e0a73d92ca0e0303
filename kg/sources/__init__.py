"""Literature in: one reader per format, each yielding :class:`kg.model.Document`.

Formats are detected from the first 4 KB of content (never the file name) and can be forced with
``fmt``. gzip-compressed files are read transparently. A bad record or file never stops a batch:
:func:`read_paths` yields a :class:`~kg.errors.SourceError` object for it (one line naming the place:
``file#article N``, ``file:line``, ``file:line:col`` or ``file#document N``) and carries on; good records
around a bad one are kept. :func:`read_file` is the strict form: it raises the first error.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from kg.errors import SourceError
from kg.model import Document
from kg.sources.common import ARCHIVE_ERRORS, archive_error, open_binary, sniff

__all__ = ["FORMATS", "IGNORE_FILE", "SourceError", "detect_format", "detect_bytes", "read_file", "read_paths",
           "walk"]

#: format name → "module:function" of its reader (imported when first used)
READERS: dict[str, str] = {
    "pubmed-xml": "kg.sources.pubmed_xml:read",
    "medline": "kg.sources.medline:read",
    "pubmed-html": "kg.sources.pubmed_html:read",
    "pubmed-text": "kg.sources.pubmed_text:read",
    "pubtator": "kg.sources.pubtator:read",
    "bioc-xml": "kg.sources.bioc:read_xml",
    "bioc-json": "kg.sources.bioc:read_json",
    "text": "kg.sources.text:read",
}
FORMATS: tuple[str, ...] = tuple(READERS)
#: a file in a directory listing names (glob patterns) that directory walks skip
IGNORE_FILE = ".igfkgignore"

_PUBTATOR = re.compile(r"^[^|\t]+\|[ta]\|")
_MEDLINE_FIELD = re.compile(r"^(PMID|TI|AB|AU|FAU|PT|DP|TA|JT|LID|AID|OWN|STAT|DA|VI|IP|PG|SO)\s*- ", re.M)
_TEXT_HEADER = re.compile(r"^(ID|PMID|DOI|PMCID|Title)\s*:", re.I)
_PAGE_MARKERS = (
    re.compile(r"^Abstract\s*$", re.M),
    re.compile(r"^\s*doi:\s*10\.\S+", re.M | re.I),
    re.compile(r"^\s*PMID:\s*\d+", re.M),
    re.compile(r"^\s*\.\s*\d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?[;:.]", re.M),  # ". 2024 Dec;26(12):2924-2934."
    re.compile(r"^Affiliations\s*$", re.M),
    re.compile(r"^(?:PubMed Disclaimer|Skip to main page content|Similar articles|Cited by)\s*$", re.M),
)


def detect_format(path: str | Path) -> str:
    """The format of ``path``, decided from its first 4 KB of (decompressed) content."""
    return detect_bytes(sniff(Path(path)), str(path))


def detect_bytes(head: bytes, where: str = "<input>") -> str:
    """The format of content starting with ``head``; raises :class:`SourceError` when it is none of ours."""
    if not head.strip():
        raise SourceError("empty file", where=where, hint="nothing to read")
    if b"\x00" in head:
        raise SourceError("binary content, not a literature record", where=where,
                          hint=f"known formats: {', '.join(FORMATS)}")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    lower = text.lower()
    if text.startswith("<"):
        if re.search(r"<pubmed(book)?article(set)?[\s>]", lower):
            return "pubmed-xml"
        if re.search(r"<!doctype collection|<collection[\s>]", lower) and "<html" not in lower:
            return "bioc-xml"
        if re.search(r"<!doctype html|<html[\s>]", lower):
            return "pubmed-html"
        raise SourceError("XML that is neither PubMed XML nor BioC", where=where,
                          hint="give --format if you know the format")
    if text.startswith(("{", "[")):
        if any(key in text for key in ('"passages"', '"documents"', '"PubTator3"', '"infons"')):
            return "bioc-json"
        raise SourceError("JSON that is not BioC JSON (no passages/documents)", where=where)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if _PUBTATOR.match(first):
        return "pubtator"
    if _MEDLINE_FIELD.match(first) and len(_MEDLINE_FIELD.findall(text)) >= 2:
        return "medline"
    if not _TEXT_HEADER.match(first) and sum(bool(m.search(text)) for m in _PAGE_MARKERS) >= 2 \
            and _PAGE_MARKERS[0].search(text):
        return "pubmed-text"
    return "text"


def _reader(fmt: str) -> Callable[..., Iterator[Union[Document, SourceError]]]:
    module, attr = READERS[fmt].split(":")
    return getattr(importlib.import_module(module), attr)


def check_format(fmt: str | None) -> str | None:
    """``fmt`` if it names a format (or is None); an unknown name is an error that lists the known ones."""
    if fmt is not None and fmt not in READERS:
        raise SourceError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}")
    return fmt


def _read_one(path: Path, fmt: str | None) -> Iterator[Union[Document, SourceError]]:
    """Every record of one file, errors as objects; never raises for bad input."""
    where = str(path)
    count = 0
    try:
        kind = fmt or detect_format(path)
        with open_binary(path) as stream:
            for item in _reader(kind)(stream, where):
                count += 1
                yield item
        if count == 0:
            yield SourceError(f"no records found (read as {kind})", where=where,
                              hint="is the file empty or in another format? try --format")
    except SourceError as exc:
        yield exc
    except ARCHIVE_ERRORS as exc:
        yield archive_error(where, exc)
    except RecursionError:
        yield SourceError("nesting too deep to read", where=where)
    except IsADirectoryError:
        yield SourceError("is a directory", where=where, hint="pass --recursive to read directories")
    except OSError as exc:
        yield SourceError(f"cannot read: {exc.strerror or exc}", where=where)


def read_file(path: str | Path, fmt: str | None = None) -> Iterator[Document]:
    """The documents of one file, streamed; raises the first :class:`SourceError` (strict)."""
    check_format(fmt)
    for item in _read_one(Path(path), fmt):
        if isinstance(item, SourceError):
            raise item
        yield item


def read_paths(paths: Iterable[str | Path], fmt: str | None = None,
               recursive: bool = False) -> Iterator[Union[Document, SourceError]]:
    """Documents from files and (with ``recursive``) directories; each bad file or record is yielded as a
    :class:`SourceError` object and reading carries on. An unknown ``fmt`` raises before anything is read."""
    check_format(fmt)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if not recursive:
                yield SourceError("is a directory", where=str(path), hint="pass --recursive to read directories")
                continue
            for file in walk(path):
                yield from _read_one(file, fmt)
        elif not path.exists():
            yield SourceError("no such file", where=str(path), hint="check the path")
        else:
            yield from _read_one(path, fmt)


def walk(directory: Path) -> Iterator[Path]:
    """Files under ``directory`` in sorted order, skipping hidden files, ``README*`` and what a
    ``.igfkgignore`` in a directory lists (glob patterns relative to that directory; ``#`` comments)."""
    yield from _walk(directory, [])


def _walk(directory: Path, inherited: list[tuple[Path, list[str]]]) -> Iterator[Path]:
    rules = inherited + [(directory, _ignore_patterns(directory / IGNORE_FILE))]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.lower().startswith("readme"):
            continue
        path = Path(entry.path)
        if _ignored(path, rules):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, rules)
        elif entry.is_file():
            yield path


def _ignore_patterns(file: Path) -> list[str]:
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line.strip().strip("/") for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _ignored(path: Path, rules: list[tuple[Path, list[str]]]) -> bool:
    for base, patterns in rules:
        relative = path.relative_to(base).as_posix()
        for pattern in patterns:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(path.name, pattern):
                return True
    return False
