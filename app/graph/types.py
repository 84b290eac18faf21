"""The project's own view of Graph resources: frozen dataclasses, no SDK types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from app.address import Address

__all__ = ["Address", "Attendee", "ChangeNotification", "DeltaPage", "MailMessage", "Meeting",
           "SubscriptionInfo"]


@dataclass(frozen=True, kw_only=True)
class MailMessage:
    """One message from a mailbox folder (inbox or sent items)."""

    id: str
    internet_message_id: str | None = None
    conversation_id: str | None = None
    subject: str = ""
    body: str = ""
    body_type: str = "text"  # text | html
    sent_at: datetime | None = None
    received_at: datetime | None = None
    sender: Address | None = None
    from_: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    is_draft: bool = False
    sensitivity: str = "normal"  # normal | personal | private | confidential
    has_attachments: bool = False  # Graph's hasAttachments (inline images not counted)
    # the attachments' names, read for a message with attachments (names only, no content);
    # attachments_error says why they could not be read (the message is recorded without)
    attachment_names: tuple[str, ...] = ()
    attachments_error: str | None = None


@dataclass(frozen=True, kw_only=True)
class Attendee:
    """A meeting attendee: who, required/optional/resource, and their response."""

    address: str
    name: str = ""
    type: str = "required"
    response: str = "none"


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """One event occurrence from a calendarView delta."""

    id: str
    ical_uid: str | None = None
    subject: str = ""
    body: str = ""
    body_type: str = "text"
    start: datetime | None = None
    end: datetime | None = None
    organizer: Address | None = None
    attendees: tuple[Attendee, ...] = ()
    is_cancelled: bool = False
    is_online: bool = False
    series_master_id: str | None = None
    join_url: str | None = None  # onlineMeeting.joinUrl of a Teams meeting
    sensitivity: str = "normal"  # normal | personal | private | confidential


T = TypeVar("T", MailMessage, Meeting)


@dataclass(frozen=True, kw_only=True)
class DeltaPage(Generic[T]):
    """One page of a delta round: changed items, ids removed upstream, and where to go next.

    Exactly one of ``next_link`` (more pages) and ``delta_link`` (round complete) is set on
    a well-formed page; ``link`` is the URL that fetched this page (the resume point before it
    is processed).
    """

    items: tuple[T, ...] = ()
    removed: tuple[str, ...] = ()
    next_link: str | None = None
    delta_link: str | None = None
    link: str | None = None

    @property
    def resume_link(self) -> str | None:
        """Where to continue once this page is stored."""
        return self.next_link or self.delta_link


@dataclass(frozen=True, kw_only=True)
class SubscriptionInfo:
    """A change-notification subscription as Graph reports it."""

    id: str
    resource: str
    change_type: str
    notification_url: str
    expires_at: datetime | None
    client_state: str | None = None
    lifecycle_notification_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeNotification:
    """One entry of a notification POST: a change, or a lifecycle event when
    ``lifecycle_event`` is set (reauthorizationRequired, subscriptionRemoved, missed)."""

    subscription_id: str
    client_state: str | None = None
    change_type: str | None = None
    resource: str | None = None
    resource_id: str | None = None
    tenant_id: str | None = None
    lifecycle_event: str | None = None
    subscription_expires_at: datetime | None = None
