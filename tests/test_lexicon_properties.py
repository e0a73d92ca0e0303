"""Property-based checks of the key normalization and of lookups on arbitrary text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.lexicon import load_lexicon, normalize

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
words = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x3000, blacklist_categories=("Cs",)),
                max_size=40)
symbolish = st.from_regex(r"[A-Z]{2,5}[- ]?[0-9]{0,2}[A-Za-z]{0,2}", fullmatch=True)


@given(words)
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)
    assert normalize(normalize(text, keep_case=True), keep_case=True) == normalize(text, keep_case=True)


@given(symbolish, st.sampled_from(DASHES))
def test_any_dash_or_space_gives_the_same_key(symbol, dash):
    assert normalize(symbol.replace("-", dash)) == normalize(symbol) == normalize(symbol.replace("-", " "))


@given(symbolish)
def test_casefolded_key_equals_casefold_of_case_kept_key(symbol):
    assert normalize(symbol) == normalize(symbol, keep_case=True).casefold()


@settings(max_examples=200, deadline=None)
@given(words)
def test_lookup_explain_ambiguity_never_raise(text):
    lex = load_lexicon()
    found = lex.lookup(text)
    assert all(0 < g.score <= 1 for g in found)
    assert [g.score for g in found] == sorted((g.score for g in found), reverse=True) or \
        any(e.status == "case_mismatch" for e in lex.explain(text))
    lex.explain(text)
    lex.ambiguity(text)
