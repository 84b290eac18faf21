"""Delta paging, calendarView windows and injected faults behave as Graph documents them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.dev.standin.testing import control
from tests.standin.conftest import MAYA

INBOX = f"/users/{MAYA}/mailFolders/inbox/messages/delta()"


def test_pages_follow_maxpagesize_and_select_and_echo_the_preference(graph):
    answer = graph("GET", INBOX + "?$select=subject,internetMessageHeaders",
                   headers={"Prefer": 'odata.maxpagesize=7, outlook.body-content-type="text"'})
    page = answer.json()
    assert answer.status_code == 200 and len(page["value"]) == 7
    assert answer.headers["Preference-Applied"] == \
        'odata.maxpagesize=7, outlook.body-content-type="text"'
    assert set(page["value"][0]) <= {"@odata.type", "@odata.etag", "id", "subject",
                                     "internetMessageHeaders"}
    assert "$skiptoken=" in page["@odata.nextLink"]


def test_html_bodies_come_as_text_when_asked(graph):
    page = graph("GET", INBOX + "?$select=body", headers={
        "Prefer": 'odata.maxpagesize=100, outlook.body-content-type="text"'}).json()
    assert {m["body"]["contentType"] for m in page["value"]} == {"text"}
    assert not any("<p class" in m["body"]["content"] for m in page["value"])


def test_calendar_view_delta_needs_a_window_and_keeps_to_it(graph):
    missing = graph("GET", f"/users/{MAYA}/calendarView/delta")
    assert missing.status_code == 400 and missing.json()["error"]["code"]
    page = graph("GET", f"/users/{MAYA}/calendarView/delta?startDateTime=2026-11-22T00:00:00Z"
                 "&endDateTime=2026-12-03T00:00:00Z",
                 headers={"Prefer": "odata.maxpagesize=100"}).json()
    starts = [e["start"]["dateTime"] for e in page["value"]]
    assert starts and all("2026-11-22" <= s < "2026-12-03" for s in starts)
    assert "@odata.deltaLink" in page


def test_an_expired_delta_token_is_gone_with_the_restart_location(standin, graph):
    page = graph("GET", INBOX, headers={"Prefer": "odata.maxpagesize=500"}).json()
    control(standin, "POST", "/expire-tokens", json={"mailbox": MAYA})
    gone = graph("GET", page["@odata.deltaLink"])
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "syncStateNotFound"
    assert gone.headers["Location"].endswith("/messages/delta")


def test_throttling_and_outage_answer_with_retry_after(standin, graph):
    control(standin, "POST", "/faults", json={"throttle": {"count": 1, "retry_after": "2.128"},
                                               "unavailable": {"count": 0}})
    throttled = graph("GET", INBOX)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2.128"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    control(standin, "POST", "/faults", json={"unavailable": {"count": 1, "retry_after": "3"}})
    down = graph("GET", INBOX)
    assert down.status_code == 503 and down.headers["Retry-After"] == "3"
    assert graph("GET", INBOX).status_code == 200


def test_a_dropped_connection_breaks_the_page_mid_body(standin, graph):
    control(standin, "POST", "/faults", json={"drop": {"count": 1}})
    with pytest.raises(requests.exceptions.RequestException):
        graph("GET", INBOX, headers={"Prefer": "odata.maxpagesize=50"}).json()
    assert graph("GET", INBOX).status_code == 200


def test_more_than_four_concurrent_requests_per_mailbox_are_throttled(standin, graph):
    control(standin, "POST", "/faults", json={"slow": {"seconds": 0.4}})
    with ThreadPoolExecutor(max_workers=7) as pool:
        answers = list(pool.map(lambda _: graph("GET", INBOX), range(7)))
    rejected = [a for a in answers if a.status_code == 429]
    assert rejected and rejected[0].json()["error"]["code"] == "ApplicationThrottled"
    assert "MailboxConcurrency" in rejected[0].json()["error"]["message"]
    snapshot = control(standin, "GET", "/calls")
    assert snapshot["max_in_flight"][MAYA] == 4
    assert sum(a.status_code == 200 for a in answers) == 4


def test_a_moved_message_leaves_the_inbox_round_as_removed(standin, graph):
    page = graph("GET", INBOX, headers={"Prefer": "odata.maxpagesize=500"}).json()
    victim = page["value"][0]["id"]
    moved = control(standin, "POST", f"/mailboxes/{MAYA}/items/{victim}/move",
                    json={"folder": "archive"})["resource"]
    changes = graph("GET", page["@odata.deltaLink"]).json()["value"]
    assert changes == [{"@odata.type": "#microsoft.graph.message", "id": victim,
                        "@removed": {"reason": "deleted"}}]
    assert moved["id"] != victim
    assert graph("GET", f"/users/{MAYA}/messages/{moved['id']}").status_code == 200
    missing = graph("GET", f"/users/{MAYA}/messages/{victim}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ErrorItemNotFound"


def test_a_dropped_connection_really_drops_mid_body(standin, app_token):
    import socket
    import ssl

    control(standin, "POST", "/faults", json={"drop": {"count": 1}})
    host, port = standin.graph_url.split("//")[1].split("/")[0].split(":")
    tls = ssl.create_default_context(cafile=str(standin.ca_path))
    with tls.wrap_socket(socket.create_connection((host, int(port)), timeout=10),
                         server_hostname=host) as sock:
        sock.sendall(f"GET /v1.0{INBOX} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer "
                     f"{app_token}\r\nPrefer: odata.maxpagesize=50\r\n\r\n".encode())
        got = b""
        while part := sock.recv(65536):  # ends: the server cut the connection
            got += part
    head, _, body = got.partition(b"\r\n\r\n")
    declared = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")))
    assert 0 < len(body) < declared  # half a page, then nothing
    assert control(standin, "GET", "/calls")["counters"]["dropped"] == 1


def test_a_mailbox_is_served_only_to_its_own_tenants_app_token(standin, http, graph):
    other = "0f0f0f0f-1111-4222-8333-444455556666"
    answer = http.post(f"{standin.base_url}/{other}/oauth2/v2.0/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": "storyline-sync",
        "client_secret": "s3cret", "scope": "https://graph.microsoft.com/.default"})
    token = answer.json()["access_token"]
    refused = graph("GET", INBOX, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ErrorAccessDenied"
    assert graph("GET", INBOX).status_code == 200  # the sample tenant's own token


def test_added_mailboxes_serve_their_first_items_and_a_bad_entry_adds_none(standin, http,
                                                                          graph):
    new = "ada.quinn@lumenfield.io"
    first = {"folder": "sentitems", "resource": {
        "subject": "Welcome pack", "internetMessageId": "<welcome-1@lumenfield.io>",
        "sentDateTime": "2026-11-20T09:00:00Z", "receivedDateTime": "2026-11-20T09:00:00Z",
        "from": {"emailAddress": {"address": new}},
        "toRecipients": [{"emailAddress": {"address": "li.park@orbitfen.example"}}]}}
    bad = http.post(f"{standin.base_url}/_standin/mailboxes", timeout=10, json={"mailboxes": [
        {"address": new, "items": [first]},
        {"address": "bo.reyes@lumenfield.io", "items": [{"folder": "outbox"}]}]})
    assert bad.status_code == 400 and "Unknown folder" in bad.json()["error"]["message"]
    assert graph("GET", f"/users/{new}/mailFolders/sentitems/messages/delta()"
                 ).status_code == 404  # nothing was added
    added = control(standin, "POST", "/mailboxes", json={"mailboxes": [
        {"address": new, "displayName": "Ada Quinn", "items": [first]}]})
    assert added == {"added": 1, "items": 1}
    page = graph("GET", f"/users/{new}/mailFolders/sentitems/messages/delta()").json()
    assert [m["subject"] for m in page["value"]] == ["Welcome pack"]
    assert graph("GET", f"/users/{new}/mailFolders/inbox/messages/delta()").json()["value"] == []
    listed = {b["address"]: b for b in control(standin, "GET", "/mailboxes")["value"]}
    assert listed[new]["displayName"] == "Ada Quinn"
