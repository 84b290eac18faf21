"""The write path: one email or meeting into the record, through the identity rules.

Used by Graph sync, the sample loader and the benchmarks alike. Functions take the session
explicitly and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.address import Address

from .autoclose import close_delivered
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
from .models import (
    Commitment,
    Contact,
    Interaction,
    InteractionMailbox,
    Participant,
    Signal,
    new_id,
    utcnow,
)
from .models.deals import DraftChoice, promise_text_key
from .rollups import recompute_contact_rollups

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
    (meetings take their new time and cancellation). A page of one
    (:func:`app.records.page.record_page`): one code path for sync, the API and webhooks.
    """
    from .page import record_page

    return record_page(session, tenant_id=tenant_id, items=[item])[0]


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


def _interaction_rows(ctx: IdentityContext, item: InteractionIn, parties: _Parties,
                      contacts: dict[str, Contact], account_id: uuid.UUID | None
                      ) -> tuple[Interaction, list[Participant], list[uuid.UUID]]:
    """The interaction and its participants (not added); with the ids of the sellers on it,
    the mailbox's owner included."""
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
        deleted_at=None, created_at=utcnow(),
    )
    participants: list[Participant] = []
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
        participants.append(Participant(
            tenant_id=tenant_id, interaction_id=interaction.id, address=address, role=role,
            name=name[:200], contact_id=contact.id if contact else None, user_id=user_id,
            occurred_at=item.occurred_at, direction=direction,
        ))
    if item.mailbox_user_id and item.mailbox_user_id not in user_ids:
        user_ids.append(item.mailbox_user_id)
    return interaction, participants, user_ids


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


def _store_findings(session: Session, interaction: Interaction, item: InteractionIn,
                    primary: Contact | None, owner_user: uuid.UUID | None,
                    ignores: DraftIgnores) -> list[Commitment]:
    """Adds the item's commitments and signals; gives the commitments. ``ignores``: the
    compose-mode "Not a promise" choices of the page (:func:`draft_ignores`)."""
    added: list[Commitment] = []
    outbound = interaction.direction == "outbound"
    ignored = _ignored_in_drafts(interaction, item, ignores)
    for c in item.commitments:
        if hands_over_now(c.text, c.action):
            continue  # "please find attached the pricing sheet" delivers; it owes nothing
        ours = (c.owner == "sender") == outbound
        status = DISMISSED if ignored and _sellers_promise(c, outbound) and \
            promise_text_key(c.text) in ignored else "open"
        added.append(Commitment(
            tenant_id=interaction.tenant_id, id=new_id(), interaction_id=interaction.id,
            kind=c.kind, side="us" if ours else "them",
            owner_user_id=owner_user if ours else None,
            contact_id=primary.id if primary else None, account_id=interaction.account_id,
            action=c.action[:300], text=c.text, evidence_start=c.start, evidence_end=c.end,
            due_on=c.due, confidence=c.confidence, shown=c.shown, status=status,
            created_at=interaction.occurred_at,
        ))
        session.add(added[-1])
    for s in item.signals:
        session.add(Signal(
            tenant_id=interaction.tenant_id, id=new_id(), interaction_id=interaction.id,
            contact_id=primary.id if primary else None, account_id=interaction.account_id,
            kind=s.kind, value=s.value, text=s.text, evidence_start=s.start,
            evidence_end=s.end, confidence=s.confidence, shown=s.shown,
            occurred_at=interaction.occurred_at,
        ))
    return added


def _sellers_promise(c: CommitmentIn, outbound: bool) -> bool:
    """A promise the sender of outbound mail makes: what compose mode asked about."""
    return outbound and c.kind == "promise" and c.owner == "sender"


# (seller, sentence key) -> when they called it "Not a promise" in compose mode
DraftIgnores = dict[tuple[uuid.UUID, str], list[datetime]]


def draft_ignores(session: Session, tenant_id: uuid.UUID,
                  items: Sequence[InteractionIn]) -> DraftIgnores:
    """The "Not a promise" choices a page's items could meet: one query for the page (none
    for a page without sellers' promises), instead of one per sent mail with a promise (the
    sync writes no choices, so reading them at the start of the page is the same)."""
    keys = {promise_text_key(c.text) for item in items for c in item.commitments
            if _sellers_promise(c, True)}
    if not keys:
        return {}
    out: DraftIgnores = {}
    for user_id, key, at in session.execute(
            sa.select(DraftChoice.user_id, DraftChoice.text_hash, DraftChoice.created_at)
            .where(DraftChoice.tenant_id == tenant_id, DraftChoice.text_hash.in_(sorted(keys)),
                   DraftChoice.choice == "ignore")):
        out.setdefault((user_id, key), []).append(at)
    return out


def _ignored_in_drafts(interaction: Interaction, item: InteractionIn,
                       ignores: DraftIgnores) -> set[str]:
    """The sentence keys of this sent mail's promises its sender called "Not a promise" in
    compose mode (within :data:`CHOICE_BEFORE` / :data:`CHOICE_AFTER` of sending).

    Only mail one of our sellers sent, in whichever mailbox sync meets it first (a colleague
    on cc may be synced before the sender, and the sender's copy is then a duplicate).
    """
    sender = interaction.from_user_id
    if interaction.direction != "outbound" or sender is None or not ignores:
        return set()
    keys = {promise_text_key(c.text) for c in item.commitments if _sellers_promise(c, True)}
    sent = interaction.occurred_at
    return {k for k in keys if any(sent - CHOICE_BEFORE <= at <= sent + CHOICE_AFTER
                                   for at in ignores.get((sender, k), ()))}


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
