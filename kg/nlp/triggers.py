"""Trigger words, argument nominals and cue words for relation extraction (data, no logic).

Every word is matched by its lowercase surface form, so the tables work without a lemmatizer
(``--model none``); :func:`forms` generates inflections from a base form.
"""

from __future__ import annotations

# predicate classes a trigger can express; the final Predicate also depends on the arguments
BIND, ACT, INH, PHOS, DEPHOS, UP, DOWN, INC, DEC, REG, MED, REQ, DEP, MARK, TARGET, ASSOC = (
    "bind", "activate", "inhibit", "phos", "dephos", "upregulate", "downregulate", "increase", "decrease",
    "regulate", "mediate", "require", "depend", "marker", "target", "associate")

_VERBS = {
    BIND: ["bind", "interact", "heterodimerize", "dimerize", "complex", "bound"],
    ACT: ["activate", "stimulate", "induce", "trigger", "transactivate", "potentiate", "drive", "promote",
          "enhance", "facilitate"],
    INH: ["inhibit", "block", "suppress", "attenuate", "abrogate", "abolish", "antagonize", "antagonise",
          "impair", "prevent", "inactivate", "neutralize", "repress", "disrupt", "counteract", "hamper"],
    PHOS: ["phosphorylate"],
    DEPHOS: ["dephosphorylate"],
    UP: ["upregulate", "up-regulate", "overexpress", "transactivate"],
    DOWN: ["downregulate", "down-regulate", "silence"],
    INC: ["increase", "elevate", "augment", "raise", "boost", "upregulate", "up-regulate", "restore"],
    DEC: ["decrease", "reduce", "lower", "diminish", "downregulate", "down-regulate", "deplete", "eliminate"],
    REG: ["regulate", "modulate", "control", "affect", "influence"],
    MED: ["mediate"],
    REQ: ["require", "need"],
    DEP: ["depend", "rely"],
    TARGET: ["target"],
    ASSOC: ["associate", "correlate", "link", "relate", "co-localize", "colocalize", "accompany"],
    MARK: ["mark"],
}

_NOUNS = {
    BIND: ["binding", "interaction", "interactions", "association", "complex", "heterodimerization",
           "dimerization", "ligand", "ligands", "partner", "receptor"],
    ACT: ["activation", "stimulation", "induction", "transactivation", "activator", "activators", "agonist",
          "agonists", "promotion", "enhancement"],
    INH: ["inhibition", "blockade", "suppression", "attenuation", "inhibitor", "inhibitors", "antagonist",
          "antagonists", "blocker", "blockers", "repression", "inactivation", "neutralization"],
    PHOS: ["phosphorylation"],
    DEPHOS: ["dephosphorylation"],
    UP: ["upregulation", "up-regulation", "overexpression"],
    DOWN: ["downregulation", "down-regulation", "silencing"],
    INC: ["increase", "elevation", "accumulation"],
    DEC: ["decrease", "reduction", "loss", "depletion"],
    REG: ["regulation", "modulation", "regulator", "regulators", "modulator"],
    REQ: ["requirement"],
    DEP: ["dependence", "dependency"],
    MARK: ["marker", "markers", "biomarker", "biomarkers", "hallmark", "indicator"],
    TARGET: ["target", "targets", "targeting"],
    ASSOC: ["correlation", "link", "relationship", "correlated"],
}

#: adjectives/participles that take a "for"/"to"/"with" complement
ADJ_TRIGGERS = {
    "required": REQ, "essential": REQ, "necessary": REQ, "indispensable": REQ, "critical": REQ, "crucial": REQ,
    "dependent": DEP, "independent": DEP, "associated": ASSOC, "correlated": ASSOC, "linked": ASSOC,
    "related": ASSOC, "positively": None, "negatively": None,
}

#: "X-<suffix>" hyphen compounds: X is the agent of what follows
HYPHEN_TRIGGERS = {
    "induced": ACT, "stimulated": ACT, "triggered": ACT, "activated": ACT, "driven": ACT, "evoked": ACT,
    "mediated": MED, "dependent": DEP, "independent": DEP, "inhibited": INH, "suppressed": INH, "blocked": INH,
    "targeting": TARGET, "targeted": TARGET, "induces": ACT, "promoted": ACT,
}

#: nominals that turn "increased <N> of Y" into a specific predicate
EXPRESSION_NOUNS = frozenset({"expression", "transcription", "mrna", "mrnas", "transcript", "transcripts",
                              "gene", "promoter", "synthesis", "translation", "upregulation", "up-regulation",
                              "downregulation", "down-regulation", "overexpression"})
AMOUNT_NOUNS = frozenset({"level", "levels", "amount", "amounts", "secretion", "production", "release",
                          "concentration", "concentrations", "abundance", "content", "protein", "stability",
                          "accumulation", "bioavailability"})
ACTIVITY_NOUNS = frozenset({"activity", "activation", "signaling", "signalling", "function", "pathway",
                            "kinase", "action", "axis", "cascade", "activities", "signal", "signals"})
PHOS_NOUNS = frozenset({"phosphorylation", "autophosphorylation", "tyrosine-phosphorylation"})

#: subjects that mean the loss of their argument: "knockdown of X reduced Y" → X positively regulates Y
LOSS_NOUNS = frozenset({"knockdown", "knock-down", "silencing", "depletion", "deletion", "knockout",
                        "knock-out", "ablation", "loss", "inhibition", "blockade", "blocking", "suppression",
                        "inactivation", "deficiency", "downregulation", "down-regulation", "disruption",
                        "antagonism", "neutralization", "sirna", "sirnas", "shrna", "shrnas", "mutation",
                        "inhibitor", "inhibitors", "antagonist", "antagonists", "antibody", "antibodies",
                        "targeting", "lack", "absence", "removal"})
GAIN_NOUNS = frozenset({"overexpression", "over-expression", "expression", "treatment", "addition",
                        "administration", "stimulation", "activation", "exposure", "application",
                        "upregulation", "up-regulation", "presence", "supplementation", "signaling",
                        "signalling", "activity", "level", "levels", "amplification"})

NEGATION = frozenset({"not", "n't", "no", "never", "neither", "nor", "failed", "fail", "fails", "unable",
                      "without", "lack", "lacked", "lacks", "independent", "independently", "none", "cannot",
                      "unaffected"})
HEDGE = frozenset({"may", "might", "could", "possibly", "potentially", "potential", "suggest", "suggests",
                   "suggested", "suggesting", "likely", "putative", "presumably", "perhaps", "appear",
                   "appears", "appeared", "speculate", "probably", "indicate", "indicates", "implicate",
                   "implicated", "propose", "proposed"})
HYPOTHESIS = frozenset({"hypothesize", "hypothesized", "hypothesise", "hypothesised", "hypothesis",
                        "whether", "hypothesizes", "postulate", "postulated"})
CONTEST = frozenset({"controversial", "conflicting", "contradictory", "debated", "disputed", "contested",
                     "inconsistent", "controversy", "debate", "unresolved"})
CLAUSE_BREAKS = frozenset({";", "whereas", "while", "but", "although", "however", "though"})


def forms(base: str) -> list[str]:
    """Inflections of a verb base form: activate → activates, activated, activating."""
    out = {base}
    if base.endswith("e"):
        out |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        out |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("x", "s", "sh", "ch")):
        out |= {base + "es", base + "ed", base + "ing"}
    else:
        out |= {base + "s", base + "ed", base + "ing"}
        if base in ("target", "block", "link", "bind", "control", "complex"):
            pass
        elif len(base) > 2 and base[-1] in "pt" and base[-2] in "aeiou" and base[-3] not in "aeiou":
            out |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    if base == "control":
        out |= {"controlled", "controlling"}
    if base == "bind":
        out |= {"bound"}
    if base == "drive":
        out |= {"drove", "driven"}
    if base == "rely":
        out |= {"relies", "relied"}
    return sorted(out)


def _table(source: dict[str, list[str]], inflect: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for cls, words in source.items():
        for w in words:
            for f in (forms(w) if inflect else [w]):
                out.setdefault(f, cls)
    return out


VERB_FORMS: dict[str, str] = _table(_VERBS, True)
NOUN_FORMS: dict[str, str] = _table(_NOUNS, False)
