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
    # "nitroglycerin (NTG)-induced", "cyclophosphamide (CYP)-treated": the tokenizer keeps ")-induced" in one
    # token, so the token matcher above never sees the parenthesis; find those definitions on the characters
    for m in _PAREN_HYPHEN.finditer(text):
        short_text = m.group(1)
        if short_text in defs:
            continue
        found = schwartz_hearst_long(short_text, text, m.start())
        if found is not None:
            ls, le = found
            defs[short_text] = (text[ls:le], ls, le, m.start(1), m.end(1))
    out = []
    for short, (long_text, ls, le, ss, se) in defs.items():
        occ = {(ss, se)}
        for variant in short_variants(short):
            # not inside a longer hyphenated name ("MMP" defined, "MMP-9", "IR-A" are other names); "STZ-induced"
            # is still a use
            for m in re.finditer(r"(?<![\w-])" + re.escape(variant) + r"(?![\w]|-[A-Z0-9])", text):
                occ.add((m.start(), m.end()))  # the whole abstract (titles often use it first)
        out.append(Abbreviation(short, long_text, ls, le, tuple(sorted(occ))))
    return out


_PAREN_HYPHEN = re.compile(r"\(([A-Za-z][A-Za-z0-9]{1,9})\)-[a-z]")
_CLAUSE_STOP = re.compile(r"[.;:()\[\]\n]")


def schwartz_hearst_long(short: str, text: str, paren: int) -> tuple[int, int] | None:
    """The long form that ``short`` (written in parentheses at ``paren``) abbreviates, as character offsets,
    by Schwartz & Hearst's rule: every letter/digit of the short form appears in order in the long form, the
    first one at the start of a word, within min(|SF| + 5, 2·|SF|) words before the parenthesis."""
    head = text[:paren].rstrip()
    stop = max((m.end() for m in _CLAUSE_STOP.finditer(head)), default=0)
    words = list(re.finditer(r"\S+", head[stop:]))
    if not words:
        return None
    n = min(len(short) + 5, 2 * len(short))
    start = stop + words[max(0, len(words) - n)].start()
    cand = head[start:]
    s, lf = short.lower(), cand.lower()
    si, li = len(s) - 1, len(lf) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while li >= 0 and (lf[li] != c or (si == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        si -= 1
    li = cand.rfind(" ", 0, li + 1) + 1
    long_text = cand[li:]
    if len(long_text) <= len(short) or long_text.lower().startswith(s):
        return None
    return start + li, start + len(cand)


@Language.factory("igfkg_abbreviations", default_config={})
def make_abbreviations(nlp: Language, name: str) -> AbbreviationFinder:
    return AbbreviationFinder(nlp, name)
