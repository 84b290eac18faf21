"""The sample company in the Graph stand-in and a record on either database, for the fault
and hostile-mail scenarios: what the stand-in holds is counted against what sync recorded."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.db import Database
from app.dev.sample.cast import INTERNAL_DOMAIN, SELLERS, TENANT_ID, TENANT_NAME
from app.dev.standin.server import RunningStandIn
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.service import Graph
from app.records.models import Interaction, InteractionMailbox, User
from app.records.tenants import ensure_tenant, ensure_user
from app.settings import Secret
from tests.conftest import _empty

MAILBOXES = (SELLERS[0].email, SELLERS[1].email)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # the moment the stand-in's sample is built at


def graph_for(standin: RunningStandIn, **overrides: object) -> Graph:
    """Graph access to the stand-in through msal and msgraph-sdk, quick bounded retries."""
    config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                         client_id="storyline-sync", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path), max_retry_after=0.05)
    for name, value in overrides.items():
        object.__setattr__(config, name, value)
    return Graph(config=config, tokens=GraphAuth(config).app_token_source)


def fresh_record(url: str, *, contact_policy: str = "sent") -> Database:
    """The record on ``url``, emptied, with the sample tenant and its sellers, no mail yet."""
    db = Database(url)
    _empty(db.engine)
    with db.session() as s:
        ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN],
                      contact_policy=contact_policy)
        for seller in SELLERS:
            ensure_user(s, tenant_id=TENANT_ID, email=seller.email,
                        display_name=seller.display_name, oid=seller.oid,
                        time_zone=seller.time_zone)
    return db


def user_ids(db: Database, emails: tuple[str, ...] = MAILBOXES) -> list[uuid.UUID]:
    """The record's ids of the given sellers, in the order of their addresses (ids are
    random, so an order by id would differ from one run to the next)."""
    with db.sessionmaker() as s:
        return list(s.scalars(sa.select(User.id).where(
            User.tenant_id == TENANT_ID, User.email.in_(emails)).order_by(User.email)))


@dataclass(frozen=True)
class Counts:
    """What the record holds: live interaction keys, and (mailbox, key) links."""

    keys: tuple[str, ...]
    links: tuple[tuple[str, str], ...]
    deleted: tuple[str, ...]


def counts(db: Database) -> Counts:
    """Interactions and mailbox links, sorted, doubles kept (so a double shows)."""
    with db.sessionmaker() as s:
        live = s.scalars(sa.select(Interaction.external_key)
                         .where(Interaction.deleted_at.is_(None))).all()
        gone = s.scalars(sa.select(Interaction.external_key)
                         .where(Interaction.deleted_at.is_not(None))).all()
        links = s.execute(
            sa.select(User.email, Interaction.external_key)
            .join(InteractionMailbox, sa.and_(
                InteractionMailbox.tenant_id == Interaction.tenant_id,
                InteractionMailbox.interaction_id == Interaction.id))
            .join(User, sa.and_(User.tenant_id == InteractionMailbox.tenant_id,
                                User.id == InteractionMailbox.user_id))).all()
    return Counts(tuple(sorted(live)), tuple(sorted((e, k) for e, k in links)),
                  tuple(sorted(gone)))


def single_mailbox_inbox_items(db: Database, mailbox: str, n: int) -> Iterator[tuple[str, str]]:
    """(graph id, key) of ``n`` inbox messages that only ``mailbox`` holds."""
    with db.sessionmaker() as s:
        shared = sa.select(InteractionMailbox.interaction_id).group_by(
            InteractionMailbox.interaction_id).having(sa.func.count() > 1)
        rows = s.execute(
            sa.select(InteractionMailbox.graph_id, Interaction.external_key)
            .join(Interaction, sa.and_(Interaction.tenant_id == InteractionMailbox.tenant_id,
                                       Interaction.id == InteractionMailbox.interaction_id))
            .join(User, sa.and_(User.tenant_id == InteractionMailbox.tenant_id,
                                User.id == InteractionMailbox.user_id))
            .where(User.email == mailbox, InteractionMailbox.folder == "inbox",
                   Interaction.kind == "email", InteractionMailbox.interaction_id.not_in(shared))
            .order_by(Interaction.external_key).limit(n)).all()
    for graph_id, key in rows:
        yield str(graph_id), str(key)
