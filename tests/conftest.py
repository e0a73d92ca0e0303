"""Fixtures shared by every test module: paths, the ../shared material (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (seed, reference tables, BioRED); tests needing it skip with a reason when absent."""
    if not (SHARED / "corpora").is_dir() or not (SHARED / "reference").is_dir():
        pytest.skip(f"../shared is not present at {SHARED}: corpus/reference tests need it")
    return SHARED
