"""Subscriptions need the validation handshake; notifications arrive in Graph's shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.dev.standin.testing import control, webhook_receiver
from tests.standin.conftest import MAYA


def _request(url: str, minutes: int = 60) -> dict:
    expiry = (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.0Z")
    return {"changeType": "created,updated,deleted", "notificationUrl": url,
            "lifecycleNotificationUrl": url, "resource": f"users/{MAYA}/mailFolders('inbox')/"
            "messages", "expirationDateTime": expiry, "clientState": "s3cr3t-state"}


def test_subscription_is_created_after_the_handshake_and_notifies(standin, graph):
    with webhook_receiver() as hook:
        created = graph("POST", "/subscriptions", json=_request(hook.url))
        assert created.status_code == 201, created.text
        sub = created.json()
        assert len(hook.validations) == 2  # notification and lifecycle URLs
        added = control(standin, "POST", f"/mailboxes/{MAYA}/items", json={
            "folder": "inbox", "notify": True, "resource": {"subject": "Hello"}})
        assert added["notifications"][0]["status"] == 202
        note = hook.received[-1]["value"][0]
        assert note["clientState"] == "s3cr3t-state" and note["changeType"] == "created"
        assert note["subscriptionId"] == sub["id"] and note["tenantId"] == standin.state.tenant_id
        assert note["resourceData"]["id"] == added["resource"]["id"]
        control(standin, "POST", "/notify", json={"subscriptionId": sub["id"],
                                                  "lifecycleEvent": "reauthorizationRequired"})
        assert hook.received[-1]["value"][0]["lifecycleEvent"] == "reauthorizationRequired"


def test_a_wrong_handshake_answer_or_long_expiry_is_refused(graph):
    with webhook_receiver() as hook:
        hook.echo = False
        refused = graph("POST", "/subscriptions", json=_request(hook.url))
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "ValidationError"
        hook.echo = True
        too_long = graph("POST", "/subscriptions", json=_request(hook.url, minutes=20_000))
        assert too_long.status_code == 400 and "minutes" in too_long.json()["error"]["message"]


def test_renew_and_delete(graph):
    with webhook_receiver() as hook:
        sub = graph("POST", "/subscriptions", json=_request(hook.url)).json()
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    renewed = graph("PATCH", f"/subscriptions/{sub['id']}", json={"expirationDateTime": later})
    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"].startswith(later[:19])
    assert graph("DELETE", f"/subscriptions/{sub['id']}").status_code == 204
    assert graph("GET", f"/subscriptions/{sub['id']}").status_code == 404


def test_teams_calls_for_meeting_prep_are_accepted_and_recorded(standin, graph):
    chat = graph("POST", "/chats", json={"chatType": "oneOnOne", "members": []})
    assert chat.status_code == 201
    sent = graph("POST", f"/chats/{chat.json()['id']}/messages",
                 json={"body": {"contentType": "html", "content": "Prep card"}})
    assert sent.status_code == 201
    notice = graph("POST", f"/users/{MAYA}/teamwork/sendActivityNotification",
                   json={"topic": {"source": "text", "value": "Meeting prep"},
                         "activityType": "meetingPrep", "previewText": {"content": "Soon"}})
    assert notice.status_code == 204
    kinds = [r["kind"] for r in control(standin, "GET", "/teams")["value"]]
    assert kinds[-3:] == ["chat", "chatMessage", "activity"]
