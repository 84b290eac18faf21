"""Directory reads: the members of an Entra group who have a mailbox (enrolment by group)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
from kiota_abstractions.base_request_configuration import RequestConfiguration

from .client import TokenSource, TransportFactory, call_graph, graph_client
from .config import GraphConfig
from .sdk import GroupUsersBuilder

MAX_MEMBER_PAGES = 200  # 200 pages of 100: a 20,000-member group; past that, enrol by address


@dataclass(frozen=True)
class DirectoryUser:
    """A group member: their mail address, name and Entra object id."""

    mail: str
    display_name: str
    oid: str


def group_members(config: GraphConfig, tokens: TokenSource, group_id: str, *,
                  transport: TransportFactory | None = None) -> list[DirectoryUser]:
    """The users in ``group_id`` (nested groups included) that have a mail address
    (GroupMember.Read.All)."""
    async def main() -> list[DirectoryUser]:
        t: httpx.AsyncBaseTransport | None = transport() if transport else None
        async with graph_client(config, tokens, transport=t) as client:
            slots = asyncio.Semaphore(config.max_in_flight)
            builder = client.groups.by_group_id(group_id).transitive_members.graph_user
            params = GroupUsersBuilder.GraphUserRequestBuilderGetQueryParameters(
                select=["id", "mail", "displayName"], top=100)
            page = await call_graph(
                lambda: builder.get(RequestConfiguration(query_parameters=params)),
                config=config, slots=slots, what="group members")
            out: list[DirectoryUser] = []
            for _ in range(MAX_MEMBER_PAGES):
                if page is None:
                    break
                out += [DirectoryUser(u.mail, u.display_name or "", u.id or "")
                        for u in page.value or [] if u.mail]
                link = page.odata_next_link
                if not link:
                    break
                nxt = builder.with_url(link)
                page = await call_graph(nxt.get, config=config, slots=slots,
                                        what="group members")
            return out

    return asyncio.run(main())
