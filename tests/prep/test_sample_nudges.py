"""The sample company gives its sellers every kind of nudge: loaded the way ``make demo``
loads it (the stand-in's mailboxes through the real sync and extraction), one nudge round
sends each kind, and the ``/prep`` preview's list has them with their cards."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.db import Database, make_engine
from app.dev.demo import load_sample_company
from app.dev.sent_cards import listed_nudges
from app.dev.standin.testing import control, running_standin
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.service import Graph
from app.migrate import upgrade
from app.prep.models import NUDGE_KINDS, Nudge
from app.prep.nudges import NudgeOptions, send_nudges
from app.settings import ALWAYS, Secret, load_settings

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday morning


def test_a_nudge_round_on_the_loaded_sample_sends_every_kind(
        tmp_path: Path, assert_valid_card: Any) -> None:
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    settings = load_settings({"STORYLINE_DATABASE_URL": url,
                              "STORYLINE_INSTANCE_PATH": str(tmp_path)})
    with running_standin(now=NOW) as standin:
        load_sample_company(settings, db, now=NOW, standin=standin)
        config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                             client_id="storyline-nudges", client_secret=Secret("s3cret"),
                             verify=str(standin.ca_path), max_retries=1, max_retry_after=0.05)
        graph = Graph(config=config, tokens=GraphAuth(config).app_token_source)
        report = send_nudges(db, graph, NOW, options=NudgeOptions(hours=ALWAYS, daily_cap=25))
        notices = [t for t in control(standin, "GET", "/teams")["value"]
                   if t["kind"] == "activity" and t["body"]["activityType"] == "sellerNudge"]
    assert (report.failed, report.errors) == (0, 0) and report.sent == len(notices)
    with db.session() as s:
        kinds = Counter(s.scalars(sa.select(Nudge.kind).where(Nudge.status == "sent")))
        listed = listed_nudges(s)
    assert set(kinds) == set(NUDGE_KINDS), kinds
    assert {n.kind for n in listed} == set(NUDGE_KINDS)
    for n in listed:
        assert n.reason and n.mailbox.endswith("@lumenfield.io")
        assert_valid_card(n.card)
    db.dispose()
