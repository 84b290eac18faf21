"""Duplicate contacts: suggestions (same name and account, another address) and reversible
merges. A merge moves no rows: the merged contact points at the survivor (``merged_into``),
and every read gathers a survivor's history from the contacts merged into it."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound

from .contacts import get_contact
from .models import AuditEvent, Contact, ContactMerge, utcnow


def merged_family(
    session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> list[uuid.UUID]:
    """The contact and every contact merged into it (directly or through a chain)."""
    family = [contact_id]
    frontier = [contact_id]
    while frontier:
        children = session.scalars(
            sa.select(Contact.id).where(
                Contact.tenant_id == tenant_id, Contact.merged_into.in_(frontier)
            )
        ).all()
        frontier = [c for c in children if c not in family]
        family += frontier
    return family


def merge_suggestions(
    session: Session, *, tenant_id: uuid.UUID, contact: Contact
) -> list[Contact]:
    """Other live contacts with the same name in the same account: likely the same person."""
    if not contact.name_key or contact.account_id is None:
        return []
    return list(session.scalars(
        sa.select(Contact).where(
            Contact.tenant_id == tenant_id,
            Contact.account_id == contact.account_id,
            Contact.name_key == contact.name_key,
            Contact.id != contact.id,
            Contact.merged_into.is_(None),
        ).limit(10)
    ))


def merge_contacts(
    session: Session, *, tenant_id: uuid.UUID, source_id: uuid.UUID, target_id: uuid.UUID,
    actor: uuid.UUID | None,
) -> ContactMerge:
    """Merges ``source`` into ``target`` (target survives). Undo with :func:`unmerge`."""
    if source_id == target_id:
        raise Conflict("cannot merge a contact into itself")
    source = get_contact(session, tenant_id=tenant_id, contact_id=source_id)
    target = get_contact(session, tenant_id=tenant_id, contact_id=target_id)
    if source.merged_into is not None:
        raise Conflict("that contact is already merged into another")
    if target.merged_into is not None:
        raise Conflict("cannot merge into a contact that is itself merged")
    source.merged_into = target.id
    target.interaction_count += source.interaction_count
    if source.last_activity_at and (
        target.last_activity_at is None or source.last_activity_at > target.last_activity_at
    ):
        target.last_activity_at = source.last_activity_at
    merge = ContactMerge(tenant_id=tenant_id, source_id=source.id, target_id=target.id,
                         moved_addresses=[], merged_by=actor)
    session.add(merge)
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="contact.merge",
                           details={"source": str(source.id), "target": str(target.id)}))
    session.flush()
    return merge


def unmerge(
    session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, actor: uuid.UUID | None
) -> Contact:
    """Undoes the merge of ``contact_id``: it stands on its own again with its history."""
    contact = get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    if contact.merged_into is None:
        raise Conflict("that contact is not merged")
    merge = session.scalar(
        sa.select(ContactMerge).where(
            ContactMerge.tenant_id == tenant_id, ContactMerge.source_id == contact.id,
            ContactMerge.undone_at.is_(None),
        ).order_by(ContactMerge.merged_at.desc())
    )
    if merge is None:
        raise NotFound("no merge to undo for that contact")
    target = get_contact(session, tenant_id=tenant_id, contact_id=contact.merged_into)
    target.interaction_count = max(0, target.interaction_count - contact.interaction_count)
    contact.merged_into = None
    merge.undone_at = utcnow()
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="contact.unmerge",
                           details={"source": str(contact.id), "target": str(target.id)}))
    session.flush()
    return contact
