"""Compose mode in headless Chromium: "Not a promise" is sent to Storyline, and when it cannot
be saved the seller is told so (the choice still holds for the draft)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app import extensions as context
from app.records.models.deals import DraftChoice, promise_text_key
from tests.outlook.test_pane_browser import open_preview, write_email

pytestmark = pytest.mark.browser

PROMISE = "I'll share the pilot plan by Thursday."


def write_draft(page: Any) -> Any:
    """Starts a new email promising the pilot plan; returns the promise's card in the pane."""
    pane = open_preview(page)
    write_email(page, "jonas.weber@harbourline-freight.com", f"Hi Jonas,\n\n{PROMISE}\n\nMaya",
                subject="Pilot")
    card = pane.locator(".promise[data-kind=promise]")
    card.wait_for()
    return pane


def choices(live_server: Any) -> list[tuple[str, str]]:
    with context.database(live_server.app).session() as s:
        return [(c.text_hash, c.choice) for c in s.scalars(sa.select(DraftChoice))]


def test_not_a_promise_is_saved_for_sync(page: Any, live_server: Any) -> None:
    pane = write_draft(page)
    pane.get_by_role("button", name="Not a promise").click()
    pane.locator(".toast", has_text="won't be tracked when you send").wait_for()
    assert pane.locator(".promise[data-kind=promise]").count() == 0
    assert choices(live_server) == [(promise_text_key(PROMISE), "ignore")]


def test_a_choice_that_cannot_be_saved_says_so(page: Any, live_server: Any) -> None:
    page.route("**/api/v1/drafts/choices", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": {"code": "unavailable", "message": "database down"}}'))
    pane = write_draft(page)
    pane.get_by_role("button", name="Not a promise").click()
    toast = pane.locator(".toast", has_text="not saved")
    toast.wait_for()
    assert pane.locator(".promise[data-kind=promise]").count() == 0  # kept for this draft
    assert choices(live_server) == []
    page.unroute("**/api/v1/drafts/choices")
    toast.get_by_role("button", name="Retry").click()
    pane.locator(".toast", has_text="won't be tracked when you send").wait_for()
    assert choices(live_server) == [(promise_text_key(PROMISE), "ignore")]
