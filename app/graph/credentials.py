"""Tokens for Graph through msal: app-only for background sync, on-behalf-of for the task pane.

One :class:`GraphAuth` per process holds one msal ``ConfidentialClientApplication`` per tenant
(msal binds an app to one authority) and one explicit ``requests.Session`` (msal takes it as
``http_client``; with ``trust_env`` off, ``REQUESTS_CA_BUNDLE`` cannot override our CA bundle).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import msal
import requests

from .config import GraphConfig
from .errors import GraphAuthError

log = logging.getLogger(__name__)
MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us",
                   "login.chinacloudapi.cn", "login.partner.microsoftonline.cn")
EXPIRY_MARGIN = 300  # seconds: never hand out a token about to expire


class TokenStore(Protocol):
    """Where per-user on-behalf-of tokens persist between requests and processes."""

    def load(self, key: str) -> str | None: ...

    def save(self, key: str, data: str) -> None: ...


class FileTokenStore:
    """A token store of one file per user (mode 0600) under a private directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
        return self.directory / f"{safe}.json"

    def load(self, key: str) -> str | None:
        """The stored cache text for ``key``, or None."""
        path = self._path(key)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def save(self, key: str, data: str) -> None:
        """Writes the cache text for ``key`` atomically, readable by this user only."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(key)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, path)


def http_session(config: GraphConfig) -> requests.Session:
    """The session msal uses: our CA bundle, no environment overrides, no proxies."""
    session = requests.Session()
    session.trust_env = False
    session.verify = config.verify
    return session


class GraphAuth:
    """Obtains Graph tokens; build once per process and pass it in."""

    def __init__(self, config: GraphConfig, *, obo_store: TokenStore | None = None) -> None:
        if not config.authority_host.startswith("https://"):
            raise ValueError("msal only accepts an https authority")
        self.config = config
        self.obo_store = obo_store
        self._session = http_session(config)
        self._apps: dict[str, msal.ConfidentialClientApplication] = {}
        self._lock = threading.Lock()

    def _app(self, tenant: str) -> msal.ConfidentialClientApplication:
        with self._lock:
            app = self._apps.get(tenant)
            if app is None:
                host = urlsplit(self.config.authority_host).hostname or ""
                app = msal.ConfidentialClientApplication(
                    self.config.client_id,
                    client_credential=self.config.client_secret.reveal(),
                    authority=f"{self.config.authority_host}/{tenant}",
                    http_client=self._session,
                    timeout=self.config.timeout,
                    instance_discovery=host in MICROSOFT_HOSTS,
                )
                self._apps[tenant] = app
            return app

    def app_token(self, tenant: str) -> str:
        """An app-only Graph token for ``tenant`` (msal serves it from its cache while valid)."""
        result = self._app(tenant).acquire_token_for_client(scopes=[self.config.scope])
        return _token_or_raise(result, "client credentials")

    def app_token_source(self, tenant: str) -> Any:
        """A zero-argument callable that returns a fresh app-only token for ``tenant``."""
        return lambda: self.app_token(tenant)

    def obo_token(self, *, tenant: str, user_key: str, assertion: str,
                  scopes: list[str] | None = None) -> str:
        """A delegated Graph token for the user of ``assertion`` (the task pane's SSO token),
        from the user's persisted cache while valid, else by the on-behalf-of flow."""
        scopes = scopes or [self.config.scope]
        key = f"{tenant}.{user_key}"
        cached = self._load(key)
        now = time.time()
        if cached and cached.get("scope") == " ".join(scopes) \
                and float(cached.get("expires_at", 0)) - EXPIRY_MARGIN > now:
            return str(cached["access_token"])
        result = self._app(tenant).acquire_token_on_behalf_of(assertion, scopes=scopes)
        token = _token_or_raise(result, "on-behalf-of")
        if self.obo_store is not None:
            entry = {"access_token": token, "scope": " ".join(scopes),
                     "expires_at": now + float(result.get("expires_in", 0))}
            self.obo_store.save(key, json.dumps(entry))
        return token

    def _load(self, key: str) -> dict[str, Any] | None:
        if self.obo_store is None:
            return None
        raw = self.obo_store.load(key)
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            log.warning("discarding an unreadable token cache entry")
            return None
        return data if isinstance(data, dict) else None


def _token_or_raise(result: dict[str, Any] | None, flow: str) -> str:
    if not result or "error" in result or "access_token" not in result:
        error = (result or {}).get("error", "no_result")
        # error codes are safe to report; descriptions can echo request details
        raise GraphAuthError(f"{flow} token request failed: {error}", code="graph_auth")
    return str(result["access_token"])
