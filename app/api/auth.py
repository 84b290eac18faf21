"""Authenticates every ``/api/v1`` request and scopes it to the token's tenant and user."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, request

from app.errors import Forbidden, Unauthorized
from app.records.models import Tenant, User

from . import context as ctx

# Graph calls the webhook without a bearer token; it proves itself with clientState.
PUBLIC_ENDPOINTS = {"api.graph_notifications.receive"}


def authenticate() -> None:
    """Validates the bearer token; resolves (or enrols) the calling user in their tenant."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("sign in: a bearer token is required", code="missing_token")
    principal = ctx.validator().validate(token.strip())
    session = ctx.db_session()
    if session.get(Tenant, principal.tenant_id) is None:
        raise Forbidden("your organisation has not set up Storyline yet",
                        code="tenant_not_onboarded")
    user = session.scalar(sa.select(User).where(
        User.tenant_id == principal.tenant_id, User.oid == principal.oid))
    if user is None and principal.username:
        user = session.scalar(sa.select(User).where(
            User.tenant_id == principal.tenant_id, User.email == principal.username))
        if user is not None and user.oid is None:
            user.oid = principal.oid
    if user is None:
        user = User(tenant_id=principal.tenant_id, oid=principal.oid,
                    email=principal.username or f"{principal.oid}@unknown",
                    display_name=principal.name)
        session.add(user)
    session.commit()
    g.principal, g.tenant_id, g.user_id = principal, principal.tenant_id, user.id
