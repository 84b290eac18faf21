"""The HTTP layer: thin Flask blueprints over app/records. Registered by ``init_app``."""

from __future__ import annotations

from flask import Blueprint, Flask

from app.settings import Settings

from . import actions, auth, context, errors, graph_notifications, ops, people, story, sync_status
from .spec import spec


def init_app(app: Flask, settings: Settings) -> None:
    """Wires resources, error handling, blueprints and the OpenAPI document."""
    context.init_app(app, settings)
    errors.init_app(app)
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(auth.authenticate)
    for module in (story, people, actions, graph_notifications, sync_status):
        api.register_blueprint(module.bp)
    app.register_blueprint(api)
    app.register_blueprint(ops.bp)
    spec.register(app)
