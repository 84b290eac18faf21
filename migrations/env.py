"""Alembic environment: migrates the database named by Storyline's settings, or the
connection handed in by ``app.migrate`` (tests, the CLI)."""

from __future__ import annotations

from alembic import context

import app.prep.models  # noqa: F401  (registers prep_deliveries on the metadata)
from app.db import make_engine
from app.records.models import Base
from app.settings import load_settings

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Runs migrations on the given connection, or on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or
                         load_settings().sqlalchemy_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run against a database")
run_migrations_online()
