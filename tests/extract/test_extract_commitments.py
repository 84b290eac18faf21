"""Promises and requests: who owes what, and by when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app.extract import EmailIn, Extractor

WEDNESDAY = "2026-11-18T10:00:00"


def test_promise_in_sent_mail_is_due_that_friday(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    res = blank_extractor.extract(
        make_email("I'll send the revised quote by Friday.", sent=WEDNESDAY)
    )
    [c] = res.commitments
    assert (c.kind, c.owner, c.due) == ("promise", "sender", date(2026, 11, 20))
    assert c.action == "send the revised quote"
    assert res.reply_text[c.start : c.end] == "I'll send the revised quote by Friday."


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        ("Realistically we will know by Friday.", "an answer"),
        ("We will decide by Friday.", "a decision"),
        ("We will confirm by Friday.", "a confirmation"),
    ],
)
def test_a_dated_answer_reads_as_what_is_owed(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str, action: str
) -> None:
    [c] = blank_extractor.extract(make_email(sentence, sent=WEDNESDAY)).commitments
    assert (c.kind, c.action, c.due) == ("promise", action, date(2026, 11, 20))


def test_we_expect_it_by_a_date_is_the_reader_owing_not_a_promise(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    waiting = blank_extractor.extract(make_email("We expect the signed copy by Friday.",
                                                 sent=WEDNESDAY)).commitments
    assert [(c.kind, c.owner, c.action, c.due) for c in waiting] == [
        ("request", "recipient", "the signed copy", date(2026, 11, 20))]
    [vague] = blank_extractor.extract(make_email("We expect it by Friday.",
                                                 sent=WEDNESDAY)).commitments
    assert (vague.kind, vague.action) == ("request", "We expect it by Friday")  # not "it"
    [ours] = blank_extractor.extract(make_email("You can expect it by Friday.",
                                               sent=WEDNESDAY)).commitments
    assert (ours.kind, ours.owner, ours.due) == ("promise", "sender", date(2026, 11, 20))


def test_a_long_action_is_cut_at_a_word_that_ends_a_phrase(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    [c] = blank_extractor.extract(make_email(
        "Could you send a written plan with the remediation steps and the service credits "
        "you are offering?")).commitments
    assert c.action == "send a written plan with the remediation steps…"
    [offer] = blank_extractor.extract(make_email(
        "I'm happy to walk you through it on a short call if that is easier.")).commitments
    assert offer.action == "walk you through it on a short call"


def test_a_soft_ask_at_the_end_is_about_its_own_clause(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    [c] = blank_extractor.extract(make_email(
        "We are also looking at Brindlewood CRM, so a clear comparison would be useful."
    )).commitments
    assert (c.kind, c.owner, c.action) == ("request", "recipient", "a clear comparison")
    [join] = blank_extractor.extract(make_email("If you want to join, let me know.")).commitments
    assert join.action == "you want to join"


def test_request_to_the_reader_is_owed_by_the_recipient(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    [c] = blank_extractor.extract(make_email("Could you send the signed MSA?")).commitments
    assert (c.kind, c.owner, c.action, c.due) == (
        "request",
        "recipient",
        "send the signed MSA",
        None,
    )


@pytest.mark.parametrize(
    ("sentence", "kind", "due"),
    [
        ("We will have the contract to you by EOD Thursday.", "promise", date(2026, 11, 19)),
        ("I'll get back to you tomorrow morning.", "promise", date(2026, 11, 19)),
        ("Let me check with legal and confirm by end of day.", "promise", date(2026, 11, 18)),
        ("We'll ship the units next week.", "promise", date(2026, 11, 27)),
        ("I'll draft the plan early next week.", "promise", date(2026, 11, 24)),
        (
            "I will send the renewal paperwork by the end of the month.",
            "promise",
            date(2026, 11, 30),
        ),
        ("Please return the redlines by December 4.", "request", date(2026, 12, 4)),
        ("Can you confirm the seat count before 12/15?", "request", date(2026, 12, 15)),
        ("Send me the PO number within 3 business days.", "request", date(2026, 11, 23)),
        ("We need to close this by end of Q1.", "request", date(2027, 3, 31)),
        ("We closed a similar deal by end of Q1.", None, None),
        (
            "Would you mind filling out the vendor form by next Friday?",
            "request",
            date(2026, 11, 27),
        ),
    ],
)
def test_due_dates_are_resolved_against_the_sent_day(
    make_email: Callable[..., EmailIn],
    blank_extractor: Extractor,
    sentence: str,
    kind: str | None,
    due: date | None,
) -> None:
    found = blank_extractor.extract(make_email(sentence, sent=WEDNESDAY)).commitments
    assert [(c.kind, c.due) for c in found] == ([(kind, due)] if kind else [])


def test_the_sent_day_is_the_senders_local_day(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    # 23:30 in Los Angeles on Wednesday is already Thursday in UTC; "tomorrow" is still Thursday
    email = make_email(
        "I'll send it tomorrow.", sent="2026-11-18T23:30:00", tz="America/Los_Angeles"
    )
    assert blank_extractor.extract(email).commitments[0].due == date(2026, 11, 19)


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        ("If you agree, send me the signed order form.", "send me the signed order form"),
        (
            "If the numbers look right, just forward them to procurement.",
            "forward them to procurement",
        ),
        (
            "You'll need to upload the signed W-9 before we can issue the PO.",
            "upload the signed W-9 before we can issue the PO",
        ),
        (
            "We should walk through the rollout plan together.",
            "walk through the rollout plan together",
        ),
        ("I'd be happy to walk you through the dashboard.", "walk you through the dashboard"),
        ("Perhaps we could review the numbers with your CFO.", "review the numbers with your CFO"),
        ("The updated pricing sheet would be very helpful.", "The updated pricing sheet"),
        (
            "Send over the security questionnaire when you get a chance.",
            "Send over the security questionnaire",
        ),
        (
            "Don't forget to add the billing contact to the form.",
            "add the billing contact to the form",
        ),
        ("Please feel free to share the deck with your team.", "share the deck with your team"),
        ("If you want to join the pilot, let me know.", "you want to join the pilot"),
        ("Let me know by Friday whether the start date works.", "Let me know"),
    ],
)
def test_requests_in_their_many_forms_are_owed_by_the_reader(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str, action: str
) -> None:
    found = blank_extractor.extract(make_email(sentence)).commitments
    # an offer ("I'd be happy to walk you through it") is also the sender's promise
    assert [(c.owner, c.action) for c in found if c.kind == "request"] == [("recipient", action)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Let me know if you have any questions.",
        "Please find attached the agenda for Thursday.",
        "I sent the deck to your team last week.",
        "I will be out of the office until Monday.",
        "I think we will see more volume next year.",
        "Thanks for the quick turnaround!",
        "Feel free to reach out if you need anything else.",
        "Add us to your address book so our product news reaches you.",
        "If you no longer wish to receive our updates, please use the preferences page.",
        "Gifts sure to please every budget.",
        "It has been a long quarter, hasn't it?",
        "We want to thank you for being a loyal customer.",
        "Happy to help if anything else comes up.",
    ],
)
def test_boilerplate_and_statements_are_not_commitments(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str
) -> None:
    assert blank_extractor.extract(make_email(sentence)).commitments == []


def test_promise_and_request_in_one_message_keep_their_own_evidence(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = (
        "Hi Dana,\n\nI'll send the SOW on Tuesday. Could you loop in procurement?\n\nBest,\nJonah"
    )
    res = blank_extractor.extract(make_email(body))
    assert [(c.kind, res.reply_text[c.start : c.end]) for c in res.commitments] == [
        ("promise", "I'll send the SOW on Tuesday."),
        ("request", "Could you loop in procurement?"),
    ]


def test_commitments_in_the_quoted_history_are_ignored(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = (
        "Sounds good, thanks.\n\n"
        "On Tue, Nov 17, 2026 at 9:14 AM Dana Whitfield <dana@example.com> wrote:\n"
        "> Could you send the signed MSA by Friday?"
    )
    assert blank_extractor.extract(make_email(body)).commitments == []


@pytest.mark.model
def test_the_model_spots_imperatives_outside_the_verb_list(
    make_email: Callable[..., EmailIn], model_extractor: Extractor
) -> None:
    [c] = model_extractor.extract(
        make_email("Finalize the rollout checklist by Monday.")
    ).commitments
    assert (c.kind, c.owner, c.due) == ("request", "recipient", date(2026, 11, 23))


@pytest.mark.parametrize("sentence", [
    "Please send me the signed order form ASAP.",
    "Could you get back to me as soon as possible?",
    "I'll send the revised quote shortly.",
    "We will have the pilot report for you soon.",
])
def test_asap_and_soon_name_no_due_day(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str
) -> None:
    # docs/extraction-guide.md, "due": "Soon" and "ASAP" are no date
    (found,) = blank_extractor.extract(make_email(sentence, sent=WEDNESDAY)).commitments
    assert found.due is None and found.due_text is None
