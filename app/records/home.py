"""The seller's home, "My day": what needs them today across every customer, in sections
(what I owe, what they owe me, customer mail waiting on me, deals that need me, new risks),
each item with its reason and the story it opens.

The items come from app/records/attention.py, the same rules the Teams nudges are sent by, so
the home and the nudges never disagree; this module only sorts them into sections, counts
them and gives each one a story to open (a deal's: the account's most active contact the
seller may see, as the deal rules name nobody).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound

from .attention import AttentionItem, AttentionOptions, attention_for, theirs_due
from .attention_types import zone_of
from .models import Contact, User
from .visibility import Viewer

# Deal items name no person: their story is the account's most active contact's.
DEAL_KINDS = frozenset({"deal_cold", "single_threaded"})
# Which section each attention kind goes to ("promise_due" items of attention_for are ours;
# what customers owe comes from theirs_due).
SECTION_OF = {"promise_due": "ours", "unanswered": "unanswered", "deal_cold": "deals",
              "single_threaded": "deals", "risk": "risks"}


@dataclass(frozen=True, kw_only=True, slots=True)
class DayItem:
    """One thing to act on: what (``title``), why (``reason``, ``evidence``), for whom, and
    the story the pane opens: the contact's (``story_contact_id``), else the story of the
    address the mail came from (``story_email``: a sender who is no contact, whose account's
    story that is); neither: no story to open."""

    key: str
    kind: str
    title: str
    reason: str
    contact_id: str | None
    contact_name: str | None
    account_id: str | None
    account_name: str | None
    due_on: date | None
    occurred_at: datetime | None
    interaction_id: str | None
    subject_id: str
    story_contact_id: str | None
    story_email: str | None
    evidence: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class DaySection:
    """The items of one section, most urgent first; ``count`` is all of them, ``items`` at
    most the limit asked for."""

    count: int
    items: list[DayItem]


@dataclass(frozen=True, kw_only=True, slots=True)
class MyDay:
    """The seller's day: promises both ways due or overdue, unanswered customer mail, deals
    that need attention and new risks, for ``today`` on the seller's clock."""

    today: date
    time_zone: str
    ours: DaySection
    theirs: DaySection
    unanswered: DaySection
    deals: DaySection
    risks: DaySection
    generated_at: datetime


def _story_contacts(session: Session, *, tenant_id: uuid.UUID, viewer: Viewer,
                    accounts: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Per account, its most active live contact the viewer may see (whose story a deal's
    item opens)."""
    if not accounts:
        return {}
    out: dict[uuid.UUID, uuid.UUID] = {}
    for account_id, contact_id in session.execute(
            sa.select(Contact.account_id, Contact.id).where(
                Contact.tenant_id == tenant_id, Contact.account_id.in_(accounts),
                Contact.merged_into.is_(None), viewer.visible_contacts())
            .order_by(Contact.interaction_count.desc(), Contact.id)):
        if account_id is not None:
            out.setdefault(account_id, contact_id)
    return out


def _item(a: AttentionItem, story_contact: uuid.UUID | None) -> DayItem:
    text = lambda value: str(value) if value else None  # noqa: E731
    sender = a.evidence.get("from") if a.contact_id is None else None
    return DayItem(
        key=a.dedupe_key, kind=a.kind, title=a.title, reason=a.reason,
        contact_id=text(a.contact_id), contact_name=a.contact_name,
        account_id=text(a.account_id), account_name=a.account_name, due_on=a.due_on,
        occurred_at=a.occurred_at, interaction_id=text(a.interaction_id),
        subject_id=str(a.subject_id), story_contact_id=text(a.contact_id or story_contact),
        story_email=sender if isinstance(sender, str) and "@" in sender else None,
        evidence=dict(a.evidence))


def my_day(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID, now: datetime,
           options: AttentionOptions, limit: int) -> MyDay:
    """The seller's day at ``now``, at most ``limit`` items per section (counts are whole).
    A team mailbox's "day" is empty: its work is its function's, not one seller's."""
    user = session.get(User, (tenant_id, user_id))
    if user is None:
        raise NotFound("no such seller in your tenant")
    zone = user.time_zone or "UTC"
    today = now.astimezone(zone_of(zone)).date()
    sections: dict[str, list[AttentionItem]] = {name: [] for name in
                                                ("ours", "theirs", "unanswered", "deals",
                                                 "risks")}
    for a in attention_for(session, tenant_id=tenant_id, user_id=user_id, now=now,
                           options=options):
        section = SECTION_OF.get(a.kind)
        if section is not None:
            sections[section].append(a)
    sections["theirs"] = theirs_due(session, tenant_id=tenant_id, user_id=user_id, today=today)
    shown = {name: items[:limit] for name, items in sections.items()}
    viewer = Viewer.load(session, tenant_id=tenant_id, user_id=user_id)
    nobody = {a.account_id for items in shown.values() for a in items
              if a.kind in DEAL_KINDS and a.contact_id is None and a.account_id is not None}
    stories = _story_contacts(session, tenant_id=tenant_id, viewer=viewer,
                              accounts={a for a in nobody if a is not None})
    parts = {name: DaySection(count=len(sections[name]), items=[
        _item(a, stories.get(a.account_id) if a.kind in DEAL_KINDS and a.account_id else None)
        for a in items])
        for name, items in shown.items()}
    return MyDay(today=today, time_zone=zone, generated_at=now, **parts)
