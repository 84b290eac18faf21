"""Forgetting the nudges about people who were erased or blocked: a nudge whose subject (the
promise, the mail, the signal, the deal) went, or whose words name a forgotten person, goes
too, with the notices (and their cards) in the delivery log. Called by the purge in
app/records/forget.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.prep.models import Nudge, PrepDelivery

from .models import Commitment, Deal, Interaction, Signal


def _subject_gone(tenant_id: uuid.UUID) -> sa.ColumnElement[bool]:
    alive = sa.union(*(sa.select(model.id).where(model.tenant_id == tenant_id)  # type: ignore[attr-defined]
                       for model in (Commitment, Interaction, Signal, Deal)))
    return sa.and_(Nudge.subject_id.is_not(None), Nudge.subject_id.not_in(alive))


def _names_someone(nudge: Nudge, matches: Callable[[str], bool], names: set[str]) -> bool:
    evidence = nudge.evidence or {}
    if matches(str(evidence.get("from") or "").lower()):
        return True
    said = " ".join(str(v) for v in (nudge.reason, *evidence.values()) if v)
    return any(name and name in said for name in names)


def drop_nudges(session: Session, *, tenant_id: uuid.UUID, matches: Callable[[str], bool],
                names: set[str]) -> int:
    """Deletes the nudges whose subject is gone or that name a forgotten person (their
    address matches, or one of ``names``, the display names of contacts that went), and
    their notices; gives how many nudges went."""
    session.flush()
    gone = set(session.scalars(sa.select(Nudge.id).where(
        Nudge.tenant_id == tenant_id, _subject_gone(tenant_id))))
    for nudge in session.scalars(sa.select(Nudge).where(Nudge.tenant_id == tenant_id,
                                                        Nudge.id.not_in(gone))):
        if _names_someone(nudge, matches, names):
            gone.add(nudge.id)
    if not gone:
        return 0
    for nudge_id in gone:
        session.execute(sa.delete(PrepDelivery).where(
            PrepDelivery.tenant_id == tenant_id, PrepDelivery.kind == "nudge",
            PrepDelivery.dedupe_key.like(f"nudge:{nudge_id}%")),
            execution_options={"synchronize_session": False})
    session.execute(sa.delete(Nudge).where(Nudge.tenant_id == tenant_id, Nudge.id.in_(gone)),
                    execution_options={"synchronize_session": False})
    return len(gone)
