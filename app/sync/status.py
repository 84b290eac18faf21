"""Per-mailbox sync health: last success, last error, counts and lag, per folder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.records.models import SyncState, User


def sync_status(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID | None = None,
                now: datetime | None = None) -> list[dict[str, Any]]:
    """One entry per mailbox of the tenant (or just ``user_id``): its folders' state, and
    ``lag_seconds`` since the oldest folder last completed a round (None if one never did)."""
    now = now or datetime.now(UTC)
    users_q = sa.select(User).where(User.tenant_id == tenant_id).order_by(User.email)
    if user_id is not None:
        users_q = users_q.where(User.id == user_id)
    users = session.scalars(users_q).all()
    states = session.scalars(sa.select(SyncState).where(
        SyncState.tenant_id == tenant_id,
        SyncState.user_id.in_([u.id for u in users]))).all()
    by_user: dict[uuid.UUID, list[SyncState]] = {}
    for state in states:
        by_user.setdefault(state.user_id, []).append(state)
    out = []
    for user in users:
        folders = sorted(by_user.get(user.id, []), key=lambda s: s.folder)
        successes = [s.last_success_at for s in folders]
        oldest = None if not folders or None in successes else min(
            s for s in successes if s is not None)
        out.append({
            "mailbox": user.email,
            "user_id": str(user.id),
            "sync_enabled": bool(user.sync_enabled),
            "lag_seconds": None if oldest is None else round((now - oldest).total_seconds()),
            "items_seen": sum(s.items_seen or 0 for s in folders),
            "items_stored": sum(s.items_stored or 0 for s in folders),
            "folders": [_folder(s) for s in folders],
        })
    return out


def _folder(state: SyncState) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "folder": state.folder,
        "state": folder_state(state),
        "last_success_at": iso(state.last_success_at),
        "last_error": state.last_error,
        "last_error_at": iso(state.last_error_at),
        "items_seen": state.items_seen or 0,
        "items_stored": state.items_stored or 0,
        "items_set_aside": state.items_set_aside or 0,
        "last_set_aside": state.last_set_aside,
    }


def folder_state(state: SyncState) -> str:
    """``failing`` while the last round stopped on an error (a later complete round clears
    it), else ``backfilling`` mid-round, ``current`` or ``not_started``."""
    if state.last_error:
        return "failing"
    if state.next_link:
        return "backfilling"
    return "current" if state.delta_link else "not_started"
