"""The web app's inline scheduler (:mod:`app.jobs.scheduler`): built on the app's job runner
and started by gunicorn's worker hooks (``gunicorn.conf.py``) when the settings want one."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from app.jobs.scheduler import InlineScheduler

from .graph_notifications import runner

log = logging.getLogger(__name__)
EXTENSION = "storyline_scheduler"


def scheduler_for(app: Flask) -> InlineScheduler:
    """The app's scheduler (not started), queuing on the app's job runner."""
    found: InlineScheduler | None = app.extensions.get(EXTENSION)
    if found is None:
        settings = app.config["STORYLINE"]
        with app.app_context():
            jobs = runner(app)
        found = InlineScheduler(jobs, lock_path=settings.instance_path / "scheduler.lock",
                                tick=float(settings.scheduler_tick))
        app.extensions[EXTENSION] = found
    return found


def start_scheduler(app: Any) -> InlineScheduler | None:
    """Starts the app's inline scheduler when its settings want one (no broker and Graph
    configured, or ``STORYLINE_SCHEDULER=inline``); None otherwise."""
    if not isinstance(app, Flask) or not app.config["STORYLINE"].runs_inline_scheduler:
        return None
    return scheduler_for(app).start()


def stop_scheduler(app: Any, drain_timeout: float = 15.0) -> None:
    """Stops the scheduler and lets queued jobs finish (a worker's graceful exit)."""
    if not isinstance(app, Flask):
        return
    found: InlineScheduler | None = app.extensions.get(EXTENSION)
    if found is None:
        return
    found.stop()
    drain = getattr(found.runner, "drain", None)
    if drain is not None:
        try:
            drain(drain_timeout)
        except TimeoutError:
            log.warning("jobs still running at exit")
