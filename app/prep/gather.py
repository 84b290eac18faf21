"""Builds a :class:`MeetingPrep` for one seller and one meeting from the record, through the
story query (the same story the Outlook task pane shows), plus the few facts the story does
not carry: the meeting's people, the previous meeting, and who signalled what."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.records.models import Account, Interaction, Participant, Signal, User
from app.records.record import identity_context
from app.records.story import OPEN_STAGES, StoryQuery
from app.records.story_types import (
    CommitmentItem,
    DealItem,
    FunctionThreads,
    SignalItem,
    StageChange,
    Story,
)
from app.records.visibility import RANK, Viewer

from . import narrative
from .text import ago, clip, money
from .types import AttendeePrep, CommitmentPrep, DealPrep, MeetingPrep, SignalPrep

SIGNAL_DAYS = 60  # signals older than this are not "recent"
STORY_PAGE = 10  # timeline entries read per attendee to find their last contact before now


@dataclass(frozen=True)
class PrepLinks:
    """Where the card's links lead: our tab page on the public base URL of the web app."""

    base_url: str = "http://127.0.0.1:5000"

    def story(self, meeting_id: uuid.UUID | str) -> str:
        """The tab page that shows this meeting's prep and full story."""
        return f"{self.base_url.rstrip('/')}/teams/tab?meeting_id={meeting_id}"


def zone(name: str | None) -> ZoneInfo:
    """The seller's time zone; UTC when unset or unknown (never fails a card over it)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def get_meeting(session: Session, tenant_id: uuid.UUID, meeting_id: uuid.UUID) -> Interaction:
    """The meeting, or NotFound (also for emails and deleted meetings)."""
    meeting = session.get(Interaction, (tenant_id, meeting_id))
    if meeting is None or meeting.kind != "meeting" or meeting.deleted_at is not None:
        raise NotFound("no such meeting in your record")
    return meeting


def external_people(session: Session, meeting: Interaction) -> list[Participant]:
    """The meeting's customer-side people, once each (organizer or attendee)."""
    ctx = identity_context(session, meeting.tenant_id)
    rows = session.scalars(sa.select(Participant).where(
        Participant.tenant_id == meeting.tenant_id, Participant.interaction_id == meeting.id,
    ).order_by(Participant.role.desc(), Participant.name, Participant.address)).all()
    seen: dict[str, Participant] = {}
    for p in rows:
        if p.user_id is None and not ctx.is_internal(p.address) and p.address not in seen:
            seen[p.address] = p
    return list(seen.values())


def _commitment(c: CommitmentItem, who: str | None) -> CommitmentPrep:
    return CommitmentPrep(id=c.id, side=c.side, kind=c.kind, action=c.action,
                          due_on=c.due_on, overdue=c.overdue, who=who, stale=c.stale,
                          age_days=c.age_days)


def _signal(s: SignalItem) -> SignalPrep:
    return SignalPrep(kind=s.kind, value=narrative.signal_value(s.value),
                      evidence=clip(s.text, 200), occurred_on=s.occurred_at.date())


def _deal(deals: list[DealItem]) -> tuple[DealPrep | None, list[StageChange]]:
    for d in deals:
        if d.stage in OPEN_STAGES:
            return DealPrep(
                name=d.name, stage=d.stage, days_in_stage=d.days_in_stage,
                ball_in_court=d.ball_in_court, amount=money(d.amount, d.currency),
                close_date=d.close_date, court_reason=d.ball_reason,
                stale_reason=d.stale_reason if d.stale else None,
            ), d.stage_history
    return None, []


def _last_touch(story: Story, meeting_id: uuid.UUID, now: datetime) -> str | None:
    for item in story.timeline.items:
        at = item.occurred_at
        if at is None or item.id == str(meeting_id) or at > now or item.cancelled:
            continue
        kind = "Meeting" if item.kind == "meeting" else "Email"
        side = {"inbound": " from them", "outbound": " from us"}.get(item.direction, "")
        subject = f" \u201c{clip(item.subject, 60)}\u201d" if item.subject else ""
        return f"{kind}{side}{subject}, {ago(at, now)}"
    return None


def _since_last(session: Session, meeting: Interaction, contact_ids: list[uuid.UUID],
                now: datetime, viewer: Viewer) -> narrative.SinceLast:
    """The previous meeting with the account (or these people) and the traffic since."""
    t = meeting.tenant_id
    if meeting.account_id is not None:
        scope = Interaction.account_id == meeting.account_id
    else:
        scope = Interaction.id.in_(sa.select(Participant.interaction_id).where(
            Participant.tenant_id == t, Participant.contact_id.in_(contact_ids)))
    live = sa.and_(Interaction.tenant_id == t, Interaction.deleted_at.is_(None), scope)
    previous = session.execute(
        sa.select(Interaction.occurred_at, Interaction.subject, Interaction.id).where(
            live, Interaction.kind == "meeting", Interaction.cancelled.is_(False),
            Interaction.id != meeting.id, Interaction.occurred_at < min(meeting.occurred_at, now))
        .order_by(Interaction.occurred_at.desc()).limit(1)).first()
    since = previous[0] if previous else None
    window = [live, Interaction.occurred_at <= now, Interaction.kind == "email"]
    if since is not None:
        window.append(Interaction.occurred_at > since)
    counts = dict(session.execute(
        sa.select(Interaction.direction, sa.func.count()).where(*window)
        .group_by(Interaction.direction)).all())
    last_at = session.scalar(sa.select(sa.func.max(Interaction.occurred_at)).where(
        live, Interaction.occurred_at <= now, Interaction.id != meeting.id))
    return narrative.SinceLast(previous_at=since,
                               previous_subject=previous[1] if previous and RANK[
                                   viewer.level(previous[2])] >= RANK["subject"] else None,
                               inbound=int(counts.get("inbound", 0)),
                               outbound=int(counts.get("outbound", 0)), last_at=last_at)


def _signal_kinds(session: Session, tenant_id: uuid.UUID,
                  contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    out: dict[uuid.UUID, set[str]] = {}
    if contact_ids:
        for cid, kind in session.execute(sa.select(Signal.contact_id, Signal.kind).where(
                Signal.tenant_id == tenant_id, Signal.contact_id.in_(contact_ids),
                Signal.shown.is_(True)).distinct()):
            if cid is not None:
                out.setdefault(cid, set()).add(kind)
    return out


@dataclass
class _Collected:
    """What the attendees' stories add up to, each commitment and signal once."""

    attendees: list[AttendeePrep] = field(default_factory=list)
    commitments: dict[str, CommitmentPrep] = field(default_factory=dict)
    signals: dict[str, SignalPrep] = field(default_factory=dict)
    deal: DealPrep | None = None
    moves: list[StageChange] = field(default_factory=list)
    health: str | None = None
    team_threads: tuple[str, ...] = ()


def _stories(query: StoryQuery, people: list[Participant],
             viewer: Viewer) -> list[tuple[Participant, Story | None]]:
    """Each external attendee's story (by contact when known, else by address), as the
    seller the prep is for may see it."""
    return [(p, viewer.story(query.for_contact_id(p.contact_id, page_size=STORY_PAGE)
                             if p.contact_id else query.for_address(p.address,
                                                                    page_size=STORY_PAGE)))
            for p in people]


def _attendee(p: Participant, story: Story | None, *, user_id: uuid.UUID,
              kinds: dict[uuid.UUID, set[str]], meeting_id: uuid.UUID,
              now: datetime) -> AttendeePrep:
    """One attendee's line: name, title, part in the deal, last touch, who knows them."""
    card = story.contact if story else None
    team = tuple(f"{'you' if m.user_id == str(user_id) else m.name} ({m.interactions})"
                 for m in (story.team if story else []))
    return AttendeePrep(
        name=(card.name if card else "") or p.name or p.address, email=p.address,
        title=card.title if card else None,
        role=narrative.role_for(card.title if card else None,
                                kinds.get(uuid.UUID(card.id), set()) if card else set()),
        last_interaction=_last_touch(story, meeting_id, now) if story else None,
        known_by=team)


def _collect(stories: list[tuple[Participant, Story | None]], *, user_id: uuid.UUID,
             kinds: dict[uuid.UUID, set[str]], meeting_id: uuid.UUID,
             now: datetime) -> _Collected:
    """The attendees, and the commitments, signals, deal and health their stories carry."""
    out = _Collected()
    for p, story in stories:
        attendee = _attendee(p, story, user_id=user_id, kinds=kinds, meeting_id=meeting_id,
                             now=now)
        out.attendees.append(attendee)
        if story is None:
            continue
        # suggestions (not shown by default) stay off the card and the digest
        for c in story.commitments.ours + story.commitments.theirs:
            if c.shown:
                out.commitments.setdefault(c.id, _commitment(c, attendee.name))
        for s in story.signals:
            if s.shown and s.id not in out.signals:
                out.signals[s.id] = _signal(s)
        if out.deal is None:
            out.deal, out.moves = _deal(story.deals)
        if not out.team_threads and story.team_threads:
            out.team_threads = tuple(_team_line(f) for f in story.team_threads)
        if out.health is None and story.contact is not None:
            out.health = f"{story.health.label.replace('_', ' ')} ({story.health.score})"
    return out


def _team_line(f: FunctionThreads) -> str:
    """``Support: 1 waiting on us (3 days), 2 waiting on them, latest "Outage in Lyon"``."""
    parts = []
    if f.waiting_on_us:
        parts.append(f"{f.waiting_on_us} waiting on us ({f.oldest_wait_days} days)")
    if f.waiting_on_them:
        parts.append(f"{f.waiting_on_them} waiting on them")
    latest = f", latest \u201c{clip(f.latest_subject, 60)}\u201d" if f.latest_subject else ""
    return f"{f.function.capitalize()}: {', '.join(parts)}{latest}"


def _urgency(c: CommitmentPrep) -> tuple[bool, bool, bool, date]:
    return (not c.overdue, c.stale, c.due_on is None, c.due_on or date.max)


def gather_prep(session: Session, *, tenant_id: uuid.UUID, meeting_id: uuid.UUID,
                user_id: uuid.UUID, now: datetime, links: PrepLinks | None = None) -> MeetingPrep:
    """Everything seller ``user_id`` should know before meeting ``meeting_id``, as of ``now``."""
    meeting = get_meeting(session, tenant_id, meeting_id)
    user = session.get(User, (tenant_id, user_id))
    if user is None:
        raise NotFound("no such seller in your organisation")
    tz = zone(user.time_zone)
    viewer = Viewer.load(session, tenant_id=tenant_id, user_id=user_id)
    stories = _stories(StoryQuery(session, tenant_id, now=now), external_people(session, meeting),
                       viewer)
    contact_ids = [uuid.UUID(s.contact.id) for _p, s in stories if s and s.contact]
    found = _collect(stories, user_id=user_id, kinds=_signal_kinds(session, tenant_id, contact_ids),
                     meeting_id=meeting.id, now=now)
    ours_to_ask = [c for c in found.commitments.values() if c.side == "us" and c.kind == "request"]
    owed = sorted((c for c in found.commitments.values() if c not in ours_to_ask), key=_urgency)
    questions = sorted(ours_to_ask, key=_urgency)
    recent = sorted((s for s in found.signals.values()
                     if s.occurred_on >= (now - timedelta(days=SIGNAL_DAYS)).date()),
                    key=lambda s: s.occurred_on, reverse=True)
    since = _since_last(session, meeting, contact_ids, now, viewer)
    account = session.get(Account, (tenant_id, meeting.account_id)) if meeting.account_id else None
    cutoff = since.previous_at.date() if since.previous_at else date.min
    deal = found.deal
    return MeetingPrep(
        meeting_id=str(meeting.id), time_zone=tz.key,
        title=meeting.subject if RANK[viewer.level(meeting.id)] >= RANK["subject"]
        else "Customer meeting",
        starts_at=meeting.occurred_at.astimezone(tz),
        ends_at=meeting.ends_at.astimezone(tz) if meeting.ends_at else None,
        seller_name=user.display_name, account_name=account.name if account else None,
        cancelled=meeting.cancelled, attendees=tuple(found.attendees),
        story=narrative.story_lines(
            account=account.name if account else None, since=since, deal=deal,
            stage_moves=[m for m in found.moves if since.previous_at is None
                         or m.at > since.previous_at][-1:],
            new_signals=[s for s in recent if s.occurred_on > cutoff], commitments=owed, now=now),
        commitments=tuple(owed), signals=tuple(recent[:8]), deal=deal,
        open_questions=tuple(questions),
        agenda=narrative.agenda(commitments=owed, questions=questions, signals=recent, deal=deal),
        story_url=(links or PrepLinks()).story(meeting.id), health=found.health,
        team_threads=found.team_threads,
    )
