"""Team mailboxes: shared mailboxes (support@, billing@, success@ ...) an admin enrols with a
function label. They are synced through the same Graph path as sellers' mailboxes, but their
mail is their function's: nobody's promise, no seller's relationship."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import BadRequest, Conflict, NotFound

from .identity import normalize_address
from .models import FUNCTIONS, User, new_id


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamMailbox:
    """An enrolled team mailbox as an admin sees it."""

    id: str
    address: str
    name: str
    function: str
    function_only: bool
    sync_enabled: bool


def _check_function(function: str) -> str:
    value = function.strip().lower()
    if value not in FUNCTIONS:
        raise BadRequest(f"function must be one of {', '.join(FUNCTIONS)}",
                         code="invalid_function")
    return value


def as_team_mailbox(user: User) -> TeamMailbox:
    """The admin's view of a team mailbox row."""
    return TeamMailbox(id=str(user.id), address=user.email, name=user.display_name,
                       function=user.function or "", function_only=user.function_only,
                       sync_enabled=user.sync_enabled)


def enrol_team_mailbox(session: Session, *, tenant_id: uuid.UUID, address: str, function: str,
                       name: str | None = None, function_only: bool = False) -> User:
    """Enrols (or updates) a shared mailbox of the tenant as a team mailbox of ``function``.

    Refused for an address that is a seller's own mailbox: a person's mail is not a team's.
    """
    email = normalize_address(address)
    fn = _check_function(function)
    user = session.scalar(sa.select(User).where(User.tenant_id == tenant_id,
                                                User.email == email))
    if user is not None and not user.team_mailbox:
        raise Conflict(f"{email} is a seller's own mailbox, not a shared one",
                       code="not_a_team_mailbox")
    if user is None:
        user = User(tenant_id=tenant_id, id=new_id(), email=email, team_mailbox=True)
        session.add(user)
    user.function, user.function_only = fn, function_only
    user.display_name = name or user.display_name or f"{fn.capitalize()} team"
    user.sync_enabled = True
    session.info.pop("identity_contexts", None)
    session.flush()
    return user


def update_team_mailbox(session: Session, *, tenant_id: uuid.UUID, mailbox_id: uuid.UUID,
                        function: str | None = None, function_only: bool | None = None,
                        sync_enabled: bool | None = None) -> User:
    """Changes a team mailbox's function, its restriction, or pauses its sync."""
    user = session.get(User, (tenant_id, mailbox_id))
    if user is None or not user.team_mailbox:
        raise NotFound("no team mailbox with that id")
    if function is not None:
        user.function = _check_function(function)
    if function_only is not None:
        user.function_only = function_only
    if sync_enabled is not None:
        user.sync_enabled = sync_enabled
    session.flush()
    return user


def team_mailboxes(session: Session, *, tenant_id: uuid.UUID) -> list[User]:
    """The tenant's team mailboxes, by address."""
    return list(session.scalars(sa.select(User).where(
        User.tenant_id == tenant_id, User.team_mailbox.is_(True)).order_by(User.email)))


def set_user_function(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                      function: str | None) -> User:
    """Puts a seller in a function (or none): what a function-only team mailbox checks."""
    user = session.get(User, (tenant_id, user_id))
    if user is None or user.team_mailbox:
        raise NotFound("no seller with that id")
    user.function = _check_function(function) if function else None
    session.flush()
    return user
