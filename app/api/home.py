"""``GET /api/v1/me/day``: the signed-in seller's "My day" (app/records/home.py), the home of
the Outlook pane and the Teams tab."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from app import extensions as ctx
from app.prep.schedule import attention_options as configured_options
from app.records.attention import AttentionOptions
from app.records.home import my_day
from app.records.models import utcnow

from .encode import json_response
from .schemas import DayOut, DayQuery
from .spec import Documented, spec

bp = Blueprint("home", __name__)


def attention_options() -> AttentionOptions:
    """The thresholds the nudges use too, so the home lists what the nudges say; the
    tenant's own stale-promise days where it set them."""
    return configured_options(ctx.settings()).for_tenant(ctx.db_session(), ctx.tenant_id())


@bp.get("/me/day")
@spec.validate(query=DayQuery, resp=Documented(HTTP_200=DayOut), tags=["home"])
def day(query: DayQuery) -> Any:
    """My promises and what customers owe me, due or overdue; customer mail waiting on me;
    deals that need me and new risks, each with its reason and the story it opens."""
    return json_response(my_day(ctx.db_session(), tenant_id=ctx.tenant_id(),
                                user_id=ctx.user_id(), now=utcnow(),
                                options=attention_options(), limit=query.limit))
