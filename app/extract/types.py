"""Plain dataclasses that go into and come out of the extraction (no spaCy types leak out)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from app.address import Address  # the one participant shape (re-exported here)

BodyType = Literal["text", "html"]
CommitmentKind = Literal["promise", "request"]
Owner = Literal["sender", "recipient"]

SIGNAL_KINDS: tuple[str, ...] = (
    "budget",
    "pricing",
    "timeline",
    "competitor",
    "decision_maker",
    "procurement",
    "risk",
    "expansion",
    "positive_intent",
    "meeting_request",
    "need",
)


@dataclass(frozen=True, kw_only=True)
class EmailIn:
    """One email to analyse; only ``id`` and ``body`` are required."""

    id: str
    body: str
    subject: str = ""
    body_type: BodyType = "text"
    from_: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    sent_at: datetime | None = None  # timezone-aware; due dates are resolved against it
    time_zone: str | None = None  # IANA name of the sender's zone, e.g. "Europe/Berlin"


@dataclass(frozen=True, kw_only=True)
class Signature:
    """The sign-off block of the new part, parsed into contact details."""

    text: str
    # Offsets into the cleaned new part, of which reply_text is the prefix before the signature.
    start: int
    end: int
    name: str | None = None
    title: str | None = None
    company: str | None = None
    phones: list[str] = field(default_factory=list)  # E.164 where parseable
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """A promise the sender makes, or a request the sender makes of the recipient."""

    kind: CommitmentKind
    owner: Owner
    action: str
    due: date | None
    text: str
    start: int
    end: int
    confidence: float = 0.8  # calibrated probability that this is right (app/extract/model.py)
    due_text: str | None = None  # the words that state the time ("by EOD Thursday", "tomorrow")
    shown: bool = False  # seen by default; otherwise a suggestion the seller may confirm


@dataclass(frozen=True, kw_only=True)
class Signal:
    """A deal signal with its evidence; ``value`` is an amount, a date, a name or a subtype."""

    kind: str
    value: str | None
    text: str
    start: int
    end: int
    confidence: float
    shown: bool = False  # seen by default; otherwise kept in the record as a suggestion


@dataclass(frozen=True, kw_only=True)
class Entity:
    """A person or organisation mentioned in the new part."""

    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class PersonMention:
    """A person the new part names with their role ("Zeynep Fontaine (Finance Business
    Partner)"); ``start``/``end`` span the words that say it."""

    name: str
    role: str
    start: int
    end: int


@dataclass(kw_only=True)
class ExtractionResult:  # filled in step by step by the pipeline, so not frozen
    """Everything extracted from one email; offsets point into ``reply_text``."""

    id: str
    reply_text: str
    signature: Signature | None = None
    commitments: list[Commitment] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)  # named with a role
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the command-line contract (dates as YYYY-MM-DD)."""
        out = asdict(self)
        for c in out["commitments"]:
            c["due"] = c["due"].isoformat() if c["due"] else None
        return out
