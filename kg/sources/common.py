"""What every reader shares: opening (gzip-transparent) byte streams, strict UTF-8 lines, error places,
CURIEs for provided annotations, and small text helpers.

Readers yield ``Document`` objects and, for a record they cannot read, a ``SourceError`` *object* (not
raised) so the caller keeps the good records around a bad one. A damage that ends the file (broken XML,
a corrupt archive) is raised.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from kg.errors import SourceError
from kg.model import Document

Item = Union[Document, SourceError]
SNIFF_BYTES = 4096
GZIP_MAGIC = b"\x1f\x8b"
#: errors a damaged gzip archive raises while it is being read
ARCHIVE_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed on the fly when it is gzip (PubMed baseline ``.xml.gz``)."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise SourceError("no such file", where=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise SourceError("is a directory", where=str(path), hint="pass --recursive to read directories") from None
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", where=str(path)) from None
    if raw.peek(2)[:2] == GZIP_MAGIC:
        raw.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]  # owns (and closes) its file
    return raw


def sniff(path: Path) -> bytes:
    """The first 4 KB of content (decompressed), for format detection."""
    with open_binary(path) as stream:
        try:
            return stream.read(SNIFF_BYTES)
        except ARCHIVE_ERRORS as exc:
            raise archive_error(str(path), exc) from None


def archive_error(where: str, exc: BaseException) -> SourceError:
    return SourceError(f"damaged gzip archive ({exc or type(exc).__name__})", where=where,
                       hint="download the file again")


def iter_xml_records(stream: BinaryIO, where: str, roots: set[str], records: set[str],
                     kind: str) -> Iterator[tuple[int, ET.Element]]:
    """``(record number, element)`` for each record element, streamed: once the caller has taken a record,
    everything read so far is dropped from the tree, so memory stays flat whatever the file size. Damaged
    XML raises one ``SourceError`` naming ``file:line:column``."""
    root: ET.Element | None = None
    number = 0
    try:
        for event, elem in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = elem
                    if elem.tag not in roots:
                        raise SourceError(f"not {kind}: the root element is <{elem.tag}>", where=where,
                                          hint="give --format if the format was guessed wrongly")
                continue
            if elem.tag in records:
                number += 1
                yield number, elem
                if root is not elem:
                    root.clear()
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        message = re.sub(r":? line \d+, column \d+", "", str(exc)) or "malformed XML"
        raise SourceError(f"damaged XML ({message})", where=f"{where}:{line}:{column + 1}",
                          hint="the file is truncated or not well-formed") from None
    if root is None:
        raise SourceError("no XML content", where=where)


def iter_lines(stream: BinaryIO, where: str) -> Iterator[tuple[int, str]]:
    """``(line number, text without the line end)``, decoded strictly as UTF-8 (BOM allowed)."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                              where=f"{where}:{number}", hint="convert the file to UTF-8") from None
        yield number, text.rstrip("\r\n")


def read_text(stream: BinaryIO, where: str) -> str:
    """A whole (small) text file, strictly UTF-8; the error names line and column of a bad byte."""
    return "\n".join(line for _, line in iter_lines(stream, where))


def squash(text: str | None) -> str:
    """Collapse runs of whitespace (XML indentation, wrapped lines) to single spaces."""
    return " ".join(text.split()) if text else ""


def iso_date(year: str | int | None, month: str | int | None = None, day: str | int | None = None) -> str | None:
    """``2024``/``Dec``/``1`` → ``2024-12-01``, as precise as known; None when there is no year."""
    try:
        y = int(str(year).strip()[:4])
    except (TypeError, ValueError):
        return None
    out = f"{y:04d}"
    m = month_number(month)
    if m:
        out += f"-{m:02d}"
        try:
            d = int(str(day).strip()) if day not in (None, "") else 0
        except ValueError:
            d = 0
        if 1 <= d <= 31:
            out += f"-{d:02d}"
    return out


def month_number(month: str | int | None) -> int | None:
    if month in (None, ""):
        return None
    text = str(month).strip().lower()
    if text.isdigit():
        value = int(text)
        return value if 1 <= value <= 12 else None
    return MONTHS.get(text[:3])


def parse_date_text(text: str | None) -> str | None:
    """Free-form PubMed dates (``2024 Dec 12``, ``2024 Dec-2025 Jan``, ``2024-12-01``) → ISO."""
    if not text:
        return None
    match = re.match(r"\s*(\d{4})(?:[-/ ](\d{1,2}|[A-Za-z]{3})[A-Za-z]*)?(?:[-/ ](\d{1,2})\b)?", text)
    if not match:
        return None
    return iso_date(*match.groups())


def year_of(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def author_name(last: str | None, fore: str | None = None, initials: str | None = None) -> str:
    """PubMed's short form: ``Liu F`` (last name + initials)."""
    last = squash(last)
    if not initials and fore:
        initials = "".join(part[0] for part in re.split(r"[\s\-.]+", fore) if part and part[0].isalpha())
    return f"{last} {initials}".strip() if last else squash(fore)


def check_pmid(value: str | None, where: str) -> str | None:
    """A PMID is a positive number; anything else is a record error naming the place."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise SourceError(f"PMID {value!r} is not a positive number", where=where)
    return str(int(value))


def clean_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1/X`` or ``doi:10.1/X.`` → ``10.1/X`` (DOIs compare case-insensitively)."""
    if not value:
        return None
    value = value.strip().rstrip(".")
    value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
    return value if value.startswith("10.") else None


def clean_pmcid(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().upper()
    if value.isdigit():
        value = "PMC" + value
    return value if re.fullmatch(r"PMC\d+", value) else None


# ------------------------------------------------------------------------------ provided annotations

_PREFIXES = {"mesh": "MESH", "ncbigene": "NCBIGene", "gene": "NCBIGene", "ncbitaxon": "NCBITaxon",
             "taxonomy": "NCBITaxon", "omim": "OMIM", "cellosaurus": "cellosaurus", "cvcl": "cellosaurus",
             "dbsnp": "dbSNP", "rs#": "dbSNP", "chebi": "CHEBI", "hgnc": "HGNC", "uniprot": "UniProt"}
_TYPES_GENE = ("gene", "protein", "geneorgeneproduct")
_TYPES_TAXON = ("species", "organismtaxon", "organism", "taxon")


def annotation_curies(raw: str | None, entity_type: str) -> tuple[str, ...]:
    """The source's identifier field as CURIEs: ``3479`` (a gene) → ``NCBIGene:3479``, ``D009369`` →
    ``MESH:D009369``, ``9606`` (a species) → ``NCBITaxon:9606``, ``CVCL_0023`` → ``cellosaurus:CVCL_0023``,
    ``rs123`` → ``dbSNP:rs123``; tmVar notations (``p|SUB|V|600|E``) are kept as given. ``-`` means none."""
    if raw is None:
        return ()
    raw = raw.strip()
    if not raw or raw == "-":
        return ()
    kind = entity_type.strip().lower().replace(" ", "")
    if "|" in raw and not raw.lower().startswith("tmvar:"):  # a tmVar notation: one ID, may hold ';'
        return (raw,)
    if raw.lower().startswith("tmvar:"):
        parts = dict(p.split(":", 1) for p in raw.split(";") if ":" in p)
        rs = parts.get("RS#") or parts.get("rs#")
        return (f"dbSNP:rs{rs.lstrip('rs')}",) if rs else (parts.get("tmVar", raw),)
    out: list[str] = []
    for part in re.split(r"[,;]", raw):
        curie = _one_curie(part.strip(), kind)
        if curie and curie not in out:
            out.append(curie)
    return tuple(out)


def _one_curie(value: str, kind: str) -> str | None:
    if not value or value == "-":
        return None
    if ":" in value:
        prefix, local = value.split(":", 1)
        mapped = _PREFIXES.get(prefix.lower())
        if mapped == "dbSNP" and not local.lower().startswith("rs"):
            local = "rs" + local
        return f"{mapped}:{local.strip()}" if mapped else value
    if value.upper().startswith("CVCL_"):
        return f"cellosaurus:{value}"
    if re.fullmatch(r"rs\d+", value, flags=re.I):
        return f"dbSNP:{value.lower()}"
    if re.fullmatch(r"[CD]\d{6,9}", value):
        return f"MESH:{value}"
    if value.isdigit():
        if kind in _TYPES_TAXON:
            return f"NCBITaxon:{value}"
        if kind in _TYPES_GENE or kind == "":
            return f"NCBIGene:{value}"
        return value
    return value


def relation_curie(raw: str, known: dict[str, str]) -> str:
    """A relation argument as the CURIE its annotations got (so relations and annotations agree)."""
    raw = raw.strip()
    if raw in known:
        return known[raw]
    curies = annotation_curies(raw, "")
    return curies[0] if curies else raw


def known_ids(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """raw identifier → CURIE, from ``(raw identifier field, entity type)`` pairs of one document."""
    known: dict[str, str] = {}
    for raw, kind in pairs:
        if not raw:
            continue
        if "|" in raw and not raw.lower().startswith("tmvar:"):
            known.setdefault(raw.strip(), raw.strip())
            continue
        for part in re.split(r"[,;]", raw):
            part = part.strip()
            curies = annotation_curies(part, kind)
            if part and curies:
                known.setdefault(part, curies[0])
    return known
