"""The customer story a seller sees beside an email."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def story(client: FlaskClient, headers: dict[str, str], **params: Any) -> Any:
    resp = client.get("/api/v1/story", query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_story_of_a_customer_shows_the_whole_relationship(client, auth, world) -> None:
    s = story(client, auth("maya@brightloop.io"), email="Jonas.Weber@Harbourline-Freight.com")
    assert s["contact"]["name"] == "Jonas Weber"
    assert s["contact"]["title"] == "Head of Logistics IT"  # from his signature
    assert s["account"]["name"] == "Harbourline Freight"
    subjects = [i["subject"] for i in s["timeline"]["items"]]
    assert subjects == ["Rollout plan", "Harbourline proposal", "Harbourline proposal"]
    assert [i["direction"] for i in s["timeline"]["items"]] == ["outbound", "inbound", "outbound"]
    ours = s["commitments"]["ours"]
    theirs = s["commitments"]["theirs"]
    # our promise is overdue and listed first; their request to us is ours to do, undated
    assert [c["action"] for c in ours] == ["send the revised quote", "send the signed MSA"]
    assert ours[0]["overdue"] is True and ours[1]["due_on"] is None
    assert [(c["action"], c["overdue"]) for c in theirs] == [("confirm the delivery dates", False)]
    assert s["commitments"]["overdue"] == 1
    deal = s["deals"][0]
    assert deal["name"] == "Harbourline fleet rollout" and deal["stage"] == "proposal"
    assert deal["days_in_stage"] >= 12
    assert [h["to"] for h in deal["stage_history"]] == ["lead", "qualified", "proposal"]
    assert {x["kind"] for x in s["signals"]} == {"budget", "risk"}
    team = {m["email"]: m["interactions"] for m in s["team"]}
    assert team == {"maya@brightloop.io": 3, "tom@brightloop.io": 1}
    assert 0 <= s["health"]["score"] <= 100
    assert {r["factor"] for r in s["health"]["reasons"]} >= {"recency", "reciprocity", "risks"}
