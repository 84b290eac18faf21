"""Fixtures for the browser tests: a live server (werkzeug thread, SQLite) and headless
Debian Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from app import extensions as context
from app.db import make_engine
from app.dev import create_app
from app.extensions import extractor
from app.migrate import upgrade
from tests.world import TENANT_A

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


class LiveServer:
    """The app served over HTTP on a free loopback port, with a way to rebuild its data."""

    def __init__(self, flask_app: Flask) -> None:
        self.app = flask_app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, flask_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.world: Any = None

    def reset(self) -> Any:
        """Empties the tables and records the invented world again (fresh for each test)."""
        from tests.conftest import _empty
        from tests.world import build_world

        _empty(context.database(self.app).engine)
        with context.database(self.app).session() as session:
            self.world = build_world(session, datetime.now(UTC).replace(microsecond=0))
        return self.world


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on SQLite behind a werkzeug server thread; stopped after the session."""
    folder: Path = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'storyline.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    flask_app = create_app({"database_url": url, "instance_path": folder,
                            "preview_tenant": str(TENANT_A)})  # the preview shows the world
    # compose mode loads spaCy on its first draft: load it now, so no test's wait for the
    # pane (10 s) includes the model load, whichever browser test happens to run first
    with extractor(flask_app).use():
        pass
    live = LiveServer(flask_app)
    live.thread.start()
    yield live
    live.server.shutdown()
    live.server.server_close()
    live.thread.join(timeout=5)
    context.database(flask_app).dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser). Per
    module: Playwright's sync API keeps an event loop running on this thread while it is
    open, and later tests that call asyncio.run (msgraph-sdk) must not find one."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser page on a freshly recorded world, 1400x900."""
    live_server.reset()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server.url)
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    ctx.close()
