"""Compose mode's "Not a promise" reaches the record: a seller's choice on a promise in a draft
is kept (POST /api/v1/drafts/choices), and the sent mail's promise is then recorded dismissed,
not open. Invented people only (tests.world)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import extensions as context
from app.records.inputs import CommitmentIn
from app.records.models import Commitment
from app.records.models.deals import DraftChoice, normalise_promise, promise_text_key
from app.records.record import record_interaction
from tests.world import JONAS, MAYA, TENANT_A, TOM, mail

JONAS_ADDR = JONAS[1]
PROMISE = "I'll share the pilot plan by Thursday."
BODY = f"Hi Jonas,\n\nGood talking today. {PROMISE}\n\nBest,\nMaya"
ACTION = "share the pilot plan"


def choose(client: Any, headers: dict[str, str], text: str, choice: str) -> Any:
    return client.post("/api/v1/drafts/choices", json={"text": text, "choice": choice},
                       headers=headers)


def send(app: Flask, world: Any, key: str, *, sender: tuple[str, str] = MAYA,
         text: str = PROMISE, at: datetime | None = None, mailbox: str | None = None,
         **extra: Any) -> uuid.UUID:
    """Records Maya's (or another seller's) sent mail to Jonas promising ``text``, as sync
    would from the sender's Sent Items; returns the interaction id."""
    start = BODY.index(PROMISE)
    promise = CommitmentIn(kind="promise", owner="sender", action=ACTION, due=None, text=text,
                           start=start, end=start + len(text))
    extra.setdefault("commitments", (promise,))
    item = mail(key, at or world.now, sender, [JONAS], subject="Pilot", body=BODY,
                mailbox=world.users[mailbox or sender[1]], **extra)
    with context.database(app).session() as s:
        outcome = record_interaction(s, tenant_id=TENANT_A, item=item)
    assert outcome.status == "stored" and outcome.interaction_id is not None, outcome
    return outcome.interaction_id


def statuses(app: Flask, interaction_id: uuid.UUID) -> list[str]:
    with context.database(app).session() as s:
        return list(s.scalars(sa.select(Commitment.status).where(
            Commitment.interaction_id == interaction_id)))


def open_actions(client: Any, headers: dict[str, str]) -> list[str]:
    resp = client.get("/api/v1/story", query_string={"email": JONAS_ADDR}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [c["action"] for c in resp.get_json()["commitments"]["ours"]]


def test_not_a_promise_in_the_draft_is_recorded_dismissed_and_can_be_reopened(
        app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    found = client.post("/api/v1/drafts/analyze", headers=h, json={
        "subject": "Pilot", "body": BODY, "to": [JONAS_ADDR]}).get_json()
    said = found["promises"][0]["text"]
    assert said == PROMISE
    resp = choose(client, h, said, "ignore")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["choice"] == "ignore"
    assert resp.get_json()["text_hash"] == promise_text_key(PROMISE)

    # sync records the sent mail, its promises found again by the real extractor
    from app.extensions import extractor
    from app.extract import Address, EmailIn
    from app.sync.mapping import findings_fields

    with app.app_context(), extractor(app).use() as ex:
        result = ex.extract(EmailIn(id="pilot", body=BODY, subject="Pilot",
                                    from_=Address(name=MAYA[0], address=MAYA[1]),
                                    to=(Address(name=JONAS[0], address=JONAS_ADDR),),
                                    sent_at=world.now))
    commitments = findings_fields(result)["commitments"]
    assert [c.text for c in commitments if c.kind == "promise"] == [PROMISE]
    sent = send(app, world, "pilot", commitments=commitments)

    assert ACTION not in open_actions(client, h)
    assert "send the revised quote" in open_actions(client, h)  # other promises untouched
    assert statuses(app, sent) == ["cancelled"]  # dismissed: kept, not open
    with context.database(app).session() as s:
        cid = s.scalars(sa.select(Commitment.id).where(Commitment.interaction_id == sent)).one()
    reopened = client.patch(f"/api/v1/commitments/{cid}", json={"status": "open"}, headers=h)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    assert ACTION in open_actions(client, h)


def test_without_a_choice_the_promise_is_open_as_before(app, client, auth, world) -> None:
    sent = send(app, world, "pilot")
    assert statuses(app, sent) == ["open"]
    assert ACTION in open_actions(client, auth("maya@brightloop.io"))


def test_track_keeps_it_open_and_a_later_choice_replaces_an_earlier_one(
        app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    assert choose(client, h, PROMISE, "ignore").status_code == 201
    again = choose(client, h, PROMISE, "track")
    assert again.status_code == 200 and again.get_json()["choice"] == "track"
    with context.database(app).session() as s:
        rows = s.scalars(sa.select(DraftChoice)).all()
        assert [(r.choice, r.text_hash) for r in rows] == [("track", promise_text_key(PROMISE))]
    sent = send(app, world, "pilot")
    assert statuses(app, sent) == ["open"]
    assert ACTION in open_actions(client, h)


def test_another_sellers_choice_does_not_count(app, client, auth, world) -> None:
    assert choose(client, auth("tom@brightloop.io"), PROMISE, "ignore").status_code == 201
    sent = send(app, world, "pilot")  # Maya's mail, Maya's promise
    assert statuses(app, sent) == ["open"]
    assert ACTION in open_actions(client, auth("maya@brightloop.io"))
    toms = send(app, world, "pilot-tom", sender=TOM)  # Tom's own mail honours his choice
    assert statuses(app, toms) == ["cancelled"]


def test_the_choice_counts_when_a_colleague_on_cc_is_synced_first(app, client, auth,
                                                                  world) -> None:
    assert choose(client, auth("maya@brightloop.io"), PROMISE, "ignore").status_code == 201
    sent = send(app, world, "pilot-cc", cc=[TOM], mailbox=TOM[1])  # Tom's inbox copy first
    assert statuses(app, sent) == ["cancelled"]
    assert ACTION not in open_actions(client, auth("maya@brightloop.io"))


def test_the_sentence_matches_whatever_its_case_spacing_and_end_punctuation(
        app, client, auth, world) -> None:
    assert normalise_promise("  “I'll  SHARE the\npilot plan by Thursday…”  ") == \
        "i'll share the pilot plan by thursday"
    assert promise_text_key("I'll share the pilot plan, by Thursday") != promise_text_key(PROMISE)
    assert choose(client, auth("maya@brightloop.io"), PROMISE, "ignore").status_code == 201
    sent = send(app, world, "pilot", text="i'll share the   pilot plan by Thursday!")
    assert statuses(app, sent) == ["cancelled"]


@pytest.mark.parametrize(("made", "counts"), [
    (timedelta(days=-29), True), (timedelta(hours=12), True),
    (timedelta(days=-31), False), (timedelta(days=2), False),
])
def test_a_choice_counts_for_thirty_days_before_sending_or_a_day_after(
        app, client, auth, world, made: timedelta, counts: bool) -> None:
    assert choose(client, auth("maya@brightloop.io"), PROMISE, "ignore").status_code == 201
    with context.database(app).session() as s:
        s.execute(sa.update(DraftChoice).values(created_at=world.now + made))
    sent = send(app, world, "pilot")
    assert statuses(app, sent) == (["cancelled"] if counts else ["open"])


def test_only_the_senders_own_promises_are_dismissed(app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    assert choose(client, h, PROMISE, "ignore").status_code == 201
    start = BODY.index(PROMISE)
    request = CommitmentIn(kind="request", owner="recipient", action=ACTION, due=None,
                           text=PROMISE, start=start, end=start + len(PROMISE))
    sent = send(app, world, "ask", commitments=(request,))
    assert statuses(app, sent) == ["open"]  # a request of the customer is not a promise
    # Jonas writing the same words is his promise, not one Maya waved off
    inbound = send(app, world, "jonas", sender=JONAS, mailbox="maya@brightloop.io")
    with context.database(app).session() as s:
        row = s.scalars(sa.select(Commitment).where(Commitment.interaction_id == inbound)).one()
        assert (row.side, row.status) == ("them", "open")


def test_mail_without_promises_costs_no_lookup(app, client, auth, world) -> None:
    assert choose(client, auth("maya@brightloop.io"), PROMISE, "ignore").status_code == 201
    engine = context.database(app).engine
    lookups: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "draft_choices" in statement:
            lookups.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        send(app, world, "plain", commitments=())
        assert lookups == []
        send(app, world, "pilot")
        assert len(lookups) == 1
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("body", [
    {"choice": "ignore"},
    {"text": PROMISE},
    {"text": "", "choice": "ignore"},
    {"text": " … ", "choice": "ignore"},
    {"text": PROMISE, "choice": "maybe"},
    {"text": PROMISE, "choice": "ignore", "user_id": str(uuid.uuid4())},
    {"text": "x" * 2001, "choice": "ignore"},
])
def test_bad_choices_are_refused(app, client, auth, world, body: dict[str, Any]) -> None:
    resp = client.post("/api/v1/drafts/choices", json=body, headers=auth("maya@brightloop.io"))
    assert resp.status_code == 400, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_request" and error["message"]
    with context.database(app).session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DraftChoice)) == 0


def test_choices_need_a_token(client, world) -> None:
    resp = client.post("/api/v1/drafts/choices", json={"text": PROMISE, "choice": "ignore"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "missing_token"


def test_a_choice_is_documented_in_the_openapi_document(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/drafts/choices"]["post"]
    assert op["tags"] == ["drafts"] and "Not a promise" in op["description"] + op["summary"]
    assert "DraftChoiceIn" in str(op["requestBody"])

