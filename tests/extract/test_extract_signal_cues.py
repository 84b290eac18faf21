"""Deal-signal cues (issue 15, item 5): each kind fires on what the guide calls it and not on
its look-alikes. Invented sentences only; one sentence per case, read by the rule pass."""

from __future__ import annotations

import pytest

from app.extract.rules import find_signals

CASES = [
    # pricing: a price under discussion or a request for one; not an invoice, not accounting
    ("Can you send over a quote for 50 additional licenses?", "pricing", True),
    ("What would 40 seats cost?", "pricing", True),
    ("The total comes to $4,200 per month for the whole team.", "pricing", True),
    ("Frankly, Quorvia came in cheaper on the initial quote.", "pricing", True),
    ("The invoice for October is attached.", "pricing", False),
    ("Our costs went up this quarter.", "pricing", False),
    ("Share prices fell 4% this morning.", "pricing", False),
    ("Please charge the trip to cost center 4410.", "pricing", False),
    # timeline: a dated target for a deal or project action
    ("The go-live is planned for 1 March.", "timeline", True),
    ("Leadership decided to push the rollout back by a quarter.", "timeline", True),
    ("Start date: 04/02/27 | Ticket: 5521 | Status: open", "timeline", False),
    ("We deploy the build nightly.", "timeline", False),
    # need: a business need the reader could meet; not an intention ("we need to check")
    ("We still need a supplier for the Lyon site.", "need", True),
    ("Our team is short of licences for the new hires.", "need", True),
    ("We need to check the numbers again.", "need", False),
    ("You must have been busy with the launch.", "need", False),
    # risk: complaints, threats, delays of deliverables; not apologies, meetings or software
    ("The delivery of the units is delayed by two weeks.", "risk", True),
    ("We are considering cancelling the contract at renewal.", "risk", True),
    ("The client is unhappy with the support they got.", "risk", True),
    ("I've had to escalate the outage to our CEO.", "risk", True),
    ("Sorry for the delay in getting back to you.", "risk", False),
    ("The meeting has been postponed to Friday.", "risk", False),
    ("The meeting on Tuesday is cancelled.", "risk", False),
    ("When I run the build it complains about a missing key.", "risk", False),
    ("There is no escalation clause in the price.", "risk", False),
    ("Benefits end on termination of employment.", "risk", False),
    # positive intent: agreement to proceed; not enthusiasm or the "go ahead and" idiom
    ("We're ready to move forward with the pilot.", "positive_intent", True),
    ("The proposal looks great to us.", "positive_intent", True),
    ("Legal has approved the MSA.", "positive_intent", True),
    ("I'll go ahead and book the room.", "positive_intent", False),
    ("I love this job.", "positive_intent", False),
    ("We are in the process of reviewing the draft.", "positive_intent", False),
    # meeting request: a proposal, invitation or confirmation of a meeting with the reader
    ("Let's talk tomorrow.", "meeting_request", True),
    ("Can we meet on the 12th?", "meeting_request", True),
    ("Wednesday at 2 pm works for me.", "meeting_request", True),
    ("I'll call you tomorrow about the renewal.", "meeting_request", True),
    ("Can I take you to lunch next week?", "meeting_request", True),
    ("I would like to sit down and talk with you about the rollout.", "meeting_request", True),
    ("They want to set up a conference call with your team.", "meeting_request", True),
    ("Please join me in congratulating Ana on her promotion.", "meeting_request", False),
    ("Give me a call at 555-0142 if you have any questions.", "meeting_request", False),
    ("We met on Monday to review the plan.", "meeting_request", False),
    # procurement: contract mechanics, agreements and their drafts
    ("Attached is the revised master services agreement.", "procurement", True),
    ("Please send the signed NDA by Friday.", "procurement", True),
    ("Priya, the draft amendment is attached with my edits.", "procurement", True),
    ("Can you raise the credit line for the new entity?", "procurement", True),
    ("Highlight the search terms on the results page.", "procurement", False),
    ("The farmers sow wheat in October.", "procurement", False),
    # budget: money available or the budget process; "funds" and "allocated" need an amount
    ("The project budget for next year is approved.", "budget", True),
    ("Finance approved funding for the first phase only.", "budget", True),
    ("We have $40k of funds left for tools this year.", "budget", True),
    ("Each worker is allocated two cores on the cluster.", "budget", False),
    ("With a nightly job you can afford a full rebuild.", "budget", False),
    # expansion: more seats, scope or a renewal with the customer; not a software upgrade
    ("We'd like to add 20 more seats for the Lyon team.", "expansion", True),
    ("We plan to expand the rollout to the other regions.", "expansion", True),
    ("The contract is due for renewal in March.", "expansion", True),
    ("I upgraded the build server to the new version.", "expansion", False),
    ("The viewer has an expand button for long threads.", "expansion", False),
    # competitor: weighed against the reader's offer, named without the tenant's list
    ("We are looking at alternatives such as Fernwick Cloud before we decide.", "competitor", True),
    ("Our team wants to compare against Quillstone first.", "competitor", True),
    ("We are evaluating Harbor Metrics as well.", "competitor", True),
    ("Compared to Tallyforge your offer is high.", "competitor", True),
    ("We are evaluating the options this week.", "competitor", False),
    ("Compared to last year, the volume doubled.", "competitor", False),
    ("We are considering Monday for the call.", "competitor", False),
    ("There are other options for the venue as well.", "competitor", False),
]


@pytest.mark.parametrize(("sentence", "kind", "expected"), CASES)
def test_signal_cue(sentence: str, kind: str, expected: bool) -> None:
    kinds = {s.kind for s in find_signals(sentence)}
    assert (kind in kinds) is expected, (sentence, sorted(kinds))


@pytest.mark.parametrize(("sentence", "name"), [
    ("We are looking at alternatives such as Fernwick Cloud before we decide.", "Fernwick Cloud"),
    ("We decided to go with Brightpath & Sons instead.", "Brightpath & Sons"),
    ("Compared to Tallyforge your offer is high.", "Tallyforge"),
])
def test_competitor_value_is_the_name(sentence: str, name: str) -> None:
    values = [s.value for s in find_signals(sentence) if s.kind == "competitor"]
    assert values == [name]


def test_money_value_of_a_price() -> None:
    (pricing,) = [s for s in find_signals("The total comes to $4,200 per month.") if
                  s.kind == "pricing"]
    assert pricing.value == "$4,200"
