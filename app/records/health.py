"""Relationship health: a 0-100 score from recency, frequency, reciprocity, response times
and open risks, with the reasons that moved it, so a seller can trust (or dispute) it."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .story_types import Health, HealthReason

TEAM_WAIT_DAYS = 2  # a support or finance thread unanswered this long weighs on health


@dataclass(frozen=True)
class HealthInputs:
    """Facts about one relationship, gathered by the story query."""

    now: datetime
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None
    inbound_total: int
    outbound_total: int
    recent_30d: int
    prior_60d: int
    # newest first: (occurred_at, direction, thread_id)
    recent: list[tuple[datetime, str, str | None]] = field(default_factory=list)
    open_risks: int = 0
    overdue_ours: int = 0
    # risk signals in 30 days that came through team mailboxes, by function
    team_risks: Mapping[str, int] = field(default_factory=dict)
    # (function, days the oldest of its threads has waited on us)
    team_waiting: list[tuple[str, int]] = field(default_factory=list)


def _reply_hours(recent: list[tuple[datetime, str, str | None]], replier: str) -> list[float]:
    """Hours between a message and the other side's next message in the same thread."""
    hours = []
    by_thread: dict[str, list[tuple[datetime, str]]] = {}
    for at, direction, thread in recent:
        if thread:
            by_thread.setdefault(thread, []).append((at, direction))
    for items in by_thread.values():
        items.sort()
        for (a_at, a_dir), (b_at, b_dir) in zip(items, items[1:], strict=False):
            if a_dir != b_dir and b_dir == replier:
                hours.append((b_at - a_at).total_seconds() / 3600)
    return hours


def score_health(h: HealthInputs) -> Health:
    """The score, a label (good / fair / at_risk) and the reasons with their effect."""
    reasons: list[HealthReason] = []

    def add(factor: str, points: int, detail: str) -> None:
        reasons.append(HealthReason(factor=factor, effect=points, detail=detail))

    last_two_way = min(
        (t for t in (h.last_inbound_at, h.last_outbound_at) if t), default=None
    ) if h.last_inbound_at and h.last_outbound_at else None
    if last_two_way is None:
        add("recency", 0, "no two-way exchange yet")
    else:
        days = (h.now - last_two_way).days
        pts = 30 if days <= 7 else 20 if days <= 30 else 10 if days <= 90 else 0
        add("recency", pts, f"last two-way exchange {days} days ago")

    rate_recent, rate_prior = h.recent_30d / 30, h.prior_60d / 60
    if h.recent_30d == 0:
        add("frequency", 0, "no interactions in the last 30 days")
    elif rate_prior and rate_recent < rate_prior * 0.5:
        add("frequency", 5, f"{h.recent_30d} interactions in 30 days, down from before")
    else:
        add("frequency", 20, f"{h.recent_30d} interactions in the last 30 days")

    unanswered = 0
    for _at, direction, _t in h.recent:
        if direction != "outbound":
            break
        unanswered += 1
    if h.inbound_total == 0:
        add("reciprocity", 0, "they have never written to us")
    elif unanswered >= 3:
        add("reciprocity", 5, f"our last {unanswered} messages are unanswered")
    else:
        add("reciprocity", 20, f"{h.inbound_total} from them, {h.outbound_total} from us")

    theirs = _reply_hours(h.recent, "inbound")
    if theirs:
        median = statistics.median(theirs)
        pts = 15 if median <= 24 else 8 if median <= 72 else 0
        add("response_time", pts, f"they reply in {median:.0f} h (median)")
    else:
        add("response_time", 0, "no replies from them to measure")

    if h.open_risks:
        via = ", ".join(f"{n} through {fn.capitalize()}" for fn, n in sorted(h.team_risks.items()))
        add("risks", -min(30, 10 * h.open_risks),
            f"{h.open_risks} risk signal(s) in 30 days" + (f" ({via})" if via else ""))
    late = [(fn, days) for fn, days in h.team_waiting if days >= TEAM_WAIT_DAYS]
    if late:
        add("team_threads", -min(10, 5 * len(late)), "; ".join(
            f"{fn.capitalize()} has kept them waiting {days} days" for fn, days in late))
    if h.overdue_ours:
        add("overdue", -min(15, 5 * h.overdue_ours), f"{h.overdue_ours} of our promises overdue")

    score = max(0, min(100, sum(r.effect for r in reasons) + 15))
    label = "good" if score >= 70 else "fair" if score >= 40 else "at_risk"
    if label == "good" and h.overdue_ours:
        # a relationship where we are late on what we promised is not good, whatever the
        # traffic says: the label waits for the promises (the score keeps its sum)
        label = "fair"
        verb = "is" if h.overdue_ours == 1 else "are"
        add("overdue_cap", 0, f"{h.overdue_ours} of our promises {verb} overdue: health "
            "cannot be Good until they are done")
    return Health(score=score, label=label, reasons=reasons)

