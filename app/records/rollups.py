"""Rollups kept on write (relationship, contact and account activity) so that the story and
the lists read a handful of rows instead of scanning history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Account, Contact, Interaction, Participant, Relationship


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def add_to_rollups(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    contact_ids: Iterable[uuid.UUID],
    user_ids: Iterable[uuid.UUID],
    account_id: uuid.UUID | None,
    occurred_at: datetime,
    direction: str,
    kind: str,
) -> None:
    """Counts one new interaction for its contacts, their team relationships and account."""
    users = list(dict.fromkeys(user_ids))
    for contact_id in dict.fromkeys(contact_ids):
        contact = session.get(Contact, (tenant_id, contact_id))
        if contact is not None:
            contact.interaction_count = (contact.interaction_count or 0) + 1
            contact.last_activity_at = _later(contact.last_activity_at, occurred_at)
        for user_id in users:
            rel = session.get(Relationship, (tenant_id, contact_id, user_id))
            if rel is None:
                rel = Relationship(
                    tenant_id=tenant_id, contact_id=contact_id, user_id=user_id,
                    interactions=0, inbound=0, outbound=0, meetings=0,
                )
                session.add(rel)
            rel.interactions += 1
            rel.meetings += kind == "meeting"
            if direction == "inbound":
                rel.inbound += 1
                rel.last_inbound_at = _later(rel.last_inbound_at, occurred_at)
            else:
                rel.outbound += 1
                rel.last_outbound_at = _later(rel.last_outbound_at, occurred_at)
            rel.first_at = occurred_at if rel.first_at is None else min(rel.first_at, occurred_at)
            rel.last_at = _later(rel.last_at, occurred_at)
    if account_id is not None:
        account = session.get(Account, (tenant_id, account_id))
        if account is not None:
            account.interaction_count = (account.interaction_count or 0) + 1
            account.last_activity_at = _later(account.last_activity_at, occurred_at)


def recompute_contact_rollups(
    session: Session, *, tenant_id: uuid.UUID, contact_ids: Iterable[uuid.UUID]
) -> None:
    """Rebuilds rollups of some contacts from their live interactions (after a delete)."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        return
    live = sa.and_(
        Interaction.tenant_id == Participant.tenant_id,
        Interaction.id == Participant.interaction_id,
        Interaction.deleted_at.is_(None),
    )
    session.execute(
        sa.delete(Relationship).where(
            Relationship.tenant_id == tenant_id, Relationship.contact_id.in_(ids)
        )
    )
    for contact_id in ids:
        contact = session.get(Contact, (tenant_id, contact_id))
        if contact is None:
            continue
        rows = session.execute(
            sa.select(Interaction.id, Interaction.occurred_at, Interaction.direction,
                      Interaction.kind)
            .join(Participant, live)
            .where(Participant.tenant_id == tenant_id, Participant.contact_id == contact_id)
            .distinct()
        ).all()
        contact.interaction_count = 0
        contact.last_activity_at = None
        for interaction_id, occurred_at, direction, kind in rows:
            users = session.scalars(
                sa.select(Participant.user_id).where(
                    Participant.tenant_id == tenant_id,
                    Participant.interaction_id == interaction_id,
                    Participant.user_id.is_not(None),
                )
            ).all()
            session.flush()
            add_to_rollups(
                session, tenant_id=tenant_id, contact_ids=[contact_id],
                user_ids=[u for u in users if u is not None], account_id=None,
                occurred_at=occurred_at, direction=direction, kind=kind,
            )
