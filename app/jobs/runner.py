"""Where jobs run: inline in this process (the embedded default) or on Celery workers."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from app.errors import StorylineError

from .context import JobContext, LazyContext
from .tasks import JOBS

log = logging.getLogger(__name__)


class Runner(Protocol):
    """Something that runs a named job with keyword arguments, now or later."""

    def enqueue(self, name: str, **kwargs: Any) -> None: ...


class InlineRunner:
    """Runs jobs in this process. In the background (one worker thread, identical pending
    jobs coalesced) so a webhook can answer at once; or synchronously for the CLI and tests."""

    def __init__(self, context: LazyContext, *, background: bool = True) -> None:
        self.context, self.background = context, background
        self._queue: queue.Queue[tuple[str, tuple[tuple[str, Any], ...]]] = queue.Queue()
        self._pending: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.failures = 0

    def enqueue(self, name: str, **kwargs: Any) -> None:
        """Runs (or queues) job ``name``; a job identical to one still pending is dropped."""
        if name not in JOBS:
            raise ValueError(f"unknown job {name!r}")
        if not self.background:
            self._run(name, kwargs)
            return
        key = (name, tuple(sorted(kwargs.items())))
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="storyline-jobs",
                                                daemon=True)
                self._thread.start()
        self._queue.put(key)

    def drain(self, timeout: float = 30.0) -> None:
        """Waits until every queued job has run (tests, shutdown)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        if not done.wait(timeout):
            raise TimeoutError("jobs still running")

    def _work(self) -> None:
        while True:
            key = self._queue.get()
            with self._lock:
                self._pending.discard(key)
            try:
                self._run(key[0], dict(key[1]))
            except Exception:  # noqa: BLE001 - the worker's top level: log, count, go on
                self.failures += 1
                log.exception("job %s crashed", key[0])
            finally:
                self._queue.task_done()

    def _run(self, name: str, kwargs: dict[str, Any]) -> Any:
        ctx = self.context.get()
        ctx.enqueue = self.enqueue if self.background else None
        try:
            return JOBS[name](ctx, **kwargs)
        except StorylineError as err:  # typed failures are reported, the worker goes on
            self.failures += 1
            log.warning("job %s failed: %s (%s)", name, err.code, err.message)
            if not self.background:
                raise
            return None


class CeleryRunner:
    """Sends jobs to Celery workers by name (tasks are ``storyline.<job>``)."""

    def __init__(self, celery: Any) -> None:
        self.celery = celery

    def enqueue(self, name: str, **kwargs: Any) -> None:
        """Queues job ``name`` on the broker."""
        if name not in JOBS:
            raise ValueError(f"unknown job {name!r}")
        from .celery_app import send

        send(self.celery, name, kwargs)


def build_runner(settings: Any, context_factory: Callable[[], JobContext]) -> Runner:
    """Celery when ``settings.broker_url`` is set, else the inline background runner."""
    if getattr(settings, "broker_url", ""):
        from .celery_app import make_celery

        return CeleryRunner(make_celery(settings, context_factory=context_factory))
    return InlineRunner(LazyContext(context_factory))
