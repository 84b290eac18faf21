"""The browser preview's own endpoints (local development only): a token for a sample
seller from the local signing key, the list of sellers, and the seller's mailbox from the
record, so the preview can show the sample inbox beside the real pane.

Refused when Entra ID is configured (tokens then come from Entra only) and for callers that
are not on this machine: the preview signs anyone in as any seller.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.api.answers import PreviewInboxOut, PreviewTokenOut, SellersOut
from app.api.bearer import authenticate
from app.api.spec import Documented, spec
from app.errors import BadRequest, Forbidden, NotFound
from app.records.identity import normalize_address
from app.records.models import Interaction, InteractionMailbox, Participant, Tenant, User

bp = Blueprint("preview", __name__, url_prefix="/preview")
TOKEN_TTL = 3600
INBOX_LIMIT = 80
BODY_LIMIT = 6000
OPEN_ENDPOINTS = {"preview.token", "preview.sellers"}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def preview_tenant() -> uuid.UUID:
    """The demo tenant (the sample company's, or ``STORYLINE_PREVIEW_TENANT``): the only one
    the preview hands tokens for."""
    from app.dev.sample.cast import TENANT_ID

    configured = ctx.settings().preview_tenant
    return uuid.UUID(configured) if configured else TENANT_ID


def local_only() -> None:
    """Refuses unless the preview is on (no Entra app), the caller is on this machine and it
    asked for this machine by name: a page elsewhere that points its own host name at
    127.0.0.1 (DNS rebinding), or a proxy on this host, gets nothing."""
    if ctx.settings().uses_entra:
        raise Forbidden("the preview is off: Entra ID is configured", code="preview_disabled")
    host = (request.host or "").rsplit(":", 1)[0] if not (request.host or "").startswith("[") \
        else (request.host or "").split("]")[0] + "]"
    if host.lower() not in LOCAL_HOSTS:
        raise Forbidden("the preview answers to localhost or 127.0.0.1 only",
                        code="preview_local_only")
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise Forbidden("the preview answers on this machine only", code="preview_local_only")


@bp.before_request
def _guard() -> None:
    local_only()
    if request.method == "POST" and request.mimetype != "application/json":
        raise BadRequest("send the body as JSON (Content-Type: application/json)",
                         code="unsupported_body")
    if request.endpoint not in OPEN_ENDPOINTS:
        authenticate()
        if ctx.tenant_id() != preview_tenant():
            raise Forbidden("the preview shows the demo company only", code="preview_demo_only")


class TokenIn(BaseModel):
    """The seller to sign in as (default: the demo company's first seller)."""

    model_config = ConfigDict(extra="forbid")
    user: str | None = Field(None, max_length=320)


def _sellers_query() -> sa.Select:
    return (sa.select(User).join(Tenant, Tenant.id == User.tenant_id)
            .where(Tenant.id == preview_tenant())
            .order_by(Tenant.created_at, User.created_at, User.email))


@bp.get("/sellers")
@spec.validate(resp=Documented(HTTP_200=SellersOut), tags=["preview"], security={})
def sellers() -> Any:
    """The sellers the preview can sign in as (name and address)."""
    users = ctx.db_session().scalars(_sellers_query().limit(50)).all()
    return {"sellers": [{"email": u.email, "name": u.display_name} for u in users]}


@bp.post("/token")
@spec.validate(json=TokenIn, resp=Documented(HTTP_200=PreviewTokenOut), tags=["preview"],
               security={})
def token(json: TokenIn) -> Any:
    """A short-lived token for a sample seller, signed by the local key (never in a URL)."""
    signer = ctx.signer()
    if signer is None:
        raise Forbidden("the preview is off: Entra ID is configured", code="preview_disabled")
    session = ctx.db_session()
    query = _sellers_query()
    if json.user:
        query = query.where(User.email == normalize_address(json.user))
    user = session.scalars(query.limit(1)).first()
    if user is None:
        raise NotFound("no such seller: load the sample first (make demo)", code="no_seller")
    if user.oid is None:
        user.oid = uuid.uuid4()
        session.commit()
    minted = signer.mint(tenant_id=user.tenant_id, oid=user.oid, username=user.email,
                         name=user.display_name, ttl=TOKEN_TTL)
    return {"token": minted, "expires_in": TOKEN_TTL,
            "user": {"email": user.email, "name": user.display_name}}


def _people(rows: list[Participant]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for p in rows:
        out.setdefault(p.role, []).append({"address": p.address, "name": p.name})
    return out


@bp.get("/inbox")
@spec.validate(resp=Documented(HTTP_200=PreviewInboxOut), tags=["preview"])
def inbox() -> Any:
    """The signed-in seller's mail and meetings from the record, newest first."""
    session, tenant, user = ctx.db_session(), ctx.tenant_id(), ctx.user_id()
    rows = session.execute(
        sa.select(Interaction, InteractionMailbox.folder, InteractionMailbox.graph_id)
        .join(InteractionMailbox, sa.and_(
            InteractionMailbox.tenant_id == Interaction.tenant_id,
            InteractionMailbox.interaction_id == Interaction.id))
        .where(InteractionMailbox.tenant_id == tenant, InteractionMailbox.user_id == user,
               Interaction.deleted_at.is_(None))
        .order_by(Interaction.occurred_at.desc(), Interaction.id)
        .limit(INBOX_LIMIT)
    ).all()
    ids = [i.id for i, _, _ in rows]
    people: dict[uuid.UUID, list[Participant]] = {}
    if ids:
        for p in session.scalars(sa.select(Participant).where(
                Participant.tenant_id == tenant, Participant.interaction_id.in_(ids))):
            people.setdefault(p.interaction_id, []).append(p)
    items = []
    for i, folder, graph_id in rows:
        roles = _people(people.get(i.id, []))
        senders = roles.get("from") or roles.get("organizer") or []
        sender = senders[0] if senders else None
        items.append({
            "id": str(i.id), "kind": i.kind, "folder": folder, "direction": i.direction,
            "graph_id": graph_id,  # the stand-in's convertToRestId answers with it
            "subject": i.subject, "snippet": i.snippet, "body": (i.body_text or "")[:BODY_LIMIT],
            "occurred_at": i.occurred_at.isoformat(),
            "ends_at": i.ends_at.isoformat() if i.ends_at else None,
            "key": i.external_key, "thread_id": i.thread_id, "from": sender,
            "to": roles.get("to", []), "cc": roles.get("cc", []),
            "attendees": roles.get("attendee", []),
        })
    me = session.get(User, (tenant, user))
    return {"user": {"email": me.email, "name": me.display_name} if me else None,
            "items": items}
