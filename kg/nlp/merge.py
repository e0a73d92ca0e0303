"""Make every entity mention exactly one token before tagging and parsing.

en_core_web_sm reads "IGF-1R" as a verb and splits "IGF-1-induced" badly; one token per mention, with a
neutral noun as its NORM (the parser's tok2vec reads NORM), lets a general-English parser see
"protein binds protein". Tokens that straddle a mention boundary ("IGF-1-induced") are split first.
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.model import EntityType, Mention
from kg.nlp.entities import get_mentions

#: the NORM given to a merged mention token (what the parser "sees")
PLACEHOLDER = {
    EntityType.GENE: "protein", EntityType.PROTEIN_FAMILY: "protein", EntityType.COMPLEX: "protein",
    EntityType.ISOFORM: "protein", EntityType.DRUG: "drug", EntityType.ANTIBODY: "antibody",
    EntityType.CELL_TYPE: "cells", EntityType.PROCESS: "proliferation", EntityType.PATHWAY: "signaling",
    EntityType.DISEASE: "cancer", EntityType.CELL_LINE: "cells", EntityType.SPECIES: "mice",
    EntityType.VARIANT: "mutation", EntityType.OTHER: "protein",
}


def _split_points(doc: Doc, mentions: list[Mention]) -> dict[int, list[int]]:
    """token index → char offsets strictly inside it where a mention starts or ends."""
    bounds = sorted({m.start for m in mentions} | {m.end for m in mentions})
    out: dict[int, list[int]] = {}
    if not bounds:
        return out
    for tok in doc:
        a, b = tok.idx, tok.idx + len(tok.text)
        k = bisect.bisect_right(bounds, a)
        inside = []
        while k < len(bounds) and bounds[k] < b:
            inside.append(bounds[k])
            k += 1
        if inside:
            out[tok.i] = inside
    return out


def split_tokens(doc: Doc, mentions: list[Mention]) -> None:
    points = _split_points(doc, mentions)
    if not points:
        return
    with doc.retokenize() as retok:
        for i, cuts in points.items():
            tok = doc[i]
            a = tok.idx
            pieces = []
            last = 0
            for c in cuts + [a + len(tok.text)]:
                piece = tok.text[last:c - a]
                # "IGF-1" | "-induced" → "IGF-1" | "-" | "induced"
                if len(piece) > 1 and piece[0] in "-/" and last > 0:
                    pieces.extend([piece[0], piece[1:]])
                elif piece:
                    pieces.append(piece)
                last = c - a
            if len(pieces) < 2:
                continue
            heads = [(tok, 0)] * len(pieces)
            retok.split(tok, pieces, heads=heads)  # the last piece keeps the token's trailing space


def merge_mentions(doc: Doc, mentions: list[Mention], placeholder_norms: bool = True) -> list[Span]:
    """Merge each mention into one token; returns the mention spans (non-overlapping, in order)."""
    spans: list[Span] = []
    last_end = -1
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < last_end:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        if spans and span.start < spans[-1].end:
            continue
        spans.append(span)
        last_end = m.end
    with doc.retokenize() as retok:
        for span, m in zip(spans, _matching(spans, mentions)):
            if placeholder_norms and m is not None:
                retok.merge(span, attrs={"NORM": PLACEHOLDER.get(m.type, "protein")})
            else:
                retok.merge(span)
    return spans


def _matching(spans: list[Span], mentions: list[Mention]) -> list[Mention | None]:
    by_start: dict[int, Mention] = {}
    for m in mentions:
        by_start.setdefault(m.start, m)
    return [by_start.get(s.start_char) for s in spans]


class MentionMerger:
    """The pipeline component (factory ``igfkg_merge``)."""

    def __init__(self, nlp: Language, name: str = "igfkg_merge", placeholder_norms: bool = True) -> None:
        self.placeholder_norms = placeholder_norms

    def __call__(self, doc: Doc) -> Doc:
        mentions = get_mentions(doc)
        if not mentions:
            return doc
        # whole-doc arrays instead of a Python loop over Token objects (the loop cost more than the merge)
        before = doc.to_array([IDX, SENT_START])
        sent_starts = before[before[:, 1] == 1, 0]
        split_tokens(doc, mentions)
        merge_mentions(doc, mentions, self.placeholder_norms)
        # splitting/merging loses preset boundaries; restore them by offset (1 = starts, -1 = does not)
        idx = doc.to_array([IDX]).reshape(-1)
        flags = numpy.where(numpy.isin(idx, sent_starts), 1, -1).astype("uint64")
        if len(flags):
            flags[0] = 1
        doc.from_array([SENT_START], flags.reshape(-1, 1))
        return doc


@Language.factory("igfkg_merge", default_config={"placeholder_norms": True})
def make_merge(nlp: Language, name: str, placeholder_norms: bool) -> MentionMerger:
    return MentionMerger(nlp, name, placeholder_norms)
