"""A story that agrees with itself (issue 12, items 2 and 5), through the HTTP API on SQLite
and PostgreSQL: undated promises age into "stale" and leave the overdue list, the seller dates
them; the ball is in our court for a reason it names; health is never Good beside our overdue
promises; a deal sitting too long is flagged with why; each timeline item says what was said
(to those who may read it); every signal is there, risk, competitor and budget first; and the
account's people, engaged and mentioned, with "single-threaded" when one person carries a deal.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.address import Address
from app.graph.types import Attendee, MailMessage, Meeting
from app.records.inputs import CommitmentIn, SignalIn, SignatureIn
from app.records.models import Commitment, Deal
from app.records.record import record_interaction
from app.records.tenants import DealIn, import_deal
from app.settings import load_settings
from app.sync.mapping import email_to_interaction, meeting_to_interaction
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM, mail

ADMIN = ("Storyline.Admin",)
RUTH = ("Ruth Hale", "ruth.hale@mail.kestrelfoods.co.uk")
DANA = ("Dana Reyes", "dana.reyes@harbourline-freight.com")


def story(client: FlaskClient, auth: Any, email: str = JONAS[1], who: str = MAYA[1]) -> Any:
    resp = client.get("/api/v1/story", query_string={"email": email}, headers=auth(who))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def record(app: Flask, *items: Any) -> list[uuid.UUID]:
    """Records mail through the real write path; the ids of what was stored."""
    with context.database(app).session() as s:
        outcomes = [record_interaction(s, tenant_id=TENANT_A, item=i) for i in items]
    assert all(o.status == "stored" for o in outcomes), outcomes
    return [o.interaction_id for o in outcomes if o.interaction_id]


def promise(action: str, due: Any = None, owner: str = "sender",
            kind: str = "promise") -> CommitmentIn:
    text = f"I'll {action}."
    return CommitmentIn(kind=kind, owner=owner, action=action, due=due, text=text, start=0,
                        end=len(text))


def close(client: FlaskClient, auth: Any, commitment_id: str) -> None:
    resp = client.patch(f"/api/v1/commitments/{commitment_id}", json={"status": "done"},
                        headers=auth(MAYA[1]))
    assert resp.status_code == 200, resp.get_json()


def by_action(s: Any) -> dict[str, Any]:
    return {c["action"]: c for c in s["commitments"]["ours"] + s["commitments"]["theirs"]}


# -- 1. ageing --------------------------------------------------------------------------------
@pytest.fixture
def old_promise(app: Flask, world: Any, now: datetime) -> None:
    """Maya promised Jonas a whitepaper 20 days ago, with no date."""
    record(app, mail("whitepaper", now - timedelta(days=20), MAYA, [JONAS],
                     subject="Security questions", mailbox=world.users[MAYA[1]],
                     body="I'll send the security whitepaper.",
                     commitments=(promise("send the security whitepaper"),)))


def test_an_undated_promise_older_than_the_limit_is_stale_and_not_overdue(
        client, auth, old_promise) -> None:
    s = story(client, auth)
    found = by_action(s)
    paper = found["send the security whitepaper"]
    assert paper["stale"] is True and paper["overdue"] is False and paper["age_days"] == 20
    # near miss: their 9-day-old request of us has no date either, but is young enough
    msa = found["send the signed MSA"]
    assert msa["stale"] is False and msa["due_on"] is None and msa["age_days"] == 9
    # overdue counts only the dated, past-due promise; the stale one is counted apart
    assert s["commitments"]["overdue"] == 1 and found["send the revised quote"]["overdue"]
    assert s["commitments"]["stale"] == 1 and s["commitments"]["stale_after_days"] == 14


def test_an_admin_sets_the_tenants_limit_and_bad_values_are_refused(client, auth,
                                                                     old_promise) -> None:
    admin = auth(MAYA[1], roles=ADMIN)
    assert client.get("/api/v1/tenant/settings", headers=auth(TOM[1])).get_json() == {
        "stale_promise_days": 14, "stale_promise_days_own": None,
        "default_stale_promise_days": 14}
    refused = client.put("/api/v1/tenant/settings", json={"stale_promise_days": 7},
                         headers=auth(MAYA[1]))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "admin_required"
    for bad in (0, 366, "7", True, 7.5):
        resp = client.put("/api/v1/tenant/settings", json={"stale_promise_days": bad},
                          headers=admin)
        assert resp.status_code == 400, bad
        assert set(resp.get_json()["error"]) == {"code", "message"}
    assert client.put("/api/v1/tenant/settings", json={}, headers=admin).status_code == 400
    assert story(client, auth)["commitments"]["stale"] == 1  # nothing changed by the refusals
    resp = client.put("/api/v1/tenant/settings", json={"stale_promise_days": 7}, headers=admin)
    assert resp.status_code == 200 and resp.get_json()["stale_promise_days"] == 7
    found = by_action(story(client, auth))
    assert found["send the signed MSA"]["stale"] is True  # 9 days old, over 7 now
    resp = client.put("/api/v1/tenant/settings", json={"stale_promise_days": None},
                      headers=admin)
    assert resp.get_json()["stale_promise_days"] == 14
    assert by_action(story(client, auth))["send the signed MSA"]["stale"] is False


def test_the_operator_sets_the_limit_from_the_command_line(app, runner, client, auth,
                                                           old_promise) -> None:
    out = runner.invoke(args=["tenant-settings", "--tenant-id", str(TENANT_A),
                              "--stale-promise-days", "30"])
    assert out.exit_code == 0 and "stale after 30 days" in out.output
    assert story(client, auth)["commitments"]["stale"] == 0  # 20 days is not over 30
    for bad in ("0", "many"):
        out = runner.invoke(args=["tenant-settings", "--tenant-id", str(TENANT_A),
                                  "--stale-promise-days", bad])
        assert out.exit_code != 0
    out = runner.invoke(args=["tenant-settings", "--tenant-id", str(TENANT_A),
                              "--stale-promise-days", "default"])
    assert out.exit_code == 0 and "after 14 days" in out.output


@pytest.mark.parametrize(("raw", "ok"), [(None, 14), ("1", 1), ("365", 365), ("0", None),
                                         ("366", None)])
def test_the_stale_promise_setting_is_a_number_of_days_from_1_to_365(raw, ok) -> None:
    env = {} if raw is None else {"STORYLINE_STALE_PROMISE_DAYS": raw}
    if ok is None:
        with pytest.raises(ValueError, match="STALE_PROMISE_DAYS"):
            load_settings(env)
    else:
        assert load_settings(env).stale_promise_days == ok


def test_the_seller_sets_changes_and_clears_a_due_date(app, client, auth, now,
                                                       old_promise) -> None:
    cid = by_action(story(client, auth))["send the security whitepaper"]["id"]
    headers = auth(MAYA[1])
    soon = (now + timedelta(days=3)).date().isoformat()
    resp = client.patch(f"/api/v1/commitments/{cid}", json={"due_on": soon}, headers=headers)
    body = resp.get_json()
    assert resp.status_code == 200 and body["due_on"] == soon
    assert body["stale"] is False and body["overdue"] is False and body["age_days"] == 20
    s = story(client, auth)
    assert s["commitments"]["stale"] == 0 and by_action(s)[
        "send the security whitepaper"]["due_on"] == soon
    with context.database(app).session() as session:
        assert session.get(Commitment, (TENANT_A, uuid.UUID(cid))).due_set_by_seller is True
    # a date already past makes it overdue at once; a status change leaves the date alone
    past = (now - timedelta(days=1)).date().isoformat()
    assert client.patch(f"/api/v1/commitments/{cid}", json={"due_on": past},
                        headers=headers).get_json()["overdue"] is True
    client.patch(f"/api/v1/commitments/{cid}", json={"snoozed_until": soon}, headers=headers)
    assert by_action(story(client, auth))["send the security whitepaper"]["due_on"] == past
    cleared = client.patch(f"/api/v1/commitments/{cid}", json={"due_on": None},
                           headers=headers).get_json()
    assert cleared["due_on"] is None and cleared["stale"] is True


@pytest.mark.parametrize("bad", ["2026-02-30", "next friday", 20, "1999-01-01", "2199-01-01"])
def test_a_due_date_a_seller_cannot_mean_is_refused_and_changes_nothing(client, auth, bad,
                                                                        old_promise) -> None:
    cid = by_action(story(client, auth))["send the security whitepaper"]["id"]
    resp = client.patch(f"/api/v1/commitments/{cid}", json={"due_on": bad},
                        headers=auth(MAYA[1]))
    assert resp.status_code == 400 and set(resp.get_json()["error"]) == {"code", "message"}
    assert by_action(story(client, auth))["send the security whitepaper"]["due_on"] is None
    missing = client.patch(f"/api/v1/commitments/{uuid.uuid4()}", json={"due_on": None},
                           headers=auth(MAYA[1]))
    assert missing.status_code == 404


# -- 2. ball in court -------------------------------------------------------------------------
def test_the_ball_is_in_our_court_for_the_reason_it_names(app, client, auth, now,
                                                          world) -> None:
    s = story(client, auth)
    deal = s["deals"][0]
    assert deal["ball_in_court"] == "ours"
    assert deal["ball_reason"].startswith("We owe an overdue promise: send the revised quote")
    assert deal["ball_commitment_id"] == by_action(s)["send the revised quote"]["id"]
    # the deal is the account's: Elena's story (the account's) tells the same court
    elenas = story(client, auth, ELENA[1])["deals"][0]
    assert (elenas["ball_in_court"], elenas["ball_reason"]) == ("ours", deal["ball_reason"])
    close(client, auth, by_action(s)["send the revised quote"]["id"])
    deal = story(client, auth)["deals"][0]
    assert deal["ball_in_court"] == "ours"
    assert deal["ball_reason"] == ("They asked us to send the signed MSA 9 days ago; it is "
                                   "still open")
    close(client, auth, by_action(s)["send the signed MSA"]["id"])
    # we wrote last (Maya's question to Jonas yesterday) and they owe us the delivery dates
    deal = story(client, auth)["deals"][0]
    assert deal["ball_in_court"] == "theirs"
    assert deal["ball_reason"].startswith("They owe us: confirm the delivery dates (due ")
    # near miss for "theirs": a new mail from them that nobody answered puts it back with us
    record(app, mail("nudge", now - timedelta(hours=2), JONAS, [MAYA], subject="Any news?",
                     body="Any news on the dates?", mailbox=world.users[MAYA[1]]))
    deal = story(client, auth)["deals"][0]
    assert deal["ball_in_court"] == "ours"
    assert deal["ball_reason"] == "Their last mail (today) has no reply from us"


def test_the_court_never_quotes_a_promise_from_mail_the_viewer_may_not_see(
        app, client, auth, now, world) -> None:
    record(app, mail("hush", now - timedelta(days=12), MAYA, [JONAS], subject="Between us",
                     body="I'll send the discount letter.", mailbox=world.users[MAYA[1]],
                     sensitivity="confidential", commitments=(
                         promise("send the discount letter", due=(now - timedelta(days=8))
                                 .date()),)))
    mayas = story(client, auth)["deals"][0]
    assert mayas["ball_reason"].startswith("We owe 2 overdue promises, the oldest: send the "
                                           "discount letter")
    toms = story(client, auth, who=TOM[1])
    assert toms["deals"][0]["ball_in_court"] == "ours"
    assert toms["deals"][0]["ball_reason"] == "We owe something from mail you cannot see"
    assert "discount letter" not in str(toms)


def test_suggestions_and_stale_items_do_not_decide_the_court(app, client, auth, now,
                                                             world) -> None:
    s = story(client, auth)
    for action in ("send the revised quote", "send the signed MSA"):
        close(client, auth, by_action(s)[action]["id"])
    # an undated promise from a month ago, and a suggestion only, both ours: neither counts
    unsure = CommitmentIn(kind="promise", owner="sender", action="send the case study",
                          due=(now - timedelta(days=3)).date(), text="maybe a case study",
                          start=0, end=18, confidence=0.3, shown=False)
    record(app, mail("old", now - timedelta(days=30), MAYA, [JONAS], subject="Old",
                     body="I'll send the references.", mailbox=world.users[MAYA[1]],
                     commitments=(promise("send the references"), unsure)))
    deal = story(client, auth)["deals"][0]
    assert deal["ball_in_court"] == "theirs", deal["ball_reason"]


# -- 3. health --------------------------------------------------------------------------------
def test_health_is_never_good_while_our_promises_are_overdue(app, client, auth, now,
                                                             world) -> None:
    maya = world.users[MAYA[1]]
    items = []
    for n in range(8):  # a lively, two-way relationship that would score Good
        at = now - timedelta(days=n * 3 + 1)
        items.append(mail(f"q{n}", at, RUTH, [MAYA], subject=f"Kestrel {n}", body="Question",
                          thread=f"k{n}", mailbox=maya))
        items.append(mail(f"a{n}", at + timedelta(hours=2), MAYA, [RUTH], subject=f"Kestrel {n}",
                          body="Answer", thread=f"k{n}", mailbox=maya))
    record(app, *items)
    good = story(client, auth, RUTH[1])["health"]
    assert good["label"] == "good" and good["score"] >= 70
    assert "overdue_cap" not in {r["factor"] for r in good["reasons"]}
    late = [promise(f"send item {n}", due=(now - timedelta(days=2)).date()) for n in range(2)]
    record(app, mail("late", now - timedelta(days=6), MAYA, [RUTH], subject="Kestrel items",
                     body="Items", mailbox=maya, commitments=tuple(late)))
    health = story(client, auth, RUTH[1])["health"]
    assert health["label"] == "fair" and health["score"] >= 70  # the score keeps its sum
    cap = [r for r in health["reasons"] if r["factor"] == "overdue_cap"]
    assert cap and cap[0]["detail"] == ("2 of our promises are overdue: health cannot be Good "
                                        "until they are done")


# -- 4. stale deals ---------------------------------------------------------------------------
def _deals_that_left_proposal(app: Flask, now: datetime, days: list[int]) -> None:
    """Other won deals of the tenant, each of which sat ``days[i]`` days in proposal."""
    with context.database(app).session() as s:
        for n, stay in enumerate(days):
            left = now - timedelta(days=100 + n)
            import_deal(s, tenant_id=TENANT_A, deal=DealIn(
                account_domain=f"customer{n}.example.com", name=f"Deal {n}", stage="won",
                amount=Decimal("1000"), currency="EUR", close_date=None, owner_email=MAYA[1],
                history=(("lead", left - timedelta(days=stay + 5)),
                         ("proposal", left - timedelta(days=stay)), ("won", left))))


def _in_stage_for(app: Flask, world: Any, now: datetime, days: int) -> None:
    with context.database(app).session() as s:
        s.get(Deal, (TENANT_A, world.deal_id)).stage_changed_at = now - timedelta(days=days)


def test_a_deal_past_one_and_a_half_times_the_usual_stage_age_is_stale(app, client, auth,
                                                                       now, world) -> None:
    _deals_that_left_proposal(app, now, [10, 12, 14])
    deal = story(client, auth)["deals"][0]
    assert deal["days_in_stage"] == 12 and deal["stale"] is False  # near miss: 12 < 18
    assert deal["stale_reason"] is None
    _in_stage_for(app, world, now, 25)
    deal = story(client, auth)["deals"][0]
    assert deal["stale"] is True
    assert deal["stale_reason"] == "25 days in proposal, over 1.5x the usual 12 (median of 3 deals)"


def test_with_too_few_deals_for_a_median_the_stage_limit_is_60_days(app, client, auth, now,
                                                                    world) -> None:
    _deals_that_left_proposal(app, now, [10, 12])  # two deals: no median
    _in_stage_for(app, world, now, 59)
    assert story(client, auth)["deals"][0]["stale"] is False
    _in_stage_for(app, world, now, 61)
    deal = story(client, auth)["deals"][0]
    assert deal["stale"] is True and "over 60 days (too few deals have left proposal for a " \
        "median)" in deal["stale_reason"]


def test_a_deal_nobody_wrote_both_ways_on_for_three_weeks_is_stale(app, client, auth,
                                                                   world) -> None:
    # on the world's account the last two-way touch is two days old: fresh
    assert story(client, auth)["deals"][0]["stale"] is False
    # a new deal for Kestrel: Ruth wrote a month ago, Maya six days ago; both ways: 30 days
    with context.database(app).session() as s:
        import_deal(s, tenant_id=TENANT_A, deal=DealIn(
            account_domain="kestrelfoods.co.uk", name="Kestrel pilot", stage="qualified",
            amount=None, currency=None, close_date=None, owner_email=MAYA[1],
            history=(("qualified", world.now - timedelta(days=10)),)))
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "ruth-old", world.now - timedelta(days=30), RUTH, [MAYA], subject="Pilot",
            body="Interested.", mailbox=world.users[MAYA[1]]))
    deal = story(client, auth, RUTH[1])["deals"][0]
    assert deal["stale"] is True and deal["stale_reason"] == "no two-way touch in 30 days"


# -- 5. timeline snippets ---------------------------------------------------------------------
def test_each_timeline_item_says_what_was_said_to_those_who_may_read_it(
        app, client, auth, now, world) -> None:
    maya = world.users[MAYA[1]]
    mapped = email_to_interaction(MailMessage(
        id="m1", internet_message_id="<dates@mail.test>", conversation_id="c-dates",
        subject="Delivery dates", body="Hi Maya,\n\nThe trucks arrive on the 14th.\n",
        received_at=now - timedelta(hours=3), from_=Address(address=JONAS[1], name=JONAS[0]),
        to=(Address(address=MAYA[1], name=MAYA[0]),)), mailbox_user_id=maya.id, folder="inbox")
    meeting = meeting_to_interaction(Meeting(
        id="e1", ical_uid="ical-dates", subject="Dates call", body="Agenda: the truck slots.",
        start=now - timedelta(hours=1), end=now, organizer=Address(address=MAYA[1], name="Maya"),
        attendees=(Attendee(address=JONAS[1], name=JONAS[0]),)), mailbox_user_id=maya.id)
    assert mapped is not None and meeting is not None
    record(app, mapped, meeting)
    items = {i["subject"]: i for i in story(client, auth)["timeline"]["items"]}
    assert items["Delivery dates"]["snippet"] == "Hi Maya, The trucks arrive on the 14th."
    assert items["Dates call"]["snippet"] == "Agenda: the truck slots."
    assert items["Harbourline proposal"]["snippet"].startswith("Hi Jonas, thanks for the call")
    # Tom was on none of these: under the default policy he sees the subjects, not the words
    toms = {i["subject"]: i for i in story(client, auth, who=TOM[1])["timeline"]["items"]}
    assert toms["Delivery dates"]["snippet"] == "" and toms["Dates call"]["snippet"] == ""
    assert toms["Rollout plan"]["snippet"]  # his own mail
    admin = auth(MAYA[1], roles=ADMIN)
    client.put("/api/v1/privacy/policy", json={"visibility": "metadata"}, headers=admin)
    toms = [i for i in story(client, auth, who=TOM[1])["timeline"]["items"]
            if i["subject"] != "Rollout plan"]
    assert toms and all(i["snippet"] == "" and i["subject"] == "" for i in toms)
    client.put("/api/v1/privacy/policy", json={"visibility": "full"}, headers=admin)
    toms = {i["subject"]: i for i in story(client, auth, who=TOM[1])["timeline"]["items"]}
    assert toms["Delivery dates"]["snippet"] == "Hi Maya, The trucks arrive on the 14th."


# -- 6. signals -------------------------------------------------------------------------------
def test_every_signal_is_there_risk_competitor_and_budget_first(app, client, auth, now,
                                                                world) -> None:
    maya = world.users[MAYA[1]]
    rival = SignalIn(kind="competitor", value="Corvane", text="we also talk to Corvane",
                     start=0, end=23, confidence=0.9)
    chatter = [mail(f"p{n}", now - timedelta(hours=n + 1), JONAS, [MAYA], subject=f"Price {n}",
                    body="Pricing per seat?", mailbox=maya, signals=(SignalIn(
                        kind="pricing", value="per seat", text="Pricing per seat", start=0,
                        end=16, confidence=0.8),)) for n in range(8)]
    record(app, mail("rival", now - timedelta(days=20), JONAS, [MAYA], subject="Options",
                     body="To be fair, we also talk to Corvane.", mailbox=maya,
                     signals=(rival,)), *chatter)
    s = story(client, auth)
    kinds = [x["kind"] for x in s["signals"]]
    # the account's risk first, then the competitor named 20 days ago, then the budget, then
    # the eight newer pricing signals: nothing is cut off at six
    assert kinds == ["risk", "competitor", "budget"] + ["pricing"] * 8
    assert s["signals"][1]["value"] == "Corvane" and s["signals_more"] is False
    pricing = [x["occurred_at"] for x in s["signals"] if x["kind"] == "pricing"]
    assert pricing == sorted(pricing, reverse=True)


def test_signals_are_capped_at_fifty_and_say_there_are_more(app, client, auth, now,
                                                            world) -> None:
    maya = world.users[MAYA[1]]
    record(app, *[mail(f"t{n}", now - timedelta(hours=n + 1), JONAS, [MAYA], subject=f"T {n}",
                       body="By March", mailbox=maya, signals=(SignalIn(
                           kind="timeline", value="March", text="By March", start=0, end=8,
                           confidence=0.8),)) for n in range(50)])
    s = story(client, auth)
    assert len(s["signals"]) == 50 and s["signals_more"] is True
    assert [x["kind"] for x in s["signals"][:2]] == ["risk", "budget"]


# -- 7. stakeholders --------------------------------------------------------------------------
def test_the_account_lists_people_engaged_and_mentioned_with_their_roles(app, client, auth,
                                                                        now, world) -> None:
    maya = world.users[MAYA[1]]
    cfo_words = "Our CFO Dana Reyes has to sign off"
    board_words = "The steering committee must approve it"
    vague = "All stakeholders are aligned"
    record(
        app,
        # Maya wrote to Dana 125 days ago, Dana answered (her title from her signature): a
        # contact of the account, not engaged in 90 days
        mail("to-dana", now - timedelta(days=125), MAYA, [DANA], subject="Intro", body="Hi",
             mailbox=maya),
        mail("dana", now - timedelta(days=120), DANA, [MAYA], subject="Intro", body="Hello",
             mailbox=maya, signature=SignatureIn(name="Dana Reyes",
                                                 title="Chief Financial Officer",
                                                 text="Dana Reyes\nChief Financial Officer")),
        mail("approvals", now - timedelta(days=1), JONAS, [MAYA], subject="Approvals",
             body=f"{cfo_words}. {board_words}. {vague}.", mailbox=maya, signals=(
                 SignalIn(kind="decision_maker", value="cfo", text=cfo_words, start=0,
                          end=len(cfo_words), confidence=0.8),
                 SignalIn(kind="decision_maker", value="steering committee", text=board_words,
                          start=36, end=74, confidence=0.8),
                 SignalIn(kind="decision_maker", value="stakeholders", text=vague, start=76,
                          end=104, confidence=0.8))),
    )
    st = story(client, auth)["stakeholders"]
    engaged = {p["email"]: p for p in st["engaged"]}
    # Dana last wrote 120 days ago: not engaged; Jonas's second address (a merge not made
    # yet) is listed apart; Elena is no contact of ours (she only wrote to us) but engaged
    assert set(engaged) == {JONAS[1], "jonas.w@harbourline-freight.com", ELENA[1]}
    jonas = engaged[JONAS[1]]
    # from him: the MSA request, today's approvals; from us: the proposal, the rollout plan
    assert (jonas["sent"], jonas["received"], jonas["meetings"]) == (2, 2, 0)
    assert jonas["title"] == "Head of Logistics IT" and jonas["name"] == "Jonas Weber"
    elena = engaged[ELENA[1]]
    assert (elena["name"], elena["sent"], elena["contact_id"]) == ("Elena Marsh", 1, None)
    assert [p["email"] for p in st["engaged"]][0] == JONAS[1]  # the most recent touch first
    mentioned = [(m["role"], m["name"], m["engaged"]) for m in st["mentioned"]]
    assert mentioned == [("cfo", "Dana Reyes", False), ("steering committee", None, False)]
    assert st["mentioned"][0]["title"] == "Chief Financial Officer"
    assert st["single_threaded"] is False and st["engaged_30d"] == 2  # Jonas (twice), Elena
    # Tom was not on the approvals mail: the roles show, the words do not
    toms = story(client, auth, who=TOM[1])["stakeholders"]["mentioned"]
    assert [m["role"] for m in toms] == ["cfo", "steering committee"]
    assert all(m["text"] == "" for m in toms)


def test_a_title_alone_links_a_role_only_when_one_person_carries_it(app, client, auth, now,
                                                                    world) -> None:
    maya = world.users[MAYA[1]]
    words = "our CFO needs to approve"
    record(app,
           mail("to-dana2", now - timedelta(days=6), MAYA, [DANA], subject="Numbers",
                body="Hi Dana", mailbox=maya),
           mail("dana2", now - timedelta(days=5), DANA, [MAYA], subject="Numbers", body="Hi",
                mailbox=maya, signature=SignatureIn(name="Dana Reyes", title="CFO",
                                                    text="Dana Reyes\nCFO")),
           mail("approve", now - timedelta(days=1), ELENA, [MAYA], subject="Next", body=words,
                mailbox=maya, signals=(SignalIn(kind="decision_maker", value="cfo", text=words,
                                                start=0, end=len(words), confidence=0.8),)))
    st = story(client, auth)["stakeholders"]
    assert [(m["role"], m["name"], m["engaged"]) for m in st["mentioned"]] == [
        ("cfo", "Dana Reyes", True)]
    assert {p["name"]: p["roles"] for p in st["engaged"]}["Dana Reyes"] == ["cfo"]


def test_one_person_engaged_on_an_open_deal_is_single_threaded(app, client, auth, now,
                                                               world) -> None:
    # near miss: Kestrel has one person engaged (Ruth) but no open deal
    st = story(client, auth, RUTH[1])["stakeholders"]
    assert [p["name"] for p in st["engaged"]] == ["Ruth Hale"]
    assert st["single_threaded"] is False
    with context.database(app).session() as s:
        import_deal(s, tenant_id=TENANT_A, deal=DealIn(
            account_domain="kestrelfoods.co.uk", name="Kestrel pilot", stage="qualified",
            amount=None, currency=None, close_date=None, owner_email=MAYA[1]))
    st = story(client, auth, RUTH[1])["stakeholders"]
    assert st["single_threaded"] is True
    assert st["single_threaded_reason"] == ("Only Ruth Hale has been in touch in 30 days while "
                                            "Kestrel pilot is open")
    # Maya writes to a second person at Kestrel: no longer single-threaded
    record(app, mail("sam", now - timedelta(days=1), MAYA,
                     [("Sam Hale", "sam.hale@kestrelfoods.co.uk")], subject="Pilot",
                     body="Welcome to the pilot.", mailbox=world.users[MAYA[1]]))
    st = story(client, auth, RUTH[1])["stakeholders"]
    assert st["single_threaded"] is False and st["engaged_30d"] == 2


def test_private_mail_counts_for_no_stakeholder(app, client, auth, now, world) -> None:
    record(app, mail("secret", now - timedelta(days=1), DANA, [MAYA], subject="Board",
                     body="Quiet please.", mailbox=world.users[MAYA[1]],
                     sensitivity="confidential"))
    with context.database(app).session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Commitment)) > 0
    for who in (MAYA[1], TOM[1]):
        names = [p["name"] for p in story(client, auth, who=who)["stakeholders"]["engaged"]]
        assert "Dana Reyes" not in names


# -- the shared stale-deal rule, at its edges (pure: the nudges call the same function) -------
NOW = datetime(2026, 6, 1, 12, 0)


@pytest.mark.parametrize(("days", "median", "deals", "touch_days", "stale", "why"), [
    (18, 12.0, 3, 2, False, None),  # exactly 1.5x the median: not above it
    (19, 12.0, 3, 2, True, "19 days in proposal, over 1.5x the usual 12 (median of 3 deals)"),
    (59, 12.0, 2, 2, False, None),  # too few deals for a median: the fixed 60 days apply
    (61, None, 0, 2, True, "61 days in proposal, over 60 days (too few deals have left "
                           "proposal for a median)"),
    (5, 12.0, 5, 21, False, None),  # three weeks to the day: not yet
    (5, 12.0, 5, 22, True, "no two-way touch in 22 days"),
    (30, 12.0, 5, 40, True, "30 days in proposal, over 1.5x the usual 12 (median of 5 deals); "
                            "no two-way touch in 40 days"),
])
def test_deal_staleness_says_why(days, median, deals, touch_days, stale, why) -> None:
    from app.records.deals import deal_staleness

    got = deal_staleness(stage="proposal", days_in_stage=days, stage_median_days=median,
                         stage_deals=deals, last_two_way=NOW - timedelta(days=touch_days),
                         now=NOW)
    assert got == (stale, why)


def test_a_deal_with_no_two_way_touch_yet_is_stale_only_once_it_is_three_weeks_old() -> None:
    from app.records.deals import deal_staleness

    args: dict[str, Any] = dict(stage="lead", days_in_stage=3, stage_median_days=None,
                                stage_deals=0, last_two_way=None, now=NOW)
    assert deal_staleness(**args, days_open=21) == (False, None)
    assert deal_staleness(**args, days_open=22) == (True, "no two-way touch yet")


def test_the_prep_card_tells_the_same_court_and_the_stale_deal(app, client, auth, now,
                                                               world) -> None:
    import json

    from tests.prep.meetings import customer_meeting

    _in_stage_for(app, world, now, 61)  # no other deals: the fixed 60 days apply
    with context.database(app).session() as s:
        mid = customer_meeting(s, now)
    deal = story(client, auth)["deals"][0]
    card = json.dumps(client.get(f"/api/v1/prep?meeting_id={mid}",
                                 headers=auth(MAYA[1])).get_json()["card"])
    assert json.dumps(deal["ball_reason"])[1:-1] in card
    assert '"title": "Going stale"' in card and "61 days in proposal" in card
