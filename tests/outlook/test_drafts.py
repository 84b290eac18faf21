"""Compose mode: the promises in a draft come back with their due dates and evidence."""

from __future__ import annotations

DRAFT = ("Hi Jonas,\n\nThanks for the call today. I'll send the revised quote by Friday. "
         "Could you send the signed MSA?\n\nBest,\nMaya")


def test_a_promise_in_the_draft_comes_back_with_its_due_date_and_words(client, auth) -> None:
    resp = client.post("/api/v1/drafts/analyze", headers=auth("maya@brightloop.io"), json={
        "subject": "Proposal", "body": DRAFT, "to": ["jonas.weber@harbourline-freight.com"],
        "sent_at": "2026-11-23T09:00:00+01:00", "time_zone": "Europe/Berlin"})
    assert resp.status_code == 200, resp.get_json()
    found = resp.get_json()
    promise = found["promises"][0]
    assert promise["action"] == "send the revised quote"
    assert promise["due"] == "2026-11-27"  # the Friday after Monday 23 November
    assert found["text"][promise["start"]:promise["end"]] == promise["text"]
    assert [r["action"] for r in found["requests"]] == ["send the signed MSA"]


def test_a_draft_without_promises_says_so(client, auth) -> None:
    resp = client.post("/api/v1/drafts/analyze", headers=auth("maya@brightloop.io"),
                       json={"body": "Lovely to meet you yesterday."})
    assert resp.status_code == 200 and resp.get_json()["promises"] == []


def test_drafts_need_a_token_and_a_body(client, auth) -> None:
    resp = client.post("/api/v1/drafts/analyze", json={"body": DRAFT})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "missing_token"
    bad = client.post("/api/v1/drafts/analyze", headers=auth("maya@brightloop.io"),
                      json={"subject": "no body"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_request"
