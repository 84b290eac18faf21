"""Rollups kept on write (relationship, contact and account activity) so that the story and
the lists read a handful of rows instead of scanning history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from .models import Account, Contact, Interaction, Participant, Relationship
from .models.base import UTCDateTime


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def add_to_rollups(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    contact_ids: Iterable[uuid.UUID],
    user_ids: Iterable[uuid.UUID],
    account_id: uuid.UUID | None,
    occurred_at: datetime,
    direction: str,
    kind: str,
) -> None:
    """Counts one new interaction for its contacts, their team relationships and account."""
    users = list(dict.fromkeys(user_ids))
    for contact_id in dict.fromkeys(contact_ids):
        contact = session.get(Contact, (tenant_id, contact_id))
        if contact is not None:
            contact.interaction_count = (contact.interaction_count or 0) + 1
            contact.last_activity_at = _later(contact.last_activity_at, occurred_at)
        for user_id in users:
            rel = session.get(Relationship, (tenant_id, contact_id, user_id))
            if rel is None:
                rel = Relationship(
                    tenant_id=tenant_id, contact_id=contact_id, user_id=user_id,
                    interactions=0, inbound=0, outbound=0, meetings=0,
                )
                session.add(rel)
            rel.interactions += 1
            rel.meetings += kind == "meeting"
            if direction == "inbound":
                rel.inbound += 1
                rel.last_inbound_at = _later(rel.last_inbound_at, occurred_at)
            else:
                rel.outbound += 1
                rel.last_outbound_at = _later(rel.last_outbound_at, occurred_at)
            rel.first_at = occurred_at if rel.first_at is None else min(rel.first_at, occurred_at)
            rel.last_at = _later(rel.last_at, occurred_at)
    if account_id is not None:
        account = session.get(Account, (tenant_id, account_id))
        if account is not None:
            account.interaction_count = (account.interaction_count or 0) + 1
            account.last_activity_at = _later(account.last_activity_at, occurred_at)


def recompute_contact_rollups(
    session: Session, *, tenant_id: uuid.UUID, contact_ids: Iterable[uuid.UUID]
) -> None:
    """Rebuilds rollups of some contacts from their live interactions (after a delete)."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        return
    live = sa.and_(
        Interaction.tenant_id == Participant.tenant_id,
        Interaction.id == Participant.interaction_id,
        Interaction.deleted_at.is_(None),
    )
    session.execute(
        sa.delete(Relationship).where(
            Relationship.tenant_id == tenant_id, Relationship.contact_id.in_(ids)
        )
    )
    for contact_id in ids:
        contact = session.get(Contact, (tenant_id, contact_id))
        if contact is None:
            continue
        rows = session.execute(
            sa.select(Interaction.id, Interaction.occurred_at, Interaction.direction,
                      Interaction.kind)
            .join(Participant, live)
            .where(Participant.tenant_id == tenant_id, Participant.contact_id == contact_id)
            .distinct()
        ).all()
        contact.interaction_count = 0
        contact.last_activity_at = None
        for interaction_id, occurred_at, direction, kind in rows:
            users = session.scalars(
                sa.select(Participant.user_id).where(
                    Participant.tenant_id == tenant_id,
                    Participant.interaction_id == interaction_id,
                    Participant.user_id.is_not(None),
                )
            ).all()
            session.flush()
            add_to_rollups(
                session, tenant_id=tenant_id, contact_ids=[contact_id],
                user_ids=[u for u in users if u is not None], account_id=None,
                occurred_at=occurred_at, direction=direction, kind=kind,
            )


@dataclass
class _Counted:
    """What a page adds to one contact's or account's counters."""

    count: int = 0
    last: datetime | None = None


@dataclass
class _RelCounted:
    """What a page adds to one relationship's counters."""

    interactions: int = 0
    inbound: int = 0
    outbound: int = 0
    meetings: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None


def _min(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b < a else a


@dataclass
class RollupDeltas:
    """The rollup increments of a page of new interactions, summed per key (what
    :func:`add_to_rollups` of each would add), applied by :func:`apply_rollups`."""

    contacts: dict[uuid.UUID, _Counted] = field(default_factory=dict)
    accounts: dict[uuid.UUID, _Counted] = field(default_factory=dict)
    relationships: dict[tuple[uuid.UUID, uuid.UUID], _RelCounted] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.contacts or self.accounts or self.relationships)

    def add(self, *, contact_ids: Iterable[uuid.UUID], user_ids: Iterable[uuid.UUID],
            account_id: uuid.UUID | None, occurred_at: datetime, direction: str,
            kind: str) -> None:
        """Counts one new interaction, as :func:`add_to_rollups` does."""
        users = list(dict.fromkeys(user_ids))
        for contact_id in dict.fromkeys(contact_ids):
            c = self.contacts.setdefault(contact_id, _Counted())
            c.count += 1
            c.last = _later(c.last, occurred_at)
            for user_id in users:
                r = self.relationships.setdefault((contact_id, user_id), _RelCounted())
                r.interactions += 1
                r.meetings += kind == "meeting"
                if direction == "inbound":
                    r.inbound += 1
                    r.last_inbound_at = _later(r.last_inbound_at, occurred_at)
                else:
                    r.outbound += 1
                    r.last_outbound_at = _later(r.last_outbound_at, occurred_at)
                r.first_at = _min(r.first_at, occurred_at)
                r.last_at = _later(r.last_at, occurred_at)
        if account_id is not None:
            a = self.accounts.setdefault(account_id, _Counted())
            a.count += 1
            a.last = _later(a.last, occurred_at)


def _greatest(column: sa.ColumnElement[datetime | None], name: str) -> sa.ColumnElement[datetime]:
    """``column`` or the bound value, whichever is later (NULL on either side loses)."""
    value = sa.bindparam(name, type_=UTCDateTime())
    return sa.case((value.is_(None), column),
                   (sa.or_(column.is_(None), column < value), value), else_=column)


def _least(column: sa.ColumnElement[datetime | None], name: str) -> sa.ColumnElement[datetime]:
    value = sa.bindparam(name, type_=UTCDateTime())
    return sa.case((value.is_(None), column),
                   (sa.or_(column.is_(None), column > value), value), else_=column)


def _bump(conn: sa.Connection, t: sa.Table, tenant_id: uuid.UUID,
          counted: dict[uuid.UUID, _Counted]) -> None:
    """Adds a page's counts to contacts' or accounts' counters: one atomic ``x = x + n`` per
    row, in key order (so concurrent pages never wait on each other in a cycle)."""
    if not counted:
        return
    conn.execute(
        sa.update(t).where(t.c.tenant_id == sa.bindparam("t_id"), t.c.id == sa.bindparam("k"))
        .values(interaction_count=sa.func.coalesce(t.c.interaction_count, 0) + sa.bindparam("n"),
                last_activity_at=_greatest(t.c.last_activity_at, "last")),
        [{"t_id": tenant_id, "k": k, "n": d.count, "last": d.last}
         for k, d in sorted(counted.items())])


def apply_rollups(session: Session, *, tenant_id: uuid.UUID, deltas: RollupDeltas) -> None:
    """Applies a page's increments: one atomic ``x = x + n`` update per key, one statement
    per table, keys in a fixed order (contacts, relationships, accounts; by id), so two
    pages written at once lose no increment and never wait on each other in a cycle. Rows
    of the session that hold these counters are expired (read again when next used)."""
    if not deltas:
        return
    session.flush()
    conn = session.connection()
    _bump(conn, cast(sa.Table, Contact.__table__), tenant_id, deltas.contacts)
    if deltas.relationships:
        _apply_relationships(session, tenant_id, deltas)
    _bump(conn, cast(sa.Table, Account.__table__), tenant_id, deltas.accounts)
    _expire(session, tenant_id, deltas)


def _apply_relationships(session: Session, tenant_id: uuid.UUID, deltas: RollupDeltas) -> None:
    conn = session.connection()
    t = cast(sa.Table, Relationship.__table__)
    keys = sorted(deltas.relationships)
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    conn.execute(
        insert(t).on_conflict_do_nothing(index_elements=["tenant_id", "contact_id", "user_id"]),
        [{"tenant_id": tenant_id, "contact_id": c, "user_id": u, "interactions": 0,
          "inbound": 0, "outbound": 0, "meetings": 0} for c, u in keys])
    conn.execute(
        sa.update(t).where(t.c.tenant_id == sa.bindparam("t_id"),
                           t.c.contact_id == sa.bindparam("c"),
                           t.c.user_id == sa.bindparam("u"))
        .values(interactions=t.c.interactions + sa.bindparam("n"),
                inbound=t.c.inbound + sa.bindparam("n_in"),
                outbound=t.c.outbound + sa.bindparam("n_out"),
                meetings=t.c.meetings + sa.bindparam("n_meet"),
                first_at=_least(t.c.first_at, "first"),
                last_at=_greatest(t.c.last_at, "last"),
                last_inbound_at=_greatest(t.c.last_inbound_at, "last_in"),
                last_outbound_at=_greatest(t.c.last_outbound_at, "last_out")),
        [{"t_id": tenant_id, "c": c, "u": u, "n": d.interactions, "n_in": d.inbound,
          "n_out": d.outbound, "n_meet": d.meetings, "first": d.first_at, "last": d.last_at,
          "last_in": d.last_inbound_at, "last_out": d.last_outbound_at}
         for (c, u), d in ((k, deltas.relationships[k]) for k in keys)])


def _expire(session: Session, tenant_id: uuid.UUID, deltas: RollupDeltas) -> None:
    held = session.identity_map
    for model, keys in ((Contact, deltas.contacts), (Account, deltas.accounts)):
        for k in keys:
            obj = held.get(identity_key(model, (tenant_id, k)))
            if obj is not None:
                session.expire(obj, ["interaction_count", "last_activity_at"])
    for c, u in deltas.relationships:
        rel = held.get(identity_key(Relationship, (tenant_id, c, u)))
        if rel is not None:
            session.expire(rel)
