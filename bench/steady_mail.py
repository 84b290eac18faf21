"""Invented mail for the steady-state benchmark (bench/steady_bench.py).

Sellers of the sample tenant (``lumenfield.io``), each with two customers at made-up
companies on ``.example`` domains; each seller's first mail (one sent message to each
customer, so the tenant's default contact policy, contacts from sent mail, knows them);
and new mail as it arrives: a customer writing in (Inbox) or the seller writing out (Sent
Items), each with a unique Message-ID and subject. The resources are built by the sample's
own renderer (app/dev/sample), so bodies look like Outlook's. Every name here is made up.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.dev.sample.cast import INTERNAL_DOMAIN
from app.dev.sample.render import Part, Who
from app.dev.sample.resources import internet_message_id, message, message_body

FIRST = ("Ada", "Bram", "Cleo", "Dario", "Edda", "Finn", "Greta", "Hugo", "Ines", "Jonas",
         "Kaia", "Lior", "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Sami", "Tilde",
         "Umar", "Vera", "Wren", "Xavi", "Yara", "Zeno")
LAST = ("Ashdown", "Brightwater", "Calloway", "Dunmore", "Elston", "Fairleigh", "Greystone",
        "Hollis", "Ivers", "Jessop", "Kilbride", "Lowther", "Marchetti", "Norwood", "Okafor",
        "Pemberton", "Quarry", "Rowntree", "Sandoval", "Thorne", "Underhill", "Vasquez")
STEMS = ("Amberly", "Birchway", "Cindervale", "Duskfield", "Emberton", "Fernhollow",
         "Glimmerstone", "Hazelmoor", "Ironbrook", "Juniper Rise", "Kettleby", "Larchmont")
TRADES = ("Freight", "Foods", "Analytics", "Clinics", "Builders", "Textiles", "Energy",
          "Outfitters", "Printworks", "Dental")
ASKS = (
    "Could you send us the revised quote for the {n} extra seats by {day}?",
    "We reviewed the proposal and would like to move ahead with the {n}-seat plan.",
    "Our finance team asked for the updated pricing sheet before {day}.",
    "Quick question on the rollout: can your team run the onboarding session on {day}?",
    "We are also looking at Quorvia CRM, so a clear answer on pricing would help us decide.",
    "The invoice for last month shows {n} seats, but we only have {m}. Can you check?",
)
REPLIES = (
    "Thanks for the call today. I will send the revised quote by {day}.",
    "As promised, attached is the pricing sheet for {n} seats; I'll follow up on {day}.",
    "Happy to run the onboarding on {day}; I'll send an invite for the whole team.",
    "I checked the invoice: you are right, it should be {m} seats. I'll have it corrected.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week", "the 14th")


@dataclass(frozen=True)
class Seller:
    """One enrolled mailbox and the customers who write to it."""

    who: Who
    customers: tuple[Who, ...]


def cast(count: int, *, seed: int = 11) -> list[Seller]:
    """``count`` invented sellers (unique addresses), two customers each; companies are
    shared, about five sellers to a company, as accounts are."""
    rng = random.Random(seed)
    companies = [f"{STEMS[i % len(STEMS)]} {TRADES[(i // len(STEMS)) % len(TRADES)]}"
                 f"{'' if i < len(STEMS) * len(TRADES) else f' {i}'}"
                 for i in range(max(4, count // 5))]
    sellers = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        seller = (f"{first} {last}", f"{first}.{last}.{i:04d}@{INTERNAL_DOMAIN}".lower())
        customers = []
        for j in range(2):
            company = rng.choice(companies)
            domain = company.lower().replace(" ", "-") + ".example"
            c_first, c_last = rng.choice(FIRST), rng.choice(LAST)
            customers.append((f"{c_first} {c_last}",
                              f"{c_first}.{c_last}.{i:04d}{j}@{domain}".lower()))
        sellers.append(Seller(seller, tuple(customers)))
    return sellers


def _resource(*, mailbox: str, folder: str, key: str, sender: Who, to: Who, subject: str,
              text: str, sent: datetime) -> dict[str, Any]:
    part = Part(sender=sender, to=(to,), cc=(), sent=sent, subject=subject,
                greeting=f"Hi {to[0].split()[0]},", paragraphs=(text,), closing="Best,",
                signature=(sender[0],), plain=False)
    body, preview = message_body([part], html=True)
    imid = internet_message_id(key, sender[1])
    return message(mailbox=mailbox, folder=folder, key=key, imid=imid, thread=key, part=part,
                   body=body, body_preview=preview)


def first_mail(seller: Seller, now: datetime) -> list[dict[str, Any]]:
    """The seller's mailbox before enrolment: one sent message to each customer, days ago
    (items for the stand-in's ``POST /_standin/mailboxes``)."""
    out = []
    for j, customer in enumerate(seller.customers):
        text = f"Good to meet you last week. As discussed, here is our overview for {j + 2} teams."
        out.append({"folder": "sentitems", "resource": _resource(
            mailbox=seller.who[1], folder="sentitems", key=f"first:{seller.who[1]}:{j}",
            sender=seller.who, to=customer, subject="Overview as discussed", text=text,
            sent=now - timedelta(days=3 + j))})
    return out


def new_mail(seller: Seller, seq: int, run: str, now: datetime,
             rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One new message for ``seller``'s mailbox: gives its folder and resource. Seven in ten
    come in from a customer, the rest go out; ``seq`` and ``run`` make the Message-ID and
    the subject unique."""
    customer = rng.choice(seller.customers)
    n, m = rng.randint(3, 40), rng.randint(1, 30)
    inbound = rng.random() < 0.7
    template = rng.choice(ASKS if inbound else REPLIES)
    text = template.format(n=n, m=m, day=rng.choice(DAYS))
    subject = f"Seats and pricing {run}-{seq:06d}"
    folder = "inbox" if inbound else "sentitems"
    # the renderer reads a key ending in ":<digits>" as that many replies into a thread
    key = f"steady:{run}:{seq}-{uuid.uuid4().hex[:6]}"
    sender, to = (customer, seller.who) if inbound else (seller.who, customer)
    # the sample's renderer puts receipt a few seconds after sending: keep both in the past
    return folder, _resource(mailbox=seller.who[1], folder=folder, key=key, sender=sender,
                             to=to, subject=subject, text=text, sent=now - timedelta(minutes=1))
