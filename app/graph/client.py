"""The msgraph-sdk client for one unit of work, and bounded retries around each call.

The client is created inside the coroutine that uses it (msgraph-sdk binds its HTTP client
to the running event loop), and closed with it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_http.middleware import ParametersNameDecodingHandler, UserAgentHandler
from msgraph_core import GraphClientFactory

from .config import GraphConfig
from .errors import DeltaExpired, GraphAuthError, GraphError, GraphThrottled
from .sdk import GraphRequestAdapter, GraphServiceClient

log = logging.getLogger(__name__)
R = TypeVar("R")
TokenSource = Callable[[], str]
TransportFactory = Callable[[], httpx.AsyncBaseTransport]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
GONE_CODES = frozenset({"syncstatenotfound", "syncstateinvalid", "resyncrequired"})


class _TokenProvider(AccessTokenProvider):
    """Hands a bearer token to requests for the configured Graph host only."""

    def __init__(self, source: TokenSource, host: str) -> None:
        self._source = source
        self._validator = AllowedHostsValidator([host])

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] | None = None
    ) -> str:
        if not self._validator.is_url_host_valid(uri):
            return ""
        # msal is synchronous (requests); keep it off the event loop.
        return await asyncio.to_thread(self._source)

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._validator


@asynccontextmanager
async def graph_client(
    config: GraphConfig,
    token_source: TokenSource,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[GraphServiceClient]:
    """A GraphServiceClient bound to the running loop, closed when the block ends."""
    timeout = httpx.Timeout(config.timeout, connect=config.connect_timeout)
    verify: bool | ssl.SSLContext = config.verify if isinstance(config.verify, bool) else \
        ssl.create_default_context(cafile=config.verify)
    http = httpx.AsyncClient(
        timeout=timeout,
        verify=verify,
        trust_env=False,  # no proxy or CA bundle from the environment
        transport=transport,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )
    # Our own retry loop (call_graph) replaces kiota's RetryHandler so every wait is bounded
    # and counted once; redirects are not followed with a bearer token attached.
    http = GraphClientFactory.create_with_custom_middleware(
        middleware=[ParametersNameDecodingHandler(), UserAgentHandler()], client=http
    )
    auth = BaseBearerTokenAuthenticationProvider(_TokenProvider(token_source, config.graph_host))
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = config.base_url
    try:
        yield GraphServiceClient(request_adapter=adapter)
    finally:
        await http.aclose()


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if str(key).lower() == name:
            return str(value)
    return None


def _error_code(err: APIError) -> str:
    inner = getattr(err, "error", None)
    return str(getattr(inner, "code", "") or "")


def retry_delay(err: APIError | None, attempt: int, cap: float) -> float:
    """Seconds to wait: Graph's Retry-After when given, else capped exponential backoff."""
    if err is not None:
        raw = _header(err.response_headers, "retry-after")
        if raw:
            try:
                return min(max(float(raw), 0.0), cap)
            except ValueError:
                pass  # an HTTP-date; fall back to backoff
    return min(cap, 0.5 * 2**attempt) * (0.5 + random.random() / 2)


async def call_graph(
    fn: Callable[[], Awaitable[R]],
    *,
    config: GraphConfig,
    slots: asyncio.Semaphore,
    what: str,
) -> R:
    """Runs one Graph request within the mailbox's slots, riding out 429/503 and dropped
    connections with bounded retries; raises a typed :class:`GraphError` otherwise."""
    last: Exception | None = None
    for attempt in range(config.max_retries + 1):
        api_err: APIError | None = None
        try:
            async with slots:
                return await fn()
        except APIError as err:
            status = err.response_status_code or 0
            code = _error_code(err)
            if status == 410 or code.lower() in GONE_CODES:
                raise DeltaExpired(f"{what}: delta token expired", status=status) from err
            if status in (401, 403):
                raise GraphAuthError(f"{what}: {status} {code}", status=status) from err
            if status not in RETRY_STATUSES:
                raise GraphError(f"{what}: {status} {code}", status=status) from err
            api_err, last = err, err
        except httpx.TransportError as err:  # timeouts, resets, a dropped connection mid-page
            last = err
        if attempt < config.max_retries:
            delay = retry_delay(api_err, attempt, config.max_retry_after)
            log.info("graph %s: retry %d in %.2fs (%s)", what, attempt + 1, delay,
                     type(last).__name__ if api_err is None else api_err.response_status_code)
            await asyncio.sleep(delay)
    gave_up: int | None = getattr(last, "response_status_code", None)
    message = f"{what}: gave up after {config.max_retries} retries"
    if gave_up in (429, 503):
        raise GraphThrottled(message, status=gave_up) from last
    raise GraphError(message, status=gave_up) from last
