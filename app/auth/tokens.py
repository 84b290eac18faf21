"""Validates the API's bearer tokens: RS256 signature from a JWKS, audience, issuer (per
tenant), expiry, and the ``tid``/``oid``/``scp`` claims. One validator per process."""

from __future__ import annotations

import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from app.errors import ServiceUnavailable, Unauthorized

LEEWAY_SECONDS = 60
# A valid token's principal is kept per token text, so a seller's next requests with the same
# token skip the RS256 check (~0.3 ms): until the token expires (as the check itself would
# refuse it, leeway included), and at most CACHE_SECONDS, so a signing key the identity
# provider withdrew stops being honoured within that (JwksUrlKeys keeps keys an hour anyway).
CACHE_SECONDS = 600.0
CACHE_MAX = 10_000


# The app role (manifest "appRoles", value) a tenant admin assigns to the people who may
# change things for the whole tenant, e.g. never track a domain for everyone.
ADMIN_ROLE = "Storyline.Admin"


@dataclass(frozen=True, kw_only=True)
class Principal:
    """Who is calling: the tenant and user from a validated token."""

    tenant_id: uuid.UUID
    oid: uuid.UUID
    name: str
    username: str
    scopes: frozenset[str]
    roles: frozenset[str] = frozenset()  # Entra app roles assigned to the user

    @property
    def is_admin(self) -> bool:
        """True when the tenant made this user a Storyline admin (the app role)."""
        return ADMIN_ROLE in self.roles


class KeySource(Protocol):
    """Finds the public key that signed a token."""

    def key_for(self, token: str) -> Any: ...


class JwksUrlKeys:
    """Keys from a JWKS URL (Entra's, or the local stand-in's), cached, with a timeout."""

    def __init__(self, url: str, *, ca_file: str | None = None, timeout: float = 5.0) -> None:
        context = ssl.create_default_context(cafile=ca_file) if ca_file else None
        self._client = jwt.PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=timeout,
                                       ssl_context=context)

    def key_for(self, token: str) -> Any:
        try:
            return self._client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            raise ServiceUnavailable("cannot reach the identity provider's keys") from exc
        except jwt.PyJWKClientError as exc:
            raise Unauthorized(f"unknown signing key: {exc}", code="invalid_token") from None
        except jwt.PyJWTError as exc:  # a header PyJWT refuses: crit, a kid that is no string
            raise Unauthorized(f"malformed token: {exc}", code="invalid_token") from None


class StaticKeys:
    """Keys from a JWKS document held in memory (the local signing key)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}

    def key_for(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:  # DecodeError, and headers PyJWT refuses (crit, odd kid)
            raise Unauthorized("malformed token", code="invalid_token") from None
        if not isinstance(kid, str) or kid not in self._keys:
            raise Unauthorized("token signed by an unknown key", code="invalid_token")
        return self._keys[kid]


class TokenValidator:
    """Checks a bearer token and returns the :class:`Principal`; raises Unauthorized."""

    def __init__(self, *, keys: KeySource, audience: str, issuer_for: Callable[[str], str],
                 required_scope: str, cache_seconds: float = CACHE_SECONDS,
                 cache_max: int = CACHE_MAX) -> None:
        self.keys, self.audience = keys, audience
        self.issuer_for, self.required_scope = issuer_for, required_scope
        self.cache_seconds, self.cache_max = cache_seconds, cache_max
        # token text -> (principal, wall-clock second it stops being accepted)
        self._valid: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def validate(self, token: str) -> Principal:
        """The caller of a valid token; Unauthorized naming what is wrong otherwise.

        Only tokens that passed every check are kept (by their whole text, so another
        token, however alike, is checked in full), and only while the check would still
        pass them: nothing in it changes with time but the expiry."""
        found = self._valid.get(token)
        if found is not None:
            if time.time() < found[1]:
                return found[0]
            with self._lock:
                self._valid.pop(token, None)
        principal, expires = self._check(token)
        if self.cache_seconds > 0:
            until = min(expires + LEEWAY_SECONDS, time.time() + self.cache_seconds)
            with self._lock:
                if len(self._valid) >= self.cache_max:
                    now = time.time()
                    for old in [k for k, v in self._valid.items() if v[1] <= now]:
                        del self._valid[old]
                    if len(self._valid) >= self.cache_max:
                        self._valid.clear()
                self._valid[token] = (principal, until)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        """The full check: the principal and the token's ``exp`` (seconds since the epoch)."""
        if not token or token.count(".") != 2 or len(token) > 16_384:
            raise Unauthorized("malformed token", code="invalid_token")
        key = self.keys.key_for(token)
        try:
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.audience, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "tid", "oid"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token expired", code="token_expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("token is for another audience", code="invalid_token") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}", code="invalid_token") from None
        try:
            tid, oid = uuid.UUID(str(claims["tid"])), uuid.UUID(str(claims["oid"]))
        except ValueError:
            raise Unauthorized("tid and oid must be GUIDs", code="invalid_token") from None
        if claims["iss"] != self.issuer_for(str(tid)):
            raise Unauthorized("token from an unexpected issuer", code="invalid_token")
        scopes = frozenset(str(claims.get("scp", "")).split())
        if self.required_scope not in scopes:
            raise Unauthorized(f"token lacks the scope {self.required_scope}",
                               code="insufficient_scope")
        return Principal(
            tenant_id=tid, oid=oid, name=str(claims.get("name", "")),
            username=str(claims.get("preferred_username", "")).lower(), scopes=scopes,
            roles=frozenset(r for r in claims.get("roles", ()) or () if isinstance(r, str)),
        ), float(claims["exp"])
