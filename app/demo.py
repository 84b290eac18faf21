"""The demo tenant: the invented sample company's sellers and deals (CRM-side data that
never comes through mail). Its mail and meetings come in through Graph sync."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import Database
from app.errors import StorylineError
from app.records.contacts import ensure_account
from app.records.models import Base, User
from app.records.tenants import DealIn, ensure_tenant, ensure_user, import_deal
from app.sample import SampleCompany, build_sample
from app.settings import Settings

# The stand-in accepts any client; these only name the demo's app registration.
DEMO_CLIENT_ID = "5f0c8a3e-9d1b-4c7e-8a2f-1b6e4d9c0a77"
DEMO_CLIENT_SECRET = "local-demo-secret"


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
    for account in company.accounts:  # CRM-side names ("Kestrelmoor Engineering")
        row = ensure_account(session, tenant_id=company.tenant_id, domain=account.domain)
        if row is not None:
            row.name = account.name
    for deal in company.deals:
        import_deal(session, tenant_id=company.tenant_id, deal=DealIn(
            account_domain=deal.account_domain, name=deal.name, stage=deal.stage,
            amount=deal.amount, currency=deal.currency, close_date=deal.close_date,
            owner_email=deal.owner_email, history=deal.history,
        ))
    return {"tenant": str(company.tenant_id), "sellers": len(company.sellers),
            "deals": len(company.deals)}


def load_sample_company(settings: Settings, db: Database, *, reset: bool = True,
                        now: datetime | None = None, extract: bool = True,
                        progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Loads the sample the way production fills the record: the sellers and deals are
    seeded, then the local Graph stand-in serves the sample mailboxes and the real sync
    (msal + msgraph-sdk -> ingest -> records, extraction included) brings them in."""
    from app.ingest.sync import SyncOptions, sync_mailboxes
    from app.jobs.context import build_context
    from app.standin.testing import running_standin

    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    company = build_sample(now)
    with db.session() as session:
        summary = seed_sample_company(session, company, reset=reset)
        user_ids = list(session.scalars(
            sa.select(User.id).where(User.tenant_id == company.tenant_id)))
    with running_standin(now=now) as standin:
        via_standin = settings.with_overrides(
            graph_base_url=standin.graph_url, entra_authority_host=standin.base_url,
            entra_client_id=DEMO_CLIENT_ID, entra_client_secret=DEMO_CLIENT_SECRET,
            graph_ca_bundle=str(standin.ca_path),
        )
        jobs = build_context(via_standin, db=db, with_extraction=extract)
        report = sync_mailboxes(db, jobs.graph, tenant_id=company.tenant_id,
                                user_ids=user_ids, options=SyncOptions(),
                                extract=jobs.extract, progress=progress)
    if report.errors:
        raise StorylineError("sample sync did not finish: " + "; ".join(report.errors[:3]))
    return summary | {"pages": report.pages, "stored": report.stored,
                      "already_known": report.duplicates, "skipped": report.skipped}
