"""What needs a seller's attention, read from the record: their promises due or overdue, what
customers owe them, customer mail nobody on our side answered, deals going cold or hanging on
one person, and new risk signals. Pure queries giving :class:`AttentionItem`; nothing here sends
anything (app/prep/nudges.py turns the items into Teams nudges, the home view lists them).

Every function answers for one seller: a team mailbox (support@, billing@) gets nothing, and
nothing is read from mail the seller may not see (app/records/visibility.py): an item whose
source is hidden from them is not there, and the words of mail they see only by subject are
not quoted.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .attention_deals import deals_needing_attention
from .attention_types import (
    RISK_KINDS,
    AttentionItem,
    AttentionOptions,
    day_label,
    names,
    seller,
    stale_promise_days,
    zone_of,
)
from .models import (
    Commitment,
    Deal,
    Interaction,
    InteractionMailbox,
    Participant,
    Signal,
)
from .models.deals import OPEN_STAGES
from .visibility import RANK, Viewer

__all__ = [
    "RISK_KINDS", "AttentionItem", "AttentionOptions", "attention_for", "business_hours_between",
    "deals_needing_attention", "new_risks", "promises_due", "stale_promise_days",
    "stale_promises", "theirs_due", "unanswered_mail",
]

TRUSTED_RISKS = frozenset({"escalation", "churn"})  # count even when not shown by default
UNANSWERED_LOOKBACK_DAYS = 14  # older unanswered mail is history, not a nudge
URGENCY = {"risk": 0, "promise_due": 1, "unanswered": 2, "deal_cold": 3, "single_threaded": 4}


def _open_due(session: Session, tenant_id: uuid.UUID, today: date,
              *conditions: sa.ColumnElement[bool]) -> list[tuple[Commitment, str | None]]:
    """Open, shown commitments with a due date of today or before, not snoozed past today,
    whose source mail is not deleted, with that mail's subject; oldest due first."""
    return [(c, subject) for c, subject in session.execute(
        sa.select(Commitment, Interaction.subject)
        .outerjoin(Interaction, sa.and_(Interaction.tenant_id == Commitment.tenant_id,
                                        Interaction.id == Commitment.interaction_id))
        .where(Commitment.tenant_id == tenant_id, Commitment.status == "open",
               Commitment.shown.is_(True), Commitment.due_on.is_not(None),
               Commitment.due_on <= today,
               sa.or_(Commitment.snoozed_until.is_(None), Commitment.snoozed_until <= today),
               sa.or_(Interaction.id.is_(None), Interaction.deleted_at.is_(None)), *conditions)
        .order_by(Commitment.due_on, Commitment.created_at))]


def _late(due: date, today: date) -> str:
    days = (today - due).days
    if days <= 0:
        return "it is due today"
    return f"it is {days} day{'s' if days != 1 else ''} overdue"



def _due_item(c: Commitment, subject: str | None, side: str, said: str,
              accounts: dict[uuid.UUID, str], contacts: dict[uuid.UUID, str],
              today: date) -> AttentionItem:
    """A dated commitment that is due or overdue, owed by ``side`` (``said``: who owes what)."""
    assert c.due_on is not None
    return AttentionItem(
        kind="promise_due",
        dedupe_key=f"{'promise_due' if side == 'us' else 'theirs_due'}:{c.id}:"
                   f"{c.due_on.isoformat()}",
        subject_id=c.id, account_id=c.account_id,
        account_name=accounts.get(c.account_id) if c.account_id else None,
        contact_id=c.contact_id,
        contact_name=contacts.get(c.contact_id) if c.contact_id else None, title=c.action,
        reason=f"{said} by {day_label(c.due_on)}; {_late(c.due_on, today)}.",
        evidence={"side": side, "commitment": c.kind, "action": c.action, "text": c.text,
                  "due_on": c.due_on.isoformat(), "days_overdue": (today - c.due_on).days,
                  "subject": subject or ""},
        due_on=c.due_on, occurred_at=c.created_at, interaction_id=c.interaction_id)

def promises_due(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID, today: date,
                 stale_days: int) -> list[AttentionItem]:
    """What the seller owes, due today or overdue: their open, shown promises (and the
    customers' requests of them) with a due date, not snoozed. A promise WITHOUT a due date
    is never due: after ``stale_days`` it is stale (:func:`stale_promises`), not overdue."""
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    rows = _open_due(session, tenant_id, today, Commitment.side == "us",
                     Commitment.owner_user_id == user_id)
    accounts, contacts = names(session, tenant_id, {c.account_id for c, _s in rows},
                               {c.contact_id for c, _s in rows})
    out = []
    for c, subject in rows:
        assert c.due_on is not None
        who = contacts.get(c.contact_id) if c.contact_id else None
        who = who or (accounts.get(c.account_id) if c.account_id else None) or "the customer"
        said = (f"You promised {who} to {c.action}" if c.kind == "promise"
                else f"{who} asked you to {c.action}")
        out.append(_due_item(c, subject, "us", said, accounts, contacts, today))
    return out


def stale_promises(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                   today: date, stale_days: int) -> list[uuid.UUID]:
    """Ids of the seller's open promises without a due date made more than ``stale_days``
    ago: off the overdue list, never nudged; the seller may give them a date or close them."""
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    before = datetime.combine(today - timedelta(days=stale_days), datetime.min.time(), UTC)
    return list(session.scalars(sa.select(Commitment.id).where(
        Commitment.tenant_id == tenant_id, Commitment.side == "us",
        Commitment.owner_user_id == user_id, Commitment.status == "open",
        Commitment.shown.is_(True), Commitment.due_on.is_(None),
        Commitment.created_at < before).order_by(Commitment.created_at)))


def _held_by(tenant_id: uuid.UUID, user_id: uuid.UUID) -> sa.CompoundSelect[Any]:
    """Ids of the interactions in the seller's mailbox or with them on it."""
    return sa.union(
        sa.select(InteractionMailbox.interaction_id).where(
            InteractionMailbox.tenant_id == tenant_id, InteractionMailbox.user_id == user_id),
        sa.select(Participant.interaction_id).where(
            Participant.tenant_id == tenant_id, Participant.user_id == user_id))


def theirs_due(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
               today: date) -> list[AttentionItem]:
    """What customers owe this seller, due today or overdue: their open promises (and our
    requests of them) found in mail the seller holds. For "My day"; never a nudge."""
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    rows = _open_due(session, tenant_id, today, Commitment.side == "them",
                     Commitment.interaction_id.in_(_held_by(tenant_id, user_id)))
    accounts, contacts = names(session, tenant_id, {c.account_id for c, _s in rows},
                               {c.contact_id for c, _s in rows})
    out = []
    for c, subject in rows:
        assert c.due_on is not None
        who = (contacts.get(c.contact_id) if c.contact_id else None) or "The customer"
        said = (f"{who} promised to {c.action}" if c.kind == "promise"
                else f"You asked {who} to {c.action}")
        out.append(_due_item(c, subject, "them", said, accounts, contacts, today))
    return out


def business_hours_between(start: datetime, end: datetime, zone: str) -> float:
    """Hours from ``start`` to ``end`` that fall on a weekday (Monday to Friday, all 24 of
    its hours) on the clock of ``zone``: a mail that came in on Friday at 17:00 is 24
    business hours old on Monday at 17:00. Holidays are not known, so they count."""
    tz = zone_of(zone)
    cursor, stop = start.astimezone(tz), end.astimezone(tz)
    total = 0.0
    while cursor < stop:
        next_day = datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time(), tz)
        upto = min(next_day, stop)
        if cursor.weekday() < 5:
            total += (upto.astimezone(UTC) - cursor.astimezone(UTC)).total_seconds() / 3600
        cursor = upto
    return total


def unanswered_mail(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                    now: datetime, business_hours: int, zone: str) -> list[AttentionItem]:
    """Customer mail waiting on the seller: the latest message of a thread they hold is
    inbound (from a customer), nobody on our side (any seller or team mailbox) has written
    in the thread since, and it is more than ``business_hours`` weekday hours old on the
    seller's clock (:func:`business_hours_between`). Only mail of the last
    :data:`UNANSWERED_LOOKBACK_DAYS` days; mail sent to a colleague with the seller only on
    cc is the colleague's to answer. Automated and bulk mail is never recorded, so never
    here; mail the seller does not hold (a colleague's private mail) is not either."""
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    since = now - timedelta(days=UNANSWERED_LOOKBACK_DAYS)
    mine = session.scalars(
        sa.select(Interaction).where(
            Interaction.tenant_id == tenant_id, Interaction.kind == "email",
            Interaction.direction == "inbound", Interaction.deleted_at.is_(None),
            Interaction.occurred_at >= since, Interaction.occurred_at <= now,
            Interaction.id.in_(_held_by(tenant_id, user_id)))
        .order_by(Interaction.occurred_at)).all()
    if not mine:
        return []
    latest: dict[str, Interaction] = {}
    threads = {i.thread_id for i in mine if i.thread_id}
    if threads:
        for i in session.scalars(sa.select(Interaction).where(
                Interaction.tenant_id == tenant_id, Interaction.thread_id.in_(threads),
                Interaction.deleted_at.is_(None), Interaction.kind == "email")
                .order_by(Interaction.occurred_at, Interaction.created_at)):
            latest[i.thread_id or ""] = i  # oldest first: the last one kept is the newest
    waiting = [i for i in mine
               if (latest.get(i.thread_id) is i if i.thread_id else True)
               and business_hours_between(i.occurred_at, now, zone) > business_hours]
    if not waiting:
        return []
    roles: dict[uuid.UUID, list[tuple[str, uuid.UUID | None, uuid.UUID | None, str]]] = {}
    for iid, role, uid, cid, name in session.execute(
            sa.select(Participant.interaction_id, Participant.role, Participant.user_id,
                      Participant.contact_id, Participant.name).where(
                Participant.tenant_id == tenant_id,
                Participant.interaction_id.in_([i.id for i in waiting]))):
        roles.setdefault(iid, []).append((role, uid, cid, name))
    levels = Viewer.load(session, tenant_id=tenant_id, user_id=user_id).levels(
        i.id for i in waiting)
    contacts_of = {i.id: next((cid for role, _u, cid, _n in roles.get(i.id, [])
                               if role == "from" and cid), None) for i in waiting}
    accounts, contacts = names(session, tenant_id, {i.account_id for i in waiting},
                               set(contacts_of.values()))
    out = []
    for i in waiting:
        people = roles.get(i.id, [])
        to_me = any(uid == user_id and role == "to" for role, uid, _c, _n in people)
        to_colleague = any(uid and uid != user_id and role == "to"
                           for role, uid, _c, _n in people)
        if (not to_me and to_colleague) or levels.get(str(i.id), "hidden") != "full":
            continue
        cid = contacts_of[i.id]
        sender = contacts.get(cid) if cid else None
        sender = sender or next((n for role, _u, _c, n in people if role == "from" and n),
                                i.from_address or "A customer")
        hours = business_hours_between(i.occurred_at, now, zone)
        local = i.occurred_at.astimezone(zone_of(zone))
        out.append(AttentionItem(
            kind="unanswered", dedupe_key=f"unanswered:{i.id}", subject_id=i.id,
            account_id=i.account_id,
            account_name=accounts.get(i.account_id) if i.account_id else None,
            contact_id=cid, contact_name=contacts.get(cid) if cid else None,
            title=i.subject or "(no subject)",
            reason=(f"{sender} wrote \u201c{i.subject or '(no subject)'}\u201d on "
                    f"{day_label(local.date())} at {local:%H:%M} and nobody on our side has "
                    f"replied; {int(hours)} business hours have passed."),
            evidence={"subject": i.subject, "from": i.from_address or "",
                      "received_at": i.occurred_at.isoformat(),
                      "business_hours": int(hours), "snippet": i.snippet},
            occurred_at=i.occurred_at, interaction_id=i.id))
    return out


def _risk_subtype(value: Any) -> str:
    subtype = value.get("subtype") if isinstance(value, dict) else value
    return str(subtype or "").strip().lower()


def _works_with(tenant_id: uuid.UUID, user_id: uuid.UUID) -> sa.ColumnElement[bool]:
    """A clause on ``signals``: on the account of one of the seller's open deals, or found
    in mail the seller holds. A colleague who once mailed the same person is not told: the
    one who works the account is (and a team mailbox's alerts go by app/prep/handoff.py)."""
    deals = sa.select(Deal.account_id).where(
        Deal.tenant_id == tenant_id, Deal.owner_user_id == user_id,
        Deal.stage.in_(OPEN_STAGES))
    return sa.or_(Signal.account_id.in_(deals),
                  Signal.interaction_id.in_(_held_by(tenant_id, user_id)))


def new_risks(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID, since: datetime,
              kinds: tuple[str, ...] = RISK_KINDS) -> list[AttentionItem]:
    """Risk signals of ``kinds`` (churn, escalation, cancel) found after ``since`` in mail
    the seller may see, on accounts of their open deals or in their own mail; the signal's
    words are quoted only where the seller may read the mail.

    A signal counts when the extraction shows it, or when it is an escalation or a churn
    threat (:data:`TRUSTED_RISKS`): the calibration shows no risk signal by default yet,
    and these two, like the team-mailbox handoff (app/records/handoffs.py), are worth
    hearing of at once; a bare "cancel" ("I had to cancel our call") needs ``shown``."""
    if seller(session, tenant_id=tenant_id, user_id=user_id) is None:
        return []
    found = session.execute(
        sa.select(Signal, Interaction.subject)
        .join(Interaction, sa.and_(Interaction.tenant_id == Signal.tenant_id,
                                   Interaction.id == Signal.interaction_id))
        .where(Signal.tenant_id == tenant_id, Signal.kind == "risk",
               Signal.occurred_at > since, Interaction.deleted_at.is_(None),
               _works_with(tenant_id, user_id))
        .order_by(Signal.occurred_at)).all()
    wanted = {k.lower() for k in kinds}
    rows = [(s, subject) for s, subject in found if _risk_subtype(s.value) in wanted
            and (s.shown or _risk_subtype(s.value) in TRUSTED_RISKS)]
    levels = Viewer.load(session, tenant_id=tenant_id, user_id=user_id).levels(
        s.interaction_id for s, _x in rows if s.interaction_id)
    accounts, contacts = names(session, tenant_id, {s.account_id for s, _x in rows},
                               {s.contact_id for s, _x in rows})
    out = []
    for s, subject in rows:
        level = levels.get(str(s.interaction_id), "hidden")
        if RANK[level] < RANK["subject"]:
            continue
        subtype = _risk_subtype(s.value)
        who = (contacts.get(s.contact_id) if s.contact_id else None) \
            or (accounts.get(s.account_id) if s.account_id else None) or "A customer"
        words = s.text if level == "full" else ""
        said = f": \u201c{words}\u201d" if words else f" in \u201c{subject}\u201d"
        out.append(AttentionItem(
            kind="risk", dedupe_key=f"risk:{s.id}", subject_id=s.id, account_id=s.account_id,
            account_name=accounts.get(s.account_id) if s.account_id else None,
            contact_id=s.contact_id,
            contact_name=contacts.get(s.contact_id) if s.contact_id else None,
            title=f"{subtype.capitalize()} risk: {subject}" if subject else
            f"{subtype.capitalize()} risk",
            reason=f"{who} wrote of {_RISK_WORDS.get(subtype, subtype)} on "
                   f"{day_label(s.occurred_at.date())}{said}",
            evidence={"risk": subtype, "text": words, "subject": subject,
                      "occurred_at": s.occurred_at.isoformat()},
            occurred_at=s.occurred_at, interaction_id=s.interaction_id))
    return out


_RISK_WORDS = {"churn": "leaving", "escalation": "escalating", "cancel": "cancelling"}


def attention_for(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                  now: datetime, options: AttentionOptions) -> list[AttentionItem]:
    """Every nudge-worthy item for one seller, most urgent first: new risks, then their
    promises due (most overdue first), unanswered mail (oldest first), cold deals,
    single-threaded deals. Days are the seller's, in their time zone."""
    user = seller(session, tenant_id=tenant_id, user_id=user_id)
    if user is None:
        return []
    zone = user.time_zone or "UTC"
    today = now.astimezone(zone_of(zone)).date()
    items = [
        *new_risks(session, tenant_id=tenant_id, user_id=user_id,
                   since=now - timedelta(days=options.risk_days), kinds=options.risk_kinds),
        *promises_due(session, tenant_id=tenant_id, user_id=user_id, today=today,
                      stale_days=options.stale_promise_days),
        *unanswered_mail(session, tenant_id=tenant_id, user_id=user_id, now=now,
                         business_hours=options.unanswered_hours, zone=zone),
        *deals_needing_attention(session, tenant_id=tenant_id, user_id=user_id, now=now,
                                 options=options),
    ]
    return sorted(items, key=lambda i: (URGENCY.get(i.kind, 9), _when(i)))


def _when(item: AttentionItem) -> datetime:
    if item.due_on is not None:
        return datetime.combine(item.due_on, datetime.min.time(), UTC)
    return item.occurred_at or datetime.max.replace(tzinfo=UTC)
