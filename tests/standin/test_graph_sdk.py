"""The real msgraph-sdk reads delta pages and messages from the stand-in over https."""

from __future__ import annotations

import asyncio
import ssl
import warnings

import httpx
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph_core import GraphClientFactory

with warnings.catch_warnings():  # kiota warns about its own deprecated base class on import
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from msgraph import GraphServiceClient
    from msgraph.generated.users.item.mail_folders.item.messages.delta import (
        delta_request_builder,
    )
    from msgraph.generated.users.item.messages import messages_request_builder  # noqa: F401
    from msgraph.generated.users.item.messages.item import (  # noqa: F401
        message_item_request_builder,
    )
    from msgraph.graph_request_adapter import GraphRequestAdapter

from app.dev.standin.testing import control
from tests.standin.conftest import MAYA


class _Token(AccessTokenProvider):
    def __init__(self, token: str, host: str) -> None:
        self.token, self.hosts = token, AllowedHostsValidator([host])

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return self.hosts


async def _with_client(standin, token, work):
    context = ssl.create_default_context(cafile=str(standin.ca_path))
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(verify=context, timeout=10, trust_env=False))
    try:
        host = standin.base_url.split("://")[1].split(":")[0]
        adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(_Token(token, host)),
                                      client=http)
        adapter.base_url = standin.graph_url
        return await work(GraphServiceClient(request_adapter=adapter))
    finally:
        await http.aclose()


def _delta_config(size: int) -> RequestConfiguration:
    params = delta_request_builder.DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
        select=["id", "subject", "from", "internetMessageId", "body", "receivedDateTime"])
    config = RequestConfiguration(query_parameters=params)
    config.headers.add("Prefer", f"odata.maxpagesize={size}")
    return config


def test_sdk_reads_a_delta_round_and_a_message(standin, app_token):
    async def work(client: GraphServiceClient):
        delta = client.users.by_user_id(MAYA).mail_folders.by_mail_folder_id("inbox") \
            .messages.delta
        first = await delta.get(request_configuration=_delta_config(25))
        pages, seen = [first], list(first.value)
        while pages[-1].odata_next_link:
            nxt = RequestConfiguration()
            nxt.headers.add("Prefer", "odata.maxpagesize=25")
            page = await delta.with_url(pages[-1].odata_next_link).get(request_configuration=nxt)
            pages.append(page)
            seen += page.value
        one = await client.users.by_user_id(MAYA).messages.by_message_id(seen[0].id).get()
        return first, pages[-1], seen, one

    first, last, seen, one = asyncio.run(_with_client(standin, app_token, work))
    inbox = standin.state.store.mailbox(MAYA).folders["inbox"]
    assert len(first.value) == 25 and first.odata_next_link
    assert len(seen) == len(inbox.items) and len({m.id for m in seen}) == len(seen)
    assert last.odata_delta_link and "$deltatoken=" in last.odata_delta_link
    assert seen[0].from_.email_address.address and seen[0].internet_message_id
    assert one.subject == seen[0].subject and one.body.content


def test_a_deleted_message_comes_back_as_removed_in_the_next_round(standin, app_token, graph):
    link, ids = f"/users/{MAYA}/mailFolders/inbox/messages/delta", []
    while link:
        page = graph("GET", link, headers={"Prefer": "odata.maxpagesize=200"}).json()
        ids += [m["id"] for m in page["value"]]
        link = page.get("@odata.nextLink")
    delta_link = page["@odata.deltaLink"]
    control(standin, "DELETE", f"/mailboxes/{MAYA}/items/{ids[3]}")
    added = control(standin, "POST", f"/mailboxes/{MAYA}/items", json={
        "folder": "inbox", "resource": {"subject": "New", "receivedDateTime":
                                        "2026-11-22T14:00:00Z"}})["resource"]

    async def work(client: GraphServiceClient):
        builder = client.users.by_user_id(MAYA).mail_folders.by_mail_folder_id("inbox") \
            .messages.delta
        return await builder.with_url(delta_link).get()

    page = asyncio.run(_with_client(standin, app_token, work))
    assert {m.id for m in page.value} == {ids[3], added["id"]}
    gone = next(m for m in page.value if m.id == ids[3])
    assert gone.additional_data["@removed"] == {"reason": "deleted"}
    assert page.odata_delta_link


def test_sdk_rides_out_one_throttled_request(standin, app_token):
    control(standin, "POST", "/faults", json={"throttle": {"count": 1, "retry_after": "0"}})

    async def work(client: GraphServiceClient):
        return await client.users.by_user_id(MAYA).mail_folders.by_mail_folder_id("inbox") \
            .messages.delta.get(request_configuration=_delta_config(5))

    page = asyncio.run(_with_client(standin, app_token, work))
    assert len(page.value) == 5
    statuses = [c["status"] for c in control(standin, "GET", "/calls")["value"]]
    assert statuses == [429, 200]
