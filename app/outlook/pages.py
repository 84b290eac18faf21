"""The task pane, served from addin/taskpane, and the add-in manifest for this origin.

The pane's HTML names office.js on Microsoft's CDN. In the preview (``?preview=1``, only
without Entra) that one tag is swapped for the local Office stand-in, so the pane code that
runs in the preview is the code that runs in Outlook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    request,
    send_from_directory,
)

from app import extensions as ctx
from app.errors import NotFound

from .manifest import ManifestConfig, manifest_xml
from .security import pane_policy

bp = Blueprint("outlook", __name__, template_folder="templates")
OFFICE_JS_TAG = (
    '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>'
)
STANDIN_TAG = '<script src="/preview/static/office-standin.js"></script>'


def addin_dir() -> Path:
    """The folder holding the manifests and the task pane sources."""
    return Path(current_app.root_path).parent / "addin"


@bp.get("/taskpane/")
def pane_root() -> Any:
    """The pane's folder answers with the pane."""
    return redirect("/taskpane/taskpane.html", code=302)


@bp.get("/taskpane/taskpane.html")
def pane() -> Response:
    """The task pane page, with office.js (Outlook) or the stand-in (preview)."""
    html = (addin_dir() / "taskpane" / "taskpane.html").read_text(encoding="utf-8")
    preview = request.args.get("preview") == "1" and not ctx.settings().uses_entra
    if preview:
        html = html.replace(OFFICE_JS_TAG, STANDIN_TAG)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = pane_policy(preview=preview)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/taskpane/config.json")
def pane_config() -> Any:
    """What MSAL needs for nested app authentication (public: ids, not secrets)."""
    settings = ctx.settings()
    client_id = settings.entra_client_id or None
    return {
        "client_id": client_id,
        "authority": f"{settings.entra_authority_host.rstrip('/')}/organizations",
        "scopes": [f"{settings.audience}/{settings.api_scope}"] if client_id else [],
    }


@bp.get("/taskpane/vendor/msal-browser.min.js")
def msal_script() -> Response:
    """MSAL.js (npm @azure/msal-browser, installed by ``npm ci``), served from our origin so
    the pane's CSP needs no third-party script host besides office.js."""
    folder = Path(current_app.root_path).parent / "node_modules" / "@azure" / "msal-browser" / "lib"
    resp = send_from_directory(folder, "msal-browser.min.js", max_age=3600)
    resp.headers["Content-Security-Policy"] = pane_policy(preview=False)
    return resp


@bp.get("/taskpane/<path:filename>")
def pane_asset(filename: str) -> Response:
    """The pane's scripts, styles and icons."""
    resp = send_from_directory(addin_dir() / "taskpane", filename, max_age=0)
    resp.headers["Content-Security-Policy"] = pane_policy(preview=False)
    return resp


@bp.get("/addin/manifest.xml")
def manifest() -> Response:
    """The add-in only manifest for this server's public origin (``STORYLINE_PUBLIC_BASE_URL``),
    or, without one, for localhost: never for whatever a Host header names, or anyone could
    have us serve a manifest that points Outlook at their server."""
    settings = ctx.settings()
    origin = settings.public_base_url.rstrip("/")
    if not origin:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        if host not in ("localhost", "127.0.0.1", "[::1]"):
            raise NotFound("set STORYLINE_PUBLIC_BASE_URL to serve the manifest on this host",
                           code="no_public_origin")
        origin = request.host_url.rstrip("/")
    xml = manifest_xml(ManifestConfig(origin=origin, client_id=settings.entra_client_id or None))
    return Response(xml, mimetype="application/xml")
