"""Suggestions in the pane, in headless Chromium: what the extraction was unsure of is not
in the lists nor their counts; "Suggestions (2)" reveals it, "Track it" moves one into the
list, "Not a promise" dismisses the other, and both answers hold after a reload."""

from __future__ import annotations

from typing import Any

import pytest

from app import extensions as context
from app.records.record import record_interaction
from tests.outlook.test_pane_browser import open_preview, select
from tests.world import MAYA, TENANT_A, suggestions_mail

pytestmark = pytest.mark.browser

ASK = "look at the pallet sensors"  # a request to us, overdue
OFFER = "ask our depot team about a trial"  # a promise of theirs


def _record_the_vague_mail(live_server: Any) -> None:
    world = live_server.world
    with context.database(live_server.app).session() as s:
        outcome = record_interaction(s, tenant_id=TENANT_A,
                                     item=suggestions_mail(world.now, world.users[MAYA[1]]))
        assert outcome.status == "stored"
        s.commit()


def _lists(pane: Any) -> str:
    """Both open lists' text (we owe, they owe)."""
    texts = []
    for tab in ("#tab-ours", "#tab-theirs"):
        pane.locator(tab).click()
        texts.append(pane.locator("#commitment-list").inner_text())
    return "\n".join(texts)


def test_a_seller_tracks_one_suggestion_and_dismisses_the_other(page: Any,
                                                                live_server: Any) -> None:
    _record_the_vague_mail(live_server)
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    lists = _lists(pane)
    assert ASK not in lists and OFFER not in lists
    assert pane.locator("#tab-ours").inner_text() == "We owe (2)"  # quote and MSA
    assert pane.locator(".glance .badge.danger").inner_text() == "1 overdue"
    signals = pane.locator("section[aria-labelledby=h-signals]")
    assert "depot trial" not in signals.inner_text()
    signals.get_by_role("button", name="Possible signals (1)").click()
    assert "depot trial" in pane.locator("#possible-signals").inner_text()

    pane.get_by_role("button", name="Suggestions (2)").click()
    suggestions = pane.locator("#suggestion-list")
    ask = suggestions.locator("li", has_text=ASK)
    offer = suggestions.locator("li", has_text=OFFER)
    assert "Is this a request?" in ask.inner_text()
    assert "Maybe you could look at the pallet sensors" in ask.inner_text()
    assert "Is this a promise?" in offer.inner_text()

    ask.get_by_role("button", name=f"Track it: {ASK}").click()
    pane.locator(".toast", has_text="Tracking").wait_for()
    assert pane.locator("#tab-ours").get_attribute("aria-selected") == "true"
    assert ASK in pane.locator("#commitment-list").inner_text()
    assert pane.locator("#tab-ours").inner_text() == "We owe (3)"
    assert pane.locator(".glance .badge.danger").inner_text() == "2 overdue"
    assert suggestions.locator("li").count() == 1

    offer.get_by_role("button", name=f"Not a promise: {OFFER}").click()
    pane.locator(".toast", has_text="Dismissed").wait_for()
    assert pane.locator("#suggestion-list").count() == 0
    assert pane.get_by_role("button", name="Suggestions (1)").count() == 0

    page.reload()
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    lists = _lists(pane)
    assert ASK in lists and OFFER not in lists
    # nowhere among the commitments (the mail itself stays in the timeline)
    assert OFFER not in pane.locator("section[aria-labelledby=h-commitments]").inner_text()
    assert pane.locator(".suggestions-toggle").count() == 0
