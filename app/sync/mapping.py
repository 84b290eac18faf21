"""Graph dataclasses -> the records layer's ``InteractionIn`` (pure functions).

Sent Items become outbound activity (the records layer decides direction from the sender
being one of ours); meetings become interactions keyed by iCalUId.
"""

from __future__ import annotations

import hashlib
import re
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
    MentionIn,
    SignalIn,
    SignatureIn,
)

# Headers that tell bulk and automated mail apart; the rest are not kept.
KEPT_HEADERS = ("list-unsubscribe", "list-id", "precedence", "auto-submitted",
                "x-auto-response-suppress")
MAX_BODY = 20_000


MAX_KEY = 400  # interactions.external_key
# Recipients kept per message: past this a message is a mailing, and contacts for all of its
# 600 (or 6,000) recipients would cost seconds per message and say nothing about a customer.
MAX_RECIPIENTS = 100
# What no database column should hold: NUL and the other C0 controls, DEL, lone surrogates
# (PostgreSQL refuses NUL; neither driver can encode a surrogate) and the two non-characters.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\n\r\x85\u2028\u2029]+")


def safe_text(value: str | None, limit: int | None = None) -> str:
    """``value`` with what no column can store removed (tabs and line breaks kept)."""
    text = _UNSAFE.sub("", value or "")
    return text[:limit] if limit is not None else text


def safe_line(value: str | None, limit: int | None = None) -> str:
    """A one-line field (subject, name, address, id): :func:`safe_text`, breaks as spaces."""
    return safe_text(_LINE_BREAKS.sub(" ", value or "").strip(), limit)


def safe_key(value: str) -> str:
    """An id made safe and kept unique within :data:`MAX_KEY` characters: a longer one ends
    in a digest of the whole, so lookup and insert agree and two long ids stay apart."""
    text = safe_line(value)
    if len(text) <= MAX_KEY:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return f"{text[:MAX_KEY - 65]}#{digest}"


def _optional_key(value: str | None) -> str | None:
    return safe_key(value) if value else None


def _person(addr: Address | None) -> Address | None:
    return Address(address=safe_line(addr.address, 320), name=safe_line(addr.name, 200)) \
        if addr else None


def _people(addrs: tuple[Address, ...]) -> tuple[Address, ...]:
    return tuple(p for p in (_person(a) for a in addrs[:MAX_RECIPIENTS]) if p is not None)


def _headers(pairs: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    kept = {name: safe_line(value, 2000) for name, value in pairs
            if name.lower() in KEPT_HEADERS}
    return MappingProxyType(kept)


def findings_fields(result: ExtractionResult | None) -> dict[str, Any]:
    """InteractionIn fields from an extraction result (app.extract), or none."""
    if result is None:
        return {}
    sig = result.signature
    return {
        "body_text": safe_text(result.reply_text),
        "commitments": tuple(
            CommitmentIn(kind=c.kind, owner=c.owner, action=safe_text(c.action), due=c.due,
                         text=safe_text(c.text), start=c.start, end=c.end,
                         confidence=c.confidence, shown=c.shown)
            for c in result.commitments
        ),
        "signals": tuple(
            SignalIn(kind=s.kind, value=safe_text(s.value) if isinstance(s.value, str)
                     else s.value, text=safe_text(s.text), start=s.start, end=s.end,
                     confidence=s.confidence, shown=s.shown)
            for s in result.signals
        ),
        "mentions": tuple(
            MentionIn(name=safe_line(p.name, 200), role=safe_line(p.role, 120), start=p.start,
                      end=p.end)
            for p in result.people
        ),
        "signature": None if sig is None else SignatureIn(
            name=sig.name and safe_line(sig.name), title=sig.title and safe_line(sig.title),
            company=sig.company and safe_line(sig.company),
            phones=tuple(safe_line(p) for p in sig.phones),
            emails=tuple(safe_line(e) for e in sig.emails),
            urls=tuple(safe_line(u) for u in sig.urls), text=safe_text(sig.text),
        ),
    }


def email_to_interaction(
    msg: MailMessage, *, mailbox_user_id: uuid.UUID, folder: str,
    findings: ExtractionResult | None = None
) -> InteractionIn | None:
    """The interaction for one message, or None for what cannot be recorded (drafts, no
    internetMessageId to deduplicate by, no date). Every text is made safe to store here,
    so one hostile message cannot stop the messages after it."""
    if msg.is_draft or not safe_line(msg.internet_message_id):
        return None
    when = (msg.sent_at or msg.received_at) if folder == "sentitems" else (
        msg.received_at or msg.sent_at)
    if when is None:
        return None
    fields: dict[str, Any] = {
        "body_text": safe_text(clean_body(msg.body[:MAX_BODY * 4], msg.body_type).text,
                               MAX_BODY)
    }
    fields.update(findings_fields(findings))
    return InteractionIn(
        kind="email",
        external_key=safe_key(msg.internet_message_id or ""),
        occurred_at=when,
        subject=safe_line(msg.subject, 400),
        thread_id=_optional_key(msg.conversation_id),
        sender=_person(msg.from_ or msg.sender),
        to=_people(msg.to),
        cc=_people(msg.cc),  # bcc stays private to its sender
        headers=_headers(msg.headers),
        mailbox_user_id=mailbox_user_id,
        folder=folder,
        graph_id=_optional_key(msg.id),
        sensitivity=msg.sensitivity,
        attachments=tuple(safe_line(n, 255) for n in msg.attachment_names),
        **fields,
    )


def meeting_to_interaction(meeting: Meeting, *, mailbox_user_id: uuid.UUID
                           ) -> InteractionIn | None:
    """The interaction for one meeting occurrence, or None without an iCalUId or start.
    Whether it has external attendees is the records layer's identity rule."""
    if not safe_line(meeting.ical_uid) or meeting.start is None:
        return None
    return InteractionIn(
        kind="meeting",
        external_key=safe_key(meeting.ical_uid or ""),
        occurred_at=meeting.start,
        ends_at=meeting.end,
        subject=safe_line(meeting.subject, 400),
        body_text=safe_text(clean_body(meeting.body[:MAX_BODY * 4], meeting.body_type).text,
                            MAX_BODY),
        sender=_person(meeting.organizer),
        attendees=tuple(Address(address=safe_line(a.address, 320), name=safe_line(a.name, 200))
                        for a in meeting.attendees[:MAX_RECIPIENTS] if a.type != "resource"),
        cancelled=meeting.is_cancelled,
        mailbox_user_id=mailbox_user_id,
        folder="calendar",
        graph_id=_optional_key(meeting.id),
        teams_thread=teams_thread_id(meeting.join_url),
        sensitivity=meeting.sensitivity,
    )
