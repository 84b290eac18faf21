"""The Teams personal tab (``/teams/tab``), the meeting side panel (``/teams/panel``), their
static files (``addin/teams``). The pages are static shells: addin/teams/prep.js signs in (Teams
SSO, or the local preview's token) and renders cards from ``/api/v1/prep``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from app import extensions as ctx

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


def page(mode: str, framed: bool = True, **extra: Any) -> Response:
    """A Teams page shell in ``mode`` (tab, panel, or the local preview of sent cards)."""
    html = render_template("teams/page.html", mode=mode,
                           preview_allowed=not ctx.settings().uses_entra, **extra)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = policy(framed=framed)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/teams/tab")
def tab() -> Response:
    """The personal tab: the seller's customer meetings, or one meeting's prep and story."""
    return page("tab")


@bp.get("/teams/panel")
def panel() -> Response:
    """The meeting side panel: the prep of the meeting the seller is in."""
    return page("panel")


@bp.get("/teams/static/<path:filename>")
def asset(filename: str) -> Response:
    """prep.js, markdown.js (shared with the Outlook pane), prep.css and vendor/ (the
    Adaptive Cards renderer and the Teams client)."""
    resp = send_from_directory(static_dir(), filename, max_age=300)
    resp.headers["Content-Security-Policy"] = policy(framed=False)
    return resp
