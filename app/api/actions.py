"""Deal stages, commitments and suppressions changed from the task pane."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.auth.tokens import ADMIN_ROLE
from app.errors import BadRequest, Forbidden
from app.records import actions, cards, deals
from app.records.ageing import stale_days
from app.records.models import Interaction, utcnow
from app.records.suppressions import block

from .answers import DealLinkOut, SuppressionOut
from .encode import json_response
from .schemas import (
    CommitmentOut,
    CommitmentPatch,
    DealLinkIn,
    DealOut,
    DealPatch,
    SuppressionIn,
)
from .spec import Documented, spec

bp = Blueprint("actions", __name__)


@bp.patch("/deals/<uuid:deal_id>")
@spec.validate(json=DealPatch, resp=Documented(HTTP_200=DealOut), tags=["deals"])
def deal_stage(deal_id: uuid.UUID, json: DealPatch) -> Any:
    """Moves a deal to another stage (recorded in its history; any seller), or changes its
    terms (name, amount, currency, close date, owner: its owner or an admin)."""
    session = ctx.db_session()
    changes = json.model_dump(exclude_none=True)
    if set(changes) - {"stage"}:
        deal = deals.update_deal(session, tenant_id=ctx.tenant_id(), deal_id=deal_id,
                                 terms=deals.terms_from_json(changes), actor=ctx.user_id(),
                                 is_admin=ctx.principal().is_admin)
    elif json.stage is not None:
        deal = actions.set_deal_stage(session, tenant_id=ctx.tenant_id(), deal_id=deal_id,
                                      stage=json.stage, actor=ctx.user_id())
    else:
        raise BadRequest("give a stage or the terms to change", code="invalid_request")
    session.commit()
    return json_response(cards.deal(deal, utcnow(), None, None, [], None))


@bp.post("/deals/<uuid:deal_id>/interactions")
@spec.validate(json=DealLinkIn, resp=Documented(HTTP_201=DealLinkOut), tags=["deals"])
def deal_link(deal_id: uuid.UUID, json: DealLinkIn) -> Any:
    """Links this email thread or meeting to the deal."""
    session = ctx.db_session()
    actions.link_deal(session, tenant_id=ctx.tenant_id(), deal_id=deal_id,
                      interaction_id=json.interaction_id)
    session.commit()
    return {"deal_id": str(deal_id), "interaction_id": str(json.interaction_id)}, 201


@bp.patch("/commitments/<uuid:commitment_id>")
@spec.validate(json=CommitmentPatch, resp=Documented(HTTP_200=CommitmentOut),
               tags=["commitments"])
def commitment(commitment_id: uuid.UUID, json: CommitmentPatch) -> Any:
    """Marks a commitment done or dismissed, reopens it, snoozes it, sets or clears its due
    date (``due_on``), or tracks a suggestion (``shown``: true); the seller's answer to a
    suggestion is kept as the tenant's label."""
    session = ctx.db_session()
    c = actions.update_commitment(
        session, tenant_id=ctx.tenant_id(), commitment_id=commitment_id, status=json.status,
        snoozed_until=json.snoozed_until,
        due_on=json.due_on if "due_on" in json.model_fields_set else actions.KEEP,
        shown=json.shown, actor=ctx.user_id())
    session.commit()
    source = session.get(Interaction, (c.tenant_id, c.interaction_id)) \
        if c.interaction_id else None
    return json_response(cards.commitment(
        c, None, utcnow().date(), made_at=source.occurred_at if source else None,
        stale_after=stale_days(session, tenant_id=c.tenant_id)))


@bp.post("/suppressions")
@spec.validate(json=SuppressionIn, resp=Documented(HTTP_201=SuppressionOut),
               tags=["suppressions"])
def suppress(json: SuppressionIn) -> Any:
    """Never track this address or domain again (for me, or, for a Storyline admin, for the
    whole tenant), and purge what was already recorded for it."""
    if json.scope == "tenant" and not ctx.principal().is_admin:
        raise Forbidden(f"only a Storyline admin (the {ADMIN_ROLE} app role) can stop tracking "
                        "for the whole tenant; scope \"user\" stops it for you",
                        code="admin_required")
    session = ctx.db_session()
    sup, purged = block(
        session, tenant_id=ctx.tenant_id(), value=json.value, actor=ctx.user_id(),
        user_id=ctx.user_id() if json.scope == "user" else None, reason=json.reason,
    )
    session.commit()
    return {"id": str(sup.id), "kind": sup.kind, "value": sup.value,
            "scope": "user" if sup.user_id else "tenant", "removed": purged.counts()}, 201
