"""The inline scheduler (periodic jobs without Celery) and the settings that choose it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.extensions import start_scheduler, stop_scheduler
from app.graph.config import GraphConfig
from app.jobs.celery_app import BEAT_SCHEDULE
from app.jobs.periodic import PERIODIC, Periodic
from app.jobs.scheduler import InlineScheduler
from app.settings import Settings, load_settings


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Recorder:
    """A runner that keeps what it was asked to run."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def enqueue(self, name: str, **kwargs: Any) -> None:
        self.jobs.append(name)


SCHEDULE = {"prep": Periodic("prep_round", timedelta(minutes=5), timedelta(seconds=5)),
            "renew": Periodic("renew_subscriptions", timedelta(minutes=30),
                              timedelta(minutes=1))}


@pytest.fixture
def made() -> Any:
    """Every scheduler a test makes, stopped afterwards (their lock files closed)."""
    schedulers: list[InlineScheduler] = []
    yield schedulers
    for scheduler in schedulers:
        scheduler.stop()


@pytest.fixture
def make(tmp_path: Path, made: list[InlineScheduler]) -> Any:
    """Makes a scheduler on the test's lock file, with a hand-moved clock."""

    def build(clock: Clock, runner: Any = None) -> InlineScheduler:
        scheduler = InlineScheduler(runner or Recorder(), lock_path=tmp_path / "scheduler.lock",
                                    periodic=SCHEDULE, clock=clock, tick=1.0)
        made.append(scheduler)
        return scheduler

    return build


def test_jobs_run_first_soon_after_start_then_every_period(make: Any) -> None:
    clock, runner = Clock(), Recorder()
    scheduler = make(clock, runner)
    assert scheduler.run_pending() == []  # just started: nothing is due yet
    clock.advance(5)
    assert scheduler.run_pending() == ["prep"]
    clock.advance(60)
    assert scheduler.run_pending() == ["renew"]
    clock.advance(3 * 60)
    assert scheduler.run_pending() == []
    clock.advance(60)  # five minutes after the first round
    assert scheduler.run_pending() == ["prep"]
    assert runner.jobs == ["prep_round", "renew_subscriptions", "prep_round"]


def test_a_long_pause_runs_a_job_once_not_once_per_missed_period(make: Any) -> None:
    clock, runner = Clock(), Recorder()
    scheduler = make(clock, runner)
    scheduler.run_pending()
    clock.advance(3 * 3600)  # the machine slept for three hours
    assert sorted(scheduler.run_pending()) == ["prep", "renew"]
    assert runner.jobs.count("prep_round") == 1
    assert 0 < scheduler.seconds_to_next() <= 1.0  # the tick caps the sleep


def test_one_process_leads_and_another_takes_over_when_it_stops(make: Any) -> None:
    clock = Clock()
    first, second = Recorder(), Recorder()
    leader, standby = make(clock, first), make(clock, second)
    leader.run_pending()
    assert leader.leading
    assert standby.run_pending() == [] and not standby.leading
    clock.advance(10)
    leader.run_pending()
    standby.run_pending()
    assert first.jobs == ["prep_round"] and second.jobs == []
    leader.stop()  # a worker exiting (or dying: the lock goes with the process)
    standby.run_pending()
    assert standby.leading
    clock.advance(5)  # the new leader carries on the schedule: prep ran 5 s ago
    assert standby.run_pending() == []
    clock.advance(5 * 60)
    assert standby.run_pending() == ["prep", "renew"]


def test_a_recycled_leader_keeps_the_schedule_so_a_long_period_still_comes_due(
        tmp_path: Path) -> None:
    # gunicorn recycles a worker every few thousand requests: under steady traffic each
    # leader lives 10 minutes, less than the 15 before the safety-net sync first comes due
    clock, runs = Clock(), Recorder()
    net = {"net": Periodic("safety_net", timedelta(minutes=15), timedelta(minutes=15))}
    for _worker in range(4):
        leader = InlineScheduler(runs, lock_path=tmp_path / "scheduler.lock", periodic=net,
                                 clock=clock, tick=1.0)
        for _minute in range(10):
            leader.run_pending()
            clock.advance(60)
        leader.stop()
    assert runs.jobs == ["safety_net", "safety_net"]  # at 15 and 30 minutes of the 40


def test_a_queue_that_fails_does_not_stop_the_schedule(make: Any,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def enqueue(self, name: str, **kwargs: Any) -> None:
            raise ConnectionError("broker down")

    clock = Clock()
    scheduler = make(clock, Broken())
    scheduler.run_pending()
    clock.advance(5)
    assert scheduler.run_pending() == ["prep"]
    assert "could not queue prep_round" in caplog.text


def test_celery_beat_and_the_inline_scheduler_share_one_schedule() -> None:
    assert {name: entry["schedule"] for name, entry in BEAT_SCHEDULE.items()} == \
        {name: p.every for name, p in PERIODIC.items()}
    assert PERIODIC["meeting-prep"].every == timedelta(minutes=5)


@pytest.mark.parametrize(("overrides", "inline"), [
    ({}, False),  # nothing to call Graph with: nothing to schedule
    ({"graph_client_id": "app"}, True),
    ({"entra_client_id": "app"}, True),
    ({"graph_client_id": "app", "broker_url": "redis://127.0.0.1:6379/0"}, False),  # beat
    ({"graph_client_id": "app", "scheduler": "off"}, False),
    ({"scheduler": "inline"}, True),
])
def test_the_scheduler_runs_inline_only_without_a_broker(overrides: dict[str, str],
                                                         inline: bool) -> None:
    assert Settings().with_overrides(**overrides).runs_inline_scheduler is inline


def test_a_scheduler_setting_that_is_not_known_is_refused() -> None:
    with pytest.raises(ValueError, match="STORYLINE_SCHEDULER must be one of"):
        load_settings({"STORYLINE_SCHEDULER": "cron"})


def test_graph_credentials_do_not_switch_the_api_to_entra_tokens() -> None:
    settings = load_settings({"STORYLINE_GRAPH_CLIENT_ID": "graph-app",
                              "STORYLINE_GRAPH_CLIENT_SECRET": "graph-secret",
                              "STORYLINE_GRAPH_AUTHORITY_HOST": "https://127.0.0.1:8443/"})
    assert not settings.uses_entra and settings.audience == settings.local_audience
    assert "graph-secret" not in repr(settings)
    config = GraphConfig.from_settings(settings)
    assert (config.client_id, config.client_secret.reveal(), config.authority_host) == \
        ("graph-app", "graph-secret", "https://127.0.0.1:8443")


def test_without_its_own_graph_app_graph_uses_the_entra_app() -> None:
    settings = load_settings({"STORYLINE_ENTRA_CLIENT_ID": "entra-app",
                              "STORYLINE_ENTRA_CLIENT_SECRET": "entra-secret"})
    config = GraphConfig.from_settings(settings)
    assert settings.uses_entra
    assert (config.client_id, config.client_secret.reveal(), config.authority_host) == \
        ("entra-app", "entra-secret", "https://login.microsoftonline.com")


def test_the_web_app_starts_no_scheduler_unless_its_settings_want_one(
        tmp_path: Path, made: list[InlineScheduler]) -> None:
    from app import create_app

    quiet = create_app({"database_url": f"sqlite:///{tmp_path / 'a.db'}",
                        "instance_path": tmp_path})
    assert start_scheduler(quiet) is None
    wanted = create_app({"database_url": f"sqlite:///{tmp_path / 'b.db'}",
                         "instance_path": tmp_path, "graph_client_id": "app",
                         "scheduler_tick": 3600})
    scheduler = start_scheduler(wanted)
    assert scheduler is not None and start_scheduler(wanted) is scheduler
    made.append(scheduler)
    stop_scheduler(wanted)
    assert not scheduler.leading
    stop_scheduler(object())  # gunicorn's hook on something that is not our app: no-op


def test_the_scheduler_command_refuses_without_a_graph_app(tmp_path: Path) -> None:
    from app import create_app

    app = create_app({"database_url": f"sqlite:///{tmp_path / 'c.db'}",
                      "instance_path": tmp_path})
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code != 0
    assert "no Graph app configured" in result.output
    assert not (tmp_path / "scheduler.lock").exists()
