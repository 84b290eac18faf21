"""Erasure and access: forget a person everywhere (remembered only as a keyed hash, so sync
never brings them back) and export every row stored about them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import HASH_KEY
from app.errors import BadRequest

from .contacts import contact_for_address
from .forget import PurgeReport, drop_draft_choices, purge
from .identity import address_hash, normalize_address, session_hash_key
from .models import AuditEvent, Contact, ContactAddress, ErasedAddress, Participant, Suppression
from .record import identity_context
from .scan import mask_everywhere, plain, rows_mentioning, rows_where


@dataclass
class Erasure:
    """What an erasure did: the hashes it keeps and how much went."""

    address_hashes: list[str]
    report: PurgeReport


def _person(session: Session, tenant_id: uuid.UUID, address: str
            ) -> tuple[set[uuid.UUID], set[str]]:
    """The contacts that stand for the owner of ``address`` (with those merged into it) and
    every address they have."""
    contact = contact_for_address(session, tenant_id=tenant_id, address=address)
    if contact is None:
        return set(), {address}
    ids = {contact.id} | set(session.scalars(sa.select(Contact.id).where(
        Contact.tenant_id == tenant_id, Contact.merged_into == contact.id)))
    addresses = set(session.scalars(sa.select(ContactAddress.address).where(
        ContactAddress.tenant_id == tenant_id, ContactAddress.contact_id.in_(ids))))
    return ids, addresses | {address}


def _outside_address(session: Session, tenant_id: uuid.UUID, email: str) -> str:
    address = normalize_address(email)
    if identity_context(session, tenant_id).is_internal(address):
        raise BadRequest("that is a colleague's address: offboard the user instead of erasing",
                         code="internal_address")
    return address


def erase_person(session: Session, *, tenant_id: uuid.UUID, email: str,
                 actor: uuid.UUID | None) -> Erasure:
    """Removes the person who owns ``email``: their contact and addresses, participant rows,
    the interactions where they were the only outside party, their findings, signature
    fields and draft choices, blocks naming them; masks their addresses wherever text still
    holds them; keeps only keyed hashes so sync skips them; records who erased which hash."""
    address = _outside_address(session, tenant_id, email)
    key = session_hash_key(session)
    _contacts, addresses = _person(session, tenant_id, address)
    ctx = identity_context(session, tenant_id)
    report = purge(session, ctx=ctx, candidates=lambda column: column.in_(addresses),
                   matches=addresses.__contains__)
    drop_draft_choices(session, tenant_id=tenant_id, report=report)
    session.execute(sa.delete(Suppression).where(
        Suppression.tenant_id == tenant_id, Suppression.value.in_(addresses)),
        execution_options={"synchronize_session": False})
    for each in sorted(addresses):
        report.masked += mask_everywhere(session, tenant_id=tenant_id, address=each)
    hashes = sorted(address_hash(key, a) for a in addresses)
    for h in hashes:
        if session.get(ErasedAddress, (tenant_id, h)) is None:
            session.add(ErasedAddress(tenant_id=tenant_id, address_hash=h, erased_by=actor))
    session.add(AuditEvent(tenant_id=tenant_id, actor_user_id=actor, action="person.erase",
                           details={"address_hashes": hashes, "removed": report.counts()}))
    session.info.pop("identity_contexts", None)
    session.flush()
    return Erasure(address_hashes=hashes, report=report)


def export_person(session: Session, *, tenant_id: uuid.UUID, email: str) -> dict[str, Any]:
    """Every stored row about the person who owns ``email``, by table (a subject access
    request): rows that name their addresses, rows tied to their contacts, and the
    interactions they took part in with those interactions' findings."""
    address = _outside_address(session, tenant_id, email)
    contacts, addresses = _person(session, tenant_id, address)
    interactions = set(session.scalars(sa.select(Participant.interaction_id).where(
        Participant.tenant_id == tenant_id, Participant.address.in_(addresses))))
    parts: list[dict[str, list[dict[str, Any]]]] = [
        rows_where(session, tenant_id=tenant_id, column="contact_id", values=contacts),
        rows_where(session, tenant_id=tenant_id, column="interaction_id", values=interactions),
        rows_where(session, tenant_id=tenant_id, column="id", values=contacts,
                   only=("contacts",)),
        rows_where(session, tenant_id=tenant_id, column="id", values=interactions,
                   only=("interactions",)),
    ]
    parts += [rows_mentioning(session, tenant_id=tenant_id, address=a) for a in sorted(addresses)]
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for part in parts:
        for table, rows in part.items():
            for row in rows:
                tables.setdefault(table, {})[json.dumps(row, sort_keys=True, default=str)] = row
    key = session.info.get(HASH_KEY)
    erased = key is not None and session.get(
        ErasedAddress, (tenant_id, address_hash(bytes(key), address))) is not None
    return {"email": address, "addresses": sorted(addresses), "erased": erased,
            "tables": {name: list(rows.values()) for name, rows in sorted(tables.items())},
            "contact_ids": sorted(plain(c) for c in contacts)}
