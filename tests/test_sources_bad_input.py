"""Bad input: each problem is one line naming file and position, and only the project's own error type
ever escapes a reader (hypothesis feeds arbitrary bytes and truncated/corrupted real-looking records)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import IgfkgError, SourceError
from kg.model import Document
from kg.sources import FORMATS, detect_bytes, read_file, read_paths

SRC = Path(__file__).parent / "fixtures" / "sources"
SAMPLES = {"pubmed-xml": "pubmed_multi.xml", "medline": "records.nbib", "pubmed-html": "page.html",
           "pubmed-text": "page_full.txt", "pubtator": "annotated.pubtator", "bioc-xml": "annotated.bioc.xml",
           "bioc-json": "annotated.bioc.json", "text": "note.txt"}


def one_error(path: Path, fmt: str | None = None) -> str:
    items = list(read_paths([path], fmt=fmt))
    errors = [str(i) for i in items if isinstance(i, SourceError)]
    assert len(errors) == 1, items
    assert "\n" not in errors[0]
    return errors[0]


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file(tmp_path, content):
    f = tmp_path / "empty.xml"
    f.write_bytes(content)
    assert one_error(f) == f"{f}: empty file (nothing to read)"


def test_wrong_encoding_names_the_line(tmp_path):
    f = tmp_path / "latin1.nbib"
    f.write_bytes("PMID- 1\nTI  - Caf\u00e9 IGF-1R\n".encode("latin-1"))
    assert one_error(f) == f"{f}:2: not valid UTF-8 (byte 0xe9 at column 10) (convert the file to UTF-8)"
    g = tmp_path / "latin1.xml"
    g.write_bytes((SRC / "pubmed_multi.xml").read_bytes().replace("Müller".encode(), "Müller".encode("latin-1")))
    message = one_error(g)
    assert message.startswith(f"{g}:") and "damaged XML" in message


def test_pubtator_short_line_and_bad_offsets_are_record_errors(tmp_path):
    f = tmp_path / "bad.pubtator"
    f.write_text("1|t|IGF-1R binds IGF1.\n1|a|Abstract.\n1\t0\n\n"
                 "2|t|Second title.\n2|a|Fine.\n2\t0\t6\tSecond\tGene\t1\n\n"
                 "3|t|Third.\n3|a|x\n3\t0\t99\tThird\tGene\t1\n\n"
                 "abc|t|Not a PMID.\n", encoding="utf-8")
    items = list(read_paths([f]))
    assert [type(i).__name__ for i in items] == ["SourceError", "Document", "SourceError", "SourceError"]
    assert str(items[0]).startswith(f"{f}:3: expected an annotation (6 tab-separated columns) or a relation")
    assert str(items[2]) == f"{f}:11: bad offsets 0-99 (the text is 8 characters)"
    assert str(items[3]) == f"{f}:13: PMID 'abc' is not a positive number"


def test_unknown_xml_json_and_binary(tmp_path):
    cases = {"svg.xml": b"<svg><g/></svg>", "data.json": b'{"a": 1}', "blob.bin": b"\x00\x01\x02IGF"}
    expected = {"svg.xml": "XML that is neither PubMed XML nor BioC", "data.json": "JSON that is not BioC JSON",
                "blob.bin": "binary content"}
    for name, data in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        assert one_error(f).startswith(f"{f}: {expected[name]}")


def test_forced_wrong_format_is_reported(tmp_path):
    assert "not PubMed XML: the root element is <collection>" in one_error(SRC / "annotated.bioc.xml", "pubmed-xml")
    items = [str(i) for i in read_paths([SRC / "note.txt"], fmt="pubtator")]
    assert len(items) == 3 and items[0].startswith(f"{SRC / 'note.txt'}:1: expected an annotation")
    f = tmp_path / "set.xml"
    f.write_text("<PubmedArticleSet></PubmedArticleSet>", encoding="utf-8")
    assert one_error(f).startswith(f"{f}: no records found (read as pubmed-xml)")


def test_a_batch_with_bad_files_still_reads_the_good_ones(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "cut.xml").write_bytes((SRC / "pubmed_multi.xml").read_bytes()[:300])
    items = list(read_paths([tmp_path / "empty.txt", tmp_path / "cut.xml", SRC / "records.nbib"]))
    assert [type(i).__name__ for i in items] == ["SourceError", "SourceError", "Document", "Document"]


# ------------------------------------------------------------------------------------------ fuzzing

def drain(path: Path, fmt: str | None) -> None:
    """Reading must end in documents and SourceError objects; anything else escaping is a bug."""
    for item in read_paths([path], fmt=fmt):
        assert isinstance(item, (Document, SourceError))
    try:
        for _ in read_file(path, fmt):
            pass
    except IgfkgError:
        pass


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=600), fmt=st.sampled_from([None, *FORMATS]))
def test_arbitrary_bytes(tmp_path_factory, data, fmt):
    f = tmp_path_factory.mktemp("fuzz") / "input"
    f.write_bytes(data)
    drain(f, fmt)


@FUZZ
@given(sample=st.sampled_from(sorted(SAMPLES.items())), cut=st.floats(0, 1), force=st.booleans())
def test_truncated_real_records(tmp_path_factory, sample, cut, force):
    fmt, name = sample
    data = (SRC / name).read_bytes()
    f = tmp_path_factory.mktemp("cut") / "input"
    f.write_bytes(data[: int(len(data) * cut)])
    drain(f, fmt if force else None)


@FUZZ
@given(sample=st.sampled_from(sorted(SAMPLES.items())),
       edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6),
       force=st.booleans())
def test_corrupted_real_records(tmp_path_factory, sample, edits, force):
    fmt, name = sample
    data = bytearray((SRC / name).read_bytes())
    for where, junk in edits:
        i = int(len(data) * where)
        data[i:i + len(junk)] = junk
    f = tmp_path_factory.mktemp("bad") / "input"
    f.write_bytes(bytes(data))
    drain(f, fmt if force else None)


@FUZZ
@given(text=st.text(max_size=300))
def test_detection_only_raises_source_errors(text):
    try:
        assert detect_bytes(text.encode("utf-8")) in FORMATS
    except SourceError:
        pass
