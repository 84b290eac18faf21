"""Page writes leave exactly the record item-by-item writes leave.

The stand-in's sample mailboxes are synced twice into empty records, once with each page's
items written one at a time (``SyncOptions(page_writes=False)``, every item its own
statements) and once a page at a time (app/records/page.py), with extraction on and the same
things done between rounds (a suppression, an erased person, a merge, open deals); the two
records are dumped without generated ids and timestamps and must be equal, row for row.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import threading
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.db import Database
from app.dev.sample.cast import ACCOUNTS, MERGE_ACCOUNT, SELLERS, TENANT_ID
from app.dev.standin.server import RunningStandIn
from app.extract.types import ExtractionResult
from app.graph.types import MailMessage
from app.records.erasure import erase_person
from app.records.merges import merge_contacts
from app.records.models import (
    Account,
    AccountDomain,
    Base,
    Contact,
    ContactAddress,
    Deal,
    Interaction,
    Suppression,
    User,
)
from app.records.page import record_page
from app.records.record import Address, InteractionIn
from app.sync.rounds import SyncOptions, SyncReport, sync_mailboxes
from tests.sync.standin_world import fresh_record, graph_for, user_ids

KEY = b"page-writes-test-erasure-key"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# generated when written, not by what was recorded
DROPPED = {"created_at", "completed_at", "erased_at", "merged_at", "stage_changed_at"}
TABLES = ("interactions", "participants", "interaction_mailboxes", "contacts",
          "contact_addresses", "accounts", "account_domains", "relationships", "commitments",
          "signals", "mentions", "deal_interactions")


@pytest.fixture(scope="module")
def extract() -> Callable[[list[MailMessage]], list[ExtractionResult]]:
    """Page extraction (blank pipeline plus rules), each message's result kept, so the
    second sync of the same mailboxes is handed the very same findings."""
    from app.extract.pipeline import Extractor
    from app.sync.extraction import batch_extractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inner = batch_extractor(Extractor.from_settings(None))
    seen: dict[tuple[str, str], ExtractionResult] = {}

    def cached(messages: list[MailMessage]) -> list[ExtractionResult]:
        todo = [m for m in messages if (m.id, m.body) not in seen]
        for m, result in zip(todo, inner(todo) if todo else [], strict=True):
            seen[(m.id, m.body)] = result
        return [seen[(m.id, m.body)] for m in messages]

    return cached


def _deals(db: Database) -> None:
    """Two accounts known before any mail, one with one open deal (its mail is linked to
    it), one with two (not linked: no guessing)."""
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session() as s:
        for n, (name, domain, _country, _currency) in enumerate(ACCOUNTS[:2]):
            account = Account(tenant_id=TENANT_ID, id=uuid.uuid4(), name=name)
            s.add(account)
            s.add(AccountDomain(tenant_id=TENANT_ID, domain=domain, account_id=account.id))
            s.flush()  # no ORM relationship orders the account before its deals
            for k in range(n + 1):
                s.add(Deal(tenant_id=TENANT_ID, account_id=account.id, stage="qualified",
                           name=f"{domain} {k}", stage_changed_at=when, created_at=when))


def _between_rounds(db: Database) -> None:
    """What a seller does between the rounds: merges the look-alike contacts of one
    account, blocks a domain, erases a person."""
    with db.session() as s:
        family = s.execute(
            sa.select(Contact.id, ContactAddress.address)
            .join(ContactAddress, sa.and_(ContactAddress.tenant_id == Contact.tenant_id,
                                          ContactAddress.contact_id == Contact.id))
            .where(Contact.tenant_id == TENANT_ID, ContactAddress.address.like(
                f"%@{MERGE_ACCOUNT}"))
            .order_by(ContactAddress.address)).all()
        if len(family) >= 2:
            merge_contacts(s, tenant_id=TENANT_ID, source_id=family[1][0],
                           target_id=family[0][0], actor=None)
        accounts = s.execute(
            sa.select(Account.id, AccountDomain.domain)
            .join(AccountDomain, sa.and_(AccountDomain.tenant_id == Account.tenant_id,
                                         AccountDomain.account_id == Account.id))
            .where(Account.tenant_id == TENANT_ID).order_by(AccountDomain.domain)).all()
        assert len(accounts) >= 6, "the first round should know several accounts"
        s.add(Suppression(tenant_id=TENANT_ID, kind="domain", value=accounts[4][1],
                          user_id=None, reason="test"))
        victim = s.scalar(sa.select(ContactAddress.address).where(
            ContactAddress.tenant_id == TENANT_ID,
            ContactAddress.address.like(f"%@{accounts[5][1]}"))
            .order_by(ContactAddress.address))
        assert victim is not None
        erase_person(s, tenant_id=TENANT_ID, email=victim, actor=None)


def _synced(url: str, standin: RunningStandIn, extract: Any, *, page_writes: bool
            ) -> tuple[Database, list[SyncReport]]:
    """The scenario: two mailboxes, what a seller does, then all five (the first two's
    delta rounds find nothing new, the others' copies of mail already recorded are
    duplicates). One mailbox at a time: which mailbox's copy of a message comes first
    decides some of the record (whose promise it is), and concurrent mailboxes would make
    that a race between the two runs."""
    fresh_record(url).dispose()
    db = Database(url, hash_key=KEY)
    graph = graph_for(standin, page_size=40)
    options = SyncOptions(page_writes=page_writes)
    everyone = user_ids(db, tuple(s.email for s in SELLERS))
    _deals(db)
    reports = []
    for users in (user_ids(db), everyone):
        report = SyncReport()
        for user_id in users:  # by address: the same order in both runs
            one = sync_mailboxes(db, graph, tenant_id=TENANT_ID, user_ids=[user_id],
                                 options=options, extract=extract)
            for name in ("seen", "stored", "duplicates", "skipped", "set_aside"):
                setattr(report, name, getattr(report, name) + getattr(one, name))
            for reason, n in one.skip_reasons.items():
                report.skip_reasons[reason] = report.skip_reasons.get(reason, 0) + n
        reports.append(report)
        if users is not everyone:
            _between_rounds(db)
    return db, reports


def dump(db: Database) -> dict[str, list[str]]:
    """Every row of the record's tables, ids replaced by what they stand for (an
    interaction by its key, a contact by its addresses, an account by its domains, a
    seller by address, a deal by name), generated timestamps left out; sorted."""
    with db.sessionmaker() as s:
        names: dict[str, str] = {}
        for i, kind, key in s.execute(sa.select(Interaction.id, Interaction.kind,
                                                Interaction.external_key)):
            names[str(i)] = f"I:{kind}:{key}"
        by_contact: dict[str, list[str]] = {}
        for cid, address in s.execute(sa.select(ContactAddress.contact_id,
                                                ContactAddress.address)):
            by_contact.setdefault(str(cid), []).append(address)
        for cid in s.scalars(sa.select(Contact.id)):
            names[str(cid)] = "C:" + ",".join(sorted(by_contact.get(str(cid), ["?"])))
        by_account: dict[str, list[str]] = {}
        for aid, domain in s.execute(sa.select(AccountDomain.account_id, AccountDomain.domain)):
            by_account.setdefault(str(aid), []).append(domain)
        for aid in s.scalars(sa.select(Account.id)):
            names[str(aid)] = "A:" + ",".join(sorted(by_account.get(str(aid), ["?"])))
        for uid, email in s.execute(sa.select(User.id, User.email)):
            names[str(uid)] = f"U:{email}"
        for did, name in s.execute(sa.select(Deal.id, Deal.name)):
            names[str(did)] = f"D:{name}"
        out: dict[str, list[str]] = {}
        for table in TABLES:
            t = Base.metadata.tables[table]
            cols = [c for c in t.columns if c.name not in DROPPED]
            rows = []
            for row in s.execute(sa.select(*cols)):
                values = {c.name: v for c, v in zip(cols, row, strict=True)}
                if table in ("commitments", "signals", "mentions"):
                    values.pop("id")  # generated; the row is named by the rest
                text = repr(sorted((k, _plain(v)) for k, v in values.items()))
                rows.append(UUID_TEXT.sub(lambda m: names.get(m.group(0), "?id"), text))
            out[table] = sorted(rows)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def test_page_writes_leave_the_record_item_by_item_writes_leave(
        db_url: str, fresh: RunningStandIn, extract: Any) -> None:
    one_db, one = _synced(db_url, fresh, extract, page_writes=False)
    try:
        reference = dump(one_db)
    finally:
        one_db.dispose()
    page_db, page = _synced(db_url, fresh, extract, page_writes=True)
    try:
        batched = dump(page_db)
    finally:
        page_db.dispose()
    # the scenario covers what it means to
    assert len(reference["interactions"]) > 100 and reference["commitments"]
    assert reference["signals"] and reference["deal_interactions"]
    assert any("'done'" in row for row in reference["commitments"]), "nothing auto-closed"
    assert one[1].duplicates > 100 and len(one[1].skip_reasons) >= 3
    for table in TABLES:
        assert batched[table] == reference[table], table
    for a, b in zip(one, page, strict=True):
        assert (a.seen, a.stored, a.duplicates, a.skipped, a.skip_reasons, a.set_aside) == \
            (b.seen, b.stored, b.duplicates, b.skipped, b.skip_reasons, b.set_aside)


def _item(n: int, sender: str, to: str, when: datetime, *, mailbox: uuid.UUID) -> InteractionIn:
    return InteractionIn(kind="email", external_key=f"<m{n}@page.test>", occurred_at=when,
                         subject=f"Re: order {n % 7}", body_text="Thanks, noted.",
                         sender=Address(address=sender, name=""),
                         to=(Address(address=to, name=""),), mailbox_user_id=mailbox,
                         folder="sentitems")


def test_two_writers_at_once_lose_no_increment(pg_url: str) -> None:
    """Two sessions record pages with the same contacts, accounts and relationships at the
    same time, with no tenant lock: the atomic, ordered counter updates neither deadlock nor
    lose an increment (on PostgreSQL, where workers write concurrently)."""
    db = fresh_record(pg_url)
    seller = SELLERS[0].email
    mailbox = user_ids(db, (seller,))[0]
    customers = [f"buyer{i}@{ACCOUNTS[i % 3][1]}" for i in range(6)]
    base = datetime(2026, 3, 1, tzinfo=UTC)
    with db.session() as s:  # the contacts exist: the writers share their counter rows
        record_page(s, tenant_id=TENANT_ID, items=[
            _item(i, seller, c, base, mailbox=mailbox) for i, c in enumerate(customers)])
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(offset: int) -> None:
        try:
            for page in range(5):
                # each writer goes through the customers in its own order
                order = customers if offset % 2 else list(reversed(customers))
                items = [_item(1000 * offset + 10 * page + i, seller, c,
                               base + timedelta(hours=offset * 10 + page), mailbox=mailbox)
                         for i, c in enumerate(order)]
                with db.session() as s:
                    barrier.wait(timeout=30)
                    record_page(s, tenant_id=TENANT_ID, items=items)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.sessionmaker() as s:
        counts = s.execute(sa.text(
            "SELECT a.address, c.interaction_count FROM contacts c JOIN contact_addresses a "
            "ON a.tenant_id = c.tenant_id AND a.contact_id = c.id")).all()
        rel = s.execute(sa.text("SELECT sum(interactions), sum(outbound) FROM relationships")
                        ).one()
        accounts = s.execute(sa.text("SELECT sum(interaction_count) FROM accounts")).scalar()
        stored = s.scalar(sa.select(sa.func.count()).select_from(Interaction))
    assert stored == 6 + 2 * 5 * 6
    assert dict(counts) == {c: 1 + 2 * 5 for c in customers}
    assert tuple(rel) == (stored, stored)
    assert accounts == stored
    db.dispose()
