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

    from . import api, cli, extensions, logs, outlook, teams

    logs.init_app(app, settings)
    extensions.init_app(app, settings)
    api.init_app(app)
    outlook.init_app(app)
    teams.init_app(app)
    cli.init_app(app)
    return app
