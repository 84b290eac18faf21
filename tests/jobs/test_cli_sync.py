"""``flask sync`` and ``flask subscriptions`` from an operator's point of view."""

from __future__ import annotations

import pytest
from flask import Flask

from app import extensions
from app.cli import sync as cli_sync
from tests.graph.fakegraph import FakeGraph, at, message


@pytest.fixture
def cli(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app with the sync commands, whose jobs reach the fake Graph."""
    jobs = extensions.runner(app).context.get()  # type: ignore[attr-defined]
    monkeypatch.setattr(cli_sync, "_context", lambda extract: jobs)
    return app


def test_sync_backfills_a_mailbox_and_says_what_it_stored(cli: Flask, fake: FakeGraph) -> None:
    for i in range(12):
        fake.add("ann@ourteam.io", "sentitems", message(i, sender="ann@ourteam.io",
                                                        to=f"buyer{i}@acmeco.io", when=at(i)))
    result = cli.test_cli_runner().invoke(args=["sync", "--mailbox", "ann@ourteam.io",
                                                "--no-extract"])
    assert result.exit_code == 0, result.output
    assert "12 stored" in result.output
    again = cli.test_cli_runner().invoke(args=["sync", "--no-extract"])
    assert "0 stored" in again.output


def test_sync_refuses_an_unknown_mailbox(cli: Flask) -> None:
    result = cli.test_cli_runner().invoke(args=["sync", "--mailbox", "nobody@ourteam.io"])
    assert result.exit_code != 0 and "no synced mailbox" in result.output


def test_subscriptions_lists_each_mailbox_subscription(cli: Flask) -> None:
    result = cli.test_cli_runner().invoke(args=["subscriptions"])
    assert result.exit_code == 0
    assert "ann@ourteam.io" in result.output and "mailFolders('inbox')" in result.output


def test_sync_status_shows_each_folder_after_a_round(cli: Flask, fake: FakeGraph) -> None:
    fake.add("ann@ourteam.io", "inbox", message(1, sender="dana@acmeco.io", to="ann@ourteam.io",
                                               when=at(1)))
    cli.test_cli_runner().invoke(args=["sync", "--no-extract"])
    result = cli.test_cli_runner().invoke(args=["sync", "--status"])
    assert result.exit_code == 0
    assert "ann@ourteam.io" in result.output and "inbox" in result.output
    assert "current" in result.output
