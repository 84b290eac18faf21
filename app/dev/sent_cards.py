"""What the local Graph stand-in recorded as sent to Teams, matched with the cards in our
delivery log (the ``/prep`` preview page shows them; local development only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.prep.cards import nudge_card
from app.prep.models import Nudge, PrepDelivery
from app.prep.types import NudgePrep
from app.records.models import User

TIMEOUT = 5.0


@dataclass(frozen=True)
class SentCard:
    """One notification the stand-in received, with the card it announced."""

    at: str
    mailbox: str
    activity_type: str
    preview: str
    card: dict[str, Any] | None
    status: str | None


def standin_notices(graph_base_url: str, verify: bool | str) -> list[dict[str, Any]]:
    """The Teams calls the stand-in at ``graph_base_url`` recorded (its control endpoint)."""
    parts = urlsplit(graph_base_url)
    url = f"{parts.scheme}://{parts.netloc}/_standin/teams"
    with requests.Session() as http:
        http.trust_env = False
        answer = http.get(url, timeout=TIMEOUT, verify=verify)
        answer.raise_for_status()
        value = answer.json().get("value", [])
    return [v for v in value if isinstance(v, dict)]


def _chain(notice: dict[str, Any]) -> int | None:
    raw = str((notice.get("body") or {}).get("chainId", ""))
    return int(raw) if notice.get("kind") == "activity" and raw.isdigit() else None


def sent_cards(session: Session, notices: list[dict[str, Any]]) -> list[SentCard]:
    """Each recorded activity notification, newest first, with the latest card of our log
    that has its ``chainId`` (one chain carries a card, a moved card, a cancellation)."""
    chains = {c for c in map(_chain, notices) if c is not None}
    rows: dict[int, PrepDelivery] = {}
    if chains:
        for row in session.scalars(sa.select(PrepDelivery).where(
                PrepDelivery.chain_id.in_(chains)).order_by(PrepDelivery.created_at)):
            rows[row.chain_id] = row
    out = []
    for n in reversed(notices):
        chain = _chain(n)
        if chain is None:
            continue
        body, latest = n.get("body") or {}, rows.get(chain)
        out.append(SentCard(at=str(n.get("at", "")), mailbox=str(n.get("mailbox") or ""),
                            activity_type=str(body.get("activityType", "")),
                            preview=str((body.get("previewText") or {}).get("content", "")),
                            card=latest.card if latest else None,
                            status=latest.status if latest else None))
    return out


@dataclass(frozen=True)
class ListedNudge:
    """One nudge found for a seller: its card as sent (or as it will go, when held)."""

    mailbox: str
    kind: str
    status: str
    reason: str
    created_at: datetime
    sent_at: datetime | None
    card: dict[str, Any]


def listed_nudges(session: Session, limit: int = 200) -> list[ListedNudge]:
    """The nudges in the record, sent first and newest first, each with its card."""
    rows = session.execute(
        sa.select(Nudge, User.email, PrepDelivery.card)
        .join(User, sa.and_(User.tenant_id == Nudge.tenant_id, User.id == Nudge.user_id))
        .outerjoin(PrepDelivery, sa.and_(PrepDelivery.tenant_id == Nudge.tenant_id,
                                         PrepDelivery.id == Nudge.delivery_id))
        .order_by(Nudge.sent_at.is_(None), Nudge.sent_at.desc(), Nudge.created_at.desc())
        .limit(limit)).all()
    out = []
    for n, email, card in rows:
        evidence = dict(n.evidence or {})
        out.append(ListedNudge(
            mailbox=email, kind=n.kind, status=n.status, reason=n.reason,
            created_at=n.created_at, sent_at=n.sent_at,
            card=card or nudge_card(NudgePrep(
                id=str(n.id), kind=n.kind, title=str(evidence.get("title") or ""),
                reason=n.reason, evidence=evidence, account_name=evidence.get("account"),
                contact_name=evidence.get("contact"), story_url=n.link or None))))
    return out
