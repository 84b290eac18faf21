"""Who sees what, through the HTTP API on SQLite and PostgreSQL.

Tom was on none of Maya's mail with Jonas but the rollout plan. Under the default policy he
sees that the mail happened and its subject, never its words; ``full`` shows them; Maya, whose
mailbox holds it, always sees all; a thread she shares becomes visible to him and disappears
again when she unshares it; private mail shows to its owner only, on every surface.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.records.record import record_interaction
from tests.prep.meetings import meeting
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM, mail

ADMIN = ("Storyline.Admin",)
# words of mail Tom was not on (Maya's thread with Jonas, Elena's complaint)
NOT_TOMS = ("Could you send the signed MSA", "Our budget is EUR 50,000", "thanks for the call",
            "may put the project on hold", "unhappy with the delays",
            "Jonas Weber\\nHead of Logistics IT")
PRIVATE_WORDS = ("Dinner on Saturday", "the spare keys", "kim.novak", "Kim Novak")


def text_of(resp: Any) -> str:
    """Everything a response body says, as one string."""
    return json.dumps(resp.get_json())


def story(client: FlaskClient, auth: Any, who: str, email: str) -> Any:
    return client.get(f"/api/v1/story?email={email}", headers=auth(who))


def surfaces(client: FlaskClient, auth: Any, who: str, meeting_id: str) -> str:
    """What ``who`` is shown on every surface that reads the record: the stories of the
    customers, contact search, and the prep card of the meeting (the Teams tab's)."""
    parts = [text_of(story(client, auth, who, e)) for e in (JONAS[1], ELENA[1])]
    parts += [text_of(client.get(f"/api/v1/contacts?q={q}", headers=auth(who)))
              for q in ("harbourline", "sam", "a")]
    parts.append(text_of(client.get(f"/api/v1/prep?meeting_id={meeting_id}",
                                    headers=auth(who))))
    return "\n".join(parts)


@pytest.fixture
def more(app: Flask, world: Any, now: Any) -> dict[str, str]:
    """A customer meeting Maya runs with Jonas, Maya's private note from a friend, and a
    mail Outlook marks confidential."""
    maya = world.users[MAYA[1]]
    with context.database(app).session() as s:
        mid = meeting(s, "review", now + timedelta(hours=3), MAYA, [JONAS])
        friend = mail("friend", now - timedelta(hours=5), MAYA, [SAM],
                      subject="Dinner on Saturday", body="Bring the spare keys please.",
                      mailbox=maya)
        secret = mail("secret", now - timedelta(hours=4), ELENA, [MAYA],
                      subject="Board change", body="Our CFO leaves in March, keep it quiet.",
                      mailbox=maya, sensitivity="confidential")
        outcomes = [record_interaction(s, tenant_id=TENANT_A, item=i) for i in (friend, secret)]
    assert [o.status for o in outcomes] == ["stored", "stored"], outcomes
    return {"meeting": str(mid), "secret": str(outcomes[1].interaction_id)}


SAM = ("Kim Novak", "kim.novak.home@gmx.net")


def test_under_the_default_policy_a_colleague_sees_that_it_happened_not_its_words(
        client, auth, world, more) -> None:
    seen = surfaces(client, auth, TOM[1], more["meeting"])
    for words in NOT_TOMS + PRIVATE_WORDS + ("Board change", "CFO leaves"):
        assert words not in seen, words
    jonas = story(client, auth, TOM[1], JONAS[1]).get_json()
    proposal = [t for t in jonas["timeline"]["items"] if t["subject"] == "Harbourline proposal"]
    assert proposal and all(t["snippet"] == "" for t in proposal)
    assert any(t["snippet"] for t in jonas["timeline"]["items"]
               if t["subject"] == "Rollout plan")  # his own mail: all of it
    budget = [s for s in jonas["signals"] if s["kind"] == "budget"]
    assert budget and budget[0]["value"] == {"amount": 50000, "currency": "EUR"}
    actions = {c["action"] for c in jonas["commitments"]["ours"] + jonas["commitments"]["theirs"]}
    assert "send the revised quote" in actions  # the short form of a finding
    assert story(client, auth, TOM[1], SAM[1]).status_code == 404  # private: not there


def test_the_owner_always_sees_all(client, auth, world, more) -> None:
    seen = surfaces(client, auth, MAYA[1], more["meeting"])
    for words in NOT_TOMS[:-1] + ("Board change", "CFO leaves"):
        assert words in seen, words
    sam = story(client, auth, MAYA[1], SAM[1])
    assert sam.status_code == 200 and "spare keys" in text_of(sam)


def test_full_shows_the_words_and_metadata_only_that_mail_happened(client, auth, world,
                                                                   more) -> None:
    admin = auth(MAYA[1], roles=ADMIN)
    refused = client.put("/api/v1/privacy/policy", json={"visibility": "full"},
                         headers=auth(MAYA[1]))
    assert refused.status_code == 403
    assert client.put("/api/v1/privacy/policy", json={"visibility": "full"},
                      headers=admin).get_json()["visibility"] == "full"
    seen = surfaces(client, auth, TOM[1], more["meeting"])
    for words in NOT_TOMS[:-1]:
        assert words in seen, words
    for words in PRIVATE_WORDS + ("Board change",):  # private stays private under full
        assert words not in seen, words
    client.put("/api/v1/privacy/policy", json={"visibility": "metadata"}, headers=admin)
    jonas = story(client, auth, TOM[1], JONAS[1]).get_json()
    mayas = [t for t in jonas["timeline"]["items"] if "Maya Okafor" in t["team"]
             and "Tom Brandt" not in t["team"]]
    assert mayas and all(t["subject"] == "" and t["snippet"] == "" for t in mayas)
    assert not [s for s in jonas["signals"] if s["kind"] == "budget"]
    assert client.get("/api/v1/privacy/policy", headers=auth(TOM[1])).get_json() == {
        "visibility": "metadata", "default": "subject", "retention_days": 0}


def test_a_shared_thread_becomes_visible_and_an_unshared_one_disappears_again(
        client, auth, world, more) -> None:
    jonas = story(client, auth, MAYA[1], JONAS[1]).get_json()
    reply = next(s for s in jonas["signals"] if s["kind"] == "budget")["interaction_id"]
    assert client.post("/api/v1/threads/mark", json={"interaction_id": reply, "mark": "shared"},
                       headers=auth(TOM[1])).status_code == 403  # not his thread
    shared = client.post("/api/v1/threads/mark", json={"interaction_id": reply,
                                                       "mark": "shared"}, headers=auth(MAYA[1]))
    assert shared.status_code == 200 and shared.get_json()["team_sees"] == "full"
    assert "Our budget is EUR 50,000" in text_of(story(client, auth, TOM[1], JONAS[1]))
    client.post("/api/v1/threads/mark", json={"interaction_id": reply, "mark": "default"},
                headers=auth(MAYA[1]))
    assert "Our budget is EUR 50,000" not in text_of(story(client, auth, TOM[1], JONAS[1]))
    private = client.post("/api/v1/threads/mark", json={"interaction_id": reply,
                                                        "mark": "private"},
                          headers=auth(MAYA[1])).get_json()
    assert private["mark"] == "private" and private["team_sees"] == "hidden"
    toms = story(client, auth, TOM[1], JONAS[1]).get_json()
    assert "Harbourline proposal" not in {t["subject"] for t in toms["timeline"]["items"]}
    assert not [s for s in toms["signals"] if s["kind"] == "budget"]
    # Outlook's own "confidential" is shared the same way
    client.post("/api/v1/threads/mark", json={"interaction_id": more["secret"],
                                              "mark": "shared"}, headers=auth(MAYA[1]))
    assert "CFO leaves" in text_of(story(client, auth, TOM[1], ELENA[1]))


def test_a_colleagues_private_meeting_cannot_be_opened_by_id(app, client, auth, world,
                                                             now, more) -> None:
    with context.database(app).session() as s:
        from app.address import Address
        from app.records.inputs import InteractionIn

        private = record_interaction(s, tenant_id=TENANT_A, item=InteractionIn(
            kind="meeting", external_key="ical-private", occurred_at=now + timedelta(hours=5),
            ends_at=now + timedelta(hours=6), subject="Interview at Harbourline",
            sender=Address(address=MAYA[1], name=MAYA[0]),
            attendees=(Address(address=JONAS[1], name=JONAS[0]),),
            sensitivity="private")).interaction_id
    assert client.get(f"/api/v1/prep?meeting_id={private}",
                      headers=auth(TOM[1])).status_code == 404
    assert client.get(f"/api/v1/prep?meeting_id={private}",
                      headers=auth(MAYA[1])).status_code == 200
    assert client.get(f"/api/v1/prep?meeting_id={more['meeting']}",
                      headers=auth(TOM[1])).status_code == 200  # the policy lets him


def test_the_sync_of_every_mailbox_is_for_admins(client, auth, world) -> None:
    assert client.get("/api/v1/sync/status", headers=auth(TOM[1])).status_code == 200
    refused = client.get("/api/v1/sync/status?scope=tenant", headers=auth(TOM[1]))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "admin_required"
    assert client.get("/api/v1/sync/status?scope=tenant",
                      headers=auth(TOM[1], roles=ADMIN)).status_code == 200


def test_the_pane_learns_how_an_item_is_shared(client, auth, world, more) -> None:
    found = client.get("/api/v1/items/lookup?key=<secret@mail.test>", headers=auth(MAYA[1]))
    sharing = found.get_json()["sharing"]
    assert sharing == {**sharing, "mark": "default", "private": True,
                       "sensitivity": "confidential", "team_sees": "hidden"}


def test_a_function_only_team_mailbox_shows_to_its_function_alone(app, client, auth, world,
                                                                  now) -> None:
    admin = auth(MAYA[1], roles=ADMIN)
    enrolled = client.post("/api/v1/team-mailboxes", headers=admin, json={
        "address": "billing@brightloop.io", "function": "finance", "function_only": True})
    assert enrolled.status_code == 201, enrolled.get_json()
    with context.database(app).session() as s:
        from app.records.models import User

        box = s.get(User, (TENANT_A, __import__("uuid").UUID(enrolled.get_json()["id"])))
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "invoice", now - timedelta(hours=2), ELENA, [("Billing", "billing@brightloop.io")],
            subject="Invoice 4471 is wrong", body="We were charged twice for March.",
            mailbox=box))
        tom = s.get(User, (TENANT_A, world.users[TOM[1]].id))
        tom.function = "finance"
    assert "charged twice" in text_of(story(client, auth, TOM[1], ELENA[1]))  # his function
    mayas = text_of(story(client, auth, MAYA[1], ELENA[1]))
    assert "Invoice 4471" not in mayas and "charged twice" not in mayas
