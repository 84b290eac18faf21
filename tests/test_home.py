"""The seller's home, "My day" (``GET /api/v1/me/day``), on SQLite and PostgreSQL: Maya sees
her own overdue promise, what a customer owes her, the customer mail waiting on her reply and
her deal gone cold, each opening the right customer's story; never a colleague's promise, a
promise she marked done or snoozed, or another tenant's record."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.records.inputs import CommitmentIn
from app.records.models import Interaction
from app.records.record import record_interaction
from app.records.tenants import DealIn, import_deal
from tests.world import JONAS, MAYA, TENANT_A, TOM, mail

RUTH = ("Ruth Hale", "ruth.hale@mail.kestrelfoods.co.uk")
LARS = ("Lars Brenn", "lars.brenn@quarrowfield-dairy.com")
PIET = ("Piet Olsen", "piet.olsen@quarrowfield-dairy.com")  # writes in, never written to


def promise(action: str, due: date | None) -> CommitmentIn:
    text = f"I will {action}."
    return CommitmentIn(kind="promise", owner="sender", action=action, due=due, text=text,
                        start=0, end=len(text))


@pytest.fixture
def day(app: Flask, world: Any, now: Any, client: FlaskClient, auth: Any) -> dict[str, str]:
    """Beside the world's own (Maya's overdue quote for Jonas, Jonas's unanswered reply):
    Ruth's overdue promise to Maya in a thread Maya answered, a Quarrowfield deal of Maya's
    with no two-way touch for 40 days and a question from Piet there nobody answered, Tom's
    overdue promise to Jonas, and two promises of Maya's, one marked done and one snoozed
    through the API."""
    d = lambda days: now - timedelta(days=days)  # noqa: E731
    maya, tom = world.users[MAYA[1]], world.users[TOM[1]]
    items = [
        mail("ruth-po", d(5), RUTH, [MAYA], subject="Kestrel intro", mailbox=maya,
             body="I will send the signed purchase order.",
             commitments=(promise("send the signed purchase order", d(2).date()),)),
        mail("ruth-thanks", d(4.5), MAYA, [RUTH], subject="Kestrel intro", mailbox=maya,
             body="Thanks Ruth, talk soon."),
        mail("lars-out", d(40), MAYA, [LARS], subject="Quarrowfield rollout", mailbox=maya,
             body="Hi Lars, here is the plan."),
        mail("lars-in", d(39), LARS, [MAYA], subject="Quarrowfield rollout", mailbox=maya,
             body="Thanks Maya, we will look at it."),
        mail("piet-asks", d(6), PIET, [MAYA], subject="Invoice question", mailbox=maya,
             body="Which entity should the invoice go to?"),
        mail("tom-pilot", d(6), TOM, [JONAS], subject="Pilot contract", mailbox=tom,
             body="I will send the pilot contract.",
             commitments=(promise("send the pilot contract", d(2).date()),)),
        mail("security", d(8), MAYA, [JONAS], subject="Security review", mailbox=maya,
             body="I will share the security questionnaire.",
             commitments=(promise("share the security questionnaire", d(3).date()),)),
        mail("workshop", d(8), MAYA, [JONAS], subject="Workshop", mailbox=maya,
             body="I will book the workshop room.",
             commitments=(promise("book the workshop room", d(3).date()),)),
    ]
    with context.database(app).session() as s:
        outcomes = [record_interaction(s, tenant_id=TENANT_A, item=i) for i in items]
        import_deal(s, tenant_id=TENANT_A, deal=DealIn(
            account_domain="quarrowfield-dairy.com", name="Quarrowfield rollout",
            stage="qualified", amount=Decimal("20000"), currency="EUR", close_date=None,
            owner_email=MAYA[1], history=(("lead", d(50)), ("qualified", d(35)))))
        reply = s.scalar(sa.select(Interaction.id).where(
            Interaction.tenant_id == TENANT_A, Interaction.external_key == "<reply@mail.test>"))
        ids = {name: str(world.contact_id(s, TENANT_A, address))
               for name, address in (("jonas", JONAS[1]), ("ruth", RUTH[1]),
                                     ("lars", LARS[1]))}
        s.commit()
    assert {o.status for o in outcomes} == {"stored"}, outcomes
    h = auth(MAYA[1])
    ours = client.get("/api/v1/story", query_string={"email": JONAS[1]},
                      headers=h).get_json()["commitments"]["ours"]
    by_action = {c["action"]: c["id"] for c in ours}
    done = client.patch(f"/api/v1/commitments/{by_action['share the security questionnaire']}",
                        json={"status": "done"}, headers=h)
    snoozed = client.patch(f"/api/v1/commitments/{by_action['book the workshop room']}",
                           json={"snoozed_until": (now + timedelta(days=3)).date().isoformat()},
                           headers=h)
    assert done.status_code == 200 and snoozed.status_code == 200
    return {**ids, "reply": str(reply)}


def my_day(client: FlaskClient, headers: dict[str, str], **params: Any) -> Any:
    resp = client.get("/api/v1/me/day", query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def titles(section: Any) -> list[str]:
    return [i["title"] for i in section["items"]]


def test_my_day_lists_what_the_seller_owes_and_is_owed_and_what_waits_on_them(
        client, auth, day) -> None:
    mine = my_day(client, auth(MAYA[1]))
    quote = next(i for i in mine["ours"]["items"] if i["title"] == "send the revised quote")
    assert quote["contact_name"] == "Jonas Weber" and quote["story_contact_id"] == day["jonas"]
    assert quote["account_name"] == "Harbourline Freight" and quote["interaction_id"]
    assert "overdue" in quote["reason"] and quote["due_on"] < mine["today"]
    owed = next(i for i in mine["theirs"]["items"]
                if i["title"] == "send the signed purchase order")
    assert owed["contact_name"] == "Ruth Hale" and owed["story_contact_id"] == day["ruth"]
    waiting = next(i for i in mine["unanswered"]["items"] if i["interaction_id"] == day["reply"])
    assert waiting["title"] == "Harbourline proposal" and waiting["kind"] == "unanswered"
    assert waiting["story_contact_id"] == day["jonas"]
    # Piet is no contact (Maya never wrote to him): his mail opens the story of his address
    piet = next(i for i in mine["unanswered"]["items"] if i["title"] == "Invoice question")
    assert piet["story_contact_id"] is None and piet["story_email"] == PIET[1]
    assert piet["account_name"] == "Quarrowfield Dairy"
    cold = next(i for i in mine["deals"]["items"] if i["title"] == "Quarrowfield rollout")
    assert cold["kind"] == "deal_cold" and cold["reason"]
    # the rule names no person: the story opened is the account's most active contact
    assert cold["story_contact_id"] == day["lars"]
    for name in ("ours", "theirs", "unanswered", "deals", "risks"):
        assert mine[name]["count"] == len(mine[name]["items"])


def test_my_day_leaves_out_a_colleagues_promise_and_what_is_done_or_snoozed(
        client, auth, day) -> None:
    mine = titles(my_day(client, auth(MAYA[1]))["ours"])
    for gone in ("send the pilot contract", "share the security questionnaire",
                 "book the workshop room"):
        assert gone not in mine, gone
    toms = my_day(client, auth(TOM[1]))
    assert "send the pilot contract" in titles(toms["ours"])
    assert "send the revised quote" not in titles(toms["ours"])
    assert day["reply"] not in [i["interaction_id"] for i in toms["unanswered"]["items"]]
    assert "Quarrowfield rollout" not in titles(toms["deals"])
    leas = my_day(client, auth("lea@corvane.com"))  # another tenant: nothing of Brightloop's
    assert "Brightloop" not in json.dumps(leas) and "Jonas" not in json.dumps(leas["ours"])
    assert leas["ours"]["count"] == 0 and leas["deals"]["count"] == 0


def test_a_limit_shortens_each_section_but_not_its_count(client, auth, day) -> None:
    whole = my_day(client, auth(MAYA[1]))
    short = my_day(client, auth(MAYA[1]), limit=1)
    for name in ("ours", "theirs", "unanswered", "deals", "risks"):
        assert short[name]["count"] == whole[name]["count"]
        assert short[name]["items"] == whole[name]["items"][:1]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "x"},
                                    {"colour": "red"}])
def test_a_bad_limit_gets_a_clear_error(client, auth, world, params) -> None:
    resp = client.get("/api/v1/me/day", query_string=params, headers=auth(MAYA[1]))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_request"


def test_my_day_matches_its_declared_response_schema(client, auth, day) -> None:
    import jsonschema

    doc = client.get("/api/v1/openapi.json").get_json()
    ok = doc["paths"]["/api/v1/me/day"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = json.loads(json.dumps({"$ref": f"#/$defs/{ref}",
                                    "$defs": doc["components"]["schemas"]})
                        .replace("#/components/schemas/", "#/$defs/"))
    jsonschema.validate(my_day(client, auth(MAYA[1])), schema)
    jsonschema.validate(my_day(client, auth("lea@corvane.com")), schema)
