"""The prep card shows what the seller tracks, never the extraction's unsure suggestions:
an unsure overdue request is not on the card until the seller says "Track it"."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from app import extensions as context
from app.records.record import record_interaction
from tests.prep.test_pane_prep_api import prep, qbr  # noqa: F401  (the meeting fixture)
from tests.world import JONAS, MAYA, TENANT_A, suggestions_mail


def _card(client: FlaskClient, h: dict[str, str], meeting: uuid.UUID) -> str:
    answer = prep(client, h, meeting_id=str(meeting))
    assert answer.status_code == 200, answer.json
    return json.dumps(answer.json["card"])


def test_an_unshown_commitment_is_not_on_the_card_until_tracked(
        app: Any, client: FlaskClient, auth: Any, world: Any, now: datetime,
        qbr: uuid.UUID) -> None:  # noqa: F811
    with context.database(app).session() as s:
        record_interaction(s, tenant_id=TENANT_A, item=suggestions_mail(now, world.users[MAYA[1]]))
        s.commit()
    h = auth(MAYA[1])
    card = _card(client, h, qbr)
    assert "send the revised quote" in card  # what she tracks is there
    assert "pallet sensors" not in card and "depot team" not in card
    assert "depot trial" not in card and "Expansion" not in card  # nor the unsure signal
    story = client.get("/api/v1/story", query_string={"email": JONAS[1]}, headers=h).get_json()
    ask = next(c for c in story["commitments"]["ours"]
               if c["action"] == "look at the pallet sensors")
    assert client.patch(f"/api/v1/commitments/{ask['id']}", json={"shown": True},
                        headers=h).status_code == 200
    assert "pallet sensors" in _card(client, h, qbr)
