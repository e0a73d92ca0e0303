"""The public API of kg.sources: formats, detection, strict read_file vs. forgiving read_paths, directory
walks (README*, hidden files, .igfkgignore), gzip."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

import kg.sources as sources
from kg.errors import IgfkgError, SourceError
from kg.model import Document
from kg.sources import FORMATS, detect_format, read_file, read_paths, walk

SRC = Path(__file__).parent / "fixtures" / "sources"


def test_formats_are_the_documented_eight():
    assert FORMATS == ("pubmed-xml", "medline", "pubmed-html", "pubmed-text", "pubtator", "bioc-xml", "bioc-json",
                       "text")
    from kg.cli.ingest import FORMATS as CLI_FORMATS
    assert tuple(CLI_FORMATS) == FORMATS


def test_unknown_format_is_refused_before_anything_is_read():
    with pytest.raises(SourceError, match=r"unknown format 'pdf' \(choose one of: pubmed-xml, medline"):
        list(read_paths([SRC / "note.txt"], fmt="pdf"))
    with pytest.raises(SourceError, match="unknown format"):
        list(read_file(SRC / "note.txt", fmt="pdf"))


def test_read_file_is_strict_and_read_paths_carries_on(tmp_path):
    text = (SRC / "pubmed_multi.xml").read_text(encoding="utf-8").replace(
        "<PMID Version=\"1\">91000002</PMID>", "<PMID Version=\"1\">12ab</PMID>")
    f = tmp_path / "mixed.xml"
    f.write_text(text, encoding="utf-8")
    items = list(read_paths([f]))
    assert [type(i).__name__ for i in items] == ["Document", "SourceError", "Document"]
    assert str(items[1]) == f"{f}#article 2: PMID '12ab' is not a positive number"
    with pytest.raises(SourceError, match="#article 2"):
        list(read_file(f))


def test_truncated_xml_keeps_the_articles_before_the_damage(tmp_path):
    data = (SRC / "pubmed_multi.xml").read_bytes()
    cut = data.index(b"<PubmedBookArticle>") + 40
    f = tmp_path / "cut.xml"
    f.write_bytes(data[:cut])
    items = list(read_paths([f]))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "SourceError"]
    message = str(items[2])
    line = data[:cut].count(b"\n") + 1
    assert message.startswith(f"{f}:{line}:") and "damaged XML" in message and "\n" not in message


def test_directory_needs_recursive_and_missing_paths_are_named(tmp_path):
    (tmp_path / "d").mkdir()
    items = list(read_paths([tmp_path / "d", tmp_path / "missing.xml"]))
    assert [str(i) for i in items] == [
        f"{tmp_path / 'd'}: is a directory (pass --recursive to read directories)",
        f"{tmp_path / 'missing.xml'}: no such file (check the path)"]
    with pytest.raises(SourceError, match="no such file"):
        list(read_file(tmp_path / "missing.xml"))


def test_walk_skips_readme_hidden_and_ignored_files(tmp_path):
    root = tmp_path / "raw"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "skipme").mkdir()
    for name in ("a.xml", "README.md", "readme.txt", ".hidden.xml", "index.json", "sub/b.nbib", "sub/deeper/c.txt",
                 "sub/deeper/d.txt", "skipme/e.txt"):
        (root / name).write_text("x", encoding="utf-8")
    (root / ".igfkgignore").write_text("# comments and blank lines are fine\n\nindex.json\nskipme/\nsub/deeper/d.*\n",
                                       encoding="utf-8")
    assert [p.relative_to(root).as_posix() for p in walk(root)] == ["a.xml", "sub/b.nbib", "sub/deeper/c.txt"]


def test_recursive_read_follows_the_walk(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(SRC / "records.nbib", root / "records.nbib")
    shutil.copy(SRC / "note.txt", root / "README.txt")  # skipped
    (root / "nested").mkdir()
    shutil.copy(SRC / "page.html", root / "nested" / "page.html")
    ids = [d.id for d in read_paths([root], recursive=True)]
    assert ids == ["pmid:91000021", "pmid:91000011", "pmid:91000012"]  # sorted: "nested" < "records.nbib"


def test_gzip_is_read_transparently(tmp_path):
    f = tmp_path / "pubmed25n0001.xml.gz"
    f.write_bytes(gzip.compress((SRC / "pubmed_multi.xml").read_bytes()))
    assert detect_format(f) == "pubmed-xml"
    assert [d.id for d in read_file(f)] == ["pmid:91000001", "pmid:91000002", "pmid:91000003"]
    g = tmp_path / "records.gz"
    g.write_bytes(gzip.compress((SRC / "records.nbib").read_bytes()))
    assert len(list(read_file(g))) == 2


def test_damaged_gzip_is_a_one_line_error(tmp_path):
    data = gzip.compress((SRC / "pubmed_multi.xml").read_bytes() * 20)
    f = tmp_path / "broken.xml.gz"
    f.write_bytes(data[: len(data) // 2])
    items = list(read_paths([f]))
    assert isinstance(items[-1], SourceError)
    assert str(items[-1]).startswith(f"{f}: damaged gzip archive") and "\n" not in str(items[-1])
    g = tmp_path / "garbage.gz"
    g.write_bytes(b"\x1f\x8b" + b"\x00garbage" * 10)
    (item,) = list(read_paths([g]))
    assert isinstance(item, SourceError) and str(item).startswith(f"{g}: ")


def test_errors_are_igfkg_errors_with_places():
    assert issubclass(SourceError, IgfkgError)
    assert sources.SourceError is SourceError


def test_documents_carry_their_source(tmp_path):
    doc = next(read_file(SRC / "annotated.bioc.json"))
    assert isinstance(doc, Document)
    assert (doc.source.format, doc.source.position) == ("bioc-json", "document 1")
    assert doc.source.path == str(SRC / "annotated.bioc.json")
