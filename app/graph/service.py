"""One object the rest of the project holds to reach Graph: config, tokens, pages,
subscriptions. Build it once per process (``Graph.build``) and pass it in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from app.settings import Settings

from . import subscriptions as subs
from .client import TokenSource, TransportFactory
from .config import GraphConfig
from .directory import DirectoryUser, group_members
from .pager import PagerEvent, Stream, iter_pages
from .types import SubscriptionInfo

TokenFactory = Callable[[str], TokenSource]  # tenant id -> token source


@dataclass
class Graph:
    """Graph for every tenant of this process; ``tokens(tenant)`` gives app-only tokens."""

    config: GraphConfig
    tokens: TokenFactory
    transport: TransportFactory | None = None  # tests: an httpx transport per unit of work

    @classmethod
    def build(cls, settings: Settings, **overrides: object) -> Graph:
        """Graph with msal client-credential tokens, from the project settings."""
        from .credentials import GraphAuth

        config = GraphConfig.from_settings(settings, **overrides)
        return cls(config=config, tokens=GraphAuth(config).app_token_source)

    def pages(self, tenant: str, streams: list[Stream], *, buffer: int = 4
              ) -> Iterator[PagerEvent]:
        """Delta pages of ``streams`` in order per stream (see :func:`iter_pages`)."""
        return iter_pages(self.config, self.tokens(tenant), streams, buffer=buffer,
                          transport=self.transport)

    def find_message(self, tenant: str, mailbox: str, internet_message_id: str
                     ) -> tuple[str, str] | None:
        """Where the mailbox holds this message now (id, folder id), or None (see
        :mod:`app.graph.lookup`)."""
        from .lookup import find_message

        return find_message(self.config, self.tokens(tenant), mailbox=mailbox,
                            internet_message_id=internet_message_id, transport=self.transport)

    def subscribe(self, tenant: str, *, resource: str, notification_url: str,
                  client_state: str, lifecycle_url: str | None = None) -> SubscriptionInfo:
        """Creates a change-notification subscription."""
        return subs.create_subscription(
            self.config, self.tokens(tenant), resource=resource,
            notification_url=notification_url, client_state=client_state,
            lifecycle_url=lifecycle_url, transport=self.transport)

    def renew(self, tenant: str, subscription_id: str,
              expires_at: datetime | None = None) -> SubscriptionInfo:
        """Extends a subscription to the longest lifetime Graph allows."""
        return subs.renew_subscription(
            self.config, self.tokens(tenant), subscription_id=subscription_id,
            expires_at=expires_at, transport=self.transport)

    def unsubscribe(self, tenant: str, subscription_id: str) -> None:
        """Deletes a subscription."""
        subs.delete_subscription(self.config, self.tokens(tenant),
                                 subscription_id=subscription_id, transport=self.transport)

    def group_members(self, tenant: str, group_id: str) -> list[DirectoryUser]:
        """The members of an Entra group who have a mailbox (enrolment by group)."""
        return group_members(self.config, self.tokens(tenant), group_id,
                             transport=self.transport)
