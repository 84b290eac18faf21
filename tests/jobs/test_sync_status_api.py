"""``GET /api/v1/sync/status``: a seller sees how their mailbox sync stands."""

from __future__ import annotations

import uuid

from flask import Flask

from app import extensions as context
from tests.graph.fakegraph import FakeGraph, at, message

from .conftest import TENANT


def _headers(app: Flask) -> dict[str, str]:
    signer = context.signer(app)
    assert signer is not None
    token = signer.mint(tenant_id=TENANT, oid=uuid.UUID("0190bbbb-0000-7000-8000-000000000009"),
                        username="ann@ourteam.io", name="Ann")
    return {"Authorization": f"Bearer {token}"}


def test_a_seller_sees_their_folders_after_a_round(app: Flask, fake: FakeGraph) -> None:
    from app import extensions
    from app.jobs.tasks import sync_mailbox

    from .conftest import ANN

    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io", to="ann@ourteam.io",
                                               when=at(1)))
    jobs = extensions.runner(app).context.get()  # type: ignore[attr-defined]
    sync_mailbox(jobs, tenant_id=str(TENANT), user_id=str(ANN), folders=["inbox"])
    resp = app.test_client().get("/api/v1/sync/status", headers=_headers(app))
    assert resp.status_code == 200
    (mine,) = resp.get_json()["mailboxes"]
    assert mine["mailbox"] == "ann@ourteam.io"
    (inbox,) = mine["folders"]
    assert inbox["state"] == "current" and inbox["items_stored"] == 1
    assert mine["lag_seconds"] is not None and mine["lag_seconds"] < 60


def test_status_needs_a_token(app: Flask) -> None:
    assert app.test_client().get("/api/v1/sync/status").status_code == 401


def test_an_unknown_scope_is_a_bad_request(app: Flask) -> None:
    resp = app.test_client().get("/api/v1/sync/status?scope=all", headers=_headers(app))
    assert resp.status_code == 400
