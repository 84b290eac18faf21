"""Data out: CSV of accounts, contacts, deals and commitments, and a vCard per contact.

Exports carry the record (names, addresses, stages, promises' wording), never mail bodies.
Rows are written as they are read, so a large tenant exports in bounded memory.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound

from .deals import deal_domains
from .models import Account, Commitment, Contact, ContactAddress, Deal, User

EXPORTS = ("accounts", "contacts", "deals", "commitments")
_BATCH = 1000


def _rows(session: Session, query: Any) -> Iterator[Any]:
    yield from session.scalars(query.execution_options(yield_per=_BATCH))


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _accounts(session: Session, tenant_id: uuid.UUID) -> Iterator[list[Any]]:
    domains = deal_domains(session, tenant_id=tenant_id)
    yield ["id", "name", "domain", "interactions", "last_activity_at"]
    for a in _rows(session, sa.select(Account).where(Account.tenant_id == tenant_id)
                   .order_by(Account.name, Account.id)):
        yield [a.id, a.name, domains.get(a.id, ""), a.interaction_count or 0,
               _iso(a.last_activity_at)]


def _contacts(session: Session, tenant_id: uuid.UUID) -> Iterator[list[Any]]:
    addresses: dict[uuid.UUID, list[str]] = {}
    for contact_id, address in session.execute(sa.select(
            ContactAddress.contact_id, ContactAddress.address).where(
            ContactAddress.tenant_id == tenant_id).order_by(
            ContactAddress.is_primary.desc(), ContactAddress.address)):
        addresses.setdefault(contact_id, []).append(address)
    names = dict(session.execute(sa.select(Account.id, Account.name).where(
        Account.tenant_id == tenant_id)).all())
    yield ["id", "name", "emails", "title", "phone", "company", "account", "interactions",
           "last_activity_at"]
    for c in _rows(session, sa.select(Contact).where(
            Contact.tenant_id == tenant_id, Contact.merged_into.is_(None))
            .order_by(Contact.display_name, Contact.id)):
        yield [c.id, c.display_name, " ".join(addresses.get(c.id, [])), c.title or "",
               c.phone or "", c.company or "", names.get(c.account_id, "") if c.account_id
               else "", c.interaction_count or 0, _iso(c.last_activity_at)]


def _deals(session: Session, tenant_id: uuid.UUID) -> Iterator[list[Any]]:
    domains = deal_domains(session, tenant_id=tenant_id)
    owners = dict(session.execute(sa.select(User.id, User.email).where(
        User.tenant_id == tenant_id)).all())
    # the import's columns first, so an export can be edited and imported back
    yield ["account_domain", "name", "stage", "amount", "currency", "close_date",
           "owner_email", "id", "stage_changed_at", "created_at"]
    for d in _rows(session, sa.select(Deal).where(Deal.tenant_id == tenant_id)
                   .order_by(Deal.created_at, Deal.id)):
        yield [domains.get(d.account_id, ""), d.name, d.stage,
               "" if d.amount is None else d.amount, d.currency or "", _iso(d.close_date),
               owners.get(d.owner_user_id, "") if d.owner_user_id else "", d.id,
               _iso(d.stage_changed_at), _iso(d.created_at)]


def _commitments(session: Session, tenant_id: uuid.UUID) -> Iterator[list[Any]]:
    owners = dict(session.execute(sa.select(User.id, User.email).where(
        User.tenant_id == tenant_id)).all())
    primary = dict(session.execute(sa.select(ContactAddress.contact_id, ContactAddress.address)
                                   .where(ContactAddress.tenant_id == tenant_id,
                                          ContactAddress.is_primary.is_(True))).all())
    yield ["id", "kind", "side", "action", "due_on", "status", "owner_email", "contact_email",
           "created_at", "completed_at"]
    for c in _rows(session, sa.select(Commitment).where(Commitment.tenant_id == tenant_id)
                   .order_by(Commitment.created_at, Commitment.id)):
        yield [c.id, c.kind, c.side, c.action, _iso(c.due_on), c.status,
               owners.get(c.owner_user_id, "") if c.owner_user_id else "",
               primary.get(c.contact_id, "") if c.contact_id else "", _iso(c.created_at),
               _iso(c.completed_at)]


_TABLES: dict[str, Callable[[Session, uuid.UUID], Iterator[list[Any]]]] = {
    "accounts": _accounts, "contacts": _contacts, "deals": _deals,
    "commitments": _commitments,
}


def _safe(value: Any) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet; keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not \
        _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_csv(session: Session, *, tenant_id: uuid.UUID, what: str) -> Iterator[str]:
    """The tenant's ``what`` (one of :data:`EXPORTS`) as CSV text, a chunk per row."""
    if what not in _TABLES:
        raise NotFound(f"export one of {', '.join(EXPORTS)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _TABLES[what](session, tenant_id):
        writer.writerow([_safe(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _vtext(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,")
            .replace(";", "\\;"))


def vcard(session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> str:
    """One contact as a vCard 3.0 (what Outlook and phones import)."""
    c = session.get(Contact, (tenant_id, contact_id))
    if c is None or c.merged_into is not None:
        raise NotFound("no contact with that id")
    addresses = list(session.scalars(sa.select(ContactAddress.address).where(
        ContactAddress.tenant_id == tenant_id, ContactAddress.contact_id == contact_id)
        .order_by(ContactAddress.is_primary.desc(), ContactAddress.address)))
    org = c.company or ""
    if not org and c.account_id:
        account = session.get(Account, (tenant_id, c.account_id))
        org = account.name if account else ""
    name = c.display_name or (addresses[0] if addresses else "")
    parts = name.rsplit(" ", 1) if " " in name else ["", name]
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_vtext(name)}",
             f"N:{_vtext(parts[1])};{_vtext(parts[0])};;;"]
    if org:
        lines.append(f"ORG:{_vtext(org)}")
    if c.title:
        lines.append(f"TITLE:{_vtext(c.title)}")
    for i, address in enumerate(addresses):
        lines.append(f"EMAIL;TYPE=INTERNET{',PREF' if i == 0 else ''}:{address}")
    if c.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_vtext(c.phone)}")
    lines += [f"UID:urn:uuid:{c.id}", "END:VCARD"]
    return "\r\n".join(lines) + "\r\n"
