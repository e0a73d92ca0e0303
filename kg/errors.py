"""The one error type users see.

Everything a user can cause (bad input file, bad PMID, SPARQL syntax error, unreachable endpoint)
raises :class:`IgfkgError` (or a subclass). The CLI prints ``str(error)`` as one line on stderr and exits
with status 1; anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations


class IgfkgError(Exception):
    """A user-facing error: one readable line naming the input and the problem.

    ``where`` names the input (a file path, optionally with ``:line`` or ``#article``), ``hint`` says
    how to fix it. Both are optional but should be given whenever known.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())  # always one line


class SourceError(IgfkgError):
    """A literature record could not be read (malformed, truncated, wrong encoding, unknown format)."""


class NetworkError(IgfkgError):
    """A remote service (NCBI E-utilities, a SPARQL endpoint) could not be reached or refused us."""


class QueryError(IgfkgError):
    """A SPARQL query or update was rejected (syntax error with line/column, timeout)."""


class StoreError(IgfkgError):
    """The RDF store could not be opened or written; nothing was changed."""


class OntologyError(IgfkgError):
    """The ontology, term tables or SHACL shapes are inconsistent or malformed."""


class CurationError(IgfkgError):
    """A curation decision or decisions file is invalid (the message names the line)."""
