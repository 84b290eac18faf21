"""What a seller does from the task pane, and that it sticks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app import extensions as context
from app.records.models import Suppression
from app.records.record import record_interaction
from tests.world import JONAS, MAYA, TENANT_A, mail

JONAS_ADDR = JONAS[1]


def get_story(client, headers, **params):
    resp = client.get("/api/v1/story", query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_changing_a_deal_stage_is_kept_with_its_history(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    resp = client.patch(f"/api/v1/deals/{world.deal_id}", json={"stage": "negotiation"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["stage"] == "negotiation"
    deal = get_story(client, h, email=JONAS_ADDR)["deals"][0]
    assert deal["stage"] == "negotiation" and deal["days_in_stage"] == 0
    assert [x["to"] for x in deal["stage_history"]][-2:] == ["proposal", "negotiation"]


def test_marking_a_commitment_done_removes_it_from_the_open_list(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    ours = get_story(client, h, email=JONAS_ADDR)["commitments"]["ours"]
    quote = next(c for c in ours if c["action"] == "send the revised quote")
    resp = client.patch(f"/api/v1/commitments/{quote['id']}", json={"status": "done"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["status"] == "done"
    after = get_story(client, h, email=JONAS_ADDR)["commitments"]
    assert "send the revised quote" not in [c["action"] for c in after["ours"]]
    assert after["overdue"] == 0


def test_a_snoozed_commitment_is_not_overdue(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    quote = get_story(client, h, email=JONAS_ADDR)["commitments"]["ours"][0]
    until = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    client.patch(f"/api/v1/commitments/{quote['id']}", json={"snoozed_until": until}, headers=h)
    again = get_story(client, h, email=JONAS_ADDR)["commitments"]["ours"][0]
    assert again["snoozed_until"] == until and again["overdue"] is False


def test_a_seller_corrects_a_contact_and_signatures_do_not_override_it(app, client, auth,
                                                                        world) -> None:
    h = auth("maya@brightloop.io")
    cid = get_story(client, h, email=JONAS_ADDR)["contact"]["id"]
    resp = client.patch(f"/api/v1/contacts/{cid}", json={"title": "CIO"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["title"] == "CIO"
    with context.database(app).session() as s:
        from app.records.inputs import SignatureIn
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "later", world.now, JONAS, [MAYA], subject="Re: plan", body="ok",
            signature=SignatureIn(title="Head of Logistics IT", text="Head of Logistics IT")))
    assert get_story(client, h, email=JONAS_ADDR)["contact"]["title"] == "CIO"


def test_merge_suggestion_then_merge_and_unmerge(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    story = get_story(client, h, email=JONAS_ADDR)
    suggestion = story["contact"]["merge_suggestions"]
    assert [s["addresses"] for s in suggestion] == [["jonas.w@harbourline-freight.com"]]
    before = len(story["timeline"]["items"])
    resp = client.post(f"/api/v1/contacts/{suggestion[0]['id']}/merge",
                       json={"into": story["contact"]["id"]}, headers=h)
    assert resp.status_code == 200
    assert set(resp.get_json()["addresses"]) == {JONAS_ADDR, "jonas.w@harbourline-freight.com"}
    merged = get_story(client, h, email="jonas.w@harbourline-freight.com")
    assert merged["contact"]["id"] == story["contact"]["id"]
    assert len(merged["timeline"]["items"]) == before + 1
    assert merged["contact"]["merge_suggestions"] == []
    again = client.post(f"/api/v1/contacts/{suggestion[0]['id']}/merge",
                        json={"into": story["contact"]["id"]}, headers=h)
    assert again.status_code == 409
    undo = client.post(f"/api/v1/contacts/{suggestion[0]['id']}/unmerge", headers=h)
    assert undo.status_code == 200
    assert len(get_story(client, h, email=JONAS_ADDR)["timeline"]["items"]) == before


def test_never_track_an_address_again(app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    resp = client.post("/api/v1/suppressions", json={"value": "Sam.Ortiz.Design@gmail.com"},
                       headers=h)
    assert resp.status_code == 201 and resp.get_json()["scope"] == "user"
    assert client.post("/api/v1/suppressions", json={"value": "sam.ortiz.design@gmail.com"},
                       headers=h).status_code == 409
    with context.database(app).session() as s:
        outcome = record_interaction(s, tenant_id=TENANT_A, item=mail(
            "sam2", world.now, MAYA, [("Sam Ortiz", "sam.ortiz.design@gmail.com")],
            subject="Next job", body="Hi Sam", mailbox=world.users["maya@brightloop.io"]))
    assert outcome.status == "skipped" and "suppressed" in outcome.reason


def test_search_finds_by_name_address_or_domain_most_active_first(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    by_domain = client.get("/api/v1/contacts", query_string={"q": "harbourline-freight"},
                           headers=h).get_json()["items"]
    assert [c["name"] for c in by_domain][0] == "Jonas Weber"  # most interactions first
    by_name = client.get("/api/v1/contacts", query_string={"q": "ruth"}, headers=h).get_json()
    assert [c["name"] for c in by_name["items"]] == ["Ruth Hale"]
    paged = client.get("/api/v1/contacts", query_string={"q": "o", "page_size": 1},
                       headers=h).get_json()
    assert len(paged["items"]) == 1 and paged["has_more"] is True
    accounts = client.get("/api/v1/accounts", query_string={"q": "kestrel"}, headers=h).get_json()
    assert [a["domains"] for a in accounts["items"]] == [["kestrelfoods.co.uk"]]


def test_story_for_everyone_on_an_email(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    out = get_story(client, h, emails=f"{JONAS_ADDR}, ruth.hale@mail.kestrelfoods.co.uk,"
                                      "unknown@nowhere-at-all.com")
    found = {s["address"]: s["found"] for s in out["stories"]}
    assert found == {JONAS_ADDR: True, "ruth.hale@mail.kestrelfoods.co.uk": True,
                     "unknown@nowhere-at-all.com": False}


def test_timeline_pages_newest_first(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    first = get_story(client, h, email=JONAS_ADDR, page_size=2)["timeline"]
    second = get_story(client, h, email=JONAS_ADDR, page_size=2, page=2)["timeline"]
    assert first["has_more"] is True and second["has_more"] is False
    times = [i["occurred_at"] for i in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True) and len(set(times)) == 3
    assert uuid.UUID(first["items"][0]["id"])


def test_only_a_storyline_admin_stops_tracking_for_the_whole_tenant(app, client, auth,
                                                                     world) -> None:
    body = {"value": "rivalsoft.example", "scope": "tenant", "reason": "a competitor"}
    refused = client.post("/api/v1/suppressions", json=body, headers=auth("maya@brightloop.io"))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "admin_required"
    with context.database(app).session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Suppression)) == 0
    admin = auth("maya@brightloop.io", roles=("Storyline.Admin",))
    done = client.post("/api/v1/suppressions", json=body, headers=admin)
    assert done.status_code == 201 and done.get_json()["scope"] == "tenant"
    # a role of another app, or a role name in the wrong claim, is not enough
    other = auth("tom@brightloop.io", roles=("Other.Admin",))
    body2 = {"value": "othersoft.example", "scope": "tenant"}
    assert client.post("/api/v1/suppressions", json=body2, headers=other).status_code == 403
    scoped = auth("tom@brightloop.io", scopes="access_as_user Storyline.Admin")
    assert client.post("/api/v1/suppressions", json=body2, headers=scoped).status_code == 403
