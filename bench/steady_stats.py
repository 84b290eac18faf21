"""Figures of the steady-state benchmark (bench/steady_bench.py): latency percentiles, and
what the Celery logs say about who stored the new mail (notification rounds or the safety
net). Plain functions on plain values, so they are tested without any process running."""

from __future__ import annotations

import ast
import math
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

TASK_DONE = re.compile(r"Task storyline\.(\w+)\[[^\]]+\] succeeded in [0-9.e+-]+s: (.*)$")
BEAT_SENT = re.compile(r"^\[([0-9-]+ [0-9:,]+): INFO/\w+\] Scheduler: Sending due task "
                       r"([\w-]+) ")


def percentile(ordered: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ascending ``ordered`` values: the smallest
    value with at least p % of the values at or below it (no interpolation)."""
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(latencies: Iterable[float], *, missing: int = 0) -> dict[str, Any]:
    """Count, p50, p95, p99, max and mean of capture latencies in seconds (rounded to 0.1),
    and how many messages were never captured. A message never captured counts in the
    percentiles as slower than every captured one: 1 lost message in 20 makes p95 "lost"."""
    values = sorted(latencies)
    out: dict[str, Any] = {"n": len(values), "not_captured": missing}
    total = len(values) + missing
    for name, p in (("p50", 50), ("p95", 95), ("p99", 99)):
        rank = max(1, math.ceil(p / 100 * total)) if total else 0
        out[name] = (round(values[rank - 1], 1) if rank <= len(values) else "not captured") \
            if total else None
    out["max"] = round(values[-1], 1) if values else None
    out["mean"] = round(sum(values) / len(values), 1) if values else None
    return out


def task_results(log_text: str) -> list[tuple[str, dict[str, Any]]]:
    """``(job name, result)`` of every ``storyline.*`` task a Celery worker logged as
    succeeded (``--loglevel INFO``), in log order; a result that is not a dict is skipped."""
    out = []
    for line in log_text.splitlines():
        match = TASK_DONE.search(line)
        if not match:
            continue
        try:
            result = ast.literal_eval(match.group(2))
        except (ValueError, SyntaxError):
            continue
        if isinstance(result, dict):
            out.append((match.group(1), result))
    return out


def stored_by(results: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Messages stored, by the kind of round that stored them: a change notification's
    (``handle_notification``) or a plain delta round (``safety_net_sync``, or ``sync_mailbox``:
    a backfill); and how many notification rounds found their mailbox busy (coalesced into
    the round that held it)."""
    out = {"notification_rounds": 0, "safety_net_rounds": 0, "notification_tasks": 0,
           "coalesced": 0, "sync_tasks": 0}
    for job, result in results:
        if job == "handle_notification":
            out["notification_tasks"] += 1
            sync = result.get("sync") or {}
            out["coalesced"] += sync.get("status") == "coalesced"
            out["notification_rounds"] += int(sync.get("stored") or 0)
        elif job in ("sync_mailbox", "safety_net_sync"):
            out["sync_tasks"] += 1
            out["safety_net_rounds"] += int(result.get("stored") or 0)
    return out


def queue_depth(broker: Any) -> int:
    """Jobs waiting on the Celery queue: the sum of its priority lists (``celery`` and
    ``celery:1`` .. ``celery:9``, app/jobs/celery_app.py)."""
    return sum(int(broker.llen(name)) for name in
               ["celery", *(f"celery:{p}" for p in range(1, 10))])


def beat_sends(log_text: str, entry: str = "safety-net-sync") -> list[str]:
    """The local times (as beat logged them) at which beat sent ``entry``."""
    return [m.group(1) for line in log_text.splitlines()
            if (m := BEAT_SENT.match(line)) and m.group(2) == entry]


def arrivals(rate: float, seconds: float, even: bool, rng: random.Random) -> list[float]:
    """Offsets in seconds at which messages arrive: Poisson at ``rate`` a minute, or evenly."""
    if even:
        return [i * 60 / rate for i in range(int(seconds * rate / 60))]
    out, t = [], rng.expovariate(rate / 60)
    while t < seconds:
        out.append(t)
        t += rng.expovariate(rate / 60)
    return out


def bursts(fires: list[float], queue: list[tuple[float, int]]) -> list[tuple[float, float]]:
    """Each safety net's span, from ``(time, Celery queue depth)`` samples: from when it was
    sent until the queue, having filled with its delta rounds, was empty again (or the next
    safety net, or the last sample)."""
    spans = []
    ordered = sorted(fires)
    for n, fired in enumerate(ordered):
        until = ordered[n + 1] if n + 1 < len(ordered) else float("inf")
        after = [(t, depth) for t, depth in queue if fired <= t < until]
        peak = max(range(len(after)), key=lambda i: after[i][1], default=None)
        if peak is None or after[peak][1] == 0:
            spans.append((fired, fired))
            continue
        end = next((t for t, depth in after[peak:] if depth == 0), after[-1][0])
        spans.append((fired, end))
    return spans
