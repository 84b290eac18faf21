"""The names of a message's attachments (never their content), for auto-close.

``GET /users/{id}/messages/{id}/attachments?$select=name,contentType,size`` through the
msgraph-sdk request builders, for messages whose ``hasAttachments`` is true. A failure to read
them never stops the message: it is recorded without names and the failure is counted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from kiota_abstractions.base_request_configuration import RequestConfiguration

from .client import call_graph
from .config import GraphConfig
from .errors import GraphError
from .sdk import AttachmentsRequestBuilder, GraphServiceClient
from .types import MailMessage

log = logging.getLogger(__name__)
SELECT = ["name", "contentType", "size"]
MAX_NAMES = 50  # a mail with more attachments than this is not a delivery of one thing


async def attachment_names(client: GraphServiceClient, graph: GraphConfig,
                           slots: asyncio.Semaphore, *, user_id: str,
                           message_id: str) -> tuple[str, ...]:
    """The attachments' names of one message (its first page); raises a typed GraphError."""
    params = AttachmentsRequestBuilder.AttachmentsRequestBuilderGetQueryParameters(
        select=SELECT)
    config = RequestConfiguration(query_parameters=params)
    target = client.users.by_user_id(user_id).messages.by_message_id(message_id).attachments
    got = await call_graph(lambda: target.get(request_configuration=config),
                           config=graph, slots=slots, what="attachments")
    names = ((a.name or "").strip() for a in (got.value if got else None) or [])
    return tuple(n for n in names if n)[:MAX_NAMES]


async def with_attachment_names(client: GraphServiceClient, graph: GraphConfig,
                                slots: asyncio.Semaphore, *, user_id: str,
                                messages: tuple[MailMessage, ...]) -> tuple[MailMessage, ...]:
    """The page's messages, those with attachments carrying their names (or why not)."""
    async def one(msg: MailMessage) -> MailMessage:
        if not msg.has_attachments or not msg.id:
            return msg
        try:
            names = await attachment_names(client, graph, slots, user_id=user_id,
                                           message_id=msg.id)
        except GraphError as err:
            log.warning("attachments of a message in %s not read: %s", user_id, err.message)
            return dataclasses.replace(msg, attachments_error=err.message[:200])
        return dataclasses.replace(msg, attachment_names=names)

    return tuple(await asyncio.gather(*(one(m) for m in messages)))
