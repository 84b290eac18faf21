"""The Graph webhook: handshake, proof by clientState, 202 at once, and a redelivered
notification that changes nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import extensions
from app import extensions as context
from app.records.models import Interaction
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import STATE, SUB_ID, TENANT

URL = "/api/v1/graph/notifications"


def _post(app: Flask, *notes: dict[str, Any]) -> Any:
    return app.test_client().post(URL, data=json.dumps({"value": list(notes)}),
                                  content_type="application/json")


def _note(**overrides: Any) -> dict[str, Any]:
    note = {"subscriptionId": SUB_ID, "clientState": STATE, "changeType": "created",
            "tenantId": str(TENANT), "resource": "users/ann/messages/AAMk-1",
            "resourceData": {"id": "AAMk-1"},
            "subscriptionExpirationDateTime": "2026-11-24T11:00:00.0000000Z"}
    note.update(overrides)
    return note


def _stored(app: Flask) -> int:
    with context.database(app).sessionmaker() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Interaction)) or 0)


def test_the_validation_handshake_echoes_the_token_as_plain_text(app: Flask) -> None:
    resp = app.test_client().post(URL + "?validationToken=Validation%3A%20Testing%20abc%2B1")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == "Validation: Testing abc+1"


@pytest.mark.parametrize(("overrides", "why"), [
    ({"clientState": "guess"}, "wrong clientState"),
    ({"clientState": None}, "no clientState"),
    ({"subscriptionId": "not-ours"}, "unknown subscription"),
    ({"tenantId": "33333333-3333-4333-8333-333333333333"}, "another tenant"),
])
def test_a_notification_that_cannot_prove_itself_is_refused(app: Flask, overrides: dict[str, Any],
                                                             why: str) -> None:
    resp = _post(app, _note(**overrides))
    assert resp.status_code == 403, why
    assert resp.get_json()["error"]["code"] == "invalid_notification"


def test_a_malformed_body_is_a_bad_request(app: Flask) -> None:
    resp = app.test_client().post(URL, data=b"{not json", content_type="application/json")
    assert resp.status_code == 400


def test_a_change_is_accepted_at_once_and_synced_in_the_background(app: Flask,
                                                                  fake: FakeGraph) -> None:
    fake.latency = 0.3  # a slow Graph must not slow the answer to Graph
    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io",
                                               to="ann@ourteam.io", when=at(1)))
    started = time.monotonic()
    resp = _post(app, _note())
    assert resp.status_code == 202
    assert time.monotonic() - started < 0.25
    extensions.runner(app).drain()  # type: ignore[attr-defined]
    assert _stored(app) == 1


def test_a_redelivered_notification_changes_nothing(app: Flask, fake: FakeGraph) -> None:
    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io",
                                               to="ann@ourteam.io", when=at(1)))
    runner = extensions.runner(app)
    for _ in range(3):
        assert _post(app, _note(), _note()).status_code == 202
        runner.drain()  # type: ignore[attr-defined]
    assert _stored(app) == 1
    assert runner.failures == 0  # type: ignore[attr-defined]


def test_a_lifecycle_missed_event_triggers_a_catch_up_round(app: Flask, fake: FakeGraph) -> None:
    fake.add("ann@ourteam.io", "inbox", message(2, sender="dana@acmeco.io",
                                               to="ann@ourteam.io", when=at(1)))
    note = {"subscriptionId": SUB_ID, "clientState": STATE, "tenantId": str(TENANT),
            "lifecycleEvent": "missed",
            "subscriptionExpirationDateTime": "2026-11-24T11:00:00.0000000Z"}
    assert _post(app, note).status_code == 202
    extensions.runner(app).drain()  # type: ignore[attr-defined]
    assert _stored(app) == 1
