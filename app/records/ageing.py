"""Ageing of promises and requests: one with no due date is "stale" once it is older than the
tenant's limit (``Tenant.stale_promise_days``, else ``STORYLINE_STALE_PROMISE_DAYS``, 14).

A stale item is not overdue (nothing says when it was due) and so leaves the overdue list;
the story lists it apart, asking the seller to set a due date or close it. Its age counts
from the mail it was found in, not from when it was recorded: a backfill records half a
year of promises on one day.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import STALE_PROMISE_DAYS
from app.errors import BadRequest, NotFound

from .models import Tenant

DEFAULT_STALE_DAYS = 14
MIN_STALE_DAYS, MAX_STALE_DAYS = 1, 365


def default_stale_days(session: Session) -> int:
    """The settings' default (carried on the session), 14 when the session has none."""
    return int(session.info.get(STALE_PROMISE_DAYS, DEFAULT_STALE_DAYS))


def stale_days(session: Session, *, tenant_id: uuid.UUID, default: int | None = None) -> int:
    """The tenant's limit: its admin's choice, else ``default`` (the settings' default, from
    the session when not given)."""
    chosen = session.scalar(sa.select(Tenant.stale_promise_days).where(Tenant.id == tenant_id))
    if chosen is not None and chosen > 0:
        return int(chosen)
    return default if default is not None else default_stale_days(session)


def set_stale_days(session: Session, *, tenant_id: uuid.UUID, days: int | None) -> int:
    """Sets the tenant's limit (None: back to the settings' default); gives the one that
    applies now. Refuses a number outside 1 to 365."""
    if days is not None and (isinstance(days, bool) or not MIN_STALE_DAYS <= days
                             <= MAX_STALE_DAYS):
        raise BadRequest(f"stale_promise_days must be a number of days from {MIN_STALE_DAYS} "
                         f"to {MAX_STALE_DAYS}, or null for the default",
                         code="invalid_stale_promise_days")
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    tenant.stale_promise_days = days
    session.flush()
    return days if days is not None else default_stale_days(session)


def age_days(made_on: date, today: date) -> int:
    """Whole days since the promise was made (never negative)."""
    return max(0, (today - made_on).days)


def is_stale(*, due_on: date | None, status: str, made_on: date, today: date,
             limit: int) -> bool:
    """True for an open item with no due date made more than ``limit`` days ago."""
    return due_on is None and status == "open" and age_days(made_on, today) > limit
