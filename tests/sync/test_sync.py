"""Sync into the record: sent mail logged without a click, one interaction however many
mailboxes saw it, deletions reflected, and a crash mid-backfill resumed without loss or
doubles."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from app.db import Database
from app.graph.service import Graph
from app.graph.types import MailMessage
from app.records.models import Contact, Interaction, InteractionMailbox, SyncState
from app.sync.rounds import SyncOptions, sync_mailbox, sync_mailboxes
from app.sync.status import sync_status
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import Team

MAIL = SyncOptions(folders=("inbox", "sentitems"))
INBOX = SyncOptions(folders=("inbox",))


def _interactions(db: Database) -> list[Interaction]:
    with db.sessionmaker() as s:
        return list(s.scalars(sa.select(Interaction).order_by(Interaction.occurred_at)))


def _backfill(fake: FakeGraph, n: int) -> None:
    for i in range(n):
        fake.add("ann@ourteam.io", "inbox", message(i, sender=f"buyer{i % 9}@acmeco.io",
                                                 to="ann@ourteam.io", when=at(i)))


def test_sent_mail_is_logged_as_outbound_activity_with_a_new_contact(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    fake.add("ann@ourteam.io", "sentitems", message(1, sender="ann@ourteam.io", to="dana@acmeco.io",
                                                 when=at(1), subject="Revised quote"))
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=MAIL)
    assert report.stored == 1 and not report.errors
    (item,) = _interactions(db)
    assert (item.direction, item.subject) == ("outbound", "Revised quote")
    with db.sessionmaker() as s:
        assert s.scalar(sa.select(Contact.display_name)) is not None


def test_a_message_in_two_mailboxes_is_stored_once_with_both(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    for box in ("ann", "bob"):
        fake.add(f"{box}@ourteam.io", "inbox", message(7, sender="dana@acmeco.io",
                                                    to=f"{box}@ourteam.io", when=at(2),
                                                    mid="<shared@acmeco.io>"))
    report = sync_mailboxes(db, graph, tenant_id=team.tenant_id,
                            user_ids=list(team.users.values()), options=MAIL)
    assert (report.stored, report.duplicates) == (1, 1)
    (item,) = _interactions(db)
    with db.sessionmaker() as s:
        boxes = s.scalars(sa.select(InteractionMailbox.user_id).where(
            InteractionMailbox.interaction_id == item.id)).all()
    assert set(boxes) == set(team.users.values())


def test_a_message_deleted_upstream_leaves_the_timeline(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    msg = message(3, sender="dana@acmeco.io", to="ann@ourteam.io", when=at(1))
    fake.add("ann@ourteam.io", "inbox", msg)
    sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"], options=MAIL)
    fake.remove("ann@ourteam.io", "inbox", msg["id"])
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=MAIL)
    assert report.removed == 1
    (item,) = _interactions(db)
    assert item.deleted_at is not None


class Crash(Exception):
    """Stands for the process dying between two pages."""


def test_a_sync_killed_mid_backfill_resumes_without_loss_or_doubles(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    _backfill(fake, 95)
    pages = 0

    def die_after_three(_n: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise Crash

    with pytest.raises(Crash):
        sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                     options=INBOX, progress=die_after_three)
    assert len(_interactions(db)) == 30
    with db.sessionmaker() as s:
        state = s.get(SyncState, (team.tenant_id, team.users["ann"], "inbox"))
        assert state is not None and state.next_link and not state.delta_link

    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=INBOX)
    keys = [i.external_key for i in _interactions(db)]
    assert len(keys) == len(set(keys)) == 95
    assert report.stored == 65 and not report.errors
    status = sync_status(db.sessionmaker(), tenant_id=team.tenant_id,
                         user_id=team.users["ann"])
    inbox = next(f for f in status[0]["folders"] if f["folder"] == "inbox")
    assert inbox["state"] == "current" and inbox["items_stored"] == 95


def test_a_throttled_backfill_still_stores_everything(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    _backfill(fake, 40)
    fake.throttle = 4
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=MAIL)
    assert report.stored == 40 and not report.errors


def test_an_expired_delta_token_resyncs_without_doubles(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    _backfill(fake, 15)
    sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"], options=INBOX)
    fake.expired = True
    calls: list[Any] = []
    fake_expire_once = fake.handle

    async def expire_once(request: Any) -> Any:
        calls.append(1)
        if len(calls) > 2:
            fake.expired = False
        return await fake_expire_once(request)

    fake.handle = expire_once  # type: ignore[method-assign]
    report = sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                          options=INBOX)
    assert len(report.restarted) >= 1 and not report.errors
    assert len(_interactions(db)) == 15
    assert report.duplicates >= 10


def test_an_unknown_mailbox_list_is_a_no_op(db: Database, team: Team, graph: Graph) -> None:
    report = sync_mailboxes(db, graph, tenant_id=team.tenant_id, user_ids=[uuid.uuid4()])
    assert report.pages == 0


def test_a_promise_in_sent_mail_becomes_our_open_commitment(
        db: Database, team: Team, fake: FakeGraph, graph: Graph) -> None:
    from datetime import date

    from app.extract.types import Commitment as Found
    from app.extract.types import ExtractionResult
    from app.records.models import Commitment

    fake.add("ann@ourteam.io", "sentitems", message(
        1, sender="ann@ourteam.io", to="dana@acmeco.io", when=at(1),
        body="I'll send the revised quote by Friday."))
    fake.add("ann@ourteam.io", "sentitems", message(
        2, sender="newsletter@ourteam.io", to="dana@acmeco.io", when=at(1)) | {
        "internetMessageHeaders": [{"name": "List-Unsubscribe", "value": "<mailto:u@x.io>"}]})
    asked: list[str] = []

    def extract(messages: list[MailMessage]) -> list[ExtractionResult]:
        asked.extend(m.subject for m in messages)
        return [ExtractionResult(id=m.id, reply_text=m.body, commitments=[Found(
            kind="promise", owner="sender", action="send the revised quote",
            due=date(2026, 11, 20), text="I'll send the revised quote by Friday.",
            start=0, end=38)]) for m in messages]

    sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["ann"],
                 options=MAIL, extract=extract)
    assert asked == ["Message 1"]  # bulk mail is not worth extracting
    with db.sessionmaker() as s:
        (promise,) = s.scalars(sa.select(Commitment)).all()
    assert (promise.side, promise.status, promise.due_on) == ("us", "open", date(2026, 11, 20))

    # seen again in another mailbox: already recorded, so not extracted again
    fake.add("bob@ourteam.io", "inbox", message(
        1, sender="ann@ourteam.io", to="bob@ourteam.io", when=at(1)))
    asked.clear()
    sync_mailbox(db, graph, tenant_id=team.tenant_id, user_id=team.users["bob"],
                 options=MAIL, extract=extract)
    assert asked == []
