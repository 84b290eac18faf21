"""Which cards and digests are due: lead time, time zones, daylight saving, moved and
cancelled meetings, internal-only meetings."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from app.address import Address
from app.prep.models import PrepDelivery
from app.prep.schedule import (
    PrepOptions,
    card_key,
    due_cancellations,
    due_cards,
    due_digests,
    local_day_bounds,
    local_moment,
    next_digests,
    prep_options,
)
from app.records.attention import AttentionOptions
from app.records.inputs import InteractionIn
from app.records.models import Interaction, Participant
from app.records.record import record_interaction
from app.settings import load_settings
from tests.prep.meetings import customer_meeting, meeting
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM

OPTIONS = PrepOptions()


def _log_sent(s: Session, due: Any, status: str = "sent") -> None:
    s.add(PrepDelivery(tenant_id=due.tenant_id, user_id=due.user_id, kind="card",
                       meeting_id=due.meeting_id, dedupe_key=due.dedupe_key,
                       meeting_start=due.starts_at, scheduled_for=due.scheduled_for,
                       status=status, chain_id=due.chain_id))
    s.flush()


def test_a_customer_meeting_is_due_for_each_of_our_people_within_the_lead_time(
        db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        mid = customer_meeting(s, now, minutes_ahead=50)
        due = due_cards(s, TENANT_A, now, OPTIONS)
        assert {(d.meeting_id, d.user_id) for d in due} == {
            (mid, world.users[MAYA[1]].id), (mid, world.users[TOM[1]].id)}
        assert all(d.scheduled_for == d.starts_at - timedelta(minutes=60) for d in due)
        assert due_cards(s, TENANT_A, now - timedelta(minutes=11), OPTIONS) == []
        assert len(due_cards(s, TENANT_A, now, PrepOptions(lead=timedelta(minutes=30)))) == 0
        assert due_cards(s, TENANT_A, now + timedelta(minutes=50), OPTIONS) == []  # started


def test_a_sent_card_is_not_due_again_but_a_failed_one_is_retried(
        db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        customer_meeting(s, now)
        first, second = due_cards(s, TENANT_A, now, OPTIONS)
        _log_sent(s, first)
        _log_sent(s, second, status="failed")
        again = due_cards(s, TENANT_A, now + timedelta(minutes=5), OPTIONS)
        assert [(d.user_id, d.retry_of is not None) for d in again] == [(second.user_id, True)]


def test_a_meeting_moved_after_its_card_went_out_gets_one_corrected_card(
        db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        mid = customer_meeting(s, now, minutes_ahead=50)
        for d in due_cards(s, TENANT_A, now, OPTIONS):
            _log_sent(s, d)
        customer_meeting(s, now, minutes_ahead=40)  # same iCalUId: moved earlier
        moved = due_cards(s, TENANT_A, now, OPTIONS)
        assert len(moved) == 2 and all(d.moved_from == now + timedelta(minutes=50)
                                       for d in moved)
        assert moved[0].dedupe_key == card_key(mid, now + timedelta(minutes=40))
        customer_meeting(s, now, minutes_ahead=50 + 24 * 60)  # moved to tomorrow: not yet
        assert due_cards(s, TENANT_A, now, OPTIONS) == []


def test_cancelled_meetings_get_no_card_and_sent_cards_of_them_a_cancellation(
        db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        meeting(s, "off", now + timedelta(minutes=30), MAYA, [JONAS], cancelled=True)
        assert due_cards(s, TENANT_A, now, OPTIONS) == []
        mid = customer_meeting(s, now)
        sent = due_cards(s, TENANT_A, now, OPTIONS)
        for d in sent:
            _log_sent(s, d)
        assert due_cancellations(s, TENANT_A, now) == []
        s.get(Interaction, (TENANT_A, mid)).cancelled = True  # type: ignore[union-attr]
        s.flush()
        gone = due_cancellations(s, TENANT_A, now)
        assert {(c.meeting_id, c.chain_id) for c in gone} == {(mid, d.chain_id) for d in sent}
        assert due_cancellations(s, TENANT_A, now + timedelta(hours=2)) == []  # it is over


def test_internal_only_meetings_get_nothing(db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        assert meeting(s, "internal", now + timedelta(minutes=30), MAYA, [TOM]) is None
        # even one that reached the record (say, the customer was removed from the invite)
        mid = customer_meeting(s, now, minutes_ahead=20, key="became-internal")
        for p in s.query(Participant).filter_by(tenant_id=TENANT_A, interaction_id=mid):
            if p.user_id is None:
                s.delete(p)
        s.flush()
        assert due_cards(s, TENANT_A, now, OPTIONS) == []


@pytest.mark.parametrize("tz,day,at,expected_utc", [
    # New York springs forward on 8 March 2026 and falls back on 1 November 2026
    ("America/New_York", date(2026, 3, 7), time(7, 30), datetime(2026, 3, 7, 12, 30)),
    ("America/New_York", date(2026, 3, 8), time(7, 30), datetime(2026, 3, 8, 11, 30)),
    ("America/New_York", date(2026, 11, 1), time(7, 30), datetime(2026, 11, 1, 12, 30)),
    ("Europe/Berlin", date(2026, 3, 29), time(7, 30), datetime(2026, 3, 29, 5, 30)),
    ("Europe/Berlin", date(2026, 10, 25), time(7, 30), datetime(2026, 10, 25, 6, 30)),
    # a wall time skipped by spring-forward lands just after the change; a repeated one
    # is its first occurrence
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 30)),
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30)),
    ("Asia/Kolkata", date(2026, 11, 23), time(7, 30), datetime(2026, 11, 23, 2, 0)),
    ("Pacific/Auckland", date(2026, 11, 23), time(7, 30), datetime(2026, 11, 22, 18, 30)),
])
def test_local_times_are_wall_clock_times_across_daylight_saving(
        tz: str, day: date, at: time, expected_utc: datetime) -> None:
    assert local_moment(day, at, ZoneInfo(tz)) == expected_utc.replace(tzinfo=UTC)


@pytest.mark.parametrize("tz,day,hours", [
    ("Europe/Berlin", date(2026, 3, 29), 23), ("Europe/Berlin", date(2026, 10, 25), 25),
    ("Europe/Berlin", date(2026, 11, 23), 24), ("America/New_York", date(2026, 11, 1), 25),
])
def test_a_local_day_has_as_many_hours_as_the_clock_says(tz: str, day: date,
                                                         hours: int) -> None:
    start, end = local_day_bounds(day, ZoneInfo(tz))
    assert end - start == timedelta(hours=hours)


def _seller_in(s: Session, world: Any, email: str, tz: str) -> uuid.UUID:
    user = world.users[email]
    s.get(type(user), (user.tenant_id, user.id)).time_zone = tz  # type: ignore[union-attr]
    s.flush()
    return user.id


def test_the_digest_goes_at_half_past_seven_on_each_sellers_own_clock(
        db: Any, world: Any) -> None:
    # 25 October 2026: Berlin falls back at 03:00 local; New York is still on summer time
    with db.session() as s:
        maya = _seller_in(s, world, MAYA[1], "Europe/Berlin")
        tom = _seller_in(s, world, TOM[1], "America/New_York")
        at = lambda h, m=0: datetime(2026, 10, 25, h, m, tzinfo=UTC)  # noqa: E731
        meeting(s, "berlin-late", at(22, 30), MAYA, [JONAS])  # 23:30 CET: still that day
        meeting(s, "ny", at(15), TOM, [ELENA])  # 11:00 in New York
        meeting(s, "berlin-next", at(23, 30), MAYA, [ELENA])  # 00:30 on the 26th in Berlin
        meeting(s, "maya-internal", at(10), MAYA, [TOM])
        assert due_digests(s, TENANT_A, at(6, 29), OPTIONS) == []
        (berlin,) = due_digests(s, TENANT_A, at(6, 30), OPTIONS)  # 07:30 CET (UTC+1)
        assert (berlin.user_id, berlin.day, len(berlin.meeting_ids)) == (
            maya, date(2026, 10, 25), 1)
        assert due_digests(s, TENANT_A, at(11, 29), OPTIONS) == []  # 07:29 EDT; Maya stale
        (ny,) = due_digests(s, TENANT_A, at(11, 30), OPTIONS)
        assert ny.user_id == tom and ny.scheduled_for == at(11, 30)


def test_a_digest_goes_once_a_day_and_not_at_all_without_customer_meetings(
        db: Any, world: Any) -> None:
    with db.session() as s:
        _seller_in(s, world, MAYA[1], "Europe/Berlin")
        _seller_in(s, world, TOM[1], "Europe/Berlin")
        morning = datetime(2026, 11, 23, 6, 45, tzinfo=UTC)
        meeting(s, "today", morning + timedelta(hours=3), MAYA, [JONAS])
        (due,) = due_digests(s, TENANT_A, morning, OPTIONS)  # Tom has no customer meeting
        row = PrepDelivery(tenant_id=TENANT_A, user_id=due.user_id, kind="digest",
                           dedupe_key=due.dedupe_key, scheduled_for=due.scheduled_for,
                           status="failed", chain_id=due.chain_id)
        s.add(row)
        s.flush()
        (retry,) = due_digests(s, TENANT_A, morning + timedelta(minutes=5), OPTIONS)
        assert retry.retry_of == row.id  # Graph refused it: try again while it is morning
        row.status = "sent"
        s.flush()
        assert due_digests(s, TENANT_A, morning + timedelta(minutes=30), OPTIONS) == []


def test_the_write_path_keeps_internal_only_meetings_out_of_the_record(
        db: Any, world: Any, now: datetime) -> None:
    with db.session() as s:
        item = InteractionIn(kind="meeting", external_key="ical-1on1", occurred_at=now,
                             sender=Address(address=MAYA[1]),
                             attendees=(Address(address=TOM[1]),))
        assert record_interaction(s, tenant_id=TENANT_A, item=item).status == "skipped"


def test_the_next_digest_is_the_first_morning_ahead_with_customer_meetings(
        db: Any, world: Any) -> None:
    with db.session() as s:
        maya = _seller_in(s, world, MAYA[1], "Europe/Berlin")
        _seller_in(s, world, TOM[1], "Europe/Berlin")
        evening = datetime(2026, 11, 23, 19, tzinfo=UTC)  # 20:00 in Berlin: today's has gone
        meeting(s, "tonight", evening + timedelta(hours=1), MAYA, [JONAS])
        meeting(s, "wednesday", datetime(2026, 11, 25, 9, tzinfo=UTC), MAYA, [ELENA])
        (coming,) = next_digests(s, TENANT_A, evening, OPTIONS)  # none for Tom: no customers
        assert (coming.user_id, coming.day) == (maya, date(2026, 11, 25))  # Tuesday has none
        assert coming.scheduled_for == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
        # on that morning the job sends exactly the digest that was shown
        (sent,) = due_digests(s, TENANT_A, coming.scheduled_for, OPTIONS)
        assert (sent.meeting_ids, sent.dedupe_key) == (coming.meeting_ids, coming.dedupe_key)
        off = PrepOptions(digest_at=None)
        assert next_digests(s, TENANT_A, evening, off) == []
        assert due_digests(s, TENANT_A, coming.scheduled_for, off) == []


def test_an_admin_sets_the_lead_time_the_digest_time_and_the_teams_app() -> None:
    options = prep_options(load_settings({
        "STORYLINE_PREP_LEAD_MINUTES": "30", "STORYLINE_PREP_DIGEST_AT": "08:15",
        "STORYLINE_TEAMS_APP_ID": "d98bc993-48d2-4481-b3fa-dcfdfe14b8a6"}))
    assert (options.lead, options.digest_at) == (timedelta(minutes=30), time(8, 15))
    assert options.teams_app_id == "d98bc993-48d2-4481-b3fa-dcfdfe14b8a6"
    # the documented defaults (with nudges on, a day without meetings gets a digest of what
    # needs the seller)
    assert prep_options(load_settings({})) == PrepOptions(attention=AttentionOptions())
    assert prep_options(load_settings({"STORYLINE_NUDGE_HOURS": "off"})) == PrepOptions()
    assert prep_options(load_settings({"STORYLINE_PREP_DIGEST_AT": "off"})).digest_at is None
    for name, bad in (("STORYLINE_PREP_DIGEST_AT", "7.30"), ("STORYLINE_PREP_DIGEST_AT", "25:00"),
                      ("STORYLINE_PREP_LEAD_MINUTES", "0")):
        with pytest.raises(ValueError, match=name):
            load_settings({name: bad})
