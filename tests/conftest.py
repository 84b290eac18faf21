"""Shared fixtures: the app on SQLite and on PostgreSQL, a client, a runner, and a small
invented customer world recorded through the real write path."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import extensions as context
from app.db import make_engine
from app.dev import create_app
from app.migrate import upgrade
from app.records.models import Base
from tests.world import TENANT_A

pytest_plugins = ["tests.skips"]
PG_ADMIN = os.environ.get("STORYLINE_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, migrated; dropped afterwards."""
    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    name = f"storyline_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'storyline.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The database URL of the backend under test (every test using it runs on both)."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


def _empty(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the backend under test, with empty tables and its own signing key."""
    flask_app = create_app({"database_url": db_url, "instance_path": tmp_path,
                            "preview_tenant": str(TENANT_A)})  # the preview shows the world
    flask_app.config["TESTING"] = True
    _empty(context.database(flask_app).engine)
    yield flask_app
    context.database(flask_app).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    """The moment the invented world is built around (the API reads the real clock)."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def world(app: Flask, now: datetime) -> Any:
    """Two tenants with sellers and customers, recorded through the real write path."""
    from tests.world import build_world

    with context.database(app).session() as session:
        return build_world(session, now)


@pytest.fixture
def auth(app: Flask, world: Any) -> Any:
    """Makes Authorization headers for a seller: ``auth("maya@brightloop.io")``."""
    signer = context.signer(app)
    assert signer is not None

    def headers(email: str, **kw: Any) -> dict[str, str]:
        user = world.users[email]
        token = signer.mint(tenant_id=user.tenant_id, oid=user.oid, username=user.email,
                            name=user.display_name, **kw)
        return {"Authorization": f"Bearer {token}"}

    return headers


def days_ago(now: datetime, days: float) -> datetime:
    """``now`` minus some days."""
    return now - timedelta(days=days)
