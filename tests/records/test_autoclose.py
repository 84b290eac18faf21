"""Promises close themselves: a later mail (or meeting) of the side that owes one, in the same
thread or with the same people, that delivers it closes it with its evidence; anything less
leaves it open. Both databases, through the real write path and the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import extensions as context
from app.address import Address
from app.records.inputs import CommitmentIn, InteractionIn
from app.records.models import AuditEvent, Commitment
from app.records.record import record_interaction
from app.records.tenants import ensure_tenant, ensure_user

TENANT = uuid.UUID("a7c105e0-0000-4000-8000-000000000012")
ANN = ("Ann Sorel", "ann@tidewell.example")
DANA = ("Dana Whitfield", "dana@brightwater-labs.example")
OMAR = ("Omar Lind", "omar@brightwater-labs.example")
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


@dataclass
class Seller:
    """The seller of the little world and the contact policy's first mail."""

    user_id: uuid.UUID
    oid: uuid.UUID


@pytest.fixture
def seller(app: Flask) -> Seller:
    """Tenant Tidewell with seller Ann, selling to Brightwater Labs."""
    with context.database(app).session() as s:
        ensure_tenant(s, tenant_id=TENANT, name="Tidewell", domains=["tidewell.example"],
                      contact_policy="sent_and_received")
        user = ensure_user(s, tenant_id=TENANT, email=ANN[1], display_name=ANN[0],
                           oid=uuid.uuid4(), time_zone="Europe/Berlin")
        return Seller(user_id=user.id, oid=user.oid)


def promise(text: str, action: str, *, kind: str = "promise",
            owner: str = "sender") -> CommitmentIn:
    """A commitment as extraction hands it in."""
    return CommitmentIn(kind=kind, owner=owner, action=action, due=None, text=text, start=0,
                        end=len(text))


def mail(key: str, hours: float, *, body: str, sent: bool = True, thread: str = "pricing",
         to: tuple[tuple[str, str], ...] = (DANA,), subject: str = "Re: Pricing",
         commitments: tuple[CommitmentIn, ...] = (), attachments: tuple[str, ...] = ()
         ) -> InteractionIn:
    """An email from Ann (``sent``) or from Dana, ``hours`` after the start."""
    sender, recipients = (ANN, to) if sent else (DANA, (ANN,))
    return InteractionIn(
        kind="email", external_key=f"<{key}@mail.example>",
        occurred_at=START + timedelta(hours=hours), subject=subject, body_text=body,
        thread_id=thread, sender=Address(address=sender[1], name=sender[0]),
        to=tuple(Address(address=a, name=n) for n, a in recipients),
        commitments=commitments, attachments=attachments)


def record(app: Flask, *items: InteractionIn) -> list[uuid.UUID]:
    """Records the items in order through the write path; gives their interaction ids."""
    ids = []
    with context.database(app).session() as s:
        for item in items:
            outcome = record_interaction(s, tenant_id=TENANT, item=item)
            assert outcome.status == "stored", outcome.reason
            assert outcome.interaction_id is not None
            ids.append(outcome.interaction_id)
        s.commit()
    return ids


def commitments(app: Flask) -> dict[str, Commitment]:
    """Every commitment of the tenant by its action."""
    with context.database(app).session() as s:
        rows = s.scalars(sa.select(Commitment).where(Commitment.tenant_id == TENANT)).all()
        s.expunge_all()
        return {c.action: c for c in rows}


FIRST = mail("first", 0, body="Great call today. I'll send the pricing sheet by Friday. "
             "I'll also send the contract once legal has looked at it.",
             commitments=(promise("I'll send the pricing sheet by Friday.",
                                  "send the pricing sheet"),
                          promise("I'll also send the contract once legal has looked at it.",
                                  "send the contract")))


def test_a_delivered_promise_closes_and_an_unrelated_one_stays_open(app: Flask,
                                                                     seller: Seller) -> None:
    _, later = record(app, FIRST, mail("later", 20, body="Hi Dana,\n\nAs promised, attached "
                                       "is the pricing sheet. Let me know if anything is "
                                       "unclear.\n\nAnn"))
    found = commitments(app)
    pricing, contract = found["send the pricing sheet"], found["send the contract"]
    assert pricing.status == "done" and pricing.closed_how == "auto"
    assert pricing.closed_by_interaction_id == later and pricing.completed_at is not None
    assert "attached is the pricing sheet" in (pricing.closed_evidence or "")
    assert contract.status == "open" and contract.closed_by_interaction_id is None


@pytest.mark.parametrize("body", [
    "Quick update: I'll send the pricing sheet tomorrow, finance is still checking the discount.",
    "Still working on the pricing sheet - I want to include the new bundle.",
    "Did you get a chance to look at the pricing sheet options we discussed?",
    "The pricing sheet will follow once the discount is approved.",
    "I haven't finished the pricing sheet yet, sorry.",
])
def test_a_mail_that_mentions_the_thing_without_delivering_it_leaves_it_open(
        app: Flask, seller: Seller, body: str) -> None:
    record(app, FIRST, mail("later", 20, body=body))
    assert commitments(app)["send the pricing sheet"].status == "open"


def test_an_unrelated_attachment_or_the_customers_copy_leaves_it_open(app: Flask,
                                                                      seller: Seller) -> None:
    record(app, FIRST,
           mail("overview", 10, body="Attached is a short overview of our company.",
                attachments=("Company_Overview.pdf",)),
           mail("theirs", 12, sent=False, body="Here is the pricing sheet of your competitor.",
                attachments=("Pricing_Sheet_Competitor.pdf",)))
    assert commitments(app)["send the pricing sheet"].status == "open"


def test_an_attachment_named_for_the_thing_closes_it(app: Flask, seller: Seller) -> None:
    _, later = record(app, FIRST, mail("later", 3, body="See attached.",
                                       attachments=("Brightwater_Pricing_Sheet_2026.pdf",)))
    pricing = commitments(app)["send the pricing sheet"]
    assert pricing.status == "done" and pricing.closed_by_interaction_id == later
    assert pricing.closed_evidence == "attachment: Brightwater_Pricing_Sheet_2026.pdf"


def test_mail_in_another_thread_with_other_people_closes_nothing(app: Flask,
                                                                 seller: Seller) -> None:
    record(app, FIRST, mail("elsewhere", 5, thread="other", to=(OMAR,),
                            body="As promised, attached is the pricing sheet."))
    assert commitments(app)["send the pricing sheet"].status == "open"


def test_a_delivery_in_sent_mail_creates_no_they_owe(app: Flask, seller: Seller) -> None:
    """Extraction may read "please find attached ..." as a request of the customer: it is a
    delivery, so neither side is left owing anything for it."""
    record(app, FIRST, mail("later", 20, body="As promised, attached is the pricing sheet. "
                            "Please find attached the pricing sheet as well.",
                            commitments=(promise("Please find attached the pricing sheet as "
                                                 "well.", "find attached the pricing sheet",
                                                 kind="request", owner="recipient"),)))
    found = commitments(app)
    assert set(found) == {"send the pricing sheet", "send the contract"}
    assert not [c for c in found.values() if c.side == "them"]


@pytest.mark.model
def test_the_real_extraction_of_a_delivery_owes_nothing_and_closes_the_promise(
        app: Flask, seller: Seller) -> None:
    from app.extract import DEFAULT_MODEL, EmailIn, Extractor
    from app.sync.mapping import findings_fields

    body = ("Hi Dana,\n\nAs promised, attached is the pricing sheet. Let me know if you have "
            "any questions.\n\nBest,\nAnn")
    found = Extractor.from_settings(DEFAULT_MODEL).extract_many(
        [EmailIn(id="x", body=body, sent_at=START + timedelta(hours=20))])[0]
    fields = findings_fields(found)
    later = mail("later", 20, body=fields["body_text"], commitments=fields["commitments"])
    record(app, FIRST, later)
    rows = commitments(app)
    assert set(rows) == {"send the pricing sheet", "send the contract"}  # nothing new
    assert rows["send the pricing sheet"].status == "done"


def test_their_promise_closes_when_they_deliver(app: Flask, seller: Seller) -> None:
    said = "I'll send the signed order form on Monday."
    theirs = mail("theirs", 0, sent=False, thread="order", body=said,
                  commitments=(promise(said, "send the signed order form"),))
    ours_back = mail("ours", 2, thread="order", body="Thanks Dana, here is the signed order "
                     "form template in case you need it again.",
                     attachments=("Signed_Order_Form.pdf",))
    delivered = mail("delivered", 30, sent=False, thread="order",
                     body="Signed order form attached. PO to follow from our AP team.",
                     attachments=("Order_Form_signed.pdf",))
    ids = record(app, theirs, ours_back)
    assert commitments(app)["send the signed order form"].status == "open"  # our mail: not theirs
    ids += record(app, delivered)
    c = commitments(app)["send the signed order form"]
    assert c.side == "them" and c.status == "done" and c.closed_by_interaction_id == ids[2]


def meeting(key: str, hours: float, *, cancelled: bool = False,
            mailbox: uuid.UUID | None = None) -> InteractionIn:
    """A one-hour meeting Ann organised with Dana, ``hours`` after the start."""
    at = START + timedelta(hours=hours)
    return InteractionIn(kind="meeting", external_key=key, occurred_at=at,
                         ends_at=at + timedelta(hours=1), subject="Pricing with your CFO",
                         sender=Address(address=ANN[1], name=ANN[0]),
                         attendees=(Address(address=DANA[1], name=DANA[0]),),
                         cancelled=cancelled, mailbox_user_id=mailbox)


def test_a_held_meeting_closes_set_up_a_call_and_a_cancelled_one_does_not(
        app: Flask, seller: Seller) -> None:
    ask = mail("call", 0, thread="cfo", body="I'll set up a call with your CFO next week.",
               commitments=(promise("I'll set up a call with your CFO next week.",
                                    "set up a call with your CFO"),))
    record(app, ask, meeting("ical-cancelled", 24, cancelled=True))
    assert commitments(app)["set up a call with your CFO"].status == "open"
    (held,) = record(app, meeting("ical-held", 48))
    c = commitments(app)["set up a call with your CFO"]
    assert c.status == "done" and c.closed_by_interaction_id == held
    assert (c.closed_evidence or "").startswith("meeting held: Pricing with your CFO")


def _token(app: Flask, seller: Seller) -> dict[str, str]:
    signer = context.signer(app)
    assert signer is not None
    token = signer.mint(tenant_id=TENANT, oid=seller.oid, username=ANN[1], name=ANN[0])
    return {"Authorization": f"Bearer {token}"}


def test_the_story_shows_what_closed_it_and_a_reopened_promise_stays_open(
        app: Flask, client: FlaskClient, seller: Seller) -> None:
    headers = _token(app, seller)
    record(app, FIRST, mail("later", 20, subject="Pricing sheet",
                            body="As promised, attached is the pricing sheet."))
    story = client.get(f"/api/v1/story?email={DANA[1]}", headers=headers).get_json()
    closed = story["commitments"]["recently_closed"]
    assert [c["action"] for c in closed] == ["send the pricing sheet"]
    assert closed[0]["status"] == "done"
    assert closed[0]["closed_by"]["subject"] == "Pricing sheet"
    assert closed[0]["closed_by"]["how"] == "auto"
    assert "pricing sheet" in closed[0]["closed_by"]["evidence"]
    assert "send the pricing sheet" not in [c["action"] for c in story["commitments"]["ours"]]

    answer = client.patch(f"/api/v1/commitments/{closed[0]['id']}", json={"status": "open"},
                          headers=headers)
    assert answer.status_code == 200 and answer.get_json()["status"] == "open"
    c = commitments(app)["send the pricing sheet"]
    assert c.reopened_at is not None and c.completed_at is None and c.closed_how is None
    with context.database(app).session() as s:  # the undone auto-close is kept in the audit
        audit = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "commitment.reopen")).one()
        assert audit.details["closed_evidence"] == closed[0]["closed_by"]["evidence"]

    # a later unrelated mail does not close it again, nor does mail synced late that was
    # sent before the seller reopened it
    after_reopen = (datetime.now(UTC) - START).total_seconds() / 3600 + 0.5
    record(app, mail("unrelated", after_reopen, body="Here is the agenda for Thursday.",
                     attachments=("Agenda_Thursday.docx",)),
           mail("synced-late", 30, body="Pricing sheet attached again.",
                attachments=("Pricing_Sheet.pdf",)))
    assert commitments(app)["send the pricing sheet"].status == "open"
    story = client.get(f"/api/v1/story?email={DANA[1]}", headers=headers).get_json()
    assert "send the pricing sheet" in [c["action"] for c in story["commitments"]["ours"]]
    assert story["commitments"]["recently_closed"] == []


def test_a_meeting_recorded_before_it_was_held_closes_the_call_once_seen_after_it(
        app: Flask, seller: Seller) -> None:
    ask = mail("call", 0, thread="cfo", body="I'll set up a call with your CFO next week.",
               commitments=(promise("I'll set up a call with your CFO next week.",
                                    "set up a call with your CFO"),))
    coming = (datetime.now(UTC) - START).total_seconds() / 3600 + 24  # tomorrow
    (booked,) = record(app, ask, meeting("ical-moved", coming))[1:]
    assert commitments(app)["set up a call with your CFO"].status == "open"  # not yet held
    with context.database(app).session() as s:  # moved to yesterday, and it took place
        outcome = record_interaction(s, tenant_id=TENANT, item=meeting(
            "ical-moved", 100, mailbox=seller.user_id))
        assert outcome.status == "duplicate"
        s.commit()
    c = commitments(app)["set up a call with your CFO"]
    assert c.status == "done" and c.closed_by_interaction_id == booked
