"""Data out: ``GET /export/{accounts,contacts,deals,commitments}.csv`` (a Storyline admin)
and ``GET /contacts/ID/vcard`` (any seller of the tenant)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import Forbidden, NotFound
from app.records.exports import EXPORTS, export_csv, vcard

bp = Blueprint("exports", __name__)


@bp.get("/export/<what>.csv")
def export(what: str) -> Any:
    """The tenant's accounts, contacts, deals or commitments as CSV (admin only)."""
    if not ctx.principal().is_admin:
        raise Forbidden(f"exports take the {ADMIN_ROLE} app role", code="admin_required")
    if what not in EXPORTS:  # a JSON error now, not a broken stream later
        raise NotFound(f"export one of {', '.join(EXPORTS)}")
    tenant_id, db = ctx.tenant_id(), ctx.database()

    def rows() -> Iterator[str]:
        # its own session, closed when the last row is sent: the request's is gone by then
        with db.sessionmaker() as session:
            yield from export_csv(session, tenant_id=tenant_id, what=what)

    return Response(rows(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{what}.csv"'})


@bp.get("/contacts/<uuid:contact_id>/vcard")
def contact_vcard(contact_id: uuid.UUID) -> Any:
    """One contact as a vCard, to save in Outlook or on a phone."""
    card = vcard(ctx.db_session(), tenant_id=ctx.tenant_id(), contact_id=contact_id)
    return Response(card, mimetype="text/vcard",
                    headers={"Content-Disposition": f'attachment; filename="{contact_id}.vcf"'})
