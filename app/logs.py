"""Logging with a request id on every line, taken from ``X-Request-Id`` or made up."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request

from .settings import Settings

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_app(app: Flask, settings: Settings) -> None:
    """Configures the root handler once and stamps each request and response with an id."""
    root = logging.getLogger()
    if not any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(settings.log_level.upper())
        # One line per Graph page from httpx is noise at INFO; our sync logs its own progress.
        logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))

    @app.before_request
    def _stamp() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response
