"""The nudge round: for every seller, what needs their attention (app/records/attention.py)
becomes a Teams activity notice, sent once, with why and a link to the story.

Each item is claimed first as a unique ``nudges`` row (tenant, seller, dedupe key), so a
second round, or a second worker, never finds it new again; its notice goes through the one
delivery path of prep cards and handoffs (a ``PrepDelivery`` row of kind ``nudge`` claimed
before Graph is called, :func:`app.prep.deliver.send_notice`). Notices go only in the
seller's working hours on their own clock (weekdays, ``STORYLINE_NUDGE_HOURS``) and at most
``STORYLINE_NUDGE_DAILY_CAP`` a local day, most urgent first: the rest are ``held`` and go
in a later round. A notice Graph refused is retried next round. A nudge whose reason went
away before it was sent (the promise was kept, the mail answered) is dropped unsent.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import Database
from app.graph import teams
from app.graph.service import Graph
from app.records.attention import (
    URGENCY,
    AttentionItem,
    AttentionOptions,
    attention_for,
)
from app.records.models import User, utcnow
from app.settings import ALWAYS, Settings, nudge_window

from .cards import NUDGE_LABELS, nudge_card
from .deliver import send_notice
from .gather import zone
from .models import Nudge, PrepDelivery
from .schedule import (
    PrepOptions,
    attention_options,
    chain_id,
    local_day_bounds,
    prep_options,
    story_link,
    tenant_ids,
)
from .text import clip
from .types import NudgePrep

log = logging.getLogger(__name__)
ACTIVITY = "sellerNudge"
PENDING = ("open", "held")


@dataclass(frozen=True, kw_only=True)
class NudgeOptions:
    """The rules' thresholds, the working hours (None: nudges are off), the daily cap, the
    Snooze button's length and where links lead."""

    attention: AttentionOptions = field(default_factory=AttentionOptions)
    hours: tuple[time, time] | None = (time(8), time(18))
    daily_cap: int = 5
    snooze: timedelta = timedelta(hours=24)
    prep: PrepOptions = field(default_factory=PrepOptions)


def nudge_options(settings: Settings) -> NudgeOptions:
    """The nudge round's options from the settings."""
    return NudgeOptions(attention=attention_options(settings),
                        hours=nudge_window(settings.nudge_hours),
                        daily_cap=settings.nudge_daily_cap,
                        snooze=timedelta(hours=settings.nudge_snooze_hours),
                        prep=prep_options(settings))


@dataclass
class NudgeReport:
    """What one round did: new nudges found, notices sent, Graph failures (retried next
    round), nudges held for working hours or the cap, unsent ones dropped because their
    reason went away, and sellers or tenants whose round failed (logged)."""

    found: int = 0
    sent: int = 0
    failed: int = 0
    held: int = 0
    dropped: int = 0
    errors: int = 0

    def add(self, other: NudgeReport) -> NudgeReport:
        """The sum of two reports."""
        return NudgeReport(**{k: v + getattr(other, k) for k, v in asdict(self).items()})


def in_working_hours(now: datetime, time_zone: str | None,
                     hours: tuple[time, time]) -> bool:
    """True on a weekday between the working hours' start and end on the seller's clock
    (any moment at all for ``STORYLINE_NUDGE_HOURS=always``)."""
    if hours == ALWAYS:
        return True
    local = now.astimezone(zone(time_zone))
    return local.weekday() < 5 and hours[0] <= local.time().replace(tzinfo=None) < hours[1]


def _claim_new(db: Database, tenant_id: uuid.UUID, user_id: uuid.UUID,
               items: list[AttentionItem], options: NudgeOptions) -> tuple[int, int]:
    """Inserts a nudge row for each item not claimed before; gives (new, failed items)."""
    with db.session() as session:
        known = set(session.scalars(sa.select(Nudge.dedupe_key).where(
            Nudge.tenant_id == tenant_id, Nudge.user_id == user_id,
            Nudge.dedupe_key.in_([i.dedupe_key for i in items]))))
    new = errors = 0
    for item in items:
        if item.dedupe_key in known:
            continue
        try:
            with db.session() as session:
                session.add(Nudge(
                    tenant_id=tenant_id, id=uuid.uuid4(), user_id=user_id, kind=item.kind,
                    dedupe_key=item.dedupe_key[:160], subject_id=item.subject_id,
                    account_id=item.account_id, reason=clip(item.reason, 300),
                    evidence={**item.evidence, "title": item.title,
                              "account": item.account_name, "contact": item.contact_name},
                    link=story_link(options.prep, item)[:500], status="open"))
            new += 1
        except IntegrityError:
            continue  # another worker claimed it meanwhile
        except Exception:  # noqa: BLE001 - one bad item must not cost the seller the rest
            log.exception("nudge %s could not be claimed", item.dedupe_key)
            errors += 1
    return new, errors


def _delivery(db: Database, nudge: Nudge, card: dict[str, Any],
              now: datetime) -> uuid.UUID | None:
    """Claims the delivery of one notice: the failed one again, or a new row (keyed by the
    snooze it comes back from, so a snoozed nudge goes once more); None if taken."""
    try:
        with db.session() as session:
            if nudge.delivery_id is not None:
                retried = session.execute(sa.update(PrepDelivery).where(
                    PrepDelivery.tenant_id == nudge.tenant_id,
                    PrepDelivery.id == nudge.delivery_id, PrepDelivery.status == "failed")
                    .values(status="sending", card=card, error=None))
                if retried.rowcount == 1:  # type: ignore[attr-defined]
                    return nudge.delivery_id
            key = f"nudge:{nudge.id}"
            if nudge.sent_at is not None and nudge.snoozed_until is not None:
                key += f":{nudge.snoozed_until:%Y%m%dT%H%M}"
            row = PrepDelivery(
                tenant_id=nudge.tenant_id, id=uuid.uuid4(), user_id=nudge.user_id,
                kind="nudge", meeting_id=None, dedupe_key=key, scheduled_for=now,
                status="sending", card=card,
                chain_id=chain_id(nudge.tenant_id, nudge.user_id, "nudge", nudge.id))
            session.add(row)
            session.flush()
            session.execute(sa.update(Nudge).where(
                Nudge.tenant_id == nudge.tenant_id, Nudge.id == nudge.id)
                .values(delivery_id=row.id))
            return row.id
    except IntegrityError:
        return None


def _send(db: Database, graph: Graph, user: User, nudge: Nudge, now: datetime,
          options: NudgeOptions) -> str:
    evidence = dict(nudge.evidence or {})
    prep = NudgePrep(id=str(nudge.id), kind=nudge.kind, title=str(evidence.get("title") or ""),
                     reason=nudge.reason, evidence=evidence,
                     account_name=evidence.get("account"), contact_name=evidence.get("contact"),
                     story_url=nudge.link or None,
                     snooze_hours=int(options.snooze.total_seconds() // 3600))
    card = nudge_card(prep)
    delivery_id = _delivery(db, nudge, card, now)
    if delivery_id is None:
        return "skipped"
    label = NUDGE_LABELS.get(nudge.kind, nudge.kind)
    notice = teams.ActivityNotice(
        user=str(user.oid) if user.oid else user.email, activity_type=ACTIVITY,
        topic="Storyline", web_url=nudge.link or f"{options.prep.links.base_url}/teams/tab",
        preview=clip(nudge.reason, 150),
        chain_id=chain_id(nudge.tenant_id, nudge.user_id, "nudge", nudge.id),
        parameters={"kind": label, "title": clip(prep.title or label, 80)})
    if not send_notice(db, graph, nudge.tenant_id, delivery_id, notice):
        return "failed"
    with db.session() as session:
        session.execute(sa.update(Nudge).where(
            Nudge.tenant_id == nudge.tenant_id, Nudge.id == nudge.id)
            .values(status="sent", sent_at=now, snoozed_until=None))
    return "sent"


def _due(session: Any, tenant_id: uuid.UUID, user_id: uuid.UUID,
         now: datetime) -> list[Nudge]:
    """The seller's nudges waiting to go: new, held, or back from a snooze that ended."""
    return list(session.scalars(sa.select(Nudge).where(
        Nudge.tenant_id == tenant_id, Nudge.user_id == user_id,
        sa.or_(Nudge.status.in_(PENDING),
               sa.and_(Nudge.status == "snoozed", Nudge.snoozed_until <= now)))))


def seller_round(db: Database, graph: Graph, user: User, now: datetime,
                 options: NudgeOptions) -> NudgeReport:
    """One seller's round: claims what needs them now, drops unsent nudges whose reason went
    away, and sends what working hours and the daily cap allow, most urgent first."""
    assert options.hours is not None
    report = NudgeReport()
    tenant_id, user_id = user.tenant_id, user.id
    with db.session() as session:
        attention = options.attention.for_tenant(session, tenant_id)
        items = attention_for(session, tenant_id=tenant_id, user_id=user_id, now=now,
                              options=attention)
    report.found, report.errors = _claim_new(db, tenant_id, user_id, items, options)
    current = {i.dedupe_key for i in items}
    start, end = local_day_bounds(now.astimezone(zone(user.time_zone)).date(),
                                  zone(user.time_zone))
    with db.session() as session:
        waiting = []
        for n in _due(session, tenant_id, user_id, now):
            if n.dedupe_key in current:
                waiting.append(n)
            else:
                session.delete(n)
                report.dropped += 1
        sent_today = session.scalar(sa.select(sa.func.count()).select_from(Nudge).where(
            Nudge.tenant_id == tenant_id, Nudge.user_id == user_id,
            Nudge.sent_at >= start, Nudge.sent_at < end)) or 0
        waiting.sort(key=lambda n: (URGENCY.get(n.kind, 9), n.created_at))
        room = max(0, options.daily_cap - sent_today) \
            if in_working_hours(now, user.time_zone, options.hours) else 0
        going, held = waiting[:room], waiting[room:]
        for n in held:
            n.status = "held"
        report.held = len(held)
        session.flush()
        session.expunge_all()
    for n in going:
        outcome = _send(db, graph, user, n, now, options)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "failed":
            report.failed += 1
    return report


def send_nudges(db: Database, graph: Graph, now: datetime | None = None, *,
                options: NudgeOptions | None = None) -> NudgeReport:
    """The nudge round for every tenant and seller (not team mailboxes, not paused). One
    seller's or tenant's failure is logged and counted and never stops the others."""
    now, options = now or utcnow(), options or NudgeOptions()
    report = NudgeReport()
    if options.hours is None:  # STORYLINE_NUDGE_HOURS=off
        return report
    with db.session() as session:
        tenants = tenant_ids(session)
    for tenant_id in tenants:
        try:
            with db.session() as session:
                sellers = list(session.scalars(sa.select(User).where(
                    User.tenant_id == tenant_id, User.sync_enabled.is_(True),
                    User.team_mailbox.is_(False)).order_by(User.email)))
                session.expunge_all()
        except Exception:  # noqa: BLE001 - one tenant must not stop the others
            log.exception("nudge round: tenant %s could not be read", tenant_id)
            report.errors += 1
            continue
        for user in sellers:
            try:
                report = report.add(seller_round(db, graph, user, now, options))
            except Exception:  # noqa: BLE001 - one seller must not stop the others
                log.exception("nudge round: seller %s of tenant %s failed", user.id, tenant_id)
                report.errors += 1
    return report
