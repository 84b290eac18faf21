"""Tokens for Graph through msal: app-only for background sync, on-behalf-of for the task pane.

Tokens live in memory only (msal's cache, and a per-process cache of on-behalf-of tokens):
nothing is written to disk, so a copied instance folder or backup holds no Graph token.

One :class:`GraphAuth` per process holds one msal ``ConfidentialClientApplication`` per tenant
(msal binds an app to one authority) and one explicit ``requests.Session`` (msal takes it as
``http_client``; with ``trust_env`` off, ``REQUESTS_CA_BUNDLE`` cannot override our CA bundle).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import msal
import requests

from .config import GraphConfig
from .errors import GraphAuthError

log = logging.getLogger(__name__)
MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us",
                   "login.chinacloudapi.cn", "login.partner.microsoftonline.cn")
EXPIRY_MARGIN = 300  # seconds: never hand out a token about to expire


def http_session(config: GraphConfig) -> requests.Session:
    """The session msal uses: our CA bundle, no environment overrides, no proxies."""
    session = requests.Session()
    session.trust_env = False
    session.verify = config.verify
    return session


class GraphAuth:
    """Obtains Graph tokens; build once per process and pass it in."""

    def __init__(self, config: GraphConfig) -> None:
        if not config.authority_host.startswith("https://"):
            raise ValueError("msal only accepts an https authority")
        self.config = config
        # (tenant.user, scopes) -> (token, expires at); memory only, never on disk
        self._obo: dict[tuple[str, str], tuple[str, float]] = {}
        self._session = http_session(config)
        self._apps: dict[str, msal.ConfidentialClientApplication] = {}
        self._lock = threading.Lock()

    def _app(self, tenant: str) -> msal.ConfidentialClientApplication:
        with self._lock:
            app = self._apps.get(tenant)
            if app is None:
                host = urlsplit(self.config.authority_host).hostname or ""
                try:  # msal reads the authority's OpenID configuration here
                    app = msal.ConfidentialClientApplication(
                        self.config.client_id,
                        client_credential=self.config.client_secret.reveal(),
                        authority=f"{self.config.authority_host}/{tenant}",
                        http_client=self._session,
                        timeout=self.config.timeout,
                        instance_discovery=host in MICROSOFT_HOSTS,
                    )
                except (requests.RequestException, ValueError) as exc:
                    raise _unreachable(exc) from exc
                self._apps[tenant] = app
            return app

    def app_token(self, tenant: str) -> str:
        """An app-only Graph token for ``tenant`` (msal serves it from its cache while valid)."""
        try:
            result = self._app(tenant).acquire_token_for_client(scopes=[self.config.scope])
        except requests.RequestException as exc:
            raise _unreachable(exc) from exc
        return _token_or_raise(result, "client credentials")

    def app_token_source(self, tenant: str) -> Any:
        """A zero-argument callable that returns a fresh app-only token for ``tenant``."""
        return lambda: self.app_token(tenant)

    def obo_token(self, *, tenant: str, user_key: str, assertion: str,
                  scopes: list[str] | None = None) -> str:
        """A delegated Graph token for the user of ``assertion`` (the task pane's SSO token),
        from this process's memory while valid, else by the on-behalf-of flow."""
        scopes = scopes or [self.config.scope]
        key = (f"{tenant}.{user_key}", " ".join(scopes))
        now = time.time()
        with self._lock:
            cached = self._obo.get(key)
        if cached and cached[1] - EXPIRY_MARGIN > now:
            return cached[0]
        try:
            result = self._app(tenant).acquire_token_on_behalf_of(assertion, scopes=scopes)
        except requests.RequestException as exc:
            raise _unreachable(exc) from exc
        token = _token_or_raise(result, "on-behalf-of")
        with self._lock:
            if len(self._obo) > 10_000:
                self._obo.clear()
            self._obo[key] = (token, now + float(result.get("expires_in", 0)))
        return token


def _unreachable(exc: Exception) -> GraphAuthError:
    """The identity provider could not be reached (DNS, TCP, TLS, timeout) or answered its
    discovery with nonsense: a 503 in the error shape, never an unhandled 500; the exception's
    class only (its text names hosts and URLs)."""
    log.warning("identity provider unreachable: %s", type(exc).__name__)
    return GraphAuthError("the identity provider cannot be reached",
                          code="identity_unreachable")


def _token_or_raise(result: dict[str, Any] | None, flow: str) -> str:
    if not result or "error" in result or "access_token" not in result:
        error = (result or {}).get("error", "no_result")
        # error codes are safe to report; descriptions can echo request details
        raise GraphAuthError(f"{flow} token request failed: {error}", code="graph_auth")
    return str(result["access_token"])
