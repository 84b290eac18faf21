"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL, and
the newest one can be undone and redone (an admin rolling back a release keeps a database)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import app.prep.models  # noqa: F401  (registers prep_deliveries on the metadata)
from app.db import make_engine
from app.migrate import downgrade, upgrade
from app.records.models import Base


def _differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


def test_the_migrated_schema_is_the_models_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_teams_thread_migration_goes_down_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        downgrade(engine, "0004_draft_choices")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("interactions")}
        assert "teams_thread_id" not in columns
        upgrade(engine)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("interactions")}
        assert "teams_thread_id" in columns
    finally:
        upgrade(engine)  # the shared test database is left at head whatever happened
        engine.dispose()


def test_migration_files_are_numbered_in_the_order_they_run() -> None:
    from pathlib import Path

    from alembic.script import ScriptDirectory

    folder = Path(__file__).resolve().parents[2] / "migrations"
    script = ScriptDirectory(str(folder))
    chain = list(reversed(list(script.walk_revisions())))
    assert len(script.get_heads()) == 1
    for position, rev in enumerate(chain, start=1):
        name = Path(rev.path).name
        assert name.startswith(f"{position:04d}_"), (position, name)
        assert rev.revision == name.removesuffix(".py"), name
