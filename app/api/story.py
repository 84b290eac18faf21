"""``GET /api/v1/story``: the customer story for an address, several addresses, or a contact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from app import extensions as ctx
from app.errors import BadRequest, NotFound
from app.records.identity import normalize_address
from app.records.story import StoryQuery as Story

from .schemas import StoryQuery
from .spec import spec

try:
    import orjson
except ImportError:  # pragma: no cover - the stdlib encoder is the fallback
    orjson = None  # type: ignore[assignment]

bp = Blueprint("story", __name__)
MAX_ADDRESSES = 50


def _json(body: dict[str, Any]) -> Response:
    """The story as a JSON response. A heavy story is ~27 kB: orjson encodes it in ~0.04 ms
    where the stdlib encoder behind ``jsonify`` takes ~0.5 ms. Same values and key order
    (non-ASCII text is sent as UTF-8 instead of ``\\u`` escapes); ``jsonify`` remains the
    fallback when orjson is missing or meets a type it does not know."""
    if orjson is not None:
        try:
            return current_app.response_class(orjson.dumps(body) + b"\n",
                                              mimetype="application/json")
        except TypeError:
            pass
    return jsonify(body)


@bp.get("/story")
@spec.validate(query=StoryQuery, tags=["story"])
def story(query: StoryQuery) -> Response:
    """The story of the sender (``email``), of everyone on the open email (``emails``), or of
    a contact (``contact_id``): contact, account, timeline, commitments, signals, deals,
    health and team."""
    given = [x for x in (query.email, query.emails, query.contact_id) if x]
    if len(given) != 1:
        raise BadRequest("give exactly one of email, emails or contact_id", code="invalid_request")
    builder = Story(ctx.db_session(), ctx.tenant_id())
    # A ready Response: spectree then skips walking the (large) story for pydantic models.
    if query.contact_id:
        return _json(builder.for_contact_id(query.contact_id, page=query.page,
                                              page_size=query.page_size))
    if query.email:
        address = normalize_address(query.email)
        found = builder.for_address(address, page=query.page, page_size=query.page_size)
        if found is None:
            raise NotFound("nobody with that address or domain in your record")
        return _json(found)
    raw = [a for a in (query.emails or "").split(",") if a.strip()]
    if not raw or len(raw) > MAX_ADDRESSES:
        raise BadRequest(f"give 1 to {MAX_ADDRESSES} addresses", code="invalid_request")
    stories = []
    for address in dict.fromkeys(normalize_address(a) for a in raw):
        found = builder.for_address(address, page=query.page, page_size=query.page_size)
        stories.append({"address": address, "found": found is not None, "story": found})
    return _json({"stories": stories})
