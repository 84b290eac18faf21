"""``GET /api/v1/prep``: the prep card of a meeting for the signed-in seller (the Teams tab,
the meeting side panel and the Outlook task pane for an appointment all show this)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request

from app.api import context as ctx
from app.api.auth import authenticate
from app.errors import BadRequest, NotFound
from app.prep.cards import prep_card
from app.prep.gather import PrepLinks, external_people, gather_prep, get_meeting
from app.records.models import Interaction, Participant, utcnow

bp = Blueprint("prep_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
CURRENT_SLACK = timedelta(minutes=15)  # a meeting about to start counts as current
UPCOMING_DAYS = 7


def _links() -> PrepLinks:
    return PrepLinks(base_url=request.host_url)


def _mine(meeting_ids: sa.Select | None = None) -> sa.Select:
    """The caller's live customer meetings (they are an attendee or the organizer)."""
    mine = sa.select(Participant.interaction_id).where(
        Participant.tenant_id == ctx.tenant_id(), Participant.user_id == ctx.user_id())
    query = sa.select(Interaction).where(
        Interaction.tenant_id == ctx.tenant_id(), Interaction.kind == "meeting",
        Interaction.deleted_at.is_(None), Interaction.id.in_(mine))
    return query if meeting_ids is None else query.where(Interaction.id.in_(meeting_ids))


def _meeting_id(raw: str | None) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise BadRequest("meeting_id must be a meeting's id", code="invalid_request") from exc


@bp.get("/prep")
def prep() -> Any:
    """The card for ``meeting_id``, or with ``current=1`` for the caller's meeting in progress
    (or the next one today): the meeting side panel cannot map Teams' own meeting id to the
    calendar event, so it asks for the meeting the seller is in."""
    session, now = ctx.db_session(), utcnow()
    meeting_id = _meeting_id(request.args.get("meeting_id"))
    if meeting_id is None:
        if request.args.get("current") != "1":
            raise BadRequest("give meeting_id, or current=1", code="invalid_request")
        meeting = session.scalars(_mine().where(
            Interaction.cancelled.is_(False),
            sa.func.coalesce(Interaction.ends_at, Interaction.occurred_at) >= now,
            Interaction.occurred_at <= now + timedelta(hours=12),
        ).order_by(Interaction.occurred_at).limit(1)).first()
        if meeting is None:
            raise NotFound("no customer meeting now or later today", code="no_current_meeting")
        meeting_id = meeting.id
    else:
        get_meeting(session, ctx.tenant_id(), meeting_id)
    data = gather_prep(session, tenant_id=ctx.tenant_id(), meeting_id=meeting_id,
                       user_id=ctx.user_id(), now=now, links=_links())
    return {"meeting_id": data.meeting_id, "title": data.title,
            "starts_at": data.starts_at.isoformat(), "time_zone": data.time_zone,
            "cancelled": data.cancelled,
            "attendees": [a.email for a in data.attendees], "card": prep_card(data)}


@bp.get("/prep/upcoming")
def upcoming() -> Any:
    """The caller's customer meetings of the next week (the tab's home list)."""
    session, now = ctx.db_session(), utcnow()
    rows = session.scalars(_mine().where(
        Interaction.occurred_at >= now - CURRENT_SLACK,
        Interaction.occurred_at <= now + timedelta(days=UPCOMING_DAYS),
    ).order_by(Interaction.occurred_at).limit(50)).all()
    return {"meetings": [
        {"meeting_id": str(m.id), "title": m.subject, "starts_at": m.occurred_at.isoformat(),
         "cancelled": m.cancelled,
         "attendees": [p.name or p.address for p in external_people(session, m)]}
        for m in rows]}
