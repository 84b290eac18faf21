"""An invented world in which every kind of attention item has its case and its near miss,
recorded through the real write path: one seller (Ana, Lisbon), a colleague (Ben), a support
team mailbox, and customers at three invented companies. Shared by the attention and the
nudge tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.address import Address
from app.records.inputs import CommitmentIn, InteractionIn, SignalIn
from app.records.models import Commitment, Deal, Signal, User
from app.records.record import record_interaction
from app.records.team_mailboxes import enrol_team_mailbox
from app.records.tenants import DealIn, ensure_tenant, ensure_user, import_deal

TENANT = uuid.UUID("33333333-3333-4333-8333-333333333333")
# A Wednesday, 10:00 in Lisbon (UTC+0 in winter): inside working hours
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

ANA = ("Ana Reyes", "ana@fernwood.io")
BEN = ("Ben Cole", "ben@fernwood.io")
SUPPORT = ("Fernwood Support", "support@fernwood.io")
LINA = ("Lina Park", "lina.park@quillmere-logistics.com")  # Quillmere: cold, single-threaded
OMAR = ("Omar Haddad", "omar.haddad@ostrava-dairy.com")  # Ostrava: two people engaged
ROSA = ("Rosa Varga", "rosa.varga@ostrava-dairy.com")
IVO = ("Ivo Marin", "ivo.marin@pellucid-labs.com")  # Pellucid: risk, stage age
JANA = ("Jana Novak", "jana.novak@pellucid-labs.com")


@dataclass
class AttentionWorld:
    """Handles to what was built: users by address, interaction ids by name, deal ids."""

    users: dict[str, User] = field(default_factory=dict)
    mail: dict[str, uuid.UUID] = field(default_factory=dict)
    deals: dict[str, uuid.UUID] = field(default_factory=dict)

    def commitment(self, session: Session, name: str) -> Commitment:
        """The one commitment found in the named mail."""
        return session.scalars(sa.select(Commitment).where(
            Commitment.interaction_id == self.mail[name])).one()

    def signal(self, session: Session, name: str) -> Signal:
        """The one signal found in the named mail."""
        return session.scalars(sa.select(Signal).where(
            Signal.interaction_id == self.mail[name])).one()


def ago(days: float = 0, hours: float = 0) -> datetime:
    """``NOW`` minus some time."""
    return NOW - timedelta(days=days, hours=hours)


def _mail(key: str, at: datetime, sender: tuple[str, str], to: list[tuple[str, str]],
          subject: str, body: str, mailbox: User, *, cc: list[tuple[str, str]] | None = None,
          thread: str | None = None, **extra: object) -> InteractionIn:
    return InteractionIn(
        kind="email", external_key=f"<{key}@fernwood.test>", occurred_at=at, subject=subject,
        body_text=body, thread_id=thread or subject,
        sender=Address(address=sender[1], name=sender[0]),
        to=tuple(Address(address=a, name=n) for n, a in to),
        cc=tuple(Address(address=a, name=n) for n, a in (cc or [])),
        mailbox_user_id=mailbox.id, graph_id=f"g-{key}",
        folder="sentitems" if sender[1].endswith("fernwood.io") else "inbox",
        **extra,  # type: ignore[arg-type]
    )


def _promise(action: str, due: datetime | None, owner: str = "sender") -> CommitmentIn:
    text = f"I will {action}."
    return CommitmentIn(kind="promise", owner=owner, action=action,
                        due=due.date() if due else None, text=text, start=0, end=len(text))


def _risk(subtype: str, words: str, shown: bool = True) -> SignalIn:
    return SignalIn(kind="risk", value=subtype, text=words, start=0, end=len(words),
                    confidence=0.85, shown=shown)


def build(session: Session, *, time_zone: str = "Europe/Lisbon") -> AttentionWorld:
    """Builds the world at :data:`NOW`; ``time_zone`` is Ana's clock."""
    w = AttentionWorld()
    ensure_tenant(session, tenant_id=TENANT, name="Fernwood", domains=["fernwood.io"],
                  contact_policy="all")
    for name, email in (ANA, BEN):
        w.users[email] = ensure_user(session, tenant_id=TENANT, email=email, display_name=name,
                                     oid=uuid.uuid4(), time_zone=time_zone)
    w.users[SUPPORT[1]] = enrol_team_mailbox(session, tenant_id=TENANT, address=SUPPORT[1],
                                             function="support", name=SUPPORT[0])
    ana, ben, support = w.users[ANA[1]], w.users[BEN[1]], w.users[SUPPORT[1]]
    items = {
        # Quillmere: one person, and the last two-way touch 30 days ago
        "intro": _mail("intro", ago(60), ANA, [LINA], "Quillmere rollout", "Hi Lina.", ana),
        "lina-reply": _mail("lina-reply", ago(30), LINA, [ANA], "Quillmere rollout",
                            "Thanks Ana.", ana),
        # promises: overdue (the case), due tomorrow and undated (near misses), in Ana's mail
        "pricing": _mail("pricing", ago(9), ANA, [LINA], "Pricing", "I will send it.", ana,
                         commitments=(_promise("send the pricing sheet", ago(2)),)),
        "tomorrow": _mail("tomorrow", ago(8), ANA, [OMAR], "Pilot plan", "I will.", ana,
                          commitments=(_promise("share the pilot plan", ago(-1)),)),
        "undated": _mail("undated", ago(40), ANA, [OMAR], "Intro deck", "I will.", ana,
                         commitments=(_promise("send the intro deck", None),)),
        "omar-owes": _mail("omar-owes", ago(7), OMAR, [ANA], "Volumes",
                           "I will send the volumes.", ana,
                           commitments=(_promise("send the volumes", ago(1)),)),
        "volumes-thanks": _mail("volumes-thanks", ago(6), ANA, [OMAR], "Volumes", "Thanks!",
                                ana),
        # Ostrava: Omar and Rosa both engaged (two-threaded), touched both ways lately
        "ostrava-out": _mail("ostrava-out", ago(20), ANA, [OMAR, ROSA], "Ostrava pilot",
                             "Hi both.", ana),
        "ostrava-in": _mail("ostrava-in", ago(5), ROSA, [ANA], "Ostrava pilot", "Thanks.", ana),
        "ostrava-thanks": _mail("ostrava-thanks", ago(4), ANA, [ROSA], "Ostrava pilot",
                                "Noted.", ana),
        # unanswered: Omar wrote to Ana 3 days ago (the case) ...
        "question": _mail("question", ago(3), OMAR, [ANA], "Delivery window?",
                          "Can you do Tuesdays?", ana),
        # ... near misses: answered by a colleague, too fresh, Ben's private mail
        "answered": _mail("answered", ago(4), ROSA, [ANA], "Invoice address",
                          "Which address?", ana),
        "ben-answers": _mail("ben-answers", ago(3, 20), BEN, [ROSA], "Invoice address",
                             "Our Porto office.", ben),
        "fresh": _mail("fresh", ago(hours=2), OMAR, [ANA], "Quick one", "Are you free?", ana),
        "ben-private": _mail("ben-private", ago(3), IVO, [BEN], "Personal note",
                             "Between us, I am escalating this.", ben, sensitivity="private",
                             signals=(_risk("escalation", "I am escalating this",
                                            shown=False),)),
        # Pellucid: a churn threat (the case) and a complaint (a non-risk kind) to Ana
        "churn": _mail("churn", ago(1), IVO, [ANA], "Renewal",
                       "We will not renew next year.", ana,
                       signals=(_risk("churn", "We will not renew"),)),
        "complaint": _mail("complaint", ago(1, 2), IVO, [ANA], "Slow support",
                           "We are frustrated. I had to cancel our call.", ana,
                           signals=(_risk("complaint", "We are frustrated"),
                                    _risk("cancel", "cancel our call", shown=False))),
        "answer-churn": _mail("answer-churn", ago(0, 20), ANA, [IVO], "Renewal",
                              "Ivo, let us talk.", ana, cc=[JANA]),
        "answer-complaint": _mail("answer-complaint", ago(0, 20), ANA, [IVO], "Slow support",
                                  "Sorry, Ivo.", ana),
        "support-in": _mail("support-in", ago(2), IVO, [SUPPORT], "Ticket 42", "Help.", support),
    }
    for name, item in items.items():
        outcome = record_interaction(session, tenant_id=TENANT, item=item)
        assert outcome.status == "stored" and outcome.interaction_id, (name, outcome)
        w.mail[name] = outcome.interaction_id
    deals = {
        "quillmere": DealIn(account_domain="quillmere-logistics.com", name="Quillmere rollout",
                            stage="qualified", amount=Decimal("30000"), currency="EUR",
                            close_date=None, owner_email=ANA[1],
                            history=(("lead", ago(70)), ("qualified", ago(50)))),
        "ostrava": DealIn(account_domain="ostrava-dairy.com", name="Ostrava pilot",
                          stage="proposal", amount=None, currency=None, close_date=None,
                          owner_email=ANA[1], history=(("qualified", ago(45)),
                                                       ("proposal", ago(20)))),
        # in negotiation for 60 days where the tenant's deals usually take 10
        "pellucid": DealIn(account_domain="pellucid-labs.com", name="Pellucid platform",
                           stage="negotiation", amount=None, currency=None, close_date=None,
                           owner_email=ANA[1], history=(("proposal", ago(80)),
                                                        ("negotiation", ago(60)))),
    }
    for name, deal in deals.items():
        w.deals[name] = import_deal(session, tenant_id=TENANT, deal=deal).id
    for n in range(5):  # Ben's won deals: negotiation took 10 days each
        import_deal(session, tenant_id=TENANT, deal=DealIn(
            account_domain="pellucid-labs.com", name=f"Pellucid add-on {n}", stage="won",
            amount=None, currency=None, close_date=None, owner_email=BEN[1],
            history=(("negotiation", ago(200 + n * 20)), ("won", ago(190 + n * 20)))))
    session.flush()
    assert session.get(Deal, (TENANT, w.deals["pellucid"])) is not None
    return w
