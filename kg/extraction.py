"""Relation extraction: a parsed abstract → grounded :class:`Claim`s, each with full :class:`Evidence`.

How (rule-based, every claim names the rule that fired, INDRA/REACH-style):

1. Triggers are verbs, nominalizations and adjectives from :mod:`kg.nlp.triggers` ("activates",
   "activation", "required").
2. With a parse, each trigger's agents and patients come from its dependents (:mod:`kg.nlp.deprules`):
   active/passive voice (``nsubj``/``dobj`` vs. ``nsubjpass``/``agent``), nominalizations ("activation *of*
   Y *by* X", "Y phosphorylation"), relative and reduced relative clauses, conjoined verbs sharing a
   subject, coordinated arguments (fanned out), appositions ("X, an IGF-1R inhibitor") and "via/through"
   chains. An argument phrase is resolved to entities through its head: "the expression of Y" → Y with an
   *expression* predicate; "knockdown of X" → X with flipped polarity (X positively regulates what its loss
   reduced). A verb trigger the parser lost falls back to the surface rule for that trigger alone.
3. Without a parser (``model="none"``) surface patterns over the token sequence do a degraded version.
4. Hyphen compounds ("IGF-1-induced AKT phosphorylation", "IGF-1R-mediated", "IGF-1R-dependent") are
   surface rules in both modes.
5. Negation, hedging/hypothesis/contest cues and context qualifiers (cell type, disease, species, cell line
   from the sentence, else the title) are attached; claims are deduplicated per document (evidence per
   sentence).
6. Optionally (``cooccurrence=True``) gene/chemical/disease/variant pairs of *different* kinds sharing a
   sentence that no rule connected give ``associated_with`` claims at low confidence (BioRED-style).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from kg.model import (Certainty, Claim, Concept, Context, Document, DocumentExtraction, EntityType, Evidence,
                      Mention, Predicate, to_dict)
from kg.nlp import triggers as T

EXTRACTOR_CODE_VERSION = "0.4.0"

GENEISH = frozenset({EntityType.GENE, EntityType.PROTEIN_FAMILY, EntityType.COMPLEX, EntityType.ISOFORM,
                     EntityType.ANTIBODY})
ACTORS = GENEISH | {EntityType.DRUG, EntityType.OTHER, EntityType.VARIANT}
PHENOMENA = frozenset({EntityType.PROCESS, EntityType.PATHWAY, EntityType.DISEASE, EntityType.CELL_TYPE})
CONTEXT_TYPES = frozenset({EntityType.CELL_TYPE, EntityType.DISEASE, EntityType.SPECIES, EntityType.CELL_LINE})

_POS = {T.ACT: 1, T.UP: 1, T.INC: 1, T.PHOS: 1, T.MED: 1, T.REQ: 1, T.DEP: 1,
        T.INH: -1, T.DOWN: -1, T.DEC: -1, T.DEPHOS: -1}
_CONF = {"dep": 0.8, "hyphen": 0.75, "appos": 0.75, "surface": 0.6, "chain": 0.5, "cooccurrence": 0.3}


@dataclass
class Arg:
    """An argument resolved from a phrase: the mention, what the phrase said about it, polarity flip."""

    mention: Mention
    nominal: str | None = None  # expression | amount | activity | phos | None
    flip: bool = False
    token: Any = None


@dataclass
class Found:
    subj: Arg
    obj: Arg
    cls: str
    rule: str
    trigger: tuple[int, int] | None
    negated: bool = False
    kind: str = "dep"
    extra_flip: bool = False


# ------------------------------------------------------------------------------------------- predicates


def decide_predicate(cls: str, subj: Arg, obj: Arg, flip: bool = False) -> Predicate | None:
    """The predicate for trigger class ``cls`` between two resolved arguments (None: no claim)."""
    otype, stype = obj.mention.type, subj.mention.type
    if stype in CONTEXT_TYPES - {EntityType.DISEASE} and cls not in (T.MARK, T.ASSOC):
        return None
    if cls == T.BIND:
        return Predicate.BINDS if otype in ACTORS and stype in ACTORS else None
    if cls == T.MARK:
        return Predicate.MARKER_OF
    if cls == T.ASSOC:
        return Predicate.ASSOCIATED_WITH
    if cls == T.TARGET:
        return Predicate.TARGETS if otype in ACTORS else None
    if cls in (T.REQ, T.DEP):
        return Predicate.REQUIRED_FOR
    pol = _POS.get(cls, 0)
    if subj.flip != obj.flip or flip:
        pol = -pol if (subj.flip ^ obj.flip ^ flip) else pol
        if pol == 0:
            return None
        if subj.flip or flip or otype in PHENOMENA:
            return Predicate.POSITIVELY_REGULATES if pol > 0 else Predicate.NEGATIVELY_REGULATES
    if otype in PHENOMENA or otype is EntityType.CELL_LINE:
        if pol == 0:
            return None
        return Predicate.POSITIVELY_REGULATES if pol > 0 else Predicate.NEGATIVELY_REGULATES
    if cls == T.PHOS:
        return Predicate.PHOSPHORYLATES
    if cls == T.DEPHOS:
        return Predicate.DEPHOSPHORYLATES
    if cls in (T.UP, T.DOWN):
        return Predicate.INCREASES_EXPRESSION if pol > 0 else Predicate.DECREASES_EXPRESSION
    if pol == 0:
        return None
    nominal = obj.nominal
    if nominal == "expression":
        return Predicate.INCREASES_EXPRESSION if pol > 0 else Predicate.DECREASES_EXPRESSION
    if nominal == "amount":
        return Predicate.INCREASES_AMOUNT if pol > 0 else Predicate.DECREASES_AMOUNT
    if nominal == "phos":
        return Predicate.PHOSPHORYLATES if pol > 0 else Predicate.INHIBITS
    if cls in (T.INC, T.DEC) and nominal is None:
        return Predicate.INCREASES_AMOUNT if pol > 0 else Predicate.DECREASES_AMOUNT
    if cls == T.MED:
        return Predicate.POSITIVELY_REGULATES
    return Predicate.ACTIVATES if pol > 0 else Predicate.INHIBITS


def _nominal_kind(word: str) -> str | None:
    w = word.lower()
    if w in T.PHOS_NOUNS:
        return "phos"
    if w in T.EXPRESSION_NOUNS:
        return "expression"
    if w in T.AMOUNT_NOUNS:
        return "amount"
    if w in T.ACTIVITY_NOUNS:
        return "activity"
    return None


# --------------------------------------------------------------------------------------- the extractor


class Extractor:
    """Documents → :class:`DocumentExtraction` (mentions, claims, evidence). Build once, reuse.

    ``model``: spaCy parser package, ``auto`` or ``none``; ``entities``: ``predicted`` (lexicon NER),
    ``provided`` (the document's own annotations) or ``both``; ``cooccurrence``: also emit low-confidence
    ``associated_with`` claims for cross-kind entity pairs sharing a sentence that no rule explained.
    """

    def __init__(self, settings: Any = None, *, model: str = "auto", lexicon: Any = None,
                 entities: str = "predicted", cooccurrence: bool = False) -> None:
        from kg.errors import IgfkgError
        from kg.nlp import get_pipeline

        if entities not in ("provided", "predicted", "both"):
            raise IgfkgError(f"--entities must be provided, predicted or both, not {entities!r}")
        if settings is not None and model == "auto":
            model = getattr(settings, "model", "auto") or "auto"
        self.settings = settings
        self.entities = entities
        self.cooccurrence = cooccurrence
        if lexicon is None:
            from kg.ontology import load_lexicon

            lexicon = load_lexicon()
        self.lexicon = lexicon
        self.nlp, self.info = get_pipeline(model, lexicon)
        self.parsed = self.info.model != "none"
        self.version = (f"igfkg-extractor/{EXTRACTOR_CODE_VERSION}+lexicon.{self.info.lexicon_version}"
                        f"+{self.info.model}.{self.info.model_version}+entities.{entities}"
                        + ("+cooc" if cooccurrence else ""))

    # -- public API
    def extract(self, doc: Document) -> DocumentExtraction:
        return next(self.extract_many([doc]))

    def extract_many(self, docs: Iterable[Document], n_process: int = 1,
                     batch_size: int = 64) -> Iterator[DocumentExtraction]:
        """Streams extractions in input order; parsing runs in ``n_process`` worker processes."""
        pending: list[Document] = []

        def spacy_docs() -> Iterator[Any]:
            for d in docs:
                pending.append(d)
                if self.entities == "predicted":
                    # plain text: the workers tokenize it (a Doc made here would be tokenized and serialized
                    # by this process, which then bottlenecks n_process=2); "predicted" is the default mode
                    yield d.text
                    continue
                sd = self.nlp.make_doc(d.text)
                sd.user_data["igfkg_entity_mode"] = self.entities
                sd.user_data["igfkg_provided"] = [to_dict(a) for a in d.annotations]
                yield sd

        kwargs: dict[str, Any] = {"batch_size": batch_size}
        if n_process and n_process > 1:
            kwargs["n_process"] = n_process
        for sdoc in self.nlp.pipe(spacy_docs(), **kwargs):
            doc = pending.pop(0)
            yield self.extract_parsed(doc, sdoc)

    def extract_parsed(self, doc: Document, sdoc: Any) -> DocumentExtraction:
        from kg.nlp.entities import get_mentions, get_nested_mentions

        from kg.nlp.entities import is_ambiguous

        mentions: list[Mention] = [m for m in get_mentions(sdoc) if m.groundings]
        # an unresolved mention ("p62": five genes) is reported but never a claim argument or context
        by_start = {m.start: m for m in mentions if not is_ambiguous(m.grounding)}
        title_ctx = self._context(doc, [m for m in by_start.values() if m.end <= len(doc.title)], set())
        claims: dict[str, Claim] = {}
        evidence: dict[str, Evidence] = {}
        for sent in sdoc.sents:
            smentions = [m for m in by_start.values() if sent.start_char <= m.start < sent.end_char]
            if len(smentions) < 2:
                continue
            ent_tok = {}
            for tok in sent:
                m = by_start.get(tok.idx)
                if m is not None:
                    ent_tok[tok.i] = m
            found = list(self._hyphen_rules(sent, ent_tok))
            if self.parsed:
                found += list(self._dep_rules(sent, ent_tok))
            else:
                found += list(self._surface_rules(sent, ent_tok))
            certainty = _certainty(sent)
            used: set[tuple[str, str]] = set()
            for f in found:
                self._emit(doc, sent, f, certainty, title_ctx, smentions, claims, evidence, used)
            if self.cooccurrence:
                self._cooccur(doc, sent, smentions, certainty, title_ctx, claims, evidence, used)
        # genes named inside pathway mentions ("mTOR" of "mTOR signaling") are reported, not used in claims
        nested = [m for m in get_nested_mentions(sdoc) if m.groundings]
        if nested:
            mentions = sorted(mentions + nested, key=lambda m: (m.start, -m.end))
        return DocumentExtraction(doc, tuple(mentions), tuple(claims.values()), tuple(evidence.values()),
                                  self.version)

    # -- claims and evidence
    def _emit(self, doc: Document, sent: Any, f: Found, certainty: Certainty, title_ctx: Context,
              smentions: list[Mention], claims: dict, evidence: dict, used: set) -> None:
        s, o = f.subj.mention, f.obj.mention
        if s.grounding.curie == o.grounding.curie or (s.start, s.end) == (o.start, o.end):
            return
        pred = decide_predicate(f.cls, f.subj, f.obj, f.extra_flip)
        if pred is None:
            return
        ctx = self._context(doc, smentions, {(s.start, s.end), (o.start, o.end)})
        if ctx.is_empty():
            ctx = title_ctx
        claim = Claim(_concept(s), pred, _concept(o), negated=f.negated, context=ctx)
        key = claim.id
        claims.setdefault(key, claim)
        used.add((s.grounding.curie, o.grounding.curie))
        used.add((o.grounding.curie, s.grounding.curie))
        conf = _CONF.get(f.kind, 0.5) * min(s.grounding.score, o.grounding.score) ** 0.5
        if certainty is not Certainty.ASSERTED:
            conf *= 0.8
        ev = Evidence(claim_id=key, document_id=doc.id, sentence=sent.text, sentence_start=sent.start_char,
                      sentence_end=sent.end_char, subject_span=(s.start, s.end), object_span=(o.start, o.end),
                      trigger_span=f.trigger, section=doc.section_at(sent.start_char), certainty=certainty,
                      rule=f.rule, extractor_version=self.version, confidence=round(conf, 3))
        evidence.setdefault(ev.id, ev)

    def _cooccur(self, doc: Document, sent: Any, smentions: list[Mention], certainty: Certainty,
                 title_ctx: Context, claims: dict, evidence: dict, used: set) -> None:
        """BioRED-style candidates: entities of *different* kinds (gene/chemical/disease/variant) in one
        sentence that no rule connected → ``associated_with`` at low confidence. Same-kind pairs (gene–gene)
        need a rule: co-occurrence alone was measured too noisy for them (BENCHMARKS.md)."""
        args = [m for m in smentions if m.type in ACTORS | {EntityType.DISEASE}]
        seen = set()
        for a, b in itertools.combinations(args, 2):
            ca, cb = a.grounding.curie, b.grounding.curie
            if ca == cb or (ca, cb) in used or frozenset((ca, cb)) in seen or _kind(a) == _kind(b):
                continue
            seen.add(frozenset((ca, cb)))
            f = Found(Arg(a), Arg(b), T.ASSOC, "cooccurrence.sentence", None, kind="cooccurrence")
            self._emit(doc, sent, f, certainty, title_ctx, smentions, claims, evidence, set())

    @staticmethod
    def _context(doc: Document, mentions: list[Mention], exclude: set) -> Context:
        vals: dict[str, str] = {}
        names = {EntityType.CELL_TYPE: "cell_type", EntityType.DISEASE: "disease",
                 EntityType.SPECIES: "species", EntityType.CELL_LINE: "cell_line"}
        for m in mentions:
            if (m.start, m.end) in exclude or m.type not in names or not m.grounding:
                continue
            vals.setdefault(names[m.type], m.grounding.curie)
        return Context(**vals)

    # -- rules: hyphen compounds (both modes)
    def _hyphen_rules(self, sent: Any, ent_tok: dict[int, Mention]) -> Iterator[Found]:
        toks = list(sent)
        for k, tok in enumerate(toks):
            if tok.i not in ent_tok or k + 2 >= len(toks):
                continue
            if toks[k + 1].text != "-" or toks[k + 1].whitespace_:
                continue
            word = toks[k + 2].lower_
            cls = T.HYPHEN_TRIGGERS.get(word)
            if cls is None:
                continue
            agent = ent_tok[tok.i]
            negated = word == "independent"
            trig = (toks[k + 2].idx, toks[k + 2].idx + len(toks[k + 2].text))
            # what follows: [adj/det]* ENTITY [nominal] (and ENTITY ...) | process entity
            j = k + 3
            targets: list[Arg] = []
            while j < len(toks) and len(targets) < 4:
                t = toks[j]
                if t.i in ent_tok:
                    m = ent_tok[t.i]
                    nominal = _nominal_kind(toks[j + 1].text) if j + 1 < len(toks) else None
                    targets.append(Arg(m, nominal))
                    if j + 1 < len(toks) and toks[j + 1].lower_ in T.PHOS_NOUNS:
                        targets[-1].nominal = "phos"
                    j += 1
                    if j < len(toks) and (_nominal_kind(toks[j].text) or toks[j].lower_ in T.NOUN_FORMS):
                        j += 1
                    if j < len(toks) and toks[j].lower_ in ("and", "or", ",") and j + 1 < len(toks) \
                            and toks[j + 1].i in ent_tok:
                        j += 1
                        continue
                    break
                if t.pos_ in ("ADJ", "DET") or t.lower_ in ("the", "a", "an", "increased", "enhanced", "reduced"):
                    j += 1
                    continue
                break
            for arg in targets:
                c = cls
                if arg.nominal is None and j < len(toks) and toks[j - 1].lower_ in T.NOUN_FORMS:
                    c2 = T.NOUN_FORMS[toks[j - 1].lower_]
                    if c2 in (T.PHOS, T.ACT, T.INH):
                        c = c2 if cls in (T.ACT, T.MED) else cls
                if cls in (T.MED, T.ACT) and arg.nominal == "activity":
                    c = T.ACT
                if cls in (T.MED, T.ACT) and arg.nominal == "phos":
                    c = T.PHOS
                if cls == T.DEP:
                    c = T.DEP
                yield Found(Arg(agent), arg, c, f"hyphen.{word}", trig, negated=negated, kind="hyphen")

    # -- rules: dependency parse / surface only
    def _dep_rules(self, sent: Any, ent_tok: dict[int, Mention]) -> Iterator[Found]:
        from kg.nlp.deprules import dependency_relations

        yield from dependency_relations(sent, ent_tok)

    def _surface_rules(self, sent: Any, ent_tok: dict[int, Mention]) -> Iterator[Found]:
        from kg.nlp.deprules import surface_relations

        yield from surface_relations(sent, ent_tok)


def _kind(m: Mention) -> str:
    if m.type in GENEISH:
        return "gene"
    return m.type.value


def _concept(m: Mention) -> Concept:
    g = m.grounding
    return Concept(g.curie, g.label, g.type)


def _certainty(sent: Any) -> Certainty:
    words = {t.lower_ for t in sent}
    text = sent.text.lower()
    if words & T.CONTEST or "remains unclear" in text or "remain unclear" in text:
        return Certainty.CONTESTED
    if words & T.HYPOTHESIS:
        return Certainty.HYPOTHESIS
    if words & T.HEDGE:
        return Certainty.HEDGED
    return Certainty.ASSERTED
