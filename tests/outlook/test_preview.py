"""The preview signs a visitor in as a sample seller (on this machine, without Entra only)
and lists that seller's own mailbox from the record."""

from __future__ import annotations

import pytest


def test_a_preview_token_signs_in_as_a_seller_and_works_on_the_api(client, world) -> None:
    resp = client.post("/preview/token", json={"user": "tom@brightloop.io"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    body = resp.get_json()
    assert body["user"] == {"email": "tom@brightloop.io", "name": "Tom Brandt"}
    story = client.get("/api/v1/story",
                       query_string={"email": "jonas.weber@harbourline-freight.com"},
                       headers={"Authorization": f"Bearer {body['token']}"})
    assert story.status_code == 200 and story.get_json()["contact"]["name"] == "Jonas Weber"


def test_the_token_endpoint_takes_no_get_so_tokens_never_travel_in_urls(client, world) -> None:
    assert client.get("/preview/token?user=tom@brightloop.io").status_code == 405


@pytest.mark.parametrize("remote", ["10.1.2.3", "203.0.113.9"])
def test_the_preview_answers_only_on_this_machine(client, world, remote: str) -> None:
    resp = client.post("/preview/token", json={}, environ_base={"REMOTE_ADDR": remote})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "preview_local_only"


def test_the_preview_is_off_when_entra_is_configured(app, client, world) -> None:
    app.config["STORYLINE"] = app.config["STORYLINE"].with_overrides(
        entra_client_id="3f2c1a9e-0000-4000-8000-000000000001")
    resp = client.post("/preview/token", json={})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "preview_disabled"
    assert client.get("/preview/sellers").status_code == 403


def test_an_unknown_seller_gets_a_clear_answer(client, world) -> None:
    resp = client.post("/preview/token", json={"user": "nobody@brightloop.io"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "no_seller"


def test_the_inbox_lists_the_sellers_own_mail_newest_first(client, auth, world) -> None:
    assert client.get("/preview/inbox").status_code == 401
    items = client.get("/preview/inbox", headers=auth("maya@brightloop.io")).get_json()["items"]
    subjects = [i["subject"] for i in items]
    assert "Harbourline proposal" in subjects and "Delivery delays" in subjects
    assert "Design work" not in subjects  # Tom's mail to a freelancer, not in Maya's mailbox
    times = [i["occurred_at"] for i in items]
    assert times == sorted(times, reverse=True)
    reply = next(i for i in items if i["key"] == "<reply@mail.test>")
    assert reply["from"]["address"] == "jonas.weber@harbourline-freight.com"
    assert reply["to"][0]["address"] == "maya@brightloop.io"
    assert "signed MSA" in reply["body"]


def test_the_sellers_list_names_the_sample_sellers(client, world) -> None:
    sellers = client.get("/preview/sellers").get_json()["sellers"]
    assert {"email": "maya@brightloop.io", "name": "Maya Okafor"} in sellers


@pytest.mark.parametrize("host", ["evil.example", "storyline.attacker.test:5000",
                                  "127.0.0.1.nip.io"])
def test_the_preview_refuses_a_host_name_that_is_not_this_machine(client, world, host) -> None:
    # DNS rebinding: a page on evil.example resolves its own name to 127.0.0.1
    for resp in (client.post("/preview/token", json={}, headers={"Host": host}),
                 client.get("/preview/sellers", headers={"Host": host}),
                 client.get("/prep", headers={"Host": host})):
        assert resp.status_code == 403
        assert resp.get_json()["error"]["code"] == "preview_local_only"


def test_the_preview_signs_in_to_the_demo_tenant_only(client, world) -> None:
    sellers = {s["email"] for s in client.get("/preview/sellers").get_json()["sellers"]}
    assert "lea@corvane.com" not in sellers  # the other tenant's seller
    resp = client.post("/preview/token", json={"user": "lea@corvane.com"})
    assert resp.status_code == 404


@pytest.mark.parametrize("data, content_type", [
    ("user=tom%40brightloop.io", "application/x-www-form-urlencoded"),
    ('{"user": "tom@brightloop.io"}', "text/plain"),
])
def test_the_preview_token_takes_json_only(client, world, data, content_type) -> None:
    resp = client.post("/preview/token", data=data, content_type=content_type)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "unsupported_body"


def test_a_token_of_another_tenant_cannot_read_the_preview_inbox(client, auth) -> None:
    resp = client.get("/preview/inbox", headers=auth("lea@corvane.com"))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "preview_demo_only"
