"""The sample company's team mailboxes (support@ and billing@) and a few invented threads in
them that collide with open deals: a complaint and an escalation from a customer in
negotiation, an invoice dispute from one up for renewal, and an ordinary answered question."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from app.dev.sample.model import SampleAccount, SampleDeal, SampleSeller
from app.dev.sample.threads import Actor, Item, Thread, contact_actor

SUPPORT = SampleSeller(uuid.UUID("7a3c9e51-2b6d-4f08-9c1e-5d7b3a9f2e46"),
                       "support@lumenfield.io", "Lumenfield Support", "UTC", "support")
BILLING = SampleSeller(uuid.UUID("b2e8d4f6-1a9c-4e37-8d5b-0c6f2a7e9b13"),
                       "billing@lumenfield.io", "Lumenfield Billing", "UTC", "finance")
TEAM_MAILBOXES = (SUPPORT, BILLING)


def _team_actor(box: SampleSeller) -> Actor:
    return Actor((box.display_name, box.email), box.display_name.split()[-1],
                 (box.display_name, "Lumenfield | lumenfield.io"), False, True)


Step = tuple[Actor, Actor, float, tuple[str, ...], tuple[str, ...]]  # from, to, days ago, text


def _steps(thread: Thread, steps: list[Step], rng: random.Random) -> Iterator[Item]:
    for sender, to, days_ago, paragraphs, kinds in steps:
        yield from thread.post(sender, [to], [], thread.now - timedelta(days=days_ago),
                               paragraphs, kinds, rng)


def _pick(deals: Sequence[SampleDeal], accounts: dict[str, SampleAccount], *,
          stage: str | None = None, name: str | None = None,
          besides: SampleAccount | None = None) -> SampleAccount | None:
    for d in deals:
        if besides is not None and d.account_domain == besides.domain:
            continue
        if (stage is None or d.stage == stage) and (name is None or name in d.name):
            account = accounts.get(d.account_domain)
            if account is not None and account.contacts:
                return account
    return None


def team_threads(accounts: tuple[SampleAccount, ...], deals: Sequence[SampleDeal],
                 now: datetime, seed: int, kinds: list[str]) -> Iterator[Item]:
    """Yields the team mailboxes' messages (inbox and sent items), deterministically."""
    rng = random.Random(f"{seed}:team")
    by_domain = {a.domain: a for a in accounts}
    support, billing = _team_actor(SUPPORT), _team_actor(BILLING)
    boxes = frozenset(b.email for b in TEAM_MAILBOXES)
    negotiating = _pick(deals, by_domain, stage="negotiation")
    renewing = (_pick(deals, by_domain, name="Renewal", besides=negotiating)
                or _pick(deals, by_domain, besides=negotiating))
    if negotiating is not None:
        who = contact_actor(negotiating.contacts[0], rng)
        thread = Thread(f"team-outage-{seed}", "Dispatch board down at our depot", now, boxes,
                        [], kinds)
        yield from _steps(thread, [
            (who, support, 5, ("Since this morning the dispatch board shows no trucks at all "
                               "and our planners are working from paper.",
                               "This is the third outage this quarter and we are not happy "
                               "with the service."), ("risk",)),
            (support, who, 4.8, ("Thank you for reporting this. We will send you the root "
                                 "cause analysis by Friday.",), ("promise",)),
            (who, support, 2, ("We still have no root cause and the board went down again. "
                               "I am escalating this to our COO.",), ("risk",)),
        ], rng)
    if renewing is not None:
        who = contact_actor(renewing.contacts[0], rng)
        thread = Thread(f"team-invoice-{seed}", f"Invoice LF-{rng.randint(4000, 4999)}", now,
                        boxes, [], kinds)
        yield from _steps(thread, [
            (billing, who, 9, ("This is a reminder that the invoice below is now 30 days "
                               "overdue.",), ()),
            (who, billing, 3, ("We dispute this invoice: it charges the new seat price, "
                               "which was never agreed for our renewal.",
                               "We will not pay it until a corrected invoice arrives."),
             ("risk",)),
        ], rng)
    ordinary = next((a for a in accounts if a.contacts and a not in (negotiating, renewing)),
                    None)
    if ordinary is not None:
        who = contact_actor(ordinary.contacts[0], rng)
        thread = Thread(f"team-howto-{seed}", "Exporting the weekly report", now, boxes, [],
                        kinds)
        yield from _steps(thread, [
            (who, support, 6, ("How do we export the weekly capacity report to Excel?",), ()),
            (support, who, 5.9, ("Open the report, choose Export and pick the XLSX format. "
                                 "Let us know if anything is unclear.",), ()),
        ], rng)
