"""Request models (pydantic): what each endpoint accepts, documented in the OpenAPI file."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from app.records.home import MyDay
from app.records.story_types import (
    AccountPage,
    CommitmentItem,
    ContactCard,
    ContactPage,
    DealItem,
    Stories,
    Story,
)

MAX_PAGE_SIZE = 100


class Paging(BaseModel):
    """Page number and size (at most 100 per page)."""

    model_config = ConfigDict(extra="forbid")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class StoryQuery(Paging):
    """Exactly one of ``email``, ``emails`` (comma-separated, up to 50) or ``contact_id``."""

    email: str | None = Field(None, max_length=400)
    emails: str | None = Field(None, max_length=20_000)
    contact_id: uuid.UUID | None = None


class SearchQuery(Paging):
    """A name, address or domain fragment; empty or missing lists everyone, most active
    first."""

    q: str | None = Field(None, max_length=200)


class DealStageIn(BaseModel):
    """The new stage of a deal."""

    model_config = ConfigDict(extra="forbid")
    stage: str = Field(..., max_length=20)


class DealLinkIn(BaseModel):
    """An interaction to link to a deal."""

    model_config = ConfigDict(extra="forbid")
    interaction_id: uuid.UUID


class CommitmentPatch(BaseModel):
    """Mark a commitment done, dismissed (cancelled), open again, snooze it, set its due
    date (``due_on``: a date, or null to clear it; the seller's date is never overwritten by
    later extraction), or track a suggestion (``shown``: true, "Track it"; dismissing a
    suggestion, "Not a promise", is status cancelled)."""

    model_config = ConfigDict(extra="forbid")
    status: str | None = Field(None, max_length=10)
    snoozed_until: date | None = None
    due_on: date | None = None
    shown: bool | None = Field(None, strict=True)


class TenantSettingsIn(BaseModel):
    """The tenant's own settings (admins): after how many days a promise or request with no
    due date is stale (1 to 365; null goes back to the settings' default)."""

    model_config = ConfigDict(extra="forbid")
    stale_promise_days: int | None = Field(..., ge=1, le=365, strict=True)


class ContactPatch(BaseModel):
    """A seller's correction of a contact."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    company: str | None = Field(None, max_length=200)


class MergeIn(BaseModel):
    """Merge the contact in the path into ``into`` (which survives)."""

    model_config = ConfigDict(extra="forbid")
    into: uuid.UUID


class SuppressionIn(BaseModel):
    """An address or domain never to track; ``scope`` "user" (just me) or "tenant"."""

    model_config = ConfigDict(extra="forbid")
    value: str = Field(..., min_length=3, max_length=320)
    scope: str = Field("user", pattern="^(user|tenant)$")
    reason: str = Field("", max_length=200)


class StoryOut(RootModel[Story | Stories]):
    """A story (``email``, ``contact_id``), or the stories of several addresses (``emails``)."""


class ContactPageOut(RootModel[ContactPage]):
    """A page of contacts."""


class AccountPageOut(RootModel[AccountPage]):
    """A page of accounts."""


class DayQuery(BaseModel):
    """How many items of each section of "My day" to list (the counts are always whole)."""

    model_config = ConfigDict(extra="forbid")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class DayOut(RootModel[MyDay]):
    """The seller's day, in sections with counts."""


class ContactOut(RootModel[ContactCard]):
    """A contact card."""


class DealOut(RootModel[DealItem]):
    """A deal."""


class CommitmentOut(RootModel[CommitmentItem]):
    """A commitment."""


class PersonIn(BaseModel):
    """A person, by one of their email addresses."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(..., min_length=3, max_length=320)


class PersonQuery(BaseModel):
    """A person, by one of their email addresses (query string)."""

    email: str = Field(..., min_length=3, max_length=320)


class PolicyIn(BaseModel):
    """The tenant's visibility policy; null goes back to the settings' default."""

    model_config = ConfigDict(extra="forbid")
    visibility: str | None = Field(..., pattern="^(metadata|subject|full)$")


class ThreadMarkIn(BaseModel):
    """Share this email's (or meeting's) thread with the team, make it private, or set it
    back to the tenant's policy."""

    model_config = ConfigDict(extra="forbid")
    interaction_id: uuid.UUID
    mark: str = Field(..., pattern="^(shared|private|default)$")
class DealIn(BaseModel):
    """A new deal: the account by domain, its name, and optionally stage, value, close date
    and owner (default: the caller; another owner takes the admin role)."""

    model_config = ConfigDict(extra="forbid")
    account_domain: str = Field(..., min_length=3, max_length=253)
    name: str = Field(..., min_length=1, max_length=200)
    stage: str | None = Field(None, max_length=20)
    amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"))
    currency: str | None = Field(None, min_length=3, max_length=3)
    close_date: date | None = None
    owner_email: str | None = Field(None, max_length=320)


class DealPatch(BaseModel):
    """A change of stage (any seller), or of terms (the owner or an admin)."""

    model_config = ConfigDict(extra="forbid")
    stage: str | None = Field(None, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"))
    currency: str | None = Field(None, min_length=3, max_length=3)
    close_date: date | None = None
    owner_email: str | None = Field(None, max_length=320)


class DealClose(BaseModel):
    """Close a deal as won or lost (dated today unless ``on`` is given)."""

    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(..., pattern="^(won|lost)$")
    on: date | None = None


class EnrolIn(BaseModel):
    """Sellers to enrol: addresses, and/or an Entra group id."""

    model_config = ConfigDict(extra="forbid")
    addresses: list[str] = Field(default_factory=list, max_length=1000)
    group: str | None = Field(None, max_length=100)


class PauseIn(BaseModel):
    """Pause (true) or resume (false) the sync of my mailbox."""

    model_config = ConfigDict(extra="forbid")
    paused: bool
