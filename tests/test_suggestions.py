"""Suggestions: what the extraction was unsure of stays out of the counts, and the seller's
"Track it" / "Not a promise" on one is kept, as a label of the tenant's."""

from __future__ import annotations

import sqlalchemy as sa

from app import extensions as context
from app.records.models import AuditEvent
from app.records.record import record_interaction
from tests.world import ASK, JONAS, MAYA, OFFER, TENANT_A, suggestions_mail

JONAS_ADDR = JONAS[1]


def _story(client, h):
    resp = client.get("/api/v1/story", query_string={"email": JONAS_ADDR}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _with_suggestions(app, world) -> None:
    with context.database(app).session() as s:
        outcome = record_interaction(s, tenant_id=TENANT_A,
                                     item=suggestions_mail(world.now, world.users[MAYA[1]]))
        assert outcome.status == "stored"
        s.commit()


def _labels(app) -> list[dict]:
    with context.database(app).session() as s:
        return [e.details for e in s.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "commitment.label").order_by(AuditEvent.at))]


def _by_action(story, action):
    return next(c for side in ("ours", "theirs") for c in story["commitments"][side]
                if c["action"] == action)


def test_suggestions_come_unshown_and_do_not_count_as_overdue(app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    before = _story(client, h)["commitments"]["overdue"]
    _with_suggestions(app, world)
    story = _story(client, h)
    ask = _by_action(story, "look at the pallet sensors")
    assert ask["shown"] is False and ask["overdue"] is True and ask["text"] == ASK
    assert story["commitments"]["overdue"] == before  # the unsure overdue one is not counted
    signal = next(s for s in story["signals"] if s["kind"] == "expansion")
    assert signal["shown"] is False


def test_track_it_makes_a_suggestion_tracked_and_keeps_the_label(app, client, auth,
                                                                 world) -> None:
    h = auth("maya@brightloop.io")
    _with_suggestions(app, world)
    before = _story(client, h)["commitments"]["overdue"]
    ask = _by_action(_story(client, h), "look at the pallet sensors")
    resp = client.patch(f"/api/v1/commitments/{ask['id']}", json={"shown": True}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["shown"] is True and resp.get_json()["status"] == "open"
    story = _story(client, h)
    assert _by_action(story, "look at the pallet sensors")["shown"] is True
    assert story["commitments"]["overdue"] == before + 1  # tracked: now it counts
    labels = _labels(app)
    assert labels == [{"commitment_id": ask["id"], "label": "track", "kind": "request",
                       "side": "us", "confidence": 0.35}]
    assert ASK not in str(labels)  # ids and the label only, never the sentence
    # tracking it again is no new answer
    client.patch(f"/api/v1/commitments/{ask['id']}", json={"shown": True}, headers=h)
    assert len(_labels(app)) == 1


def test_not_a_promise_dismisses_a_suggestion_and_keeps_the_label(app, client, auth,
                                                                  world) -> None:
    h = auth("maya@brightloop.io")
    _with_suggestions(app, world)
    offer = _by_action(_story(client, h), "ask our depot team about a trial")
    resp = client.patch(f"/api/v1/commitments/{offer['id']}", json={"status": "cancelled"},
                        headers=h)
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    story = _story(client, h)
    actions = [c["action"] for side in ("ours", "theirs") for c in story["commitments"][side]]
    assert "ask our depot team about a trial" not in actions
    assert OFFER not in str(_labels(app))
    assert _labels(app) == [{"commitment_id": offer["id"], "label": "not_a_promise",
                             "kind": "promise", "side": "them", "confidence": 0.4}]


def test_dismissing_a_shown_commitment_is_no_label(app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    quote = _by_action(_story(client, h), "send the revised quote")
    resp = client.patch(f"/api/v1/commitments/{quote['id']}", json={"status": "cancelled"},
                        headers=h)
    assert resp.status_code == 200
    assert _labels(app) == []


def test_labels_belong_to_the_tenant(app, client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    _with_suggestions(app, world)
    ask = _by_action(_story(client, h), "look at the pallet sensors")
    # a seller of another tenant cannot answer Brightloop's suggestion
    other = client.patch(f"/api/v1/commitments/{ask['id']}", json={"shown": True},
                         headers=auth("lea@corvane.com"))
    assert other.status_code == 404
    client.patch(f"/api/v1/commitments/{ask['id']}", json={"shown": True}, headers=h)
    with context.database(app).session() as s:
        tenants = s.scalars(sa.select(AuditEvent.tenant_id).where(
            AuditEvent.action == "commitment.label")).all()
    assert tenants == [TENANT_A]


def test_tracking_and_dismissing_at_once_is_refused_and_changes_nothing(app, client, auth,
                                                                       world) -> None:
    h = auth("maya@brightloop.io")
    _with_suggestions(app, world)
    ask = _by_action(_story(client, h), "look at the pallet sensors")
    for body in ({"shown": True, "status": "cancelled"}, {"shown": "yes"}):
        resp = client.patch(f"/api/v1/commitments/{ask['id']}", json=body, headers=h)
        assert resp.status_code == 400, resp.get_json()
    again = _by_action(_story(client, h), "look at the pallet sensors")
    assert again["shown"] is False and again["status"] == "open"
    assert _labels(app) == []
