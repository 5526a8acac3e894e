"""Where the store is: ``--db``, else ``$AIMLAPI_BILLING_DB``, else the user's data directory.

``sqlite:///ABS/PATH`` (or a plain file path) is one SQLite file; ``postgresql://USER@HOST:PORT/DB``
a PostgreSQL database reached with psycopg 3, whose password comes from libpq's own sources
(``$PGPASSWORD``, ``~/.pgpass``, ``$PGPASSFILE``), never from the URL: a URL with a password is
refused (it would sit in shell history, ``ps`` and logs), and so is any ``pass``-like query option
(``password``, ``sslpassword``, ``passfile``), a database name holding ``=`` or whitespace, and a libpq
keyword string (``host=... password=...``), which is never shown and never taken for a file path.
Every message shows :func:`redact`'s form: no URL password
and no query value, ever (a query value may be a secret this code does not know the name of).
An address that is wrong as written is :class:`StoreAddressError` (a usage error: exit 2), whether it
came from ``--db`` or ``$AIMLAPI_BILLING_DB``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ._errors import StoreAddressError

ENV_VAR = "AIMLAPI_BILLING_DB"
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# user:password@ in any URL-looking text: what redact() hides.
_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/\s]*):[^@/\s]*@")
# The query of a URL-looking text: every value in it is masked (name=***), whatever the name.
_QUERY = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^?\s'\"]*)\?(?P<query>[^\s'\"]*)")
# Query options that carry a secret (or where to read one): refused in a store URL.
_SECRET_OPTION = re.compile(r"pass", re.IGNORECASE)
# A libpq keyword string ("host=db port=5432 password=..."): two word=value pairs apart, or any pass...= key.
# As a plain path it would become a local SQLite file named after the password.
_KEYWORDS = re.compile(r"\w\s*=\s*\S*\s+\w+\s*=|pass\w*\s*=", re.IGNORECASE)
# A pass...= key and its value in any text (libpq echoes a conninfo in some errors): what redact() hides.
_KEYWORD_SECRET = re.compile(r"(?P<key>\w*pass\w*\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def default_path() -> Path:
    """``$XDG_DATA_HOME/aimlapi-billing/spend.db`` (``~/.local/share/aimlapi-billing/spend.db``)."""
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home and Path(data_home).is_absolute() else Path.home() / ".local" / "share"
    return base / "aimlapi-billing" / "spend.db"


def redact(text: str) -> str:
    """``text`` with any URL password and the value of ``$PGPASSWORD`` replaced by ``***``."""
    text = _CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", text)
    text = _QUERY.sub(lambda match: f"{match['head']}?{_masked_query(match['query'])}", text)
    text = _KEYWORD_SECRET.sub(r"\g<key>***", text)
    secret = os.environ.get("PGPASSWORD", "")
    return text.replace(secret, "***") if len(secret) >= 4 else text


def _masked_query(query: str) -> str:
    return "&".join(f"{item.partition('=')[0]}=***" if "=" in item else item for item in query.split("&"))


@dataclass(frozen=True)
class StoreURL:
    """A parsed store address: an SQLite ``path``, or PostgreSQL's ``user``, ``host``, ``port``, ``database``."""

    dialect: str  # "sqlite" or "postgresql"
    path: Path | None = None
    user: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    options: tuple[tuple[str, str], ...] = field(default=())

    def real_path(self) -> Path | None:
        """An SQLite store's file with every symlink resolved: what SQLite opens, and what its WAL,
        its index and its lock sit beside (one lock for every alias of the file)."""
        return None if self.path is None else self.path.resolve()

    def own_files(self) -> frozenset[Path]:
        """An SQLite store's file and its companions (WAL, index, journal, lock), symlinks resolved:
        what no output file may be."""
        real = self.real_path()
        if real is None:
            return frozenset()
        return frozenset(Path(f"{real}{suffix}") for suffix in ("", "-wal", "-shm", "-journal", ".lock"))

    def __str__(self) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.path}"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port is not None else ""
        return f"postgresql://{user}{self.host or ''}{port}/{self.database or ''}"


def parse(text: str) -> StoreURL:
    """The store at ``text``; :class:`StoreError` for anything else (a password in the URL included)."""
    if not text.strip() or not text.isprintable():
        raise StoreAddressError(f"not a store address: {redact(text)!r}")
    if text != text.strip():
        # " /x/spend.db" would make a new, empty store in a directory named " ".
        raise StoreAddressError(f"a store address with leading or trailing whitespace is refused: {redact(text)!r}")
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme == "sqlite":
        path_text = text[len("sqlite:///") :] if text.lower().startswith("sqlite:///") else ""
        if not path_text.startswith("/"):
            raise StoreAddressError(
                f"an SQLite store URL is sqlite:///ABSOLUTE/PATH (or give the path alone), not {redact(text)!r}"
            )
        return StoreURL("sqlite", path=Path(path_text))
    if scheme in _POSTGRES_SCHEMES:
        return _postgres(text)
    if scheme:
        raise StoreAddressError(
            f"not a store URL: {redact(text)!r} (sqlite:///ABS/PATH, postgresql://USER@HOST:PORT/DB or a file path)"
        )
    if _KEYWORDS.search(text):
        # Never shown: the whole string may be a secret's neighbourhood (a password among its values).
        raise StoreAddressError(
            "a libpq keyword string (key=value ...) is not a store address, and it is not shown: give "
            "postgresql://USER@HOST:PORT/DB, the password in $PGPASSWORD or ~/.pgpass (libpq)"
        )
    return StoreURL("sqlite", path=Path(text).expanduser().absolute())


def _postgres(text: str) -> StoreURL:
    parts = urlsplit(text)
    if parts.password is not None:
        raise StoreAddressError(
            f"{redact(text)}: a password in the store URL is refused; give it in $PGPASSWORD or ~/.pgpass (libpq)"
        )
    options = tuple(parse_qsl(parts.query, keep_blank_values=True))
    if any(_SECRET_OPTION.search(name) for name, _ in options):
        raise StoreAddressError(
            f"{redact(text)}: no password options in the store URL; libpq reads $PGPASSWORD or ~/.pgpass"
        )
    database = unquote(parts.path.lstrip("/"))
    try:
        port = parts.port
    except ValueError:
        raise StoreAddressError(f"not a port in the store URL {redact(text)!r}") from None
    if any(char == "=" or char.isspace() for char in database):
        # libpq would read such a name as a keyword string ("host=x password=y"): refused, never echoed.
        raise StoreAddressError(
            f"{redact(_without_path(text))}/...: a database name holding '=' or whitespace is refused "
            "(libpq would read it as key=value settings)"
        )
    if not parts.hostname or not database:
        raise StoreAddressError(f"a PostgreSQL store URL is postgresql://USER@HOST:PORT/DB, not {redact(text)!r}")
    user = unquote(parts.username) if parts.username else None
    return StoreURL("postgresql", user=user, host=parts.hostname, port=port, database=database, options=options)


def _without_path(text: str) -> str:
    """A PostgreSQL URL up to its database name (which is not shown)."""
    parts = urlsplit(text)
    return f"{parts.scheme}://{parts.netloc}"


def resolve(given: str | None) -> StoreURL:
    """``given`` (``--db``), else ``$AIMLAPI_BILLING_DB``, else :func:`default_path`."""
    if given is not None:
        return parse(given)
    from_env = os.environ.get(ENV_VAR, "")
    return parse(from_env) if from_env else StoreURL("sqlite", path=default_path())
