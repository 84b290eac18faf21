"""Typed story values (:mod:`.story_types`) from ORM objects and from the story's rows, which
are read by column name (the labels of :mod:`.story_sql`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .ageing import DEFAULT_STALE_DAYS, age_days, is_stale
from .models import Account, AccountDomain, Commitment, Contact, Deal, Signal
from .story_types import (
    AccountCard,
    ClosedBy,
    CommitmentItem,
    ContactCard,
    DealItem,
    SignalItem,
    Span,
    StageChange,
    StoryContact,
    TimelineItem,
)


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def contact(c: Contact, addresses: Iterable[str]) -> ContactCard:
    """A contact card."""
    return ContactCard(
        id=str(c.id), name=c.display_name, title=c.title, phone=c.phone, company=c.company,
        account_id=_text(c.account_id), addresses=list(addresses),
        merged_into=_text(c.merged_into), interaction_count=c.interaction_count,
        last_activity_at=c.last_activity_at, evidence=c.evidence or {})


def _card_fields(row: Any, addresses: Iterable[str]) -> dict[str, Any]:
    return dict(
        id=row.id, name=row.display_name, title=row.title, phone=row.phone,
        company=row.company, account_id=row.account_id or None, addresses=list(addresses),
        merged_into=row.merged_into or None, interaction_count=row.interaction_count,
        last_activity_at=row.last_activity_at, evidence=row.evidence or {})


def contact_row(row: Any, addresses: Iterable[str]) -> ContactCard:
    """A contact card from a ``CONTACT_BY_*`` or ``ALIKE`` row (ids already text)."""
    return ContactCard(**_card_fields(row, addresses))


def story_contact_row(row: Any, addresses: Iterable[str], *, merged_from: list[str],
                      merge_suggestions: list[ContactCard]) -> StoryContact:
    """The story's contact card from its ``CONTACT_BY_*`` row, with merges and look-alikes."""
    return StoryContact(**_card_fields(row, addresses), merged_from=merged_from,
                        merge_suggestions=merge_suggestions)


def account(session: Session, tenant_id: uuid.UUID, a: Account) -> AccountCard:
    """An account with its domains."""
    domains = session.scalars(
        sa.select(AccountDomain.domain).where(
            AccountDomain.tenant_id == tenant_id, AccountDomain.account_id == a.id
        ).order_by(AccountDomain.domain)
    ).all()
    return AccountCard(id=str(a.id), name=a.name, domains=list(domains),
                       interaction_count=a.interaction_count, last_activity_at=a.last_activity_at)


def interaction_row(row: Any, team: list[str], function: str | None = None) -> TimelineItem:
    """A timeline entry from a ``story_sql.TIMELINE`` row."""
    return TimelineItem(
        id=row.id, kind=row.kind, direction=row.direction, subject=row.subject,
        snippet=row.snippet, occurred_at=row.occurred_at, ends_at=row.ends_at,
        thread_id=row.thread_id, from_=row.from_address, team=team,
        cancelled=bool(row.cancelled), function=function)


def _overdue(due_on: date | None, status: str, snoozed_until: date | None, today: date) -> bool:
    snoozed = snoozed_until is not None and snoozed_until > today
    return bool(due_on and due_on < today and status == "open" and not snoozed)


def _ageing(due_on: date | None, status: str, made_at: datetime, today: date,
            limit: int) -> dict[str, Any]:
    made_on = made_at.date()
    return {"age_days": age_days(made_on, today),
            "stale": is_stale(due_on=due_on, status=status, made_on=made_on, today=today,
                              limit=limit)}


def commitment(c: Commitment, subject: str | None, today: date, *,
               closed_by: ClosedBy | None = None, made_at: datetime | None = None,
               stale_after: int = DEFAULT_STALE_DAYS) -> CommitmentItem:
    """A promise or request, with its overdue and stale flags (its age counts from
    ``made_at``, the mail it came from, else from when it was recorded), and what closed
    it, when given."""
    return CommitmentItem(
        id=str(c.id), kind=c.kind, side=c.side, action=c.action, text=c.text,
        evidence=Span(start=c.evidence_start, end=c.evidence_end), due_on=c.due_on,
        status=c.status, overdue=_overdue(c.due_on, c.status, c.snoozed_until, today),
        snoozed_until=c.snoozed_until, interaction_id=_text(c.interaction_id),
        source_subject=subject, created_at=c.created_at, confidence=c.confidence,
        shown=c.shown, closed_by=closed_by, completed_at=c.completed_at,
        **_ageing(c.due_on, c.status, made_at or c.created_at, today, stale_after))


def closed_commitment_row(row: Any, today: date, *,
                          stale_after: int = DEFAULT_STALE_DAYS) -> CommitmentItem:
    """A commitment a later interaction closed, from a ``CLOSED_COMMITMENTS`` row."""
    item = commitment_row(row, today, stale_after=stale_after)
    closed = ClosedBy(interaction_id=row.closed_by_interaction_id or None,
                      subject=row.closed_subject, occurred_at=row.closed_at,
                      evidence=row.closed_evidence, how=row.closed_how or "auto")
    return replace(item, closed_by=closed, completed_at=row.completed_at)


def commitment_row(row: Any, today: date, *,
                   stale_after: int = DEFAULT_STALE_DAYS) -> CommitmentItem:
    """A promise or request, with its overdue and stale flags, from a ``COMMITMENTS`` row."""
    return CommitmentItem(
        id=row.id, kind=row.kind, side=row.side, action=row.action, text=row.text,
        evidence=Span(start=row.evidence_start, end=row.evidence_end), due_on=row.due_on,
        status=row.status, overdue=_overdue(row.due_on, row.status, row.snoozed_until, today),
        snoozed_until=row.snoozed_until, interaction_id=row.interaction_id or None,
        source_subject=row.subject, created_at=row.created_at,
        owner_function=row.owner_function, confidence=row.confidence, shown=row.shown,
        **_ageing(row.due_on, row.status, row.made_at or row.created_at, today, stale_after))


def signal(s: Signal) -> SignalItem:
    """A deal signal with its evidence."""
    return SignalItem(
        id=str(s.id), kind=s.kind, value=s.value, text=s.text,
        evidence=Span(start=s.evidence_start, end=s.evidence_end), confidence=s.confidence,
        occurred_at=s.occurred_at, interaction_id=_text(s.interaction_id), shown=s.shown)


def signal_row(row: Any) -> SignalItem:
    """A deal signal with its evidence, from a ``SIGNALS`` row."""
    return SignalItem(
        id=row.id, kind=row.kind, value=row.value, text=row.text,
        evidence=Span(start=row.evidence_start, end=row.evidence_end),
        confidence=row.confidence, occurred_at=row.occurred_at,
        interaction_id=row.interaction_id or None, shown=row.shown)


def deal(d: Deal, now: datetime, two_way: datetime | None, court: str | None,
         history: list[StageChange], owner_name: str | None) -> DealItem:
    """A deal with its age in stage, last two-way touch and whose court the ball is in."""
    return DealItem(
        id=str(d.id), name=d.name, stage=d.stage,
        amount=str(d.amount) if d.amount is not None else None, currency=d.currency,
        close_date=d.close_date, owner=owner_name,
        days_in_stage=max(0, (now - d.stage_changed_at).days),
        last_two_way_touch=two_way, ball_in_court=court, stage_history=history)


def deal_row(row: Any, now: datetime, two_way: datetime | None, court: str | None,
             history: list[StageChange]) -> DealItem:
    """A deal from a ``DEALS`` row (with the owner's name)."""
    return DealItem(
        id=row.id, name=row.name, stage=row.stage,
        amount=str(row.amount) if row.amount is not None else None, currency=row.currency,
        close_date=row.close_date, owner=row.owner,
        days_in_stage=max(0, (now - row.stage_changed_at).days),
        last_two_way_touch=two_way, ball_in_court=court, stage_history=history)
