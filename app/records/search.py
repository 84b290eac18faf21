"""Finding contacts and accounts by name, address or domain, most active first; with no
text at all, listing them most active first (the seller's home shows that list before they
type)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import cards
from .contacts import addresses_of
from .identity import name_key
from .models import Account, AccountDomain, Contact, ContactAddress
from .story_types import AccountPage, ContactPage
from .visibility import Viewer


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contact_match(tenant_id: uuid.UUID, text: str) -> sa.ColumnElement[bool]:
    """Contacts whose name or an address contains ``text``; every contact when it is empty."""
    if not text:
        return sa.true()
    by_address = sa.select(ContactAddress.contact_id).where(
        ContactAddress.tenant_id == tenant_id,
        ContactAddress.address.like(_like(text), escape="\\"),
    )
    cond = sa.or_(Contact.id.in_(by_address))
    key = name_key(text)
    if key:
        cond = sa.or_(cond, Contact.name_key.like(_like(key), escape="\\"))
    return cond


def _account_match(tenant_id: uuid.UUID, text: str) -> sa.ColumnElement[bool]:
    """Accounts whose name or a domain contains ``text``; every account when it is empty."""
    if not text:
        return sa.true()
    by_domain = sa.select(AccountDomain.account_id).where(
        AccountDomain.tenant_id == tenant_id,
        AccountDomain.domain.like(_like(text), escape="\\"),
    )
    return sa.or_(Account.id.in_(by_domain),
                  sa.func.lower(Account.name).like(_like(text), escape="\\"))


def search_contacts(session: Session, *, tenant_id: uuid.UUID, q: str | None, page: int,
                    page_size: int, viewer: Viewer | None = None) -> ContactPage:
    """Live contacts whose name or an address contains ``q`` (all of them when ``q`` is
    empty or missing), most active first (as ``viewer`` may see them: a contact known only
    from others' private mail is left out)."""
    cond = _contact_match(tenant_id, (q or "").strip().lower())
    if viewer is not None:
        cond = sa.and_(cond, viewer.visible_contacts())
    rows = session.scalars(
        sa.select(Contact).where(Contact.tenant_id == tenant_id, Contact.merged_into.is_(None),
                                 cond)
        .order_by(Contact.interaction_count.desc(), Contact.display_name, Contact.id)
        .offset((page - 1) * page_size).limit(page_size + 1)
    ).all()
    items = [cards.contact(c, addresses_of(session, tenant_id=tenant_id, contact_ids=[c.id]))
             for c in rows[:page_size]]
    if viewer is not None:
        items = [viewer.card(card) for card in items]
    return ContactPage(page=page, page_size=page_size, has_more=len(rows) > page_size,
                       items=items)


def search_accounts(session: Session, *, tenant_id: uuid.UUID, q: str | None, page: int,
                    page_size: int) -> AccountPage:
    """Accounts whose name or a domain contains ``q`` (all of them when ``q`` is empty or
    missing), most active first."""
    rows = session.scalars(
        sa.select(Account).where(
            Account.tenant_id == tenant_id,
            _account_match(tenant_id, (q or "").strip().lower()),
        )
        .order_by(Account.interaction_count.desc(), Account.name, Account.id)
        .offset((page - 1) * page_size).limit(page_size + 1)
    ).all()
    items = [cards.account(session, tenant_id, a) for a in rows[:page_size]]
    return AccountPage(page=page, page_size=page_size, has_more=len(rows) > page_size,
                       items=items)
