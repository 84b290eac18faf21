"""The web surfaces of the Outlook add-in: the task pane, the browser preview beside the
sample inbox, the compose-mode draft analysis, the item endpoints the pane needs, the
manifest generator, and the security headers for Office hosts.

The integrator calls :func:`init_app` from ``create_app`` after the API is wired.
"""

from __future__ import annotations

from flask import Flask

from . import drafts, items, manifest, pages, preview, security


def init_app(app: Flask) -> None:
    """Registers the pane, the preview, the draft and item endpoints, headers and the CLI."""
    if "web" in app.blueprints:
        return
    app.register_blueprint(pages.bp)
    app.register_blueprint(preview.bp)
    app.register_blueprint(drafts.bp)
    app.register_blueprint(items.bp)
    security.init_app(app)
    manifest.init_app(app)
