"""What a seller does with their nudges: list them, mark one done (never sent again), or
snooze it (held until then, then sent once more). Takes the session, flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import BadRequest, Conflict, NotFound

from .models import Nudge

MAX_SNOOZE = timedelta(days=30)
LISTED = ("open", "held", "sent")


@dataclass(frozen=True, kw_only=True)
class NudgeItem:
    """One of the seller's nudges as the API gives it."""

    id: str
    kind: str
    title: str
    reason: str
    evidence: dict[str, Any]
    link: str
    status: str
    account_id: str | None
    subject_id: str | None
    created_at: datetime
    sent_at: datetime | None
    snoozed_until: datetime | None
    done_at: datetime | None


def nudge_item(n: Nudge) -> NudgeItem:
    """A nudge row as the API shows it."""
    evidence = dict(n.evidence or {})
    return NudgeItem(id=str(n.id), kind=n.kind, title=str(evidence.get("title") or ""),
                     reason=n.reason, evidence=evidence, link=n.link, status=n.status,
                     account_id=str(n.account_id) if n.account_id else None,
                     subject_id=str(n.subject_id) if n.subject_id else None,
                     created_at=n.created_at, sent_at=n.sent_at,
                     snoozed_until=n.snoozed_until, done_at=n.done_at)


def my_nudges(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
              now: datetime, limit: int = 100) -> list[Nudge]:
    """The seller's own nudges still to act on: waiting, held or sent, and snoozed ones
    whose snooze has ended; not done. Newest first."""
    return list(session.scalars(sa.select(Nudge).where(
        Nudge.tenant_id == tenant_id, Nudge.user_id == user_id,
        sa.or_(Nudge.status.in_(LISTED),
               sa.and_(Nudge.status == "snoozed", Nudge.snoozed_until <= now)))
        .order_by(Nudge.created_at.desc(), Nudge.id).limit(limit)))


def _mine(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID,
          nudge_id: uuid.UUID) -> Nudge:
    nudge = session.get(Nudge, (tenant_id, nudge_id))
    if nudge is None or nudge.user_id != user_id:  # another seller's is not there for you
        raise NotFound("no such nudge of yours")
    return nudge


def mark_done(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
              nudge_id: uuid.UUID, now: datetime) -> Nudge:
    """Closes the nudge for good: it is never sent again (done twice is still done)."""
    nudge = _mine(session, tenant_id, user_id, nudge_id)
    if nudge.status != "done":
        nudge.status, nudge.done_at, nudge.snoozed_until = "done", now, None
    session.flush()
    return nudge


def snooze_until(*, until: datetime | None, hours: float | None, default_hours: int,
                 now: datetime) -> datetime:
    """When a snooze ends: ``until`` (with its time zone), or ``hours`` from now, or the
    default; in the future and at most 30 days ahead, else a 400 naming the field."""
    if until is not None and hours is not None:
        raise BadRequest("give until or hours, not both", code="invalid_snooze")
    if until is not None:
        if until.tzinfo is None:
            raise BadRequest("until needs a time zone offset, e.g. 2026-12-03T09:00:00+01:00",
                             code="invalid_snooze")
        end = until.astimezone(UTC)
    else:
        end = now + timedelta(hours=default_hours if hours is None else hours)
    if end <= now:
        raise BadRequest("a snooze must end in the future", code="invalid_snooze")
    if end - now > MAX_SNOOZE:
        raise BadRequest("a snooze may last at most 30 days", code="invalid_snooze")
    return end


def snooze(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
           nudge_id: uuid.UUID, until: datetime) -> Nudge:
    """Holds the nudge until ``until``; then the round sends it once more. A nudge marked
    done cannot be snoozed (409)."""
    nudge = _mine(session, tenant_id, user_id, nudge_id)
    if nudge.status == "done":
        raise Conflict("this nudge is done; it will not come back", code="nudge_done")
    nudge.status, nudge.snoozed_until = "snoozed", until
    session.flush()
    return nudge
