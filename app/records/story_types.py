"""The customer story as typed values: what ``StoryQuery`` gives, what meeting prep reads, what
the API encodes at its edge (:func:`to_json`) and what the OpenAPI document declares.

Every value is a keyword-only frozen dataclass. Two JSON keys are Python keywords (a timeline
item's ``from``, a stage change's ``from``): their fields carry the key in their metadata, and
pydantic reads the same name through ``Field(alias=...)`` for the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from pydantic import Field

# A signal's value is the extractor's JSON payload (amount and currency, a date, a name).
SignalValue = dict[str, Any] | str | int | float | None


def _key(name: str) -> Any:
    return field(metadata={"json": name})


@dataclass(frozen=True, kw_only=True, slots=True)
class Span:
    """Character offsets of the evidence in the interaction's cleaned text."""

    start: int | None
    end: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ContactCard:
    """A person: name, title, phone, company, account, addresses and activity."""

    id: str
    name: str | None
    title: str | None
    phone: str | None
    company: str | None
    account_id: str | None
    addresses: list[str]
    merged_into: str | None
    interaction_count: int
    last_activity_at: datetime | None
    evidence: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class StoryContact(ContactCard):
    """The story's own contact card, with the contacts merged into it and look-alikes."""

    merged_from: list[str]
    merge_suggestions: list[ContactCard]


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountCard:
    """A customer organisation with its domains."""

    id: str
    name: str
    domains: list[str]
    interaction_count: int
    last_activity_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class TimelineItem:
    """One email or meeting, with our people on it."""

    id: str
    kind: str
    direction: str
    subject: str | None
    snippet: str | None
    occurred_at: datetime | None
    ends_at: datetime | None
    thread_id: str | None
    from_: Annotated[str | None, Field(alias="from")] = _key("from")
    team: list[str]
    cancelled: bool
    # the function of the team mailbox it came through (support, finance ...), else None
    function: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Timeline:
    """A page of the timeline, newest first."""

    page: int
    page_size: int
    has_more: bool
    items: list[TimelineItem]


@dataclass(frozen=True, kw_only=True, slots=True)
class ClosedBy:
    """What closed a commitment: the later mail or meeting (subject, date), the evidence
    (words or an attachment's name) and ``how`` (``auto``: Storyline saw it delivered)."""

    interaction_id: str | None
    subject: str | None
    occurred_at: datetime | None
    evidence: str | None
    how: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitmentItem:
    """A promise or request, who owes it (``side``: us or them) and whether it is overdue."""

    id: str
    kind: str
    side: str
    action: str
    text: str
    evidence: Span
    due_on: date | None
    status: str
    overdue: bool
    snoozed_until: date | None
    interaction_id: str | None
    source_subject: str | None
    created_at: datetime
    # a team mailbox's commitment is its function's (nobody's personally)
    owner_function: str | None = None
    # the extraction's calibrated confidence; shown False: a suggestion, not shown by default
    confidence: float = 1.0
    shown: bool = True
    # ageing: days since the mail it was found in; stale: no due date and older than the
    # tenant's limit (listed apart, never overdue: "set a due date or close it")
    age_days: int = 0
    stale: bool = False
    # set when a later mail or meeting closed it (auto-close); the seller may reopen it
    closed_by: ClosedBy | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Commitments:
    """Open commitments both ways, how many of them are overdue (dated and past due) and how
    many are stale (undated and older than ``stale_after_days``); ``recently_closed``: those
    a later mail or meeting closed in the last days (either side), to see or reopen."""

    ours: list[CommitmentItem]
    theirs: list[CommitmentItem]
    overdue: int
    stale: int = 0
    stale_after_days: int = 14
    recently_closed: list[CommitmentItem] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class SignalItem:
    """A deal signal with its value and evidence."""

    id: str
    kind: str
    value: SignalValue
    text: str
    evidence: Span
    confidence: float
    occurred_at: datetime
    interaction_id: str | None
    shown: bool = True  # False: kept as a suggestion, not shown by default


@dataclass(frozen=True, kw_only=True, slots=True)
class StageChange:
    """One move of a deal between stages."""

    from_: Annotated[str | None, Field(alias="from")] = _key("from")
    to: str
    at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class DealItem:
    """A deal with its age in stage, last two-way touch and whose court the ball is in."""

    id: str
    name: str
    stage: str
    amount: str | None
    currency: str | None
    close_date: date | None
    owner: str | None
    days_in_stage: int
    last_two_way_touch: datetime | None
    ball_in_court: str | None
    stage_history: list[StageChange]
    # why the ball is where it is ("We owe an overdue promise: send the revised quote")
    ball_reason: str | None = None
    # the commitment the reason names (for its evidence and a deep link), if any
    ball_commitment_id: str | None = None
    # an open deal sitting too long in its stage, or with no two-way touch for 21 days
    stale: bool = False
    stale_reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthReason:
    """One factor of the health score and what it added or took away."""

    factor: str
    effect: int
    detail: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Health:
    """Relationship health 0-100, its label and the reasons behind it."""

    score: int
    label: str
    reasons: list[HealthReason]


@dataclass(frozen=True, kw_only=True, slots=True)
class FunctionThreads:
    """A function's (support's, finance's ...) open threads with this customer: whose turn it
    is, and how long the oldest of those waiting on us has waited."""

    function: str
    waiting_on_us: int
    waiting_on_them: int
    oldest_wait_days: int | None
    latest_subject: str | None
    latest_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Teammate:
    """A seller of ours who knows this person, and how well."""

    user_id: str
    name: str | None
    email: str
    interactions: int
    last_interaction_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class EngagedPerson:
    """Someone at the account who wrote to us, heard from us or met us in 90 days: one of
    its contacts, or (``contact_id`` None) a person at its domain we keep no contact for."""

    contact_id: str | None
    name: str | None
    title: str | None  # from their signature (or a seller's correction)
    email: str | None
    sent: int  # emails from them
    received: int  # emails from us to them
    meetings: int  # meetings held with them
    last_touch_at: datetime
    # their part in the deal, from decision-maker signals that name them ("cfo")
    roles: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class MentionedPerson:
    """Someone the mail says has a part in the decision (a decision-maker signal): linked to
    the account's contact when the words name them or their title, else the role alone; or
    (``source`` "mail") someone the mail names with their role ("Zeynep Fontaine (Finance
    Business Partner)"), linked when one of the account's contacts has that name."""

    role: str  # "cfo", "procurement lead", "decision maker"
    contact_id: str | None
    name: str | None
    title: str | None
    engaged: bool  # the contact is among the engaged people
    text: str  # the words that say it (empty when the viewer may not read them)
    interaction_id: str | None
    mentioned_at: datetime
    source: str = "signal"  # "signal": a decision-maker signal; "mail": named with a role


@dataclass(frozen=True, kw_only=True, slots=True)
class Stakeholders:
    """The account's people: engaged in 90 days (most recent first) and mentioned with their
    roles; single-threaded when only one of them was engaged in 30 days while a deal is open."""

    engaged: list[EngagedPerson]
    mentioned: list[MentionedPerson]
    engaged_30d: int
    single_threaded: bool
    single_threaded_reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Story:
    """Everything the sidebar shows for a person, or for an account known by its domain only
    (then ``contact`` is None and ``address`` is the address asked for)."""

    contact: StoryContact | None
    account: AccountCard | None
    timeline: Timeline
    commitments: Commitments
    signals: list[SignalItem]
    deals: list[DealItem]
    health: Health
    team: list[Teammate]
    generated_at: datetime
    address: str | None = None
    # open threads of the team mailboxes (support, finance ...), most waiting on us first
    team_threads: list[FunctionThreads] = field(default_factory=list)
    # the account's people (None without an account)
    stakeholders: Stakeholders | None = None
    # signals beyond those returned (the story returns at most story_sql.SIGNAL_LIMIT)
    signals_more: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class StoryOf:
    """One address's answer in a several-address request."""

    address: str
    found: bool
    story: Story | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Stories:
    """The stories of everyone on an open email, in the order asked."""

    stories: list[StoryOf]


@dataclass(frozen=True, kw_only=True, slots=True)
class ContactPage:
    """A page of contacts, most active first."""

    page: int
    page_size: int
    has_more: bool
    items: list[ContactCard]


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountPage:
    """A page of accounts, most active first."""

    page: int
    page_size: int
    has_more: bool
    items: list[AccountCard]


_NAMES: dict[type, list[tuple[str, str]]] = {}


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass as a dict under its JSON keys (orjson calls this for each dataclass)."""
    names = _NAMES.get(type(value))
    if names is None:
        try:
            names = [(f.name, f.metadata.get("json", f.name)) for f in fields(value)]
        except TypeError:
            raise TypeError(f"{type(value).__name__} is not JSON serialisable") from None
        _NAMES[type(value)] = names
    return {key: getattr(value, name) for name, key in names}


def to_json(value: Any) -> bytes:
    """The value (a story, a card, a list of them) as JSON, with each field under its key."""
    return orjson.dumps(value, default=_fields, option=orjson.OPT_PASSTHROUGH_DATACLASS)
