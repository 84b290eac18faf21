"""One JSON error shape for everything: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from app.errors import StorylineError

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    """The error body and status."""
    return jsonify(error={"code": code, "message": message}), status


def init_app(app: Flask) -> None:
    """Registers the handlers that turn every failure into the one shape."""

    @app.errorhandler(StorylineError)
    def _storyline(exc: StorylineError) -> tuple[Response, int]:
        resp = error_response(exc.status, exc.code, exc.message)
        if exc.status == 401:
            resp[0].headers["WWW-Authenticate"] = f'Bearer error="{exc.code}"'
        return resp

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")  # the trace goes to the log, never to the caller
        return error_response(500, "internal_error", "something went wrong on our side")
