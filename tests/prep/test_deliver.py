"""Delivery end to end: msal and msgraph-sdk against the local Graph stand-in, which
records the Teams activity notifications it is sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.dev.standin.testing import control
from app.prep.deliver import run_prep, send_due_cards
from app.prep.models import PrepDelivery
from app.prep.schedule import PrepOptions
from app.records.models import Interaction
from tests.prep.meetings import customer_meeting
from tests.world import MAYA, TENANT_A, TOM


def _notices(standin: Any) -> list[dict[str, Any]]:
    return [t for t in control(standin, "GET", "/teams")["value"] if t["kind"] == "activity"]


def _log(db: Any) -> list[PrepDelivery]:
    with db.session() as s:
        return list(s.scalars(sa.select(PrepDelivery).order_by(PrepDelivery.created_at)))


def test_each_seller_on_a_customer_meeting_gets_one_prep_notice(
        db: Any, world: Any, graph: Any, standin: Any, now: datetime,
        assert_valid_card: Any) -> None:
    with db.session() as s:
        mid = customer_meeting(s, now)
    report = send_due_cards(db, graph, now)
    assert (report.sent, report.failed) == (2, 0)
    notices = _notices(standin)
    assert sorted(n["mailbox"] for n in notices) == sorted([MAYA[1], TOM[1]])
    body = notices[0]["body"]
    assert body["activityType"] == "meetingPrep"
    assert body["topic"]["source"] == "text" and str(mid) in body["topic"]["webUrl"]
    assert "Harbourline: rollout review" in body["previewText"]["content"]
    assert "1 overdue promise" in body["previewText"]["content"]
    rows = _log(db)
    assert {r.status for r in rows} == {"sent"} and all(r.sent_at for r in rows)
    assert {str(r.chain_id) for r in rows} == {str(n["body"]["chainId"]) for n in notices}
    for row in rows:
        assert_valid_card(row.card)


def test_running_again_sends_nothing_twice(db: Any, world: Any, graph: Any, standin: Any,
                                           now: datetime) -> None:
    with db.session() as s:
        customer_meeting(s, now)
    cards_only = PrepOptions(digest_at=None)  # the real clock may be in the digest hours
    run_prep(db, graph, now, options=cards_only)
    again = run_prep(db, graph, now + timedelta(minutes=5), options=cards_only)
    assert again.sent == 0 and len(_notices(standin)) == 2


def test_a_moved_meeting_replaces_its_notice_and_a_cancelled_one_withdraws_it(
        db: Any, world: Any, graph: Any, standin: Any, now: datetime) -> None:
    with db.session() as s:
        mid = customer_meeting(s, now, minutes_ahead=55)
    send_due_cards(db, graph, now)
    with db.session() as s:
        customer_meeting(s, now, minutes_ahead=25)  # moved earlier: same iCalUId
    moved = send_due_cards(db, graph, now + timedelta(minutes=1))
    assert moved.sent == 2
    first, _, again, _ = _notices(standin)
    assert again["body"]["previewText"]["content"].startswith("Moved to ")
    assert {n["body"]["chainId"] for n in _notices(standin)} == {
        first["body"]["chainId"], _notices(standin)[1]["body"]["chainId"]}
    with db.session() as s:
        s.get(Interaction, (TENANT_A, mid)).cancelled = True  # type: ignore[union-attr]
    withdrawn = send_due_cards(db, graph, now + timedelta(minutes=2))
    assert withdrawn.cancelled == 2 and withdrawn.sent == 0
    assert [n["body"]["activityType"] for n in _notices(standin)][-2:] == ["meetingCancelled"] * 2
    assert send_due_cards(db, graph, now + timedelta(minutes=3)).cancelled == 0


def test_a_card_graph_refused_is_retried_on_the_next_run(
        db: Any, world: Any, graph: Any, standin: Any, now: datetime) -> None:
    with db.session() as s:
        customer_meeting(s, now)
    control(standin, "POST", "/faults", json={"unavailable": {"count": 50,
                                                               "mailbox": MAYA[1]}})
    try:
        first = send_due_cards(db, graph, now)
    finally:
        control(standin, "DELETE", "/faults")
    assert (first.sent, first.failed) == (1, 1)
    failed = [r for r in _log(db) if r.status == "failed"]
    assert len(failed) == 1 and failed[0].error and "graph" in failed[0].error
    second = send_due_cards(db, graph, now + timedelta(minutes=5))
    assert (second.sent, second.failed) == (1, 0)
    assert {r.status for r in _log(db)} == {"sent"} and len(_log(db)) == 2


def test_the_morning_digest_lists_the_days_customer_meetings(
        db: Any, world: Any, graph: Any, standin: Any, assert_valid_card: Any) -> None:
    morning = datetime.fromisoformat("2026-11-23T06:40:00+00:00")  # 07:40 in Berlin
    with db.session() as s:
        customer_meeting(s, morning, minutes_ahead=180)
    report = run_prep(db, graph, morning, options=PrepOptions())
    assert report.sent == 2  # Maya and Tom, one digest each
    assert {n["body"]["activityType"] for n in _notices(standin)} == {"prepDigest"}
    digests = [r for r in _log(db) if r.kind == "digest"]
    assert len(digests) == 2
    for row in digests:
        assert_valid_card(row.card)
        assert "Harbourline: rollout review" in str(row.card)
    assert run_prep(db, graph, morning + timedelta(minutes=10)).sent == 0


def test_the_scheduled_job_sends_due_cards_once(app: Any, db: Any, world: Any, graph: Any,
                                                standin: Any, now: datetime) -> None:
    from app.jobs.context import JobContext
    from app.jobs.tasks import JOBS

    with db.session() as s:
        customer_meeting(s, now)
    # the job reads the real clock, which may be in the morning digest's hours: cards only
    settings = app.config["STORYLINE"].with_overrides(prep_digest_at="off")
    ctx = JobContext(settings=settings, db=db, graph=graph)
    first = JOBS["prep_round"](ctx)
    again = JOBS["prep_round"](ctx)
    assert (first["sent"], first["failed"]) == (2, 0)
    assert again["sent"] == 0 and len(_notices(standin)) == 2


def test_the_job_uses_the_lead_time_the_admin_set(app: Any, db: Any, world: Any, graph: Any,
                                                  standin: Any, now: datetime) -> None:
    from app.jobs.context import JobContext
    from app.jobs.tasks import JOBS

    with db.session() as s:
        customer_meeting(s, now, minutes_ahead=50)
    settings = app.config["STORYLINE"].with_overrides(prep_lead_minutes=30, prep_digest_at="off")
    early = JOBS["prep_round"](JobContext(settings=settings, db=db, graph=graph))
    assert early["sent"] == 0 and _notices(standin) == []  # 50 min out: not due at 30
    later = settings.with_overrides(prep_lead_minutes=60)
    assert JOBS["prep_round"](JobContext(settings=later, db=db, graph=graph))["sent"] == 2


def test_one_tenant_failing_does_not_stop_the_next_ones_cards(
        db: Any, world: Any, graph: Any, standin: Any, now: datetime,
        monkeypatch: Any) -> None:
    """A tenant whose round fails (here: its schedule cannot be read) is logged and counted;
    the tenants after it still get their cards, and a later round sends nothing twice."""
    import uuid

    from app.prep import deliver

    broken = uuid.UUID("99999999-9999-4999-8999-999999999999")
    real_due = deliver.due_cards

    def due(session: Any, tenant_id: uuid.UUID, *args: Any) -> Any:
        if tenant_id == broken:
            raise RuntimeError("this tenant's schedule cannot be read")
        return real_due(session, tenant_id, *args)

    monkeypatch.setattr(deliver, "tenant_ids", lambda _s: [broken, TENANT_A])
    monkeypatch.setattr(deliver, "due_cards", due)
    with db.session() as s:
        customer_meeting(s, now)
    report = send_due_cards(db, graph, now)
    assert (report.sent, report.failed) == (2, 1)
    assert sorted(n["mailbox"] for n in _notices(standin)) == sorted([MAYA[1], TOM[1]])
