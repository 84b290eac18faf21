"""Sync after a block or an erasure, through the real msgraph-sdk path: nothing of the person
comes back; and Outlook's sensitivity makes mail private to its owner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import Database
from app.graph.service import Graph
from app.records.erasure import erase_person
from app.records.models import Base, Interaction, Participant
from app.records.suppressions import block
from app.sync.rounds import SyncOptions, sync_mailbox
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import Team

INBOX = SyncOptions(folders=("inbox",))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """An empty SQLite record whose sessions carry an erasure key, as the app's do."""
    database = Database(f"sqlite:///{tmp_path / 'sync.db'}", hash_key=b"k" * 32)
    Base.metadata.create_all(database.engine)
    yield database
    database.engine.dispose()


def _mail_from(db: Database, sender: str) -> int:
    with db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Participant).where(
            Participant.address == sender)) or 0)


def _sync(db: Database, graph: Graph, team: Team) -> None:
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=INBOX)
    assert not report.errors


def test_an_erased_sender_never_comes_back_with_sync(db: Database, team: Team, fake: FakeGraph,
                                                     graph: Graph) -> None:
    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io", to="ann@ourteam.io",
                                                when=at(1), body="Hi Ann"))
    _sync(db, graph, team)
    assert _mail_from(db, "dana@acmeco.io") == 1
    with db.session() as s:
        erase_person(s, tenant_id=team.tenant_id, email="dana@acmeco.io", actor=None)
    fake.add("ann@ourteam.io", "inbox", message(2, sender="dana@acmeco.io", to="ann@ourteam.io",
                                                when=at(2), body="Me again"))
    fake.add("ann@ourteam.io", "inbox", message(3, sender="eli@acmeco.io", to="ann@ourteam.io",
                                                when=at(3), body="Dana (dana@acmeco.io) left"))
    _sync(db, graph, team)
    assert _mail_from(db, "dana@acmeco.io") == 0
    with db.sessionmaker() as s:
        bodies = s.scalars(sa.select(Interaction.body_text)).all()
    assert bodies and all("dana@acmeco.io" not in (b or "") for b in bodies)


def test_a_blocked_domain_is_purged_and_stays_out(db: Database, team: Team, fake: FakeGraph,
                                                  graph: Graph) -> None:
    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io", to="ann@ourteam.io",
                                                when=at(1)))
    _sync(db, graph, team)
    with db.session() as s:
        _sup, report = block(s, tenant_id=team.tenant_id, value="acmeco.io", user_id=None,
                             actor=None)
    assert report.interactions == 1 and report.contacts == 1
    fake.add("ann@ourteam.io", "inbox", message(2, sender="dana@acmeco.io", to="ann@ourteam.io",
                                                when=at(2)))
    _sync(db, graph, team)
    assert _mail_from(db, "dana@acmeco.io") == 0


@pytest.mark.xfail(strict=True, reason="the message delta does not $expand PR_SENSITIVITY yet: "
                   "the stand-in, like Graph, sends only what is asked for")
def test_mail_outlook_marks_private_is_private_to_its_owner(db: Database, team: Team,
                                                            fake: FakeGraph,
                                                            graph: Graph) -> None:
    body = message(1, sender="dana@acmeco.io", to="ann@ourteam.io", when=at(1))
    body["singleValueExtendedProperties"] = [{"id": "Integer 0x0036", "value": "2"}]
    fake.add("ann@ourteam.io", "inbox", body)
    fake.add("ann@ourteam.io", "inbox", message(2, sender="dana@acmeco.io", to="ann@ourteam.io",
                                                when=at(2)))
    _sync(db, graph, team)
    with db.sessionmaker() as s:
        rows = s.execute(sa.select(Interaction.subject, Interaction.sensitivity,
                                   Interaction.private)).all()
    assert {r[0]: (r[1], r[2]) for r in rows} == {"Message 1": ("private", True),
                                                 "Message 2": ("normal", False)}
