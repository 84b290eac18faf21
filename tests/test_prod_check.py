"""``make prod-check`` as part of the suite: gunicorn, two Celery workers and beat on the real
PostgreSQL and Redis, the Graph stand-in in place of Microsoft (slow: about two minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.timeout(600)]


def test_the_production_processes_survive_a_killed_worker_and_lose_nothing() -> None:
    run = subprocess.run([sys.executable, "-m", "app.dev.prodcheck"], cwd=ROOT,
                         capture_output=True, text=True, timeout=580)
    if run.returncode == 2:
        pytest.skip(run.stdout.strip())
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    for step in ("backfill complete", "kill -9 mid-backfill", "every page once",
                 "same as one clean run", "nothing doubled", "change notification",
                 "prep round"):
        assert f"ok   {step}" in run.stdout, run.stdout
