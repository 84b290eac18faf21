"""Blocks (suppressions): adding one purges what was already recorded for it; they can be
listed and removed. Removing a block brings nothing back: the mail comes again with sync."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound

from .actions import add_suppression
from .forget import Candidates, Matches, PurgeReport, drop_draft_choices, purge
from .identity import domain_of, registrable_domain
from .models import AuditEvent, Suppression
from .record import identity_context


def _like_suffix(domain: str) -> str:
    escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}"


def _matcher(sup: Suppression) -> tuple[Candidates, Matches]:
    if sup.kind == "address":
        value = sup.value
        return (lambda column: column == value), (lambda a: a == value)
    domain = sup.value

    def in_domain(address: str) -> bool:
        d = domain_of(address)
        return d == domain or d.endswith("." + domain) or registrable_domain(d) == domain

    return (lambda column: column.like(_like_suffix(domain), escape="\\")), in_domain


def block(session: Session, *, tenant_id: uuid.UUID, value: str, user_id: uuid.UUID | None,
          actor: uuid.UUID | None, reason: str = "") -> tuple[Suppression, PurgeReport]:
    """Adds a suppression and purges what was recorded for it: for the tenant, everything;
    for one seller, what no colleague's mailbox also holds. Gives the row and what went."""
    sup = add_suppression(session, tenant_id=tenant_id, value=value, user_id=user_id,
                          actor=actor, reason=reason)
    candidates, matches = _matcher(sup)
    report = purge(session, ctx=identity_context(session, tenant_id), candidates=candidates,
                   matches=matches, only_mailbox=user_id,
                   always_addresses=user_id is None)
    drop_draft_choices(session, tenant_id=tenant_id, report=report)
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="suppression.purge",
                           details={"suppression_id": str(sup.id), "removed": report.counts()}))
    session.flush()
    return sup, report


def list_suppressions(session: Session, *, tenant_id: uuid.UUID,
                      user_id: uuid.UUID) -> list[Suppression]:
    """The tenant's blocks and this seller's own, newest first."""
    return list(session.scalars(sa.select(Suppression).where(
        Suppression.tenant_id == tenant_id,
        sa.or_(Suppression.user_id.is_(None), Suppression.user_id == user_id),
    ).order_by(Suppression.created_at.desc())))


def remove_suppression(session: Session, *, tenant_id: uuid.UUID, suppression_id: uuid.UUID,
                       user_id: uuid.UUID, is_admin: bool) -> None:
    """Removes a block: a seller's own, or (admins only) one for the whole tenant."""
    sup = session.get(Suppression, (tenant_id, suppression_id))
    if sup is None or (sup.user_id is not None and sup.user_id != user_id):
        raise NotFound("no suppression with that id")
    if sup.user_id is None and not is_admin:
        raise Forbidden("only a Storyline admin can remove a block for the whole tenant",
                        code="admin_required")
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=user_id,
                           action="suppression.remove",
                           details={"kind": sup.kind, "value": sup.value,
                                    "scope": "user" if sup.user_id else "tenant"}))
    session.delete(sup)
    session.info.pop("identity_contexts", None)
    session.flush()
