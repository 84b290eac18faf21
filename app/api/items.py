"""The open item in Outlook, as the pane needs it: is this email already in the record (and
under which id, so it can be linked to a deal), and "log this email" when it is not.

Sync logs mail by itself; logging from the pane covers mail sync has not reached yet (or
mailboxes that are not synced), using what Office.js gives the pane.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.address import Address
from app.api.answers import ItemFoundOut, ItemLoggedOut
from app.api.spec import Documented, spec
from app.errors import BadRequest, NotFound
from app.extensions import extractor
from app.records.inputs import InteractionIn
from app.records.models import DealInteraction, Interaction, User
from app.records.record import record_interaction

from .privacy import sharing

bp = Blueprint("items", __name__)


class ItemQuery(BaseModel):
    """The item's internetMessageId (emails) or iCalUId (meetings)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(..., min_length=3, max_length=400)
    kind: str = Field("email", pattern="^(email|meeting)$")


class PersonPart(BaseModel):
    """A participant as Office.js gives it."""

    address: str = Field(..., max_length=320)
    name: str = Field("", max_length=200)


class ItemIn(BaseModel):
    """An email to log, read by the pane through Office.js."""

    model_config = ConfigDict(extra="forbid")
    internet_message_id: str = Field(..., min_length=3, max_length=400)
    conversation_id: str | None = Field(None, max_length=400)
    subject: str = Field("", max_length=1000)
    body: str = Field("", max_length=200_000)
    sent_at: datetime
    sender: PersonPart
    to: list[PersonPart] = Field(default_factory=list, max_length=500)
    cc: list[PersonPart] = Field(default_factory=list, max_length=500)


def _found(session: Any, interaction: Interaction) -> dict[str, Any]:
    deals = session.scalars(sa.select(DealInteraction.deal_id).where(
        DealInteraction.tenant_id == interaction.tenant_id,
        DealInteraction.interaction_id == interaction.id)).all()
    return {"logged": True, "interaction_id": str(interaction.id),
            "deal_ids": [str(d) for d in deals], "sharing": sharing(interaction.id)}


@bp.get("/items/lookup")
@spec.validate(query=ItemQuery, resp=Documented(HTTP_200=ItemFoundOut), tags=["items"])
def lookup(query: ItemQuery) -> Any:
    """Whether this email or meeting is in the record, with its id and linked deals."""
    session = ctx.db_session()
    found = session.scalar(sa.select(Interaction).where(
        Interaction.tenant_id == ctx.tenant_id(), Interaction.kind == query.kind,
        Interaction.external_key == query.key.strip(), Interaction.deleted_at.is_(None)))
    if found is None:
        raise NotFound("this item is not in the record yet", code="not_logged")
    return _found(session, found)


@bp.post("/items/log")
@spec.validate(json=ItemIn, resp=Documented(HTTP_201=ItemLoggedOut), tags=["items"])
def log_item(json: ItemIn) -> Any:
    """Logs this email to the record now (with its promises and signals)."""
    from app.extract import EmailIn
    from app.sync.mapping import findings_fields

    session = ctx.db_session()
    user = session.get(User, (ctx.tenant_id(), ctx.user_id()))
    assert user is not None
    when = json.sent_at if json.sent_at.tzinfo else json.sent_at.replace(tzinfo=UTC)
    sender = Address(address=json.sender.address, name=json.sender.name)
    to = tuple(Address(address=p.address, name=p.name) for p in json.to)
    with extractor().use() as ex:
        result = ex.extract(EmailIn(
            id=json.internet_message_id, body=json.body, subject=json.subject,
            from_=sender, to=to, sent_at=when, time_zone=user.time_zone))
    mine = json.sender.address.strip().lower() == user.email
    outcome = record_interaction(session, tenant_id=ctx.tenant_id(), item=InteractionIn(
        kind="email", external_key=json.internet_message_id.strip(), occurred_at=when,
        subject=json.subject, thread_id=json.conversation_id,
        sender=sender, to=to,
        cc=tuple(Address(address=p.address, name=p.name) for p in json.cc),
        mailbox_user_id=user.id, folder="sentitems" if mine else "inbox",
        **findings_fields(result),
    ))
    session.commit()
    if outcome.interaction_id is None:
        raise BadRequest(f"not logged: {outcome.reason}", code="not_logged")
    found = session.get(Interaction, (ctx.tenant_id(), outcome.interaction_id))
    assert found is not None
    return _found(session, found) | {"status": outcome.status}, 201
