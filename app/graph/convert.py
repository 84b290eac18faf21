"""msgraph-sdk models -> the project's dataclasses. The only place that reads SDK models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from msgraph.generated.models.attendee import Attendee as SdkAttendee
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.subscription import Subscription

from .times import date_time_zone
from .types import Address, Attendee, MailMessage, Meeting, SubscriptionInfo

REMOVED = "@removed"


def _enum(value: Any, default: str) -> str:
    if value is None:
        return default
    return str(getattr(value, "value", value))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def email_address(recipient: Recipient | None) -> Address | None:
    """A recipient as an :class:`Address`, or None when it carries no address."""
    if recipient is None or recipient.email_address is None:
        return None
    addr = (recipient.email_address.address or "").strip()
    if not addr:
        return None
    return Address(address=addr, name=(recipient.email_address.name or "").strip())


def _addresses(recipients: Iterable[Recipient] | None) -> tuple[Address, ...]:
    found = (email_address(r) for r in recipients or ())
    return tuple(a for a in found if a is not None)


def _body(body: ItemBody | None) -> tuple[str, str]:
    if body is None:
        return "", "text"
    return body.content or "", _enum(body.content_type, "text").lower()


def is_removed(item: Message | Event) -> bool:
    """True for a delta entry that only says the item was deleted or moved away."""
    return REMOVED in (item.additional_data or {})


def message_from_sdk(msg: Message) -> MailMessage:
    """A Graph ``message`` as a :class:`MailMessage`."""
    body, body_type = _body(msg.body)
    headers = tuple(
        (h.name or "", h.value or "") for h in msg.internet_message_headers or () if h.name
    )
    return MailMessage(
        id=msg.id or "",
        internet_message_id=msg.internet_message_id,
        conversation_id=msg.conversation_id,
        subject=msg.subject or "",
        body=body,
        body_type=body_type,
        sent_at=_aware(msg.sent_date_time),
        received_at=_aware(msg.received_date_time),
        sender=email_address(msg.sender),
        from_=email_address(msg.from_),
        to=_addresses(msg.to_recipients),
        cc=_addresses(msg.cc_recipients),
        bcc=_addresses(msg.bcc_recipients),
        headers=headers,
        is_draft=bool(msg.is_draft),
        has_attachments=bool(msg.has_attachments),
    )


def graph_datetime(value: DateTimeTimeZone | None) -> datetime | None:
    """A ``dateTimeTimeZone`` as an aware datetime (we ask Graph for UTC; IANA names work)."""
    if value is None:
        return None
    return date_time_zone(value.date_time, value.time_zone)


def attendee_from_sdk(att: SdkAttendee) -> Attendee | None:
    """A Graph ``attendee`` as an :class:`Attendee`, or None without an address."""
    addr = email_address(att)
    if addr is None:
        return None
    response = att.status.response if att.status else None
    return Attendee(
        address=addr.address,
        name=addr.name,
        type=_enum(att.type, "required"),
        response=_enum(response, "none"),
    )


def meeting_from_sdk(event: Event) -> Meeting:
    """A Graph ``event`` (calendarView occurrence) as a :class:`Meeting`."""
    body, body_type = _body(event.body)
    attendees = (attendee_from_sdk(a) for a in event.attendees or ())
    return Meeting(
        id=event.id or "",
        ical_uid=event.i_cal_u_id,
        subject=event.subject or "",
        body=body,
        body_type=body_type,
        start=graph_datetime(event.start),
        end=graph_datetime(event.end),
        organizer=email_address(event.organizer),
        attendees=tuple(a for a in attendees if a is not None),
        is_cancelled=bool(event.is_cancelled),
        is_online=bool(event.is_online_meeting),
        series_master_id=event.series_master_id,
        join_url=event.online_meeting.join_url if event.online_meeting else None,
        sensitivity=_enum(event.sensitivity, "normal"),
    )


def subscription_from_sdk(sub: Subscription) -> SubscriptionInfo:
    """A Graph ``subscription`` as a :class:`SubscriptionInfo`."""
    return SubscriptionInfo(
        id=sub.id or "",
        resource=sub.resource or "",
        change_type=sub.change_type or "",
        notification_url=sub.notification_url or "",
        expires_at=_aware(sub.expiration_date_time),
        client_state=sub.client_state,
        lifecycle_notification_url=sub.lifecycle_notification_url,
    )
