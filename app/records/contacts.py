"""Contacts and accounts: lookup by address, creation under the tenant's policy, corrections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import BadRequest, NotFound

from .identity import (
    account_name_from_domain,
    domain_of,
    free_mail_domains,
    name_key,
    registrable_domain,
)
from .models import Account, AccountDomain, Contact, ContactAddress, new_id, utcnow


def survivor_id(session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> uuid.UUID:
    """Follows ``merged_into`` to the contact that stands for this one now."""
    seen = {contact_id}
    current = contact_id
    while True:
        target = session.scalar(
            sa.select(Contact.merged_into).where(
                Contact.tenant_id == tenant_id, Contact.id == current
            )
        )
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


def contact_for_address(
    session: Session, *, tenant_id: uuid.UUID, address: str
) -> Contact | None:
    """The (surviving) contact that owns a normalised address, if any."""
    contact_id = session.scalar(
        sa.select(ContactAddress.contact_id).where(
            ContactAddress.tenant_id == tenant_id, ContactAddress.address == address
        )
    )
    if contact_id is None:
        return None
    return session.get(
        Contact, (tenant_id, survivor_id(session, tenant_id=tenant_id, contact_id=contact_id))
    )


def account_for_domain(session: Session, *, tenant_id: uuid.UUID, domain: str) -> Account | None:
    """The account a domain belongs to (its registrable domain), or None for free mail."""
    reg = registrable_domain(domain)
    if reg in free_mail_domains():
        return None
    account_id = session.scalar(
        sa.select(AccountDomain.account_id).where(
            AccountDomain.tenant_id == tenant_id, AccountDomain.domain == reg
        )
    )
    return session.get(Account, (tenant_id, account_id)) if account_id else None


def ensure_account(session: Session, *, tenant_id: uuid.UUID, domain: str) -> Account | None:
    """The account for a domain, created on first sight; None for free-mail domains."""
    reg = registrable_domain(domain)
    if reg in free_mail_domains():
        return None
    account = account_for_domain(session, tenant_id=tenant_id, domain=reg)
    if account is None:
        account = Account(tenant_id=tenant_id, id=new_id(), name=account_name_from_domain(reg))
        session.add(account)
        session.add(AccountDomain(tenant_id=tenant_id, domain=reg, account_id=account.id))
        session.flush()
    return account


def create_contact(
    session: Session, *, tenant_id: uuid.UUID, address: str, name: str, source: str
) -> Contact:
    """A new contact for an address, attached to the account of its domain."""
    account = ensure_account(session, tenant_id=tenant_id, domain=domain_of(address))
    display = name.strip() or address.split("@", 1)[0]
    contact = Contact(
        tenant_id=tenant_id,
        id=new_id(),
        display_name=display[:200],
        name_key=name_key(display)[:200],
        account_id=account.id if account else None,
        company=account.name if account else None,
        source=source,
        evidence={},
        interaction_count=0,
    )
    session.add(contact)
    session.add(
        ContactAddress(tenant_id=tenant_id, address=address, contact_id=contact.id, is_primary=True)
    )
    session.flush()
    return contact


@dataclass(frozen=True)
class ContactCorrection:
    """Fields a seller may correct on a contact; None leaves a field as it is."""

    display_name: str | None = None
    title: str | None = None
    phone: str | None = None
    company: str | None = None


def correct_contact(
    session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, fix: ContactCorrection,
    actor: uuid.UUID | None,
) -> Contact:
    """Applies a seller's correction; the corrected fields are marked as set by hand."""
    contact = get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    evidence = dict(contact.evidence or {})
    for field_name in ("display_name", "title", "phone", "company"):
        value = getattr(fix, field_name)
        if value is None:
            continue
        value = value.strip()
        if field_name == "display_name" and not value:
            raise BadRequest("a contact's name cannot be empty")
        setattr(contact, field_name, value or None)
        evidence[field_name] = {"source": "manual", "by": str(actor) if actor else None,
                                "at": utcnow().isoformat()}
    if fix.display_name:
        contact.name_key = name_key(fix.display_name)
    contact.evidence = evidence
    session.flush()
    return contact


def get_contact(session: Session, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> Contact:
    """The contact with this id in the tenant, or NotFound."""
    contact = session.get(Contact, (tenant_id, contact_id))
    if contact is None:
        raise NotFound("no contact with that id")
    return contact


def addresses_of(
    session: Session, *, tenant_id: uuid.UUID, contact_ids: list[uuid.UUID]
) -> list[str]:
    """All addresses of the given contacts, primary first."""
    rows = session.execute(
        sa.select(ContactAddress.address, ContactAddress.is_primary)
        .where(ContactAddress.tenant_id == tenant_id, ContactAddress.contact_id.in_(contact_ids))
        .order_by(ContactAddress.is_primary.desc(), ContactAddress.address)
    ).all()
    return [r[0] for r in rows]
