"""The Celery app, built on demand (``make_celery``), never at import time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from app.settings import Settings

from .context import JobContext, LazyContext, build_context
from .locks import RedisLocks
from .periodic import PERIODIC
from .tasks import JOBS

BEAT_SCHEDULE = {name: {"task": f"storyline.{p.job}", "schedule": p.every}
                 for name, p in PERIODIC.items()}


def _default_context(settings: Settings) -> JobContext:
    import redis

    client = redis.Redis.from_url(settings.broker_url, socket_timeout=5,
                                  socket_connect_timeout=5)
    return build_context(settings, locks=RedisLocks(client))


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
    )
    holder = LazyContext(context_factory or (lambda: _default_context(settings)))

    def enqueue(name: str, **kwargs: Any) -> None:
        app.send_task(f"storyline.{name}", kwargs=kwargs)

    def make_task(name: str, fn: Callable[..., Any]) -> None:
        def run(**kwargs: Any) -> Any:
            ctx = holder.get()
            ctx.enqueue = enqueue
            return fn(ctx, **kwargs)

        run.__name__ = name
        run.__doc__ = fn.__doc__
        app.task(name=f"storyline.{name}")(run)

    for name, fn in JOBS.items():
        make_task(name, fn)

    def warm(**_kwargs: Any) -> None:
        holder.get()  # build Graph, msal, spaCy and warm the SDK once per worker process

    worker_process_init.connect(warm, weak=False)
    app.storyline_context = holder  # type: ignore[attr-defined]
    return app
