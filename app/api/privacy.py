"""Blocks, erasure and access: list and remove suppressions, erase a person, export what is
stored about them. Erasure and export need the Storyline admin role."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import Forbidden
from app.records.erasure import erase_person, export_person
from app.records.models import Suppression
from app.records.suppressions import list_suppressions, remove_suppression

from .schemas import PersonIn, PersonQuery
from .spec import spec

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


@bp.get("/suppressions")
@spec.validate(tags=["suppressions"])
def suppressions() -> Any:
    """The tenant's blocks and the caller's own."""
    rows = list_suppressions(ctx.db_session(), tenant_id=ctx.tenant_id(),
                             user_id=ctx.user_id())
    return {"suppressions": [suppression_json(s) for s in rows]}


@bp.delete("/suppressions/<uuid:suppression_id>")
@spec.validate(tags=["suppressions"])
def unsuppress(suppression_id: uuid.UUID) -> Any:
    """Removes a block (one for the whole tenant: admins only); new mail is tracked again."""
    session = ctx.db_session()
    remove_suppression(session, tenant_id=ctx.tenant_id(), suppression_id=suppression_id,
                       user_id=ctx.user_id(), is_admin=ctx.principal().is_admin)
    session.commit()
    return "", 204


@bp.post("/erasures")
@spec.validate(json=PersonIn, tags=["privacy"])
def erase(json: PersonIn) -> Any:
    """Erases a person: afterwards their address occurs nowhere in the database."""
    require_admin("erase a person")
    session = ctx.db_session()
    done = erase_person(session, tenant_id=ctx.tenant_id(), email=json.email,
                        actor=ctx.user_id())
    session.commit()
    return {"address_hashes": done.address_hashes, "removed": done.report.counts()}, 201


@bp.get("/people/export")
@spec.validate(query=PersonQuery, tags=["privacy"])
def export(query: PersonQuery) -> Any:
    """Every stored row about a person, as JSON (a subject access request)."""
    require_admin("export what is stored about a person")
    return export_person(ctx.db_session(), tenant_id=ctx.tenant_id(), email=query.email)
