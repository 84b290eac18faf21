"""Fixtures for meeting prep: the Adaptive Card schema, the invented world with meetings, and
the local Graph stand-in that records the Teams calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jsonschema import validators

from app import extensions as context
from app.db import Database
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.service import Graph
from app.settings import Secret

CARD_SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "teams-schemas" / "adaptive-cards"


def _card_validator(version: str, *, check_schema: bool = True) -> Any:
    schema = json.loads((CARD_SCHEMAS / version / "adaptive-card.json").read_text("utf-8"))
    cls = validators.validator_for(schema)
    if check_schema:
        cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def card_schema() -> Any:
    """A validator for Adaptive Cards 1.5, the version our cards declare (draft-06, formats
    checked)."""
    return _card_validator("1.5.0")


@pytest.fixture(scope="session")
def card_schema_next() -> Any:
    """A validator for Adaptive Cards 1.6, which newer Teams clients render (the upstream
    schema fails its own metaschema, so that one check is left out)."""
    return _card_validator("1.6.0", check_schema=False)


@pytest.fixture
def assert_valid_card(card_schema: Any, card_schema_next: Any) -> Any:
    """Asserts a card validates under 1.5 and 1.6, naming every schema error when it does
    not."""

    def check(card: dict[str, Any]) -> None:
        for schema in (card_schema, card_schema_next):
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
                      for e in schema.iter_errors(card)]
            assert not errors, "\n".join(errors)
        assert len(json.dumps(card)) < 28_000  # Teams' card size limit

    return check


@pytest.fixture
def db(app: Flask) -> Database:
    """The app's database (SQLite or PostgreSQL, per the ``app`` fixture's parameter)."""
    return context.database(app)


@pytest.fixture
def clock() -> datetime:
    """A fixed moment for scheduling tests, minutes aligned."""
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def standin() -> Iterator[Any]:
    """The local Graph stand-in (no sample mailboxes)."""
    from app.dev.standin import testing

    with testing.running_standin(sample=False) as running:
        yield running


@pytest.fixture
def graph(standin: Any, world: Any) -> Graph:
    """Graph (msal + msgraph-sdk) pointed at the stand-in, which knows the world's sellers."""
    standin.state.teams.clear()
    for user in world.users.values():  # each test's world mints new object ids
        standin.state.store.add_mailbox(user.email, str(user.oid), user.display_name).oid = \
            str(user.oid)
    config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                         client_id="storyline-prep", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path), max_retries=1, max_retry_after=0.05)
    return Graph(config=config, tokens=GraphAuth(config).app_token_source)
