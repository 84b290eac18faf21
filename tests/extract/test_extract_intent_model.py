"""The intent model after the rules: it only adds requests and dated promises the rules
missed, never what is left out on purpose, and its shipped weights hold no text of the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app.extract import EmailIn, Extractor, intent


def keen_on(*words: str) -> intent.IntentModel:
    return intent.IntentModel({f"u:{w}": 4.0 for w in words}, bias=-2.0, threshold=0.5)


def test_a_confident_model_adds_a_request_the_rules_missed(
        make_email: Callable[..., EmailIn]) -> None:
    ex = Extractor.from_settings(None)
    email = make_email("Hi Dana,\n\nYour thoughts on the rollout plan would be welcome. Thanks!")
    ex.intent = None
    assert [c for c in ex.extract(email).commitments if c.kind == "request"] == []
    ex.intent = keen_on("thoughts")  # "thoughts" is no stop word: the model sees "<w>"
    assert ex.extract(email).commitments == []
    ex.intent = keen_on("your")
    result = ex.extract(email)
    (added,) = result.commitments
    assert (added.kind, added.owner) == ("request", "recipient")
    assert added.text == "Your thoughts on the rollout plan would be welcome."
    assert result.reply_text[added.start:added.end] == added.text  # the evidence span
    assert added.confidence <= 0.7  # a learned guess ranks below the rules' cues


def test_a_first_person_sentence_with_a_time_becomes_a_dated_promise(
        make_email: Callable[..., EmailIn]) -> None:
    ex = Extractor.from_settings(None)
    ex.intent = keen_on("we")
    result = ex.extract(make_email("We are going to be in Hamburg on Friday with the new kit."))
    (added,) = result.commitments
    assert (added.kind, added.owner) == ("promise", "sender")
    assert added.due == date(2026, 11, 20)  # the email was sent on Wednesday 18 November


@pytest.mark.parametrize("sentence", [
    "Please find attached the agenda for our call.",
    "Let me know if you have any questions.",
    "Q3 ROADMAP UPDATE",
    "Ok, thanks.",
])
def test_what_is_left_out_on_purpose_stays_out(
        make_email: Callable[..., EmailIn], sentence: str) -> None:
    ex = Extractor.from_settings(None)
    ex.intent = intent.IntentModel({}, bias=5.0, threshold=0.5)  # says yes to everything
    assert [c for c in ex.extract(make_email(sentence)).commitments if c.kind == "request"] == []


def test_a_sentence_the_rules_read_is_left_to_the_rules(
        make_email: Callable[..., EmailIn]) -> None:
    ex = Extractor.from_settings(None)
    ex.intent = intent.IntentModel({}, bias=5.0, threshold=0.5)
    (request,) = ex.extract(make_email("Could you send the signed MSA by Friday?")).commitments
    assert request.action == "send the signed MSA" and request.confidence > 0.7


def test_the_shipped_weights_name_closed_class_words_only() -> None:
    model = intent.load()
    assert model is not None and 0 < model.threshold < 1
    shapes = {"<w>", "<num>", "<s>", "</s>", "?", "!"}
    for name in model.weights:
        kind, _, rest = name.partition(":")
        if kind == "u":
            assert rest in intent.VOCABULARY | shapes, name
        elif kind == "b":
            a, _, b = rest.partition("_")
            assert a in intent.VOCABULARY | shapes and b in intent.VOCABULARY | shapes, name
        else:
            assert "=" in name or name == "bias_rule", name
