"""Fixtures for jobs and the webhook: the app on SQLite with our blueprints, jobs that run
against the fake Graph."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import extensions
from app import extensions as context
from app.api import graph_notifications, sync_status
from app.dev import create_app
from app.dev.standin.server import RunningStandIn
from app.graph.config import GraphConfig
from app.graph.service import Graph
from app.jobs.context import JobContext, LazyContext
from app.jobs.runner import InlineRunner
from app.records.models import Base, Subscription, Tenant, TenantDomain, User
from app.settings import Secret
from tests.graph.fakegraph import BASE, FakeGraph

TENANT = uuid.UUID("22222222-3333-4444-8555-666666666666")
ANN = uuid.UUID("0190aaaa-0000-7000-8000-000000000001")
SUB_ID = "sub-ann-inbox"
STATE = "s3cret-client-state"


@pytest.fixture
def fake() -> FakeGraph:
    """An empty fake Graph."""
    return FakeGraph(page_size=10)


@pytest.fixture
def app(tmp_path: Path, fake: FakeGraph) -> Iterator[Flask]:
    """The app on a fresh SQLite file, one tenant, ann's inbox subscribed, inline jobs."""
    flask_app = create_app({"database_url": f"sqlite:///{tmp_path / 'jobs.db'}",
                            "instance_path": tmp_path})
    flask_app.config["TESTING"] = True
    if not any(name.endswith("graph_notifications") for name in flask_app.blueprints):
        flask_app.register_blueprint(graph_notifications.bp, url_prefix="/api/v1/graph")
    db = context.database(flask_app)
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        s.add(Tenant(id=TENANT, name="Us", contact_policy="sent_and_received"))
        s.add(TenantDomain(tenant_id=TENANT, domain="ourteam.io"))
        s.add(User(tenant_id=TENANT, id=ANN, email="ann@ourteam.io", display_name="Ann"))
        s.flush()
        s.add(Subscription(tenant_id=TENANT, id=SUB_ID, user_id=ANN, client_state=STATE,
                           resource="users/ann@ourteam.io/mailFolders('inbox')/messages",
                           expires_at=datetime.now(UTC) + timedelta(days=2)))
    config = GraphConfig(base_url=BASE, page_size=10, max_retries=3, max_retry_after=0.05)
    graph = Graph(config=config, tokens=lambda t: (lambda: "token"), transport=fake.transport)
    jobs = JobContext(settings=flask_app.config["STORYLINE"], db=db, graph=graph)
    extensions.set_runner(flask_app, InlineRunner(LazyContext(lambda: jobs)))
    assert sync_status.bp.name == "sync_status"
    yield flask_app
    db.engine.dispose()


@contextmanager
def serving_jobs(flask_app: Flask,
                 standin: RunningStandIn) -> Iterator[tuple[JobContext, InlineRunner]]:
    """``flask_app`` served on a loopback port (Graph's notifications reach its webhook),
    its jobs run inline against the Graph stand-in; stopped, and its engine disposed, after."""
    from app.graph.credentials import GraphAuth

    db = context.database(flask_app)
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                         client_id="storyline-sync", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path))
    graph = Graph(config=config, tokens=GraphAuth(config).app_token_source)
    jobs = JobContext(settings=flask_app.config["STORYLINE"], db=db, graph=graph,
                      notification_url=f"http://127.0.0.1:{server.server_port}"
                                       "/api/v1/graph/notifications")
    runner = InlineRunner(LazyContext(lambda: jobs))
    extensions.set_runner(flask_app, runner)
    try:
        yield jobs, runner
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        db.engine.dispose()
