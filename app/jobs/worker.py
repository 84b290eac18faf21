"""Entry point for ``celery -A app.jobs.worker worker|beat``: the app is built from the
settings on first access of ``app`` (PEP 562), not when this module is imported."""

from __future__ import annotations

from typing import Any

_app: Any = None


def __getattr__(name: str) -> Any:
    global _app
    if name != "app":
        raise AttributeError(name)
    if _app is None:
        from app.settings import load_settings

        from .celery_app import make_celery

        settings = load_settings()
        if not settings.broker_url:
            raise RuntimeError("STORYLINE_BROKER_URL is not set: jobs run inline")
        _app = make_celery(settings)
    return _app
