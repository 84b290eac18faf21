"""The write path for a page of items at a time: what item-by-item recording does, with a
small number of statements per table for the whole page.

Per page: one query for the items already known, one for the addresses' contacts (and their
merge survivors), one for the domains' accounts, one for the accounts' open deals, one for the
known items' mailbox links; the new rows are inserted by one flush (multi-row inserts per
table); and the rollup counters are applied once per key as atomic ``x = x + n`` updates in
key order, so concurrent pages neither lose increments nor wait on each other in a cycle.

The items are still judged one after the other, in page order, against what the page has
recorded before them (a contact created by the third item counts for the fourth; the same
message twice is stored once), so the record is exactly what :func:`record_interaction` of
each item in turn would leave. Queries that must see earlier items of the page (auto-close,
mentions, a known meeting's people) flush first, and only when something they could see is
still unflushed. Functions never commit; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .autoclose import Unflushed, close_delivered
from .identity import (
    IdentityContext,
    account_name_from_domain,
    domain_of,
    free_mail_domains,
    name_key,
    registrable_domain,
)
from .inputs import InteractionIn, RecordOutcome
from .mentions import store_mentions
from .models import (
    OPEN_STAGES,
    Account,
    AccountDomain,
    Contact,
    ContactAddress,
    Deal,
    DealInteraction,
    Interaction,
    InteractionMailbox,
    new_id,
)
from .record import (
    DraftIgnores,
    _close_by_meeting,
    _enrich_from_signature,
    _Parties,
    _primary_contact,
    _screen,
    _store_findings,
    _without_erased,
    draft_ignores,
    identity_context,
)
from .rollups import RollupDeltas, apply_rollups


@dataclass
class _PageState:
    """What the page knows while its items are judged in turn."""

    ctx: IdentityContext
    known: dict[tuple[str, str], Interaction] = field(default_factory=dict)
    links: dict[tuple[uuid.UUID, uuid.UUID], InteractionMailbox] = field(default_factory=dict)
    contacts: dict[str, Contact | None] = field(default_factory=dict)  # address -> survivor
    accounts: dict[str, Account | None] = field(default_factory=dict)  # registrable domain
    open_deals: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    rollups: RollupDeltas = field(default_factory=RollupDeltas)
    # unflushed rows a query of this page could have to see
    new_commitments: list[Unflushed] = field(default_factory=list)
    new_contact_accounts: set[uuid.UUID | None] = field(default_factory=set)
    ignores: DraftIgnores = field(default_factory=dict)  # compose-mode "Not a promise"


def record_page(session: Session, *, tenant_id: uuid.UUID,
                items: Sequence[InteractionIn]) -> list[RecordOutcome]:
    """Records a page of emails or meetings, in order; gives each item's outcome.

    Exactly what :func:`app.records.record.record_interaction` of each item in turn does,
    with the lookups, inserts and counters of the page batched. An exception leaves the
    session to be rolled back (the caller then retries, or records item by item).
    """
    ps = _PageState(ctx=identity_context(session, tenant_id))

    def flush() -> None:
        session.flush()
        ps.new_commitments.clear()
        ps.new_contact_accounts.clear()

    with session.no_autoflush:
        screened = [_screen(ps.ctx, item) for item in items]
        _prefetch(session, ps, items, screened)
        ps.ignores = draft_ignores(session, ps.ctx.tenant_id, items)
        outcomes = [_record_one(session, ps, item, parties, flush)
                    for item, parties in zip(items, screened, strict=True)]
    session.flush()
    apply_rollups(session, tenant_id=tenant_id, deltas=ps.rollups)
    return outcomes


def _prefetch(session: Session, ps: _PageState, items: Sequence[InteractionIn],
              screened: Sequence[_Parties | RecordOutcome]) -> None:
    """The page's lookups, one query per table."""
    tenant_id = ps.ctx.tenant_id
    keys = sorted({item.external_key for item in items})
    if keys:
        for row in session.scalars(sa.select(Interaction).where(
                Interaction.tenant_id == tenant_id, Interaction.external_key.in_(keys))):
            ps.known[(row.kind, row.external_key)] = row
    mailboxes = {item.mailbox_user_id for item in items if item.mailbox_user_id}
    known_ids = [i.id for i in ps.known.values()]
    if known_ids and mailboxes:
        for link in session.scalars(sa.select(InteractionMailbox).where(
                InteractionMailbox.tenant_id == tenant_id,
                InteractionMailbox.interaction_id.in_(known_ids),
                InteractionMailbox.user_id.in_(sorted(mailboxes)))):
            ps.links[(link.interaction_id, link.user_id)] = link
    addresses = sorted({p.address for parties in screened if isinstance(parties, _Parties)
                        for p in parties.externals})
    if not addresses:
        return
    ps.contacts.update(_survivors(session, tenant_id, addresses))
    free = free_mail_domains()
    domains = sorted({registrable_domain(domain_of(a)) for a in addresses} - free)
    for reg in domains:
        ps.accounts[reg] = None
    if domains:
        rows = session.execute(sa.select(AccountDomain.domain, AccountDomain.account_id).where(
            AccountDomain.tenant_id == tenant_id, AccountDomain.domain.in_(domains))).all()
        by_id = _accounts_by_id(session, tenant_id, [r[1] for r in rows])
        for domain, account_id in rows:
            ps.accounts[domain] = by_id.get(account_id)
    account_ids = {c.account_id for c in ps.contacts.values() if c and c.account_id}
    account_ids |= {a.id for a in ps.accounts.values() if a}
    if account_ids:
        for deal_id, account_id in session.execute(sa.select(Deal.id, Deal.account_id).where(
                Deal.tenant_id == tenant_id, Deal.account_id.in_(sorted(account_ids)),
                Deal.stage.in_(OPEN_STAGES)).order_by(Deal.account_id)):
            ps.open_deals.setdefault(account_id, []).append(deal_id)


def _contacts_by_id(session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
                    ) -> dict[uuid.UUID, Contact]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(sa.select(Contact).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(wanted)))}


def _accounts_by_id(session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
                    ) -> dict[uuid.UUID, Account]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(sa.select(Account).where(
        Account.tenant_id == tenant_id, Account.id.in_(wanted)))}


def _survivors(session: Session, tenant_id: uuid.UUID, addresses: list[str]
               ) -> dict[str, Contact | None]:
    """Each address's contact, following merges to the survivor (as
    :func:`app.records.contacts.contact_for_address`), for all addresses at once."""
    owner = dict(session.execute(sa.select(ContactAddress.address, ContactAddress.contact_id)
                                 .where(ContactAddress.tenant_id == tenant_id,
                                        ContactAddress.address.in_(addresses))).all())
    loaded = _contacts_by_id(session, tenant_id, owner.values())
    missing = True
    while missing:  # merge targets not loaded yet (rare: a chain of merges)
        targets = {c.merged_into for c in loaded.values() if c.merged_into is not None}
        found = _contacts_by_id(session, tenant_id, targets - set(loaded))
        missing = bool(found)
        loaded.update(found)
    out: dict[str, Contact | None] = {a: None for a in addresses}
    for address, contact_id in owner.items():
        seen, current = {contact_id}, contact_id
        while True:
            row = loaded.get(current)
            target = row.merged_into if row is not None else None
            if target is None or target in seen:
                break
            seen.add(target)
            current = target
        out[address] = loaded.get(current)
    return out


def _record_one(session: Session, ps: _PageState, item: InteractionIn,
                parties: _Parties | RecordOutcome, flush: Callable[[], None]) -> RecordOutcome:
    """One item of the page, as :func:`record_interaction` does it."""
    ctx = ps.ctx
    existing = ps.known.get((item.kind, item.external_key))
    if existing is not None:
        return _update_known(session, ps, existing, item, flush)
    if isinstance(parties, RecordOutcome):
        return parties
    if ctx.erased:
        item = _without_erased(ctx, item)
    contacts = _contacts_for(session, ps, parties)
    primary = _primary_contact(parties, contacts)
    account_id = _account_for(ps, parties, contacts, primary)
    if not contacts and account_id is None:
        return RecordOutcome(status="skipped",
                             reason="no known contact or account (contact policy)")
    interaction, user_ids = _add_interaction(session, ctx, item, parties, contacts, account_id)
    ps.known[(item.kind, item.external_key)] = interaction
    _link_mailbox(session, ps, interaction.id, item)
    contact_ids = [c.id for c in contacts.values()]
    ps.rollups.add(contact_ids=contact_ids, user_ids=user_ids, account_id=account_id,
                   occurred_at=item.occurred_at, direction=parties.direction, kind=item.kind)
    outbound = parties.direction == "outbound"
    owner_user = interaction.from_user_id if outbound else item.mailbox_user_id
    if item.mentions and interaction.account_id in ps.new_contact_accounts:
        flush()  # a contact of this page may be the one person of that name
    store_mentions(session, interaction=interaction, item=item)
    # promises made earlier in this page (not flushed) are candidates as flushed ones are
    if close_delivered(session, interaction=interaction, contact_ids=contact_ids,
                       attachments=item.attachments, unflushed=ps.new_commitments):
        ps.new_commitments.clear()  # it flushed what it closed, and so everything
        ps.new_contact_accounts.clear()
    ps.new_commitments += [(c, interaction.thread_id, interaction.occurred_at)
                           for c in _store_findings(session, interaction, item, primary,
                                                    owner_user, ps.ignores)]
    if not outbound and primary is not None and item.signature is not None:
        _enrich_from_signature(primary, item.signature, interaction.id)
    if account_id is not None:
        deals = ps.open_deals.get(account_id, [])
        if len(deals) == 1:
            session.add(DealInteraction(tenant_id=ctx.tenant_id, deal_id=deals[0],
                                        interaction_id=interaction.id))
    return RecordOutcome(status="stored", reason="", interaction_id=interaction.id)


def _update_known(session: Session, ps: _PageState, existing: Interaction,
                  item: InteractionIn, flush: Callable[[], None]) -> RecordOutcome:
    """A copy of an item already recorded (before, or earlier in this page): the mailbox
    that saw it is linked, a meeting takes its new time, subject and cancellation (and, once
    held, closes what it delivers), and nothing else changes."""
    _link_mailbox(session, ps, existing.id, item)
    existing.deleted_at = None
    if item.kind == "meeting":
        existing.occurred_at, existing.ends_at = item.occurred_at, item.ends_at
        existing.cancelled, existing.subject = item.cancelled, item.subject[:400]
        if item.teams_thread:
            existing.teams_thread_id = item.teams_thread
        flush()  # its people (perhaps written by this page) and open commitments are read
        _close_by_meeting(session, existing)
    return RecordOutcome(status="duplicate", reason="already recorded", interaction_id=existing.id)


def _link_mailbox(session: Session, ps: _PageState, interaction_id: uuid.UUID,
                  item: InteractionIn) -> None:
    if item.mailbox_user_id is None:
        return
    key = (interaction_id, item.mailbox_user_id)
    link = ps.links.get(key)
    if link is None:
        link = InteractionMailbox(
            tenant_id=ps.ctx.tenant_id, interaction_id=interaction_id,
            user_id=item.mailbox_user_id, graph_id=item.graph_id, folder=item.folder)
        session.add(link)
        ps.links[key] = link
    else:
        if item.graph_id:
            link.graph_id, link.folder = item.graph_id, item.folder
        if link.resync_pending:
            link.resync_pending = False


def _account(session: Session, ps: _PageState, address: str) -> Account | None:
    """As :func:`app.records.contacts.ensure_account`, from the page's accounts."""
    reg = registrable_domain(domain_of(address))
    if reg in free_mail_domains():
        return None
    account = ps.accounts.get(reg)
    if account is None:
        tenant_id = ps.ctx.tenant_id
        account = Account(tenant_id=tenant_id, id=new_id(), name=account_name_from_domain(reg),
                          interaction_count=0)
        session.add(account)
        session.add(AccountDomain(tenant_id=tenant_id, domain=reg, account_id=account.id))
        ps.accounts[reg] = account
    return account


def _contacts_for(session: Session, ps: _PageState, parties: _Parties) -> dict[str, Contact]:
    """The contact of each external address (the survivor of a merge), created when the
    contact policy allows it, with its account (as
    :func:`app.records.contacts.create_contact`), from the page's lookups."""
    tenant_id = ps.ctx.tenant_id
    contacts: dict[str, Contact] = {}
    for address, name, _role in parties.externals:
        if address in contacts:
            continue
        contact = ps.contacts.get(address)
        if contact is None and ps.ctx.may_create_contact(parties.direction):
            account = _account(session, ps, address)
            display = name.strip() or address.split("@", 1)[0]
            contact = Contact(
                tenant_id=tenant_id, id=new_id(), display_name=display[:200],
                name_key=name_key(display)[:200], account_id=account.id if account else None,
                company=account.name if account else None,
                source="sent" if parties.direction == "outbound" else "received",
                evidence={}, interaction_count=0)
            session.add(contact)
            session.add(ContactAddress(tenant_id=tenant_id, address=address,
                                       contact_id=contact.id, is_primary=True))
            ps.contacts[address] = contact
            ps.new_contact_accounts.add(contact.account_id)
        if contact is not None:
            contacts[address] = contact
    return contacts


def _account_for(ps: _PageState, parties: _Parties, contacts: dict[str, Contact],
                 primary: Contact | None) -> uuid.UUID | None:
    """The primary contact's account, else the account most of the people belong to (by
    contact, or by a known domain for people we keep no contact for)."""
    accounts = Counter(c.account_id for c in contacts.values() if c.account_id)
    if not accounts:
        free = free_mail_domains()
        for person in parties.externals:
            reg = registrable_domain(domain_of(person.address))
            known = None if reg in free else ps.accounts.get(reg)
            if known is not None:
                accounts[known.id] += 1
    return (primary.account_id if primary and primary.account_id else None) or (
        accounts.most_common(1)[0][0] if accounts else None
    )


def _add_interaction(session: Session, ctx: IdentityContext, item: InteractionIn,
                     parties: _Parties, contacts: dict[str, Contact],
                     account_id: uuid.UUID | None) -> tuple[Interaction, list[uuid.UUID]]:
    from .record import _interaction_rows

    interaction, participants, user_ids = _interaction_rows(
        ctx, item, parties, contacts, account_id)
    session.add(interaction)
    session.add_all(participants)
    return interaction, user_ids


__all__ = ["record_page"]
