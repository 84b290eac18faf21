"""The database engine and session factory (no Flask here; app/api wires it per request)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.settings import Settings

HASH_KEY = "hash_key"  # session.info: the key of erased addresses' hashes
VISIBILITY = "visibility"  # session.info: STORYLINE_VISIBILITY, the tenants' default policy
# session.info: STORYLINE_STALE_PROMISE_DAYS, the tenants' default age of a stale undated promise
STALE_PROMISE_DAYS = "stale_promise_days"
# session.info: the process's TtlCache of statistics (a tenant's deal-stage medians)
STATS_CACHE = "stats_cache"
STATS_SECONDS = 300.0
KEY_FILE = "erasure.key"
POOL_RECYCLE_SECONDS = 1800
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _psycopg_caches() -> None:
    """psycopg converts a statement's placeholders once per text, but not for a text over
    4 kB or with over 50 parameters (it keeps 128): the story's bundled statements are
    both, and paid that conversion (a regular-expression split of 10-20 kB) per request."""
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 64_000)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 500)


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3, timeouts)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 10}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    _psycopg_caches()
    connect_args = {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    # No pre-ping: it is a round trip (a wake-up of a PostgreSQL backend) on every checkout;
    # with BEGIN and ROLLBACK it was three of a folded story's eight round trips.
    # Connections are replaced after POOL_RECYCLE_SECONDS instead (before an idle-timeout
    # of a proxy or the server cuts them), and one that died anyway (a server restart)
    # fails the statement that meets it: SQLAlchemy then invalidates it and every older
    # pooled connection, so the next checkout connects afresh, and read-only views retry
    # once (:func:`retry_on_disconnect`).
    return sa.create_engine(
        url, pool_pre_ping=False, pool_recycle=POOL_RECYCLE_SECONDS, pool_size=5,
        max_overflow=5, connect_args=connect_args, **kwargs
    )


def is_disconnect(exc: BaseException) -> bool:
    """Whether a database error was a lost connection (the pool has dropped it)."""
    return isinstance(exc, sa.exc.DBAPIError) and bool(exc.connection_invalidated)


def retry_on_disconnect(session: Session, read: Callable[[], T]) -> T:
    """Runs a read; when it met a connection that had died (the database restarted while it
    sat in the pool), rolls the session back and runs it once more on a new connection."""
    try:
        return read()
    except sa.exc.DBAPIError as exc:
        if not is_disconnect(exc):
            raise
        session.rollback()
        return read()


def hash_key(settings: Settings) -> bytes:
    """The key erased addresses are hashed with: ``STORYLINE_ERASURE_KEY``, or else a random
    key made once and kept (mode 0600) in the instance folder."""
    if settings.erasure_key:
        return settings.erasure_key.reveal().encode()
    path = Path(settings.instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # first writer wins; a racing process reads its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip().encode()


class TtlCache:
    """Values kept for ``seconds`` per key in this process: for statistics only (a tenant's
    stage medians), never for what a privacy decision reads."""

    def __init__(self, seconds: float, max_items: int = 10_000) -> None:
        self.seconds, self.max_items = seconds, max_items
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        """The value kept under ``key``, or None when there is none or it is too old."""
        found = self._items.get(key)
        return found[1] if found is not None and found[0] > time.monotonic() else None

    def put(self, key: Any, value: Any) -> None:
        """Keeps ``value`` under ``key`` for ``seconds``."""
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.seconds, value)


class Database:
    """One engine and session factory per process.

    ``hash_key`` (see :func:`hash_key`), ``visibility`` and ``stale_promise_days`` ride on
    every session's ``info`` so the records layer can recognise erased addresses and apply the
    default visibility policy and promise ageing without a settings object; so does one
    :class:`TtlCache` of statistics (stage medians, ``stats_seconds`` old at most) shared by
    the process's sessions.
    """

    def __init__(self, url: str, *, hash_key: bytes | None = None,
                 visibility: str = "subject", stale_promise_days: int = 14,
                 stats_seconds: float = STATS_SECONDS, **engine_kwargs: Any) -> None:
        self.engine = make_engine(url, **engine_kwargs)
        info: dict[str, Any] = {VISIBILITY: visibility, STALE_PROMISE_DAYS: stale_promise_days,
                                STATS_CACHE: TtlCache(stats_seconds)}
        if hash_key:
            info[HASH_KEY] = hash_key
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, info=info)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error (CLI, jobs)."""
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """Raises when the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        """Closes pooled connections (tests, forks)."""
        self.engine.dispose()
