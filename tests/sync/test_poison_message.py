"""A message the record cannot take is set aside with its reason in the sync status; the
messages after it on the same page and on later pages are recorded, and the folder moves on."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.db import Database
from app.graph.service import Graph
from app.records.models import Interaction
from app.sync import rounds
from app.sync.rounds import SyncOptions, sync_mailbox
from app.sync.status import sync_status
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import Team

INBOX = SyncOptions(folders=("inbox",))


def test_a_poison_message_is_set_aside_and_the_folder_goes_on(
        db: Database, team: Team, fake: FakeGraph, graph: Graph,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(25):  # three pages of ten
        fake.add("ann@ourteam.io", "inbox", message(i, sender=f"buyer{i}@acmeco.io",
                                                 to="ann@ourteam.io", when=at(i)))
    real, real_page = rounds.record_interaction, rounds.record_page

    def fussy(session: Any, *, tenant_id: Any, item: Any) -> Any:
        if item.external_key == "<m7@acmeco.io>":  # a write no database will take
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return real(session, tenant_id=tenant_id, item=item)

    def fussy_page(session: Any, *, tenant_id: Any, items: Any) -> Any:
        # written together, its page fails as a whole; then item by item, only m7 does
        if any(item.external_key == "<m7@acmeco.io>" for item in items):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return real_page(session, tenant_id=tenant_id, items=items)

    monkeypatch.setattr(rounds, "record_interaction", fussy)
    monkeypatch.setattr(rounds, "record_page", fussy_page)
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=INBOX)
    assert report.set_aside == 1 and not report.errors and report.stored == 24
    with db.sessionmaker() as s:
        keys = set(s.scalars(sa.select(Interaction.external_key)))
        status = sync_status(s, tenant_id=team.tenant_id, user_id=team.users["ann"])
    assert len(keys) == 24 and "<m7@acmeco.io>" not in keys
    inbox = status[0]["folders"][0]
    assert inbox["state"] == "current" and inbox["items_set_aside"] == 1
    assert "set aside: ValueError" in inbox["last_set_aside"]
