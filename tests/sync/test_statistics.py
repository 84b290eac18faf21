"""The sync keeps PostgreSQL's planner statistics up with a backfill (app/sync/statistics.py):
a table that grew by half since its last ANALYZE is analyzed again, every few pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import make_engine
from app.records.models import Account, new_id
from app.records.tenants import ensure_tenant
from app.sync import statistics


@pytest.fixture
def pg_session(pg_url: str) -> Iterator[Session]:
    engine = make_engine(pg_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _analyzed(session: Session, table: str) -> int:
    return int(session.scalar(sa.text(
        "SELECT analyze_count + autoanalyze_count FROM pg_stat_user_tables WHERE relname = :t"),
        {"t": table}) or 0)


@pytest.mark.postgres
def test_a_grown_table_is_analyzed_and_a_settled_one_is_not(
        pg_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    s = pg_session
    monkeypatch.setattr(statistics, "_pages", 0)
    tenant = uuid.uuid4()
    ensure_tenant(s, tenant_id=tenant, name="Stats Ltd", domains=["stats.example"])
    s.add_all(Account(tenant_id=tenant, id=new_id(), name=f"Account {n}", interaction_count=0)
              for n in range(1500))
    s.commit()
    s.execute(sa.text("SELECT pg_stat_force_next_flush()"))
    s.commit()
    before = _analyzed(s, "accounts")
    # only every CHECK_EVERY-th page looks
    assert all(statistics.after_page(s) == [] for _ in range(statistics.CHECK_EVERY - 1))
    assert "accounts" in statistics.after_page(s)
    assert _analyzed(s, "accounts") == before + 1
    # analyzed now: the next look leaves it alone
    for _ in range(statistics.CHECK_EVERY - 1):
        statistics.after_page(s)
    assert "accounts" not in statistics.after_page(s)


def test_nothing_on_sqlite(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        assert all(statistics.after_page(s) == [] for _ in range(3 * statistics.CHECK_EVERY))
    engine.dispose()
