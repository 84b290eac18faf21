"""Which sellers' mailboxes Storyline syncs: enrolled by an admin, paused by the seller.

Signing in to the pane does not enrol anyone; an admin enrols sellers by address (or the
members of an Entra group, resolved by the caller through Graph) and each seller can pause
their own mailbox. The jobs that create subscriptions and backfill act on these rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import BadRequest, NotFound

from .identity import InvalidAddress, normalize_address
from .models import AuditEvent, Tenant, User, new_id


@dataclass(frozen=True)
class Enrolled:
    """One seller an enrolment touched: ``changed`` is False when they were already on."""

    user_id: uuid.UUID
    email: str
    changed: bool


def enrol_sellers(session: Session, *, tenant_id: uuid.UUID, addresses: Iterable[str],
                  actor: uuid.UUID | None = None,
                  names: dict[str, str] | None = None) -> list[Enrolled]:
    """Turns sync on for each address (creating the seller if new); every address is
    checked before anything is written, so one bad address enrols nobody."""
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"no tenant {tenant_id}: onboard it with tenant-add first",
                       code="unknown_tenant")
    wanted: list[str] = []
    for raw in addresses:
        try:
            address = normalize_address(raw)
        except InvalidAddress as err:
            raise BadRequest(f"not an email address: {raw!r}", code="invalid_address") from err
        if address not in wanted:
            wanted.append(address)
    if not wanted:
        raise BadRequest("give at least one address or a group", code="invalid_request")
    existing = {u.email: u for u in session.scalars(sa.select(User).where(
        User.tenant_id == tenant_id, User.email.in_(wanted)))}
    out = []
    for address in wanted:
        user = existing.get(address)
        if user is None:
            user = User(tenant_id=tenant_id, id=new_id(), email=address,
                        display_name=(names or {}).get(address, ""), sync_enabled=True)
            session.add(user)
            out.append(Enrolled(user.id, address, True))
        else:
            out.append(Enrolled(user.id, address, not user.sync_enabled))
            user.sync_enabled = True
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="sync.enrol",
                           details={"count": len(out),
                                    "new": sum(1 for e in out if e.changed)}))
    session.info.pop("identity_contexts", None)
    session.flush()
    return out


def set_paused(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
               paused: bool) -> User:
    """Pauses (or resumes) the sync of one seller's own mailbox; mail already recorded
    stays, nothing new is read while paused."""
    user = session.get(User, (tenant_id, user_id))
    if user is None:
        raise NotFound("no such seller")
    if user.sync_enabled == (not paused):
        return user
    user.sync_enabled = not paused
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=user_id,
                           action="sync.pause" if paused else "sync.resume", details={}))
    session.flush()
    return user
