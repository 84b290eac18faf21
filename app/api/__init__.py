"""Every ``/api/v1`` route, in one blueprint whose one hook authenticates each request.

The feature blueprints below are registered inside it, so a route added to any of them is
authenticated without its author doing anything; the Graph webhook is the one public route
(it proves itself with clientState, see ``bearer.PUBLIC_ENDPOINTS``).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from . import (
    actions,
    bearer,
    body,
    deals,
    drafts,
    enrolment,
    errors,
    exports,
    graph_notifications,
    home,
    items,
    nudges,
    ops,
    people,
    prep,
    privacy,
    story,
    sync_status,
    team_mailboxes,
)
from .spec import spec

FEATURES = (story, people, actions, drafts, items, prep, graph_notifications, sync_status,
            team_mailboxes, privacy, deals, exports, enrolment, home, nudges)


def init_app(app: Flask) -> None:
    """Wires error handling, the authenticated API blueprint, health and the OpenAPI document."""
    errors.init_app(app)
    body.init_app(app)
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(bearer.authenticate)
    api.before_request(body.check_json_body)
    for module in FEATURES:
        api.register_blueprint(module.bp)
    app.register_blueprint(api)
    app.register_blueprint(ops.bp)
    spec.register(app)
