"""Invented meetings on top of tests/world.py, recorded through the real write path."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.address import Address
from app.records.inputs import InteractionIn
from app.records.record import record_interaction
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM


def meeting(session: Session, key: str, start: datetime, organizer: tuple[str, str],
            attendees: list[tuple[str, str]], *, subject: str = "Harbourline: rollout review",
            minutes: int = 45, cancelled: bool = False,
            tenant: uuid.UUID = TENANT_A, teams_thread: str | None = None) -> uuid.UUID | None:
    """Records (or updates: same key) a meeting as calendar sync would; its interaction id,
    or None when the write path skipped it (an internal-only meeting)."""
    item = InteractionIn(
        kind="meeting", external_key=f"ical-{key}", occurred_at=start,
        ends_at=start + timedelta(minutes=minutes), subject=subject,
        body_text="Agenda: where things stand.",
        sender=Address(address=organizer[1], name=organizer[0]),
        attendees=tuple(Address(address=a, name=n) for n, a in attendees), cancelled=cancelled,
        teams_thread=teams_thread,
    )
    outcome = record_interaction(session, tenant_id=tenant, item=item)
    session.flush()
    return outcome.interaction_id


def customer_meeting(session: Session, now: datetime, *, minutes_ahead: int = 50,
                     key: str = "qbr") -> uuid.UUID:
    """Maya and Tom meet Jonas and Elena of Harbourline soon."""
    mid = meeting(session, key, now + timedelta(minutes=minutes_ahead), MAYA, [JONAS, ELENA, TOM])
    assert mid is not None
    return mid
