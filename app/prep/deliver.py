"""The delivery jobs: plain functions the inline scheduler or Celery beat calls every few
minutes (``run_prep`` does all three; each is safe to call as often as wanted).

Each delivery is claimed in the log (a unique row, committed) before Graph is called, so two
workers never both send it; a card that failed is retried on later runs until its meeting
starts, under the same Teams ``chainId``, so even a retry after a lost answer replaces the
first notice in the seller's feed rather than adding a second.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import Database
from app.errors import NotFound
from app.graph import teams
from app.graph.errors import GraphError
from app.graph.service import Graph
from app.records.identity import normalize_address
from app.records.models import User, utcnow

from . import narrative
from .cards import action_digest_card, digest_card, prep_card
from .gather import gather_prep
from .models import PrepDelivery
from .schedule import (
    DueCard,
    DueDigest,
    PrepOptions,
    due_cancellations,
    due_cards,
    due_digests,
    next_digests,
    story_link,
    tenant_ids,
)
from .text import clip, when
from .types import DayDigest, DigestAction, DigestEntry

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one run did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker meanwhile
    cancelled: int = 0

    def add(self, other: DeliveryReport) -> DeliveryReport:
        """The sum of two reports."""
        return DeliveryReport(self.sent + other.sent, self.failed + other.failed,
                              self.skipped + other.skipped, self.cancelled + other.cancelled)


def _link(options: PrepOptions, sub_entity: str, label: str, fallback: str) -> str:
    if options.teams_app_id:
        return teams.tab_deep_link(options.teams_app_id, options.tab_entity_id, sub_entity, label)
    return fallback


def _recipient(user: User) -> str:
    return str(user.oid) if user.oid else user.email


def _claim(db: Database, due: DueCard | DueDigest, kind: str, card: dict[str, Any],
           meeting_id: uuid.UUID | None, meeting_start: datetime | None) -> uuid.UUID | None:
    """Writes the delivery row before sending; None when another worker got there first."""
    retry_of = due.retry_of
    try:
        with db.session() as session:
            if retry_of is not None:
                claimed = session.execute(sa.update(PrepDelivery).where(
                    PrepDelivery.tenant_id == due.tenant_id, PrepDelivery.id == retry_of,
                    PrepDelivery.status == "failed").values(status="sending", card=card,
                                                            error=None))
                return retry_of if claimed.rowcount == 1 else None  # type: ignore[attr-defined]
            row = PrepDelivery(
                tenant_id=due.tenant_id, id=uuid.uuid4(), user_id=due.user_id, kind=kind,
                meeting_id=meeting_id, dedupe_key=due.dedupe_key, meeting_start=meeting_start,
                scheduled_for=due.scheduled_for, status="sending", chain_id=due.chain_id,
                card=card)
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def send_notice(db: Database, graph: Graph, tenant_id: uuid.UUID, delivery_id: uuid.UUID,
                notice: teams.ActivityNotice, done_status: str = "sent") -> bool:
    """Sends, then records the outcome on the claimed delivery row (prep cards, digests and
    handoffs share the log). True when Graph accepted it."""
    error: str | None = None
    try:
        teams.send_activity(graph.config, graph.tokens(str(tenant_id)), notice,
                            transport=graph.transport)
    except GraphError as exc:  # the code and status only: messages can echo request data
        error = f"{exc.code} {exc.http_status or ''}".strip()
        log.warning("prep delivery %s failed: %s", delivery_id, error)
    with db.session() as session:
        row = session.get(PrepDelivery, (tenant_id, delivery_id))
        assert row is not None
        if error is None:
            row.status, row.sent_at = done_status, row.sent_at or utcnow()
        else:
            row.status, row.error = ("failed" if done_status == "sent" else "sent"), error[:300]
    return error is None


def _deliver_card(db: Database, graph: Graph, due: DueCard, now: datetime,
                  options: PrepOptions) -> str:
    try:
        with db.session() as session:
            prep = gather_prep(session, tenant_id=due.tenant_id, meeting_id=due.meeting_id,
                               user_id=due.user_id, now=now, links=options.links)
            user = session.get(User, (due.tenant_id, due.user_id))
            assert user is not None
            recipient = _recipient(user)
    except NotFound:  # the meeting or seller went away since the schedule was read
        return "skipped"

    card = prep_card(prep)
    delivery_id = _claim(db, due, "card", card, due.meeting_id, due.starts_at)
    if delivery_id is None:
        return "skipped"
    moved = f"Moved to {when(prep.starts_at)}: " if due.moved_from else ""
    facts = [f"{len(prep.attendees)} from {prep.account_name or 'the customer'}"]
    overdue = sum(1 for c in prep.commitments if c.side == "us" and c.overdue)
    if overdue:
        facts.append(f"{overdue} overdue promise{'s' if overdue > 1 else ''}")
    notice = teams.ActivityNotice(
        user=recipient, activity_type="meetingPrep", topic="Meeting prep",
        web_url=_link(options, str(due.meeting_id), "Meeting prep",
                      options.links.story(due.meeting_id)),
        preview=clip(f"{moved}{prep.title} at {prep.starts_at:%H:%M}: {', '.join(facts)}", 150),
        chain_id=due.chain_id,
        parameters={"meeting": clip(prep.title, 80), "time": when(prep.starts_at)})
    return "sent" if send_notice(db, graph, due.tenant_id, delivery_id, notice) else "failed"


def send_due_cards(db: Database, graph: Graph, now: datetime | None = None, *,
                   options: PrepOptions | None = None) -> DeliveryReport:
    """Sends every prep card that is due (and the notices of meetings cancelled after their
    card went out), across all tenants. Returns what it did."""
    now, options = now or utcnow(), options or PrepOptions()
    report = DeliveryReport()
    with db.session() as session:
        tenants = tenant_ids(session)
    for tenant_id in tenants:
        try:
            with db.session() as session:
                cards = due_cards(session, tenant_id, now, options)
                cancels = due_cancellations(session, tenant_id, now)
            for due in cards:
                outcome = _deliver_card(db, graph, due, now, options)
                setattr(report, outcome, getattr(report, outcome) + 1)
            for c in cancels:
                with db.session() as session:
                    user = session.get(User, (tenant_id, c.user_id))
                    row = session.get(PrepDelivery, (tenant_id, c.delivery_id))
                    assert user is not None and row is not None
                    title = (row.card or {}).get("fallbackText", "Your meeting")
                    claimed = session.execute(sa.update(PrepDelivery).where(
                        PrepDelivery.tenant_id == tenant_id, PrepDelivery.chain_id == c.chain_id,
                        PrepDelivery.kind == "card", PrepDelivery.status == "sent",
                    ).values(status="cancelled"))
                    recipient = _recipient(user)
                if not claimed.rowcount:  # type: ignore[attr-defined]
                    continue
                notice = teams.ActivityNotice(
                    user=recipient, activity_type="meetingCancelled", topic="Meeting prep",
                    web_url=_link(options, str(c.meeting_id), "Meeting prep",
                                  options.links.story(c.meeting_id)),
                    preview=clip(f"Cancelled: {title.removeprefix('Prep for ')}", 150),
                    chain_id=c.chain_id, parameters={"meeting": clip(title, 80)})
                if send_notice(db, graph, tenant_id, c.delivery_id, notice,
                               done_status="cancelled"):
                    report.cancelled += 1
        except Exception:  # noqa: BLE001 - one tenant's failure must not stop the rest
            log.exception("prep card round failed for tenant %s", tenant_id)
            report.failed += 1
    return report


def build_digest(db: Database, due: DueDigest, now: datetime,
                 options: PrepOptions) -> tuple[DayDigest, str]:
    """The digest for ``due`` and its recipient (also used by the preview and the CLI)."""
    entries = []
    with db.session() as session:
        user = session.get(User, (due.tenant_id, due.user_id))
        assert user is not None
        for mid in due.meeting_ids:
            prep = gather_prep(session, tenant_id=due.tenant_id, meeting_id=mid,
                               user_id=due.user_id, now=now, links=options.links)
            entries.append(DigestEntry(
                meeting_id=str(mid), title=prep.title, starts_at=prep.starts_at,
                account_name=prep.account_name, attendees=tuple(a.name for a in prep.attendees),
                headline=narrative.headline(prep), prep_url=prep.story_url))
        actions = tuple(DigestAction(kind=a.kind, title=a.title, reason=a.reason,
                                     url=story_link(options, a)) for a in due.actions)
        digest = DayDigest(seller_name=user.display_name, day=due.day,
                           time_zone=due.time_zone, meetings=tuple(entries), actions=actions)
        return digest, _recipient(user)


def _digest_notice(digest: DayDigest, recipient: str, due: DueDigest,
                   options: PrepOptions) -> teams.ActivityNotice:
    """The feed entry of a digest: the day's meetings, or (a day without any) what needs the
    seller."""
    url = _link(options, "today", "Meeting prep", f"{options.links.base_url.rstrip('/')}/teams/tab")
    if not digest.meetings:
        count = len(digest.actions)
        return teams.ActivityNotice(
            user=recipient, activity_type="actionDigest", topic="What needs you today",
            web_url=url, preview=clip(f"No customer meetings today; {count} thing"
                                      f"{'s' if count != 1 else ''} to act on: "
                                      f"{digest.actions[0].reason}", 150),
            chain_id=due.chain_id, parameters={"count": str(count)})
    count = len(digest.meetings)
    first = digest.meetings[0]
    return teams.ActivityNotice(
        user=recipient, activity_type="prepDigest", topic="Today's customer meetings",
        web_url=url, preview=clip(f"{count} customer meeting{'s' if count > 1 else ''} today, "
                                  f"first at {first.starts_at:%H:%M}: {first.title}", 150),
        chain_id=due.chain_id, parameters={"count": str(count)})


@dataclass(frozen=True)
class ComingDigest:
    """A seller's next morning digest, not due yet: when it goes out and the card it carries."""

    address: str
    day: date
    scheduled_for: datetime
    meetings: int
    card: dict[str, Any]


def coming_digests(db: Database, now: datetime, options: PrepOptions, *,
                   address: str | None = None, days: int = 7) -> list[ComingDigest]:
    """Each seller's next digest (or only ``address``'s), built as the job will build it:
    shown by the ``/prep`` preview and ``prep-cards --digests`` before the morning comes."""
    with db.session() as session:
        owed = []
        for tenant_id in tenant_ids(session):
            user_id = None
            if address:
                user_id = session.scalar(sa.select(User.id).where(
                    User.tenant_id == tenant_id, User.email == normalize_address(address)))
                if user_id is None:
                    continue
            owed += next_digests(session, tenant_id, now, options, days=days, user_id=user_id)
        emails = {(u.tenant_id, u.id): u.email for u in session.scalars(
            sa.select(User).where(User.id.in_([d.user_id for d in owed])))}
    out = []
    for due in owed:
        digest, _recipient = build_digest(db, due, now, options)
        out.append(ComingDigest(address=emails[(due.tenant_id, due.user_id)], day=due.day,
                                scheduled_for=due.scheduled_for, meetings=len(digest.meetings),
                                card=digest_card(digest)))
    return out


def send_due_digests(db: Database, graph: Graph, now: datetime | None = None, *,
                     options: PrepOptions | None = None) -> DeliveryReport:
    """Sends each seller's morning digest of the day's customer meetings, once per local day
    (on a day without any, of the things they have to act on, when there are some)."""
    now, options = now or utcnow(), options or PrepOptions()
    report = DeliveryReport()
    with db.session() as session:
        tenants = tenant_ids(session)
    for tenant_id in tenants:
        try:
            with db.session() as session:
                digests = due_digests(session, tenant_id, now, options)
            for due in digests:
                digest, recipient = build_digest(db, due, now, options)
                card = digest_card(digest) if digest.meetings else action_digest_card(digest)
                delivery_id = _claim(db, due, "digest", card, None, None)
                if delivery_id is None:
                    report.skipped += 1
                    continue
                notice = _digest_notice(digest, recipient, due, options)
                ok = send_notice(db, graph, tenant_id, delivery_id, notice)
                report.sent, report.failed = report.sent + ok, report.failed + (not ok)
        except Exception:  # noqa: BLE001 - one tenant's failure must not stop the rest
            log.exception("digest round failed for tenant %s", tenant_id)
            report.failed += 1
    return report


def run_prep(db: Database, graph: Graph, now: datetime | None = None, *,
             options: PrepOptions | None = None) -> DeliveryReport:
    """The scheduled job: due cards, cancellation notices and morning digests."""
    now = now or utcnow()
    return send_due_cards(db, graph, now, options=options).add(
        send_due_digests(db, graph, now, options=options))
