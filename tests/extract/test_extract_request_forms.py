"""Request, proposal and dated-promise forms a reader of English mail recognises.

Every sentence here is invented (people, companies and products are made up). Each case names
the form it stands for, so a failure says which category of English stopped working.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app.extract import EmailIn, Extractor

WEDNESDAY = "2026-11-18T10:00:00"


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        # indirect questions
        (
            "I was wondering if you could send the latest usage report.",
            "send the latest usage report",
        ),
        (
            "We were wondering whether the Fernhill team had a chance to test the sandbox.",
            "the Fernhill team had a chance to test the sandbox",
        ),
        # questions by inversion that lost their question mark
        ("Can we move the pricing review to next month.", "move the pricing review"),
        ("Do you have a copy of the signed NDA.", "a copy of the signed NDA"),
        ("Are you still free for a call with Priya", "a call with Priya"),
        # proposals
        ("How about a short call with your admins.", "a short call with your admins"),
        ("Why not loop in your procurement team.", "loop in your procurement team"),
        (
            "Our recommendation is to start with the finance team.",
            "start with the finance team",
        ),
        (
            "I'd recommend that you renew before the price change.",
            "you renew before the price change",
        ),
        (
            "The draft is ready - lets review it together with Omar.",
            "review it together with Omar",
        ),
        ("Also want to go over the rollout plan with you.", "go over the rollout plan with you"),
        ("Happy to jump on a call if that is easier.", "jump on a call"),
        # gratitude in advance and wishes that the reader act
        (
            "I'd be grateful if you could introduce me to your CTO.",
            "introduce me to your CTO",
        ),
        (
            "We'd greatly appreciate a quick look at the vendor form.",
            "a quick look at the vendor form",
        ),
        (
            "It would be super helpful if your team could share the API limits.",
            "share the API limits",
        ),
        ("Hope you can join the kickoff with Lena's team.", "join the kickoff with Lena's team"),
        ("Marta would like you to review the redlines.", "review the redlines"),
        # advice and prohibitions
        ("I think you should loop in your security lead.", "loop in your security lead"),
        (
            "Don't share the pricing sheet outside your team.",
            "share the pricing sheet outside your team",
        ),
        # a thanks or a condition in front of a command
        ("Thanks, please send the W-9 to accounts.", "send the W-9 to accounts"),
        (
            "If you are running the pilot, be sure to invite the admins.",
            "be sure to invite the admins",
        ),
        (
            "To speed things up, send the PO straight to Kemal.",
            "send the PO straight to Kemal",
        ),
        ("Will you be able to send the logo files", "send the logo files"),
        ("Could I ask you to resend the invite to Noor.", "ask you to resend the invite to Noor"),
        (
            "Appreciate it if you could forward the deck to Ilse.",
            "forward the deck to Ilse",
        ),
        ("Should we add your CFO to the invite.", "add your CFO to the invite"),
        # a call asked for; a weekday after "call me" is a time, not a name
        ("Call me Thursday.", "Call me"),
        # "let us" / "let's" with a joint step is a proposal
        ("Let us meet with the Corvane team first.", "meet with the Corvane team first"),
        ("Let's see if we can move the demo.", "see if we can move the demo"),
        (
            "Would it be ok to share the case study with Harlow Foods?",
            "share the case study with Harlow Foods",
        ),
        # a nudge for an update
        ("Just checking in on the signed order form.", "the signed order form"),
        (
            "Any update on the purchase order from Tessa.",
            "Any update on the purchase order from Tessa",
        ),
    ],
)
def test_request_and_proposal_forms_are_owed_by_the_reader(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str, action: str
) -> None:
    found = blank_extractor.extract(make_email(sentence)).commitments
    assert [(c.kind, c.owner, c.action) for c in found if c.kind == "request"] == [
        ("request", "recipient", action)
    ]


@pytest.mark.parametrize(
    ("sentence", "kind", "action", "due"),
    [
        # a time proposed to the reader
        (
            "Thursday at 3pm works for me.",
            "request",
            "Thursday at 3pm works for me",
            date(2026, 11, 19),
        ),
        # a closing that sets a date for the reply
        (
            "I look forward to your reply by Friday.",
            "request",
            "your reply",
            date(2026, 11, 20),
        ),
        # the progressive future of a planned step, with its day
        (
            "We'll be setting up the sandbox on Monday.",
            "promise",
            "setting up the sandbox",
            date(2026, 11, 23),
        ),
        # attendance promised for a day
        ("I'll be there on Friday.", "promise", "be there", date(2026, 11, 20)),
        # the due opens the sentence: the action keeps it rather than come out empty
        ("Friday breakfast with the Brightwater team?", "request", None, date(2026, 11, 20)),
    ],
)
def test_dated_proposals_and_promises(
    make_email: Callable[..., EmailIn],
    blank_extractor: Extractor,
    sentence: str,
    kind: str,
    action: str | None,
    due: date,
) -> None:
    [c] = blank_extractor.extract(make_email(sentence, sent=WEDNESDAY)).commitments
    assert (c.kind, c.due) == (kind, due)
    assert c.action == action if action is not None else c.action


@pytest.mark.parametrize(
    "sentence",
    [
        # closings, apologies and replies without a subject
        "Talk to you soon.",
        "Looking forward to hearing from you.",
        "Forgive the late reply.",
        "Agreed, the numbers look fine.",
        "Got it, thanks.",
        # a Title Case heading (a subject line, a newsletter, an advert)
        "Quarterly Pricing Update For All Enterprise Customers?",
        # someone else was told; "going to" a place is no promise
        "He let me know that the budget was approved.",
        "We are going to the partner summit on Friday.",
        # courtesy lines stay out (a product decision, see docs/EXTRACTION.md)
        "Please do not hesitate to contact me with any questions.",
        "Hope you had a relaxing weekend.",
        # an offer ("let us help you") and waiting to see are no proposals
        "Let us help you set up the new workspace.",
        "Let us show you what the Quillmark reports can do.",
        "Let's see how things go with the pilot.",
        "Let's hope the courier is on time.",
        # "call me <name>" gives a name
        "Just call me Ravi.",
        "Call me Anouk.",
        # a negative wish is no request
        "We don't want you to miss the early renewal price.",
    ],
)
def test_closings_headings_and_reports_are_not_requests(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor, sentence: str
) -> None:
    found = blank_extractor.extract(make_email(sentence, sent=WEDNESDAY)).commitments
    assert [c for c in found if c.kind == "request" or c.due is not None] == []


@pytest.mark.model
@pytest.mark.parametrize(
    "sentence",
    ["Look forward to seeing the new dashboard.", "Forgive the slow reply.", "Agree."],
)
def test_the_tagger_does_not_turn_closings_into_commands(
    make_email: Callable[..., EmailIn], model_extractor: Extractor, sentence: str
) -> None:
    found = model_extractor.extract(make_email(sentence)).commitments
    assert [c for c in found if c.kind == "request"] == []
