"""A support mailbox's thread in the pane: the function on the timeline item, and the
account's open-threads line on the card (headless Chromium, the real pane)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import extensions as context
from app.records.record import record_interaction
from app.records.team_mailboxes import enrol_team_mailbox
from tests.outlook.test_pane_browser import open_preview, select
from tests.world import ELENA, TENANT_A, mail

pytestmark = pytest.mark.browser


def test_the_pane_shows_support_threads_with_their_function(page: Any, live_server: Any) -> None:
    now = datetime.now(UTC)
    with context.database(live_server.app).session() as s:
        box = enrol_team_mailbox(s, tenant_id=TENANT_A, address="support@brightloop.io",
                                 function="support")
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "lyon", now - timedelta(days=2), ELENA, [("Support", "support@brightloop.io")],
            subject="Outage in Lyon", body="Our drivers cannot see the trucks.", mailbox=box))
    pane = open_preview(page)
    select(page, pane, "We are unhappy with the delays")  # Elena's mail to Maya
    card = pane.locator(".card").first.inner_text()
    assert "Support: 1 open thread, 1 waiting on us (2 days)" in card
    timeline = pane.locator("section[aria-labelledby=h-timeline]").inner_text()
    assert "Support · Outage in Lyon" in timeline
