"""The story that agrees with itself, in the real task pane (headless Chromium): a stale
promise listed apart and dated from the pane (still dated after a reload), the ball's reason,
what was said under each timeline item, "Show more" beyond six signals, and the account's
people, engaged and mentioned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import extensions as context
from app.records.inputs import CommitmentIn, SignalIn
from app.records.record import record_interaction
from tests.outlook.test_pane_browser import open_preview, select
from tests.world import JONAS, MAYA, TENANT_A, mail

pytestmark = pytest.mark.browser
KINDS = ("pricing", "timeline", "procurement", "expansion", "need", "positive_intent",
         "competitor", "decision_maker")


def _more_story(live_server: Any) -> None:
    """An undated promise of Maya's from 20 days ago, and one mail of Jonas's with eight
    signals (a competitor and the CFO's sign-off among them)."""
    now = datetime.now(UTC)
    maya = live_server.world.users[MAYA[1]]
    text = "We compare offers. Corvane too. Our CFO has to sign off."
    signals = tuple(SignalIn(kind=k, value="Corvane" if k == "competitor" else "cfo"
                             if k == "decision_maker" else k, text=text, start=0,
                             end=len(text), confidence=0.8) for k in KINDS)
    with context.database(live_server.app).session() as s:
        for item in (
            mail("paper", now - timedelta(days=20), MAYA, [JONAS], subject="Security questions",
                 body="I'll send the security whitepaper.", mailbox=maya,
                 commitments=(CommitmentIn(kind="promise", owner="sender",
                                           action="send the security whitepaper", due=None,
                                           text="I'll send the security whitepaper.", start=0,
                                           end=35),)),
            mail("offers", now - timedelta(days=4), JONAS, [MAYA], subject="Offers",
                 body=text, mailbox=maya, signals=signals),
        ):
            assert record_interaction(s, tenant_id=TENANT_A, item=item).status == "stored"


def test_the_pane_tells_a_story_that_agrees_with_itself(page: Any, live_server: Any) -> None:
    _more_story(live_server)
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    # the undated promise from 20 days ago is listed apart, not as overdue
    stale = pane.locator("ul.stale-list li", has_text="send the security whitepaper")
    assert "No date, 20 days old — set a due date or close it" in stale.inner_text()
    assert "Overdue" not in stale.inner_text()
    assert "send the revised quote" not in pane.locator("ul.stale-list").inner_text()
    # the seller dates it: it joins the dated list, and stays dated after a reload
    pane.get_by_role("button", name="Set due date: send the security whitepaper").click()
    day = (datetime.now(UTC) + timedelta(days=5)).date()
    pane.locator("input[type=date][aria-label='Due date: send the security whitepaper']").fill(
        day.isoformat())
    pane.get_by_role("button", name="Save").click()
    pane.locator(".toast", has_text="Due ").wait_for()
    assert pane.locator("ul.stale-list").count() == 0
    dated = pane.locator("#commitment-list li", has_text="send the security whitepaper")
    assert "Due " in dated.inner_text() and "No date" not in dated.inner_text()

    page.reload()
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    dated = pane.locator("#commitment-list li", has_text="send the security whitepaper")
    assert "Due " in dated.inner_text() and pane.locator("ul.stale-list").count() == 0
    # the ball is with us, and the pane says why
    deals = pane.locator("section[aria-labelledby=h-deals]").inner_text()
    assert "Ball in your court: We owe an overdue promise: send the revised quote" in deals
    # the health badge is not Good beside an overdue promise of ours
    assert "Good ·" not in pane.locator(".glance").inner_text()
    # what was said, under the subject
    items = pane.locator("section[aria-labelledby=h-timeline] li", has_text="Harbourline proposal")
    snippets = [items.nth(n).locator(".snippet").inner_text() for n in range(items.count())]
    assert snippets == ["Could you send the signed MSA? Our budget is EUR 50,000 for this year.",
                        "Hi Jonas, thanks for the call. I'll send the revised quote by Friday."]
    # ten signals: six shown, risk first; "Show more" brings the rest, the competitor too
    signals = pane.locator("section[aria-labelledby=h-signals]")
    assert signals.locator(".list li").count() == 6
    assert signals.locator(".list li").first.locator(".kind").inner_text().lower() == "risk"
    signals.get_by_role("button", name="Show more (4)").click()
    assert signals.locator(".list li").count() == 10
    assert "Corvane" in signals.inner_text()
    # the account's people: engaged with counts, and the CFO mentioned
    people = pane.locator("section[aria-labelledby=h-stakeholders]")
    text = people.inner_text()
    assert "people at harbourline freight" in text.lower()
    assert "Jonas Weber" in text and "Elena Marsh" in text and "from them" in text
    assert "CFO" in people.locator("ul[aria-labelledby=h-mentioned]").inner_text()
