"""``GET /api/v1/prep?event_id=``: the Outlook task pane asks for the prep of the open
appointment by its REST id in the seller's own mailbox (what calendar sync stored as
``interaction_mailboxes.graph_id``), on both databases."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from app.address import Address
from app.records.inputs import InteractionIn
from app.records.models import User
from app.records.record import record_interaction, remove_from_mailbox
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TENANT_B, TOM

LEA = ("Lea Fischer", "lea@corvane.com")
# REST v2.0 ids are URL-safe base64: an EWS id of the same event has "/" and "+" instead
MAYA_EVENT = "AAMkAGI1-maya_qbr-event=="
TOM_EVENT = "AAMkAGI1-tom_qbr-event=="


def synced_meeting(session: Any, key: str, start: datetime, organizer: tuple[str, str],
                   attendees: list[tuple[str, str]], *, mailbox: User, graph_id: str | None,
                   subject: str = "Harbourline: rollout review", cancelled: bool = False,
                   tenant: uuid.UUID = TENANT_A,
                   teams_thread: str | None = None) -> uuid.UUID | None:
    """A meeting as calendar sync records it from one mailbox (the same iCalUId from another
    mailbox links that mailbox, with its own Graph id, to the same meeting)."""
    item = InteractionIn(
        kind="meeting", external_key=f"ical-{key}", occurred_at=start,
        ends_at=start + timedelta(minutes=45), subject=subject,
        body_text="Agenda: where things stand.",
        sender=Address(address=organizer[1], name=organizer[0]),
        attendees=tuple(Address(address=a, name=n) for n, a in attendees), cancelled=cancelled,
        mailbox_user_id=mailbox.id, folder="calendar", graph_id=graph_id,
        teams_thread=teams_thread,
    )
    outcome = record_interaction(session, tenant_id=tenant, item=item)
    session.flush()
    return outcome.interaction_id


@pytest.fixture
def qbr(app: Any, world: Any, now: datetime) -> uuid.UUID:
    """Maya's customer meeting with Jonas and Elena in 50 minutes, synced from Maya's and
    Tom's calendars (each mailbox has its own event id)."""
    from app import extensions as context

    with context.database(app).session() as s:
        start = now + timedelta(minutes=50)
        mid = synced_meeting(s, "qbr", start, MAYA, [JONAS, ELENA, TOM],
                             mailbox=world.users[MAYA[1]], graph_id=MAYA_EVENT)
        again = synced_meeting(s, "qbr", start, MAYA, [JONAS, ELENA, TOM],
                               mailbox=world.users[TOM[1]], graph_id=TOM_EVENT)
        assert mid is not None and again == mid
        return mid


def prep(client: FlaskClient, headers: dict[str, str], **params: str) -> Any:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return client.get(f"/api/v1/prep?{query}", headers=headers)


def assert_error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.json
    body = answer.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]


def test_the_pane_finds_the_meeting_by_the_appointments_event_id(
        client: FlaskClient, auth: Any, qbr: uuid.UUID, assert_valid_card: Any) -> None:
    answer = prep(client, auth(MAYA[1]), event_id=MAYA_EVENT)
    assert answer.status_code == 200, answer.json
    assert answer.json["meeting_id"] == str(qbr)
    assert answer.json["title"] == "Harbourline: rollout review"
    assert set(answer.json["attendees"]) == {JONAS[1], ELENA[1]}
    assert_valid_card(answer.json["card"])
    # the same card as by our id
    by_id = prep(client, auth(MAYA[1]), meeting_id=str(qbr)).json
    assert by_id["card"] == answer.json["card"]


def test_each_seller_finds_the_meeting_by_their_own_event_id_only(
        client: FlaskClient, auth: Any, qbr: uuid.UUID) -> None:
    tom = prep(client, auth(TOM[1]), event_id=TOM_EVENT)
    assert tom.status_code == 200 and tom.json["meeting_id"] == str(qbr)
    # Maya's event id names an item in Maya's mailbox, not in Tom's
    assert_error(prep(client, auth(TOM[1]), event_id=MAYA_EVENT), 404, "meeting_not_synced")
    assert_error(prep(client, auth(MAYA[1]), event_id=TOM_EVENT), 404, "meeting_not_synced")


def test_an_ews_id_sent_as_is_finds_the_same_event(client: FlaskClient, auth: Any,
                                                   qbr: uuid.UUID) -> None:
    ews = MAYA_EVENT.replace("-", "/").replace("_", "+")
    answer = prep(client, auth(MAYA[1]), event_id=ews)
    assert answer.status_code == 200 and answer.json["meeting_id"] == str(qbr)


def test_an_event_not_in_the_record_is_a_404_meeting_not_synced(
        app: Any, client: FlaskClient, auth: Any, world: Any, qbr: uuid.UUID,
        now: datetime) -> None:
    from app import extensions as context

    answer = prep(client, auth(MAYA[1]), event_id="AAMkAGI1-not-synced-yet==")
    assert_error(answer, 404, "meeting_not_synced")
    assert "calendar sync" in answer.json["error"]["message"]
    # an email's Graph id in the same mailbox is not a meeting
    assert_error(prep(client, auth(MAYA[1]), event_id="g-proposal"), 404, "meeting_not_synced")
    with context.database(app).session() as s:
        # a meeting with colleagues only is never recorded
        internal = synced_meeting(s, "standup", now + timedelta(hours=2), MAYA, [TOM],
                                  mailbox=world.users[MAYA[1]], graph_id="AAMk-standup")
        assert internal is None
        # a meeting removed from Maya's calendar leaves it
        assert remove_from_mailbox(s, tenant_id=TENANT_A, user_id=world.users[MAYA[1]].id,
                                   graph_id=MAYA_EVENT)
    assert_error(prep(client, auth(MAYA[1]), event_id="AAMk-standup"), 404, "meeting_not_synced")
    assert_error(prep(client, auth(MAYA[1]), event_id=MAYA_EVENT), 404, "meeting_not_synced")
    assert prep(client, auth(TOM[1]), event_id=TOM_EVENT).status_code == 200


def test_a_cancelled_meeting_still_shows_its_prep_marked_cancelled(
        app: Any, client: FlaskClient, auth: Any, world: Any, qbr: uuid.UUID,
        now: datetime) -> None:
    from app import extensions as context

    with context.database(app).session() as s:
        synced_meeting(s, "qbr", now + timedelta(minutes=50), MAYA, [JONAS, ELENA, TOM],
                       mailbox=world.users[MAYA[1]], graph_id=MAYA_EVENT, cancelled=True)
    answer = prep(client, auth(MAYA[1]), event_id=MAYA_EVENT)
    assert answer.status_code == 200 and answer.json["cancelled"] is True
    assert "This meeting was cancelled." in str(answer.json["card"])


def test_another_tenant_never_sees_the_meeting_by_event_id(
        app: Any, client: FlaskClient, auth: Any, world: Any, qbr: uuid.UUID,
        now: datetime) -> None:
    from app import extensions as context

    assert_error(prep(client, auth(LEA[1]), event_id=MAYA_EVENT), 404, "meeting_not_synced")
    with context.database(app).session() as s:  # the same id string in tenant B's mailbox
        theirs = synced_meeting(s, "corvane-jonas", now + timedelta(hours=3), LEA, [JONAS],
                                subject="Corvane: private offer", tenant=TENANT_B,
                                mailbox=world.users[LEA[1]], graph_id=MAYA_EVENT)
    lea = prep(client, auth(LEA[1]), event_id=MAYA_EVENT)
    assert lea.status_code == 200 and lea.json["meeting_id"] == str(theirs)
    maya = prep(client, auth(MAYA[1]), event_id=MAYA_EVENT)
    assert maya.json["meeting_id"] == str(qbr) and "Corvane" not in str(maya.json)


@pytest.mark.parametrize("params", [
    {"event_id": ""},
    {"event_id": "   "},
    {"event_id": "A" * 401},
    {"event_id": MAYA_EVENT, "meeting_id": "01234567-89ab-7def-8123-456789abcdef"},
    {"event_id": MAYA_EVENT, "current": "1"},
    {"event_id": MAYA_EVENT, "item_id": "x"},
    {"current": "0"},
])
def test_bad_event_queries_are_a_400_in_the_api_error_shape(
        client: FlaskClient, auth: Any, qbr: uuid.UUID, params: dict[str, str]) -> None:
    assert_error(prep(client, auth(MAYA[1]), **params), 400, "invalid_request")


def test_the_event_id_lookup_needs_a_signed_in_seller(client: FlaskClient,
                                                      qbr: uuid.UUID) -> None:
    answer = client.get(f"/api/v1/prep?event_id={MAYA_EVENT}")
    assert answer.status_code == 401 and answer.json["error"]["code"] == "missing_token"


def test_the_prep_route_is_documented_with_event_id(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in doc["paths"]["/api/v1/prep"]["get"]["parameters"]}
    assert {"meeting_id", "event_id", "current"} <= names


WEEKLY_CHAT = "19:meeting_OTc3ZjI1NDEtd2Vla2x5LWhhcmJvdXJsaW5l@thread.v2"


def test_the_side_panel_finds_the_teams_meeting_it_is_open_in(
        app: Any, client: FlaskClient, auth: Any, world: Any, qbr: uuid.UUID,
        now: datetime) -> None:
    """A weekly Teams meeting keeps one chat: the panel gets this week's occurrence, even
    with another customer meeting (qbr, in 50 minutes) coming first."""
    from app import extensions as context

    with context.database(app).session() as s:
        ids = [synced_meeting(s, f"weekly-{week}", now + timedelta(days=7 * week, hours=3), MAYA,
                              [JONAS, ELENA], mailbox=world.users[MAYA[1]],
                              graph_id=f"AAMk-weekly-{week}", subject="Harbourline weekly",
                              teams_thread=WEEKLY_CHAT)
               for week in (-1, 0, 1)]
    answer = prep(client, auth(MAYA[1]), chat_id=WEEKLY_CHAT)
    assert answer.status_code == 200, answer.json
    assert answer.json["meeting_id"] == str(ids[1]) != str(qbr)
    assert answer.json["title"] == "Harbourline weekly"
    assert prep(client, auth(MAYA[1]), current="1").json["meeting_id"] == str(qbr)
    # Tom is not on the weekly meeting; an unknown chat; not a chat id at all
    assert_error(prep(client, auth(TOM[1]), chat_id=WEEKLY_CHAT), 404, "meeting_not_synced")
    assert_error(prep(client, auth(MAYA[1]), chat_id="19:meeting_unknown@thread.v2"), 404,
                 "meeting_not_synced")
    assert_error(prep(client, auth(MAYA[1]), chat_id="<script>"), 400, "invalid_request")
    assert_error(prep(client, auth(MAYA[1]), chat_id=WEEKLY_CHAT, current="1"), 400,
                 "invalid_request")


def test_a_meeting_synced_again_without_its_join_link_keeps_its_chat(
        app: Any, client: FlaskClient, auth: Any, world: Any, now: datetime) -> None:
    from app import extensions as context

    with context.database(app).session() as s:
        first = synced_meeting(s, "kick", now + timedelta(hours=5), MAYA, [JONAS],
                               mailbox=world.users[MAYA[1]], graph_id="AAMk-kick",
                               teams_thread=WEEKLY_CHAT)
        again = synced_meeting(s, "kick", now + timedelta(hours=6), MAYA, [JONAS],
                               mailbox=world.users[TOM[1]], graph_id="AAMk-kick-tom")
    assert again == first
    answer = prep(client, auth(MAYA[1]), chat_id=WEEKLY_CHAT)
    assert answer.status_code == 200 and answer.json["meeting_id"] == str(first)
