"""The demo tenant: the invented sample company's sellers and deals (CRM-side data that
never comes through mail). Its mail and meetings come in through Graph sync."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.records.models import Base
from app.records.tenants import DealIn, ensure_tenant, ensure_user, import_deal
from app.sample import SampleCompany


def reset_tenant(session: Session, tenant_id: uuid.UUID) -> None:
    """Deletes every row of one tenant (children first), leaving other tenants alone."""
    for table in reversed(Base.metadata.sorted_tables):
        column = table.c.get("tenant_id")
        if column is None:
            column = table.c.get("id") if table.name == "tenants" else None
        if column is not None:
            session.execute(sa.delete(table).where(column == tenant_id))
    session.info.pop("identity_contexts", None)


def seed_sample_company(session: Session, company: SampleCompany, *,
                        reset: bool = True) -> dict[str, Any]:
    """Creates the sample tenant, its sellers and its deals; returns counts."""
    if reset:
        reset_tenant(session, company.tenant_id)
    ensure_tenant(session, tenant_id=company.tenant_id, name=company.tenant_name,
                  domains=company.internal_domains)
    for seller in company.sellers:
        ensure_user(session, tenant_id=company.tenant_id, email=seller.email,
                    display_name=seller.display_name, oid=seller.oid,
                    time_zone=seller.time_zone)
    for deal in company.deals:
        import_deal(session, tenant_id=company.tenant_id, deal=DealIn(
            account_domain=deal.account_domain, name=deal.name, stage=deal.stage,
            amount=deal.amount, currency=deal.currency, close_date=deal.close_date,
            owner_email=deal.owner_email, history=deal.history,
        ))
    return {"tenant": str(company.tenant_id), "sellers": len(company.sellers),
            "deals": len(company.deals)}
