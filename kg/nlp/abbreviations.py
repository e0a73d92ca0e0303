"""Abbreviation definitions scoped to one abstract (Schwartz & Hearst, via scispaCy), plural-aware.

scispaCy's ``find_abbreviation`` finds "long form (SF)" definitions; we then find every use of the short
form in the same abstract ourselves, including its singular/plural twin ("CSCs" defined, "CSC" used later),
which scispaCy's own detector misses. Results go to ``doc.user_data["igfkg_abbreviations"]`` as plain lists
(msgpack-safe, so they survive ``nlp.pipe(n_process=2)``); :func:`get_abbreviations` decodes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scispacy.abbreviation import filter_matches, find_abbreviation
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

KEY = "igfkg_abbreviations"


@dataclass(frozen=True)
class Abbreviation:
    """A short form defined in this document, its long form, and every occurrence (char offsets)."""

    short: str
    long: str
    long_start: int
    long_end: int
    occurrences: tuple[tuple[int, int], ...]  # includes the defining one, plural/singular variants

    def variants(self) -> set[str]:
        return short_variants(self.short)


def short_variants(short: str) -> set[str]:
    """"CSCs" → {"CSCs", "CSC"}; "CSC" → {"CSC", "CSCs"}; "IGFBPs" → {"IGFBPs", "IGFBP"}."""
    out = {short}
    if len(short) > 2 and short.endswith("s") and short[-2].isupper():
        out.add(short[:-1])
    elif short[-1:].isupper():
        out.add(short + "s")
    return out


class AbbreviationFinder:
    """The pipeline component (factory ``igfkg_abbreviations``)."""

    def __init__(self, nlp: Language, name: str = "igfkg_abbreviations") -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])

    def __call__(self, doc: Doc) -> Doc:
        # plain lists: user_data must survive msgpack when nlp.pipe(n_process=2) ships Docs between processes
        doc.user_data[KEY] = [[a.short, a.long, a.long_start, a.long_end, [list(o) for o in a.occurrences]]
                              for a in find_abbreviations(doc, self.matcher)]
        return doc


def get_abbreviations(doc: Doc) -> list[Abbreviation]:
    return [Abbreviation(s, lf, ls, le, tuple(tuple(o) for o in occ))
            for s, lf, ls, le, occ in doc.user_data.get(KEY, [])]


def find_abbreviations(doc: Doc, matcher: Matcher) -> list[Abbreviation]:
    matches = [(m, s + 1, e - 1) for m, s, e in matcher(doc)]
    defs: dict[str, tuple[str, int, int, int, int]] = {}
    for long_cand, short_cand in filter_matches(matches, doc):
        try:
            short, long = find_abbreviation(long_cand, short_cand)
        except (IndexError, ValueError):  # scispaCy chokes on a few degenerate spans
            continue
        if long is None or short.text in defs:
            continue
        long_text = long.text.strip()
        if not long_text or len(long_text) <= len(short.text):
            continue
        defs[short.text] = (long_text, long.start_char, long.end_char, short.start_char, short.end_char)
    text = doc.text
    out = []
    for short, (long_text, ls, le, ss, se) in defs.items():
        occ = {(ss, se)}
        for variant in short_variants(short):
            for m in re.finditer(r"(?<![\w-])" + re.escape(variant) + r"(?![\w])", text):
                occ.add((m.start(), m.end()))  # the whole abstract (titles often use it first)
        out.append(Abbreviation(short, long_text, ls, le, tuple(sorted(occ))))
    return out


@Language.factory("igfkg_abbreviations", default_config={})
def make_abbreviations(nlp: Language, name: str) -> AbbreviationFinder:
    return AbbreviationFinder(nlp, name)
