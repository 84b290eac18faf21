"""The words of a prep card that are derived, not looked up: the three-line story of what
changed since the last meeting, each attendee's part in the deal, and a suggested agenda.
Pure functions over plain data, so the rules are easy to read and to test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.records.models import DealStage
from app.records.story_types import StageChange

from .text import ago, clip, money, short_day
from .types import CommitmentPrep, DealPrep, MeetingPrep, SignalPrep

SIGNAL_ROLES = {"decision_maker": "Decision maker", "procurement": "Procurement",
                "budget": "Holds the budget"}
TITLE_ROLES = (
    (re.compile(r"\b(procurement|purchasing|buyer|sourcing)\b", re.I), "Procurement"),
    (re.compile(r"\b(legal|counsel|lawyer)\b", re.I), "Legal review"),
    (re.compile(r"\b(security|ciso|compliance)\b", re.I), "Security review"),
    (re.compile(r"\b(ceo|cfo|cto|coo|cio|chief|president|vp|owner|founder|managing)\b", re.I),
     "Executive sponsor"),
    (re.compile(r"\b(head|director|lead)\b", re.I), "Senior stakeholder"),
)
STAGE_AGENDA: dict[str, str] = {  # the open stages; a deal's stage is read as text
    DealStage.LEAD: "Confirm their needs, budget and how they decide",
    DealStage.QUALIFIED: "Agree the scope and what a proposal must cover",
    DealStage.PROPOSAL: "Walk through the proposal and hear their objections",
    DealStage.NEGOTIATION: "Close the open terms and agree the path to signature",
}


@dataclass(frozen=True)
class SinceLast:
    """What happened with the account between its previous meeting and now."""

    previous_at: datetime | None
    previous_subject: str | None
    inbound: int
    outbound: int
    last_at: datetime | None  # the latest interaction before now


def role_for(title: str | None, signal_kinds: set[str]) -> str | None:
    """An attendee's part in the deal: what they signalled first, else what their title says."""
    for kind, label in SIGNAL_ROLES.items():
        if kind in signal_kinds:
            return label
    for pattern, label in TITLE_ROLES:
        if title and pattern.search(title):
            return label
    return None


def signal_value(value: Any) -> str | None:
    """A signal's value as a few words: ``EUR 50,000``, a competitor's name, a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        if "amount" in value:
            return money(str(value["amount"]), value.get("currency"))
        for key in ("name", "competitor", "date", "text", "value"):
            if value.get(key):
                return clip(str(value[key]), 60)
        return None
    if isinstance(value, list):
        return clip(", ".join(str(v) for v in value), 60) or None
    return clip(str(value), 60)


def story_lines(*, account: str | None, since: SinceLast, deal: DealPrep | None,
                stage_moves: list[StageChange], new_signals: list[SignalPrep],
                commitments: list[CommitmentPrep], now: datetime) -> tuple[str, str, str]:
    """Three lines: activity since the last meeting, the deal's movement, what is new or late."""
    who = account or "these people"
    total = since.inbound + since.outbound
    if since.previous_at is not None:
        first = (f"Last met {short_day(since.previous_at.date())} "
                 f"({ago(since.previous_at, now)})"
                 + (f", \u201c{clip(since.previous_subject, 60)}\u201d" if since.previous_subject
                    else "")
                 + f"; since then {total} interaction{'s' if total != 1 else ''} "
                   f"({since.inbound} from them, {since.outbound} from us).")
    elif total:
        first = (f"First meeting with {who} on record; {total} interactions so far, "
                 f"the latest {ago(since.last_at, now) if since.last_at else 'unknown'}.")
    else:
        first = f"First meeting with {who}: nothing on record yet."
    if deal is None:
        second = "No open deal on record."
    elif stage_moves:
        last = stage_moves[-1]
        second = (f"Deal moved {last.from_ or 'new'} \u2192 {last.to} "
                  f"{ago(last.at, now)}; "
                  f"{deal.days_in_stage} days in {deal.stage}.")
    else:
        second = f"Deal still in {deal.stage}, {deal.days_in_stage} days in stage."
    kinds = list(dict.fromkeys(s.kind.replace("_", " ") for s in new_signals))
    overdue = sum(1 for c in commitments if c.overdue and c.side == "us")
    parts = [f"New: {', '.join(kinds[:4])}." if kinds else "No new deal signals."]
    if overdue:
        parts.append(f"{overdue} of our promises {'is' if overdue == 1 else 'are'} overdue.")
    return first, second, " ".join(parts)


def agenda(*, commitments: list[CommitmentPrep], questions: list[CommitmentPrep],
           signals: list[SignalPrep], deal: DealPrep | None, limit: int = 5) -> tuple[str, ...]:
    """A short agenda from what is late, asked, risky or next in the deal; ends on next steps."""
    items: list[str] = []
    late = [c for c in commitments if c.side == "us" and c.overdue]
    for c in late[:2]:  # leave room for their questions and concerns
        items.append(f"Update them on: {c.action} (was due "
                     f"{short_day(c.due_on) if c.due_on else 'earlier'})")
    if len(late) > 2:
        items.append(f"Agree new dates for {len(late) - 2} more overdue promises")
    items += [f"Answer their question: {q.action}" for q in questions[:2]]
    for s in signals:
        if s.kind == "risk":
            items.append(f"Address their concern: {s.evidence or s.value or 'risk raised'}")
            break
    for s in signals:
        if s.kind == "competitor":
            items.append(f"Position us against {s.value or 'the competitor they mentioned'}")
            break
    if deal is not None and deal.stage in STAGE_AGENDA:
        items.append(STAGE_AGENDA[deal.stage])
    theirs = [c for c in commitments if c.side == "them"]
    if theirs:
        items.append(f"Check on what they owe: {theirs[0].action}")
    items = [clip(i, 160) for i in dict.fromkeys(items)][: limit - 1]
    return (*items, "Agree next steps, owners and dates")


def headline(prep: MeetingPrep) -> str | None:
    """The one point a digest shows for a meeting: something late, risky or unanswered."""
    late = next((c for c in prep.commitments if c.side == "us" and c.overdue), None)
    if late is not None:
        return f"Overdue: {late.action}"
    risk = next((s for s in prep.signals if s.kind == "risk"), None)
    if risk is not None:
        return f"Risk: {risk.evidence or risk.value or 'raised'}"
    if prep.open_questions:
        return f"They asked: {prep.open_questions[0].action}"
    if prep.deal is not None and prep.deal.ball_in_court == "ours":
        return f"Ball in our court on {prep.deal.name}"
    return None
