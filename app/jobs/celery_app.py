"""The Celery app, built on demand (``make_celery``), never at import time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Celery, current_app
from celery.signals import worker_process_init

from app.settings import Settings

from .context import JobContext, LazyContext, build_context
from .locks import RedisLocks
from .periodic import PERIODIC
from .tasks import JOBS, PRIORITY

BEAT_SCHEDULE = {name: {"task": f"storyline.{p.job}", "schedule": p.every,
                        "options": {"priority": PRIORITY.get(p.job, 5)}}
                 for name, p in PERIODIC.items()}


def _default_context(settings: Settings) -> JobContext:
    import redis

    client = redis.Redis.from_url(settings.broker_url, socket_timeout=5,
                                  socket_connect_timeout=5)
    return build_context(settings, locks=RedisLocks(client))


def send(celery: Celery, name: str, kwargs: dict[str, Any]) -> None:
    """Queues job ``name`` at its priority (``tasks.PRIORITY``)."""
    celery.send_task(f"storyline.{name}", kwargs=kwargs, priority=PRIORITY.get(name, 5))


def make_celery(settings: Settings,
                context_factory: Callable[[], JobContext] | None = None) -> Celery:
    """A Celery app on ``settings.broker_url`` with every job as ``storyline.<name>`` and the
    beat schedule (subscription renewal, safety-net delta rounds)."""
    app = Celery("storyline", broker=settings.broker_url, backend=settings.broker_url,
                 set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_timeout=5, broker_connection_retry_on_startup=True,
        result_expires=3600, task_time_limit=3 * 3600, task_soft_time_limit=3 * 3600 - 60,
        beat_schedule=BEAT_SCHEDULE, timezone="UTC",
        # one Redis list per priority, read highest first (tasks.PRIORITY)
        task_default_priority=5,
        broker_transport_options={"priority_steps": list(range(10)), "sep": ":",
                                  "queue_order_strategy": "priority"},
    )
    holder = LazyContext(context_factory or (lambda: _default_context(settings)))

    def enqueue(name: str, **kwargs: Any) -> None:
        send(app, name, kwargs)

    def make_task(name: str, fn: Callable[..., Any]) -> None:
        def run(**kwargs: Any) -> Any:
            ctx = holder.get()
            ctx.enqueue = enqueue
            return fn(ctx, **kwargs)

        run.__name__ = name
        run.__doc__ = fn.__doc__
        app.task(name=f"storyline.{name}", shared=False)(run)

    for name, fn in JOBS.items():
        make_task(name, fn)

    def warm(**_kwargs: Any) -> None:
        # build Graph, msal, spaCy and warm the SDK once per worker process; the signal is
        # process-wide, so an app that is not the worker's (tests build several) stays cold
        if current_app._get_current_object() is app:
            holder.get()

    worker_process_init.connect(warm, weak=False)
    app.storyline_context = holder  # type: ignore[attr-defined]
    return app
