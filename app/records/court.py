"""Whose court the ball is in, and why, from what each side owes and who wrote last.

In our court when we owe an overdue promise, when the customer asked something of us that is
still open, or when their last mail has no reply from us; in theirs when they owe us and we
have nothing pending, or when we wrote last. Suggestions (not shown by default) and stale
items (undated and old, see :mod:`.ageing`) decide nothing: they wait for the seller to
confirm or date them. Pure, so the story and what a viewer may see of it agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .story_types import CommitmentItem


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _ago(at: datetime, now: datetime) -> str:
    days = (now - at).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def _live(items: Sequence[CommitmentItem]) -> list[CommitmentItem]:
    return [c for c in items if c.shown and c.status == "open" and not c.stale]


def ball_in_court(*, ours: Sequence[CommitmentItem], theirs: Sequence[CommitmentItem],
                  last_in: datetime | None, last_out: datetime | None,
                  now: datetime) -> tuple[str | None, str | None]:
    """``("ours" | "theirs" | None, the reason in the seller's words)``."""
    mine, owed = _live(ours), _live(theirs)
    late = sorted((c for c in mine if c.overdue), key=lambda c: c.due_on or date.max)
    if late:
        first = late[0]
        due = _day(first.due_on) if first.due_on else ""
        if len(late) == 1:
            return "ours", f"We owe an overdue promise: {first.action} (due {due})"
        return "ours", (f"We owe {len(late)} overdue promises, the oldest: {first.action} "
                        f"(due {due})")
    asked = sorted((c for c in mine if c.kind == "request"), key=lambda c: c.created_at)
    if asked:
        first = asked[0]
        more = f" (and {len(asked) - 1} more)" if len(asked) > 1 else ""
        return "ours", (f"They asked us to {first.action} {first.age_days} days ago; it is "
                        f"still open{more}" if first.age_days > 1 else
                        f"They asked us to {first.action}; it is still open{more}")
    if last_in is not None and (last_out is None or last_in > last_out):
        return "ours", f"Their last mail ({_ago(last_in, now)}) has no reply from us"
    if owed:
        first = sorted(owed, key=lambda c: (c.due_on is None, c.due_on or date.max))[0]
        due = f" (due {_day(first.due_on)})" if first.due_on else ""
        if len(owed) == 1:
            return "theirs", f"They owe us: {first.action}{due}; nothing is pending on our side"
        return "theirs", (f"They owe us {len(owed)} things, first: {first.action}{due}; "
                          "nothing is pending on our side")
    if last_out is not None:
        return "theirs", f"We wrote last ({_ago(last_out, now)}); waiting on their reply"
    return None, None
