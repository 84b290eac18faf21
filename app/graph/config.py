"""Graph access settings, built from :class:`app.settings.Settings` by the caller."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from app.settings import Secret, Settings


@dataclass(frozen=True, kw_only=True)
class GraphConfig:
    """How to reach Graph and the identity provider, and the limits we hold ourselves to."""

    base_url: str = "https://graph.microsoft.com/v1.0"
    authority_host: str = "https://login.microsoftonline.com"
    client_id: str = ""
    client_secret: Secret = Secret("")
    verify: bool | str = True  # a CA bundle path for a local stand-in; never from the env
    timeout: float = 30.0  # seconds per read/write
    connect_timeout: float = 10.0
    page_size: int = 100  # Prefer: odata.maxpagesize
    max_in_flight: int = 4  # Graph's limit of concurrent requests per mailbox
    max_retries: int = 8  # per request, for 429/503/dropped connections
    max_retry_after: float = 60.0  # longest single wait we accept from Retry-After
    body_type: str = "text"  # Prefer: outlook.body-content-type
    # Graph's app-permission scope is named by its resource, whichever host serves it
    # (a local stand-in included); national clouds set their own.
    scope: str = "https://graph.microsoft.com/.default"
    # How delta pages are read: "json" (fastjson, the default: the SDK's model layer costs
    # 10-20 ms a message) or "sdk" (msgraph-sdk models, then convert). Same results.
    parser: str = "json"

    @property
    def graph_host(self) -> str:
        """The one host that receives our bearer tokens."""
        return (urlsplit(self.base_url).hostname or "").lower()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> GraphConfig:
        """A config from the project settings, with explicit overrides (tests, bench)."""
        values: dict[str, Any] = {
            "base_url": settings.graph_base_url.rstrip("/"),
            "authority_host": (settings.graph_authority_host
                               or settings.entra_authority_host).rstrip("/"),
            "client_id": settings.graph_app_id,
            "client_secret": (settings.graph_client_secret if settings.graph_client_id
                              else settings.entra_client_secret),
        }
        for name in ("graph_ca_bundle", "graph_page_size"):
            value = getattr(settings, name, None)
            if value:
                values["verify" if name == "graph_ca_bundle" else "page_size"] = value
        return replace(cls(**values), **overrides)
