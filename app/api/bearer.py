"""Authenticates every ``/api/v1`` request and scopes it to the token's tenant and user."""

from __future__ import annotations

import threading
import time
import uuid

import sqlalchemy as sa
from flask import current_app, g, request

from app import extensions as ctx
from app.auth.tokens import Principal
from app.errors import Forbidden, Unauthorized
from app.records.models import Tenant, User

# Graph calls the webhook without a bearer token; it proves itself with clientState.
PUBLIC_ENDPOINTS = {"api.graph_notifications.receive"}
USER_CACHE = "storyline.users"
USER_TTL_SECONDS = 300.0  # an offboarded tenant or user is refused within five minutes


class UserCache:
    """(tenant, oid) -> user row id, so a signed-in seller costs no query per request."""

    def __init__(self) -> None:
        self._rows: dict[tuple[uuid.UUID, uuid.UUID], tuple[uuid.UUID, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[uuid.UUID, uuid.UUID]) -> uuid.UUID | None:
        with self._lock:
            found = self._rows.get(key)
        return found[0] if found and found[1] > time.monotonic() else None

    def put(self, key: tuple[uuid.UUID, uuid.UUID], user_id: uuid.UUID) -> None:
        with self._lock:
            if len(self._rows) > 50_000:
                self._rows.clear()
            self._rows[key] = (user_id, time.monotonic() + USER_TTL_SECONDS)


def authenticate() -> None:
    """Validates the bearer token; resolves (or enrols) the calling user in their tenant."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("sign in: a bearer token is required", code="missing_token")
    principal = ctx.validator().validate(token.strip())
    cache: UserCache = current_app.extensions.setdefault(USER_CACHE, UserCache())
    key = (principal.tenant_id, principal.oid)
    user_id = cache.get(key)
    if user_id is None:
        user_id = _resolve_user(principal)
        cache.put(key, user_id)
    g.principal, g.tenant_id, g.user_id = principal, principal.tenant_id, user_id


def _resolve_user(principal: Principal) -> uuid.UUID:
    """The user row of a signed-in seller, linked by oid, or enrolled on first sign-in."""
    session = ctx.db_session()
    if session.get(Tenant, principal.tenant_id) is None:
        raise Forbidden("your organisation has not set up Storyline yet",
                        code="tenant_not_onboarded")
    user = session.scalar(sa.select(User).where(
        User.tenant_id == principal.tenant_id, User.oid == principal.oid))
    if user is None and principal.username:
        # a team mailbox (support@ ...) is nobody's: signing in never takes it over
        user = session.scalar(sa.select(User).where(
            User.tenant_id == principal.tenant_id, User.email == principal.username,
            User.team_mailbox.is_(False)))
        if user is not None and user.oid is None:
            user.oid = principal.oid
    if user is None:
        # signing in does not enrol: an admin does (app/records/enrolment.py)
        user = User(tenant_id=principal.tenant_id, oid=principal.oid,
                    email=principal.username or f"{principal.oid}@unknown",
                    display_name=principal.name, sync_enabled=False)
        session.add(user)
    if session.new or session.dirty:
        session.commit()
    return user.id
