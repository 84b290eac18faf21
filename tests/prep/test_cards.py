"""The prep card and the digest are valid Adaptive Cards 1.5 whatever the record holds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.prep.cards import DONE_VERB, MAX_ATTENDEES, digest_card, prep_card
from app.prep.text import clip
from app.prep.types import (
    AttendeePrep,
    CommitmentPrep,
    DayDigest,
    DealPrep,
    DigestEntry,
    MeetingPrep,
    SignalPrep,
)

TZ = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
LONG = "We need to talk about the delivery delays again because " * 40

BASE = MeetingPrep(meeting_id="m1", title="Harbourline: rollout review", starts_at=START,
                   ends_at=START.replace(hour=10, minute=45), time_zone="Europe/Berlin",
                   seller_name="Maya Okafor", story_url="https://storyline.test/teams/tab?m=1")
FULL = replace(
    BASE, account_name="Harbourline Freight", health="fair (55)",
    attendees=(AttendeePrep("Jonas Weber", "jonas@harbourline.test", "Head of Logistics IT",
                            "Decision maker", "Email from them, 3 days ago",
                            ("you (5)", "Tom Brandt (2)")),),
    story=("Last met 14 Nov.", "Deal still in proposal.", "New: risk."),
    commitments=(CommitmentPrep("c1", "us", "promise", "send the revised quote",
                                date(2026, 11, 20), True),
                 CommitmentPrep("c2", "them", "promise", "confirm delivery dates",
                                date(2026, 11, 26), False, "Jonas Weber")),
    signals=(SignalPrep("budget", "EUR 50,000", "Our budget is EUR 50,000", date(2026, 11, 13)),
             SignalPrep("competitor", "Corvane", "we are also talking to Corvane",
                        date(2026, 11, 15))),
    deal=DealPrep("Harbourline fleet rollout", "proposal", 12, "ours", "EUR 48,000",
                  date(2026, 12, 20)),
    open_questions=(CommitmentPrep("q1", "us", "request", "send the signed MSA"),),
    agenda=("Update them on the quote", "Agree next steps"),
)

CASES = {
    "a full card": FULL,
    "an empty account: first meeting, nothing on record": replace(BASE, story=()),
    "no deal": replace(FULL, deal=None),
    "many attendees": replace(FULL, attendees=tuple(
        AttendeePrep(f"Person {i}", f"p{i}@harbourline.test", "Engineer") for i in range(40))),
    "long texts everywhere": replace(
        FULL, title=LONG, account_name=LONG, story=(LONG, LONG, LONG, LONG), health=LONG,
        attendees=tuple(AttendeePrep(LONG, "x@y.test", LONG, LONG, LONG, (LONG,) * 9)
                        for _ in range(9)),
        commitments=tuple(CommitmentPrep(f"c{i}", "us" if i % 2 else "them", "promise", LONG,
                                         date(2026, 11, 1), True, LONG) for i in range(30)),
        signals=tuple(SignalPrep("risk", LONG, LONG, date(2026, 11, 1)) for _ in range(30)),
        deal=DealPrep(LONG, "negotiation", 400, "theirs", LONG, None),
        open_questions=tuple(CommitmentPrep(f"q{i}", "us", "request", LONG) for i in range(9)),
        agenda=(LONG,) * 12),
    "markdown and quotes in customer text": replace(
        FULL, title="**Q4** [urgent] _review_ `now` \"quoted\" <b>html</b>"),
    "a cancelled meeting": replace(FULL, cancelled=True),
    "no link and no end time": replace(BASE, story_url=None, ends_at=None),
}


@pytest.mark.parametrize("prep", CASES.values(), ids=list(CASES))
def test_every_prep_card_is_a_valid_adaptive_card(prep: MeetingPrep,
                                                  assert_valid_card: Any) -> None:
    assert_valid_card(prep_card(prep))


def _texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_the_card_shows_the_meeting_in_the_sellers_time_zone_and_the_story() -> None:
    text = _texts(prep_card(FULL))
    assert "Tue 24 Nov, 10:00\u201310:45 (Europe/Berlin)" in text
    for expected in ("Harbourline Freight", "Head of Logistics IT", "Decision maker",
                     "you (5)", "send the revised quote", "**Overdue**", "EUR 50,000",
                     "Proposal", "Ours: they are waiting on us", "send the signed MSA",
                     "Suggested agenda", "Open the full story"):
        assert expected in text, expected


def test_only_our_commitments_can_be_marked_done_from_the_card() -> None:
    card = prep_card(FULL)
    text = _texts(card)
    assert text.count(DONE_VERB) == 2  # our overdue promise and their unanswered question
    assert '"commitmentId": "c1"' in text and '"commitmentId": "q1"' in text
    assert '"commitmentId": "c2"' not in text


def test_long_texts_are_cut_at_a_word_with_an_ellipsis_and_lists_say_how_many_more() -> None:
    card = prep_card(CASES["long texts everywhere"])
    text = _texts(card)
    assert "\u2026" in text and LONG not in text
    assert "+24 more commitments" in text and "+5 more questions" in text
    title = card["body"][0]["items"][1]["text"]
    assert len(title) <= 120 and title.endswith("\u2026") and not title.endswith(" \u2026")
    many = _texts(prep_card(CASES["many attendees"]))
    assert f"Person {MAX_ATTENDEES - 1}" in many and f"Person {MAX_ATTENDEES}\"" not in many
    assert f"+{40 - MAX_ATTENDEES} more attendees" in many


def test_customer_markdown_is_shown_as_written() -> None:
    title = prep_card(CASES["markdown and quotes in customer text"])["body"][0]["items"][1]["text"]
    assert title.startswith(r"\*\*Q4\*\* \[urgent\] \_review\_ \`now\`")


@pytest.mark.parametrize("text,limit,expected", [
    ("short", 10, "short"),
    ("  spaced \n\n out  ", 20, "spaced out"),
    ("send the revised quote by Friday", 20, "send the revised\u2026"),
    ("Supercalifragilisticexpialidocious", 10, "Supercali\u2026"),
    (None, 5, ""),
])
def test_clip(text: str | None, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


def test_the_digest_is_a_valid_card_listing_the_days_meetings(assert_valid_card: Any) -> None:
    entries = tuple(DigestEntry(f"m{i}", f"Meeting {i}", START.replace(hour=8 + i % 10),
                                "Harbourline Freight", ("Jonas Weber", "Elena Marsh") * 3,
                                "Overdue: send the revised quote", f"https://s.test/tab?m={i}")
                    for i in range(15))
    card = digest_card(DayDigest("Maya Okafor", date(2026, 11, 24), "Europe/Berlin", entries))
    assert_valid_card(card)
    text = _texts(card)
    assert "Tuesday 24 November" in text and "+3 more meetings" in text and "+2" in text
    assert_valid_card(digest_card(DayDigest("Maya", date(2026, 11, 24), "UTC", entries[:1])))


def test_the_schema_check_would_catch_a_broken_card(card_schema: Any) -> None:
    card = prep_card(FULL)
    card["body"][1]["colour"] = "red"  # a typo of a property: the 1.5 schema is strict
    assert list(card_schema.iter_errors(card))


def test_the_agenda_leaves_room_for_their_questions_when_much_is_overdue() -> None:
    from app.prep.narrative import agenda

    late = [CommitmentPrep(f"c{i}", "us", "promise", f"task {i}", date(2026, 11, i + 1), True)
            for i in range(6)]
    items = agenda(commitments=late, questions=list(FULL.open_questions), signals=[],
                   deal=FULL.deal)
    assert items[:2] == ("Update them on: task 0 (was due 1 Nov)",
                         "Update them on: task 1 (was due 2 Nov)")
    assert "Agree new dates for 4 more overdue promises" in items
    assert "Answer their question: send the signed MSA" in items
    assert len(items) == 5 and items[-1] == "Agree next steps, owners and dates"


def test_one_hidden_item_is_counted_in_the_singular() -> None:
    from app.prep.cards import _more

    assert _more(1, "commitments")[0]["text"] == "+1 more commitment"
    assert _more(2, "commitments")[0]["text"] == "+2 more commitments"
    assert _more(0, "commitments") == []
