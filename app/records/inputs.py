"""The records layer's input types: what ingestion (or the sample loader) hands in."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from app.address import Address

__all__ = ["Address", "CommitmentIn", "InteractionIn", "RecordOutcome", "SignalIn",
           "SignatureIn"]


@dataclass(frozen=True, kw_only=True)
class CommitmentIn:
    """A promise or request found in the message; ``owner`` is relative to the message."""

    kind: str  # promise | request
    owner: str  # sender | recipient
    action: str
    due: date | None
    text: str
    start: int
    end: int
    confidence: float = 1.0  # calibrated (app/extract/model.py); a seller's own entry is 1
    shown: bool = True  # False: kept as a suggestion the seller may confirm or dismiss


@dataclass(frozen=True, kw_only=True)
class SignalIn:
    """A deal signal found in the message, with its evidence span."""

    kind: str
    value: Any
    text: str
    start: int
    end: int
    confidence: float
    shown: bool = True  # False: kept in the record, not shown by default


@dataclass(frozen=True, kw_only=True)
class MentionIn:
    """A person the message names with their role, with the span that says it."""

    name: str
    role: str
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class SignatureIn:
    """What the sender's signature says about them."""

    name: str | None = None
    title: str | None = None
    company: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class InteractionIn:
    """One email or meeting to record. ``external_key``: internetMessageId or iCalUId."""

    kind: str  # email | meeting
    external_key: str
    occurred_at: datetime
    subject: str = ""
    body_text: str = ""
    thread_id: str | None = None
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    attendees: tuple[Address, ...] = ()
    ends_at: datetime | None = None
    cancelled: bool = False
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    mailbox_user_id: uuid.UUID | None = None
    folder: str | None = None
    graph_id: str | None = None
    teams_thread: str | None = None  # a Teams meeting's chat thread id (app.graph.joinurl)
    commitments: tuple[CommitmentIn, ...] = ()
    signals: tuple[SignalIn, ...] = ()
    mentions: tuple[MentionIn, ...] = ()  # people named with their role
    signature: SignatureIn | None = None
    sensitivity: str = "normal"  # Outlook's: normal | personal | private | confidential
    # the names of the mail's attachments (names only, never content): what auto-close reads
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RecordOutcome:
    """What happened to one item: ``stored``, ``duplicate`` (already known) or ``skipped``."""

    status: str
    reason: str = ""
    interaction_id: uuid.UUID | None = None
