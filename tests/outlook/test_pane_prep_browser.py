"""The task pane beside an appointment, in headless Chromium through the browser preview
(the Office stand-in plays Outlook): the meeting's prep card on top, rendered by the vendored
Adaptive Cards renderer under the pane's own Content-Security-Policy, its actions working in
the pane, and a short line while calendar sync has not recorded the meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app import extensions as context
from app.records.models import Commitment
from tests.outlook.test_pane_browser import open_preview, select
from tests.prep.test_pane_prep_api import synced_meeting
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM

pytestmark = pytest.mark.browser

CARD = ".prep .ac-adaptiveCard"


def watch(page: Any) -> list[str]:
    """Console errors and uncaught errors of the page and the pane (a CSP refusal is one)."""
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def record(live_server: Any, key: str, subject: str, graph_id: str | None,
           hours: float = 1) -> None:
    """A customer meeting in Maya's calendar, as calendar sync records it."""
    world = live_server.world
    with context.database(live_server.app).session() as s:
        synced_meeting(s, key, datetime.now(UTC) + timedelta(hours=hours), MAYA,
                       [JONAS, ELENA, TOM], mailbox=world.users[MAYA[1]], graph_id=graph_id,
                       subject=subject)


def open_qbr(page: Any, live_server: Any) -> Any:
    """Maya's synced customer meeting in an hour, selected in the preview; the pane."""
    record(live_server, "qbr", "Harbourline: rollout review", "AAMk-maya-qbr")
    pane = open_preview(page)
    select(page, pane, "Harbourline: rollout review")
    return pane


def test_an_appointment_shows_its_prep_card_above_the_story(page: Any,
                                                            live_server: Any) -> None:
    errors = watch(page)
    pane = open_qbr(page, live_server)
    card = pane.locator(CARD)
    card.wait_for()
    text = card.inner_text()
    for expected in ("Harbourline: rollout review", "Who is coming", "Jonas Weber",
                     "send the revised quote", "Suggested agenda"):
        assert expected in text, expected
    assert "**" not in text  # the card's markdown is rendered, not shown
    # the card sits above the people's story, which is still there
    assert pane.locator("#pane > .prep + *").count() == 1
    assert pane.locator("#contact-name").inner_text() == "Elena Marsh"  # first attendee
    # "Open the full story" stays in the pane: it goes to the story below
    pane.locator(".prep button", has_text="Open the full story").click()
    pane.locator("#contact-name:focus").wait_for()
    assert page.url.endswith("/") and "/teams/tab" not in page.frames[1].url
    assert errors == []


def test_mark_done_on_the_card_closes_the_promise_everywhere(page: Any,
                                                             live_server: Any) -> None:
    errors = watch(page)
    pane = open_qbr(page, live_server)
    pane.locator(CARD).wait_for()
    pane.get_by_role("tab", name="Jonas Weber").click()  # the story of Jonas below the card
    assert "send the revised quote" in pane.locator("#commitment-list").inner_text()
    before = pane.locator(".prep button", has_text="Mark done").count()
    row = pane.locator(".prep .ac-columnSet", has_text="send the revised quote")
    row.locator("button", has_text="Mark done").click()
    pane.locator(".toast", has_text="Marked done").wait_for()
    pane.locator(f'{CARD}:not(:has-text("send the revised quote"))').wait_for()
    assert pane.locator(".prep button", has_text="Mark done").count() == before - 1
    # the story below drops it too, and the record has it done
    assert "send the revised quote" not in pane.locator("#commitment-list").inner_text()
    with context.database(live_server.app).session() as s:
        done = s.scalars(sa.select(Commitment.action).where(
            Commitment.tenant_id == TENANT_A, Commitment.status == "done")).all()
    assert done == ["send the revised quote"]
    assert errors == []


def test_mark_done_in_the_story_updates_the_card(page: Any, live_server: Any) -> None:
    pane = open_qbr(page, live_server)
    pane.locator(CARD, has_text="send the revised quote").wait_for()
    pane.get_by_role("tab", name="Jonas Weber").click()
    pane.get_by_role("button", name="Mark done: send the revised quote").click()
    pane.locator(f'{CARD}:not(:has-text("send the revised quote"))').wait_for()
    assert "Harbourline: rollout review" in pane.locator(CARD).inner_text()


def test_an_appointment_not_synced_yet_gets_a_short_line(page: Any, live_server: Any) -> None:
    # in Maya's calendar, but without the Graph id calendar sync would have stored
    record(live_server, "fresh", "Harbourline: kickoff", None, hours=3)
    errors = watch(page)
    pane = open_preview(page)
    select(page, pane, "Harbourline: kickoff")
    note = pane.locator('.prep[data-prep="not-synced"]')
    note.wait_for()
    assert "once Storyline has synced this meeting" in note.inner_text()
    assert pane.locator(CARD).count() == 0
    assert pane.locator("#contact-name").inner_text() == "Elena Marsh"  # the story is there
    # an email has no prep section at all
    select(page, pane, "Could you send the signed MSA")
    assert pane.locator(".prep").count() == 0
    assert [e for e in errors if "404" not in e] == []  # the browser logs the API's 404


def test_the_sellers_own_meeting_opens_in_organizer_mode_with_its_prep(page: Any,
                                                                       live_server: Any) -> None:
    """Maya organizes the meeting, so Outlook opens it editable (organizer mode, where every
    field is read asynchronously): the pane still shows its prep and the attendees' story."""
    pane = open_qbr(page, live_server)
    assert page.evaluate("StorylinePreviewHost.current().mode") == "organizer"
    assert "Who is coming" in pane.locator(CARD).inner_text()
    assert pane.locator("#contact-name").inner_text() == "Elena Marsh"


def test_a_meeting_a_customer_organizes_shows_its_prep_in_read_mode(page: Any,
                                                                   live_server: Any) -> None:
    world = live_server.world
    with context.database(live_server.app).session() as s:
        synced_meeting(s, "theirs", datetime.now(UTC) + timedelta(hours=2), JONAS, [MAYA, ELENA],
                       mailbox=world.users[MAYA[1]], graph_id="AAMk-maya-theirs",
                       subject="Harbourline: security review")
    errors = watch(page)
    pane = open_preview(page)
    select(page, pane, "Harbourline: security review")
    assert page.evaluate("StorylinePreviewHost.current().mode") == "read"
    card = pane.locator(CARD)
    card.wait_for()
    assert "Harbourline: security review" in card.inner_text()
    assert pane.locator("#contact-name").inner_text() == "Jonas Weber"  # the organizer first
    assert errors == []


def test_planning_a_new_meeting_follows_the_attendees_as_they_are_typed(page: Any) -> None:
    errors = watch(page)
    pane = open_preview(page)
    page.get_by_role("button", name="New meeting").click()
    form = page.get_by_role("form", name="New meeting")
    form.get_by_role("textbox", name="Title").fill("Harbourline: pricing call")
    attendees = form.get_by_role("textbox", name="Required attendees")
    attendees.fill("jonas.weber@harbourline-freight.com")
    attendees.press("Tab")  # Outlook tells the pane when the attendees change
    pane.locator("#contact-name", has_text="Jonas Weber").wait_for()
    note = pane.locator('.prep[data-prep="not-synced"]')
    assert "once you send the invitation" in note.inner_text()
    assert "send the revised quote" in pane.locator("#commitment-list").inner_text()

    attendees.fill("jonas.weber@harbourline-freight.com, elena.marsh@harbourline-freight.com")
    attendees.press("Tab")
    pane.get_by_role("tab", name="elena.marsh@harbourline-freight.com").wait_for()
    assert pane.get_by_role("tab", name="Jonas Weber").count() == 1  # named from the record
    assert pane.locator("#contact-name").inner_text() == "Jonas Weber"
    assert [e for e in errors if "404" not in e] == []
