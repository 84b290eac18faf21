"""The write path: one email or meeting into the record, through the identity rules.

Used by Graph sync, the sample loader and the benchmarks alike. Functions take the session
explicitly and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.address import Address

from .autoclose import close_delivered
from .contacts import account_for_domain, contact_for_address, create_contact
from .delivery import hands_over_now
from .identity import (
    IdentityContext,
    InvalidAddress,
    domain_of,
    free_mail_domains,
    is_automated,
    normalize_address,
    registrable_domain,
)
from .inputs import (
    CommitmentIn,
    InteractionIn,
    RecordOutcome,
    SignalIn,
    SignatureIn,
)
from .mentions import store_mentions
from .models import (
    OPEN_STAGES,
    Commitment,
    Contact,
    Deal,
    DealInteraction,
    Interaction,
    InteractionMailbox,
    Participant,
    Signal,
    new_id,
    utcnow,
)
from .models.deals import DraftChoice, promise_text_key
from .rollups import add_to_rollups, recompute_contact_rollups

log = logging.getLogger(__name__)
# A "Not a promise" in compose mode counts when made in the 30 days before the mail was sent,
# or up to a day after (clock skew; a choice clicked just after pressing Send).
CHOICE_BEFORE, CHOICE_AFTER = timedelta(days=30), timedelta(days=1)
SENSITIVITIES = ("normal", "personal", "private", "confidential")
DISMISSED = "cancelled"  # the dismissed status: what the pane's Dismiss sets, PATCH reopens
__all__ = [
    "Address", "CommitmentIn", "InteractionIn", "RecordOutcome", "SignalIn", "SignatureIn",
    "identity_context", "record_interaction", "remove_from_mailbox",
]


def is_private(sensitivity: str, outside: list[str], account_id: uuid.UUID | None) -> bool:
    """Whether an interaction shows only to its owners: Outlook marks it personal, private or
    confidential, or its outside people are free-mail addresses tied to no account."""
    if sensitivity in SENSITIVITIES and sensitivity != "normal":
        return True
    free = free_mail_domains()
    return account_id is None and bool(outside) and all(
        registrable_domain(domain_of(a)) in free for a in outside)


def identity_context(session: Session, tenant_id: uuid.UUID) -> IdentityContext:
    """The tenant's identity context, cached on the session for the length of a batch."""
    cache = session.info.setdefault("identity_contexts", {})
    if tenant_id not in cache:
        cache[tenant_id] = IdentityContext.load(session, tenant_id)
    ctx: IdentityContext = cache[tenant_id]
    return ctx


class _Person(NamedTuple):
    """One normalised address on an item and the part it plays there."""

    address: str
    name: str
    role: str  # from, organizer, to, cc, attendee


@dataclass(frozen=True, kw_only=True)
class _Parties:
    """Who an item is between, once it has passed the screening."""

    people: list[_Person]  # everyone valid, the sender first
    externals: list[_Person]  # the customers' side: not ours, not automated, not suppressed
    sender: str
    direction: str  # inbound or outbound


def _people(item: InteractionIn) -> list[_Person]:
    """Everyone on the item, normalised, invalid ones dropped, the sender first."""
    roles: list[tuple[Address, str]] = []
    if item.sender:
        roles.append((item.sender, "organizer" if item.kind == "meeting" else "from"))
    roles += [(p, "to") for p in item.to] + [(p, "cc") for p in item.cc]
    roles += [(p, "attendee") for p in item.attendees]
    out: list[_Person] = []
    seen: set[tuple[str, str]] = set()
    for person, role in roles:
        try:
            address = normalize_address(person.address)
        except InvalidAddress:
            continue
        if (address, role) not in seen:
            seen.add((address, role))
            out.append(_Person(address, person.name or "", role))
    return out


def record_interaction(
    session: Session, *, tenant_id: uuid.UUID, item: InteractionIn
) -> RecordOutcome:
    """Stores one email or meeting once per tenant, with its people, promises and signals.

    Internal-only traffic, automated senders and suppressed addresses are skipped with the
    reason; an item already known gains the mailbox that saw it and is otherwise unchanged
    (meetings take their new time and cancellation).
    """
    ctx = identity_context(session, tenant_id)
    existing = session.scalar(
        sa.select(Interaction).where(
            Interaction.tenant_id == tenant_id,
            Interaction.kind == item.kind,
            Interaction.external_key == item.external_key,
        )
    )
    if existing is not None:
        return _update_known(session, existing, item)
    parties = _screen(ctx, item)
    if isinstance(parties, RecordOutcome):
        return parties
    if ctx.erased:  # an erased person named in the text of mail others are on
        item = _without_erased(ctx, item)
    contacts = _contacts_for(session, tenant_id, ctx, parties)
    primary = _primary_contact(parties, contacts)
    account_id = _account_for(session, tenant_id, parties, contacts, primary)
    if not contacts and account_id is None:
        return RecordOutcome(status="skipped",
                             reason="no known contact or account (contact policy)")

    interaction, user_ids = _add_interaction(session, ctx, item, parties, contacts, account_id)
    _link_mailbox(session, tenant_id, interaction.id, item)
    add_to_rollups(
        session, tenant_id=tenant_id, contact_ids=[c.id for c in contacts.values()],
        user_ids=user_ids, account_id=account_id, occurred_at=item.occurred_at,
        direction=parties.direction, kind=item.kind,
    )
    outbound = parties.direction == "outbound"
    owner_user = interaction.from_user_id if outbound else item.mailbox_user_id
    _store_findings(session, interaction, item, primary, owner_user)
    store_mentions(session, interaction=interaction, item=item)
    close_delivered(session, interaction=interaction,
                    contact_ids=[c.id for c in contacts.values()], attachments=item.attachments)
    if not outbound and primary is not None and item.signature is not None:
        _enrich_from_signature(primary, item.signature, interaction.id)
    if account_id is not None:
        _link_open_deal(session, tenant_id, account_id, interaction.id)
    return RecordOutcome(status="stored", reason="", interaction_id=interaction.id)


def _update_known(session: Session, existing: Interaction, item: InteractionIn) -> RecordOutcome:
    """A copy of an item already recorded: the mailbox that saw it is linked, a meeting takes
    its new time, subject and cancellation, and nothing else changes."""
    _link_mailbox(session, existing.tenant_id, existing.id, item)
    existing.deleted_at = None
    if item.kind == "meeting":
        existing.occurred_at, existing.ends_at = item.occurred_at, item.ends_at
        existing.cancelled, existing.subject = item.cancelled, item.subject[:400]
        if item.teams_thread:  # a copy without the join link keeps the one known
            existing.teams_thread_id = item.teams_thread
        _close_by_meeting(session, existing)
    return RecordOutcome(status="duplicate", reason="already recorded", interaction_id=existing.id)


def _close_by_meeting(session: Session, meeting: Interaction) -> None:
    """A known meeting seen again once it has been held closes the "set up a call" it
    delivers (it may have been recorded before it took place, when it could not)."""
    ended = meeting.ends_at or meeting.occurred_at
    if meeting.cancelled or ended > utcnow():
        return
    contact_ids = session.scalars(sa.select(Participant.contact_id).where(
        Participant.tenant_id == meeting.tenant_id, Participant.interaction_id == meeting.id,
        Participant.contact_id.is_not(None))).all()
    close_delivered(session, interaction=meeting,
                    contact_ids=list(dict.fromkeys(c for c in contact_ids if c)))


def _screen(ctx: IdentityContext, item: InteractionIn) -> _Parties | RecordOutcome:
    """The item's parties, or why it is not recorded: no valid sender, an automated sender,
    internal traffic only, or only suppressed people on the customers' side."""
    people = _people(item)
    if not people or people[0].role not in ("from", "organizer"):
        return RecordOutcome(status="skipped", reason="no valid sender")
    sender = people[0].address
    if is_automated(sender, item.headers):
        return RecordOutcome(status="skipped", reason="automated or bulk sender")
    externals = [p for p in people
                 if not ctx.is_internal(p.address) and not is_automated(p.address)]
    if not externals:
        return RecordOutcome(status="skipped", reason="internal only")
    if ctx.is_suppressed(sender, item.mailbox_user_id):
        return RecordOutcome(status="skipped", reason="suppressed sender")
    externals = [p for p in externals if not ctx.is_suppressed(p.address, item.mailbox_user_id)]
    if not externals:
        return RecordOutcome(status="skipped", reason="suppressed participants")
    direction = "outbound" if ctx.is_internal(sender) else "inbound"
    return _Parties(people=people, externals=externals, sender=sender, direction=direction)


def _contacts_for(session: Session, tenant_id: uuid.UUID, ctx: IdentityContext,
                  parties: _Parties) -> dict[str, Contact]:
    """The contact of each external address, created when the contact policy allows it."""
    contacts: dict[str, Contact] = {}
    for address, name, _role in parties.externals:
        if address in contacts:
            continue
        contact = contact_for_address(session, tenant_id=tenant_id, address=address)
        if contact is None and ctx.may_create_contact(parties.direction):
            source = "sent" if parties.direction == "outbound" else "received"
            contact = create_contact(
                session, tenant_id=tenant_id, address=address, name=name, source=source
            )
        if contact is not None:
            contacts[address] = contact
    return contacts


def _primary_contact(parties: _Parties, contacts: dict[str, Contact]) -> Contact | None:
    """Whom the item is with: the sender of inbound mail; for outbound, the first customer
    addressed (to or attendee), else any contact on it."""
    if parties.direction == "inbound":
        return contacts.get(parties.sender)
    return next(
        (contacts[p.address] for p in parties.externals
         if p.role in ("to", "attendee") and p.address in contacts),
        next(iter(contacts.values()), None),
    )


def _account_for(session: Session, tenant_id: uuid.UUID, parties: _Parties,
                 contacts: dict[str, Contact], primary: Contact | None) -> uuid.UUID | None:
    """The primary contact's account, else the account most of the people belong to (by
    contact, or by a known domain for people we keep no contact for)."""
    accounts = Counter(c.account_id for c in contacts.values() if c.account_id)
    if not accounts:  # people we keep no contact for, at an account we know
        for person in parties.externals:
            known = account_for_domain(session, tenant_id=tenant_id,
                                       domain=domain_of(person.address))
            if known is not None:
                accounts[known.id] += 1
    return (primary.account_id if primary and primary.account_id else None) or (
        accounts.most_common(1)[0][0] if accounts else None
    )


def _add_interaction(session: Session, ctx: IdentityContext, item: InteractionIn,
                     parties: _Parties, contacts: dict[str, Contact],
                     account_id: uuid.UUID | None) -> tuple[Interaction, list[uuid.UUID]]:
    """Adds the interaction and its participants (flushed); gives it with the ids of the
    sellers on it, the mailbox's owner included."""
    tenant_id, sender, direction = ctx.tenant_id, parties.sender, parties.direction
    interaction = Interaction(
        tenant_id=tenant_id, id=new_id(), kind=item.kind, external_key=item.external_key[:400],
        direction=direction, thread_id=item.thread_id, subject=item.subject[:400],
        snippet=" ".join(item.body_text.split())[:300], body_text=item.body_text,
        occurred_at=item.occurred_at, ends_at=item.ends_at, account_id=account_id,
        from_address=sender, from_user_id=ctx.users_by_email.get(sender),
        cancelled=item.cancelled, teams_thread_id=item.teams_thread,
        sensitivity=item.sensitivity if item.sensitivity in SENSITIVITIES else "normal",
        private=is_private(item.sensitivity, [p.address for p in parties.externals], account_id),
    )
    session.add(interaction)
    user_ids = []
    recorded_externals = {p.address for p in parties.externals}
    for address, name, role in parties.people:
        internal = ctx.is_internal(address)
        if not internal and address not in recorded_externals:
            continue  # automated or suppressed bystanders are not recorded
        user_id = ctx.users_by_email.get(address) if internal else None
        if user_id:
            user_ids.append(user_id)
        contact = contacts.get(address)
        session.add(Participant(
            tenant_id=tenant_id, interaction_id=interaction.id, address=address, role=role,
            name=name[:200], contact_id=contact.id if contact else None, user_id=user_id,
            occurred_at=item.occurred_at, direction=direction,
        ))
    if item.mailbox_user_id and item.mailbox_user_id not in user_ids:
        user_ids.append(item.mailbox_user_id)
    session.flush()
    return interaction, user_ids


def _without_erased(ctx: IdentityContext, item: InteractionIn) -> InteractionIn:
    """The item with erased people's addresses masked in its text (offsets unchanged)."""
    red = ctx.redact_erased
    signature = item.signature and replace(item.signature, text=red(item.signature.text))
    return replace(
        item, subject=red(item.subject), body_text=red(item.body_text), signature=signature,
        commitments=tuple(replace(c, text=red(c.text), action=red(c.action))
                          for c in item.commitments),
        signals=tuple(replace(s, text=red(s.text)) for s in item.signals),
    )


def _link_mailbox(session: Session, tenant_id: uuid.UUID, interaction_id: uuid.UUID,
                  item: InteractionIn) -> None:
    if item.mailbox_user_id is None:
        return
    key = (tenant_id, interaction_id, item.mailbox_user_id)
    link = session.get(InteractionMailbox, key)
    if link is None:
        session.add(InteractionMailbox(
            tenant_id=tenant_id, interaction_id=interaction_id, user_id=item.mailbox_user_id,
            graph_id=item.graph_id, folder=item.folder,
        ))
    else:
        if item.graph_id:
            link.graph_id, link.folder = item.graph_id, item.folder
        if link.resync_pending:  # met again in a folder read anew after a 410
            link.resync_pending = False


def _store_findings(session: Session, interaction: Interaction, item: InteractionIn,
                    primary: Contact | None, owner_user: uuid.UUID | None) -> None:
    outbound = interaction.direction == "outbound"
    ignored = _ignored_in_drafts(session, interaction, item)
    for c in item.commitments:
        if hands_over_now(c.text, c.action):
            continue  # "please find attached the pricing sheet" delivers; it owes nothing
        ours = (c.owner == "sender") == outbound
        status = DISMISSED if ignored and _sellers_promise(c, outbound) and \
            promise_text_key(c.text) in ignored else "open"
        session.add(Commitment(
            tenant_id=interaction.tenant_id, id=new_id(), interaction_id=interaction.id,
            kind=c.kind, side="us" if ours else "them",
            owner_user_id=owner_user if ours else None,
            contact_id=primary.id if primary else None, account_id=interaction.account_id,
            action=c.action[:300], text=c.text, evidence_start=c.start, evidence_end=c.end,
            due_on=c.due, confidence=c.confidence, shown=c.shown, status=status,
            created_at=interaction.occurred_at,
        ))
    for s in item.signals:
        session.add(Signal(
            tenant_id=interaction.tenant_id, id=new_id(), interaction_id=interaction.id,
            contact_id=primary.id if primary else None, account_id=interaction.account_id,
            kind=s.kind, value=s.value, text=s.text, evidence_start=s.start,
            evidence_end=s.end, confidence=s.confidence, shown=s.shown,
            occurred_at=interaction.occurred_at,
        ))


def _sellers_promise(c: CommitmentIn, outbound: bool) -> bool:
    """A promise the sender of outbound mail makes: what compose mode asked about."""
    return outbound and c.kind == "promise" and c.owner == "sender"


def _ignored_in_drafts(session: Session, interaction: Interaction,
                       item: InteractionIn) -> set[str]:
    """The sentence keys of this sent mail's promises its sender called "Not a promise" in
    compose mode (within :data:`CHOICE_BEFORE` / :data:`CHOICE_AFTER` of sending).

    Only mail one of our sellers sent, in whichever mailbox sync meets it first (a colleague
    on cc may be synced before the sender, and the sender's copy is then a duplicate); one
    query, and none at all for mail without such promises (this is the sync hot path).
    """
    sender = interaction.from_user_id
    if interaction.direction != "outbound" or sender is None:
        return set()
    keys = {promise_text_key(c.text) for c in item.commitments if _sellers_promise(c, True)}
    if not keys:
        return set()
    sent = interaction.occurred_at
    return set(session.scalars(sa.select(DraftChoice.text_hash).where(
        DraftChoice.tenant_id == interaction.tenant_id, DraftChoice.user_id == sender,
        DraftChoice.text_hash.in_(keys), DraftChoice.choice == "ignore",
        DraftChoice.created_at >= sent - CHOICE_BEFORE,
        DraftChoice.created_at <= sent + CHOICE_AFTER,
    )))


def _enrich_from_signature(contact: Contact, sig: SignatureIn, interaction_id: uuid.UUID) -> None:
    """Fills empty contact fields from the signature; never overrides a seller's correction."""
    evidence = dict(contact.evidence or {})
    found = {"title": sig.title, "phone": sig.phones[0] if sig.phones else None,
             "company": sig.company}
    for field_name, value in found.items():
        if not value or evidence.get(field_name, {}).get("source") == "manual":
            continue
        if getattr(contact, field_name) in (None, "") or field_name in evidence:
            setattr(contact, field_name, value[:200])
            evidence[field_name] = {"source": "signature", "text": sig.text[:500],
                                    "interaction_id": str(interaction_id)}
    contact.evidence = evidence


def _link_open_deal(session: Session, tenant_id: uuid.UUID, account_id: uuid.UUID,
                    interaction_id: uuid.UUID) -> None:
    """Links activity to the account's deal when exactly one deal is open (no guessing)."""
    open_deals = session.scalars(
        sa.select(Deal.id).where(
            Deal.tenant_id == tenant_id, Deal.account_id == account_id,
            Deal.stage.in_(OPEN_STAGES),
        ).limit(2)
    ).all()
    if len(open_deals) == 1:
        session.add(DealInteraction(
            tenant_id=tenant_id, deal_id=open_deals[0], interaction_id=interaction_id
        ))


def remove_from_mailbox(
    session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID, graph_id: str
) -> bool:
    """Applies a Graph ``@removed``: the mailbox no longer holds the item; when no mailbox
    does, it leaves every timeline. Returns True when something changed."""
    link = session.scalar(
        sa.select(InteractionMailbox).where(
            InteractionMailbox.tenant_id == tenant_id,
            InteractionMailbox.user_id == user_id,
            InteractionMailbox.graph_id == graph_id,
        )
    )
    if link is None:
        return False
    interaction_id = link.interaction_id
    session.delete(link)
    session.flush()
    remaining = session.scalar(
        sa.select(sa.func.count()).select_from(InteractionMailbox).where(
            InteractionMailbox.tenant_id == tenant_id,
            InteractionMailbox.interaction_id == interaction_id,
        )
    )
    if remaining:
        return True
    interaction = session.get(Interaction, (tenant_id, interaction_id))
    if interaction is not None and interaction.deleted_at is None:
        interaction.deleted_at = utcnow()
        session.flush()
        contact_ids = session.scalars(
            sa.select(Participant.contact_id).where(
                Participant.tenant_id == tenant_id,
                Participant.interaction_id == interaction_id,
                Participant.contact_id.is_not(None),
            )
        ).all()
        recompute_contact_rollups(
            session, tenant_id=tenant_id, contact_ids=[c for c in contact_ids if c]
        )
    return True
