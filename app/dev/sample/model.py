"""The sample company's value types: who works there, who they sell to, and what they sell."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

FOLDERS = ("inbox", "sentitems", "calendar")


@dataclass(frozen=True)
class SampleSeller:
    """A user of the tenant whose mailbox is synced."""

    oid: uuid.UUID
    email: str
    display_name: str
    time_zone: str
    title: str = ""
    phone: str = ""

    @property
    def first_name(self) -> str:
        """The name used in greetings ("Hi Maya,")."""
        return self.display_name.split()[0]


@dataclass(frozen=True)
class SampleContact:
    """A person at a customer (or a free-mail freelancer); ``aliases`` are extra addresses."""

    name: str
    email: str
    title: str
    phone: str
    company: str
    account_domain: str | None
    aliases: tuple[str, ...] = ()
    plain_text: bool = False  # writes plain-text mail ("On ... wrote:") instead of Outlook HTML

    @property
    def first_name(self) -> str:
        """The name used in greetings."""
        return self.name.split()[0]


@dataclass(frozen=True)
class SampleAccount:
    """A customer organisation with its registrable domain and its people."""

    name: str
    domain: str
    country: str
    currency: str
    owner_email: str
    contacts: tuple[SampleContact, ...] = ()
    sender_domains: tuple[str, ...] = ()  # extra hosts its mail comes from, e.g. mail.<domain>


@dataclass(frozen=True)
class SampleDeal:
    """An opportunity kept outside mail (the CRM side), with its stage history oldest first."""

    account_domain: str
    name: str
    stage: str
    amount: Decimal
    currency: str
    close_date: date
    owner_email: str
    history: tuple[tuple[str, datetime], ...]


@dataclass
class SampleCompany:
    """Everything generated: the tenant, its sellers, and each mailbox as Graph JSON resources.

    ``mailboxes[seller_email][folder]`` lists Graph v1.0 resources (``message`` for
    "inbox"/"sentitems", ``event`` for "calendar"), oldest first.
    """

    tenant_id: uuid.UUID
    tenant_name: str
    internal_domains: tuple[str, ...]
    sellers: tuple[SampleSeller, ...]
    accounts: tuple[SampleAccount, ...]
    mailboxes: dict[str, dict[str, list[dict]]]
    deals: list[SampleDeal]
    competitors: list[str]
    now: datetime
    kinds: dict[str, int] = field(default_factory=dict)  # content kind -> messages carrying it
    team_mailboxes: tuple[SampleSeller, ...] = ()  # support@, billing@ (title: the function)

    def messages(self) -> list[dict]:
        """All message resources of all mailboxes (copies of one mail appear once per mailbox)."""
        return [m for box in self.mailboxes.values()
                for folder in ("inbox", "sentitems") for m in box[folder]]

    def events(self) -> list[dict]:
        """All event resources of all calendars."""
        return [e for box in self.mailboxes.values() for e in box["calendar"]]
