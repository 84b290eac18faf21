"""Bad input gets a clear 4xx in one shape; the service says whether it is up and ready."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path, params, status, code", [
    ("/api/v1/story", {"email": "not-an-address"}, 400, "invalid_address"),
    ("/api/v1/story", {"email": "a@b@c.com"}, 400, "invalid_address"),
    ("/api/v1/story", {}, 400, "invalid_request"),
    ("/api/v1/story", {"email": "x@y.com", "contact_id": "0190aaaa-0000-7000-8000-000000000000"},
     400, "invalid_request"),
    ("/api/v1/story", {"contact_id": "123"}, 400, "invalid_request"),
    ("/api/v1/story", {"contact_id": "0190aaaa-0000-7000-8000-000000000000"}, 404, "not_found"),
    ("/api/v1/story", {"email": "nobody@never-heard-of-us.com"}, 404, "not_found"),
    ("/api/v1/story", {"email": "jonas.weber@harbourline-freight.com", "page_size": 1000},
     400, "invalid_request"),
    ("/api/v1/story", {"email": "jonas.weber@harbourline-freight.com", "page": 0},
     400, "invalid_request"),
    ("/api/v1/story", {"emails": ",".join(f"a{i}@x.com" for i in range(51))}, 400,
     "invalid_request"),
    ("/api/v1/contacts", {"page": 0}, 400, "invalid_request"),
    ("/api/v1/contacts", {"q": "x", "page_size": -1}, 400, "invalid_request"),
    ("/api/v1/accounts", {"q": "x" * 201}, 400, "invalid_request"),
    ("/api/v1/nowhere", {}, 404, "not_found"),
])
def test_bad_requests_get_a_clear_error(client, auth, path, params, status, code) -> None:
    resp = client.get(path, query_string=params, headers=auth("maya@brightloop.io"))
    assert resp.status_code == status
    body = resp.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]


@pytest.mark.parametrize("method, path, body, status", [
    ("patch", "/api/v1/deals/{deal}", {"stage": "won-ish"}, 400),
    ("patch", "/api/v1/deals/{deal}", {"stage": "won", "colour": 5}, 400),
    ("patch", "/api/v1/deals/{deal}", {"amount": -5}, 400),
    ("post", "/api/v1/deals/{deal}/close", {"outcome": "maybe"}, 400),
    ("patch", "/api/v1/deals/0190aaaa-0000-7000-8000-000000000000", {"stage": "won"}, 404),
    ("patch", "/api/v1/commitments/0190aaaa-0000-7000-8000-000000000000", {"status": "done"}, 404),
    ("post", "/api/v1/suppressions", {"value": "not a domain"}, 400),
    ("post", "/api/v1/suppressions", {"value": "x@y@z"}, 400),
])
def test_bad_changes_are_refused_and_change_nothing(client, auth, world, method, path, body,
                                                    status) -> None:
    headers = auth("maya@brightloop.io")
    resp = getattr(client, method)(path.format(deal=world.deal_id), json=body, headers=headers)
    assert resp.status_code == status, resp.get_json()
    story = client.get("/api/v1/story",
                       query_string={"email": "jonas.weber@harbourline-freight.com"},
                       headers=headers).get_json()
    assert story["deals"][0]["stage"] == "proposal"


def test_malformed_json_body_is_a_400(client, auth, world) -> None:
    resp = client.patch(f"/api/v1/deals/{world.deal_id}", data="{stage:",
                        content_type="application/json", headers=auth("maya@brightloop.io"))
    assert resp.status_code == 400 and "error" in resp.get_json()


def test_health_readiness_and_request_ids(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz", headers={"X-Request-Id": "req-123"})
    assert ready.status_code == 200 and ready.headers["X-Request-Id"] == "req-123"
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 32


def test_readyz_is_503_when_the_database_is_gone(tmp_path) -> None:
    from app import create_app

    app = create_app({"database_url": "postgresql+psycopg://127.0.0.1:1/none",
                      "instance_path": tmp_path})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "database_unreachable"


def test_openapi_document_lists_the_endpoints(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/story", "/api/v1/contacts", "/api/v1/accounts",
                 "/api/v1/deals/{deal_id}", "/api/v1/commitments/{commitment_id}",
                 "/api/v1/suppressions", "/api/v1/contacts/{contact_id}/merge"):
        assert path in doc["paths"], path
