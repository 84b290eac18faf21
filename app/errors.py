"""Typed errors. Each carries an HTTP status and a stable code; the API turns them into
``{"error": {"code", "message"}}`` in one place (app/api/errors.py)."""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error the product reports to a caller."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class BadRequest(StorylineError):
    """The input is malformed or out of range."""

    status = 400
    code = "bad_request"


class Unauthorized(StorylineError):
    """No valid bearer token."""

    status = 401
    code = "unauthorized"


class Forbidden(StorylineError):
    """A valid token that may not do this."""

    status = 403
    code = "forbidden"


class NotFound(StorylineError):
    """No such record in the caller's tenant."""

    status = 404
    code = "not_found"


class Conflict(StorylineError):
    """The request contradicts the current state (e.g. merging a contact into itself)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(StorylineError):
    """The request body is larger than the endpoint takes."""

    status = 413
    code = "too_large"


class ServiceUnavailable(StorylineError):
    """A dependency (database, identity provider) cannot be reached."""

    status = 503
    code = "unavailable"
