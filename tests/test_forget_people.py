"""Block means gone, erasure, access: through the HTTP API, on SQLite and PostgreSQL.

After a block or an erasure the person's old mail is gone from every table; after an
erasure the address occurs in no column of any table, and later mail from it stores nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app import extensions as context
from app.records.inputs import InteractionIn
from app.records.models import (
    AuditEvent,
    Base,
    Contact,
    ContactAddress,
    ErasedAddress,
    Interaction,
    Participant,
)
from app.records.record import record_interaction
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TENANT_B, TOM, mail

ADMIN = ("Storyline.Admin",)
SAM = ("Sam Ortiz", "sam.ortiz.design@gmail.com")


def holding(app: Flask, needle: str, tenant: uuid.UUID = TENANT_A) -> dict[str, int]:
    """Rows of each table (of the tenant) in which ``needle`` occurs in any column, any case."""
    found: dict[str, int] = {}
    with context.database(app).sessionmaker() as s:
        for table in Base.metadata.sorted_tables:
            key = table.c.tenant_id if "tenant_id" in table.c else table.c.id
            for row in s.execute(sa.select(table).where(key == tenant)).mappings():
                if any(needle.lower() in str(v).lower() for v in row.values()):
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def record(app: Flask, item: InteractionIn, tenant: uuid.UUID = TENANT_A) -> str:
    """Records one item through the write path sync uses, as sync opens its sessions."""
    with context.database(app).session() as s:
        return record_interaction(s, tenant_id=tenant, item=item).status


def count(app: Flask, model: Any, *where: Any) -> int:
    with context.database(app).sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def test_a_sellers_block_purges_the_mail_only_they_hold(app, client, auth, world, now) -> None:
    assert holding(app, SAM[1])  # Tom's mail to a freelancer, the contact, the participant
    resp = client.post("/api/v1/suppressions", json={"value": SAM[1]},
                       headers=auth(TOM[1]))
    assert resp.status_code == 201
    removed = resp.get_json()["removed"]
    assert removed["interactions"] == 1 and removed["contacts"] == 1
    # only the block itself (and its audit line) still name him
    assert set(holding(app, SAM[1])) == {"suppressions", "audit_events"}
    assert holding(app, "can you start Monday") == {}
    assert record(app, mail("sam-again", now, SAM, [TOM], subject="Invoice", body="Hi Tom",
                            mailbox=world.users[TOM[1]])) == "skipped"
    assert set(holding(app, SAM[1])) == {"suppressions", "audit_events"}


def test_a_tenant_block_of_a_domain_purges_its_people_and_leaves_mixed_threads(
        app, client, auth, world, now) -> None:
    maya = world.users[MAYA[1]]
    ruth = ("Ruth Hale", "ruth.hale@mail.kestrelfoods.co.uk")
    assert record(app, mail("mixed", now - timedelta(hours=2), MAYA, [ELENA, ruth],
                            subject="Joint workshop", body="Elena, Ruth: see you Tuesday.",
                            mailbox=maya)) == "stored"
    resp = client.post("/api/v1/suppressions",
                       json={"value": "kestrelfoods.co.uk", "scope": "tenant"},
                       headers=auth(MAYA[1], roles=ADMIN))
    assert resp.status_code == 201, resp.get_json()
    removed = resp.get_json()["removed"]
    assert removed == {**removed, "interactions": 1, "contacts": 1, "participants": 3}
    assert holding(app, "ruth.hale") .keys() <= {"suppressions", "audit_events"}
    assert holding(app, "lovely to meet you") == {}
    # the workshop mail stays for Elena, without Ruth on it
    story = client.get(f"/api/v1/story?email={ELENA[1]}", headers=auth(MAYA[1])).get_json()
    assert "Joint workshop" in {t["subject"] for t in story["timeline"]["items"]}
    with context.database(app).sessionmaker() as s:
        people = s.scalars(sa.select(Participant.address).join(
            Interaction, sa.and_(Interaction.tenant_id == Participant.tenant_id,
                                 Interaction.id == Participant.interaction_id))
            .where(Interaction.subject == "Joint workshop")).all()
    assert ruth[1] not in people and ELENA[1] in people


def test_blocking_the_sender_clears_what_his_signature_gave_his_other_address(
        app, client, auth, world) -> None:
    # Jonas's title came from the signature of his reply; blocking the address the reply
    # came from purges the reply, and the title it gave goes with it
    with context.database(app).sessionmaker() as s:
        before = s.scalar(sa.select(Contact.title).join(ContactAddress, sa.and_(
            ContactAddress.tenant_id == Contact.tenant_id,
            ContactAddress.contact_id == Contact.id)).where(ContactAddress.address == JONAS[1]))
    assert before == "Head of Logistics IT"
    resp = client.post("/api/v1/suppressions", json={"value": JONAS[1], "scope": "tenant"},
                       headers=auth(MAYA[1], roles=ADMIN))
    assert resp.get_json()["removed"]["interactions"] >= 2
    assert holding(app, "Head of Logistics IT") == {}
    assert holding(app, "50,000") == {}  # the budget signal of his reply


def test_blocks_are_listed_and_removed_by_whoever_may(app, client, auth, world) -> None:
    mine = client.post("/api/v1/suppressions", json={"value": "otto@unknown-widgets.com"},
                       headers=auth(MAYA[1])).get_json()
    tenant = client.post("/api/v1/suppressions",
                         json={"value": "unknown-widgets.com", "scope": "tenant"},
                         headers=auth(MAYA[1], roles=ADMIN)).get_json()
    listed = client.get("/api/v1/suppressions", headers=auth(MAYA[1])).get_json()
    assert {s["id"] for s in listed["suppressions"]} == {mine["id"], tenant["id"]}
    toms = client.get("/api/v1/suppressions", headers=auth(TOM[1])).get_json()
    assert {s["id"] for s in toms["suppressions"]} == {tenant["id"]}  # not Maya's own
    assert client.delete(f"/api/v1/suppressions/{mine['id']}",
                         headers=auth(TOM[1])).status_code == 404
    refused = client.delete(f"/api/v1/suppressions/{tenant['id']}", headers=auth(TOM[1]))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "admin_required"
    assert client.delete(f"/api/v1/suppressions/{mine['id']}",
                         headers=auth(MAYA[1])).status_code == 204
    assert client.delete(f"/api/v1/suppressions/{tenant['id']}",
                         headers=auth(TOM[1], roles=ADMIN)).status_code == 204
    assert client.get("/api/v1/suppressions",
                      headers=auth(MAYA[1])).get_json()["suppressions"] == []


def test_only_an_admin_erases_or_exports(app, client, auth, world) -> None:
    for method, url, kw in (("post", "/api/v1/erasures", {"json": {"email": JONAS[1]}}),
                            ("get", f"/api/v1/people/export?email={JONAS[1]}", {})):
        resp = getattr(client, method)(url, headers=auth(MAYA[1]), **kw)
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "admin_required"
    assert holding(app, JONAS[1])


def test_an_erased_person_is_nowhere_and_never_comes_back(app, client, auth, world,
                                                          now) -> None:
    maya = world.users[MAYA[1]]
    # a colleague blocked him once, and Elena's mail names him in passing
    client.post("/api/v1/suppressions", json={"value": JONAS[1]}, headers=auth(TOM[1]))
    assert record(app, mail("mention", now - timedelta(hours=1), ELENA, [MAYA],
                            cc=[JONAS], subject=f"Re: ask {JONAS[1]}",
                            body=f"Please write to {JONAS[1].upper()} about the dates.",
                            mailbox=maya)) == "stored"
    resp = client.post("/api/v1/erasures", json={"email": JONAS[1]},
                       headers=auth(MAYA[1], roles=ADMIN))
    assert resp.status_code == 201, resp.get_json()
    answer = resp.get_json()
    assert answer["removed"]["contacts"] == 1 and answer["removed"]["interactions"] >= 2
    assert holding(app, JONAS[1]) == {}
    assert holding(app, "jonas.weber") == {}
    assert holding(app, "Head of Logistics IT") == {}
    # Elena's mail stays, with his address masked and his name gone from its people
    story = client.get(f"/api/v1/story?email={ELENA[1]}", headers=auth(MAYA[1])).get_json()
    subjects = {t["subject"] for t in story["timeline"]["items"]}
    assert any(s.startswith("Re: ask [erased]") for s in subjects)
    # another tenant's record of him is theirs
    assert holding(app, JONAS[1], tenant=TENANT_B)
    # who erased which hash when
    with context.database(app).sessionmaker() as s:
        audit = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "person.erase")).one()
        hashes = set(s.scalars(sa.select(ErasedAddress.address_hash)))
    assert audit.actor_user_id == maya.id and audit.at is not None
    assert set(audit.details["address_hashes"]) == hashes and len(hashes) == 1
    # later mail from him, or naming him, brings nothing of him back
    assert record(app, mail("back", now, JONAS, [MAYA], subject="Hello again",
                            body="Jonas here", mailbox=maya)) == "skipped"
    assert record(app, mail("naming", now, ELENA, [MAYA, JONAS], subject="Update",
                            body=f"cc {JONAS[1]}", mailbox=maya)) == "stored"
    assert holding(app, JONAS[1]) == {}
    assert count(app, Contact, Contact.tenant_id == TENANT_A, Contact.title.is_not(None)) == 0


def test_the_erase_command_does_what_the_api_does(app, runner, world, now) -> None:
    result = runner.invoke(args=["erase", "--email", SAM[1], "--tenant-id", str(TENANT_A)])
    assert result.exit_code == 0, result.output
    assert "erased" in result.output and SAM[1] not in result.output
    assert holding(app, SAM[1]) == {}
    assert record(app, mail("sam-back", now, SAM, [TOM], subject="Invoice", body="Hi",
                            mailbox=world.users[TOM[1]])) == "skipped"
    bad = runner.invoke(args=["erase", "--email", "tom@brightloop.io",
                              "--tenant-id", str(TENANT_A)])
    assert bad.exit_code != 0 and "colleague" in bad.output


def test_an_admin_exports_every_row_about_a_person(app, client, auth, world) -> None:
    resp = client.get(f"/api/v1/people/export?email={JONAS[1].upper()}",
                      headers=auth(MAYA[1], roles=ADMIN))
    assert resp.status_code == 200, resp.get_json()
    export = resp.get_json()
    tables = export["tables"]
    assert export["email"] == JONAS[1] and export["erased"] is False
    assert {"contacts", "contact_addresses", "participants", "interactions", "commitments",
            "signals", "relationships"} <= set(tables)
    assert any(c["title"] == "Head of Logistics IT" for c in tables["contacts"])
    assert {i["subject"] for i in tables["interactions"]} >= {"Harbourline proposal",
                                                             "Rollout plan"}
    assert all(r["tenant_id"] == str(TENANT_A) for rows in tables.values() for r in rows)
    bad = client.get("/api/v1/people/export?email=not-an-address",
                     headers=auth(MAYA[1], roles=ADMIN))
    assert bad.status_code == 400
