"""Team mailboxes (admin): enrol support@, billing@ ... with a function, list, change them;
put sellers in a function. Enrolling queues the mailbox's first sync (and its change
notification subscriptions when a public URL is configured)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import Forbidden
from app.records import team_mailboxes as tm

from .answers import TeamMailboxesOut
from .encode import json_response
from .spec import Documented, spec

bp = Blueprint("team_mailboxes", __name__)


class TeamMailboxIn(BaseModel):
    """A shared mailbox to enrol and its function."""

    model_config = ConfigDict(extra="forbid")
    address: str = Field(min_length=3, max_length=320)
    function: str = Field(min_length=1, max_length=20)
    name: str | None = Field(None, max_length=200)
    function_only: bool = False


class TeamMailboxPatch(BaseModel):
    """What may change on a team mailbox."""

    model_config = ConfigDict(extra="forbid")
    function: str | None = Field(None, min_length=1, max_length=20)
    function_only: bool | None = None
    sync_enabled: bool | None = None


class FunctionIn(BaseModel):
    """A seller's function, or null for none."""

    model_config = ConfigDict(extra="forbid")
    function: str | None = Field(None, max_length=20)


def _admin() -> None:
    if not ctx.principal().is_admin:
        raise Forbidden(f"team mailboxes are managed by a Storyline admin (the {ADMIN_ROLE} "
                        "app role)", code="admin_required")


def _first_sync(user_id: uuid.UUID) -> None:
    if not ctx.settings().graph_app_id:
        return  # no Graph app configured: nothing to sync with yet
    jobs, tenant = ctx.runner(), str(ctx.tenant_id())
    jobs.enqueue("sync_mailbox", tenant_id=tenant, user_id=str(user_id))
    if ctx.settings().public_base_url:
        jobs.enqueue("ensure_subscriptions", tenant_id=tenant, user_id=str(user_id))


@bp.get("/team-mailboxes")
@spec.validate(resp=Documented(HTTP_200=TeamMailboxesOut), tags=["team mailboxes"])
def list_team_mailboxes() -> Any:
    """The tenant's team mailboxes with their functions."""
    _admin()
    rows = tm.team_mailboxes(ctx.db_session(), tenant_id=ctx.tenant_id())
    return json_response({"items": [tm.as_team_mailbox(u) for u in rows]})


@bp.post("/team-mailboxes")
@spec.validate(json=TeamMailboxIn, resp=Documented(HTTP_201=TeamMailboxesOut),
               tags=["team mailboxes"])
def enrol(json: TeamMailboxIn) -> Any:
    """Enrols a shared mailbox as a team mailbox of a function (support, finance, ...)."""
    _admin()
    session = ctx.db_session()
    user = tm.enrol_team_mailbox(session, tenant_id=ctx.tenant_id(), address=json.address,
                                 function=json.function, name=json.name,
                                 function_only=json.function_only)
    session.commit()
    _first_sync(user.id)
    return json_response(tm.as_team_mailbox(user), status=201)


@bp.patch("/team-mailboxes/<uuid:mailbox_id>")
@spec.validate(json=TeamMailboxPatch, resp=Documented(HTTP_200=TeamMailboxesOut),
               tags=["team mailboxes"])
def change(mailbox_id: uuid.UUID, json: TeamMailboxPatch) -> Any:
    """Changes a team mailbox's function or restriction, or pauses its sync."""
    _admin()
    session = ctx.db_session()
    user = tm.update_team_mailbox(session, tenant_id=ctx.tenant_id(), mailbox_id=mailbox_id,
                                  function=json.function, function_only=json.function_only,
                                  sync_enabled=json.sync_enabled)
    session.commit()
    return json_response(tm.as_team_mailbox(user))


@bp.put("/users/<uuid:user_id>/function")
@spec.validate(json=FunctionIn, resp=Documented(HTTP_200=TeamMailboxesOut),
               tags=["team mailboxes"])
def seller_function(user_id: uuid.UUID, json: FunctionIn) -> Any:
    """Puts a seller in a function (who may read a function-only team mailbox)."""
    _admin()
    session = ctx.db_session()
    user = tm.set_user_function(session, tenant_id=ctx.tenant_id(), user_id=user_id,
                                function=json.function)
    session.commit()
    return {"id": str(user.id), "email": user.email, "function": user.function}
