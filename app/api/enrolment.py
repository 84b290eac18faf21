"""Enrolment: ``POST /enrolments`` (an admin enrols sellers by address or Entra group) and
``PUT /sync/me/paused`` (a seller pauses or resumes their own mailbox)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import BadRequest, Forbidden, NotFound
from app.graph.errors import GraphError
from app.records.enrolment import enrol_sellers, set_paused

from .answers import EnrolmentOut, PauseOut
from .schemas import EnrolIn, PauseIn
from .spec import Documented, spec

bp = Blueprint("enrolment", __name__)


@bp.post("/enrolments")
@spec.validate(json=EnrolIn, resp=Documented(HTTP_202=EnrolmentOut), tags=["sync"])
def enrol(json: EnrolIn) -> Any:
    """Enrols sellers; each gets subscriptions and a backfill (queued)."""
    if not ctx.principal().is_admin:
        raise Forbidden(f"enrolling sellers takes the {ADMIN_ROLE} app role",
                        code="admin_required")
    tenant_id, addresses, names = ctx.tenant_id(), list(json.addresses), {}
    if json.group:
        from app.jobs.context import build_context

        graph = build_context(ctx.settings(), db=ctx.database(), with_extraction=False).graph
        try:
            members = graph.group_members(str(tenant_id), json.group)
        except GraphError as exc:  # Graph's own "no such group" / "not a group id"
            if exc.http_status == 404:
                raise NotFound("no group with that id in your directory",
                               code="group_not_found") from exc
            if exc.http_status == 400:
                raise BadRequest("group must be an Entra group's object id",
                                 code="invalid_group") from exc
            raise
        addresses += [m.mail for m in members]
        names = {m.mail.lower(): m.display_name for m in members}
    session = ctx.db_session()
    enrolled = enrol_sellers(session, tenant_id=tenant_id, addresses=addresses,
                             actor=ctx.user_id(), names=names)
    session.commit()
    runner = ctx.runner()
    for e in enrolled:
        runner.enqueue("enrol_mailbox", tenant_id=str(tenant_id), user_id=str(e.user_id))
    return {"enrolled": [{"email": e.email, "user_id": str(e.user_id), "new": e.changed}
                         for e in enrolled]}, 202


@bp.put("/sync/me/paused")
@spec.validate(json=PauseIn, resp=Documented(HTTP_200=PauseOut), tags=["sync"])
def pause(json: PauseIn) -> Any:
    """Pauses or resumes the sync of the caller's own mailbox."""
    session = ctx.db_session()
    user = set_paused(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id(),
                      paused=json.paused)
    session.commit()
    ctx.runner().enqueue("pause_mailbox" if json.paused else "enrol_mailbox",
                         tenant_id=str(ctx.tenant_id()), user_id=str(ctx.user_id()))
    return {"mailbox": user.email, "paused": not user.sync_enabled}
