"""Builds tests/extract/data/emails.jsonl: invented, labelled B2B emails (run it to regenerate).

Every person, company, phone number and address here is made up. Each email is composed from
hand-written sentences that carry their own labels (commitment kind and due rule, signal kinds),
wrapped in greetings, sign-offs, signatures, quoted history in several client formats, and
sometimes HTML. Due dates are computed here by explicit calendar rules, independently of
app/extract/dates.py, so the test measures the resolver against a written specification.

    .venv/bin/python tests/extract/data/build_emails.py
"""

from __future__ import annotations

import calendar
import html
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sentences import (  # type: ignore[import-not-found]
    NEUTRAL,
    PROMISES,
    REQUESTS,
    SIGNALS,
    SIGNALS_IN_COMMITMENTS,
)

OUT = Path(__file__).with_name("emails.jsonl")
N_EMAILS = 320


def nxt(ref: date, wd: int) -> date:
    return ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def week_monday(ref: date) -> date:
    return ref - timedelta(days=ref.weekday())


# (phrase, rule) -- the rule is the written specification of what the phrase means
DUES = [
    ("by Friday", lambda r: nxt(r, 4)),
    ("by Monday", lambda r: nxt(r, 0)),
    ("on Tuesday", lambda r: nxt(r, 1)),
    ("by Thursday", lambda r: nxt(r, 3)),
    ("by EOD", lambda r: r),
    ("by end of day", lambda r: r),
    ("today", lambda r: r),
    ("tomorrow", lambda r: r + timedelta(days=1)),
    ("tomorrow morning", lambda r: r + timedelta(days=1)),
    ("by EOD Thursday", lambda r: nxt(r, 3)),
    (
        "by the end of the week",
        lambda r: week_monday(r) + timedelta(days=4 if r.weekday() < 5 else 11),
    ),
    ("next week", lambda r: week_monday(r) + timedelta(days=11)),
    ("early next week", lambda r: week_monday(r) + timedelta(days=8)),
    ("by next Friday", lambda r: week_monday(r) + timedelta(days=11)),
    ("by the end of the month", month_end),
    ("in two weeks", lambda r: r + timedelta(days=14)),
    ("within 3 business days", None),  # computed below (skips weekends)
    ("by December 4", lambda r: date(r.year if r <= date(r.year, 12, 4) else r.year + 1, 12, 4)),
    ("before 12/15", lambda r: date(r.year, 12, 15)),
    (
        "by the 30th",
        lambda r: (
            date(r.year, r.month, 30)
            if r.day <= 30
            else date(r.year + (r.month == 12), r.month % 12 + 1, 30)
        ),
    ),
    ("by end of Q1", lambda r: date(r.year + 1 if r.month > 3 else r.year, 3, 31)),
]


def business_days(ref: date, n: int) -> date:
    d = ref
    while n:
        d += timedelta(days=1)
        n -= d.weekday() < 5
    return d


PEOPLE = [
    (
        "Dana Whitfield",
        "VP Procurement",
        "Halvorsen Foods",
        "halvorsenfoods.com",
        "+1 312 555 0187",
    ),
    (
        "Marcus Oyelaran",
        "Head of Operations",
        "Brightline Logistics Inc.",
        "brightline-logistics.com",
        "+1 (646) 555-0123",
    ),
    (
        "Priya Raghunathan",
        "Director of IT",
        "Tidewater Health",
        "tidewaterhealth.org",
        "415-555-0199",
    ),
    (
        "Sven Ahlqvist",
        "Chief Financial Officer",
        "Lumenvale Energy AB",
        "lumenvale.se",
        "+46 8 555 123 45",
    ),
    (
        "Claire Dubois-Martin",
        "Responsable Achats",
        "Corvid Robotique SAS",
        "corvid-robotique.fr",
        "+33 1 55 55 01 23",
    ),
    (
        "Jonah Feld",
        "Senior Account Executive",
        "Northwind Traders",
        "northwindtraders.com",
        "+1 206 555 0142",
    ),
    (
        "Aiko Tanabe",
        "Customer Success Manager",
        "Northwind Traders",
        "northwindtraders.com",
        "+1 206 555 0168",
    ),
    ("Olu Adebayo", "IT Manager", "Pinecrest Credit Union", "pinecrestcu.org", "+1 503 555 0110"),
    (
        "Hannah Kessler",
        "Leiterin Einkauf",
        "Quillfeather Analytics GmbH",
        "quillfeather.de",
        "+49 30 5550 1234",
    ),
    ("Rafael Montoya", "COO", "Meridian Freight LLC", "meridianfreight.com", "(713) 555-0155"),
    (
        "Grace O'Connell",
        "Legal Counsel",
        "Asterwood Labs Ltd",
        "asterwoodlabs.co.uk",
        "+44 20 7946 0321",
    ),
    (
        "Tomasz Wilk",
        "Purchasing Manager",
        "Oakridge Manufacturing",
        "oakridgemfg.com",
        "+1 616 555 0177",
    ),
]
SELLERS = [p for p in PEOPLE if p[2] == "Northwind Traders"]
CUSTOMERS = [p for p in PEOPLE if p[2] != "Northwind Traders"]
CLOSINGS = [
    "Best,",
    "Thanks,",
    "Kind regards,",
    "Best regards,",
    "Cheers,",
    "Thank you,",
    "Regards,",
]
GREETINGS = [
    "Hi {first},",
    "Hello {first},",
    "{first},",
    "Dear {first},",
    "Hey {first} -",
    "Good morning {first},",
]


def signature(p: tuple[str, str, str, str, str], style: int) -> str:
    name, title, company, domain, phone = p
    email = name.split()[0].lower().replace("'", "") + "." + name.split()[-1].lower() + "@" + domain
    if style == 0:
        return f"{name}\n{title}\n{company}\nM: {phone}\n{email}"
    if style == 1:
        return f"{name} | {title} | {company}\nDirect: {phone}\nwww.{domain}"
    if style == 2:
        return f"--\n{name}\n{title}, {company}\nTel. {phone}"
    return f"{name}\n{title}\n{company}\n{phone} (office)\n{email}\nhttps://www.{domain}"


def sig_gold(p: tuple[str, str, str, str, str], style: int) -> dict[str, object]:
    name, title, company, domain, phone = p
    email = name.split()[0].lower().replace("'", "") + "." + name.split()[-1].lower() + "@" + domain
    return {
        "name": name,
        "title": title,
        "company": company,
        "phone_digits": "".join(c for c in phone if c.isdigit())[-9:],
        "emails": [email] if style in (0, 3) else [],
    }


def quoted(rng: random.Random, sender: tuple, when: datetime, style: int) -> str:
    name, _, _, domain, _ = sender
    addr = f"{name.split()[0].lower()}@{domain}"
    body = " ".join(rng.choice(PROMISES + REQUESTS)[0].format(due="by Friday") for _ in range(2))
    stamp = when - timedelta(days=1, hours=3)
    if style == 0:
        return (
            f"________________________________\nFrom: {name} <{addr}>\nSent: "
            f"{stamp:%A, %B %d, %Y %I:%M %p}\nTo: Jonah Feld <jonah.feld@northwindtraders.com>\n"
            f"Subject: RE: Renewal\n\n{body}"
        )
    if style == 1:
        return (
            f"On {stamp:%a, %b %d, %Y at %I:%M %p} {name} <{addr}> wrote:\n> {body}\n> \n> Thanks"
        )
    if style == 2:
        return (
            f"-----Original Message-----\nFrom: {name}\nSent: {stamp:%m/%d/%Y}\n"
            f"Subject: pricing\n\n{body}"
        )
    if style == 3:
        return (
            f"Von: {name} <{addr}>\nGesendet: {stamp:%d.%m.%Y %H:%M}\nAn: Jonah Feld\n"
            f"Betreff: AW: Angebot\n\n{body}"
        )
    if style == 4:
        return f"Le {stamp:%d/%m/%Y à %H:%M}, {name} <{addr}> a écrit :\n> {body}"
    return (
        f"---------- Forwarded message ---------\nFrom: {name} <{addr}>\nDate: {stamp:%c}\n\n{body}"
    )


def build(rng: random.Random, i: int) -> dict[str, object]:
    outbound = rng.random() < 0.5
    seller, customer = rng.choice(SELLERS), rng.choice(CUSTOMERS)
    sender, reader = (seller, customer) if outbound else (customer, seller)
    zone = rng.choice(
        [
            "America/New_York",
            "America/Chicago",
            "Europe/Berlin",
            "America/Los_Angeles",
            "Europe/London",
        ]
    )
    day = date(2026, 9, 1) + timedelta(days=rng.randrange(0, 100))
    sent = datetime(
        day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(60), tzinfo=ZoneInfo(zone)
    )
    picks: list[tuple[str, dict[str, object]]] = []
    gold_c: list[dict[str, object]] = []
    gold_s: list[dict[str, object]] = []
    n_commit = rng.choice([0, 1, 1, 1, 2, 2])
    for text, kind in rng.sample(PROMISES + REQUESTS, n_commit):
        kinds = SIGNALS_IN_COMMITMENTS.get(text, [])
        due = None
        if "{due}" in text:
            phrase, rule = rng.choice(DUES)
            text = text.format(due=phrase)
            due = business_days(day, 3) if rule is None else rule(day)
        gold_c.append(
            {
                "kind": kind,
                "owner": "sender" if kind == "promise" else "recipient",
                "due": due.isoformat() if due else None,
                "evidence": text,
            }
        )
        gold_s.extend({"kind": k, "evidence": text} for k in kinds)
        picks.append((text, {}))
    for text, kinds, commit in rng.sample(SIGNALS, rng.choice([0, 1, 1, 2])):
        text = text.replace("{competitor}", rng.choice(["Salesloop", "DealPilot", "PipeStack"]))
        for k in kinds:
            gold_s.append({"kind": k, "evidence": text})
        if commit:
            gold_c.append(
                {
                    "kind": commit,
                    "owner": "sender" if commit == "promise" else "recipient",
                    "due": None,
                    "evidence": text,
                }
            )
        picks.append((text, {}))
    for text in rng.sample(NEUTRAL, rng.choice([0, 1, 1, 2])):
        picks.append((text, {}))
    rng.shuffle(picks)
    first = reader[0].split()[0]
    body = rng.choice(GREETINGS).format(first=first) + "\n\n" + " ".join(t for t, _ in picks)
    style = rng.randrange(4)
    body += "\n\n" + rng.choice(CLOSINGS) + "\n" + signature(sender, style)
    q = rng.random() < 0.7
    if q:
        body += "\n\n" + quoted(rng, reader, sent, rng.randrange(6))
    body_type = "text"
    if rng.random() < 0.3:
        paras = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n")
        )
        body, body_type = f"<html><body><div dir='ltr'>{paras}</div></body></html>", "html"
    name, _, _, domain, _ = sender
    return {
        "id": f"t{i:04d}",
        "subject": rng.choice(
            ["Re: renewal", "Pricing follow-up", "Next steps", "RE: MSA", "Rollout"]
        ),
        "body": body,
        "body_type": body_type,
        "from": {"name": name, "address": f"{name.split()[0].lower()}@{domain}"},
        "to": [{"name": reader[0], "address": f"{reader[0].split()[0].lower()}@{reader[3]}"}],
        "cc": [],
        "sent_at": sent.isoformat(),
        "time_zone": zone,
        "gold": {
            "commitments": gold_c,
            "signals": gold_s,
            "signature": sig_gold(sender, style),
            "has_quote": q,
        },
    }


def main() -> None:
    rng = random.Random(20261122)
    with OUT.open("w", encoding="utf-8") as f:
        for i in range(N_EMAILS):
            f.write(json.dumps(build(rng, i), ensure_ascii=False) + "\n")
    print(f"wrote {N_EMAILS} emails to {OUT}")


if __name__ == "__main__":
    main()
