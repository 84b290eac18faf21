"""Meeting prep as plain data: what :mod:`app.prep.gather` finds in the record and what
:mod:`app.prep.cards` draws. No database, no Flask, no Graph here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class AttendeePrep:
    """One external attendee: who they are, their part in the deal, and who knows them."""

    name: str
    email: str
    title: str | None = None
    role: str | None = None  # their part in the deal, from signals ("Decision maker", ...)
    last_interaction: str | None = None  # "Email 'Rollout plan', 3 days ago"
    known_by: tuple[str, ...] = ()  # our people, closest first ("Maya Okafor (12)")


@dataclass(frozen=True)
class CommitmentPrep:
    """An open promise or request; ``side`` is ``us`` (we owe it) or ``them``."""

    id: str
    side: str
    kind: str  # promise | request
    action: str
    due_on: date | None = None
    overdue: bool = False
    who: str | None = None  # the contact involved
    stale: bool = False  # no due date and older than the tenant's limit
    age_days: int = 0  # since the mail it was found in


@dataclass(frozen=True)
class SignalPrep:
    """A recent deal signal with the words that show it."""

    kind: str
    value: str | None
    evidence: str
    occurred_on: date


@dataclass(frozen=True)
class DealPrep:
    """The account's open deal: stage, age in stage and whose move it is."""

    name: str
    stage: str
    days_in_stage: int
    ball_in_court: str | None  # ours | theirs | None
    amount: str | None = None  # "EUR 48,000"
    close_date: date | None = None
    court_reason: str | None = None  # why the ball is in that court
    stale_reason: str | None = None  # set when the deal is going stale


@dataclass(frozen=True)
class MeetingPrep:
    """Everything one seller should know before one customer meeting.

    Times are aware datetimes in the seller's time zone (``time_zone``).
    """

    meeting_id: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    time_zone: str
    seller_name: str = ""
    account_name: str | None = None
    cancelled: bool = False
    attendees: tuple[AttendeePrep, ...] = ()
    story: tuple[str, ...] = ()  # three lines: what changed since the last meeting
    commitments: tuple[CommitmentPrep, ...] = ()  # both ways, overdue first
    signals: tuple[SignalPrep, ...] = ()
    deal: DealPrep | None = None
    open_questions: tuple[CommitmentPrep, ...] = ()  # their requests we have not answered
    agenda: tuple[str, ...] = ()
    story_url: str | None = None  # where "Open the full story" leads
    health: str | None = None  # "fair (55)"
    # open support and finance threads: "Support: 1 waiting on us (3 days), 2 on them"
    team_threads: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestEntry:
    """One customer meeting of the day, as the morning digest lists it."""

    meeting_id: str
    title: str
    starts_at: datetime  # in the seller's time zone
    account_name: str | None = None
    attendees: tuple[str, ...] = ()
    headline: str | None = None  # the most pressing point (an overdue promise, a risk)
    prep_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class DigestAction:
    """One thing to act on, as the digest of a day without customer meetings lists it."""

    kind: str  # one of app.prep.models.NUDGE_KINDS
    title: str
    reason: str
    url: str | None = None


@dataclass(frozen=True)
class DayDigest:
    """A seller's customer meetings of one local day (or, on a day without any, the top
    things they have to act on)."""

    seller_name: str
    day: date
    time_zone: str
    meetings: tuple[DigestEntry, ...] = field(default_factory=tuple)
    actions: tuple[DigestAction, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class NudgePrep:
    """One nudge as its card shows it (``id``: the nudge row, for Done and Snooze)."""

    id: str
    kind: str
    title: str
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    account_name: str | None = None
    contact_name: str | None = None
    story_url: str | None = None
    snooze_hours: int = 24
