"""The pane's thread toggle in headless Chromium: Maya shares the thread of the open email
with the team, and Tom then reads its words; she makes it private, and it is gone for him."""

from __future__ import annotations

from typing import Any

import pytest

from app import extensions as context
from tests.outlook.test_pane_browser import open_preview, select

pytestmark = pytest.mark.browser
BUDGET = "Our budget is EUR 50,000"


def toms_story(live_server: Any) -> str:
    """Jonas's story as Tom, who was not on Maya's thread, reads it through the API."""
    app = live_server.app
    tom = live_server.world.users["tom@brightloop.io"]
    signer = context.signer(app)
    token = signer.mint(tenant_id=tom.tenant_id, oid=tom.oid, username=tom.email,
                        name=tom.display_name)
    resp = app.test_client().get("/api/v1/story?email=jonas.weber@harbourline-freight.com",
                                 headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_sharing_a_thread_from_the_pane_and_making_it_private(page: Any,
                                                              live_server: Any) -> None:
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    toggle = pane.locator("select[aria-label='Who sees this thread']")
    toggle.wait_for()
    assert toggle.input_value() == "default"
    assert "the team sees the subject" in toggle.inner_text()
    assert BUDGET not in toms_story(live_server)

    toggle.select_option("shared")
    pane.locator(".toast", has_text="Thread shared with the team").wait_for()
    assert BUDGET in toms_story(live_server)

    pane.locator("select[aria-label='Who sees this thread']").select_option("private")
    pane.locator(".toast", has_text="Thread private to you").wait_for()
    seen = toms_story(live_server)
    assert BUDGET not in seen and "Harbourline proposal" not in seen
    # Maya, whose mailbox holds it, still sees all of it
    assert BUDGET in pane.locator("section[aria-labelledby=h-signals]").inner_text()
