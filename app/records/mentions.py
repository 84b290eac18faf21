"""People the mail names with their role (app.extract.people), kept for the account's
stakeholders: written beside the signals, linked to the account's contact of that name, and
forgotten with the person.

A mention is linked to a contact only when exactly one live contact of the interaction's
account carries that display name: a wrong link beside a deal costs more trust than none.
Our own sellers and the mail's sender are never a mention of the customer's people.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .inputs import InteractionIn
from .models import Contact, Interaction, Mention, User, new_id


def _norm(name: str | None) -> str:
    return " ".join((name or "").split()).lower()


def _our_names(session: Session, tenant_id: uuid.UUID) -> frozenset[str]:
    """The tenant's sellers' display names (normalised), cached on the session for a batch."""
    cache = session.info.setdefault("user_names", {})
    if tenant_id not in cache:
        cache[tenant_id] = frozenset(_norm(n) for n in session.scalars(
            sa.select(User.display_name).where(User.tenant_id == tenant_id)) if n)
    names: frozenset[str] = cache[tenant_id]
    return names


def _contact_named(session: Session, tenant_id: uuid.UUID, account_id: uuid.UUID | None,
                   name: str) -> uuid.UUID | None:
    """The one live contact of the account whose display name is ``name``, else None."""
    if account_id is None:
        return None
    ids = session.scalars(sa.select(Contact.id).where(
        Contact.tenant_id == tenant_id, Contact.account_id == account_id,
        Contact.merged_into.is_(None), sa.func.lower(Contact.display_name) == name.lower(),
    ).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def store_mentions(session: Session, *, interaction: Interaction, item: InteractionIn) -> int:
    """Adds a row per person the item names with a role (not ours, not the sender); gives
    how many were added."""
    if not item.mentions:
        return 0
    tenant_id = interaction.tenant_id
    skip = _our_names(session, tenant_id) | {_norm(item.sender.name if item.sender else "")}
    added = 0
    for m in item.mentions:
        name, role = " ".join(m.name.split())[:200], " ".join(m.role.split())[:120]
        if not name or not role or _norm(name) in skip:
            continue
        session.add(Mention(
            tenant_id=tenant_id, id=new_id(), interaction_id=interaction.id,
            account_id=interaction.account_id,
            contact_id=_contact_named(session, tenant_id, interaction.account_id, name),
            name=name, role=role, evidence_start=m.start, evidence_end=m.end,
            occurred_at=interaction.occurred_at))
        added += 1
    return added


def drop_mentions(session: Session, *, tenant_id: uuid.UUID,
                  contact_ids: Iterable[uuid.UUID] = (), names: Iterable[str] = (),
                  interaction_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Deletes the mentions of these contacts or of these names (any case), everywhere or
    in ``interaction_ids`` only; gives how many went."""
    ids, lowered = list(set(contact_ids)), sorted({_norm(n) for n in names if _norm(n)})
    if not ids and not lowered:
        return 0
    who = sa.or_(Mention.contact_id.in_(ids), sa.func.lower(Mention.name).in_(lowered))
    query = sa.delete(Mention).where(Mention.tenant_id == tenant_id, who)
    if interaction_ids is not None:
        within = list(set(interaction_ids))
        if not within:
            return 0
        query = query.where(Mention.interaction_id.in_(within))
    result = session.execute(query, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)
