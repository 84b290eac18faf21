"""The nudge round end to end: what needs a seller reaches them as Teams activity notices
(msal and msgraph-sdk against the local Graph stand-in), once each, in their working hours
and within the daily cap; Done and Snooze through the API."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app import extensions as context
from app.dev.standin.testing import control
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.service import Graph
from app.prep.deliver import send_due_digests
from app.prep.models import Nudge, PrepDelivery
from app.prep.nudges import NudgeOptions, send_nudges
from app.prep.schedule import PrepOptions
from app.records.attention import AttentionOptions
from app.records.models import Commitment, User
from app.settings import Secret
from tests.records.attention_world import ANA, BEN, NOW, SUPPORT, TENANT, AttentionWorld, build

OPTIONS = NudgeOptions(daily_cap=10)


@pytest.fixture
def fern(db: Any) -> AttentionWorld:
    """The invented Fernwood world (Ana and Ben in Lisbon, a support team mailbox)."""
    with db.session() as s:
        return build(s)


def _graph(standin: Any, users: list[User]) -> Graph:
    standin.state.teams.clear()
    for user in users:
        standin.state.store.add_mailbox(user.email, str(user.oid), user.display_name).oid = \
            str(user.oid)
    config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                         client_id="storyline-nudges", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path), max_retries=1, max_retry_after=0.05)
    return Graph(config=config, tokens=GraphAuth(config).app_token_source)


@pytest.fixture
def graph(standin: Any, fern: AttentionWorld) -> Graph:
    """Graph pointed at the stand-in, which knows Fernwood's mailboxes."""
    return _graph(standin, list(fern.users.values()))


def _notices(standin: Any, kind: str = "sellerNudge") -> list[dict[str, Any]]:
    return [t for t in control(standin, "GET", "/teams")["value"]
            if t["kind"] == "activity" and t["body"]["activityType"] == kind]


def _nudges(db: Any, email: str = ANA[1]) -> list[Nudge]:
    with db.session() as s:
        return list(s.scalars(sa.select(Nudge).join(User, sa.and_(
            User.tenant_id == Nudge.tenant_id, User.id == Nudge.user_id))
            .where(User.email == email).order_by(Nudge.created_at)))


def _kinds(notices: list[dict[str, Any]], mailbox: str = ANA[1]) -> list[str]:
    return [n["body"]["templateParameters"][0]["value"] for n in notices
            if n["mailbox"] == mailbox]


def test_every_kind_reaches_the_seller_once_with_why_and_a_link(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any,
        assert_valid_card: Any) -> None:
    report = send_nudges(db, graph, NOW, options=OPTIONS)
    assert (report.failed, report.errors) == (0, 0)
    notices = _notices(standin)
    assert _kinds(notices) == ["Risk", "Promise due", "Waiting for your reply",
                               "Deal going cold", "Deal going cold", "Single-threaded deal"]
    previews = [n["body"]["previewText"]["content"] for n in notices if n["mailbox"] == ANA[1]]
    assert previews[1].startswith("You promised Lina Park to send the pricing sheet by 30 Nov")
    # Ben hears of the unanswered note and the escalation in his own private mail; the
    # support mailbox hears nothing
    assert sorted(_kinds(notices, BEN[1])) == ["Risk", "Waiting for your reply"]
    assert not [n for n in notices if n["mailbox"] == SUPPORT[1]]
    assert report.sent == len(notices) == 8
    for n in _nudges(db):
        assert n.status == "sent" and n.reason and n.evidence and n.sent_at == NOW
        assert "/teams/tab?" in n.link
    with db.session() as s:
        rows = s.scalars(sa.select(PrepDelivery).where(PrepDelivery.kind == "nudge")).all()
        assert len(rows) == 8 and {r.status for r in rows} == {"sent"}
        for row in rows:
            assert row.card is not None
            assert_valid_card(row.card)
    pricing = next(n for n in notices if "pricing sheet" in n["body"]["previewText"]["content"])
    assert "contact_id=" in pricing["body"]["topic"]["webUrl"]  # the tab opens their story
    again = send_nudges(db, graph, NOW + timedelta(minutes=15), options=OPTIONS)
    assert (again.found, again.sent) == (0, 0) and len(_notices(standin)) == 8


def test_outside_working_hours_on_the_sellers_clock_it_waits_for_the_next_working_time(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any) -> None:
    with db.session() as s:  # Ana works from Auckland: 10:00 in Lisbon is 23:00 there
        s.get(User, (TENANT, fern.users[ANA[1]].id)).time_zone = "Pacific/Auckland"  # type: ignore[union-attr]
    night = send_nudges(db, graph, NOW, options=OPTIONS)
    assert _kinds(_notices(standin)) == [] and night.held >= 6
    assert {n.status for n in _nudges(db)} == {"held"}
    morning = NOW + timedelta(hours=9)  # 08:00 on Thursday in Auckland
    send_nudges(db, graph, morning, options=OPTIONS)
    # the six, and the pilot plan: due on Thursday, which it now is on her clock
    assert _kinds(_notices(standin)).count("Promise due") == 2
    assert len(_kinds(_notices(standin))) == 7
    assert {n.status for n in _nudges(db)} == {"sent"}


def test_the_daily_cap_holds_the_rest_for_a_later_day_most_urgent_first(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any) -> None:
    capped = replace(OPTIONS, daily_cap=2)
    first = send_nudges(db, graph, NOW, options=capped)
    assert _kinds(_notices(standin)) == ["Risk", "Promise due"]
    assert first.held == 4 + 0  # Ana's four others (Ben's two went)
    send_nudges(db, graph, NOW + timedelta(hours=3), options=capped)
    assert len(_kinds(_notices(standin))) == 2  # the cap is per local day
    # on Thursday the pilot plan is due too: a promise goes before the held mail
    send_nudges(db, graph, NOW + timedelta(days=1), options=capped)
    assert _kinds(_notices(standin)) == ["Risk", "Promise due", "Promise due",
                                         "Waiting for your reply"]


def test_a_held_nudge_whose_reason_went_away_is_never_sent(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any) -> None:
    send_nudges(db, graph, NOW, options=replace(OPTIONS, daily_cap=1))  # the risk goes
    with db.session() as s:  # Ana sends the pricing sheet and marks the promise done
        s.get(Commitment, (TENANT, fern.commitment(s, "pricing").id)).status = "done"  # type: ignore[union-attr]
    later = send_nudges(db, graph, NOW + timedelta(days=1), options=OPTIONS)
    assert later.dropped == 1
    previews = [n["body"]["previewText"]["content"] for n in _notices(standin)]
    assert not [p for p in previews if "pricing sheet" in p]
    assert [p for p in previews if "pilot plan" in p]  # due on Thursday: that one goes


def test_a_notice_graph_refused_is_recorded_and_sent_on_the_next_round(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any) -> None:
    control(standin, "POST", "/faults", json={"unavailable": {"count": 50, "mailbox": ANA[1]}})
    try:
        first = send_nudges(db, graph, NOW, options=OPTIONS)
    finally:
        control(standin, "DELETE", "/faults")
    assert (first.sent, first.failed) == (2, 6)  # Ben's went
    with db.session() as s:
        failed = s.scalars(sa.select(PrepDelivery).where(
            PrepDelivery.kind == "nudge", PrepDelivery.status == "failed")).all()
        assert len(failed) == 6 and all(r.error and "graph" in r.error for r in failed)
    assert {n.status for n in _nudges(db)} == {"open"}
    second = send_nudges(db, graph, NOW + timedelta(minutes=15), options=OPTIONS)
    assert (second.sent, second.failed) == (6, 0)
    assert len(_kinds(_notices(standin))) == 6
    with db.session() as s:  # the retries reused their delivery rows
        assert s.scalar(sa.select(sa.func.count()).select_from(PrepDelivery).where(
            PrepDelivery.kind == "nudge")) == 8


def test_nudges_are_off_when_the_working_hours_are(db: Any, fern: AttentionWorld,
                                                   graph: Graph, standin: Any) -> None:
    report = send_nudges(db, graph, NOW, options=replace(OPTIONS, hours=None))
    assert report.sent == 0 and _notices(standin) == [] and _nudges(db) == []


def test_a_day_without_customer_meetings_gets_a_digest_of_what_needs_the_seller(
        db: Any, fern: AttentionWorld, graph: Graph, standin: Any,
        assert_valid_card: Any) -> None:
    morning = NOW.replace(hour=7, minute=30)  # 07:30 in Lisbon
    report = send_due_digests(db, graph, morning,
                              options=PrepOptions(attention=AttentionOptions()))
    assert report.sent == 2  # Ana and Ben; the support mailbox gets none
    [ana] = [n for n in _notices(standin, "actionDigest") if n["mailbox"] == ANA[1]]
    assert ana["body"]["previewText"]["content"].startswith(
        "No customer meetings today; 5 things to act on: Ivo Marin wrote of leaving")
    with db.session() as s:
        card = s.scalars(sa.select(PrepDelivery.card).where(
            PrepDelivery.kind == "digest", PrepDelivery.user_id == fern.users[ANA[1]].id)).one()
    assert card is not None
    assert_valid_card(card)
    assert "What needs you on Wednesday 2 December" in str(card)
    # without the attention options (the meeting digest as before) a day without meetings
    # gets nothing
    standin.state.teams.clear()
    with db.session() as s:
        s.execute(sa.delete(PrepDelivery))
    assert send_due_digests(db, graph, morning, options=PrepOptions()).sent == 0


# -- Done and Snooze, through the API --

def _headers(app: Any, user: User) -> dict[str, str]:
    signer = context.signer(app)
    assert signer is not None
    token = signer.mint(tenant_id=user.tenant_id, oid=user.oid, username=user.email,
                        name=user.display_name)
    return {"Authorization": f"Bearer {token}"}


def test_snooze_holds_a_nudge_until_it_ends_then_it_is_sent_once_more(
        app: Any, client: Any, db: Any, fern: AttentionWorld, graph: Graph,
        standin: Any) -> None:
    send_nudges(db, graph, NOW, options=OPTIONS)
    ana = _headers(app, fern.users[ANA[1]])
    listed = client.get("/api/v1/nudges", headers=ana).get_json()["nudges"]
    assert len(listed) == 6 and {n["status"] for n in listed} == {"sent"}
    risk = next(n for n in listed if n["kind"] == "risk")
    assert risk["reason"].startswith("Ivo Marin wrote of leaving") and risk["link"]
    until = (NOW + timedelta(days=1)).isoformat()
    answer = client.post(f"/api/v1/nudges/{risk['id']}/snooze", headers=ana,
                         json={"until": until})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "snoozed"
    assert risk["id"] not in {n["id"] for n in
                              client.get("/api/v1/nudges", headers=ana).get_json()["nudges"]}
    send_nudges(db, graph, NOW + timedelta(hours=5), options=OPTIONS)
    assert _kinds(_notices(standin)).count("Risk") == 1  # still snoozed
    send_nudges(db, graph, NOW + timedelta(days=1, minutes=5), options=OPTIONS)
    assert _kinds(_notices(standin)).count("Risk") == 2  # back once
    send_nudges(db, graph, NOW + timedelta(days=1, hours=1), options=OPTIONS)
    assert _kinds(_notices(standin)).count("Risk") == 2  # and only once


def test_a_nudge_marked_done_is_never_sent(app: Any, client: Any, db: Any,
                                           fern: AttentionWorld, graph: Graph,
                                           standin: Any) -> None:
    send_nudges(db, graph, NOW, options=replace(OPTIONS, daily_cap=1))  # the rest are held
    ana = _headers(app, fern.users[ANA[1]])
    held = next(n for n in client.get("/api/v1/nudges", headers=ana).get_json()["nudges"]
                if n["kind"] == "unanswered")
    assert held["status"] == "held"
    done = client.post(f"/api/v1/nudges/{held['id']}/done", headers=ana)
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    for day in range(1, 4):
        send_nudges(db, graph, NOW + timedelta(days=day), options=OPTIONS)
    titles = [n["body"]["templateParameters"][1]["value"] for n in _notices(standin)]
    assert "Delivery window?" not in titles and "Quick one" in titles  # a later one goes
    assert client.post(f"/api/v1/nudges/{held['id']}/snooze", headers=ana,
                       json={"hours": 2}).status_code == 409


@pytest.mark.parametrize(("body", "says"), [
    ({"until": "2020-01-01T09:00:00+00:00"}, "in the future"),
    ({"until": "2030-01-01T09:00:00"}, "time zone offset"),
    ({"hours": 2, "until": "2030-01-01T09:00:00+00:00"}, "not both"),
    ({"hours": 0}, "hours"),
    ({"hours": 24 * 40}, "hours"),
    ({"minutes": 5}, "minutes"),
])
def test_a_bad_snooze_is_refused_and_changes_nothing(app: Any, client: Any, db: Any,
                                                     fern: AttentionWorld, graph: Graph,
                                                     body: dict[str, Any], says: str) -> None:
    send_nudges(db, graph, NOW, options=OPTIONS)
    ana = _headers(app, fern.users[ANA[1]])
    nudge = client.get("/api/v1/nudges", headers=ana).get_json()["nudges"][0]
    answer = client.post(f"/api/v1/nudges/{nudge['id']}/snooze", headers=ana, json=body)
    assert answer.status_code == 400 and says in answer.get_json()["error"]["message"]
    assert {n.status for n in _nudges(db)} == {"sent"}


def test_a_seller_cannot_see_or_close_another_sellers_nudge(
        app: Any, client: Any, db: Any, fern: AttentionWorld, graph: Graph) -> None:
    send_nudges(db, graph, NOW, options=OPTIONS)
    bens = _nudges(db, BEN[1])
    ana = _headers(app, fern.users[ANA[1]])
    assert not {str(n.id) for n in bens} & {
        n["id"] for n in client.get("/api/v1/nudges", headers=ana).get_json()["nudges"]}
    answer = client.post(f"/api/v1/nudges/{bens[0].id}/done", headers=ana)
    assert answer.status_code == 404
    assert {n.status for n in _nudges(db, BEN[1])} == {"sent"}


def test_an_admin_tunes_the_nudges_and_a_bad_value_names_its_variable() -> None:
    from datetime import time

    from app.prep.nudges import in_working_hours, nudge_options
    from app.settings import ALWAYS, load_settings

    options = nudge_options(load_settings({
        "STORYLINE_NUDGE_UNANSWERED_HOURS": "8", "STORYLINE_NUDGE_COLD_DAYS": "14",
        "STORYLINE_NUDGE_STAGE_AGE_PERCENT": "200", "STORYLINE_NUDGE_SINGLE_THREAD_DAYS": "45",
        "STORYLINE_NUDGE_HOURS": "09:00-17:30", "STORYLINE_NUDGE_DAILY_CAP": "3",
        "STORYLINE_NUDGE_SNOOZE_HOURS": "4", "STORYLINE_STALE_PROMISE_DAYS": "30"}))
    assert options.attention == AttentionOptions(
        unanswered_hours=8, cold_days=14, stage_age_factor=2.0, single_thread_days=45,
        stale_promise_days=30)
    assert (options.hours, options.daily_cap, options.snooze) == (
        (time(9), time(17, 30)), 3, timedelta(hours=4))
    assert nudge_options(load_settings({})) == NudgeOptions(prep=PrepOptions(
        attention=AttentionOptions()))  # the documented defaults
    assert nudge_options(load_settings({"STORYLINE_NUDGE_HOURS": "off"})).hours is None
    always = nudge_options(load_settings({"STORYLINE_NUDGE_HOURS": "always"})).hours
    assert always is not None and in_working_hours(NOW.replace(day=5, hour=3), "UTC", always)
    assert not in_working_hours(NOW.replace(day=5, hour=10), "UTC", OPTIONS.hours or ALWAYS)  # Sat
    for name, bad in (("STORYLINE_NUDGE_HOURS", "18:00-08:00"),
                      ("STORYLINE_NUDGE_HOURS", "9-5"), ("STORYLINE_NUDGE_DAILY_CAP", "0"),
                      ("STORYLINE_NUDGE_STAGE_AGE_PERCENT", "50"),
                      ("STORYLINE_NUDGE_COLD_DAYS", "three"),
                      ("STORYLINE_STALE_PROMISE_DAYS", "0")):
        with pytest.raises(ValueError, match=name):
            load_settings({name: bad})


def test_nudges_about_an_erased_or_blocked_person_go_with_their_notices(
        db: Any, fern: AttentionWorld, graph: Graph) -> None:
    from app.records.erasure import erase_person
    from app.records.suppressions import block

    send_nudges(db, graph, NOW, options=OPTIONS)
    before = {n.kind for n in _nudges(db)}
    assert {"promise_due", "single_threaded", "unanswered"} <= before
    with db.session() as s:  # Lina asks to be forgotten; Ana blocks Omar
        erase_person(s, tenant_id=TENANT, email="lina.park@quillmere-logistics.com",
                     actor=None)
        purged = block(s, tenant_id=TENANT, value="omar.haddad@ostrava-dairy.com",
                       actor=fern.users[ANA[1]].id, user_id=None, reason="")[1]
        assert purged.nudges >= 1
    left = _nudges(db)
    # the promise to Lina, "only Lina Park" and Omar's unanswered mail went; the deals stay
    assert sorted(n.kind for n in left) == ["deal_cold", "deal_cold", "risk"]
    with db.session() as s:
        kept = " ".join(str(r.card) for r in s.scalars(sa.select(PrepDelivery)))
        assert s.scalar(sa.select(sa.func.count()).select_from(PrepDelivery).where(
            PrepDelivery.kind == "nudge", PrepDelivery.user_id == fern.users[ANA[1]].id)) == 3
    said = kept + " ".join(f"{n.reason} {n.evidence}" for n in left)
    for gone in ("Lina Park", "lina.park@", "Omar Haddad", "omar.haddad@"):
        assert gone not in said


def test_snooze_without_a_time_holds_for_the_default_hours_and_the_api_documents_it(
        app: Any, client: Any, db: Any, fern: AttentionWorld, graph: Graph) -> None:
    send_nudges(db, graph, NOW, options=OPTIONS)
    ana = _headers(app, fern.users[ANA[1]])
    nudge = client.get("/api/v1/nudges", headers=ana).get_json()["nudges"][0]
    answer = client.post(f"/api/v1/nudges/{nudge['id']}/snooze", headers=ana)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "snoozed" and answer.get_json()["snoozed_until"]
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/nudges", "/api/v1/nudges/{nudge_id}/done",
            "/api/v1/nudges/{nudge_id}/snooze"} <= set(paths)
