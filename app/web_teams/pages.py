"""The Teams personal tab (``/teams/tab``), the meeting side panel (``/teams/panel``), their
static files (``addin/teams``) and the local ``/prep`` page that shows the cards the Graph
stand-in recorded as sent. The pages are static shells: addin/teams/prep.js signs in (Teams
SSO, or the local preview's token) and renders cards from ``/api/v1/prep``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from flask import Blueprint, Response, current_app, render_template, send_from_directory

from app.api import context as ctx
from app.graph.config import GraphConfig
from app.prep.deliver import coming_digests
from app.prep.recorded import sent_cards, standin_notices
from app.prep.schedule import prep_options
from app.records.models import utcnow
from app.web.preview import local_only

bp = Blueprint("teams", __name__, template_folder="templates")
TEAMS_ORIGINS = ("https://teams.microsoft.com", "https://*.teams.microsoft.com",
                 "https://*.cloud.microsoft", "https://*.office.com",
                 "https://*.microsoft365.com", "https://outlook.office.com")
# The Teams client library fetches its list of valid host origins from Microsoft's CDN.
TEAMS_JS_CONNECT = " https://res.cdn.office.net"


def static_dir() -> Path:
    """addin/teams: the pages' script, styles and the vendored renderer and Teams client."""
    return Path(current_app.root_path).parent / "addin" / "teams"


def policy(*, framed: bool) -> str:
    """Our own scripts and API only; framed by Teams (tab, panel) or by nobody (preview)."""
    ancestors = "'self' " + " ".join(TEAMS_ORIGINS) if framed else "'none'"
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", f"connect-src 'self'{TEAMS_JS_CONNECT if framed else ''}",
        "object-src 'none'",
        "base-uri 'none'", "form-action 'none'", f"frame-ancestors {ancestors}",
    ])


def _page(mode: str, framed: bool = True, **extra: Any) -> Response:
    html = render_template("teams/page.html", mode=mode,
                           preview_allowed=not ctx.settings().uses_entra, **extra)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = policy(framed=framed)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/teams/tab")
def tab() -> Response:
    """The personal tab: the seller's customer meetings, or one meeting's prep and story."""
    return _page("tab")


@bp.get("/teams/panel")
def panel() -> Response:
    """The meeting side panel: the prep of the meeting the seller is in."""
    return _page("panel")


@bp.get("/teams/static/<path:filename>")
def asset(filename: str) -> Response:
    """prep.js, markdown.js (shared with the Outlook pane), prep.css and vendor/ (the
    Adaptive Cards renderer and the Teams client)."""
    resp = send_from_directory(static_dir(), filename, max_age=300)
    resp.headers["Content-Security-Policy"] = policy(framed=False)
    return resp




@bp.get("/prep")
def sent() -> Response:
    """The cards the local Graph stand-in recorded as sent, rendered (local development)."""
    local_only()
    config = GraphConfig.from_settings(ctx.settings())
    error = None
    try:
        notices = standin_notices(config.base_url, config.verify)
    except (requests.RequestException, ValueError) as exc:
        notices, error = [], f"The Graph stand-in at {config.base_url} did not answer " \
                            f"({type(exc).__name__})."
    cards = sent_cards(ctx.db_session(), notices)
    payload = [{"at": c.at, "mailbox": c.mailbox, "type": c.activity_type,
                "preview": c.preview, "status": c.status, "card": c.card} for c in cards]
    # the morning digests the job will send next (a digest is not visible in an evening demo)
    coming = [{"at": d.scheduled_for.isoformat(), "mailbox": d.address, "type": "prepDigest",
               "preview": f"{d.meetings} customer meeting{'s' if d.meetings != 1 else ''} "
                          f"on {d.day:%A %d %B}", "status": "not sent yet", "card": d.card}
              for d in coming_digests(ctx.database(), utcnow(), prep_options(ctx.settings()))]
    return _page("preview", framed=False, error=error,
                 cards_json=json.dumps(payload).replace("<", "\\u003c"),
                 coming_json=json.dumps(coming).replace("<", "\\u003c"))
