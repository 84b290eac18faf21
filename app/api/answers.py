"""Response models of the routes whose answers are small dicts (the story and the people
routes have theirs in :mod:`app.api.schemas`): what the OpenAPI document says each answer
holds, so a schema-driven fuzzer checks the answers and not only the status codes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, RootModel


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DealLinkOut(_Out):
    """A deal and the interaction now linked to it."""

    deal_id: str
    interaction_id: str


class SuppressionOut(_Out):
    """An address or domain no longer tracked, for the caller or the tenant."""

    id: str
    kind: Literal["address", "domain"]
    value: str
    scope: Literal["user", "tenant"]
    removed: dict[str, int]  # what was purged, by table


class DraftAnalysisOut(_Out):
    """The draft's promises, requests and signals, offsets into ``text``."""

    text: str
    promises: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    truncated: bool


class DraftChoiceOut(_Out):
    """The seller's answer kept for one promise sentence."""

    id: str
    text_hash: str
    choice: Literal["track", "ignore"]
    created_at: str


class ItemFoundOut(_Out):
    """An email or meeting in the record, with the deals it is linked to."""

    logged: bool
    interaction_id: str
    deal_ids: list[str]


class ItemLoggedOut(ItemFoundOut):
    """The logged email: ``stored`` now, or ``duplicate`` (already in the record)."""

    status: str


class PrepOut(_Out):
    """A meeting's prep card for the signed-in seller."""

    meeting_id: str
    title: str
    starts_at: str
    time_zone: str | None
    cancelled: bool
    attendees: list[str]
    card: dict[str, Any]


class UpcomingMeeting(_Out):
    """One of the caller's customer meetings of the next week."""

    meeting_id: str
    title: str
    starts_at: str
    cancelled: bool
    attendees: list[str]


class UpcomingOut(_Out):
    """The caller's customer meetings of the next week, soonest first."""

    meetings: list[UpcomingMeeting]


class SyncFolderOut(_Out):
    """Where the sync of one folder stands."""

    folder: str
    state: Literal["not_started", "backfilling", "current", "failing"]
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    items_seen: int
    items_stored: int
    items_set_aside: int
    last_set_aside: str | None


class SyncMailboxOut(_Out):
    """One mailbox's sync: its folders, counts and lag."""

    mailbox: str
    user_id: str
    sync_enabled: bool
    lag_seconds: int | None
    items_seen: int
    items_stored: int
    folders: list[SyncFolderOut]


class SyncStatusOut(_Out):
    """Sync health per mailbox."""

    mailboxes: list[SyncMailboxOut]


class StatusOut(_Out):
    """Liveness or readiness."""

    status: Literal["ok", "ready"]


class JwksOut(BaseModel):
    """The public signing keys (a JWKS document)."""

    keys: list[dict[str, Any]]


class DocumentOut(RootModel[dict[str, Any]]):
    """The OpenAPI 3 document."""


class SellersOut(_Out):
    """The sample sellers the preview can sign in as."""

    sellers: list[dict[str, str]]


class PreviewTokenOut(_Out):
    """A short-lived token for a sample seller."""

    token: str
    expires_in: int
    user: dict[str, str]


class PreviewInboxOut(BaseModel):
    """The signed-in seller's mail and meetings from the record."""

    user: dict[str, str] | None
    items: list[dict[str, Any]]


class TeamMailboxesOut(RootModel[dict[str, Any]]):
    """Team mailboxes (see app/api/team_mailboxes.py)."""


class PolicyOut(_Out):
    """What colleagues see of mail they were not on (the tenant's policy, the settings'
    default) and how many days stored text is kept (0: for ever)."""

    visibility: Literal["metadata", "subject", "full"]
    default: Literal["metadata", "subject", "full"]
    retention_days: int


class TenantSettingsOut(_Out):
    """After how many days an undated promise is stale: the one that applies, the tenant's
    own choice (null: none), and the settings' default."""

    stale_promise_days: int
    stale_promise_days_own: int | None
    default_stale_promise_days: int


class BlockOut(_Out):
    """An address or domain never tracked again, with why and since when."""

    id: str
    kind: Literal["address", "domain"]
    value: str
    scope: Literal["user", "tenant"]
    reason: str | None
    created_at: str


class BlocksOut(_Out):
    """The tenant's blocks and the caller's own."""

    suppressions: list[BlockOut]


class ErasureOut(_Out):
    """A person erased: the hashes kept so they are never recorded again, and how many rows
    of each table went."""

    address_hashes: list[str]
    removed: dict[str, int]


class PersonExportOut(_Out):
    """Every stored row about a person (a subject access request), by table."""

    email: str
    addresses: list[str]
    erased: bool
    tables: dict[str, list[dict[str, Any]]]
    contact_ids: list[str]


class PauseOut(_Out):
    """The caller's mailbox and whether its sync is paused."""

    mailbox: str
    paused: bool


class EnrolledOut(_Out):
    """One seller enrolled: ``new`` when their sync was off or they were not known."""

    email: str
    user_id: str
    new: bool


class EnrolmentOut(_Out):
    """The sellers enrolled; each one's subscriptions and backfill are queued."""

    enrolled: list[EnrolledOut]
