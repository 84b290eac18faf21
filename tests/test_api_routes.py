"""Every /api/v1 route asks for a bearer token through the api blueprint's one hook: a route
added anywhere under /api/v1 is closed unless it is named here as public."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

import app as product
from app import dev
from app.api import bearer

# Graph posts change notifications without a token (it proves itself with clientState).
WEBHOOK = "api.graph_notifications.receive"
# The OpenAPI document and its Swagger UI describe the API and hold no data (spectree serves
# them outside the api blueprint).
DOCUMENT_PREFIXES = ("/api/v1/openapi.json", "/api/v1/docs")


@pytest.fixture(params=[product.create_app, dev.create_app], ids=["product", "dev"])
def app(request: pytest.FixtureRequest, sqlite_url: str, tmp_path: Path) -> Flask:
    """The product app and the one with the dev pages (the auth check reads no table)."""
    factory: Callable[[dict[str, Any]], Flask] = request.param
    return factory({"database_url": sqlite_url, "instance_path": tmp_path})


def _api_rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]


def _url(app: Flask, rule: Rule) -> str:
    """The rule's path with a plausible value for each of its arguments."""
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():  # the rule's own argument types
        kind = type(converter).__name__
        values[name] = uuid.uuid4() if kind == "UUIDConverter" else (
            1 if kind in ("IntegerConverter", "NumberConverter") else "x")
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def test_every_api_route_is_in_the_api_blueprint_but_the_api_document(app: Flask) -> None:
    rules = _api_rules(app)
    assert len(rules) > 15  # the walk found the API
    outside = [r.rule for r in rules
               if not r.endpoint.startswith("api.") and not r.rule.startswith(DOCUMENT_PREFIXES)]
    assert outside == []
    # authentication runs first, once; then the one check of request bodies
    hooks = app.before_request_funcs["api"]
    assert hooks[0] is bearer.authenticate and hooks.count(bearer.authenticate) == 1
    assert [h.__name__ for h in hooks[1:]] == ["check_json_body"]
    assert bearer.PUBLIC_ENDPOINTS == {WEBHOOK}


def test_every_api_route_but_the_webhook_refuses_a_request_without_a_token(app: Flask) -> None:
    client = app.test_client()
    checked = []
    for rule in _api_rules(app):
        if rule.endpoint == WEBHOOK or rule.rule.startswith(DOCUMENT_PREFIXES):
            continue
        url = _url(app, rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, json={} if method != "GET" else None)
            checked.append((method, rule.rule))
            assert resp.status_code == 401, (method, rule.rule, resp.status_code)
            body = resp.get_json()
            assert set(body) == {"error"}, (method, rule.rule, body)
            assert body["error"]["code"] == "missing_token" and body["error"]["message"]
    assert len(checked) > 15


def test_a_wrong_token_is_refused_in_the_same_shape(app: Flask) -> None:
    client = app.test_client()
    for rule in _api_rules(app):
        if rule.endpoint == WEBHOOK or rule.rule.startswith(DOCUMENT_PREFIXES):
            continue
        method = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})[0]
        resp = client.open(_url(app, rule), method=method, headers={"Authorization": "Bearer nope"})
        assert resp.status_code == 401, (method, rule.rule)
        assert set(resp.get_json()) == {"error"}


def test_the_webhook_answers_graph_without_a_token(app: Flask) -> None:
    resp = app.test_client().post("/api/v1/graph/notifications?validationToken=abc%20def")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "abc def"
