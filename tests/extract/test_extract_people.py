"""People named with their role in the new part of a mail (issue 15, item 6), for the account's
stakeholders: each form, and the near misses that must give nothing.

Every person and company here is invented.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.extract import EmailIn, Extractor
from app.extract.people import find_people, is_role

FOUND = [
    # Name (Role)
    ("Zeynep Fontaine (Finance Business Partner) will join the call on Thursday.",
     [("Zeynep Fontaine", "Finance Business Partner")]),
    ("Priya Halvorsen (Senior Analyst) and Jonas Brandvik (VP of Sales) will be there.",
     [("Priya Halvorsen", "Senior Analyst"), ("Jonas Brandvik", "VP of Sales")]),
    # Name, our/their/the Role,
    ("I spoke with Marek Olsby, our head of procurement, about the order form.",
     [("Marek Olsby", "head of procurement")]),
    ("We met Tomas Reyland, the new account manager, yesterday.",
     [("Tomas Reyland", "new account manager")]),
    # Name, Role at/of Company
    ("Please loop in Ines Carvalhal, Procurement Lead at Tallow Ridge Foods, before Friday.",
     [("Ines Carvalhal", "Procurement Lead")]),
    # our/their Role, Name,
    ("Our CFO, Dana Whitlocke, has to sign off on the budget.", [("Dana Whitlocke", "CFO")]),
    ("Their general counsel, Ruth Abernathy will review the MSA.",
     [("Ruth Abernathy", "general counsel")]),
    # Role Name, with a strong title
    ("CFO Bram Kellering wants the revised quote by Monday.", [("Bram Kellering", "CFO")]),
    ("Our Finance Director Lena Parkhurst approved it.",
     [("Lena Parkhurst", "Finance Director")]),
]

NOTHING = [
    "Hi Anna,\nThanks for the call.",  # a greeting names the reader, no role
    "Hi Anna Lindqvist (CFO),\nthanks for the call.",  # a greeting line, whatever it holds
    "Northwind Traders (Procurement Lead) sent the form.",  # a company, not a person
    "Project Phoenix (Lead Engineer) kicks off next week.",  # a project
    "The Steering Committee (Chair) met on Monday.",
    "Lena Parkhurst (see attached) sent the deck.",  # no title word in the brackets
    "Tomas Reyland, our head of procurement will join next week.",  # the role runs on
    "Brightwater Analytics, their preferred vendor, is cheaper.",  # no title, a company
    "> Zeynep Fontaine (Finance Business Partner) will join.",  # quoted text
    "Lena Parkhurst (the person who called about the invoice last week) rang.",  # too long
    "Manager Lena Parkhurst is away.",  # "manager" is no strong title before a name
    "Anna Lindqvist, our friend from the conference, says hello.",  # no title word
]


@pytest.mark.parametrize(("text", "people"), FOUND)
def test_each_form_gives_the_person_and_their_role(text: str,
                                                   people: list[tuple[str, str]]) -> None:
    found = find_people(text)
    assert [(p.name, p.role) for p in found] == people
    for p in found:  # the span holds the words that say it
        assert p.name in text[p.start : p.end] and p.role in text[p.start : p.end]


@pytest.mark.parametrize("text", NOTHING)
def test_near_misses_give_no_one(text: str) -> None:
    assert find_people(text) == []


def test_a_known_account_or_competitor_is_never_a_person() -> None:
    text = "Harbour Ridge (Procurement Partner) sent the form."
    assert [p.name for p in find_people(text)] == ["Harbour Ridge"]
    assert find_people(text, organisations=["Harbour Ridge"]) == []


def test_the_senders_own_name_is_not_a_mention() -> None:
    text = "Marta Quill, our account director, will send the quote."
    assert find_people(text, sender_name="Marta  Quill") == []
    assert [p.name for p in find_people(text, sender_name="Other Person")] == ["Marta Quill"]


def test_a_person_named_twice_is_listed_once_with_the_first_role() -> None:
    text = ("Zeynep Fontaine (Finance Business Partner) will join. "
            "Zeynep Fontaine, our finance business partner, asked for the deck.")
    assert [(p.name, p.role) for p in find_people(text)] == [
        ("Zeynep Fontaine", "Finance Business Partner")]


@pytest.mark.parametrize(("role", "ok"), [
    ("Procurement Lead", True), ("Chief Revenue Officer", True), ("vice president", True),
    ("CISO", True), ("best friend", False), ("lead who will call", False),
    ("Senior Director of Global Strategic Partnerships EMEA", False),  # seven words
])
def test_a_role_is_short_and_carries_a_title_word(role: str, ok: bool) -> None:
    assert is_role(role) is ok


def test_the_writers_signature_block_is_not_read(blank_extractor: Extractor,
                                                 make_email: Callable[..., EmailIn]) -> None:
    body = ("Thanks for the update, I will review the contract this week.\n\n"
            "Best regards,\nAnna Berglund\nProcurement Lead\nTallow Ridge Foods\n"
            "Tel: +1 312 555 0142\nanna.berglund@tallowridge.example.com\n")
    result = blank_extractor.extract(make_email(body))
    assert "Anna Berglund" not in result.reply_text
    assert result.people == []


def test_quoted_history_gives_no_mention(blank_extractor: Extractor,
                                        make_email: Callable[..., EmailIn]) -> None:
    body = ("Sounds good, see you then.\n\n"
            "On Tue, 17 Nov 2026 at 09:12, Dana Whitlocke <dana@example.com> wrote:\n"
            "> Zeynep Fontaine (Finance Business Partner) will join the call.\n")
    result = blank_extractor.extract(make_email(body))
    assert result.people == []


def test_the_extractor_returns_people_with_offsets_into_reply_text(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn]) -> None:
    body = ("Hi Jonah,\n\nZeynep Fontaine (Finance Business Partner) will join on Thursday; "
            "our CFO, Dana Whitlocke, signs off.\n\nThanks,\nMarta\n")
    result = blank_extractor.extract(make_email(body))
    assert [(p.name, p.role) for p in result.people] == [
        ("Zeynep Fontaine", "Finance Business Partner"), ("Dana Whitlocke", "CFO")]
    for p in result.people:
        assert p.name in result.reply_text[p.start : p.end]
    assert result.to_dict()["people"][0] == {
        "name": "Zeynep Fontaine", "role": "Finance Business Partner",
        "start": result.people[0].start, "end": result.people[0].end}


@pytest.mark.model
def test_the_real_pipeline_finds_the_issues_example(model_extractor: Extractor,
                                                    make_email: Callable[..., EmailIn]) -> None:
    # the small model reads this name as an organisation: the role decides, not that label
    result = model_extractor.extract(make_email(
        "Zeynep Fontaine (Finance Business Partner) will join the call on Thursday."))
    assert [(p.name, p.role) for p in result.people] == [
        ("Zeynep Fontaine", "Finance Business Partner")]
