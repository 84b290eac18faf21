"""An auto-closed promise in the pane, in headless Chromium: Maya's later mail with the
revised quote attached closed her promise; the pane says "done · closed by" with the
evidence, she clicks Reopen, reloads, and the promise is open again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import extensions as context
from app.records.record import record_interaction
from tests.outlook.test_pane_browser import open_preview, select
from tests.world import JONAS, MAYA, TENANT_A, mail

pytestmark = pytest.mark.browser


def _deliver_the_quote(live_server: Any) -> None:
    """Maya's later mail in the thread, the revised quote attached (the real write path)."""
    maya = live_server.world.users[MAYA[1]]
    with context.database(live_server.app).session() as s:
        outcome = record_interaction(s, tenant_id=TENANT_A, item=mail(
            "quote-delivered", datetime.now(UTC) - timedelta(days=2), MAYA, [JONAS],
            subject="Harbourline proposal", mailbox=maya, thread="Harbourline proposal",
            body="Hi Jonas, as promised, here is the revised quote with the fleet discount.",
            attachments=("Harbourline_Quote_revised.pdf",)))
        assert outcome.status == "stored"
        s.commit()


def test_a_reopened_auto_closed_promise_is_open_after_a_reload(page: Any,
                                                               live_server: Any) -> None:
    _deliver_the_quote(live_server)
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    assert "send the revised quote" not in pane.locator("#commitment-list").inner_text()
    closed = pane.locator("li.closed-item", has_text="send the revised quote")
    closed.wait_for()
    text = closed.inner_text()
    assert "done · closed by Harbourline proposal" in text
    assert "here is the revised quote" in text or "Harbourline_Quote_revised.pdf" in text

    closed.get_by_role("button", name="Reopen: send the revised quote").click()
    pane.locator(".toast", has_text="Reopened").wait_for()
    assert "send the revised quote" in pane.locator("#commitment-list").inner_text()

    page.reload()
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    assert "send the revised quote" in pane.locator("#commitment-list").inner_text()
    assert pane.locator("li.closed-item").count() == 0
