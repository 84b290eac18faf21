"""Handoff notices: the account's owner hears, once, in Teams, when a team mailbox receives an
escalation, a cancellation threat or an invoice dispute from one of their customers
(:mod:`app.records.handoffs` finds them). Same delivery path and log as prep cards: the row
is claimed before the Graph call, so two workers never send one twice."""

from __future__ import annotations

import logging
import uuid
import zlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.db import Database
from app.graph import teams
from app.graph.service import Graph
from app.records.handoffs import TeamAlert, team_alerts
from app.records.models import User, utcnow

from .cards import SCHEMA, VERSION
from .deliver import DeliveryReport, send_notice
from .models import PrepDelivery
from .schedule import PrepOptions, tenant_ids
from .text import clip, md

log = logging.getLogger(__name__)
WINDOW = timedelta(days=3)  # alerts older than this when first seen are history, not news
ACTIVITY = "teamHandoff"
WHAT = {"escalation": "an escalation", "cancellation": "a cancellation threat",
        "invoice_dispute": "an invoice dispute"}


def handoff_card(alert: TeamAlert, story_url: str) -> dict[str, Any]:
    """The Adaptive Card the owner opens: who heard what, the words, and the story link."""
    function = alert.function.capitalize()
    return {
        "type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
        "fallbackText": clip(f"{function} received {WHAT[alert.kind]} from "
                             f"{alert.account_name}", 150),
        "body": [
            {"type": "TextBlock", "wrap": True, "size": "Small", "isSubtle": True,
             "text": f"{function} \u00b7 {md(clip(alert.account_name, 80))}"},
            {"type": "TextBlock", "wrap": True, "size": "Large", "weight": "Bolder",
             "text": f"{function} received {WHAT[alert.kind]}"},
            {"type": "TextBlock", "wrap": True, "weight": "Bolder",
             "text": md(clip(alert.subject, 120)) or "(no subject)"},
            {"type": "TextBlock", "wrap": True, "text": md(clip(alert.evidence, 300))},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the story", "url": story_url}],
    }


def _claim(db: Database, alert: TeamAlert, card: dict[str, Any], now: datetime) -> uuid.UUID | None:
    key = f"handoff:{alert.interaction_id}"
    try:
        with db.session() as session:
            row = PrepDelivery(
                tenant_id=alert.tenant_id, id=uuid.uuid4(), user_id=alert.owner_user_id,
                kind="handoff", meeting_id=alert.interaction_id, dedupe_key=key,
                scheduled_for=now, status="sending", card=card,
                chain_id=zlib.crc32(key.encode()))
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None  # already sent (or being sent by another worker)


def send_handoffs(db: Database, graph: Graph, now: datetime | None = None, *,
                  options: PrepOptions | None = None) -> DeliveryReport:
    """Sends each owner the handoff notices not sent yet; gives what was sent and failed."""
    now = now or utcnow()
    options = options or PrepOptions()
    report = DeliveryReport()
    with db.session() as session:
        tenants = tenant_ids(session)
    for tenant_id in tenants:
        try:
            report = report.add(_tenant_handoffs(db, graph, tenant_id, now, options))
        except Exception:  # noqa: BLE001 - one tenant's failure must not cost the others theirs
            log.exception("handoff round failed for tenant %s", tenant_id)
            report = report.add(DeliveryReport(failed=1))
    return report


def _tenant_handoffs(db: Database, graph: Graph, tenant_id: uuid.UUID, now: datetime,
                     options: PrepOptions) -> DeliveryReport:
    """One tenant's handoff notices."""
    report = DeliveryReport()
    with db.session() as session:
        alerts = team_alerts(session, tenant_id=tenant_id, since=now - WINDOW)
        recipients = {a.owner_user_id: session.get(User, (tenant_id, a.owner_user_id))
                      for a in alerts}
    for alert in alerts:
        user = recipients.get(alert.owner_user_id)
        if user is None:
            continue
        url = f"{options.links.base_url.rstrip('/')}/teams/tab?interaction_id=" \
              f"{alert.interaction_id}"
        card = handoff_card(alert, url)
        delivery_id = _claim(db, alert, card, now)
        if delivery_id is None:
            report = report.add(DeliveryReport(skipped=1))
            continue
        notice = teams.ActivityNotice(
            user=str(user.oid) if user.oid else user.email, activity_type=ACTIVITY,
            topic="Customer handoff", web_url=url, preview=card["fallbackText"],
            chain_id=zlib.crc32(f"handoff:{alert.interaction_id}".encode()),
            parameters={"function": alert.function.capitalize(),
                        "what": WHAT[alert.kind], "account": clip(alert.account_name, 80)})
        sent = send_notice(db, graph, tenant_id, delivery_id, notice)
        report = report.add(DeliveryReport(sent=1) if sent else DeliveryReport(failed=1))
    return report
