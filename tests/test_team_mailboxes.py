"""Support and finance mailboxes in the customer's story: an admin enrols them with a
function; their threads show with that function, are nobody's personally, and weigh on the
relationship's health with their reasons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.records.inputs import CommitmentIn, SignalIn
from app.records.models import User
from app.records.record import record_interaction
from tests.world import ELENA, JONAS, TENANT_A, mail

SUPPORT = ("Brightloop Support", "support@brightloop.io")


def _enrol(client: FlaskClient, auth: Any, **body: Any) -> Any:
    return client.post("/api/v1/team-mailboxes", json=body,
                       headers=auth("maya@brightloop.io", roles=("Storyline.Admin",)))


@pytest.fixture
def support(app: Flask, client: FlaskClient, auth: Any, world: Any, now: Any) -> User:
    """support@ enrolled by an admin, with a complaint thread from Harbourline in it."""
    answer = _enrol(client, auth, address=SUPPORT[1], function="support")
    assert answer.status_code == 201, answer.get_json()
    with context.database(app).session() as s:
        box = s.get(User, (TENANT_A, __import__("uuid").UUID(answer.get_json()["id"])))
        assert box is not None and box.team_mailbox
        d = lambda days: now - timedelta(days=days)  # noqa: E731
        complaint = "The tracking screen has been down since Monday and our drivers are stuck."
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "outage", d(4), ELENA, [SUPPORT], subject="Outage in Lyon", body=complaint,
            mailbox=box, thread="outage-lyon",
            signals=(SignalIn(kind="risk", value={"subtype": "complaint"}, text=complaint,
                              start=0, end=len(complaint), confidence=0.9),)))
        fix = "We will send the patched build by Thursday."
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "outage-reply", d(3.5), SUPPORT, [ELENA], subject="RE: Outage in Lyon", body=fix,
            mailbox=box, thread="outage-lyon",
            commitments=(CommitmentIn(kind="promise", owner="sender",
                                      action="send the patched build", due=d(-1).date(),
                                      text=fix, start=0, end=len(fix)),)))
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "outage-again", d(3), ELENA, [SUPPORT], subject="RE: Outage in Lyon",
            body="Any news? We still cannot see the trucks.", mailbox=box, thread="outage-lyon"))
        s.expunge(box)
        return box


def _story(client: FlaskClient, auth: Any, address: str) -> Any:
    answer = client.get("/api/v1/story", query_string={"email": address},
                        headers=auth("tom@brightloop.io"))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_support_thread_shows_in_the_account_story_with_its_function(
        client: FlaskClient, auth: Any, support: User) -> None:
    items = _story(client, auth, ELENA[1])["timeline"]["items"]
    assert [(i["subject"], i["function"]) for i in items] == [
        ("RE: Outage in Lyon", "support"), ("RE: Outage in Lyon", "support")]
    jonas = _story(client, auth, JONAS[1])
    assert {i["function"] for i in jonas["timeline"]["items"]} == {None}  # sellers' own mail
    # the account's open threads per function, also on her colleague's story: the customer
    # wrote last, so it waits on us
    [threads] = jonas["team_threads"]
    assert threads["function"] == "support" and threads["waiting_on_us"] == 1
    assert threads["waiting_on_them"] == 0 and threads["oldest_wait_days"] == 3


def test_support_mail_is_nobodys_personally(client: FlaskClient, auth: Any,
                                             support: User) -> None:
    story = _story(client, auth, ELENA[1])
    assert SUPPORT[1] not in {m["email"] for m in story["team"]}  # not a colleague who knows her
    timeline = {i["subject"]: i for i in story["timeline"]["items"]}
    assert timeline["RE: Outage in Lyon"]["team"] == []  # no seller named on it
    [promise] = [c for c in story["commitments"]["ours"] if c["action"] == "send the patched build"]
    assert promise["owner_function"] == "support"


def test_a_complaint_to_support_weighs_on_health_with_its_reason(
        client: FlaskClient, auth: Any, support: User) -> None:
    reasons = {r["factor"]: r for r in _story(client, auth, ELENA[1])["health"]["reasons"]}
    assert "through Support" in reasons["risks"]["detail"]
    assert reasons["team_threads"]["effect"] < 0
    assert "Support has kept them waiting 3 days" in reasons["team_threads"]["detail"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"address": SUPPORT[1], "function": "marketing"}, 400, "invalid_function"),
    ({"address": "maya@brightloop.io", "function": "support"}, 409, "not_a_team_mailbox"),
    ({"address": SUPPORT[1]}, 400, "invalid_request"),
])
def test_enrolling_a_team_mailbox_refuses_what_cannot_be_one(
        client: FlaskClient, auth: Any, world: Any, body: Any, status: int, code: str) -> None:
    answer = _enrol(client, auth, **body)
    assert answer.status_code == status
    assert answer.get_json()["error"]["code"] == code


def test_only_an_admin_enrols_team_mailboxes(client: FlaskClient, auth: Any, world: Any) -> None:
    answer = client.post("/api/v1/team-mailboxes", headers=auth("tom@brightloop.io"),
                         json={"address": SUPPORT[1], "function": "support"})
    assert answer.status_code == 403
    listed = client.get("/api/v1/team-mailboxes",
                        headers=auth("maya@brightloop.io", roles=("Storyline.Admin",)))
    assert listed.get_json() == {"items": []}


def test_a_team_mailbox_gets_no_prep_cards_and_cannot_be_signed_in_as(
        app: Flask, client: FlaskClient, auth: Any, support: User) -> None:
    from app.records.models import Tenant

    with context.database(app).session() as s:
        assert s.get(Tenant, TENANT_A) is not None
    signer = context.signer(app)
    assert signer is not None
    token = signer.mint(tenant_id=TENANT_A, oid=__import__("uuid").uuid4(),
                        username=SUPPORT[1], name="Support")
    client.get("/api/v1/contacts", query_string={"q": "a"},
               headers={"Authorization": f"Bearer {token}"})
    with context.database(app).session() as s:
        box = s.get(User, (TENANT_A, support.id))
        assert box is not None and box.oid is None  # the sign-in made a user of its own


def test_an_admin_enrols_a_team_mailbox_from_the_command_line(app: Flask, world: Any) -> None:
    runner = app.test_cli_runner()
    done = runner.invoke(args=["team-mailbox", "--tenant-id", str(TENANT_A), "--address",
                               "Billing@Brightloop.io", "--function", "finance",
                               "--function-only"])
    assert done.exit_code == 0, done.output
    assert "billing@brightloop.io: finance team mailbox (function only)" in done.output
    listed = runner.invoke(args=["team-mailbox", "--tenant-id", str(TENANT_A), "--list"])
    assert "billing@brightloop.io\tfinance\tfunction only\tsyncing" in listed.output
    refused = runner.invoke(args=["team-mailbox", "--tenant-id", str(TENANT_A), "--address",
                                  "maya@brightloop.io", "--function", "support"])
    assert refused.exit_code != 0 and "seller's own mailbox" in refused.output
