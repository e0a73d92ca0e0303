"""Screenshots of the main pages (``igfkg serve --screenshots DIR`` or ``python -m kg.serve.screenshots DIR``).

Starts the server on a free loopback port over the configured store, opens each page in headless
chromium and saves a PNG: home, search, entity, network, claim, paper, query (palette-quantized with
``pngquant`` when it is installed, to keep committed screenshots small). The entity shown is IGF1R
(HGNC:5465) when the graph has it, else the most connected entity.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from kg.serve.app import ServeConfig
from kg.settings import Settings


def take_screenshots(settings: Settings, config: ServeConfig, out_dir: Path, *, entity: str | None = None,
                     width: int = 1200) -> list[Path]:
    from selenium.webdriver.common.by import By

    from kg.serve import start_server
    from kg.serve.browser import Browser

    server = start_server(settings, replace(config, port=0, host="127.0.0.1"))
    written: list[Path] = []
    try:
        reader = server.context.reader
        curie = entity or ("HGNC:5465" if "HGNC:5465" in reader.entities() else
                           next((e.curie for e in reader.top_entities(1)), None))
        url = server.url
        with Browser(width, 800) as browser:
            driver = browser.driver

            def shot(name: str, path: str, height: int = 1100) -> None:
                driver.set_window_size(width, 800)
                driver.get(url + path)
                time.sleep(0.2)
                written.append(browser.screenshot(out_dir / f"{name}.png", height))

            shot("home", "/", 800)
            shot("search", "/search?q=IGF-1R", 700)
            if curie:
                shot("entity", "/entity/" + quote(curie, safe=":"), 1400)
                shot("network", "/entity/" + quote(curie, safe=":") + "/network?hop=2", 1300)
                rows = reader.entity_claims(curie, 200)
                best = sorted(rows["out"] + rows["in"], key=lambda c: (-c["papers"], -c["belief"], c["id"]))
                claim_path = f"/claim/{best[0]['id']}" if best else None  # the best-supported claim
                if claim_path:
                    shot("claim", claim_path, 1400)
                    driver.get(url + claim_path)
                    papers = driver.find_elements(By.CSS_SELECTOR, "blockquote.sentence footer a[href^='/paper/']")
                    if papers:
                        shot("paper", re.sub(r"^https?://[^/]+", "", papers[0].get_attribute("href")), 1200)
            shot("query", "/query?name=" + ("claims-about&entity=" + quote(curie, safe=":") if curie else "most-supported")
                 + "&limit=8", 1100)
    finally:
        server.stop()
    _shrink(written)
    return written


def _shrink(paths: list[Path]) -> None:
    """Palette-quantize the PNGs with pngquant when it is installed (about 3x smaller for these pages)."""
    import shutil
    import subprocess

    tool = shutil.which("pngquant")
    if tool is None:
        return
    for path in paths:
        subprocess.run([tool, "--force", "--skip-if-larger", "--quality", "65-90", "--strip", "--output", str(path),
                        str(path)], check=False, capture_output=True)


def main(argv: list[str] | None = None) -> None:
    from kg.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("docs/screenshots"))
    parser.add_argument("--data-dir", type=Path, default=None, help="project data directory (store/, curation/)")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--claims", type=Path, default=None)
    parser.add_argument("--entity", default=None, help="CURIE of the entity to show (default IGF1R)")
    args = parser.parse_args(argv)
    settings = load_settings(data_dir=args.data_dir, store=args.store)
    for path in take_screenshots(settings, ServeConfig(claims_file=args.claims), args.out_dir, entity=args.entity):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
