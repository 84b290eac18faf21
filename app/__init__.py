"""Storyline: the customer record in the inbox. ``create_app`` is the Flask app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .settings import Settings, load_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Builds the web app: settings, logging, database, auth, API and CLI.

    ``test_config`` overrides settings fields by name (tests, tools).
    """
    settings: Settings = load_settings()
    if test_config:
        settings = settings.with_overrides(**test_config)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config["STORYLINE"] = settings
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from . import cli, cli_prep, cli_sync, logs
    from .api import init_app as init_api
    from .web import init_app as init_web
    from .web_teams import init_app as init_teams

    logs.init_app(app, settings)
    init_api(app, settings)
    init_web(app)
    init_teams(app)
    cli.init_app(app)
    cli_prep.register(app)
    cli_sync.register(app)
    return app
