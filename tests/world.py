"""An invented little world for the tests: two tenants, their sellers and customers, and
mail recorded through the real write path (record_interaction). No real people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.address import Address
from app.records.inputs import CommitmentIn, InteractionIn, SignalIn, SignatureIn
from app.records.models import Contact, ContactAddress, User
from app.records.record import record_interaction
from app.records.tenants import DealIn, ensure_tenant, ensure_user, import_deal

TENANT_A = uuid.UUID("11111111-1111-4111-8111-111111111111")
TENANT_B = uuid.UUID("22222222-2222-4222-8222-222222222222")


@dataclass
class World:
    """Handles to what was built."""

    now: datetime
    users: dict[str, User] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    deal_id: uuid.UUID | None = None

    def contact_id(self, session: Session, tenant: uuid.UUID, address: str) -> uuid.UUID:
        """The id of the contact owning an address."""
        cid = session.scalar(sa.select(ContactAddress.contact_id).where(
            ContactAddress.tenant_id == tenant, ContactAddress.address == address))
        assert cid is not None, address
        return cid


def mail(key: str, at: datetime, sender: tuple[str, str], to: list[tuple[str, str]], *,
         subject: str = "", body: str = "", cc: list[tuple[str, str]] | None = None,
         mailbox: User | None = None, **extra: object) -> InteractionIn:
    """An email as ingestion would hand it in."""
    return InteractionIn(
        kind="email", external_key=f"<{key}@mail.test>", occurred_at=at, subject=subject,
        body_text=body, thread_id=extra.pop("thread", subject or key),  # type: ignore[arg-type]
        sender=Address(address=sender[1], name=sender[0]),
        to=tuple(Address(address=a, name=n) for n, a in to),
        cc=tuple(Address(address=a, name=n) for n, a in (cc or [])),
        mailbox_user_id=mailbox.id if mailbox else None, graph_id=f"g-{key}",
        folder="sentitems" if sender[1].endswith("brightloop.io") else "inbox",
        **extra,  # type: ignore[arg-type]
    )


MAYA = ("Maya Okafor", "maya@brightloop.io")
TOM = ("Tom Brandt", "tom@brightloop.io")
JONAS = ("Jonas Weber", "jonas.weber@harbourline-freight.com")
ELENA = ("Elena Marsh", "elena.marsh@harbourline-freight.com")


def build_world(session: Session, now: datetime) -> World:
    """Builds tenant A (Brightloop, selling to Harbourline Freight and Kestrel Foods) and
    tenant B (Corvane, who also knows Jonas)."""
    w = World(now=now)
    ensure_tenant(session, tenant_id=TENANT_A, name="Brightloop", domains=["brightloop.io"])
    ensure_tenant(session, tenant_id=TENANT_B, name="Corvane", domains=["corvane.com"])
    for tenant, (name, email) in [(TENANT_A, MAYA), (TENANT_A, TOM),
                                  (TENANT_B, ("Lea Fischer", "lea@corvane.com"))]:
        w.users[email] = ensure_user(session, tenant_id=tenant, email=email, display_name=name,
                                     oid=uuid.uuid4(), time_zone="Europe/Berlin")
    maya, tom = w.users[MAYA[1]], w.users[TOM[1]]
    d = lambda days: now - timedelta(days=days)  # noqa: E731
    w.deal_id = import_deal(session, tenant_id=TENANT_A, deal=DealIn(
        account_domain="harbourline-freight.com", name="Harbourline fleet rollout",
        stage="proposal", amount=Decimal("48000"), currency="EUR",
        close_date=(now + timedelta(days=30)).date(),
        owner_email=MAYA[1], history=(("lead", d(40)), ("qualified", d(25)), ("proposal", d(12))),
    )).id
    promise = "I'll send the revised quote by Friday."
    items = {
        "proposal": mail("proposal", d(10), MAYA, [JONAS], subject="Harbourline proposal",
                         body=f"Hi Jonas, thanks for the call. {promise}", mailbox=maya,
                         commitments=(CommitmentIn(kind="promise", owner="sender",
                                                   action="send the revised quote",
                                                   due=d(5).date(), text=promise, start=33,
                                                   end=33 + len(promise)),)),
        "reply": mail("reply", d(9), JONAS, [MAYA], subject="Harbourline proposal",
                      body="Could you send the signed MSA? Our budget is EUR 50,000 for this year.",
                      mailbox=maya,
                      commitments=(
                          CommitmentIn(kind="request", owner="recipient",
                                       action="send the signed MSA", due=None,
                                       text="Could you send the signed MSA?", start=0, end=30),
                          CommitmentIn(kind="promise", owner="sender",
                                       action="confirm the delivery dates", due=d(-4).date(),
                                       text="I will confirm the delivery dates", start=57,
                                       end=90),
                      ),
                      signals=(SignalIn(kind="budget", value={"amount": 50000, "currency": "EUR"},
                                        text="Our budget is EUR 50,000", start=31, end=56,
                                        confidence=0.9),),
                      signature=SignatureIn(name="Jonas Weber", title="Head of Logistics IT",
                                            company="Harbourline Freight",
                                            phones=("+49 40 1234 5678",),
                                            text="Jonas Weber\nHead of Logistics IT")),
        "followup": mail("followup", d(3), TOM, [JONAS], cc=[MAYA], subject="Rollout plan",
                         body="Jonas, attached is the rollout plan we discussed.", mailbox=tom),
        "followup-copy": mail("followup", d(3), TOM, [JONAS], cc=[MAYA], subject="Rollout plan",
                              body="Jonas, attached is the rollout plan we discussed.",
                              mailbox=maya),
        "risk": mail("risk", d(2), ELENA, [MAYA], subject="Delivery delays",
                     body="We are unhappy with the delays and may put the project on hold.",
                     mailbox=maya,
                     signals=(SignalIn(kind="risk", value="on hold",
                                       text="may put the project on hold", start=38, end=64,
                                       confidence=0.8),)),
        "newsletter": mail("news", d(1), ("Harbourline News", "news@harbourline-freight.com"),
                           [MAYA], subject="Our November newsletter", body="News",
                           headers={"List-Unsubscribe": "<mailto:unsub@harbourline-freight.com>"}),
        "internal": mail("internal", d(1), MAYA, [TOM], subject="Harbourline pricing",
                         body="Internal only: can we go to 15% discount?"),
        "alias": mail("alias", d(1), MAYA, [("Jonas Weber", "jonas.w@harbourline-freight.com")],
                      subject="Quick question", body="Jonas, is this your new address?",
                      mailbox=maya),
        "freelancer": mail("freelancer", d(5), TOM, [("Sam Ortiz", "sam.ortiz.design@gmail.com")],
                           subject="Design work", body="Hi Sam, can you start Monday?",
                           mailbox=tom),
        "kestrel": mail("kestrel", d(6), MAYA, [("Ruth Hale", "ruth.hale@mail.kestrelfoods.co.uk")],
                        subject="Kestrel intro", body="Hi Ruth, lovely to meet you.", mailbox=maya),
        "stranger-inbound": mail("stranger", d(4), ("Otto Nobody", "otto@unknown-widgets.com"),
                                 [MAYA], subject="Cold pitch", body="Buy our widgets",
                                 mailbox=maya),
    }
    for name, item in items.items():
        w.outcomes[name] = record_interaction(session, tenant_id=TENANT_A, item=item).status
    corvane = mail("corvane", d(2), ("Lea Fischer", "lea@corvane.com"), [JONAS],
                   subject="Corvane confidential pricing", body="Our private offer to you.",
                   mailbox=w.users["lea@corvane.com"])
    w.outcomes["corvane"] = record_interaction(session, tenant_id=TENANT_B, item=corvane).status
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(Contact)) >= 5
    return w


ASK = "Maybe you could look at the pallet sensors at some point."
OFFER = "Perhaps I can ask our depot team about a trial."


def suggestions_mail(now: datetime, mailbox: User) -> InteractionIn:
    """Jonas's vague mail: a request and a promise the extraction was unsure of (kept as
    suggestions, not shown by default), an overdue one among them, and an unsure signal."""
    body = f"Hi Maya. {ASK} {OFFER}"
    ask, offer = body.index(ASK), body.index(OFFER)
    return mail("vague", now - timedelta(days=1), JONAS, [MAYA], subject="Pallet sensors",
                body=body, mailbox=mailbox,
                commitments=(
                    CommitmentIn(kind="request", owner="recipient",
                                 action="look at the pallet sensors",
                                 due=(now - timedelta(days=2)).date(), text=ASK, start=ask,
                                 end=ask + len(ASK), confidence=0.35, shown=False),
                    CommitmentIn(kind="promise", owner="sender",
                                 action="ask our depot team about a trial", due=None,
                                 text=OFFER, start=offer, end=offer + len(OFFER),
                                 confidence=0.4, shown=False),
                ),
                signals=(SignalIn(kind="expansion", value="depot trial", text="a trial",
                                  start=offer + len(OFFER) - 8, end=offer + len(OFFER) - 1,
                                  confidence=0.3, shown=False),))
