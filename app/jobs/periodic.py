"""The periodic jobs and how often they run: one table for Celery beat (production) and the
inline scheduler (the embedded default), so both run the same work on the same clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Periodic:
    """A job run every ``every``; the first run comes ``first_after`` the scheduler starts."""

    job: str
    every: timedelta
    first_after: timedelta


PERIODIC: dict[str, Periodic] = {
    "renew-subscriptions": Periodic("renew_subscriptions", timedelta(minutes=30),
                                    timedelta(minutes=1)),
    "safety-net-sync": Periodic("safety_net", timedelta(minutes=15), timedelta(minutes=15)),
    # cards go out within five minutes of their lead time (default an hour before); the first
    # round right after start, so a restart never delays a card by a whole period
    "meeting-prep": Periodic("prep_round", timedelta(minutes=5), timedelta(seconds=5)),
    # an escalation to support reaches the account's owner within five minutes
    "team-handoffs": Periodic("handoff_round", timedelta(minutes=5), timedelta(seconds=20)),
    # nudges: what needs a seller, within a quarter of an hour of their working day starting;
    # the first round soon after start, so a restart never holds one back a whole period
    "nudges": Periodic("nudge_round", timedelta(minutes=15), timedelta(seconds=15)),
    # retention counts in days: an hourly pass keeps text at most an hour past its limit
    "retention": Periodic("drop_old_text", timedelta(hours=1), timedelta(minutes=10)),
}
