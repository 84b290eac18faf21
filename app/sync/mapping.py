"""Graph dataclasses -> the records layer's ``InteractionIn`` (pure functions).

Sent Items become outbound activity (the records layer decides direction from the sender
being one of ours); meetings become interactions keyed by iCalUId.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.address import Address
from app.extract.clean import clean_body
from app.extract.types import ExtractionResult
from app.graph.joinurl import teams_thread_id
from app.graph.types import MailMessage, Meeting
from app.records.inputs import (
    CommitmentIn,
    InteractionIn,
    SignalIn,
    SignatureIn,
)

# Headers that tell bulk and automated mail apart; the rest are not kept.
KEPT_HEADERS = ("list-unsubscribe", "list-id", "precedence", "auto-submitted",
                "x-auto-response-suppress")
MAX_BODY = 20_000


def _headers(pairs: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    kept = {name: value for name, value in pairs if name.lower() in KEPT_HEADERS}
    return MappingProxyType(kept)


def findings_fields(result: ExtractionResult | None) -> dict[str, Any]:
    """InteractionIn fields from an extraction result (app.extract), or none."""
    if result is None:
        return {}
    sig = result.signature
    return {
        "body_text": result.reply_text,
        "commitments": tuple(
            CommitmentIn(kind=c.kind, owner=c.owner, action=c.action, due=c.due,
                         text=c.text, start=c.start, end=c.end, confidence=c.confidence,
                         shown=c.shown)
            for c in result.commitments
        ),
        "signals": tuple(
            SignalIn(kind=s.kind, value=s.value, text=s.text, start=s.start, end=s.end,
                     confidence=s.confidence, shown=s.shown)
            for s in result.signals
        ),
        "signature": None if sig is None else SignatureIn(
            name=sig.name, title=sig.title, company=sig.company, phones=tuple(sig.phones),
            emails=tuple(sig.emails), urls=tuple(sig.urls), text=sig.text,
        ),
    }


def email_to_interaction(
    msg: MailMessage, *, mailbox_user_id: uuid.UUID, folder: str,
    findings: ExtractionResult | None = None
) -> InteractionIn | None:
    """The interaction for one message, or None for what cannot be recorded (drafts, no
    internetMessageId to deduplicate by, no date)."""
    if msg.is_draft or not msg.internet_message_id:
        return None
    when = (msg.sent_at or msg.received_at) if folder == "sentitems" else (
        msg.received_at or msg.sent_at)
    if when is None:
        return None
    fields: dict[str, Any] = {
        "body_text": clean_body(msg.body[:MAX_BODY * 4], msg.body_type).text[:MAX_BODY]
    }
    fields.update(findings_fields(findings))
    return InteractionIn(
        kind="email",
        external_key=msg.internet_message_id.strip(),
        occurred_at=when,
        subject=msg.subject,
        thread_id=msg.conversation_id,
        sender=msg.from_ or msg.sender,
        to=msg.to,
        cc=msg.cc,  # bcc stays private to its sender
        headers=_headers(msg.headers),
        mailbox_user_id=mailbox_user_id,
        folder=folder,
        graph_id=msg.id,
        sensitivity=msg.sensitivity,
        **fields,
    )


def meeting_to_interaction(meeting: Meeting, *, mailbox_user_id: uuid.UUID
                           ) -> InteractionIn | None:
    """The interaction for one meeting occurrence, or None without an iCalUId or start.
    Whether it has external attendees is the records layer's identity rule."""
    if not meeting.ical_uid or meeting.start is None:
        return None
    return InteractionIn(
        kind="meeting",
        external_key=meeting.ical_uid,
        occurred_at=meeting.start,
        ends_at=meeting.end,
        subject=meeting.subject,
        body_text=clean_body(meeting.body[:MAX_BODY * 4], meeting.body_type).text[:MAX_BODY],
        sender=meeting.organizer,
        attendees=tuple(Address(address=a.address, name=a.name) for a in meeting.attendees
                        if a.type != "resource"),
        cancelled=meeting.is_cancelled,
        mailbox_user_id=mailbox_user_id,
        folder="calendar",
        graph_id=meeting.id,
        teams_thread=teams_thread_id(meeting.join_url),
        sensitivity=meeting.sensitivity,
    )
