"""Deals created and closed through the API (the owner or a Storyline admin); stage moves
and term changes are ``PATCH /deals/ID`` in :mod:`app.api.actions`."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.records import cards, deals
from app.records.models import utcnow

from .encode import json_response
from .schemas import DealClose, DealIn, DealOut
from .spec import Documented, spec

bp = Blueprint("deals", __name__)


@bp.post("/deals")
@spec.validate(json=DealIn, resp=Documented(HTTP_201=DealOut), tags=["deals"])
def create(json: DealIn) -> Any:
    """Creates a deal on the account of ``account_domain``, owned by the caller (an admin
    may name another seller as owner)."""
    session = ctx.db_session()
    deal = deals.create_deal(session, tenant_id=ctx.tenant_id(),
                             terms=deals.terms_from_json(json.model_dump(exclude_none=True)),
                             actor=ctx.user_id(), is_admin=ctx.principal().is_admin)
    session.commit()
    return json_response(cards.deal(deal, utcnow(), None, None, [], None), 201)


@bp.post("/deals/<uuid:deal_id>/close")
@spec.validate(json=DealClose, resp=Documented(HTTP_200=DealOut), tags=["deals"])
def close(deal_id: uuid.UUID, json: DealClose) -> Any:
    """Closes a deal as won or lost (its owner or an admin)."""
    session = ctx.db_session()
    deal = deals.close_deal(session, tenant_id=ctx.tenant_id(), deal_id=deal_id,
                            outcome=json.outcome, on=json.on, actor=ctx.user_id(),
                            is_admin=ctx.principal().is_admin)
    session.commit()
    return json_response(cards.deal(deal, utcnow(), None, None, [], None))
