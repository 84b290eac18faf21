"""The story's round trips (issue 16): the bundle reads each statement's rows as it alone
would, the visibility rule reads in one statement, statistics are kept a few minutes and a
dead pooled connection is retried once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import extensions as context
from app.db import TtlCache, retry_on_disconnect
from app.records.models import Account, Contact
from app.records.story import _bundle
from app.records.visibility import Viewer
from tests.world import JONAS, MAYA, TENANT_A


def _params(app: Flask, world: Any) -> dict[str, Any]:
    with context.database(app).session() as s:
        contact = s.scalar(sa.select(Contact).where(Contact.tenant_id == TENANT_A,
                                                    Contact.display_name == JONAS[0]))
        assert contact is not None and contact.account_id is not None
        account = s.get(Account, (TENANT_A, contact.account_id))
        assert account is not None
        now = world.now
        return {"t": TENANT_A, "family": [str(contact.id)], "acc": str(account.id),
                "now": now, "since_30": now - timedelta(days=30),
                "since_90": now - timedelta(days=90), "closed_since": now - timedelta(days=14),
                "threads_since": now - timedelta(days=30), "since": now - timedelta(days=90),
                "window": 116}


@pytest.mark.parametrize(("of", "with_account"), [("family", True), ("family", False),
                                                  ("account", True)])
def test_the_bundle_gives_each_statement_its_own_rows_in_its_own_order(
        app: Flask, world: Any, of: str, with_account: bool) -> None:
    params = _params(app, world)
    bundle = _bundle(of, with_account)
    with context.database(app).engine.connect() as conn:
        got = bundle.read(conn, params)
        parts = dict(zip(bundle.names, bundle.parts, strict=True))
        for name, statement in parts.items():
            alone = [tuple(r) for r in conn.execute(statement, params)]
            assert [tuple(r) for r in got[name]] == alone, name
            assert all(r._fields == tuple(c.name for c in statement.selected_columns)
                       for r in got[name])
    assert sum(len(rows) for rows in got.values()) >= 5  # the world's story is not empty


def test_the_visibility_read_is_one_statement_and_agrees_with_levels_one_by_one(
        app: Flask, world: Any) -> None:
    engine = context.database(app).engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with context.database(app).session() as s:
            ids = [str(i) for i in s.scalars(sa.text("SELECT id FROM interactions"))]
            viewer = Viewer.load(s, tenant_id=TENANT_A, user_id=world.users[MAYA[1]].id)
            seen.clear()
            together = viewer.facts(ids, contacts=[], teams=True).levels
            assert len(seen) == 1
            assert together == {i: viewer.level(i) for i in together}
            assert set(together) == {str(uuid.UUID(i)) for i in ids}
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_statistics_are_kept_for_their_seconds_and_not_at_all_with_none() -> None:
    kept, off = TtlCache(300), TtlCache(0)
    kept.put("median", 12.0)
    off.put("median", 12.0)
    assert kept.get("median") == 12.0 and off.get("median") is None
    assert kept.get("other") is None


def test_a_read_that_met_a_dead_connection_is_run_once_more(app: Flask) -> None:
    calls: list[int] = []

    def read() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                                    connection_invalidated=True)
        return "story"

    with context.database(app).sessionmaker() as s:
        assert retry_on_disconnect(s, read) == "story"
    assert len(calls) == 2
    with context.database(app).sessionmaker() as s, pytest.raises(sa.exc.DBAPIError):
        retry_on_disconnect(s, lambda: (_ for _ in ()).throw(
            sa.exc.DBAPIError("SELECT 1", {}, Exception("syntax"))))
