"""Who may write: curators (token file → browser sessions with CSRF tokens) and SPARQL update clients (bearer).

A local tool does not need an identity provider; it needs to know *which curator* made a decision and to
refuse writes from anyone else. Curators are listed in a JSON file (default
``data/curation/curators.json``) with the SHA-256 of their token, never the token itself::

    {"curators": [{"id": "https://orcid.org/0000-0002-1825-0097", "name": "Josiah Carberry",
                   "token_sha256": "…"}]}

(``{"<token>": {"curator": "...", "name": "..."}}`` — plain tokens as keys — is read too, for quick setups.)
``igfkg serve --add-curator ID --name NAME`` appends an entry and prints a fresh token once.

Signing in exchanges the token for a random session cookie (HttpOnly, SameSite=Strict); every form that
writes carries the session's CSRF token, and the server also rejects cross-origin POSTs by their Origin.
API clients may instead send ``Authorization: Bearer <curator token>`` (no cookie, so no CSRF risk).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kg.errors import IgfkgError

SESSION_COOKIE = "igfkg_session"
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Curator:
    id: str  # what decisions record as ``curator``: an ORCID (IRI or bare) or a name
    name: str

    @property
    def display(self) -> str:
        return self.name or self.id


def token_digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def load_curators(path: Path) -> dict[str, Curator]:
    """token SHA-256 → curator; a missing file means no curators (browser curation disabled)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, json.JSONDecodeError) as exc:
        raise IgfkgError(f"cannot read the curators file: {exc}", where=str(path),
                         hint='expected {"curators": [{"id": ..., "name": ..., "token_sha256": ...}]}') from None
    out: dict[str, Curator] = {}
    if isinstance(data, dict) and "curators" in data:
        entries = data["curators"]
        if not isinstance(entries, list):
            raise IgfkgError('"curators" must be a list', where=str(path))
        for i, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("id") or not (entry.get("token_sha256") or entry.get("token")):
                raise IgfkgError(f"curator #{i} needs 'id' and 'token_sha256'", where=str(path))
            digest = entry.get("token_sha256") or token_digest(str(entry["token"]))
            out[str(digest).lower()] = Curator(str(entry["id"]).strip(), str(entry.get("name") or "").strip())
    elif isinstance(data, dict):
        for token, value in data.items():
            if isinstance(value, str):
                out[token_digest(token)] = Curator(value.strip(), "")
            elif isinstance(value, dict) and (value.get("curator") or value.get("id")):
                out[token_digest(token)] = Curator(str(value.get("curator") or value.get("id")).strip(),
                                                   str(value.get("name") or "").strip())
            else:
                raise IgfkgError(f"token entry {token[:4]}… needs a curator id", where=str(path))
    else:
        raise IgfkgError("the curators file must hold a JSON object", where=str(path))
    return out


def add_curator(path: Path, curator_id: str, name: str = "") -> str:
    """Append a curator with a new random token (stored hashed); returns the token, shown once."""
    curator_id = curator_id.strip()
    if not curator_id:
        raise IgfkgError("a curator needs an id (ORCID or name)")
    data: dict = {"curators": []}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise IgfkgError(f"cannot read the curators file: {exc}", where=str(path)) from None
        if not isinstance(data, dict) or not isinstance(data.get("curators"), list):
            raise IgfkgError("this curators file is not in the {\"curators\": [...]} form; add the entry by hand",
                             where=str(path))
    token = secrets.token_urlsafe(24)
    data["curators"].append({"id": curator_id, "name": name.strip(), "token_sha256": token_digest(token)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return token


def read_update_token(token_file: Path | None, environ: dict[str, str] | None = None) -> str | None:
    """The bearer token for SPARQL updates: first line of ``token_file``, else ``IGFKG_SERVE_TOKEN``."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip().splitlines()
        except (OSError, UnicodeError) as exc:
            raise IgfkgError(f"cannot read the token file: {exc}", where=str(token_file)) from None
        if not token or len(token[0].strip()) < 16:
            raise IgfkgError("the token file must start with a token of at least 16 characters", where=str(token_file))
        return token[0].strip()
    env = os.environ if environ is None else environ
    value = (env.get("IGFKG_SERVE_TOKEN") or "").strip()
    if value and len(value) < 16:
        raise IgfkgError("IGFKG_SERVE_TOKEN must be at least 16 characters")
    return value or None


@dataclass
class Session:
    curator: Curator
    csrf: str
    expires: float


class Auth:
    """Curator tokens and in-memory sessions (a restart signs everyone out, which is fine for a local tool)."""

    def __init__(self, curators_file: Path) -> None:
        self.curators_file = curators_file
        self._curators = load_curators(curators_file)
        self._mtime = self._stat()
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def _stat(self) -> float:
        try:
            return self.curators_file.stat().st_mtime
        except OSError:
            return 0.0

    @property
    def enabled(self) -> bool:
        self._reload()
        return bool(self._curators)

    def _reload(self) -> None:
        """Pick up curators added while the server runs (``igfkg serve --add-curator`` in another shell)."""
        mtime = self._stat()
        if mtime != self._mtime:
            try:
                self._curators = load_curators(self.curators_file)
            except IgfkgError:
                return  # keep the last good list; the file is being edited
            self._mtime = mtime

    def curator_for_token(self, token: str) -> Curator | None:
        self._reload()
        digest = token_digest(token)
        for known, curator in self._curators.items():
            if hmac.compare_digest(known, digest):
                return curator
        return None

    def sign_in(self, token: str) -> tuple[str, Session] | None:
        curator = self.curator_for_token(token)
        if curator is None:
            return None
        sid = secrets.token_urlsafe(32)
        session = Session(curator, secrets.token_urlsafe(24), time.time() + SESSION_SECONDS)
        with self._lock:
            now = time.time()
            for key in [k for k, s in self._sessions.items() if s.expires < now]:
                del self._sessions[key]
            self._sessions[sid] = session
        return sid, session

    def session(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or session.expires < time.time():
                self._sessions.pop(sid, None)
                return None
            return session

    def sign_out(self, sid: str | None) -> None:
        if sid:
            with self._lock:
                self._sessions.pop(sid, None)


def session_cookie(sid: str, *, secure: bool = False, clear: bool = False) -> str:
    attrs = f"{SESSION_COOKIE}={'' if clear else sid}; Path=/; HttpOnly; SameSite=Strict"
    attrs += "; Max-Age=0" if clear else f"; Max-Age={SESSION_SECONDS}"
    return attrs + ("; Secure" if secure else "")
