"""The database engine and session factory (no Flask here; app/api wires it per request)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.settings import Settings

HASH_KEY = "hash_key"  # session.info: the key of erased addresses' hashes
VISIBILITY = "visibility"  # session.info: STORYLINE_VISIBILITY, the tenants' default policy
# session.info: STORYLINE_STALE_PROMISE_DAYS, the tenants' default age of a stale undated promise
STALE_PROMISE_DAYS = "stale_promise_days"
KEY_FILE = "erasure.key"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3, timeouts)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 10}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=connect_args, **kwargs
    )


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


class Database:
    """One engine and session factory per process.

    ``hash_key`` (see :func:`hash_key`), ``visibility`` and ``stale_promise_days`` ride on
    every session's ``info`` so the records layer can recognise erased addresses and apply the
    default visibility policy and promise ageing without a settings object.
    """

    def __init__(self, url: str, *, hash_key: bytes | None = None,
                 visibility: str = "subject", stale_promise_days: int = 14,
                 **engine_kwargs: Any) -> None:
        self.engine = make_engine(url, **engine_kwargs)
        info: dict[str, Any] = {VISIBILITY: visibility, STALE_PROMISE_DAYS: stale_promise_days}
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
