"""Response headers: a Content-Security-Policy that allows only what the pane needs, framing
by Office hosts only (the pane) or by nobody (everything else), and no caching of tokens.

The pane is framed by Outlook on the web, new Outlook and Teams; ``frame-ancestors`` lists
those origins (``X-Frame-Options`` cannot name several, so it is only sent where framing is
forbidden outright).
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

OFFICE_SCRIPT = "https://appsforoffice.microsoft.com"
LOGIN = "https://login.microsoftonline.com"
OFFICE_FRAME_ANCESTORS = (
    "https://outlook.office.com",
    "https://outlook.office365.com",
    "https://outlook.live.com",
    "https://outlook.cloud.microsoft",
    "https://*.cloud.microsoft",
    "https://*.office.com",
    "https://*.office365.com",
    "https://*.officeapps.live.com",
    "https://*.microsoft365.com",
    "https://teams.microsoft.com",
    "https://*.teams.microsoft.com",
)


def pane_policy(*, preview: bool) -> str:
    """The CSP of the task pane: its own scripts, office.js from Microsoft's CDN (not in the
    preview, which uses a local stand-in), the API on its own origin, Entra for sign-in."""
    scripts = "'self'" if preview else f"'self' {OFFICE_SCRIPT}"
    ancestors = "'self'" if preview else "'self' " + " ".join(OFFICE_FRAME_ANCESTORS)
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self' {LOGIN}" if not preview else "connect-src 'self'",
        f"frame-src {OFFICE_SCRIPT} {LOGIN}" if not preview else "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        f"frame-ancestors {ancestors}",
    ])


PREVIEW_PAGE_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "frame-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'none'", "frame-ancestors 'none'",
])
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS = "/api/v1/docs"  # Swagger UI and friends (spectree's pages)
DOCS_CDN = "https://unpkg.com https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_policy(page: str) -> str:
    """The CSP of an API docs page: its bundles from the CDN spectree names, its one inline
    script by hash (no other inline script runs), the document from this origin."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
        + "'" for m in _INLINE_SCRIPT.finditer(page))
    return "; ".join([
        "default-src 'none'", f"script-src {DOCS_CDN} {hashes}".rstrip(),
        f"style-src {DOCS_CDN} 'unsafe-inline'", f"img-src 'self' data: {DOCS_CDN}",
        f"font-src {DOCS_CDN}", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'none'", "frame-ancestors 'none'",
    ])


def _secure_headers(resp: Response) -> Response:
    path = request.path
    headers = resp.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if path.startswith("/taskpane"):
        # the view that served the pane chose the policy (preview or Office)
        headers.setdefault("Content-Security-Policy", pane_policy(preview=False))
    elif path == "/" or path.startswith("/preview/static"):
        headers.setdefault("Content-Security-Policy", PREVIEW_PAGE_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
    elif path.startswith(DOCS) and resp.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", docs_policy(resp.get_data(as_text=True)))
        headers.setdefault("X-Frame-Options", "DENY")
    elif path.startswith(("/api/", "/preview/")) and resp.mimetype == "application/json":
        headers.setdefault("Content-Security-Policy", DATA_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cache-Control", "no-store")
    # other paths (the Teams tab and panel, ops) set their own policies
    return resp


def init_app(app: Flask) -> None:
    """Adds the headers to every response (a header a view already set is kept)."""
    app.after_request(_secure_headers)
