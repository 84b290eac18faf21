"""The real msal library gets tokens from the local identity provider over https."""

from __future__ import annotations

import jwt
import msal
import pytest
import requests

from app.dev.standin.testing import control
from tests.standin.conftest import MAYA

GRAPH_DEFAULT = ["https://graph.microsoft.com/.default"]


def _msal(standin, session: requests.Session, **kwargs) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        "storyline-sync", client_credential="s3cret", authority=standin.authority,
        http_client=session, timeout=10, **kwargs)


def _claims(standin, http, token: str) -> dict:
    keys = http.get(f"{standin.authority}/discovery/v2.0/keys", timeout=10).json()["keys"]
    key = jwt.PyJWK.from_dict(keys[0])
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="https://graph.microsoft.com",
                      issuer=f"{standin.authority}/v2.0")


@pytest.mark.parametrize("discovery", ["off", "standin"])
def test_msal_client_credentials_token_is_signed_for_the_tenant(standin, http, discovery):
    option = False if discovery == "off" else f"{standin.base_url}/common/discovery/instance"
    app = _msal(standin, http, instance_discovery=option)
    result = app.acquire_token_for_client(scopes=GRAPH_DEFAULT)
    assert "error" not in result, result
    claims = _claims(standin, http, result["access_token"])
    assert claims["tid"] == standin.state.tenant_id
    assert "Mail.Read" in claims["roles"] and claims["idtyp"] == "app"
    assert claims["exp"] > claims["iat"]
    again = app.acquire_token_for_client(scopes=GRAPH_DEFAULT)
    assert again["access_token"] == result["access_token"]  # served from msal's cache


def test_msal_on_behalf_of_gives_a_delegated_graph_token_for_the_user(standin, http):
    user = control(standin, "POST", "/user-token", json={"user": MAYA})["access_token"]
    app = _msal(standin, http, instance_discovery=False)
    result = app.acquire_token_on_behalf_of(user, scopes=["https://graph.microsoft.com/Mail.Read"])
    assert "error" not in result, result
    claims = _claims(standin, http, result["access_token"])
    seller = standin.state.store.mailbox(MAYA)
    assert claims["oid"] == seller.oid and claims["scp"] == "Mail.Read"
    assert claims["upn"] == MAYA


def test_forged_assertion_and_wrong_secret_are_refused(standin, http):
    app = _msal(standin, http, instance_discovery=False)
    forged = jwt.encode({"tid": standin.state.tenant_id, "oid": "x"}, "k" * 32)
    result = app.acquire_token_on_behalf_of(forged, scopes=["https://graph.microsoft.com/Mail.Read"])
    assert result["error"] == "invalid_grant"
    standin.state.idp.clients = {"storyline-sync": "another"}
    try:
        denied = _msal(standin, http, instance_discovery=False).acquire_token_for_client(
            scopes=GRAPH_DEFAULT)
    finally:
        standin.state.idp.clients = {}
    assert denied["error"] == "invalid_client"


def test_graph_refuses_missing_and_foreign_tokens(standin, http):
    url = f"{standin.graph_url}/users/{MAYA}/messages/x"
    missing = http.get(url, timeout=10)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "InvalidAuthenticationToken"
    forged = jwt.encode({"aud": "https://graph.microsoft.com"}, "k" * 32)
    assert http.get(url, headers={"Authorization": f"Bearer {forged}"},
                    timeout=10).status_code == 401


def test_a_delegated_token_reads_only_its_own_mailbox(standin, http):
    user = control(standin, "POST", "/user-token", json={"user": MAYA})["access_token"]
    token = _msal(standin, http, instance_discovery=False).acquire_token_on_behalf_of(
        user, scopes=["https://graph.microsoft.com/Mail.Read"])["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    own = http.get(f"{standin.graph_url}/me/mailFolders/inbox/messages/delta", headers=auth,
                   timeout=10)
    assert own.status_code == 200 and own.json()["value"]
    other = http.get(f"{standin.graph_url}/users/hannah.cho@lumenfield.io/mailFolders/inbox/"
                     "messages/delta", headers=auth, timeout=10)
    assert other.status_code == 403
