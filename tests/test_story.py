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


def _declared(client: FlaskClient, path: str) -> Any:
    """The response schema the OpenAPI document declares for GET ``path``, with its parts."""
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return {"$ref": schema["schema"]["$ref"], "components": doc["components"]}


def test_every_story_answer_matches_the_declared_response_schema(client, auth, world) -> None:
    import json

    import jsonschema

    headers = auth("maya@brightloop.io")
    declared = _declared(client, "/api/v1/story")
    ref = declared["$ref"].replace("#/components/schemas/", "")
    schemas = declared["components"]["schemas"]
    # the document's refs point into components: resolve them in one registry
    root = {"$ref": f"#/$defs/{ref}", "$defs": {}}
    for name, body in schemas.items():
        root["$defs"][name] = body
    schema = json.loads(json.dumps(root).replace("#/components/schemas/", "#/$defs/"))
    answers = [
        story(client, headers, email="jonas.weber@harbourline-freight.com"),
        story(client, headers, email="someone.new@harbourline-freight.com"),  # account only
        story(client, headers,
              emails="jonas.weber@harbourline-freight.com,nobody@unknown-customer.com"),
    ]
    for body in answers:
        jsonschema.validate(body, schema)
    assert answers[1]["contact"] is None and answers[1]["address"].startswith("someone.new@")
    assert [s["found"] for s in answers[2]["stories"]] == [True, False]
    timeline = answers[0]["timeline"]["items"]
    assert all("from" in item and "from_" not in item for item in timeline)
