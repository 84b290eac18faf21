"""The seller's home, "My day", in headless Chromium: the task pane with no mail selected
(the browser preview plays Outlook), its search, and the Teams tab's home."""

from __future__ import annotations

import uuid
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


def test_the_teams_tab_lists_my_nudges_and_done_and_snooze_take_them_off(
        page: Any, live_server: Any) -> None:
    from datetime import UTC, datetime, time
    from typing import cast

    import sqlalchemy as sa

    from app import extensions
    from app.graph.service import Graph
    from app.prep.models import Nudge
    from app.prep.nudges import NudgeOptions, seller_round
    from app.records.models import User
    from tests.world import TENANT_A

    db = extensions.database(live_server.app)
    with db.session() as s:
        maya = s.scalar(sa.select(User).where(User.tenant_id == TENANT_A,
                                              User.email == MAYA[1]))
        assert maya is not None
        s.expunge(maya)
    # a round outside the working hours finds Maya's nudges and holds them: nothing is sent
    # (so no Graph is needed), and the tab lists them to act on
    report = seller_round(db, cast(Graph, None), maya, datetime.now(UTC),
                          NudgeOptions(hours=(time(0), time(0))))
    assert report.found >= 2 and report.sent == 0
    page.goto(f"/teams/tab?user={MAYA[1]}")
    mine = page.locator("#nudges-mine")
    mine.locator(".nudge").first.wait_for()
    count = mine.locator(".nudge").count()
    assert count == report.found
    first, second = (mine.locator(".nudge").nth(i) for i in (0, 1))
    done_id = first.get_attribute("data-nudge-id")
    snoozed_id = second.get_attribute("data-nudge-id")
    assert first.locator(".day-reason").inner_text()  # each says why

    first.get_by_role("button", name="Done", exact=False).first.click()
    page.locator("#status", has_text="Done.").wait_for()
    mine.locator(f'.nudge[data-nudge-id="{snoozed_id}"]').get_by_role(
        "button", name="Snooze", exact=False).click()
    page.locator("#status", has_text="Snoozed.").wait_for()
    page.reload()
    mine.locator(".day-head").wait_for()
    left = {mine.locator(".nudge").nth(i).get_attribute("data-nudge-id")
            for i in range(mine.locator(".nudge").count())}
    assert done_id not in left and snoozed_id not in left and len(left) == count - 2
    with db.session() as s:
        rows = {str(n.id): n for n in s.scalars(sa.select(Nudge).where(
            Nudge.id.in_([uuid.UUID(str(done_id)), uuid.UUID(str(snoozed_id))])))}
    assert rows[str(done_id)].status == "done"
    assert rows[str(snoozed_id)].status == "snoozed"
    assert rows[str(snoozed_id)].snoozed_until > datetime.now(UTC)
