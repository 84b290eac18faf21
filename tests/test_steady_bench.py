"""The steady-state benchmark's figures: latency percentiles and who stored the mail, read
from a Celery worker's log (bench/steady_stats.py; the benchmark itself is run by hand)."""

from __future__ import annotations

import pytest

from bench.steady_stats import (
    arrivals,
    beat_sends,
    bursts,
    latency_summary,
    percentile,
    stored_by,
    task_results,
)


@pytest.mark.parametrize(("p", "expected"), [(50, 10.0), (95, 19.0), (99, 20.0), (100, 20.0),
                                             (1, 1.0)])
def test_percentiles_are_nearest_rank(p, expected):
    assert percentile([float(x) for x in range(1, 21)], p) == expected


def test_a_message_never_captured_counts_as_slower_than_every_captured_one():
    captured = [1.0] * 18 + [2.0]
    assert latency_summary(captured, missing=1) == {
        "n": 19, "not_captured": 1, "p50": 1.0, "p95": 2.0, "p99": "not captured",
        "max": 2.0, "mean": 1.1}
    assert latency_summary(captured, missing=2)["p95"] == "not captured"
    assert latency_summary([], missing=0)["p95"] is None


WORKER_LOG = """\
[2026-12-01 20:17:05,001: INFO/MainProcess] Task storyline.handle_notification[ab-1] received
[2026-12-01 20:17:05,300: INFO/ForkPoolWorker-1] Task storyline.handle_notification[ab-1] \
succeeded in 0.29s: {'status': 'synced', 'sync': {'status': 'done', 'pages': 1, 'seen': 1, \
'stored': 1, 'errors': [], 'skip_reasons': {}}}
[2026-12-01 20:17:06,100: INFO/ForkPoolWorker-1] Task storyline.handle_notification[ab-2] \
succeeded in 0.01s: {'status': 'synced', 'sync': {'status': 'coalesced'}}
[2026-12-01 20:17:07,500: INFO/ForkPoolWorker-1] Task storyline.sync_mailbox[ab-3] \
succeeded in 0.80s: {'status': 'done', 'pages': 6, 'seen': 2, 'stored': 2}
[2026-12-01 20:17:08,000: INFO/ForkPoolWorker-1] Task storyline.prep_round[ab-4] \
succeeded in 0.05s: None
[2026-12-01 20:17:09,000: INFO/ForkPoolWorker-1] Task storyline.sync_mailbox[ab-5] \
succeeded in 0.10s: {'status': 'coalesced'}
"""


def test_the_log_says_which_rounds_stored_the_mail():
    results = task_results(WORKER_LOG)
    assert [job for job, _ in results] == ["handle_notification", "handle_notification",
                                          "sync_mailbox", "sync_mailbox"]
    assert stored_by(results) == {"notification_rounds": 1, "safety_net_rounds": 2,
                                  "notification_tasks": 2, "coalesced": 1, "sync_tasks": 2}


def test_beat_sends_are_read_by_entry():
    log = ("[2026-12-01 20:21:52,051: INFO/MainProcess] Scheduler: Sending due task "
           "meeting-prep (storyline.prep_round)\n"
           "[2026-12-01 20:31:52,010: INFO/MainProcess] Scheduler: Sending due task "
           "safety-net-sync (storyline.safety_net)\n")
    assert beat_sends(log) == ["2026-12-01 20:31:52,010"]
    assert beat_sends(log, "meeting-prep") == ["2026-12-01 20:21:52,051"]


def test_a_safety_net_lasts_until_the_queue_it_filled_is_empty_again():
    queue = [(0.0, 0), (1.0, 0), (2.0, 1), (3.0, 40), (4.0, 25), (5.0, 3), (6.0, 0),
             (7.0, 0), (20.0, 0), (21.0, 30), (22.0, 0)]
    assert bursts([1.5, 20.5], queue) == [(1.5, 6.0), (20.5, 22.0)]
    assert bursts([30.0], queue) == [(30.0, 30.0)]  # nothing sampled after it


def test_poisson_arrivals_keep_the_rate_and_even_ones_are_evenly_spaced():
    import random

    times = arrivals(85, 3600, False, random.Random(3))
    assert 85 * 60 * 0.95 < len(times) < 85 * 60 * 1.05
    assert times == sorted(times) and 0 < times[0] and times[-1] < 3600
    even = arrivals(60, 10, True, random.Random(3))
    assert even == [float(i) for i in range(10)]
