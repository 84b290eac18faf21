"""Contacts and accounts: search, correct, merge and unmerge."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response

from app import extensions as ctx
from app.records import cards, contacts, merges
from app.records.search import search_accounts, search_contacts
from app.records.visibility import Viewer

from .encode import json_response
from .schemas import (
    AccountPageOut,
    ContactOut,
    ContactPageOut,
    ContactPatch,
    MergeIn,
    SearchQuery,
)
from .spec import Documented, spec

bp = Blueprint("people", __name__)


@bp.get("/contacts")
@spec.validate(query=SearchQuery, resp=Documented(HTTP_200=ContactPageOut), tags=["contacts"])
def find_contacts(query: SearchQuery) -> Any:
    """Contacts whose name or address contains ``q``, most active first, paged."""
    session = ctx.db_session()
    viewer = Viewer.load(session, tenant_id=ctx.tenant_id(), user_id=ctx.user_id())
    return json_response(search_contacts(session, tenant_id=ctx.tenant_id(), q=query.q,
                                         page=query.page, page_size=query.page_size,
                                         viewer=viewer))


@bp.get("/accounts")
@spec.validate(query=SearchQuery, resp=Documented(HTTP_200=AccountPageOut), tags=["accounts"])
def find_accounts(query: SearchQuery) -> Any:
    """Accounts whose name or domain contains ``q``, most active first, paged."""
    return json_response(search_accounts(ctx.db_session(), tenant_id=ctx.tenant_id(),
                                         q=query.q, page=query.page, page_size=query.page_size))


def _card(contact_id: uuid.UUID) -> Response:
    session, tenant = ctx.db_session(), ctx.tenant_id()
    c = contacts.get_contact(session, tenant_id=tenant, contact_id=contact_id)
    family = merges.merged_family(session, tenant_id=tenant, contact_id=c.id)
    return json_response(cards.contact(
        c, contacts.addresses_of(session, tenant_id=tenant, contact_ids=family)))


@bp.patch("/contacts/<uuid:contact_id>")
@spec.validate(json=ContactPatch, resp=Documented(HTTP_200=ContactOut), tags=["contacts"])
def correct(contact_id: uuid.UUID, json: ContactPatch) -> Any:
    """Corrects a contact's name, title, phone or company (kept over signature guesses)."""
    session = ctx.db_session()
    contacts.correct_contact(
        session, tenant_id=ctx.tenant_id(), contact_id=contact_id, actor=ctx.user_id(),
        fix=contacts.ContactCorrection(display_name=json.name, title=json.title,
                                       phone=json.phone, company=json.company),
    )
    session.commit()
    return _card(contact_id)


@bp.post("/contacts/<uuid:contact_id>/merge")
@spec.validate(json=MergeIn, resp=Documented(HTTP_200=ContactOut), tags=["contacts"])
def merge(contact_id: uuid.UUID, json: MergeIn) -> Any:
    """Merges this contact into ``into``; undo with ``/unmerge``."""
    session = ctx.db_session()
    merges.merge_contacts(session, tenant_id=ctx.tenant_id(), source_id=contact_id,
                          target_id=json.into, actor=ctx.user_id())
    session.commit()
    return _card(json.into)


@bp.post("/contacts/<uuid:contact_id>/unmerge")
@spec.validate(resp=Documented(HTTP_200=ContactOut), tags=["contacts"])
def unmerge(contact_id: uuid.UUID) -> Any:
    """Undoes the merge of this contact."""
    session = ctx.db_session()
    merges.unmerge(session, tenant_id=ctx.tenant_id(), contact_id=contact_id,
                   actor=ctx.user_id())
    session.commit()
    return _card(contact_id)
