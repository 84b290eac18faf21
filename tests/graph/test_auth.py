"""msal against the local identity provider: app-only and on-behalf-of tokens, reused from
memory and never written to disk, and no way for the environment to swap our CA bundle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from app.dev.sample.cast import SELLERS
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control, running_standin
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.errors import GraphAuthError
from app.settings import Secret


@pytest.fixture(scope="module")
def standin() -> Iterator[RunningStandIn]:
    """The stand-in (its identity provider is what we need), with a tiny sample."""
    with running_standin(scale=0.1) as running:
        yield running


def _config(standin: RunningStandIn) -> GraphConfig:
    return GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                       client_id="storyline-sync", client_secret=Secret("s3cret"),
                       verify=str(standin.ca_path))


def test_an_app_token_comes_from_the_tenant_authority_and_is_cached(
        standin: RunningStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")  # must not matter
    auth = GraphAuth(_config(standin))
    tenant = standin.state.tenant_id
    first = auth.app_token(tenant)
    claims = jwt.decode(first, options={"verify_signature": False})
    assert claims["tid"] == tenant and "Mail.Read" in claims["roles"]
    assert auth.app_token(tenant) == first  # msal's cache, not a second request


def test_on_behalf_of_tokens_are_reused_from_memory_and_never_written_to_disk(
        standin: RunningStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    maya = SELLERS[0]
    assertion = control(standin, "POST", "/user-token", json={
        "user": maya.email, "audience": "api://storyline-sync"})["access_token"]
    monkeypatch.chdir(tmp_path)
    auth = GraphAuth(_config(standin))
    tenant = standin.state.tenant_id
    token = auth.obo_token(tenant=tenant, user_key=str(maya.oid), assertion=assertion)
    assert jwt.decode(token, options={"verify_signature": False})["oid"] == str(maya.oid)
    # the same process serves it again without asking the identity provider
    again = auth.obo_token(tenant=tenant, user_key=str(maya.oid), assertion="not-even-a-token")
    assert again == token
    assert list(tmp_path.iterdir()) == []
    # a new process starts empty: the token was never persisted anywhere
    with pytest.raises(GraphAuthError):
        GraphAuth(_config(standin)).obo_token(tenant=tenant, user_key=str(maya.oid),
                                              assertion="not-even-a-token")


def test_a_refused_grant_is_a_typed_error(standin: RunningStandIn) -> None:
    auth = GraphAuth(_config(standin))
    with pytest.raises(GraphAuthError):
        auth.obo_token(tenant=standin.state.tenant_id, user_key="x", assertion="forged")


def test_an_http_authority_is_refused() -> None:
    with pytest.raises(ValueError):
        GraphAuth(GraphConfig(authority_host="http://127.0.0.1:1"))


def test_an_identity_provider_that_cannot_be_reached_is_a_typed_error(
        standin: RunningStandIn) -> None:
    # a port nobody listens on: what a DNS failure or a firewall looks like to msal
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = GraphConfig(base_url=standin.graph_url, authority_host=f"https://127.0.0.1:{port}",
                         client_id="storyline-sync", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path), timeout=2)
    auth = GraphAuth(config)
    with pytest.raises(GraphAuthError) as raised:
        auth.app_token(standin.state.tenant_id)
    assert raised.value.code == "identity_unreachable"
    assert str(port) not in str(raised.value)  # no host or URL in what callers may show
    with pytest.raises(GraphAuthError):
        auth.obo_token(tenant=standin.state.tenant_id, user_key="u", assertion="x.y.z")
