"""Where a message is now: the mailbox's copy of an ``internetMessageId`` in any folder.

A delta round reports a message moved out of a folder (Outlook's Archive, a rule, a drag to
another folder) as ``@removed``, just as it reports a deleted one. Before sync takes a
message off the timeline it asks here whether the mailbox still holds it.
"""

from __future__ import annotations

import asyncio

import httpx
from kiota_abstractions.base_request_configuration import RequestConfiguration

from .client import TokenSource, TransportFactory, call_graph, graph_client
from .config import GraphConfig
from .sdk import MessagesRequestBuilder


def find_message(config: GraphConfig, tokens: TokenSource, *, mailbox: str,
                 internet_message_id: str, transport: TransportFactory | None = None
                 ) -> tuple[str, str] | None:
    """(Graph id, parent folder id) of the mailbox's copy of the message, or None when the
    mailbox holds none; raises a typed GraphError when Graph cannot say."""
    quoted = internet_message_id.replace("'", "''")  # an OData string literal

    async def main() -> tuple[str, str] | None:
        t: httpx.AsyncBaseTransport | None = transport() if transport else None
        async with graph_client(config, tokens, transport=t) as client:
            params = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
                filter=f"internetMessageId eq '{quoted}'", select=["id", "parentFolderId"],
                top=5)
            rc = RequestConfiguration(query_parameters=params)
            messages = client.users.by_user_id(mailbox).messages
            got = await call_graph(lambda: messages.get(request_configuration=rc),
                                   config=config, slots=asyncio.Semaphore(1),
                                   what="find message")
        for message in (got.value if got else None) or []:
            if message.id:
                return message.id, message.parent_folder_id or ""
        return None

    return asyncio.run(main())
