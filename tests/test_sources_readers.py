"""Each reader on fixture files written for it: multi-article XML, structured abstracts, references,
unicode (Greek letters, "IGF‐1R" with U+2010 HYPHEN), and the seed in data/raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Reference, Section
from kg.sources import detect_format, read_file, read_paths

SRC = Path(__file__).parent / "fixtures" / "sources"
HYPHEN_IGF1R = "IGF\u20101R"


def docs(name: str, fmt: str | None = None):
    return list(read_file(SRC / name, fmt))


def test_pubmed_xml_multi_article_structured_abstract_and_references():
    first, second, book = docs("pubmed_multi.xml")
    assert [d.id for d in (first, second, book)] == ["pmid:91000001", "pmid:91000002", "pmid:91000003"]
    assert first.title == f"{HYPHEN_IGF1R} and PI3Kα drive SOX2 expression in Ca2+-rich β-cell niches."
    assert [s.label for s in first.abstract] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert first.abstract[2].text == ("IGF-1 activated IGF\u20101R and Akt; the IGF\u2013IGF-1R axis increased SOX2 "
                                      "and TGF-β levels.")
    assert first.doi == "10.1000/FIX.2022.001" and first.pmcid == "PMC9100001"
    assert first.authors == ("Müller AL", "Øster B", "IGF Fixture Consortium")
    assert first.journal == "J Fixture Oncol"
    assert (first.year, first.date) == (2022, "2022-02-03")
    assert first.publication_types == ("Journal Article", "Research Support, Non-U.S. Gov't")
    assert first.mesh_headings == ("Neoplastic Stem Cells", "Receptor, IGF Type 1")
    assert first.keywords == (HYPHEN_IGF1R, "cancer stem cells")
    assert first.references == (
        Reference(pmid="30595497", citation="Saygin C, et al. Targeting cancer stemness in the clinic. "
                                            "Cell Stem Cell. 2019;24(1):25–40."),
        Reference(doi="10.1038/nm.4409", citation="Batlle E, Clevers H. Cancer stem cells revisited. Nat Med. 2017."),
        Reference(citation="An unpublished observation."))
    assert first.text.startswith(first.title + "\n" + first.abstract[0].text)
    assert first.source.path.endswith("pubmed_multi.xml") and first.source.position == "article 1"
    assert first.source.format == "pubmed-xml"
    assert second.abstract == (Section("IGFBP3 binds IGF-1 and limits its bioavailability."),)
    assert (second.date, second.journal) == ("2019-11", "Fixture Reviews")  # MedlineDate "2019 Nov-Dec"
    assert book.title == "IGF signalling" and book.journal == "The Fixture Handbook of Growth Factors"
    assert book.authors == ("Rao P",) and book.date == "2020"


def test_medline_records_with_continuations_and_structured_abstract():
    first, second = docs("records.nbib")
    assert first.pmid == "91000011"
    assert first.title == ("Metformin lowers IGF\u20101R levels in ovarian cancer stem cells: a study of "
                           "β-catenin crosstalk.")
    assert [(s.label, s.text) for s in first.abstract] == [
        ("BACKGROUND", "IGF\u20101R signalling maintains stemness."),
        ("METHODS", "Ovarian cancer cells were treated with metformin."),
        ("RESULTS", "Metformin decreased IGF\u20101R and β-catenin levels."),
        ("CONCLUSIONS", "Metformin targets CSCs.")]
    assert first.doi == "10.1000/fix.2021.011" and first.pmcid == "PMC9100011"
    assert first.authors == ("Kowalski J", "Sørensen M")
    assert first.mesh_headings == ("Humans", "Neoplastic Stem Cells", "Metformin")
    assert first.keywords == (HYPHEN_IGF1R, "metformin")
    assert first.date == "2021-03-15" and first.journal == "J Fixture Oncol"
    assert first.source.position == "line 1"
    assert second.abstract == (Section("Linsitinib inhibits IGF-1R and the insulin receptor in vitro."),)
    assert second.source.position == "line 24" and second.publication_types == ("Review",)


def test_pubmed_html_page():
    (doc,) = docs("page.html")
    assert doc.id == "pmid:91000021" and doc.doi == "10.1000/fix.2023.021" and doc.pmcid == "PMC9100021"
    assert doc.title == "IGF\u20101R inhibition depletes cancer stem cells"
    assert doc.abstract == (Section("Cancer stem cells depend on IGF\u20111R and α-catenin.", "BACKGROUND"),
                            Section("Linsitinib inhibited IGF-1R in vivo.", "RESULTS"))
    assert doc.authors == ("Silva R", "Chen Y", "Okafor N")
    assert (doc.journal, doc.date) == ("Fixture Cancer Res", "2023-07")
    assert doc.publication_types == ("Randomized Controlled Trial",)
    assert doc.mesh_headings == ("Humans", "Neoplastic Stem Cells")
    assert doc.keywords == ("IGF-1R", "linsitinib", "stemness")
    assert doc.references == (
        Reference(pmid="30595497", citation="Saygin C, et al. Targeting cancer stemness. Cell Stem Cell. 2019."),
        Reference(doi="10.1038/nm.4409", citation="Batlle E, Clevers H. Cancer stem cells revisited. Nat Med. 2017."))
    assert "not text" not in doc.text  # script content is not page text


def test_pubmed_page_text_full_copy_without_chrome():
    assert detect_format(SRC / "page_full.txt") == "pubmed-text"
    (doc,) = docs("page_full.txt")
    assert doc.id == "pmid:91000031" and doc.doi == "10.1000/fix.2020.031"
    assert doc.title == "IGF\u20102 and IGFBP2 in glioma stem cells"
    assert doc.authors == ("García MJ", "Zhang W", "Adeyemi O")  # affiliation numbers dropped
    assert (doc.journal, doc.date) == ("Fixture Endocrinology", "2020-05-04")
    assert [s.label for s in doc.abstract] == ["BACKGROUND", "METHODS", "RESULTS"]
    assert doc.keywords == ("IGF\u20102", "IGFBP2", "glioma")
    assert doc.mesh_headings == ("Humans", "Glioma")
    assert doc.references[0].citation.startswith("Saygin C, et al.")


def test_seed_page_text_takes_the_pmid_from_the_file_name(repo_root, tmp_path):
    page = repo_root / "data" / "raw" / "seed-page" / "pubmed-38865036-page.txt"
    assert detect_format(page) == "pubmed-text"
    (doc,) = read_file(page)
    assert doc.id == "pmid:38865036"
    assert doc.title == "The role of IGF/IGF-1R signaling in the regulation of cancer stem cells"
    assert doc.doi == "10.1007/s12094-024-03561-x" and doc.journal == "Clin Transl Oncol"
    assert doc.authors == ("Liu F",) and doc.date == "2024-12" and doc.publication_types == ("Review",)
    assert doc.abstract[0].text.startswith("Cancer stem cells (CSCs) are a group of tumor cells")
    assert doc.abstract[0].text.endswith("improve CSC-based therapy.")
    assert len(doc.references) == 5
    # the same text under a name without a number has no PMID: the DOI identifies it
    renamed = tmp_path / "review-page.txt"
    renamed.write_bytes(page.read_bytes())
    (doc2,) = read_file(renamed)
    assert doc2.pmid is None and doc2.id == "doi:10.1007/s12094-024-03561-x"


def test_plain_text_headers_and_paragraphs():
    (note,) = docs("note.txt")
    assert note.id == "text:note-7"
    assert note.title == f"A curator's note on {HYPHEN_IGF1R}"
    assert note.abstract == (Section(f"IGF-1 activates {HYPHEN_IGF1R} in β cells."),
                             Section("Second paragraph: IGFBP3 binds IGF-1."))
    (ided,) = docs("pmid_note.txt")
    assert ided.id == "pmid:91000041" and ided.doi == "10.1000/fix.41"
    assert ided.text == "\nPicropodophyllin inhibits IGF-1R."


def test_plain_text_without_headers_is_hashed_and_stable(tmp_path):
    f = tmp_path / "abstract.txt"
    f.write_text("Metformin decreases IGF-1R expression.\n", encoding="utf-8")
    (a,) = read_file(f)
    (b,) = read_file(f)
    assert a.id.startswith("text:") and a.id == b.id and a.title == ""
    f.write_text("A short title\n\nBody one.\n\nBody two.\n", encoding="utf-8")
    (c,) = read_file(f)
    assert c.title == "A short title" and [s.text for s in c.abstract] == ["Body one.", "Body two."]


def test_seed_directory_reads_the_review_once_with_its_references(repo_root):
    items = list(read_paths([repo_root / "data" / "raw"], recursive=True))
    assert all(not isinstance(i, Exception) for i in items), items
    ids = [d.id for d in items]
    assert ids.count("pmid:38865036") == 1, "seed-page/ is skipped through data/raw/.igfkgignore"
    assert len(items) == 10
    review = next(d for d in items if d.id == "pmid:38865036")
    assert review.authors == ("Liu F", "Ye S", "Zhao L", "Niu Q")
    assert review.publication_types == ("Review",) and review.date == "2024-12"
    assert len(review.references) == 9
    for ref in review.references:
        target = f"pmid:{ref.pmid}" if ref.pmid else f"doi:{ref.doi.lower()}" if ref.doi else None
        if target:
            assert target in ids, ref
    ref7 = [d for d in items if d.title.startswith("Blockade of IGF/IGF-1R signaling axis")]
    assert len(ref7) == 1 and ref7[0].id.startswith("text:")
    assert sum(1 for r in review.references if r.pmid or r.doi) == 8


@pytest.mark.parametrize("name,fmt", [("pubmed_multi.xml", "pubmed-xml"), ("records.nbib", "medline"),
                                      ("page.html", "pubmed-html"), ("page_full.txt", "pubmed-text"),
                                      ("annotated.pubtator", "pubtator"), ("annotated.bioc.xml", "bioc-xml"),
                                      ("annotated.bioc.json", "bioc-json"), ("pubtator3.jsonl", "bioc-json"),
                                      ("note.txt", "text")])
def test_detection_by_content_and_forcing_gives_the_same(name, fmt, tmp_path):
    assert detect_format(SRC / name) == fmt
    renamed = tmp_path / "no-extension"
    renamed.write_bytes((SRC / name).read_bytes())
    assert detect_format(renamed) == fmt, "the name plays no part"
    assert [d.id for d in read_file(renamed, fmt)] == [d.id for d in read_file(SRC / name)]


def test_page_text_pmid_from_file_name_and_glued_affiliation_numbers():
    from kg.sources.pubmed_text import parse_page_text, pmid_from_filename

    assert pmid_from_filename("pubmed-38865036-page.txt") == "38865036"
    assert pmid_from_filename("PMID_123.txt") == "123"
    assert pmid_from_filename("30595497.txt") == "30595497"
    assert pmid_from_filename("page-2.txt") is None
    page = ("Review\nNat Fixture\n. 2019 Jan;1(1):1-2.\ndoi: 10.1000/x.1.\nA title about IGF‐1R\n"
            "Ana Silva1,2, Bo Li3\nAffiliations\nAbstract\nIGF-1 activates IGF‐1R.\nPubMed Disclaimer\n")
    doc = parse_page_text(page, "copied.txt", "copied.txt")
    assert (doc.pmid, doc.id) == (None, "doi:10.1000/x.1")
    assert doc.authors == ("Silva A", "Li B") and doc.journal == "Nat Fixture"
    assert doc.publication_types == ("Review",) and doc.title == "A title about IGF‐1R"


def test_pubmed_html_keywords_inside_the_abstract_block_are_not_a_section():
    from kg.sources.pubmed_html import parse_html

    html = (SRC / "page.html").read_text(encoding="utf-8").replace(
        '</div>\n  <p><strong class="sub-title">Keywords: </strong>IGF-1R; linsitinib; stemness.</p>',
        '<p><strong class="sub-title">Keywords: </strong>IGF-1R; linsitinib; stemness.</p></div>')
    assert "stemness.</p></div>" in html
    doc = parse_html(html, "page.html")
    assert [s.label for s in doc.abstract] == ["BACKGROUND", "RESULTS"]
    assert doc.keywords == ("IGF-1R", "linsitinib", "stemness")
