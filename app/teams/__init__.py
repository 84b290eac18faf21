"""Storyline in Teams: the personal tab and meeting side panel pages (served from
addin/teams). Their data comes from ``/api/v1/prep`` (app/api/prep.py)."""

from __future__ import annotations

from flask import Flask

from . import pages


def init_app(app: Flask) -> None:
    """Registers the Teams pages."""
    if "teams" in app.blueprints:
        return
    app.register_blueprint(pages.bp)
