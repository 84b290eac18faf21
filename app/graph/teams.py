"""Teams delivery: an activity feed notification that opens Storyline's tab on a prep card.

Why the activity feed and not a chat message: Graph lets an application (no signed-in user,
as a scheduled job is) post to a user's activity feed with the ``TeamsActivity.Send``
application permission, while posting a chat message needs a user's delegated token (the
application permission for chat messages is for migrations only). See docs/teams-prep.md.

One event loop per call (``asyncio.run``), the client built inside it, SDK types kept here.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from .client import TokenSource, TransportFactory, call_graph, graph_client
from .config import GraphConfig

with warnings.catch_warnings():  # the builders warn about their own deprecated classes
    warnings.filterwarnings("ignore", "This class is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", "GetQueryParameters is deprecated", DeprecationWarning)
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.key_value_pair import KeyValuePair
    from msgraph.generated.models.teamwork_activity_topic import TeamworkActivityTopic
    from msgraph.generated.models.teamwork_activity_topic_source import (
        TeamworkActivityTopicSource,
    )

    # the builders reached through client.users[...].teamwork are defined on first use
    from msgraph.generated.users.item.teamwork import (
        teamwork_request_builder as _teamwork,  # noqa: F401
    )
    from msgraph.generated.users.item.teamwork.send_activity_notification import (
        send_activity_notification_request_builder as _send,  # noqa: F401
    )
    from msgraph.generated.users.item.teamwork.send_activity_notification.send_activity_notification_post_request_body import (  # noqa: E501
        SendActivityNotificationPostRequestBody,
    )


@dataclass(frozen=True, kw_only=True)
class ActivityNotice:
    """One activity feed entry for one user.

    ``activity_type`` must be declared in the Teams app manifest (``activities``) with a
    template using ``parameters``' keys; ``web_url`` is the deep link the entry opens (a tab
    of our app); ``chain_id`` makes a later notice with the same id replace this one.
    """

    user: str  # Entra object id or user principal name
    activity_type: str
    topic: str
    web_url: str
    preview: str
    chain_id: int
    parameters: dict[str, str] = field(default_factory=dict)


def tab_deep_link(app_id: str, entity_id: str, sub_entity_id: str, label: str) -> str:
    """A Teams deep link that opens our personal tab with ``sub_entity_id`` in its context
    (the tab reads it with the Teams JavaScript client: ``page.subPageId``)."""
    context = json.dumps({"subEntityId": sub_entity_id}, separators=(",", ":"))
    return (f"https://teams.microsoft.com/l/entity/{quote(app_id, safe='')}/"
            f"{quote(entity_id, safe='')}?label={quote(label, safe='')}"
            f"&context={quote(context, safe='')}")


def _body(notice: ActivityNotice) -> SendActivityNotificationPostRequestBody:
    return SendActivityNotificationPostRequestBody(
        topic=TeamworkActivityTopic(source=TeamworkActivityTopicSource.Text,
                                    value=notice.topic[:100], web_url=notice.web_url),
        activity_type=notice.activity_type,
        chain_id=notice.chain_id,
        preview_text=ItemBody(content=notice.preview[:150], content_type=BodyType.Text),
        template_parameters=[KeyValuePair(name=k, value=v[:100])
                             for k, v in notice.parameters.items()],
    )


def send_activity(config: GraphConfig, tokens: TokenSource, notice: ActivityNotice, *,
                  transport: TransportFactory | None = None) -> None:
    """Posts ``notice`` to its user's Teams activity feed (app-only, ``TeamsActivity.Send``).

    Raises :class:`~app.graph.errors.GraphError` (404 when the user is unknown or has not got
    the Teams app installed; the app must be installed for the user to be notified).
    """
    body = _body(notice)

    async def main() -> None:
        t: httpx.AsyncBaseTransport | None = transport() if transport else None
        async with graph_client(config, tokens, transport=t) as client:
            builder = client.users.by_user_id(notice.user).teamwork.send_activity_notification
            await call_graph(lambda: builder.post(body), config=config,
                             slots=asyncio.Semaphore(1), what="send activity notification")

    asyncio.run(main())
