"""The open email in Outlook: found in the record by its internetMessageId, or logged now."""

from __future__ import annotations


def test_an_email_sync_recorded_is_found_with_its_linked_deals(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    found = client.get("/api/v1/items/lookup", query_string={"key": "<reply@mail.test>"},
                       headers=h).get_json()
    assert found["logged"] is True and isinstance(found["deal_ids"], list)
    client.post(f"/api/v1/deals/{world.deal_id}/interactions",
                json={"interaction_id": found["interaction_id"]}, headers=h)
    again = client.get("/api/v1/items/lookup", query_string={"key": "<reply@mail.test>"},
                       headers=h).get_json()
    assert again["deal_ids"].count(str(world.deal_id)) == 1


def test_an_email_not_yet_recorded_is_not_found(client, auth, world) -> None:
    resp = client.get("/api/v1/items/lookup", query_string={"key": "<new@mail.test>"},
                      headers=auth("maya@brightloop.io"))
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_logged"


def test_logging_an_email_records_it_with_its_promise(client, auth, world) -> None:
    h = auth("maya@brightloop.io")
    resp = client.post("/api/v1/items/log", headers=h, json={
        "internet_message_id": "<logged-now@mail.test>", "conversation_id": "conv-9",
        "subject": "Pilot", "sent_at": "2026-11-20T10:00:00+00:00",
        "body": "Hi Ruth, I'll send the pilot plan by Tuesday.\n\nMaya",
        "sender": {"address": "maya@brightloop.io", "name": "Maya Okafor"},
        "to": [{"address": "ruth.hale@mail.kestrelfoods.co.uk", "name": "Ruth Hale"}]})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["status"] == "stored"
    story = client.get("/api/v1/story", headers=h,
                       query_string={"email": "ruth.hale@mail.kestrelfoods.co.uk"}).get_json()
    assert "send the pilot plan" in [c["action"] for c in story["commitments"]["ours"]]
