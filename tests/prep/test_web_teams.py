"""The prep API, the Teams tab and panel pages, the local preview of sent cards, and the
prep-cards command."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.prep.deliver import send_due_cards
from tests.prep.meetings import customer_meeting, meeting
from tests.world import JONAS, MAYA


@pytest.fixture
def teams_app(app: Flask) -> Flask:
    """The app (Teams pages, the prep API and the prep-cards command are always wired)."""
    return app


@pytest.fixture
def soon(teams_app: Flask, db: Any, world: Any, now: datetime) -> Any:
    """A customer meeting in 50 minutes (Maya, Tom, Jonas, Elena)."""
    with db.session() as s:
        return customer_meeting(s, now)


def test_the_prep_api_needs_a_signed_in_seller(teams_app: Flask, client: FlaskClient,
                                               soon: Any) -> None:
    answer = client.get(f"/api/v1/prep?meeting_id={soon}")
    assert answer.status_code == 401 and answer.json["error"]["code"] == "missing_token"


def test_the_prep_api_gives_the_card_of_a_meeting(teams_app: Flask, client: FlaskClient,
                                                  auth: Any, soon: Any,
                                                  assert_valid_card: Any) -> None:
    answer = client.get(f"/api/v1/prep?meeting_id={soon}", headers=auth(MAYA[1]))
    assert answer.status_code == 200, answer.json
    assert answer.json["title"] == "Harbourline: rollout review"
    assert answer.json["time_zone"] == "Europe/Berlin"
    assert set(answer.json["attendees"]) == {JONAS[1], "elena.marsh@harbourline-freight.com"}
    assert_valid_card(answer.json["card"])
    assert f"/teams/tab?meeting_id={soon}" in json.dumps(answer.json["card"])


def test_the_panel_asks_for_the_meeting_the_seller_is_in(
        teams_app: Flask, client: FlaskClient, auth: Any, db: Any, world: Any,
        now: datetime) -> None:
    with db.session() as s:
        running = meeting(s, "now", now - timedelta(minutes=10), MAYA, [JONAS], minutes=60)
        customer_meeting(s, now, minutes_ahead=120, key="later")
    answer = client.get("/api/v1/prep?current=1", headers=auth(MAYA[1]))
    assert answer.status_code == 200 and answer.json["meeting_id"] == str(running)
    upcoming = client.get("/api/v1/prep/upcoming", headers=auth(MAYA[1])).json["meetings"]
    assert [m["meeting_id"] for m in upcoming][:1] == [str(running)] and len(upcoming) == 2


@pytest.mark.parametrize("query,status", [
    ("meeting_id=not-a-uuid", 400), ("", 400),
    ("meeting_id=01234567-89ab-7def-8123-456789abcdef", 404),
])
def test_the_prep_api_refuses_what_it_cannot_answer(teams_app: Flask, client: FlaskClient,
                                                    auth: Any, soon: Any, query: str,
                                                    status: int) -> None:
    assert client.get(f"/api/v1/prep?{query}", headers=auth(MAYA[1])).status_code == status


def test_another_tenant_cannot_read_the_prep(teams_app: Flask, client: FlaskClient,
                                             auth: Any, soon: Any) -> None:
    answer = client.get(f"/api/v1/prep?meeting_id={soon}", headers=auth("lea@corvane.com"))
    assert answer.status_code == 404


@pytest.mark.parametrize("path", ["/teams/tab", "/teams/panel"])
def test_the_tab_and_panel_load_only_local_scripts_and_may_be_framed_by_teams(
        teams_app: Flask, client: FlaskClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    scripts += re.findall(r'data-teams-js="([^"]+)"', html)  # loaded when framed by Teams
    assert len(scripts) == 5 and all(s.startswith("/teams/static/") for s in scripts)  # + day.js
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://teams.microsoft.com" in csp
    assert "script-src 'self';" in csp
    for script in scripts:
        with client.get(script) as asset:  # closes the file send_from_directory opened
            assert asset.status_code == 200 and asset.mimetype == "text/javascript"


def test_the_preview_lists_the_cards_the_standin_recorded(
        teams_app: Flask, client: FlaskClient, db: Any, graph: Any, standin: Any,
        soon: Any, now: datetime) -> None:
    settings = teams_app.config["STORYLINE"]
    teams_app.config["STORYLINE"] = settings.with_overrides(
        graph_base_url=standin.graph_url, graph_ca_bundle=str(standin.ca_path))
    send_due_cards(db, graph, now)
    with db.session() as s:  # a morning ahead with this meeting, whatever the clock says now
        customer_meeting(s, now, minutes_ahead=2 * 24 * 60, key="later")
    page = client.get("/prep")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers[
        "Content-Security-Policy"]
    sent = json.loads(re.search(r'<script type="application/json" id="sent">(.*?)</script>',
                                html, re.S).group(1))  # type: ignore[union-attr]
    assert len(sent) == 2 and {s["mailbox"] for s in sent} == {MAYA[1], "tom@brightloop.io"}
    assert all(s["card"]["type"] == "AdaptiveCard" and s["status"] == "sent" for s in sent)
    # the next morning digests are shown too, before they go out
    coming = json.loads(re.search(r'<script type="application/json" id="coming">(.*?)</script>',
                                  html, re.S).group(1))  # type: ignore[union-attr]
    assert {c["mailbox"] for c in coming} == {MAYA[1], "tom@brightloop.io"}
    assert all(c["status"] == "not sent yet" and "Harbourline" in json.dumps(c["card"])
               for c in coming)


def test_prep_cards_writes_the_cards_without_sending(
        teams_app: Flask, soon: Any, tmp_path: Path, assert_valid_card: Any) -> None:
    runner = teams_app.test_cli_runner()
    result = runner.invoke(args=["prep-cards", "--user", MAYA[1], "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.json")
    assert str(soon) in written.name
    assert_valid_card(json.loads(written.read_text(encoding="utf-8")))
    both = runner.invoke(args=["prep-cards", "--meeting", str(soon), "--out",
                               str(tmp_path / "both")])
    assert both.exit_code == 0 and len(list((tmp_path / "both").glob("*.json"))) == 2
    missing = runner.invoke(args=["prep-cards", "--meeting",
                                  "01234567-89ab-7def-8123-456789abcdef", "--out",
                                  str(tmp_path / "none")])
    assert missing.exit_code != 0 and "no such meeting" in missing.output


def test_prep_cards_writes_each_sellers_next_digest(
        teams_app: Flask, db: Any, world: Any, now: datetime, tmp_path: Path,
        assert_valid_card: Any) -> None:
    with db.session() as s:
        customer_meeting(s, now, minutes_ahead=2 * 24 * 60)
    runner = teams_app.test_cli_runner()
    result = runner.invoke(args=["prep-cards", "--user", MAYA[1], "--digests",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (digest,) = tmp_path.glob("digest-*.json")
    card = json.loads(digest.read_text(encoding="utf-8"))
    assert_valid_card(card)
    assert "Storyline morning digest" in json.dumps(card) and "1 meeting" in result.output
