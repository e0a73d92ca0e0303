"""The relation rules: over the dependency parse (``dependency_relations``) and, without a parser, over
the token sequence (``surface_relations``). Both yield :class:`kg.extraction.Found` records; predicates are
decided later from the trigger class and the resolved arguments (:func:`kg.extraction.decide_predicate`).
"""

from __future__ import annotations

from typing import Any, Iterator

from kg.model import EntityType, Mention
from kg.nlp import triggers as T

_SUBJ = ("nsubj", "nsubjpass", "csubj", "csubjpass")
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_REL_PRON = frozenset({"which", "that", "who"})
_ROLE_NOUNS = frozenset({"inhibitor", "inhibitors", "antagonist", "antagonists", "agonist", "agonists",
                         "activator", "activators", "ligand", "ligands", "marker", "markers", "biomarker",
                         "biomarkers", "target", "targets", "blocker", "blockers", "regulator", "regulators",
                         "partner", "receptor", "hallmark", "indicator"})
_PATIENT_PREPS = {T.BIND: ("to", "with"), T.ASSOC: ("with", "to"), T.DEP: ("on", "upon"),
                  T.REQ: ("for", "in"), T.MARK: ("of", "for", "in")}


def _found(*args: Any, **kw: Any) -> Any:
    from kg.extraction import Found

    return Found(*args, **kw)


def _arg(*args: Any, **kw: Any) -> Any:
    from kg.extraction import Arg

    return Arg(*args, **kw)


def _nominal_kind(word: str) -> str | None:
    from kg.extraction import _nominal_kind as nk

    return nk(word)


def _span(tok: Any) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


def trigger_class(tok: Any) -> tuple[str | None, str]:
    """(class, kind) of a trigger token: kind is verb | noun | adj."""
    w = tok.lower_
    if w in T.ADJ_TRIGGERS and T.ADJ_TRIGGERS[w] and (tok.pos_ in ("ADJ", "VERB") or tok.tag_ == "VBN"):
        if tok.dep_ in ("acomp", "amod", "oprd", "ROOT", "conj", "advcl", "xcomp", "ccomp", "relcl", "acl") \
                or tok.tag_ in ("JJ", "VBN"):
            return T.ADJ_TRIGGERS[w], "adj"
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        if w in T.VERB_FORMS:
            return T.VERB_FORMS[w], "verb"
    if tok.pos_ in ("NOUN", "PROPN") or tok.tag_.startswith("NN"):
        if w in T.NOUN_FORMS:
            return T.NOUN_FORMS[w], "noun"
        if w in T.VERB_FORMS and w.endswith("ing"):
            return T.VERB_FORMS[w], "noun"
    return None, ""


# ------------------------------------------------------------------------------------ argument resolution


def resolve(tok: Any, ents: dict[int, Mention], depth: int = 0, flip: bool = False,
            nominal: str | None = None) -> list[Any]:
    """Entities an argument phrase headed by ``tok`` refers to (coordination fanned out)."""
    if tok is None or depth > 3:
        return []
    if tok.i in ents:
        out = [_arg(ents[tok.i], nominal, flip, tok)]
        for c in tok.conjuncts:
            if c.i in ents:
                out.append(_arg(ents[c.i], nominal, flip, c))
        # "IGF-1R and IR expression": a compound whose head is a nominal
        if nominal is None and tok.dep_ == "compound" and _nominal_kind(tok.head.text):
            for a in out:
                a.nominal = _nominal_kind(tok.head.text)
        return out
    w = tok.lower_
    kind = _nominal_kind(w)
    loss = w in T.LOSS_NOUNS
    out: list[Any] = []
    for c in tok.children:
        if c.dep_ in ("compound", "nmod", "amod", "poss") and c.i in ents or (
                c.dep_ == "nsubj" and c.i in ents and (kind or loss) and c.i < tok.i):
            out += resolve(c, ents, depth + 1, flip ^ loss, kind or nominal)
        elif c.dep_ == "prep" and c.lower_ in ("of", "against", "with", "for", "in") and not (
                c.lower_ == "in" and not loss):
            if c.lower_ == "for" and not loss:
                continue
            if c.lower_ == "with" and w not in ("treatment", "stimulation", "incubation", "exposure"):
                continue
            for p in c.children:
                if p.dep_ == "pobj":
                    out += resolve(p, ents, depth + 1, flip ^ loss, kind or nominal)
    if out:
        # "expression of SOX2 and OCT4": conjoined heads of the same word
        for c in tok.conjuncts:
            if c.i not in ents and c.lower_ == w:
                out += resolve(c, ents, depth + 1, flip, nominal)
    return out


def _subjects(v: Any) -> tuple[list[Any], bool]:
    """(subject tokens, passive) of a verb, inherited through conj/xcomp/relcl/acl as abstracts need."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass", "csubjpass") for c in v.children)
    subs = [c for c in v.children if c.dep_ in _SUBJ]
    subs = [v.head if s.lower_ in _REL_PRON and v.dep_ == "relcl" else s for s in subs]
    if subs:
        return subs, passive
    if v.dep_ == "relcl" or (v.dep_ == "acl" and v.head.i != v.i):
        if v.tag_ == "VBN" and v.dep_ == "acl":
            passive = True
        return [v.head], passive
    if v.dep_ in ("conj", "xcomp", "advcl", "pcomp") and v.head.i != v.i:
        head = v.head
        if v.dep_ == "pcomp":
            head = head.head
        hs, hpass = _subjects(head)
        if v.dep_ == "conj":
            return hs, passive or (hpass and v.tag_ == "VBN")
        return hs, passive if v.dep_ != "advcl" else False
    return [], passive


def _objects(v: Any, cls: str) -> tuple[list[Any], list[Any], list[Any]]:
    """(direct objects, agent-phrase objects, via/through objects)."""
    objs, agents, via = [], [], []
    preps = _PATIENT_PREPS.get(cls, ())
    for c in v.children:
        if c.dep_ in ("dobj", "attr", "oprd", "obj"):
            objs.append(c)
        elif c.dep_ == "agent":
            agents += [p for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "prep":
            pobj = [p for p in c.children if p.dep_ == "pobj"]
            if c.lower_ in preps:
                objs += pobj
            elif c.lower_ in ("via", "through") or (c.lower_ == "by" and not pobj):
                via += pobj
                via += [p for p in c.children if p.dep_ == "pcomp"]
            elif c.lower_ == "by":
                agents += pobj
    return objs, agents, via


def _negated(tok: Any) -> bool:
    def has_neg(t: Any) -> bool:
        return any(c.dep_ == "neg" or c.lower_ in ("not", "n't", "never") or
                   (c.dep_ == "det" and c.lower_ == "no") for c in t.children)

    if has_neg(tok):
        return True
    h = tok
    for _ in range(3):
        if h.dep_ in ("xcomp", "ccomp", "acomp", "pcomp") and h.head.i != h.i:
            h = h.head
            if has_neg(h) or h.lower_ in ("failed", "fail", "fails", "unable"):
                return True
        else:
            break
    if tok.head.lower_ == "without" or tok.lower_ in ("independent", "independently"):
        return True
    return any(c.lower_ in ("unable",) for c in tok.children)


def dependency_relations(sent: Any, ents: dict[int, Mention]) -> Iterator[Any]:
    """Claims from the dependency parse of one sentence (with merged entity tokens)."""
    fallback: set[int] = set()
    doc = sent.doc
    for tok in sent:
        if tok.i in ents:
            continue
        if tok.i >= 2 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_ and (tok.i - 2) in ents:
            continue  # "IGF-1R-mediated": the hyphen rule owns it
        cls, kind = trigger_class(tok)
        if cls is None:
            if tok.lower_ in T.VERB_FORMS and not tok.lower_.endswith(("ing", "ion")) \
                    and tok.lower_ not in T.NOUN_FORMS:
                fallback.add(tok.i)
            continue
        neg = _negated(tok)
        trig = _span(tok)
        if kind in ("verb", "adj"):
            out = list(_verb_rule(tok, cls, kind, ents, neg, trig))
        else:
            out = list(_noun_rule(tok, cls, ents, neg, trig))
        yield from out
        if not out and kind == "verb" and not _agentless_passive(tok):
            fallback.add(tok.i)  # e.g. the parse put the subject elsewhere; a passive without "by" has no agent
    if fallback:
        # the parser lost a verb trigger (e.g. tagged it as a noun compound): surface rules for it alone
        for f in surface_relations(sent, ents, only=fallback):
            f.rule = "fallback." + f.rule
            f.kind = "surface"
            yield f


def _agentless_passive(v: Any) -> bool:
    return any(c.dep_ == "auxpass" for c in v.children) and not any(c.lower_ == "by" for c in v.children)


def _verb_rule(v: Any, cls: str, kind: str, ents: dict, neg: bool, trig: tuple[int, int]) -> Iterator[Any]:
    subs, passive = _subjects(v)
    if kind == "adj" and not subs:
        h = v.head
        if v.dep_ in ("acomp", "oprd", "attr") or h.lemma_ == "be":
            subs = [c for c in h.children if c.dep_ in _SUBJ]
        elif v.dep_ == "amod":
            subs = [h]
    objs, agents, via = _objects(v, cls)
    if kind == "adj":
        passive = False
    rule = f"dep.{kind}.{'passive' if passive else 'active'}"
    subj_args = [a for s in subs for a in resolve(s, ents)]
    if passive:
        patients = subj_args
        agent_args = [a for s in agents for a in resolve(s, ents)]
        patients += [a for s in objs for a in resolve(s, ents)] if cls in _PATIENT_PREPS and not agent_args else []
        if cls in (T.REQ, T.ASSOC, T.DEP, T.MARK) and not agent_args:
            agent_args, patients = subj_args, [a for s in objs for a in resolve(s, ents)]
    else:
        agent_args = subj_args
        patients = [a for s in objs for a in resolve(s, ents)]
    if cls in (T.REQ,) and kind == "verb" and not passive:
        agent_args, patients = patients, agent_args  # "Y requires X" → X required for Y
    if cls == T.DEP and kind == "verb":
        agent_args, patients = patients, agent_args  # "Y depends on X" → X required for Y
    if cls == T.DEP and kind == "adj":
        # "Y is dependent on X" / "X-independent": the complement is required for the subject
        agent_args, patients = [a for s in objs for a in resolve(s, ents)], subj_args
        if not agent_args:
            agent_args, patients = patients, agent_args
    for a in agent_args:
        for p in patients:
            yield _found(a, p, cls, rule, trig, negated=neg, kind="dep")
    # via/through chains: "X promotes Y via Z" → X → Z, Z → Y
    for z in via:
        if z.dep_ == "pcomp":
            continue  # "by inhibiting Z": the pcomp verb is its own trigger (subject inherited)
        pol = {T.INH: T.INH, T.DEC: T.INH, T.DOWN: T.INH}.get(cls, T.ACT)
        for zarg in resolve(z, ents):
            if zarg.mention.type not in (EntityType.GENE, EntityType.PROTEIN_FAMILY, EntityType.COMPLEX):
                continue
            for a in agent_args:
                yield _found(a, zarg, pol, "dep.via.agent", trig, negated=neg, kind="chain")
            for p in patients:
                yield _found(zarg, p, T.MED if p.mention.type not in
                             (EntityType.GENE, EntityType.PROTEIN_FAMILY) else T.ACT, "dep.via.patient", trig,
                             negated=neg, kind="chain")


def _noun_rule(n: Any, cls: str, ents: dict, neg: bool, trig: tuple[int, int]) -> Iterator[Any]:
    w = n.lower_
    agents: list[Any] = []
    patients: list[Any] = []
    between: list[Any] = []
    for c in n.children:
        if c.dep_ == "prep":
            pobj = [p for p in c.children if p.dep_ == "pobj"]
            if c.lower_ == "of":
                (agents if cls == T.BIND and w not in _ROLE_NOUNS else patients).extend(pobj)
            elif c.lower_ in ("by",):
                agents += pobj
            elif c.lower_ in ("to", "with", "for", "on", "in") and (cls in _PATIENT_PREPS or w in _ROLE_NOUNS):
                if c.lower_ == "in" and cls not in (T.MARK,):
                    continue
                patients += pobj
            elif c.lower_ == "between":
                between += pobj
        elif c.dep_ in ("compound", "nmod", "poss", "amod") and c.i in ents:
            patients.append(c)
        elif c.dep_ == "appos" and c.i in ents and w in _ROLE_NOUNS:
            agents.append(c)  # "the IGF-1R inhibitor linsitinib"
    if w in _ROLE_NOUNS:
        # "X, an IGF-1R inhibitor" / "X is a marker of Y" / "IGF-1R inhibitor X"
        if n.dep_ == "appos" or (n.dep_ == "compound" and n.head.i in ents):
            agents.append(n.head)
        elif n.dep_ in ("attr", "oprd", "dobj") and n.head.i != n.i:
            agents += [c for c in n.head.children if c.dep_ in _SUBJ]
        elif n.dep_ == "pobj" and n.head.lower_ == "as" and n.head.head.i != n.i:
            # "X acts as / was identified as a Y inhibitor"
            h = n.head.head
            agents += [c for c in h.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
        rule = "dep.role_noun"
        kind = "appos"
    else:
        rule = "dep.nominalization"
        kind = "dep"
    if cls == T.BIND and between:
        args = [a for b in between for a in resolve(b, ents)]
        for a, b in zip(args, args[1:]):
            yield _found(a, b, cls, "dep.nominalization.between", trig, negated=neg, kind="dep")
    if cls == T.BIND and not agents and len(patients) >= 2:
        agents, patients = patients[:1], patients[1:]  # "IGF-1–IGF-1R binding" (two compounds)
    ag = [a for s in agents for a in resolve(s, ents)]
    pa = [a for s in patients for a in resolve(s, ents)]
    for a in ag:
        for p in pa:
            yield _found(a, p, cls, rule, trig, negated=neg, kind=kind)


# ----------------------------------------------------------------------------------------- surface rules


def surface_relations(sent: Any, ents: dict[int, Mention], only: set[int] | None = None) -> Iterator[Any]:
    """Degraded rules without a parser: nearest entity left/right of a trigger within a clause, passive
    "is X-ed by", "T of Y by X", "knockdown of X", "Y expression"."""
    toks = [t for t in sent if not t.is_space]
    n = len(toks)
    for k, t in enumerate(toks):
        w = t.lower_
        if t.i in ents or (only is not None and t.i not in only):
            continue
        if w in T.VERB_FORMS and not (w in T.NOUN_FORMS and k > 0 and toks[k - 1].lower_ in ("the", "a", "an")):
            cls = T.VERB_FORMS[w]
            kind = "verb"
        elif w in T.NOUN_FORMS:
            cls, kind = T.NOUN_FORMS[w], "noun"
        elif w in T.ADJ_TRIGGERS and T.ADJ_TRIGGERS[w]:
            cls, kind = T.ADJ_TRIGGERS[w], "adj"
        else:
            continue
        window = " ".join(x.lower_ for x in toks[max(0, k - 4):k])
        neg = any(x in window.split() for x in ("not", "n't", "no", "never", "failed", "unable", "without")) \
            or w == "independent"
        trig = _span(t)
        if kind == "noun" and k + 1 < n and toks[k + 1].lower_ == "of":
            pat = _right(toks, k + 2, ents)
            by = next((j for j in range(k + 2, min(n, k + 8)) if toks[j].lower_ == "by"), None)
            ag = _right(toks, by + 1, ents) if by is not None else []
            for a in ag:
                for p in pat:
                    yield _found(a, p, cls, "surface.nominalization", trig, negated=neg, kind="surface")
            continue
        passive = kind == "verb" and k > 0 and toks[k - 1].lower_ in _BE and w.endswith("ed") \
            and k + 1 < n and toks[k + 1].lower_ == "by"
        left = _left(toks, k - 1, ents)
        if passive:
            agents, patients = _right(toks, k + 2, ents), left
        else:
            j = k + 1
            if cls in _PATIENT_PREPS and j < n and toks[j].lower_ in _PATIENT_PREPS[cls]:
                j += 1
            agents, patients = left, _right(toks, j, ents)
        if cls == T.REQ and kind == "verb" and not passive:
            agents, patients = patients, agents
        if cls == T.DEP and kind == "verb":
            agents, patients = patients, agents
        for a in agents:
            for p in patients:
                yield _found(a, p, cls, f"surface.{kind}.{'passive' if passive else 'active'}", trig,
                             negated=neg, kind="surface")


def _left(toks: list, k: int, ents: dict) -> list[Any]:
    """Nearest entity (and its coordinated list) left of position k, within the clause."""
    j = k
    nominal = None
    while j >= 0:
        t = toks[j]
        if t.i in ents:
            break
        if t.lower_ in T.CLAUSE_BREAKS or t.lower_ in T.VERB_FORMS or t.lower_ in _REL_PRON and j < k - 1:
            return []
        if _nominal_kind(t.lower_) and nominal is None:
            nominal = _nominal_kind(t.lower_)
        j -= 1
    if j < 0:
        return []
    out = [j]
    while j - 2 >= 0 and toks[j - 1].lower_ in ("and", "or", ",") and toks[j - 2].i in ents:
        j -= 2
        out.append(j)
    flip = j >= 2 and toks[j - 1].lower_ == "of" and toks[j - 2].lower_ in T.LOSS_NOUNS
    return [_arg(ents[toks[i].i], nominal, flip, toks[i]) for i in sorted(out)]


def _right(toks: list, k: int, ents: dict) -> list[Any]:
    j = k
    nominal = None
    n = len(toks)
    while j < n:
        t = toks[j]
        if t.i in ents:
            break
        if t.lower_ in T.CLAUSE_BREAKS or (t.lower_ in T.VERB_FORMS and j > k) or t.text in (".", ";"):
            return []
        if _nominal_kind(t.lower_):
            nominal = _nominal_kind(t.lower_)
        j += 1
    if j >= n:
        return []
    out = [j]
    while j + 2 < n and toks[j + 1].lower_ in ("and", "or", ",") and toks[j + 2].i in ents:
        j += 2
        out.append(j)
    if nominal is None and j + 1 < n and _nominal_kind(toks[j + 1].lower_):
        nominal = _nominal_kind(toks[j + 1].lower_)
    return [_arg(ents[toks[i].i], nominal, False, toks[i]) for i in out]
