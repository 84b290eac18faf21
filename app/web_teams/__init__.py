"""Storyline in Teams: the personal tab and meeting side panel pages, the prep API they
call, and the local preview of the cards sent. The integrator calls :func:`init_app` from
``create_app`` after the API is wired."""

from __future__ import annotations

from flask import Flask

from . import api, pages


def init_app(app: Flask) -> None:
    """Registers the Teams pages and ``/api/v1/prep`` (bearer-authenticated)."""
    if "teams" in app.blueprints:
        return
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
