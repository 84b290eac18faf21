"""Whose court the ball is in, and why, from what each side owes and who wrote last.

In our court when we owe an overdue promise, when the customer asked something of us that is
still open, or when their last mail has no reply from us; in theirs when they owe us and we
have nothing pending, or when we wrote last. Suggestions (not shown by default) and stale
items (undated and old, see :mod:`.ageing`) decide nothing: they wait for the seller to
confirm or date them. The facts are the account's (a deal is the account's), so every
person's story of one account tells the same court. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from .story_types import CommitmentItem


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _ago(at: datetime, now: datetime) -> str:
    days = (now - at).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


class Court(NamedTuple):
    """Whose move it is (``ours``, ``theirs`` or None), why, and the commitment the reason
    names (None when it names none)."""

    side: str | None
    reason: str | None
    commitment_id: str | None = None


def _live(items: Sequence[CommitmentItem]) -> list[CommitmentItem]:
    return [c for c in items if c.shown and c.status == "open" and not c.stale]


def ball_in_court(*, ours: Sequence[CommitmentItem], theirs: Sequence[CommitmentItem],
                  last_in: datetime | None, last_out: datetime | None,
                  now: datetime) -> Court:
    """Whose court the ball is in, with the reason in the seller's words."""
    mine, owed = _live(ours), _live(theirs)
    late = sorted((c for c in mine if c.overdue), key=lambda c: c.due_on or date.max)
    if late:
        first = late[0]
        due = _day(first.due_on) if first.due_on else ""
        if len(late) == 1:
            return Court("ours", f"We owe an overdue promise: {first.action} (due {due})",
                         first.id)
        return Court("ours", f"We owe {len(late)} overdue promises, the oldest: "
                     f"{first.action} (due {due})", first.id)
    asked = sorted((c for c in mine if c.kind == "request"), key=lambda c: c.created_at)
    if asked:
        first = asked[0]
        more = f" (and {len(asked) - 1} more)" if len(asked) > 1 else ""
        return Court("ours", f"They asked us to {first.action} {first.age_days} days ago; it "
                     f"is still open{more}" if first.age_days > 1 else
                     f"They asked us to {first.action}; it is still open{more}", first.id)
    if last_in is not None and (last_out is None or last_in > last_out):
        return Court("ours", f"Their last mail ({_ago(last_in, now)}) has no reply from us")
    if owed:
        first = sorted(owed, key=lambda c: (c.due_on is None, c.due_on or date.max))[0]
        due = f" (due {_day(first.due_on)})" if first.due_on else ""
        if len(owed) == 1:
            return Court("theirs", f"They owe us: {first.action}{due}; nothing is pending on "
                         "our side", first.id)
        return Court("theirs", f"They owe us {len(owed)} things, first: {first.action}{due}; "
                     "nothing is pending on our side", first.id)
    if last_out is not None:
        return Court("theirs", f"We wrote last ({_ago(last_out, now)}); waiting on their reply")
    return Court(None, None)


def unseen(court: Court) -> str | None:
    """The reason told without the commitment it names (a viewer may not see its mail)."""
    if court.side == "ours":
        return "We owe something from mail you cannot see"
    if court.side == "theirs":
        return "They owe us something from mail you cannot see"
    return None
