"""One delta page at a time: messages of a mail folder, or a calendarView.

We follow ``@odata.nextLink`` to ``@odata.deltaLink`` ourselves (the SDK's PageIterator drops
the delta link) so the caller can store the resume point after every page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.response_handler import ResponseHandler
from kiota_http.middleware.options import ResponseHandlerOption
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory

from .client import call_graph
from .config import GraphConfig
from .convert import is_removed, meeting_from_sdk, message_from_sdk
from .fastjson import page_from_json
from .sdk import EventDeltaBuilder, GraphServiceClient, MessageDeltaBuilder, ODataError
from .types import DeltaPage, MailMessage, Meeting, T

MESSAGE_SELECT = [
    "id", "internetMessageId", "conversationId", "subject", "body", "sender", "from",
    "toRecipients", "ccRecipients", "sentDateTime", "receivedDateTime",
    "internetMessageHeaders", "isDraft", "hasAttachments",
]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _PageHandler(ResponseHandler):
    """Reads a delta page straight from the response body (see :mod:`fastjson`); errors
    become the SDK's ``ODataError`` as they would without this handler."""

    def __init__(self, *, calendar: bool, link: str | None) -> None:
        self.calendar, self.link = calendar, link

    async def handle_response_async(self, response: Any, error_map: Any = None) -> Any:
        if response.status_code >= 400:
            raise _api_error(response)
        return page_from_json(response.content, calendar=self.calendar, link=self.link)


def _api_error(response: Any) -> APIError:
    err: APIError
    try:
        node = JsonParseNodeFactory().get_root_parse_node("application/json", response.content)
        err = node.get_object_value(ODataError)
    except ValueError:
        err = APIError()
    err.response_status_code = response.status_code
    err.response_headers = dict(response.headers)
    return err


def _headers(config: RequestConfiguration, graph: GraphConfig, *, calendar: bool,
             link: str | None) -> None:
    if graph.parser == "json":
        handler = ResponseHandlerOption(_PageHandler(calendar=calendar, link=link))
        config.options = [*(config.options or []), handler]
    config.headers.add("Prefer", f"odata.maxpagesize={graph.page_size}")
    config.headers.add("Prefer", f'outlook.body-content-type="{graph.body_type}"')
    if calendar:
        config.headers.add("Prefer", 'outlook.timezone="UTC"')


async def message_page(
    client: GraphServiceClient,
    graph: GraphConfig,
    slots: asyncio.Semaphore,
    *,
    user_id: str,
    folder: str,
    link: str | None,
    since: datetime | None = None,
) -> DeltaPage[MailMessage]:
    """Fetches one page of message changes: from ``link`` (a next or delta link) or, when it
    is None, the first page of a fresh round, newest first, back to ``since``."""
    builder = client.users.by_user_id(user_id).mail_folders.by_mail_folder_id(folder)
    delta = builder.messages.delta
    if link:
        delta = delta.with_url(link)
        config: RequestConfiguration = RequestConfiguration()
    else:
        params = MessageDeltaBuilder.DeltaRequestBuilderGetQueryParameters(
            select=MESSAGE_SELECT, orderby=["receivedDateTime desc"]
        )
        if since is not None:
            # Graph caps a filtered delta round at 5,000 messages; set a horizon on purpose.
            params.filter = f"receivedDateTime ge {_iso(since)}"
        config = RequestConfiguration(query_parameters=params)
    _headers(config, graph, calendar=False, link=link)
    target = delta
    resp = await call_graph(
        lambda: target.get(request_configuration=config),
        config=graph, slots=slots, what=f"{folder} delta",
    )
    if isinstance(resp, DeltaPage):
        return resp
    return _to_page(resp, message_from_sdk, link)


async def event_page(
    client: GraphServiceClient,
    graph: GraphConfig,
    slots: asyncio.Semaphore,
    *,
    user_id: str,
    link: str | None,
    start: datetime,
    end: datetime,
) -> DeltaPage[Meeting]:
    """Fetches one page of calendarView changes between ``start`` and ``end`` (first page)
    or from ``link``. calendarView delta takes no ``$select``."""
    delta = client.users.by_user_id(user_id).calendar_view.delta
    if link:
        delta = delta.with_url(link)
        config: RequestConfiguration = RequestConfiguration()
    else:
        params = EventDeltaBuilder.DeltaRequestBuilderGetQueryParameters(
            start_date_time=_iso(start), end_date_time=_iso(end)
        )
        config = RequestConfiguration(query_parameters=params)
    _headers(config, graph, calendar=True, link=link)
    target = delta
    resp = await call_graph(
        lambda: target.get(request_configuration=config),
        config=graph, slots=slots, what="calendar delta",
    )
    if isinstance(resp, DeltaPage):
        return resp
    return _to_page(resp, meeting_from_sdk, link)


def _to_page(resp: Any, convert: Callable[[Any], T], link: str | None) -> DeltaPage[T]:
    """An SDK delta response as our page: changed items converted, ``@removed`` ids apart."""
    items: list[T] = []
    removed: list[str] = []
    for entry in (resp.value if resp else None) or []:
        if is_removed(entry):
            removed.append(entry.id or "")
        else:
            items.append(convert(entry))
    return DeltaPage(
        items=tuple(items),
        removed=tuple(r for r in removed if r),
        next_link=resp.odata_next_link if resp else None,
        delta_link=resp.odata_delta_link if resp else None,
        link=link,
    )
