"""``POST /api/v1/graph/notifications``: Graph's change and lifecycle notifications.

Graph calls this without a bearer token; each notification proves itself with the
subscription's ``clientState`` (compared in constant time). We answer the validation
handshake by echoing the token as text/plain, queue a job per valid notification and answer
202 at once (Graph wants an answer within 3 s). A redelivered notification queues the same
idempotent delta round, which finds nothing new.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

import orjson
import sqlalchemy as sa
from flask import Blueprint, Response, request

from app import extensions as ctx
from app.errors import BadRequest, Forbidden, PayloadTooLarge
from app.graph.notifications import parse_notifications
from app.records.models import Subscription

from .spec import Documented, spec

log = logging.getLogger(__name__)
bp = Blueprint("graph_notifications", __name__, url_prefix="/graph")
MAX_BODY = 1_000_000


@bp.post("/notifications")
@spec.validate(resp=Documented(HTTP_200=None, HTTP_202=None), tags=["graph"])
def receive() -> Any:
    """Validation handshake, or a batch of notifications to check and queue."""
    token = request.args.get("validationToken")
    if token is not None:
        return Response(token, status=200, mimetype="text/plain")
    # the cap holds for a chunked body too: werkzeug stops reading the stream one byte past it
    request.max_content_length = MAX_BODY + 1
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise PayloadTooLarge("notification body too large")
    try:
        shape = orjson.loads(raw)  # bounded depth; kiota's reader would recurse without end
    except orjson.JSONDecodeError:
        raise BadRequest("not a notification collection", code="bad_notification") from None
    if not isinstance(shape, dict) or not isinstance(shape.get("value"), list):
        raise BadRequest("not a notification collection", code="bad_notification")
    try:
        notes = parse_notifications(raw)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise BadRequest("not a notification collection", code="bad_notification") from exc
    if not notes:
        raise BadRequest("no notifications in the body", code="bad_notification")
    session = ctx.db_session()
    ids = {n.subscription_id for n in notes}
    # a subscription we removed (or replaced) proves nothing any more
    subs = {s.id: s for s in session.scalars(sa.select(Subscription).where(
        Subscription.id.in_(ids), Subscription.status == "active"))}
    queued: set[tuple[str, str, str | None]] = set()
    rejected = 0
    for note in notes:
        sub = subs.get(note.subscription_id)
        if sub is None or not _proves(sub, note.client_state, note.tenant_id):
            rejected += 1
            continue
        key = (str(sub.tenant_id), sub.id, note.lifecycle_event)
        if key not in queued:  # many changes to one folder in one POST: one delta round
            queued.add(key)
            ctx.runner().enqueue("handle_notification", tenant_id=key[0], subscription_id=sub.id,
                             lifecycle_event=note.lifecycle_event)
    if rejected:
        log.warning("graph notifications: %d rejected (unknown subscription or clientState)",
                    rejected)
    if not queued:
        raise Forbidden("no notification could be verified", code="invalid_notification")
    return Response(status=202)


def _proves(sub: Subscription, client_state: str | None, tenant_id: str | None) -> bool:
    if tenant_id and tenant_id.lower() != str(sub.tenant_id).lower():
        return False
    given = (client_state or "").encode()
    return hmac.compare_digest(given, sub.client_state.encode())
