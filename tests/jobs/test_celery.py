"""Jobs as Celery tasks on the real Redis at 127.0.0.1:6379 (skipped when it is absent)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from app import extensions
from app import extensions as context
from app.jobs.celery_app import BEAT_SCHEDULE, make_celery
from app.jobs.context import JobContext
from app.jobs.locks import RedisLocks
from app.jobs.runner import CeleryRunner, build_runner
from app.records.models import Interaction
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import ANN, TENANT

REDIS_URL = "redis://127.0.0.1:6379/14"
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_client() -> Any:
    """A client on a scratch Redis database, emptied before and after."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_a_sync_job_runs_on_a_celery_worker(app: Flask, fake: FakeGraph,
                                            redis_client: Any) -> None:
    from celery.contrib.testing.worker import start_worker

    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io",
                                               to="ann@ourteam.io", when=at(1)))
    inline = extensions.runner(app).context.get()  # type: ignore[attr-defined]
    jobs = JobContext(settings=inline.settings, db=inline.db, graph=inline.graph,
                      locks=RedisLocks(redis_client))
    settings = inline.settings.with_overrides(broker_url=REDIS_URL)
    celery = make_celery(settings, context_factory=lambda: jobs)
    assert set(celery.conf.beat_schedule) == set(BEAT_SCHEDULE)
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = celery.send_task("storyline.sync_mailbox",
                                  kwargs={"tenant_id": str(TENANT), "user_id": str(ANN),
                                          "folders": ["inbox"]})
        outcome = result.get(timeout=30)
    assert outcome["status"] == "done" and outcome["stored"] == 1
    with context.database(app).sessionmaker() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Interaction)) == 1


def test_a_second_request_while_a_mailbox_syncs_is_coalesced(redis_client: Any) -> None:
    locks = RedisLocks(redis_client, prefix=f"t{uuid.uuid4().hex[:6]}:")
    assert locks.acquire("t:ann", ttl=30)
    assert not locks.acquire("t:ann", ttl=30)
    locks.mark_dirty("t:ann")
    assert locks.take_dirty("t:ann") and not locks.take_dirty("t:ann")
    locks.release("t:ann")
    assert locks.acquire("t:ann", ttl=30)


def test_the_broker_setting_selects_celery(app: Flask, redis_client: Any) -> None:
    settings = app.config["STORYLINE"].with_overrides(broker_url=REDIS_URL)
    runner = build_runner(settings, lambda: pytest.fail("no context is built to enqueue"))
    assert isinstance(runner, CeleryRunner)


def test_a_notification_is_served_before_the_safety_nets_burst(
        app: Flask, fake: FakeGraph, redis_client: Any) -> None:
    """The safety net queues a round for every mailbox at once; a notification that arrives
    behind that burst is still the next job a free worker takes."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_prerun

    inline = extensions.runner(app).context.get()  # type: ignore[attr-defined]
    jobs = JobContext(settings=inline.settings, db=inline.db, graph=inline.graph,
                      locks=RedisLocks(redis_client))
    settings = inline.settings.with_overrides(broker_url=REDIS_URL)
    celery = make_celery(settings, context_factory=lambda: jobs)
    runner = CeleryRunner(celery)
    for _ in range(5):  # the burst, queued first (no worker is running yet)
        runner.enqueue("safety_net_sync", tenant_id=str(TENANT), user_id=str(ANN))
    runner.enqueue("handle_notification", tenant_id=str(TENANT),
                   subscription_id="not-a-subscription")
    order: list[str] = []

    def seen(sender: Any = None, **_kw: Any) -> None:
        order.append(sender.name)

    task_prerun.connect(seen, weak=False)
    try:
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 30
            while len(order) < 6 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        task_prerun.disconnect(seen)
    assert order[0] == "storyline.handle_notification", order
    assert order[1:] == ["storyline.safety_net_sync"] * 5
