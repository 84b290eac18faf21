"""Assembles the sample company: cast, threads, bulk mail, meetings and deals, deterministically."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

from app.dev.sample import cast
from app.dev.sample.bulk import bounce, bulk_mail
from app.dev.sample.calendar import meetings
from app.dev.sample.deals import build_deals
from app.dev.sample.model import FOLDERS, SampleAccount, SampleCompany
from app.dev.sample.team import TEAM_MAILBOXES, team_threads
from app.dev.sample.threads import Item, customer_thread, internal_thread

CUSTOMER_THREADS = 100
INTERNAL_THREADS = 12


def _now(now: datetime | None) -> datetime:
    if now is None:  # the demo should always look recent
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def sample_accounts(*, seed: int = 7, scale: float = 1.0) -> tuple[SampleAccount, ...]:
    """Gives the customer accounts and their contacts (cheap: no mail is generated)."""
    return cast.build_accounts(random.Random(f"{seed}:cast"), scale)


def iter_sample_items(now: datetime | None = None, *, seed: int = 7, scale: float = 1.0,
                      kinds: list[str] | None = None) -> Iterator[Item]:
    """Yields ``(mailbox, folder, resource)`` one thread at a time, in no time order.

    This is the streaming form for large scales: memory stays flat however many messages are
    made. ``kinds`` (if given) collects the content kind of every message produced.
    """
    now = _now(now)
    kinds = [] if kinds is None else kinds
    accounts = sample_accounts(seed=seed, scale=scale)
    sellers, competitors = cast.SELLERS, cast.COMPETITORS
    for k in range(max(1, round(CUSTOMER_THREADS * scale))):
        yield from customer_thread(k, accounts, sellers, competitors, now, seed, kinds)
    for k in range(max(1, round(INTERNAL_THREADS * scale))):
        yield from internal_thread(k, accounts, sellers, competitors, now, seed, kinds)
    for seller in sellers:
        yield from bulk_mail(seller, accounts, now, seed, scale, kinds)
    yield from bounce(sellers[0], now, seed, kinds)
    yield from meetings(accounts, sellers, now, seed, scale, kinds)
    yield from team_threads(accounts, build_deals(accounts, now, seed), now, seed, kinds)


def _sort_key(folder: str):
    if folder == "calendar":
        return lambda r: (r["start"]["dateTime"], r["id"])
    field = "sentDateTime" if folder == "sentitems" else "receivedDateTime"
    return lambda r: (r[field], r["id"])


def build_sample(now: datetime | None = None, *, seed: int = 7,
                 scale: float = 1.0) -> SampleCompany:
    """Gives the whole sample company; the same ``now``/``seed``/``scale`` give the same data.

    ``now`` defaults to the current hour (UTC) so the demo looks recent; mail spans the 120
    days before it and meetings run to ten days after it. ``scale`` multiplies the amount of
    mail and meetings (1.0: about 600 messages across five mailboxes).
    """
    now = _now(now)
    kinds: list[str] = []
    mailboxes: dict[str, dict[str, list[dict]]] = {
        s.email: {f: [] for f in FOLDERS} for s in (*cast.SELLERS, *TEAM_MAILBOXES)}
    for mailbox, folder, resource in iter_sample_items(now, seed=seed, scale=scale,
                                                       kinds=kinds):
        mailboxes[mailbox][folder].append(resource)
    for box in mailboxes.values():
        for folder, items in box.items():
            items.sort(key=_sort_key(folder))
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    accounts = sample_accounts(seed=seed, scale=scale)
    return SampleCompany(
        tenant_id=cast.TENANT_ID, tenant_name=cast.TENANT_NAME,
        internal_domains=(cast.INTERNAL_DOMAIN,), sellers=cast.SELLERS, accounts=accounts,
        mailboxes=mailboxes, deals=build_deals(accounts, now, seed),
        competitors=list(cast.COMPETITORS), now=now, kinds=counts,
        team_mailboxes=TEAM_MAILBOXES)
