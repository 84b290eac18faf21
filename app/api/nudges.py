"""The seller's nudges (docs/nudges.md): ``GET /nudges`` lists their own still to act on;
``POST /nudges/ID/done`` closes one for good and ``POST /nudges/ID/snooze`` holds it until a
time (``until``) or for some hours (``hours``; neither: ``STORYLINE_NUDGE_SNOOZE_HOURS``),
after which it is sent once more."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.prep import nudge_actions as actions
from app.records.models import utcnow

from .encode import json_response
from .spec import Documented, spec

bp = Blueprint("nudges", __name__)


class SnoozeIn(BaseModel):
    """When the snooze ends: ``until`` (ISO 8601 with an offset) or ``hours`` from now."""

    model_config = ConfigDict(extra="forbid")
    until: datetime | None = None
    hours: float | None = Field(None, gt=0, le=720)


class NudgeOut(BaseModel):
    """One nudge: what it is about, why, the facts, the deep link, and where it stands."""

    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Literal["promise_due", "unanswered", "deal_cold", "single_threaded", "risk"]
    title: str
    reason: str
    evidence: dict[str, Any]
    link: str
    status: Literal["open", "held", "sent", "snoozed", "done"]
    account_id: str | None
    subject_id: str | None
    created_at: str
    sent_at: str | None
    snoozed_until: str | None
    done_at: str | None


class NudgesOut(BaseModel):
    """The seller's nudges still to act on, newest first."""

    model_config = ConfigDict(extra="forbid")
    nudges: list[NudgeOut]


@bp.get("/nudges")
@spec.validate(resp=Documented(HTTP_200=NudgesOut), tags=["nudges"])
def mine() -> Any:
    """The caller's own nudges not done and not snoozed (a snooze that ended counts)."""
    rows = actions.my_nudges(ctx.db_session(), tenant_id=ctx.tenant_id(),
                             user_id=ctx.user_id(), now=utcnow())
    return json_response({"nudges": [actions.nudge_item(n) for n in rows]})


@bp.post("/nudges/<uuid:nudge_id>/done")
@spec.validate(resp=Documented(HTTP_200=NudgeOut), tags=["nudges"])
def done(nudge_id: uuid.UUID) -> Any:
    """Marks the caller's nudge done: it is never sent again."""
    session = ctx.db_session()
    nudge = actions.mark_done(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id(),
                              nudge_id=nudge_id, now=utcnow())
    session.commit()
    return json_response(actions.nudge_item(nudge))


@bp.post("/nudges/<uuid:nudge_id>/snooze")
@spec.validate(json=SnoozeIn, resp=Documented(HTTP_200=NudgeOut), tags=["nudges"])
def snooze(nudge_id: uuid.UUID, json: SnoozeIn) -> Any:
    """Snoozes the caller's nudge until ``until`` or for ``hours``; it comes back once then."""
    session = ctx.db_session()
    now = utcnow()
    until = actions.snooze_until(until=json.until, hours=json.hours,
                                 default_hours=ctx.settings().nudge_snooze_hours, now=now)
    nudge = actions.snooze(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id(),
                           nudge_id=nudge_id, until=until)
    session.commit()
    return json_response(actions.nudge_item(nudge))
