"""Typed errors of the Graph boundary (no SDK exception leaves app/graph)."""

from __future__ import annotations

from app.errors import ServiceUnavailable


class GraphError(ServiceUnavailable):
    """Graph answered with an error we cannot ride out, or could not be reached."""

    code = "graph_unavailable"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.http_status = status


class GraphThrottled(GraphError):
    """Graph kept answering 429/503 past our bounded retries."""

    code = "graph_throttled"


class DeltaExpired(GraphError):
    """The delta or skip token is gone (410, syncStateNotFound): start a full round."""

    code = "delta_expired"


class GraphAuthError(GraphError):
    """No token could be obtained from the identity provider (msal returned an error)."""

    code = "graph_auth"
