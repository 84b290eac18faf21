"""Retention: after STORYLINE_RETENTION_DAYS the words go and the story keeps its shape (when,
who, subject, the short form of each promise and signal)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from app import extensions as context
from app.jobs.periodic import PERIODIC
from app.jobs.tasks import JOBS, drop_old_text
from app.records.models import Commitment, Interaction, Signal

MAYA = "maya@brightloop.io"


class _Ctx:
    """The slice of a job context the retention job reads."""

    def __init__(self, app: Flask, days: int) -> None:
        self.settings = app.config["STORYLINE"].with_overrides(retention_days=days)
        self.db = context.database(app)


def test_old_text_goes_and_the_short_form_stays(app: Flask, client: Any, auth: Any,
                                                world: Any) -> None:
    # the world's mail is 1 to 10 days old: a 4-day retention drops the older half
    result = JOBS["drop_old_text"](_Ctx(app, 4))  # type: ignore[arg-type]
    assert result["status"] == "done" and result["interactions"] >= 3
    with context.database(app).sessionmaker() as s:
        proposal = s.scalars(sa.select(Interaction).where(
            Interaction.subject == "Harbourline proposal")).first()
        promise = s.scalars(sa.select(Commitment).where(
            Commitment.action == "send the revised quote")).one()
        budget = s.scalars(sa.select(Signal).where(Signal.kind == "budget")).one()
        risk = s.scalars(sa.select(Signal).where(Signal.kind == "risk")).one()
    assert proposal is not None and proposal.snippet == "" and proposal.body_text is None
    assert promise.text == "" and promise.due_on is not None and promise.status == "open"
    assert budget.text == "" and budget.value == {"amount": 50000, "currency": "EUR"}
    assert risk.text == "may put the project on hold"  # two days old: kept
    story = client.get("/api/v1/story?email=jonas.weber@harbourline-freight.com",
                       headers=auth(MAYA)).get_json()
    subjects = {t["subject"] for t in story["timeline"]["items"]}
    assert "Harbourline proposal" in subjects


def test_retention_is_off_by_default_and_runs_hourly(app: Flask, world: Any) -> None:
    assert drop_old_text(_Ctx(app, 0)) == {"status": "off"}  # type: ignore[arg-type]
    assert PERIODIC["retention"].job == "drop_old_text"
    with context.database(app).sessionmaker() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Interaction).where(
            Interaction.snippet != "")) > 0
