"""Opening a store: the engine, the schema's version (Alembic migrations), the writer lock, and the
one-line errors a broken store gives.

SQLite is opened in WAL mode (readers never block the writer; a killed writer leaves the last
committed transaction) with ``synchronous=NORMAL`` (a commit survives the process being killed; a
power cut may lose the last commits, never the file's consistency). One writer at a time: a
``flock`` on ``PATH.lock`` beside an SQLite file, ``pg_try_advisory_lock`` on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import (
    StoreBusyError,
    StoreError,
    StoreExtraMissingError,
    StoreMissingError,
    StoreVersionError,
)
from ._url import StoreURL, redact

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

_MIGRATIONS = Path(__file__).parent / "migrations"
#: The advisory lock's key on PostgreSQL: one number for every store (one store per database).
ADVISORY_LOCK_KEY = 0x41494D4C_53594E43  # "AIMLSYNC"
#: How long a reader (report) waits for the writer's commit before giving up.
BUSY_TIMEOUT_MS = 10_000
STORE_EXTRA = "pip install 'aimlapi-billing[store]'"
POSTGRES_EXTRA = "pip install 'aimlapi-billing[postgres]'"


def _import_sqlalchemy(url: StoreURL) -> None:
    # Alembic is not imported here: a reader (check-keys --db, every few minutes) never needs it,
    # and its import is a third of such a run. The [store] extra installs both; upgrade() imports it.
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise StoreExtraMissingError(f"the store needs the [store] extra: {STORE_EXTRA}") from None
    if url.dialect == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreExtraMissingError(f"a PostgreSQL store needs the [postgres] extra: {POSTGRES_EXTRA}") from None


def _first_line(exc: BaseException) -> str:
    # psycopg's messages run over several lines (DETAIL, HINT); SQLAlchemy appends its own links.
    original = getattr(exc, "orig", None) or exc
    return redact(str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__)


def unusable(url: StoreURL, exc: BaseException) -> StoreError:
    """The one-line error for a database error ``exc`` of the store at ``url``."""
    text = _first_line(exc)
    lower = text.lower()
    if "file is not a database" in lower or "malformed" in lower or "not a database" in lower:
        return StoreError(f"{url} is not a store (not an SQLite database, or a corrupt one): {text}")
    if "readonly" in lower or "read-only" in lower:
        return StoreError(f"{url} is read-only: {text}; nothing was written")
    if "full" in lower or "disk i/o error" in lower:
        # SQLite says "disk I/O error" rather than "full" when the WAL's index cannot grow.
        return StoreError(f"{url}: the disk is full or failing ({text}); what was synced before is kept")
    if "unable to open" in lower:
        return StoreError(f"{url} cannot be opened: {text}")
    return StoreError(f"the store {url}: {text}")


class Store:
    """An open store: :meth:`transaction` for writes, :meth:`connect` for reads, :meth:`writer_lock`."""

    def __init__(self, url: StoreURL, engine: Engine) -> None:
        self.url = url
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.url.dialect

    @property
    def placeholder(self) -> str:
        """The driver's parameter marker, for the bulk inserts that bypass SQLAlchemy's compiler."""
        return "?" if self.url.dialect == "sqlite" else "%s"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One database transaction: committed when the block ends, rolled back when it raises."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.begin() as connection:
                yield connection
        except DBAPIError as exc:
            raise unusable(self.url, exc) from None

    @contextlib.contextmanager
    def atomic(self, connection: Connection) -> Iterator[Connection]:
        """One transaction on a connection held for many (a sync's: no pool checkout per page)."""
        from sqlalchemy.exc import DBAPIError

        try:
            with connection.begin():
                yield connection
        except DBAPIError as exc:
            raise unusable(self.url, exc) from None

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as connection:
                yield connection
        except DBAPIError as exc:
            raise unusable(self.url, exc) from None

    @contextlib.contextmanager
    def writer_lock(self, *, wait: bool) -> Iterator[None]:
        """Held for a whole sync: StoreBusyError at once when another holds it (unless ``wait``)."""
        busy = f"another sync is writing to {self.url} (its lock is held); try again when it ends, or give --wait"
        if self.url.dialect == "sqlite":
            real = self.url.real_path()
            assert real is not None
            # Beside the file itself, not the name given: a symlink's alias takes the same lock.
            with _file_lock(Path(f"{real}.lock"), wait=wait, busy=busy):
                yield
            return
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except DBAPIError as exc:
            raise unusable(self.url, exc) from None
        with connection:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            elif not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar():
                raise StoreBusyError(busy)
            try:
                yield
            finally:
                with contextlib.suppress(DBAPIError):
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})

    def close(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def _file_lock(path: Path, *, wait: bool, busy: str) -> Iterator[None]:
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot open the store's lock file {path}: {exc.strerror}") from None
    try:
        try:
            _lock_descriptor(descriptor, wait=wait)
        except BlockingIOError:
            raise StoreBusyError(busy) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only

    def _lock_descriptor(descriptor: int, *, wait: bool) -> None:
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None

else:

    def _lock_descriptor(descriptor: int, *, wait: bool) -> None:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


def _read_only_medium(path: Path) -> bool:
    """A store a reader finds on a read-only file system (a snapshot, a read-only mount): SQLite in WAL
    mode cannot make its index file (PATH-shm) there, and no writer can change the file meanwhile."""
    return not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists()


def _engine(url: StoreURL, *, reader: bool = False) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

    if url.dialect == "sqlite":
        assert url.path is not None
        if reader and _read_only_medium(url.path):
            import sqlite3
            import urllib.parse

            uri = f"file:{urllib.parse.quote(str(url.path))}?mode=ro&immutable=1"
            return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
        engine = create_engine(URL.create("sqlite", database=str(url.path)))

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Per connection: in WAL mode a commit then costs no fsync, and survives a killed process.
            cursor.execute("PRAGMA synchronous = NORMAL")
            # A page of rows touches ~100 leaves of the (random) id index: a 64 MB cache keeps them,
            # and a checkpoint every 64 MB of WAL (not 4 MB) writes each leaf once for many commits.
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.execute("PRAGMA wal_autocheckpoint = 16384")
            cursor.execute("PRAGMA journal_size_limit = 67108864")  # the WAL shrinks back to 64 MB at most
            cursor.close()

        return engine
    return create_engine(
        URL.create(
            "postgresql+psycopg",
            username=url.user,
            host=url.host,
            port=url.port,
            database=url.database,
            query=dict(url.options),
        ),
        pool_pre_ping=False,
    )


def _wal(store: Store) -> None:
    """WAL mode, set once in the file (it persists), by the writer."""
    if store.dialect != "sqlite":
        return
    from sqlalchemy import text

    with store.connect() as connection:
        connection.execute(text("PRAGMA journal_mode = WAL"))


def open_store(url: StoreURL, *, create: bool) -> Store:
    """The store at ``url``, not yet checked (:func:`upgrade` or :func:`check_current` do that).
    Without ``create``, a missing SQLite file is StoreMissingError (never an empty file made)."""
    _import_sqlalchemy(url)
    if url.dialect == "sqlite":
        assert url.path is not None
        if url.path.is_dir():
            raise StoreError(f"{url} is a directory, not a store")
        if not url.path.exists():
            if not create:
                raise StoreMissingError(f"no store at {url} yet: run `aimlapi-billing sync` first")
            try:
                url.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot make the directory of {url}: {exc.strerror}") from None
    return Store(url, _engine(url, reader=not create))


def known_revisions() -> list[str]:
    """The revisions this version knows, oldest first: each migration file is named REVISION_what.py
    (read from the names, without importing Alembic: the readers' path)."""
    return sorted(path.name.split("_", 1)[0] for path in (_MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(connection: Connection) -> tuple[str | None, bool]:
    """The store's schema revision (None: no schema yet) and whether it has other tables (not ours)."""
    from sqlalchemy import inspect

    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return None, bool(tables)
    from sqlalchemy import text

    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return (None if revision is None else str(revision)), False


def _refuse_newer(store: Store, revision: str) -> None:
    if revision not in known_revisions():
        raise StoreVersionError(
            f"{store.url} was written by a newer aimlapi-billing (schema {revision}; this version knows up to "
            f"{head_revision()}): upgrade aimlapi-billing to use it; nothing was changed"
        )


def upgrade(store: Store) -> None:
    """Bring the schema to this version's head (the writer lock held): create it in an empty
    database, migrate an older one; refuse a newer one, or a database with tables of its own."""
    try:
        from alembic import command
        from alembic.config import Config
    except ImportError:
        raise StoreExtraMissingError(f"the store needs the [store] extra: {STORE_EXTRA}") from None
    from sqlalchemy.exc import DBAPIError

    try:
        with store.connect() as connection:  # checked before anything is written, WAL mode included
            revision, foreign = current_revision(connection)
        if foreign:
            raise StoreError(f"{store.url} is not a store: it holds tables of another application; nothing was changed")
        if revision is not None:
            _refuse_newer(store, revision)
        _wal(store)
        if revision == head_revision():
            return
        engine = _migration_engine(store)
        try:
            with engine.begin() as connection:
                config = Config()
                config.set_main_option("script_location", str(_MIGRATIONS))
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            if engine is not store.engine:
                engine.dispose()
    except DBAPIError as exc:
        raise unusable(store.url, exc) from None


def _migration_engine(store: Store) -> Engine:
    """The engine a migration runs on: on SQLite one whose transaction holds the DDL too.

    pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so each CREATE TABLE commits on
    its own: a first sync killed (or out of disk) while creating the schema left half a schema, and
    every later sync failed on "table ... already exists". SQLAlchemy's recipe for pysqlite
    (transactional DDL): no implicit BEGIN from the driver, an explicit one from us, so the whole
    migration commits or none of it does."""
    if store.dialect != "sqlite":
        return store.engine  # PostgreSQL's DDL is transactional already
    from sqlalchemy import event

    engine = _engine(store.url)

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def check_current(store: Store) -> None:
    """For a reader: the schema must be this version's (a sync brings an older one up to date)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with store.connect() as connection:
            revision, foreign = current_revision(connection)
    except DBAPIError as exc:
        raise unusable(store.url, exc) from None
    if foreign or revision is None:
        raise StoreError(f"{store.url} is not a store of aimlapi-billing (run `aimlapi-billing sync` to make one)")
    _refuse_newer(store, revision)
    if revision != head_revision():
        raise StoreVersionError(
            f"{store.url} has an older schema ({revision}): run `aimlapi-billing sync` once to upgrade it"
        )
