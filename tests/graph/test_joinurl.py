"""The Teams meeting chat id read from an event's join link (what the side panel matches)."""

from __future__ import annotations

import pytest

from app.graph.fastjson import meeting_from_json
from app.graph.joinurl import teams_thread_id

JOIN = ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzI4YTk1ZjMtZWE3Ny00ZDAz"
        "LTg4NmItZTc1Y2E4N2YxYjU0%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d")


def test_the_chat_id_of_a_teams_join_link() -> None:
    assert teams_thread_id(JOIN) == (
        "19:meeting_NzI4YTk1ZjMtZWE3Ny00ZDAzLTg4NmItZTc1Y2E4N2YxYjU0@thread.v2")
    assert teams_thread_id(JOIN.replace("%3a", ":").replace("%40", "@")).startswith("19:meeting_")


@pytest.mark.parametrize("url", [
    None, "", "not a url", "https://zoom.example.com/j/123456",
    "http://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0",  # not https
    "https://teams.microsoft.com/l/meetup-join/20%3ameeting_x%40thread.v2/0",
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%3Cscript%3E%40thread.v2/0",
    "https://teams.microsoft.com/l/meetup-join/19%3a" + "a" * 5000 + "%40thread.v2/0",
])
def test_anything_else_has_no_chat_id(url: str | None) -> None:
    assert teams_thread_id(url) is None


def test_the_event_reader_keeps_the_join_link() -> None:
    event = {"id": "AAMk1", "iCalUId": "ical-1", "subject": "Pilot review",
             "onlineMeeting": {"joinUrl": JOIN}}
    assert meeting_from_json(event).join_url == JOIN
    assert meeting_from_json({**event, "onlineMeeting": None}).join_url is None
    assert meeting_from_json({**event, "onlineMeeting": "junk"}).join_url is None


def test_both_event_readers_keep_the_join_link() -> None:
    from tests.graph.test_examples import fetch

    delta = "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=x"
    body = {"@odata.deltaLink": delta,
            "value": [{"id": "AAMk1", "iCalUId": "ical-1", "subject": "Pilot review",
                       "isOnlineMeeting": True, "onlineMeeting": {"joinUrl": JOIN}}]}
    sdk = fetch(body, calendar=True, parser="sdk")
    assert sdk.items[0].join_url == JOIN
    assert fetch(body, calendar=True, parser="json") == sdk
