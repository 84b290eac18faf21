"""Change-notification subscriptions: create, renew, delete (one event loop per call)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from msgraph.generated.models.subscription import Subscription

from .client import TokenSource, TransportFactory, call_graph, graph_client
from .config import GraphConfig
from .convert import subscription_from_sdk
from .errors import GraphError
from .types import SubscriptionInfo

# Outlook message/event subscriptions live at most 4,230 minutes; stay a little under.
MAX_LIFETIME = timedelta(minutes=4200)
CHANGE_TYPES = "created,updated,deleted"


def mailbox_resources(mailbox: str) -> dict[str, str]:
    """The resources we subscribe to for one mailbox, by folder name."""
    return {
        "inbox": f"users/{mailbox}/mailFolders('inbox')/messages",
        "sentitems": f"users/{mailbox}/mailFolders('sentitems')/messages",
        "calendar": f"users/{mailbox}/events",
    }


def expiry(now: datetime | None = None) -> datetime:
    """The expiry to ask for: the longest Graph allows for Outlook resources."""
    return (now or datetime.now(UTC)) + MAX_LIFETIME


def _run(config: GraphConfig, tokens: TokenSource, transport: TransportFactory | None,
         op: str, body: Subscription | None = None, sub_id: str | None = None
         ) -> SubscriptionInfo | None:
    async def main() -> SubscriptionInfo | None:
        t: httpx.AsyncBaseTransport | None = transport() if transport else None
        async with graph_client(config, tokens, transport=t) as client:
            slots = asyncio.Semaphore(config.max_in_flight)
            if op == "create":
                assert body is not None
                got = await call_graph(lambda: client.subscriptions.post(body),
                                       config=config, slots=slots, what="create subscription")
            elif op == "renew":
                assert body is not None and sub_id is not None
                item = client.subscriptions.by_subscription_id(sub_id)
                got = await call_graph(lambda: item.patch(body), config=config, slots=slots,
                                       what="renew subscription")
            else:
                assert sub_id is not None
                item = client.subscriptions.by_subscription_id(sub_id)
                await call_graph(lambda: item.delete(), config=config, slots=slots,
                                 what="delete subscription")
                return None
            if got is None:
                raise GraphError(f"{op} subscription: empty answer")
            return subscription_from_sdk(got)

    return asyncio.run(main())


def create_subscription(
    config: GraphConfig, tokens: TokenSource, *, resource: str, notification_url: str,
    client_state: str, lifecycle_url: str | None = None, expires_at: datetime | None = None,
    transport: TransportFactory | None = None,
) -> SubscriptionInfo:
    """Subscribes ``notification_url`` to changes of ``resource``; Graph validates the URL
    with a validationToken request before it answers."""
    body = Subscription(
        change_type=CHANGE_TYPES,
        notification_url=notification_url,
        lifecycle_notification_url=lifecycle_url,
        resource=resource,
        expiration_date_time=expires_at or expiry(),
        client_state=client_state,
    )
    info = _run(config, tokens, transport, "create", body=body)
    assert info is not None
    return info


def renew_subscription(
    config: GraphConfig, tokens: TokenSource, *, subscription_id: str,
    expires_at: datetime | None = None, transport: TransportFactory | None = None,
) -> SubscriptionInfo:
    """Extends a subscription; raises GraphError (404) when Graph no longer knows it."""
    body = Subscription(expiration_date_time=expires_at or expiry())
    info = _run(config, tokens, transport, "renew", body=body, sub_id=subscription_id)
    assert info is not None
    return info


def delete_subscription(config: GraphConfig, tokens: TokenSource, *, subscription_id: str,
                        transport: TransportFactory | None = None) -> None:
    """Deletes a subscription (when its mailbox stops being synced)."""
    _run(config, tokens, transport, "delete", sub_id=subscription_id)
