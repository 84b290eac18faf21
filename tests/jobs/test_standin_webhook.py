"""Subscriptions and notifications end to end: the stand-in creates subscriptions only after
our endpoint answers its handshake, POSTs change and lifecycle notifications to it, and the
jobs they queue bring new mail into the record once, however often a notification comes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import extensions as context
from app.dev import create_app
from app.dev.sample.cast import INTERNAL_DOMAIN, SELLERS, TENANT_ID, TENANT_NAME
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control, running_standin
from app.jobs.context import JobContext
from app.jobs.runner import InlineRunner
from app.jobs.tasks import ensure_subscriptions, renew_subscriptions, sync_mailbox
from app.records.models import Base, Interaction, Subscription, User
from app.records.tenants import ensure_tenant, ensure_user
from tests.jobs.conftest import serving_jobs

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
MAYA = SELLERS[0]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Flask, RunningStandIn, JobContext, InlineRunner]]:
    """The stand-in, our app serving its webhook on a loopback port, Maya's mailbox synced."""
    flask_app = create_app({"database_url": f"sqlite:///{tmp_path / 'hook.db'}",
                            "instance_path": tmp_path})
    db = context.database(flask_app)
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])
        ensure_user(s, tenant_id=TENANT_ID, email=MAYA.email, display_name=MAYA.display_name,
                    oid=MAYA.oid, time_zone=MAYA.time_zone)
    with running_standin(now=NOW, scale=0.3) as standin, \
            serving_jobs(flask_app, standin) as (jobs, runner):
        yield flask_app, standin, jobs, runner


def _maya(jobs: JobContext) -> User:
    with jobs.db.sessionmaker() as s:
        user = s.scalar(sa.select(User).where(User.email == MAYA.email))
        assert user is not None
        return user


def _count(jobs: JobContext) -> int:
    with jobs.db.sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Interaction)) or 0)


def _new_mail(n: int) -> dict[str, Any]:
    return {"folder": "inbox", "notify": True, "resource": {
        "subject": f"Signed order form {n}",
        "internetMessageId": f"<order-{n}@tidewell-energy.com>",
        "receivedDateTime": "2026-11-22T14:00:00Z", "sentDateTime": "2026-11-22T13:59:00Z",
        "body": {"contentType": "text", "content": "Attached is the signed order form."},
        "from": {"emailAddress": {"name": "Ines", "address": "ines@tidewell-energy.com"}},
        "sender": {"emailAddress": {"name": "Ines", "address": "ines@tidewell-energy.com"}},
        "toRecipients": [{"emailAddress": {"name": "Maya", "address": MAYA.email}}]}}


def test_notifications_bring_new_mail_in_once(world: Any) -> None:
    _app, standin, jobs, runner = world
    user = _maya(jobs)
    created = ensure_subscriptions(jobs, tenant_id=str(TENANT_ID), user_id=str(user.id))
    assert created == {"created": 3}  # the stand-in got our handshake answer for each
    assert ensure_subscriptions(jobs, tenant_id=str(TENANT_ID)) == {"created": 0}
    sync_mailbox(jobs, tenant_id=str(TENANT_ID), user_id=str(user.id))
    before = _count(jobs)

    sent = control(standin, "POST", f"/mailboxes/{MAYA.email}/items", json=_new_mail(1))
    assert sent["notifications"] and all(n.get("status") == 202 for n in sent["notifications"])
    runner.drain()
    assert _count(jobs) == before + 1

    with jobs.db.sessionmaker() as s:
        inbox = s.scalar(sa.select(Subscription).where(Subscription.resource.contains("inbox")))
        assert inbox is not None
    for _ in range(3):  # Graph redelivers
        control(standin, "POST", "/notify", json={"subscriptionId": inbox.id})
    runner.drain()
    assert _count(jobs) == before + 1 and runner.failures == 0


def test_lifecycle_and_renewal_keep_subscriptions_alive(world: Any) -> None:
    _app, standin, jobs, runner = world
    user = _maya(jobs)
    ensure_subscriptions(jobs, tenant_id=str(TENANT_ID), user_id=str(user.id))
    with jobs.db.sessionmaker() as s:
        subs = list(s.scalars(sa.select(Subscription)))
    before = {sub.id: sub.expires_at for sub in subs}
    result = renew_subscriptions(jobs, within_hours=24 * 4)
    assert result == {"renewed": 3, "recreated": 0}
    control(standin, "POST", "/notify", json={"subscriptionId": subs[0].id,
                                              "lifecycleEvent": "reauthorizationRequired"})
    runner.drain()
    with jobs.db.sessionmaker() as s:
        after = {sub.id: sub.expires_at for sub in s.scalars(sa.select(Subscription))}
    assert set(after) == set(before)
    assert all(after[k] >= before[k] for k in before)

    control(standin, "DELETE", "/faults")
    standin.state.subscriptions.items.pop(subs[1].id)  # Graph dropped it
    assert renew_subscriptions(jobs, within_hours=24 * 4)["recreated"] == 1
    with jobs.db.sessionmaker() as s:
        statuses = sorted(s.scalars(sa.select(Subscription.status)))
    assert statuses.count("active") == 3 and statuses.count("removed") == 1
