"""The real task pane in the browser preview, in headless Chromium: what a seller sees beside
an email, what they change from it, compose mode, and the signed-out state."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PANE = "#pane"


def open_preview(page: Any) -> Any:
    """Opens the preview and waits for the inbox and the pane's first render."""
    page.goto("/")
    page.locator(".msg").first.wait_for()
    pane = page.frame_locator(PANE)
    pane.locator("main#pane[data-item]").wait_for()
    return pane


def write_email(page: Any, to: str, message: str, subject: str = "") -> None:
    """Starts a new email in the preview and types it (the pane goes to compose mode)."""
    page.get_by_role("button", name="New email").click()
    form = page.get_by_role("form", name="New email")
    form.get_by_role("textbox", name="To").fill(to)
    if subject:
        form.get_by_role("textbox", name="Subject").fill(subject)
    form.get_by_role("textbox", name="Message").fill(message)


def select(page: Any, pane: Any, text: str, state: str = "ready") -> Any:
    """Clicks the message containing ``text`` and waits until the pane has rendered it."""
    message = page.locator(".msg", has_text=text).first
    message.click()
    item_id = message.get_attribute("data-id")
    pane.locator(f'main#pane[data-state="{state}"][data-item="{item_id}"]').wait_for()
    return pane


def test_the_pane_tells_the_story_of_the_sender(page: Any) -> None:
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    assert pane.locator("#contact-name").inner_text() == "Jonas Weber"
    card = pane.locator(".card").first.inner_text()
    assert "Head of Logistics IT" in card and "Harbourline Freight" in card
    ours = pane.locator("#commitment-list")
    assert "send the revised quote" in ours.inner_text()
    assert "Overdue" in ours.inner_text()
    # keyboard: arrow right moves to what they owe us
    pane.locator("#tab-ours").focus()
    page.keyboard.press("ArrowRight")
    assert pane.locator("#tab-theirs").get_attribute("aria-selected") == "true"
    assert "confirm the delivery dates" in pane.locator("#commitment-list").inner_text()
    highlighted = pane.locator("section[aria-labelledby=h-signals] mark")
    assert "Our budget is EUR 50,000" in highlighted.all_inner_texts()
    stage = pane.locator("select[aria-label='Stage of Harbourline fleet rollout']")
    assert stage.input_value() == "proposal"
    assert pane.locator("ul[aria-label='Why this score'] li").count() >= 1
    team = pane.locator("section[aria-labelledby=h-team]").inner_text()
    assert "Maya Okafor" in team and "Tom Brandt" in team
    assert "Same person as" in card  # the second address of Jonas is suggested for a merge


def test_selecting_another_email_follows_the_selection(page: Any) -> None:
    pane = open_preview(page)
    select(page, pane, "Delivery delays")
    assert pane.locator("#contact-name").inner_text() == "Elena Marsh"
    assert "Harbourline Freight" in pane.locator(".card").first.inner_text()
    risk = pane.locator("section[aria-labelledby=h-signals] li", has_text="Risk")
    assert "may put the project on hold" in risk.first.inner_text()


def test_marking_done_and_changing_the_stage_persist(page: Any) -> None:
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    pane.get_by_role("button", name="Mark done: send the revised quote").click()
    pane.locator(".toast", has_text="Marked done").wait_for()
    stage = pane.locator("select[aria-label='Stage of Harbourline fleet rollout']")
    stage.select_option("negotiation")
    pane.locator(".toast", has_text="moved to Negotiation").wait_for()

    page.reload()
    pane = open_preview(page)
    select(page, pane, "Could you send the signed MSA")
    assert "send the revised quote" not in pane.locator("#commitment-list").inner_text()
    stage = pane.locator("select[aria-label='Stage of Harbourline fleet rollout']")
    assert stage.input_value() == "negotiation"


def test_compose_mode_shows_the_promise_being_made(page: Any) -> None:
    pane = open_preview(page)
    write_email(page, "jonas.weber@harbourline-freight.com",
                "Hi Jonas,\n\nThanks for your time today. I'll send the revised quote by Friday."
                "\n\nMaya", subject="Next steps")
    card = pane.locator(".promise[data-kind=promise]")
    card.wait_for()
    assert "You are promising send the revised quote" in card.inner_text()
    assert card.locator("mark").inner_text() == "I'll send the revised quote by Friday."
    card.get_by_role("button", name="Track it").click()
    pane.locator(".promise.tracked").wait_for()


def test_a_story_still_loading_does_not_cover_the_draft(page: Any) -> None:
    """The seller selects an email and starts a new one before its story has arrived: the
    late story must not replace the draft's promises in the pane."""
    pane = open_preview(page)
    held: list[Any] = []
    page.route("**/api/v1/story?*", lambda route: held.append(route))  # answered when released
    with page.expect_request("**/api/v1/story?*"):
        page.locator(".msg", has_text="Delivery delays").first.click()
    write_email(page, "jonas.weber@harbourline-freight.com",
                "I'll send the revised quote by Friday.")
    pane.locator(".promise[data-kind=promise]").wait_for()

    story = held[0].request
    if story.failure is None:  # not abandoned by the pane: let it arrive, and see what it does
        with page.expect_event("requestfinished", lambda r: r is story):
            held[0].continue_()
    # the pane gets its chance to (wrongly) draw the story: one more round of its event loop
    pane.locator("main#pane").evaluate("() => new Promise((ok) => setTimeout(ok, 300))")
    assert pane.locator("main#pane").get_attribute("data-state") == "compose"
    assert pane.locator(".promise[data-kind=promise]").count() == 1
    assert pane.locator("#contact-name").count() == 0
    page.unroute("**/api/v1/story?*")


def test_an_expired_token_shows_the_signed_out_state(page: Any, live_server: Any) -> None:
    world = live_server.world
    maya = world.users["maya@brightloop.io"]
    from app import extensions as context

    signer = context.signer(live_server.app)
    expired = signer.mint(tenant_id=maya.tenant_id, oid=maya.oid, username=maya.email,
                          name=maya.display_name, ttl=60, now=time.time() - 3600)

    def pane_gets_an_expired_token(route: Any) -> None:
        if "/taskpane/" in route.request.frame.url:
            route.fulfill(status=200, content_type="application/json", body=json.dumps(
                {"token": expired, "expires_in": 60, "user": {"email": maya.email}}))
        else:
            route.continue_()

    page.route("**/preview/token", pane_gets_an_expired_token)
    page.goto("/")
    pane = page.frame_locator(PANE)
    signed_out = pane.locator('main#pane[data-state="signed-out"]')
    signed_out.wait_for()
    assert "Your session has expired" in signed_out.inner_text()
    page.unroute("**/preview/token")
    pane.get_by_role("button", name="Sign in").click()
    pane.locator('main#pane[data-state="ready"]').wait_for()
    assert pane.locator("#contact-name").count() == 1
