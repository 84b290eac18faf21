"""What needs a seller's attention: each kind fires on its invented case and stays quiet on
its near miss, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app import extensions as context
from app.prep.models import NUDGE_KINDS
from app.records.attention import (
    AttentionOptions,
    attention_for,
    business_hours_between,
    deals_needing_attention,
    new_risks,
    promises_due,
    stale_promise_days,
    stale_promises,
    theirs_due,
    unanswered_mail,
)
from app.records.models import Commitment, Tenant
from tests.records.attention_world import ANA, BEN, NOW, SUPPORT, TENANT, AttentionWorld, build


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session on the backend under test (rolled back: nothing is kept)."""
    with context.database(app).sessionmaker() as s:
        yield s
        s.rollback()


@pytest.fixture
def w(session: Session) -> AttentionWorld:
    """The invented Fernwood world."""
    return build(session)


def _ana(w: AttentionWorld) -> dict[str, object]:
    return {"tenant_id": TENANT, "user_id": w.users[ANA[1]].id}


def test_an_overdue_promise_is_due_and_one_due_tomorrow_or_undated_is_not(session, w) -> None:
    items = promises_due(session, **_ana(w), today=NOW.date(), stale_days=14)
    assert [i.title for i in items] == ["send the pricing sheet"]
    item = items[0]
    assert item.reason == ("You promised Lina Park to send the pricing sheet by 30 Nov; "
                           "it is 2 days overdue.")
    assert item.kind == "promise_due" and item.contact_name == "Lina Park"
    assert item.account_name and item.interaction_id == w.mail["pricing"]
    assert item.dedupe_key == f"promise_due:{item.subject_id}:2026-11-30"
    # tomorrow it is still due, and the one due "tomorrow" today joins it
    later = promises_due(session, **_ana(w), today=NOW.date() + timedelta(days=1),
                         stale_days=14)
    assert [i.title for i in later] == ["send the pricing sheet", "share the pilot plan"]
    assert later[1].reason.endswith("it is due today.")


def test_a_snoozed_or_closed_promise_is_not_due(session, w) -> None:
    pricing = w.commitment(session, "pricing")
    pricing.snoozed_until = NOW.date() + timedelta(days=2)
    session.flush()
    assert promises_due(session, **_ana(w), today=NOW.date(), stale_days=14) == []
    pricing.snoozed_until, pricing.status = None, "done"
    session.flush()
    assert promises_due(session, **_ana(w), today=NOW.date(), stale_days=14) == []


def test_an_undated_promise_goes_stale_after_the_tenants_days(session, w) -> None:
    undated = w.commitment(session, "undated")
    assert stale_promises(session, **_ana(w), today=NOW.date(), stale_days=14) == [undated.id]
    assert stale_promises(session, **_ana(w), today=NOW.date(), stale_days=60) == []
    assert stale_promise_days(session, TENANT, 14) == 14
    session.get(Tenant, TENANT).stale_promise_days = 30  # type: ignore[union-attr]
    assert stale_promise_days(session, TENANT, 14) == 30


def test_what_the_customer_owes_the_seller_is_listed_for_my_day(session, w) -> None:
    items = theirs_due(session, **_ana(w), today=NOW.date())
    assert [(i.title, i.contact_name) for i in items] == [("send the volumes", "Omar Haddad")]
    assert items[0].reason == "Omar Haddad promised to send the volumes by 1 Dec; " \
                              "it is 1 day overdue."
    assert theirs_due(session, tenant_id=TENANT, user_id=w.users[BEN[1]].id,
                      today=NOW.date()) == []  # not in Ben's mail


def test_customer_mail_nobody_answered_waits_but_mail_a_colleague_answered_does_not(
        session, w) -> None:
    items = unanswered_mail(session, **_ana(w), now=NOW, business_hours=24,
                            zone="Europe/Lisbon")
    # "Invoice address" was answered by Ben, "Quick one" is two hours old, Ben's private
    # note is not Ana's, the support ticket is the support team's
    assert [i.title for i in items] == ["Delivery window?"]
    item = items[0]
    assert item.kind == "unanswered" and item.contact_name == "Omar Haddad"
    assert item.reason == ("Omar Haddad wrote \u201cDelivery window?\u201d on 29 Nov at 10:00 "
                           "and nobody on our side has replied; 58 business hours have passed.")
    assert item.dedupe_key == f"unanswered:{w.mail['question']}"


def test_business_hours_skip_the_weekend_on_the_sellers_clock() -> None:
    friday_5pm = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert business_hours_between(friday_5pm, friday_5pm + timedelta(days=3),
                                  "Europe/Lisbon") == 24
    assert business_hours_between(friday_5pm, friday_5pm + timedelta(days=2),
                                  "Europe/Lisbon") == 7
    # in Auckland (UTC+13) that Friday 17:00 UTC is Saturday 06:00: only Monday's first
    # six hours count
    assert business_hours_between(friday_5pm, friday_5pm + timedelta(days=2),
                                  "Pacific/Auckland") == 6


def test_a_cold_deal_a_slow_deal_and_a_single_threaded_deal(session, w) -> None:
    items = deals_needing_attention(session, **_ana(w), now=NOW, options=AttentionOptions())
    found = {(i.kind, i.title): i for i in items}
    # Ostrava: touched both ways this week, Omar and Rosa both engaged: nothing
    assert set(found) == {("deal_cold", "Quillmere rollout"),
                          ("deal_cold", "Pellucid platform"),
                          ("single_threaded", "Quillmere rollout")}
    cold = found[("deal_cold", "Quillmere rollout")]
    assert cold.reason == ("Quillmere rollout (Quillmere Logistics): no two-way touch for 30 "
                           "days (last heard from them 2 Nov, last wrote to them 23 Nov).")
    assert cold.evidence["rule"] == "no_two_way_touch"
    slow = found[("deal_cold", "Pellucid platform")]
    assert slow.evidence["rule"] == "stage_age" and slow.evidence["median_days"] == 10
    assert "60 days in Negotiation, over 1.5x the usual 10 days" in slow.reason
    single = found[("single_threaded", "Quillmere rollout")]
    assert single.contact_name == "Lina Park" and "only Lina Park" in single.reason


def test_thresholds_come_from_the_options(session, w) -> None:
    relaxed = AttentionOptions(cold_days=45, stage_age_factor=7.0, single_thread_days=90)
    # in 90 days Lina is still the only one, but the deal is not 90 days old
    assert deals_needing_attention(session, **_ana(w), now=NOW, options=relaxed) == []


def test_a_new_churn_signal_is_a_risk_but_a_complaint_or_a_colleagues_private_mail_is_not(
        session, w) -> None:
    # the complaint is no alerting kind; "cancel our call" was not shown by the extraction
    items = new_risks(session, **_ana(w), since=NOW - timedelta(days=7))
    assert [(i.kind, i.evidence["risk"]) for i in items] == [("risk", "churn")]
    assert items[0].reason == "Ivo Marin wrote of leaving on 1 Dec: \u201cWe will not renew\u201d"
    # Ben holds his private mail: the escalation in it is his to hear (an escalation counts
    # even where the extraction did not show it by default)
    ben = new_risks(session, tenant_id=TENANT, user_id=w.users[BEN[1]].id,
                    since=NOW - timedelta(days=7))
    assert [i.evidence["risk"] for i in ben] == ["escalation"]
    assert new_risks(session, **_ana(w), since=NOW - timedelta(hours=1)) == []


def test_attention_for_a_seller_has_every_kind_most_urgent_first(session, w) -> None:
    items = attention_for(session, **_ana(w), now=NOW, options=AttentionOptions())
    assert [i.kind for i in items] == ["risk", "promise_due", "unanswered", "deal_cold",
                                       "deal_cold", "single_threaded"]
    assert {i.kind for i in items} == set(NUDGE_KINDS)
    assert len({i.dedupe_key for i in items}) == len(items)


def test_a_team_mailbox_gets_nothing(session, w) -> None:
    support = w.users[SUPPORT[1]].id
    assert attention_for(session, tenant_id=TENANT, user_id=support, now=NOW,
                         options=AttentionOptions()) == []
    assert promises_due(session, tenant_id=TENANT, user_id=support, today=NOW.date(),
                        stale_days=14) == []


def test_a_promise_from_deleted_mail_is_not_due(session, w) -> None:
    pricing = w.commitment(session, "pricing")
    from app.records.models import Interaction

    session.get(Interaction, (TENANT, pricing.interaction_id)).deleted_at = NOW  # type: ignore[union-attr]
    session.flush()
    assert promises_due(session, **_ana(w), today=NOW.date(), stale_days=14) == []
    assert isinstance(pricing, Commitment)
