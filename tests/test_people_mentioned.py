"""People the mail names with their role, among the account's stakeholders (issue 12 item 5,
issue 15 item 6): read by the real extraction, kept in the record, shown to whoever may see
the mail, and gone with the person. SQLite and PostgreSQL.

Every person and company here is invented.
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.extract import Extractor
from app.extract.io import email_from_json
from app.records.inputs import InteractionIn, MentionIn
from app.records.models import Contact, Mention
from app.records.record import record_interaction
from app.records.retention import drop_old_text
from app.sync.mapping import findings_fields
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM, mail

DANA = ("Dana Reyes", "dana.reyes@harbourline-freight.com")
ADMIN = ("Storyline.Admin",)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    """The rules-only extraction (what runs without the model): deterministic here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Extractor.from_settings(None)


def read(extractor: Extractor, item: InteractionIn) -> InteractionIn:
    """The item with what the extraction finds in its body, as sync hands it in."""
    result = extractor.extract(email_from_json({
        "id": item.external_key, "body": item.body_text,
        "from": {"name": item.sender.name if item.sender else "",
                 "address": item.sender.address if item.sender else ""}}))
    return replace(item, **findings_fields(result))


def record(app: Flask, *items: InteractionIn) -> list[uuid.UUID]:
    with context.database(app).session() as s:
        outcomes = [record_interaction(s, tenant_id=TENANT_A, item=i) for i in items]
    assert all(o.status == "stored" for o in outcomes), outcomes
    return [o.interaction_id for o in outcomes if o.interaction_id]


def mentioned(client: FlaskClient, auth: Any, who: str = MAYA[1],
              email: str = JONAS[1]) -> list[dict[str, Any]]:
    resp = client.get("/api/v1/story", query_string={"email": email}, headers=auth(who))
    assert resp.status_code == 200, resp.get_json()
    return [m for m in resp.get_json()["stakeholders"]["mentioned"] if m["source"] == "mail"]


def mentions(app: Flask) -> list[Mention]:
    with context.database(app).sessionmaker() as s:
        return list(s.scalars(sa.select(Mention).where(Mention.tenant_id == TENANT_A)))


def test_a_person_named_with_a_role_is_among_the_accounts_stakeholders(
        app: Flask, client: FlaskClient, auth: Any, world: Any, now: Any,
        extractor: Extractor) -> None:
    maya = world.users[MAYA[1]]
    record(app, *(read(extractor, m) for m in (
        mail("to-dana", now - timedelta(days=30), MAYA, [DANA], subject="Hello", body="Hi Dana",
             mailbox=maya),
        mail("older", now - timedelta(days=20), JONAS, [MAYA], subject="Team",
             body="Zeynep Fontaine, our finance analyst, asked for the deck.", mailbox=maya),
        mail("newer", now - timedelta(days=2), ELENA, [MAYA], subject="Thursday",
             body="Hi Maya,\n\nZeynep Fontaine (Finance Business Partner) will join on "
                  "Thursday, Dana Reyes (CFO) and Jonas Weber (Logistics Lead) too. "
                  "Tom Brandt (Account "
                  "Executive) is welcome. Elena Marsh, our head of operations, chairs.\n",
             mailbox=maya),
        mail("too-old", now - timedelta(days=120), JONAS, [MAYA], subject="Long ago",
             body="Ruth Calloway (Procurement Director) signed the last order.",
             mailbox=maya),
    )))
    got = {m["name"]: m for m in mentioned(client, auth)}
    # one line per person, the newest role; our seller and the writer herself are no mention;
    # a mention older than 90 days is not the account's stakeholders now
    assert set(got) == {"Zeynep Fontaine", "Dana Reyes", "Jonas Weber"}
    zeynep = got["Zeynep Fontaine"]
    assert zeynep["role"] == "Finance Business Partner" and zeynep["contact_id"] is None
    assert zeynep["interaction_id"] is not None and zeynep["mentioned_at"]
    # Dana is the account's contact: the mention links to her, and she is engaged
    dana = got["Dana Reyes"]
    assert (dana["role"], dana["engaged"]) == ("CFO", True)
    with context.database(app).sessionmaker() as s:
        contact = s.scalars(sa.select(Contact).where(Contact.display_name == "Dana Reyes")).one()
    assert dana["contact_id"] == str(contact.id)
    # two contacts carry Jonas's name (a merge not made yet): no guess which one is meant
    assert (got["Jonas Weber"]["role"], got["Jonas Weber"]["contact_id"]) == (
        "Logistics Lead", None)
    # the stored row keeps the span the extraction read it from
    row = next(m for m in mentions(app) if m.role == "Finance Business Partner")
    assert row.evidence_start is not None and row.evidence_end is not None


def test_a_mention_in_another_sellers_private_mail_is_not_shown(
        app: Flask, client: FlaskClient, auth: Any, world: Any, now: Any) -> None:
    tom = world.users[TOM[1]]
    record(app, mail("quiet", now - timedelta(days=1), JONAS, [TOM], subject="Between us",
                     body="Ines Carvalhal (Procurement Lead) will decide.", mailbox=tom,
                     sensitivity="confidential",
                     mentions=(MentionIn(name="Ines Carvalhal", role="Procurement Lead",
                                         start=0, end=33),)))
    assert [m["name"] for m in mentioned(client, auth, who=TOM[1])] == ["Ines Carvalhal"]
    assert mentioned(client, auth, who=MAYA[1]) == []


def test_an_erased_persons_mentions_are_gone(app: Flask, client: FlaskClient, auth: Any,
                                             world: Any, now: Any) -> None:
    maya = world.users[MAYA[1]]
    record(
        app,
        # named before she ever wrote: a mention by name only
        mail("before", now - timedelta(days=5), JONAS, [MAYA], subject="Budget",
             body="x", mailbox=maya,
             mentions=(MentionIn(name="Dana Reyes", role="CFO", start=0, end=15),)),
        mail("to-dana", now - timedelta(days=4), MAYA, [DANA], subject="Hello", body="Hi",
             mailbox=maya),
        # named after: linked to her contact
        mail("after", now - timedelta(days=3), ELENA, [MAYA], subject="Sign-off", body="y",
             mailbox=maya, mentions=(
                 MentionIn(name="Dana Reyes", role="Chief Financial Officer", start=0, end=9),
                 MentionIn(name="Zeynep Fontaine", role="Finance Business Partner", start=0,
                           end=9))),
    )
    assert sorted((m.name, m.contact_id is not None) for m in mentions(app)) == [
        ("Dana Reyes", False), ("Dana Reyes", True), ("Zeynep Fontaine", False)]
    assert "Dana Reyes" in [m["name"] for m in mentioned(client, auth)]
    resp = client.post("/api/v1/erasures", json={"email": DANA[1]},
                       headers=auth(MAYA[1], roles=ADMIN))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["removed"]["mentions"] >= 2
    assert [m.name for m in mentions(app)] == ["Zeynep Fontaine"]
    assert [m["name"] for m in mentioned(client, auth)] == ["Zeynep Fontaine"]


def test_a_blocked_persons_mentions_go_with_the_rest_of_their_data(
        app: Flask, client: FlaskClient, auth: Any, world: Any, now: Any) -> None:
    maya = world.users[MAYA[1]]
    record(app,
           mail("to-dana", now - timedelta(days=4), MAYA, [DANA], subject="Hello", body="Hi",
                mailbox=maya),
           mail("named", now - timedelta(days=3), JONAS, [MAYA], subject="Sign-off",
                body="y", mailbox=maya, mentions=(
                    MentionIn(name="Dana Reyes", role="CFO", start=0, end=9),
                    MentionIn(name="Zeynep Fontaine", role="Finance Business Partner",
                              start=0, end=9))))
    resp = client.post("/api/v1/suppressions", json={"value": DANA[1], "scope": "tenant"},
                       headers=auth(MAYA[1], roles=ADMIN))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["removed"]["mentions"] == 1
    assert [m.name for m in mentions(app)] == ["Zeynep Fontaine"]


def test_retention_takes_the_mentions_of_mail_whose_text_it_drops(
        app: Flask, world: Any, now: Any) -> None:
    maya = world.users[MAYA[1]]
    record(app,
           mail("old", now - timedelta(days=10), JONAS, [MAYA], subject="Old", body="a",
                mailbox=maya, mentions=(MentionIn(name="Ruth Calloway",
                                                  role="Procurement Director", start=0, end=9),)),
           mail("new", now - timedelta(days=1), JONAS, [MAYA], subject="New", body="b",
                mailbox=maya, mentions=(MentionIn(name="Zeynep Fontaine",
                                                  role="Finance Business Partner", start=0,
                                                  end=9),)))
    with context.database(app).session() as s:
        counts = drop_old_text(s, days=5)
    assert counts["mentions"] == 1
    assert [m.name for m in mentions(app)] == ["Zeynep Fontaine"]
