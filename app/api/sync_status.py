"""``GET /api/v1/sync/status``: how the caller's mailbox sync stands (``?scope=tenant`` for
every mailbox of the tenant): last success, last error, counts and lag per folder."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from app import extensions as ctx
from app.errors import BadRequest, Forbidden
from app.sync.status import sync_status

from .answers import SyncStatusOut
from .spec import Documented, spec

bp = Blueprint("sync_status", __name__)


@bp.get("/sync/status")
@spec.validate(resp=Documented(HTTP_200=SyncStatusOut), tags=["sync"])
def status() -> Any:
    """Sync health of the caller's mailbox, or of all the tenant's mailboxes."""
    scope = request.args.get("scope", "me")
    if scope not in ("me", "tenant"):
        raise BadRequest("scope is 'me' or 'tenant'", code="bad_scope")
    if scope == "tenant" and not ctx.principal().is_admin:
        raise Forbidden("only a Storyline admin sees the sync of every mailbox; your own is "
                        "at scope=me", code="admin_required")
    mailboxes = sync_status(ctx.db_session(), tenant_id=g.tenant_id,
                            user_id=g.user_id if scope == "me" else None)
    return {"mailboxes": mailboxes}
