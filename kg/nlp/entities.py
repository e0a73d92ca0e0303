"""Entity recognition and grounding from the ontology's lexicon, scoped by the abstract's abbreviations.

Why not spaCy's PhraseMatcher/EntityRuler: building one over ~200k HGNC/MeSH/FamPlex strings takes tens of
seconds, and it matches whole spaCy tokens, while biomedical names live *inside* tokens ("IGF-1-induced",
"IGF1R/IR"). We instead cut the text into word units (``\\w+`` runs and single punctuation marks) and look up
every unit n-gram in a dict keyed by a loose normal form (case-folded, separators and Greek letters
normalized: "IGF-1R", "IGF 1R" and "IGF1R" share a key). Longest match wins, left to right.

Grounding (gilda-style, every choice explains itself): candidates are ranked by type (a gene beats a
same-named chemical), case agreement, lexicon priority and match reason; short or English-word symbols need
exact case (mouse-style "Bach1" excepted); entries the lexicon flags as ambiguous ("IR", "EMT") are used
only when this abstract defines them; a short form defined in this abstract ("IR" = "ionizing radiation")
overrides the lexicon and removes the mention when its long form is not a known entity. Mentions are
:class:`kg.model.Mention` objects, kept as plain dicts in ``doc.user_data["igfkg_mentions"]``
(:func:`get_mentions`).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import Annotation, EntityType, Grounding, Mention, from_dict, to_dict
from kg.nlp.abbreviations import Abbreviation, get_abbreviations
from kg.nlp.species import SPECIES_TERMS

log = logging.getLogger(__name__)

MENTIONS = "igfkg_mentions"
NESTED = "igfkg_nested_mentions"  # genes named inside a pathway mention ("mTOR" of "mTOR signaling")
PROVIDED = "igfkg_provided"  # Annotation dicts put on the Doc by the caller (entities=provided|both)
MODE = "igfkg_entity_mode"

MAX_UNITS = 14
_UNIT = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa", "λ": "lambda",
          "μ": "mu", "σ": "sigma", "τ": "tau", "ω": "omega", "ζ": "zeta", "θ": "theta", "ι": "iota"}
_REASON_RANK = {"exact_label": 0, "symbol": 0, "label": 0, "synonym": 1, "alias": 1, "previous": 3,
                "abbreviation": 2, "family": 2, "fuzzy": 4}
_REASON_SCORE = {0: 1.0, 1: 0.9, 2: 0.85, 3: 0.7, 4: 0.6}
#: units a mention never starts with
_STOP_UNITS = frozenset({"(", ")", "[", "]", ",", ";", ":", ".", "=", "<", ">"})

#: BioRED / PubTator type names → our entity types
PROVIDED_TYPES = {
    "GeneOrGeneProduct": EntityType.GENE, "Gene": EntityType.GENE, "ChemicalEntity": EntityType.DRUG,
    "Chemical": EntityType.DRUG, "DiseaseOrPhenotypicFeature": EntityType.DISEASE, "Disease": EntityType.DISEASE,
    "OrganismTaxon": EntityType.SPECIES, "Species": EntityType.SPECIES, "CellLine": EntityType.CELL_LINE,
    "SequenceVariant": EntityType.VARIANT, "Mutation": EntityType.VARIANT, "DNAMutation": EntityType.VARIANT,
    "ProteinMutation": EntityType.VARIANT, "SNP": EntityType.VARIANT, "CellType": EntityType.CELL_TYPE,
}


def _deaccent(text: str) -> str:
    for g, name in _GREEK.items():
        if g in text:
            text = text.replace(g, name)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_NON_WORD = re.compile(r"[\W_]+")


def loose_key(text: str) -> str:
    """The lookup key: Greek spelled out, accents dropped, every non-alphanumeric removed, lowercased."""
    if not text.isascii():
        text = _deaccent(text)
    return _NON_WORD.sub("", text).lower()


def exact_key(text: str) -> str:
    """Like :func:`loose_key` but case kept (for case-sensitive symbols such as "CAT" vs "cat")."""
    if not text.isascii():
        text = _deaccent(text)
    return _NON_WORD.sub("", text)


@dataclass(frozen=True)
class Entry:
    text: str
    curie: str
    reason: str
    case_sensitive: bool
    priority: int
    label: str
    type: EntityType
    ambiguous: bool = False
    ambiguity: str = ""  # the lexicon's reason, e.g. "alias shared by 2 genes (IL2RA, ISG20)"


#: the lexicon's ambiguity reason for a symbol several genes share ("p62", "CD25", "COX-2"): such a mention
#: is recognised (it is a gene) but left unresolved
SHARED_ALIAS = "alias shared by"


def is_ambiguous(grounding: Grounding | None) -> bool:
    """A grounding the NER could not decide (several genes share the alias)."""
    return grounding is None or grounding.note.startswith("ambiguous")


_GENE_TYPES = frozenset({EntityType.GENE, EntityType.PROTEIN_FAMILY, EntityType.COMPLEX, EntityType.ISOFORM})
class LexiconIndex:
    """The loose-key dict over every lexicon entry, built once per process."""

    def __init__(self, lexicon: Any) -> None:
        self.lexicon = lexicon
        self.version = str(getattr(lexicon, "version", "none"))
        # raw rows per key: (text, curie, reason, case_sensitive, priority, ambiguous, label, type); Entry
        # objects (with the term's label and type) are made only for keys that a text actually hits
        self._entries: dict[str, list[Entry]] = {}
        self._terms: dict[str, tuple[str, EntityType]] = {}
        self._flagged: dict[str, bool] = {}
        self._english = _english_words(lexicon)
        cached = _read_index_cache(self.version)
        if cached is None:
            cached = _lexicon_rows(lexicon)
            _write_index_cache(self.version, cached)
        self._by_key = by_key = cached
        for e in _species_entries() + _supplement_entries():
            key = loose_key(e.text)
            if any(x[1] == e.curie and not x[5] and not x[3] for x in by_key.get(key, ())):
                continue  # the lexicon already has it, usable as is
            # ranked after every lexicon entry (priority -1): the ontology's lexicon wins where both match
            by_key.setdefault(key, []).append((e.text, e.curie, "synonym", False, -1, "", e.label, e.type))

    def _entries_for(self, key: str) -> list[Entry] | None:
        entries = self._entries.get(key)
        if entries is None:
            rows = self._by_key.get(key)
            if not rows:
                return None
            entries = []
            for text, curie, reason, cs, prio, amb, label, etype in rows:
                if etype is None:
                    info = self._terms.get(curie)
                    if info is None:
                        info = self._terms[curie] = _term_info(self.lexicon, curie)
                    label, etype = info
                entries.append(Entry(text, curie, reason, cs, prio, label, etype, bool(amb), amb or ""))
            entries.sort(key=lambda en: (-en.priority, _REASON_RANK.get(en.reason, 3), en.curie))
            self._entries[key] = entries
        return entries

    def __len__(self) -> int:
        return len(self._by_key)

    def has_flagged_symbol(self, key: str) -> bool:
        """Whether some entry under ``key`` is flagged ambiguous for a reason other than a shared alias
        (memoized: the context rule asks this for every word unit of every abstract)."""
        hit = self._flagged.get(key)
        if hit is None:
            rows = self._by_key.get(key)
            hit = self._flagged[key] = bool(rows) and any(r[5] and not r[5].startswith(SHARED_ALIAS) for r in rows)
        return hit

    def candidates(self, surface: str) -> list[Entry]:
        """Lexicon entries whose text matches ``surface`` (respecting case-sensitive entries); then the
        writing variants abstracts use: "hOGG1" (human prefix), "b-catenin" (Latin letter for Greek)."""
        out = self._candidates(surface)
        if out:
            return out
        if len(surface) > 3 and surface[0] == "h" and surface[1].isupper():
            return [en for en in self._candidates(surface[1:]) if en.type in _GENE_TYPES]
        m = _LATIN_GREEK.match(surface)
        if m:
            return self._candidates(_LATIN_TO_GREEK[m.group(1)] + surface[1:])
        m = _ISOFORM_SUFFIX.match(surface)
        if m:  # "OCT4A", "FLNBv4": an isoform or splice variant of a numbered gene symbol is that gene
            return [en for en in self._candidates(m.group(1)) if en.type in _GENE_TYPES and en.reason in ("symbol", "alias")]
        return []

    def _candidates(self, surface: str, shared: bool = True) -> list[Entry]:
        entries = self._entries_for(loose_key(surface))
        if not entries:
            return []
        ek = exact_key(surface)
        punct = {c for c in surface if not c.isalnum() and not c.isspace() and unicodedata.category(c) != "Pd"}
        out = []
        for en in entries:
            if punct and not punct <= set(en.text):
                continue  # "CD4(+)", "patient's": punctuation the entry does not have ends the mention
            if " " in surface and " " not in en.text and "-" not in en.text:
                continue  # "In a" is not INA, "and 1" is not AND-1
            if en.ambiguous and not (shared and en.ambiguity.startswith(SHARED_ALIAS) and
                                     any(c.isdigit() for c in surface)):
                continue  # accepted only through a definition in this abstract (see match_text)
            if (en.case_sensitive or self._needs_case(en, surface)) and not _greek_suffix(surface, en) \
                    and not (_case_variant(surface, en) and not self.is_english(surface)):
                if exact_key(en.text) != ek:
                    continue
            if en.type in _GENE_TYPES and surface.islower() and en.text.isupper() and \
                    not any(c.isdigit() for c in surface):
                continue  # "spatial", "proteins" are words, not the symbols SPATIAL/PROTEINS
            out.append(en)
        return out

    def _needs_case(self, entry: Entry, surface: str) -> bool:
        """Short symbols and symbols that are English words ("MET", "CAT", "SET") must match case exactly."""
        if " " in entry.text.strip():
            return False
        if entry.type not in (EntityType.GENE, EntityType.PROTEIN_FAMILY, EntityType.COMPLEX):
            return len(entry.text) <= 3
        return len(loose_key(entry.text)) <= 5 or entry.text.lower() in self._english

    def is_english(self, surface: str) -> bool:
        return surface.lower() in self._english

    def ground(self, surface: str, entries: Sequence[Entry]) -> tuple[Grounding, ...]:
        """Rank candidate entries into Groundings (best first, one per CURIE)."""
        has_gene = any(en.type in _GENE_TYPES for en in entries)
        ranked = sorted(entries, key=lambda en: (en.ambiguous, has_gene and en.type not in _GENE_TYPES,
                                                 exact_key(en.text) != exact_key(surface), -en.priority,
                                                 _REASON_RANK.get(en.reason, 3), en.curie))
        out: dict[str, Grounding] = {}
        for en in ranked:
            if en.curie in out:
                continue
            rank = _REASON_RANK.get(en.reason, 3)
            score = _REASON_SCORE[rank] * (1.0 if exact_key(en.text) == exact_key(surface) else 0.95)
            if en.ambiguous:  # recognised as a gene, but which one is not known: never a claim argument
                out[en.curie] = Grounding(en.curie, en.label, en.type, round(score * 0.5, 3), en.reason, en.text,
                                          note=f"ambiguous: {en.ambiguity}")
            else:
                out[en.curie] = Grounding(en.curie, en.label, en.type, round(score, 3), en.reason, en.text)
        return tuple(out.values())


_LATIN_GREEK = re.compile(r"^([abgdk])-[A-Za-z]")
_ISOFORM_SUFFIX = re.compile(r"^(?=[A-Z][A-Z0-9-]*\d[A-D]$|[A-Z][A-Z0-9-]{2,}v\d{1,2}$)([A-Z][A-Z0-9-]*?)(?:[A-D]|v\d{1,2})$")
_LATIN_TO_GREEK = {"a": "alpha", "b": "beta", "g": "gamma", "d": "delta", "k": "kappa"}
_GREEK_WORD = re.compile(r"^[ -]?(alpha|beta|gamma|delta|epsilon|kappa|[αβγδεκ])\b", re.I)


def _case_variant(surface: str, entry: Entry) -> bool:
    """Mouse/rat nomenclature and mixed-case spellings ("Bach1", "Lifr", "Shh", "TfR2", "AChE") of a gene
    symbol; also lowercase symbols with a digit ("sgk1"). Never for all-caps or plain lowercase words."""
    if entry.type not in _GENE_TYPES or len(exact_key(surface)) < 3 or " " in surface:
        return False
    if entry.reason == "alias" and len(exact_key(surface)) <= 4 and not surface.startswith(("c-", "v-")):
        return False  # "Th1" (T helper 1 cells) is not the alias TH1 of NELFCD; short aliases need their case
    if exact_key(surface).upper() != exact_key(entry.text).upper():
        return False
    if surface.isupper():
        return False
    if surface.islower():
        return (any(c.isdigit() for c in surface) and len(surface) >= 4) or surface.startswith(("c-", "v-"))
    return True


_GREEK_SUFFIX = re.compile(r"^[A-Z][A-Z0-9-]*[0-9A-Z][abgdk]$")


def _greek_suffix(surface: str, entry: Entry) -> bool:
    """"HIF-1a", "TNFa", "IFNg": a final lowercase letter standing for alpha/beta/gamma (HIF1A, TNFA, IFNG)."""
    return entry.type in _GENE_TYPES and bool(_GREEK_SUFFIX.match(surface)) and \
        exact_key(surface).upper() == exact_key(entry.text).upper()


def _lexicon_rows(lexicon: Any) -> dict[str, list[tuple]]:
    """loose key → raw rows of every lexicon entry (the slow part: ~300k generated spelling variants)."""
    by_key: dict[str, list[tuple]] = {}
    for e in lexicon.entries():
        key = loose_key(e.text)
        if len(key) < 2 and not key.isdigit():
            continue
        row = (e.text, e.curie, e.reason, e.case_sensitive, e.priority or 0, e.ambiguous or "", None, None)
        rows = by_key.get(key)
        if rows is None:
            by_key[key] = [row]
        else:
            rows.append(row)
    return by_key


# ------------------------------------------------------------------------------- on-disk index cache
# The rows above take seconds to generate and a fraction of a second to read back with marshal. The file
# name carries the lexicon's content version and a hash of the code that turns it into rows; the file
# carries a SHA-256 of its payload, so a stale, truncated or corrupt file is rebuilt, never trusted.

_CACHE_MAGIC = b"IGFKG-LEXINDEX-1\n"
CACHE_ENV = "IGFKG_NLP_CACHE"  # a directory, or "off" to disable the cache


def index_cache_dir() -> Path | None:
    """Where built lexicon indexes are kept: ``$IGFKG_NLP_CACHE``, else ``$XDG_CACHE_HOME/igfkg`` (default
    ``~/.cache/igfkg``); ``None`` when disabled (``IGFKG_NLP_CACHE=off``)."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() in ("off", "0", "no", "none", "false"):
        return None
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "igfkg"


def _code_version() -> str:
    """Hash of the source that decides the rows (this module and the lexicon's variant generator)."""
    import kg.lexicon

    h = hashlib.sha256()
    # marshal's format and unicodedata's tables (used by loose_key/normalize) belong to the interpreter
    h.update(f"{sys.version}|{marshal.version}|{unicodedata.unidata_version}".encode())
    for f in (__file__, kg.lexicon.__file__):
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


def index_cache_path(lexicon_version: str) -> Path | None:
    directory = index_cache_dir()
    if directory is None or lexicon_version in ("", "none"):
        return None
    safe = re.sub(r"[^\w.-]", "_", lexicon_version)[:80]
    return directory / f"lexindex-{safe}-{_code_version()}.marshal"


def _read_index_cache(lexicon_version: str) -> dict[str, list[tuple]] | None:
    path = index_cache_path(lexicon_version)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_CACHE_MAGIC)
    digest, payload = data[head:head + 32], data[head + 32:]
    if not data.startswith(_CACHE_MAGIC) or hashlib.sha256(payload).digest() != digest:
        log.warning("lexicon index cache %s is corrupt; rebuilding it", path)
        return None
    try:
        version, rows = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        log.warning("lexicon index cache %s is unreadable; rebuilding it", path)
        return None
    if version != lexicon_version or not isinstance(rows, dict):
        return None
    return rows


def _write_index_cache(lexicon_version: str, rows: dict[str, list[tuple]]) -> None:
    """Atomic: written to a temporary file in the same directory, then renamed over the target. A cache
    that cannot be written (read-only home) only costs the next start-up its time."""
    path = index_cache_path(lexicon_version)
    if path is None:
        return
    payload = marshal.dumps((lexicon_version, rows))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_CACHE_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        log.warning("could not write lexicon index cache %s: %s", path, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)  # only the temporary file this function created
            except OSError:
                pass


def _english_words(lexicon: Any) -> frozenset[str]:
    words = getattr(lexicon, "english_words", None)
    if callable(words):
        words = words()
    return frozenset(w.lower() for w in (words or ()))


def _term_info(lexicon: Any, curie: str) -> tuple[str, EntityType]:
    """(label, type) of a term, from the lexicon (a CURIE it does not know keeps its ID as label)."""
    try:
        term = lexicon.term(curie)
    except (KeyError, LookupError):
        term = None
    label = getattr(term, "label", None) or curie
    try:
        etype = EntityType(getattr(term, "type", None) or EntityType.OTHER)
    except ValueError:
        etype = EntityType.OTHER
    return str(label), etype


@dataclass(frozen=True)
class _ExtraEntry:
    text: str
    curie: str
    label: str
    reason: str = "synonym"
    case_sensitive: bool = False
    priority: int = 0
    type: EntityType = EntityType.SPECIES


def _species_entries() -> list[_ExtraEntry]:
    return [_ExtraEntry(text, curie, label) for text, curie, label in SPECIES_TERMS]


def _supplement_entries() -> list[_ExtraEntry]:
    from kg.nlp.supplement import SUPPLEMENT

    return [_ExtraEntry(text, curie, label, type=etype) for curie, label, etype, texts in SUPPLEMENT
            for text in texts]


# ----------------------------------------------------------------------------------------------- matching


def units(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _UNIT.finditer(text)]


def match_text(text: str, index: LexiconIndex, abbreviations: Iterable[Abbreviation] = ()) -> list[Mention]:
    """Every lexicon mention in ``text`` (longest match, left to right), with abbreviation scoping."""
    abbrevs = list(abbreviations)
    local_by_start: dict[int, tuple[int, int, Abbreviation, tuple[Grounding, ...] | None]] = {}
    for ab in abbrevs:
        long_g = _ground_long_form(ab, index)
        if long_g:
            g = tuple(Grounding(x.curie, x.label, x.type, round(x.score * 0.95, 3), "abbreviation", ab.long,
                                note=f"defined as {ab.long!r} in this document") for x in long_g)
        elif (head := _long_form_head(ab, index)) is not None:
            # "contrast-induced nephropathy (CIN)": the long form is unknown but ends in a disease or chemical,
            # so the short form names that kind of thing here, whatever gene alias it also is
            g = tuple(Grounding(x.curie, x.label, x.type, round(x.score * 0.8, 3), "abbreviation", ab.long,
                                note=f"head of {ab.long!r}, defined in this document") for x in head)
            local_by_start[ab.long_start] = (ab.long_start, ab.long_end, ab, g)
        else:
            # the long form is unknown ("Bicaudal D2 (BICD2)"): a gene symbol defined by a name that reads like a
            # gene's keeps its grounding and lends it to the long form; a gene symbol defined as something else
            # ("adriamycin (ADR)", "diastolic blood pressure (DBP)") and an ambiguous one ("ionizing radiation
            # (IR)") are dropped
            cands = index.candidates(ab.short)
            g = index.ground(ab.short, cands) if cands else None
            if g and g[0].type in _GENE_TYPES and not _GENE_LIKE.search(ab.long):
                g = None
            if g:
                lg = tuple(Grounding(x.curie, x.label, x.type, round(x.score * 0.9, 3), "abbreviation",
                                     ab.short, note=f"long form of {ab.short!r} in this document") for x in g)
                local_by_start[ab.long_start] = (ab.long_start, ab.long_end, ab, lg)
        for a, b in ab.occurrences:
            local_by_start[a] = (a, b, ab, g)

    us = units(text)
    # a surface's loose key is the concatenation of its units' keys: computed once per unit, so the ~14
    # n-grams tried at each position cost a dict probe each instead of a regex pass over the surface
    ukeys = [loose_key(text[a:b]) for a, b in us]
    isoform_unit = [b - a > 3 and text[b - 1] in "ABCD0123456789" and _ISOFORM_SUFFIX.match(text[a:b]) is not None
                    for a, b in us]
    by_key = index._by_key
    mentions: list[Mention] = []
    i = 0
    n = len(us)
    while i < n:
        s0 = us[i][0]
        # a locally defined short form beats the lexicon ("IR" = ionizing radiation here)
        hit = local_by_start.get(s0)
        if hit is not None:
            a, b, ab, grounded = hit
            j = i
            while j < n and us[j][1] <= b:
                j += 1
            if grounded:
                mentions.append(Mention(a, b, text[a:b], grounded[0].type, grounded))
            i = max(j, i + 1)
            continue
        if text[us[i][0]:us[i][1]] in _STOP_UNITS or (i > 0 and us[i - 1][1] == s0 and text[s0 - 1].isalnum()):
            i += 1
            continue
        found = None
        top = min(n, i + MAX_UNITS)
        keys = [""] * (top - i + 1)
        for k in range(i, top):
            keys[k - i + 1] = keys[k - i] + ukeys[k]
        # only "hOGG1", "b-catenin" and "OCT4A" style surfaces can match without their own key in the index
        variant = (text[s0] == "h") or (text[s0] in "abgdk" and text[s0 + 1:s0 + 2] == "-")
        for j in range(top, i, -1):
            if not variant and keys[j - i] not in by_key and not (j == i + 1 and isoform_unit[i]):
                continue
            e = us[j - 1][1]
            if not text[e - 1].isalnum() and text[e - 1] not in ")]+":
                continue  # never end on a hyphen, slash or other punctuation ("IR-" of "IR-A")
            if j < n and us[j][0] == e and text[e].isalnum() and text[e - 1].isalnum():
                continue  # never end inside a word
            surface = text[s0:e]
            if "\n" in surface:
                continue
            cands = index.candidates(surface)
            if cands and _acceptable(surface, cands, index, text, s0, e):
                found = (j, e, cands)
                break
        if found is None:
            i += 1
            continue
        j, e, cands = found
        groundings = index.ground(text[s0:e], cands)
        if groundings[0].type in _GENE_TYPES:
            # "NRG-1 beta", "IFN-gamma" name the gene (an isoform or subunit): the mention takes the Greek word
            g = _GREEK_WORD.match(text[e:e + 9])
            if g and not _word_goes_on(text, e + g.end()):
                e += g.end()
                while j < n and us[j][1] <= e:
                    j += 1
        mentions.append(Mention(s0, e, text[s0:e], groundings[0].type, groundings))
        i = j
    mentions = _context_symbols(text, index, _ions(text, index, _drop_residues(text, mentions)), us, ukeys)
    return _widen_genes(text, _widen_diseases(text, mentions), index)


_AMINO_ACIDS = frozenset("""alanine arginine asparagine aspartate cysteine glutamate glutamine glycine histidine
isoleucine leucine lysine methionine phenylalanine proline serine threonine tryptophan tyrosine valine""".split())
_RESIDUE_AFTER = re.compile(r"^(?:/[a-z]+)*[ -](?:residues?|kinases?|phosphatases?|substitutions?|codons?|to|for)\b",
                            re.I)
_RESIDUE_BEFORE = re.compile(r"(?:\b(?:to|for|by)|/|\d) $|/$", re.I)


def _drop_residues(text: str, mentions: list[Mention]) -> list[Mention]:
    """An amino acid named as a residue of a protein is not the chemical: "arginine residues", "serine/threonine
    kinase", "tyrosine kinases", "an arginine to glutamine substitution" (BioRED annotates the variant)."""
    out = []
    for m in mentions:
        word = m.text.lower()
        if m.type is EntityType.DRUG and (word in _AMINO_ACIDS or word.removeprefix("l-") in _AMINO_ACIDS):
            if _RESIDUE_AFTER.match(text[m.end:m.end + 30]) or _RESIDUE_BEFORE.search(text[max(0, m.start - 5):m.start]):
                continue
        out.append(m)
    return out


#: element symbols written as ions in abstracts, and the MeSH heading (a lexicon name) of the element
_ELEMENTS = {"Ca": "Calcium", "Mg": "Magnesium", "Na": "Sodium", "K": "Potassium", "Zn": "Zinc", "Fe": "Iron",
             "Cu": "Copper", "Mn": "Manganese", "Cd": "Cadmium", "Pb": "Lead", "Co": "Cobalt", "Ni": "Nickel",
             "Hg": "Mercury", "Li": "Lithium", "Cl": "Chlorides"}
_ION_RE = re.compile(r"(?<![\w/+-])(" + "|".join(sorted(_ELEMENTS, key=len, reverse=True)) +
                     r")(?:\(\d?[+-]\)|\d? ?\+{1,2}|\d?-(?![\w(]))")


def _ions(text: str, index: LexiconIndex, mentions: list[Mention]) -> list[Mention]:
    """Ions ("Ca2+", "Ca(2+)", "K+", "Cl-") as mentions of their element (a chemical), which the word-unit
    matcher cannot see: the charge is punctuation and "Ca2" alone must not become a gene."""
    found = []
    for m in _ION_RE.finditer(text):
        name = _ELEMENTS[m.group(1)]
        rows = [r for r in index._entries_for(loose_key(name)) or () if r.type is EntityType.DRUG]
        if not rows:
            continue
        en = rows[0]
        found.append(Mention(m.start(), m.end(), m.group(0), en.type,
                             (Grounding(en.curie, en.label, en.type, 0.9, "symbol", name, note="ion"),)))
    if not found:
        return mentions
    kept = [x for x in mentions if not any(f.start < x.end and x.start < f.end for f in found)]
    return sorted(kept + found, key=lambda x: (x.start, -x.end))


def _word_goes_on(text: str, i: int) -> bool:
    """The Greek word ending at ``i`` is part of a longer word ("beta-cells", "alpha-helix")."""
    return i < len(text) and (text[i].isalnum() or (text[i] == "-" and text[i + 1:i + 2].isalpha()))


_GREEK_PREFIX = re.compile(r"(?<![\w-])(?:alpha|beta|gamma|delta|kappa|[αβγδκ]|[abgdk])-$", re.I)
_NUMBER_SERIES = re.compile(r"(?:/[A-Za-z]?\d{1,2}[A-Za-z]?)+(?![\w/-])")


def _widen_genes(text: str, mentions: list[Mention], index: LexiconIndex) -> list[Mention]:
    """A gene mention takes in a Greek subunit/isoform letter before it ("gamma-H2AX", "alpha-ENaC",
    "a-actinin") or a Greek word after it (also for short forms defined in the abstract: "NRG-1 beta"), and a
    slash series of numbers after a numbered symbol ("Smad1/5/8", "ERK1/2"), as BioRED spans them; never
    across another mention. "ghrelin receptor" and "matriptase-2" (a receptor of a ligand, a numbered relative,
    neither in the lexicon) are gene mentions left unresolved: the ligand's gene would be the wrong one."""
    out = list(mentions)
    for k, m in enumerate(out):
        if m.type not in _GENE_TYPES:
            continue
        start, end = m.start, m.end
        floor = out[k - 1].end if k else 0
        ceil = out[k + 1].start if k + 1 < len(out) else len(text)
        p = _GREEK_PREFIX.search(text, max(floor, start - 6), start)
        if p is not None:
            start = p.start()
        g = _GREEK_WORD.match(text[end:min(ceil, end + 9)]) or _LATIN_GREEK_SUFFIX.match(text[end:min(ceil, end + 3)])
        unresolved = ""
        if g is not None and text[end - 1].isalnum() and not _word_goes_on(text, end + g.end()):
            end += g.end()
        elif text[end - 1].isdigit() and (series := _NUMBER_SERIES.match(text, end, ceil)) is not None:
            end = series.end()
        elif (r := _RECEPTOR_AFTER.match(text[end:min(ceil, end + 20)])) is not None and \
                not _names_a_receptor(m, index):
            end += r.end()  # "ghrelin receptor": a gene, but not the ligand's gene
            unresolved = f"receptor of {m.text}"
        elif m.text.isalpha() and m.text.islower() and len(m.text) > 4 and \
                (n := _NUMBER_AFTER.match(text[end:min(ceil, end + 5)])) is not None:
            end += n.end()  # "matriptase-2": a numbered relative the lexicon lacks
            unresolved = f"numbered relative of {m.text}"
        if (start, end) != (m.start, m.end):
            gs = m.groundings
            if unresolved:
                gs = tuple(Grounding(x.curie, x.label, x.type, round(x.score * 0.5, 3), x.reason, x.matched,
                                     note=f"ambiguous: {unresolved}, not in the lexicon") for x in gs)
            out[k] = Mention(start, end, text[start:end], m.type, gs, m.source)
    return out


_LATIN_GREEK_SUFFIX = re.compile(r"^-[abgdk](?![\w-])")
_RECEPTOR_AFTER = re.compile(r"^[ -]receptors?(?:[ -](?:type )?(?:\d{1,2}[a-z]?|[IV]{1,3})(?![\w-]))?\b(?!-)")
_NUMBER_AFTER = re.compile(r"^-\d{1,2}(?![\w-])")


def _names_a_receptor(m: Mention, index: LexiconIndex) -> bool:
    """The mention already names a receptor ("CCR2", "EP4", "IGF-1R"), so "CCR2 receptor" is that gene."""
    if m.text.rstrip("0123456789").endswith("R"):
        return True
    for g in m.groundings[:1]:
        names = [g.label, g.matched]
        term = index.lexicon.term(g.curie) if hasattr(index.lexicon, "term") else None
        if term is not None:
            names.extend(term.synonyms[:3])
        if any("receptor" in n.lower() for n in names if n):
            return True
    return False


#: what follows a gene symbol when the symbol means the gene ("AR expression", "FH mutations", "CAT activity")
_GENE_CONTEXT = re.compile(r"[ -](?:gene|genes|mRNAs?|proteins?|expression|promoter|knock-?outs?|null|"
                           r"mutations?|mutants?|variants?|polymorphisms?|transcripts?|"
                           r"siRNAs?|shRNAs?|activity|signaling|signalling|locus|alleles?)\b|-/-|\(-/-\)")


def _context_symbols(text: str, index: LexiconIndex, mentions: list[Mention], us: list[tuple[int, int]],
                     ukeys: list[str]) -> list[Mention]:
    """Gene symbols the lexicon flags as ambiguous (two letters, an English word, a stop-list entry; not an
    alias several genes share) are accepted without a definition when the document supports the gene reading:
    the gene is also named unambiguously elsewhere in it ("androgen receptor ... AR"), or the next word is
    one only genes take ("AR expression", "FH mutations", "APP-/-")."""
    genes = {g.curie for m in mentions if m.type in _GENE_TYPES for g in m.groundings[:1]
             if not g.note.startswith("ambiguous")}
    taken = [(m.start, m.end) for m in mentions]
    added: list[Mention] = []
    for i, (a, b) in enumerate(us):
        key = ukeys[i]
        if len(key) < 2 or not text[a].isalpha() or key.upper() in _ABSTRACT_ABBREVIATIONS:
            continue
        if not index.has_flagged_symbol(key):
            continue
        if (a and (text[a - 1].isalnum() or text[a - 1] == "-")) or (b < len(text) and text[b].isalnum()):
            continue
        if any(x < b and a < y for x, y in taken):
            continue
        surface = text[a:b]
        ek = exact_key(surface)
        hits = [en for en in index._entries_for(key) or () if en.ambiguous and en.type in _GENE_TYPES
                and not en.ambiguity.startswith(SHARED_ALIAS) and exact_key(en.text) == ek]
        symbols = [en for en in hits if en.reason == "symbol"]
        hits = symbols or hits  # the approved symbol's gene ("AR") over genes that have it as an alias
        if len({en.curie for en in hits}) != 1:
            continue
        en = hits[0]
        if en.curie in genes:
            why = f"gene {en.label} is named elsewhere in this document"
        elif _GENE_CONTEXT.match(text, b):
            why = f"followed by {_GENE_CONTEXT.match(text, b).group(0).strip()!r}"
        else:
            continue
        g = Grounding(en.curie, en.label, en.type, round(_REASON_SCORE[_REASON_RANK.get(en.reason, 3)] * 0.8, 3),
                      en.reason, en.text, note=f"context: {why} ({en.ambiguity})")
        added.append(Mention(a, b, surface, en.type, (g,)))
    if not added:
        return mentions
    return sorted(mentions + added, key=lambda m: (m.start, -m.end))


#: words abstracts put before a disease name as part of it: the organ or tissue affected and the course
#: ("liver fibrosis", "renal failure", "acute renal failure", "chronic ITP", "pituitary adenomas")
_DISEASE_MODIFIERS = frozenset("""acute chronic congenital fulminant benign familial hereditary idiopathic diffuse
liver hepatic renal kidney cardiac heart myocardial cerebral brain pulmonary lung gastric intestinal colonic bowel
pancreatic pituitary thyroid adrenal ovarian prostate prostatic breast skin bone spinal retinal corneal muscle
muscular neuronal vascular coronary endometrial cervical bladder esophageal glomerular tubular testicular uterine
thymic gastrointestinal hepatocellular neural ocular""".split())
#: generic head nouns that complete a disease adjective or name ("inflammatory diseases", "ischemic injury")
_DISEASE_HEADS = frozenset("""injury injuries disease diseases disorder disorders damage dysfunction lesion lesions
syndrome syndromes failure insufficiency""".split())
_WORD_BEFORE = re.compile(r"([A-Za-z]+) $")
_WORD_AFTER = re.compile(r"^ ([A-Za-z]+)\b")


def _widen_diseases(text: str, mentions: list[Mention]) -> list[Mention]:
    """A disease mention takes in the organ/course words before it and a generic head noun after it
    (BioRED's span for "liver fibrosis", "acute renal failure", "inflammatory diseases"); never across another
    mention, a line break or more than two words on the left."""
    out = list(mentions)
    for k, m in enumerate(out):
        if m.type is not EntityType.DISEASE:
            continue
        start, end = m.start, m.end
        floor = out[k - 1].end if k else 0
        for _ in range(2):
            w = _WORD_BEFORE.search(text, max(floor, start - 20), start)
            if w is None or w.group(1).lower() not in _DISEASE_MODIFIERS or w.start(1) < floor:
                break
            start = w.start(1)
        ceil = out[k + 1].start if k + 1 < len(out) else len(text)
        w = _WORD_AFTER.match(text[end:min(ceil, end + 20)])
        if w is not None and w.group(1).lower() in _DISEASE_HEADS and text[end + w.end():end + w.end() + 1] != "-":
            end += w.end()
        if (start, end) != (m.start, m.end):
            out[k] = Mention(start, end, text[start:end], m.type, m.groundings, m.source)
    return out


_NEGATING_PREFIX = re.compile(r"(?<![\w-])(?:anti|pro)-?$", re.I)
_ION = re.compile(r"^[A-Z][a-z]?\d$")
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*){2,}$")
_SUBSCRIPT = re.compile(r"\(\d\)")
_BAD_CHARS = re.compile(r"[=<>%;:±×≤≥]")
#: statistics/units abbreviations that collide with gene aliases ("95% CI", "OR 1.2", "MB")
_ABSTRACT_ABBREVIATIONS = frozenset({"CI", "OR", "HR", "RR", "SD", "SE", "SEM", "MB", "KB", "AA", "BMI", "AUC",
                                     "ROC", "ANOVA", "PCR", "ELISA", "DNA", "RNA", "MRNA", "CT", "MRI", "PET", "US",
                                     "UK", "II", "III", "IV", "VS", "NS", "IQR", "HPF"})


#: generic words the lexicon carries as terms but that name no particular entity in an abstract
_GENERIC_WORDS = frozenset({"disease", "diseases", "syndrome", "syndromes", "disorder", "disorders", "protein",
                            "proteins", "nucleotide", "nucleotides", "amino acid", "amino acids", "element",
                            "elements", "growth factor", "growth factors", "gene", "genes", "enzyme", "enzymes",
                            "autosomal dominant", "autosomal recessive", "c-type lectin", "globin", "receptor",
                            "receptors", "kinase", "kinases", "ligand", "ligands", "drug", "drugs", "acid", "acids",
                            "gel", "gels", "ion", "ions", "clone", "clones", "solution", "solutions", "hormone",
                            "hormones", "mineral", "minerals", "vitamin", "vitamins"})


def _acceptable(surface: str, cands: list[Entry], index: LexiconIndex, text: str, s: int, e: int) -> bool:
    """Filters for matches that are probably not entities."""
    if _BAD_CHARS.search(surface) or (")" in surface and "(" not in surface) or \
            ("(" in surface and ")" not in surface):
        return False
    if surface.upper() in _ABSTRACT_ABBREVIATIONS or surface.lower() in _GENERIC_WORDS:
        return False
    if _FORMULA.match(surface) and _SUBSCRIPT.match(text, e):
        return False  # a piece of a chemical formula: "CaCl" of "CaCl(2)", "ZnSO" of "ZnSO(4)"
    if _ION.match(surface) and text[e:e + 3].lstrip(" (").startswith("+"):
        return False  # ions: "Ca2+", "Mg2+" (not "CD4+" T cells)
    if not surface[0].isalnum():
        return False
    if _NEGATING_PREFIX.search(text, max(0, s - 6), s) and any(c.type is EntityType.DISEASE for c in cands):
        return False  # "anti-inflammatory", "pro-inflammatory" mostly do not name the disease (BioRED Train)
    if " " in surface or len(surface) > 6:
        return True
    if surface.isdigit():
        return False
    if surface.islower() and len(surface) <= 4 and index.is_english(surface) and \
            all(c.type in _GENE_TYPES for c in cands):
        return False
    return True


#: a long form that reads like a gene/protein name: a digit, or a protein head word
_GENE_LIKE = re.compile(r"\d|\b(protein|receptor|factor|kinase|ligand|channel|transporter|antigen|hormone|peptide|"
                        r"subunit|homolog|enzyme|(?!disease)[a-z]{2,}ase)s?\b", re.I)
_HEAD_TYPES = frozenset({EntityType.DISEASE, EntityType.DRUG})


def _long_form_head(ab: Abbreviation, index: LexiconIndex) -> tuple[Grounding, ...] | None:
    """Groundings of the disease/chemical mention a short long form ends with ("contrast-induced
    nephropathy" → nephropathy), when the long form as a whole is not in the lexicon."""
    long = ab.long.rstrip()
    if len(long.split()) > 6:
        return None
    ms = match_text(long, index)
    if not ms or ms[-1].end < len(long) or ms[-1].type not in _HEAD_TYPES or ms[-1].start == 0:
        return None
    return ms[-1].groundings


def _ground_long_form(ab: Abbreviation, index: LexiconIndex) -> tuple[Grounding, ...] | None:
    """Ground a definition's long form: exact lookup, else the mention that covers most of it."""
    cands = index.candidates(ab.long)
    if cands:
        return index.ground(ab.long, cands)
    ms = match_text(ab.long, index)
    if not ms:
        return None
    best = max(ms, key=lambda m: m.end - m.start)
    if (best.end - best.start) >= 0.6 * len(ab.long):
        return best.groundings
    return None


# ----------------------------------------------------------------------------------------------- provided


def provided_mentions(annotations: Iterable[Annotation], index: LexiconIndex | None = None) -> list[Mention]:
    """Gold/PubTator annotations as Mentions (reason ``provided``), IDs as the source gave them."""
    out = []
    for a in annotations:
        etype = PROVIDED_TYPES.get(a.type, EntityType.OTHER)
        gs = []
        for ident in a.identifiers:
            if not ident or ident in ("-", "None"):
                continue
            gs.append(Grounding(ident, a.text, etype, 1.0, "provided", a.text))
        out.append(Mention(a.start, a.end, a.text, etype, tuple(gs), source="provided"))
    return out


def merge_mentions(primary: list[Mention], secondary: list[Mention]) -> list[Mention]:
    """``primary`` plus the ``secondary`` mentions that overlap none of them."""
    taken = sorted((m.start, m.end) for m in primary)
    out = list(primary)
    for m in secondary:
        if not any(a < m.end and m.start < b for a, b in taken):
            out.append(m)
    return sorted(out, key=lambda m: (m.start, -m.end))


class EntityRecognizer:
    """The pipeline component (factory ``igfkg_entities``). The lexicon index is attached by
    :func:`kg.nlp.build_pipeline`; a pipeline loaded from disk builds it lazily from ``load_lexicon()``."""

    def __init__(self, nlp: Language, name: str = "igfkg_entities") -> None:
        self.index: LexiconIndex | None = None

    def _ensure_index(self) -> LexiconIndex:
        if self.index is None:
            from kg.ontology import load_lexicon

            self.index = LexiconIndex(load_lexicon())
        return self.index

    def __call__(self, doc: Doc) -> Doc:
        mode = doc.user_data.get(MODE, "predicted")
        provided = [from_dict(Annotation, a) for a in doc.user_data.get(PROVIDED, ())]
        abbrevs = get_abbreviations(doc)
        predicted: list[Mention] = []
        if mode in ("predicted", "both"):
            predicted = match_text(doc.text, self._ensure_index(), abbrevs)
        if mode == "provided":
            mentions = provided_mentions(provided)
        elif mode == "both":
            mentions = merge_mentions(provided_mentions(provided), predicted)
        else:
            mentions = predicted
        set_mentions(doc, sorted(mentions, key=lambda m: (m.start, -m.end)))
        if mode == "predicted":
            doc.user_data[NESTED] = [to_dict(m) for m in pathway_members(doc.text, mentions, self._ensure_index())]
        return doc


_PATHWAY_HEAD = re.compile(r"[\s/-]*(?:signal+ing(?: pathways?| cascades?)?|signal transduction|pathways?|"
                           r"cascades?|axis)$", re.I)


def pathway_members(text: str, mentions: Iterable[Mention], index: LexiconIndex) -> list[Mention]:
    """The genes, families and complexes a pathway mention is named after ("PI3K", "Akt" and "mTOR" of
    "PI3K/Akt/mTOR signaling"), and the disease a process mention is of ("tumor" of "tumor growth"). They nest
    inside the pathway/process mention, so they are reported as mentions of the document but never take part
    in claims (the pathway or process is the claim argument)."""
    out = []
    for m in mentions:
        if m.type is EntityType.PATHWAY:
            head = _PATHWAY_HEAD.search(m.text)
            inner, kinds = (m.text[:head.start()] if head else ""), _GENE_TYPES
        elif m.type is EntityType.PROCESS and " " in m.text.strip():
            # "tumor growth", "tumor formation": the disease the process is of
            inner, kinds = m.text[:m.text.rstrip().rindex(" ")], frozenset({EntityType.DISEASE})
        else:
            continue
        if not inner.strip():
            continue
        for x in match_text(inner, index):
            if x.type in kinds:
                out.append(Mention(m.start + x.start, m.start + x.end, x.text, x.type, x.groundings, m.source))
    return out


def get_nested_mentions(doc: Doc) -> list[Mention]:
    return [from_dict(Mention, m) for m in doc.user_data.get(NESTED, [])]


def set_mentions(doc: Doc, mentions: list[Mention]) -> None:
    """Mentions are kept as plain dicts in ``user_data`` (msgpack-safe for multi-process ``nlp.pipe``)."""
    doc.user_data[MENTIONS] = [to_dict(m) for m in mentions]


def get_mentions(doc: Doc) -> list[Mention]:
    return [from_dict(Mention, m) for m in doc.user_data.get(MENTIONS, [])]


@Language.factory("igfkg_entities", default_config={})
def make_entities(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp, name)
