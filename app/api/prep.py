"""``GET /api/v1/prep``: the prep card of a meeting for the signed-in seller (the Teams tab,
the meeting side panel and the Outlook task pane for an appointment all show this).

The meeting is named by our id (``meeting_id``), by the open Outlook appointment
(``event_id``: its REST/Graph id in the caller's own mailbox, as calendar sync stored it), by
the Teams meeting the side panel is open in (``chat_id``: the meeting chat's thread id, which
the event's join link carries), or asked for as the caller's current one (``current=1``)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.api.answers import PrepOut, UpcomingOut
from app.api.spec import Documented, spec
from app.errors import BadRequest, NotFound
from app.graph.joinurl import THREAD
from app.prep.cards import prep_card
from app.prep.gather import PrepLinks, external_people, gather_prep, get_meeting
from app.records.models import Interaction, InteractionMailbox, Participant, utcnow
from app.records.visibility import Viewer

bp = Blueprint("prep_api", __name__)
CURRENT_SLACK = timedelta(minutes=15)  # a meeting about to start counts as current
UPCOMING_DAYS = 7
EVENT_ID_MAX = 400  # interaction_mailboxes.graph_id
NOT_SYNCED = ("This meeting is not in your Storyline record yet: calendar sync adds it within "
              "a few minutes. Meetings with colleagues only are not recorded.")


class PrepQuery(BaseModel):
    """Exactly one of ``meeting_id`` (our id), ``event_id`` (the Outlook appointment's
    REST/Graph id in the caller's mailbox), ``chat_id`` (the Teams meeting chat's thread id,
    ``19:meeting_...@thread.v2``) or ``current=1``."""

    model_config = ConfigDict(extra="forbid")
    meeting_id: uuid.UUID | None = None
    event_id: str | None = Field(None, min_length=1, max_length=EVENT_ID_MAX)
    chat_id: str | None = Field(None, min_length=1, max_length=300)
    current: Literal["1"] | None = None


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


def event_ids(raw: str) -> list[str]:
    """The forms an Outlook item id may take for the same event: as given (REST v2.0 / Graph,
    what ``convertToRestId`` returns) and, for an EWS id sent as is, its URL-safe REST form."""
    rest = raw.strip().replace("/", "-").replace("+", "_")
    return list(dict.fromkeys([raw.strip(), rest]))


def _by_event(event_id: str) -> uuid.UUID:
    """Our meeting behind the caller's calendar event, or a 404 saying it is not synced."""
    ids = event_ids(event_id)
    if not ids[0]:
        raise BadRequest("event_id must be the appointment's id", code="invalid_request")
    found = ctx.db_session().scalars(
        sa.select(InteractionMailbox.interaction_id)
        .join(Interaction, sa.and_(Interaction.tenant_id == InteractionMailbox.tenant_id,
                                   Interaction.id == InteractionMailbox.interaction_id))
        .where(InteractionMailbox.tenant_id == ctx.tenant_id(),
               InteractionMailbox.user_id == ctx.user_id(),
               InteractionMailbox.graph_id.in_(ids),
               Interaction.kind == "meeting", Interaction.deleted_at.is_(None))
        .limit(1)).first()
    if found is None:
        raise NotFound(NOT_SYNCED, code="meeting_not_synced")
    return found


def _by_chat(chat_id: str, now: datetime) -> uuid.UUID:
    """The caller's meeting held in that Teams meeting chat: the occurrence in progress or the
    next one (a recurring meeting keeps one chat), else the latest; 404 when none is known."""
    if not THREAD.fullmatch(chat_id):
        raise BadRequest("chat_id must be a Teams meeting chat id (19:...@thread.v2)",
                         code="invalid_request")
    meetings = ctx.db_session().scalars(_mine().where(
        Interaction.teams_thread_id == chat_id).order_by(Interaction.occurred_at)).all()
    if not meetings:
        raise NotFound("This Teams meeting is not in your Storyline record: it is not a "
                       "customer meeting in your calendar, or calendar sync has not added it "
                       "yet.", code="meeting_not_synced")
    ahead = [m for m in meetings if (m.ends_at or m.occurred_at) >= now - CURRENT_SLACK]
    return (ahead[0] if ahead else meetings[-1]).id


@bp.get("/prep")
@spec.validate(query=PrepQuery, resp=Documented(HTTP_200=PrepOut), tags=["prep"])
def prep(query: PrepQuery) -> Any:
    """The prep card of one meeting for the signed-in seller.

    ``meeting_id``: our id (the tab). ``event_id``: the Outlook appointment open in the task
    pane, by its REST id in the caller's mailbox (404 ``meeting_not_synced`` until calendar
    sync has recorded it). ``chat_id``: the Teams meeting the side panel is open in, by its
    chat thread id (the same 404). ``current=1``: the caller's meeting in progress or the
    next one today (the panel outside a meeting chat)."""
    given = [x for x in (query.meeting_id, query.event_id, query.chat_id, query.current)
             if x is not None]
    if len(given) != 1:
        raise BadRequest("give one of meeting_id, event_id, chat_id or current=1",
                         code="invalid_request")
    session, now = ctx.db_session(), utcnow()
    if query.meeting_id is not None:
        meeting_id = query.meeting_id
        get_meeting(session, ctx.tenant_id(), meeting_id)
        viewer = Viewer.load(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id())
        if viewer.level(meeting_id) == "hidden":  # a colleague's private meeting
            raise NotFound("no such meeting in your record")
    elif query.event_id is not None:
        meeting_id = _by_event(query.event_id)
    elif query.chat_id is not None:
        meeting_id = _by_chat(query.chat_id, now)
    else:
        meeting = session.scalars(_mine().where(
            Interaction.cancelled.is_(False),
            sa.func.coalesce(Interaction.ends_at, Interaction.occurred_at) >= now,
            Interaction.occurred_at <= now + timedelta(hours=12),
        ).order_by(Interaction.occurred_at).limit(1)).first()
        if meeting is None:
            raise NotFound("no customer meeting now or later today", code="no_current_meeting")
        meeting_id = meeting.id
    data = gather_prep(session, tenant_id=ctx.tenant_id(), meeting_id=meeting_id,
                       user_id=ctx.user_id(), now=now, links=_links())
    return {"meeting_id": data.meeting_id, "title": data.title,
            "starts_at": data.starts_at.isoformat(), "time_zone": data.time_zone,
            "cancelled": data.cancelled,
            "attendees": [a.email for a in data.attendees], "card": prep_card(data)}


@bp.get("/prep/upcoming")
@spec.validate(resp=Documented(HTTP_200=UpcomingOut), tags=["prep"])
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
