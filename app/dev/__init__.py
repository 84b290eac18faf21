"""Local development only, never product: the Graph and identity stand-in, the invented sample
company, the demo launcher, and the browser preview (the sample inbox beside the real pane,
and the Teams cards the stand-in recorded as sent). Product code never imports this package;
the built wheel leaves it out.

``create_app`` is the product app with the preview's pages added (``make demo`` serves it).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import create_app as create_product_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The product app plus the local preview (its pages refuse when Entra is configured)."""
    app = create_product_app(test_config)
    init_app(app)
    return app


def init_app(app: Flask) -> None:
    """Registers the preview's pages, its token endpoints and ``load-sample`` on ``app``."""
    from . import cli, pages, preview

    if "dev" in app.blueprints:
        return
    app.register_blueprint(pages.bp)
    app.register_blueprint(preview.bp)
    app.cli.add_command(cli.load_sample)
