"""The inline scheduler: Celery beat's work (meeting prep, subscription renewal, safety-net
sync) on the embedded default, where there is no broker.

It runs in a web worker (gunicorn's ``post_worker_init`` hook starts one per worker, through
:mod:`app.extensions`) or on its own (``flask --app app scheduler``). Of all the
processes on a host that run it, one leads: the one holding an exclusive lock on
``<instance>/scheduler.lock``. The others stand by and take over within a tick when the
leader exits (the operating system drops the lock with the process). Jobs go to the
process's job runner, so they share its one job thread with the notification jobs and a job
still pending is not queued twice. Running a round twice is harmless anyway: prep
deliveries are claimed in the database before Graph is called.

When each job is next due is kept in ``<instance>/scheduler-state.json`` (wall-clock times),
so a new leader (gunicorn recycles its workers every few thousand requests) carries on the
schedule instead of starting it again: under steady traffic a 15-minute job would otherwise
never come due.

Several hosts without a broker would each have a leader; run Celery beat there instead.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from .periodic import PERIODIC, Periodic
from .runner import Runner

log = logging.getLogger(__name__)


class InlineScheduler:
    """Queues each periodic job on ``runner`` when it is due, while this process leads."""

    def __init__(self, runner: Runner, *, lock_path: Path, tick: float = 60.0,
                 periodic: Mapping[str, Periodic] = PERIODIC,
                 clock: Callable[[], float] = time.time) -> None:
        self.runner, self.lock_path, self.tick = runner, Path(lock_path), tick
        self.state_path = self.lock_path.with_name("scheduler-state.json")
        self.periodic, self.clock = dict(periodic), clock
        self._due: dict[str, float] = {}
        self._lock_file: IO[bytes] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def leading(self) -> bool:
        """True while this process holds the scheduler lock."""
        return self._lock_file is not None

    def _lead(self) -> bool:
        if self._lock_file is not None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_file = handle
        # a new leader carries on the schedule the last one kept; a job never scheduled yet
        # comes "first_after" on (a stored time far ahead means the clock went back: cap it)
        now, stored = self.clock(), self._load_due()
        self._due = {}
        for name, p in self.periodic.items():
            first = now + p.first_after.total_seconds()
            due = stored.get(name, first)
            self._due[name] = min(due, now + max(p.every, p.first_after).total_seconds())
        self._save_due()
        log.info("inline scheduler leading (%s)", ", ".join(sorted(self.periodic)))
        return True

    def run_pending(self) -> list[str]:
        """Queues every job that is due (once, however many periods were missed) and gives
        their schedule names; nothing when another process leads."""
        if not self._lead():
            return []
        now, queued = self.clock(), []
        for name, p in self.periodic.items():
            if now >= self._due[name]:
                try:
                    self.runner.enqueue(p.job)
                except Exception:  # noqa: BLE001 - a broken queue must not stop the schedule
                    log.exception("could not queue %s", p.job)
                self._due[name] = now + p.every.total_seconds()
                queued.append(name)
        if queued:
            self._save_due()
        return queued

    def _load_due(self) -> dict[str, float]:
        try:
            raw = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}  # none yet (or unreadable): every job starts afresh
        if not isinstance(raw, dict):
            return {}
        return {k: float(v) for k, v in raw.items()
                if isinstance(v, int | float) and k in self.periodic}

    def _save_due(self) -> None:
        """Writes the due times atomically (a reader never sees half a file)."""
        tmp = self.state_path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self._due))
            os.replace(tmp, self.state_path)
        except OSError:
            log.warning("could not keep the schedule in %s", self.state_path)

    def seconds_to_next(self) -> float:
        """How long the loop may sleep: the next due job, the tick at most."""
        if not self._due:
            return self.tick
        return max(0.0, min(self.tick, min(self._due.values()) - self.clock()))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - the thread's top level: log and keep going
                log.exception("inline scheduler round failed")
            self._stop.wait(self.seconds_to_next() if self.leading else self.tick)

    def start(self) -> InlineScheduler:
        """Runs the schedule in a daemon thread."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="storyline-scheduler",
                                            daemon=True)
            self._thread.start()
        return self

    def serve(self) -> None:
        """Runs the schedule in this thread until :meth:`stop` (or Ctrl-C)."""
        try:
            self._loop()
        finally:
            self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Stops the loop and lets another process lead."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if self._lock_file is not None:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
