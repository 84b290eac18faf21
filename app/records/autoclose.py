"""Auto-close on the write path: a newly recorded mail or meeting closes the open
commitments it delivers (the rules are :mod:`.delivery`'s).

One indexed query per interaction at most: the open commitments of the people on it, or of
its account in the same thread (``ix_commitments_contact`` / ``ix_commitments_account``),
made before this interaction and not reopened after it, each with its source interaction
(by primary key) for the thread and the time; and none at all for a mail with no
attachment and no words of delivery, or a meeting not yet held. The rules then decide which
of them it delivers. Functions flush and never commit.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from .delivery import LaterItem, OpenItem, delivers, has_delivery_words
from .models import Commitment, Interaction, utcnow

log = logging.getLogger(__name__)
AUTO = "auto"  # closed_how of a commitment Storyline closed; a seller's PATCH sets "seller"


def _worth_a_look(later: LaterItem, now: datetime) -> bool:
    """Whether the item could deliver anything at all (so most mail costs no query)."""
    if later.kind == "meeting":
        ended = later.ends_at or later.occurred_at
        return not later.cancelled and ended is not None and ended <= now
    return bool(later.attachments) or has_delivery_words(later.body)


# An open commitment not flushed yet, with its source interaction's thread and time.
Unflushed = tuple[Commitment, str | None, datetime | None]


def _candidates(session: Session, interaction: Interaction, contact_ids: list[uuid.UUID]
                ) -> list[Unflushed]:
    """The open commitments the rules could find ``interaction`` delivers, each with its
    source's thread and time: those of one of the same people, and those of its account in
    the same thread; made before it, and not reopened after it (at most 500 of each).

    A backfill reads mail newest first, so most of an account's open commitments were made
    after the mail at hand: they are filtered here, never loaded (loading every open one of
    the account cost a query, and rows, that grew with the account's history). Two queries,
    one per index (``ix_commitments_contact``, ``ix_commitments_account``): a single query
    with ``contact_id IN (...) OR account_id = ...`` was planned, on tables whose
    statistics lag behind a backfill, as a scan of all the tenant's open commitments.
    """
    source = aliased(Interaction)
    made = sa.func.coalesce(source.occurred_at, Commitment.created_at)
    base = (sa.select(Commitment, source.thread_id, source.occurred_at)
            .outerjoin(source, sa.and_(source.tenant_id == Commitment.tenant_id,
                                       source.id == Commitment.interaction_id))
            .where(Commitment.tenant_id == interaction.tenant_id,
                   Commitment.status == "open", made < interaction.occurred_at,
                   sa.or_(Commitment.reopened_at.is_(None),
                          Commitment.reopened_at < interaction.occurred_at)))
    scopes: list[sa.Select[Commitment, str | None, datetime]] = []
    if contact_ids:
        scopes.append(base.where(Commitment.contact_id.in_(sorted(set(contact_ids)))))
    if interaction.account_id is not None and interaction.thread_id is not None:
        scopes.append(base.where(Commitment.account_id == interaction.account_id,
                                 source.thread_id == interaction.thread_id))
    rows: list[Unflushed] = []
    seen: set[int] = set()
    for query in scopes:
        for c, thread_id, made_at in session.execute(query.limit(500)):
            if id(c) not in seen:
                seen.add(id(c))
                rows.append((c, thread_id, made_at))
    return rows


def close_delivered(session: Session, *, interaction: Interaction,
                    contact_ids: list[uuid.UUID], attachments: tuple[str, ...] = (),
                    now: datetime | None = None,
                    unflushed: Sequence[Unflushed] = ()) -> list[Commitment]:
    """Closes the open commitments ``interaction`` delivers; gives them (flushed).

    ``unflushed``: commitments added to the session since its last flush (a page's earlier
    items, app/records/page.py), considered as the query would once they were flushed."""
    now = now or utcnow()
    later = LaterItem(
        kind=interaction.kind, direction=interaction.direction, subject=interaction.subject,
        body=interaction.body_text or "", attachments=attachments,
        cancelled=bool(interaction.cancelled), occurred_at=interaction.occurred_at,
        ends_at=interaction.ends_at)
    if not _worth_a_look(later, now) or not (contact_ids or interaction.account_id):
        return []
    rows = _candidates(session, interaction, contact_ids)
    people = set(contact_ids)
    if unflushed:
        queried = {id(row[0]) for row in rows}
        account = interaction.account_id
        rows += [(c, thread, made) for c, thread, made in unflushed
                 if id(c) not in queried and c.status == "open" and (
                     c.contact_id in people or (account is not None and c.account_id == account))]
    closed: list[Commitment] = []
    for c, thread_id, made_at in rows:
        if c.interaction_id == interaction.id:
            continue
        made = made_at or c.created_at
        if made is None or made >= interaction.occurred_at:
            continue  # only what was promised before this mail can be delivered by it
        if c.reopened_at is not None and interaction.occurred_at <= c.reopened_at:
            continue  # the seller reopened it: only what comes after may close it again
        same_thread = thread_id is not None and thread_id == interaction.thread_id
        if not same_thread and c.contact_id not in people:
            continue
        found = delivers(OpenItem(kind=c.kind, side=c.side, action=c.action), later, now=now)
        if found is None:
            continue
        c.status, c.completed_at = "done", now
        c.closed_by_interaction_id, c.closed_how = interaction.id, AUTO
        c.closed_evidence = found.evidence[:300]
        closed.append(c)
    if closed:
        log.info("auto-close: %d commitment(s) delivered by interaction %s", len(closed),
                 interaction.id)
        session.flush()
    return closed
