"""Storyline in Outlook: the task pane pages (served from addin/taskpane), the add-in
manifest generated for an origin, and the security headers Office hosts need.
"""

from __future__ import annotations

from flask import Flask

from . import pages, security


def init_app(app: Flask) -> None:
    """Registers the pane's pages and the security headers."""
    if "outlook" in app.blueprints:
        return
    app.register_blueprint(pages.bp)
    security.init_app(app)
