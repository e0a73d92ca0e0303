"""``igfkg fetch``: download PubMed records (and the works they cite) into the raw-data cache."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import pass_settings, show_progress
from kg.settings import Settings


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("pmids", nargs=-1)
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read PMIDs from a file (one per line; '#' comments).")
@click.option("--search", metavar="QUERY", help="Also fetch what a PubMed search finds (esearch), up to --limit.")
@click.option("--references", is_flag=True, help="Follow cited works (reference lists and elink) one level deep.")
@click.option("--depth", type=click.IntRange(0, 10), default=None,
              help="Levels of cited works to follow (implies --references).  [default: 1 with --references]")
@click.option("--no-elink", is_flag=True, help="Follow only the records' own reference lists, not elink.")
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=5000, show_default=True,
              help="At most this many records in all.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Cache directory (one <PMID>.xml per record + index.json).  [default: <data-dir>/raw/pubmed]")
@click.option("--email", help="Contact e-mail NCBI asks tools to send (IGFKG_NCBI_EMAIL / NCBI_EMAIL).")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=30.0, show_default=True,
              help="Seconds to wait for each response.")
@pass_settings
def fetch(settings: Settings, pmids: tuple[str, ...], from_file: Path | None, search: str | None, references: bool,
          depth: int | None, no_elink: bool, limit: int, out: Path | None, email: str | None, timeout: float) -> None:
    """Download PubMed records with NCBI E-utilities into a local cache.

    Records are saved as PubMed XML, one <PMID>.xml each, under data/raw/pubmed/ (so `igfkg build` reads
    them). With --references the works each record cites are fetched too (its reference list and
    elink pubmed_pubmed_refs), to --depth levels. Already-downloaded records are never fetched again: a
    second run with the same arguments sends no request.

    NCBI's rules are followed: tool/e-mail identification, an API key from IGFKG_NCBI_API_KEY or
    NCBI_API_KEY (10 requests/s instead of 3), at most 200 IDs per request, retries with backoff.
    IGFKG_NCBI_BASE_URL points the client at another E-utilities server (a mirror, a test server).

    \b
    Examples:
      igfkg fetch 38865036 --references
      igfkg fetch --from-file pmids.txt --out downloads/
      igfkg fetch --search "IGF1R AND cancer stem cells" --limit 200
    """
    from kg.errors import IgfkgError
    from kg.sources.eutils import EutilsClient, fetch as run_fetch, parse_pmids, pmids_from_file

    unknown = [p for p in pmids if p.startswith("--")]  # options are only let through for negative numbers
    if unknown:
        raise click.UsageError(f"no such option: {unknown[0]}")
    wanted = parse_pmids(pmids)  # validated before anything is sent or written
    if from_file is not None:
        wanted = list(dict.fromkeys([*wanted, *pmids_from_file(from_file)]))
    if not wanted and not search:
        raise IgfkgError("no PMIDs given", hint="pass PMIDs, --from-file FILE or --search QUERY")
    follow = depth if depth is not None else (1 if references else 0)
    out_dir = out or settings.raw_dir / "pubmed"
    client = EutilsClient(settings.ncbi_base_url, email=email or settings.ncbi_email, api_key=settings.ncbi_api_key,
                          timeout=timeout)
    bar = None
    if show_progress(settings):
        from tqdm import tqdm

        bar = tqdm(desc="records", unit="rec", leave=False)
    try:
        report = run_fetch(client, wanted, out_dir, depth=follow, elink=not no_elink, limit=limit, search=search,
                           progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    if settings.verbosity >= 0:
        parts = [f"{report.downloaded} downloaded", f"{report.cached} already cached",
                 f"{len(report.missing)} not in PubMed"]
        if follow:
            parts.append(f"{report.references} cited works found to depth {follow}")
        click.echo(f"fetch: {', '.join(parts)}; {report.requests} requests; records in {out_dir}")
        if report.missing:
            click.echo("not in PubMed: " + " ".join(report.missing[:20]) + (" ..." if len(report.missing) > 20 else ""))
        if report.limited:
            click.echo(f"stopped at --limit {limit}", err=True)
