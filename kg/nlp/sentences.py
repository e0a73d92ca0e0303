"""Sentence segmentation for abstracts, run before the parser (which respects preset boundaries).

General-English segmenters split after "et al.", "e.g.", "Fig." and inside "(p < 0.05)"; the parser of
en_core_web_sm also glues section breaks together. This component decides every token's
``is_sent_start`` from a few explicit rules so that segmentation is identical with and without a parser.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

#: tokens (lowercased, without their final period) after which a period does not end a sentence
ABBREVIATIONS = frozenset("""
al e.g eg i.e ie vs v cf fig figs ref refs approx ca no nos dr prof sp spp var subsp st mr mrs ms resp
jan feb mar apr jun jul aug sep sept oct nov dec vol p pp ed eds ph.d inc ltd co corp min max est suppl
""".split())

_END = {".", "!", "?"}
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
_CLOSE_OR_QUOTE = _CLOSE | {'"', "'", "”", "’"}
_DECIMAL_NEXT = re.compile(r"^\d")


def segment(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token of ``doc`` (True/False), never splitting inside brackets,
    after a known abbreviation, or before a lowercase continuation; always splitting at a newline."""
    n = len(doc)
    if n == 0:
        return doc
    starts = [False] * n
    starts[0] = True
    depth = 0
    # plain lists from one doc array (every doc[i] or Token iteration builds a Python Token object)
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY, IS_SPACE]).tolist()
    texts = [strings[r[0]] for r in rows]
    spaces = [" " if r[1] else "" for r in rows]  # a token's trailing whitespace is one space or nothing
    is_space = [bool(r[2]) for r in rows]
    for i, text in enumerate(texts):
        ws = spaces[i]
        if "\n" in text or ("\n" in ws):
            # a line break (title / section boundary) always ends a sentence
            j = i + 1
            while j < n and is_space[j]:
                j += 1
            if j < n:
                starts[j] = True
            depth = 0
            continue
        if text in _OPEN:
            depth += 1
        elif text in _CLOSE:
            depth = max(0, depth - 1)
        if depth > 0 or i + 1 >= n:
            continue
        stem = text[:-1]
        ends = text in _END or (len(text) > 2 and text[-1] == "." and stem.lower() not in ABBREVIATIONS
                                and "." not in stem and not stem.replace(",", "").isdigit())
        if not ends:
            continue
        if text == "." and i > 0 and texts[i - 1].lower().rstrip(".") in ABBREVIATIONS \
                and not spaces[i - 1]:
            continue
        j = i + 1
        while j < n and texts[j] in _CLOSE_OR_QUOTE:
            j += 1  # a closing bracket or quote after the period belongs to this sentence
        while j < n and is_space[j]:
            j += 1
        if j >= n:
            continue
        nxt = texts[j]
        if nxt[0].islower() and not _looks_like_symbol(nxt):
            continue  # "... vs. controls", "... approx. two": a lowercase word continues the sentence
        if not ws and not spaces[j - 1] and _DECIMAL_NEXT.match(nxt):
            continue  # "3.2" split oddly
        starts[j] = True
    # one array write instead of a property set per token (1 = starts a sentence, -1 = does not)
    # (spaCy reads the array as uint64: -1 must be passed wrapped, as doc.to_array returns it)
    flags = numpy.array([1 if st else -1 for st in starts], dtype="int64").astype("uint64")
    doc.from_array([SENT_START], flags.reshape(-1, 1))
    return doc


def _looks_like_symbol(word: str) -> bool:
    """mRNA, p53, siRNA, mTOR, miR-21: lowercase-initial words that do start sentences in abstracts."""
    return any(c.isupper() or c.isdigit() for c in word[1:])


@Language.factory("igfkg_sentences", default_config={})
def make_sentences(nlp: Language, name: str):  # noqa: ANN201 - spaCy factory
    """Factory for :func:`segment` (registered as an entry point, so saved pipelines load it)."""
    return segment
