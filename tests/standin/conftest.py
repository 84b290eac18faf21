"""Fixtures for the stand-in tests: one https stand-in per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control_session, running_standin

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
MAYA = "maya.lindqvist@lumenfield.io"


@pytest.fixture(scope="session")
def standin_server() -> Iterator[RunningStandIn]:
    """The stand-in with the sample company, on a free loopback port, for the session."""
    with running_standin(now=NOW) as running:
        yield running


@pytest.fixture
def standin(standin_server: RunningStandIn) -> RunningStandIn:
    """The stand-in with fresh sample mail, no faults and an empty call log."""
    state = standin_server.state
    state.faults.clear()
    state.faults.calls.clear()
    state.faults.counters.clear()
    state.faults.max_in_flight.clear()
    state.load_sample(now=NOW)
    return standin_server


@pytest.fixture
def http(standin: RunningStandIn) -> Iterator[requests.Session]:
    """A requests session trusting the stand-in's CA."""
    with control_session(standin) as session:
        yield session


@pytest.fixture
def app_token(standin: RunningStandIn, http: requests.Session) -> str:
    """An app-only Graph token from the stand-in's token endpoint."""
    answer = http.post(f"{standin.authority}/oauth2/v2.0/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": "storyline-sync",
        "client_secret": "s3cret", "scope": "https://graph.microsoft.com/.default"})
    return answer.json()["access_token"]


@pytest.fixture
def graph(standin: RunningStandIn, http: requests.Session, app_token: str):
    """Calls Graph on the stand-in with the app token: ``graph("GET", "/users/...")``."""
    def call(method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {app_token}"} | kwargs.pop("headers", {})
        url = path if path.startswith("https://") else standin.graph_url + path
        return http.request(method, url, headers=headers, timeout=10, **kwargs)
    return call
