"""What a seller changes from the task pane: deal stages, commitments, suppressions."""

from __future__ import annotations

import re
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import BadRequest, Conflict, NotFound

from .identity import is_public_suffix, normalize_address, registrable_domain
from .models import (
    COMMITMENT_STATUSES,
    DEAL_STAGES,
    AuditEvent,
    Commitment,
    Deal,
    DealInteraction,
    DealStageChange,
    Interaction,
    Suppression,
    utcnow,
)
from .models.deals import DraftChoice, normalise_promise, promise_text_key

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")

def set_deal_stage(session: Session, *, tenant_id: uuid.UUID, deal_id: uuid.UUID, stage: str,
                   actor: uuid.UUID | None) -> Deal:
    """Moves a deal to ``stage`` and records the change in its history."""
    if stage not in DEAL_STAGES:
        raise BadRequest(f"stage must be one of {', '.join(DEAL_STAGES)}", code="invalid_stage")
    deal = session.get(Deal, (tenant_id, deal_id))
    if deal is None:
        raise NotFound("no deal with that id")
    if deal.stage != stage:
        now = utcnow()
        session.add(DealStageChange(tenant_id=tenant_id, deal_id=deal.id, from_stage=deal.stage,
                                    to_stage=stage, changed_at=now, changed_by=actor))
        deal.stage, deal.stage_changed_at = stage, now
    session.flush()
    return deal


def link_deal(session: Session, *, tenant_id: uuid.UUID, deal_id: uuid.UUID,
              interaction_id: uuid.UUID) -> None:
    """Links an email or meeting to a deal (idempotent)."""
    if session.get(Deal, (tenant_id, deal_id)) is None:
        raise NotFound("no deal with that id")
    if session.get(Interaction, (tenant_id, interaction_id)) is None:
        raise NotFound("no interaction with that id")
    if session.get(DealInteraction, (tenant_id, deal_id, interaction_id)) is None:
        session.add(DealInteraction(tenant_id=tenant_id, deal_id=deal_id,
                                    interaction_id=interaction_id))
        session.flush()


KEEP = object()  # update_commitment's "leave the due date as it is"
DUE_PAST_DAYS, DUE_FUTURE_DAYS = 366, 5 * 366  # how far from today a due date may be set


def check_due_on(due_on: date, today: date) -> None:
    """Refuses a due date a seller cannot mean (over a year back, over five years ahead)."""
    if not -DUE_PAST_DAYS <= (due_on - today).days <= DUE_FUTURE_DAYS:
        raise BadRequest("due_on must be a date within a year before today and five years "
                         "after it (null clears it)", code="invalid_due_on")


def update_commitment(session: Session, *, tenant_id: uuid.UUID, commitment_id: uuid.UUID,
                      status: str | None = None, snoozed_until: date | None = None,
                      due_on: date | None | object = KEEP, shown: bool | None = None,
                      actor: uuid.UUID | None = None) -> Commitment:
    """Marks a commitment done / cancelled (dismissed) / open again, snoozes it, sets or
    clears its due date (``due_on``; None clears), or tracks a suggestion (``shown``). A date
    set here is the seller's: later extraction never overwrites it (``due_set_by_seller``).

    A seller's answer to a suggestion (one not shown by default) is kept as the tenant's
    label (``commitment.label``): "Track it" (``shown=True``) or "Not a promise" (dismissed).

    Reopening sets ``reopened_at`` (auto-close then only counts mail after it) and clears
    what closed it; an auto-close undone is kept in the audit trail with its evidence.
    """
    c = session.get(Commitment, (tenant_id, commitment_id))
    if c is None:
        raise NotFound("no commitment with that id")
    if shown and status == "cancelled":
        raise BadRequest("track a suggestion or dismiss it, not both", code="invalid_request")
    suggestion, was = not c.shown, c.status
    if due_on is not KEEP:
        if due_on is not None and not isinstance(due_on, date):
            raise BadRequest("due_on must be a date (YYYY-MM-DD) or null", code="invalid_due_on")
        if due_on is not None:
            check_due_on(due_on, utcnow().date())
        c.due_on, c.due_set_by_seller = due_on, True
    if status is not None:
        if status not in COMMITMENT_STATUSES:
            raise BadRequest(f"status must be one of {', '.join(COMMITMENT_STATUSES)}",
                             code="invalid_status")
        if status == "open" and c.status != "open":
            _reopen(session, c, actor)
        elif status == "done" and c.status != "done":
            c.closed_how, c.closed_by_interaction_id, c.closed_evidence = "seller", None, None
        c.status = status
        c.completed_at = utcnow() if status == "done" else None
    if snoozed_until is not None:
        if snoozed_until <= utcnow().date():
            raise BadRequest("snooze until a future date")
        c.snoozed_until = snoozed_until
    if suggestion:
        _label(session, c, shown, status if status != was else None, actor)
    if shown is not None:
        c.shown = shown
    session.flush()
    return c


def _label(session: Session, c: Commitment, shown: bool | None, status: str | None,
           actor: uuid.UUID | None) -> None:
    """The seller's answer to a suggestion (``status``: the status it moved to, if any), kept
    as a label of the tenant's: ``track`` or ``not_a_promise``, with what the extraction said
    (kind, side, confidence). Ids only, never the sentence: the commitment row holds that,
    and erasure removes it there."""
    if shown:
        label = "track"
    elif status == "cancelled":
        label = "not_a_promise"
    else:
        return
    session.add(AuditEvent(tenant_id=c.tenant_id, actor_user_id=actor, action="commitment.label",
                           details={"commitment_id": str(c.id), "label": label, "kind": c.kind,
                                    "side": c.side, "confidence": c.confidence}))


def _reopen(session: Session, c: Commitment, actor: uuid.UUID | None) -> None:
    """Open again: from now on only later mail may close it; the auto-close undone stays
    in the audit trail (``commitment.reopen``)."""
    if c.closed_how == "auto":
        session.add(AuditEvent(tenant_id=c.tenant_id, actor_user_id=actor,
                               action="commitment.reopen", details={
                                   "commitment_id": str(c.id),
                                   "closed_by_interaction_id": str(c.closed_by_interaction_id),
                                   "closed_evidence": c.closed_evidence}))
    c.reopened_at = utcnow()
    c.closed_how = c.closed_by_interaction_id = c.closed_evidence = None


def add_suppression(session: Session, *, tenant_id: uuid.UUID, value: str,
                    user_id: uuid.UUID | None, actor: uuid.UUID | None,
                    reason: str = "") -> Suppression:
    """Never track an address (``jane@x.com``) or a domain (``x.com``), for the tenant or
    one user; new mail is skipped. (``suppressions.block`` also purges what was recorded.)"""
    raw = value.strip().lower()
    if "@" in raw:
        kind, norm = "address", normalize_address(raw)
    else:
        # a domain that could never match a sender ("...", ".co.uk", a bare public suffix)
        # would be accepted and silently do nothing: refuse it
        if not _DOMAIN.fullmatch(raw) or len(raw) > 253 or is_public_suffix(raw):
            raise BadRequest("give an email address or a domain such as example.com",
                             code="invalid_suppression")
        kind, norm = "domain", registrable_domain(raw)
    exists = session.scalar(sa.select(Suppression).where(
        Suppression.tenant_id == tenant_id, Suppression.value == norm,
        Suppression.user_id.is_(None) if user_id is None else Suppression.user_id == user_id,
    ))
    if exists is not None:
        raise Conflict("that address or domain is already suppressed")
    sup = Suppression(tenant_id=tenant_id, kind=kind, value=norm, user_id=user_id,
                      created_by=actor, reason=reason[:200])
    session.add(sup)
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="suppression.add",
                           details={"kind": kind, "value": norm,
                                    "scope": "user" if user_id else "tenant"}))
    session.info.pop("identity_contexts", None)
    session.flush()
    return sup


def choose_in_draft(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID, text: str,
                    choice: str) -> tuple[DraftChoice, bool]:
    """Keeps a seller's "Track it" / "Not a promise" for a promise sentence in a draft (a
    later choice for the same sentence replaces the earlier one); commits. Gives the row and
    whether it is new."""
    if not normalise_promise(text):
        raise BadRequest("text: the promise's words are required", code="invalid_request")
    key = promise_text_key(text)
    find = sa.select(DraftChoice).where(
        DraftChoice.tenant_id == tenant_id, DraftChoice.user_id == user_id,
        DraftChoice.text_hash == key)
    row = session.scalar(find)
    created = row is None
    if row is None:
        row = DraftChoice(tenant_id=tenant_id, user_id=user_id, text_hash=key, choice=choice,
                          created_at=utcnow())
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # the same choice posted twice at once: replace the other
            session.rollback()
            row, created = session.scalars(find).one(), False
    if not created:
        row.choice, row.created_at = choice, utcnow()
        session.commit()
    return row, created
