"""Retention of stored text: after ``STORYLINE_RETENTION_DAYS`` the words go (snippets,
cleaned bodies, evidence sentences, the cards sent), the metadata and the short form of
findings (kind, action, value, due date, status) stay, so the story keeps its shape. The
people the mail named with a role are words of the mail too: their mentions go."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.prep.models import PrepDelivery

from .models import Commitment, Interaction, Mention, Signal, utcnow


def drop_old_text(session: Session, *, days: int, now: datetime | None = None) -> dict[str, int]:
    """Empties the stored text of everything that happened more than ``days`` ago, in every
    tenant; gives how many interactions, findings and sent cards lost their text, and how
    many mentions of people went with it."""
    if days <= 0:
        raise ValueError("retention needs a positive number of days")
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = sa.select(Interaction.id).where(Interaction.occurred_at < cutoff)
    synced = {"synchronize_session": False}
    interactions = session.execute(sa.update(Interaction).where(
        Interaction.occurred_at < cutoff,
        sa.or_(Interaction.snippet != "", Interaction.body_text.is_not(None)),
    ).values(snippet="", body_text=None), execution_options=synced)
    commitments = session.execute(sa.update(Commitment).where(
        Commitment.interaction_id.in_(old), Commitment.text != "",
    ).values(text="", evidence_start=None, evidence_end=None), execution_options=synced)
    signals = session.execute(sa.update(Signal).where(
        Signal.occurred_at < cutoff, Signal.text != "",
    ).values(text="", evidence_start=None, evidence_end=None), execution_options=synced)
    mentions = session.execute(sa.delete(Mention).where(Mention.interaction_id.in_(old)),
                               execution_options=synced)
    cards = session.execute(sa.update(PrepDelivery).where(
        PrepDelivery.scheduled_for < cutoff, PrepDelivery.card.is_not(None),
    ).values(card=None), execution_options=synced)
    session.expire_all()
    return {"interactions": _count(interactions),
            "findings": _count(commitments) + _count(signals), "mentions": _count(mentions),
            "cards": _count(cards)}


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
