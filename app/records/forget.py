"""Forgetting what was recorded about people: the shared purge behind a block (a suppression
added) and an erasure.

A purge takes a test for outside addresses. An interaction whose every outside party passes
it goes, with its people, findings, mailbox and deal links and prep log; where others remain,
only the matching people's participant rows and the findings tied to them go. Contact
addresses that match go, and a contact with no address left goes with its relationships and
merges; signature fields that came from mail that went are cleared. Rollups are rebuilt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.prep.models import PrepDelivery

from .forget_nudges import drop_nudges
from .identity import IdentityContext
from .mentions import drop_mentions
from .models import (
    Account,
    Commitment,
    Contact,
    ContactAddress,
    ContactMerge,
    DealInteraction,
    Interaction,
    InteractionMailbox,
    Mention,
    Participant,
    Relationship,
    Signal,
)
from .models.deals import DraftChoice, promise_text_key
from .rollups import recompute_contact_rollups

Matches = Callable[[str], bool]
# narrows an address column in SQL to the rows ``Matches`` then decides on
Candidates = Callable[[Any], sa.ColumnElement[bool]]


@dataclass
class PurgeReport:
    """How much went, by kind (the API's answer)."""

    interactions: int = 0
    participants: int = 0
    contacts: int = 0
    addresses: int = 0
    commitments: int = 0
    signals: int = 0
    mentions: int = 0  # the mail naming them with a role (by contact or by name)
    signature_fields: int = 0
    draft_choices: int = 0
    masked: int = 0  # texts in which an erased address was masked
    nudges: int = 0  # nudges about them, and their notices
    promise_keys: set[tuple[uuid.UUID | None, str]] = field(default_factory=set, repr=False)

    def counts(self) -> dict[str, int]:
        """The figures, for the API and the audit trail."""
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


def purge(session: Session, *, ctx: IdentityContext, candidates: Candidates,
          matches: Matches, only_mailbox: uuid.UUID | None = None,
          always_addresses: bool = True) -> PurgeReport:
    """Removes what was recorded for the outside addresses that ``matches`` accepts.

    ``candidates`` narrows an address column (of participants, of contact addresses) in SQL
    to the rows to look at; ``matches`` decides.
    ``only_mailbox``: a seller's own block purges only interactions no colleague's mailbox
    holds. ``always_addresses`` False keeps contact addresses still on a participant row
    somewhere (a seller's own block does not take a person away from the team).
    """
    tenant_id, report = ctx.tenant_id, PurgeReport()
    session.flush()
    hits = [p for p in session.scalars(sa.select(Participant).where(
        Participant.tenant_id == tenant_id, candidates(Participant.address)))
        if matches(p.address)]
    touched_contacts: set[uuid.UUID] = set()
    matched_contacts = _wholly_matched(session, tenant_id, {p.contact_id for p in hits
                                                            if p.contact_id}, matches)
    gone: list[uuid.UUID] = []
    partial: list[uuid.UUID] = []
    for interaction_id in dict.fromkeys(p.interaction_id for p in hits):
        if only_mailbox is not None and _held_by_others(session, tenant_id, interaction_id,
                                                        only_mailbox):
            continue
        people = session.scalars(sa.select(Participant).where(
            Participant.tenant_id == tenant_id, Participant.interaction_id == interaction_id)).all()
        touched_contacts |= {p.contact_id for p in people if p.contact_id}
        outside = [p for p in people if not ctx.is_internal(p.address)]
        if all(matches(p.address) for p in outside):
            gone.append(interaction_id)
            continue
        partial.append(interaction_id)
        for p in outside:
            if matches(p.address):
                session.delete(p)
                report.participants += 1
        _drop_findings(session, report, tenant_id=tenant_id, contact_ids=matched_contacts,
                       interaction_id=interaction_id)
    names = set(session.scalars(sa.select(Contact.display_name).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(matched_contacts))))
    # the mail naming them with a role: everywhere, or (a seller's own block) in the mail
    # purged for that seller; a person dropped below loses the rest with their contact
    report.mentions += drop_mentions(
        session, tenant_id=tenant_id, contact_ids=matched_contacts, names=names,
        interaction_ids=None if only_mailbox is None else partial)
    accounts = _drop_interactions(session, tenant_id, gone, report)
    session.flush()
    dropped = _drop_addresses(session, ctx, candidates, matches, always_addresses, report)
    report.nudges += drop_nudges(session, tenant_id=tenant_id, matches=matches, names=names)
    _clear_signature_fields(session, tenant_id, touched_contacts - dropped, set(gone), report)
    recompute_contact_rollups(session, tenant_id=tenant_id,
                              contact_ids=touched_contacts - dropped)
    recompute_account_rollups(session, tenant_id=tenant_id, account_ids=accounts)
    session.flush()
    return report


def _wholly_matched(session: Session, tenant_id: uuid.UUID, contact_ids: set[uuid.UUID],
                    matches: Matches) -> set[uuid.UUID]:
    """The contacts every address of which matches (a block of one of a person's two
    addresses leaves the findings tied to the person)."""
    out = set()
    for contact_id in contact_ids:
        addresses = session.scalars(sa.select(ContactAddress.address).where(
            ContactAddress.tenant_id == tenant_id, ContactAddress.contact_id == contact_id)).all()
        if all(matches(a) for a in addresses):
            out.add(contact_id)
    return out


def _held_by_others(session: Session, tenant_id: uuid.UUID, interaction_id: uuid.UUID,
                    user_id: uuid.UUID) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(InteractionMailbox).where(
        InteractionMailbox.tenant_id == tenant_id,
        InteractionMailbox.interaction_id == interaction_id,
        InteractionMailbox.user_id != user_id)) != 0


def _drop_findings(session: Session, report: PurgeReport, *, tenant_id: uuid.UUID,
                   contact_ids: set[uuid.UUID],
                   interaction_id: uuid.UUID | None = None) -> None:
    """Deletes the commitments and signals tied to ``contact_ids`` (in one interaction, or
    anywhere), remembering the promise sentences for the draft choices."""
    if not contact_ids:
        return
    ids = list(contact_ids)
    for c in session.scalars(sa.select(Commitment).where(
            Commitment.tenant_id == tenant_id, Commitment.contact_id.in_(ids),
            sa.true() if interaction_id is None else Commitment.interaction_id == interaction_id,
    )).all():
        report.promise_keys.add((c.owner_user_id, promise_text_key(c.text)))
        session.delete(c)
        report.commitments += 1
    for s in session.scalars(sa.select(Signal).where(
            Signal.tenant_id == tenant_id, Signal.contact_id.in_(ids),
            sa.true() if interaction_id is None else Signal.interaction_id == interaction_id,
    )).all():
        session.delete(s)
        report.signals += 1


def _drop_interactions(session: Session, tenant_id: uuid.UUID, ids: list[uuid.UUID],
                       report: PurgeReport) -> set[uuid.UUID]:
    """Deletes interactions with everything hanging off them; gives their accounts."""
    if not ids:
        return set()
    for c in session.scalars(sa.select(Commitment).where(
            Commitment.tenant_id == tenant_id, Commitment.interaction_id.in_(ids))):
        report.promise_keys.add((c.owner_user_id, promise_text_key(c.text)))
    accounts = {a for a in session.scalars(sa.select(Interaction.account_id).where(
        Interaction.tenant_id == tenant_id, Interaction.id.in_(ids))) if a}
    for model, column in ((Commitment, Commitment.interaction_id),
                          (Signal, Signal.interaction_id),
                          (Mention, Mention.interaction_id),
                          (Participant, Participant.interaction_id),
                          (InteractionMailbox, InteractionMailbox.interaction_id),
                          (DealInteraction, DealInteraction.interaction_id),
                          (PrepDelivery, PrepDelivery.meeting_id),
                          (Interaction, Interaction.id)):
        result = session.execute(sa.delete(model).where(
            model.tenant_id == tenant_id, column.in_(ids)),  # type: ignore[attr-defined]
            execution_options={"synchronize_session": False})
        count = int(getattr(result, "rowcount", 0) or 0)
        if model is Commitment:
            report.commitments += count
        elif model is Signal:
            report.signals += count
        elif model is Mention:
            report.mentions += count
        elif model is Participant:
            report.participants += count
        elif model is Interaction:
            report.interactions += count
    session.expire_all()
    return accounts


def _drop_addresses(session: Session, ctx: IdentityContext, candidates: Candidates,
                    matches: Matches, always: bool, report: PurgeReport) -> set[uuid.UUID]:
    """Deletes matching contact addresses (``always``, or when no participant row names
    them any more) and the contacts left without one; gives the contacts that went."""
    tenant_id = ctx.tenant_id
    owners: set[uuid.UUID] = set()
    for row in session.scalars(sa.select(ContactAddress).where(
            ContactAddress.tenant_id == tenant_id, candidates(ContactAddress.address))).all():
        if not matches(row.address):
            continue
        if not always and session.scalar(sa.select(sa.func.count()).select_from(Participant)
                                         .where(Participant.tenant_id == tenant_id,
                                                Participant.address == row.address)):
            continue
        owners.add(row.contact_id)
        session.delete(row)
        report.addresses += 1
    session.flush()
    dropped: set[uuid.UUID] = set()
    for contact_id in owners:
        left = session.scalar(sa.select(sa.func.count()).select_from(ContactAddress).where(
            ContactAddress.tenant_id == tenant_id, ContactAddress.contact_id == contact_id))
        if not left:
            dropped.add(contact_id)
    if dropped:
        forget_contacts(session, tenant_id=tenant_id, contact_ids=dropped, report=report)
    return dropped


def forget_contacts(session: Session, *, tenant_id: uuid.UUID, contact_ids: set[uuid.UUID],
                    report: PurgeReport) -> None:
    """Deletes contacts with their findings, the mentions of them (linked, or by their
    name), relationships, merges and remaining rows."""
    ids = list(contact_ids)
    _drop_findings(session, report, tenant_id=tenant_id, contact_ids=contact_ids)
    names = set(session.scalars(sa.select(Contact.display_name).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(ids))))
    report.mentions += drop_mentions(session, tenant_id=tenant_id, contact_ids=ids,
                                     names=names)
    session.flush()
    session.execute(sa.update(Participant).where(
        Participant.tenant_id == tenant_id, Participant.contact_id.in_(ids)).values(
        contact_id=None), execution_options={"synchronize_session": False})
    session.execute(sa.update(Contact).where(
        Contact.tenant_id == tenant_id, Contact.merged_into.in_(ids)).values(merged_into=None),
        execution_options={"synchronize_session": False})
    for model, clause in (
            (Relationship, Relationship.contact_id.in_(ids)),
            (ContactAddress, ContactAddress.contact_id.in_(ids)),
            (ContactMerge, sa.or_(ContactMerge.source_id.in_(ids),
                                  ContactMerge.target_id.in_(ids))),
            (Contact, Contact.id.in_(ids))):
        result = session.execute(sa.delete(model).where(
            model.tenant_id == tenant_id, clause),  # type: ignore[attr-defined]
            execution_options={"synchronize_session": False})
        if model is Contact:
            report.contacts += int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()


def _clear_signature_fields(session: Session, tenant_id: uuid.UUID, contact_ids: set[uuid.UUID],
                            gone: set[uuid.UUID], report: PurgeReport) -> None:
    """Clears title, phone and company taken from a signature in mail that went."""
    gone_ids = {str(i) for i in gone}
    for contact_id in contact_ids:
        contact = session.get(Contact, (tenant_id, contact_id))
        if contact is None or not contact.evidence:
            continue
        evidence = dict(contact.evidence)
        for name, source in list(evidence.items()):
            if isinstance(source, dict) and source.get("source") == "signature" \
                    and source.get("interaction_id") in gone_ids:
                setattr(contact, name, None)
                del evidence[name]
                report.signature_fields += 1
        contact.evidence = evidence


def drop_draft_choices(session: Session, *, tenant_id: uuid.UUID,
                       report: PurgeReport) -> None:
    """Deletes the sellers' compose-mode choices about promises that went."""
    for user_id, key in report.promise_keys:
        query = sa.delete(DraftChoice).where(DraftChoice.tenant_id == tenant_id,
                                             DraftChoice.text_hash == key)
        if user_id is not None:
            query = query.where(DraftChoice.user_id == user_id)
        result = session.execute(query, execution_options={"synchronize_session": False})
        report.draft_choices += int(getattr(result, "rowcount", 0) or 0)


def recompute_account_rollups(session: Session, *, tenant_id: uuid.UUID,
                              account_ids: set[uuid.UUID]) -> None:
    """Recounts accounts' interactions and last activity from what is left."""
    for account_id in account_ids:
        account = session.get(Account, (tenant_id, account_id))
        if account is None:
            continue
        count, last = session.execute(sa.select(
            sa.func.count(), sa.func.max(Interaction.occurred_at)).where(
            Interaction.tenant_id == tenant_id, Interaction.account_id == account_id,
            Interaction.deleted_at.is_(None))).one()
        account.interaction_count, account.last_activity_at = int(count), last
