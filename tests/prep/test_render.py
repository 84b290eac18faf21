"""The Teams tab, the meeting panel and the preview render the card in headless Chromium
with the vendored Adaptive Cards renderer, and "Mark done" on the card closes a promise."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from app import extensions as context
from app.db import make_engine
from app.dev import create_app
from app.migrate import upgrade
from app.records.models import Commitment
from tests.prep.meetings import customer_meeting, meeting
from tests.world import ELENA, JONAS, MAYA, TENANT_A, build_world

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    """The app with the Teams pages on SQLite behind a werkzeug thread."""
    folder: Path = tmp_path_factory.mktemp("render")
    url = f"sqlite:///{folder / 'storyline.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    flask_app = create_app({"database_url": url, "instance_path": folder})
    httpd = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", flask_app
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)
    context.database(flask_app).dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (never a downloaded browser)."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def scene(server: tuple[str, Flask]) -> dict[str, Any]:
    """The invented world, a customer meeting in 50 minutes, and a token for Maya."""
    _url, flask_app = server
    now = datetime.now(UTC).replace(microsecond=0)
    with context.database(flask_app).session() as s:
        world = build_world(s, now)
        meeting_id = customer_meeting(s, now)
    user = world.users[MAYA[1]]
    signer = context.signer(flask_app)
    assert signer is not None
    token = signer.mint(tenant_id=user.tenant_id, oid=user.oid, username=user.email,
                        name=user.display_name)
    return {"meeting_id": meeting_id, "token": token}


@pytest.fixture
def page(browser: Any, server: tuple[str, Flask]) -> Iterator[Any]:
    """A fresh page; console errors are collected in ``page.errors``."""
    ctx = browser.new_context(viewport={"width": 900, "height": 1000}, base_url=server[0])
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    pg.errors = []
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def test_the_tab_renders_the_meetings_prep_card_and_the_story(page: Any,
                                                             scene: dict[str, Any]) -> None:
    page.goto(f"/teams/tab?meeting_id={scene['meeting_id']}#token={scene['token']}")
    card = page.locator("#card .ac-adaptiveCard")
    card.wait_for()
    text = card.inner_text()
    for expected in ("Harbourline: rollout review", "What changed since the last meeting",
                     "Jonas Weber", "send the revised quote", "Suggested agenda"):
        assert expected in text, expected
    assert "**" not in text and "1\\." not in text  # markdown is rendered, not shown
    assert page.locator("#card strong", has_text="Jonas Weber").count() == 1
    assert page.locator("#card button", has_text="Open the full story").count() == 1
    page.locator("#story h2").first.wait_for()
    assert "The story with" in page.locator("#story").inner_text()
    assert "#token" not in page.url  # the token leaves the address bar at once
    assert page.errors == []


def test_mark_done_on_the_card_closes_our_promise(page: Any, scene: dict[str, Any],
                                                  server: tuple[str, Flask]) -> None:
    page.goto(f"/teams/tab?meeting_id={scene['meeting_id']}#token={scene['token']}")
    page.locator("#card .ac-adaptiveCard").wait_for()
    before = page.locator("#card button", has_text="Mark done").count()
    page.locator("#card button", has_text="Mark done").first.click()
    page.locator("#status", has_text="Marked done.").wait_for()
    assert page.locator("#card button", has_text="Mark done").count() == before - 1
    with context.database(server[1]).session() as s:
        done = s.scalars(sa.select(Commitment.action).where(
            Commitment.tenant_id == TENANT_A, Commitment.status == "done")).all()
    assert len(done) == 1


def test_the_tab_home_lists_meetings_and_the_panel_shows_the_current_one(
        page: Any, scene: dict[str, Any]) -> None:
    page.goto(f"/teams/tab#token={scene['token']}")
    page.locator(".meeting", has_text="Harbourline: rollout review").click()
    page.locator("#card .ac-adaptiveCard").wait_for()
    page.goto(f"/teams/panel#token={scene['token']}")
    page.locator("#card .ac-adaptiveCard", has_text="Harbourline: rollout review").wait_for()
    assert page.errors == []


def test_the_preview_page_shows_the_next_morning_digests_rendered(
        page: Any, scene: dict[str, Any], server: tuple[str, Flask]) -> None:
    _url, flask_app = server
    with context.database(flask_app).session() as s:  # a morning ahead with this meeting
        customer_meeting(s, datetime.now(UTC).replace(microsecond=0),
                         minutes_ahead=2 * 24 * 60, key="in-two-days")
    settings = flask_app.config["STORYLINE"]
    # no Graph stand-in runs beside this server: the page says so and still shows digests
    flask_app.config["STORYLINE"] = settings.with_overrides(graph_base_url="http://127.0.0.1:9/v1.0")
    try:
        page.goto("/prep")
        digest = page.locator("#coming-digests .sent-card", has_text=MAYA[1])
        digest.locator(".ac-adaptiveCard").wait_for()
        text = digest.inner_text()
        assert "Storyline morning digest" in text and "Harbourline" in text
        assert "goes out" in text
        assert "did not answer" in page.locator("#status").inner_text()
        assert page.errors == []
    finally:
        flask_app.config["STORYLINE"] = settings


def test_the_panel_shows_the_teams_meeting_it_is_open_in(page: Any, scene: dict[str, Any],
                                                          server: tuple[str, Flask]) -> None:
    chat = "19:meeting_cGFuZWwtdGVzdC1zZWN1cml0eS1yZXZpZXc@thread.v2"
    with context.database(server[1]).session() as s:
        meeting(s, "security-review", datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3),
                MAYA, [JONAS, ELENA], subject="Harbourline: security review", teams_thread=chat)
    # Teams gives the panel the meeting chat's id (here in the address, as outside Teams)
    page.goto(f"/teams/panel?chat_id={chat}#token={scene['token']}")
    page.locator("#card .ac-adaptiveCard", has_text="Harbourline: security review").wait_for()
    assert "Harbourline: rollout review" not in page.locator("#card").inner_text()
    assert page.errors == []
