"""Deals that need their owner's attention: gone cold (no two-way touch with the account for
a while, or far longer in their stage than the tenant's deals usually stay there) or hanging
on one person (only one customer contact engaged lately). Pure queries; see attention.py."""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .attention_types import AttentionItem, AttentionOptions, day_label, names, seller
from .models import Contact, Deal, DealStage, DealStageChange, Interaction, Participant
from .models.deals import OPEN_STAGES
from .visibility import Viewer

MIN_STAGE_SAMPLES = 5  # completed stays in a stage before the tenant's median means anything


def stage_medians(session: Session, *, tenant_id: uuid.UUID) -> dict[str, timedelta]:
    """Per open stage, the tenant's median time a deal stayed in it before moving on, from
    the stage history (only stays that ended); a stage with fewer than
    :data:`MIN_STAGE_SAMPLES` such stays has no median, so no deal is "slow" in it."""
    stays: dict[str, list[timedelta]] = {}
    previous: DealStageChange | None = None
    for change in session.scalars(sa.select(DealStageChange).where(
            DealStageChange.tenant_id == tenant_id)
            .order_by(DealStageChange.deal_id, DealStageChange.changed_at)):
        if previous is not None and previous.deal_id == change.deal_id \
                and previous.to_stage in OPEN_STAGES:
            stays.setdefault(previous.to_stage, []).append(
                change.changed_at - previous.changed_at)
        previous = change
    return {stage: timedelta(seconds=statistics.median(t.total_seconds() for t in times))
            for stage, times in stays.items() if len(times) >= MIN_STAGE_SAMPLES}


def _touches(session: Session, tenant_id: uuid.UUID, accounts: set[uuid.UUID],
             now: datetime) -> dict[uuid.UUID, tuple[datetime | None, datetime | None]]:
    """Per account, its last inbound and last outbound touch until ``now`` (a meeting that
    took place counts as both)."""
    out: dict[uuid.UUID, tuple[datetime | None, datetime | None]] = {}
    for account_id, kind, direction, last in session.execute(
            sa.select(Interaction.account_id, Interaction.kind, Interaction.direction,
                      sa.func.max(Interaction.occurred_at))
            .where(Interaction.tenant_id == tenant_id, Interaction.account_id.in_(accounts),
                   Interaction.deleted_at.is_(None), Interaction.cancelled.is_(False),
                   Interaction.occurred_at <= now)
            .group_by(Interaction.account_id, Interaction.kind, Interaction.direction)):
        if account_id is None:
            continue
        last_in, last_out = out.get(account_id, (None, None))
        if kind == "meeting" or direction == "inbound":
            last_in = max(filter(None, (last_in, last)))
        if kind == "meeting" or direction == "outbound":
            last_out = max(filter(None, (last_out, last)))
        out[account_id] = (last_in, last_out)
    return out


def _engaged(session: Session, tenant_id: uuid.UUID, account_id: uuid.UUID,
             since: datetime, now: datetime) -> set[uuid.UUID]:
    """The customer contacts (merges followed) on mail or meetings with the account between
    ``since`` and ``now``."""
    person = sa.func.coalesce(Contact.merged_into, Contact.id)
    return set(session.scalars(
        sa.select(person).distinct()
        .select_from(Participant)
        .join(Interaction, sa.and_(Interaction.tenant_id == Participant.tenant_id,
                                   Interaction.id == Participant.interaction_id))
        .join(Contact, sa.and_(Contact.tenant_id == Participant.tenant_id,
                               Contact.id == Participant.contact_id))
        .where(Participant.tenant_id == tenant_id, Participant.role != "bcc",
               Interaction.account_id == account_id, Interaction.deleted_at.is_(None),
               Interaction.cancelled.is_(False), Interaction.occurred_at >= since,
               Interaction.occurred_at <= now)))


def _days(delta: timedelta) -> int:
    return max(0, delta.days)


def deals_needing_attention(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                            now: datetime, options: AttentionOptions) -> list[AttentionItem]:
    """The seller's open deals that need them, at most one item per rule and deal:

    - ``deal_cold``: no two-way touch (both a mail from the customer and one to them, or a
      meeting) with the account for ``cold_days``, on a deal older than that; or in its
      stage for more than ``stage_age_factor`` x the tenant's median stay there
      (:func:`stage_medians`);
    - ``single_threaded``: on a deal open at least ``single_thread_days``, exactly one
      customer contact was on mail or meetings with the account in those days.
    """
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    deals = session.scalars(sa.select(Deal).where(
        Deal.tenant_id == tenant_id, Deal.owner_user_id == user_id,
        Deal.stage.in_(OPEN_STAGES)).order_by(Deal.created_at)).all()
    if not deals:
        return []
    touches = _touches(session, tenant_id, {d.account_id for d in deals}, now)
    medians = stage_medians(session, tenant_id=tenant_id)
    engaged = {d.id: _engaged(session, tenant_id, d.account_id,
                              now - timedelta(days=options.single_thread_days), now)
               for d in deals if d.created_at <= now - timedelta(days=options.single_thread_days)}
    single = {d: next(iter(people)) for d, people in engaged.items() if len(people) == 1}
    accounts, contacts = names(session, tenant_id, {d.account_id for d in deals},
                               set(single.values()))
    viewer = Viewer.load(session, tenant_id=tenant_id, user_id=user_id)
    out: list[AttentionItem] = []
    for d in deals:
        account = accounts.get(d.account_id, "the account")
        base = {"deal": d.name, "stage": d.stage, "account": account}
        cold = _cold(d, touches.get(d.account_id, (None, None)), now, options, medians)
        if cold is not None:
            key, reason, facts = cold
            out.append(AttentionItem(
                kind="deal_cold", dedupe_key=key, subject_id=d.id, account_id=d.account_id,
                account_name=account, contact_id=None, contact_name=None, title=d.name,
                reason=f"{d.name} ({account}): {reason}", evidence={**base, **facts},
                occurred_at=d.stage_changed_at))
        person = single.get(d.id)
        if person is not None and viewer.sees_contact(person) and contacts.get(person):
            name = contacts[person]
            out.append(AttentionItem(
                kind="single_threaded", dedupe_key=f"single_threaded:{d.id}:{person}",
                subject_id=d.id, account_id=d.account_id, account_name=account,
                contact_id=person, contact_name=name, title=d.name,
                reason=(f"{d.name} ({account}) hangs on one person: only {name} has been on "
                        f"mail or meetings with us in the last {options.single_thread_days} "
                        "days."),
                evidence={**base, "contact": name, "days": options.single_thread_days,
                          "engaged_contacts": 1},
                occurred_at=d.created_at))
    return out


def _cold(deal: Deal, touch: tuple[datetime | None, datetime | None], now: datetime,
          options: AttentionOptions, medians: dict[str, timedelta],
          ) -> tuple[str, str, dict[str, object]] | None:
    """Why the deal is cold (its dedupe key, the reason, the facts), or None."""
    last_in, last_out = touch
    two_way = min(last_in, last_out) if last_in and last_out else None
    window = timedelta(days=options.cold_days)
    facts: dict[str, object] = {
        "last_inbound_at": last_in.isoformat() if last_in else None,
        "last_outbound_at": last_out.isoformat() if last_out else None}
    if deal.created_at <= now - window and (two_way is None or two_way < now - window):
        since = two_way or deal.created_at
        days = _days(now - since)
        if two_way is None:
            reason = f"no mail both ways with them since the deal was opened {days} days ago."
        else:
            heard = day_label(last_in.date()) if last_in else "never"
            wrote = day_label(last_out.date()) if last_out else "never"
            reason = (f"no two-way touch for {days} days (last heard from them {heard}, "
                      f"last wrote to them {wrote}).")
        return (f"deal_cold:{deal.id}:{since.date().isoformat()}", reason,
                {**facts, "rule": "no_two_way_touch", "days": days,
                 "cold_days": options.cold_days})
    median = medians.get(deal.stage)
    age = now - deal.stage_changed_at
    if median is not None and median.total_seconds() > 0 \
            and age > median * options.stage_age_factor:
        label = DealStage(deal.stage).label
        return (f"deal_cold:{deal.id}:stage:{deal.stage}:"
                f"{deal.stage_changed_at.date().isoformat()}",
                f"{_days(age)} days in {label}, over {options.stage_age_factor:g}x the "
                f"usual {_days(median) or 1} days deals stay in that stage.",
                {**facts, "rule": "stage_age", "days_in_stage": _days(age),
                 "median_days": _days(median), "factor": options.stage_age_factor})
    return None
