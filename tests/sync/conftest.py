"""Fixtures for sync tests: a SQLite record with one tenant and two sellers, and a fake
Graph reached through the real msgraph-sdk path."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db import Database
from app.dev.standin.testing import RunningStandIn, control, running_standin
from app.graph.config import GraphConfig
from app.graph.service import Graph
from app.records.models import Base, Tenant, TenantDomain, User
from tests.graph.fakegraph import BASE, FakeGraph
from tests.sync.standin_world import NOW

TENANT = uuid.UUID("11111111-2222-4333-8444-555555555555")


@dataclass
class Team:
    """The seeded tenant: its id and sellers by short name."""

    tenant_id: uuid.UUID
    users: dict[str, uuid.UUID]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """An empty SQLite record (tables from the models)."""
    database = Database(f"sqlite:///{tmp_path / 'sync.db'}")
    Base.metadata.create_all(database.engine)
    yield database
    database.engine.dispose()


@pytest.fixture
def team(db: Database) -> Team:
    """Tenant ourteam.io with sellers ann and bob, contacts created from sent and received."""
    users = {"ann": uuid.uuid4(), "bob": uuid.uuid4()}
    with db.session() as s:
        s.add(Tenant(id=TENANT, name="Us", contact_policy="sent_and_received"))
        s.add(TenantDomain(tenant_id=TENANT, domain="ourteam.io"))
        for name, uid in users.items():
            s.add(User(tenant_id=TENANT, id=uid, email=f"{name}@ourteam.io", display_name=name))
    return Team(TENANT, users)


@pytest.fixture
def fake() -> FakeGraph:
    """An empty fake Graph serving 10 items a page."""
    return FakeGraph(page_size=10)


@pytest.fixture
def graph(fake: FakeGraph) -> Graph:
    """Graph access over the fake, with quick bounded retries."""
    config = GraphConfig(base_url=BASE, page_size=10, max_retries=5, max_retry_after=0.05)
    return Graph(config=config, tokens=lambda tenant: (lambda: "token"), transport=fake.transport)


@pytest.fixture(scope="module")
def standin() -> Iterator[RunningStandIn]:
    """The stand-in with the sample company, for one test module."""
    with running_standin(now=NOW) as running:
        yield running


@pytest.fixture
def fresh(standin: RunningStandIn) -> RunningStandIn:
    """The stand-in with its sample reloaded and no faults."""
    control(standin, "DELETE", "/faults")
    standin.state.faults.max_in_flight.clear()
    standin.state.load_sample(now=NOW)
    return standin
