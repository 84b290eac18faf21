"""Setting up a tenant: its own domains, its sellers, and deals kept outside mail."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import BadRequest

from .contacts import ensure_account
from .identity import normalize_address
from .models import DEAL_STAGES, Deal, DealStageChange, Tenant, TenantDomain, User, new_id


def ensure_tenant(session: Session, *, tenant_id: uuid.UUID, name: str, domains: Iterable[str],
                  contact_policy: str = "sent") -> Tenant:
    """Creates or updates a tenant and its internal domains."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        tenant = Tenant(id=tenant_id, name=name, contact_policy=contact_policy)
        session.add(tenant)
        session.flush()
    tenant.name, tenant.contact_policy = name, contact_policy
    known = set(session.scalars(
        sa.select(TenantDomain.domain).where(TenantDomain.tenant_id == tenant_id)))
    for domain in domains:
        d = domain.strip().lower()
        if d and d not in known:
            session.add(TenantDomain(tenant_id=tenant_id, domain=d))
            known.add(d)
    session.info.pop("identity_contexts", None)
    session.flush()
    return tenant


def ensure_user(session: Session, *, tenant_id: uuid.UUID, email: str, display_name: str,
                oid: uuid.UUID | None = None, time_zone: str = "UTC") -> User:
    """Creates or updates a seller of the tenant, by address."""
    address = normalize_address(email)
    user = session.scalar(sa.select(User).where(User.tenant_id == tenant_id,
                                                User.email == address))
    if user is None:
        user = User(tenant_id=tenant_id, id=new_id(), email=address)
        session.add(user)
    user.display_name, user.time_zone = display_name, time_zone
    if oid is not None:
        user.oid = oid
    session.info.pop("identity_contexts", None)
    session.flush()
    return user


@dataclass(frozen=True)
class DealIn:
    """A deal as a CRM import gives it; ``history`` is (stage, entered at), oldest first."""

    account_domain: str
    name: str
    stage: str
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    owner_email: str | None
    history: tuple[tuple[str, datetime], ...] = ()


def import_deal(session: Session, *, tenant_id: uuid.UUID, deal: DealIn) -> Deal:
    """Creates a deal on the account of its domain, with its stage history."""
    if deal.stage not in DEAL_STAGES:
        raise BadRequest(f"unknown stage {deal.stage!r}")
    account = ensure_account(session, tenant_id=tenant_id, domain=deal.account_domain)
    if account is None:
        raise BadRequest(f"{deal.account_domain} is a free-mail domain, not an account")
    owner = None
    if deal.owner_email:
        owner = session.scalar(sa.select(User.id).where(
            User.tenant_id == tenant_id, User.email == normalize_address(deal.owner_email)))
    history = deal.history or ((deal.stage, datetime.now().astimezone()),)
    row = Deal(tenant_id=tenant_id, id=new_id(), account_id=account.id, name=deal.name,
               stage=deal.stage, amount=deal.amount, currency=deal.currency,
               close_date=deal.close_date, owner_user_id=owner,
               stage_changed_at=history[-1][1], created_at=history[0][1])
    session.add(row)
    previous = None
    for stage, at in history:
        session.add(DealStageChange(tenant_id=tenant_id, deal_id=row.id, from_stage=previous,
                                    to_stage=stage, changed_at=at, changed_by=owner))
        previous = stage
    session.flush()
    return row
