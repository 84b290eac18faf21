"""A local identity provider with Entra ID's endpoints: OpenID discovery, token, JWKS.

It signs RS256 tokens with a key made at start. Grants: ``client_credentials`` (app-only,
``roles``) and ``urn:ietf:params:oauth:grant-type:jwt-bearer`` (on-behalf-of, ``scp``),
where the user assertion must be a token this provider signed.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Response, current_app, jsonify, request
from jwt.algorithms import RSAAlgorithm

GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
APP_ROLES = ("Mail.Read", "Calendars.Read", "Chat.Create", "ChatMessage.Send",
             "TeamsActivity.Send", "User.Read.All", "GroupMember.Read.All")
OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}


@dataclass
class Idp:
    """Signing key, issuer naming and registered clients (empty: any id and secret pass)."""

    base_url: str = ""
    clients: dict[str, str] = field(default_factory=dict)
    lifetime: int = 3600
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    def issuer(self, tenant: str) -> str:
        """The issuer of tokens for a tenant, as its discovery document states it."""
        return f"{self.base_url}/{tenant}/v2.0"

    def jwks(self) -> dict[str, Any]:
        """The public signing keys as a JSON Web Key Set."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def sign(self, claims: dict[str, Any]) -> str:
        """Signs claims (adding iat/nbf/exp/ver when absent) into an RS256 token."""
        now = int(time.time())
        body = {"iat": now, "nbf": now, "exp": now + self.lifetime, "ver": "2.0",
                "uti": uuid.uuid4().hex[:22]} | claims
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str, *, audience: str | list[str] | None = None) -> dict[str, Any]:
        """Gives the claims of a token this provider signed; raises ``jwt.InvalidTokenError``."""
        return jwt.decode(token, self.key.public_key(), algorithms=["RS256"],
                          audience=audience, options={"verify_aud": audience is not None})

    def user_token(self, *, tenant: str, oid: str, upn: str, name: str, audience: str,
                   scopes: list[str], client_id: str = "storyline-taskpane") -> str:
        """Mints a delegated token for a user (what the task pane's SSO would hold)."""
        return self.sign({"aud": audience, "iss": self.issuer(tenant), "tid": tenant,
                          "oid": oid, "sub": oid, "upn": upn, "preferred_username": upn,
                          "name": name, "scp": " ".join(scopes), "azp": client_id,
                          "idtyp": "user"})


def _oauth_error(status: int, error: str, code: int, description: str) -> Response:
    trace = str(uuid.uuid4())
    response = jsonify({"error": error, "error_description": f"AADSTS{code}: {description}",
                        "error_codes": [code], "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ"),
                        "trace_id": trace, "correlation_id": trace})
    response.status_code = status
    return response


def _resource_and_scopes(scope: str) -> tuple[str, list[str]]:
    names = [s for s in scope.split() if s not in OIDC_SCOPES]
    if not names:
        return GRAPH_RESOURCE, []
    first = names[0]
    resource = first.rsplit("/", 1)[0] if "/" in first.replace("://", "") else GRAPH_RESOURCE
    return resource, [n.rsplit("/", 1)[-1] for n in names]


def _client_info(oid: str, tenant: str) -> str:
    raw = json.dumps({"uid": oid, "utid": tenant}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _token_response(idp: Idp, token: str, scopes: list[str], extra: dict[str, str]) -> Response:
    body = {"token_type": "Bearer", "expires_in": idp.lifetime, "ext_expires_in": idp.lifetime,
            "scope": " ".join(scopes), "access_token": token} | extra
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store, no-cache"
    return response


def blueprint() -> Blueprint:
    """Gives the identity provider's routes (Entra ID's paths, relative to the server root)."""
    bp = Blueprint("standin_idp", __name__)

    def idp() -> Idp:
        return current_app.extensions["standin"].idp

    @bp.get("/<tenant>/v2.0/.well-known/openid-configuration")
    def discovery(tenant: str) -> Response:
        base = idp().base_url
        return jsonify({
            "issuer": idp().issuer(tenant),
            "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/{tenant}/oauth2/v2.0/logout",
            "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com",
        })

    @bp.get("/common/discovery/instance")
    def instance_discovery() -> Response:
        endpoint = request.args.get("authorization_endpoint", "")
        tenant = endpoint.split("/")[3] if endpoint.count("/") >= 4 else "common"
        host = idp().base_url.split("://", 1)[1]
        return jsonify({
            "tenant_discovery_endpoint":
                f"{idp().base_url}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host,
                          "aliases": [host]}]})

    @bp.get("/discovery/v2.0/keys")
    @bp.get("/<tenant>/discovery/v2.0/keys")
    def keys(tenant: str = "common") -> Response:
        return jsonify(idp().jwks())

    @bp.post("/<tenant>/oauth2/v2.0/token")
    def token(tenant: str) -> Response:
        form = request.form
        client_id = form.get("client_id", "")
        secret = form.get("client_secret")
        if request.authorization and request.authorization.type == "basic":
            client_id = request.authorization.username or client_id
            secret = request.authorization.password
        if not client_id:
            return _oauth_error(400, "invalid_request", 900144,
                                "The request body must contain the 'client_id' parameter.")
        known = idp().clients
        wrong = client_id not in known or (secret is not None and known[client_id] != secret)
        if known and wrong:
            return _oauth_error(401, "invalid_client", 7000215,
                                "Invalid client secret provided.")
        if secret is None and not form.get("client_assertion"):
            return _oauth_error(401, "invalid_client", 7000218, "The request body must "
                                "contain the following parameter: 'client_assertion' or "
                                "'client_secret'.")
        resource, scopes = _resource_and_scopes(form.get("scope", ""))
        grant = form.get("grant_type", "")
        extra = {"client_info": _client_info(client_id, tenant)} \
            if form.get("client_info") == "1" else {}
        if grant == "client_credentials":
            if not form.get("scope", "").endswith("/.default"):
                return _oauth_error(400, "invalid_scope", 1002012, "The provided value for "
                                    "scope is not valid. Client credential flows must have a "
                                    "scope value with /.default suffixed to the resource.")
            sp = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{tenant}:{client_id}"))
            claims = {"aud": resource, "iss": idp().issuer(tenant), "tid": tenant, "oid": sp,
                      "sub": sp, "azp": client_id, "appid": client_id, "idtyp": "app",
                      "roles": list(APP_ROLES)}
            return _token_response(idp(), idp().sign(claims), [form["scope"]], {})
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            if form.get("requested_token_use") != "on_behalf_of":
                return _oauth_error(400, "invalid_request", 50027, "requested_token_use must "
                                    "be on_behalf_of.")
            try:
                user = idp().verify(form.get("assertion", ""))
            except jwt.InvalidTokenError as exc:
                return _oauth_error(400, "invalid_grant", 50013,
                                    f"Assertion failed signature validation. ({exc})")
            if tenant not in ("common", "organizations") and user.get("tid") != tenant:
                return _oauth_error(400, "invalid_grant", 50020, "The assertion's tenant does "
                                    "not match the authority.")
            claims = {k: user[k] for k in ("tid", "oid", "sub", "upn", "name",
                                           "preferred_username") if k in user}
            claims |= {"aud": resource, "iss": idp().issuer(tenant), "azp": client_id,
                       "appid": client_id, "idtyp": "user", "scp": " ".join(scopes)}
            if form.get("client_info") == "1":
                extra = {"client_info": _client_info(user["oid"], user["tid"])}
            if "offline_access" in form.get("scope", "").split():
                extra["refresh_token"] = uuid.uuid4().hex + uuid.uuid4().hex
            return _token_response(idp(), idp().sign(claims),
                                   [f"{resource}/{s}" for s in scopes], extra)
        return _oauth_error(400, "unsupported_grant_type", 70003,
                            f"The app requested an unsupported grant type '{grant}'.")

    return bp
