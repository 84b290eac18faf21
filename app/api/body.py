"""What a request body must be before any view reads it: JSON, an object, of bounded size and
depth. Anything else is a clear 400 in the one error shape, never a 500 and never read as
``{}`` (a form post, ``null``, ``[]``, malformed or 50,000-deep JSON)."""

from __future__ import annotations

import orjson
from flask import Flask, request

from app.errors import BadRequest, PayloadTooLarge

MAX_BODY_BYTES = 2_000_000  # the largest request: a 200,000-character email to log, escaped
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RAW_BODY_ENDPOINTS = {"api.graph_notifications.receive"}  # reads its own body, capped


def check_json_body() -> None:
    """Refuses a body that is not one JSON object (orjson stops at 1,024 levels of nesting)."""
    if request.method not in BODY_METHODS or request.endpoint in RAW_BODY_ENDPOINTS:
        return
    raw = request.get_data(cache=True)  # capped by MAX_CONTENT_LENGTH, chunked or not
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES:,} bytes")
    if not raw.strip():
        return  # no body: the endpoint's model says what is missing
    if request.mimetype != "application/json":
        raise BadRequest("send the body as JSON (Content-Type: application/json)",
                         code="unsupported_body")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the body is not valid JSON (or nests too deep)",
                         code="invalid_json") from None
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object", code="invalid_json")


def init_app(app: Flask) -> None:
    """Caps every request body, chunked ones included (werkzeug counts the stream)."""
    # one byte over the cap is read, so a body past it is told apart from one at it
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY_BYTES + 1)
