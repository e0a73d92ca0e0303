"""``make bench``: the issue-7 harness at its default sizes, results into BENCHMARKS.md (## Performance).

A thin entry point so the Makefile has one stable name; everything lives in ``bench/perf.py`` (see its
docstring and docs/scaling.md). Extra arguments are passed through, e.g. ``--quick`` or ``--stages``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perf  # noqa: E402


def main() -> int:
    args = sys.argv[1:]
    if "--workdir" not in args:
        args += ["--workdir", tempfile.mkdtemp(prefix="igfkg-perf-")]
    if "--markdown-into" not in args:
        args += ["--markdown-into", str(Path(__file__).resolve().parents[1] / "BENCHMARKS.md")]
    return perf.main(args)


if __name__ == "__main__":
    sys.exit(main())
