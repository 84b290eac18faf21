"""``GET /api/v1/story``: the customer story for an address, several addresses, or a contact."""

from __future__ import annotations

from flask import Blueprint, Response

from app import extensions as ctx
from app.db import retry_on_disconnect
from app.errors import BadRequest, NotFound
from app.records.identity import normalize_address
from app.records.story import StoryQuery as Story
from app.records.story import read_only
from app.records.story_types import Stories, StoryOf

from .encode import json_response
from .schemas import StoryOut, StoryQuery
from .spec import Documented, spec

bp = Blueprint("story", __name__)
MAX_ADDRESSES = 50


@bp.get("/story")
@spec.validate(query=StoryQuery, resp=Documented(HTTP_200=StoryOut), tags=["story"])
def story(query: StoryQuery) -> Response:
    """The story of the sender (``email``), of everyone on the open email (``emails``), or of
    a contact (``contact_id``): contact, account, timeline, commitments, signals, deals,
    health and team."""
    given = [x for x in (query.email, query.emails, query.contact_id) if x]
    if len(given) != 1:
        raise BadRequest("give exactly one of email, emails or contact_id", code="invalid_request")
    session = ctx.db_session()
    return retry_on_disconnect(session, lambda: _answer(query))


def _answer(query: StoryQuery) -> Response:
    session = ctx.db_session()
    read_only(session)
    builder = Story(session, ctx.tenant_id())
    sees = builder.viewer(ctx.user_id()).story
    if query.contact_id:
        shown = sees(builder.for_contact_id(query.contact_id, page=query.page,
                                            page_size=query.page_size))
        if shown is None:
            raise NotFound("no contact with that id")
        return json_response(shown)
    if query.email:
        address = normalize_address(query.email)
        found = sees(builder.for_address(address, page=query.page, page_size=query.page_size))
        if found is None:
            raise NotFound("nobody with that address or domain in your record")
        return json_response(found)
    raw = [a for a in (query.emails or "").split(",") if a.strip()]
    if not raw or len(raw) > MAX_ADDRESSES:
        raise BadRequest(f"give 1 to {MAX_ADDRESSES} addresses", code="invalid_request")
    stories = []
    for address in dict.fromkeys(normalize_address(a) for a in raw):
        found = sees(builder.for_address(address, page=query.page, page_size=query.page_size))
        stories.append(StoryOf(address=address, found=found is not None, story=found))
    return json_response(Stories(stories=stories))
