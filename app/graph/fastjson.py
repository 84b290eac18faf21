"""Delta pages from raw JSON into our dataclasses, the same values as :mod:`convert` gives
from msgraph-sdk models, at a fraction of the cost.

Why: msgraph-sdk's model deserialisation spends ~10-20 ms per message (every
``Entity.get_field_deserializers`` call re-runs hundreds of imports), which alone caps a
backfill at a few thousand messages a minute. Requests still go through msgraph-sdk (request
builders, auth provider, middleware); only the page body is read here, through a kiota
``ResponseHandlerOption``. The tests run every official example through both readers and
require identical results.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .times import date_time_zone
from .types import Address, Attendee, DeltaPage, MailMessage, Meeting

ATTENDEE_TYPES = frozenset({"required", "optional", "resource"})
RESPONSES = frozenset({"none", "organizer", "tentativelyAccepted", "accepted", "declined",
                       "notResponded"})
BODY_TYPES = frozenset({"text", "html"})


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _enum(value: Any, known: frozenset[str], default: str) -> str:
    if not isinstance(value, str) or not value:
        return default
    name = value[0].lower() + value[1:]
    return name if name in known else default


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _address(recipient: Any) -> Address | None:
    if not isinstance(recipient, dict):
        return None
    email = recipient.get("emailAddress")
    if not isinstance(email, dict):
        return None
    addr = (_str(email.get("address")) or "").strip()
    if not addr:
        return None
    return Address(address=addr, name=(_str(email.get("name")) or "").strip())


def _addresses(value: Any) -> tuple[Address, ...]:
    found = (_address(r) for r in value or () if isinstance(value, list))
    return tuple(a for a in found if a is not None)


def _body(value: Any) -> tuple[str, str]:
    if not isinstance(value, dict):
        return "", "text"
    kind = _enum(value.get("contentType"), BODY_TYPES, "text")
    return _str(value.get("content")) or "", kind


SENSITIVITIES = frozenset({"normal", "personal", "private", "confidential"})
# a message's sensitivity is MAPI's PR_SENSITIVITY (0x0036), read when the extended property
# comes with the message: 0 normal, 1 personal, 2 private, 3 confidential
SENSITIVITY_PROPERTY = "integer 0x36"
SENSITIVITY_VALUES = {"0": "normal", "1": "personal", "2": "private", "3": "confidential"}


def message_sensitivity(d: dict[str, Any]) -> str:
    """A message's sensitivity from its single-value extended properties (normal without)."""
    for prop in d.get("singleValueExtendedProperties") or ():
        if isinstance(prop, dict) and str(prop.get("id", "")).lower().replace(
                "0x0036", "0x36") == SENSITIVITY_PROPERTY:
            return SENSITIVITY_VALUES.get(str(prop.get("value")), "normal")
    return "normal"


def message_from_json(d: dict[str, Any]) -> MailMessage:
    """A ``message`` JSON object as a :class:`MailMessage`."""
    body, body_type = _body(d.get("body"))
    headers = tuple(
        (_str(h.get("name")) or "", _str(h.get("value")) or "")
        for h in d.get("internetMessageHeaders") or () if isinstance(h, dict) and h.get("name")
    )
    return MailMessage(
        id=_str(d.get("id")) or "",
        internet_message_id=_str(d.get("internetMessageId")),
        conversation_id=_str(d.get("conversationId")),
        subject=_str(d.get("subject")) or "",
        body=body, body_type=body_type,
        sent_at=_when(d.get("sentDateTime")), received_at=_when(d.get("receivedDateTime")),
        sender=_address(d.get("sender")), from_=_address(d.get("from")),
        to=_addresses(d.get("toRecipients")), cc=_addresses(d.get("ccRecipients")),
        bcc=_addresses(d.get("bccRecipients")), headers=headers,
        is_draft=d.get("isDraft") is True, sensitivity=message_sensitivity(d),
        has_attachments=d.get("hasAttachments") is True,
    )


def _event_time(value: Any) -> datetime | None:
    if not isinstance(value, dict):
        return None
    return date_time_zone(_str(value.get("dateTime")), _str(value.get("timeZone")))


def meeting_from_json(d: dict[str, Any]) -> Meeting:
    """An ``event`` JSON object as a :class:`Meeting`."""
    body, body_type = _body(d.get("body"))
    attendees = []
    for a in d.get("attendees") or ():
        addr = _address(a)
        if addr is None:
            continue
        status = a.get("status") if isinstance(a.get("status"), dict) else {}
        attendees.append(Attendee(
            address=addr.address, name=addr.name,
            type=_enum(a.get("type"), ATTENDEE_TYPES, "required"),
            response=_enum(status.get("response"), RESPONSES, "none")))
    return Meeting(
        id=_str(d.get("id")) or "", ical_uid=_str(d.get("iCalUId")),
        subject=_str(d.get("subject")) or "", body=body, body_type=body_type,
        start=_event_time(d.get("start")), end=_event_time(d.get("end")),
        organizer=_address(d.get("organizer")), attendees=tuple(attendees),
        is_cancelled=d.get("isCancelled") is True, is_online=d.get("isOnlineMeeting") is True,
        series_master_id=_str(d.get("seriesMasterId")),
        sensitivity=_enum(d.get("sensitivity"), SENSITIVITIES, "normal"),
        join_url=_str(online.get("joinUrl")) if isinstance(online := d.get("onlineMeeting"), dict)
        else None,
    )


def page_from_json(raw: bytes, *, calendar: bool, link: str | None) -> DeltaPage[Any]:
    """A delta page body as a :class:`DeltaPage`; raises ValueError on a body that is not
    a JSON object."""
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("a delta page is a JSON object")
    items: list[Any] = []
    removed: list[str] = []
    for entry in data.get("value") or ():
        if not isinstance(entry, dict):
            continue
        if "@removed" in entry:
            if _str(entry.get("id")):
                removed.append(entry["id"])
        else:
            items.append(meeting_from_json(entry) if calendar else message_from_json(entry))
    return DeltaPage(items=tuple(items), removed=tuple(removed),
                     next_link=_str(data.get("@odata.nextLink")),
                     delta_link=_str(data.get("@odata.deltaLink")), link=link)
