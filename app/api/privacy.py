"""Privacy and the tenant's own settings: the visibility policy, sharing a thread or making it
private, blocks (list, remove), erasure and export, and the age at which an undated promise
is stale. Changing the policy or the settings, erasure and export need the admin role."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import Forbidden
from app.records.ageing import set_stale_days, stale_days
from app.records.erasure import erase_person, export_person
from app.records.models import Suppression, Tenant
from app.records.suppressions import list_suppressions, remove_suppression
from app.records.visibility import Viewer, mark_thread, set_policy, tenant_policy

from .answers import BlocksOut, ErasureOut, PersonExportOut, PolicyOut, TenantSettingsOut
from .schemas import PersonIn, PersonQuery, PolicyIn, TenantSettingsIn, ThreadMarkIn
from .spec import Documented, spec

bp = Blueprint("privacy", __name__)


def require_admin(what: str) -> None:
    """Raises 403 unless the caller has the Storyline admin app role."""
    if not ctx.principal().is_admin:
        raise Forbidden(f"only a Storyline admin (the {ADMIN_ROLE} app role) can {what}",
                        code="admin_required")


def suppression_json(sup: Suppression) -> dict[str, Any]:
    """A block as the API shows it."""
    return {"id": str(sup.id), "kind": sup.kind, "value": sup.value,
            "scope": "user" if sup.user_id else "tenant", "reason": sup.reason,
            "created_at": sup.created_at.isoformat()}


def _policy() -> dict[str, Any]:
    settings = ctx.settings()
    return {"visibility": tenant_policy(ctx.db_session(), tenant_id=ctx.tenant_id(),
                                        default=settings.visibility),
            "default": settings.visibility, "retention_days": settings.retention_days}


@bp.get("/privacy/policy")
@spec.validate(resp=Documented(HTTP_200=PolicyOut), tags=["privacy"])
def policy() -> Any:
    """What colleagues see of mail they were not on, and how long stored text is kept."""
    return _policy()


@bp.put("/privacy/policy")
@spec.validate(json=PolicyIn, resp=Documented(HTTP_200=PolicyOut), tags=["privacy"])
def change_policy(json: PolicyIn) -> Any:
    """Sets the tenant's visibility policy (metadata, subject or full)."""
    require_admin("change what colleagues see")
    session = ctx.db_session()
    set_policy(session, tenant_id=ctx.tenant_id(), visibility=json.visibility)
    session.commit()
    return _policy()


def _tenant_settings() -> dict[str, Any]:
    session = ctx.db_session()
    tenant = session.get(Tenant, ctx.tenant_id())
    return {"stale_promise_days": stale_days(session, tenant_id=ctx.tenant_id()),
            "stale_promise_days_own": tenant.stale_promise_days if tenant else None,
            "default_stale_promise_days": ctx.settings().stale_promise_days}


@bp.get("/tenant/settings")
@spec.validate(resp=Documented(HTTP_200=TenantSettingsOut), tags=["privacy"])
def tenant_settings() -> Any:
    """The tenant's own settings: after how many days an undated promise is stale (the one
    that applies, the tenant's own choice, and the settings' default)."""
    return _tenant_settings()


@bp.put("/tenant/settings")
@spec.validate(json=TenantSettingsIn, resp=Documented(HTTP_200=TenantSettingsOut),
               tags=["privacy"])
def change_tenant_settings(json: TenantSettingsIn) -> Any:
    """Sets after how many days (1 to 365) a promise or request with no due date is stale
    and leaves the overdue list; null goes back to the default (admins only)."""
    require_admin("change the tenant's settings")
    session = ctx.db_session()
    set_stale_days(session, tenant_id=ctx.tenant_id(), days=json.stale_promise_days)
    session.commit()
    return _tenant_settings()


@bp.post("/threads/mark")
@spec.validate(json=ThreadMarkIn, tags=["privacy"])
def thread_mark(json: ThreadMarkIn) -> Any:
    """Shares the thread of this email with the team, makes it private, or sets it back to
    the policy (only a seller whose mailbox holds the thread)."""
    session = ctx.db_session()
    mark_thread(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id(),
                interaction_id=json.interaction_id, mark=json.mark)
    session.commit()
    return sharing(json.interaction_id)


def sharing(interaction_id: uuid.UUID) -> dict[str, Any]:
    """How an interaction is shown to colleagues: the caller's mark on its thread and
    whether it is private by itself (the pane's share / private toggle)."""
    viewer = Viewer.load(ctx.db_session(), tenant_id=ctx.tenant_id(), user_id=ctx.user_id())
    return viewer.sharing(interaction_id)


@bp.get("/suppressions")
@spec.validate(resp=Documented(HTTP_200=BlocksOut), tags=["suppressions"])
def suppressions() -> Any:
    """The tenant's blocks and the caller's own."""
    rows = list_suppressions(ctx.db_session(), tenant_id=ctx.tenant_id(),
                             user_id=ctx.user_id())
    return {"suppressions": [suppression_json(s) for s in rows]}


@bp.delete("/suppressions/<uuid:suppression_id>")
@spec.validate(resp=Documented(HTTP_204=None), tags=["suppressions"])
def unsuppress(suppression_id: uuid.UUID) -> Any:
    """Removes a block (one for the whole tenant: admins only); new mail is tracked again."""
    session = ctx.db_session()
    remove_suppression(session, tenant_id=ctx.tenant_id(), suppression_id=suppression_id,
                       user_id=ctx.user_id(), is_admin=ctx.principal().is_admin)
    session.commit()
    return "", 204


@bp.post("/erasures")
@spec.validate(json=PersonIn, resp=Documented(HTTP_201=ErasureOut), tags=["privacy"])
def erase(json: PersonIn) -> Any:
    """Erases a person: afterwards their address occurs nowhere in the database."""
    require_admin("erase a person")
    session = ctx.db_session()
    done = erase_person(session, tenant_id=ctx.tenant_id(), email=json.email,
                        actor=ctx.user_id())
    session.commit()
    return {"address_hashes": done.address_hashes, "removed": done.report.counts()}, 201


@bp.get("/people/export")
@spec.validate(query=PersonQuery, resp=Documented(HTTP_200=PersonExportOut),
               tags=["privacy"])
def export(query: PersonQuery) -> Any:
    """Every stored row about a person, as JSON (a subject access request)."""
    require_admin("export what is stored about a person")
    return export_person(ctx.db_session(), tenant_id=ctx.tenant_id(), email=query.email)
