"""Deal signals with their values and evidence."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.extract import EmailIn, Extractor


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("Our budget for this is capped at $120,000 for the year.", "budget", "$120,000"),
        ("The annual license fee of €64,500 includes support.", "pricing", "€64,500"),
        ("We need to be live before the end of Q1.", "timeline", "before the end of Q1"),
        ("Our CFO has the final say on this purchase.", "decision_maker", "cfo"),
        ("Our legal team is still reviewing the MSA redlines.", "procurement", "legal team"),
        ("We're considering cancelling the contract at renewal.", "risk", "cancel"),
        ("The project is on hold until the reorganisation is done.", "risk", "on_hold"),
        ("Leadership decided to push the rollout back by a quarter.", "risk", "delay"),
        ("We'd like to add 40 more seats for the support team.", "expansion", "40 more seats"),
        ("We're ready to move forward with the three-year agreement.", "positive_intent", None),
        ("Are you free for a 30-minute call on Thursday?", "meeting_request", "on Thursday"),
        ("We're looking for a tool that integrates with our ERP.", "need", None),
    ],
)
def test_each_signal_kind_with_its_value(
    make_email: Callable[..., EmailIn],
    blank_extractor: Extractor,
    sentence: str,
    kind: str,
    value: str | None,
) -> None:
    res = blank_extractor.extract(make_email(sentence))
    assert (kind, value) in [(s.kind, s.value) for s in res.signals]
    hit = next(s for s in res.signals if s.kind == kind)
    assert res.reply_text[hit.start : hit.end] == hit.text and 0 < hit.confidence <= 1


def test_a_known_competitor_is_named(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    res = blank_extractor.extract(
        make_email("Frankly, DealPilot came in cheaper on the first quote."),
        competitors=["DealPilot"],
    )
    assert ("competitor", "DealPilot") in [(s.kind, s.value) for s in res.signals]
    assert ("ORG", "DealPilot") in [(e.label, e.text) for e in res.entities]


@pytest.mark.model
def test_the_model_finds_people_and_organisations(
    make_email: Callable[..., EmailIn], model_extractor: Extractor
) -> None:
    res = model_extractor.extract(
        make_email("Marta Lindqvist from Halvorsen Foods wants a demo next week.")
    )
    labels = {(e.label, e.text) for e in res.entities}
    assert ("PERSON", "Marta Lindqvist") in labels
    assert any(s.kind == "meeting_request" for s in res.signals)
