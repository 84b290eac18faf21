"""The preview's pages: the sample inbox beside the real task pane at ``/`` (its scripts in
addin/preview), and ``/prep``, the Teams cards the Graph stand-in recorded as sent beside the
digests that go out next. Local development only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from flask import Blueprint, Response, current_app, render_template, send_from_directory

from app import extensions as ctx
from app.graph.config import GraphConfig
from app.prep.deliver import coming_digests
from app.prep.schedule import prep_options
from app.records.models import utcnow
from app.teams.pages import page

from .preview import local_only
from .sent_cards import listed_nudges, sent_cards, standin_notices

bp = Blueprint("dev", __name__, template_folder="templates")


def preview_dir() -> Path:
    """addin/preview: the preview page's script and styles and the Office stand-in."""
    return Path(current_app.root_path).parent / "addin" / "preview"


@bp.get("/")
def preview_page() -> Any:
    """The sample inbox with the real task pane beside it (local development only)."""
    return render_template("preview.html", allowed=not ctx.settings().uses_entra)


@bp.get("/preview/static/<path:filename>")
def asset(filename: str) -> Response:
    """preview.js, preview.css and office-standin.js."""
    return send_from_directory(preview_dir(), filename, max_age=0)


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
    nudges = [{"at": (n.sent_at or n.created_at).isoformat(), "mailbox": n.mailbox,
               "kind": n.kind, "status": n.status, "reason": n.reason, "card": n.card}
              for n in listed_nudges(ctx.db_session())]
    return page("preview", framed=False, error=error,
                 cards_json=json.dumps(payload).replace("<", "\\u003c"),
                 coming_json=json.dumps(coming).replace("<", "\\u003c"),
                 nudges_json=json.dumps(nudges).replace("<", "\\u003c"))
