"""Storyline's tables. Import models from here."""

from .activity import DIRECTIONS, ROLES, Interaction, InteractionMailbox, Participant, Relationship
from .base import Base, new_id, utcnow
from .deals import (
    COMMITMENT_STATUSES,
    DEAL_STAGES,
    OPEN_STAGES,
    Commitment,
    Deal,
    DealInteraction,
    DealStage,
    DealStageChange,
    Mention,
    Signal,
)
from .ops import (
    AuditEvent,
    ErasedAddress,
    Subscription,
    Suppression,
    SyncState,
    ThreadMark,
)
from .people import Account, AccountDomain, Contact, ContactAddress, ContactMerge
from .tenancy import FUNCTIONS, Tenant, TenantDomain, User

__all__ = [
    "COMMITMENT_STATUSES", "DEAL_STAGES", "DIRECTIONS", "FUNCTIONS", "OPEN_STAGES", "ROLES",
    "Account", "AccountDomain", "AuditEvent", "Base", "Commitment", "Contact",
    "ContactAddress", "ContactMerge", "Deal", "DealInteraction", "DealStage", "DealStageChange",
    "ErasedAddress", "ThreadMark",
    "Interaction", "InteractionMailbox", "Mention", "Participant", "Relationship", "Signal",
    "Subscription", "Suppression", "SyncState", "Tenant", "TenantDomain", "User",
    "new_id", "utcnow",
]
