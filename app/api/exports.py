"""Data out: ``GET /export/{accounts,contacts,deals,commitments}.csv`` (a Storyline admin)
and ``GET /contacts/ID/vcard`` (any seller of the tenant)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, stream_with_context

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import Forbidden
from app.records.exports import export_csv, vcard

bp = Blueprint("exports", __name__)


@bp.get("/export/<what>.csv")
def export(what: str) -> Any:
    """The tenant's accounts, contacts, deals or commitments as CSV (admin only)."""
    if not ctx.principal().is_admin:
        raise Forbidden(f"exports take the {ADMIN_ROLE} app role", code="admin_required")
    session, tenant_id = ctx.db_session(), ctx.tenant_id()
    chunks = export_csv(session, tenant_id=tenant_id, what=what)
    first = next(chunks)  # an unknown export fails here, as a JSON error, not mid-stream
    return Response(stream_with_context(_chain(first, chunks)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{what}.csv"'})


def _chain(first: str, rest: Any) -> Any:
    yield first
    yield from rest


@bp.get("/contacts/<uuid:contact_id>/vcard")
def contact_vcard(contact_id: uuid.UUID) -> Any:
    """One contact as a vCard, to save in Outlook or on a phone."""
    card = vcard(ctx.db_session(), tenant_id=ctx.tenant_id(), contact_id=contact_id)
    return Response(card, mimetype="text/vcard",
                    headers={"Content-Disposition": f'attachment; filename="{contact_id}.vcf"'})
