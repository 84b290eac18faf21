"""Which prep cards and morning digests are due, computed afresh from the record each run.

Nothing is pre-scheduled: a run looks at the meetings as they are now (moved, cancelled,
deleted) and at the delivery log, so a meeting that moved before its card went out simply
gets its card at the new time, and one cancelled in time gets none. Local times use
zoneinfo: 07:30 is 07:30 on the seller's wall clock on either side of a daylight-saving
change, a local day may have 23 or 25 hours, and a digest goes once per local day.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.graph import teams
from app.records.attention import AttentionItem, AttentionOptions, attention_for
from app.records.models import Interaction, Participant, Tenant, User
from app.records.record import identity_context
from app.settings import Settings, digest_time, nudge_window

from .gather import PrepLinks, zone
from .models import PrepDelivery


@dataclass(frozen=True)
class PrepOptions:
    """When and where prep goes: lead time, digest time, how late a digest may still go."""

    lead: timedelta = timedelta(minutes=60)
    digest_at: time | None = time(7, 30)  # None: no morning digests
    digest_grace: timedelta = timedelta(hours=3)  # after this a morning digest is stale
    links: PrepLinks = field(default_factory=PrepLinks)
    teams_app_id: str = ""  # when set, notifications open the Teams tab by deep link
    tab_entity_id: str = "storyline-prep"  # the personal tab's entityId in the manifest
    # on a day without customer meetings the digest lists what needs the seller (None: no
    # digest on such days); at most this many things
    attention: AttentionOptions | None = None
    digest_actions: int = 5


def attention_options(settings: Settings) -> AttentionOptions:
    """The attention rules' thresholds an admin set (``STORYLINE_NUDGE_*``,
    ``STORYLINE_STALE_PROMISE_DAYS``)."""
    return AttentionOptions(
        unanswered_hours=settings.nudge_unanswered_hours, cold_days=settings.nudge_cold_days,
        stage_age_factor=settings.nudge_stage_age_percent / 100,
        single_thread_days=settings.nudge_single_thread_days,
        stale_promise_days=settings.stale_promise_days)


def prep_options(settings: Settings) -> PrepOptions:
    """The options an admin set (``STORYLINE_PREP_*``, ``STORYLINE_TEAMS_APP_ID``,
    ``STORYLINE_PUBLIC_BASE_URL`` for the links; ``STORYLINE_NUDGE_HOURS=off`` also keeps
    the digest of days without meetings from going)."""
    links = PrepLinks(base_url=settings.public_base_url) if settings.public_base_url \
        else PrepLinks()
    attention = attention_options(settings) if nudge_window(settings.nudge_hours) else None
    return PrepOptions(lead=timedelta(minutes=settings.prep_lead_minutes),
                       digest_at=digest_time(settings.prep_digest_at), links=links,
                       teams_app_id=settings.teams_app_id, attention=attention)


def story_link(options: PrepOptions, item: AttentionItem) -> str:
    """Where a nudge or a digest line leads: the story of its contact (else of its mail, else
    of its account: the tab's home with its nudges) in our Teams tab, by Teams deep link when
    the app id is known."""
    sub: uuid.UUID | None
    if item.contact_id is not None:  # the tab opens a contact's story
        target, sub = "contact_id", item.contact_id
    elif item.interaction_id is not None:
        target, sub = "interaction_id", item.interaction_id
    else:
        target, sub = "account_id", item.account_id
    if options.teams_app_id:
        return teams.tab_deep_link(options.teams_app_id, options.tab_entity_id,
                                   f"story:{target}:{sub}", "Storyline")
    return f"{options.links.base_url.rstrip('/')}/teams/tab?{target}={sub}"


@dataclass(frozen=True)
class DueCard:
    """A card owed to one seller for one meeting occurrence (``starts_at``, UTC)."""

    tenant_id: uuid.UUID
    meeting_id: uuid.UUID
    user_id: uuid.UUID
    starts_at: datetime
    scheduled_for: datetime
    dedupe_key: str
    chain_id: int
    moved_from: datetime | None = None  # the start an earlier card announced
    retry_of: uuid.UUID | None = None  # a failed delivery row to reuse


@dataclass(frozen=True)
class DueDigest:
    """A morning digest owed to one seller for one local day."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID
    day: date
    time_zone: str
    scheduled_for: datetime
    meeting_ids: tuple[uuid.UUID, ...]
    dedupe_key: str
    chain_id: int
    retry_of: uuid.UUID | None = None  # a failed delivery row to reuse
    actions: tuple[AttentionItem, ...] = ()  # a day without meetings: what needs the seller


@dataclass(frozen=True)
class DueCancellation:
    """A sent card whose meeting was since cancelled or deleted before it started."""

    tenant_id: uuid.UUID
    delivery_id: uuid.UUID
    user_id: uuid.UUID
    meeting_id: uuid.UUID
    chain_id: int


def chain_id(*parts: object) -> int:
    """A stable positive 63-bit id (Graph's chainId is an Int64) for a notification thread."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)


def card_key(meeting_id: uuid.UUID, start: datetime) -> str:
    """The dedupe key of a card: one per meeting occurrence start."""
    return f"card:{meeting_id}:{start.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` on ``day`` on the wall clock of ``tz``, in UTC. A time skipped by a spring-forward
    change resolves to the same distance after the change (02:30 becomes 03:30); a time that
    happens twice at fall-back is its first occurrence."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a local day (23, 24 or 25 hours long)."""
    return local_moment(day, time(0), tz), local_moment(day + timedelta(days=1), time(0), tz)


def tenant_ids(session: Session) -> list[uuid.UUID]:
    """Every onboarded tenant (the job runs for all of them, one at a time)."""
    return list(session.scalars(sa.select(Tenant.id).order_by(Tenant.created_at, Tenant.id)))


def _sellers(session: Session, tenant_id: uuid.UUID,
             meetings: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """For each meeting with at least one customer-side person, our active sellers on it."""
    ids = list(meetings)
    if not ids:
        return {}
    ctx = identity_context(session, tenant_id)
    active = set(session.scalars(sa.select(User.id).where(
        User.tenant_id == tenant_id, User.sync_enabled.is_(True),
        User.team_mailbox.is_(False))))
    users: dict[uuid.UUID, list[uuid.UUID]] = {}
    external: set[uuid.UUID] = set()
    for mid, address, user_id in session.execute(
            sa.select(Participant.interaction_id, Participant.address, Participant.user_id)
            .where(Participant.tenant_id == tenant_id, Participant.interaction_id.in_(ids))
            .order_by(Participant.interaction_id, Participant.address)):
        if user_id is not None:
            if user_id in active and user_id not in users.setdefault(mid, []):
                users[mid].append(user_id)
        elif not ctx.is_internal(address):
            external.add(mid)
    return {mid: u for mid, u in users.items() if mid in external and u}


def _live_meetings(tenant_id: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    return [Interaction.tenant_id == tenant_id, Interaction.kind == "meeting",
            Interaction.deleted_at.is_(None), Interaction.cancelled.is_(False)]


def due_cards(session: Session, tenant_id: uuid.UUID, now: datetime,
              options: PrepOptions) -> list[DueCard]:
    """Cards to send now: meetings with customers starting within the lead time, for each of
    our sellers on them, unless that occurrence's card already went (or is going) out."""
    rows = session.execute(sa.select(Interaction.id, Interaction.occurred_at).where(
        *_live_meetings(tenant_id), Interaction.occurred_at > now,
        Interaction.occurred_at <= now + options.lead).order_by(Interaction.occurred_at)).all()
    starts = {mid: at for mid, at in rows}
    sellers = _sellers(session, tenant_id, starts)
    log: dict[tuple[uuid.UUID, uuid.UUID], list[PrepDelivery]] = {}
    if sellers:
        for d in session.scalars(sa.select(PrepDelivery).where(
                PrepDelivery.tenant_id == tenant_id, PrepDelivery.kind == "card",
                PrepDelivery.meeting_id.in_(list(sellers)))
                .order_by(PrepDelivery.created_at)):
            assert d.meeting_id is not None
            log.setdefault((d.meeting_id, d.user_id), []).append(d)
    due = []
    for mid, users in sellers.items():
        start = starts[mid]
        key = card_key(mid, start)
        for uid in users:
            earlier = log.get((mid, uid), [])
            same = next((d for d in earlier if d.dedupe_key == key), None)
            if same is not None and same.status != "failed":
                continue  # sent, being sent, or cancelled: never twice
            moved = next((d.meeting_start for d in reversed(earlier)
                          if d.status == "sent" and d.dedupe_key != key), None)
            due.append(DueCard(
                tenant_id=tenant_id, meeting_id=mid, user_id=uid, starts_at=start,
                scheduled_for=start - options.lead, dedupe_key=key,
                chain_id=chain_id(tenant_id, uid, mid), moved_from=moved,
                retry_of=same.id if same is not None else None))
    return due


def due_cancellations(session: Session, tenant_id: uuid.UUID,
                      now: datetime) -> list[DueCancellation]:
    """Sent cards of meetings that were cancelled or deleted before they started."""
    rows = session.execute(
        sa.select(PrepDelivery, Interaction.cancelled, Interaction.deleted_at)
        .join(Interaction, sa.and_(Interaction.tenant_id == PrepDelivery.tenant_id,
                                   Interaction.id == PrepDelivery.meeting_id), isouter=True)
        .where(PrepDelivery.tenant_id == tenant_id, PrepDelivery.kind == "card",
               PrepDelivery.status == "sent", PrepDelivery.meeting_start > now)
        .order_by(PrepDelivery.created_at)).all()
    latest: dict[int, DueCancellation] = {}  # a moved meeting's chain has several cards
    for d, cancelled, deleted_at in rows:
        if (cancelled or deleted_at is not None or cancelled is None) and d.meeting_id:
            latest[d.chain_id] = DueCancellation(
                tenant_id=tenant_id, delivery_id=d.id, user_id=d.user_id,
                meeting_id=d.meeting_id, chain_id=d.chain_id)
    return list(latest.values())


def day_digest(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, tz: ZoneInfo,
               day: date, at: time) -> DueDigest | None:
    """The digest of one seller's local ``day``, going out at ``at`` on their clock: their
    live meetings that day with customers on them, or None when there are none (no digest is
    sent for a day without any)."""
    start, end = local_day_bounds(day, tz)
    mine = sa.select(Participant.interaction_id).where(
        Participant.tenant_id == tenant_id, Participant.user_id == user_id)
    rows = session.execute(sa.select(Interaction.id).where(
        *_live_meetings(tenant_id), Interaction.id.in_(mine),
        Interaction.occurred_at >= start, Interaction.occurred_at < end)
        .order_by(Interaction.occurred_at)).scalars().all()
    with_customers = _sellers(session, tenant_id, rows)
    meetings = tuple(m for m in rows if user_id in with_customers.get(m, []))
    if not meetings:
        return None
    return DueDigest(tenant_id=tenant_id, user_id=user_id, day=day, time_zone=tz.key,
                     scheduled_for=local_moment(day, at, tz),
                     meeting_ids=meetings, dedupe_key=f"digest:{day.isoformat()}",
                     chain_id=chain_id(tenant_id, user_id, "digest", day))


def due_digests(session: Session, tenant_id: uuid.UUID, now: datetime,
                options: PrepOptions) -> list[DueDigest]:
    """Digests to send now: sellers whose local digest time has come (and is not stale) and
    who have customer meetings that local day, unless today's digest already went out."""
    if options.digest_at is None:
        return []
    users = session.execute(sa.select(User.id, User.time_zone).where(
        User.tenant_id == tenant_id, User.sync_enabled.is_(True),
        User.team_mailbox.is_(False))).all()
    due = []
    for uid, tz_name in users:
        tz = zone(tz_name)
        day = now.astimezone(tz).date()
        at = local_moment(day, options.digest_at, tz)
        if not at <= now < at + options.digest_grace:
            continue
        earlier = session.execute(sa.select(PrepDelivery.id, PrepDelivery.status).where(
            PrepDelivery.tenant_id == tenant_id, PrepDelivery.user_id == uid,
            PrepDelivery.dedupe_key == f"digest:{day.isoformat()}")).first()
        if earlier is not None and earlier[1] != "failed":
            continue
        digest = day_digest(session, tenant_id, uid, tz, day, options.digest_at)
        if digest is None and options.attention is not None:
            digest = action_digest(session, tenant_id, uid, tz, day, now, options)
        if digest is not None:
            due.append(replace(digest, retry_of=earlier[0] if earlier is not None else None))
    return due


def action_digest(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID, tz: ZoneInfo,
                  day: date, now: datetime, options: PrepOptions) -> DueDigest | None:
    """The digest of a local day without customer meetings: the seller's most urgent
    things to act on (app/records/attention.py), or None when there is nothing."""
    assert options.attention is not None and options.digest_at is not None
    attention = options.attention.for_tenant(session, tenant_id)
    items = attention_for(session, tenant_id=tenant_id, user_id=user_id, now=now,
                          options=attention)
    if not items:
        return None
    return DueDigest(tenant_id=tenant_id, user_id=user_id, day=day, time_zone=tz.key,
                     scheduled_for=local_moment(day, options.digest_at, tz), meeting_ids=(),
                     dedupe_key=f"digest:{day.isoformat()}",
                     chain_id=chain_id(tenant_id, user_id, "digest", day),
                     actions=tuple(items[:options.digest_actions]))


def next_digests(session: Session, tenant_id: uuid.UUID, now: datetime, options: PrepOptions,
                 *, days: int = 7, user_id: uuid.UUID | None = None) -> list[DueDigest]:
    """Each seller's next digest that is not due yet: the first local day within ``days``
    whose digest time is still ahead and that has customer meetings (what the job will send;
    the preview and ``prep-cards --digests`` show it before the morning comes)."""
    if options.digest_at is None:
        return []
    query = sa.select(User.id, User.time_zone).where(
        User.tenant_id == tenant_id, User.sync_enabled.is_(True),
        User.team_mailbox.is_(False))
    if user_id is not None:
        query = query.where(User.id == user_id)
    out = []
    for uid, tz_name in session.execute(query.order_by(User.email)).all():
        tz = zone(tz_name)
        today = now.astimezone(tz).date()
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            if local_moment(day, options.digest_at, tz) <= now:
                continue
            digest = day_digest(session, tenant_id, uid, tz, day, options.digest_at)
            if digest is not None:
                out.append(digest)
                break
    return out
