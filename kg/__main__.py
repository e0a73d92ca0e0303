"""``python -m kg`` is the same as ``igfkg``."""

from kg.cli import run

if __name__ == "__main__":
    run()
