"""The seller's home, "My day", in headless Chromium: the task pane with no mail selected
(the browser preview plays Outlook), its search, and the Teams tab's home."""

from __future__ import annotations

from typing import Any

import pytest

from tests.outlook.test_pane_browser import open_preview
from tests.world import MAYA

pytestmark = pytest.mark.browser


def test_with_no_mail_selected_the_pane_shows_my_day_and_finds_a_contact(
        page: Any) -> None:
    pane = open_preview(page)
    page.get_by_role("button", name="Clear selection").click()
    pane.locator('main#pane[data-state="home"][data-item=""][aria-busy="false"]').wait_for()
    ours = pane.locator("section[data-section=ours]")
    assert "send the revised quote" in ours.inner_text()
    assert "Jonas Weber" in ours.inner_text() and "Overdue" in ours.inner_text()
    waiting = pane.locator("section[data-section=unanswered]").inner_text()
    assert "Harbourline proposal" in waiting
    # the empty search box lists the most active customers, Jonas first
    first = pane.locator("#home-results-list li").first
    assert "Jonas Weber" in first.inner_text()

    pane.get_by_role("searchbox", name="Search contacts and accounts").fill("hale")
    pane.locator("#h-results", has_text="Results").wait_for()  # the answer to the typing
    hit = pane.get_by_role("button", name="Open the story of Ruth Hale")
    assert "Jonas Weber" not in pane.locator("#home-results-list").inner_text()
    hit.click()
    pane.locator('main#pane[data-state="ready"] #contact-name', has_text="Ruth Hale").wait_for()
    assert "Kestrel" in pane.locator(".card").first.inner_text()
    pane.get_by_role("button", name="← My day").click()
    pane.locator('main#pane[data-state="home"] section[data-section=ours]').wait_for()

    # an item of the day opens its customer's story
    pane.locator("section[data-section=ours] button", has_text="send the revised quote").click()
    pane.locator("#contact-name", has_text="Jonas Weber").wait_for()
    assert "send the revised quote" in pane.locator("#commitment-list").inner_text()


def test_the_teams_tab_home_shows_my_day(page: Any, live_server: Any) -> None:
    page.goto(f"/teams/tab?user={MAYA[1]}")
    day = page.locator("#day")
    day.locator("section[data-section=ours] .day-item").first.wait_for()
    assert "My day" in day.inner_text()
    assert "send the revised quote" in day.locator("section[data-section=ours]").inner_text()
    assert "Harbourline proposal" in day.locator("section[data-section=unanswered]").inner_text()
    day.locator("section[data-section=ours] button", has_text="send the revised quote").click()
    page.locator("#story h2", has_text="The story with Jonas Weber").wait_for()
    assert "contact_id=" in page.url
