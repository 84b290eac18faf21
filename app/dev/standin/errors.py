"""Graph's error responses: ``{"error": {"code", "message", "innerError": {...}}}``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Response, jsonify


def graph_error(status: int, code: str, message: str,
                headers: dict[str, str] | None = None) -> Response:
    """Gives a response in Graph's error shape, with a request id as Graph sends it."""
    request_id = str(uuid.uuid4())
    body = {"error": {"code": code, "message": message, "innerError": {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": request_id, "client-request-id": request_id}}}
    response = jsonify(body)
    response.status_code = status
    response.headers["request-id"] = request_id
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class GraphError(Exception):
    """Raised inside a handler to answer with a Graph error."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers

    def response(self) -> Response:
        """Gives this error as a Graph error response."""
        return graph_error(self.status, self.code, self.message, self.headers)
